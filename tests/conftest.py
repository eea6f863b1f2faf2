"""Shared fixtures: the website is built once per test session."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_book  # noqa: E402


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> pathlib.Path:
    """Build the book exactly as the README's build command does; return the html folder.

    BOOK_SITE=PATH/_build/html reuses a site built before (to iterate on the
    site tests quickly); it is ignored on CI (env CI set), which always builds.
    """
    reuse = os.environ.get("BOOK_SITE")
    if reuse and not os.environ.get("CI"):
        html = pathlib.Path(reuse).resolve()
        assert (html / "index.html").exists(), f"BOOK_SITE={reuse} holds no built site"
        return html
    out = tmp_path_factory.mktemp("site")
    status = build_book.build(out)
    assert status == 0, "the book build failed (it runs with -W -n --keep-going): see the log above"
    html = out / "_build" / "html"
    assert (html / "index.html").exists()
    return html
