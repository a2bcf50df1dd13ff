"""Load Markdown documents with YAML front matter into a block model whose texts are the translation segments."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from ..errors import ContentError, Problem, relpath
from .containment import DOCUMENT, read_project_text
from .yaml import CONTROL_FIX

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
HEADING = re.compile(r"^(#{1,6}[ \t]+)(.*?)[ \t#]*$")
LIST_ITEM = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)(.*)$")
QUOTE = re.compile(r"^(>[ \t]?)(.*)$")
FOOTNOTE = re.compile(r"^(\[\^[^\]]+\]:[ \t]*)(.*)$")
TABLE_SEPARATOR = re.compile(r"^\|?[ \t]*:?-{3,}:?[ \t]*(\|[ \t]*:?-{3,}:?[ \t]*)*\|?$")
# Front-matter keys that are data, not prose: never offered to translators.
UNTRANSLATED_KEYS = {"date", "published", "slug", "id", "lang", "template", "layout"}
# Characters XML (hence DOCX, and the PDF's HTML parser) cannot carry: C0 controls but tab and newline.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Block:
    """A Markdown block: its translatable texts (items) and the markup around each."""

    kind: str  # heading, paragraph, list, quote, footnote, table, raw
    line: int  # 1-based line in the source file
    items: list[str]
    prefixes: list[str] = field(default_factory=list)
    raw: str = ""  # source text of untranslatable blocks (code, separators, attribute lines)

    def markdown(self) -> str:
        """The block written back as Markdown."""
        if self.kind == "raw":
            return self.raw
        if self.kind == "table":
            return "\n".join(self._table_rows())
        return "\n".join(p + t for p, t in zip(self.prefixes, self.items))

    def _table_rows(self) -> Iterator[str]:
        cells = iter(self.items)
        for prefix in self.prefixes:
            if prefix.startswith("sep:"):
                yield prefix[4:]
            else:
                yield "| " + " | ".join(next(cells) for _ in range(int(prefix))) + " |"


@dataclass
class Segment:
    """One translatable unit of source text and where it stands."""

    text: str
    line: int
    context: str  # e.g. "meta:title" or "body"


@dataclass
class Document:
    """A content file: front matter (meta) plus body blocks."""

    path: Path
    name: str  # path relative to the project root, for messages and PO references
    meta: dict[str, Any]
    meta_lines: dict[str, int]
    blocks: list[Block]

    def segments(self) -> list[Segment]:
        """Every translatable text, in reading order: front matter fields first, then the body."""
        out = [Segment(v, self.meta_lines.get(k, 1), f"meta:{k}") for k, v in self.meta.items()
               if translatable_meta(k, v)]
        for block in self.blocks:
            out.extend(Segment(t, block.line, "body") for t in block.items if t.strip())
        return out

    def localized(self, translate: Callable[[Segment], str]) -> Document:
        """A copy with every segment replaced by translate(segment)."""
        meta = {k: translate(Segment(v, self.meta_lines.get(k, 1), f"meta:{k}"))
                if translatable_meta(k, v) else v for k, v in self.meta.items()}
        blocks = [replace(b, items=[translate(Segment(t, b.line, "body")) if t.strip() else t
                                    for t in b.items]) for b in self.blocks]
        return replace(self, meta=meta, blocks=blocks)

    def markdown(self) -> str:
        """The body as Markdown (blocks separated by blank lines)."""
        return "\n\n".join(b.markdown() for b in self.blocks) + "\n"

    def sections(self) -> list[list[Block]]:
        """The body split at level-1 headings; text before the first heading is its own section."""
        out: list[list[Block]] = [[]]
        for b in self.blocks:
            if b.kind == "heading" and b.prefixes[0].startswith("# "):
                out.append([])
            out[-1].append(b)
        return [s for s in out if s]


def translatable_meta(key: str, value: object) -> bool:
    """True for front-matter values that are prose a translator should see."""
    return (isinstance(value, str) and key not in UNTRANSLATED_KEYS and not key.endswith("_url")
            and not re.match(r"^(https?://|mailto:)", value))


def read_text(path: Path, root: Path) -> str:
    """Read a UTF-8 document (BOM and CRLF tolerated) under the containment rule (inside the project,
    a regular file, at most MAX_DOCUMENT_BYTES); errors name the file and the fix."""
    name = relpath(path, root)
    text = read_project_text(root, path, DOCUMENT).replace("\r\n", "\n").replace("\r", "\n")
    if m := CONTROL_CHARACTERS.search(text):
        raise ContentError(Problem(name, text.count("\n", 0, m.start()) + 1,
                                   f"control character U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
    return text


def load_document(path: Path, root: Path) -> Document:
    """Parse one Markdown file with optional YAML front matter."""
    name = relpath(path, root)
    text = read_text(path, root)
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    body_start = 1
    if m := FRONT_MATTER.match(text):
        meta, meta_lines = _front_matter(m.group(1) or "", name)
        body_start = text[: m.end()].count("\n") + 1
        text = text[m.end():]
    elif text.startswith("---\n"):
        raise ContentError(Problem(name, 1, "front matter is not closed",
                                   "end the YAML block with a line containing only ---"))
    blocks = parse_blocks(text, body_start)
    if not blocks and not meta:
        raise ContentError(Problem(name, 1, "document is empty", "write some content or remove the file"))
    return Document(path, name, meta, meta_lines, blocks)


# Parsed front matter per process, by its text: every output of a document reads it (36 files,
# three documents), and pure-Python YAML takes ~10 ms a time. Callers get their own copies.
_FRONT_MATTER: dict[tuple[str, str], tuple[dict[str, Any], dict[str, int]]] = {}


def _front_matter(source: str, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    import copy

    if (source, name) not in _FRONT_MATTER:
        if len(_FRONT_MATTER) > 64:  # watch mode: one entry per saved version
            _FRONT_MATTER.clear()
        _FRONT_MATTER[(source, name)] = _parse_front_matter(source, name)
    meta, lines = _FRONT_MATTER[(source, name)]
    return copy.deepcopy(meta), dict(lines)


def _parse_front_matter(source: str, name: str) -> tuple[dict[str, Any], dict[str, int]]:
    from .yaml import parse_yaml  # PyYAML only when a document is parsed (a no-op build parses none)

    data, lines = parse_yaml(source, name, offset=1, label="front matter",  # the opening --- is line 1
                             fix="fix the YAML between the --- lines", error=ContentError)
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ContentError(Problem(name, 2, "front matter must be a mapping of key: value lines",
                                   "write e.g. 'title: My title'"))
    # A path of length one is a top-level key, and YAML mapping keys are strings.
    return data, {cast(str, path[0]): line + 1 for path, line in lines.items() if len(path) == 1}


def parse_blocks(text: str, first_line: int = 1) -> list[Block]:
    """Split a Markdown body into blocks; list items, table cells and headings become own items."""
    blocks: list[Block] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        if lines[i].lstrip().startswith(("```", "~~~")):
            fence = lines[i].lstrip()[:3]
            i += 1
            while i < len(lines) and not lines[i].lstrip().startswith(fence):
                i += 1
            i += 1
        else:
            while i < len(lines) and lines[i].strip():
                i += 1
        blocks.append(_block(lines[start:i], first_line + start))
    return blocks


def _block(lines: list[str], line: int) -> Block:
    first = lines[0]
    if first.lstrip().startswith(("```", "~~~", "<", "{:")) or first.startswith("    "):
        return Block("raw", line, [], raw="\n".join(lines))
    if len(lines) == 1 and (m := HEADING.match(first)):
        return Block("heading", line, [m.group(2)], [m.group(1)])
    if first.startswith("|"):
        return _table(lines, line)
    for kind, pattern in (("list", LIST_ITEM), ("quote", QUOTE), ("footnote", FOOTNOTE)):
        if pattern.match(first):
            return _items(kind, pattern, lines, line)
    return Block("paragraph", line, [" ".join(s.strip() for s in lines)], [""])


def _items(kind: str, pattern: re.Pattern[str], lines: list[str], line: int) -> Block:
    """Items of a list or quote; continuation lines join the item above."""
    items: list[str] = []
    prefixes: list[str] = []
    for text in lines:
        m = pattern.match(text)
        if m and not (kind == "quote" and items):
            prefixes.append(m.group(1))
            items.append(m.group(2).strip())
        else:
            items[-1] += " " + (m.group(2) if m else text).strip()
    return Block(kind, line, items, prefixes)


def _table(lines: list[str], line: int) -> Block:
    items, prefixes = [], []
    for row in lines:
        if TABLE_SEPARATOR.match(row.strip()):
            prefixes.append("sep:" + row)
            continue
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        prefixes.append(str(len(cells)))
        items.extend(cells)
    return Block("table", line, items, prefixes)
