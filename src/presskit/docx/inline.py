"""Inline HTML as a flat list of items: text runs with their character style and link, breaks, tabs,
footnote references, images and anchors (ids). Which tags are blocks, which inline, which cannot be
written at all."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    # (text, s, character style, link), (tab,), (br,), (footnote, id), (image, <img>), (anchor, id), (backref,)
    Item = (tuple[Literal["text"], str, str | None, str | None] | tuple[Literal["tab"]] | tuple[Literal["br"]]
            | tuple[Literal["footnote"], str] | tuple[Literal["image"], HtmlElement]
            | tuple[Literal["anchor"], str] | tuple[Literal["backref"]])

# Character styles of inline tags (docs/docx.md); the innermost wins (a run has one style).
CHAR_STYLES = {"strong": "Strong", "b": "Strong", "em": "Emphasis", "i": "Emphasis", "cite": "Emphasis",
               "dfn": "Emphasis", "code": "Verbatim Char", "kbd": "Verbatim Char", "samp": "Verbatim Char",
               "var": "Emphasis", "sup": "Superscript", "sub": "Subscript", "del": "Strikethrough",
               "s": "Strikethrough"}
# Tags that start a block of their own (a paragraph, list, table …); the rest is inline text.
BLOCK_TAGS = frozenset({
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table",
    "figure", "figcaption", "hr", "div", "section", "article", "aside", "nav", "main", "header", "footer",
    "address", "details", "summary", "caption", "center", "fieldset", "legend", "hgroup", "search",
    "tr", "td", "th", "thead", "tbody", "tfoot"})
# Content the DOCX cannot carry (no text of its own, or not as text): an error, never a silent skip.
EMBEDDED_TAGS = frozenset({"svg", "math", "video", "audio", "iframe", "object", "embed", "canvas", "picture",
                           "input", "select", "textarea", "button", "form", "map", "frame", "frameset",
                           "applet", "marquee", "meter", "progress", "output", "dialog"})
# Elements without visible content of their own: nothing to write, nothing lost.
SILENT_TAGS = frozenset({"col", "colgroup", "wbr", "source", "track", "template", "script", "style", "meta",
                         "link", "base", "noscript", "area", "param"})
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")  # not \s: a no-break space must survive
# A template's data-align: where a block sits on the line (w:jc), e.g. the addressee at the right.
ALIGNMENTS = {"left": "left", "center": "center", "right": "right", "justify": "both"}


def tag_of(el: HtmlElement) -> str:
    """An element's tag in lower case ('' for comments and processing instructions)."""
    return el.tag.lower() if isinstance(el.tag, str) else ""


def read_items(el: HtmlElement, style: str | None, link: str | None,
               refuse: Callable[[HtmlElement], None]) -> list[Item]:
    """The inline content of *el* (its text and every child, blocks included) as items, unnormalised.
    *refuse* is told of each element that cannot be written (its text is kept all the same)."""
    out: list[Item] = [("text", el.text, style, link)] if el.text else []
    for child in el:
        out += child_items(child, style, link, refuse)
        if child.tail:
            out.append(("text", child.tail, style, link))
    return out


def child_items(child: HtmlElement, style: str | None, link: str | None,
                refuse: Callable[[HtmlElement], None]) -> list[Item]:
    """The items of one inline child, without its tail."""
    tag = tag_of(child)
    cls = child.get("class", "").split() if tag else []
    out: list[Item] = [("anchor", child.get("id", ""))] if tag and child.get("id") else []
    if not tag or tag in SILENT_TAGS:
        return out
    if tag == "a" and "footnote-backref" in cls:
        return out + [("backref",)]
    if tag == "a" and "footnote-ref" in cls:
        return out + [("footnote", child.get("href", "").lstrip("#"))]
    if tag == "span" and "tab" in cls:
        return out + [("tab",)]
    if tag == "br":
        return out + [("br",)]
    if tag == "img":
        return out + [("image", child)]
    if tag in EMBEDDED_TAGS:
        refuse(child)
    href = child.get("href") if tag == "a" else None
    return out + read_items(child, CHAR_STYLES.get(tag, style), href or link, refuse)


def alignment(el: HtmlElement) -> tuple[str | None, str | None]:
    """(w:jc value, None) of an element's data-align; (None, the value) when it is not one of ALIGNMENTS."""
    value = el.get("data-align")
    if value is None:
        return None, None
    return (ALIGNMENTS[value], None) if value in ALIGNMENTS else (None, value)


def normalise(items: list[Item]) -> list[Item]:
    """Collapse HTML whitespace across items; no space at the start or end of a paragraph; a footnote's
    back-link goes, with the no-break space before it."""
    out: list[Item] = []
    space = True
    for item in items:
        if item[0] == "backref":
            _rstrip(out, " \u00a0")
            continue
        if item[0] != "text":
            out.append(item)
            space = item[0] in ("tab", "br") or (space and item[0] == "anchor")
            continue
        text = HTML_SPACE.sub(" ", item[1])
        if space:
            text = text.lstrip(" ")
        if text:
            out.append(("text", text, item[2], item[3]))
            space = text.endswith(" ")
    return _rstrip(out, " ")


def _rstrip(items: list[Item], chars: str) -> list[Item]:
    """Strip *chars* from the end of the last text item (dropping emptied ones); anchors stay."""
    index = len(items) - 1
    while index >= 0 and items[index][0] in ("text", "anchor"):
        item = items[index]
        if item[0] == "text":
            text = item[1].rstrip(chars)
            if text:
                items[index] = ("text", text, item[2], item[3])
                break
            del items[index]
        index -= 1
    return items


def has_content(items: list[Item]) -> bool:
    """Whether items make a paragraph worth writing (anchors alone do not)."""
    return any(item[0] != "anchor" for item in items)


def is_image_only(items: list[Item]) -> bool:
    """A paragraph that holds images and nothing else but spaces and anchors: a figure."""
    kinds = {item[0] for item in items}
    return "image" in kinds and kinds <= {"image", "anchor", "br"}


def quote_marks(body: HtmlElement, quotes: tuple[str, str, str, str]) -> None:
    """<q> shows its quotation marks, as a browser draws them: the language's, single ones inside."""
    for q in body.iter("q"):
        inner = any(a.tag == "q" for a in q.iterancestors())
        opening, closing = quotes[2:] if inner else quotes[:2]
        q.text = opening + (q.text or "")
        if len(q):
            q[-1].tail = (q[-1].tail or "") + closing
        else:
            q.text += closing
