"""The two editions cannot drift apart, and the Korean one draws Hangul, not boxes.

scripts/editions.py compares each Korean notebook with its English twin: the same cells
(ids, types, tags, order), the same code apart from translated strings and comments, the
same glued numbers and display equations, the same printed numbers.  Here it runs on every
pair, and on copies of a lesson with one change each, to show that each kind of drift fails.
"""

from __future__ import annotations

import copy
import pathlib
import warnings

import matplotlib
import nbformat
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

import bookkit
import editions

ROOT = pathlib.Path(__file__).resolve().parents[1]
KOREAN = editions.korean_notebooks()
LESSON = ROOT / "notebooks" / "01_shannon_entropy.ipynb"


def test_every_english_page_has_its_korean_twin_and_the_generated_files_are_current():
    assert editions.page_problems() == []
    english_notebooks = sorted(p for folder in ("notebooks", "book") for p in (ROOT / folder).glob("*.ipynb")
                               if not p.stem.endswith(editions.KOREAN))
    assert [editions.korean_twin(p) for p in english_notebooks] == KOREAN


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.stem)
def test_korean_notebook_is_its_english_twin_translated(path):
    assert editions.problems(path) == [], f"compare with `python scripts/editions.py {path.relative_to(ROOT)}`"


# ----------------------------------------------------- each kind of drift fails


def _pair(tmp_path, change):
    """An English lesson and a 'Korean' copy with one change made by ``change(nb)``."""
    english = tmp_path / LESSON.name
    korean = editions.korean_twin(english)
    nb = nbformat.read(LESSON, as_version=4)
    nbformat.write(nb, english)
    changed = copy.deepcopy(nb)
    for cell in changed.cells:  # captions and alt texts translated, as a Korean twin has them
        for part, key in (("figure", "caption"), ("image", "alt")):
            if key in cell.metadata.get("mystnb", {}).get(part, {}):
                cell.metadata["mystnb"][part][key] = "번역: " + cell.metadata["mystnb"][part][key]
    change(changed)
    nbformat.write(changed, korean)
    return editions.problems(korean, english)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and "google.colab" not in c.source]


def _first_code_with(nb, text):
    return next(c for c in _code_cells(nb) if text in c.source)


def _change_a_printed_digit(nb):
    out = next(o for c in _code_cells(nb) for o in c.outputs
               if o.output_type == "stream" and any(ch.isdigit() for ch in o.text))
    digit = next(ch for ch in out.text if ch.isdigit())
    out.text = out.text.replace(digit, str((int(digit) + 1) % 10), 1)


def test_an_untouched_copy_passes(tmp_path):
    assert _pair(tmp_path, lambda nb: None) == []


def test_translated_strings_and_comments_pass(tmp_path):
    def translate(nb):
        cell = _first_code_with(nb, "print(")
        cell.source = "# 주석은 번역해도 된다\n" + cell.source.replace('print(f"', 'print(f"번역: ', 1)
    assert _pair(tmp_path, translate) == []


@pytest.mark.parametrize("change, expected", [
    (lambda nb: _first_code_with(nb, "0.9").__setitem__(
        "source", _first_code_with(nb, "0.9").source.replace("0.9", "0.8", 1)), "the code differs"),
    (lambda nb: _first_code_with(nb, ":.3f}").__setitem__(
        "source", _first_code_with(nb, ":.3f}").source.replace(":.3f}", ":.4f}", 1)), "f-string's fields differ"),
    (lambda nb: _first_code_with(nb, 'glue("').__setitem__(
        "source", _first_code_with(nb, 'glue("').source.replace('glue("', 'glue("x', 1)), "without being translated"),
    (lambda nb: nb.cells.insert(3, nb.cells.pop(4)), "id differs"),
    (lambda nb: nb.cells.pop(), "cells, its English twin"),
    (lambda nb: _code_cells(nb)[-1].metadata.__setitem__("tags", ["hide-input"]), "tags"),
    (lambda nb: next(c for c in nb.cells if "mystnb" in c.metadata).metadata["mystnb"]["figure"].__setitem__(
        "name", "fig-other"), "metadata.mystnb.figure.name differs"),
    (lambda nb: next(c for c in nb.cells if "mystnb" in c.metadata).metadata["mystnb"]["figure"].__setitem__(
        "caption", "An English caption"), "caption is not translated"),
    (lambda nb: next(c for c in nb.cells if "data-glue=" in c.source).__setitem__(
        "source", next(c for c in nb.cells if "data-glue=" in c.source).source.replace(
            'data-glue="', 'data-glue="other_', 1)), "glued numbers differ"),
    (lambda nb: next(c for c in nb.cells if c.cell_type == "markdown" and "$$" in c.source).__setitem__(
        "source", next(c for c in nb.cells if c.cell_type == "markdown" and "$$" in c.source).source.replace(
            "$$", "$$ 2 ", 1)), "display equations differ"),
    (lambda nb: _change_a_printed_digit(nb), "numbers differ"),
], ids=["a number in the code", "a format", "an untranslated string", "cells reordered", "a cell missing",
        "a tag", "a figure name", "an English caption", "a glued number", "an equation", "a printed number"])
def test_each_kind_of_drift_fails(tmp_path, change, expected):
    found = _pair(tmp_path, change)
    assert found and any(expected in p for p in found), found


def test_teaches_lines_must_stay(tmp_path):
    def drop(nb):
        cell = _first_code_with(nb, "# teaches:")
        cell.source = cell.source.replace("# teaches:", "# 가르친다:", 1)
    assert any("teaches" in p for p in _pair(tmp_path, drop))


# ------------------------------------------------------------------- Hangul font


def test_the_hangul_font_has_every_syllable_the_korean_code_uses():
    font = FT2Font(str(bookkit.HANGUL_FONT))
    used = set().union(*(editions.hangul_in_code(p) for p in KOREAN))
    assert len(used) > 100, "the Korean lessons' code has almost no Hangul: are they translated?"
    missing = sorted(ch for ch in used if font.get_char_index(ord(ch)) == 0)
    assert missing == [], f"not in the font: {''.join(missing)} (run python scripts/make_hangul_font.py)"
    assert bookkit.HANGUL_FONT.stat().st_size < 1_000_000


def _draw(text: str) -> np.ndarray:
    fig = Figure(figsize=(3, 0.6), dpi=100)
    fig.text(0.02, 0.3, text, fontsize=16)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0].copy()


def test_a_korean_label_is_drawn_with_hangul_glyphs_not_boxes():
    """Drawn with the book's style: no "Glyph missing" warning, and each syllable draws a
    different shape, none of them the box a missing glyph draws."""
    assert matplotlib.rcParams["font.family"] == bookkit.FONT_FAMILY
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        words = [_draw(word) for word in ("엔트로피", "교차", "비트")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        boxes = _draw("\ue000\ue000")  # private-use characters: no font has them, so boxes
        single_box = _draw("\ue000")
    for image in words:
        assert (image < 128).sum() > 50, "nothing was drawn"
        assert not np.array_equal(image, boxes) and not np.array_equal(image, single_box)
    assert not np.array_equal(words[0], words[1])


def test_without_the_font_matplotlib_would_draw_boxes():
    """The check above can fail: with DejaVu Sans alone, the same label warns of missing glyphs."""
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        with pytest.warns(UserWarning, match="missing from font"):
            _draw("엔트로피")
