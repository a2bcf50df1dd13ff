"""Write the briefing DOCX from the rendered HTML: every block becomes a paragraph in a real Word style."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

import lxml.html
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu

from ..errors import ContentError, PresskitError, Problem, TemplateError
from ..source.containment import TEMPLATE, read_project_file
from . import oxml as ox
from .package import footnotes_part, save_deterministic, set_app_properties, set_core_properties, set_language
from .reference import furniture_parts, new_document, stored_name, style_ids_by_name

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docx.oxml.text.paragraph import CT_P
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from ..source.config import Campaign

    # Inline content, flat: (text, s, style, link), (tab,), (br,), (footnote, id).
    Item = (tuple[Literal["text"], str, str | None, str | None] | tuple[Literal["tab"]] | tuple[Literal["br"]]
            | tuple[Literal["footnote"], str])

# Styles the writer needs from the reference document, by Word name (docs/docx.md).
REQUIRED_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "List Bullet",
                   "List Number", "Quote", "Caption", "Header", "Footer", "Hyperlink", "Strong",
                   "Emphasis", "Briefing Table")
# House-style extras; a ministry's own reference document may lack them, then these stand in.
OPTIONAL_STYLES = {"Letterhead": "Header", "Addressee Label": "Normal", "Addressee": "Normal",
                   "Contact": "Normal", "Table Text": "Normal", "Briefing Facts": "Briefing Table",
                   "footnote text": "Normal", "footnote reference": None}
HEADINGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 3",
            "h5": "Heading 3", "h6": "Heading 3"}
INLINE_STYLES = {"strong": "Strong", "b": "Strong", "em": "Emphasis", "i": "Emphasis"}
FIRST_PAGE_HEADER = "./header[contains(@class, 'first-page')]"
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space must survive
# <ol start>: HTML's integer rules; a value that is not a number Word can show is ignored (the list
# counts from 1), as a browser ignores an invalid start. The sanitiser drops such values already.
LIST_START = re.compile(r"^[ \t\n\f\r]*([0-9]{1,5})(?![0-9])")
MAX_LIST_START = 32767

Locate = Callable[[str], tuple[str, "int | None"]]  # a pattern → the file and line that wrote it


def reference_path(campaign: Campaign, template: str) -> Path | None:
    """The house-style reference document of a template folder, if there is one."""
    path = campaign.root / "templates" / template / "reference.docx"
    return path if path.is_file() else None


def html_to_docx(html: str, campaign: Campaign, template: str, meta: dict[str, Any], source: str = "") -> bytes:
    """Convert the briefing HTML to DOCX bytes, styled by the template's reference.docx."""
    path = reference_path(campaign, template)
    # Read under the containment rule: a reference.docx linked from outside the project is refused.
    ref = (str(path), read_project_file(campaign.root, path, TEMPLATE)) if path else None
    root: HtmlElement = lxml.html.document_fromstring(html)  # lxml's stubs say only _Element
    document, memo = new_document(ref, bool(root.find("body").xpath(FIRST_PAGE_HEADER)))
    lang = root.get("lang") or campaign.source_language
    writer = _Writer(document, f"templates/{template}/reference.docx" if ref else "python-docx default",
                     source or "content", memo, _locator(campaign.root, template, source, lang))
    writer.write(root)
    head = root.find("head")
    info = {m.get("name"): m.get("content", "") for m in head.iter("meta") if m.get("name")}
    date = meta.get("date") if isinstance(meta.get("date"), dt.date) else campaign.date
    if info.get("dcterms.created"):
        date = dt.date.fromisoformat(info["dcterms.created"][:10])
    set_core_properties(document, title=head.findtext("title", "").strip(),
                        subject=info.get("subject", ""),
                        author=info.get("author", campaign.organisation), language=lang,
                        keywords=info.get("keywords", ""), date=date)
    set_app_properties(document, info.get("author", campaign.organisation))
    set_language(document, lang)
    return save_deterministic(document)


class _Writer:
    """Walks the HTML once and appends Word content; keeps ids deterministic (document order)."""

    def __init__(self, document: Document, reference: str, source: str, memo: dict[Any, Any] | None = None,
                 locate: Locate | None = None):
        self.doc, self.reference, self.source = document, reference, source
        self.memo = {} if memo is None else memo  # style look-ups shared by copies of one reference
        self.locate: Locate = locate or (lambda pattern: (source, None))
        self.style_ids = self._resolve_styles()
        self.bookmarks: list[str] = []
        self.footnote_bodies: dict[str, HtmlElement] = {}
        self.footnote_count = 0
        self.text_width: int | None = None  # EMU between the margins, read on the first table

    # ---- styles ----------------------------------------------------------------------------

    def _resolve_styles(self) -> dict[str, str | None]:
        # One pass over w:style: python-docx's `name in styles` and `styles[name]` each scan every
        # style again (profiled: a third of the writer's time went to name lookups).
        if "by_name" not in self.memo:
            self.memo["by_name"] = style_ids_by_name(self.doc.styles.element)
        self.by_name = self.memo["by_name"]
        missing = [name for name in REQUIRED_STYLES if stored_name(name) not in self.by_name]
        if missing:
            raise TemplateError(Problem(self.reference, None,
                                        f"style(s) missing from the reference document: {', '.join(missing)}",
                                        "define them in Word (Styles pane) or rebuild it with "
                                        "scripts/make_reference_docx"))
        ids = {name: self.by_name[stored_name(name)] for name in REQUIRED_STYLES}
        for name, fallback in OPTIONAL_STYLES.items():
            ids[name] = self.by_name[stored_name(name)] if stored_name(name) in self.by_name else \
                (ids[fallback] if fallback else None)
        return ids

    def style(self, name: str) -> Any:
        """The style object for a Word style name used by the template."""
        if name not in self.style_ids:
            if stored_name(name) not in self.by_name:
                raise TemplateError(Problem(self.reference, None, f"style '{name}' is not defined",
                                            "add it to the reference document or fix data-style"))
            self.style_ids[name] = self.by_name[stored_name(name)]
        return self.doc.styles.element.get_by_id(self.style_ids[name])

    def _paragraph_style(self, name: str) -> str | None:
        """The w:pStyle id of paragraph style *name*: a house-style extra falls back to its stand-in, and
        an unknown name or one of another kind (a table or character style) in a data-style is an
        error at the line that wrote it."""
        key = ("paragraph style", name)
        if key not in self.memo:
            style_id = self.style_ids.get(name) or self.by_name.get(stored_name(name))
            element = self.doc.styles.element.get_by_id(style_id) if style_id else None
            kind = element.type if element is not None else None
            self.memo[key] = (style_id if element is not None and kind in (None, WD_STYLE_TYPE.PARAGRAPH)
                              else ("wrong kind", kind) if element is not None else ("unknown", None))
        found = self.memo[key]
        if isinstance(found, tuple):
            raise self._style_error(name, "paragraph", found[1])
        return found  # type: ignore[no-any-return]  # a str, from the memo

    def _style_error(self, name: str, kind: str, found: Any = None) -> PresskitError:
        """An unusable data-style, at the file and line that wrote it."""
        file, line = self.locate(rf"""data-style\s*=\s*["']?{re.escape(name)}(?![\w -])""")
        what = (f"'{name}' is a {str(found).split()[0].lower()} style, not a {kind} style" if found is not None
                else f"no {kind} style '{name}' in {self.reference}")
        error = ContentError if file.startswith("content/") else TemplateError
        return error(Problem(file, line, f"data-style: {what}",
                             f"use a {kind} style {self.reference} defines, or add it there (Word: Styles pane)"))

    def _paragraph(self, name: str) -> CT_P:
        """A new body paragraph (w:p) in style *name*, before the final w:sectPr."""
        p = ox.paragraph(self._paragraph_style(name))
        self._append_block(p)
        return p

    def _append_block(self, block: _Element) -> None:
        """Add a w:p or w:tbl at the end of the body, before the final w:sectPr, as python-docx does."""
        if self.sect_pr is not None:
            self.sect_pr.addprevious(block)
        else:
            self.doc.element.body.append(block)

    # ---- the walk ------------------------------------------------------------------------

    def write(self, root: HtmlElement) -> None:
        """Body, header/footer and footnotes from the <body> of *root*."""
        body = root.find("body")
        self._clear_body()
        self._collect_targets(body)
        self._page_furniture(body)
        for child in body:
            self._block(child)
        last = self.doc.element.body[-2] if len(self.doc.element.body) > 1 else None
        if last is not None and last.tag == qn("w:tbl"):
            self.doc.add_paragraph()  # Word wants a paragraph between a final table and the section end

    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        self.sect_pr = body.find(qn("w:sectPr"))  # new blocks go before it, as python-docx puts them

    def _collect_targets(self, body: HtmlElement) -> None:
        """Bookmark names of headings (for internal links) and footnote bodies, before writing."""
        seen: set[str] = set()
        for el in body.iter(*HEADINGS):
            name = base = ox.bookmark_name(el.text_content())
            n = 2
            while name in seen:
                name, n = f"{base[:37]}_{n}", n + 1
            seen.add(name)
            self.bookmarks.append(name)
        self.anchors = set(self.bookmarks)
        for li in body.xpath(".//div[contains(@class, 'footnote')]/ol/li[@id]"):
            self.footnote_bodies[li.get("id")] = li

    def _block(self, el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        cls = el.get("class", "") if tag else ""
        if tag in HEADINGS:
            p = self._paragraph(HEADINGS[tag])
            self._emit(p, self._items(el), self.doc.part)
            ox.bookmark(p, len(self.anchors) - len(self.bookmarks), self.bookmarks.pop(0))  # ids 0, 1, …
        elif tag == "p":
            style, items = el.get("data-style") or "Normal", self._items(el)
            if not el.get("data-style") and _is_caption(el, items):
                style, items = "Caption", _strip_caption_mark(items)
            self._emit(self._paragraph(style), items, self.doc.part)
        elif tag in ("ul", "ol"):
            self._list(el, 0)
        elif tag == "blockquote":
            paragraphs = [c for c in el if isinstance(c.tag, str) and c.tag == "p"] or [el]
            for p in paragraphs:
                self._emit(self._paragraph("Quote"), self._items(p), self.doc.part)
        elif tag == "table":
            self._table(el)
        elif tag in ("div", "section", "article", "main") and "footnote" not in cls.split():
            for child in el:
                self._block(child)

    def _list(self, el: HtmlElement, level: int) -> None:
        style = "List Number" if el.tag == "ol" else "List Bullet"
        num_id = None
        if el.tag == "ol":  # each numbered list starts again at 1 (or its start attribute)
            start = LIST_START.match(el.get("start") or "")
            first = int(start.group(1)) if start and int(start.group(1)) <= MAX_LIST_START else 1
            num_id = ox.restart_numbering(self.doc, self.style_ids[style], first)
        for li in el.findall("li"):
            p = self._paragraph(style)
            if num_id is not None or level:
                ox.set_numbering(p, num_id or _style_num_id(self.style(style)) or 0, level)
            self._emit(p, self._items(li, skip_lists=True), self.doc.part)
            for nested in li:
                if isinstance(nested.tag, str) and nested.tag in ("ul", "ol"):
                    self._list(nested, level + 1)

    def _table(self, el: HtmlElement) -> None:
        for caption in el.findall("caption"):  # the table's title, above it as in the PDF
            self._emit(self._paragraph("Caption"), self._items(caption), self.doc.part)
        rows = el.xpath("./thead/tr|./tbody/tr|./tr|./tfoot/tr")
        if not rows:
            return
        header = len(el.xpath("./thead/tr"))
        first_column = not header and all(r.xpath("./*[1][self::th]") for r in rows)
        cells = [[c for c in r if c.tag in ("th", "td")] for r in rows]
        cols = max(len(row) for row in cells)
        # What document.add_table() + table.style = … build, made on the elements: the proxies
        # re-read the section geometry and the style list for every table (profiled: 2.5 ms each).
        if self.text_width is None:
            section = self.doc.sections[0]
            width, left, right = section.page_width, section.left_margin, section.right_margin
            assert width is not None and left is not None and right is not None  # a reference document's w:pgSz, w:pgMar
            self.text_width = width - left - right
        tbl = CT_Tbl.new_tbl(len(rows), cols, Emu(self.text_width))
        self._append_block(tbl)
        style_id = self._table_style(el.get("data-style") or "Briefing Table")
        if style_id is not None:
            tbl.tblPr.insert(0, ox.valued("w:tblStyle", style_id))
        ox.table_look(tbl, header_row=bool(header), first_column=first_column)
        ox.column_widths(tbl, self.text_width, cols)
        for r, (row, tr) in enumerate(zip(cells, tbl.iterchildren(ox.W_TR))):
            if r < header:  # header rows repeat on every page the table runs onto
                tr_pr = ox.element("w:trPr")
                tr.insert(0, tr_pr)  # w:trPr comes before the cells
                ox.child(tr_pr, "w:cantSplit")
                ox.child(tr_pr, "w:tblHeader")
            for cell, tc in zip(row, tr.iterchildren(ox.W_TC)):
                p = tc.find(ox.W_P)
                assert p is not None  # python-docx's new table puts a w:p in every cell
                ox.set_style(p, self.style_ids["Table Text"])
                strong = "Strong" if cell.tag == "th" else None
                self._emit(p, self._items(cell, style=strong), self.doc.part)

    def _table_style(self, name: str) -> str | None:
        """The w:tblStyle id python-docx's table.style = styles[name] writes (None for the default)."""
        key = ("table style", name)
        if key not in self.memo:  # an unknown or non-table style is an error, every time
            try:
                style = self.doc.styles[name]
            except KeyError:
                raise self._style_error(name, "table") from None
            if style.type != WD_STYLE_TYPE.TABLE:
                raise self._style_error(name, "table", style.type)
            self.memo[key] = self.doc.part.get_style_id(  # type: ignore[no-untyped-call]  # python-docx leaves it unannotated
                style, WD_STYLE_TYPE.TABLE)
        style_id: str | None = self.memo[key]
        return style_id

    def _page_furniture(self, body: HtmlElement) -> None:
        """<header class="first-page">, <header> and <footer> become the section's headers and footers."""
        first = body.xpath(FIRST_PAGE_HEADER)
        running = body.xpath("./header[not(contains(@class, 'first-page'))]")
        footers = body.xpath("./footer")
        sources = [running, footers] + ([first, footers] if first else [])
        for part, elements in zip(furniture_parts(self.doc, bool(first)), sources):
            container = part.element
            for child in list(container):
                container.remove(child)
            for p in (p for element in elements[:1] for p in element.iter("p")):
                para = ox.paragraph(self._paragraph_style(p.get("data-style") or "Header"))
                container.append(para)
                self._emit(para, self._items(p), part, fields=True)
            if not len(container):
                container.append(ox.element("w:p"))  # a header part must hold at least one paragraph

    # ---- inline content ----------------------------------------------------------------------

    def _items(self, el: HtmlElement, style: str | None = None, link: str | None = None,
               skip_lists: bool = False) -> list[Item]:
        """Inline content as a flat list: (text, s, style, link), (tab,), (br,), (footnote, id)."""
        out: list[Item] = [("text", el.text, style, link)] if el.text else []
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            cls = child.get("class", "").split() if tag else []
            if tag == "a" and "footnote-backref" in cls:
                pass
            elif tag == "a" and "footnote-ref" in cls:
                out.append(("footnote", child.get("href", "").lstrip("#")))
            elif tag == "a":
                out += self._items(child, style, child.get("href") or link)
            elif tag in INLINE_STYLES:
                out += self._items(child, INLINE_STYLES[tag], link)
            elif tag == "span" and "tab" in cls:
                out.append(("tab",))
            elif tag == "br":
                out.append(("br",))
            elif tag in ("ul", "ol") and skip_lists:
                pass
            elif tag:
                out += self._items(child, style, link, skip_lists)
            if child.tail:
                out.append(("text", child.tail, style, link))
        return _normalise(out)

    def _emit(self, p: _Element, items: list[Item], part: Part, fields: bool = False) -> None:
        """Append *items* to the paragraph element *p*; links relate from *part*."""
        current, target = None, p
        for item in items:
            link = item[3] if item[0] == "text" else None
            if link != current:
                current, target = link, p
                if link:
                    target = self._hyperlink(link, part)
                    p.append(target)
            if item[0] == "text":
                char = self.style_ids["Hyperlink"] if link else (self.style_ids[item[2]] if item[2] else None)
                runs = ox.text_with_fields(item[1], char) if fields else [ox.run(item[1], char)]
                for r in runs:
                    target.append(r)
            elif item[0] == "tab":
                p.append(ox.tab_run())
            elif item[0] == "br":
                p.append(ox.break_run())
            elif item[0] == "footnote":
                p.append(self._footnote(item[1]))

    def _hyperlink(self, href: str, part: Part) -> _Element:
        if href.startswith("#"):
            name = ox.bookmark_name(href[1:])
            if name not in self.anchors:
                file, line = self.locate(rf"""\]\({re.escape(href)}\)|href=["']?{re.escape(href)}""")
                raise ContentError(Problem(file, line, f"link to '{href}' matches no heading",
                                           "link to a heading by its words in lowercase ASCII joined by '-', "
                                           f"e.g. #{self.bookmarks[0].replace('_', '-') if self.bookmarks else 'heading'}"))
            return ox.hyperlink([], anchor=name)
        # Word wants a URI in the relationship target; keep ASCII, percent-encode the rest.
        uri = quote(href, safe=":/?#[]@!$&'()*+,;=%~")
        return ox.hyperlink([], r_id=part.relate_to(uri, RT.HYPERLINK, is_external=True))

    def _footnote(self, ref: str) -> _Element:
        li = self.footnote_bodies.get(ref)
        if li is None:
            file, line = self.locate(rf"\[\^{re.escape(ref.removeprefix('fn:'))}\]")
            raise ContentError(Problem(file, line, f"footnote '{ref}' has no text",
                                       f"add a line '[^{ref.removeprefix('fn:')}]: text'"))
        self.footnote_count += 1
        part = footnotes_part(self.doc)
        paragraphs: list[_Element] = []
        for p in [c for c in li if isinstance(c.tag, str) and c.tag == "p"] or [li]:
            para = ox.paragraph(self.style_ids["footnote text"])
            self._emit(para, _rstrip_items(self._items(p)), part)
            paragraphs.append(para)
        part.element.append(ox.footnote(self.footnote_count, paragraphs,
                                        self.style_ids["footnote reference"]))
        return ox.footnote_reference(self.footnote_count, self.style_ids["footnote reference"])


# ---- helpers -----------------------------------------------------------------------------------

def _normalise(items: list[Item]) -> list[Item]:
    """Collapse HTML whitespace across items; no space at the start or end of a paragraph."""
    out: list[Item] = []
    space = True
    for item in items:
        if item[0] != "text":
            out.append(item)
            space = item[0] in ("tab", "br")
            continue
        text = HTML_SPACE.sub(" ", item[1])
        if space:
            text = text.lstrip(" ")
        if text:
            out.append(("text", text, item[2], item[3]))
            space = text.endswith(" ")
    return _rstrip_items(out, " ")


def _rstrip_items(items: list[Item], chars: str = " \u00a0") -> list[Item]:
    while items and items[-1][0] == "text":
        text = items[-1][1].rstrip(chars)
        if text:
            items[-1] = ("text", text, *items[-1][2:])
            break
        items.pop()
    return items


def _is_caption(el: HtmlElement, items: list[Item]) -> bool:
    """Pandoc's caption syntax: a paragraph beginning with ': ' right before or after a table."""
    if not (items and items[0][0] == "text" and items[0][1].startswith(": ")):
        return False
    neighbours = [el.getprevious(), el.getnext()]
    return any(n is not None and n.tag == "table" for n in neighbours)


def _strip_caption_mark(items: list[Item]) -> list[Item]:
    first = items[0]
    assert first[0] == "text"  # _is_caption() found the mark in it
    caption: Item = ("text", first[1][2:], *first[2:])
    return [caption] + items[1:]


def _style_num_id(style: Any) -> int | None:
    num_pr = style.pPr.numPr if style is not None and style.pPr is not None else None
    return num_pr.numId.val if num_pr is not None and num_pr.numId is not None else None


def _locator(root: Path, template: str, source: str, lang: str) -> Locate:
    """Where a pattern was written: the document, the template's Jinja files, or the language's catalog.
    Used only to place an error; files outside the project are not read."""
    def locate(pattern: str) -> tuple[str, int | None]:
        top = root.resolve()
        files = [top / source] if source else []
        for folder in (top / "templates" / template, top / "templates" / "shared"):
            files += sorted(folder.rglob("*.j2")) if folder.is_dir() else []
        files.append(top / "content" / "translations" / f"{lang}.po")
        for path in files:
            try:
                if not path.resolve().is_relative_to(top) or not path.is_file():
                    continue
                text = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                continue
            if m := re.search(pattern, text):
                return path.relative_to(top).as_posix(), text.count("\n", 0, m.start()) + 1
        return source or "content", None

    return locate
