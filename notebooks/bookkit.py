"""Plumbing for the lessons: figures, explorer widgets and glue (no maths lives here).

Two kinds of explorer, both built on one matplotlib ``Figure`` and one
``update`` function that changes its artists in place (``set_data``,
``set_text``), never making a new figure:

* :func:`frame_explorer` precomputes one image per slider position and puts
  them in a ``Stack`` linked to the slider in the browser (``jslink``).  It
  responds on the static website with no kernel, in JupyterLab, and on Binder.
* :func:`live_explorer` calls ``update`` from a Python callback for any value
  of continuous controls.  It needs a running kernel; on the static page it
  shows its first state.

Figures have an opaque white background, so they stay readable in dark mode,
and every image carries alt text.

:func:`glue` stores a value in a cell's output so that the book's prose can
quote it (MyST-NB's ``{glue:text}`` role) without importing MyST-NB, whose
import costs seconds, into the kernel.
"""

from __future__ import annotations

import base64
import html
import io
from typing import Callable, Sequence

import ipywidgets as widgets
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

__all__ = ["glue", "new_figure", "png_bytes", "Renderer", "img_html", "frame_explorer", "live_explorer"]

#: Resolution of explorer frames; the static figures use the book's default.
FRAME_DPI = 80
#: Colours kept when a frame is quantised (visually identical for line plots).
FRAME_COLOURS = 64


GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, value, display: bool = False) -> None:
    """Store ``value`` under ``name`` for the book's ``{glue:text}`` role.

    The same output as ``myst_nb.glue`` (a test checks that they agree), except
    that NumPy scalars are stored as plain Python numbers, whose text form
    (``0.469`` rather than ``np.float64(0.469)``) the ``{glue:text}`` role can format.
    """
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:
        value = value.item()
    from IPython.core.formatters import format_display_data
    from IPython.display import display as ipy_display

    bundle, metadata = format_display_data(value)
    prefix = "" if display else GLUE_PREFIX
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    ipy_display({prefix + k: v for k, v in bundle.items()}, raw=True, metadata=metadata)


def new_figure(width: float = 6.0, height: float = 3.2, **subplot_kw) -> tuple[Figure, object]:
    """A standalone Figure (not pyplot, so nothing displays by itself) and its axes."""
    fig = Figure(figsize=(width, height), layout="constrained", facecolor="white")
    ax = fig.add_subplot(**subplot_kw)
    return fig, ax


def png_bytes(fig: Figure, dpi: int = FRAME_DPI, quantise: bool = True) -> bytes:
    """The whole figure as PNG bytes (a full draw); see :class:`Renderer` for the fast path."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    if not quantise:
        return buf.getvalue()
    return _encode(Image.open(io.BytesIO(buf.getvalue())).convert("RGB"), quantise=True)


def _encode(img: Image.Image, quantise: bool) -> bytes:
    out = io.BytesIO()
    if quantise:
        # FASTOCTREE is ~5x faster than MEDIANCUT and looks the same on line plots.
        img = img.quantize(colors=FRAME_COLOURS, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
        img.save(out, format="png")
    else:
        img.save(out, format="png", compress_level=1)
    return out.getvalue()


class Renderer:
    """Renders a figure to PNG again and again, fast.

    The figure is laid out and drawn once; its layout is then frozen.  If the
    artists that ``update`` changes are listed as ``animated``, each render
    restores the saved background and draws only those (blitting), which is
    what makes a slider update take milliseconds instead of a full redraw.
    The axes limits must then stay fixed.
    """

    def __init__(self, fig: Figure, animated: Sequence = (), dpi: int = FRAME_DPI):
        self.fig = fig
        self.animated = list(animated)
        fig.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(fig)
        for artist in self.animated:
            artist.set_animated(True)
        self.canvas.draw()
        fig.set_layout_engine("none")
        self.background = self.canvas.copy_from_bbox(fig.bbox) if self.animated else None

    def png(self, quantise: bool = True) -> bytes:
        if self.animated:
            self.canvas.restore_region(self.background)
            for artist in self.animated:
                self.fig.draw_artist(artist)
        else:
            self.canvas.draw()
        img = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
        return _encode(img.convert("RGB"), quantise)


def img_html(png: bytes, alt: str) -> str:
    """An ``<img>`` tag with the PNG inlined and alt text (Image widgets cannot carry alt)."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto;background:white">'
    )


def _labels(values, fmt):
    return [(fmt.format(v), i) for i, v in enumerate(values)]


def frame_explorer(
    fig: Figure,
    update: Callable,
    values: Sequence,
    *,
    animated: Sequence = (),
    description: str,
    alt: Callable[[object], str],
    fmt: str = "{:.2f}",
    start: int | None = None,
    choices: Sequence | None = None,
    choice_labels: Sequence[str] | None = None,
    choice_description: str = "",
) -> widgets.VBox:
    """An explorer that works without a kernel.

    For every value ``v`` in ``values`` (and every ``c`` in ``choices``, when
    given) it calls ``update(v)`` (``update(v, c)``), renders the figure and
    keeps the image.  A slider (and toggle buttons for the choices) switch the
    images in the browser.  ``alt(v)`` (``alt(v, c)``) gives each frame's alt
    text.  The figure is left at the starting state.
    """
    values = list(values)
    if not values:
        raise ValueError("frame_explorer needs at least one slider value")
    start = len(values) // 2 if start is None else start
    if not 0 <= start < len(values):
        raise ValueError(f"start must index values (0 to {len(values) - 1}), got {start}")
    renderer = Renderer(fig, animated)
    slider = widgets.SelectionSlider(
        options=_labels(values, fmt), value=start, description=description,
        continuous_update=True, style={"description_width": "initial"},
        layout=widgets.Layout(width="min(100%, 520px)"),
    )

    links = []

    def stack_for(*extra):
        frames = []
        for v in values:
            update(v, *extra)
            frames.append(widgets.HTML(img_html(renderer.png(), alt(v, *extra))))
        stack = widgets.Stack(frames, selected_index=start)
        links.append(widgets.jslink((slider, "index"), (stack, "selected_index")))
        return stack

    if choices is None:
        body, controls = stack_for(), [slider]
        update(values[start])
    else:
        choices = list(choices)
        labels = list(choice_labels or [str(c) for c in choices])
        toggle = widgets.ToggleButtons(options=[(l, i) for i, l in enumerate(labels)], value=0,
                                       description=choice_description,
                                       style={"description_width": "initial", "button_width": "auto"})
        body = widgets.Stack([stack_for(c) for c in choices], selected_index=0)
        links.append(widgets.jslink((toggle, "index"), (body, "selected_index")))
        controls = [slider, toggle]
        update(values[start], choices[0])
    box = widgets.VBox([*controls, body])
    box.add_class("frame-explorer")
    box.links = links  # the browser-side links, kept for the tests
    return box


def live_explorer(fig: Figure, update: Callable, controls: dict, *, alt: Callable[..., str],
                  animated: Sequence = ()) -> widgets.VBox:
    """An explorer driven by a Python callback (needs a running kernel).

    ``controls`` maps ``update``'s keyword arguments to widgets.  Each change
    calls ``update(**values)``, which moves artists on the existing figure,
    then re-renders that figure into the image (blitting ``animated``).
    """
    image = widgets.HTML()
    renderer = Renderer(fig, animated)

    def redraw(_=None):
        kwargs = {name: w.value for name, w in controls.items()}
        update(**kwargs)
        image.value = img_html(renderer.png(quantise=False), alt(**kwargs))

    for w in controls.values():
        w.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([*controls.values(), image])
    box.redraw = redraw  # exposed for the benchmark and the tests
    return box
