"""Inline Markdown as the reader sees it, and text edits applied to the source around its markup.

plain() reads a span of Markdown source (one segment: a paragraph, a cell, a heading) the way the
DOCX shows it: emphasis marks, link targets, footnote references, tags and escapes vanish; the link
text, code and autolinks stay; a run of white space (line breaks and quote markers of continued
lines included) is one space; smarty's dashes and ellipsis are one character. Each character of
the result knows the source characters it came from, so a change to the shown text becomes a
change to exactly those characters: markup the change does not touch stays where it was.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass

ESCAPABLE = set("\\`*_{}[]()#+-.!:|<>\"'")
FOOTNOTE_REF = re.compile(r"\[\^[^\]\s]+\]")
LINK = re.compile(r"(!?)\[((?:[^\[\]\n]|\[[^\[\]\n]*\])*)\](\([^)\n]*\)|\[[^\]\n]*\])")
AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+|[^>\s@]+@[^>\s@]+)>")
TAG = re.compile(r"</?[A-Za-z][^>]*>")
ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
SPACE = re.compile(r"(  +)?\n[ \t>]*|[ \t]+")
SMARTY = {"---": "—", "--": "–", "...": "…"}
# Quotation marks in every language's typography, read as one (smarty made them from " and ').
QUOTES = str.maketrans({c: '"' for c in "„“”«»‟‹›「」"} | {c: "'" for c in "‘’‚‛"})
EMPTY_MARKUP = re.compile(r"(\*\*|__)\1|(?<![*\w])(\*|_)\2(?![*\w])|(?<!!)\[\]\([^)\n]*\)")


@dataclass
class Plain:
    """Shown text and, per character, the (start, end) of the source characters it stands for."""

    text: str
    spans: list[tuple[int, int]]


def norm(text: str) -> str:
    """A form for comparing shown texts: quotation marks alike, non-breaking spaces as spaces."""
    return text.translate(QUOTES).replace("\u00a0", " ")


def plain(src: str, start: int = 0, end: int | None = None) -> Plain:
    """The shown text of the Markdown source src[start:end], with the source span of each character."""
    out = Plain("", [])
    chars: list[str] = []
    _read(src, start, len(src) if end is None else end, chars, out.spans)
    # leading/trailing white space is not shown
    while chars and chars[0] == " ":
        chars.pop(0)
        out.spans.pop(0)
    while chars and chars[-1] == " ":
        chars.pop()
        out.spans.pop()
    out.text = "".join(chars)
    return out


def _read(src: str, i: int, end: int, chars: list[str], spans: list[tuple[int, int]]) -> None:
    def emit(text: str, a: int, b: int) -> None:
        for c in text:
            chars.append(c)
            spans.append((a, b))

    while i < end:
        c = src[i]
        if c == "\\" and i + 1 < end and src[i + 1] in ESCAPABLE:
            emit(src[i + 1], i + 1, i + 2)
            i += 2
        elif c == "[" and (m := FOOTNOTE_REF.match(src, i)) and m.end() <= end:
            i = m.end()
        elif c in "[!" and (m := LINK.match(src, i)) and m.end() <= end:
            if not m.group(1):  # a link: its text is shown; an image: nothing in the paragraph's text
                _read(src, m.start(2), m.end(2), chars, spans)
            i = m.end()
        elif c == "<" and (m := AUTOLINK.match(src, i)) and m.end() <= end:
            emit(m.group(1), m.start(1), m.end(1))
            for k in range(len(m.group(1))):
                spans[-len(m.group(1)) + k] = (m.start(1) + k, m.start(1) + k + 1)
            i = m.end()
        elif c == "<" and (m := TAG.match(src, i)) and m.end() <= end:
            i = m.end()
        elif c == "`":
            i = _code(src, i, end, emit)
        elif c in "*_":
            j = i
            while j < end and src[j] == c:
                j += 1
            inner = c == "_" and i > 0 and src[i - 1].isalnum() and j < end and src[j].isalnum()
            if inner:  # snake_case: literal
                for k in range(i, j):
                    emit(c, k, k + 1)
            i = j
        elif c == "&" and (m := ENTITY.match(src, i)) and m.end() <= end:
            emit(html.unescape(m.group()), i, m.end())
            i = m.end()
        elif (m := SPACE.match(src, i)) and m.end() <= end and m.end() > i:
            emit("\n" if m.group(1) else " ", i, m.end())
            i = m.end()
        else:
            for seq, shown in SMARTY.items():
                if src.startswith(seq, i) and i + len(seq) <= end:
                    emit(shown, i, i + len(seq))
                    i += len(seq)
                    break
            else:
                emit(c, i, i + 1)
                i += 1


def _code(src: str, i: int, end: int, emit: object) -> int:
    j = i
    while j < end and src[j] == "`":
        j += 1
    ticks = src[i:j]
    close = src.find(ticks, j, end)
    if close < 0:
        for k in range(i, j):
            emit(src[k], k, k + 1)  # type: ignore[operator]
        return j
    a, b = j, close
    if b - a >= 2 and src[a] == " " and src[b - 1] == " ":
        a, b = a + 1, b - 1
    for k in range(a, b):
        emit(src[k], k, k + 1)  # type: ignore[operator]
    return close + len(ticks)


TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.U)


def edits(old: str, new: str) -> list[tuple[int, int, str]]:
    """(start, end, replacement) in *old* turning it into *new*, word by word."""
    a, b = TOKEN.findall(norm(old)), TOKEN.findall(norm(new))
    a_at = _offsets(a)
    b_at = _offsets(b)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append((a_at[i1], a_at[i2], new[b_at[j1]:b_at[j2]]))
    return out


def _offsets(tokens: list[str]) -> list[int]:
    at = [0]
    for t in tokens:
        at.append(at[-1] + len(t))
    return at


def apply_edits(src: str, shown: Plain, changes: list[tuple[int, int, str]]) -> str:
    """*src* with each change to the shown text (start, end, text) made to the source characters it
    covers; markup between them stays, and a mark left around nothing goes."""
    primitive: list[tuple[int, int, str]] = []
    for a, b, text in changes:
        if a == b:  # an insertion: after the previous character, or before the first
            at = shown.spans[a - 1][1] if a > 0 else (shown.spans[0][0] if shown.spans else 0)
            if a > 0 and a < len(shown.spans) and text.endswith(" "):
                at = shown.spans[a][0]  # "new " attaches to the next word, inside its markup
            primitive.append((at, at, text))
            continue
        runs = _runs(shown.spans[a:b])
        primitive.append((runs[0][0], runs[0][1], text))
        primitive.extend((s, e, "") for s, e in runs[1:])
    out = src
    touched: list[int] = []
    for s, e, text in sorted(primitive, key=lambda t: (t[0], t[1]), reverse=True):
        out = out[:s] + text + out[e:]
        touched.append(s)
    return _drop_empty_markup(out, min(touched) if touched else 0)


def _runs(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    runs = [spans[0]]
    for s, e in spans[1:]:
        if s == runs[-1][1]:
            runs[-1] = (runs[-1][0], e)
        else:
            runs.append((s, e))
    return runs


def _drop_empty_markup(text: str, near: int) -> str:
    """Remove emphasis or a link left with nothing inside, close to the edits (from *near* on)."""
    start = max(0, text.rfind("\n", 0, near))
    return text[:start] + EMPTY_MARKUP.sub("", text[start:])
