"""Math typeset when the book is built, with KaTeX: no math runtime in the reader's browser.

A local Sphinx extension (``_config.yml``: ``sphinx.local_extensions`` and
``html_math_renderer: katex``). Every ``$…$`` and ``$$…$$`` formula is
rendered during the build by KaTeX (the npm package pinned in
``website/package-lock.json``), run by one Node.js process per build
(``website/katex_server.cjs``) that answers one formula per line; formulas
that repeat are rendered once. The page carries KaTeX's HTML, which
``katex.min.css`` and KaTeX's fonts (served by the site) draw, and MathML
for screen readers (``output: 'htmlAndMathml'``).

* A formula KaTeX cannot render is a build error: it is reported with its
  page and line, and the build fails at the end (with or without ``-W``).
  LaTeX that KaTeX renders although LaTeX itself would not (KaTeX's "strict"
  reports) is a warning, an error under ``-W``.
* Where a formula must become plain text (the browser tab's ``<title>``, the
  search index's titles and words), it is written as readable Unicode made
  from the MathML (``0 log 0 = 0``), never as TeX.
* Only the fonts the book's formulas use are copied, as woff2, with a
  stylesheet that names only those (``_static/katex/``); a page preloads the
  faces its own formulas use.
"""

from __future__ import annotations

import atexit
import html
import json
import pathlib
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET

from docutils import nodes
from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = pathlib.Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
KATEX_DIST = NODE_MODULES / "katex" / "dist"
SERVER = HERE / "katex_server.cjs"
#: Where the stylesheet and fonts go, under the site's _static/.
STATIC_DIR = "katex"
CSS_FILE = f"{STATIC_DIR}/katex.min.css"


class KatexError(SphinxError):
    category = "KaTeX error"


def missing_install_message() -> str:
    return ("website/node_modules/katex is missing: the book renders its math with KaTeX at build "
            "time. Install the site's JavaScript first: `npm ci --ignore-scripts` in website/ "
            "(or build with `python scripts/build_book.py`, which runs it for you).")


# ------------------------------------------------------------------ the renderer

class Renderer:
    """One Node.js process running KaTeX, started on first use; answers are cached."""

    def __init__(self):
        self._process = None
        self._lock = threading.Lock()
        self.cache: dict[tuple[str, bool], dict] = {}
        self.version = None

    def _start(self):
        node = shutil.which("node")
        if node is None:
            raise KatexError("Node.js (`node`) is needed to render the book's math with KaTeX: "
                             "install Node.js 18 or newer")
        if not (NODE_MODULES / "katex").is_dir():
            raise KatexError(missing_install_message())
        self._process = subprocess.Popen(
            [node, str(SERVER)], cwd=HERE, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=None, text=True, encoding="utf-8", bufsize=1)
        hello = json.loads(self._process.stdout.readline() or "{}")
        if not hello.get("ready"):
            raise KatexError("the KaTeX process (website/katex_server.cjs) did not start")
        self.version = hello["version"]
        atexit.register(self.close)

    def render(self, tex: str, display: bool) -> dict:
        key = (tex, display)
        if key not in self.cache:
            with self._lock:
                if self._process is None or self._process.poll() is not None:
                    self._start()
                self._process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
                self._process.stdin.flush()
                line = self._process.stdout.readline()
            if not line:
                raise KatexError("the KaTeX process stopped unexpectedly")
            self.cache[key] = json.loads(line)
        return self.cache[key]

    def close(self):
        if self._process is not None and self._process.poll() is None:
            self._process.stdin.close()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
        self._process = None


RENDERER = Renderer()


# ---------------------------------------------------------- TeX of a math node

def display_tex(node: nodes.math_block) -> str:
    """The TeX KaTeX renders for a display formula, as Sphinx builds it for MathJax:
    paragraphs are separate equations, aligned one under the other; a formula
    with line breaks is aligned at its ``&``."""
    text = node.astext()
    if node.get("nowrap"):
        return text
    parts = [part for part in text.split("\n\n") if part.strip()]
    wrapped = [rf"\begin{{aligned}}{part}\end{{aligned}}" if r"\\" in part and r"\begin" not in part
               else part for part in parts]
    if len(wrapped) > 1:
        return r"\begin{gathered}" + r" \\ ".join(wrapped) + r"\end{gathered}"
    return wrapped[0] if wrapped else ""


# --------------------------------------------------------- MathML to plain text

_MATHML_RE = re.compile(r"<math\b.*?</math>", re.S)
_SUB = str.maketrans("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ")
_SUP = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUB_OK = set("0123456789+-=()aeoxhklmnpstijruv")
_SUP_OK = set("0123456789+-=()ni")
#: Operators written with a space either side.
_SPACED = set("=<>≤≥≠≈≡∼≃∝∈∉⊂⊆→←↦⇒⇔+×·∣") | {"−"}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _script(text: str, table, ok, mark: str) -> str:
    text = text.replace("−", "-").strip()
    if text and set(text) <= ok:
        return text.translate(table)
    return f"{mark}{text}" if len(text) <= 1 else f"{mark}({text})"


def _text(el) -> str:
    tag = _local(el.tag)
    kids = list(el)
    if tag == "annotation" or tag == "mphantom":
        return ""
    if tag in ("mi", "mn", "mtext", "ms"):
        return el.text or ""
    if tag == "mo":
        op = (el.text or "").strip()
        if op == "\u2061":  # function application: "log x"
            return " "
        if op in ("\u2062", "\u2063"):  # invisible times, separator
            return ""
        return f" {op} " if op in _SPACED else (op + " " if op == "," else op)
    if tag == "mspace":
        return " "
    if tag == "mfrac" and len(kids) == 2:
        num, den = (_text(k).strip() for k in kids)
        wrap = lambda s: s if re.fullmatch(r"[\w.]+", s) else f"({s})"  # noqa: E731
        return f"{wrap(num)}/{wrap(den)}"
    if tag in ("msqrt",):
        return "√(" + "".join(_text(k) for k in kids).strip() + ")"
    if tag == "mroot" and len(kids) == 2:
        return f"root{_text(kids[1]).strip()}({_text(kids[0]).strip()})"
    if tag in ("msub", "munder") and len(kids) == 2:
        return _text(kids[0]) + _script(_text(kids[1]), _SUB, _SUB_OK, "_")
    if tag == "mover" and len(kids) == 2:
        accent = _text(kids[1]).strip()
        accents = {"^": "\u0302", "ˆ": "\u0302", "~": "\u0303", "˜": "\u0303", "‾": "\u0305",
                   "¯": "\u0304", "˙": "\u0307", "→": "\u20d7"}
        if accent in accents:
            return _text(kids[0]) + accents[accent]
        return _text(kids[0]) + _script(accent, _SUP, _SUP_OK, "^")
    if tag in ("msup",) and len(kids) == 2:
        return _text(kids[0]) + _script(_text(kids[1]), _SUP, _SUP_OK, "^")
    if tag in ("msubsup", "munderover") and len(kids) == 3:
        return (_text(kids[0]) + _script(_text(kids[1]), _SUB, _SUB_OK, "_")
                + _script(_text(kids[2]), _SUP, _SUP_OK, "^"))
    if tag == "mtr":
        return " ".join(_text(k) for k in kids)
    if tag == "mtable":
        return "; ".join(_text(k).strip() for k in kids)
    return "".join(_text(k) for k in kids) + (el.text or "" if tag == "math" else "")


def mathml_text(katex_html: str) -> str:
    """Readable Unicode for a formula KaTeX rendered (from its MathML), e.g. ``0 log 0 = 0``."""
    match = _MATHML_RE.search(katex_html)
    if not match:
        return ""
    try:
        root = ET.fromstring(match.group(0))
    except ET.ParseError:
        return ""
    text = _text(root)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))
    return re.sub(r"\s+([,.;:])", r"\1", text)


def plain_text(tex: str, display: bool = False) -> str:
    """A formula as readable Unicode (rendered by KaTeX, read from its MathML)."""
    answer = RENDERER.render(tex, display)
    return mathml_text(answer["html"]) if "html" in answer else tex


def has_math(node: nodes.Node) -> bool:
    return any(True for _ in node.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))))


def plain_copy(node: nodes.Node) -> nodes.Node:
    """A deep copy of ``node`` with every formula replaced by its plain text."""
    node = node.deepcopy()
    for math in list(node.findall(nodes.math)):
        math.replace_self(nodes.Text(plain_text(math.astext(), False)))
    for block in list(node.findall(nodes.math_block)):
        block.replace_self(nodes.paragraph("", plain_text(display_tex(block), True)))
    return node


# ------------------------------------------------------------------ HTML output

ERRORS: list[str] = []


def _render(self, node, tex: str, display: bool) -> str:
    answer = RENDERER.render(tex, display)
    if "error" in answer:
        message = f"KaTeX cannot render {'$$' if display else '$'}{tex.strip()}{'$$' if display else '$'}: {answer['error']}"
        logger.error(message, location=node, type="katex")
        ERRORS.append(f"{self.builder.current_docname}: {message}")
        return f'<span class="katex-error">{html.escape(tex)}</span>'
    PAGE_CLASSES.setdefault(self.builder.current_docname, set()).update(
        frozenset(c.split()) for c in _CLASS_ATTR_RE.findall(answer["html"]))
    for warning in answer.get("warnings", []):
        logger.warning(f"KaTeX (strict LaTeX) in {tex.strip()!r}: {warning}", location=node,
                       type="katex", subtype="strict")
    return answer["html"]


def visit_math(self, node: nodes.math) -> None:
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(_render(self, node, node.astext(), False))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_math_block(self, node: nodes.math_block) -> None:
    from sphinx.util.math import get_node_equation_number

    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number") and not node.get("nowrap"):
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    self.body.append(_render(self, node, display_tex(node), True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


# ------------------------------------------------------------- titles and search

def _uses_katex(app) -> bool:
    return getattr(app.builder, "math_renderer_name", None) == "katex"


def plain_titles(app, env) -> None:
    """Page titles without TeX: <title>, the search index's page titles, links' titles.

    Sphinx writes ``env.titles`` (rendered as HTML) into <title> after stripping the
    tags, which would leave KaTeX's glyphs, MathML and TeX side by side."""
    if not _uses_katex(app):
        return
    for docname, title in list(env.titles.items()):
        if has_math(title):
            env.titles[docname] = plain_copy(title)
    for docname, title in list(env.longtitles.items()):
        if has_math(title):
            env.longtitles[docname] = plain_copy(title)


def plain_search_index(app) -> None:
    """Index formulas as their plain text (``log``, ``H(p, q)``), not their TeX
    (``\\frac``), and section titles without TeX (the search results show them)."""
    builder = app.builder
    original = builder.index_page

    def index_page(pagename, doctree, title):
        if doctree is not None and has_math(doctree):
            doctree = plain_copy(doctree)
        return original(pagename, doctree, title)

    builder.index_page = index_page


# ------------------------------------------------------------- stylesheet, fonts

_FONT_FACE_RE = re.compile(r"@font-face\{[^}]*\}")
_RULE_RE = re.compile(r"([^{}@]+)\{([^{}]*font-family:\s*\"?(KaTeX_[A-Za-z0-9]+)[^{}]*)\}")
_CLASS_ATTR_RE = re.compile(r'class="([^"]*)"')


def fonts_used(css: str, class_sets: set[frozenset]) -> set[str]:
    """KaTeX font families that a rule of katex.css applies to an element of the book."""
    used = {"KaTeX_Main"}  # .katex itself
    for selectors, _body, family in _RULE_RE.findall(_FONT_FACE_RE.sub("", css)):
        for selector in selectors.split(","):
            compound = selector.strip().split()[-1] if selector.strip() else ""
            classes = frozenset(re.findall(r"\.([\w-]+)", compound))
            if not classes or any(classes <= element for element in class_sets):
                used.add(family)
                break
    return used


def copy_stylesheet_and_fonts(app, exception) -> None:
    if exception is not None or app.builder.format != "html" or not _uses_katex(app):
        return
    if ERRORS:
        raise KatexError(f"{len(ERRORS)} formula(s) KaTeX cannot render:\n  " + "\n  ".join(ERRORS))
    out = pathlib.Path(app.outdir, "_static", STATIC_DIR)
    (out / "fonts").mkdir(parents=True, exist_ok=True)
    class_sets: set[frozenset] = set()
    for answer in RENDERER.cache.values():
        for classes in _CLASS_ATTR_RE.findall(answer.get("html", "")):
            class_sets.add(frozenset(classes.split()))
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    used = fonts_used(css, class_sets)

    def keep(face: re.Match) -> str:
        rule = face.group(0)
        family = re.search(r"font-family:\s*\"?(KaTeX_[A-Za-z0-9]+)", rule).group(1)
        if family not in used:
            return ""
        woff2 = re.search(r"url\((fonts/[^)]+\.woff2)\)", rule).group(1)
        shutil.copyfile(KATEX_DIST / woff2, out / woff2)
        # woff2 only: every browser that can run the site reads it.
        return re.sub(r"src:[^;}]*", f'src:url({woff2}) format("woff2")', rule)

    (out / "katex.min.css").write_text(_FONT_FACE_RE.sub(keep, css), encoding="utf-8")
    shutil.copyfile(NODE_MODULES / "katex" / "LICENSE", out / "LICENSE")


def start(app) -> None:
    if not _uses_katex(app):
        return
    if not (NODE_MODULES / "katex").is_dir():
        raise KatexError(missing_install_message())
    plain_search_index(app)
    # On every page: titles with math show in the navigation and the search results.
    app.add_css_file(CSS_FILE)


#: The face of each KaTeX family a page preloads when its formulas use the family.
PRELOAD_FACE = {"KaTeX_Main": "KaTeX_Main-Regular", "KaTeX_Math": "KaTeX_Math-Italic",
                "KaTeX_AMS": "KaTeX_AMS-Regular", "KaTeX_Size1": "KaTeX_Size1-Regular",
                "KaTeX_Size2": "KaTeX_Size2-Regular", "KaTeX_Size3": "KaTeX_Size3-Regular",
                "KaTeX_Size4": "KaTeX_Size4-Regular", "KaTeX_Caligraphic": "KaTeX_Caligraphic-Regular"}
#: The class sets of the elements of each page's formulas, gathered while it is written.
PAGE_CLASSES: dict[str, set[frozenset]] = {}


def preload_fonts(app, pagename, templatename, context, doctree) -> None:
    """The fonts a page's formulas use are fetched with its stylesheets, so the math is
    drawn at the first paint rather than a round trip later (font-display: block)."""
    classes = PAGE_CLASSES.pop(pagename, None)
    if not _uses_katex(app) or not classes:
        return
    css = (KATEX_DIST / "katex.min.css").read_text(encoding="utf-8")
    faces = sorted(PRELOAD_FACE[f] for f in fonts_used(css, classes) if f in PRELOAD_FACE)
    root = context["pathto"]("_static/" + STATIC_DIR + "/fonts/", 1)
    links = "".join(f'<link rel="preload" href="{root}{face}.woff2" as="font" type="font/woff2" crossorigin>\n'
                    for face in faces)
    context["metatags"] = context.get("metatags", "") + links


def setup(app):
    app.add_html_math_renderer("katex", (visit_math, None), (visit_math_block, None))
    app.connect("builder-inited", start)
    app.connect("env-updated", lambda app, env: plain_titles(app, env))
    app.connect("html-page-context", preload_fonts)
    app.connect("build-finished", copy_stylesheet_and_fonts)
    return {"parallel_read_safe": True, "parallel_write_safe": False, "version": "1"}
