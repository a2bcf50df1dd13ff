"""Render HTML to PDF with WeasyPrint: print editions (bleed, marks, PDF/X-4) and screen editions (PDF/UA)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .config import Campaign
from .fetch import ProjectFetcher


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration per process, so fonts are found once (watch mode, worker processes)."""
    return FontConfiguration()


def print_css(campaign: Campaign) -> str:
    """Page rules that turn a design into a print edition: bleed and crop marks."""
    p = campaign.print
    marks = "crop" if p.crop_marks else "none"
    return f"@page {{ bleed: {p.bleed_mm}mm; marks: {marks}; }}"


def write_pdf(html: str, campaign: Campaign, edition: str, lang: str,
              fetcher: ProjectFetcher) -> bytes:
    """Render *html* as the given edition (print or screen) and return the PDF bytes."""
    root = campaign.root
    document = HTML(string=html, base_url=str(root) + "/", url_fetcher=fetcher)
    stylesheets, options = [], {}
    if edition == "print":
        stylesheets.append(CSS(string=print_css(campaign), font_config=font_config()))
        profile = Path(campaign.print.icc_profile)
        if profile.is_file():
            stylesheets.append(CSS(string=f"@color-profile device-cmyk {{ src: url('{profile.as_uri()}') }}",
                                   font_config=font_config()))
            options.update(pdf_variant="pdf/x-4")
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)
    return document.write_pdf(None, stylesheets=stylesheets, font_config=font_config(),
                       uncompressed_pdf=False, **options)
