"""Reading the lessons' teaching cells, for the tests that compare them with the module.

A lesson cell whose first line is ``# teaches: infotheory.NAME`` writes out the
formula that ``infotheory.NAME`` implements and defines exactly one function.
"""

from __future__ import annotations

import inspect
import math
import pathlib
import re

import nbformat
import numpy as np

import infotheory as it

MARKER = re.compile(r"^# teaches: infotheory\.(\w+)\s*$")


def teaching_cells(path: pathlib.Path) -> list[tuple[str, str]]:
    """(NAME, source) of every teaching cell of the notebook at ``path``, in order."""
    cells = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "code" and cell.source:
            m = MARKER.match(cell.source.splitlines()[0])
            if m:
                cells.append((m.group(1), cell.source))
    return cells


def setup_sources(path: pathlib.Path) -> list[str]:
    """The lesson's import cells (every line an import): what its teaching cells may use."""
    found = []
    for cell in nbformat.read(path, as_version=4).cells:
        lines = [line for line in cell.source.splitlines() if line.strip()] if cell.cell_type == "code" else []
        if lines and all(line.startswith(("import ", "from ")) for line in lines):
            found.append(cell.source)
    return found


def taught_functions(path: pathlib.Path) -> dict:
    """Run a notebook's teaching cells in order; return NAME -> the function its cell defines.

    The cells run in one namespace holding numpy, math, the module as ``it`` and the
    module's functions, and the lesson's own imports (its import cells), so a cell may
    use what the lesson imports and what an earlier cell (or lesson) taught.
    """
    namespace = {"np": np, "math": math, "it": it, **{n: getattr(it, n) for n in it.__all__}}
    for source in setup_sources(path):
        exec(compile(source, f"{path.name}: imports", "exec"), namespace)
    taught = {}
    for name, source in teaching_cells(path):
        before = dict(namespace)
        exec(compile(source, f"{path.name}: teaches {name}", "exec"), namespace)
        new = [v for k, v in namespace.items() if v is not before.get(k) and inspect.isfunction(v)]
        assert len(new) == 1, f"{path.name}: the cell teaching {name} must define one function, found {len(new)}"
        taught[name] = new[0]
    return taught
