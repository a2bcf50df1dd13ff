"""Raw OXML that python-docx has no API for: runs, fields, hyperlinks, bookmarks, footnotes, list restarts.

Word rejects elements out of schema order where LibreOffice is lenient, so every builder here
writes children in the order of the WordprocessingML schema (rPr before content, pPr first).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, cast

from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import oxml_parser
from docx.shared import Emu
from lxml.etree import SubElement

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.table import CT_Tbl
    from docx.oxml.text.paragraph import CT_P
    from lxml.etree import _Element

FIELD_PLACEHOLDER = re.compile(r"\{(PAGE|NUMPAGES)\}")
XML_SPACE = qn("xml:space")
W_VAL = qn("w:val")
W_PSTYLE, W_PPR = qn("w:pStyle"), qn("w:pPr")
W_P, W_TR, W_TC, W_GRIDCOL = qn("w:p"), qn("w:tr"), qn("w:tc"), qn("w:gridCol")
W_TCW = f'{qn("w:tcPr")}/{qn("w:tcW")}'
W_W, W_TYPE = qn("w:w"), qn("w:type")


@cache
def _tag(nsptag: str) -> tuple[str, dict[str, str]]:
    prefix, local = nsptag.split(":")
    return f"{{{nsmap[prefix]}}}{local}", {prefix: nsmap[prefix]}


def element(nsptag: str) -> _Element:
    """A loose element such as 'w:r', exactly as python-docx's OxmlElement makes it, minus its parsing of the tag."""
    clark, ns = _tag(nsptag)
    return oxml_parser.makeelement(clark, nsmap=ns)


def child(parent: _Element, nsptag: str) -> _Element:
    """A new last child of *parent*: it takes the namespace from the parent's scope, so lxml makes it
    without a declaration of its own (half the cost of element() + append, same XML)."""
    return SubElement(parent, _tag(nsptag)[0])


def paragraph(style_id: str | None) -> CT_P:
    """A new w:p with its w:pPr/w:pStyle (just w:pPr when *style_id* is None, as python-docx writes it)."""
    p = cast("CT_P", element("w:p"))  # python-docx's parser makes every w:p a CT_P
    set_style(p, style_id)
    return p


def set_style(p: _Element, style_id: str | None) -> None:
    """Give a paragraph (CT_P) that has no w:pPr yet a paragraph style; w:pPr is its first child."""
    if len(p):
        ppr = element("w:pPr")
        p.insert(0, ppr)
    else:
        ppr = child(p, "w:pPr")
    if style_id is not None:
        child(ppr, "w:pStyle").set(W_VAL, style_id)


def run(text: str, char_style: str | None = None) -> _Element:
    """A w:r with an optional character style and text (spaces preserved)."""
    r = element("w:r")
    if char_style:
        _rpr(r, char_style)
    t = child(r, "w:t")
    t.text = text
    if text != text.strip():
        t.set(XML_SPACE, "preserve")
    return r


def tab_run() -> _Element:
    """A run holding one tab character (aligned by the paragraph style's tab stops)."""
    return _run_of("w:tab")


def _run_of(tag: str) -> _Element:
    """A run holding one empty element such as w:tab or w:br."""
    r = element("w:r")
    child(r, tag)
    return r


def field_runs(instruction: str, cached: str = "1") -> list[_Element]:
    """A complex field (begin, instruction, separate, cached result, end) as five runs.

    Complex fields are what Word itself writes for PAGE/NUMPAGES; the cached result is what a
    reader shows before it updates fields (Word and LibreOffice both update these on layout).
    """
    runs = []
    for kind in ("begin", None, "separate", "result", "end"):
        r = element("w:r")
        if kind in ("begin", "separate", "end"):
            child(r, "w:fldChar").set(qn("w:fldCharType"), kind)
        elif kind is None:
            instr = child(r, "w:instrText")
            instr.set(XML_SPACE, "preserve")
            instr.text = f" {instruction} "
        else:
            child(r, "w:t").text = cached
        runs.append(r)
    return runs


def text_with_fields(text: str, char_style: str | None = None) -> list[_Element]:
    """Runs for *text*, with {PAGE} and {NUMPAGES} placeholders turned into fields."""
    out = []
    for i, part in enumerate(FIELD_PLACEHOLDER.split(text)):
        if i % 2:
            out.extend(field_runs(part))
        elif part:
            out.append(run(part, char_style))
    return out


def hyperlink(runs: list[_Element], r_id: str | None = None, anchor: str | None = None) -> _Element:
    """A w:hyperlink around *runs*: external through a relationship id, internal to a bookmark."""
    link = element("w:hyperlink")
    if r_id:
        link.set(qn("r:id"), r_id)
    if anchor:
        link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    for r in runs:
        link.append(r)
    return link


def bookmark_pair(bookmark_id: int, name: str) -> tuple[_Element, _Element]:
    """A w:bookmarkStart and its w:bookmarkEnd."""
    start = element("w:bookmarkStart")
    start.set(qn("w:id"), str(bookmark_id))
    start.set(qn("w:name"), name)
    end = element("w:bookmarkEnd")
    end.set(qn("w:id"), str(bookmark_id))
    return start, end


def bookmark(paragraph: _Element, bookmark_id: int, name: str) -> None:
    """Wrap the whole content of *paragraph* (a CT_P) in a bookmark, after its w:pPr."""
    start, end = bookmark_pair(bookmark_id, name)
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


def footnote_reference(footnote_id: int, char_style: str | None) -> _Element:
    """The run in the body that points at a footnote."""
    r = element("w:r")
    if char_style:
        _rpr(r, char_style)
    child(r, "w:footnoteReference").set(qn("w:id"), str(footnote_id))
    return r


def footnote(footnote_id: int, paragraphs: list[_Element], char_style: str | None) -> _Element:
    """A w:footnote holding *paragraphs*; the first starts with the footnote mark (w:footnoteRef)."""
    fn = element("w:footnote")
    fn.set(qn("w:id"), str(footnote_id))
    for p in paragraphs:
        fn.append(p)
    if paragraphs:
        mark = element("w:r")
        if char_style:
            _rpr(mark, char_style)
        child(mark, "w:footnoteRef")
        first = paragraphs[0]
        ppr = first.find(qn("w:pPr"))
        index = 0 if ppr is None else 1
        first.insert(index, mark)
        first.insert(index + 1, run(" "))
    return fn


def restart_numbering(document: Document, paragraph_style_id: str | None, start: int = 1,
                      level: int = 0) -> int | None:
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
    num.add_lvlOverride(ilvl=level).add_startOverride(start)
    num_id: int = num.numId
    return num_id


def set_numbering(paragraph: CT_P, num_id: int, level: int = 0) -> None:
    """Point a paragraph (CT_P) at a numbering instance (w:numPr goes where the schema puts it)."""
    ppr = paragraph.pPr
    if ppr is None or len(ppr) != 1 or ppr[0].tag != W_PSTYLE:
        # python-docx makes get_or_add_numPr() (w:numPr is a ZeroOrOne child) without declaring it.
        num_pr = paragraph.get_or_add_pPr().get_or_add_numPr()  # type: ignore[attr-defined]
        num_pr.get_or_add_ilvl().val = level
        num_pr.get_or_add_numId().val = num_id
        return
    # The usual case, a paragraph just made with only its style: w:numPr comes right after w:pStyle.
    num_pr = child(ppr, "w:numPr")
    for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
        child(num_pr, tag).set(W_VAL, str(value))


def _rpr(r: _Element, char_style: str) -> None:
    """Give a new run *r* its w:rPr/w:rStyle (the first thing in a run)."""
    child(child(r, "w:rPr"), "w:rStyle").set(W_VAL, char_style)


def code_runs(text: str) -> list[_Element]:
    """Runs for preformatted text: every space kept, each line break a w:br, each tab a w:tab."""
    out: list[_Element] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            out.append(break_run())
        for index, part in enumerate(line.split("\t")):
            if index:
                out.append(tab_run())
            if part:
                out.append(run(part))
    return out


def paragraph_properties(p: _Element, indent: tuple[int, int] | None = None, align: str | None = None) -> None:
    """Direct paragraph properties the styles cannot know: the indent of nested content (left,
    hanging, in twips) and a table column's alignment; in schema order after the style and numbering."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = element("w:pPr")
        p.insert(0, ppr)
    if indent is not None:
        ind = child(ppr, "w:ind")
        ind.set(qn("w:left"), str(indent[0]))
        if indent[1]:
            ind.set(qn("w:hanging"), str(indent[1]))
    if align is not None:
        child(ppr, "w:jc").set(W_VAL, align)


def break_run() -> _Element:
    """A run holding a line break (w:br without a type)."""
    return _run_of("w:br")


def table_look(tbl: CT_Tbl, header_row: bool, first_column: bool) -> None:
    """Which conditional parts of the table style apply (w:val for Word 2007, attributes for later)."""
    look = tbl.tblPr.find(qn("w:tblLook"))
    if look is None:
        look = element("w:tblLook")
        tbl.tblPr.append(look)
    flags = {"firstRow": header_row, "lastRow": False, "firstColumn": first_column,
             "lastColumn": False, "noHBand": False, "noVBand": True}
    bits = {"firstRow": 0x20, "lastRow": 0x40, "firstColumn": 0x80, "lastColumn": 0x100,
            "noHBand": 0x200, "noVBand": 0x400}
    look.set(qn("w:val"), f"{sum(bits[k] for k, on in flags.items() if on):04X}")
    for key, on in flags.items():
        look.set(qn(f"w:{key}"), "1" if on else "0")


def column_widths(tbl: CT_Tbl, total: int, cols: int) -> list[int]:
    """A narrow first column (labels, dates) and the rest shared: the grid Word lays out from.

    *total* is the text width in EMU. Written in twips on w:gridCol and every cell's w:tcW
    (which python-docx's new table already has, of type dxa); tables here never span cells.
    """
    first = int(total * 0.28) if cols > 1 else total
    rest = (total - first) // max(cols - 1, 1)
    twips = [str(Emu(first if i == 0 else rest).twips) for i in range(cols)]
    for grid_col, width in zip(tbl.tblGrid.iterchildren(W_GRIDCOL), twips):
        grid_col.set(W_W, width)
    for tr in tbl.iterchildren(W_TR):
        for tc, width in zip(tr.iterchildren(W_TC), twips):
            tc_w = tc.find(W_TCW)
            assert tc_w is not None  # python-docx's new table gives every cell its w:tcW
            tc_w.set(W_TYPE, "dxa")
            tc_w.set(W_W, width)
    return [int(w) for w in twips]


def valued(nsptag: str, value: str) -> _Element:
    """An element with just a w:val, such as w:tblStyle."""
    el = element(nsptag)
    el.set(W_VAL, value)
    return el
