"""What `presskit review import` needs to know about a built DOCX, kept beside the build.

For every DOCX it writes, the build keeps build/.presskit/review/<key>.json: the text of each of the
file's paragraphs (body, table cells and footnotes, in document order) and the translatable
segments of its document with their file and line (and, for a translated briefing, the text shown
from the catalog). A returned briefing is matched against these files, so a copy sent out weeks ago
still maps after the source has moved on. The key is a digest of the paragraph texts; the oldest
files beyond MAX_MAPS go. Small (a few KB a briefing) and plain JSON: no heavy import to write it.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write, state_dir

if TYPE_CHECKING:
    from lxml.etree import _Element

    from ..source.content import Document

MAP_DIR = "review"  # under build/.presskit/
MAP_FORMAT = "presskit-sourcemap-1"
MAX_MAPS = 200  # every language and recipient copy of the last several builds
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def segment_records(source: Document, shown: Document, catalog: str | None) -> list[dict[str, Any]]:
    """Every segment of *source* with its file, line and kind, and the text *shown* (its translation)."""
    records = []
    body = iter(shown.translations or ())
    for seg in source.segments():
        if seg.context.startswith("meta:"):
            text = shown.meta.get(seg.context[5:], seg.text)
        else:
            text = next(body, seg.text)
        records.append({"file": source.name, "line": seg.line, "kind": seg.kind, "context": seg.context,
                        "text": seg.text, "shown": text if isinstance(text, str) else seg.text,
                        "catalog": catalog})
    return records


def paragraph_text(p: _Element) -> str:
    """The visible text of a w:p as built: runs' text, tabs and breaks (no tracked changes here)."""
    out = []
    for el in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
        out.append((el.text or "") if el.tag == f"{W}t" else "\t" if el.tag == f"{W}tab" else "\n")
    return "".join(out)


def docx_paragraphs(data: bytes) -> list[dict[str, Any]]:
    """The paragraphs of a built DOCX: body (tables included) then footnotes, with text and style."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    out: list[dict[str, Any]] = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = set(z.namelist())
        for part, name in (("body", "word/document.xml"), ("note", "word/footnotes.xml")):
            if name not in names:
                continue
            root = etree.fromstring(z.read(name), parser)
            for p in root.iter(f"{W}p"):
                note = next(p.iterancestors(f"{W}footnote"), None)
                if note is not None and note.get(f"{W}type"):
                    continue  # separators
                style = p.find(f"{W}pPr/{W}pStyle")
                out.append({"part": part, "text": paragraph_text(p),
                            "style": style.get(f"{W}val") if style is not None else "",
                            "cell": next(p.iterancestors(f"{W}tc"), None) is not None})
    return out


def write_source_map(root: Path, target: str, lang: str, data: bytes, review: dict[str, Any] | None) -> None:
    """Keep the paragraphs of the DOCX *data* just written to *target*, and its segments (*review*)."""
    if review is None:
        return
    paragraphs = docx_paragraphs(data)
    key = hashlib.sha256(json.dumps([p["text"] for p in paragraphs]).encode()).hexdigest()[:24]
    record = {"format": MAP_FORMAT, "target": target, "lang": lang, **review, "paragraphs": paragraphs}
    folder = state_dir(root) / MAP_DIR
    try:
        atomic_write(folder / f"{key}.json", json.dumps(record, ensure_ascii=False).encode(), durable=False)
        _prune(folder)
    except OSError:
        pass  # like a cache: a review import without it says the briefing is unknown


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in files[: max(0, len(files) - MAX_MAPS)]:
        os.unlink(old)
