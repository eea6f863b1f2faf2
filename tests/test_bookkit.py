"""The plumbing behind the lessons: glue, fast rendering, and the two kinds of explorer."""

from __future__ import annotations

import io
import re

import ipywidgets as widgets
import numpy as np
import pytest
from IPython.core.interactiveshell import InteractiveShell
from PIL import Image

import bookkit


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


def _figure():
    fig, ax = bookkit.new_figure()
    x = np.linspace(0, 1, 50)
    ax.plot(x, x**2)
    dot, = ax.plot([], [], "o")
    label = ax.text(0.05, 0.9, "")
    ax.set(xlim=(0, 1), ylim=(0, 1))

    def update(v, *extra):
        dot.set_data([v], [v**2])
        label.set_text(f"v = {v:.2f}")
    return fig, update, [dot, label]


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_blitting_draws_the_same_picture_as_a_full_redraw():
    fig, update, artists = _figure()
    fast = bookkit.Renderer(fig, artists)
    update(0.7)
    blitted = _pixels(fast.png(quantise=False))
    fig2, update2, _ = _figure()
    full = bookkit.Renderer(fig2)          # nothing animated: a full draw each time
    update2(0.7)
    drawn = _pixels(full.png(quantise=False))
    assert blitted.shape == drawn.shape
    assert np.mean(np.abs(blitted - drawn)) < 0.5     # identical up to anti-aliasing


def test_frames_are_opaque_and_white_backed():
    fig, update, artists = _figure()
    img = Image.open(io.BytesIO(bookkit.Renderer(fig, artists).png()))
    assert img.mode in ("P", "RGB")          # no alpha channel: readable in dark mode
    assert min(img.convert("RGB").getpixel((1, 1))) >= 250   # white (quantised)


def test_frame_explorer_structure():
    fig, update, artists = _figure()
    values = np.linspace(0, 1, 11)
    box = bookkit.frame_explorer(fig, update, values, animated=artists, description="v",
                                 start=3, alt=lambda v: f"frame {v:.1f}")
    slider, stack = box.children
    assert isinstance(slider, widgets.SelectionSlider) and slider.index == 3
    assert isinstance(stack, widgets.Stack) and stack.selected_index == 3
    assert len(stack.children) == len(values)
    srcs = set()
    for v, frame in zip(values, stack.children):
        alt = re.search(r'alt="([^"]*)"', frame.value).group(1)
        assert alt == f"frame {v:.1f}"
        srcs.add(re.search(r'src="([^"]*)"', frame.value).group(1))
    assert len(srcs) == len(values), "every slider position must show a different picture"
    assert [(link.source, link.target) for link in box.links] == [((slider, "index"), (stack, "selected_index"))]


def test_frame_explorer_with_choices_links_every_stack():
    fig, update, artists = _figure()
    box = bookkit.frame_explorer(fig, update, [0.1, 0.5, 0.9], animated=artists, description="v",
                                 alt=lambda v, c: f"{v} {c}", choices=["a", "b"])
    slider, toggle, outer = box.children
    assert len(outer.children) == 2 and all(len(s.children) == 3 for s in outer.children)
    assert outer.children[1].children[0].value.count('alt="0.1 b"') == 1
    assert len(box.links) == 3            # the slider drives both stacks; the toggle picks one


def test_frame_explorer_rejects_bad_arguments():
    fig, update, artists = _figure()
    with pytest.raises(ValueError, match="at least one"):
        bookkit.frame_explorer(fig, update, [], description="v", alt=str)
    with pytest.raises(ValueError, match="start must index"):
        bookkit.frame_explorer(fig, update, [0.1, 0.2], description="v", alt=str, start=5)


def test_live_explorer_redraws_on_change():
    fig, update, artists = _figure()
    slider = widgets.FloatSlider(value=0.2, min=0, max=1)
    box = bookkit.live_explorer(fig, lambda v: update(v), {"v": slider}, animated=artists,
                                alt=lambda v: f"at {v:.2f}")
    before = box.children[-1].value
    slider.value = 0.8
    after = box.children[-1].value
    assert before != after and 'alt="at 0.80"' in after
