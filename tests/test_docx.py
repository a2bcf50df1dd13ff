"""The DOCX briefing read back with python-docx: styles, page furniture, properties, links, lists, text."""

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile

import docx
import lxml.html
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from conftest import REPO, default_reference, edit_reference_styles
from fixture_text import (
    BRIEFING_CAPTION,
    BRIEFING_CLASSIFICATION,
    BRIEFING_CONTACT,
    BRIEFING_CONTACT_PERSON,
    BRIEFING_FOOTNOTE,
    BRIEFING_HEADINGS_1,
    BRIEFING_HEADINGS_3,
    BRIEFING_INTERNAL_LINK,
    BRIEFING_KEYWORDS,
    BRIEFING_NUMBERED,
    BRIEFING_QUOTE,
    BRIEFING_REFERENCE,
    BRIEFING_SIGNATORY,
    BRIEFING_SUBTITLE,
    BRIEFING_TABLE_HEADER,
    BRIEFING_TABLE_ROWS,
    BRIEFING_TITLE,
    DATE,
    DATES,
    ORGANISATION,
    RECIPIENT,
    RECIPIENTS_DATIVE,
    SOURCE_URL_ENCODED,
    TITLE,
    recipient_copy,
)
from presskit.build.run import build
from presskit.errors import TemplateError
from presskit.html.markdown import markdown_to_html
from presskit.source.config import load_config
from presskit.source.content import load_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
GENERAL = "build/briefing/briefing-lv.docx"
COPY = recipient_copy(RECIPIENT)
BODY_STYLES = {"Date", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Normal", "List Bullet",
               "List Number", "Quote", "Caption", "Addressee", "Signature", "Contact", "Table Text"}


@pytest.fixture(scope="module")
def general(built):
    return docx.Document(str(built / GENERAL))


def styles(document):
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_every_paragraph_has_a_house_style(general):
    found = styles(general)
    assert {s for s, _ in found} <= BODY_STYLES
    assert found[:3] == [("Date", f"{DATES['lv']}\n{BRIEFING_REFERENCE}"), ("Title", BRIEFING_TITLE),
                         ("Subtitle", BRIEFING_SUBTITLE)]  # no invented number
    assert [t for s, t in found if s == "Heading 1"] == BRIEFING_HEADINGS_1
    assert [t for s, t in found if s == "Heading 3"] == BRIEFING_HEADINGS_3
    assert [t for s, t in found if s == "Quote"] == [BRIEFING_QUOTE]
    assert [t for s, t in found if s == "Caption"] == [BRIEFING_CAPTION]
    assert found[-2:] == [("Signature", "\t".join(BRIEFING_SIGNATORY)), ("Contact", BRIEFING_CONTACT)]
    # no direct formatting where a style can carry it: runs carry at most a character style
    for p in general.element.body.iter(f"{W}r"):
        rpr = p.find(f"{W}rPr")
        assert rpr is None or [c.tag for c in rpr] == [f"{W}rStyle"]


def test_recipient_copy_has_its_addressee_block(built):
    copy = styles(docx.Document(str(built / COPY)))
    general = styles(docx.Document(str(built / GENERAL)))
    assert copy[:3] == [general[0], ("Addressee", RECIPIENTS_DATIVE[RECIPIENT]), ("Title", BRIEFING_TITLE)]
    assert copy[:1] + copy[2:] == general
    assert "Addressee" not in [s for s, _ in general]


def test_numbered_lists_restart(general):
    numbering = general.part.numbering_part.element
    num_ids = [p._p.pPr.numPr.numId.val for p in general.paragraphs if p.style.name == "List Number"]
    first, second = BRIEFING_NUMBERED
    assert len(num_ids) == first + second
    assert len(set(num_ids[:first])) == 1 and len(set(num_ids[first:])) == 1
    assert num_ids[0] != num_ids[first]  # two lists, two numbering instances, each starting at 1
    for num_id in (num_ids[0], num_ids[first]):
        num = numbering.num_having_numId(num_id)
        assert num.find(f"{W}lvlOverride/{W}startOverride").get(f"{W}val") == "1"


def test_tables_use_named_styles_and_repeat_header_rows(general):
    (events,) = general.tables  # the date and number are a line of their own now, not a facts table
    assert events.style.name == "Briefing Table"
    header = [r._tr.trPr is not None and r._tr.trPr.find(f"{W}tblHeader") is not None for r in events.rows]
    assert header == [True] + [False] * BRIEFING_TABLE_ROWS
    assert [c.text for c in events.rows[0].cells] == BRIEFING_TABLE_HEADER


def test_letterhead_on_the_first_page_and_page_numbers_on_the_others(general):
    section = general.sections[0]
    assert section.different_first_page_header_footer
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    reference = docx.Document(io.BytesIO(default_reference())).sections[0]
    assert (section.left_margin, section.top_margin) == (reference.left_margin, reference.top_margin)
    first = section.first_page_header.paragraphs
    assert [(p.style.name, p.text) for p in first] == [("Letterhead", ORGANISATION), ("Header", BRIEFING_CLASSIFICATION)]
    (number,) = section.header.paragraphs
    assert [i.text for i in number._p.iter(f"{W}instrText")] == [" PAGE "]  # no "Lapa X no Y"
    assert [f.get(f"{W}fldCharType") for f in number._p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
    assert number.style.name == "Header" and number.text == "1"  # the field's cached result
    for footer in (section.footer, section.first_page_footer):
        assert [p.text for p in footer.paragraphs] == [""]


def test_document_properties_come_from_the_content(general):
    props = general.core_properties
    assert props.title == BRIEFING_TITLE
    assert props.subject == BRIEFING_SUBTITLE
    assert props.author == ORGANISATION
    assert props.language == "lv"
    assert props.keywords == BRIEFING_KEYWORDS
    assert props.created == props.modified == dt.datetime(DATE.year, DATE.month, DATE.day, tzinfo=dt.UTC)
    assert (props.last_modified_by, props.comments, props.revision) == ("", "", 1)
    assert props.last_printed is None
    app = next(r.target_part.blob for r in general.part.package.rels.values()
               if r.reltype == RT.EXTENDED_PROPERTIES)
    assert f"<Company>{ORGANISATION}</Company>".encode() in app
    assert b"python-docx" not in app and b"Macintosh" not in app
    lang = general.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "lv-LV"


def test_hyperlinks_external_and_internal(general):
    links = [(h.text, h.address, h.fragment) for p in general.paragraphs for h in p.hyperlinks]
    text, bookmark = BRIEFING_INTERNAL_LINK
    email = BRIEFING_CONTACT_PERSON[2]
    assert links == [(text, "", bookmark), (TITLE, SOURCE_URL_ENCODED, ""),  # a non-ASCII URL, %-encoded
                     (email, f"mailto:{email}", "")]  # the contact block's e-mail address
    rels = general.part.rels
    for p in general.paragraphs:
        for h in p.hyperlinks:
            if h.address:  # every r:id resolves to an external hyperlink relationship
                rel = rels[h._hyperlink.rId]
                assert rel.reltype == RT.HYPERLINK and rel.is_external
    names = [b.get(f"{W}name") for b in general.element.body.iter(f"{W}bookmarkStart")]
    assert bookmark in names and len(names) == len(set(names))


def test_footnote_is_a_word_footnote(built):
    with zipfile.ZipFile(built / GENERAL) as zf:
        notes = lxml.etree.fromstring(zf.read("word/footnotes.xml"))
        body = zf.read("word/document.xml").decode()
    texts = ["".join(t.text for t in fn.iter(f"{W}t")) for fn in notes.iter(f"{W}footnote")
             if fn.get(f"{W}id") not in ("-1", "0")]
    assert texts == [f" {BRIEFING_FOOTNOTE}"]
    assert body.count('<w:footnoteReference w:id="1"/>') == 1
    assert "fn:avots" not in body and "↩" not in body


def plain(markdown_text: str) -> str:
    """What a source segment reads like once rendered: Markdown markup gone, quotes typographic."""
    markdown_text = re.sub(r"\[\^[^\]]+\]", "", markdown_text)  # footnote marks are Word footnotes
    markdown_text = re.sub(r"^(\d+)\. ", r"\1\\. ", markdown_text)  # a table cell "2020. gada …" is no list
    html = markdown_to_html(markdown_text, "lv")
    return " ".join(lxml.html.fromstring(f"<div>{html}</div>").text_content().split()).removeprefix(": ")


def test_text_matches_the_source_segment_by_segment(general, built):
    source = load_document(built / "content" / "briefing.md", built)
    blocks = []
    for item in general.iter_inner_content():
        if isinstance(item, docx.table.Table):
            blocks += [c.text for row in item.rows for c in row.cells]
        else:
            blocks.append(item.text)
    with zipfile.ZipFile(built / GENERAL) as zf:
        notes = lxml.etree.fromstring(zf.read("word/footnotes.xml"))
    footnotes = ["".join(t.text for t in fn.iter(f"{W}t")).strip() for fn in notes.iter(f"{W}footnote")]
    for segment in source.segments():
        if segment.context.startswith("meta:"):  # front matter: in the requisites, the letterhead or properties
            expected = plain(segment.text)
            found = {"keywords": general.core_properties.keywords}.get(segment.context[5:])
            letterhead = [p.text for p in general.sections[0].first_page_header.paragraphs]
            assert found == expected or any(expected in b for b in blocks + letterhead), segment
    position = 0
    for segment in source.body_segments():
        expected = plain(segment.text)
        if segment.kind == "footnote":
            assert expected in footnotes, f"line {segment.line}: footnote {expected!r} missing"
            continue
        # body segments: each is a whole paragraph, list item, caption or cell, in source order
        assert expected in blocks[position:], f"line {segment.line}: {expected!r} missing or out of order"
        position = blocks.index(expected, position) + 1


def test_identical_input_gives_identical_bytes(built, project):
    report = build(load_config(project), ["briefing"], jobs=2)
    assert not report.errors
    for rel in (GENERAL, COPY):
        assert (project / rel).read_bytes() == (built / rel).read_bytes(), rel
    with zipfile.ZipFile(project / GENERAL) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_reference_script_writes_the_house_style_presskit_makes(tmp_path):
    out = tmp_path / "reference.docx"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_reference_docx"), "--root", str(REPO), str(out)],
                   check=True, capture_output=True)
    assert out.read_bytes() == default_reference()  # the default project's brand is presskit's own palette


def test_reference_without_a_required_style_is_a_clear_error(project):
    from presskit.docx.writer import html_to_docx

    ref = project / "templates" / "briefing" / "reference.docx"
    edit_reference_styles(ref, rb'<w:style w:type="paragraph" w:styleId="Quote">.*?</w:style>', b"")
    with pytest.raises(TemplateError) as err:
        html_to_docx("<html><body><p>x</p></body></html>", load_config(project), "briefing", {})
    assert str(err.value) == (
        "templates/briefing/reference.docx: style(s) missing from the reference document: Quote — "
        "define them in Word (Styles pane) or rebuild it with scripts/make_reference_docx")
