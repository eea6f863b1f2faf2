"""How fast the website is for a reader, measured in a real browser (Chromium, no network).

    python benchmarks/site_budget.py                       # build into a temporary folder, then measure
    python benchmarks/site_budget.py --site _build/html    # measure a site already built
    python benchmarks/site_budget.py --site NEW --baseline OLD   # two sites side by side, same run

Every lesson page is loaded with a cold cache under three profiles, Chromium's
own network and CPU throttling (DevTools protocol, through Playwright):

* ``localhost``: no throttling;
* ``10 Mbps, CPU 2x``: 10 Mbit/s down, 5 up, 20 ms round trip, CPU 2x slower;
* ``slow 4G, CPU 4x``: 1.6 Mbit/s down, 0.75 up, 150 ms round trip (Lighthouse's
  slow 4G), CPU 4x slower.

For each it prints: first paint (the first contentful paint: text on the screen);
first paint with typeset math (the first frame after it in which every formula
parsed so far is typeset and no math font is still loading: KaTeX's
HTML from the build, or MathJax's output on a site that typesets in the browser);
explorers ready (every widget rendered, every explorer showing a frame); bytes
transferred in all and before the first paint (gzip, as static hosts serve it).
With ``--baseline`` every number of the second site is printed beside the
first's, with their ratio (new / baseline), both measured in the same run,
page after page, on the same machine.

Then, unthrottled, the byte budgets the tests assert (tests/sitekit.py): transfer
per lesson page, transfer the page needs before its first paint (the page and
its render-blocking files), gzipped widget state; and the explorer's frame-switch
time. Timings are printed, not asserted.

The server, the browser and the table of contents come from the site-test
toolkit, tests/sitekit.py, which the tests import too.
"""

from __future__ import annotations

import argparse
import contextlib
import pathlib
import statistics
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the site-test toolkit, shared with the tests

from sitekit import (  # noqa: E402
    CHROMIUM, FIRST_PAINT_BUDGET, PAGE_WEIGHT_BUDGET, PHONE, WIDGET_STATE_BUDGET, frame_switch_ms,
    launch_browser, lesson_pages, new_page, offline_context, serve, wait_until_ready,
    widget_state_gzip_bytes,
)

#: name: (download bytes/s, upload bytes/s, round trip ms, CPU slowdown), or None.
PROFILES = {
    "localhost": None,
    "10 Mbps, CPU 2x": (10e6 / 8, 5e6 / 8, 20, 2),
    "slow 4G, CPU 4x": (1.6e6 / 8, 0.75e6 / 8, 150, 4),
}

#: Installed before any page script: watches every frame for the moments the reader sees.
WATCH_JS = r"""
(() => {
  const t = window.__bench = {mathPaint: null, explorersReady: null};
  // Every formula parsed so far is typeset (a page that typesets in the browser has
  // none typeset until its script has run).
  const mathTypeset = () => !document.querySelector('.math:not(:has(.katex, mjx-container))');
  // The math's own fonts (KaTeX's, or MathJax's) are in: none is still loading.
  const mathFontsIn = () => !Array.from(document.fonts).some(
    f => /^(KaTeX|MJX|MathJax)/.test(f.family) && f.status === 'loading');
  const firstPaint = () => (performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint') || {}).startTime;
  const frame = now => {
    const fp = firstPaint();
    if (fp !== undefined && t.mathPaint === null && document.querySelector('.math')
        && mathTypeset() && mathFontsIn()) t.mathPaint = Math.max(now, fp);
    if (t.explorersReady === null && window.__book && document.readyState === 'complete'
        && window.__book.widgetsRendered()) t.explorersReady = now;
    if (t.mathPaint === null || t.explorersReady === null) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def measure(browser, base_url: str, path: str, profile) -> dict:
    """One cold load of ``path`` under ``profile``: paint, math, explorers, bytes."""
    context = offline_context(browser, base_url, viewport=PHONE, is_mobile=False)
    try:
        page = new_page(context)
        page.add_init_script(WATCH_JS)
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        chunks, finished, starts = [], {}, {}
        cdp.on("Network.requestWillBeSent", lambda e: starts.setdefault(e["requestId"], (e["timestamp"], e.get("type"))))
        cdp.on("Network.dataReceived", lambda e: chunks.append(
            (e["requestId"], e["timestamp"], e["encodedDataLength"], e["dataLength"])))
        cdp.on("Network.loadingFinished", lambda e: finished.__setitem__(e["requestId"], (e["timestamp"], e["encodedDataLength"])))
        if profile is not None:
            down, up, rtt, cpu = profile
            cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": rtt,
                                                          "downloadThroughput": down, "uploadThroughput": up})
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu})
        page.goto(base_url + path, wait_until="load", timeout=180_000)
        try:
            page.wait_for_function("() => window.__bench.mathPaint !== null && window.__bench.explorersReady !== null",
                                   timeout=120_000)
        except Exception:  # noqa: BLE001 (playwright's TimeoutError): report what did not happen
            pass
        page.wait_for_timeout(200)
        timing = page.evaluate("""() => ({
          firstPaint: (performance.getEntriesByType('paint').find(p => p.name === 'first-contentful-paint') || {}).startTime ?? null,
          mathPaint: window.__bench.mathPaint, explorersReady: window.__bench.explorersReady,
        })""")
        documents = sorted(ts for ts, kind in starts.values() if kind == "Document")
        t0 = documents[0] if documents else min(ts for ts, _ in starts.values())
        fp = timing["firstPaint"]
        timing["bytes"] = sum(size for _, size in finished.values())
        timing["bytesBeforePaint"] = None if fp is None else sum(
            size for ts, size in _arrivals(chunks, finished) if (ts - t0) * 1000 <= fp)
        return timing
    finally:
        context.close()


def _arrivals(chunks: list, finished: dict) -> list[tuple[float, float]]:
    """(time, bytes on the wire) of every chunk received. Chromium reports a request it
    lets Playwright intercept (the page itself) with no wire bytes per chunk, only in
    total when it finishes: spread that total over its chunks by their decoded size."""
    encoded, decoded = {}, {}
    for rid, _, wire, size in chunks:
        encoded[rid] = encoded.get(rid, 0) + wire
        decoded[rid] = decoded.get(rid, 0) + size
    out = []
    for rid, ts, wire, size in chunks:
        if encoded[rid] == 0 and rid in finished and decoded[rid]:
            wire = size * finished[rid][1] / decoded[rid]
        out.append((ts, wire))
    return out


def budgets(browser, base_url: str, html_dir: pathlib.Path, path: str) -> dict:
    """The numbers the tests assert (unthrottled, desktop screen) and the frame-switch time."""
    context = offline_context(browser, base_url, viewport={"width": 1280, "height": 800})
    try:
        page = new_page(context)
        page.goto(base_url + path, wait_until="load")
        wait_until_ready(page)
        page.wait_for_timeout(300)
        row = page.evaluate("""() => {
          const nav = performance.getEntriesByType('navigation')[0];
          const res = performance.getEntriesByType('resource');
          return {bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
                  blocking: nav.transferSize + res.filter(r => r.renderBlockingStatus === 'blocking')
                                                      .reduce((s, r) => s + r.transferSize, 0),
                  requests: 1 + res.length};
        }""")
        row["state"] = widget_state_gzip_bytes(html_dir / path)
        row["switch"] = frame_switch_ms(page)
        return row
    finally:
        context.close()


# ----------------------------------------------------------------------- output

def _ms(v) -> str:
    return "—" if v is None else f"{v / 1000:.2f} s"


def _kb(v) -> str:
    return "—" if v is None else f"{v / 1000:,.0f} kB"


def _ratio(new, old) -> str:
    return "" if new is None or old in (None, 0) else f"×{new / old:.2f}"


COLUMNS = [("first paint", "firstPaint", _ms), ("math typeset", "mathPaint", _ms),
           ("explorers ready", "explorersReady", _ms), ("transfer", "bytes", _kb),
           ("before 1st paint", "bytesBeforePaint", _kb)]


def print_profiles(results: dict, baseline: bool) -> None:
    for profile, rows in results.items():
        print(f"\n{profile}" + ("   (each cell: new | baseline  ratio new/baseline)" if baseline else ""))
        width = 32 if baseline else 18  # wider than the longest title ("before 1st paint")
        print(f"{'lesson':<28}" + "".join(f"{title:>{width}}" for title, _, _ in COLUMNS))
        for page, (new, old) in rows.items():
            cells = []
            for _, key, fmt in COLUMNS:
                cell = fmt(new[key]) if not baseline else f"{fmt(new[key])} | {fmt(old[key])} {_ratio(new[key], old[key])}"
                cells.append(f"{cell:>{width}}")
            print(f"{pathlib.PurePosixPath(page).stem:<28}" + "".join(cells))


def print_budgets(rows: dict) -> list[str]:
    print("\nbudgets (unthrottled, cold cache, gzip; asserted by tests/test_site.py)")
    print(f"{'lesson':<32}{'transfer':>10}{'before paint':>14}{'requests':>10}{'state gz':>10}{'switch':>9}")
    over = []
    for page, r in rows.items():
        sw = (r["switch"] or {}).get("dom")
        print(f"{pathlib.PurePosixPath(page).stem:<32}{_kb(r['bytes']):>10}{_kb(r['blocking']):>14}"
              f"{r['requests']:>10}{r['state'] / 1024:>7.0f} KiB{'' if sw is None else f'{sw:.1f} ms':>9}")
        if r["bytes"] > PAGE_WEIGHT_BUDGET or r["blocking"] > FIRST_PAINT_BUDGET or r["state"] > WIDGET_STATE_BUDGET:
            over.append(page)
    print(f"budgets: transfer <= {_kb(PAGE_WEIGHT_BUDGET)}, before first paint <= {_kb(FIRST_PAINT_BUDGET)}, "
          f"widget state <= {WIDGET_STATE_BUDGET // 1024} KiB; over budget: {', '.join(over) or 'none'}")
    return over


def run(html_dir: pathlib.Path, baseline: pathlib.Path | None, profiles: list[str], repeat: int) -> int:
    from playwright.sync_api import sync_playwright

    pages = lesson_pages(html_dir)
    results = {name: {} for name in profiles}
    with contextlib.ExitStack() as stack:
        new_url = stack.enter_context(serve(html_dir))
        old_url = stack.enter_context(serve(baseline)) if baseline else None
        p = stack.enter_context(sync_playwright())
        browser = launch_browser(p)
        stack.callback(browser.close)
        measure(browser, new_url, pages[0], None)  # warm up the browser itself
        for name in profiles:
            for page in pages:
                runs_new, runs_old = [], []
                for _ in range(repeat):  # alternate, so that both meet the same machine
                    runs_new.append(measure(browser, new_url, page, PROFILES[name]))
                    if old_url:
                        runs_old.append(measure(browser, old_url, page, PROFILES[name]))
                results[name][page] = (_median(runs_new), _median(runs_old) if runs_old else None)
        print_profiles(results, baseline is not None)
        over = print_budgets({page: budgets(browser, new_url, html_dir, page) for page in pages})
    return 1 if over else 0


def _median(runs: list[dict]) -> dict:
    keys = runs[0].keys()
    return {k: (statistics.median(v) if (v := [r[k] for r in runs if r[k] is not None]) else None) for k in keys}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=pathlib.Path, default=None,
                        help="an already built html folder (e.g. _build/html); default: build one")
    parser.add_argument("--baseline", type=pathlib.Path, default=None,
                        help="a second built site (e.g. the previous main's) to measure side by side")
    parser.add_argument("--profile", action="append", choices=list(PROFILES),
                        help="only these profiles (default: all three)")
    parser.add_argument("--repeat", type=int, default=1, help="loads per page and profile (median)")
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
        baseline = args.baseline.resolve() if args.baseline else None
        return run(html_dir, baseline, args.profile or list(PROFILES), args.repeat)


if __name__ == "__main__":
    sys.exit(main())
