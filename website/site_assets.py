"""The site's own copies of its JavaScript, and only the bytes a page uses.

A local Sphinx extension (``_config.yml``: ``sphinx.local_extensions``), so that the
ecosystem's own command, ``jupyter-book build .``, builds the complete site.

1. **npm packages.** The build reads npm packages pinned in
   ``website/package-lock.json`` (KaTeX here; the widget bundle's sources in
   ``explorers.py``). When ``website/node_modules/`` is missing or was installed from
   another lock file, the build stops at once with the step that fixes it (``npm ci``
   in ``website/``).
2. **Icons.** The theme draws about fifteen icons from Font Awesome web fonts
   (157 kB for the solid font alone, plus a 1.5 MB script). Each icon becomes an
   inline SVG, its path taken from the theme's own copy of Font Awesome, so the
   icons need no font, no script and no request, and work on ``file://`` (where a
   CSS mask from a file URL is blocked). The icon rules and ``@font-face`` of the
   theme's stylesheet, and the theme's icon fonts, are left out of the site, but
   for a subset of the solid font with the dozen glyphs the stylesheet's own
   pseudo-element icons use (admonitions, "Hide Search Matches"): 3 kB, loaded
   only by a page that shows one.
3. **Unused theme CSS/JS.** The theme's stylesheet keeps only the rules whose
   classes occur in the site's pages or scripts (300 kB to 100 kB; 44 kB to 18 kB
   gzipped, all of it render-blocking). The theme's 1.5 MB Font Awesome script and
   sphinx-thebe's files (no live code on this site) are not linked; sphinx-design's are linked only on pages that use it; the launch
   buttons' logos load only when their menu opens (``loading="lazy"``); the
   scripts in ``<head>`` are deferred so they do not hold back the first paint.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil

from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)

HERE = pathlib.Path(__file__).resolve().parent
NODE_MODULES = HERE / "node_modules"
LOCK = HERE / "package-lock.json"

#: npm packages the build reads (KaTeX renders the math).
PACKAGES = ["katex"]


class AssetError(SphinxError):
    category = "Site JavaScript missing"


# -------------------------------------------------------------- npm packages

def check_node_modules() -> None:
    """Stop with the step that fixes it when node_modules/ is missing or stale."""
    fix = ("run `npm ci --ignore-scripts` in website/ (or build with "
           "`python scripts/build_book.py`, which runs it for you)")
    if not NODE_MODULES.is_dir():
        raise AssetError(f"website/node_modules/ is missing: the site serves its own JavaScript "
                         f"and renders its math with KaTeX at build time; {fix}")
    locked = json.loads(LOCK.read_text(encoding="utf-8")).get("packages", {})
    for package in PACKAGES:
        manifest = NODE_MODULES / package / "package.json"
        want = locked.get(f"node_modules/{package}", {}).get("version")
        have = json.loads(manifest.read_text(encoding="utf-8")).get("version") if manifest.exists() else None
        if have != want:
            raise AssetError(f"website/node_modules/{package} is {have or 'missing'}, but "
                             f"website/package-lock.json pins {want}: {fix}")


# ----------------------------------------------------------------------- icons

#: Classes of Font Awesome that style an icon instead of naming it.
_MODIFIERS = {"fa", "fas", "far", "fab", "fa-solid", "fa-regular", "fa-brands", "fa-lg", "fa-xs",
              "fa-sm", "fa-xl", "fa-2x", "fa-3x", "fa-fw", "fa-spin", "fa-pulse", "fa-border"}
_ICON_TAG_RE = re.compile(r'<(i|span)\s+class="([^"]*\bfa-[^"]*)"([^>]*)>\s*</\1>')
_PACK_END_RE = re.compile(r'\b[a-z]\("(fas|far|fab)",([a-zA-Z_$][\w$]*)\)')
_ENTRY_RE = re.compile(r'(?:"([a-z0-9-]+)"|([a-z][a-z0-9]*)):\[(\d+),(\d+),\[[^\]]*\],"[0-9a-f]+","([^"]+)"\]')


def font_awesome_paths(theme_js: pathlib.Path) -> dict[tuple[str, str], tuple[int, int, str]]:
    """{(pack, name): (width, height, path)} from the theme's Font Awesome script."""
    text = theme_js.read_text(encoding="utf-8")
    icons, start = {}, 0
    for end in _PACK_END_RE.finditer(text):
        pack = {"fas": "solid", "far": "regular", "fab": "brands"}[end.group(1)]
        block = text[text.rfind("var " + end.group(2) + "={", start, end.start()):end.start()]
        for match in _ENTRY_RE.finditer(block):
            name = match.group(1) or match.group(2)
            icons.setdefault((pack, name), (int(match.group(3)), int(match.group(4)), match.group(5)))
        start = end.end()
    return icons


def _theme_fontawesome_js() -> pathlib.Path:
    import pydata_sphinx_theme

    return (pathlib.Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
            / "static" / "scripts" / "fontawesome.js")


def inline_icons(html: str, icons: dict, missing: set) -> str:
    def svg(match: re.Match) -> str:
        classes = match.group(2).split()
        names = [c[3:] for c in classes if c.startswith("fa-") and c not in _MODIFIERS]
        pack = ("brands" if {"fab", "fa-brands"} & set(classes) else
                "regular" if {"far", "fa-regular"} & set(classes) else "solid")
        found = [icons[(pack, n)] for n in names if (pack, n) in icons]
        if not found:
            missing.add(" ".join(classes))
            return match.group(0)
        width, height, path = found[0]
        attrs = match.group(3).rstrip()
        return (f'<svg class="{" ".join(classes)} book-icon" viewBox="0 0 {width} {height}" '
                f'width="{width / height:.3g}em" height="1em" fill="currentColor" aria-hidden="true" '
                f'focusable="false"{attrs}><path d="{path}"/></svg>')

    return _ICON_TAG_RE.sub(svg, html)


_FA_RULE_RE = re.compile(r'(?:\.fa-[\w-]+:before,?)+\{content:"[^"]*"\}'
                         r'|@font-face\{font-display:block;font-family:Font Awesome[^}]*\}')
_PST_ICON_RE = re.compile(r'--pst-(?:icon-[\w-]+|breadcrumb-divider):"([^"]+)"')
SUBSET_FONT = "vendor/fontawesome/webfonts/fa-solid-900-subset.woff"


def slim_theme_css(css: str) -> str:
    """The theme's stylesheet without Font Awesome's glyph rules and fonts, but for the
    subset of the solid font that its own pseudo-element icons use (see icon_subset)."""
    face = ('@font-face{font-display:block;font-family:"Font Awesome 6 Free";font-style:normal;'
            f'font-weight:900;src:url(../{SUBSET_FONT}) format("woff")}}')
    css = _FA_RULE_RE.sub("", css)
    charset = re.match(r'@charset "[^"]*";', css)  # must stay first
    return css[:charset.end()] + face + css[charset.end():] if charset else face + css


def icon_subset(css: str, out: pathlib.Path) -> None:
    """The theme's stylesheet draws a few icons itself (admonition titles, "Hide Search
    Matches", external links) from Font Awesome's solid font with ``--pst-icon-*``
    variables: keep just those glyphs (a few kB instead of 157 kB), as woff."""
    from fontTools import subset

    source = (pathlib.Path(_theme_fontawesome_js()).parents[1] / "vendor" / "fontawesome"
              / "webfonts" / "fa-solid-900.ttf")
    codepoints = set()
    for value in _PST_ICON_RE.findall(css):  # a glyph, or its CSS escape "\\f058"
        codepoints |= {int(h, 16) for h in re.findall(r"\\([0-9a-fA-F]{4,6})", value)}
        codepoints |= {ord(ch) for ch in value if ord(ch) > 0x7f}
    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(str(source), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(font)
    out.parent.mkdir(parents=True, exist_ok=True)
    subset.save_font(font, str(out), options)


def purge_css(css: str, words: set[str]) -> str:
    """The rules of ``css`` that can match: a selector is dropped only when it names a
    class that appears in no page and no script of the site (``words``), so rules for
    classes that scripts add at run time stay. Recurses into @media and @supports."""
    out, i, n = [], 0, len(css)
    while i < n:
        j = css.find("{", i)
        if j < 0:
            out.append(css[i:])
            break
        depth, k = 1, j + 1
        while depth and k < n:
            depth += {"{": 1, "}": -1}.get(css[k], 0)
            k += 1
        prelude, body = css[i:j], css[j + 1:k - 1]
        head = prelude.strip()
        if head.startswith(("@media", "@supports", "@layer")):
            inner = purge_css(body, words)
            if inner.strip():
                out.append(prelude + "{" + inner + "}")
        elif head.startswith("@") or "/*" in head:
            out.append(prelude + "{" + body + "}")
        else:
            keep = [sel for sel in prelude.split(",")
                    if all(c in words for c in re.findall(r"\.([A-Za-z_][\w-]*)", sel))]
            if keep:
                out.append(",".join(keep) + "{" + body + "}")
        i = k
    return "".join(out)


def site_words(out: pathlib.Path) -> set[str]:
    """Every identifier-like word in the site's pages and scripts."""
    words: set[str] = set()
    for path in list(out.rglob("*.html")) + list((out / "_static").rglob("*.js")):
        words |= set(re.findall(r"[A-Za-z_][\w-]*", path.read_text(encoding="utf-8", errors="ignore")))
    return words


# ------------------------------------------------------------ unused theme files

_THEBE_RE = re.compile(r'\s*<(?:link|script)\b[^>]*(?:href|src)="[^"]*sphinx-thebe\.(?:css|js)[^"]*"[^>]*>(?:</script>)?')
_DESIGN_RE = re.compile(r'\s*<(?:link|script)\b[^>]*(?:href|src)="[^"]*(?:sphinx-design\.min\.css|design-tabs\.js)[^"]*"[^>]*>(?:</script>)?')
_FONTAWESOME_JS_RE = re.compile(r'\s*<script src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>')
_LOGO_RE = re.compile(r'<img ([^>]*src="[^"]*_static/images/logo_[a-z]+\.(?:png|svg)")')
_DESIGN_USE_RE = re.compile(r'class="[^"]*\bsd-')


_HEAD_SCRIPT_RE = re.compile(r'<script src="([^"]+)"></script>')
_SCRIPT_PRELOAD_RE = re.compile(r'\s*<link rel="preload" as="script" href="[^"]*" />')


def _defer(head: str) -> str:
    """Scripts in <head> run after the page is parsed (in order), so they do not hold
    back the first paint; documentation_options.js stays first, for the inline
    scripts that read DOCUMENTATION_OPTIONS."""
    return _HEAD_SCRIPT_RE.sub(
        lambda m: m.group(0) if "documentation_options.js" in m.group(1)
        else f'<script defer src="{m.group(1)}"></script>', head)


def slim_page(html: str) -> str:
    html = _FONTAWESOME_JS_RE.sub("", _THEBE_RE.sub("", html))
    head_end = html.find("</head>")
    if head_end > 0 and "searchtools.js" not in html[:head_end]:
        # The theme's own scripts are deferred already; preloading them only takes
        # bandwidth from the stylesheets and the page before the first paint.
        html = _SCRIPT_PRELOAD_RE.sub("", _defer(html[:head_end])) + html[head_end:]
    if not _DESIGN_USE_RE.search(html):
        html = _DESIGN_RE.sub("", html)
    return _LOGO_RE.sub(r'<img loading="lazy" \1', html)


def finish(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = pathlib.Path(app.outdir)
    icons = font_awesome_paths(_theme_fontawesome_js())
    missing: set[str] = set()
    for page in out.rglob("*.html"):
        if any(part.startswith(("_", ".")) for part in page.relative_to(out).parts[:-1]):
            continue
        text = page.read_text(encoding="utf-8")
        slim = slim_page(inline_icons(text, icons, missing))
        if slim != text:
            page.write_text(slim, encoding="utf-8")
    if missing:
        logger.warning(f"no inline SVG for the icon(s) {sorted(missing)}: they would need the "
                       "theme's icon font", type="site")
    css = out / "_static" / "styles" / "pydata-sphinx-theme.css"
    shutil.rmtree(out / "_static" / "vendor" / "fontawesome", ignore_errors=True)
    if css.exists():
        text = css.read_text(encoding="utf-8")
        icon_subset(text, out / "_static" / SUBSET_FONT)
        css.write_text(purge_css(slim_theme_css(text), site_words(out)), encoding="utf-8")
    for unused in ("sphinx-thebe.css", "sphinx-thebe.js", "scripts/fontawesome.js",
                   "scripts/fontawesome.js.map", "scripts/fontawesome.js.LICENSE.txt"):
        if (out / "_static" / unused).exists():
            os.remove(out / "_static" / unused)


def start(app) -> None:
    if app.builder.format == "html":
        check_node_modules()


def setup(app):
    app.connect("builder-inited", start)
    app.connect("build-finished", finish)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
