"""Build the website: the one command behind `python scripts/build_book.py`.

1. Installs the pinned JavaScript the site serves itself (MathJax 3 and the
   Jupyter widget manager): `npm ci` from website/package-lock.json into
   website/node_modules/, only when node_modules/ is missing or out of date.
2. Copies just the files the pages load into website/_vendor/ (gitignored),
   which _config.yml lists in `html_static_path`, so every page works offline
   and requests nothing from a CDN.
3. Runs Jupyter Book with warnings as errors (`-W -n --keep-going`), so a cell
   that raises, a broken reference or a missing glued value fails the build
   with a non-zero exit code.

The site lands in `_build/html/` (or in `PATH/_build/html/` with `--path-output PATH`).
"""

from __future__ import annotations

import argparse
import contextlib
import filecmp
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Warnings are errors; report every problem, not just the first.
STRICT = ["-W", "-n", "--keep-going"]
#: jupyter_book has no __main__: its CLI entry point, run with this interpreter.
JUPYTER_BOOK = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]
WEBSITE = ROOT / "website"
NODE_MODULES = WEBSITE / "node_modules"
VENDOR = ROOT / "website" / "_vendor"
#: Written into node_modules/ after a successful `npm ci`: the hash of the lock file it installed.
STAMP = NODE_MODULES / ".book-lock.sha256"

MATHJAX = "mathjax/es5"
WIDGETS = "@jupyter-widgets/html-manager/dist"

#: (source glob under node_modules/, destination folder under website/_vendor/).
#: Only what the pages load: MathJax's TeX-to-HTML component, the fonts it uses,
#: the TeX extensions its `autoload` fetches on demand, the accessibility
#: explorer of its context menu (with the English speech rules); the widget
#: manager's standalone bundle `embed.js` (the standard widgets, no RequireJS:
#: half the size of `embed-amd.js`, which only adds loading third-party widget
#: libraries from a CDN) with the Font Awesome 5 fonts its stylesheet names
#: (woff2 only: every browser that runs the bundle picks woff2), and one icon.
VENDORED_FILES = [
    (f"{MATHJAX}/tex-chtml.js", "mathjax"),
    (f"{MATHJAX}/output/chtml/fonts/woff-v2/*.woff", "mathjax/output/chtml/fonts/woff-v2"),
    (f"{MATHJAX}/input/tex/extensions/*.js", "mathjax/input/tex/extensions"),
    (f"{MATHJAX}/a11y/*.js", "mathjax/a11y"),
    (f"{MATHJAX}/sre/mathmaps/base.json", "mathjax/sre/mathmaps"),
    (f"{MATHJAX}/sre/mathmaps/en.json", "mathjax/sre/mathmaps"),
    ("mathjax/LICENSE", "mathjax"),
    (f"{WIDGETS}/embed.js", "jupyter-widgets"),
    (f"{WIDGETS}/embed.js.LICENSE.txt", "jupyter-widgets"),
    (f"{WIDGETS}/*.woff2", "jupyter-widgets"),
    # The GitHub mark of the repository button (website/static/book.css draws it
    # with this SVG instead of loading the 118 kB Font Awesome Brands font).
    ("@fortawesome/fontawesome-free/svgs/brands/github.svg", "icons"),
    ("@fortawesome/fontawesome-free/LICENSE.txt", "icons"),
]


@contextlib.contextmanager
def _lock(path: pathlib.Path):
    """Serialise asset installs: several builds may run at once from one checkout."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no lock, builds there are not run concurrently
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _lock_hash() -> str:
    return hashlib.sha256((WEBSITE / "package-lock.json").read_bytes()).hexdigest()


def install_node_packages(force: bool = False) -> None:
    """`npm ci` from package-lock.json, unless node_modules/ already holds exactly that lock."""
    wanted = _lock_hash()
    if not force and STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("build_book: npm is needed to install the site's JavaScript "
                         "(MathJax, the widget manager): install Node.js 18+ with npm")
    print("build_book: installing the site's JavaScript packages (npm ci) ...", flush=True)
    status = subprocess.call([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                              "--loglevel=error"], cwd=WEBSITE)
    if status != 0:
        raise SystemExit(f"build_book: `npm ci` failed with exit code {status}")
    STAMP.write_text(wanted + "\n")


def vendor_assets() -> list[pathlib.Path]:
    """Copy the files the pages load into website/_vendor/; returns the files it holds."""
    wanted: dict[pathlib.Path, pathlib.Path] = {}
    for pattern, dest in VENDORED_FILES:
        matches = sorted(NODE_MODULES.glob(pattern))
        if not matches:
            raise SystemExit(f"build_book: website/node_modules/{pattern} is missing: "
                             "delete website/node_modules/ and build again")
        for src in matches:
            wanted[VENDOR / dest / src.name] = src
    for target, src in wanted.items():
        if target.exists() and filecmp.cmp(src, target, shallow=False):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, target)  # atomic: a concurrent build never sees half a file
    for old in VENDOR.rglob("*"):  # drop files a previous version needed
        if old.is_file() and old not in wanted and not old.name.startswith("."):
            old.unlink()
    return sorted(wanted)


def prepare_assets() -> None:
    with _lock(VENDOR / ".lock"):
        install_node_packages()
        vendor_assets()


def build(path_output: pathlib.Path | None = None, clean: bool = True, root: pathlib.Path = ROOT) -> int:
    """Build the book at ``root``; return the exit status (0 only if there was no warning)."""
    if root == ROOT:
        prepare_assets()
    out = (path_output or root) / "_build"
    if clean and out.exists():
        shutil.rmtree(out)  # incremental builds may keep stale assets: always build clean
    cmd = [*JUPYTER_BOOK, "build", str(root), *STRICT]
    if path_output is not None:
        cmd += ["--path-output", str(path_output)]
    return subprocess.call(cmd, cwd=root)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path-output", type=pathlib.Path, default=None,
                        help="build into PATH/_build instead of the repository's _build")
    parser.add_argument("--no-clean", action="store_true", help="keep the previous build (faster, may be stale)")
    args = parser.parse_args(argv)
    status = build(args.path_output, clean=not args.no_clean)
    site = (args.path_output or ROOT) / "_build" / "html" / "index.html"
    if status == 0:
        print(f"\nThe website is built: open {site.relative_to(ROOT) if site.is_relative_to(ROOT) else site}")
    return status


if __name__ == "__main__":
    sys.exit(main())
