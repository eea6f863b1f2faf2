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

The server, the browser and the table of contents come from the site-test
toolkit, tests/sitekit.py, which the tests import too.
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the site-test toolkit, shared with the tests

from sitekit import (  # noqa: E402
    CHROMIUM, PAGE_WEIGHT_BUDGET, WIDGET_STATE_BUDGET, frame_switch_ms, launch_browser,
    lesson_pages, new_page, offline_context, serve, wait_until_ready, widget_state_gzip_bytes,
)


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
