"""Page budgets of the website, measured in a real browser (Chromium, no network).

    python benchmarks/site_budget.py                  # build into a temporary folder, then measure
    python benchmarks/site_budget.py --site _build/html   # measure a site already built

For every lesson page it prints:

* transferred bytes on a first load (cold cache) with everything the page
  requests (HTML, theme, MathJax and fonts, the shared widget manager), served
  gzip-compressed as static hosts such as GitHub Pages serve them;
* the gzipped size of the widget state embedded in the page (the explorers'
  precomputed frames);
* time to first paint and until the widgets (explorers) are rendered, on localhost;
* the frame-switch time of the first kernel-free explorer: from the slider
  keypress (ArrowRight) until the new frame is in the DOM and painted.

Budgets (checked by tests/test_site.py with the same code): page weight
<= 1.5 MB, widget state <= 200 KiB gzipped per page.

This module is also the tests' toolkit: the local server, the browser launch
and the measurements live here once.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import http.server
import os
import pathlib
import re
import sys
import tempfile
import threading
import urllib.parse

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: Budgets (bytes).
PAGE_WEIGHT_BUDGET = 1_500_000          # 1.5 MB per page on a first load, shared widget manager included
WIDGET_STATE_BUDGET = 200 * 1024        # 200 KiB gzipped per page

CHROMIUM = os.environ.get("BOOK_CHROMIUM", "/usr/bin/chromium")
#: Flags that keep Chromium quiet and offline (no updaters, no sync, no QUIC probing).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--mute-audio",
]

#: Content types a static host serves gzip-compressed.
_COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml)|image/svg\+xml)")


# --------------------------------------------------------------------------- site

def toc_documents() -> list[str]:
    """The pages listed in _toc.yml in reading order, as html paths (relative to the site)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    walk(toc.get("chapters"))
    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    return [str(pathlib.PurePosixPath(f).with_suffix("")) + ".html" for f in files]


def toc_pages(html_dir: pathlib.Path) -> list[str]:
    """The site's pages in reading order, checked to exist in html_dir."""
    pages = toc_documents()
    missing = [p for p in pages if not (html_dir / p).exists()]
    if missing:
        raise FileNotFoundError(f"pages listed in _toc.yml were not built: {missing}")
    return pages


def lesson_pages(html_dir: pathlib.Path) -> list[str]:
    """The lessons: the pages made from the notebooks in notebooks/."""
    return [p for p in toc_pages(html_dir)
            if p.startswith("notebooks/") and (ROOT / p).with_suffix(".ipynb").exists()]


_STATE_RE = re.compile(
    r'<script type="application/vnd\.jupyter\.widget-state\+json">(.*?)</script>', re.S)


def widget_state_gzip_bytes(html_file: pathlib.Path) -> int:
    """Gzipped size (level 6, what static hosts use) of the widget state a page embeds."""
    states = _STATE_RE.findall(html_file.read_text(encoding="utf-8"))
    return len(gzip.compress("".join(states).encode("utf-8"), compresslevel=6)) if states else 0


# ------------------------------------------------------------------------- server

class _Handler(http.server.SimpleHTTPRequestHandler):
    """A static file server that gzips text the way GitHub Pages / Netlify do."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "application/javascript", ".json": "application/json",
                      ".woff": "font/woff", ".woff2": "font/woff2", ".svg": "image/svg+xml"}

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

def launch_browser(playwright):
    """Chromium from the system package, headless, quiet."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def offline_context(browser, base_url: str, blocked: list[str] | None = None, **kwargs):
    """A fresh browser context (cold cache) that aborts every request not for base_url.

    Aborted URLs are appended to ``blocked``: the proof that pages need no network.
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


#: In-page helpers: find explorers, their visible frame, and wait for the widgets.
PAGE_JS = r"""
window.__book = {
  explorers() { return Array.from(document.querySelectorAll('.frame-explorer')); },
  visibleImgs(root) {
    return Array.from(root.querySelectorAll('img')).filter(img => img.checkVisibility()
      && img.getBoundingClientRect().width > 0);
  },
  visibleSrc(root) { return this.visibleImgs(root).map(img => img.src).join('|'); },
  widgetViews() {
    return document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
  },
  widgetsRendered() {
    // Every widget-view script has been replaced by a rendered view, and every
    // explorer shows a frame.
    const views = this.widgetViews();
    const rendered = document.querySelectorAll('.jupyter-widgets.widget-container, .jupyter-widgets.widget-inline-hbox, .jupyter-widgets.widget-html, .jupyter-widgets.widget-vbox, .jupyter-widgets.widget-hbox').length;
    return (views === 0 || rendered > 0)
      && this.explorers().every(e => this.visibleImgs(e).length > 0 && this.visibleImgs(e).every(i => i.complete));
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


def wait_until_ready(page, timeout_ms: float = 20_000) -> None:
    """Wait for MathJax to finish typesetting and the widgets to render."""
    page.wait_for_load_state("load", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('.math') || "
        "(window.MathJax && MathJax.startup && MathJax.startup.document && MathJax.startup.promise)",
        timeout=timeout_ms)
    page.evaluate("""() => {
      const mj = window.MathJax;
      if (mj && mj.startup && mj.startup.promise) {
        window.__mathDone = false;
        mj.startup.promise.then(() => { window.__mathDone = true; });
      } else window.__mathDone = true;
    }""")
    page.wait_for_function("() => window.__mathDone", timeout=timeout_ms)
    page.wait_for_function("() => window.__book.widgetsRendered()", timeout=timeout_ms)


def new_page(context):
    page = context.new_page()
    page.add_init_script(PAGE_JS)
    return page


def measure_page(browser, base_url: str, path: str) -> dict:
    """Load one page cold and measure weight, paint, widget render and frame switch."""
    blocked: list[str] = []
    context = offline_context(browser, base_url, blocked)
    try:
        page = new_page(context)
        page.goto(base_url + path, wait_until="load")
        wait_until_ready(page)
        widgets_ms = page.evaluate("performance.now()")
        page.wait_for_timeout(300)  # late requests (fonts, MathJax extensions)
        timing = page.evaluate("""() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const res = performance.getEntriesByType('resource');
          const paint = Object.fromEntries(performance.getEntriesByType('paint').map(p => [p.name, p.startTime]));
          return {
            bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
            decoded: nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0),
            requests: 1 + res.length,
            first_paint: paint['first-paint'] ?? null,
            first_contentful_paint: paint['first-contentful-paint'] ?? null,
            load: nav.loadEventEnd,
          };
        }""")
        timing["widgets_rendered"] = widgets_ms
        timing["switch"] = frame_switch_ms(page)
        timing["blocked"] = blocked
        return timing
    finally:
        context.close()


def slider_handle(explorer):
    return explorer.locator(".noUi-handle").first


def frame_switch_ms(page, index: int = 0) -> dict | None:
    """Press ArrowRight on the explorer's slider; ms until the new frame shows."""
    explorers = page.locator(".frame-explorer")
    if explorers.count() <= index:
        return None
    explorer = explorers.nth(index)
    handle = slider_handle(explorer)
    handle.scroll_into_view_if_needed()
    handle.focus()
    if page.evaluate("e => e.querySelector('.noUi-handle').getAttribute('aria-valuenow') === "
                     "e.querySelector('.noUi-handle').getAttribute('aria-valuemax')",
                     explorer.element_handle()):
        page.keyboard.press("Home")
    page.evaluate("e => { window.__switch = window.__book.armFrameSwitch(e); }", explorer.element_handle())
    page.keyboard.press("ArrowRight")
    return page.evaluate("window.__switch")


# --------------------------------------------------------------------------- main

def _fmt_kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB"


def run(html_dir: pathlib.Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    rows = []
    with serve(html_dir) as base, sync_playwright() as p:
        browser = launch_browser(p)
        try:
            measure_page(browser, base, lesson_pages(html_dir)[0])  # warm up the browser itself
            for path in lesson_pages(html_dir):
                m = measure_page(browser, base, path)
                m["page"] = path
                m["state_gz"] = widget_state_gzip_bytes(html_dir / path)
                rows.append(m)
        finally:
            browser.close()
    return rows


def print_table(rows: list[dict]) -> None:
    head = (f"{'page':<38} {'transfer':>9} {'(raw)':>9} {'req':>4} {'state gz':>9} "
            f"{'1st paint':>9} {'widgets':>8} {'switch':>7} {'+paint':>7}")
    print(head)
    print("-" * len(head))
    for r in rows:
        sw = r["switch"] or {}
        print(f"{r['page']:<38} {_fmt_kb(r['bytes']):>9} {_fmt_kb(r['decoded']):>9} {r['requests']:>4} "
              f"{r['state_gz'] / 1024:>6.0f} KiB {r['first_paint'] or 0:>7.0f}ms "
              f"{r['widgets_rendered']:>6.0f}ms {sw.get('dom', float('nan')):>5.1f}ms "
              f"{sw.get('painted', float('nan')):>5.1f}ms")
    print(f"\nbudgets: transfer <= {_fmt_kb(PAGE_WEIGHT_BUDGET)} per page (gzip, cold cache, "
          f"widget manager included); widget state <= {WIDGET_STATE_BUDGET // 1024} KiB gzipped")
    over = [r["page"] for r in rows
            if r["bytes"] > PAGE_WEIGHT_BUDGET or r["state_gz"] > WIDGET_STATE_BUDGET]
    blocked = [u for r in rows for u in r["blocked"]]
    if blocked:
        print("requests to other hosts (blocked):", *blocked, sep="\n  ")
    print("over budget:", ", ".join(over) if over else "none")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=pathlib.Path, default=None,
                        help="an already built html folder (e.g. _build/html); default: build one")
    args = parser.parse_args(argv)
    if not pathlib.Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: apt-get install chromium", file=sys.stderr)
        return 2
    with contextlib.ExitStack() as stack:
        if args.site is None:
            sys.path.insert(0, str(ROOT / "scripts"))
            import build_book

            out = pathlib.Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="book-budget-")))
            if build_book.build(out) != 0:
                print("the build failed", file=sys.stderr)
                return 1
            html_dir = out / "_build" / "html"
        else:
            html_dir = args.site.resolve()
        rows = run(html_dir)
    print_table(rows)
    over = [r for r in rows if r["bytes"] > PAGE_WEIGHT_BUDGET or r["state_gz"] > WIDGET_STATE_BUDGET]
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
