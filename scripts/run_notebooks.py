"""Re-execute the lesson notebooks in place and normalise them for git.

    python scripts/run_notebooks.py                # every notebook in notebooks/ and book/
    python scripts/run_notebooks.py notebooks/01_shannon_entropy.ipynb
    python scripts/run_notebooks.py --check        # only verify they are normalised

Normalising keeps every output and execution count (nbval compares them) and
drops what changes on every run for no reason: per-cell execution timings,
the saved widget state (the book build re-creates it) and the Python patch
version.  A re-run of an unchanged notebook then leaves an almost empty diff.

It also writes the numbers in the prose.  A markdown cell quotes a value that a
code cell stored with ``glue("NAME", value)`` as

    <span data-glue="NAME:SPEC">TEXT</span>

and TEXT is replaced by ``format(value, SPEC)`` from the executed notebook (never a
negative zero; an infinite value prints as ``∞``).  The prose then reads right
wherever the notebook is opened (website, JupyterLab, Colab, GitHub), and
``--check`` (run by the tests) fails when a TEXT differs from its stored value.

And it folds the solutions where the notebook is read (SPEC's notebook format): a
markdown cell tagged ``solution`` that starts with a ``#### Solution to exercise N``
heading gets ``jp-MarkdownHeadingCollapsed`` (JupyterLab opens the section
collapsed) and its id in the notebook's ``colab.collapsed_sections`` (Colab does
the same, finding the cell by ``metadata.id``).  The website folds the same
sections (website/notebook_format.py).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import math
import pathlib
import re
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Every stored notebook: the lessons and the computed pages of the book.
NOTEBOOK_GLOBS = ("notebooks/*.ipynb", "book/*.ipynb")


def all_notebooks() -> list[pathlib.Path]:
    return sorted(p for pattern in NOTEBOOK_GLOBS for p in ROOT.glob(pattern))


#: A glued number in a markdown cell: <span data-glue="NAME:SPEC">TEXT</span>.
GLUE_SPAN = re.compile(r'<span data-glue="(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::(?P<spec>[^"]*))?">'
                       r'(?P<text>[^<]*)</span>')
GLUE_MIME = "application/papermill.record/text/plain"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def glued_values(nb: nbformat.NotebookNode) -> dict:
    """NAME -> value of every ``glue("NAME", value)`` stored in the notebook's outputs."""
    values = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and GLUE_MIME in out.get("data", {}):
                text = out["data"][GLUE_MIME]
                if name in values:
                    raise ValueError(f"the value {name!r} is glued twice")
                values[name] = _parse(text)
    return values


def _parse(text: str):
    if text in ("inf", "-inf", "nan"):
        return float(text)
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text  # not a Python literal: quote its text as it is


def glue_text(value, spec: str) -> str:
    """How the prose shows a glued value: format(value, spec), no "-0", "∞" for infinity."""
    if isinstance(value, float):
        if math.isinf(value):
            return "∞" if value > 0 else "−∞"
        text = format(value + 0.0, spec)
        if text.startswith("-") and not re.search(r"[1-9]", text):
            text = text[1:]  # a negative number that rounds to zero
        return text
    return format(value, spec)


def fill_prose(nb: nbformat.NotebookNode) -> list[str]:
    """Write every glued number into the prose; returns the spans that name no glued value."""
    values, unknown = glued_values(nb), []

    def replace(m: re.Match) -> str:
        name, spec = m["name"], m["spec"] or ""
        if name not in values:
            unknown.append(name)
            return m[0]
        return f'<span data-glue="{m["name"]}{":" + spec if m["spec"] is not None else ""}">' \
               f"{glue_text(values[name], spec)}</span>"

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = GLUE_SPAN.sub(replace, cell.source)
    return unknown


def prose_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Glued numbers in the prose that do not match the stored values."""
    values, found = glued_values(nb), []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for m in GLUE_SPAN.finditer(cell.source):
            if m["name"] not in values:
                found.append(f"cell {i}: the prose quotes {m['name']!r}, which no cell glues")
            elif m["text"] != glue_text(values[m["name"]], m["spec"] or ""):
                found.append(f"cell {i}: the prose says {m['text']!r} for {m['name']!r}, "
                             f"the stored value gives {glue_text(values[m['name']], m['spec'] or '')!r}")
    return found


#: The heading that opens a solution section (SPEC: "#### Solution to exercise N"; in the
#: Korean edition "#### 연습 문제 N 풀이").
SOLUTION_HEADING = re.compile(r"^####[ \t]+(?:Solution to exercise\b|연습 문제 \d+ 풀이)")
SOLUTION_TAG = "solution"


def solution_headings(nb: nbformat.NotebookNode) -> list:
    """The markdown cells tagged ``solution`` that open a solution section."""
    return [c for c in nb.cells if c.cell_type == "markdown" and SOLUTION_TAG in c.metadata.get("tags", [])
            and SOLUTION_HEADING.match(c.source.lstrip())]


def fold_solutions(nb: nbformat.NotebookNode) -> None:
    """Write the metadata that opens every solution section collapsed in JupyterLab and Colab."""
    ids = []
    for cell in nb.cells:
        cell.metadata.pop("jp-MarkdownHeadingCollapsed", None)
    for cell in solution_headings(nb):
        cell.metadata["jp-MarkdownHeadingCollapsed"] = True
        cell.metadata["id"] = cell.id
        ids.append(cell.id)
    colab = nb.metadata.get("colab", {})
    colab.pop("collapsed_sections", None)
    if ids:
        colab["collapsed_sections"] = ids
    if colab:
        nb.metadata["colab"] = colab
    else:
        nb.metadata.pop("colab", None)


def fold_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Solution sections that would not open collapsed."""
    found, ids = [], nb.metadata.get("colab", {}).get("collapsed_sections", [])
    headings = solution_headings(nb)
    for cell in headings:
        if cell.metadata.get("jp-MarkdownHeadingCollapsed") is not True or cell.metadata.get("id") != cell.id:
            found.append(f"the solution heading cell {cell.id} is not marked collapsed")
    if ids != [c.id for c in headings]:
        found.append("metadata.colab.collapsed_sections does not list exactly the solution headings")
    for cell in nb.cells:
        if cell.metadata.get("jp-MarkdownHeadingCollapsed") and cell.get("id") not in {c.id for c in headings}:
            found.append(f"cell {cell.id} is collapsed but opens no solution")
    return found


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
            for k, out in enumerate(cell.outputs):
                view = out.get("data", {}).get(WIDGET_VIEW)
                if view is not None:
                    # A random id on every run; the stored notebook keeps no widget state
                    # for it to point to, so an id derived from the cell is as good and
                    # leaves no diff.
                    view["model_id"] = hashlib.sha1(f"{cell.get('id')}/{k}".encode()).hexdigest()[:32]
    return nb


def merge_streams(outputs: list) -> list:
    """Consecutive printed outputs of one stream as one output: how a kernel splits a
    cell's printing into messages depends on timing, and would show up as a diff."""
    merged = []
    for out in outputs:
        if (out.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream" and merged[-1].get("name") == out.get("name")):
            merged[-1]["text"] = "".join(merged[-1]["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """Why a stored notebook is not executed-and-normalised (empty list if it is)."""
    found = []
    if "widgets" in nb.metadata:
        found.append("stores widget state (metadata.widgets)")
    count = 0
    for i, cell in enumerate(nb.cells):
        if "execution" in cell.metadata:
            found.append(f"cell {i} stores execution timings")
        if cell.cell_type == "code" and cell.source.strip():
            count += 1
            if cell.execution_count != count:
                found.append(f"cell {i} has execution count {cell.execution_count}, expected {count}"
                             " (run the notebook top to bottom in a fresh kernel)")
    return found + prose_problems(nb) + fold_problems(nb)


def run(path: pathlib.Path, timeout: int = 300) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    unknown = fill_prose(nb)
    if unknown:
        raise SystemExit(f"{path.name}: the prose quotes values that no cell glues: {unknown}")
    fold_solutions(nb)
    nbformat.write(normalise(nb), path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", type=pathlib.Path)
    parser.add_argument("--check", action="store_true", help="verify only; exit 1 if a notebook needs a re-run")
    args = parser.parse_args(argv)
    paths = args.paths or all_notebooks()
    status = 0
    for path in paths:
        if args.check:
            for problem in problems(nbformat.read(path, as_version=4)):
                print(f"{path.name}: {problem}")
                status = 1
        else:
            print(f"executing {path.name} ...", flush=True)
            run(path)
    return status


if __name__ == "__main__":
    sys.exit(main())
