"""The book's two editions, English and Korean (한국어), and the languages within a page.

**Editions.** The English edition is built from _config.yml and _toc.yml into the site's
root; the Korean edition from _config.ko.yml and _toc.ko.yml (``language: ko``) into
``ko/`` (scripts/build_book.py builds both).  Every page of one edition has its twin in the
other: ``notebooks/01_shannon_entropy`` and ``notebooks/01_shannon_entropy.ko``.  Each page
gets a language switch in its header, a link to its twin (``hreflang``, ``lang``), and
``<link rel="alternate" hreflang>`` to both editions.  The Korean edition's search index
is built by :class:`SearchKorean`, which strips the particles written onto Korean words
(엔트로피는, 엔트로피를, 엔트로피의 → 엔트로피), in the index and in the reader's query alike.

**Passages in another language.**

The English pages quote the Korean study note the book grew from (the corrections page,
lesson 4).  A screen reader reads a passage in the voice of the language its element
declares (WCAG 3.1.2), so every run of Korean text in the prose is wrapped in
``<span lang="ko">``.  A run starts and ends with a Hangul syllable and may hold what a
Korean sentence holds between them (spaces, digits, punctuation, a short Latin word such
as "MSE" or "Cross Entropy", a formula of a few letters, a line break); it stops at a
quotation mark and at a longer stretch without Hangul, such as the English translation that follows a
quotation.  Code and math are left alone.
"""

from __future__ import annotations

import pathlib
import re

from docutils import nodes
from sphinx.search import languages as search_languages
from sphinx.search.en import SearchEnglish
from sphinx.transforms.post_transforms import SphinxPostTransform

#: Hangul syllables, jamo and compatibility jamo.
HANGUL = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3"
#: One Korean run: Hangul (with a Latin word or number written onto it, as in "DL에서는"),
#: then any number of (a short gap without Hangul or quotation marks, then Hangul again),
#: and the sentence's final stop.
KOREAN_RUN = re.compile(
    rf"[A-Za-z0-9]*[{HANGUL}](?:[^{HANGUL}\u201c\u201d\"]{{0,30}}[{HANGUL}])*[.?!\u2026]?")
#: Elements whose text is not prose: left as they are.
SKIP = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.raw, nodes.comment)


class foreign(nodes.inline):
    """An inline passage in another language (rendered as ``<span lang="…">``)."""


def korean_runs(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, is_korean) in order; the pieces join back to ``text``."""
    pieces, end = [], 0
    for m in KOREAN_RUN.finditer(text):
        if m.start() > end:
            pieces.append((text[end:m.start()], False))
        pieces.append((m.group(0), True))
        end = m.end()
    if end < len(text):
        pieces.append((text[end:], False))
    return pieces


def _skipped(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (*SKIP, foreign)):
            return True
        parent = parent.parent
    return False


class MarkKorean(SphinxPostTransform):
    default_priority = 900
    formats = ("html",)

    def run(self, **kwargs) -> None:
        if edition(self.app.config) == "ko":
            return  # the Korean edition's pages are lang="ko" as a whole
        # The markdown parser makes each source line a Text node of its own: join
        # neighbours first, so that a run can go on past a line break.
        for element in list(self.document.findall(nodes.Element)):
            merged = []
            for child in element.children:
                if isinstance(child, nodes.Text) and merged and isinstance(merged[-1], nodes.Text):
                    merged[-1] = nodes.Text(str(merged[-1]) + str(child))
                else:
                    merged.append(child)
            if len(merged) < len(element.children):
                element.children = []
                element.extend(merged)
        for text in list(self.document.findall(nodes.Text)):
            if not re.search(f"[{HANGUL}]", text) or _skipped(text):
                continue
            parent = text.parent
            replacement = []
            for piece, korean in korean_runs(str(text)):
                if korean:
                    span = foreign(piece, nodes.Text(piece))
                    span["lang"] = "ko"
                    replacement.append(span)
                else:
                    replacement.append(nodes.Text(piece))
            index = parent.index(text)
            parent[index:index + 1] = replacement


def visit_foreign_html(self, node: foreign) -> None:
    self.body.append(self.starttag(node, "span", "", lang=node["lang"]))


def depart_foreign_html(self, node: foreign) -> None:
    self.body.append("</span>")


def visit_foreign_text(self, node: foreign) -> None:
    pass


def depart_foreign_text(self, node: foreign) -> None:
    pass


# ----------------------------------------------------------------------- editions

#: The editions: (the folder of the site it is built into, its name in its own language).
EDITIONS = {"en": ("", "English"), "ko": ("ko/", "한국어")}
#: What a Korean page's name adds to its English twin's.
KOREAN_SUFFIX = ".ko"
#: Pages Sphinx makes itself, the same name in both editions.
SPECIAL_PAGES = {"search", "genindex"}


def edition(config) -> str:
    return "ko" if (config.language or "en").startswith("ko") else "en"


def twin(pagename: str, language: str) -> str:
    """The name of the page's twin in the other edition."""
    if pagename in SPECIAL_PAGES:
        return pagename
    if language == "ko":
        return pagename[: -len(KOREAN_SUFFIX)] if pagename.endswith(KOREAN_SUFFIX) else pagename
    return pagename + KOREAN_SUFFIX


def twin_url(pagename: str, language: str) -> str:
    """The address of the twin, relative to the page (both editions are one site)."""
    up = "../" * pagename.count("/")
    if language == "ko":
        return f"{up}../{twin(pagename, language)}.html"
    return f"{up}{EDITIONS['ko'][0]}{twin(pagename, language)}.html"


def language_switch(app, pagename, templatename, context, doctree) -> None:
    """A link to the same page in the other edition, first of the page's header buttons."""
    here = edition(app.config)
    other = "en" if here == "ko" else "ko"
    url = twin_url(pagename, here)
    buttons = context.get("header_buttons")
    if buttons is not None:
        buttons.insert(0, {"type": "link", "url": url, "label": f"language-switch-{other}",
                           "icon": "fa-solid fa-language", "text": EDITIONS[other][1]})
    up = "../" * pagename.count("/")
    here_url = f"{up}{pagename}.html"
    alternates = {here: here_url, other: url}
    context["metatags"] = context.get("metatags", "") + "".join(
        f'\n<link rel="alternate" hreflang="{lang}" href="{href}" />' for lang, href in sorted(alternates.items()))


_SWITCH_RE = re.compile(r'<a href="([^"]*)" target="_blank"\s+class="btn btn-sm btn-language-switch-(\w+)"\s+'
                        r'data-bs-placement="\w+" data-bs-toggle="tooltip"\s*>(.*?)<span class="btn__text-container">'
                        r'[^<]*</span>', re.S)
#: The switch's label on a phone, where the header has room for a 44 px button only.
SHORT_NAMES = {"en": "EN", "ko": "한국어"}
_SIDEBAR_RE = re.compile(r'(<div class="sidebar-primary-items__start sidebar-primary__section">)')


def switch_html(match: re.Match) -> str:
    url, lang, icon = match.group(1), match.group(2), match.group(3)
    name = EDITIONS[lang][1]
    return (f'<a href="{url}" class="btn btn-sm btn-language-switch" hreflang="{lang}" lang="{lang}" '
            f'aria-label="{name}">{icon}<span class="btn__text-container"><span class="book-lang-long">{name}'
            f'</span><span class="book-lang-short">{SHORT_NAMES[lang]}</span></span>')


def fix_switches(app, exception) -> None:
    """The switch opens the twin in the same tab, says which language it is written in, and
    has a short label for phones; on the narrowest screens (under 360 px, where the header
    has no room for it) the same link heads the chapters' drawer."""
    if exception is not None or app.builder.format != "html":
        return
    for page in pathlib.Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        fixed = _SWITCH_RE.sub(switch_html, text)
        switch = re.search(r'<a href="([^"]*)" class="btn btn-sm btn-language-switch" hreflang="(\w+)"', fixed)
        if switch and "book-lang-drawer" not in fixed:
            url, lang = switch.group(1), switch.group(2)
            drawer = (f'<div class="sidebar-primary-item book-lang-drawer"><a href="{url}" hreflang="{lang}" '
                      f'lang="{lang}">{EDITIONS[lang][1]}</a></div>')
            fixed = _SIDEBAR_RE.sub(lambda m: m.group(1) + drawer, fixed, count=1)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


# ------------------------------------------------------------------ Korean search

#: Particles and endings written onto a Korean word (조사, 어미), longest first.
PARTICLES = sorted("""
에서부터 으로부터 로부터 에게서 에서의 에서는 에서도 으로는 으로도 으로서 으로써 에게는 이라는 이라고
이라면 이므로 이지만 라는 라고 에서 에게 으로 까지 부터 보다 처럼 만큼 이나 이며 이고 이다 이면 와의
과의 에는 에도 로는 로도 로서 로써 은 는 이 가 을 를 의 에 로 와 과 도 만""".split(), key=len, reverse=True)
_HANGUL_WORD = re.compile(f"^[{HANGUL}]+$")


def korean_stem(word: str) -> str:
    """``word`` without the particles written onto it, keeping at least one syllable."""
    changed = True
    while changed:
        changed = False
        for particle in PARTICLES:
            if word.endswith(particle) and len(word) > len(particle):
                word, changed = word[: -len(particle)], True
                break
    return word


_JS_KOREAN_STEMMER = """
var Stemmer = function() {
  var english = new EnglishStemmer();
  var particles = %s;
  var hangul = /^[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]+$/;
  this.stemWord = function(w) {
    if (!hangul.test(w)) return english.stemWord(w);
    var changed = true;
    while (changed) {
      changed = false;
      for (var i = 0; i < particles.length; i++) {
        var p = particles[i];
        if (w.length > p.length && w.slice(-p.length) === p) {
          w = w.slice(0, -p.length); changed = true; break;
        }
      }
    }
    return w;
  };
};
"""


class SearchKorean(SearchEnglish):
    """Korean words stripped of their particles; Latin words as the English edition's search."""

    lang = "ko"
    language_name = "Korean"
    js_stemmer_code = (SearchEnglish.js_stemmer_code.replace("var Stemmer = function", "var EnglishStemmer = function")
                       + _JS_KOREAN_STEMMER % ("[" + ",".join(f'"{p}"' for p in PARTICLES) + "]"))

    def stem(self, word: str) -> str:
        if _HANGUL_WORD.match(word):
            return korean_stem(word)
        return super().stem(word)


def labels_as_anchors(app, env) -> list:
    """Let ``[text](page.md#label)`` reach a ``(label)=`` target, not only a heading's slug.

    MyST resolves ``page.md#anchor`` from the headings' slugs alone.  The Korean glossary's
    headings slug to Korean text (정보량-surprisal), so each entry carries the English
    entry's anchor as a label (``(surprisal)=``), and the lessons of both editions link to
    the same anchors; a heading's own slug keeps precedence."""
    for name, (doc, labelid, title) in env.domaindata["std"]["labels"].items():
        if doc in env.metadata:
            env.metadata[doc].setdefault("myst_slugs", {}).setdefault(name, (None, labelid, title))
    return []


def setup(app):
    search_languages["ko"] = SearchKorean
    app.connect("env-updated", labels_as_anchors)
    app.connect("html-page-context", language_switch, priority=550)
    app.connect("build-finished", fix_switches)
    app.add_node(foreign, html=(visit_foreign_html, depart_foreign_html),
                 text=(visit_foreign_text, depart_foreign_text))
    app.add_post_transform(MarkKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
