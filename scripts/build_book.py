"""Build the website: `jupyter-book build .` with conveniences.

`jupyter-book build .` alone builds the whole site once the site's JavaScript is
installed (`npm ci --ignore-scripts` in website/): the book's Sphinx extensions in
website/ render the math with KaTeX and copy what the pages load from
website/node_modules/. This script adds:

1. `npm ci` from website/package-lock.json, only when website/node_modules/ is
   missing or was installed from another lock file;
2. a clean build (incremental builds may keep stale assets);
3. warnings as errors (`-W -n --keep-going`), so a cell that raises, a broken
   reference or a missing glued value fails the build with a non-zero exit code;
4. with `--pdf`, a PDF of the whole book printed from the built site by headless
   Chromium (`book.pdf` in the site, linked from its pages).

The site lands in `_build/html/` (or in `PATH/_build/html/` with `--path-output PATH`).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
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
#: Written into node_modules/ after a successful `npm ci`: the hash of the lock file it installed.
STAMP = NODE_MODULES / ".book-lock.sha256"


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
                         "(KaTeX, the widget manager): install Node.js 18+ with npm")
    print("build_book: installing the site's JavaScript packages (npm ci) ...", flush=True)
    status = subprocess.call([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                              "--loglevel=error"], cwd=WEBSITE)
    if status != 0:
        raise SystemExit(f"build_book: `npm ci` failed with exit code {status}")
    STAMP.write_text(wanted + "\n")


def prepare_assets() -> None:
    with _lock(WEBSITE / ".npm-install.lock"):
        install_node_packages()


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
    parser.add_argument("--pdf", action="store_true",
                        help="also print the whole book to book.pdf in the site (headless Chromium), "
                             "linked from every page")
    args = parser.parse_args(argv)
    status = build(args.path_output, clean=not args.no_clean)
    html = (args.path_output or ROOT) / "_build" / "html"
    if status == 0 and args.pdf:
        import book_pdf

        pdf = book_pdf.make_pdf(html)
        print(f"build_book: printed the book to {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    site = html / "index.html"
    if status == 0:
        print(f"\nThe website is built: open {site.relative_to(ROOT) if site.is_relative_to(ROOT) else site}")
    return status


if __name__ == "__main__":
    sys.exit(main())
