"""Render HTML to PDF with WeasyPrint: print editions (bleed, marks, PDF/X-4) and screen editions (PDF/UA)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .weasy import font_config, import_weasyprint, parsed_stylesheet, take_stylesheets

import_weasyprint()  # before WeasyPrint's own import: no library search subprocesses, fast arrays

from weasyprint import HTML  # noqa: E402

from ..errors import BuildError, Problem  # noqa: E402
from .fetcher import ProjectFetcher, remove_attachments  # noqa: E402
from .finish import PrintFinisher  # noqa: E402

if TYPE_CHECKING:
    from weasyprint.document import Document

    from ..source.config import Campaign

PAD_ID = "booklet-pad-"  # ids of the pages a template offers to fill a booklet up to 4n pages


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
    rendered = document.render(stylesheets=stylesheets, font_config=font_config(), presentational_hints=True,
                               **options)
    if edition == "print":
        rendered = keep_pads(rendered, booklet)
        for page in rendered.pages:
            page.links = []  # links mean nothing on paper, and PDF/X allows no annotations on it
    pdf: bytes = rendered.write_pdf(None, uncompressed_pdf=False, finisher=finisher, **options)
    return pdf


def keep_pads(rendered: Document, booklet: bool) -> Document:
    """Keep as many of the template's pad pages as a booklet needs for a multiple of four pages.

    The template offers pad pages (elements with id booklet-pad-1, -2, …, one page each, placed
    where extra pages belong, e.g. notes before the contacts page); everything is laid out once,
    and the unneeded pads are dropped. Pads and what follows them must not depend on page
    numbers or on the page side (see brochure.css), since dropping pages shifts both.
    """
    pages = rendered.pages
    pads = [i for i, page in enumerate(pages) if any(a.startswith(PAD_ID) for a in page.anchors)]
    needed = -(len(pages) - len(pads)) % 4 if booklet else 0
    if needed > len(pads):
        raise BuildError(Problem(
            None, None, f"the booklet needs {needed} more page(s) to reach a multiple of 4 and the "
            f"template offers {len(pads)} pad page(s)",
            f"give the template more one-page elements with id=\"{PAD_ID}N\" (N = 1, 2, 3)"))
    if len(pads) == needed:
        return rendered
    drop = set(pads[needed:])
    return rendered.copy([page for i, page in enumerate(pages) if i not in drop])
