"""The Markdown dialect and the one parse: translation segments come from the tree that renders.

Python-Markdown parses a document in three stages: preprocessors (fenced code and raw HTML blocks are
set aside in its "stash"), the block parser (an element tree whose texts are still inline Markdown),
then tree processors, of which the inline one (priority 20) turns those texts into links, emphasis
and smart quotes. presskit reads the translatable texts at the point between the two (priority 22):
each element text is one segment, in tree order. Rendering a translation runs the same pipeline and
puts each segment's translation in its place at that same point, so a catalog whose every msgstr
equals its msgid renders exactly the source (tests/test_markdown_parse.py).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions.tables import TableProcessor
from markdown.extensions.toc import slugify_unicode
from markdown.util import AtomicString

# The dialect (README, "Markdown"): Python-Markdown with these extensions, and nothing else.
EXTENSIONS = ["tables", "footnotes", "attr_list", "def_list", "fenced_code", "admonition", "abbr",
              "md_in_html", "toc", "smarty", "sane_lists"]
SEGMENT_PRIORITY = 22  # tree processors run from high to low; the inline one is at 20
PLACEHOLDER = re.compile("\x02wzxhzdk:(\\d+)\x03")
ANY_PLACEHOLDER = re.compile("\x02[^\x03]*\x03")  # the stash's, and the footnote extension's own
TRAILING_PLACEHOLDERS = re.compile("(\x02[^\x03]*\x03)+$")
# attr_list's own patterns: "{: .class}" ending a heading, or on the last line of a block.
HEADING_ATTRS = re.compile(r"[ ]+\{:?[^}\n]*\}[ ]*$")
BLOCK_ATTRS = re.compile(r"\n[ ]*\{:?[^}\n]*\}[ ]*$")
CAPTION = re.compile(r"^[ ]{0,3}:[ ]+(\S.*)", re.S)
TOC_MARKER = "[TOC]"
TAG = re.compile(r"<[^>]*>")

# What each segment is, for the translator (PO extracted comment) and for messages.
KINDS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
         "h6": "heading", "td": "table cell", "th": "table cell", "caption": "table caption",
         "dt": "term", "dd": "definition", "li": "list item"}


@dataclass(frozen=True)
class BodySegment:
    """One translatable text of a Markdown body, as the translator sees it."""

    text: str  # soft line breaks joined with spaces; attribute lists set aside
    line: int  # 1-based, in the body's file
    kind: str  # heading, paragraph, list item, …


class _TableCaption(BlockProcessor):  # type: ignore[misc]  # Markdown has no type hints
    """Pandoc's table caption: a paragraph starting with ': ' right before or after a table becomes
    the table's <caption>. Ahead of def_list, which would read it as a definition."""

    def __init__(self, parser: Any, tables: TableProcessor):
        super().__init__(parser)
        self.tables = tables

    def test(self, parent: Element, block: str) -> bool:
        return bool(CAPTION.match(block))  # run() sees the blocks around it, and declines without a table

    def run(self, parent: Element, blocks: list[str]) -> bool:
        m = CAPTION.match(blocks[0])
        assert m is not None
        before = self.lastChild(parent)
        if before is not None and before.tag == "table" and before.find("caption") is None:
            table = before
        elif len(blocks) > 1 and self.tables.test(parent, blocks[1]):
            self.tables.run(parent, blocks[1:2])  # the table now, so the caption has a home
            del blocks[1]
            table = self.lastChild(parent)
        else:
            return False  # not a caption: def_list and the paragraph rule have their turn
        del blocks[0]
        caption = Element("caption")
        caption.text = m.group(1).strip()
        table.insert(0, caption)
        return True


class _Texts(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    """At SEGMENT_PRIORITY: hands every segment text to md.presskit_visit(kind, text) -> text."""

    def run(self, root: Element) -> None:
        visit: Callable[[str, str], str] | None = getattr(self.md, "presskit_visit", None)
        if visit is None:
            return
        stash = self.md.htmlStash.rawHtmlBlocks
        code_blocks = getattr(self.md, "presskit_code_blocks", 0)
        holders: dict[int, int] = {}
        count = 0
        for element, parent, in_note in _walk(root, None, False):
            for attr in ("text", "tail"):
                value = getattr(element, attr)
                if not value or isinstance(value, AtomicString) or not value.strip():
                    continue
                if m := PLACEHOLDER.fullmatch(value.strip()):
                    index = int(m.group(1))
                    if index >= code_blocks and isinstance(stash[index], str) and _visible(stash[index]):
                        holders.setdefault(id(element), count)
                        count += 1
                        stash[index] = visit("HTML block", stash[index])
                    continue
                if value.strip() == TOC_MARKER or ANY_PLACEHOLDER.sub("", value).strip() == "":
                    continue
                kind = "footnote" if in_note else _kind(element if attr == "text" else parent, parent)
                holders.setdefault(id(element), count)
                count += 1
                setattr(element, attr, _visit_text(visit, kind, value, element.tag if attr == "text" else ""))
        if getattr(self.md, "presskit_collect_only", False):
            self.md.presskit_tree, self.md.presskit_holders = root, holders
            raise _Collected


class _CountCode(markdown.preprocessors.Preprocessor):  # type: ignore[misc]
    """Between fenced_code (25) and the raw-HTML reader (20): stash entries so far are code blocks."""

    def run(self, lines: list[str]) -> list[str]:
        self.md.presskit_code_blocks = len(self.md.htmlStash.rawHtmlBlocks)
        return lines


def _walk(element: Element, parent: Element | None,
          in_note: bool) -> Iterator[tuple[Element, Element | None, bool]]:
    """Elements in document order, with their parent and whether they are inside the footnotes."""
    yield element, parent, in_note
    in_note = in_note or (element.tag == "div" and "footnote" in element.get("class", "").split())
    for child in element:
        yield from _walk(child, element, in_note)


def _visible(html: str) -> bool:
    return bool(TAG.sub("", html).strip())


def _kind(element: Element | None, parent: Element | None) -> str:
    if element is None:
        return "paragraph"
    if element.tag == "p":
        classes = element.get("class", "").split()
        if "admonition-title" in classes:
            return "admonition title"
        if parent is not None and parent.tag in ("li", "dd", "blockquote"):
            return {"li": "list item", "dd": "definition", "blockquote": "quotation"}[parent.tag]
        return "paragraph"
    return KINDS.get(element.tag, "paragraph")


def _visit_text(visit: Callable[[str, str], str], kind: str, value: str, tag: str) -> str:
    """Hand the translator's form of *value* to *visit*; an unchanged answer keeps *value* exactly."""
    pattern = HEADING_ATTRS if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt") else BLOCK_ATTRS
    m = pattern.search(value)
    body, attrs = (value[: m.start()], value[m.start():]) if m else (value, "")
    if m := TRAILING_PLACEHOLDERS.search(body):  # the footnote extension's back-link marker
        body, attrs = body[: m.start()], body[m.start():] + attrs
    shown = segment_text(body)
    answer = visit(kind, shown)
    return value if answer == shown else answer + attrs


def segment_text(text: str) -> str:
    """A block's text as a translator sees it: soft line breaks become spaces (re-wrapping the source
    does not invalidate translations); a hard break (two spaces at a line end) stays."""
    lines = text.strip().split("\n")
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if out.endswith("  ") else " ") + line.strip()
    return out


def heading_slug(text: str, separator: str) -> str:
    """A heading's id: its words in lowercase joined by '-', accents dropped (Latvian "Turpmākie soļi"
    → turpmakie-soli, as authors type it) but letters of every script kept (Russian, Arabic and
    Chinese headings get anchors of their own letters, not empty or numbered ones)."""
    import unicodedata

    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return str(slugify_unicode(unicodedata.normalize("NFC", bare), separator))


def new_markdown(quotes: tuple[str, str, str, str] | None = None) -> markdown.Markdown:
    """A Markdown instance of the dialect; *quotes* (left/right double, left/right single) for smarty."""
    configs: dict[str, dict[str, Any]] = {
        "footnotes": {"BACKLINK_TEXT": ""},
        "toc": {"slugify": heading_slug},
    }
    if quotes:
        ldq, rdq, lsq, rsq = quotes
        configs["smarty"] = {"substitutions": {"left-double-quote": ldq, "right-double-quote": rdq,
                                               "left-single-quote": lsq, "right-single-quote": rsq}}
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=configs, output_format="html")
    tables = md.parser.blockprocessors["table"]
    md.parser.blockprocessors.register(_TableCaption(md.parser, tables), "presskit-caption", 86)
    md.preprocessors.register(_CountCode(md), "presskit-code", 22)
    md.treeprocessors.register(_Texts(md), "presskit-segments", SEGMENT_PRIORITY)
    md.presskit_visit = None
    md.presskit_collect_only = False
    return md


class _Collected(Exception):
    """Stops a parse once the segments are read: nothing after the block parser is needed."""


@lru_cache(maxsize=1)
def _parser() -> markdown.Markdown:
    return new_markdown()


@dataclass(frozen=True)
class ParsedBody:
    """A body's segments, and its block tree as the segments were read from it (for validation's
    counts; not to be changed). *holders* maps an element to the index of its first segment."""

    segments: tuple[BodySegment, ...]
    tree: Element
    holders: dict[int, int]

    def line_of(self, element: Element) -> int | None:
        """The line of the first segment in *element*, if it holds one."""
        for inner in element.iter():
            if id(inner) in self.holders:
                return self.segments[self.holders[id(inner)]].line
        return None


@lru_cache(maxsize=64)  # every output of a document, validation and the catalog update read the same body
def parse_body(body: str, first_line: int = 1) -> ParsedBody:
    """The translatable texts of a Markdown body in tree order, each with the line it starts on."""
    found: list[tuple[str, str]] = []

    def visit(kind: str, text: str) -> str:
        found.append((kind, text))
        return text

    md = _parser()
    md.reset()
    md.presskit_visit, md.presskit_collect_only = visit, True
    try:
        md.convert(body)
    except _Collected:
        pass
    finally:
        md.presskit_visit, md.presskit_collect_only = None, False
    tree, holders = md.presskit_tree, md.presskit_holders
    return ParsedBody(tuple(_with_lines(found, body, first_line)), tree, holders)


def body_segments(body: str, first_line: int = 1) -> tuple[BodySegment, ...]:
    """The translatable texts of a Markdown body in tree order, each with the line it starts on."""
    return parse_body(body, first_line).segments


def _with_lines(found: list[tuple[str, str]], body: str, first_line: int) -> Iterator[BodySegment]:
    """Each text's source line: where its opening words stand, searched forward from the end of the
    previous text (footnotes move to the end of the tree, so a miss searches from the top)."""
    starts = [0] + [m.end() for m in re.finditer("\n", body)]
    cursor = 0
    for kind, text in found:
        head, row = _words(text, first=True), kind == "table cell"
        at = _search(body, head, cursor, row)
        if at is None:
            at = _search(body, head, 0, row)
        if at is not None:
            end = _search(body, _words(text, first=False), at[0], row)
            cursor = end[1] if end is not None else at[1]
        offset = at[0] if at is not None else cursor
        yield BodySegment(text, first_line + bisect.bisect_right(starts, offset) - 1, kind)


def _words(text: str, first: bool) -> list[str]:
    words = text.split()  # a segment is its source text (soft breaks and indents aside), raw HTML too
    return words[:4] if first else words[-3:]


def _search(body: str, words: list[str], start: int, row: bool = False) -> tuple[int, int] | None:
    """(start, end) of *words* in *body* from *start*, as whole words, across line breaks and the
    quote markers that begin continued lines; with *row*, on a line holding a '|' (a table row)."""
    if not words:
        return None
    pattern = r"[\s>]+".join(re.escape(w) for w in words)
    if words[0][0].isalnum():
        pattern = r"(?<!\w)" + pattern
    if words[-1][-1].isalnum():
        pattern += r"(?!\w)"
    for m in re.compile(pattern).finditer(body, start):
        line_start = body.rfind("\n", 0, m.start()) + 1
        line_end = body.find("\n", m.end())
        if not row or "|" in body[line_start: line_end if line_end >= 0 else len(body)]:
            return m.start(), m.end()
    return None
