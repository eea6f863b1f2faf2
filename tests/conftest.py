"""Shared fixtures: the website is built once per test session, in the background.

When the session holds tests that need the built site, the strict build
(``python scripts/build_book.py``, the README's ``make html``) starts as soon as
the tests are collected and runs on one core while nbval runs the notebooks on
the other; the tests that need the site run last. The site lands in
``_build/html/``, where ``make html`` puts it: CI publishes that build, and keeps
its execution reports (``_build/html/reports/``) when the build fails.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"

_build: dict = {}


def _needs_site(item) -> bool:
    return "built_site" in getattr(item, "fixturenames", ())


def _reused_site() -> pathlib.Path | None:
    reuse = os.environ.get("BOOK_SITE")
    return pathlib.Path(reuse).resolve() if reuse and not os.environ.get("CI") else None


def _start_build() -> None:
    if _build:
        return
    log = tempfile.NamedTemporaryFile("w+", prefix="book-build-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "build_book.py")],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    _build.update(proc=proc, log=pathlib.Path(log.name))


def pytest_collection_modifyitems(session, config, items):
    if any(_needs_site(item) for item in items):
        items.sort(key=_needs_site)  # stable: everything else keeps its order, site tests last
        if _reused_site() is None:
            _start_build()


def pytest_unconfigure(config):
    proc = _build.get("proc")
    if proc is not None and proc.poll() is None:  # the session ended early: stop the build
        proc.terminate()
        proc.wait()


@pytest.fixture(scope="session")
def built_site() -> pathlib.Path:
    """The website built exactly as the README's build command does; returns the html folder.

    BOOK_SITE=PATH/_build/html reuses a site built before (to iterate on the
    site tests quickly); it is ignored on CI (env CI set), which always builds.
    """
    reuse = _reused_site()
    if reuse is not None:
        assert (reuse / "index.html").exists(), f"BOOK_SITE={reuse} holds no built site"
        return reuse
    _start_build()
    status = _build["proc"].wait()
    log = _build["log"].read_text(encoding="utf-8", errors="replace")
    if status != 0:
        pytest.fail(f"the book build failed (-W -n --keep-going); execution reports are in "
                    f"{SITE / 'reports'}; the end of its log:\n{log[-6000:]}", pytrace=False)
    assert (SITE / "index.html").exists()
    return SITE


@pytest.fixture(scope="session")
def mini_book(tmp_path_factory):
    """One small book built as the book is (tests/minibook.py): (build result, html folder)."""
    import minibook

    folder = tmp_path_factory.mktemp("minibook")
    return minibook.lesson_and_broken_page(folder), folder / "_build" / "html"
