"""Build the website: the one command behind `python scripts/build_book.py`.

Runs Jupyter Book with warnings as errors (`-W -n --keep-going`), so a cell
that raises, a broken reference or a missing glued value fails the build
with a non-zero exit code.  The site lands in `_build/html/` (or in
`PATH/_build/html/` with `--path-output PATH`).
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: Warnings are errors; report every problem, not just the first.
STRICT = ["-W", "-n", "--keep-going"]
#: jupyter_book has no __main__: its CLI entry point, run with this interpreter.
JUPYTER_BOOK = [sys.executable, "-c", "from jupyter_book.cli.main import main; main()"]


def build(path_output: pathlib.Path | None = None, clean: bool = True, root: pathlib.Path = ROOT) -> int:
    """Build the book at ``root``; return the exit status (0 only if there was no warning)."""
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
