"""Speed budgets of the book, measured on this machine.

    python benchmarks/speed.py              # build + widget timings + the test command
    python benchmarks/speed.py --no-tests   # skip the (minutes-long) test command

Prints
1. a clean build with execution: seconds per notebook (MyST-NB's own timing)
   and the wall time of the whole build;
2. the median time of one widget update of lesson 1's live explorer (the
   callback the slider calls: move the artists, redraw them) against a
   naive callback that builds a new figure each time, measured in one run;
3. the wall time of the README's test command (`python -m pytest`).
Targets: <= 1.5 s per notebook, <= 20 ms per widget update, >= 5x the naive redraw.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "notebooks"), str(ROOT / "scripts")]


def build_times() -> None:
    import build_book

    with tempfile.TemporaryDirectory() as out:
        cmd = [*build_book.JUPYTER_BOOK, "build", str(ROOT), *build_book.STRICT, "--path-output", out]
        start = time.perf_counter()
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit("the build failed:\n" + result.stdout[-2000:] + result.stderr[-2000:])
    log = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    times = re.findall(r"([\w./-]+\.ipynb): Executed notebook in ([\d.]+) seconds", log)
    print("1. clean build with execution")
    for path, secs in times:
        flag = "" if float(secs) <= 1.5 else "   (over the 1.5 s target)"
        print(f"   {pathlib.Path(path).name:36s} {float(secs):5.2f} s{flag}")
    total = sum(float(s) for _, s in times)
    print(f"   executing {len(times)} notebooks: {total:.2f} s, "
          f"{total / max(len(times), 1):.2f} s per notebook")
    print(f"   whole build (Sphinx included): {wall:.1f} s")


def lesson_1_namespace() -> dict:
    """Run the lesson-1 cells that define H, ps and the explorer's figure."""
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / "01_shannon_entropy.ipynb", as_version=4)
    ns: dict = {}
    wanted = ("import math", "def H(", "ps = np.linspace", "def draw_coin_entropy")
    for cell in nb.cells:
        if cell.cell_type == "code" and any(w in cell.source for w in wanted):
            src = cell.source
            if "def draw_coin_entropy" in src:  # only the definition, not the display
                src = src.split("\n\n\nfig, update")[0]
            if "ps = np.linspace" in src:       # only the grid, not the static figure
                src = src.splitlines()[0]
            exec(src, ns)
    return ns


def widget_times(repeats: int = 60) -> None:
    import ipywidgets as widgets

    from bookkit import FrameRenderer, live_explorer

    ns = lesson_1_namespace()
    fig, update, artists = ns["draw_coin_entropy"]()
    p = widgets.FloatSlider(value=0.5, min=0, max=1, step=0.001)
    base = widgets.Dropdown(options=[2, math.e], value=2)
    live_explorer(fig, update, {"p": p, "base": base}, animated=artists, alt=lambda p, base: "")

    values = [0.001 + 0.998 * i / (repeats - 1) for i in range(repeats)]
    fast = []
    for v in values:
        t = time.perf_counter()
        p.value = v                     # triggers the explorer's callback
        fast.append(time.perf_counter() - t)

    def naive(v):
        f, upd, _ = ns["draw_coin_entropy"]()
        upd(v, 2)
        return FrameRenderer(f).overlay("")   # a new figure, laid out and drawn in full (SVG)

    slow = []
    for v in values:
        t = time.perf_counter()
        naive(v)
        slow.append(time.perf_counter() - t)
    f_ms, s_ms = statistics.median(fast) * 1e3, statistics.median(slow) * 1e3
    print("2. one widget update (lesson 1 live explorer), median of", repeats)
    print(f"   update artists + redraw:       {f_ms:6.1f} ms   (target <= 20 ms)")
    print(f"   naive: new figure each time:   {s_ms:6.1f} ms")
    print(f"   speed-up:                      {s_ms / f_ms:6.1f}x  (target >= 5x)")


def test_time() -> None:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-q"], capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - start
    last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"3. test command (python -m pytest): {wall:.1f} s, exit {result.returncode}: {last}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--no-tests", action="store_true", help="do not time the test command")
    parser.add_argument("--no-build", action="store_true", help="do not time the build")
    args = parser.parse_args()
    if not args.no_build:
        build_times()
    widget_times()
    if not args.no_tests:
        test_time()


if __name__ == "__main__":
    main()
