"""Load Markdown documents with YAML front matter; their translation segments come from source/markdown.py."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import ContentError, Problem, relpath
from .containment import DOCUMENT, read_project_text
from .yaml import CONTROL_FIX

if TYPE_CHECKING:
    from .markdown import BodySegment

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*\n", re.S)
# Front-matter keys that are data, not prose: never offered to translators.
UNTRANSLATED_KEYS = {"date", "published", "slug", "id", "lang", "template", "layout"}
# Characters XML (hence DOCX, and the PDF's HTML parser) cannot carry: C0 controls but tab and newline.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Segment:
    """One translatable unit of source text and where it stands."""

    text: str
    line: int
    context: str  # e.g. "meta:title" or "body"
    kind: str = ""  # for the translator: "front matter: title", "heading", "table cell", …


@dataclass
class Document:
    """A content file: front matter (meta) plus a Markdown body, parsed once by Python-Markdown
    (source/markdown.py); a translated document carries its body segments' translations."""

    path: Path
    name: str  # path relative to the project root, for messages and PO references
    meta: dict[str, Any]
    meta_lines: dict[str, int]
    body: str
    body_line: int = 1  # the body's first line in the file
    translations: tuple[str, ...] | None = None  # per body segment, in order; None: the source

    def body_segments(self) -> tuple[BodySegment, ...]:
        from .markdown import body_segments  # Markdown only when a body is read (a no-op build reads none)

        return body_segments(self.body, self.body_line)

    def segments(self) -> list[Segment]:
        """Every translatable text, in reading order: front matter fields first, then the body."""
        out = [Segment(v, self.meta_lines.get(k, 1), f"meta:{k}", f"front matter: {k}")
               for k, v in self.meta.items() if translatable_meta(k, v)]
        out.extend(Segment(s.text, s.line, "body", s.kind) for s in self.body_segments())
        return out

    def localized(self, translate: Callable[[Segment], str]) -> Document:
        """A copy with every segment replaced by translate(segment)."""
        meta = {k: translate(Segment(v, self.meta_lines.get(k, 1), f"meta:{k}", f"front matter: {k}"))
                if translatable_meta(k, v) else v for k, v in self.meta.items()}
        translations = tuple(translate(Segment(s.text, s.line, "body", s.kind)) for s in self.body_segments())
        return replace(self, meta=meta, translations=translations)


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
    if not text.strip() and not meta:
        raise ContentError(Problem(name, 1, "document is empty", "write some content or remove the file"))
    return Document(path, name, meta, meta_lines, text, body_start)


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
