"""The Word styles the writer uses: which the reference document must define, their ids, their indents."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn

from ..errors import ContentError, PresskitError, Problem, TemplateError
from .reference import HOUSE_STYLE, stored_name, style_ids_by_name

if TYPE_CHECKING:
    from docx.document import Document
    from lxml.etree import _Element

# Styles the writer needs from the reference document, by Word name (docs/docx.md).
REQUIRED_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet",
                   "List Number", "Quote", "Caption", "Header", "Footer", "Hyperlink", "Strong",
                   "Emphasis", "Briefing Table")
# House-style extras; a ministry's own reference document may lack them, then these stand in
# (None: no character style, the run keeps the paragraph's look).
OPTIONAL_STYLES: dict[str, str | None] = {
    "Letterhead": "Header", "Addressee Label": "Normal", "Addressee": "Normal", "Contact": "Normal",
    "Table Text": "Normal", "Briefing Facts": "Briefing Table", "footnote text": "Normal",
    "footnote reference": None, "Heading 4": "Heading 3", "Heading 5": "Heading 3", "Heading 6": "Heading 3",
    "List Continue": "Normal", "Source Code": "Normal", "Figure": "Normal",
    "Captioned Figure": "Figure", "Image Caption": "Caption", "Horizontal Rule": "Normal",
    "Definition Term": "Normal", "Definition": "Normal", "Admonition": "Quote", "Admonition Title": "Quote",
    "Verbatim Char": None, "Superscript": None, "Subscript": None, "Strikethrough": None,
}
Locate = Callable[[str, int], tuple[str, "int | None"]]  # a pattern, its nth match → the file and line


class StyleBook:
    """Style ids by Word name for one document, checked against the reference document."""

    def __init__(self, document: Document, reference: str, memo: dict[Any, Any], locate: Locate):
        self.doc, self.memo, self.locate = document, memo, locate
        self.reference = reference
        if "by_name" not in memo:  # one pass over w:style: python-docx's look-ups scan every style again
            memo["by_name"] = style_ids_by_name(document.styles.element)
        self.by_name: dict[str, str | None] = memo["by_name"]
        missing = [name for name in REQUIRED_STYLES if stored_name(name) not in self.by_name]
        if missing:
            raise TemplateError(Problem(reference, None,
                                        f"style(s) missing from the reference document: {', '.join(missing)}",
                                        "define them in Word (Styles pane) or rebuild it with "
                                        "scripts/make_reference_docx"))
        self.ids: dict[str, str | None] = {name: self.by_name[stored_name(name)] for name in REQUIRED_STYLES}
        for name, fallback in OPTIONAL_STYLES.items():
            self.ids[name] = self.by_name[stored_name(name)] if stored_name(name) in self.by_name else \
                (self.ids[fallback] if fallback else None)

    def paragraph(self, name: str) -> str | None:
        """The w:pStyle id of paragraph style *name*: a house-style extra falls back to its stand-in, and
        an unknown name or one of another kind (a table or character style) in a data-style is an
        error at the line that wrote it."""
        key = ("paragraph style", name)
        if key not in self.memo:
            style_id = self.ids.get(name) or self.by_name.get(stored_name(name))
            element = self.doc.styles.element.get_by_id(style_id) if style_id else None
            kind = element.type if element is not None else None
            self.memo[key] = (style_id if element is not None and kind in (None, WD_STYLE_TYPE.PARAGRAPH)
                              else ("wrong kind", kind) if element is not None else ("unknown", None))
        found = self.memo[key]
        if isinstance(found, tuple):
            raise self.error(name, "paragraph", found[1])
        return found  # type: ignore[no-any-return]  # a str, from the memo

    def char(self, name: str | None) -> str | None:
        """The w:rStyle id of a character style the writer uses (None: plain run)."""
        return self.ids[name] if name else None

    def table(self, name: str) -> str | None:
        """The w:tblStyle id python-docx's table.style = styles[name] writes (None for the default)."""
        key = ("table style", name)
        if key not in self.memo:  # an unknown or non-table style is an error, every time
            try:
                style = self.doc.styles[name]
            except KeyError:
                raise self.error(name, "table") from None
            if style.type != WD_STYLE_TYPE.TABLE:
                raise self.error(name, "table", style.type)
            self.memo[key] = self.doc.part.get_style_id(  # type: ignore[no-untyped-call]  # unannotated
                style, WD_STYLE_TYPE.TABLE)
        style_id: str | None = self.memo[key]
        return style_id

    def error(self, name: str, kind: str, found: Any = None) -> PresskitError:
        """An unusable data-style, at the file and line that wrote it."""
        file, line = self.locate(rf"""data-style\s*=\s*["']?{re.escape(name)}(?![\w -])""", 0)
        what = (f"'{name}' is a {str(found).split()[0].lower()} style, not a {kind} style" if found is not None
                else f"no {kind} style '{name}' in {self.reference}")
        error = ContentError if file.startswith("content/") else TemplateError
        fix = (f"use a {kind} style it defines (docs/docx.md), or give the template a reference.docx of its own"
               if self.reference == HOUSE_STYLE else
               f"use a {kind} style {self.reference} defines, or add it there (Word: Styles pane)")
        return error(Problem(file, line, f"data-style: {what}", fix))

    def element(self, name: str) -> Any:
        """The w:style element of a style the writer uses (None when the reference lacks it)."""
        style_id = self.ids.get(name)
        return self.doc.styles.element.get_by_id(style_id) if style_id else None

    def num_id(self, name: str) -> int | None:
        """The numbering instance a list style points at (w:numPr in its w:pPr), if any."""
        style = self.element(name)
        num_pr = style.pPr.numPr if style is not None and style.pPr is not None else None
        return num_pr.numId.val if num_pr is not None and num_pr.numId is not None else None

    def left_indent(self, style_id: str | None) -> int:
        """The left indent (twips) a paragraph style gives, following basedOn; 0 when it sets none."""
        key = ("left indent", style_id)
        if key not in self.memo:
            self.memo[key] = _left_indent(self.doc.styles.element, style_id, 0)
        found: int = self.memo[key]
        return found

    def level_indent(self, num_id: int, level: int) -> tuple[int, int]:
        """(left, hanging) in twips of level *level* of numbering instance *num_id* (a fallback when
        the numbering sets none: 357 twips a level)."""
        key = ("level indent", num_id, level)
        if key not in self.memo:
            self.memo[key] = _level_indent(self.doc, num_id, level)
        found: tuple[int, int] = self.memo[key]
        return found


def _twips(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:  # a measure with a unit ("1in"): rare in Word files, treated as none
        return 0


def _left_indent(styles: _Element, style_id: str | None, depth: int) -> int:
    style = styles.get_by_id(style_id) if style_id else None  # type: ignore[attr-defined]  # CT_Styles
    if style is None or depth > 10:
        return 0
    ind = style.find(f"{qn('w:pPr')}/{qn('w:ind')}")
    if ind is not None and (ind.get(qn("w:left")) or ind.get(qn("w:start"))):
        return _twips(ind.get(qn("w:left")) or ind.get(qn("w:start")))
    based = style.find(qn("w:basedOn"))
    return _left_indent(styles, based.get(qn("w:val")) if based is not None else None, depth + 1)


def _level_indent(document: Document, num_id: int, level: int) -> tuple[int, int]:
    fallback = (357 * (level + 1), 357)
    numbering = document.part.numbering_part.element
    num = next((n for n in numbering.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == str(num_id)), None)
    abstract_id = num.find(qn("w:abstractNumId")) if num is not None else None
    if abstract_id is None:
        return fallback
    for abstract in numbering.iterchildren(qn("w:abstractNum")):
        if abstract.get(qn("w:abstractNumId")) != abstract_id.get(qn("w:val")):
            continue
        for lvl in abstract.iterchildren(qn("w:lvl")):
            ind = lvl.find(f"{qn('w:pPr')}/{qn('w:ind')}")
            if lvl.get(qn("w:ilvl")) == str(level) and ind is not None:
                return _twips(ind.get(qn("w:left")) or ind.get(qn("w:start"))), _twips(ind.get(qn("w:hanging")))
    return fallback
