"""Re-execute the lesson notebooks in place and normalise them for git.

    python scripts/run_notebooks.py                # every notebook in notebooks/ and book/
    python scripts/run_notebooks.py notebooks/01_shannon_entropy.ipynb
    python scripts/run_notebooks.py --check        # only verify they are normalised

Normalising keeps every output and execution count (nbval compares them) and
drops what changes on every run for no reason: per-cell execution timings,
the saved widget state (the book build re-creates it) and the Python patch
version.  A re-run of an unchanged notebook then leaves an almost empty diff.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Every stored notebook: the lessons and the computed pages of the book.
NOTEBOOK_GLOBS = ("notebooks/*.ipynb", "book/*.ipynb")


def all_notebooks() -> list[pathlib.Path]:
    return sorted(p for pattern in NOTEBOOK_GLOBS for p in ROOT.glob(pattern))


def normalise(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb.metadata.pop("widgets", None)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("collapsed", None)
        cell.metadata.pop("scrolled", None)
    return nb


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
    return found


def run(path: pathlib.Path, timeout: int = 300) -> None:
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
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
