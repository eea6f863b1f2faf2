"""Every frame of every lesson's explorers: the moving layer leaves the legends readable and
draws its markers whole, and the words under the picture count right.

An explorer draws its figure's fixed part once and its moving (``animated``) artists in
each frame on a layer above it (``bookkit.FrameRenderer``), so a moving curve, bar or dot
is drawn over the legend whatever its z-order. These tests run each lesson's code cells
in order, in this process (the Colab cell excepted), record every explorer that
``bookkit`` makes, then step its figure through every frame (a live explorer: through
the ends and the start of each control) and check, in display coordinates:

* no animated artist reaches into any legend's box (frame included), counting half the
  line width and the marker's radius, and only the part of the legend the artist's clip
  box lets it reach;
* every marker of an animated line shows whole: inside the figure, and inside its clip
  box unless it is drawn unclipped;
* in every readout and alt text a count agrees with its number ("1 epoch", "2 epochs").
"""

from __future__ import annotations

import html
import pathlib
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import Collection  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.path import Path  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

import bookkit  # noqa: E402
import colab_cell  # noqa: E402

LESSONS = colab_cell.lessons()   # the one list of the lessons

#: How many explorers each lesson makes (a lesson that gains one must be counted here).
EXPLORERS = {"01_shannon_entropy": 1, "02_kl_divergence": 2, "03_cross_entropy": 2,
             "04_mse_vs_cross_entropy": 3}
# The Korean twins make the same explorers, with labels in Korean (wider: checked here too).
EXPLORERS |= {name + ".ko": count for name, count in EXPLORERS.items()}


class Made:
    """One explorer as a lesson made it: figure, update, animated artists, the states to check."""

    def __init__(self, lesson: str, index: int, box):
        self.name = f"{lesson} explorer {index + 1}"
        self.box = box
        self.figure, self.update, self.animated = box.figure, box.update, box.animated
        if hasattr(box, "frame_values"):
            self.states = box.frame_values
        else:  # a live explorer takes any value: its controls' ends and start, every option
            names = list(box.controls)
            grids = [_samples(box.controls[name]) for name in names]
            self.states = [dict(zip(names, combo)) for combo in _product(grids)]


def _samples(control) -> list:
    if hasattr(control, "options") and not hasattr(control, "min"):
        return [value for _, value in control.options]
    base = getattr(control, "base", None)           # FloatLogSlider: min and max are exponents
    ends = [base ** control.min, base ** control.max] if base else [control.min, control.max]
    return sorted({*ends, control.value})


def _product(grids: list[list]) -> list[tuple]:
    combos = [()]
    for grid in grids:
        combos = [c + (v,) for c in combos for v in grid]
    return combos


def _run_lesson(path: pathlib.Path) -> list[Made]:
    """Run the lesson's code cells in order; return the explorers it made."""
    made = []
    real_frame, real_live = bookkit.frame_explorer, bookkit.live_explorer

    def frame_explorer(*args, **kwargs):
        box = real_frame(*args, **kwargs)
        made.append(box)
        return box

    def live_explorer(*args, **kwargs):
        box = real_live(*args, **kwargs)
        made.append(box)
        return box

    nb = nbformat.read(path, as_version=4)
    namespace = {"__name__": "__main__"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bookkit, "frame_explorer", frame_explorer)
        mp.setattr(bookkit, "live_explorer", live_explorer)
        mp.chdir(path.parent)
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", []):
                exec(compile(cell.source, f"{path.name} cell {i}", "exec"), namespace)
    plt.close("all")                 # the lessons' static figures; the explorers' are not pyplot's
    return [Made(path.stem, i, box) for i, box in enumerate(made)]


@pytest.fixture(scope="module")
def explorers() -> dict[str, list[Made]]:
    return {path.stem: _run_lesson(path) for path in LESSONS}


def test_every_lesson_makes_its_explorers(explorers):
    assert {lesson: len(made) for lesson, made in explorers.items()} == EXPLORERS


# ------------------------------------------------------------------ geometry

def _px(fig, points: float) -> float:
    return points * fig.dpi / 72


def _marker_radius(line: Line2D) -> float:
    """The radius of the line's marker in display units, or 0 if it draws none."""
    if line.get_marker() in (None, "", " ", "None", "none"):
        return 0.0
    return _px(line.figure, (line.get_markersize() + line.get_markeredgewidth()) / 2)


def _draws_line(line: Line2D) -> bool:
    return line.get_linestyle() not in ("None", "none", "", " ") and line.get_linewidth() > 0


def _runs(points: np.ndarray) -> list[np.ndarray]:
    """The stretches of a polyline between non-finite points (where matplotlib breaks it)."""
    finite = np.all(np.isfinite(points), axis=1)
    edges = np.flatnonzero(np.diff(np.r_[0, finite.astype(int), 0]))
    return [points[a:b] for a, b in zip(edges[::2], edges[1::2])]


def _reach(artist, region: Bbox) -> bool:
    """Whether the artist, as drawn, touches ``region`` (display coordinates)."""
    if isinstance(artist, Line2D):
        points = artist.get_transform().transform(artist.get_xydata())
        if _draws_line(artist):
            band = region.padded(_px(artist.figure, artist.get_linewidth() / 2))
            for run in _runs(points):
                if len(run) == 1 and band.contains(*run[0]):
                    return True
                if len(run) > 1 and Path(run).intersects_bbox(band, filled=False):
                    return True
        radius = _marker_radius(artist)
        if radius:
            box = region.padded(radius)
            finite = points[np.all(np.isfinite(points), axis=1)]
            if any(box.contains(x, y) for x, y in finite):
                return True
        return False
    if isinstance(artist, (Patch, Collection)):
        paths = [artist.get_path()] if isinstance(artist, Patch) else artist.get_paths()
        transform = artist.get_transform()
        return any(len(p.vertices) and transform.transform_path(p).intersects_bbox(region, filled=True)
                   for p in paths)
    raise TypeError(f"no overlap check for a {type(artist).__name__}: add one to this test")


def _legends(fig) -> list:
    return [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)


def _legend_labels(legend) -> str:
    return " / ".join(t.get_text() for t in legend.get_texts())


def _label(artist) -> str:
    label = artist.get_label()
    return label if label and not label.startswith("_") else type(artist).__name__


def _states_text(state: dict) -> str:
    return ", ".join(f"{k} = {v:g}" if isinstance(v, float) else f"{k} = {v}" for k, v in state.items())


def _overlaps(made: Made) -> list[str]:
    """Every (frame, artist, legend) where the moving layer covers a legend."""
    found = []
    fig = made.figure
    legends = _legends(fig)
    for state in made.states:
        made.update(**state)
        for legend in legends:
            box = legend.get_window_extent()
            for artist in made.animated:
                if not artist.get_visible():
                    continue
                region = box
                clip = artist.get_clip_box() if artist.get_clip_on() else None
                if clip is not None:
                    region = Bbox.intersection(box, clip)
                if region is not None and region.width > 0 and region.height > 0 and _reach(artist, region):
                    found.append(f"{_states_text(state)}: {_label(artist)} over the legend "
                                 f"'{_legend_labels(legend)}'")
    return found


def _cut_markers(made: Made) -> list[str]:
    """Every (frame, line) whose marker the figure's edge or the clip box cuts."""
    found = []
    fig = made.figure
    lines = [a for a in made.animated if isinstance(a, Line2D) and _marker_radius(a)]
    for state in made.states:
        made.update(**state)
        for line in lines:
            if not line.get_visible():
                continue
            r = _marker_radius(line)
            bounds = [("the figure's edge", fig.bbox)]
            if line.get_clip_on() and line.get_clip_box() is not None:
                bounds.append(("the axes' edge", line.get_clip_box()))
            points = line.get_transform().transform(line.get_xydata())
            for x, y in points[np.all(np.isfinite(points), axis=1)]:
                for what, b in bounds:               # half a pixel of slack for rounding
                    whole = (b.x0 - 0.5 <= x - r and x + r <= b.x1 + 0.5
                             and b.y0 - 0.5 <= y - r and y + r <= b.y1 + 0.5)
                    if not whole:
                        found.append(f"{_states_text(state)}: {what} cuts the marker of {_label(line)}")
    return found


def _frame_htmls(widget) -> list[str]:
    """The HTML of every frame under ``widget`` (an explorer's frames are HTML widgets)."""
    if hasattr(widget, "children"):
        return [h for child in widget.children for h in _frame_htmls(child)]
    value = getattr(widget, "value", None)
    return [value] if isinstance(value, str) and 'class="bk-frame"' in value else []


def _texts(made: Made) -> list[str]:
    """Every readout and alt text the explorer shows, for every state checked."""
    if hasattr(made.box, "frame_values"):
        pages = _frame_htmls(made.box)
    else:  # a live explorer redraws its one frame when a control changes
        pages = []
        for state in made.states:
            for name, value in state.items():
                made.box.controls[name].value = value
            pages += _frame_htmls(made.box)
    texts = []
    for page in pages:
        texts += re.findall(r'class="bk-readout"[^>]*>(.*?)</p>', page, re.S)
        texts += re.findall(r'aria-label="([^"]*)"', page)
    return [html.unescape(t).replace("<br>", " ") for t in texts]


#: Nouns that readouts and alt texts count.
COUNTED = "epoch|step|update|frame|sample|bit|nat|time|outcome|symbol|toss|flip"
ONE_PLURAL = re.compile(rf"(?<![\d.,])\b1 ({COUNTED})s\b")
MANY_SINGULAR = re.compile(rf"(?<![\d.,])\b(?:0|[2-9]|\d{{2,}}) ({COUNTED})\b(?!-)")


def _disagreements(texts: list[str]) -> list[str]:
    return sorted({m.group(0) for text in texts
                   for m in [*ONE_PLURAL.finditer(text), *MANY_SINGULAR.finditer(text)]})


# ---------------------------------------------------------------------- tests

@pytest.mark.parametrize("lesson", [p.stem for p in LESSONS])
def test_moving_layer_never_covers_a_legend(explorers, lesson):
    problems = []
    for made in explorers[lesson]:
        assert made.states, f"{made.name}: no states to check"
        found = _overlaps(made)
        if found:
            problems.append(f"{made.name}: {len(found)} of {len(made.states)} states, e.g. "
                            + "; ".join(found[:3]))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", [p.stem for p in LESSONS])
def test_moving_markers_show_whole(explorers, lesson):
    problems = []
    for made in explorers[lesson]:
        found = _cut_markers(made)
        if found:
            problems.append(f"{made.name}: markers cut in {len(found)} places, e.g. " + "; ".join(found[:3]))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lesson", [p.stem for p in LESSONS])
def test_counts_agree_with_their_number(explorers, lesson):
    problems = []
    for made in explorers[lesson]:
        texts = _texts(made)
        assert texts, f"{made.name}: no readout or alt text found"
        wrong = _disagreements(texts)
        if wrong:
            problems.append(f"{made.name}: {', '.join(wrong)}")
    assert not problems, "\n".join(problems)


# ------------------------------------------------------ the checks can fail

def _toy(legend_loc: str, *, x: float = 0.9, clip_on: bool = True) -> Made:
    """A one-slider explorer: a level line and a dot at (x, v) that move with v."""
    fig, ax = bookkit.new_figure()
    ax.plot([0, 1], [0.5, 0.5], color="0.5", label="fixed")
    dot, = ax.plot([], [], "o", color="C1", ms=9, label="dot", clip_on=clip_on)
    line, = ax.plot([], [], color="C0", label="moving")
    ax.set(xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc=legend_loc)

    def update(v):
        line.set_data([0, 1], [v, v])
        dot.set_data([x], [v])
    box = bookkit.frame_explorer(fig, update, sliders=[bookkit.Slider("v", [0.05, 0.5, 0.95], "v")],
                                 animated=[line, dot], alt=lambda v: "toy")
    return Made("toy", 0, box)


def test_the_checks_find_a_covered_legend_and_a_cut_marker():
    """The checks above fail where they should: they are not vacuous."""
    covered = _overlaps(_toy("upper right"))
    assert sorted(covered) == ["v = 0.95: dot over the legend 'fixed / dot / moving'",
                               "v = 0.95: moving over the legend 'fixed / dot / moving'"]
    assert _overlaps(_toy("upper right", x=0.1)) == ["v = 0.95: moving over the legend 'fixed / dot / moving'"]
    assert [f[:8] for f in _overlaps(_toy("lower center", x=0.5))] == ["v = 0.05", "v = 0.05"]
    assert _overlaps(_toy("lower center")) == ["v = 0.05: moving over the legend 'fixed / dot / moving'"]
    outside = _toy("upper right")
    outside.figure.axes[0].get_legend().set_bbox_to_anchor((1, 1.5))   # above the axes
    assert _overlaps(outside) == []
    assert _cut_markers(_toy("upper right", x=1.0)) == [
        f"v = {v}: the axes' edge cuts the marker of dot" for v in ("0.05", "0.5", "0.95")]
    assert _cut_markers(_toy("upper right", x=1.0, clip_on=False)) == []
    assert _cut_markers(_toy("upper right", x=0.5)) == []      # 0.05 of the height: 9 px, clear of the edge


def test_the_count_check_finds_a_wrong_number():
    assert _disagreements(["after 1 epochs", "after 2 epoch, then 1 step", "1.5 epochs",
                           "after 1 epoch", "300 epochs", "0 bits", "1/2 after 3 steps"]) == [
        "1 epochs", "2 epoch"]


def test_a_live_explorer_is_checked_at_its_ends_and_start():
    import ipywidgets as widgets

    assert _samples(widgets.FloatSlider(value=2.0, min=-8, max=8)) == [-8, 2.0, 8]
    assert _samples(widgets.FloatLogSlider(value=0.15, base=10, min=-3, max=1)) == pytest.approx([1e-3, 0.15, 10])
    assert _samples(widgets.Dropdown(options=[("a", 1), ("b", 2)], value=1)) == [1, 2]
    assert _product([[1, 2], ["x"]]) == [(1, "x"), (2, "x")]
