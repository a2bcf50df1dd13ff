"""Render HTML to PDF with WeasyPrint: print editions (bleed, marks, PDF/X-4) and screen editions (PDF/UA)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .weasy import font_config, import_weasyprint, parsed_stylesheet, take_stylesheets

import_weasyprint()  # before WeasyPrint's own import: no library search subprocesses, fast arrays

from weasyprint import HTML  # noqa: E402

from .fetcher import ProjectFetcher, remove_attachments  # noqa: E402
from .finish import PrintFinisher  # noqa: E402
from .overflow import LayoutOverflow, overflow_problems, planned_pages  # noqa: E402
from .plan import fit_booklet, keep_pads  # noqa: E402

if TYPE_CHECKING:
    from weasyprint.document import Document

    from ..source.config import Campaign

def print_css(campaign: Campaign) -> str:
    """Page rules that turn a design into a print edition: bleed (presskit draws its own marks)."""
    # WeasyPrint's own marks are RGB black inside the bleed; ours are registration colour outside it.
    return f"@page {{ bleed: {campaign.print.bleed_mm}mm; marks: none; }}"


def write_pdf(html: str, campaign: Campaign, edition: str, lang: str,
              fetcher: ProjectFetcher, booklet: bool = False) -> bytes:
    """Render *html* as the given edition (print or screen) and return the PDF bytes."""
    document = HTML(string=html, base_url=str(campaign.root) + "/", url_fetcher=fetcher)
    remove_attachments(document)  # WeasyPrint would embed rel=attachment targets in the PDF
    stylesheets = take_stylesheets(document) or []
    options: dict[str, Any] = {}
    finisher: PrintFinisher | None = None
    if edition == "print":
        stylesheets.append(parsed_stylesheet(print_css(campaign)))
        options.update(pdf_variant="pdf/x-4")
        finisher = PrintFinisher(campaign)  # checks the ICC profile before anything is rendered
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)
    # Presentational hints: an image's width and height attributes ({: width="320"}) size it, and
    # <ol start>/<li value> number lists; the sanitiser lets through no other presentational attribute.
    def render() -> Document:
        return document.render(stylesheets=stylesheets, font_config=font_config(), presentational_hints=True,
                               **options)

    if edition == "print" and booklet:
        rendered = fit_booklet(document, render)  # a page plan of 4n pages
    else:
        rendered = render()
        if edition == "print":
            rendered = keep_pads(rendered, booklet=False)
    # On the pages as they will be printed (pads dropped): text that does not fit fails the file.
    if problems := overflow_problems(rendered.pages, planned_pages(document.etree_element), lang, edition):
        raise LayoutOverflow(problems)
    if edition == "print":
        for page in rendered.pages:
            page.links = []  # links mean nothing on paper, and PDF/X allows no annotations on it
    pdf: bytes = rendered.write_pdf(None, uncompressed_pdf=False, finisher=finisher, **options)
    return pdf
