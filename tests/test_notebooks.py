"""The stored notebooks: executed, normalised, and really guarded by nbval."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

import run_notebooks

ROOT = pathlib.Path(__file__).resolve().parents[1]

NOTEBOOKS = run_notebooks.all_notebooks()
LESSON_1 = "01_shannon_entropy.ipynb"
WIDGET = "application/vnd.jupyter.widget-view+json"
LESSONS = [p for p in NOTEBOOKS if p.parent.name == "notebooks"]


def test_every_lesson_is_stored():
    names = [p.name for p in NOTEBOOKS]
    assert LESSON_1 in names and len([n for n in names if n[:2].isdigit()]) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_executed_and_normalised(path):
    nb = nbformat.read(path, as_version=4)
    folds = run_notebooks.fold_problems(nb)
    assert [p for p in run_notebooks.problems(nb) if p not in folds] == [], (
        f"{path.name} needs `python scripts/run_notebooks.py {path.relative_to(ROOT)}`")
    nbformat.validate(nb)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_solutions_open_collapsed_in_jupyterlab_and_colab(path):
    nb = nbformat.read(path, as_version=4)
    assert run_notebooks.solution_headings(nb), f"{path.name} has no '#### Solution to exercise N' cell tagged solution"
    assert run_notebooks.fold_problems(nb) == [], (
        f"{path.name} needs `python scripts/run_notebooks.py {path.relative_to(ROOT)}`")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_cells_are_excused_from_comparison_but_nothing_else(path):
    """Only cells that display widgets may skip the output comparison."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags, f"{path.name} cell {i} is skipped by nbval"
        if "nbval-ignore-output" in tags:
            kinds = {k for out in cell.outputs for k in out.get("data", {})}
            assert WIDGET in kinds, (
                f"{path.name} cell {i} ignores its output but displays no widget")


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_explorer_cells_fold_their_code_on_the_website_and_teaching_cells_do_not(path):
    """A cell that builds an explorer is plotting plumbing: the website folds its code
    (hide-input), so the explorer follows the prose that says what to do with it. The code
    a lesson teaches stays in view, and solutions fold their own way (CONTRIBUTING.md)."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.metadata.get("tags", [])
        folded = "hide-input" in tags or "hide-cell" in tags
        where = f"{path.name} cell {i} ({cell.source.splitlines()[0][:50]!r})"
        if any(WIDGET in out.get("data", {}) for out in cell.get("outputs", [])):
            assert "hide-input" in tags, f"{where}: an explorer cell needs the tag hide-input"
        if cell.source.startswith("# teaches:") or "solution" in tags:
            assert not folded, f"{where}: teaching and solution cells show their code"


GUARD_CELLS = [
    "import math\np = 0.9\nH = -(p * math.log2(p) + (1 - p) * math.log2(1 - p))\nprint(f\"{H:.3f} bits\")",
    "from IPython.display import SVG, display\n"
    "display(SVG('<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">'\n"
    "            '<circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>'))",
    "print(object())",
]


def test_nbval_compares_printed_values_but_not_images_or_addresses(tmp_path):
    """With the repository's nbval settings (pytest.ini), a changed printed value fails; a
    changed SVG image or memory address does not. (Small notebooks: no lesson runs again.)"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in GUARD_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    assert nb.cells[0].outputs[0].text == "0.469 bits\n"
    svg = nb.cells[1].outputs[0].data["image/svg+xml"]
    assert "<circle" in svg

    # Not compared: another SVG image, another memory address.
    nb.cells[1].outputs[0].data["image/svg+xml"] = svg.replace('r="4"', 'r="2"')
    nb.cells[2].outputs[0].text = re.sub("0x[0-9a-f]+", "0xdeadbeef", nb.cells[2].outputs[0].text)
    nbformat.write(nb, tmp_path / "same.ipynb")
    # Compared: the printed value.
    nb.cells[0].outputs[0].text = "0.470 bits\n"
    nbformat.write(nb, tmp_path / "changed.ipynb")

    cmd = [sys.executable, "-m", "pytest", "-c", str(ROOT / "pytest.ini"), "-rA", str(tmp_path)]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    outcomes = {cell: outcome for outcome, cell in re.findall(r"^(PASSED|FAILED) \S*?(\w+\.ipynb::Cell \d)",
                                                              result.stdout, re.M)}
    assert outcomes == {"same.ipynb::Cell 0": "PASSED", "same.ipynb::Cell 1": "PASSED", "same.ipynb::Cell 2": "PASSED",
                        "changed.ipynb::Cell 0": "FAILED", "changed.ipynb::Cell 1": "PASSED",
                        "changed.ipynb::Cell 2": "PASSED"}, result.stdout[-3000:]
    assert "0.470 bits" in result.stdout


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_an_explorer_not_yet_run_says_so_in_plain_words(path):
    """Where no widget front end runs (GitHub's preview, a notebook opened before running it),
    an explorer cell shows its text/plain: words for the reader, not a widget repr."""
    nb = nbformat.read(path, as_version=4)
    assert any(WIDGET in out.get("data", {}) for c in nb.cells for out in c.get("outputs", [])), \
        f"{path.name} has no explorer"
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET in data:
                text = data.get("text/plain", "")
                assert not re.match(r"\s*\w+\(", text), f"{path.name} cell {i} shows a widget repr: {text[:60]!r}"
                # words: four English ones, or in a Korean lesson four Korean ones
                words = r"[\uac00-\ud7a3]{2,}" if path.stem.endswith(".ko") else r"[A-Za-z]{2,}"
                assert len(re.findall(words, text)) >= 4, f"{path.name} cell {i}: {text!r}"
