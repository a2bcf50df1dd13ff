"""Styles of the requisites a Latvian ministry document carries (MK 558; docs/docx.md), supplied by
the writer when the reference document lacks them, so a ministry's own reference that defines them wins.

- ``Date``: the date and registration number under the letterhead, with room below before the addressee;
- ``Signature``: the signatory's position at the left and name at a right tab stop on the text column's
  right edge, with room above for a handwritten signature, kept on one page with the contact block.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from .reference import stored_name

if TYPE_CHECKING:
    from docx.document import Document

EMU_PER_TWIP = 635

# pPr children in schema order (keepNext, keepLines … tabs … spacing); {right} is the right tab stop.
SUPPLIED_STYLES = {
    "Date": '<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="240"/></w:pPr>',
    "Signature": ('<w:pPr><w:keepNext/><w:keepLines/><w:tabs><w:tab w:val="right" w:pos="{right}"/></w:tabs>'
                  '<w:spacing w:before="480" w:after="120"/></w:pPr>'),
}


def supply_styles(document: Document) -> list[str]:
    """Add each of SUPPLIED_STYLES the document's styles lack (based on Normal); the names added."""
    styles = document.styles.element
    names = {n.get(qn("w:val")) for n in styles.iter(qn("w:name"))}
    ids = {s.get(qn("w:styleId")) for s in styles.iterchildren(qn("w:style"))}
    section = document.sections[0]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    assert width is not None and left is not None and right is not None  # a reference's w:pgSz, w:pgMar
    normal, added = _normal_id(document), []
    for name, ppr in SUPPLIED_STYLES.items():
        if stored_name(name) in names:
            continue
        style_id = name if name not in ids else f"Presskit{name}"
        styles.append(parse_xml(
            f'<w:style {nsdecls("w")} w:type="paragraph" w:customStyle="1" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/><w:basedOn w:val="{normal}"/><w:next w:val="{normal}"/>'
            f'<w:uiPriority w:val="99"/><w:qFormat/>'
            + ppr.format(right=(width - left - right) // EMU_PER_TWIP) + "</w:style>"))
        added.append(name)
    return added


def _normal_id(document: Document) -> str:
    for style in document.styles.element.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and name.get(qn("w:val")) == "Normal":
            return str(style.get(qn("w:styleId")))
    return "Normal"
