"""The site-test toolkit: one module for everything that opens the built website.

Imported by the browser tests (``tests/test_site*.py``) and by the benchmark
(``benchmarks/site_budget.py``), so the server, the browser and the table of
contents exist once:

* the pages, read from ``_toc.yml`` in reading order (:func:`toc_documents`,
  :func:`toc_pages`, :func:`lesson_pages`);
* the numbers each lesson must show (:data:`HEADLINES`, :func:`missing_headlines`);
* the byte budgets of issue 11 (:data:`PAGE_WEIGHT_BUDGET` and friends) and the
  gzipped widget state a page embeds (:func:`widget_state_gzip_bytes`);
* a local static server that gzips text as GitHub Pages does (:func:`serve`);
* Debian's headless Chromium (:func:`launch_browser`), a cold-cache context that
  aborts and records every request to another host (:func:`offline_context`),
  pages with in-page helpers (:func:`new_page`, ``window.__book``) and a wait
  until a page is ready to read and use (:func:`wait_until_ready`);
* pytest fixtures ``browser`` and ``base_url``, one of each per session however
  many test modules import them.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import html
import http.server
import os
import pathlib
import re
import threading
import urllib.parse

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------ budgets

#: Bytes one lesson page transfers on a first visit (cold cache, gzip as static
#: hosts serve it), everything included: HTML, CSS, fonts, figures, explorers.
PAGE_WEIGHT_BUDGET = 700_000
#: Bytes transferred before the first paint (what a reader waits for to see text).
FIRST_PAINT_BUDGET = 250_000
#: Gzipped widget state (the explorers' frames) embedded in one page.
WIDGET_STATE_BUDGET = 200 * 1024


# ------------------------------------------------------------------------- pages

#: The book's editions: (table of contents, folder of the site, config).
EDITIONS = {"en": ("_toc.yml", "", "_config.yml"), "ko": ("_toc.ko.yml", "ko/", "_config.ko.yml")}


def book_title(edition: str = "en") -> str:
    """The book's title in an edition, from its config."""
    return yaml.safe_load((ROOT / EDITIONS[edition][2]).read_text(encoding="utf-8"))["title"]


def edition_of(page: str) -> str:
    """The edition a site path belongs to ("ko" for pages under ko/)."""
    return "ko" if page.startswith(EDITIONS["ko"][1]) else "en"


def source_stem(page: str) -> str:
    """A site path's document name: ``ko/notebooks/x.ko.html`` -> ``notebooks/x.ko``."""
    return page.removeprefix(EDITIONS[edition_of(page)][1]).removesuffix(".html")


def toc_documents(edition: str | None = None) -> list[str]:
    """Every page of an edition's table of contents (both editions, English first, by
    default), in reading order, as html paths relative to the site."""
    if edition is None:
        return [page for name in EDITIONS for page in toc_documents(name)]
    toc_file, folder, _ = EDITIONS[edition]
    toc = yaml.safe_load((ROOT / toc_file).read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [folder + f + ".html" for f in files]


def toc_sources(edition: str | None = None) -> list[pathlib.Path]:
    """The source file (.md or .ipynb) of every page, in reading order."""
    sources = []
    for page in toc_documents(edition):
        stem = source_stem(page)
        found = [ROOT / (stem + s) for s in (".ipynb", ".md") if (ROOT / (stem + s)).exists()]
        if not found:
            raise FileNotFoundError(f"the table of contents lists {stem}, which has no .md or .ipynb")
        sources.append(found[0])
    return sources


def is_lesson(page: str) -> bool:
    """A lesson is a page made from a notebook in notebooks/."""
    stem = source_stem(page)
    return stem.startswith("notebooks/") and (ROOT / (stem + ".ipynb")).exists()


def toc_pages(html_dir: pathlib.Path, edition: str | None = None) -> list[str]:
    """The site's pages in reading order, checked to exist in html_dir."""
    pages = toc_documents(edition)
    missing = [p for p in pages if not (html_dir / p).exists()]
    if missing:
        raise FileNotFoundError(f"pages listed in _toc.yml were not built: {missing}")
    return pages


def lesson_pages(html_dir: pathlib.Path | None = None, edition: str | None = None) -> list[str]:
    """The lessons, in reading order (checked to exist in html_dir when it is given)."""
    pages = toc_pages(html_dir, edition) if html_dir is not None else toc_documents(edition)
    return [p for p in pages if is_lesson(p)]


# --------------------------------------------------------------- headline numbers

#: Numbers each lesson must show, as regular expressions over the page's text
#: (whitespace collapsed): the lesson's headline results, computed by its code.
HEADLINES = {
    "notebooks/01_shannon_entropy.html": [r"\b1\.0 bit\b", r"\b0\.469 bits\b"],
    "notebooks/03_cross_entropy.html": [r"\b0\.639 nats\b", r"\b1\.50 nats\b"],
    # The Korean edition: the same numbers, the units named in Korean (비트 bits, 내트 nats),
    # and the note's truncated 0.63 explained beside the exact 0.639.
    "ko/notebooks/01_shannon_entropy.ko.html": [r"\b1\.0 ?비트", r"\b0\.469 ?비트"],
    "ko/notebooks/03_cross_entropy.ko.html": [r"\b0\.639 ?내트", r"\b1\.50 ?내트", r"\b0\.63\b(?!\d)"],
}


def missing_headlines(page: str, text: str) -> list[str]:
    """The headline patterns of ``page`` that ``text`` (its rendered text) does not show."""
    flat = re.sub(r"\s+", " ", text)
    return [pattern for pattern in HEADLINES.get(page, []) if not re.search(pattern, flat)]


# ------------------------------------------------------------------ widget state

_STATE_TAG_RE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json"([^>]*)>(.*?)</script>', re.S)


def widget_state_gzip_bytes(html_file: pathlib.Path) -> int:
    """Gzipped bytes (level 6, what static hosts use) of a page's widget state: the script
    beside the page that its widget-state element names (data-src), or the state
    embedded in the element."""
    page = html_file.read_text(encoding="utf-8")
    data = ""
    for attrs, body in _STATE_TAG_RE.findall(page):
        src = re.search(r'data-src="([^"]*)"', attrs)
        data += (html_file.parent / html.unescape(src.group(1))).read_text(encoding="utf-8") if src else body
    return len(gzip.compress(data.encode("utf-8"), compresslevel=6)) if data else 0


# ------------------------------------------------------------------------- server

#: Content types a static host serves gzip-compressed.
_COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml)|image/svg\+xml)")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static file server that gzips text the way GitHub Pages / Netlify do."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".mjs": "application/javascript",
                      ".json": "application/json", ".woff": "font/woff", ".woff2": "font/woff2",
                      ".svg": "image/svg+xml", ".ico": "image/x-icon"}

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 (http.server API)
        path = pathlib.Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        ctype = self.guess_type(str(path))
        if (path.is_file() and _COMPRESSIBLE.match(ctype)
                and "gzip" in self.headers.get("Accept-Encoding", "")):
            body = _gzipped(str(path), path.stat().st_mtime_ns)
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int) -> bytes:
    return gzip.compress(pathlib.Path(path).read_bytes(), compresslevel=6)


@contextlib.contextmanager
def serve(html_dir: pathlib.Path):
    """Serve html_dir on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    handler = functools.partial(_Handler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------ browser

CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
#: Flags that keep Chromium quiet and offline (no updaters, no sync, no QUIC probing).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
]
#: The two screens every site test looks at.
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def launch_browser(playwright):
    """Chromium from the system package, headless, quiet."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def offline_context(browser, base_url: str, blocked: list[str] | None = None, **kwargs):
    """A fresh browser context (cold cache) that aborts every request not for base_url.

    Aborted URLs are appended to ``blocked``: the proof that pages need no network.
    Keyword arguments go to ``browser.new_context`` (viewport, color_scheme, ...).
    """
    context = browser.new_context(**kwargs)
    origin = urllib.parse.urlsplit(base_url)[:2]

    def route(r):
        url = r.request.url
        if urllib.parse.urlsplit(url)[:2] == origin or url.startswith(("data:", "blob:")):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    return context


#: In-page helpers (``window.__book``), installed before any page script runs.
PAGE_JS = r"""
window.__book = {
  explorers() { return Array.from(document.querySelectorAll('.bk-slot, .frame-explorer:not(.bk-slot .frame-explorer)')); },
  // The frames an explorer shows now: its visible .bk-frame elements (inline SVG), or,
  // for explorers drawn with images, its visible <img> elements.
  visibleFrames(root) {
    const frames = Array.from(root.querySelectorAll('.bk-frame'));
    const shown = (frames.length ? frames : Array.from(root.querySelectorAll('img')))
      .filter(f => f.checkVisibility() && f.getBoundingClientRect().width > 0);
    return shown;
  },
  visibleImgs(root) { return this.visibleFrames(root); },
  // What the visible frame shows: its state (data-state names the controls' values) and
  // its drawing, or an image's source.
  visibleSrc(root) {
    return this.visibleFrames(root)
      .map(f => f.dataset && f.dataset.state !== undefined ? f.dataset.state + f.innerHTML : (f.src || f.getAttribute('href')))
      .join('|');
  },
  widgetViews() {
    return document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  },
  widgetsRendered() {
    // The explorers' bundle marks the page when every widget view is rendered; a page
    // rendered by the html manager instead: every view rendered, every explorer showing a frame.
    if (document.querySelector('.bk-slot')) return document.documentElement.classList.contains('bk-widgets-ready');
    const views = this.widgetViews();
    const rendered = document.querySelectorAll('.jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox, .jupyter-widgets.widget-html, .jupyter-widgets.widget-vbox, .jupyter-widgets.widget-hbox').length;
    return (views === 0 || rendered > 0)
      && this.explorers().every(e => this.visibleFrames(e).length > 0
                                     && this.visibleFrames(e).every(i => i.complete !== false));
  },
  // Resolves with ms from the next keydown until the explorer's visible frame changed
  // (DOM) and until the frame after that change was painted.
  armFrameSwitch(root) {
    const before = this.visibleSrc(root);
    return new Promise(resolve => {
      let t0 = null;
      document.addEventListener('keydown', () => { t0 = performance.now(); }, {capture: true, once: true});
      const check = () => {
        if (t0 === null || this.visibleSrc(root) === before) return false;
        const tDom = performance.now() - t0;
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve({dom: tDom, painted: performance.now() - t0}), 0));
        return true;
      };
      const observer = new MutationObserver(check);
      observer.observe(root, {subtree: true, childList: true, attributes: true});
      setTimeout(() => { observer.disconnect(); resolve(null); }, 5000);
    });
  },
};
"""


def new_page(context):
    """A page of ``context`` with the in-page helpers (``window.__book``) installed."""
    page = context.new_page()
    page.add_init_script(PAGE_JS)
    return page


def wait_until_ready(page, timeout_ms: float = 20_000) -> None:
    """Wait until the page has loaded, its fonts are in, any math runtime has finished
    typesetting, and its widgets (explorers) are rendered."""
    page.wait_for_load_state("load", timeout=timeout_ms)
    page.evaluate("""() => {
      window.__bookReady = false;
      const mj = window.MathJax;
      const math = mj && mj.startup && mj.startup.promise ? mj.startup.promise : Promise.resolve();
      Promise.all([math, document.fonts.ready]).then(() => { window.__bookReady = true; });
    }""")
    page.wait_for_function("() => window.__bookReady", timeout=timeout_ms)
    page.wait_for_function("() => window.__book.widgetsRendered()", timeout=timeout_ms)


def frame_switch_ms(page, index: int = 0) -> dict | None:
    """Press ArrowRight on the explorer's slider; ms until the new frame shows (None: no
    explorer, or no change within 5 s)."""
    explorers = page.locator(".frame-explorer")
    if explorers.count() <= index:
        return None
    explorer = explorers.nth(index)
    handle = explorer.locator(".noUi-handle, input[type=range]").first
    handle.scroll_into_view_if_needed()
    handle.focus()
    if page.evaluate("""h => h.matches('input') ? h.value === h.max
                          : h.getAttribute('aria-valuenow') === h.getAttribute('aria-valuemax')""",
                     handle.element_handle()):
        page.keyboard.press("Home")
    page.evaluate("e => { window.__switch = window.__book.armFrameSwitch(e); }", explorer.element_handle())
    page.keyboard.press("ArrowRight")
    return page.evaluate("window.__switch")


# ----------------------------------------------------------------- pytest fixtures

def _need(what: str, hint: str) -> None:
    """Skip (locally) or fail (on CI, env CI set) when the browser toolchain is missing."""
    import pytest

    message = f"{what} is missing: {hint}"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI must run the browser tests)", pytrace=False)
    pytest.skip(message)


class _Session:
    """One Playwright, one Chromium and one server per test session, shared by every
    module that imports the fixtures below (pytest would otherwise make one per module)."""

    playwright = browser = None
    servers: dict = {}
    users = 0  # browser fixture instances still set up (one per module that uses it)

    @classmethod
    def get_browser(cls):
        if cls.browser is None:
            if not pathlib.Path(CHROMIUM).exists():
                _need(f"Chromium ({CHROMIUM})", "apt-get install chromium")
            try:
                from playwright.sync_api import sync_playwright
            except ImportError:
                _need("the playwright package", "pip install -r requirements.txt")
            cls.playwright = sync_playwright().start()
            cls.browser = launch_browser(cls.playwright)
        return cls.browser

    @classmethod
    def get_url(cls, html_dir: pathlib.Path) -> str:
        key = str(html_dir)
        if key not in cls.servers:
            manager = serve(html_dir)
            cls.servers[key] = (manager, manager.__enter__())
        return cls.servers[key][1]

    @classmethod
    def release(cls):
        """One browser fixture is done; the last one closes everything."""
        cls.users -= 1
        if cls.users <= 0:
            cls.close()

    @classmethod
    def close(cls):
        for manager, _ in cls.servers.values():
            manager.__exit__(None, None, None)
        cls.servers.clear()
        if cls.browser is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.browser = cls.playwright = None


def _fixtures():
    import pytest

    @pytest.fixture(scope="session")
    def browser(request):
        """Headless Chromium, one for the whole session."""
        _Session.users += 1
        request.addfinalizer(_Session.release)  # the last module's teardown closes the browser
        return _Session.get_browser()

    @pytest.fixture(scope="session")
    def base_url(browser, built_site):
        """The built site (``built_site`` fixture) served on 127.0.0.1, gzip as static hosts do."""
        return _Session.get_url(built_site)

    return browser, base_url


try:
    browser, base_url = _fixtures()
except ImportError:  # pytest absent: the benchmark still imports the rest
    pass
