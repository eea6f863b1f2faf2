"""The notebook format on the website: solutions folded into closed disclosures.

A local Sphinx extension (listed under ``sphinx.local_extensions`` in _config.yml).

In a lesson, each exercise's solution is a section opened by a
``#### Solution to exercise N`` heading (``#### 연습 문제 N 풀이`` in Korean) and running to the next heading of its
level or above: its prose and its code cells (the notebook format in
CONTRIBUTING.md). JupyterLab and Colab open that section collapsed through
notebook metadata (scripts/run_notebooks.py writes it). Here the whole section
becomes ``<details class="solution"><summary>Solution to exercise N</summary>…``,
closed until the reader opens it. The heading is no longer a section, so it
stays out of the page's outline. Builders other than HTML keep the section.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.transforms import Transform

#: The title of a solution section, in English and in the Korean edition ("연습 문제 N 풀이").
SOLUTION_TITLE = re.compile(r"^(?:Solution to exercise\b|연습 문제 \d+ 풀이)")


class solution(nodes.General, nodes.Element):  # noqa: N801 (docutils names its nodes in lower case)
    """A folded solution: rendered as <details>, its title as <summary>."""


def visit_solution_html(self, node: solution) -> None:
    anchor = f' id="{node["ids"][0]}"' if node["ids"] else ""
    self.body.append(f'<details class="solution"{anchor}><summary>{self.encode(node["title"])}</summary>\n')


def depart_solution_html(self, node: solution) -> None:
    self.body.append("</details>\n")


def visit_solution_other(self, node: solution) -> None:
    pass


def depart_solution_other(self, node: solution) -> None:
    pass


class FoldSolutions(Transform):
    """Replace every "Solution to exercise N" section with a solution node holding its content."""

    default_priority = 500  # while reading: before Sphinx collects the page's outline

    def apply(self) -> None:
        builder = getattr(getattr(self.document.settings, "env", None), "app", None)
        if builder is not None and getattr(builder.builder, "format", "html") != "html":
            return
        for section in list(self.document.findall(nodes.section)):
            if not section.children or not isinstance(section[0], nodes.title):
                continue
            title = section[0].astext().strip()
            if not SOLUTION_TITLE.match(title):
                continue
            folded = solution(title=title, ids=list(section["ids"]))
            folded.extend(section.children[1:])
            section.replace_self(folded)


def setup(app):
    app.add_node(solution, html=(visit_solution_html, depart_solution_html),
                 latex=(visit_solution_other, depart_solution_other),
                 text=(visit_solution_other, depart_solution_other))
    app.add_transform(FoldSolutions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
