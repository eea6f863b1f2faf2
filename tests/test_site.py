"""The website in a real browser: offline, typeset, interactive without a kernel, accessible.

Every page listed in _toc.yml is served from 127.0.0.1 (gzip-compressed, as a
static host serves it) and opened in Chromium (/usr/bin/chromium) through
Playwright.  Every request to any other host is aborted and recorded, so the
tests prove the site works with the network off.  Each page is loaded once,
with a cold cache, and the checks below share that load:

* no console errors, no uncaught exceptions, no failed requests, no request
  to another host (launch buttons and links load only on click);
* math typeset by MathJax (no raw TeX left on the page, no TeX errors);
* the lessons' headline numbers, alt text on every image;
* the kernel-free explorers change frame by keyboard and by pointer;
* Binder and Colab launch links point at the page's notebook on the
  repository and branch _config.yml configures;
* axe-core finds no serious or critical accessibility violation;
* figures stay readable in dark mode;
* budgets: page weight and embedded widget state (benchmarks/site_budget.py).

Without Chromium the tests are skipped (`apt-get install chromium`), except on
CI (env CI set), where that is a failure.
"""

from __future__ import annotations

import dataclasses
import io
import os
import pathlib
import re
import time
import urllib.parse

import pytest
import yaml

import sitekit as sb
from sitekit import base_url, browser  # noqa: F401 (pytest fixtures)

ROOT = sb.ROOT

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())



# ----------------------------------------------------------------- discovery

PAGES = sb.toc_documents()   # _toc.yml, in reading order
LESSONS = [p for p in PAGES if p.startswith("notebooks/")]


# ------------------------------------------------------------------ fixtures

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


def _start(browser, base_url: str, path: str) -> Visit:
    """Open a page in a fresh context (cold cache), recording what it does."""
    visit = Visit(path)
    context = sb.offline_context(browser, base_url, visit.blocked,
                                 viewport={"width": 1280, "height": 900})
    page = sb.new_page(context)
    page.on("console", lambda m: m.type == "error" and visit.record(visit.errors, f"console: {m.text} {m.location}"))
    page.on("pageerror", lambda e: visit.record(visit.errors, f"exception: {e}"))
    page.on("requestfailed", lambda r: visit.record(visit.failed, f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and visit.record(visit.failed, f"{r.url}: HTTP {r.status}"))
    page.goto(base_url + path, wait_until="commit")
    visit.page = page
    return visit


#: axe-core, twice in a row (it cannot run twice at once in a page): every rule but
#: colour contrast on the whole page, then colour contrast, the slowest rule by far
#: (about a millisecond per element), outside MathJax's output (thousands of
#: elements per lesson, each a glyph in the colour of the paragraph around it,
#: which the rule does check) and, except on the first lesson, outside highlighted
#: code (the theme's one Pygments palette, the same on every page).
#: Started from a timer, so that the call returns at once and the pages' renderer
#: processes run axe in parallel.
AXE_START_JS = """withCode => {
  const exclude = withCode ? [['mjx-container']] : [['mjx-container'], ['.highlight']];
  window.__axeDone = new Promise(resolve => setTimeout(() => resolve(
    axe.run(document, {resultTypes: ['violations'], rules: {'color-contrast': {enabled: false}}})
      .then(all => axe.run({exclude}, {resultTypes: ['violations'], runOnly: ['color-contrast'], preload: false})
        .then(contrast => all.violations.concat(contrast.violations)))), 0));
}"""


class Visits:
    """Every page is opened once, all at the same time (the browser works on them in
    parallel), checked, and kept open for the session's tests."""

    #: Seconds for all the pages to load, typeset their math and render their widgets.
    READY_S = 120

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.cache = browser, base_url, {}

    def __call__(self, path: str) -> Visit:
        if path not in self.cache:
            self._open_all(PAGES if not self.cache and path in PAGES else [path])
        return self.cache[path]

    def _open_all(self, paths):
        from axe_playwright_python.sync_playwright import Axe

        started = [_start(self.browser, self.base_url, p) for p in paths]
        for visit in started:  # cached even if a check below fails: never reopened
            self.cache[visit.path] = visit
        deadline = time.monotonic() + self.READY_S
        for visit in started:
            try:
                left = max(deadline - time.monotonic(), 5)
                sb.wait_until_ready(visit.page, timeout_ms=left * 1000)
            except Exception as error:  # playwright's TimeoutError: a test reports it
                visit.errors.append(f"not ready (math typeset, widgets rendered) within "
                                    f"{self.READY_S} s: {str(error).splitlines()[0]}")
        for visit in started:
            visit.page.wait_for_timeout(100)  # late requests (fonts, MathJax extensions)
            visit.data.update(visit.page.evaluate(COLLECT_JS))
            # axe's CSS preloader requests the theme's `@import "../basic.css"` relative
            # to the page instead of the stylesheet: a 404 that is axe's, not the site's.
            visit.recording = False
            visit.page.evaluate(Axe().axe_script)
            visit.page.evaluate(AXE_START_JS, visit.path == (LESSONS or PAGES)[0])
        for visit in started:
            visit.data["axe"] = visit.page.evaluate("window.__axeDone")
            visit.page.wait_for_timeout(50)
            visit.recording = True

    def close(self):
        for visit in self.cache.values():
            visit.page.context.close()


@pytest.fixture(scope="session")
def visits(browser, base_url):
    v = Visits(browser, base_url)
    yield v
    v.close()


COLLECT_JS = r"""() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  const main = document.querySelector('main') || document.body;
  // Text nodes outside code: raw TeX there means MathJax did not typeset it.
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT, {acceptNode(n) {
    const p = n.parentElement;
    if (!p || p.closest('pre, code, script, style, textarea, mjx-container, .highlight')) return NodeFilter.FILTER_REJECT;
    return p.checkVisibility() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
  }});
  const rawTex = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{|\\frac\b|\\sum\b|\\log\b/.test(n.textContent)) rawTex.push(n.textContent.trim().slice(0, 100));
  }
  const math = Array.from(document.querySelectorAll('.math'));
  return {
    bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
    text: document.body.innerText,
    math: math.length,
    mathUntypeset: math.filter(m => !m.querySelector('mjx-container')).map(m => m.textContent.slice(0, 80)),
    mathErrors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.getAttribute('data-mjx-error') || e.textContent),
    rawTex,
    imgsWithoutAlt: Array.from(document.querySelectorAll('img'))
      .filter(img => !(img.getAttribute('alt') || '').trim())
      .map(img => img.outerHTML.replace(/base64,[^"]*/, 'base64,...').slice(0, 200)),
    images: document.querySelectorAll('img').length,
    links: Array.from(document.querySelectorAll('a[href]')).map(a => a.href),
    explorers: document.querySelectorAll('.frame-explorer').length,
  };
}"""


def _axe(visit: Visit, context=None, **options) -> list:
    """axe-core's violations (the page's own events are not recorded meanwhile: see Visits)."""
    from axe_playwright_python.sync_playwright import Axe

    visit.recording = False
    try:
        return Axe().run(visit.page, context=context,
                         options={"resultTypes": ["violations"], **options}).response["violations"]
    finally:
        visit.page.wait_for_timeout(50)
        visit.recording = True


def _describe(violations) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html'][:160]}")
    return "\n".join(lines)


# --------------------------------------------------------------------- pages

def test_every_toc_page_is_built_and_listed(built_site):
    built = {p.relative_to(built_site).as_posix() for p in built_site.glob("*/**/*.html")
             if not p.relative_to(built_site).as_posix().startswith(("_", "."))}
    assert set(PAGES) <= built, f"in _toc.yml but not built: {set(PAGES) - built}"
    assert built <= set(PAGES), f"built but not in _toc.yml (not tested here): {built - set(PAGES)}"


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_and_offline(visits, path):
    """No console error, no exception, no failed request, nothing from another host."""
    visit = visits(path)
    assert not visit.blocked, f"{path} requested other hosts (the site must work offline): {visit.blocked}"
    assert not visit.failed, f"{path} has failed requests: {visit.failed}"
    assert not visit.errors, f"{path} logged errors:\n" + "\n".join(visit.errors)


@pytest.mark.parametrize("path", PAGES)
def test_math_is_typeset(visits, path):
    data = visits(path).data
    # A page without math (the references) must still show no raw TeX.
    assert not data["rawTex"], f"raw TeX in the visible text: {data['rawTex'][:5]}"
    assert not data["mathUntypeset"], f"math left untypeset: {data['mathUntypeset'][:5]}"
    assert not data["mathErrors"], f"TeX errors: {data['mathErrors'][:5]}"
    if path.startswith("notebooks/"):
        assert data["math"] > 0, f"{path} is a lesson but shows no math"


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
    violations = [v for v in visits(path).data["axe"] if v["impact"] in ("serious", "critical")]
    assert not violations, f"axe-core on {path}:\n{_describe(violations)}"


# ------------------------------------------------------------ launch buttons

def _expected_launch_links(path: str) -> dict[str, str]:
    repo = CONFIG["repository"]
    parts = urllib.parse.urlsplit(repo["url"])
    assert parts.netloc == "github.com", "Binder and Colab launch from a GitHub repository"
    org, name = parts.path.strip("/").split("/")[:2]
    notebook = "/".join(filter(None, [repo.get("path_to_book", "").strip("/"),
                                      path.removesuffix(".html") + ".ipynb"]))
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
        assert found == [expected[service]], f"{service} link on {path}: {found}, expected {expected[service]}"


# ---------------------------------------------------------------- explorers

def _visible_src(explorer) -> str:
    return explorer.evaluate("e => window.__book.visibleSrc(e)")


def _await_change(page, explorer, before: str, what: str) -> str:
    try:
        page.wait_for_function("([e, before]) => { const s = window.__book.visibleSrc(e); "
                               "return s !== '' && s !== before; }", arg=[explorer.element_handle(), before],
                               timeout=3000)
    except Exception:  # playwright TimeoutError: report what did not happen
        pytest.fail(f"the explorer's frame did not change after {what}")
    return _visible_src(explorer)


@pytest.mark.parametrize("path", LESSONS)
def test_explorers_respond_to_keyboard_and_pointer(visits, path):
    """Every kernel-free explorer switches its frame by keyboard, click and drag (no kernel)."""
    visit = visits(path)
    page = visit.page
    explorers = page.locator(".frame-explorer")
    assert explorers.count() >= 1, f"{path} has no kernel-free explorer (.frame-explorer)"
    errors_before = len(visit.errors)
    for i in range(explorers.count()):
        explorer = explorers.nth(i)
        explorer.scroll_into_view_if_needed()
        handle = explorer.locator(".noUi-handle").first
        assert handle.get_attribute("aria-labelledby") or handle.get_attribute("aria-label"), \
            "the slider has no accessible name"
        src = _visible_src(explorer)
        assert src.startswith("data:image/png"), f"explorer {i} shows no frame"

        # keyboard: focus the slider's handle, press an arrow key
        handle.focus()
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        src = _await_change(page, explorer, src, "pressing an arrow key on the slider")

        # pointer: drag the handle towards the other end of the track
        track = explorer.locator(".noUi-base").first.bounding_box()
        knob = handle.bounding_box()
        start = (knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2)
        far = 0.95 if start[0] < track["x"] + track["width"] / 2 else 0.05
        page.mouse.move(*start)
        page.mouse.down()
        page.mouse.move(track["x"] + far * track["width"], start[1], steps=8)
        page.mouse.up()
        src = _await_change(page, explorer, src, "dragging the slider's handle")

        # pointer: click the track at the other end (the handle then slides there)
        page.mouse.click(track["x"] + (1 - far) * track["width"], track["y"] + track["height"] / 2)
        src = _await_change(page, explorer, src, "clicking the slider's track")

        # a second control (toggle buttons), if any
        buttons = explorer.locator(".widget-toggle-button")
        for j in range(buttons.count()):
            if "mod-active" not in (buttons.nth(j).get_attribute("class") or ""):
                buttons.nth(j).click()
                src = _await_change(page, explorer, src, "choosing another toggle button")
                break
    assert len(visit.errors) == errors_before, "errors while using the explorers:\n" + \
        "\n".join(visit.errors[errors_before:])


@pytest.mark.parametrize("path", LESSONS)
def test_frame_switch_is_fast(visits, path):
    """Keypress to new frame in the DOM, measured in the page (budget: well under a frame or two)."""
    timing = sb.frame_switch_ms(visits(path).page)
    assert timing is not None, "the frame did not change within 5 s of the keypress"
    assert timing["dom"] < 200, f"frame switch took {timing['dom']:.0f} ms"


# ----------------------------------------------------------------- dark mode

DARK_JS = """mode => {
  localStorage.setItem('mode', mode); localStorage.setItem('theme', mode);
  document.documentElement.dataset.mode = mode; document.documentElement.dataset.theme = mode;
}"""

#: Is every pixel of the image opaque?
OPAQUE_JS = """img => {
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext('2d'); g.drawImage(img, 0, 0);
  const a = g.getImageData(0, 0, c.width, c.height).data;
  for (let k = 3; k < a.length; k += 4) if (a[k] < 255) return false;
  return c.width > 0;
}"""

#: Colour contrast where the book sets colours (outputs, widgets, captions), in dark mode.
DARK_AXE_JS = """() => {
  const include = [['.cell_output'], ['figure']];
  window.__axeDarkDone = !document.querySelector('.cell_output, figure') ? Promise.resolve([]) :
    new Promise(resolve => setTimeout(() => resolve(
      axe.run({include, exclude: [['mjx-container']]},
              {resultTypes: ['violations'], runOnly: ['color-contrast'], preload: false})
        .then(r => r.violations)), 0));
}"""


@pytest.fixture(scope="session")
def dark_mode(visits):
    """Every page switched to the theme's dark mode, as its switch does it (data-theme
    "dark", saved in localStorage), checked, and switched back."""
    from PIL import Image, ImageStat

    reports = {}
    lessons = [visits(path) for path in PAGES]
    for visit in lessons:
        visit.page.evaluate(DARK_JS, "dark")
        visit.recording = False  # axe-core's own 404 (see Visits)
        visit.page.evaluate(DARK_AXE_JS)  # runs while the figures are checked
    for visit in lessons:
        page, report = visit.page, {"images": []}
        report["body"] = page.evaluate("getComputedStyle(document.body).backgroundColor")
        images = page.locator("main img")
        for i in range(images.count()):
            img = images.nth(i)
            if not img.is_visible():
                continue
            img.scroll_into_view_if_needed()
            shot = Image.open(io.BytesIO(img.screenshot())).convert("L")
            report["images"].append({
                "index": i,
                "opaque": img.evaluate(OPAQUE_JS),
                "background": img.evaluate("img => getComputedStyle(img).backgroundColor"),
                "median_grey": ImageStat.Stat(shot).median[0],
            })
        reports[visit.path] = report
    for visit in lessons:
        reports[visit.path]["axe"] = visit.page.evaluate("window.__axeDarkDone")
        visit.page.wait_for_timeout(50)
        visit.recording = True
        reports[visit.path]["errors"] = list(visit.errors)
        visit.page.evaluate(DARK_JS, "light")
    return reports


@pytest.mark.parametrize("path", PAGES)
def test_figures_stay_readable_in_dark_mode(dark_mode, path):
    report = dark_mode[path]
    assert report["body"] not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), "the theme did not switch to dark"
    if path in LESSONS:
        assert report["images"], f"no visible figure on {path}"
    for img in report["images"]:
        # The image itself is opaque (our PNGs have white backgrounds), or the page
        # paints an opaque background behind it.
        assert img["opaque"] or not re.search(r"rgba\(.*,\s*0\)|transparent", img["background"]), \
            f"image {img['index']} on {path} is transparent on a transparent background"
        # What the reader sees is a light figure (its dark text stays legible), not a
        # dark-on-dark one.
        assert img["median_grey"] > 150, \
            f"image {img['index']} on {path} renders dark in dark mode (median grey {img['median_grey']})"
    serious = [v for v in report["axe"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"dark mode contrast on {path}:\n{_describe(serious)}"
    assert not report["errors"], "errors in dark mode:\n" + "\n".join(report["errors"])


# ------------------------------------------------------------------- budgets

@pytest.mark.parametrize("path", PAGES)
def test_widget_state_budget(built_site, path):
    size = sb.widget_state_gzip_bytes(built_site / path)
    assert size <= sb.WIDGET_STATE_BUDGET, (
        f"{path} embeds {size / 1024:.0f} KiB of widget state (gzipped); the budget is "
        f"{sb.WIDGET_STATE_BUDGET // 1024} KiB: fewer or smaller explorer frames")


@pytest.mark.parametrize("path", PAGES)
def test_page_weight_budget(visits, path):
    """Bytes transferred on a first visit, gzip as static hosts serve it, everything included."""
    size = visits(path).data["bytes"]
    assert size <= sb.PAGE_WEIGHT_BUDGET, (
        f"{path} transfers {size / 1e6:.2f} MB on a first visit; the budget is "
        f"{sb.PAGE_WEIGHT_BUDGET / 1e6:.1f} MB")
