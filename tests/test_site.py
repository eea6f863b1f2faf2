"""The website in a real browser: offline, typeset, navigable, fitting a phone, searchable, printable.

Every page listed in _toc.yml is served from 127.0.0.1 (gzip-compressed, as a
static host serves it; tests/sitekit.py) and opened in Chromium through
Playwright. Every request to any other host is aborted and recorded, so the
tests prove the site works with the network off. Each page is loaded once at
1280×800 and once at 390×844 (a phone), all at the same time, and the checks
share those loads:

* no console errors, no uncaught exceptions, no failed requests, nothing from
  another host (launch buttons and links load only on click);
* math typeset at build time: KaTeX's HTML with MathML for screen readers, no
  TeX visible anywhere, no math runtime on any page;
* display equations fit a 390 px and a 320 px screen, or scroll inside their own
  box with a visible cue; nothing is clipped; no page scrolls sideways;
* navigation: at 390 px the menu button opens the chapter list and a link in it
  navigates, "Contents" opens the page outline; at 1280 px the menu button
  collapses and restores the sidebar; one header, one search box; closing a
  drawer with Escape gives the focus back to the button that opened it;
* header buttons and navigation links at least 44 px (touch); every header
  control and menu item shows a keyboard focus ring, at 390 and 1280 px, light
  and dark; on a touch screen no tooltip stays over the page after a tap;
* search: real queries find their pages once each, glossary terms by their
  abbreviations, snippets without page furniture or TeX, the magnifier beside
  the typed text; on file:// a note explains what needs the site served;
* favicon, a home title that does not repeat the book's name, icons as inline
  SVG (no icon font, no CSS mask from a file URL); one viewport meta tag; the
  download menu's print item says it prints;
* print: folded cells and solutions open, code wrapped, explorers as their
  picture without controls, in the light theme even when the reader is in
  dark mode (and back to dark afterwards); the PDF of the whole book has every
  lesson, every figure and no code line past the margin;
* the lessons' headline numbers, alt text on every image, launch links;
* axe-core finds no serious or critical accessibility violation, in light and
  in dark mode, on every page and on the search page with results (the
  explorers and figures: tests/test_site_explorers.py);
* byte budgets (issue 11): per lesson page <= 700 kB transferred (cold cache,
  gzip), <= 250 kB before the first paint (the page and its render-blocking
  files), widget state <= 200 KiB gzipped.

Without Chromium the tests are skipped (`apt-get install chromium`), except on
CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import dataclasses
import pathlib
import re
import time
import urllib.parse

import pytest
import yaml

import sitekit as sb

# The toolkit's session fixtures: one browser and one server for every module that uses them.
browser = sb.browser
base_url = sb.base_url

ROOT = sb.ROOT
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
PAGES = sb.toc_documents()   # _toc.yml, in reading order
LESSONS = [p for p in PAGES if sb.is_lesson(p)]
FIRST_LESSON = (LESSONS or PAGES)[0]


# ------------------------------------------------------------------ page loads

@dataclasses.dataclass
class Visit:
    """One cold-cache load of a page, and what the page did."""

    path: str
    page: object = None
    errors: list = dataclasses.field(default_factory=list)     # console errors, page exceptions
    failed: list = dataclasses.field(default_factory=list)     # failed requests, HTTP >= 400
    blocked: list = dataclasses.field(default_factory=list)    # requests to other hosts (aborted)
    data: dict = dataclasses.field(default_factory=dict)
    recording: bool = True  # off while axe-core runs (see Visits)

    def record(self, where: list, what: str) -> None:
        if self.recording:
            where.append(what)


def _start(browser, base_url: str, path: str, viewport: dict) -> Visit:
    """Open a page in a fresh context (cold cache), recording what it does."""
    visit = Visit(path)
    context = sb.offline_context(browser, base_url, visit.blocked, viewport=viewport)
    page = sb.new_page(context)
    page.on("console", lambda m: m.type == "error" and visit.record(visit.errors, f"console: {m.text} {m.location}"))
    page.on("pageerror", lambda e: visit.record(visit.errors, f"exception: {e}"))
    page.on("requestfailed", lambda r: visit.record(visit.failed, f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.record(visit.failed, f"{r.url}: HTTP {r.status}"))
    page.goto(base_url + path, wait_until="commit")
    visit.page = page
    return visit


#: axe-core on a page: every rule but colour contrast (``full``, run once, in light
#: mode: the other rules do not depend on the colours), then colour contrast, the
#: slowest rule (about a millisecond per element). On every page but the first
#: lesson, KaTeX's drawing of the formulas (``.katex-html``: hidden from screen
#: readers, who get its MathML; hundreds of elements per lesson, each glyph in the
#: colour of the text around it) and the highlighted code (the theme's one Pygments
#: palette) are left out: KaTeX's markup is checked once, on the first lesson.
#: Started from a timer, so that the call returns at once and the pages' renderer
#: processes run axe in parallel.
AXE_START_JS = """([full, everything, name]) => {
  const detached = [];
  if (!everything) document.querySelectorAll('.katex-html').forEach(k => {
    const stub = document.createElement('span'); detached.push([k, stub]); k.replaceWith(stub); });
  const restore = found => { detached.forEach(([k, stub]) => stub.replaceWith(k)); return found; };
  const context = everything ? document : {exclude: [['.highlight']]};
  window[name] = new Promise(resolve => setTimeout(() => resolve(
    (full ? axe.run(document, {resultTypes: ['violations'], rules: {'color-contrast': {enabled: false}}})
              .then(r => r.violations) : Promise.resolve([]))
      .then(all => axe.run(context, {resultTypes: ['violations'], runOnly: ['color-contrast'], preload: false})
        .then(contrast => restore(all.concat(contrast.violations))))), 0));
}"""


class Visits:
    """Every page is opened once per screen, all at the same time (the browser works on
    them in parallel), checked, and kept open for the session's tests."""

    #: Seconds for all the pages to load, draw their math and render their widgets.
    READY_S = 120

    def __init__(self, browser, base_url, viewport, collect_js, axe=False):
        self.browser, self.base_url, self.viewport = browser, base_url, viewport
        self.collect_js, self.axe, self.cache = collect_js, axe, {}

    def __call__(self, path: str) -> Visit:
        if path not in self.cache:
            self._open_all(PAGES if not self.cache and path in PAGES else [path])
        return self.cache[path]

    def _open_all(self, paths):
        started = [_start(self.browser, self.base_url, p, self.viewport) for p in paths]
        for visit in started:  # cached even if a check below fails: never reopened
            self.cache[visit.path] = visit
        deadline = time.monotonic() + self.READY_S
        for visit in started:
            try:
                left = max(deadline - time.monotonic(), 5)
                sb.wait_until_ready(visit.page, timeout_ms=left * 1000)
            except Exception as error:  # playwright's TimeoutError: a test reports it
                visit.errors.append(f"not ready (fonts in, widgets rendered) within "
                                    f"{self.READY_S} s: {str(error).splitlines()[0]}")
        for visit in started:
            visit.page.wait_for_timeout(100)  # late requests (fonts, images)
            visit.data.update(visit.page.evaluate(self.collect_js))
        if self.axe:
            run_axe(started, "__axeLight", full=True)

    def close(self):
        for visit in self.cache.values():
            visit.page.context.close()


def run_axe(visits: list, name: str, full: bool) -> None:
    """axe-core on every page at once (``full``: every rule, else colour contrast only);
    the violations land in visit.data[name]."""
    from axe_playwright_python.sync_playwright import Axe

    for visit in visits:
        # axe's CSS preloader requests the theme's `@import "../basic.css"` relative
        # to the page instead of the stylesheet: a 404 that is axe's, not the site's.
        visit.recording = False
        if not visit.page.evaluate("() => typeof axe !== 'undefined'"):
            visit.page.evaluate(Axe().axe_script)
        visit.page.evaluate(AXE_START_JS, [full, visit.path == FIRST_LESSON, name])
    for visit in visits:
        visit.data[name] = visit.page.evaluate(f"window.{name}")
        visit.page.wait_for_timeout(50)
        visit.recording = True


#: What a desktop load shows: bytes, text, math, images, links, icons.
COLLECT_JS = r"""() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const main = document.querySelector('main') || document.body;
  // Visible text outside code and outside KaTeX's MathML (read by screen readers
  // only; its <annotation> holds the TeX source): TeX there would be raw TeX.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode(n) {
    const p = n.parentElement;
    if (!p || p.closest('pre, code, script, style, textarea, .highlight, .katex-mathml')) return NodeFilter.FILTER_REJECT;
    return p.checkVisibility() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
  }});
  const rawTex = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\[a-zA-Z]{2,}/.test(n.textContent)) rawTex.push(n.textContent.trim().slice(0, 100));
  }
  const math = Array.from(document.querySelectorAll('.math'));
  const maskUrls = [];
  for (const el of document.querySelectorAll('body *')) {
    const cs = getComputedStyle(el, '::before');
    for (const value of [getComputedStyle(el).maskImage, getComputedStyle(el).webkitMaskImage, cs.maskImage, cs.webkitMaskImage]) {
      if (value && /url\((?!"?data:)/.test(value)) maskUrls.push(el.className + ': ' + value);
    }
  }
  return {
    bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
    blockingBytes: nav.transferSize + res.filter(r => r.renderBlockingStatus === 'blocking')
                                         .reduce((s, r) => s + r.transferSize, 0),
    resources: res.map(r => r.name),
    title: document.title,
    text: document.body.innerText,
    articleText: (document.querySelector('article') || main).innerText,
    math: math.length,
    mathUntypeset: math.filter(m => !m.querySelector('.katex .katex-html')).map(m => m.textContent.slice(0, 80)),
    mathWithoutMathml: math.filter(m => !m.querySelector('.katex-mathml math semantics')).length,
    mathErrors: Array.from(document.querySelectorAll('.katex-error')).map(e => e.textContent.slice(0, 80)),
    mathRuntime: Array.from(document.scripts).map(s => s.src).filter(src => /mathjax|katex/i.test(src))
      .concat(window.MathJax ? ['window.MathJax'] : []).concat(window.katex ? ['window.katex'] : []),
    imgsWithoutAlt: Array.from(document.querySelectorAll('img'))
      .filter(img => !(img.getAttribute('alt') || '').trim())
      .map(img => img.outerHTML.replace(/base64,[^"]*/, 'base64,...').slice(0, 200)),
    images: document.querySelectorAll('img').length,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    explorers: window.__book.explorers().length,
    favicon: (document.querySelector('link[rel~="icon"]') || {}).href || null,
    githubIcon: !!document.querySelector('.btn-source-repository-button svg path, a[href*="github.com"] svg path'),
    maskUrls,
    rawTex,
  };
}"""
#: At the current width: display equations (do they fit, or scroll with a cue, and is
#: anything cut?), inline formulas past the column, sideways scrolling of the page.
FIT_JS = r"""() => {
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const col = article.getBoundingClientRect();
  const inkRects = root => {
    const rects = [];
    for (const el of root.querySelectorAll('.katex-html *')) {
      const hasText = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
      if (!hasText && el.tagName.toLowerCase() !== 'svg') continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) rects.push(r);
    }
    return rects;
  };
  const equations = [];
  for (const box of article.querySelectorAll('div.math')) {
    if (!box.checkVisibility()) continue;  // in a closed disclosure
    box.scrollLeft = 0;
    const b = box.getBoundingClientRect(), cs = getComputedStyle(box);
    const rects = inkRects(box);
    if (!rects.length) continue;
    const left = Math.min(...rects.map(r => r.left)), right = Math.max(...rects.map(r => r.right));
    const top = Math.min(...rects.map(r => r.top)), bottom = Math.max(...rects.map(r => r.bottom));
    const width = right - left;
    const scrollable = ['auto', 'scroll'].includes(cs.overflowX) && box.scrollWidth > box.clientWidth;
    const wider = width > box.clientWidth + 1;
    const problems = [];
    if (b.left < col.left - 1 || b.right > col.right + 1) problems.push(`box ${b.left.toFixed(0)}..${b.right.toFixed(0)} outside the column ${col.left.toFixed(0)}..${col.right.toFixed(0)}`);
    if (wider && !scrollable) problems.push(`content ${width.toFixed(0)} px in a ${box.clientWidth} px box that does not scroll`);
    if (wider && scrollable && box.scrollWidth + 1 < width) problems.push('scrolling does not reach the end of the content');
    if (wider && !/gradient/.test(cs.backgroundImage)) problems.push('scrolls with no visible cue');
    if (wider && box.tabIndex < 0) problems.push('scrolls but cannot be focused (keyboard)');
    if (!wider && left < b.left - 1) problems.push('content starts left of its box');
    if (top < b.top - 1 || bottom > b.bottom + 1) problems.push(`cut vertically: ink ${top.toFixed(0)}..${bottom.toFixed(0)}, box ${b.top.toFixed(0)}..${b.bottom.toFixed(0)}`);
    const shown = box.querySelector('.katex-html') || box;
    equations.push({text: shown.textContent.replace(/\s+/g, ' ').slice(0, 70), wider, problems});
  }
  const inlinePast = [];
  for (const k of article.querySelectorAll('span.math .katex')) {
    if (!k.checkVisibility()) continue;
    for (const r of k.getClientRects()) {
      if (r.right > col.right + 1 && !k.closest('div.math, .table-wrapper, .pst-scrollable-table-container, pre')) {
        inlinePast.push(k.textContent.slice(0, 40));
        break;
      }
    }
  }
  return {width: innerWidth, pageOverflow: document.scrollingElement.scrollWidth - innerWidth,
          equations, inlinePast};
}"""

#: Header buttons and links a reader taps, with their size.
TARGETS_JS = r"""(selector) => Array.from(document.querySelectorAll(selector))
  .filter(el => el.checkVisibility() && el.getBoundingClientRect().width > 0)
  .map(el => { const r = el.getBoundingClientRect();
               return {what: (el.getAttribute('aria-label') || el.title || el.textContent || el.className).trim().slice(0, 40),
                       width: r.width, height: r.height}; })"""

HEADER_TARGETS = ".bd-header-article button, .bd-header-article a.btn, .bd-header-article .btn"

#: A phone load: fit at 390 px, then at 320 px, then back; tap targets in the header.
PHONE_COLLECT_JS = "() => ({})"


@pytest.fixture(scope="session")
def visits(browser, base_url):
    v = Visits(browser, base_url, sb.DESKTOP, COLLECT_JS, axe=True)
    yield v
    v.close()


@pytest.fixture(scope="session")
def phone_visits(browser, base_url):
    v = Visits(browser, base_url, sb.PHONE, PHONE_COLLECT_JS)
    yield v
    v.close()


@pytest.fixture(scope="session")
def fit(phone_visits):
    """Every page's equations and overflow at 390 px and at 320 px."""
    reports = {}
    for path in PAGES:
        visit = phone_visits(path)
        page = visit.page
        reports[path] = {390: page.evaluate(FIT_JS)}
        page.set_viewport_size({"width": 320, "height": 700})
        page.wait_for_timeout(150)  # resize observers, layout
        reports[path][320] = page.evaluate(FIT_JS)
        page.set_viewport_size(sb.PHONE)
        page.wait_for_timeout(50)
        reports[path]["targets"] = page.evaluate(TARGETS_JS, HEADER_TARGETS)
    return reports
def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
    return "\n".join(lines)


# --------------------------------------------------------------------- pages

def test_every_toc_page_is_built_and_listed(built_site):
    # Pages in folders (the site's root pages are Sphinx's own: index, search, genindex),
    # in both editions (the Korean one's folder ko/ has the same root pages).
    built = {page for p in built_site.glob("*/**/*.html")
             if not (page := p.relative_to(built_site).as_posix()).startswith(("_", "."))
             and not (page.startswith("ko/") and (page.count("/") == 1 or page.startswith(("ko/_", "ko/."))))}
    assert set(PAGES) <= built, f"in _toc.yml but not built: {set(PAGES) - built}"
    assert built <= set(PAGES), f"built but not in _toc.yml (not tested here): {built - set(PAGES)}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_offline(visits, phone_visits, path):
    """No console error, no exception, no failed request, nothing from another host."""
    for visit in (visits(path), phone_visits(path)):
        assert not visit.blocked, f"{path} requested other hosts (the site must work offline): {visit.blocked}"
        assert not visit.failed, f"{path} has failed requests: {visit.failed}"
        assert not visit.errors, f"{path} logged errors:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("path", sorted(sb.HEADLINES))
def test_lesson_shows_its_headline_numbers(visits, path):
    assert path in PAGES, f"{path} has headline numbers but is not in _toc.yml"
    missing = sb.missing_headlines(path, visits(path).data["text"])
    assert not missing, f"{path} does not show {missing}"


@pytest.mark.parametrize("path", PAGES)
def test_every_image_has_alt_text(visits, path):
    data = visits(path).data
    assert not data["imgsWithoutAlt"], f"images without alt text: {data['imgsWithoutAlt']}"


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations(visits, path):
    violations = [v for v in visits(path).data["__axeLight"] if v["impact"] in ("serious", "critical")]
    assert not violations, f"axe-core on {path}:\n{_describe(violations)}"


# ---------------------------------------------------------------------- math

@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset_at_build_time(visits, built_site, path):
    """KaTeX's HTML and MathML in the served page, no TeX visible, no math runtime."""
    data = visits(path).data
    assert not data["rawTex"], f"raw TeX in the visible text: {data['rawTex'][:5]}"
    assert not data["mathUntypeset"], f"math not typeset: {data['mathUntypeset'][:5]}"
    assert not data["mathWithoutMathml"], f"{data['mathWithoutMathml']} formulas without MathML"
    assert not data["mathErrors"], f"formulas KaTeX could not render: {data['mathErrors'][:5]}"
    assert not data["mathRuntime"], f"a math runtime is loaded: {data['mathRuntime']}"
    if sb.is_lesson(path):
        assert data["math"] > 0, f"{path} is a lesson but shows no math"
    # in the HTML as served, before any script ran
    html = (built_site / path).read_text(encoding="utf-8")
    assert 'class="katex"' in html or data["math"] == 0
    assert not re.search(r"<script[^>]*(mathjax|katex)|MathJax\s*=", html, re.I), f"{path} loads a math runtime"
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "\\" not in title and "$" not in title, f"TeX in the page's title: {title}"


@pytest.mark.parametrize("width", [390, 320])
@pytest.mark.parametrize("path", PAGES)
def test_equations_fit_a_phone(fit, path, width):
    """No display equation wider than its box without a way to scroll it; nothing cut."""
    report = fit[path][width]
    problems = [f"{e['text']!r}: {'; '.join(e['problems'])}" for e in report["equations"] if e["problems"]]
    assert not problems, f"{path} at {width} px:\n  " + "\n  ".join(problems)
    assert not report["inlinePast"], f"inline formulas past the column at {width} px: {report['inlinePast']}"
    assert report["pageOverflow"] <= 0, f"{path} scrolls sideways by {report['pageOverflow']} px at {width} px"


# ---------------------------------------------------------------- navigation

VISIBLE_JS = r"""sel => Array.from(document.querySelectorAll(sel)).filter(e => {
  const r = e.getBoundingClientRect();
  return e.checkVisibility({checkOpacity: true, checkVisibilityCSS: true}) && r.width > 0 && r.height > 0
    && r.right > 0 && r.left < innerWidth && r.bottom > 0 && r.top < innerHeight;
}).length"""


def _count(page, selector: str) -> int:
    return page.evaluate(VISIBLE_JS, selector)


def _fresh(browser, base_url, path, viewport):
    context = sb.offline_context(browser, base_url, viewport=viewport)
    page = sb.new_page(context)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + path)
    sb.wait_until_ready(page)
    return page, errors


def test_phone_menu_opens_the_chapters_and_navigates(browser, base_url):
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.PHONE)
    try:
        second = (LESSONS + PAGES)[1]
        link = f'.bd-sidebar-primary a[href$="{pathlib.PurePosixPath(second).name}"]'
        assert _count(page, link) == 0, "the chapter list shows before the menu is opened"
        toggles = page.locator(".primary-toggle").filter(visible=True)
        assert toggles.count() == 1, f"{toggles.count()} visible menu buttons"
        toggles.first.click()
        page.wait_for_timeout(400)
        assert _count(page, link) == 1, "the menu button did not open the chapter list"
        heights = [t["height"] for t in page.evaluate(TARGETS_JS, ".bd-sidebar-primary .bd-links a")]
        assert heights and min(heights) >= 43.5, f"chapter links {min(heights):.0f} px tall (touch: 44)"
        page.locator(link).filter(visible=True).first.click()
        page.wait_for_url(f"**/{second}", timeout=5000)
        sb.wait_until_ready(page)

        outline = ".bd-sidebar-secondary nav a"
        assert _count(page, outline) == 0, "the page outline shows before Contents is opened"
        contents = page.locator(".secondary-toggle").filter(visible=True)
        assert contents.count() == 1, f"{contents.count()} visible Contents buttons"
        contents.first.click()
        page.wait_for_timeout(400)
        assert _count(page, outline) >= 2, "Contents did not open the page outline"
        assert not errors, errors
    finally:
        page.context.close()


def test_desktop_menu_collapses_and_restores_the_sidebar(browser, base_url):
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.DESKTOP)
    try:
        chapters = ".bd-sidebar-primary .bd-links a"
        shown = _count(page, chapters)
        assert shown >= len(LESSONS), f"the sidebar shows {shown} chapter links"
        toggle = page.locator(".primary-toggle").filter(visible=True)
        assert toggle.count() == 1, f"{toggle.count()} visible menu buttons"
        toggle.first.click()
        page.wait_for_timeout(400)
        assert _count(page, chapters) == 0, "the menu button did not collapse the sidebar"
        assert _count(page, "dialog[open]") == 0, "the menu button opened a dialog instead"
        assert page.evaluate("() => document.querySelector('article').getBoundingClientRect().left") < 200
        page.locator(".primary-toggle").filter(visible=True).first.click()
        page.wait_for_timeout(400)
        assert _count(page, chapters) == shown, "the menu button did not restore the sidebar"
        assert not errors, errors
    finally:
        page.context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_one_header_and_one_search_box(visits, phone_visits, screen):
    visit = (phone_visits if screen == "phone" else visits)(FIRST_LESSON)
    headers = _count(visit.page, "header.bd-header, .bd-header-article")
    searches = _count(visit.page, ".search-button-field, .search-button, form.bd-search")
    assert headers == 1, f"{headers} header bars on a {screen}"
    assert searches == 1, f"{searches} search boxes or buttons on a {screen}"


@pytest.mark.parametrize("path", PAGES)
def test_header_buttons_are_big_enough_to_tap(fit, visits, path):
    phone = fit[path]["targets"]
    desktop = visits(path).page.evaluate(TARGETS_JS, HEADER_TARGETS)
    for screen, targets in (("390 px", phone), ("1280 px", desktop)):
        assert targets, f"no header buttons at {screen}"
        small = [t for t in targets if t["width"] < 43.5 or t["height"] < 43.5]
        assert not small, f"header buttons under 44 px at {screen} on {path}: {small}"


# -------------------------------------------------------------------- search

#: Queries a reader types, and the page (with anchor prefix) that must be among the
#: first results. Glossary terms are found by their abbreviations.
SEARCHES = {
    "entropy": "notebooks/01_shannon_entropy.html",
    "softmax": "notebooks/03_cross_entropy.html",
    "KL": "book/glossary.html#",
    "CE": "book/glossary.html#",
    "MSE": "book/glossary.html#",
    "NLL": "book/glossary.html#",
    "summary": "notebooks/01_shannon_entropy.html",   # a word of section titles only
}
#: The page furniture whose words must never be a result's snippet.
FURNITURE = re.compile(r"^\W*(Binder|Colab|Repository|Open issue|\.ipynb|\.pdf|Contents)\b"
                       r"|Binder\s+Colab|Repository\s+Open issue|\.ipynb\s+\.pdf|Contents\s+\d+\.\d+\.")

#: TeX a reader could meet in a snippet (code's own backslashes, like "\\n", are fine).
TEX = re.compile(r"\$[^$\n]*\\[a-zA-Z]|\\[()\[\]]|\\(frac|tfrac|dfrac|sum|prod|int|log|ln|exp|mathrm|mathbb|mathcal|"
                 r"operatorname|left|right|begin|end|cdot|times|le|ge|leq|geq|ne|neq|mid|quad|qquad|"
                 r"text|sqrt|infty|hat|bar|sigma|mu|eta|alpha|beta|partial|Vert|lvert|rvert)\b")

RESULTS_JS = r"""() => Array.from(document.querySelectorAll('#search-results ul.search li')).map(li => ({
  href: li.querySelector('a').getAttribute('href'),
  title: li.querySelector('a').textContent,
  snippet: (li.querySelector('p.context') || {}).textContent || null,
}))"""


def _search(browser, base_url: str, query: str, base: str | None = None, viewport=None,
            search_page: str = "search.html"):
    """Open the search page for ``query``; returns (results, page)."""
    context = (sb.offline_context(browser, base_url, viewport=viewport or sb.DESKTOP) if base is None
               else browser.new_context(viewport=viewport or sb.DESKTOP))
    page = sb.new_page(context)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto((base or base_url) + search_page + "?q=" + urllib.parse.quote(query))
    page.wait_for_function("() => /Search finished|검색이 완료/.test((document.querySelector('#search-results') || {}).innerText || '')",
                           timeout=15000)
    page.wait_for_function("() => Array.from(document.querySelectorAll('#search-results ul.search li'))"
                           ".every(li => li.querySelector('p.context')) || !DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY",
                           timeout=10000)
    return page.evaluate(RESULTS_JS), page, errors


@pytest.fixture(scope="session")
def searches(browser, base_url):
    found = {}
    for query in SEARCHES:
        results, page, errors = _search(browser, base_url, query)
        found[query] = {"results": results, "errors": errors}
        page.context.close()
    return found


@pytest.mark.parametrize("query", list(SEARCHES))
def test_search_finds(searches, query):
    results, errors = searches[query]["results"], searches[query]["errors"]
    assert not errors, errors
    hrefs = [r["href"] for r in results]
    assert any(h.startswith(SEARCHES[query]) for h in hrefs[:5]), \
        f"{query!r}: {SEARCHES[query]} is not among the first results {hrefs[:5]}"
    keys = [h.split("?")[0] for h in hrefs]
    assert len(keys) == len(set(keys)), f"{query!r}: results repeat: {hrefs}"
    for r in results:
        snippet = r["snippet"] or ""
        assert not FURNITURE.search(snippet), f"{query!r}: page furniture in the snippet {snippet[:120]!r}"
        assert not TEX.search(snippet), f"{query!r}: TeX in the snippet {snippet[:160]!r}"
        assert "\\" not in r["title"] and "$" not in r["title"], f"TeX in a result's title {r['title']!r}"


#: The Korean edition's search (its own index, ko/search.html): Korean words are found
#: whatever particle the text or the query writes onto them (website/languages.py).
KOREAN_SEARCHES = {
    "엔트로피": "notebooks/01_shannon_entropy.ko.html",
    "발산": "notebooks/02_kl_divergence.ko.html",        # two syllables, in the text as 발산은, 발산을, ...
    "소프트맥스를": "notebooks/03_cross_entropy.ko.html",  # a particle in the query
    "포화": "notebooks/04_mse_vs_cross_entropy.ko.html",
    "정보량": "book/glossary.ko.html",
}


@pytest.mark.parametrize("query", list(KOREAN_SEARCHES))
def test_korean_search_finds(browser, base_url, query):
    results, page, errors = _search(browser, base_url, query, search_page="ko/search.html")
    try:
        assert not errors, errors
        hrefs = [r["href"] for r in results]
        assert any(h.startswith(KOREAN_SEARCHES[query]) for h in hrefs[:5]), \
            f"{query!r}: {KOREAN_SEARCHES[query]} is not among the first results {hrefs[:5]}"
        assert all(".ko.html" in h for h in hrefs), f"{query!r}: English pages in the Korean results {hrefs}"
        snippets = [r["snippet"] or "" for r in results]
        assert any(query.removesuffix("를") in s for s in snippets), f"{query!r}: no snippet shows it {snippets[:3]}"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 390, 320])
def test_language_switch_lands_on_the_same_page_in_the_other_edition(browser, base_url, width):
    """By touch on a phone, by mouse on a desktop: English lesson -> its Korean twin -> back.
    Under 360 px the switch is the first link in the chapters' drawer."""
    page, errors = _fresh(browser, base_url, FIRST_LESSON, {"width": width, "height": 800})
    try:
        for expected_lang, target in (("ko", "ko/" + FIRST_LESSON.replace(".html", ".ko.html")), ("en", FIRST_LESSON)):
            if width < 360:
                page.locator(".bd-header-article .primary-toggle").first.click()
                link = page.locator(".book-lang-drawer a").filter(visible=True)
            else:
                link = page.locator(".bd-header-article .btn-language-switch").filter(visible=True)
            assert link.count() == 1, f"{width} px: {link.count()} visible language switches"
            box = link.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, f"{width} px: the switch is {box}"
            assert link.get_attribute("lang") == expected_lang and link.get_attribute("hreflang") == expected_lang
            link.click()
            page.wait_for_url(base_url + target)
            sb.wait_until_ready(page)
            assert page.evaluate("document.documentElement.lang") == expected_lang
            assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0, \
                f"{target} scrolls sideways at {width} px"
        assert not errors, errors
    finally:
        page.context.close()


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_search_magnifier_does_not_cover_the_text(browser, base_url, screen):
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.PHONE if screen == "phone" else sb.DESKTOP)
    try:
        page.locator(".search-button-field, .search-button").filter(visible=True).first.click()
        field = page.locator("#pst-search-dialog input[type=search], form.bd-search input").filter(visible=True).first
        field.fill("entropy")
        geometry = field.evaluate("""input => {
          const form = input.closest('form'), r = input.getBoundingClientRect();
          const icon = form.querySelector('svg, i, .icon');
          const text = r.left + parseFloat(getComputedStyle(input).paddingLeft);
          return {icon: icon ? icon.getBoundingClientRect().right : null, text};
        }""")
        assert geometry["icon"] is not None, "the search field has no magnifier"
        assert geometry["icon"] <= geometry["text"] + 0.5, f"the magnifier covers the typed text: {geometry}"
        assert not errors, errors
    finally:
        page.context.close()


def test_search_on_file_url_lists_results_and_says_what_needs_a_server(browser, built_site):
    results, page, errors = _search(browser, None, "entropy", base=built_site.as_uri() + "/")
    try:
        note = page.locator("#book-search-file-note")
        assert note.count() == 1 and note.is_visible(), "no note that search snippets need the site served"
        assert results, "no results on file://"
        assert not errors, errors
    finally:
        page.context.close()


# ------------------------------------------------------ favicon, title, icons

def test_home_title_does_not_repeat_the_book_name(visits):
    title = visits(PAGES[0]).data["title"]
    assert title == sb.book_title(), f"the home page's title is {title!r}"
    lesson = visits(FIRST_LESSON).data["title"]
    assert lesson.endswith(sb.book_title()) and lesson != sb.book_title()


@pytest.mark.parametrize("path", PAGES)
def test_favicon_and_icons_need_no_font_or_mask(visits, path):
    visit = visits(path)
    data = visit.data
    assert data["favicon"], "no <link rel=icon>"
    status = visit.page.evaluate("url => fetch(url).then(r => r.status)", data["favicon"])
    assert status == 200, f"the favicon answers HTTP {status}"
    assert not data["maskUrls"], f"CSS masks from files (blocked on file://): {data['maskUrls'][:3]}"
    assert data["githubIcon"], "the repository button has no inline GitHub icon"
    fonts = [r for r in data["resources"] if re.search(r"fontawesome|fa-(solid|brands|regular)", r)]
    assert all(r.split("?")[0].endswith("-subset.woff") for r in fonts), f"the page loads Font Awesome: {fonts}"


# --------------------------------------------------------------------- print

PRINT_JS = r"""() => {
  window.bookPrepareForPrint();
  const visible = sel => Array.from(document.querySelectorAll(sel)).filter(e => e.checkVisibility());
  return {
    summaries: visible('details.hide > summary').length,
    closed: Array.from(document.querySelectorAll('article details')).filter(d => !d.open).length,
    hiddenCells: Array.from(document.querySelectorAll('details.hide .cell_input')).filter(e => !e.checkVisibility()).length,
    codeOverflow: visible('article pre').filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 60)),
    controls: visible('.jupyter-widgets .widget-slider, .jupyter-widgets .widget-toggle-buttons, .jupyter-widgets .widget-dropdown, .bk-slot input, .bk-slot select, .bk-slot button, .frame-explorer input, .noUi-target').length,
    explorerPictures: window.__book.explorers().length === 0 ? null
      : window.__book.explorers().map(e => window.__book.visibleFrames(e).length),
    furniture: visible('.bd-header-article, .bd-sidebar-primary, .bd-sidebar-secondary, .prev-next-area').length,
    titles: visible('h1').map(h => h.textContent.replace(/#$/, '').trim()),
    chapter: (document.querySelector('article h1 .section-number') || {}).textContent || null,
  };
}"""


@pytest.mark.parametrize("path", LESSONS)
def test_print_shows_the_lesson_not_the_controls(visits, pdf_report, path):
    page = visits(path).page
    page.emulate_media(media="print")
    try:
        report = page.evaluate(PRINT_JS)
    finally:
        page.evaluate("() => window.bookAfterPrint()")
        page.emulate_media(media="screen")
    assert report["summaries"] == 0, "folded cells print their 'Show code cell' line"
    assert report["closed"] == 0 and report["hiddenCells"] == 0, f"folded content stays hidden in print: {report}"
    assert not report["codeOverflow"], f"code runs past the margin in print: {report['codeOverflow'][:3]}"
    assert report["controls"] == 0, f"{report['controls']} explorer controls in print"
    if report["explorerPictures"] is not None:
        assert all(n >= 1 for n in report["explorerPictures"]), f"an explorer prints no picture: {report}"
    assert report["furniture"] == 0, "header, sidebars or navigation in print"
    assert report["chapter"], f"{path} has no chapter number"
    assert len(report["titles"]) == 1 and report["titles"][0].startswith(report["chapter"].strip()), \
        f"the printed title should carry the chapter number {report['chapter']!r}: {report['titles']}"


@pytest.fixture(scope="session")
def book_pdf(built_site, visits, tmp_path_factory):
    """The book's PDF, both editions, printed now exactly as scripts/book_pdf.py prints
    each, from the pages the tests have open."""
    import book_pdf as maker

    target = tmp_path_factory.mktemp("pdf") / "book.pdf"
    target.write_bytes(maker.join([(path, *maker.print_page(visits(path).page)) for path in PAGES]))
    return target


@pytest.fixture(scope="session")
def pdf_report(book_pdf):
    """The PDF's text and pictures, read by pypdf in another process while the browser
    tests go on (it takes seconds); the PDF test, last in this file, waits for it."""
    import concurrent.futures
    import multiprocessing

    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    future = pool.submit(_pdf_report, book_pdf)
    yield future
    pool.shutdown()


def _article(html_file: pathlib.Path) -> str:
    html = html_file.read_text(encoding="utf-8")
    return html[html.find("<article"):html.rfind("</article>")]


def _code_lines(html_file: pathlib.Path) -> list[str]:
    """Every line of code and printed output in a page's article."""
    import html as html_lib

    lines = []
    for pre in re.findall(r"<pre[^>]*>(.*?)</pre>", _article(html_file), re.S):
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", pre))
        lines += [line for line in text.splitlines() if len(line.strip()) >= 12]
    return lines


def _in_pdf(line: str, bare: str) -> bool:
    """Is the line in the PDF's text (whitespace removed), whole or wrapped in two parts
    (a line wrapped where a page ends may be read out of order)?"""
    text = re.sub(r"\s+", "", line)
    return text in bare or any(text[:k] in bare and text[k:] in bare for k in range(4, len(text) - 3))


def _pdf_report(pdf_path: pathlib.Path) -> dict:
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    titles = "|".join(re.escape(sb.book_title(e)) for e in sb.EDITIONS)  # either edition's
    footer = re.compile(rf"[^\n]*(?:{titles}) · \d+\s*")  # scripts/book_pdf.py's footer
    text = " ".join(footer.sub(" ", page.extract_text()) for page in reader.pages)
    images = 0
    for page in reader.pages:
        xobjects = (page.get("/Resources") or {}).get("/XObject") or {}
        # a raster figure is an Image, a vector one (SVG) a Form
        images += sum(1 for x in xobjects.values() if x.get_object().get("/Subtype") in ("/Image", "/Form"))
    return {"text": re.sub(r"\s+", " ", text), "bare": re.sub(r"\s+", "", text),
            "images": images, "pages": len(reader.pages),
            "outline": [o.title for o in reader.outline if hasattr(o, "title")]}


# ------------------------------------------------------------ launch buttons

def _expected_launch_links(path: str) -> dict[str, str]:
    repo = CONFIG["repository"]
    parts = urllib.parse.urlsplit(repo["url"])
    assert parts.netloc == "github.com", "Binder and Colab launch from a GitHub repository"
    org, name = parts.path.strip("/").split("/")[:2]
    notebook = "/".join(filter(None, [repo.get("path_to_book", "").strip("/"),
                                      sb.source_stem(path) + ".ipynb"]))
    branch = repo.get("branch", "main")
    launch = CONFIG["launch_buttons"]
    ui = {"jupyterlab": "urlpath=lab/tree/", "classic": "urlpath=tree/"}.get(
        launch.get("notebook_interface", "classic"), "urlpath=tree/")
    return {
        "Binder": f"{launch['binderhub_url'].rstrip('/')}/v2/gh/{org}/{name}/{branch}?{ui}{notebook}",
        "Colab": f"{launch['colab_url'].rstrip('/')}/github/{org}/{name}/blob/{branch}/{notebook}",
        "notebook": notebook,
    }


@pytest.mark.parametrize("path", LESSONS)
def test_launch_links_open_this_notebook(visits, path):
    expected = _expected_launch_links(path)
    assert (ROOT / expected["notebook"]).exists(), f"{expected['notebook']} is not in the repository"
    links = visits(path).data["links"]
    for service in ("Binder", "Colab"):
        host = urllib.parse.urlsplit(expected[service]).netloc
        found = [link for link in links if urllib.parse.urlsplit(link).netloc == host]
        # the launch menu, and a live explorer's "needs a running kernel" note, if any
        assert found and set(found) == {expected[service]}, \
            f"{service} links on {path}: {found}, expected {expected[service]}"


# ----------------------------------------------------------------- dark mode

DARK_JS = """mode => {
  localStorage.setItem('mode', mode); localStorage.setItem('theme', mode);
  document.documentElement.dataset.mode = mode; document.documentElement.dataset.theme = mode;
}"""

@pytest.fixture(scope="session")
def dark_mode(visits):
    """Every page switched to the theme's dark mode, as its switch does it (data-theme
    "dark", saved in localStorage), colour contrast checked by axe-core, then switched
    back. (Figures and explorers in dark mode: tests/test_site_explorers.py.)"""
    reports = {}
    pages = [visits(path) for path in PAGES]
    for visit in pages:
        visit.page.evaluate(DARK_JS, "dark")
    run_axe(pages, "__axeDark", full=False)
    for visit in pages:
        reports[visit.path] = {
            "axe": visit.data["__axeDark"],
            "body": visit.page.evaluate("getComputedStyle(document.body).backgroundColor"),
            "errors": list(visit.errors),
        }
        visit.page.evaluate(DARK_JS, "light")
    return reports


@pytest.mark.parametrize("path", PAGES)
def test_dark_mode_contrast(dark_mode, path):
    report = dark_mode[path]
    assert report["body"] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), "the theme did not switch to dark"
    serious = [v for v in report["axe"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core in dark mode on {path}:\n{_describe(serious)}"
    assert not report["errors"], "errors in dark mode:\n" + "\n".join(report["errors"])


# ------------------------------------------------------------------- budgets

@pytest.mark.parametrize("path", PAGES)
def test_page_weight_budget(visits, path):
    """Bytes transferred on a first visit, gzip as static hosts serve it, everything included."""
    size = visits(path).data["bytes"]
    assert size <= sb.PAGE_WEIGHT_BUDGET, (
        f"{path} transfers {size / 1e3:.0f} kB on a first visit; the budget is "
        f"{sb.PAGE_WEIGHT_BUDGET / 1e3:.0f} kB")


@pytest.mark.parametrize("path", PAGES)
def test_first_paint_budget(visits, path):
    """What the browser must have before it can paint: the page and its render-blocking files."""
    size = visits(path).data["blockingBytes"]
    assert size <= sb.FIRST_PAINT_BUDGET, (
        f"{path} needs {size / 1e3:.0f} kB before its first paint; the budget is "
        f"{sb.FIRST_PAINT_BUDGET / 1e3:.0f} kB")


def test_pdf_is_linked_from_every_page_with_a_download_menu(built_site, tmp_path):
    """scripts/book_pdf.py adds "Whole book (PDF)" to each page's download menu, with a
    link that resolves to the site's book.pdf from that page's folder."""
    import shutil

    import book_pdf as maker

    for path in PAGES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built_site / path, tmp_path / path)
    linked = maker.link_from_pages(tmp_path)
    assert linked == len(PAGES), f"the PDF link went into {linked} of {len(PAGES)} pages"
    for path in PAGES:
        html = (tmp_path / path).read_text(encoding="utf-8")
        hrefs = re.findall(r'<a href="([^"]+)" class="[^"]*book-pdf-link', html)
        assert len(hrefs) == 1, f"{path}: {len(hrefs)} PDF links"
        target = ((tmp_path / path).parent / hrefs[0]).resolve()
        folder = sb.EDITIONS[sb.edition_of(path)][1]  # each edition links to its own PDF
        assert target == (tmp_path / folder / maker.PDF_NAME).resolve(), f"{path} links to {target}"


# ----------------------------------------------------------------------- PDF

def test_pdf_has_every_lesson_every_figure_and_no_code_past_the_margin(pdf_report, visits, built_site):
    report = pdf_report.result()
    titles = [visits(p).page.evaluate("() => document.querySelector('article h1').textContent")
              .replace("#", "").strip() for p in PAGES]
    assert report["outline"] == titles, f"PDF bookmarks {report['outline']} are not the pages {titles}"
    at = 0
    for title in titles:  # without whitespace: the PDF's Korean text has double spaces
        found = report["bare"].find(re.sub(r"\s+", "", title), at)
        assert found >= 0, f"the PDF lacks {title!r} (or has it out of order)"
        at = found
    # Lesson figures are inline SVG (website/explorers.py), any other picture an <img>.
    figures = sum(len(re.findall(r'<img\b|<svg\b[^>]*class="[^"]*\bbk-figure-svg\b', _article(built_site / p)))
                  for p in PAGES)
    assert figures > 0 and report["images"] >= figures, \
        f"the PDF has {report['images']} pictures; the pages' articles have {figures}"
    captions = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip()
                for p in PAGES for c in re.findall(r"<figcaption>(.*?)</figcaption>", _article(built_site / p), re.S)]
    missing = [c for c in captions if not _in_pdf(re.sub(r"<[^>]+>|\$[^$]*\$", "", c)[:40], report["bare"])]
    assert not missing, f"figures missing from the PDF (by caption): {missing[:5]}"
    # A code line past the margin, or cut where a page ends, loses its end: Chromium does
    # not put text outside the page into the PDF. Every line must be there whole.
    cut = [line.strip() for p in PAGES for line in _code_lines(built_site / p)
           if not _in_pdf(line, report["bare"])]
    assert not cut, f"{len(cut)} code lines cut in the PDF:\n  " + "\n  ".join(cut[:8])


def test_a_formula_katex_cannot_render_fails_the_build(tmp_path):
    """Even without -W: the build stops, naming the formula, its page and KaTeX's reason."""
    import subprocess
    import sys

    (tmp_path / "_config.yml").write_text(yaml.safe_dump({
        "title": "t", "only_build_toc_files": True, "execute": {"execute_notebooks": "off"},
        "sphinx": {"local_extensions": {"katex_math": str(ROOT / "website")},
                   "config": {"html_math_renderer": "katex"}},
    }))
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text("# Page\n\nFine: $x^2$. Broken: $\\frac{1}{$.\n")
    result = subprocess.run([sys.executable, "-c", "from jupyter_book.cli.main import main; main()",
                             "build", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, "a formula KaTeX cannot render did not fail the build"
    assert "KaTeX cannot render $\\frac{1}{$" in output and "page.md" in output, output[-2000:]


# ------------------------------------------------- keyboard, touch, print, search results

def _rgba(css: str) -> list[float]:
    values = [float(v) for v in re.findall(r"[\d.]+", css)]
    return values[:3] + [values[3] if len(values) > 3 else 1.0]


def _luminance(rgb) -> float:
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


#: The focused element's focus indicator: its outline, or a box-shadow ring.
FOCUS_RING_JS = r"""() => {
  const el = document.activeElement, cs = getComputedStyle(el);
  return {what: (el.getAttribute('aria-label') || el.title || el.textContent || el.className).trim().slice(0, 40),
          focusVisible: el.matches(':focus-visible'), outline: cs.outlineStyle,
          outlineWidth: parseFloat(cs.outlineWidth), outlineColor: cs.outlineColor, boxShadow: cs.boxShadow,
          page: getComputedStyle(document.body).backgroundColor};
}"""


def _ring(focus: dict) -> str | None:
    """Why the focus indicator is not visible, or None if it is: an outline of 2 px or
    more, or a box-shadow ring of 2 px or more, at 3:1 against the page (WCAG 2.4.7, 1.4.11)."""
    page = _rgba(focus["page"])[:3]
    if focus["outline"] != "none" and focus["outlineWidth"] >= 2:
        ratio = _contrast(_rgba(focus["outlineColor"]), page)
        return None if ratio >= 3 else f"outline {ratio:.2f}:1 against the page"
    for colour, *lengths in re.findall(r"(rgba?\([^)]*\))\s+(-?[\d.]+)px\s+(-?[\d.]+)px\s+([\d.]+)px\s+([\d.]+)px",
                                      focus["boxShadow"]):
        if max(float(lengths[2]), float(lengths[3])) >= 2 and _rgba(colour)[3] > 0.5:
            ratio = _contrast(_rgba(colour), page)
            return None if ratio >= 3 else f"box-shadow {ratio:.2f}:1 against the page"
    return f"no outline or ring (outline {focus['outline']} {focus['outlineWidth']} px, box-shadow {focus['boxShadow']})"


@pytest.mark.parametrize("mode", ["light", "dark"])
@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_header_controls_show_keyboard_focus(browser, base_url, screen, mode):
    """Every header button, and the first item of each header menu, shows a focus ring
    when the keyboard reaches it (the menu, launch, repository and download buttons showed none)."""
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.PHONE if screen == "phone" else sb.DESKTOP)
    try:
        page.evaluate(DARK_JS, mode)
        controls = page.locator(HEADER_TARGETS).filter(visible=True)
        assert controls.count() >= 5, f"{controls.count()} header controls at {screen}"
        page.keyboard.press("Tab")  # the browser shows focus rings after a key press
        missing = []
        for n in range(controls.count()):
            control = controls.nth(n)
            control.focus()
            focus = page.evaluate(FOCUS_RING_JS)
            assert focus["focusVisible"], f"the header control {focus['what']!r} is not :focus-visible when focused"
            if _ring(focus):
                missing.append(f"{focus['what']!r}: {_ring(focus)}")
            if "dropdown-toggle" in (control.get_attribute("class") or ""):
                page.keyboard.press("Enter")  # open its menu; the arrow key goes to its first item
                page.keyboard.press("ArrowDown")
                item = page.evaluate(FOCUS_RING_JS)
                if _ring(item):
                    missing.append(f"menu item {item['what']!r}: {_ring(item)}")
                page.keyboard.press("Escape")
        assert not missing, f"no visible keyboard focus at {screen} in {mode} mode:\n  " + "\n  ".join(missing)
        assert not errors, errors
    finally:
        page.context.close()


#: What a printed page shows: its text and headings, and the paper under them.
PRINTED_JS = r"""() => {
  const paper = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
                          if (!/rgba\(0, 0, 0, 0\)|transparent/.test(c)) return c; } return 'rgb(255, 255, 255)'; };
  const seen = sel => { const el = document.querySelector(sel); return el && {colour: getComputedStyle(el).color, paper: paper(el)}; };
  const figureText = document.querySelector('.bk-figure-image svg use');
  return {theme: document.documentElement.dataset.theme, text: seen('article p'), heading: seen('article h1'),
          figure: figureText && {colour: getComputedStyle(figureText).fill, paper: paper(figureText)}};
}"""


def test_print_uses_the_light_theme_even_in_dark_mode(browser, base_url):
    """Printing in dark mode gave light grey text on white paper: the page prints in the
    light theme (dark text, figures' ink), then goes back to dark."""
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.DESKTOP)
    try:
        page.evaluate(DARK_JS, "dark")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        page.emulate_media(media="print")
        printed = page.evaluate(PRINTED_JS)
        page.emulate_media(media="screen")
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        after = page.evaluate("() => document.documentElement.dataset.theme")
        white = [255, 255, 255]
        for what in ("text", "heading", "figure"):
            seen = printed[what]
            assert seen, f"found no {what} to print"
            colour, paper = _rgba(seen["colour"])[:3], _rgba(seen["paper"])[:3]
            # The paper is white whether the browser prints backgrounds or not.
            assert _contrast(colour, white) >= 4.5 and _contrast(colour, paper) >= 4.5, \
                f"printed {what} {seen['colour']} on {seen['paper']} (theme {printed['theme']})"
        assert after == "dark", f"after printing the page is in the {after} theme, not the reader's dark one"
        assert not errors, errors
    finally:
        page.context.close()


@pytest.fixture(scope="session")
def search_axe(browser, base_url):
    """The search page with the results for "entropy" (highlighted words in titles and
    snippets), checked by axe-core in light mode (every rule) and in dark mode (contrast)."""
    results, page, errors = _search(browser, base_url, "entropy")
    try:
        page.wait_for_function("() => document.querySelector('#search-results span.highlighted')", timeout=10_000)
        visit = Visit("search.html?q=entropy", page=page)
        errors = list(errors)  # axe's own CSS preloader requests a stylesheet that is not there (run_axe)
        run_axe([visit], "__axeLight", full=True)
        page.evaluate(DARK_JS, "dark")
        run_axe([visit], "__axeDark", full=False)
        return {"light": visit.data["__axeLight"], "dark": visit.data["__axeDark"], "results": results,
                "errors": errors}
    finally:
        page.context.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_search_results_page_accessibility(search_axe, mode):
    assert search_axe["results"], "no results for 'entropy'"
    serious = [v for v in search_axe[mode] if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe-core on the search results in {mode} mode:\n{_describe(serious)}"
    assert not search_axe["errors"], search_axe["errors"]


def test_no_tooltip_stays_over_the_page_on_a_touch_screen(browser, base_url):
    """A tap on a header button left its tooltip over the text ("Color mode"); closing
    the Contents drawer left "Toggle secondary sidebar" over the buttons, swallowing the
    next tap. Where nothing hovers, no tooltip shows."""
    context = sb.offline_context(browser, base_url, viewport=sb.PHONE, has_touch=True, is_mobile=True)
    page = sb.new_page(context)
    try:
        page.goto(base_url + FIRST_LESSON)
        sb.wait_until_ready(page)
        shown = """() => Array.from(document.querySelectorAll('.tooltip'))
          .filter(t => t.checkVisibility({checkOpacity: true}) && t.getBoundingClientRect().width > 0).map(t => t.textContent)"""
        page.locator(".bd-header-article .theme-switch-button").filter(visible=True).first.tap()
        page.wait_for_timeout(1000)  # Bootstrap shows a tooltip a few hundred ms after the tap
        assert not page.evaluate(shown), f"tooltips left after tapping the colour mode: {page.evaluate(shown)}"
        page.locator(".bd-header-article .theme-switch-button").filter(visible=True).first.tap()  # back
        page.locator(".bd-header-article .secondary-toggle").filter(visible=True).first.tap()
        page.wait_for_timeout(400)
        page.keyboard.press("Escape")
        page.wait_for_timeout(400)
        assert not page.evaluate(shown), f"tooltips left after closing Contents: {page.evaluate(shown)}"
        page.locator(".bd-header-article .search-button").filter(visible=True).first.tap()
        page.wait_for_timeout(400)
        assert page.evaluate("() => document.querySelector('#pst-search-dialog').open"), \
            "a tap on Search after closing Contents did not open the search"
    finally:
        context.close()


@pytest.mark.parametrize("toggle", [".primary-toggle", ".secondary-toggle"])
def test_closing_a_drawer_gives_focus_back_to_its_button(browser, base_url, toggle):
    """On a phone the menu and Contents drawers are dialogs; closed with Escape they
    dropped the keyboard focus on <body>, at the top of the page."""
    page, errors = _fresh(browser, base_url, FIRST_LESSON, sb.PHONE)
    try:
        button = page.locator(f".bd-header-article {toggle}").filter(visible=True).first
        button.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('dialog[open]')", timeout=3000)
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('dialog[open]')", timeout=3000)
        page.wait_for_timeout(100)
        focused = page.evaluate("b => document.activeElement === b ? null : document.activeElement.outerHTML.slice(0, 80)",
                                button.element_handle())
        assert focused is None, f"after closing the {toggle} drawer the focus is on {focused}"
        assert not errors, errors
    finally:
        page.context.close()


#: The download menu's items: their text, and what they do.
DOWNLOAD_MENU_JS = r"""() => Array.from(document.querySelectorAll('.dropdown-download-buttons .dropdown-item')).map(i => ({
  text: i.textContent.trim(), title: i.getAttribute('title') || '', href: i.getAttribute('href'),
  prints: /print\(/.test(i.getAttribute('onclick') || '')}))"""


@pytest.mark.parametrize("path", PAGES)
def test_download_menu_says_print_where_it_prints(visits, path):
    """The theme's ".pdf" item opens the print dialog: it says so ("Print this page");
    an item named like a file downloads that file."""
    items = visits(path).page.evaluate(DOWNLOAD_MENU_JS)
    assert items, f"{path} has no download menu"
    for item in items:
        if item["prints"]:
            says = r"\bprint\b" if sb.edition_of(path) == "en" else "인쇄"  # each edition in its language
            assert re.search(says, item["text"], re.I), f"{path}: {item['text']!r} opens the print dialog"
            assert not re.fullmatch(r"\.?\w{2,5}", item["text"]), f"{path}: the print item looks like a file: {item}"
        else:
            assert item["href"], f"{path}: a download item that neither prints nor links: {item}"
            ext = re.fullmatch(r"\.(\w+)", item["text"])
            assert not ext or item["href"].split("?")[0].endswith("." + ext.group(1)), \
                f"{path}: {item['text']!r} links to {item['href']}"


@pytest.mark.parametrize("path", PAGES)
def test_one_viewport_meta_tag(visits, path):
    tags = visits(path).page.evaluate(
        "() => Array.from(document.querySelectorAll('meta[name=viewport]')).map(m => m.content)")
    assert len(tags) == 1, f"{path} has {len(tags)} <meta name=viewport>: {tags}"
    assert "width=device-width" in tags[0]
