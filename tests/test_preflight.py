"""Preflight rules: one crafted bad PDF per rule, each caught with a readable finding."""

from __future__ import annotations

import zlib
from pathlib import Path

import pikepdf
import pytest

from conftest import run
from presskit.preflight.pdf import Expectations, inspect_pdf, preflight_project

MM = 72 / 25.4
A5 = (0, 0, 148 * MM, 210 * MM)
PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
NOTO_SANS = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
PRINT = Expectations(pdfx=True, booklet=False, bleed_mm=3, fonts=("Noto Serif", "Noto Sans"))


def make_pdf(path: Path, content: bytes = b"", pages: int = 1, resources=None, boxes=True,
             intent=True, bleed_mm: float = 3) -> Path:
    """A minimal A5 print PDF: correct boxes and a CMYK output intent unless told otherwise."""
    pdf = pikepdf.new()
    x0, y0, x1, y1 = A5
    b = bleed_mm * MM
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=(x1 + 20 * MM, y1 + 20 * MM))
        page.obj.MediaBox = [x0 - 10 * MM, y0 - 10 * MM, x1 + 10 * MM, y1 + 10 * MM]
        if boxes:
            page.obj.TrimBox = [x0, y0, x1, y1]
            page.obj.BleedBox = [x0 - b, y0 - b, x1 + b, y1 + b]
        page.obj.Contents = pdf.make_stream(content)
        page.obj.Resources = resources(pdf) if resources is not None else pikepdf.Dictionary()
    if intent:
        icc = pdf.make_stream(PROFILE.read_bytes())
        icc.N = 4
        pdf.Root.OutputIntents = [pikepdf.Dictionary(Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX,
                                                     OutputConditionIdentifier="FOGRA39", DestOutputProfile=icc)]
    pdf.save(path)
    return path


def noto_type0(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """An embedded Noto Sans as a Type0/Identity-H font (codes are glyph ids)."""
    program = pdf.make_stream(NOTO_SANS.read_bytes())
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/NotoSans"),
                                    Flags=32, FontBBox=[0, -300, 1000, 1000], ItalicAngle=0, Ascent=1000,
                                    Descent=-300, CapHeight=700, StemV=80, FontFile2=program)
    cid = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.CIDFontType2,
                             BaseFont=pikepdf.Name("/NotoSans"), FontDescriptor=descriptor,
                             CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
                             CIDToGIDMap=pikepdf.Name.Identity)
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0, BaseFont=pikepdf.Name("/NotoSans"),
                              Encoding=pikepdf.Name("/Identity-H"), DescendantFonts=[cid])


def with_noto(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Font={"/F1": noto_type0(pdf)})


def helvetica() -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name.Helvetica)


def whats(path: Path, expect: Expectations = PRINT) -> list[str]:
    return [f"{f.page}: {f.what}" for f in inspect_pdf(path, expect, path.name)]


def test_a_clean_file_has_no_findings(tmp_path):
    text = b"0 0 0 1 k BT /F1 12 Tf 60 300 Td <002B0048004F004F0052> Tj ET 0 0.85 0.6 0.38 k 0 0 50 50 re f"
    path = make_pdf(tmp_path / "ok.pdf", text, resources=with_noto)
    assert whats(path) == []


def test_font_not_embedded(tmp_path):
    path = make_pdf(tmp_path / "f.pdf", b"BT /F1 12 Tf 60 300 Td (Hello) Tj ET",
                    resources=lambda pdf: pikepdf.Dictionary(Font={"/F1": helvetica()}))
    found = inspect_pdf(path, PRINT, "f.pdf")
    assert [f.what for f in found] == ["font Helvetica is not embedded"]
    assert str(found[0].problem()).startswith("f.pdf: page 1: font Helvetica is not embedded — use a font")


def test_font_not_named_in_config(tmp_path):
    path = make_pdf(tmp_path / "f.pdf", b"BT /F1 12 Tf 60 300 Td <002B> Tj ET",
                    resources=with_noto)
    serif_only = Expectations(pdfx=True, fonts=("Noto Serif",))
    assert whats(path, serif_only) == [
        "1: font NotoSans (family 'Noto Sans') is not named in the configuration"]


def test_missing_glyph(tmp_path):
    path = make_pdf(tmp_path / "g.pdf", b"BT /F1 12 Tf 60 300 Td <002B00000048> Tj ET",
                    resources=with_noto)
    assert whats(path) == [
        "1: missing glyph (.notdef) in font NotoSans: a character the font does not have"]


PRINTED = b"0 0 0 1 k 100 100 50 50 re f"  # a K-only square inside the trim: the page is not blank


def test_booklet_page_count(tmp_path):
    path = make_pdf(tmp_path / "b.pdf", PRINTED, pages=6)
    booklet = Expectations(pdfx=True, booklet=True)
    assert whats(path, booklet) == [
        "None: booklet has 6 pages, not a multiple of 4 (saddle stitching needs 8)"]
    assert whats(make_pdf(tmp_path / "b8.pdf", PRINTED, pages=8), booklet) == []


def test_blank_inside_pages_of_a_booklet_are_warned(tmp_path):
    """A page with nothing inside its trim (crop marks, one path out in the slug, do not count); the
    covers are left alone (an unprinted inside cover is a choice, not a pad)."""
    marks = b"0 0 0 1 K 0.25 w -60 -60 m -40 -60 l S 460 650 m 480 650 l S"
    path = make_pdf(tmp_path / "b.pdf", marks, pages=4)
    findings = inspect_pdf(path, Expectations(pdfx=True, booklet=True))
    assert [(f.page, f.severity) for f in findings] == [(2, "warning"), (3, "warning")]
    assert findings[0].what.startswith("blank page: the booklet's chapters could not make a multiple of 4 pages")
    assert whats(make_pdf(tmp_path / "p.pdf", marks + b" " + PRINTED, pages=4), Expectations(pdfx=True, booklet=True)) == []


def test_missing_trim_box(tmp_path):
    path = make_pdf(tmp_path / "t.pdf", boxes=False)
    assert whats(path) == ["1: no TrimBox: the print shop cannot tell where to cut"]


def test_wrong_bleed_box(tmp_path):
    path = make_pdf(tmp_path / "t.pdf", bleed_mm=1)
    assert whats(path) == ["1: BleedBox is 1.0, 1.0, 1.0, 1.0 mm beyond the TrimBox (left, bottom, "
                           "right, top), expected 3 mm on every side"]


def test_no_output_intent(tmp_path):
    path = make_pdf(tmp_path / "o.pdf", intent=False)
    assert whats(path) == ["None: no PDF/X output intent with a CMYK profile"]


def test_rgb_colour(tmp_path):
    path = make_pdf(tmp_path / "c.pdf", b"1 0 0 rg 60 60 100 100 re f")
    assert whats(path) == ["1: RGB colour (1 0 0 rg) in a PDF/X (print) edition"]
    # The screen edition may be RGB.
    assert whats(path, Expectations(pdfx=False)) == []


def _image(pdf: pikepdf.Pdf, size: int, space: str) -> pikepdf.Stream:
    channels = 3 if space == "/DeviceRGB" else 1
    data = zlib.compress(bytes(size * size * channels))
    return pikepdf.Stream(pdf, data, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                          Width=size, Height=size, ColorSpace=pikepdf.Name(space), BitsPerComponent=8,
                          Filter=pikepdf.Name.FlateDecode)


def test_rgb_image(tmp_path):
    def resources(pdf):
        return pikepdf.Dictionary(XObject={"/Im1": _image(pdf, 600, "/DeviceRGB")})
    # 600 px over 1 inch: 600 ppi, so only the colour is wrong.
    path = make_pdf(tmp_path / "i.pdf", b"q 72 0 0 72 100 100 cm /Im1 Do Q", resources=resources)
    assert whats(path) == ["1: RGB image /Im1 in a PDF/X (print) edition"]


def test_low_resolution_image(tmp_path):
    def resources(pdf):
        return pikepdf.Dictionary(XObject={"/Im1": _image(pdf, 100, "/DeviceGray")})
    # 100 px over 50 mm: 51 ppi.
    path = make_pdf(tmp_path / "r.pdf", f"q {50 * MM:.3f} 0 0 {50 * MM:.3f} 100 100 cm /Im1 Do Q".encode(),
                    resources=resources)
    assert whats(path) == ["1: image /Im1 (100×100 px) is placed at 50×50 mm: 51 ppi, below 300 ppi"]
    assert inspect_pdf(path, PRINT)[0].fix == "use an image of at least 591×591 px, or place it smaller"


def test_text_inside_safety_margin(tmp_path):
    resources = with_noto
    # One glyph (gid 0x2B, no ToUnicode) with its left edge about 2 mm from the left trim.
    path = make_pdf(tmp_path / "s.pdf", f"0 0 0 1 k BT /F1 10 Tf {2 * MM:.3f} 300 Td <002B> Tj ET".encode(),
                    resources=resources)
    found = whats(path)
    assert len(found) == 1 and found[0].startswith("1: text inside the 5 mm safety margin: '")
    assert found[0].endswith("' is 2.3 mm from the trim")


def test_check_command_lists_findings_and_fails(project):
    target = project / "build" / "brochure" / "brochure-lv.pdf"
    target.parent.mkdir(parents=True)
    make_pdf(target, b"1 0 0 rg 60 60 100 100 re f", pages=3)
    proc = run("check", "--root", project)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    assert lines[0] == "presskit: preflight found 4 problem(s) in 1 PDF(s)"  # one per page, one for the file
    assert lines[1].startswith("error: build/brochure/brochure-lv.pdf: booklet has 3 pages, not a multiple of 4")
    assert lines[2] == ("error: build/brochure/brochure-lv.pdf: page 1: RGB colour (1 0 0 rg) in a PDF/X "
                        "(print) edition — use device-cmyk() colours from templates/shared/palette.css "
                        "in print editions")


def test_results_are_cached_per_file_digest(project, monkeypatch):
    from presskit.preflight import pdf as preflight
    from presskit.source.config import load_config

    target = project / "build" / "brochure" / "brochure-lv.pdf"
    target.parent.mkdir(parents=True)
    make_pdf(target, PRINTED, pages=4)
    campaign = load_config(project)
    assert preflight_project(campaign) == ([], 1)
    monkeypatch.setattr(preflight, "inspect_pdf", lambda *a: pytest.fail("inspected again"))
    assert preflight_project(campaign) == ([], 1)  # same bytes: answered from build/.presskit/
    make_pdf(target, pages=5)
    with pytest.raises(pytest.fail.Exception):
        preflight_project(campaign)


def test_missing_glyph_as_weasyprint_writes_it(tmp_path):
    """WeasyPrint maps a character no font has to CID 0 through its own CMap."""
    from weasyprint import HTML

    path = tmp_path / "w.pdf"
    HTML(string='<p style="font-family: Noto Serif">Labdien \ue000</p>').write_pdf(path)
    screen = Expectations(pdfx=False)
    assert [f.what for f in inspect_pdf(path, screen)] == [
        "missing glyph (.notdef) in font HUQPOW+Noto-Serif: a character the font does not have"]


@pytest.mark.slow
def test_draft_builds_are_flagged_not_for_print(project):
    run("build", "brochure", "--draft", "--root", project, check=True)
    proc = run("check", "--root", project)
    assert proc.returncode == 0, proc.stderr
    assert ("warning: build/brochure/brochure-lv.pdf: built with --draft (DRAFT mark on every page) — "
            "not for print; build without --draft before sending it") in proc.stderr.splitlines()
