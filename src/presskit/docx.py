"""Write the briefing DOCX from the rendered HTML: every block becomes a paragraph in a real Word style."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import lxml.html
from docx.document import Document as WordDocument

from .config import Campaign

BLOCK_STYLES = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "p": "Normal"}


def reference_path(campaign: Campaign, template: str) -> Path | None:
    """The house-style reference document of a template folder, if there is one."""
    path = campaign.root / "templates" / template / "reference.docx"
    return path if path.is_file() else None


def html_to_docx(html: str, campaign: Campaign, template: str, meta: dict) -> bytes:
    """Convert the briefing HTML to DOCX bytes, styled by the template's reference.docx."""
    ref = reference_path(campaign, template)
    document = docx.Document(str(ref) if ref else None)
    _clear_body(document)
    body = lxml.html.document_fromstring(html).find("body")
    for element in body:
        _block(document, element)
    props = document.core_properties
    props.title = meta.get("title", campaign.title)
    props.author = campaign.organisation
    props.language = meta.get("lang", campaign.source_language)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _clear_body(document: WordDocument) -> None:
    body = document.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)


def _block(document: WordDocument, el) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in BLOCK_STYLES:
        _paragraph(document, el, el.get("data-style") or BLOCK_STYLES[tag])
    elif tag in ("ul", "ol"):
        style = "List Bullet" if tag == "ul" else "List Number"
        for li in el.findall("li"):
            _paragraph(document, li, style)
    elif tag == "blockquote":
        for p in el:
            _paragraph(document, p, "Quote")
    elif tag == "table":
        _table(document, el)
    elif tag in ("div", "section"):
        for child in el:
            _block(document, child)


def _paragraph(document: WordDocument, el, style: str) -> None:
    para = document.add_paragraph(style=style)
    _inline(para, el, bold=False, italic=False)


def _inline(para, el, bold: bool, italic: bool) -> None:
    if el.text:
        _run(para, el.text, bold, italic)
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        _inline(para, child, bold or tag in ("strong", "b"), italic or tag in ("em", "i"))
        if child.tail:
            _run(para, child.tail, bold, italic)


def _run(para, text: str, bold: bool, italic: bool) -> None:
    text = " ".join(text.split()) if text.strip() else (" " if text else "")
    if text:
        run = para.add_run(text)
        run.bold = bold or None
        run.italic = italic or None


def _table(document: WordDocument, el) -> None:
    rows = el.findall(".//tr")
    if not rows:
        return
    cols = max(len(r.findall("th") + r.findall("td")) for r in rows)
    table = document.add_table(rows=len(rows), cols=cols)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row.xpath("th|td")):
            para = table.cell(r, c).paragraphs[0]
            _inline(para, cell, bold=cell.tag == "th", italic=False)


def write_docx(data: bytes, target: Path) -> None:
    """Write DOCX bytes to *target* (the caller makes it atomic)."""
    target.write_bytes(data)
