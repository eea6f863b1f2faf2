"""A small book with the book's own settings, for tests of the build and the notebook format.

``converted_notebook()`` is a short lesson written in the notebook format
(CONTRIBUTING.md), executed; ``build(folder, pages)`` builds a small book of
notebooks with the book's execution settings, strict flags and notebook-format
extension, as the real book is built. The tests share one such build (fixture
``mini_book`` in conftest.py): that lesson and a page whose cell raises.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess

import nbformat
import yaml

import build_book
import run_notebooks

ROOT = build_book.ROOT


def converted_notebook() -> nbformat.NotebookNode:
    """A small lesson written in the format, executed (outputs and glue stored by hand)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    glue = code('from bookkit import glue\n\nglue("H_bent", 0.4689955935892812)', execution_count=1, outputs=[nbformat.v4.new_output(
        "display_data", data={"application/papermill.record/text/plain": "0.4689955935892812"},
        metadata={"scrapbook": {"name": "H_bent", "mime_prefix": "application/papermill.record/"}})])
    cells = [
        md("# A lesson\n\nThe bent coin carries <span data-glue=\"H_bent:.3f\">0.469</span> bits per toss "
           "([lesson 2](02_kl_divergence.ipynb), [surprisal](../book/glossary.md#surprisal), "
           "[Cover and Thomas (2006)](../book/references.md)).\n\n"
           "$$\nH(p) = -\\sum_i p_i \\log p_i\n$$\n\n"
           "> **Note.** The entropy formula above is in bits when the logarithm is base 2.\n\n"
           "| p | H |\n| --- | --- |\n| 0.5 | 1 bit |"),
        glue,
        md("## Exercises\n\n### Exercise 1: predict first\n\nPredict $H$ for a fair die, then compute it."),
        md("#### Solution to exercise 1\n\n$\\log_2 6$ bits.", metadata={"tags": ["solution"]}),
        code('print(f"{2.584962500721156:.3f} bits")', execution_count=2, metadata={"tags": ["solution"]},
             outputs=[nbformat.v4.new_output("stream", name="stdout", text="2.585 bits\n")]),
        md("### Exercise 2: another\n\nAnd now two dice."),
        md("#### Solution to exercise 2\n\nTwice as many bits.", metadata={"tags": ["solution"]}),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def build(folder: pathlib.Path, pages: dict[str, nbformat.NotebookNode]) -> subprocess.CompletedProcess:
    """Build a small book of ``pages`` ({name: notebook}, the first is the root) in ``folder``."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    mini = {"title": "t", "only_build_toc_files": True, "execute": config["execute"],
            "sphinx": {"local_extensions": {"notebook_format": str(ROOT / "website")}}}
    (folder / "_config.yml").write_text(yaml.safe_dump(mini))
    names = list(pages)
    toc = {"format": "jb-book", "root": names[0], "chapters": [{"file": n} for n in names[1:]]}
    (folder / "_toc.yml").write_text(yaml.safe_dump(toc))
    shutil.copy(ROOT / "notebooks" / "bookkit.py", folder)
    for name, nb in pages.items():
        nbformat.write(nb, folder / f"{name}.ipynb")
    return subprocess.run([*build_book.JUPYTER_BOOK, "build", str(folder), *build_book.STRICT],
                          capture_output=True, text=True, cwd=folder)


def broken_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Broken"),
        nbformat.v4.new_code_cell("raise RuntimeError('this cell is broken on purpose')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def lesson_and_broken_page(folder: pathlib.Path) -> subprocess.CompletedProcess:
    """The book the tests share: a lesson in the format (solutions folded) and a page whose cell raises."""
    nb = converted_notebook()
    nb.cells[0].source = "# A lesson\n\nThe bent coin carries <span data-glue=\"H_bent:.3f\">0.469</span> bits."
    run_notebooks.fold_solutions(nb)
    return build(folder, {"lesson": nb, "broken": broken_notebook()})
