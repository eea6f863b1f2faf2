"""The plumbing behind the lessons: style, glue, web-ready SVG, and the two kinds of explorer."""

from __future__ import annotations

import html
import json
import math
import re

import ipywidgets as widgets
import matplotlib
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell

import bookkit
from bookkit import Slider, Toggle


def _captured_display(fn, *args, **kwargs):
    """What ``fn`` sends to IPython's display machinery."""
    shell = InteractiveShell.instance()
    sent = []
    original = shell.display_pub.publish
    shell.display_pub.publish = lambda data, metadata=None, **kw: sent.append((data, metadata))
    try:
        fn(*args, **kwargs)
    finally:
        shell.display_pub.publish = original
    return sent


# ------------------------------------------------------------------------- glue

@pytest.mark.parametrize("value", [0.46899559358928117, 3, "text"])
@pytest.mark.parametrize("display", [False, True])
def test_glue_matches_myst_nb(value, display):
    from myst_nb import glue as myst_glue

    assert _captured_display(bookkit.glue, "x", value, display) == \
        _captured_display(myst_glue, "x", value, display)


def test_glue_stores_numpy_scalars_as_plain_numbers():
    [(data, meta)] = _captured_display(bookkit.glue, "h", np.float64(0.469))
    assert data == {"application/papermill.record/text/plain": "0.469"}
    assert meta["scrapbook"] == {"name": "h", "mime_prefix": "application/papermill.record/"}


# ------------------------------------------------------------------------ style

def test_importing_bookkit_applies_the_book_style():
    for key, value in bookkit.STYLE.items():
        current = matplotlib.rcParams[key]
        assert (list(current) == list(value)) if isinstance(value, tuple) else current == value, key


def test_figures_shown_in_a_notebook_carry_png_and_svg():
    """The inline backend emits a 1x PNG (JupyterLab, GitHub) and an SVG (the website)."""
    from matplotlib_inline.config import InlineBackend
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    bookkit._apply_style()
    config = InlineBackend.instance(parent=shell)
    assert config.figure_formats == {"png", "svg"}
    fig = Figure()
    fig.add_subplot().plot([0, 1], [1, 0])
    data, _ = shell.display_formatter.format(fig)
    assert {"image/png", "image/svg+xml"} <= set(data)
    again, _ = shell.display_formatter.format(fig)
    assert again["image/svg+xml"] == data["image/svg+xml"], "the SVG must not change between runs (no date)"


# --------------------------------------------------------------------- web SVG

def _svg_of(fig) -> str:
    import io

    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _figure():
    fig, ax = bookkit.new_figure()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2, color="C0")
    dot, = ax.plot([], [], "o", color="C1")
    ax.axhline(0.5, color="0.7")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="v", ylabel="v squared")

    def update(v, extra=None):
        dot.set_data([v], [v**2])
    return fig, update, [dot]


def _ids_and_refs(svg: str) -> tuple[list[str], set[str]]:
    return re.findall(r'\sid="([^"]*)"', svg), set(re.findall(r'(?:href="#|url\(#)([^")]+)', svg))


def test_web_svg_is_fit_for_a_page():
    fig, _, _ = _figure()
    svg = bookkit.web_svg(_svg_of(fig), "t1-", alt='A curve & a "dot"')
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    for leak in ("<?xml", "<!DOCTYPE", "<metadata", "<style", "xlink:"):
        assert leak not in svg, f"{leak} left in the SVG"
    assert 'role="img" aria-label="A curve &amp; a &quot;dot&quot;"' in svg
    assert re.search(r'width="576" height="\d+" viewBox="0 0 432 ', svg), "6 in at 96 CSS px per inch"
    assert "max-width:100%" in svg
    ids, refs = _ids_and_refs(svg)
    assert ids and all(i.startswith("t1-") for i in ids), "every id carries the SVG's prefix"
    assert len(ids) == len(set(ids))
    assert refs == set(ids), "only referenced ids are kept, and every reference resolves"
    assert not re.search(r"\d\.\d{3,}", svg.split("<path", 1)[1].split(' d="')[1].split('"')[0]), \
        "coordinates rounded to 0.01 pt"


def test_web_svg_colours_follow_the_theme_with_the_drawn_colour_as_fallback():
    fig, _, _ = _figure()
    svg = bookkit.web_svg(_svg_of(fig), "t2-", alt="x")
    colours = re.findall(r"(?:fill|stroke): ([^;\"]+)", svg)
    raw = [c for c in colours if c.startswith("#")]
    assert not raw, f"colours left as they are: {sorted(set(raw))}"
    assert "var(--bk-c0, #1f77b4)" in colours            # p's colour
    assert "var(--bk-paper, #fff)" in colours            # the figure's background
    assert "var(--bk-ink, #000)" in colours              # axes and ticks
    assert "color-mix(in srgb, var(--bk-ink, #000) 30%, var(--bk-paper, #fff))" in colours  # grey 0.7
    assert "fill:var(--bk-ink, #000)" in svg.split(">", 1)[0], "text (no fill of its own) is drawn in ink"


@pytest.mark.parametrize("colour, expected", [
    ("#000000", "var(--bk-ink, #000)"), ("#FFFFFF", "var(--bk-paper, #fff)"),
    ("#ff7f0e", "var(--bk-c1, #ff7f0e)"), ("#7f7f7f", "color-mix(in srgb, var(--bk-ink, #000) 50%, var(--bk-paper, #fff))"),
    ("#123456", "#123456"),
])
def test_theme_colour(colour, expected):
    assert bookkit.theme_colour(colour) == expected


def test_background_and_overlay_together_draw_the_whole_figure():
    fig, update, artists = _figure()
    update(0.3)
    whole = bookkit.web_svg(_svg_of(fig), "w-", alt="x")
    fig2, update2, artists2 = _figure()
    update2(0.3)
    renderer = bookkit.FrameRenderer(fig2, artists2)
    background, overlay = renderer.background(), renderer.overlay("dot")
    count = lambda svg, tag: len(re.findall(rf"<{tag}\b", svg))  # noqa: E731
    for tag in ("path", "use"):
        assert count(background, tag) + count(overlay, tag) == count(whole, tag), tag
    assert "var(--bk-c1" not in background and "var(--bk-c1" in overlay, "the dot is in the overlay only"
    assert "var(--bk-c0" in background and "var(--bk-c0" not in overlay, "the curve stays in the background"
    assert 'aria-hidden="true"' in background and 'aria-label="dot"' in overlay
    assert "--bk-paper" not in overlay, "the overlay is transparent"
    update2(0.8)
    assert renderer.overlay("dot") != overlay, "the overlay follows update()"


# ------------------------------------------------------------------- explorers

def _frames(stack) -> list:
    """The leaf HTML widgets of nested stacks, in order."""
    if isinstance(stack, widgets.HTML):
        return [stack]
    return [f for child in stack.children for f in _frames(child)]


def _state(frame) -> dict:
    return dict(json.loads(html.unescape(re.search(r'data-state="([^"]*)"', frame.value).group(1))))


def _readout(frame) -> str:
    return html.unescape(re.search(r'class="bk-readout"[^>]*>(.*?)</p>', frame.value).group(1))


def _overlay(frame) -> str:
    return re.search(r"<svg.*</svg>", frame.value).group(0)


def _parts(box):
    *controls, figure = box.children
    background, frames = figure.children
    return controls, background, frames


def test_one_slider_explorer():
    fig, update, artists = _figure()
    values = np.round(np.linspace(0, 1, 11), 2)
    box = bookkit.frame_explorer(
        fig, update, sliders=[Slider("v", values, "v", start=3)], animated=artists,
        readout=lambda v: f"v = {v:.2f}: v² = {v * v:.3f}", alt=lambda v: f"frame {v:.1f}")
    [slider], background, stack = _parts(box)
    assert isinstance(slider, widgets.SelectionSlider) and slider.index == 3
    assert [label for label, _ in slider.options] == [f"{v:.2f}" for v in values]
    assert stack.selected_index == 3 and len(stack.children) == len(values)
    assert "bk-explorer" in box._dom_classes and "frame-explorer" in box._dom_classes
    assert 'aria-hidden="true"' in background.value
    frames = _frames(stack)
    for v, frame in zip(values, frames):
        assert _state(frame) == {"v": f"{v:.2f}"}
        assert _readout(frame) == f"v = {v:.2f}: v² = {v * v:.3f}"
        assert f'aria-label="frame {v:.1f}"' in frame.value
    assert len({_overlay(f) for f in frames}) == len(values), "every position draws a different picture"
    assert len({f.layout.model_id for f in frames}) == len({f.style.model_id for f in frames}) == 1, \
        "frames share one layout and one style (fewer widget models in the page)"
    assert [(link.source, link.target) for link in box.links] == [((slider, "index"), (stack, "selected_index"))]
    assert box.n_frames == len(values)


def test_two_sliders_and_a_toggle_give_a_grid_of_frames():
    fig, update, artists = _figure()
    calls = []

    def update2(a, b, unit):
        calls.append((a, b, unit))
        update(a * b * unit)

    box = bookkit.frame_explorer(
        fig, update2,
        sliders=[Slider("a", [0.1, 0.5, 0.9], "first a"), Slider("b", [0.2, 0.4], "b", fmt="{:.1f}", start=0)],
        toggle=Toggle("unit", [("one", 1), ("half", 0.5)], "unit"),
        animated=artists, readout=lambda a, b, unit: f"{a} {b} {unit}", alt=lambda a, b, unit: "x")
    (s_a, s_b, toggle), _, outer = _parts(box)
    assert isinstance(toggle, widgets.ToggleButtons) and toggle.index == 0
    assert s_a.index == 1 and s_b.index == 0
    assert s_a.style.description_width == s_b.style.description_width, "the sliders' tracks line up"
    # outermost: the toggle; then a; then b
    assert len(outer.children) == 2 and all(len(mid.children) == 3 for mid in outer.children)
    assert all(len(inner.children) == 2 for mid in outer.children for inner in mid.children)
    frames = _frames(outer)
    assert len(frames) == box.n_frames == 12
    assert _state(frames[0]) == {"unit": "one", "a": "0.10", "b": "0.2"}
    assert [name for name, _ in json.loads(html.unescape(
        re.search(r'data-state="([^"]*)"', frames[0].value).group(1)))] == ["a", "b", "unit"], \
        "data-state lists the controls in the order the reader sees them"
    assert _readout(frames[7]) == "0.1 0.4 0.5"     # half, a = 0.1, b = 0.4
    links = {(l.source[0].model_id, l.target[0].model_id) for l in box.links}
    assert len(box.links) == 1 + 2 + 6 == len(links)
    assert (toggle.model_id, outer.model_id) in links
    assert all((s_a.model_id, mid.model_id) in links for mid in outer.children)
    assert all((s_b.model_id, inner.model_id) in links for mid in outer.children for inner in mid.children)
    assert calls[-1] == (0.5, 0.2, 1), "the figure is left at the first state"
    assert len(set(calls)) == 12


def test_default_readout_names_the_controls_values():
    fig, update, artists = _figure()
    box = bookkit.frame_explorer(fig, lambda v: update(v), sliders=[Slider("v", [0.25, 0.75], "v (units)")],
                                 animated=artists, alt=lambda v: "x")
    assert [_readout(f) for f in _frames(_parts(box)[2])] == ["v (units) = 0.25", "v (units) = 0.75"]


def test_the_first_call_form_still_works():
    fig, update, artists = _figure()
    box = bookkit.frame_explorer(fig, lambda v, c: update(v * c), [0.1, 0.5, 0.9], animated=artists,
                                 description="v", alt=lambda v, c: f"{v} {c}", choices=[1, 2],
                                 choice_labels=["one", "two"], choice_description="times")
    (slider, toggle), _, outer = _parts(box)
    assert slider.index == 1 and [b for b, _ in toggle.options] == ["one", "two"]
    frames = _frames(outer)
    assert 'aria-label="0.1 2"' in frames[3].value and _state(frames[3]) == {"choice": "two", "value": "0.10"}
    box = bookkit.frame_explorer(fig, lambda v: update(v), [0.1, 0.2], description="v", alt=str, start=0)
    assert _parts(box)[0][0].index == 0


def test_explorer_says_in_plain_words_what_it_is():
    fig, update, artists = _figure()
    box = bookkit.frame_explorer(fig, update, sliders=[Slider("v", [0.1, 0.2], "v (heads)")],
                                 animated=artists, alt=lambda v: "x")
    text = box._repr_mimebundle_()["text/plain"] if hasattr(box, "_repr_mimebundle_") else repr(box)
    assert text == repr(box) and len(text) <= 110
    assert "v (heads)" in text and "run this cell" in text and "VBox" not in text


@pytest.mark.parametrize("kwargs, message", [
    (dict(sliders=[]), "one or two"),
    (dict(sliders=[Slider("a", [1], "a")] * 3), "one or two"),
    (dict(sliders=[Slider("a", [1], "a"), Slider("a", [2], "b")]), "same name"),
    (dict(sliders=[Slider("a", range(30), "a", fmt="{}"), Slider("b", range(30), "b", fmt="{}")]), "more than"),
    (dict(sliders=["a"]), "Slider objects"),
    (dict(sliders=[Slider("a", [1], "a")], toggle=("x", 1)), "Toggle object"),
    (dict(values=[], description="v"), "at least one"),
    (dict(values=[0.1, 0.2], description="v", start=5), "start must index"),
    (dict(values=[0.1], description="v", sliders=[Slider("a", [1], "a")]), "not both"),
])
def test_frame_explorer_rejects_bad_arguments(kwargs, message):
    fig, update, artists = _figure()
    with pytest.raises(ValueError, match=message):
        bookkit.frame_explorer(fig, update, alt=str, **kwargs)


@pytest.mark.parametrize("make, message", [
    (lambda: Slider("a b", [1], "a"), "identifier"),
    (lambda: Slider("a", [], "a"), "at least one"),
    (lambda: Slider("a", [1, 2], "a", start=2), "start must index"),
    (lambda: Slider("a", [0.101, 0.102], "a"), "more decimals"),
    (lambda: Toggle("t", [], "t"), "non-empty"),
    (lambda: Toggle("t", [("x", 1), ("x", 2)], "t"), "same label"),
    (lambda: Toggle("t", [("x", 1)], "t", start=1), "start must index"),
])
def test_controls_reject_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_slider_start_accepts_numpy_integers():
    assert Slider("a", [1, 2, 3], "a", start=np.int64(2)).start == 2


def test_without_stack_an_accordion_with_hidden_headers_holds_the_frames(monkeypatch):
    """ipywidgets 7 (Colab) has no Stack; a Tab linked to a slider at index 0 shows no
    page in ipywidgets 7's front end, an Accordion does."""
    monkeypatch.delattr(widgets, "Stack")
    fig, update, artists = _figure()
    box = bookkit.frame_explorer(fig, update, sliders=[Slider("v", [0.1, 0.2, 0.3], "v", start=2)],
                                 animated=artists, alt=lambda v: "x")
    _, background, stack = _parts(box)
    assert isinstance(stack, widgets.Accordion) and stack.selected_index == 2
    assert "bk-frames" in stack._dom_classes and ".p-Collapse-header" in background.value


def test_live_explorer_redraws_on_change():
    fig, update, artists = _figure()
    slider = widgets.FloatSlider(value=0.2, min=0, max=1, description="v")
    unit = widgets.Dropdown(options=[("bits", 2), ("nats", math.e)], value=2, description="unit")
    box = bookkit.live_explorer(fig, update, {"v": slider, "extra": unit}, animated=artists,
                                readout=lambda v, extra: f"v = {v:.2f}", alt=lambda v, extra: f"at {v:.2f}")
    *controls, figure = box.children
    frame = figure.children[1]
    assert controls == [slider, unit] and "bk-live" in box._dom_classes
    before = frame.value
    assert "v = 0.20" in before and _state(frame) == {"v": "0.2", "extra": "bits"}
    slider.value = 0.8
    assert frame.value != before and 'aria-label="at 0.80"' in frame.value and "v = 0.80" in frame.value
    assert "Live explorer (v, unit)" in repr(box)
    assert slider.style.description_width == unit.style.description_width != "", "the controls line up"


def test_frames_share_the_glyphs_of_their_text():
    """Text drawn in the frames is defined once, in the background, not in every frame."""
    fig, ax = bookkit.new_figure()
    label = ax.text(0.1, 0.5, "")
    box = bookkit.frame_explorer(fig, lambda v: label.set_text(f"v = {v:.2f}"),
                                 sliders=[Slider("v", [0.1, 0.2, 0.3], "v")], animated=[label],
                                 alt=lambda v: "x")
    _, background, stack = _parts(box)
    defined = set(re.findall(r'\sid="([^"]*)"', background.value))
    for frame in _frames(stack):
        assert "<use" in frame.value and 'transform="scale(' not in frame.value
        used = set(re.findall(r'href="#([^"]*)"', frame.value))
        assert used and used <= defined, "every glyph a frame uses is defined in the background"
        assert not set(re.findall(r'\sid="([^"]*)"', frame.value)) & defined, "no id defined twice"


def test_long_polylines_are_simplified_invisibly():
    fig, ax = bookkit.new_figure()
    x = np.linspace(0, 1, 2000)
    ax.fill_between(x, 0, x**2)
    svg = bookkit.web_svg(_svg_of(fig), "s-", alt="x")
    longest = max(re.findall(r' d="([^"]*)"', svg), key=len)
    assert longest.count("L") < 200, "a smooth filled curve needs far fewer than 2000 points at 0.1 pt"
    assert bookkit._simplified("M 0 0 L 1 0.05 L 2 0 L 3 3") == "M 0 0 L 2 0 L 3 3"
    assert bookkit._simplified("M 0 0 L 1 0.5 L 2 0") == "M 0 0 L 1 0.5 L 2 0", "a visible bend stays"
    assert bookkit._simplified("M 0 0 C 1 1 2 2 3 3") == "M 0 0 C 1 1 2 2 3 3", "curves are left alone"


def test_an_explorer_text_form_speaks_the_language_of_its_labels():
    """The same code serves both editions: Hangul labels make the text form Korean."""
    english = bookkit._summary("Explorer", ["p (heads)", "unit"])
    korean = bookkit._summary("Explorer", ["p (앞면)", "단위"])
    assert english == "Explorer (p (heads), unit): run this cell to draw it and use its controls."
    assert korean.startswith("탐색기 (p (앞면), 단위): ") and "셀을 실행" in korean
    assert bookkit._summary("Live explorer", ["학습률 η"]).startswith("실행형 탐색기 (학습률 η)")


def test_label_width_counts_a_hangul_syllable_as_two_columns():
    assert bookkit._description_width(["eta"]) == "4ch"
    assert bookkit._description_width(["학습률"]) == "7ch"


@pytest.mark.parametrize("text", ["red", "total", "p_hat (MLE)", "", "a very long label indeed"])
@pytest.mark.parametrize("width", [0, 3, 12])
@pytest.mark.parametrize("align", ["<", ">", "^"])
def test_column_pads_latin_text_exactly_as_format_does(text, width, align):
    """The English edition's printed tables are unchanged by it."""
    assert bookkit.column(text, width, align) == format(text, f"{align}{width}")


def test_column_counts_hangul_as_two_columns():
    rows = [bookkit.column(label, 12) + "|" for label in ("빨강", "red", "관측 비율", "p_hat")]
    widths = [sum(2 if "\uac00" <= ch <= "\ud7a3" else 1 for ch in row) for row in rows]
    assert len(set(widths)) == 1, rows  # every row's bar at the same column
    assert bookkit.column("합계", 3) == "합계"  # wider than asked: unchanged, like format
    with pytest.raises(ValueError, match="align"):
        bookkit.column("x", 4, "=")
