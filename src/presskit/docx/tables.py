"""Tables: a Word table in a table style, header rows repeated, cells written as blocks (aligned as
their column), column spans kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu

from . import oxml as ox
from .inline import tag_of

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from .context import Ctx
    from .writer import _Writer

ALIGN = re.compile(r"text-align\s*:\s*(left|right|center|justify|start|end)", re.I)
WORD_ALIGN = {"left": "left", "start": "left", "right": "right", "end": "right", "center": "center",
              "justify": "both"}
MAX_COLUMNS = 63  # Word's limit


def write_table(writer: _Writer, el: HtmlElement, ctx: Ctx) -> None:
    """Write <table> *el* where *ctx* puts blocks (the writer's _Writer and Ctx)."""
    rows = el.xpath("./thead/tr|./tbody/tr|./tr|./tfoot/tr")
    if not rows:
        return
    header = len(el.xpath("./thead/tr"))
    first_column = not header and all(r.xpath("./*[1][self::th]") for r in rows)
    cells = [[c for c in r if tag_of(c) in ("th", "td")] for r in rows]
    spans = [[_span(c) for c in row] for row in cells]
    cols = min(max(max(sum(row), 1) for row in spans), MAX_COLUMNS)
    width = max(ctx.column - ctx.indent * 635, ctx.column // 4)  # EMU; 635 per twip
    # What document.add_table() + table.style = … build, made on the elements: the proxies
    # re-read the section geometry and the style list for every table (profiled: 2.5 ms each).
    tbl = CT_Tbl.new_tbl(len(rows), cols, Emu(width))
    ctx.sink(tbl)
    before = tbl.getprevious()
    if before is not None and before.tag == tbl.tag:  # two tables in a row would join into one
        tbl.addprevious(ox.paragraph(writer.styles.paragraph(ctx.style)))
    style_id = writer.styles.table(el.get("data-style") or "Briefing Table")
    if style_id is not None:
        tbl.tblPr.insert(0, ox.valued("w:tblStyle", style_id))
    if ctx.indent:
        ind = ox.element("w:tblInd")
        ind.set(ox.W_W, str(ctx.indent))
        ind.set(ox.W_TYPE, "dxa")
        tbl_w = tbl.tblPr.find(qn("w:tblW"))
        assert tbl_w is not None  # python-docx's new table has one
        tbl_w.addnext(ind)
    ox.table_look(tbl, header_row=bool(header), first_column=first_column)
    twips = ox.column_widths(tbl, width, cols)
    for r, (row, row_spans, tr) in enumerate(zip(cells, spans, tbl.iterchildren(ox.W_TR))):
        if r < header:  # header rows repeat on every page the table runs onto
            tr_pr = ox.element("w:trPr")
            tr.insert(0, tr_pr)  # w:trPr comes before the cells
            ox.child(tr_pr, "w:cantSplit")
            ox.child(tr_pr, "w:tblHeader")
        tcs = list(tr.iterchildren(ox.W_TC))
        _merge_spans(tr, tcs, row_spans, twips)
        for cell, tc in zip(row, tr.iterchildren(ox.W_TC)):
            _cell(writer, cell, tc, ctx)


def _span(cell: HtmlElement) -> int:
    try:
        return max(1, min(int(cell.get("colspan") or 1), MAX_COLUMNS))
    except ValueError:
        return 1


def _merge_spans(tr: _Element, tcs: list[_Element], spans: list[int], twips: list[int]) -> None:
    """A cell spanning n columns: one w:tc with w:gridSpan and the columns' width; the rest go."""
    index = 0
    for span in spans:
        if index >= len(tcs):
            break
        if span > 1:
            span = min(span, len(tcs) - index)
            tc = tcs[index]
            tc_w = tc.find(ox.W_TCW)
            assert tc_w is not None  # python-docx's new table gives every cell its w:tcW
            tc_w.set(ox.W_W, str(sum(twips[index:index + span])))
            tc_w.addnext(ox.valued("w:gridSpan", str(span)))
            for extra in tcs[index + 1:index + span]:
                tr.remove(extra)
        index += span


def _cell(writer: _Writer, cell: HtmlElement, tc: _Element, ctx: Ctx) -> None:
    """A cell's content as blocks in Table Text; header cells strong; the column's alignment."""
    for p in list(tc.iterchildren(ox.W_P)):
        tc.remove(p)
    m = ALIGN.search(cell.get("style") or "")
    tc_w = tc.find(ox.W_TCW)
    width = int(tc_w.get(ox.W_W) or 0) * 635 if tc_w is not None else ctx.column
    cell_ctx = ctx.inside(sink=tc.append, style="Table Text", char="Strong" if tag_of(cell) == "th" else None,
                          align=WORD_ALIGN[m.group(1).lower()] if m else None, column=width, indent=0, level=-1,
                          item=None)
    writer._blocks(cell, cell_ctx)
    last = tc[-1] if len(tc) else None
    if last is None or last.tag != ox.W_P:  # a cell ends with a paragraph (after a nested table too)
        tc.append(ox.paragraph(writer.styles.paragraph("Table Text")))
