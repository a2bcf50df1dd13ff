"""Markdown to HTML: Python-Markdown with presskit's extensions and the language's quotation marks, sanitised.

Python-Markdown's inline patterns are quadratic on some text: every '[' may open a link and is
matched against the rest of its paragraph (16 KB of '[' took 76 s), and so are '<', '`', '*' and '_'
to a lesser degree; its raw-HTML reader (Python's html.parser) looks for the '>' of every '<tag' to
the end of the text (12 KB of '<a ' took 3.6 s), and its inline pass finds each block's place among
its siblings by a linear search. The limits below bound the work per paragraph (and so per document,
which content.py caps at 1 MB); build/validate.py reports text beyond them with its file and line
before anything is rendered, and markdown_to_html() refuses it in any case.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Comment, Element

import markdown
from markupsafe import Markup

from ..errors import ContentError, Problem
from ..languages import language
from ..source.markdown import new_markdown
from .sanitize import sanitize_html

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Where the rendered HTML splits into sections: a comment no author writes (raw HTML keeps its comments
# until sanitising, so a fixed text could be forged).
SECTION_MARK = f"presskit-section-{secrets.token_hex(8)}"
H1 = re.compile(r"\s*<h1([^>]*)>(.*?)</h1>\s*", re.S)
ID = re.compile(r'\bid="([^"]*)"')

# Per paragraph (list item, table cell, heading, footnote; a translation): the characters, the '['
# and the '<' it may hold. Measured worst cases at these limits: ~0.4 s a paragraph of '[', ~0.5 s
# of '*' or '`' (at 20 000 characters), ~0.15 s of '<' — against 76 s for 16 KB of '[' unlimited.
MAX_INLINE_CHARS = 20_000
MAX_BRACKETS = 100
MAX_ANGLES = 200
# Footnote references (and footnotes) per document: the footnotes extension numbers repeated
# references in quadratic time (4 000 took 13 s), and WeasyPrint lays out each note, 2–3 times the
# time of a paragraph (10 000 took over 120 s).
MAX_FOOTNOTES = 1000
FOOTNOTE_REFERENCE = re.compile(r"\[\^[^\]\s]+\](?!:)")
# Blocks in a row (paragraphs of a document, items of a list, rows of a table, cells of a row): the
# inline pass finds each one's place among its siblings by a linear search, quadratic in their
# number (20 000 one-letter paragraphs, 60 KB, took 6 s; 5 000 take 0.7 s).
MAX_BLOCKS = 5000
# Characters Python's html.parser may scan from each '<tag' start to the '>' closing it, summed over
# the text: ~150 ns each, so 0.75 s at most. Well-formed HTML scans about its own length; a '<'
# starting a tag that never closes scans the rest of the text, once per such '<'.
MAX_TAG_SCAN = 5_000_000
TAG_START = re.compile(r"</?[A-Za-z]")


DATA_URL = re.compile(r"data:[^\s)\"'>]*")


def inline_problem(text: str, what: str = "paragraph") -> tuple[str, str] | None:
    """(message, fix) when *text*, one paragraph of Markdown, is beyond the limits above; else None."""
    # An embedded image (a data: URL) is bounded as an image, not as prose.
    length = len(DATA_URL.sub("", text)) if "data:" in text else len(text)
    if length > MAX_INLINE_CHARS:
        return (f"{what} of {length} characters (the limit is {MAX_INLINE_CHARS})",
                "split it into shorter paragraphs, with a blank line between them")
    if (n := text.count("[")) > MAX_BRACKETS:
        return (f"{what} with {n} '[' (the limit is {MAX_BRACKETS}: each may open a link, and Markdown "
                "slows down sharply on many)", "remove the stray brackets, or split the paragraph")
    if (n := text.count("<")) > MAX_ANGLES:
        return (f"{what} with {n} '<' (the limit is {MAX_ANGLES}: each may open an HTML tag, and Markdown "
                "slows down sharply on many)", "write &lt; for a literal '<', or split the paragraph")
    return None


def unclosed_tag_problem(text: str) -> tuple[int, str, str] | None:
    """(offset of the first unclosed '<tag', message, fix) when the HTML reader would scan more than
    MAX_TAG_SCAN characters of *text* for the ends of its tags; else None. Linear in the text."""
    starts = [m.start() for m in TAG_START.finditer(text)] + [len(text)]
    scanned = unclosed = 0
    gt, culprit = -1, None
    for start, following in zip(starts, starts[1:]):
        if gt < start:
            gt = text.find(">", start)
            if gt < 0:
                gt = len(text)
        scanned += gt - start
        if gt > following or gt == len(text):  # no '>' before the next tag starts
            unclosed += 1
            culprit = start if culprit is None else culprit
    if scanned <= MAX_TAG_SCAN:
        return None
    return (culprit or 0, f"{unclosed} '<' that start an HTML tag without closing it with '>' (the HTML "
                          f"reader would scan {scanned // 1_000_000} million characters for them)",
            "close the tag with '>', or write &lt; for a literal '<'")


class MarkupLimit(ContentError):
    """Markdown text beyond the limits above; *text* is the offending paragraph, for finding its line."""

    def __init__(self, text: str, message: str, fix: str):
        super().__init__(Problem(None, None, message, fix))
        self.text = text

    def __reduce__(self) -> tuple[object, ...]:  # workers pickle errors: keep the paragraph
        return (type(self), (self.text, self.problems[0].message, self.problems[0].fix or ""))


class _Guard(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Runs right before the inline patterns: refuses the texts they would take too long on."""

    def run(self, root: Element) -> None:
        footnotes = 0
        for element in root.iter():
            if len(element) > MAX_BLOCKS:
                raise MarkupLimit(element[MAX_BLOCKS].text or "",
                                  f"more than {MAX_BLOCKS} paragraphs, list items, table rows or cells in a row "
                                  "(Markdown slows down sharply on so many)", "split the document")
            for text in (element.text, element.tail):
                if not text or isinstance(text, markdown.util.AtomicString):
                    continue
                if found := inline_problem(text):
                    raise MarkupLimit(text, *found)
                footnotes += len(FOOTNOTE_REFERENCE.findall(text))
        if footnotes > MAX_FOOTNOTES:
            raise MarkupLimit("[^", f"{footnotes} footnote references (the limit is {MAX_FOOTNOTES})",
                              "keep the notes that matter, or split the document")


class _HeadingIds(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    """After toc (5): a translation's headings keep the source's ids, so links to them still work;
    the source's own ids are recorded for that."""

    def run(self, root: Element) -> None:
        wanted: tuple[str, ...] | None = self.md.presskit_heading_ids
        headings = [e for e in root.iter() if e.tag in HEADING_TAGS]
        if wanted is not None and len(wanted) == len(headings):
            for element, id_ in zip(headings, wanted):
                element.set("id", id_)
        self.md.presskit_found_ids = tuple(e.get("id", "") for e in headings)


class _SectionMarks(markdown.treeprocessors.Treeprocessor):  # type: ignore[misc]
    """Last: a marker before each top-level <h1>, where the rendered HTML is split into sections."""

    def run(self, root: Element) -> None:
        for index in reversed([i for i, e in enumerate(root) if e.tag == "h1"]):
            mark = Comment(SECTION_MARK)
            mark.tail = "\n"
            root.insert(index, mark)


@lru_cache(maxsize=32)
def _markdown(lang: str) -> markdown.Markdown:
    md = new_markdown(language(lang).quotes)
    md.treeprocessors.register(_Guard(md), "presskit-limits", 21)  # inline patterns run at 20
    md.treeprocessors.register(_HeadingIds(md), "presskit-heading-ids", 4)
    md.treeprocessors.register(_SectionMarks(md), "presskit-sections", 1)
    return md


@dataclass(frozen=True)
class Section:
    """A part of the body: a level-1 heading (its inner HTML and id) and what follows it."""

    title: Markup
    id: str
    html: Markup


@dataclass(frozen=True)
class Rendered:
    """A Markdown body rendered and sanitised, whole and split at its level-1 headings."""

    html: Markup
    sections: tuple[Section, ...]
    heading_ids: tuple[str, ...]


@lru_cache(maxsize=512)  # print and screen editions, and every recipient copy, render the same text
def render_markdown(body: str, lang: str, translations: tuple[str, ...] | None = None) -> Rendered:
    """Render a Markdown body with the language's quotation marks, sanitised (see sanitize.py).

    *translations*, when given, replace the body's segments (source/markdown.body_segments, in that
    order) before inline Markdown is read; headings then keep the source's ids.
    Raises MarkupLimit for text beyond the limits of this module.
    """
    if found := unclosed_tag_problem(body):
        at, message, fix = found
        raise MarkupLimit(body[at: at + 60], message, fix)
    md = _markdown(lang)
    md.reset()
    md.presskit_heading_ids = None
    if translations is not None:
        md.presskit_heading_ids = render_markdown(body, lang).heading_ids
        answers = iter(translations)
        md.presskit_visit = lambda kind, text: next(answers, text)
    try:
        html = md.convert(body)
    finally:
        md.presskit_visit = None
    parts = [sanitize_html(part) for part in html.split(f"<!--{SECTION_MARK}-->")]
    return Rendered(Markup("".join(parts)), tuple(_sections(parts)), md.presskit_found_ids)


def _sections(parts: list[str]) -> Iterator[Section]:
    for index, part in enumerate(parts):
        m = H1.match(part)
        if m:
            id_ = ID.search(m.group(1))
            yield Section(Markup(m.group(2)), html.unescape(id_.group(1)) if id_ else "", Markup(part[m.end():]))
        elif part.strip() or index:
            yield Section(Markup(""), "", Markup(part))


def markdown_to_html(text: str, lang: str) -> Markup:
    """Render one Markdown text (a body with no translation) to sanitised HTML."""
    return render_markdown(text, lang).html
