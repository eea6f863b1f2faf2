"""Passages in another language get their own ``lang``: Korean quoted in the English pages.

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

import re

from docutils import nodes
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


def setup(app):
    app.add_node(foreign, html=(visit_foreign_html, depart_foreign_html),
                 text=(visit_foreign_text, depart_foreign_text))
    app.add_post_transform(MarkKorean)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
