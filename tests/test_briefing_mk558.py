"""The briefing as a Latvian ministry sends it (MK 2018-09-04 noteikumi Nr. 558 and its practice,
docs/docx.md): each requisite in its place, the addressee in the dative, page numbers from page 2 at
the top centre, fonts embedded and valid, and two pages at most as LibreOffice lays them out."""

import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from fontTools.ttLib import TTFont
from lxml import etree

from conftest import flat, pdf_pages_text, run
from fixture_text import (
    BRIEFING_CLASSIFICATION,
    BRIEFING_CONTACT,
    BRIEFING_CONTACT_PERSON,
    BRIEFING_REFERENCE,
    BRIEFING_SIGNATORY,
    BRIEFING_TITLE,
    DATES,
    ORGANISATION,
    RECIPIENT,
    RECIPIENTS,
    RECIPIENTS_DATIVE,
    recipient_copy,
)
from presskit.docx.package import font_key, obfuscate_font
from presskit.errors import ContentError
from presskit.source.config import load_config
from presskit.source.recipients import load_recipients

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
GENERAL = "build/briefing/briefing-lv.docx"


@pytest.fixture(scope="module")
def general(built):
    return docx.Document(str(built / GENERAL))


@pytest.fixture(scope="module")
def copy(built):
    return docx.Document(str(built / recipient_copy(RECIPIENT)))


def jc(paragraph):
    found = paragraph._p.find(f"{W}pPr/{W}jc")
    return None if found is None else found.get(f"{W}val")


def fields(part_paragraphs):
    return [i.text.strip() for p in part_paragraphs for i in p._p.iter(f"{W}instrText")]


# ---- places ----------------------------------------------------------------------------------------

def test_letterhead_is_the_first_page_header_only(general):
    section = general.sections[0]
    assert section.different_first_page_header_footer  # w:titlePg: page 1 has its own header
    letterhead, status = section.first_page_header.paragraphs
    assert (letterhead.style.name, letterhead.text, jc(letterhead)) == ("Letterhead", ORGANISATION, "center")
    assert (status.text, jc(status)) == (BRIEFING_CLASSIFICATION, "right")  # a restriction mark's place
    assert ORGANISATION not in " ".join(p.text for p in section.header.paragraphs)
    assert not list(letterhead._p.iter(f"{W}drawing"))  # no logo configured: the wordmark, nothing drawn


def test_page_numbers_from_page_two_at_the_top_centre(general):
    section = general.sections[0]
    (number,) = section.header.paragraphs  # the default header: every page but the first
    assert fields([number]) == ["PAGE"] and jc(number) == "center"
    assert fields(section.first_page_header.paragraphs) == []  # no number on page 1
    for footer in (section.footer, section.first_page_footer):  # nothing at the foot
        assert fields(footer.paragraphs) == [] and [p.text for p in footer.paragraphs] == [""]


def test_date_and_number_open_the_body_under_the_letterhead(general):
    date = general.paragraphs[0]
    assert date.style.name == "Date" and jc(date) is None  # at the left
    assert date.text == f"{DATES['lv']}\n{BRIEFING_REFERENCE}"  # the records office fills in the number
    assert general.paragraphs[1].style.name == "Title" and general.paragraphs[1].text == BRIEFING_TITLE


def test_addressee_at_the_upper_right_in_the_dative(copy, general):
    addressee = copy.paragraphs[1]
    assert (addressee.style.name, addressee.text, jc(addressee)) == ("Addressee", RECIPIENTS_DATIVE[RECIPIENT],
                                                                     "right")
    assert copy.paragraphs[0].style.name == "Date" and copy.paragraphs[2].style.name == "Title"
    assert RECIPIENTS[RECIPIENT] != addressee.text  # the nominative is not what a Latvian copy prints
    assert "Addressee" not in [p.style.name for p in general.paragraphs]


def test_signature_and_contact_block_end_the_text(general):
    signature, contact = general.paragraphs[-2:]
    assert signature.style.name == "Signature" and signature.text == "\t".join(BRIEFING_SIGNATORY)
    tab = general.styles["Signature"].element.find(f"{W}pPr/{W}tabs/{W}tab")
    section = general.sections[0]
    assert tab.get(f"{W}val") == "right"  # the name at the right margin
    assert int(tab.get(f"{W}pos")) == (section.page_width - section.left_margin - section.right_margin) // 635
    assert contact.style.name == "Contact" and contact.text == BRIEFING_CONTACT
    (link,) = contact.hyperlinks
    assert link.address == f"mailto:{BRIEFING_CONTACT_PERSON[2]}"


def test_placeholders_where_the_front_matter_has_no_signatory_or_contact(project):
    briefing = project / "content" / "briefing.md"
    text = briefing.read_text()
    for key in ("signatory_position", "signatory_name", "contact", "contact_phone", "contact_email", "reference"):
        text = "\n".join(line for line in text.split("\n") if not line.startswith(f"{key}:"))
    briefing.write_text(text)
    run("build", "briefing", "--root", project, check=True)
    paragraphs = docx.Document(str(project / GENERAL)).paragraphs
    blank = "____________________"
    assert paragraphs[0].text == f"{DATES['lv']}\nNr. {blank}"
    assert [p.text for p in paragraphs[-2:]] == [f"{blank}\t{blank}", blank]


def test_without_a_dative_a_copy_names_the_addressee_as_listed(project):
    recipients = project / "content" / "recipients.yaml"
    recipients.write_text("\n".join(line for line in recipients.read_text().split("\n")
                                    if "name_dative" not in line))
    run("build", "briefing", "--root", project, check=True)
    copy = docx.Document(str(project / recipient_copy(RECIPIENT)))
    assert copy.paragraphs[1].text == RECIPIENTS[RECIPIENT]  # the documented fallback


def test_an_empty_dative_is_an_error_at_its_line(project):
    recipients = project / "content" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("name_dative: Finanšu nodaļai", "name_dative: ''"))
    with pytest.raises(ContentError) as caught:
        load_recipients(project, "recipients.yaml")
    (problem,) = caught.value.problems
    assert problem.line == 11 and "'name_dative' is empty" in problem.message


# ---- fonts -----------------------------------------------------------------------------------------

def test_obfuscation_is_ecma_376s_and_its_own_inverse():
    font = bytes(range(64))
    key = "{00000000-0000-0000-0000-0000000000A1}"  # the key's bytes are the GUID's read from the end
    hidden = obfuscate_font(font, key)
    assert hidden[0] == 0xA1 and hidden[16] == 0x10 ^ 0xA1 and hidden[1:16] == font[1:16]
    assert hidden[32:] == font[32:] and obfuscate_font(hidden, key) == font
    assert font_key(font) == font_key(bytes(range(64))) != font_key(font[::-1])  # made from the bytes


def embedded_fonts(path):
    """(family, slot, deobfuscated TrueType bytes) of every font the DOCX embeds."""
    document = docx.Document(str(path))
    table = next(r.target_part for r in document.part.rels.values() if r.reltype == RT.FONT_TABLE)
    out = []
    for font in etree.fromstring(table.blob).iterchildren(f"{W}font"):
        for embed in font:
            if embed.tag.startswith(f"{W}embed"):
                part = table.rels[embed.get(R_ID)].target_part
                assert part.content_type == "application/vnd.openxmlformats-officedocument.obfuscatedFont"
                assert part.partname.endswith(".odttf")
                out.append((font.get(f"{W}name"), embed.tag[len(W) + 5:],
                            obfuscate_font(part.blob, embed.get(f"{W}fontKey"))))
    return document, out


def test_the_styles_fonts_are_embedded_valid_and_cover_the_text(built):
    document, fonts = embedded_fonts(built / GENERAL)
    named = {f.get(f"{W}ascii") for f in document.styles.element.iter(f"{W}rFonts")} - {None}
    assert {"Noto Serif", "Noto Sans"} <= named <= {family for family, _, _ in fonts}
    with zipfile.ZipFile(built / GENERAL) as zf:
        settings = zf.read("word/settings.xml").decode()
        text = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/") and n.endswith(".xml"))
    assert "<w:embedTrueTypeFonts/>" in settings and "<w:saveSubsetFonts/>" in settings
    letters = {c for c in "".join(t.text or "" for t in document.element.body.iter(f"{W}t"))} | set("āčēģīķļņšūž")
    assert "ā" in text
    for family, slot, data in fonts:
        font = TTFont(io.BytesIO(data))  # parses: the obfuscation was undone with the right key
        assert font["name"].getBestFamilyName() == family
        style = font["head"].macStyle
        assert (bool(style & 1), bool(style & 2)) == ("Bold" in slot, "Italic" in slot), (family, slot)
        assert not font["OS/2"].fsType & 0x0002  # the licence allows embedding
        if family == "Noto Serif" and slot == "Regular":  # the body face has every letter of the body
            assert not {c for c in letters if ord(c) not in font.getBestCmap() and not c.isspace()}


# ---- LibreOffice: pages and fonts as a reader sees them -----------------------------------------------

def soffice_pdf(docx_paths, out, fontconfig=None):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is missing: run scripts/bootstrap --test")
    env = None
    if fontconfig:
        import os

        env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig)}
    subprocess.run([soffice, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *map(str, docx_paths)],
                   check=True, capture_output=True, timeout=240, env=env)
    return [out / (p.name[:-5] + ".pdf") for p in docx_paths]


def pdf_fonts(pdf):
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    return {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}


def page_count(pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.slow
def test_default_briefing_is_two_full_pages_at_most(default_project, tmp_path):
    run("build", "briefing", "--root", default_project, check=True)
    copies = [default_project / GENERAL, *sorted((default_project / "build/briefing/recipients").glob("*.docx"))]
    longest = max(copies[1:], key=lambda p: len(p.name))  # the longest addressee name
    pdfs = soffice_pdf([copies[0], copies[1], longest], tmp_path)
    for path, pdf in zip([copies[0], copies[1], longest], pdfs):
        pages = [flat(t) for t in pdf_pages_text(pdf)]
        assert len(pages) == page_count(pdf) <= 2, pdf.name
        assert len(pages[-1]) > 1500, pdf.name  # the last page is no near-empty one
        contact = docx.Document(str(path)).paragraphs[-1]
        assert contact.style.name == "Contact" and pages[-1].endswith(flat(contact.text))  # it closes the text


@pytest.mark.slow
def test_libreoffice_without_noto_installed_uses_the_embedded_fonts(built, tmp_path):
    conf = tmp_path / "fonts.conf"  # a font configuration that has DejaVu only
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    f"<dir>/usr/share/fonts/truetype/dejavu</dir><cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>")
    (pdf,) = soffice_pdf([built / GENERAL], tmp_path, conf)
    used = pdf_fonts(pdf)
    assert {"NotoSerif-Regular", "NotoSans-Bold"} <= used, used
    assert not any(name.startswith("DejaVu") for name in used), used


def test_a_configured_logo_is_the_letterhead(project):
    """With campaign.brand.logo (the brand block another change adds to the configuration), the
    first-page header shows that image, centred, described by the organisation's name."""
    from types import SimpleNamespace

    from PIL import Image

    from presskit.docx.writer import html_to_docx
    from presskit.html.templates import Page, make_environment, render_html
    from presskit.source.content import load_document

    Image.new("RGB", (240, 80), (158, 24, 63)).save(project / "content" / "logo.png")
    campaign = load_config(project)

    class Branded:  # the campaign as it reads once the configuration has a brand block
        brand = SimpleNamespace(logo="content/logo.png")

        def __getattr__(self, name):
            return getattr(campaign, name)

    document = load_document(project / "content" / "briefing.md", project)
    page = Page(Branded(), campaign.outputs["briefing"], "lv", "docx", document)
    html = render_html(make_environment(project), page, lambda text: text)
    result = docx.Document(io.BytesIO(html_to_docx(html, campaign, "briefing", document.meta)))
    letterhead = result.sections[0].first_page_header.paragraphs[0]
    assert jc(letterhead) == "center" and letterhead.text == ""  # the image instead of the wordmark
    (drawing,) = letterhead._p.iter(f"{W}drawing")
    assert drawing.find(".//{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
                        ).get("descr") == ORGANISATION
