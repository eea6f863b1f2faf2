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

The English edition lands in `_build/html/` (or in `PATH/_build/html/` with
`--path-output PATH`), the Korean edition (_config.ko.yml, _toc.ko.yml) in its `ko/`
folder: the two builds run side by side.
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


#: The Korean edition's config and table of contents (scripts/editions.py writes them).
KOREAN_ARGS = ["--config", "_config.ko.yml", "--toc", "_toc.ko.yml"]
#: Where the Korean edition lands in the site.
KOREAN_FOLDER = "ko"


def build(path_output: pathlib.Path | None = None, clean: bool = True, root: pathlib.Path = ROOT,
          korean: bool | None = None) -> int:
    """Build the book at ``root``, both editions at once (the Korean one into the site's
    ``ko/`` folder); return the exit status (0 only if neither build warned)."""
    if root == ROOT:
        prepare_assets()
    korean = (root / KOREAN_ARGS[1]).exists() if korean is None else korean
    out = (path_output or root) / "_build"
    if clean and out.exists():
        shutil.rmtree(out)  # incremental builds may keep stale assets: always build clean
    english = [*JUPYTER_BOOK, "build", str(root), *STRICT]
    if path_output is not None:
        english += ["--path-output", str(path_output)]
    if not korean:
        return subprocess.call(english, cwd=root)
    # The two editions build side by side (one core each); the Korean build's log is shown
    # after the English one, so that neither interleaves the other.
    ko_out = out / "korean"
    log = out / "korean.log"
    out.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as handle:
        ko = subprocess.Popen([*JUPYTER_BOOK, "build", str(root), *KOREAN_ARGS, *STRICT,
                               "--path-output", str(ko_out)], cwd=root, stdout=handle, stderr=subprocess.STDOUT)
        en_status = subprocess.call(english, cwd=root)
        ko_status = ko.wait()
    print("\n----- the Korean edition (한국어판) -----\n" + log.read_text(encoding="utf-8"), flush=True)
    site = out / "html"
    if (ko_out / "_build" / "html").is_dir() and site.is_dir():
        target = site / KOREAN_FOLDER
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(ko_out / "_build" / "html"), str(target))
        shutil.rmtree(ko_out)
    return en_status or ko_status


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
