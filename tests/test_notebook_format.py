"""The notebook format (CONTRIBUTING.md): one source that reads right in four places.

* JupyterLab, Binder and Colab render a notebook's markdown themselves, as
  CommonMark with pipe tables and ``$`` math and no MyST: rendered that way
  (markdown-it-py, math set aside first as JupyterLab does), no MyST role,
  label, equation label, colon fence, directive or substitution may show, and
  every glued number in the prose must match its stored value.
* Solutions open collapsed there (metadata written by scripts/run_notebooks.py)
  and folded on the website (website/notebook_format.py).

Each check is proved on a small notebook written in the format, and on
examples of each construct it must catch.
"""

from __future__ import annotations

import re
import nbformat
import pytest
from markdown_it import MarkdownIt

import run_notebooks
from minibook import converted_notebook

NOTEBOOKS = run_notebooks.all_notebooks()

_MARKDOWN = MarkdownIt("commonmark").enable("table")
#: Math, as JupyterLab's renderer sets it aside before the markdown parser sees it.
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?!\s)[^$\n]+?(?<!\s)\$", re.S)

#: (what, pattern, where): raw MyST a reader of the notebook would see.
MYST = [
    ("a MyST role", re.compile(r"\{[A-Za-z][\w.:-]*\}<code>"), "html"),
    ("a MyST label", re.compile(r"^\([\w.:-]+\)=\s*$", re.M), "source"),
    ("an equation label", re.compile(r"\$\$[ \t]*\([\w.:-]+\)"), "source"),
    ("a colon fence", re.compile(r"^[ \t]*:::", re.M), "source"),
    ("a MyST directive", re.compile(r'<code class="language-\{'), "html"),
    ("a MyST substitution", re.compile(r"\{\{[^}]*\}\}"), "html"),
    ("LaTeX that KaTeX and the notebook front ends cannot number", re.compile(r"\\(label|eqref|tag)\b"), "source"),
]


def render(markdown: str) -> str:
    """A markdown cell as JupyterLab or Colab renders it (math set aside, then CommonMark)."""
    return _MARKDOWN.render(_MATH.sub("MATH", markdown))


def format_problems(nb: nbformat.NotebookNode) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        html = render(cell.source)
        for what, pattern, where in MYST:
            m = pattern.search(html if where == "html" else cell.source)
            if m:
                found.append(f"cell {i}: {what}: {m.group(0)!r}")
    return found + run_notebooks.prose_problems(nb)


# --------------------------------------------------------------- the stored notebooks and a notebook in the format

@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reads_right_in_jupyterlab_and_colab(path):
    problems = format_problems(nbformat.read(path, as_version=4))
    assert problems == [], f"{path.name} shows raw MyST or stale numbers outside the website:\n" + "\n".join(problems)


def test_a_notebook_in_the_format_passes():
    assert format_problems(converted_notebook()) == []


@pytest.mark.parametrize("snippet", [
    "The entropy is {glue:text}`H_fair:.1f` bits.",
    "See {term}`surprisal` and {cite}`cover2006`.",
    "(eq-entropy)=\n$$\nH = 1\n$$",
    "$$\nH = 1\n$$ (eq-entropy)",
    ":::{note}\nA note.\n:::",
    "```{note}\nA note.\n```",
    "Set {{ unit }} first.",
    "$$\nH = 1 \\tag{1}\n$$",
    'It carries <span data-glue="H_bent:.3f">0.470</span> bits.',  # a stale number
], ids=lambda s: s[:20])
def test_each_myst_construct_is_caught(snippet):
    nb = converted_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(snippet))
    assert len(format_problems(nb)) == 1


# --------------------------------------------------------------- solutions folded

def test_run_notebooks_opens_solutions_collapsed_in_jupyterlab_and_colab():
    nb = converted_notebook()
    assert run_notebooks.fold_problems(nb) != []
    run_notebooks.fold_solutions(nb)
    assert run_notebooks.fold_problems(nb) == []
    headings = [c for c in nb.cells if c.metadata.get("jp-MarkdownHeadingCollapsed")]
    assert [c.source.splitlines()[0] for c in headings] == ["#### Solution to exercise 1", "#### Solution to exercise 2"]
    assert nb.metadata["colab"]["collapsed_sections"] == [c.id for c in headings]
    assert all(c.metadata["id"] == c.id for c in headings)
    nbformat.validate(nb)
    # a heading that loses its tag loses its fold, and the check notices a stale fold
    nb.cells[3].metadata["tags"] = []
    assert run_notebooks.fold_problems(nb) != []
    run_notebooks.fold_solutions(nb)
    assert "jp-MarkdownHeadingCollapsed" not in nb.cells[3].metadata
    assert nb.metadata["colab"]["collapsed_sections"] == [nb.cells[6].id]


def test_the_website_folds_each_solution_into_a_closed_disclosure(mini_book):
    """Built as the book is built; the book's other page raises, so the build fails, but with
    --keep-going this page is written, and executed without error (no report of its own)."""
    result, html_dir = mini_book
    assert not (html_dir / "reports" / "lesson.err.log").exists(), result.stderr[-3000:]
    html = (html_dir / "lesson.html").read_text()
    folds = re.findall(r'<details class="solution"[^>]*>\s*<summary>(.*?)</summary>(.*?)</details>', html, re.S)
    assert [title for title, _ in folds] == ["Solution to exercise 1", "Solution to exercise 2"]
    assert "2.585 bits" in folds[0][1] and "Twice as many bits" in folds[1][1]
    assert "Twice" not in folds[0][1]  # each fold ends where its section ends
    assert not re.search(r'<details class="solution"[^>]*\bopen\b', html)
    outline = re.findall(r'<li class="toc-h\d[^"]*toc-entry"><a [^>]*>(.*?)</a>', html)
    assert "Exercise 1: predict first" in outline and not [e for e in outline if "Solution" in e]

