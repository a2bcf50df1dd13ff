"""Write the briefing DOCX from the rendered HTML: every block becomes a paragraph in a real Word style."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import lxml.html
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

from ..errors import ContentError, Problem, TemplateError
from ..languages import language
from ..source.containment import TEMPLATE, read_project_file, short_ref
from . import oxml as ox
from .anchors import Anchors
from .context import Ctx, ListItem
from .fonts import embeddable_faces
from .furniture import FIRST_PAGE_HEADER, write_furniture
from .images import Images
from .inline import BLOCK_TAGS, alignment, child_items, has_content, is_image_only, normalise, quote_marks, read_items, tag_of
from .locate import locator
from .package import embed_fonts, footnotes_part, save_deterministic, set_app_properties, set_core_properties, set_language
from .reference import HOUSE_STYLE, brand_reference, new_document
from .requisites import supply_styles
from .styles import OPTIONAL_STYLES, REQUIRED_STYLES, Locate, StyleBook
from .tables import write_table

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from docx.oxml.text.paragraph import CT_P
    from lxml.etree import _Element
    from lxml.html import HtmlElement

    from ..source.config import Campaign
    from .inline import Item

__all__ = ["OPTIONAL_STYLES", "REQUIRED_STYLES", "html_to_docx", "reference_path"]

HEADINGS = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 4",
            "h5": "Heading 5", "h6": "Heading 6"}
# Containers whose paragraphs take a style of their own (and whose nested blocks are indented by it).
CONTAINERS = {"blockquote": "Quote", "dd": "Definition", "figure": "Figure", "figcaption": "Image Caption",
              "caption": "Caption", "dt": "Definition Term", "summary": "Definition Term"}
LIST_IN_STYLE = {"Admonition"}  # containers whose list items keep the container's look (its box)
BOXED = ("Source Code", "Admonition", "Admonition Title")  # consecutive boxes get a paragraph between
SAME_EDGE = {"Admonition Title"}  # styles that start at their container's edge, as its own style does
# <ol start>: HTML's integer rules; a value that is not a number Word can show is ignored (the list
# counts from 1), as a browser ignores an invalid start. The sanitiser drops such values already.
LIST_START = re.compile(r"^[ \t\n\f\r]*([0-9]{1,5})(?![0-9])")
MAX_LIST_START = 32767
MAX_LEVEL = 8  # Word's list levels are 0–8


def reference_path(campaign: Campaign, template: str) -> Path | None:
    """The house-style reference document of a template folder, if there is one."""
    path = campaign.root / "templates" / template / "reference.docx"
    return path if path.is_file() else None


def html_to_docx(html: str, campaign: Campaign, template: str, meta: dict[str, Any], source: str = "") -> bytes:
    """Convert the briefing HTML to DOCX bytes, styled by the template's reference.docx."""
    path = reference_path(campaign, template)
    # Read under the containment rule: a reference.docx linked from outside the project is refused.
    # A template's own reference.docx, read under the containment rule (a link out is refused), or
    # the house style made from the campaign's brand.
    ref = (str(path), read_project_file(campaign.root, path, TEMPLATE)) if path else brand_reference(campaign.brand)
    root: HtmlElement = lxml.html.document_fromstring(html)  # lxml's stubs say only _Element
    document, memo = new_document(ref, bool(root.find("body").xpath(FIRST_PAGE_HEADER)))
    supply_styles(document)
    lang = root.get("lang") or campaign.source_language
    writer = _Writer(document, f"templates/{template}/reference.docx" if path else HOUSE_STYLE,
                     source or "content", memo, locator(campaign.root, template, source, lang), campaign.root)
    quote_marks(root.find("body"), language(lang).quotes)
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
    embed_fonts(document, embeddable_faces(document))
    return save_deterministic(document)


class _Writer:
    """Walks the HTML once and appends Word content; keeps ids deterministic (document order)."""

    def __init__(self, document: Document, reference: str, source: str, memo: dict[Any, Any] | None = None,
                 locate: Locate | None = None, root: Path | None = None):
        self.doc, self.reference, self.source = document, reference, source
        self.locate: Locate = locate or (lambda pattern, nth: (source, None))
        self.styles = StyleBook(document, reference, {} if memo is None else memo, self.locate)
        self.footnote_bodies: dict[str, HtmlElement] = {}
        self.footnote_count = 0
        self.problems: list[Problem] = []
        self.seen: dict[str, int] = {}  # how often each pattern was located: the nth occurrence is next
        self.pending: list[str] = []  # bookmarks of blocks whose first paragraph is still to come
        self.to_wrap: list[tuple[_Element, list[str]]] = []
        self.new_box = False  # the next paragraph starts a boxed block (code, admonition)
        section = document.sections[0]
        width, left, right = section.page_width, section.left_margin, section.right_margin
        assert width is not None and left is not None and right is not None  # a reference document's w:pgSz, w:pgMar
        self.text_width = int(width - left - right)
        self.max_indent = self.text_width // 635 // 2  # twips
        self.images = Images(document, root, self.text_width)

    # ---- the walk ------------------------------------------------------------------------

    def write(self, root: HtmlElement) -> None:
        """Body, header/footer and footnotes from the <body> of *root*; every problem found, in one error."""
        body = root.find("body")
        self.sect_pr = self._clear_body()
        self.anchors = Anchors(body)
        for li in body.xpath(".//div[contains(@class, 'footnote')]/ol/li[@id]"):
            self.footnote_bodies[li.get("id")] = li
        write_furniture(self, body)
        ctx = Ctx(self.doc.part, self._append_block, column=self.text_width)
        for child in body:
            if tag_of(child) not in ("header", "footer"):
                self._block_or_text(child, ctx)
        last = self.doc.element.body[-2] if len(self.doc.element.body) > 1 else None
        if last is not None and last.tag == qn("w:tbl"):
            self.doc.add_paragraph()  # Word wants a paragraph between a final table and the section end
        if self.pending and self.to_wrap:  # ids on empty elements at the end: the last paragraph
            self.to_wrap[-1][1].extend(self.pending)
        for p, names in self.to_wrap:
            for name in names:
                self.anchors.wrap(p, name)
        if self.problems:
            content = any((p.file or "").startswith("content/") for p in self.problems)
            raise (ContentError if content else TemplateError)(self.problems)

    def _clear_body(self) -> _Element | None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        sect_pr: _Element | None = body.find(qn("w:sectPr"))  # new blocks go before it, as python-docx puts them
        return sect_pr

    def _append_block(self, block: _Element) -> None:
        """Add a w:p or w:tbl at the end of the body, before the final w:sectPr, as python-docx does."""
        if self.sect_pr is not None:
            self.sect_pr.addprevious(block)
        else:
            self.doc.element.body.append(block)

    def _block_or_text(self, el: HtmlElement, ctx: Ctx) -> None:
        """A child of <body>: a block, or loose inline content (its own paragraph)."""
        if tag_of(el) in BLOCK_TAGS:
            self._block(el, ctx)
        else:
            self._text(child_items(el, ctx.char, None, self._refuse), ctx)
        if el.tail and el.tail.strip():
            self._text([("text", el.tail, ctx.char, None)], ctx)

    def _blocks(self, el: HtmlElement, ctx: Ctx) -> None:
        """The content of a container in order: runs of inline content become paragraphs of the
        container's style, block children are written where they stand."""
        run: list[Item] = [("text", el.text, ctx.char, None)] if el.text else []
        for child in el:
            if tag_of(child) in BLOCK_TAGS:
                self._text(run, ctx)
                run = []
                self._block(child, ctx)
            else:
                run += child_items(child, ctx.char, None, self._refuse)
            if child.tail:
                run.append(("text", child.tail, ctx.char, None))
        self._text(run, ctx)

    def _text(self, items: list[Item], ctx: Ctx, style: str | None = None) -> None:
        """A paragraph of inline items, in *style* or the container's; anchors alone wait for the next."""
        items = normalise(items)
        if not has_content(items):
            self.pending += [n for item in items if item[0] == "anchor" and (n := self.anchors.target("#" + item[1]))]
            return
        if style is None:
            style = "Figure" if ctx.style == "Normal" and is_image_only(items) else ctx.style
        self._emit(self._paragraph(style, ctx), items, ctx)

    def _block(self, el: HtmlElement, ctx: Ctx) -> None:
        tag, cls = tag_of(el), el.get("class", "").split()
        if (name := self.anchors.of(el)) and tag not in ("table",):
            self.pending.append(name)
        if tag in HEADINGS or tag == "p":
            style = el.get("data-style") or HEADINGS.get(tag) or \
                ("Admonition Title" if "admonition-title" in cls else None)
            self._text(read_items(el, ctx.char, None, self._refuse), self.aligned(el, ctx), style)
        elif tag in ("ul", "ol"):
            self._list(el, ctx)
        elif tag == "figure" and el.find("figcaption") is not None:
            self._container(el, ctx, "Captioned Figure")
        elif tag in CONTAINERS:
            self._container(el, ctx, CONTAINERS[tag])
        elif tag == "div" and "admonition" in cls:
            self._container(el, ctx, "Admonition")
        elif tag == "div" and "footnote" in cls:
            pass  # the footnotes: written where they are referenced
        elif tag == "pre":
            self._code(el, ctx)
        elif tag == "hr":
            self._paragraph("Horizontal Rule", ctx)
        elif tag == "table":
            self._table(el, ctx)
        else:  # div, section, dl, li, td … and raw HTML blocks: their content, in order
            self._blocks(el, ctx)

    def _container(self, el: HtmlElement, ctx: Ctx, style: str) -> None:
        """A quotation, definition, admonition, figure …: its paragraphs in *style*, nested blocks
        indented by it; inside a list item, after the item's own (numbered) paragraph."""
        self._flush_item(ctx)
        # deep nesting stops indenting at half the column: the text keeps room to be read
        indent = min(ctx.indent + self.styles.left_indent(self.styles.paragraph(style)), self.max_indent)
        lists = style if style in LIST_IN_STYLE else ctx.list_style
        self.new_box = style in BOXED
        self._blocks(el, ctx.inside(style=style, indent=indent, level=-1, item=None, list_style=lists))

    def _code(self, el: HtmlElement, ctx: Ctx) -> None:
        """Preformatted text: one paragraph, every space and line kept, no smart quotes, no links."""
        text = el.text_content()
        text = text[:-1] if text.endswith("\n") else text
        self.new_box = True
        p = self._paragraph("Source Code", ctx)
        for r in ox.code_runs(text):
            p.append(r)

    # ---- paragraphs and lists ------------------------------------------------------------

    def _paragraph(self, style: str, ctx: Ctx) -> CT_P:
        """A new paragraph in *style* where *ctx* puts it: the pending list item's numbered paragraph
        when it is the container's own text, indented with nested content, bookmarked as pending."""
        item = ctx.item if ctx.item is not None and not ctx.item.done else None
        if item is not None:
            item.done = True
            numbered = self._list_paragraph(item, ctx)
            if style == ctx.style:
                return numbered
        p = ox.paragraph(self.styles.paragraph(style))
        if ctx.indent:
            own = self.styles.left_indent(self.styles.paragraph(style))
            left = ctx.indent + (0 if style == ctx.style or style in SAME_EDGE else own)
            if left != own:
                ox.paragraph_properties(p, indent=(left, 0))
        if ctx.align:
            ox.paragraph_properties(p, align=ctx.align)
        return self._place(p, ctx)

    def _place(self, p: CT_P, ctx: Ctx) -> CT_P:
        ctx.sink(p)
        if self.new_box:  # a code block or admonition right after another would join its box
            self.new_box = False
            before = p.getprevious()
            style = before.find(f"{ox.W_PPR}/{ox.W_PSTYLE}") if before is not None and before.tag == ox.W_P else None
            if style is not None and style.get(ox.W_VAL) in self._box_ids():
                p.addprevious(ox.paragraph(self.styles.paragraph("Normal")))
        if self.pending:
            self.to_wrap.append((p, self.pending))
            self.pending = []
        return p

    def _box_ids(self) -> set[str | None]:
        """The ids of the boxed styles (shaded, bordered) the reference defines as styles of their own."""
        normal = self.styles.ids["Normal"]
        return {i for name in BOXED for i in [self.styles.ids[name]] if i != normal}

    def _list_paragraph(self, item: ListItem, ctx: Ctx) -> CT_P:
        p = ox.paragraph(self.styles.paragraph(ctx.list_style or item.style))
        num_id = item.num_id or self.styles.num_id(item.style)
        if item.num_id is not None or item.level or ctx.list_style:
            ox.set_numbering(p, num_id or 0, item.level)
        if item.outer and num_id:
            left, hanging = self.styles.level_indent(num_id, item.level)
            ox.paragraph_properties(p, indent=(item.outer + left, hanging))
        return self._place(p, ctx)

    def _flush_item(self, ctx: Ctx) -> None:
        """A list item that starts with a list, table or container: its numbered paragraph first, empty."""
        if ctx.item is not None and not ctx.item.done:
            ctx.item.done = True
            self._list_paragraph(ctx.item, ctx)

    def _list(self, el: HtmlElement, ctx: Ctx) -> None:
        self._flush_item(ctx)
        style = "List Number" if el.tag == "ol" else "List Bullet"
        level = min(ctx.level + 1, MAX_LEVEL)
        num_id = None
        if el.tag == "ol":  # each numbered list starts again at 1 (or its start attribute)
            start = LIST_START.match(el.get("start") or "")
            first = int(start.group(1)) if start and int(start.group(1)) <= MAX_LIST_START else 1
            num_id = ox.restart_numbering(self.doc, self.styles.ids[style], first, level)
        outer = min(ctx.indent if ctx.level < 0 else (ctx.item.outer if ctx.item else 0), self.max_indent)
        effective = num_id or self.styles.num_id(style)
        text_edge = outer + (self.styles.level_indent(effective, level)[0] if effective else 357 * (level + 1))
        if el.text and el.text.strip():  # stray text between items (raw HTML): kept, in order
            self._text([("text", el.text, ctx.char, None)], ctx)
        for li in el:
            if tag_of(li) != "li":
                self._block_or_text(li, ctx)
                continue
            item = ListItem(style, num_id, level, outer)
            self._blocks(li, ctx.inside(style=ctx.list_style or "List Continue", indent=text_edge, level=level,
                                        item=item))
            self._flush_item(ctx.inside(item=item))  # an empty item still shows its bullet or number
            if li.tail and li.tail.strip():
                self._text([("text", li.tail, ctx.char, None)], ctx)

    def _table(self, el: HtmlElement, ctx: Ctx) -> None:
        self._flush_item(ctx)
        name = self.anchors.of(el)
        for caption in el.findall("caption"):
            self._container(caption, ctx, "Caption")
        if name:
            self.pending.append(name)
        write_table(self, el, ctx)

    # ---- inline content ----------------------------------------------------------------------

    def _emit(self, p: _Element, items: list[Item], ctx: Ctx, fields: bool = False) -> None:
        """Append *items* to the paragraph element *p*; links and images relate from the context's part."""
        current, target = None, p
        for item in items:
            link = item[3] if item[0] == "text" else None
            if link != current:
                current, target = link, p
                if link and (found := self._hyperlink(link, ctx.part)) is not None:
                    target = found
                    p.append(target)
            if item[0] == "text":
                char = self.styles.char("Hyperlink" if link and target is not p else item[2])
                for r in ox.text_with_fields(item[1], char) if fields else [ox.run(item[1], char)]:
                    target.append(r)
            elif item[0] == "tab":
                p.append(ox.tab_run())
            elif item[0] == "br":
                p.append(ox.break_run())
            elif item[0] == "footnote":
                p.append(self._footnote(item[1]))
            elif item[0] == "image":
                self._image(p, item[1], ctx)
            elif item[0] == "anchor" and (name := self.anchors.target("#" + item[1])):
                for mark in self.anchors.point(name):
                    p.append(mark)

    def _image(self, p: _Element, img: HtmlElement, ctx: Ctx) -> None:
        found = self.images.run(img, ctx.part, max(ctx.column - ctx.indent * 635, ctx.column // 4))
        if isinstance(found, Problem):
            src = img.get("src") or ""
            self._problem(re.escape(short_ref(src, 40).rstrip("…")) if src else r"<img\b|!\[", found.message,
                          found.fix)
        else:
            p.append(found)

    def _hyperlink(self, href: str, part: Part) -> _Element | None:
        if href.startswith("#"):
            name = self.anchors.target(href)
            if name is None:
                self._problem(rf"""\]\(\s*<?{re.escape(href)}[\s)>]|\]:\s*<?{re.escape(href)}\s|href=["']?{re.escape(href)}["'\s>]""",
                              f"link to '{href}' matches no heading or other element id", self.anchors.suggestion(href))
                return None
            return ox.hyperlink([], anchor=name)
        # Word wants a URI in the relationship target; keep ASCII, percent-encode the rest.
        uri = quote(href, safe=":/?#[]@!$&'()*+,;=%~")
        return ox.hyperlink([], r_id=part.relate_to(uri, RT.HYPERLINK, is_external=True))

    def _footnote(self, ref: str) -> _Element:
        li = self.footnote_bodies.get(ref)
        if li is None:
            self._problem(rf"\[\^{re.escape(ref.removeprefix('fn:'))}\]", f"footnote '{ref}' has no text",
                          f"add a line '[^{ref.removeprefix('fn:')}]: text'")
            return ox.run("")
        self.footnote_count += 1
        part = footnotes_part(self.doc)
        if name := self.anchors.of(li):
            self.pending.append(name)
        paragraphs: list[_Element] = []
        self._blocks(li, Ctx(part, paragraphs.append, style="footnote text", column=self.text_width,
                             list_style="footnote text"))
        part.element.append(ox.footnote(self.footnote_count, paragraphs, self.styles.ids["footnote reference"]))
        return ox.footnote_reference(self.footnote_count, self.styles.ids["footnote reference"])

    def aligned(self, el: HtmlElement, ctx: Ctx) -> Ctx:
        """*ctx* with the alignment of the template's data-align (an unknown value is an error at its line)."""
        jc, bad = alignment(el)
        if bad is not None:
            self._problem(rf"""data-align\s*=\s*["']?{re.escape(bad)}""", f"data-align: unknown alignment '{bad}'",
                          "use left, center, right or justify")
        return ctx.inside(align=jc) if jc else ctx

    def _refuse(self, el: HtmlElement) -> None:
        tag = tag_of(el)
        self._problem(rf"<{tag}\b", f"<{tag}> cannot be written to the DOCX briefing",
                      "remove it, or replace it by an image (PNG, JPEG or SVG file) or text")

    def _problem(self, pattern: str, message: str, fix: str | None) -> None:
        """Record a problem at the file and line of the next occurrence of *pattern* not yet reported."""
        nth = self.seen.get(pattern, 0)
        self.seen[pattern] = nth + 1
        file, line = self.locate(pattern, nth)
        self.problems.append(Problem(file, line, message, fix))
