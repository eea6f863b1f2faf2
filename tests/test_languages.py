"""Korean quoted in the English pages is marked as Korean (website/languages.py).

A screen reader reads a passage in the voice of the language its element declares
(WCAG 3.1.2). The corrections page and lesson 4 quote the Korean study note: every
Hangul character of their prose must sit inside an element with ``lang="ko"``, and
the English around it must not.
"""

from __future__ import annotations

import html.parser
import importlib.util
import pathlib
import re

import pytest

import sitekit

ROOT = pathlib.Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("languages", ROOT / "website" / "languages.py")
languages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(languages)

HANGUL = re.compile(f"[{languages.HANGUL}]")
#: Elements whose text is code, math or not text at all: not checked.
NOT_PROSE = {"pre", "code", "script", "style", "math", "svg", "textarea", "title"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def korean(text: str) -> list[str]:
    return [piece for piece, is_korean in languages.korean_runs(text) if is_korean]


def test_a_quotation_and_its_translation_are_cut_apart():
    text = ("the note says “따라서 MSE 보다 Cross Entropy가 훨씬\n빠르다.” (“So cross-entropy "
            "trains much faster than MSE.”) and “즉, 엔트로피 값이다.”")
    assert korean(text) == ["따라서 MSE 보다 Cross Entropy가 훨씬\n빠르다.", "즉, 엔트로피 값이다."]
    assert "".join(piece for piece, _ in languages.korean_runs(text)) == text


def test_latin_words_written_onto_korean_belong_to_it():
    assert korean("DL에서는 q라는 정보") == ["DL에서는 q라는 정보"]
    assert korean("English only, no Korean.") == []


class _LangChecker(html.parser.HTMLParser):
    """Collects prose text with Hangul, and whether its nearest lang is Korean."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.marked: list[str] = []
        self.unmarked: list[str] = []
        self.english_marked: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if any(tag in NOT_PROSE for tag, _ in self.stack) or not data.strip():
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        if HANGUL.search(data):
            (self.marked if lang == "ko" else self.unmarked).append(data.strip()[:60])
        elif lang == "ko" and re.search(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{3,}){3,}", data):
            self.english_marked.append(data.strip()[:60])  # four English words in a row


@pytest.mark.parametrize("path", sitekit.toc_documents("en"))
def test_korean_passages_are_marked_korean(built_site, path):
    checker = _LangChecker()
    checker.feed((built_site / path).read_text(encoding="utf-8"))
    assert not checker.unmarked, f"{path}: Korean text without lang=\"ko\": {checker.unmarked[:5]}"
    assert not checker.english_marked, f"{path}: English text marked Korean: {checker.english_marked[:5]}"
    if path == "book/errata.html":  # the page that quotes the note: the check is not vacuous
        assert len(checker.marked) >= 5, f"only {len(checker.marked)} Korean passages found on {path}"


@pytest.mark.parametrize("path", sitekit.toc_documents("ko"))
def test_korean_edition_pages_are_korean_as_a_whole(built_site, path):
    """A Korean page declares lang="ko" on <html> (all its text is read as Korean) and marks
    nothing Korean again inside; its switch to English says it is in English."""
    page = (built_site / path).read_text(encoding="utf-8")
    assert re.search(r'<html[^>]*\blang="ko"', page), f"{path}: <html> is not lang=\"ko\""
    assert '<span lang="ko">' not in page, f"{path}: Korean runs marked again inside a Korean page"
    switch = re.search(r'<a href="([^"]*)" class="btn btn-sm btn-language-switch" hreflang="en" lang="en"', page)
    assert switch, f"{path}: no switch to the English edition"
    twin = (built_site / path).parent / switch.group(1)
    assert twin.resolve() == (built_site / path.removeprefix("ko/").replace(".ko.html", ".html")).resolve()
    assert twin.exists(), f"{path}: the switch leads to {switch.group(1)}, which was not built"


@pytest.mark.parametrize("path", sitekit.toc_documents("en"))
def test_english_pages_switch_to_their_korean_twin(built_site, path):
    page = (built_site / path).read_text(encoding="utf-8")
    switch = re.search(r'<a href="([^"]*)" class="btn btn-sm btn-language-switch" hreflang="ko" lang="ko"', page)
    assert switch, f"{path}: no switch to the Korean edition"
    twin = ((built_site / path).parent / switch.group(1)).resolve()
    assert twin == (built_site / "ko" / path.replace(".html", ".ko.html")).resolve() and twin.exists()


def test_korean_search_stems_a_word_and_its_particles_alike():
    """The index and the query strip the same particles (website/languages.py), so a word
    is found whatever particle the text or the query writes onto it."""
    stem = languages.korean_stem
    for word, forms in {"엔트로피": ["엔트로피는", "엔트로피를", "엔트로피의", "엔트로피에서", "엔트로피이다"],
                        "발산": ["발산은", "발산을", "발산과", "발산으로"],
                        "가능도": ["가능도는", "가능도를"]}.items():
        assert {stem(f) for f in forms} == {stem(word)}, word
    assert stem("이") == "이" and stem("값이") == "값"  # never strips a word to nothing
    searcher = languages.SearchKorean({})
    assert searcher.stem("엔트로피를") == "엔트로피" and searcher.stem("entropies") == searcher.stem("entropy")
