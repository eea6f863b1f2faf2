"""The stored notebooks: executed, normalised, and really guarded by nbval."""

from __future__ import annotations

import json
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import run_notebooks  # noqa: E402

NOTEBOOKS = run_notebooks.all_notebooks()
LESSON_1 = "01_shannon_entropy.ipynb"


def test_every_lesson_is_stored():
    names = [p.name for p in NOTEBOOKS]
    assert LESSON_1 in names and len([n for n in names if n[:2].isdigit()]) >= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_executed_and_normalised(path):
    nb = nbformat.read(path, as_version=4)
    assert run_notebooks.problems(nb) == [], (
        f"{path.name} needs `python scripts/run_notebooks.py {path.relative_to(ROOT)}`")
    nbformat.validate(nb)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_widget_cells_are_excused_from_comparison_but_nothing_else(path):
    """Only cells that display widgets may skip the output comparison."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        assert "nbval-skip" not in tags, f"{path.name} cell {i} is skipped by nbval"
        if "nbval-ignore-output" in tags:
            kinds = {k for out in cell.outputs for k in out.get("data", {})}
            assert "application/vnd.jupyter.widget-view+json" in kinds, (
                f"{path.name} cell {i} ignores its output but displays no widget")


def _nbval(notebook: pathlib.Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval",
           "--nbval-current-env", f"--nbval-sanitize-with={ROOT / 'tests' / 'sanitize.cfg'}",
           "--rootdir", str(notebook.parent), str(notebook)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=notebook.parent)


def test_nbval_catches_a_changed_stored_value(tmp_path):
    """Change the stored 0.469 to 0.470: nbval must fail; change it back: it passes."""
    copy = tmp_path / "notebooks"
    shutil.copytree(ROOT / "notebooks", copy, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    target = copy / LESSON_1
    original = target.read_text()
    assert original.count("0.469 bits") >= 1
    nb = json.loads(original)
    changed = 0
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if out.get("name") == "stdout" and any("0.469 bits" in line for line in out["text"]):
                out["text"] = [line.replace("0.469 bits", "0.470 bits") for line in out["text"]]
                changed += 1
    assert changed >= 1
    target.write_text(json.dumps(nb, indent=1))

    tampered = _nbval(target)
    assert tampered.returncode != 0, "nbval passed a notebook whose stored value was changed"
    assert "0.470" in tampered.stdout

    target.write_text(original)
    restored = _nbval(target)
    assert restored.returncode == 0, restored.stdout[-3000:]


LESSONS = [p for p in NOTEBOOKS if p.parent.name == "notebooks"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_colab_can_fetch_the_modules_from_the_configured_repository(path):
    """Colab opens one notebook alone; its first code cell fetches the modules it imports."""
    import yaml

    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    owner_name = repo["url"].rstrip("/").removeprefix("https://github.com/")
    expected = f"https://raw.githubusercontent.com/{owner_name}/{repo['branch']}/notebooks/"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not code:
        pytest.fail(f"{path.name} has no code")
    first = code[0]
    assert "google.colab" in first.source and f'"{expected}"' in first.source, (
        f"{path.name}: the first code cell must fetch infotheory.py and bookkit.py from {expected}")
    assert "remove-cell" in first.metadata.get("tags", [])
    for name in ("infotheory.py", "bookkit.py", "matplotlibrc"):
        assert f'"{name}"' in first.source
        assert (ROOT / "notebooks" / name).exists()
