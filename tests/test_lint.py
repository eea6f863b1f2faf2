"""ruff lints every Python file and every notebook's code (configuration: .ruff.toml)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=concise", "."],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, f"ruff check:\n{result.stdout}{result.stderr}"


def test_ruff_reads_the_notebooks(tmp_path):
    """The lint really covers notebook cells: an unused import in a cell is found."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os")])
    nbformat.write(nb, tmp_path / "lesson.ipynb")
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format=concise",
                             "--config", str(ROOT / ".ruff.toml"), str(tmp_path / "lesson.ipynb")],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout + result.stderr
