"""The fonts a briefing's styles name, found on this machine, subset for embedding in the DOCX.

Word on a ministry PC has Times New Roman and Arial, not Noto: without the fonts in the file it
substitutes them and reflows every page. So each font family the styles and list labels name
(w:rFonts) is embedded, in the four faces the machine has of it (package.embed_fonts writes them).
Only TrueType fonts whose licence allows embedding (OS/2 fsType) are taken; a family the machine
does not have (a ministry's reference in Times New Roman) is not embedded, and Word uses its own.
The faces are found by fontconfig, as WeasyPrint finds the PDFs' fonts, and read from the system
font folders. Each is cut down to what the document uses plus Latin (ASCII, Latin-1, Latin
Extended-A) and common punctuation, so the recipient can still type Latvian in the fields left
to fill in (number, signatory, contact). Cutting a face takes ~0.6 s, so the cut faces are kept
per user in $XDG_CACHE_HOME/presskit/fonts (~/.cache by default), keyed by the font file, the
characters and the fontTools version, each checked against its SHA-256 when read back.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from docx.opc.part import XmlPart
from docx.oxml.ns import qn

from ..files import atomic_write

if TYPE_CHECKING:
    from docx.document import Document

# Word's four embedding slots: (name in package.EMBED_SLOTS, bold, italic)
FACES = (("Regular", False, False), ("Bold", True, False), ("Italic", False, True), ("BoldItalic", True, True))
FONT_ATTRS = ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia")
BASE_CHARS = frozenset([*range(0x20, 0x7F), *range(0xA0, 0x180), *range(0x2010, 0x2027), 0x2039, 0x203A,
                        0x20AC, 0x2116, 0x2122])
FC_REGULAR, FC_BOLD, FC_ITALIC = 80, 200, 100  # fontconfig's weight (regular, bold) and slant (italic)
FS_TYPE_RESTRICTED = 0x0002  # OS/2 fsType bit: the licence forbids embedding
MAC_BOLD, MAC_ITALIC = 0x01, 0x02  # head.macStyle bits of the face itself (not a synthesised one)
CACHE_FORMAT = 1


def font_families(document: Document) -> list[str]:
    """The font families the styles (document defaults included) and list definitions name, in order."""
    roots = [document.styles.element, document.part.numbering_part.element]
    names: dict[str, None] = {}
    for root in roots:
        for fonts in root.iter(qn("w:rFonts")):
            for attr in FONT_ATTRS:
                if name := fonts.get(qn(attr)):
                    names.setdefault(name)
    return list(names)


def used_characters(document: Document) -> frozenset[int]:
    """Every character of the document's text (body, headers, footers, footnotes) and BASE_CHARS."""
    chars = set(BASE_CHARS)
    for part in document.part.package.iter_parts():
        if isinstance(part, XmlPart):
            for t in part.element.iter(qn("w:t"), qn("w:instrText")):
                chars.update(ord(c) for c in t.text or "")
    return frozenset(chars)


def embeddable_faces(document: Document) -> dict[str, list[tuple[str, bytes]]]:
    """Font family → [(slot, subset TrueType bytes)] for every family the machine has."""
    chars = used_characters(document)
    found: dict[str, list[tuple[str, bytes]]] = {}
    for family in font_families(document):
        faces = [(slot, path) for slot, bold, italic in FACES if (path := face_file(family, bold, italic))]
        if faces:
            found[family] = [(slot, subset_font(path, chars)) for slot, path in faces]
    return found


@lru_cache(maxsize=64)
def face_file(family: str, bold: bool, italic: bool) -> str | None:
    """The file of *family* in that face, if fontconfig has exactly it and it may be embedded."""
    weight, slant = (FC_BOLD if bold else FC_REGULAR), (FC_ITALIC if italic else 0)
    faces = [(abs(w - weight) + abs(s - slant), path) for w, s, path in installed_faces().get(family, ())
             if (w >= FC_BOLD) == bold and (s >= FC_ITALIC) == italic]
    for _distance, path in sorted(faces):
        return path if _may_embed(path, bold, italic) else None
    return None  # no such face: fontconfig would synthesise it, which Word cannot be given


@lru_cache(maxsize=1)
def installed_faces() -> dict[str, list[tuple[int, int, str]]]:
    """Family → (weight, slant, file) of every font fontconfig knows: one `fc-list` a process (a
    `fc-match` per family and face cost ~10 ms each, a tenth of a briefing's build)."""
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return {}
    try:
        out = subprocess.run([fc_list, "-f", "%{family[0]}|%{weight}|%{slant}|%{file}\n"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    found: dict[str, list[tuple[int, int, str]]] = {}
    for line in out.splitlines():
        family, weight, slant, path = (line.split("|", 3) + ["", "", ""])[:4]
        if weight.isdigit() and slant.isdigit() and path:  # a variable font's range ("[80 200]") is skipped
            found.setdefault(family, []).append((int(weight), int(slant), path))
    return found


def _may_embed(path: str, bold: bool, italic: bool) -> bool:
    """A TrueType face that is itself bold/italic as asked (fontconfig synthesises missing ones)
    and whose licence allows embedding."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(path, lazy=True) as font:
            style = font["head"].macStyle
            return ("glyf" in font and not font["OS/2"].fsType & FS_TYPE_RESTRICTED
                    and bool(style & MAC_BOLD) == bold and bool(style & MAC_ITALIC) == italic)
    except (OSError, TTLibError, KeyError):
        return False


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/presskit/fonts (~/.cache/presskit/fonts by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "presskit" / "fonts"


def subset_font(path: str, chars: frozenset[int]) -> bytes:
    """subset_font_now(), kept in the per-user cache (a damaged or foreign entry is made again)."""
    import fontTools

    stat = os.stat(path)
    key = f"{CACHE_FORMAT}\0{fontTools.version}\0{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
    key += ",".join(map(str, sorted(chars)))
    cache = cache_dir() / (hashlib.sha256(key.encode()).hexdigest() + ".ttf")
    try:
        stored = cache.read_bytes()
        if hashlib.sha256(stored[32:]).digest() == stored[:32]:
            return stored[32:]
    except OSError:
        pass
    data = subset_font_now(path, chars)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cache, hashlib.sha256(data).digest() + data, durable=False)
    except OSError:
        pass  # no cache (read-only home): only slower
    return data


@lru_cache(maxsize=32)
def subset_font_now(path: str, chars: frozenset[int]) -> bytes:
    """The font at *path* cut down to *chars*, fontTools' default layout features (kerning, marks,
    ligatures), every name and the hinting kept; the same bytes for the same input (no new time stamp)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    font = TTFont(path, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    return buffer.getvalue()
