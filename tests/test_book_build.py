"""The website builds with warnings as errors, shows the computed numbers, and a failing cell fails it."""

from __future__ import annotations

import pathlib
import re

import nbformat

import run_notebooks
import sitekit

ROOT = pathlib.Path(__file__).resolve().parents[1]


def page_text(html_dir: pathlib.Path, page: str) -> str:
    html = (html_dir / page).read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_every_toc_page_is_built(built_site):
    for page in sitekit.toc_documents():
        assert (built_site / page).exists(), f"{page} is in _toc.yml but was not built"


def test_the_lessons_show_their_headline_numbers(built_site):
    assert sitekit.HEADLINES
    for page in sitekit.HEADLINES:
        assert sitekit.missing_headlines(page, page_text(built_site, page)) == [], page


def test_site_has_no_unresolved_glue_or_raw_errors(built_site):
    for page in sitekit.toc_documents():
        text = page_text(built_site, page)
        assert "Traceback" not in text, page
        assert "{glue" not in text and "data-glue" not in text, page


def test_every_solution_is_folded_on_its_page(built_site):
    """Each "Solution to exercise N" section of a lesson is a closed disclosure (website/notebook_format.py)."""
    for path in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        headings = run_notebooks.solution_headings(nbformat.read(path, as_version=4))
        folder = "ko/notebooks" if path.stem.endswith(".ko") else "notebooks"  # the Korean edition's folder
        html = (built_site / folder / f"{path.stem}.html").read_text(encoding="utf-8")
        folds = re.findall(r'<details class="solution"[^>]*><summary>(.*?)</summary>', html)
        assert folds == [h.source.lstrip("# ").splitlines()[0] for h in headings], path.name
        assert not re.search(r'<details class="solution"[^>]*\bopen\b', html), path.name


def test_a_cell_that_raises_fails_the_build(mini_book):
    """The book's execution settings with the strict flags turn an exception into a failed build.

    The small book's other page, a lesson, executes without error and is written
    (tests/test_notebook_format.py checks it), so the failure is the raising cell's."""
    result, html_dir = mini_book
    assert result.returncode != 0
    assert "Executing notebook failed" in result.stderr
    assert "this cell is broken on purpose" in (html_dir / "reports" / "broken.err.log").read_text()
    assert sorted(p.name for p in (html_dir / "reports").iterdir()) == ["broken.err.log"]
    assert (html_dir / "lesson.html").exists()
