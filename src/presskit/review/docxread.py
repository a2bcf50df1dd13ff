"""Read a returned DOCX as untrusted input: its paragraphs as sent and as revised, its tracked
changes and its comments.

Limits: the file's size, the number of zip members, every member's and the total uncompressed size
and the compression ratio (a zip bomb stops before it is inflated); only the XML parts named below
are read, each parsed without DTD, entities or network. Relationships are read, never followed;
macros (vbaProject.bin) are never run, only named.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PresskitError, Problem

if TYPE_CHECKING:
    from lxml.etree import _Element

MAX_DOCX_BYTES = 50_000_000
MAX_MEMBERS = 2_000
MAX_PART_BYTES = 50_000_000  # one XML part, uncompressed
MAX_TOTAL_BYTES = 200_000_000  # every member, uncompressed
MAX_RATIO = 100  # uncompressed / compressed, per member of more than a megabyte and overall
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
INSERTED = (f"{W}ins", f"{W}moveTo")
DELETED = (f"{W}del", f"{W}moveFrom")
FIX = "import the .docx file presskit built (and the ministry returned), saved as Word Document (.docx)"


class ReviewError(PresskitError):
    """A returned file that cannot be imported: not a DOCX, too large, hostile, or not this project's."""


@dataclass
class Revision:
    kind: str  # "insert", "delete", "format", "row", "field"
    author: str
    date: str
    text: str
    para: int  # index into Returned.orig (the paragraph as sent)
    where: str = ""  # "field", "table row", "header/footer"


@dataclass
class Comment:
    id: str
    author: str
    date: str
    text: str
    para: int = -1
    anchor: str = ""


@dataclass
class Returned:
    """A returned DOCX: paragraphs before tracked changes (orig) and with all of them accepted (new)."""

    orig: list[str] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    orig_of_new: list[int] = field(default_factory=list)  # for each new paragraph, the orig one it ends in
    revisions: list[Revision] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def refuse(name: str, message: str, fix: str = FIX) -> ReviewError:
    return ReviewError([Problem(name, None, message, fix)])


def open_docx(path: Path) -> tuple[zipfile.ZipFile, str]:
    """The zip of a returned DOCX, checked against the limits; errors name the file."""
    name = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise refuse(name, "is not a file")
        if size > MAX_DOCX_BYTES:
            raise refuse(name, f"is {size:,} bytes, more than the {MAX_DOCX_BYTES:,} a briefing can be")
        data = path.read_bytes()
    except OSError as exc:
        raise refuse(name, f"cannot be read ({exc.strerror})") from exc
    if not data.startswith(b"PK"):
        raise refuse(name, "is not a DOCX file (not a zip archive)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise refuse(name, f"is not a DOCX file (damaged zip: {exc})") from exc
    _check_sizes(name, infos, len(data))
    names = {i.filename for i in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise refuse(name, "is not a DOCX file (no word/document.xml)")
    return z, name


def _check_sizes(name: str, infos: list[zipfile.ZipInfo], packed: int) -> None:
    if len(infos) > MAX_MEMBERS:
        raise refuse(name, f"has {len(infos)} members, more than {MAX_MEMBERS}: not a briefing")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise refuse(name, f"unpacks to {total:,} bytes, more than {MAX_TOTAL_BYTES:,} (a zip bomb?)")
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise refuse(name, f"member {i.filename} is compressed {i.file_size // max(i.compress_size, 1)}:1, "
                               f"more than {MAX_RATIO}:1 (a zip bomb?)")
    if total > 1_000_000 and total > MAX_RATIO * packed:
        raise refuse(name, f"is compressed {total // packed}:1 overall, more than {MAX_RATIO}:1 (a zip bomb?)")


def read_part(z: zipfile.ZipFile, name: str, part: str) -> _Element | None:
    """One XML part, bounded (the zip's sizes may lie) and parsed without DTD, entities or network."""
    from lxml import etree

    try:
        with z.open(part) as fh:
            data = fh.read(MAX_PART_BYTES + 1)
    except KeyError:
        return None
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:  # encrypted, damaged
        raise refuse(name, f"member {part} cannot be read ({exc})") from exc
    if len(data) > MAX_PART_BYTES:
        raise refuse(name, f"member {part} unpacks to more than {MAX_PART_BYTES:,} bytes (a zip bomb?)")
    if re.search(rb"<!DOCTYPE|<!ENTITY", data[:4096] + (data[-4096:] if len(data) > 4096 else b"")) \
            or b"<!ENTITY" in data:
        raise refuse(name, f"member {part} declares a DTD or entities, which a DOCX never needs")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise refuse(name, f"member {part} is not well-formed XML ({exc})") from exc


def package_notes(z: zipfile.ZipFile, name: str) -> list[str]:
    """What the package carries that presskit leaves alone: macros, relationships to outside files."""
    notes = []
    names = set(z.namelist())
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        notes.append("the file contains macros (vbaProject.bin): ignored, never run")
    for rels in sorted(n for n in names if n.endswith(".rels")):
        root = read_part(z, name, rels)
        for rel in root.iter(f"{PR}Relationship") if root is not None else ():
            if rel.get("TargetMode") == "External" and not (rel.get("Type") or "").endswith("/hyperlink"):
                kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
                notes.append(f"external relationship ({kind}) to {rel.get('Target', '')[:80]}: not followed")
    return notes
