"""The website builds with warnings as errors, shows the computed numbers, and a failing cell fails it."""

from __future__ import annotations

import pathlib
import re

import nbformat
import yaml

import minibook

ROOT = pathlib.Path(__file__).resolve().parents[1]


def toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [ch["file"] for ch in part["chapters"]]
    return files


def page_text(html_dir: pathlib.Path, doc: str) -> str:
    html = (html_dir / f"{doc}.html").read_text(encoding="utf-8")
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))


def test_every_toc_page_is_built(built_site):
    for doc in toc_files():
        assert (built_site / f"{doc}.html").exists(), f"{doc} is in _toc.yml but was not built"


def test_lesson_1_shows_its_headline_numbers(built_site):
    text = page_text(built_site, "notebooks/01_shannon_entropy")
    assert "fair coin (50:50): H = 1.0 bit" in text
    assert "bent coin (90:10): H = 0.469 bits" in text
    # glued into the prose, not only printed by a cell
    assert re.search(r"carries exactly 1\.0 bit per toss", text)
    assert re.search(r"The bent coin carries 0\.469 bits", text)


def test_lesson_3_shows_the_bag_example(built_site):
    text = page_text(built_site, "notebooks/03_cross_entropy")
    assert "0.639" in text and "1.50" in text and "nats" in text


def test_site_has_no_unresolved_glue_or_raw_errors(built_site):
    for doc in toc_files():
        text = page_text(built_site, doc)
        assert "Traceback" not in text, doc
        assert "{glue" not in text, doc


def test_a_cell_that_raises_fails_the_build(tmp_path):
    """The book's execution settings with the strict flags turn an exception into a failed build.

    The same small book without the failing cell builds (the fold test of
    tests/test_notebook_format.py builds it), so the failure here is the cell's."""
    nb = minibook.converted_notebook()
    nb.cells.insert(2, nbformat.v4.new_code_cell("raise RuntimeError('this cell is broken on purpose')"))
    result = minibook.build(tmp_path, nb)
    assert result.returncode != 0
    assert "Executing notebook failed" in result.stderr
    report = tmp_path / "_build" / "html" / "reports" / "lesson.err.log"
    assert "this cell is broken on purpose" in report.read_text()
