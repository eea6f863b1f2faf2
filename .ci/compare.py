"""Run notebooks with the Python that runs this script; compare printed values with the stored ones.

    python .ci/compare.py NOTEBOOK...

Each notebook runs top to bottom in a fresh kernel (nbclient), in its own folder,
and every code cell's new text outputs are compared with the outputs stored in
the file, as nbval compares them (pytest.ini says what): printed text, text/plain
and text/html, as exact strings once memory addresses and SVG images are blanked;
PNG/JPEG images, widget views and the cells tagged nbval-ignore-output are not
compared. Glued values are compared as the reader sees them: every number the
prose quotes (<span data-glue>) must read the same from the new run
(scripts/run_notebooks.py formats them); their last binary digit may differ
between NumPy versions. A cell that raises stops the notebook.

Used by the CI jobs that run the lessons where readers run them: the reader's
environment (requirements.txt alone, as Binder installs it, .ci/reader) and Colab's
versions (.ci/colab, with --colab: the kernel imports ``google.colab`` at start,
as Colab's does, and the lesson sits alone in its folder).
Needs only nbformat and nbclient. Prints one line per notebook; exit status 1 if
any notebook failed or differed.
"""

from __future__ import annotations

import argparse
import collections
import pathlib
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

HERE = pathlib.Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "scripts")]  # run_notebooks.py: in scripts/, or copied beside
import run_notebooks  # noqa: E402

NOT_COMPARED = {"image/png", "image/jpeg", "application/vnd.jupyter.widget-view+json",
                run_notebooks.GLUE_MIME}
SANITIZE = [(re.compile(r"0x[0-9a-fA-F]+"), "0xADDRESS"),
            (re.compile(r"<svg\b.*</svg>", re.S), "<svg>(an SVG image: not compared)</svg>")]


def _clean(text) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    for pattern, replacement in SANITIZE:
        text = pattern.sub(replacement, text)
    return text


def comparable(outputs) -> dict[str, list[str]]:
    """Outputs grouped by kind (stream name or MIME type), in order, as nbval groups them;
    the text of each stream in one piece."""
    found = collections.defaultdict(list)
    streams = collections.defaultdict(str)
    for out in outputs:
        if out["output_type"] == "stream":  # one text per stream: chunking varies from run to run
            streams[out["name"]] += _clean(out["text"])
        elif out["output_type"] == "error":
            found["error"].append(f"{out['ename']}: {out['evalue']}")
        else:
            for mime, value in out.get("data", {}).items():
                if mime not in NOT_COMPARED:
                    found[mime].append(_clean(value))
    found.update({name: [text] for name, text in streams.items()})
    return dict(found)


def check(path: pathlib.Path, timeout: int, colab: bool = False) -> tuple[bool, str]:
    stored = nbformat.read(path, as_version=4)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    start = time.monotonic()
    # Colab's kernel has imported google.colab before the first cell runs (a stub on
    # PYTHONPATH stands in for it).
    extra = ["--IPKernelApp.exec_lines=import google.colab"] if colab else []
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", extra_arguments=extra,
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = exc
    seconds = time.monotonic() - start
    ran = compared = 0
    differences = []
    for i, (new, old) in enumerate(zip(nb.cells, stored.cells)):
        if new.cell_type != "code" or not new.source.strip():
            continue
        if new.execution_count is None:
            break
        ran += 1
        if "nbval-ignore-output" in new.metadata.get("tags", []):
            continue
        compared += 1
        got, want = comparable(new.outputs), comparable(old.outputs)
        if got != want:
            kinds = sorted(set(got) | set(want))
            kind = next(k for k in kinds if got.get(k) != want.get(k))
            differences.append(f"    cell {i} ({kind}): stored {want.get(kind)!r}\n"
                               f"    {' ' * len(f'cell {i} ({kind}): ')}now    {got.get(kind)!r}")
    if error is None:
        differences += [f"    prose: {problem}" for problem in run_notebooks.prose_problems(nb)]
    total = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
    summary = (f"{path.name}: ran {ran} of {total} code cells in {seconds:.1f} s, "
               f"{compared - len(differences)} of {compared} compared cells agree")
    if error is not None:
        reason = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()
        last = next((line for line in reversed(reason) if line.strip()), "an error")
        summary += f"; STOPPED by an error: {last.strip()[:300]}"
    if differences:
        summary += ":\n" + "\n".join(differences[:5])
        if len(differences) > 5:
            summary += f"\n    ... and {len(differences) - 5} more"
    return error is None and not differences, summary


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--timeout", type=int, default=300, help="seconds per cell")
    parser.add_argument("--colab", action="store_true", help="the kernel imports google.colab first")
    parser.add_argument("--pending", type=pathlib.Path, default=None,
                        help="a file of lines 'NOTEBOOK.ipynb: why it cannot pass yet': expected failures, "
                             "strictly (one that passes fails the run until its line goes)")
    args = parser.parse_args(argv)
    pending = {}
    if args.pending and args.pending.exists():
        for line in args.pending.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name, _, why = line.partition(":")
                pending[name.strip()] = why.strip()
    status = 0
    for path in args.notebooks:
        ok, summary = check(path.resolve(), args.timeout, args.colab)
        if path.name in pending:
            label = "PASSES, remove its line from the pending list: " if ok else f"xfail ({pending[path.name]}) "
            print(label + summary, flush=True)
            status |= ok
        else:
            print(("ok    " if ok else "FAIL  ") + summary, flush=True)
            status |= not ok
    return status


if __name__ == "__main__":
    sys.exit(main())
