"""Plumbing for the lessons: the book's figure style, explorer widgets and glue (no maths lives here).

Importing this module applies the book's matplotlib style (:data:`STYLE`) and,
inside IPython, makes every figure a lesson shows with ``plt.show()`` emit two
images: a PNG (what JupyterLab shows in an untrusted notebook, and GitHub) and
an SVG (what the website inlines, sharp on any screen and in the theme's colours).

Two kinds of explorer, both built on one matplotlib ``Figure`` and one
``update`` function that changes its artists in place (``set_data``,
``set_text``), never making a new figure:

* :func:`frame_explorer` renders every combination of its sliders' positions
  (and toggle options) in advance.  The figure's fixed part (axes, fixed curves)
  is drawn once as an SVG background; each frame is only the ``animated``
  artists, a small transparent SVG drawn over it, and the frame's *readout*, a
  line of real page text.  Standard ipywidgets switch the frames in the browser
  (``jsdlink``), so it works on the static website with no kernel, in
  JupyterLab, and on Colab (ipywidgets 7.7.1, where an ``Accordion`` with its
  headers hidden stands in for ``Stack``).
* :func:`live_explorer` calls ``update`` from a Python callback for any value
  of its controls.  It needs a running kernel; the website shows it with its
  controls disabled and a note saying so.

Colours in the SVGs are CSS custom properties with the original colour as
fallback (:func:`web_svg`), so the website can give them the theme's colours in
light and dark mode while JupyterLab and Colab show the figure as drawn.

:func:`glue` stores a value in a cell's output so that the book's prose can
quote it without importing MyST-NB, whose import costs seconds, into the kernel.
"""

from __future__ import annotations

import dataclasses
import html
import io
import itertools
import json
import operator
import pathlib
import re
import unicodedata
import warnings
from typing import Any, Callable, Sequence

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure

__all__ = ["STYLE", "Slider", "Toggle", "frame_explorer", "live_explorer", "glue", "new_figure",
           "web_svg", "glyph_defs", "FrameRenderer", "column"]

#: The book's matplotlib style, applied when this module is imported.
STYLE = {
    "figure.figsize": (6.0, 3.4),
    "figure.dpi": 100,                 # the PNG of a static figure: 600 px wide
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "figure.constrained_layout.use": True,
    "lines.linewidth": 2,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 11,
    "svg.hashsalt": "bookkit",         # clip-path ids, hence the SVG text, the same on every run
    "svg.fonttype": "path",            # text drawn as shapes: looks the same in every browser
}

#: SVG metadata without the date, so that a re-run writes the same SVG.
_SVG_METADATA = {"Date": None}

#: Most frames a frame explorer may render (about 450 fit the page's widget-state budget).
MAX_FRAMES = 500


#: The Hangul font the Korean edition's figures use (Nanum Gothic, SIL Open Font License 1.1,
#: fonts/OFL.txt), cut down to the 2,350 syllables of KS X 1001 and the compatibility jamo by
#: scripts/make_hangul_font.py: 0.7 MB, where the whole font is 4.7 MB.
HANGUL_FONT = pathlib.Path(__file__).resolve().with_name("fonts") / "NanumGothic-Hangul.ttf"
#: Latin letters, digits and symbols come from matplotlib's own DejaVu Sans, as in the English
#: edition; only the characters DejaVu Sans lacks (Hangul) come from the next font in the list.
FONT_FAMILY = ["DejaVu Sans", "NanumGothic"]


def _register_hangul_font() -> None:
    """Let matplotlib draw Hangul (the Korean edition's labels) with the book's own font."""
    from matplotlib import font_manager

    if not HANGUL_FONT.is_file():  # a lesson copied without its fonts/ folder: Latin text only
        return
    if not any(entry.fname == str(HANGUL_FONT) for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(HANGUL_FONT))
    matplotlib.rcParams["font.family"] = FONT_FAMILY


def _apply_style() -> None:
    matplotlib.rcParams.update(STYLE)
    _register_hangul_font()
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: no inline backend to configure
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    try:
        from IPython.core.pylabtools import select_figure_formats
        from matplotlib_inline.config import InlineBackend
    except ImportError:
        return
    # PNG at 1x for JupyterLab (which shows no SVG in an untrusted notebook) and GitHub;
    # SVG for the website. Set on the configuration object too, so that the inline
    # backend keeps both when pyplot activates it later.
    config = InlineBackend.instance(parent=shell)
    with warnings.catch_warnings():  # matplotlib-inline observes this trait the pre-4.1 traitlets way
        warnings.simplefilter("ignore", DeprecationWarning)
        config.print_figure_kwargs = {**config.print_figure_kwargs, "metadata": _SVG_METADATA}
    config.figure_formats = {"png", "svg"}
    select_figure_formats(shell, config.figure_formats, **config.print_figure_kwargs)


_apply_style()


# ---------------------------------------------------------------- printed tables


def column(text, width: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``width`` columns, as ``format(text, f"{align}{width}")``
    pads it, but counting a wide character (Hangul, CJK) as the two columns a terminal and a
    monospaced font give it: the columns of a printed table line up in either edition.

    >>> column("red", 6) + "|", column("빨강", 6) + "|", column("0.5", 5, ">")
    ('red   |', '빨강  |', '  0.5')
    """
    text = str(text)
    if align not in ("<", ">", "^"):
        raise ValueError(f"column: align must be '<', '>' or '^', not {align!r}")
    gap = width - sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    if gap <= 0:
        return text
    if align == "<":
        return text + " " * gap
    if align == ">":
        return " " * gap + text
    return " " * (gap // 2) + text + " " * (gap - gap // 2)


# ------------------------------------------------------------------------- glue

GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's glued numbers.

    The same output as ``myst_nb.glue`` (a test checks that they agree), except
    that NumPy scalars are stored as plain Python numbers, whose text form
    (``0.469`` rather than ``np.float64(0.469)``) the book can format.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def new_figure(width: float = 6.0, height: float = 3.2, **subplot_kw) -> tuple[Figure, Any]:
    """A standalone Figure (not pyplot, so nothing displays by itself) and its axes."""
    fig = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    ax = fig.add_subplot(**subplot_kw)
    return fig, ax


# ----------------------------------------------------------- SVG for the web

#: matplotlib's default colour cycle: C0 (p, blue), C1 (q, orange), ... as CSS variables.
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
_CYCLE_VARS = {colour: f"--bk-c{i}" for i, colour in enumerate(TAB10) if i != 7}  # C7 is a grey

_PROLOG = re.compile(r"<\?xml[^>]*\?>\s*|<!DOCTYPE[^>]*>\s*|<metadata>.*?</metadata>\s*", re.S)
_DEFAULT_STYLE = re.compile(r"<defs>\s*<style[^>]*>\*\{stroke-linejoin: round; stroke-linecap: butt\}</style>\s*</defs>\s*")
_ROOT = re.compile(r"<svg\b[^>]*>")
_COLOUR = re.compile(r"\b(fill|stroke): (#[0-9a-fA-F]{6})\b")
_ID = re.compile(r'\sid="([^"]*)"')
_REF = re.compile(r'(?:xlink:href="#|href="#|url\(#)([^")]+)')
_PATH_DATA = re.compile(r'\sd="([^"]*)"')
_POSITION = re.compile(r'(\s(?:x|y|width|height)=")(-?[\d.]+)"')
_TRANSLATE = re.compile(r"translate\(([^)]*)\)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_NUMBER = re.compile(r"-?\d+\.\d+")


def theme_colour(hex_colour: str) -> str:
    """A CSS colour for ``hex_colour`` that follows the page's theme, with the colour itself as fallback.

    Greys become mixes of ink (``--bk-ink``, black) and paper (``--bk-paper``,
    white), so they invert in dark mode; the colour cycle C0, C1, ... becomes
    ``--bk-c0``, ``--bk-c1``, ...; any other colour is kept.
    """
    colour = hex_colour.lower()
    if colour in _CYCLE_VARS:
        return f"var({_CYCLE_VARS[colour]}, {colour})"
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    if r == g == b:
        ink = round(100 * (1 - r / 255))
        if ink == 0:
            return "var(--bk-paper, #fff)"
        if ink == 100:
            return "var(--bk-ink, #000)"
        return f"color-mix(in srgb, var(--bk-ink, #000) {ink}%, var(--bk-paper, #fff))"
    return colour


def _short_number(match: re.Match) -> str:
    text = f"{float(match.group()):.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: Largest distance (pt) a simplified polyline may stray from the drawn one: 0.13 CSS px.
SIMPLIFY_PT = 0.1
_POLYLINE = re.compile(r"^(?:[ML] -?[\d.]+ -?[\d.]+ ?|z ?)+$")


def _rdp(points: np.ndarray, tolerance: float) -> np.ndarray:
    """The points a polyline keeps under Ramer-Douglas-Peucker simplification (a boolean mask)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        if last - first < 2:
            continue
        a, b = points[first], points[last]
        inner = points[first + 1:last]
        ab = b - a
        norm = np.hypot(*ab)
        if norm == 0:
            dist = np.hypot(*(inner - a).T)
        else:
            dist = np.abs(ab[0] * (inner[:, 1] - a[1]) - ab[1] * (inner[:, 0] - a[0])) / norm
        i = int(np.argmax(dist))
        if dist[i] > tolerance:
            k = first + 1 + i
            keep[k] = True
            stack += [(first, k), (k, last)]
    return keep


def _simplified(data: str) -> str:
    """Path data of straight segments (M, L, z) with the points that change nothing to the eye left out."""
    if not _POLYLINE.match(data + " "):
        return data
    out = []
    for sub in re.findall(r"M[^M]*", data):
        closed = sub.rstrip().endswith("z")
        numbers = np.array(re.findall(r"-?[\d.]+", sub), dtype=float).reshape(-1, 2)
        if len(numbers) > 3:
            numbers = numbers[_rdp(numbers, SIMPLIFY_PT)]
        points = " L ".join(f"{x:.2f} {y:.2f}" for x, y in numbers)
        out.append(f"M {points}{' z' if closed else ''}")
    return _NUMBER.sub(_short_number, " ".join(out))


def _path_data(match: re.Match) -> str:
    data = _NUMBER.sub(_short_number, " ".join(match.group(1).split()))
    return f' d="{_simplified(data)}"'


_GROUP_TAG = re.compile(r"<g\b[^>]*>|</g>")


def _unwrap_groups(svg: str) -> str:
    """Drop the ``<g>`` elements that have no attributes left (they only wrapped their children)."""
    out, kept, last = [], [], 0
    for m in _GROUP_TAG.finditer(svg):
        tag = m.group()
        out.append(svg[last:m.start()])
        last = m.end()
        if tag == "</g>":
            if kept.pop():
                out.append(tag)
        elif tag.endswith("/>"):
            out.append(tag)
        else:
            keep = tag != "<g>"
            kept.append(keep)
            if keep:
                out.append(tag)
    out.append(svg[last:])
    return "".join(out)


_GLYPH = re.compile(r'<path id="([^"]+)"(?: d="([^"]*)")? transform="(scale\([^)]*\))"/>')


def _share_glyphs(svg: str, glyphs: dict[str, tuple[str, str]], prefix: str) -> str:
    """Move the glyph shapes of text drawn as paths out of ``svg`` into ``glyphs``.

    ``glyphs`` maps matplotlib's glyph id (font and glyph number, the same in
    every SVG) to (shared id, ``<path>`` element); the SVG then refers to the
    shared ids, which :func:`glyph_defs` defines once for all the frames.
    """
    def move(match: re.Match) -> str:
        original, data, scale = match.groups()
        if original not in glyphs:
            new_id = f"{prefix}{len(glyphs):x}"
            path = f' d="{_NUMBER.sub(_short_number, " ".join(data.split()))}"' if data else ""  # a space has none
            glyphs[original] = (new_id, f'<path id="{new_id}"{path} transform="{scale}"/>')
        return ""
    svg = _GLYPH.sub(move, svg)
    return re.sub(r'(href="#)([^"]+)"', lambda m: f'{m.group(1)}{glyphs[m.group(2)][0]}"'
                  if m.group(2) in glyphs else m.group(0), svg)


def glyph_defs(glyphs: dict[str, tuple[str, str]]) -> str:
    """An invisible SVG that defines the shared glyphs (see :func:`web_svg`)."""
    if not glyphs:
        return ""
    return ('<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0" aria-hidden="true" '
            'focusable="false" style="position:absolute;width:0;height:0;overflow:hidden">'
            f'<defs>{"".join(element for _, element in glyphs.values())}</defs></svg>')


def web_svg(svg: str, prefix: str, *, alt: str | None = None, css_class: str = "",
            glyphs: dict | None = None, glyph_prefix: str = "") -> str:
    """matplotlib's SVG made fit to sit inside a web page.

    * no XML prolog, metadata or global ``<style>`` (which would leak into the page);
    * ids only where referenced, each starting with ``prefix`` (unique per SVG on a page);
    * colours that follow the page's theme (:func:`theme_colour`); what has no fill
      of its own (text) is drawn in ink;
    * coordinates and positions to 0.01 pt, long polylines simplified (:data:`SIMPLIFY_PT`),
      comments and whitespace dropped;
    * with ``glyphs`` (a dict shared by the frames of one explorer), the shapes of
      text glyphs are defined once for all frames (:func:`glyph_defs`) instead of
      in every frame;
    * ``role="img"`` with ``alt`` as its accessible name, or hidden from assistive
      technology when ``alt`` is None (a picture whose description is elsewhere);
    * a width in CSS pixels that shrinks to fit its container (``max-width: 100%``).
    """
    svg = _PROLOG.sub("", svg)
    svg = _DEFAULT_STYLE.sub("", svg, count=1)
    if glyphs is not None:
        svg = _share_glyphs(svg, glyphs, glyph_prefix)
    # ids: keep the referenced ones (clip paths, markers, glyphs), renamed short and unique.
    names: dict[str, str] = {}
    shared = {new_id for new_id, _ in (glyphs or {}).values()}
    for ref in _REF.findall(svg):
        if ref not in shared:
            names.setdefault(ref, f"{prefix}{len(names):x}")
    svg = _ID.sub(lambda m: f' id="{names[m.group(1)]}"' if m.group(1) in names else "", svg)
    svg = _REF.sub(lambda m: m.group(0)[: -len(m.group(1))] + names[m.group(1)]
                   if m.group(1) in names else m.group(0), svg)
    svg = svg.replace('xlink:href="', 'href="')
    svg = _COLOUR.sub(lambda m: f"{m.group(1)}: {theme_colour(m.group(2))}", svg)
    svg = _PATH_DATA.sub(_path_data, svg)
    svg = _POSITION.sub(lambda m: m.group(1) + _NUMBER.sub(_short_number, m.group(2)) + '"', svg)
    svg = _TRANSLATE.sub(lambda m: "translate(" + _NUMBER.sub(_short_number, m.group(1)) + ")", svg)
    svg = _COMMENT.sub("", svg)
    svg = re.sub(r">\s+<", "><", svg).strip()
    svg = _unwrap_groups(svg)

    root = _ROOT.match(svg)
    if root is None:
        raise ValueError("svg: not an SVG document from matplotlib")
    attrs = dict(re.findall(r'([\w:-]+)="([^"]*)"', root.group()))
    view_box = attrs["viewBox"]
    width, height = (float(v) for v in view_box.split()[2:])
    a11y = (f'role="img" aria-label="{html.escape(alt, quote=True)}"' if alt is not None
            else 'aria-hidden="true"')
    cls = f' class="{css_class}"' if css_class else ""
    new_root = (f'<svg xmlns="http://www.w3.org/2000/svg"{cls} width="{width * 4 / 3:.0f}" '
                f'height="{height * 4 / 3:.0f}" viewBox="{view_box}" {a11y} focusable="false" '
                'style="display:block;max-width:100%;height:auto;fill:var(--bk-ink, #000);'
                'stroke-linejoin:round;stroke-linecap:butt">')
    return new_root + svg[root.end():]


# -------------------------------------------------------- drawing the frames

_svg_ids = itertools.count()


def _svg_prefix() -> str:
    """A prefix for the ids of one SVG, unique in this kernel (hence on the lesson's page)."""
    return f"bk{next(_svg_ids):x}-"


class FrameRenderer:
    """Draws a figure's fixed part once and its moving artists alone, as SVG.

    The figure is laid out once, with every artist at its current state, and
    the layout is then frozen: axes limits and labels must stay where they are.
    :meth:`background` is the figure without the ``animated`` artists;
    :meth:`overlay` is the ``animated`` artists alone on a transparent SVG of the
    same size, to be drawn over the background.  With no ``animated`` artists,
    the background is empty and each overlay is the whole figure.
    """

    def __init__(self, fig: Figure, animated: Sequence = (), share_glyphs: bool = False):
        self.fig = fig
        self.animated = list(animated)
        #: glyphs of the overlays' text, defined once (:func:`glyph_defs`) when shared
        self.glyphs: dict | None = {} if share_glyphs else None
        self.glyph_prefix = _svg_prefix() if share_glyphs else ""
        fig.set_dpi(72)                      # SVG user units are points
        fig.draw_without_rendering()         # lay out with every artist in place ...
        fig.set_layout_engine("none")        # ... and keep that layout
        self.width, self.height = (float(v) * 72 for v in fig.get_size_inches())

    def _blank(self) -> tuple[io.StringIO, RendererSVG]:
        buf = io.StringIO()
        return buf, RendererSVG(self.width, self.height, buf, image_dpi=72, metadata=_SVG_METADATA)

    def background(self) -> str:
        """The figure without its animated artists (decorative: the frames carry the alt text)."""
        if not self.animated:
            buf, renderer = self._blank()
            renderer.finalize()
            return web_svg(buf.getvalue(), _svg_prefix(), css_class="bk-background")
        shown = [a for a in self.animated if a.get_visible()]
        for artist in shown:
            artist.set_visible(False)
        try:
            buf = io.StringIO()
            self.fig.savefig(buf, format="svg", metadata=_SVG_METADATA)
        finally:
            for artist in shown:
                artist.set_visible(True)
        return web_svg(buf.getvalue(), _svg_prefix(), css_class="bk-background")

    def overlay(self, alt: str) -> str:
        """The animated artists at their current state (or the whole figure, if none is animated)."""
        buf, renderer = self._blank()
        if self.animated:
            for artist in self.animated:
                artist.draw(renderer)
        else:
            self.fig.draw(renderer)
        renderer.finalize()
        return web_svg(buf.getvalue(), _svg_prefix(), alt=alt, css_class="bk-overlay",
                       glyphs=self.glyphs, glyph_prefix=self.glyph_prefix)


def _text_html(text: str) -> str:
    return "<br>".join(html.escape(line) for line in str(text).split("\n"))


def frame_html(overlay: str, readout: str | None, state: list[list[str]]) -> str:
    """One frame: the overlay SVG and the readout under it, as page text.

    ``data-state`` records, for each control in the order the reader sees them,
    its name and the value it shows for this frame, so that a browser test can
    check that picture and controls agree.
    """
    data = html.escape(json.dumps(state, ensure_ascii=False), quote=True)
    text = ("" if readout is None else
            '<p class="bk-readout" style="margin:0.4em 0 0;line-height:1.45;min-height:1.45em">'
            f"{_text_html(readout)}</p>")
    return f'<div class="bk-frame" data-state="{data}">{overlay}{text}</div>'


# ------------------------------------------------------------------ controls

def _index(value):
    """An integer index (NumPy integers included), or the value unchanged for the error message."""
    try:
        return operator.index(value)
    except TypeError:
        return value


@dataclasses.dataclass(frozen=True)
class Slider:
    """A slider over fixed positions: ``update`` receives ``name=value``.

    ``label`` is shown beside it (plain Unicode, no TeX: η, σ′, μ); ``fmt``
    formats each value for the slider's readout; ``start`` is the index of the
    first position (default: the middle one).
    """

    name: str
    values: Sequence
    label: str
    fmt: str = "{:.2f}"
    start: int | None = None

    def __post_init__(self):
        values = list(self.values)
        object.__setattr__(self, "values", values)
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Slider name must be a Python identifier (update's keyword), got {self.name!r}")
        if not values:
            raise ValueError(f"Slider {self.name!r}: values must hold at least one position")
        start = len(values) // 2 if self.start is None else _index(self.start)
        if not (isinstance(start, int) and 0 <= start < len(values)):
            raise ValueError(f"Slider {self.name!r}: start must index values (0 to {len(values) - 1}), "
                             f"got {self.start!r}")
        object.__setattr__(self, "start", start)
        labels = self.labels
        if len(set(labels)) != len(labels):
            raise ValueError(f"Slider {self.name!r}: fmt {self.fmt!r} shows two values the same way; "
                             "use more decimals")

    @property
    def labels(self) -> list[str]:
        return [self.fmt.format(v) for v in self.values]

    @property
    def options(self) -> list[tuple[str, Any]]:
        return list(zip(self.labels, self.values))


@dataclasses.dataclass(frozen=True)
class Toggle:
    """A choice between a few options, ``[(label, value), ...]``: ``update`` receives ``name=value``."""

    name: str
    options: Sequence[tuple[str, Any]]
    label: str = ""
    start: int = 0

    def __post_init__(self):
        options = [tuple(o) for o in self.options]
        object.__setattr__(self, "options", options)
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Toggle name must be a Python identifier (update's keyword), got {self.name!r}")
        if not options or any(len(o) != 2 for o in options):
            raise ValueError(f"Toggle {self.name!r}: options must be a non-empty list of (label, value) pairs")
        object.__setattr__(self, "start", _index(self.start))
        if not (isinstance(self.start, int) and 0 <= self.start < len(options)):
            raise ValueError(f"Toggle {self.name!r}: start must index options (0 to {len(options) - 1}), "
                             f"got {self.start!r}")
        labels = self.labels
        if len(set(labels)) != len(labels):
            raise ValueError(f"Toggle {self.name!r}: two options have the same label")

    @property
    def labels(self) -> list[str]:
        return [str(label) for label, _ in self.options]

    @property
    def values(self) -> list:
        return [value for _, value in self.options]


# ------------------------------------------------------------------- widgets

#: Without ``widgets.Stack`` (ipywidgets 7, as on Colab) an ``Accordion`` holds the
#: frames (a ``Tab`` linked to a slider at its first position shows no page there);
#: this hides its headers, borders and closed pages, so that it looks like a Stack.
_ACCORDION_CSS = ("<style>.bk-frames>.p-Collapse>.p-Collapse-header,"
                  ".bk-frames>.p-Collapse:not(.p-Collapse-open){display:none!important}"
                  ".bk-frames,.bk-frames>.p-Collapse,.bk-frames>.p-Collapse>.p-Collapse-contents"
                  "{margin:0!important;padding:0!important;border:0!important;"
                  "background:transparent!important;overflow:visible!important}</style>")


def _stack(children: list, index: int, layout) -> widgets.Box:
    """A container that shows one child, chosen by ``selected_index`` (linked in the browser)."""
    if hasattr(widgets, "Stack"):
        stack = widgets.Stack(children, selected_index=index, layout=layout)
    else:  # ipywidgets 7
        stack = widgets.Accordion(children, layout=layout)
        stack.selected_index = index
    stack.add_class("bk-frames")
    return stack


class Explorer(widgets.VBox):
    """An explorer's outer box, whose plain-text form says what it is.

    A notebook shows that text where the widget cannot be drawn: before the
    cell has run, where the widget state was not saved, on GitHub.
    """

    summary = "Interactive explorer: run this cell to show it."

    def __repr__(self) -> str:
        return self.summary


_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def _summary(kind: str, labels: Sequence[str]) -> str:
    """The explorer's text form (where widgets do not render), in the language of its labels:
    a Korean lesson labels its controls in Hangul, and the same code serves both editions."""
    names = ", ".join(label.strip() for label in labels if label.strip())
    if any(_HANGUL.search(label) for label in labels):
        kind = {"Explorer": "탐색기", "Live explorer": "실행형 탐색기"}.get(kind, kind)
        text = f"{kind} ({names}): 이 셀을 실행하면 그림이 그려지고 컨트롤을 쓸 수 있습니다."
        short = f"{kind}: 이 셀을 실행하면 그림이 그려지고 컨트롤을 쓸 수 있습니다."
    else:
        text = f"{kind} ({names}): run this cell to draw it and use its controls."
        short = f"{kind}: run this cell to draw it and use its controls."
    return text if len(text) <= 110 else short  # IPython cuts a widget's text form at 110 characters


def _text_width(text: str) -> int:
    """Columns ``text`` takes: a Hangul syllable is as wide as two Latin letters."""
    return len(text) + len(_HANGUL.findall(text))


def _description_width(labels: Sequence[str]) -> str:
    """One label width for every control of an explorer, so that their tracks line up."""
    return f"{max([_text_width(label) for label in labels] + [1]) + 1}ch"


def _figure_box(background: widgets.Widget, frames: widgets.Widget) -> widgets.Box:
    """The background and the frames in one grid cell: each frame is drawn over the background."""
    box = widgets.Box([background, frames],
                      layout=widgets.Layout(display="grid", grid_template_columns="minmax(0, 1fr)",
                                            margin="0", width="100%", max_width="576px",
                                            overflow="visible"))
    box.add_class("bk-figure")
    return box


def _cell(layout_kw=None) -> widgets.Layout:
    return widgets.Layout(grid_area="1 / 1", margin="0", **(layout_kw or {}))


def frame_explorer(
    fig: Figure,
    update: Callable,
    values: Sequence | None = None,
    *,
    sliders: Sequence[Slider] | None = None,
    toggle: Toggle | None = None,
    animated: Sequence = (),
    readout: Callable[..., str] | None = None,
    alt: Callable[..., str],
    # the first call form, kept until every lesson uses the one above:
    description: str | None = None,
    fmt: str = "{:.2f}",
    start: int | None = None,
    choices: Sequence | None = None,
    choice_labels: Sequence[str] | None = None,
    choice_description: str = "",
) -> Explorer:
    """An explorer that works without a kernel: every frame is rendered in advance.

    ``update(**values)`` moves the figure's ``animated`` artists to the state
    where each slider (and the toggle) has the given value; ``readout(**values)``
    is the text shown under the picture (the numbers the reader watches; it
    states each slider's value as the slider shows it, which the website's tests
    check), and ``alt(**values)`` describes the picture.  Without a readout the
    controls' values are shown.  One slider gives a row of frames, two a grid; a
    toggle multiplies them.  The figure is left at the first state.

    The first call form, ``frame_explorer(fig, update, values, description=...,
    alt=..., start=..., choices=...)`` with ``update(v)`` or ``update(v, c)``, is
    still accepted.
    """
    if values is not None or description is not None:
        if sliders is not None or toggle is not None:
            raise ValueError("frame_explorer: give either sliders= (and toggle=) or values and description, not both")
        if values is None or description is None:
            raise ValueError("frame_explorer: the first call form needs values and description")
        values = list(values)
        if not values:
            raise ValueError("frame_explorer needs at least one slider value")
        if start is not None and not (0 <= start < len(values)):
            raise ValueError(f"start must index values (0 to {len(values) - 1}), got {start}")
        sliders = [Slider("value", values, description, fmt=fmt, start=start)]
        if choices is not None:
            choices = list(choices)
            labels = list(choice_labels or [str(c) for c in choices])
            toggle = Toggle("choice", list(zip(labels, choices)), choice_description)

        update, alt, readout = _positional(update), _positional(alt), _positional(readout)

    sliders = list(sliders or [])
    if not 1 <= len(sliders) <= 2:
        raise ValueError(f"frame_explorer: sliders must hold one or two Slider objects, got {len(sliders)}")
    if not all(isinstance(s, Slider) for s in sliders):
        raise ValueError("frame_explorer: sliders must be Slider objects")
    if toggle is not None and not isinstance(toggle, Toggle):
        raise ValueError("frame_explorer: toggle must be a Toggle object")
    if not callable(update) or not callable(alt) or (readout is not None and not callable(readout)):
        raise ValueError("frame_explorer: update, alt and readout must be functions")
    axes_of_frames = ([toggle] if toggle else []) + sliders       # the toggle picks the outermost stack
    names = [c.name for c in axes_of_frames]
    if len(set(names)) != len(names):
        raise ValueError(f"frame_explorer: two controls have the same name: {names}")
    n_frames = 1
    for control in axes_of_frames:
        n_frames *= len(control.values)
    if n_frames > MAX_FRAMES:
        raise ValueError(f"frame_explorer: {n_frames} frames is more than {MAX_FRAMES}; "
                         "use fewer slider positions")

    width = _description_width([s.label for s in sliders] + ([toggle.label] if toggle else []))
    slider_widgets = [
        widgets.SelectionSlider(
            options=[(label, i) for i, label in enumerate(s.labels)], value=s.start,
            description=s.label, continuous_update=True, readout=True,
            style={"description_width": width},
            layout=widgets.Layout(width="100%", max_width="576px"))
        for s in sliders]
    controls = list(slider_widgets)
    toggle_widget = None
    if toggle is not None:
        toggle_widget = widgets.ToggleButtons(
            options=[(label, i) for i, label in enumerate(toggle.labels)], value=toggle.start,
            description=toggle.label, style={"description_width": width, "button_width": "auto"})
        controls.append(toggle_widget)
    control_of = dict(zip(names, ([toggle_widget] if toggle else []) + slider_widgets))

    # Laid out and drawn at the first state, with every artist in place.
    start_values = {c.name: c.values[c.start] for c in axes_of_frames}
    update(**start_values)
    renderer = FrameRenderer(fig, animated, share_glyphs=True)
    background_svg = renderer.background()

    # Every frame shares one layout and one style: two widget models instead of two per frame.
    frame_layout = widgets.Layout(margin="0")
    frame_style: list = []
    stack_layout = widgets.Layout(margin="0", overflow="visible")
    links = []

    def build(level: int, chosen: dict):
        if level == len(axes_of_frames):
            update(**chosen)
            frame_values.append(chosen)
            state = [[c.name, chosen_labels[c.name]] for c in shown_controls]
            text = readout(**chosen) if readout is not None else "; ".join(
                f"{c.label.strip() or c.name} = {chosen_labels[c.name]}" for c in shown_controls)
            frame = widgets.HTML(frame_html(renderer.overlay(alt(**chosen)), text, state),
                                 layout=frame_layout, **({"style": frame_style[0]} if frame_style else {}))
            frame_style[:] = [frame.style]
            return frame
        control = axes_of_frames[level]
        children = []
        for label, value in zip(control.labels, control.values):
            chosen_labels[control.name] = label
            children.append(build(level + 1, {**chosen, control.name: value}))
        stack = _stack(children, control.start, stack_layout if level else _cell({"overflow": "visible"}))
        links.append(widgets.jsdlink((control_of[control.name], "index"), (stack, "selected_index")))
        return stack

    chosen_labels: dict[str, str] = {}
    frame_values: list[dict] = []     # update's keywords for each frame, in order
    shown_controls = sliders + ([toggle] if toggle else [])   # in the order the reader sees them
    frames = build(0, {})
    update(**start_values)   # leave the figure at the first state
    background = widgets.HTML(background_svg + glyph_defs(renderer.glyphs)
                              + ("" if hasattr(widgets, "Stack") else _ACCORDION_CSS), layout=_cell())
    background.add_class("bk-background-cell")

    box = Explorer([*controls, _figure_box(background, frames)])
    box.add_class("bk-explorer")
    box.add_class("frame-explorer")
    box.summary = _summary("Explorer", [s.label for s in sliders] + ([toggle.label] if toggle else []))
    box.links = links                 # the browser-side links, kept for the tests
    box.n_frames = n_frames
    # What drew the frames, kept for the tests (tests/test_explorer_figures.py): the
    # figure with its layout frozen, update, the animated artists, each frame's values.
    box.figure, box.update, box.animated = fig, update, renderer.animated
    box.frame_values = frame_values
    return box


def _positional(fn: Callable | None) -> Callable | None:
    """A function of the first call form, ``fn(v)`` or ``fn(v, c)``, made callable with keywords."""
    if fn is None:
        return None

    def by_keyword(value, choice=_NO_CHOICE):
        return fn(value) if choice is _NO_CHOICE else fn(value, choice)
    return by_keyword


_NO_CHOICE = object()


def live_explorer(fig: Figure, update: Callable, controls: dict, *, alt: Callable[..., str],
                  animated: Sequence = (), readout: Callable[..., str] | None = None) -> Explorer:
    """An explorer driven by a Python callback (needs a running kernel).

    ``controls`` maps ``update``'s keyword arguments to ipywidgets controls.
    Each change calls ``update(**values)``, which moves artists on the existing
    figure, then redraws only the ``animated`` artists over the fixed background,
    with ``readout(**values)`` as page text under the picture.
    """
    if not isinstance(controls, dict) or not controls:
        raise ValueError("live_explorer: controls must be a non-empty dict of name -> widget")
    if not callable(update) or not callable(alt) or (readout is not None and not callable(readout)):
        raise ValueError("live_explorer: update, alt and readout must be functions")

    def values():
        return {name: w.value for name, w in controls.items()}

    update(**values())
    renderer = FrameRenderer(fig, animated)
    background = widgets.HTML(renderer.background(), layout=_cell())
    background.add_class("bk-background-cell")
    frame = widgets.HTML(layout=_cell())
    frame.add_class("bk-live-frame")

    def redraw(_=None):
        kw = values()
        update(**kw)
        state = [[name, str(getattr(w, "label", None) or w.value)] for name, w in controls.items()]
        frame.value = frame_html(renderer.overlay(alt(**kw)),
                                 None if readout is None else readout(**kw), state)

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    labels = [getattr(w, "description", "") or name for name, w in controls.items()]
    width = _description_width(labels)
    for w in controls.values():  # one label width, so that the controls line up
        if hasattr(w, "style") and hasattr(w.style, "description_width"):
            w.style.description_width = width
    box = Explorer([*controls.values(), _figure_box(background, frame)])
    box.add_class("bk-explorer")
    box.add_class("bk-live")
    box.summary = _summary("Live explorer", labels)
    box.redraw = redraw  # exposed for the benchmark and the tests
    box.figure, box.update, box.animated = fig, update, renderer.animated   # for the tests
    box.controls = controls
    return box
