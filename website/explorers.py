"""Local Sphinx extension: the lessons' figures and explorers on the website.

Listed in ``_config.yml`` (``sphinx.local_extensions``).  It does four things.

1. **Figures as inline SVG.**  bookkit makes every figure a lesson shows carry
   an SVG beside its PNG.  Each notebook figure is put into the page as inline
   SVG, made fit for the page by :func:`bookkit.web_svg` (the code the explorers
   use): sharp on any screen, ``role="img"`` with the cell's alt text, and in the
   theme's colours (ink, paper and the data colours are CSS custom properties
   that ``widgets/explorers.css`` sets for light and dark mode).  MyST-NB's
   figure captions stay.
2. **A lean widget front end.**  ``widgets/explorers.js`` (ipywidgets' own
   ``@jupyter-widgets/base``, ``base-manager`` and ``controls``, with only the
   views the book uses) is bundled with esbuild, both pinned in
   ``website/package-lock.json``, when the book is built, and served as
   ``_static/widgets/bk-widgets.js``.  It replaces MyST-NB's default
   (``@jupyter-widgets/html-manager``'s ``embed.js``, which ships every standard
   control): ``nb_ipywidgets_js`` is emptied here.
3. **Never a blank slot, never blocking.**  Next to each widget view, the page
   gets the explorer's first state as plain HTML (background, first frame,
   readout and a picture of the controls), built from the widget state, so it
   shows from the first paint and with JavaScript off.  The widget state moves
   out of the page's head into a script beside the page (``lesson.widgets.js``;
   its model ids shortened, a third of its gzipped size); a few lines of script
   in the head load it and the bundle as soon as the page has first been
   painted, and the bundle swaps each static frame for the live widget.  A page with explorers therefore carries no widget state before
   its first paint, and a reader without JavaScript downloads none.
4. **Truthful live explorers.**  An explorer made by ``bookkit.live_explorer``
   needs a kernel: on the website its controls are disabled (in the widget
   state, so the static picture and the widget agree) and a note above it says
   so, with links that open the lesson on Binder and Colab.  With JavaScript
   off, or when the widget scripts fail to load, a note above every explorer
   says that its controls need JavaScript.

The bundle needs ``website/node_modules`` (``npm ci`` in ``website/``); the
build stops with a message saying so when it is missing.
"""

from __future__ import annotations

import html
import json
import math
import pathlib
import re
import shutil
import subprocess
import sys
import urllib.parse

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
NODE_MODULES = HERE / "node_modules"
ESBUILD = NODE_MODULES / ".bin" / "esbuild"
WIDGETS = HERE / "widgets"
#: Modules the bundle swaps for small stand-ins (see each file).
ALIASES = {
    "sanitize-html": WIDGETS / "sanitize-html.js",
    "jquery": WIDGETS / "jquery.js",
    "@lumino/widgets": WIDGETS / "lumino-widgets.js",
}
#: Where the bundle and the page CSS are served from, under _static/.
STATIC_DIR = "widgets"
BUNDLE = f"{STATIC_DIR}/bk-widgets.js"
PAGE_CSS = f"{STATIC_DIR}/explorers.css"

STATE_TYPE = "application/vnd.jupyter.widget-state+json"
#: The page's widget state is written beside it, as a script: lesson.html -> lesson.widgets.js.
STATE_SUFFIX = ".widgets.js"
VIEW_RE = re.compile(r'<script type="application/vnd\.jupyter\.widget-view\+json">(.*?)</script>', re.S)

logger = logging.getLogger(__name__)


def _bookkit():
    """The lessons' module (notebooks/bookkit.py): its SVG code is shared with the explorers."""
    notebooks = str(ROOT / "notebooks")
    if notebooks not in sys.path:
        sys.path.insert(0, notebooks)
    import bookkit

    return bookkit


# ---------------------------------------------------------------- configuration

def configure(app, config) -> None:
    # The widget front end is this extension's bundle, not MyST-NB's default embed.js.
    config.nb_ipywidgets_js = {}


# ------------------------------------------------------------- the widget bundle

def build_bundle(app) -> None:
    """Bundle website/widgets/explorers.js with esbuild into a static folder of this build."""
    if app.builder.format != "html":
        return
    if not ESBUILD.exists():
        raise ExtensionError(
            "website/node_modules is missing (or has no esbuild): run `npm ci --ignore-scripts` "
            "in website/ to install the site's pinned JavaScript, then build again")
    out = pathlib.Path(app.outdir).parent / "explorer-static"
    target = out / STATIC_DIR
    target.mkdir(parents=True, exist_ok=True)
    cmd = [str(ESBUILD), str(WIDGETS / "explorers.js"), "--bundle", "--minify", "--format=iife",
           "--target=es2019", "--log-level=warning", f"--outfile={target / 'bk-widgets.js'}",
           *(f"--alias:{name}={path}" for name, path in ALIASES.items())]
    result = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True)
    if result.returncode != 0:
        raise ExtensionError(f"esbuild could not bundle website/widgets/explorers.js:\n{result.stderr}")
    if result.stderr.strip():
        logger.warning("esbuild: %s", result.stderr.strip())
    shutil.copyfile(WIDGETS / "explorers.css", target / "explorers.css")
    if str(out) not in app.config.html_static_path:
        app.config.html_static_path.append(str(out))


# ---------------------------------------------------------------- inline figures

def _image_path(app, node) -> pathlib.Path | None:
    uri = node.get("candidates", {}).get("*") or node.get("uri", "")
    for candidate in (pathlib.Path(uri), pathlib.Path(app.srcdir) / uri.lstrip("/")):
        if candidate.is_file():
            return candidate.resolve()
    return None


def inline_figures(app, doctree, docname) -> None:
    """Put every SVG figure of a notebook page into the page as inline, theme-aware SVG.

    The figures of a page share their text's glyph shapes: defined once, in an
    invisible SVG before the first figure, instead of in every figure.
    """
    if app.builder.format != "html":
        return
    bookkit, glyphs, done = None, {}, []
    for n, node in enumerate(list(doctree.findall(nodes.image))):
        if not str(node.get("uri", "")).endswith(".svg") or "jupyter_execute" not in str(node.get("uri", "")):
            continue
        path = _image_path(app, node)
        if path is None:
            logger.warning("explorers: figure %s not found", node.get("uri"), location=node)
            continue
        bookkit = bookkit or _bookkit()
        alt = node.get("alt") or ""
        if not alt.strip():
            logger.warning("explorers: a figure has no alt text (cell metadata mystnb.image.alt)",
                           location=node)
        svg = bookkit.web_svg(path.read_text(encoding="utf-8"), f"f{n:x}-", alt=alt, css_class="bk-figure-svg",
                              glyphs=glyphs, glyph_prefix="fg-")
        done.append((node, svg))
    for i, (node, svg) in enumerate(done):
        defs = bookkit.glyph_defs(glyphs) if i == 0 else ""
        node.replace_self(nodes.raw("", f'<div class="bk-figure-image">{defs}{svg}</div>', format="html"))


# ------------------------------------------------------------- widgets on a page

def _ref(value):
    """The model id of an ``IPY_MODEL_...`` reference, else None."""
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return value[len("IPY_MODEL_"):]
    return None


class Page:
    """The widget state of one page and the static HTML of its explorers."""

    def __init__(self, state: dict):
        self.state = state
        self.models = state["state"]

    def model(self, model_id: str) -> dict:
        return self.models[model_id]

    def attrs(self, model_id: str) -> dict:
        return self.models[model_id]["state"]

    def name(self, model_id: str) -> str:
        return self.models[model_id]["model_name"]

    def classes(self, model_id: str) -> list:
        return self.attrs(model_id).get("_dom_classes", [])

    def children(self, model_id: str) -> list[str]:
        return [_ref(c) for c in self.attrs(model_id).get("children", []) if _ref(c)]

    def descendants(self, model_id: str):
        yield model_id
        for child in self.children(model_id):
            yield from self.descendants(child)

    def explorer_roots(self) -> list[str]:
        return [m for m in self.models if "bk-explorer" in self.classes(m)]

    # --------------------------------------------------------------- live explorers

    def disable_live_controls(self) -> set[str]:
        """Disable every control of every live explorer (no kernel on the website);
        returns the ids of the live explorers."""
        live = {m for m in self.explorer_roots() if "bk-live" in self.classes(m)}
        for root in live:
            for m in self.descendants(root):
                attrs = self.attrs(m)
                if "disabled" in attrs and self.name(m) != "HTMLModel":
                    attrs["disabled"] = True
        return live

    # ----------------------------------------------------------- the static first frame

    def selected_frame(self, model_id: str) -> str:
        """The HTML a stack of frames shows first (following each stack's selected_index)."""
        name = self.name(model_id)
        if name == "HTMLModel":
            return self.attrs(model_id).get("value", "")
        children = self.children(model_id)
        if not children:
            return ""
        index = self.attrs(model_id).get("selected_index") or 0
        return self.selected_frame(children[min(index, len(children) - 1)])

    def static_control(self, model_id: str) -> str:
        attrs, name = self.attrs(model_id), self.name(model_id)
        label = html.escape(attrs.get("description", ""))
        style_id = _ref(attrs.get("style"))
        width = (self.attrs(style_id).get("description_width") if style_id in self.models else "") or ""
        label_html = (f'<span class="bk-static-label" style="width:{html.escape(width)}">{label}</span>'
                      if label else "")
        disabled = " bk-static-disabled" if attrs.get("disabled") else ""
        if name in ("SelectionSliderModel", "FloatSliderModel", "IntSliderModel", "FloatLogSliderModel"):
            fraction, text = _slider_position(name, attrs)
            percent = f"{100 * fraction:.2f}%"
            return (f'<div class="bk-static-control bk-static-slider{disabled}">{label_html}'
                    f'<span class="bk-static-track"><span class="bk-static-handle" style="left:{percent}"></span></span>'
                    f'<span class="bk-static-value">{html.escape(text)}</span></div>')
        if name == "ToggleButtonsModel":
            labels, index = attrs.get("_options_labels", []), attrs.get("index")
            buttons = "".join(f'<span class="bk-static-button{" bk-static-active" if i == index else ""}">'
                              f"{html.escape(str(text))}</span>" for i, text in enumerate(labels))
            return (f'<div class="bk-static-control bk-static-toggle{disabled}">{label_html}'
                    f'<span class="bk-static-buttons">{buttons}</span></div>')
        if name == "DropdownModel":
            labels, index = attrs.get("_options_labels", []), attrs.get("index")
            text = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else ""
            return (f'<div class="bk-static-control bk-static-dropdown{disabled}">{label_html}'
                    f'<span class="bk-static-select">{html.escape(str(text))}</span></div>')
        return ""

    def static_explorer(self, root: str) -> str:
        """The explorer's first state as plain HTML: controls (a picture), background, frame."""
        controls, figure = [], ""
        for child in self.children(root):
            if "bk-figure" in self.classes(child):
                cells = self.children(child)
                background = self.selected_frame(cells[0]) if cells else ""
                frame = self.selected_frame(cells[1]) if len(cells) > 1 else ""
                figure = (f'<div class="bk-static-figure"><div class="bk-static-cell">{background}</div>'
                          f'<div class="bk-static-cell">{frame}</div></div>')
            else:
                controls.append(self.static_control(child))
        # ids in the static copy must not clash with the live widget's while both are on the page
        figure = re.sub(r'(\sid="|href="#|url\(#)(bk[0-9a-f]+-)', r"\1s\2", figure)
        return (f'<div class="bk-static" data-bk-static="">'
                f'<div class="bk-static-controls" aria-hidden="true">{"".join(controls)}</div>'
                f"{figure}</div>")


def _slider_position(name: str, attrs: dict) -> tuple[float, str]:
    """Where a slider's handle sits (0 to 1) and the text of its readout."""
    if name == "SelectionSliderModel":
        labels, index = attrs.get("_options_labels", []), attrs.get("index") or 0
        fraction = index / (len(labels) - 1) if len(labels) > 1 else 0.0
        return fraction, str(labels[index]) if labels else ""
    lo, hi, value = attrs.get("min", 0), attrs.get("max", 1), attrs.get("value", 0)
    fmt = attrs.get("readout_format") or (".2f" if name != "IntSliderModel" else "d")
    if name == "FloatLogSliderModel":
        base = attrs.get("base", 10)
        position = math.log(value, base) if value > 0 else lo
        text = _d3_format(value, fmt)
    else:
        position = value
        text = _d3_format(value, fmt)
    fraction = (position - lo) / (hi - lo) if hi > lo else 0.0
    return min(max(fraction, 0.0), 1.0), text


def _d3_format(value, fmt: str) -> str:
    """The few d3-format specifiers ipywidgets' readouts use (``.2f``, ``.3f``, ``d``, ``.2e``)."""
    try:
        return format(value, fmt)
    except (ValueError, TypeError):
        return str(value)


def _launch_links(app, pagename: str) -> dict[str, str]:
    """Binder and Colab links that open this page's notebook (as the theme's launch buttons do)."""
    options = app.config.html_theme_options or {}
    repo = options.get("repository_url", "")
    parts = urllib.parse.urlsplit(repo)
    if parts.netloc != "github.com":
        return {}
    org, name = parts.path.strip("/").split("/")[:2]
    branch = options.get("repository_branch", "main") or "main"
    notebook = "/".join(filter(None, [options.get("path_to_docs", "").strip("/"), pagename + ".ipynb"]))
    launch = options.get("launch_buttons", {}) or {}
    links = {}
    if launch.get("binderhub_url"):
        ui = "lab/tree/" if launch.get("notebook_interface") == "jupyterlab" else "tree/"
        links["Binder"] = f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{name}/{branch}?urlpath={ui}{notebook}"
    if launch.get("colab_url"):
        links["Colab"] = f"{launch['colab_url'].rstrip('/')}/github/{org}/{name}/blob/{branch}/{notebook}"
    return links


def live_note(links: dict[str, str], lang: str = "en") -> str:
    anchors = [f'<a href="{html.escape(url, quote=True)}">{service}</a>' for service, url in links.items()]
    if lang == "ko":
        where = " 또는 ".join(anchors)
        launch = (f" 사용하려면 이 레슨을 {where}에서 여세요." if where else " 사용하려면 이 레슨을 Jupyter에서 여세요.")
        return (f'<p class="bk-live-note"><strong>실행 중인 커널이 필요합니다:</strong> 여기서는 아래 컨트롤이 '
                f"꺼져 있고, 그림은 처음 설정을 보여 줍니다.{launch}</p>")
    where = " or ".join(anchors)
    launch = f" Open this lesson in {where} to use it." if where else " Open this lesson in Jupyter to use it."
    return (f'<p class="bk-live-note"><strong>Needs a running kernel:</strong> the controls below are '
            f"disabled here, and the picture shows their first setting.{launch}</p>")


#: What an explorer says when its controls cannot run in this browser: JavaScript is
#: off (a <noscript> before each explorer), or the widget scripts did not load (the
#: loader puts the same note before each explorer). In each edition's language.
NOJS_NOTES = {
    "en": ("<strong>The controls need JavaScript:</strong> they do not work in this browser now, "
           "and the picture shows their first setting."),
    "ko": ("<strong>컨트롤에는 자바스크립트가 필요합니다:</strong> 지금 이 브라우저에서는 동작하지 않으며, "
           "그림은 처음 설정을 보여 줍니다."),
}
NOJS_NOTE = NOJS_NOTES["en"]


def nojs_note(lang: str = "en") -> str:
    return f'<noscript><p class="bk-nojs-note">{NOJS_NOTES[lang]}</p></noscript>'


#: Loads the page's widget state and the widget bundle (async, never blocking) as soon as
#: the page has first been painted; they download while the rest of the page is read in,
#: and the bundle renders the explorers once the page's HTML is complete.  It sits in the
#: page's head.
LOADER_JS = """(function () {
  var started = false, failed = false;
  function explain() {  // a script did not load: say so above every explorer, once
    if (failed) return;
    failed = true;
    function notes() {
      document.querySelectorAll('.bk-slot').forEach(function (slot) {
        var p = document.createElement('p');
        p.className = 'bk-nojs-note';
        p.innerHTML = %s;
        slot.parentNode.insertBefore(p, slot);
      });
    }
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', notes);
    else notes();
  }
  function load() {
    if (started) return;
    started = true;
    [%s, %s].forEach(function (src) {
      var s = document.createElement('script');
      s.src = src;
      s.async = true;
      s.onerror = explain;
      document.head.appendChild(s);
    });
  }
  function painted() {  // the first paint with content has happened (or cannot be known)
    return !(window.performance && performance.getEntriesByName && window.PerformanceObserver &&
             (PerformanceObserver.supportedEntryTypes || []).indexOf('paint') >= 0) ||
           performance.getEntriesByName('first-contentful-paint').length > 0;
  }
  function tick() {
    if (painted()) load();
    else requestAnimationFrame(function () { setTimeout(tick, 0); });
  }
  requestAnimationFrame(function () { setTimeout(tick, 0); });
  document.addEventListener('DOMContentLoaded', function () { setTimeout(load, 0); });
})();"""


def short_ids(state: dict) -> dict[str, str]:
    """Short names for the page's widget models (their ids are random 32-digit hex,
    about a third of a lesson's gzipped widget state)."""
    return {model_id: format(i, "x") for i, model_id in enumerate(state["state"])}


def _renamed(text: str, names: dict[str, str]) -> str:
    return re.sub(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])", lambda m: names.get(m.group(0), m.group(0)), text)


def state_script(state: dict) -> str:
    """The widget state as a script that hands it to the widget bundle: it is loaded
    with the bundle, after the first paint, not with the page's text."""
    data = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return (f"window.bkWidgetState={data};\n"
            "document.dispatchEvent(new Event('bk-widget-state'));\n")


def explorers_in_page(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    scripts = context.get("script_files")
    if not isinstance(body, str) or not isinstance(scripts, list):
        return
    state_scripts = [s for s in scripts if getattr(s, "attributes", {}).get("type") == STATE_TYPE]
    if not state_scripts:
        return
    names = short_ids(json.loads(state_scripts[0].attributes["body"]))
    state = json.loads(_renamed(state_scripts[0].attributes["body"], names))
    for s in state_scripts:
        scripts.remove(s)  # loaded after the first paint, from its own file (below)
    page = Page(state)
    lang = "ko" if (app.config.language or "en").startswith("ko") else "en"  # the edition
    live = page.disable_live_controls()
    links = _launch_links(app, pagename) if live else {}

    def slot(match: re.Match) -> str:
        spec = json.loads(_renamed(html.unescape(match.group(1)), names))
        root = spec.get("model_id")
        if root not in page.models or "bk-explorer" not in page.classes(root):
            return match.group(0)
        note = live_note(links, lang) if root in live else ""
        kind = "bk-slot-live" if root in live else "bk-slot-frames"
        view = f'<script type="application/vnd.jupyter.widget-view+json">{json.dumps(spec)}</script>'
        # The notes come before the explorer: a reader meets them before its controls.
        return f'{nojs_note(lang)}{note}<div class="bk-slot {kind}">{page.static_explorer(root)}{view}</div>'

    body = VIEW_RE.sub(slot, body)
    state_file = pathlib.Path(app.outdir, pagename + STATE_SUFFIX)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(state_script(page.state), encoding="utf-8")
    pathto = context["pathto"]
    state_url = pathto(pagename + STATE_SUFFIX, 1)
    loader = LOADER_JS % (json.dumps(NOJS_NOTES[lang], ensure_ascii=False), json.dumps(state_url), json.dumps(pathto(f"_static/{BUNDLE}", 1)))
    context["body"] = body + f'\n<script type="{STATE_TYPE}" data-src="{html.escape(state_url)}"></script>\n'
    app.add_css_file(PAGE_CSS)
    app.add_js_file(None, body=loader)


def setup(app):
    app.connect("config-inited", configure)
    app.connect("builder-inited", build_bundle)
    app.connect("doctree-resolved", inline_figures)
    # After MyST-NB adds the widget state to the page (priority 500), before
    # website/sphinx_site.py de-duplicates the page's scripts (900).
    app.connect("html-page-context", explorers_in_page, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
