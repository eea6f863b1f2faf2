"""A tiny local Sphinx extension for the book's website (listed in _config.yml).

It removes duplicated inline ``<script>`` blocks from every page.  With
Sphinx 7.4, a script that an extension registers with a body and no file
during ``builder-inited`` (sphinx-thebe's ``const THEBE_JS_URL = ...``,
sphinx-togglebutton's ``var togglebuttonSelector = ...``) is emitted twice,
once as ``_JavaScript(None)`` and once as ``_JavaScript('')``, which do not
compare equal.  The second ``const`` declaration is a ``SyntaxError``
("Identifier 'THEBE_JS_URL' has already been declared") in every page's
console.  Keeping only the first copy of each identical script fixes it.

It also gives bibliography entries a valid ARIA role.  docutils writes each
citation as ``<div role="doc-biblioentry">`` inside ``<div role="list">``;
``doc-biblioentry`` is deprecated (ARIA DPUB 1.1) and not allowed on a div, so
the list's children are invalid (axe: "Certain ARIA roles must contain
particular children", critical).  ``listitem`` is what the list needs.

It names the home page by the book's title alone (the theme would write
"From Entropy to Cross-Entropy — From Entropy to Cross-Entropy" in the tab),
gives the site a favicon (``static/favicon.svg``: no 404 on every first
visit), and adds to the search page ``static/book-search.js`` (snippets of
the lesson's text, not the page's buttons; formulas as text; each result once;
a note where a page opened from a file cannot show snippets), and links the
print stylesheet ``static/book-print.css`` (``media="print"``).  The download
menu's print item says "Print this page" (the theme labels it ".pdf", like a
file, but it opens the print dialog), each page keeps one
``<meta name="viewport">`` of the three the templates write, and the title
that only print shows carries the chapter number ("1. Shannon entropy").

Finally it makes the figures lighter.  After the build, every opaque PNG in
``_images/`` (the lessons' matplotlib figures, RGBA with a white background)
is re-encoded with a palette of at most 256 colours when that is visually
lossless (RMS error <= 1.5 of 255 on the pixels): about a third of the
bytes, which keeps the lesson pages within their 1.5 MB budget.  Images with
transparency, or too many colours to fit a palette, are left as they are.
Only the website's copies change, never the notebooks.
"""

from __future__ import annotations

import io
import os
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent

#: Largest root-mean-square change (0-255 scale) a palette may make to a figure.
MAX_PALETTE_RMS = 1.5


def _key(script) -> tuple:
    filename = getattr(script, "filename", script) or ""
    attributes = getattr(script, "attributes", {}) or {}
    return (str(filename), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not isinstance(scripts, list):
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    scripts[:] = unique  # in place: Sphinx restores the list after each page


def fix_citation_roles(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def palette_png(data: bytes) -> bytes | None:
    """The PNG re-encoded with a palette, or None if that would not be visually lossless."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.load()
    if im.mode not in ("RGB", "RGBA"):
        return None
    if im.mode == "RGBA":
        if int(np.asarray(im.getchannel("A")).min()) < 255:
            return None  # keep transparency exactly as the author made it
        im = im.convert("RGB")
    pal = im.quantize(colors=256, method=Image.Quantize.MAXCOVERAGE, dither=Image.Dither.NONE)
    diff = np.asarray(pal.convert("RGB"), dtype=float) - np.asarray(im, dtype=float)
    if float(np.sqrt(np.mean(diff ** 2))) > MAX_PALETTE_RMS:
        return None
    out = io.BytesIO()
    pal.save(out, format="png", optimize=True)
    return out.getvalue() if out.tell() < len(data) else None


def lighten_figures(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for png in sorted(pathlib.Path(app.outdir, "_images").glob("*.png")):
        smaller = palette_png(png.read_bytes())
        if smaller is not None:
            tmp = png.with_name(png.name + ".tmp")
            tmp.write_bytes(smaller)
            os.replace(tmp, png)


def home_title(app, exception) -> None:
    """The home page's <title> is the book's title, once (the theme's template would
    append the book's title to the page's, which is the same)."""
    if exception is not None or app.builder.format != "html":
        return

    home = pathlib.Path(app.outdir, app.builder.get_target_uri(app.config.root_doc))
    if home.is_file():
        text = home.read_text(encoding="utf-8")
        fixed = re.sub(r"<title>\s*(.*?)\s*&#8212;\s*\1\s*</title>", r"<title>\1</title>", text, count=1)
        if fixed != text:
            home.write_text(fixed, encoding="utf-8")


#: The download menu's "Print to PDF" item runs the browser's print dialog; the theme
#: labels it ".pdf", like a file to download, beside ".ipynb", which is one.
PRINT_ITEM = {"text": "Print this page", "icon": "fas fa-print",
              "tooltip": "Print this page (the print dialog can also save it as a PDF)"}
#: The same item in the Korean edition.
PRINT_ITEM_KO = {"text": "이 페이지 인쇄", "icon": "fas fa-print",
                 "tooltip": "이 페이지 인쇄 (인쇄 창에서 PDF로 저장할 수도 있습니다)"}


def honest_print_item(app, pagename, templatename, context, doctree) -> None:
    """Name the theme's print button for what it does: it prints this page."""
    def walk(buttons):
        for button in buttons or []:
            if button.get("label") == "download-pdf-button":
                button.update(PRINT_ITEM_KO if (app.config.language or "").startswith("ko") else PRINT_ITEM)
            walk(button.get("buttons"))

    walk(context.get("header_buttons"))


_VIEWPORT_RE = re.compile(r'[ \t]*<meta name="viewport"[^>]*>\n?')


def one_viewport(html: str) -> str:
    """The page with its first <meta name="viewport"> only (Sphinx's basic layout, the
    pydata theme and the book theme each write one)."""
    seen = []

    def keep_first(match: re.Match) -> str:
        seen.append(match)
        return match.group(0) if len(seen) == 1 else ""

    return _VIEWPORT_RE.sub(keep_first, html)


_PRINT_TITLE_RE = re.compile(r'(<div id="jb-print-docs-body" class="onlyprint">\s*<h1>)')
_NUMBER_RE = re.compile(r'<h1><span class="section-number">([^<]*)</span>')


def numbered_print_title(html: str) -> str:
    """The page with its chapter number in the title that only print shows (the
    theme's print header says "Shannon entropy" above sections numbered 1.1, 1.2, …)."""
    number = _NUMBER_RE.search(html)
    if not number or not _PRINT_TITLE_RE.search(html):
        return html
    span = f'<span class="section-number">{number.group(1)}</span>'
    return _PRINT_TITLE_RE.sub(lambda m: m.group(1) + span, html, count=1)


def tidy_pages(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = pathlib.Path(app.outdir)
    for page in out.rglob("*.html"):
        if any(part.startswith(("_", ".")) for part in page.relative_to(out).parts[:-1]):
            continue
        text = page.read_text(encoding="utf-8")
        tidy = numbered_print_title(one_viewport(text))
        if tidy != text:
            page.write_text(tidy, encoding="utf-8")


def search_page(app, pagename, templatename, context, doctree) -> None:
    if pagename == "search":
        app.add_js_file("book-search.js", loading_method="defer")


def print_stylesheet(app) -> None:
    """The book on paper (static/book-print.css): not render-blocking on screen."""
    app.add_css_file("book-print.css", media="print")


def default_favicon(app, config) -> None:
    if not config.html_favicon:
        config.html_favicon = str(HERE / "static" / "favicon.svg")


def setup(app):
    app.connect("config-inited", default_favicon)
    app.connect("builder-inited", print_stylesheet)
    app.connect("build-finished", home_title)
    app.connect("html-page-context", search_page)
    # After sphinx-book-theme makes its header buttons (priority 501).
    app.connect("html-page-context", honest_print_item, priority=600)
    app.connect("build-finished", tidy_pages)
    # Late priority: run after the extensions that add per-page scripts (myst-nb's widgets).
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", fix_citation_roles)
    app.connect("build-finished", lighten_figures)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
