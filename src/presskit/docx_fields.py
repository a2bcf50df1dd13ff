"""Raw OXML that python-docx has no API for: runs, fields, hyperlinks, bookmarks, footnotes, list restarts.

Word rejects elements out of schema order where LibreOffice is lenient, so every builder here
writes children in the order of the WordprocessingML schema (rPr before content, pPr first).
"""

from __future__ import annotations

import re
import unicodedata

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu

FIELD_PLACEHOLDER = re.compile(r"\{(PAGE|NUMPAGES)\}")


def run(text: str, char_style: str | None = None):
    """A w:r with an optional character style and text (spaces preserved)."""
    r = OxmlElement("w:r")
    if char_style:
        r.append(_rpr(char_style))
    t = OxmlElement("w:t")
    t.text = text
    if text != text.strip():
        t.set(qn("xml:space"), "preserve")
    r.append(t)
    return r


def tab_run():
    """A run holding one tab character (aligned by the paragraph style's tab stops)."""
    return _run_of("w:tab")


def _run_of(tag: str):
    """A run holding one empty element such as w:tab or w:br."""
    r = OxmlElement("w:r")
    r.append(OxmlElement(tag))
    return r


def field_runs(instruction: str, cached: str = "1") -> list:
    """A complex field (begin, instruction, separate, cached result, end) as five runs.

    Complex fields are what Word itself writes for PAGE/NUMPAGES; the cached result is what a
    reader shows before it updates fields (Word and LibreOffice both update these on layout).
    """
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = OxmlElement("w:r")
        if kind in ("begin", "separate", "end"):
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        elif kind is None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = cached
            r.append(t)
        runs.append(r)
    return runs


def text_with_fields(text: str, char_style: str | None = None) -> list:
    """Runs for *text*, with {PAGE} and {NUMPAGES} placeholders turned into fields."""
    out = []
    for i, part in enumerate(FIELD_PLACEHOLDER.split(text)):
        if i % 2:
            out.extend(field_runs(part))
        elif part:
            out.append(run(part, char_style))
    return out


def hyperlink(runs: list, r_id: str | None = None, anchor: str | None = None):
    """A w:hyperlink around *runs*: external through a relationship id, internal to a bookmark."""
    link = OxmlElement("w:hyperlink")
    if r_id:
        link.set(qn("r:id"), r_id)
    if anchor:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    for r in runs:
        link.append(r)
    return link


def bookmark(paragraph, bookmark_id: int, name: str) -> None:
    """Wrap the whole content of *paragraph* (a CT_P) in a bookmark, after its w:pPr."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    ppr = paragraph.find(qn("w:pPr"))
    paragraph.insert(0 if ppr is None else 1, start)
    paragraph.append(end)


def bookmark_name(anchor: str) -> str:
    """A Word bookmark name for an HTML anchor: ASCII letters, digits and underscores, ≤ 40 chars."""
    text = unicodedata.normalize("NFKD", anchor)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    if not name or not name[0].isalpha():
        name = "h_" + name
    return name[:40]


def footnote_reference(footnote_id: int, char_style: str | None):
    """The run in the body that points at a footnote."""
    r = OxmlElement("w:r")
    if char_style:
        r.append(_rpr(char_style))
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), str(footnote_id))
    r.append(ref)
    return r


def footnote(footnote_id: int, paragraphs: list, char_style: str | None):
    """A w:footnote holding *paragraphs*; the first starts with the footnote mark (w:footnoteRef)."""
    fn = OxmlElement("w:footnote")
    fn.set(qn("w:id"), str(footnote_id))
    for p in paragraphs:
        fn.append(p)
    if paragraphs:
        mark = OxmlElement("w:r")
        if char_style:
            mark.append(_rpr(char_style))
        mark.append(OxmlElement("w:footnoteRef"))
        first = paragraphs[0]
        ppr = first.find(qn("w:pPr"))
        index = 0 if ppr is None else 1
        first.insert(index, mark)
        first.insert(index + 1, run(" "))
    return fn


def restart_numbering(document, paragraph_style_id: str, start: int = 1) -> int | None:
    """A new w:num for the list definition behind a style, restarting at *start*; its numId.

    Word continues a numbered list across the whole document unless each list points at its
    own w:num with a startOverride — the usual cause of "2., 3., 4." where "1." was meant.
    """
    style = document.styles.element.get_by_id(paragraph_style_id)
    num_pr = style.pPr.numPr if style is not None and style.pPr is not None else None
    if num_pr is None or num_pr.numId is None:
        return None
    numbering = document.part.numbering_part.element
    existing = numbering.num_having_numId(num_pr.numId.val)
    num = numbering.add_num(existing.abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(start)
    return num.numId


def set_numbering(paragraph, num_id: int, level: int = 0) -> None:
    """Point a paragraph (CT_P) at a numbering instance (w:numPr goes where the schema puts it)."""
    num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


def _rpr(char_style: str):
    rpr = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), char_style)
    rpr.append(style)
    return rpr


def break_run():
    """A run holding a line break (w:br without a type)."""
    return _run_of("w:br")


def table_look(table, header_row: bool, first_column: bool) -> None:
    """Which conditional parts of the table style apply (w:val for Word 2007, attributes for later)."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = OxmlElement("w:tblLook")
        table._tbl.tblPr.append(look)
    flags = {"firstRow": header_row, "lastRow": False, "firstColumn": first_column,
             "lastColumn": False, "noHBand": False, "noVBand": True}
    bits = {"firstRow": 0x20, "lastRow": 0x40, "firstColumn": 0x80, "lastColumn": 0x100,
            "noHBand": 0x200, "noVBand": 0x400}
    look.set(qn("w:val"), f"{sum(bits[k] for k, on in flags.items() if on):04X}")
    for key, on in flags.items():
        look.set(qn(f"w:{key}"), "1" if on else "0")


def column_widths(table, document, cols: int) -> None:
    """A narrow first column (labels, dates) and the rest shared: the grid Word lays out from."""
    section = document.sections[0]
    total = section.page_width - section.left_margin - section.right_margin
    first = int(total * 0.28) if cols > 1 else total
    rest = (total - first) // max(cols - 1, 1)
    for i, column in enumerate(table.columns):
        width = Emu(first if i == 0 else rest)
        column.width = width
        for cell in column.cells:
            cell.width = width

