"""Render HTML to PDF with WeasyPrint: print editions (bleed, marks, PDF/X-4) and screen editions (PDF/UA)."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path

from .engine import import_weasyprint

import_weasyprint()  # before WeasyPrint's own import: no library search subprocesses, fast arrays

from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from .config import Campaign  # noqa: E402
from .errors import BuildError, Problem  # noqa: E402
from .fetch import ProjectFetcher, remove_attachments  # noqa: E402

MM = 72 / 25.4  # PostScript points per millimetre
# Crop marks sit outside the bleed: they start this far beyond the trim and run this long.
MARK_OFFSET_MM = 3.0
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
SLUG_MM = 1.0  # white paper beyond the marks' ends, so no mark touches the sheet edge
PAD_ID = "booklet-pad-"  # ids of the pages a template offers to fill a booklet up to 4n pages


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration per process, so fonts are found once (watch mode, worker processes)."""
    return FontConfiguration()


def print_css(campaign: Campaign) -> str:
    """Page rules that turn a design into a print edition: bleed (presskit draws its own marks)."""
    # WeasyPrint's own marks are RGB black inside the bleed; ours are registration colour outside it.
    return f"@page {{ bleed: {campaign.print.bleed_mm}mm; marks: none; }}"


def write_pdf(html: str, campaign: Campaign, edition: str, lang: str,
              fetcher: ProjectFetcher, booklet: bool = False) -> bytes:
    """Render *html* as the given edition (print or screen) and return the PDF bytes."""
    document = HTML(string=html, base_url=str(campaign.root) + "/", url_fetcher=fetcher)
    remove_attachments(document)  # WeasyPrint would embed rel=attachment targets in the PDF
    stylesheets, options = [], {}
    if edition == "print":
        stylesheets.append(CSS(string=print_css(campaign), font_config=font_config()))
        options.update(pdf_variant="pdf/x-4")
    else:
        options.update(pdf_variant="pdf/ua-1", pdf_tags=True)
    rendered = document.render(stylesheets=stylesheets, font_config=font_config(), **options)
    if edition == "print":
        rendered = keep_pads(rendered, booklet)
    data = rendered.write_pdf(None, uncompressed_pdf=False, **options)
    if edition == "print":
        data = finish_print_edition(data, campaign)
    return data


def keep_pads(rendered, booklet: bool):
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


def finish_print_edition(data: bytes, campaign: Campaign) -> bytes:
    """Set exact boxes, draw registration-colour crop marks and attach the CMYK output intent."""
    import pikepdf

    settings = campaign.print
    profile = Path(settings.icc_profile)
    if not profile.is_file():
        raise BuildError(Problem("content/campaign.yaml", campaign.line_of("print", "icc_profile"),
                                 f"print.icc_profile: {profile} does not exist",
                                 "install Ghostscript's profile (apt-get install libgs10-common) "
                                 "or point print.icc_profile at a CMYK ICC profile"))
    pdf = pikepdf.open(io.BytesIO(data))
    bleed = settings.bleed_mm * MM
    margin = max(bleed, (MARK_OFFSET_MM + MARK_LENGTH_MM + SLUG_MM) * MM
                 if settings.crop_marks else bleed)
    registration = pdf.make_indirect(registration_colour_space(pdf))
    for page in pdf.pages:
        x0, y0, x1, y1 = (float(v) for v in page.obj.get("/TrimBox", page.mediabox))
        page.obj.TrimBox = pikepdf.Array([x0, y0, x1, y1])
        page.obj.BleedBox = pikepdf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
        page.obj.MediaBox = pikepdf.Array([x0 - margin, y0 - margin, x1 + margin, y1 + margin])
        for key in ("/CropBox", "/ArtBox"):
            if key in page.obj:
                del page.obj[key]
        if "/Annots" in page.obj:
            # Links mean nothing on paper, and PDF/X allows no annotations on the printed area.
            del page.obj["/Annots"]
        if settings.crop_marks:
            if "/Resources" not in page.obj:
                page.obj.Resources = pikepdf.Dictionary()
            if "/ColorSpace" not in page.obj.Resources:
                page.obj.Resources.ColorSpace = pikepdf.Dictionary()
            page.obj.Resources.ColorSpace.PKRegistration = registration
            # Wrap WeasyPrint's content in q/Q so its transformation cannot leak into the marks.
            page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
            page.contents_add(pdf.make_stream(b"Q\n" + crop_marks((x0, y0, x1, y1))))
    pdf.Root.OutputIntents = pikepdf.Array([output_intent(pdf, profile, settings.output_condition)])
    out = io.BytesIO()
    pdf.save(out, deterministic_id=False)
    return out.getvalue()


def registration_colour_space(pdf):
    """The registration colour: a Separation named All, which prints on every plate (C, M, Y and K)."""
    import pikepdf

    tint = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[0, 0, 0, 0], C1=[1, 1, 1, 1], N=1)
    return pikepdf.Array([pikepdf.Name.Separation, pikepdf.Name.All, pikepdf.Name.DeviceCMYK, tint])


def crop_marks(trim: tuple[float, float, float, float]) -> bytes:
    """Content stream drawing eight crop marks in registration colour, outside the bleed."""
    x0, y0, x1, y1 = trim
    offset, length = MARK_OFFSET_MM * MM, MARK_LENGTH_MM * MM
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            # A horizontal mark on the trim's y, and a vertical one on its x, pointing away.
            lines.append(f"{x + sx * offset:.3f} {y:.3f} m {x + sx * (offset + length):.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + sy * offset:.3f} m {x:.3f} {y + sy * (offset + length):.3f} l")
    body = "\n".join(lines)
    return (f"q /PKRegistration CS 1 SCN {MARK_WIDTH_PT} w 0 J [] 0 d\n{body}\nS Q\n").encode()


def output_intent(pdf, profile: Path, condition: str):
    """The PDF/X output intent: the CMYK profile of the printing condition the file is made for."""
    import pikepdf

    icc = pdf.make_stream(profile.read_bytes())
    icc.N = 4
    return pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String("Custom"),
        OutputCondition=pikepdf.String(condition),
        Info=pikepdf.String(f"{condition} — {profile.name}"),
        RegistryName=pikepdf.String("http://www.color.org"),
        DestOutputProfile=icc,
    )
