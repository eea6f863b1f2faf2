"""A PDF of the whole book, printed from the built website by headless Chromium.

    python scripts/book_pdf.py _build/html        # or: python scripts/build_book.py --pdf

Every page of ``_toc.yml`` is opened, in reading order, in the same headless
Chromium the site tests use, served from 127.0.0.1; once its math fonts and
explorers are in, it is printed with the site's print stylesheet
(``website/static/book-print.css``: folded cells and solutions open, code
wrapped at the margin, explorers as their current picture without controls).
The pages are joined with pypdf into ``book.pdf`` at the top of the site, one
bookmark per page, and every page of the site gets a "Whole book (PDF)" entry
in its download menu.  Each edition is its own book: the Korean pages (``ko/``)
make ``ko/book.pdf``, which the Korean pages link to.
"""

from __future__ import annotations

import argparse
import io
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the site-test toolkit: server, browser, table of contents

import sitekit  # noqa: E402

PDF_NAME = "book.pdf"
#: A4 with margins wide enough for a hole punch; the footer names the page.
PDF_OPTIONS = {
    "format": "A4",
    "margin": {"top": "18mm", "bottom": "20mm", "left": "18mm", "right": "18mm"},
    "print_background": True,
    "display_header_footer": True,
    "header_template": "<span></span>",
    "footer_template": ('<div style="font-size:8pt;width:100%;text-align:center;color:#555">'
                        '<span class="title"></span> · <span class="pageNumber"></span></div>'),
    "outline": True,
    "tagged": True,
}


def print_pages(html_dir: pathlib.Path, browser=None, edition: str = "en") -> list[tuple[str, str, bytes]]:
    """[(page, title, pdf bytes)] for every page of an edition, in reading order, printed
    by ``browser`` (a Playwright Chromium; default: one launched here)."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = sitekit.launch_browser(p)
            try:
                return print_pages(html_dir, own, edition)
            finally:
                own.close()
    printed = []
    with sitekit.serve(html_dir) as base:
        context = sitekit.offline_context(browser, base, viewport={"width": 1000, "height": 1400})
        try:
            for path in sitekit.toc_pages(html_dir, edition):
                page = sitekit.new_page(context)
                page.goto(base + path)
                sitekit.wait_until_ready(page, timeout_ms=60_000)
                printed.append((path, *print_page(page)))
                page.close()
        finally:
            context.close()
    return printed


def print_page(page) -> tuple[str, bytes]:
    """(title, PDF) of a loaded, ready page, printed as a reader's "Print" would."""
    title = page.evaluate("() => (document.querySelector('article h1') || {}).textContent || document.title")
    page.emulate_media(media="print")
    page.evaluate("() => window.bookPrepareForPrint && window.bookPrepareForPrint()")
    try:
        data = page.pdf(**PDF_OPTIONS)
    finally:
        page.evaluate("() => window.bookAfterPrint && window.bookAfterPrint()")
        page.emulate_media(media="screen")
    return re.sub(r"\s+", " ", title.replace("#", "")).strip(), data


def join(printed: list[tuple[str, str, bytes]], edition: str = "en") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _path, title, data in printed:
        writer.append(PdfReader(io.BytesIO(data)), outline_item=title)
    writer.add_metadata({"/Title": sitekit.book_title(edition)})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


_DOWNLOAD_MENU_RE = re.compile(r'(<div class="dropdown dropdown-download-buttons">.*?<ul class="dropdown-menu">)', re.S)


def link_from_pages(html_dir: pathlib.Path) -> int:
    """Add "Whole book (PDF)" to the download menu of every page (once); returns how many
    pages link to the PDF."""
    count = 0
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir)
        if rel.parts[0].startswith(("_", ".")):
            continue
        text = page.read_text(encoding="utf-8")
        if "book-pdf-link" in text:
            count += 1
            continue
        korean = sitekit.edition_of(rel.as_posix()) == "ko"
        href = "../" * (len(rel.parts) - 1 - korean) + PDF_NAME  # the edition's own PDF
        title, text_ = (("책 전체를 PDF로 내려받기", "책 전체 (PDF)") if korean
                        else ("Download the whole book as a PDF", "Whole book (PDF)"))
        item = (f'\n<li><a href="{href}" class="btn btn-sm dropdown-item book-pdf-link" '
                f'title="{title}"><span class="btn__text-container">{text_}</span></a></li>')
        linked = _DOWNLOAD_MENU_RE.sub(lambda m, item=item: m.group(1) + item, text, count=1)
        if linked != text:
            page.write_text(linked, encoding="utf-8")
            count += 1
    return count


def make_pdf(html_dir: pathlib.Path, target: pathlib.Path | None = None, link: bool = True,
             browser=None) -> pathlib.Path:
    """Print the book at html_dir into target (default: book.pdf in the site; the Korean
    edition, when built, into ko/book.pdf) and, with ``link``, link it from every page."""
    html_dir = pathlib.Path(html_dir).resolve()
    target = target or html_dir / PDF_NAME
    target.write_bytes(join(print_pages(html_dir, browser)))
    korean = html_dir / sitekit.EDITIONS["ko"][1]
    if korean.is_dir() and target == html_dir / PDF_NAME:
        (korean / PDF_NAME).write_bytes(join(print_pages(html_dir, browser, "ko"), "ko"))
    if link:
        link_from_pages(html_dir)
    return target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=pathlib.Path, nargs="?", default=ROOT / "_build" / "html",
                        help="the built site (default: _build/html)")
    args = parser.parse_args(argv)
    pdf = make_pdf(args.site)
    print(f"book_pdf: wrote {pdf} ({pdf.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
