"""Package-level helpers for DOCX files: deterministic zips, core/app properties and language, footnotes
part, embedded (obfuscated) fonts."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, PartFactory, XmlPart
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn

from ..languages import language
from ..patches import docx_members, replace_part_blob

if TYPE_CHECKING:
    from docx.document import Document

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# The earliest time a zip entry can carry: every entry gets it, so identical input gives identical bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# python-docx has no footnotes part class; loading a reference's footnotes as XML lets us append to them.
PartFactory.part_type_for.setdefault(CT.WML_FOOTNOTES, XmlPart)


def deterministic_zip(data: bytes) -> bytes:
    """Re-pack a zip with fixed entry times and attributes, keeping the entry order ([Content_Types].xml first)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            _write_entry(dst, info.filename, src.read(info.filename))
    return out.getvalue()


def save_deterministic(document: Document) -> bytes:
    """The document as DOCX bytes, written once: what deterministic_zip(document.save()) gives.

    python-docx's own save compresses every part only for deterministic_zip to inflate and
    compress it again; here its PackageWriter hands the same members, in the same order, to
    _pack, which writes the zip zipfile would write (presskit.patches.docx_members).
    """
    entries = docx_members(document)
    if entries is None:  # another python-docx version: its own save, then re-packed
        buffer = io.BytesIO()
        document.save(buffer)
        return deterministic_zip(buffer.getvalue())
    return _pack(entries)


def _write_entry(dst: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 0  # MS-DOS, as Word writes it; avoids host-dependent attributes
    entry.external_attr = 0
    dst.writestr(entry, data, compresslevel=9)


# Deflated members by content. Most parts of the 18 briefing copies (styles, numbering, headers,
# relationships) are the same bytes in every copy; level-9 deflate was a fifth of a copy's CPU.
_DEFLATED: dict[bytes, tuple[int, bytes]] = {}
_DEFLATED_MAX = 256
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader, structCentralDir, structEndArchive
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
# zipfile replaces an external_attr of 0 by this (rw------- in the Unix half) when it opens the entry.
_ZIP_ATTR = 0o600 << 16
_DOS_TIME = ZIP_EPOCH[3] << 11 | ZIP_EPOCH[4] << 5 | ZIP_EPOCH[5] // 2
_DOS_DATE = (ZIP_EPOCH[0] - 1980) << 9 | ZIP_EPOCH[1] << 5 | ZIP_EPOCH[2]


def _pack(entries: list[tuple[str, bytes]]) -> bytes:
    """The zip that _write_entry() on a zipfile.ZipFile writes for *entries*, byte for byte.

    Written here rather than through zipfile only so that a member's deflated bytes can be
    reused (zipfile always compresses). The layout is zipfile's for this one case: ASCII names,
    no extra fields or comments, version 2.0, made on MS-DOS, sizes known up front (no data
    descriptor). Anything else (a non-ASCII name, zip64 sizes) goes through zipfile itself;
    tests compare the two.
    """
    if any(not name.isascii() for name, _ in entries) or sum(len(d) for _, d in entries) >= 1 << 31:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, data in entries:
                _write_entry(dst, name, data)
        return buffer.getvalue()
    out, central = bytearray(), bytearray()
    for name, data in entries:
        crc, packed = _deflate(data)
        raw = name.encode("ascii")
        offset = len(out)
        out += _LOCAL.pack(b"PK\x03\x04", 20, 0, 0, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, crc,
                           len(packed), len(data), len(raw), 0)
        out += raw
        out += packed
        central += _CENTRAL.pack(b"PK\x01\x02", 20, 0, 20, 0, 0, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE,
                                 crc, len(packed), len(data), len(raw), 0, 0, 0, 0, _ZIP_ATTR, offset)
        central += raw
    start = len(out)
    out += central
    out += _END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), start, 0)
    return bytes(out)


def _deflate(data: bytes) -> tuple[int, bytes]:
    """CRC-32 and raw deflate at level 9 (zipfile's compressor for ZIP_DEFLATED, compresslevel=9)."""
    found = _DEFLATED.get(data)
    if found is None:
        if len(_DEFLATED) >= _DEFLATED_MAX:
            _DEFLATED.clear()
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        found = _DEFLATED[data] = (zlib.crc32(data), compressor.compress(data) + compressor.flush())
    return found


def set_core_properties(document: Document, *, title: str, subject: str, author: str, language: str,
                        keywords: str, date: dt.date | None, category: str = "") -> None:
    """Document properties from the content; every python-docx default is overwritten."""
    props = document.core_properties
    stamp = dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time(0, 0))
    props.title, props.subject, props.author = title, subject, author
    props.language, props.keywords, props.category = language, keywords, category
    props.comments = ""  # python-docx's template says "generated by python-docx"
    props.last_modified_by = ""  # cleared: nobody has edited the generated file yet
    props.revision = 1
    props.created = props.modified = stamp
    props.content_status = props.identifier = props.version = ""
    core = props._element
    for child in list(core):
        # No empty elements, and no print date: a reference document's says nothing about this one.
        if child.tag.endswith("}lastPrinted") or not (child.text or "").strip():
            core.remove(child)


APP_XML = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>presskit</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>\
<Company>{company}</Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>\
<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"""


def set_app_properties(document: Document, company: str) -> None:
    """Replace docProps/app.xml (page and word counts would be stale anyway; Word recomputes them)."""
    # xml.sax.saxutils.escape's three replacements; importing it pulls in urllib.request (~60 ms)
    escaped = company.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    blob = APP_XML.format(company=escaped).encode("utf-8")
    for rel in document.part.package.rels.values():
        if rel.reltype == RT.EXTENDED_PROPERTIES and not rel.is_external:
            replace_part_blob(rel.target_part, blob)  # else the reference's own app.xml stays
            return
    part = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, blob, document.part.package)
    document.part.package.relate_to(part, RT.EXTENDED_PROPERTIES)


FOOTNOTES_XML = f"""<w:footnotes xmlns:w="{W_NS}" xmlns:r="{R_NS}">\
<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>\
<w:r><w:separator/></w:r></w:p></w:footnote>\
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr>\
<w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>"""


def footnotes_part(document: Document) -> XmlPart:
    """The document's footnotes part, created (with Word's separator footnotes) when missing."""
    for rel in document.part.rels.values():
        if rel.reltype == RT.FOOTNOTES:
            found: XmlPart = rel.target_part  # an XmlPart: the PartFactory entry above
            return found
    part = XmlPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, parse_xml(FOOTNOTES_XML),
                   document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)
    return part


def set_language(document: Document, lang: str) -> None:
    """The proofing language of the whole text (docDefaults), so Word checks spelling in it."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}") if defaults is not None else None
    if rpr is None:
        return
    node = rpr.find(qn("w:lang"))
    if node is None:
        node = OxmlElement("w:lang")
        rpr.append(node)  # w:lang sits near the end of w:rPr; the reference has none after it
    facts = language(lang)
    tag = facts.word_tag
    node.set(qn("w:val"), tag)
    if lang == "zh":
        node.set(qn("w:eastAsia"), tag)  # CJK text is proofed under the East Asian language
    if facts.rtl:
        node.set(qn("w:bidi"), tag)
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        if ppr is not None and ppr.find(qn("w:bidi")) is None:
            # right-to-left paragraphs; w:bidi precedes spacing, ind and jc in the schema
            later = [c for c in ppr if c.tag in {qn(n) for n in ("w:adjustRightInd", "w:snapToGrid",
                                                                  "w:spacing", "w:ind", "w:jc")}]
            bidi = OxmlElement("w:bidi")
            later[0].addprevious(bidi) if later else ppr.append(bidi)


# ---- embedded fonts (ECMA-376 Part 1, §17.8.1 "Font Embedding"; §17.8.3.3 w:embedRegular …) ----
EMBED_SLOTS = {"Regular": "w:embedRegular", "Bold": "w:embedBold", "Italic": "w:embedItalic",
               "BoldItalic": "w:embedBoldItalic"}
OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
FONTS_XML = f'<w:fonts xmlns:w="{W_NS}" xmlns:r="{R_NS}"/>'
# w:settings children that precede w:embedTrueTypeFonts and w:saveSubsetFonts in the schema.
SETTINGS_BEFORE_EMBED = ("w:writeProtection", "w:view", "w:zoom", "w:removePersonalInformation",
                         "w:removeDateAndTime", "w:doNotDisplayPageBoundaries", "w:displayBackgroundShape",
                         "w:printPostScriptOverText", "w:printFractionalCharacterWidth", "w:printFormsData")


def font_key(data: bytes) -> str:
    """A GUID for a font part, made from its bytes (the same font, the same key: identical files)."""
    h = hashlib.sha256(data).hexdigest().upper()
    return f"{{{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}}}"


def obfuscate_font(data: bytes, key: str) -> bytes:
    """ECMA-376's font obfuscation: the first 32 bytes XORed with the key, whose 16 bytes are the
    GUID's 32 hex digits read from the last pair to the first. Its own inverse."""
    digits = key.strip("{}").replace("-", "")
    xor = bytes.fromhex(digits)[::-1]
    head = bytes(b ^ xor[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(document: Document, faces: dict[str, list[tuple[str, bytes]]]) -> None:
    """Embed each family's faces ({family: [(slot, TrueType bytes)]}, slot as in EMBED_SLOTS) as
    obfuscated font parts of the font table, and tell Word (w:embedTrueTypeFonts) to keep them."""
    if not faces:
        return
    table = _font_table(document)
    for family, slots in faces.items():
        font = next((f for f in table.element.iterchildren(qn("w:font")) if f.get(qn("w:name")) == family), None)
        if font is None:
            font = OxmlElement("w:font")
            font.set(qn("w:name"), family)
            table.element.append(font)
        for old in [c for c in font if c.tag in {qn(tag) for tag in EMBED_SLOTS.values()}]:
            font.remove(old)
        for slot, data in sorted(slots, key=lambda s: list(EMBED_SLOTS).index(s[0])):  # schema order
            key = font_key(data)
            part = Part(document.part.package.next_partname("/word/fonts/font%d.odttf"), OBFUSCATED_FONT,
                        obfuscate_font(data, key), document.part.package)
            embed = OxmlElement(EMBED_SLOTS[slot])
            embed.set(qn("r:id"), table.relate_to(part, RT.FONT))
            embed.set(qn("w:fontKey"), key)
            font.append(embed)
    _settings_flags(document, "w:embedTrueTypeFonts", "w:saveSubsetFonts")


def _font_table(document: Document) -> XmlPart:
    for rel in document.part.rels.values():
        if rel.reltype == RT.FONT_TABLE and not rel.is_external:
            found: XmlPart = rel.target_part
            return found
    part = XmlPart(PackURI("/word/fontTable.xml"), CT.WML_FONT_TABLE, parse_xml(FONTS_XML), document.part.package)
    document.part.relate_to(part, RT.FONT_TABLE)
    return part


def _settings_flags(document: Document, *tags: str) -> None:
    """Set on/off w:settings flags (absent ones added after the settings that precede them)."""
    settings = document.settings.element
    anchor = None
    for child in settings:
        if child.tag in {qn(t) for t in SETTINGS_BEFORE_EMBED}:
            anchor = child
    for tag in tags:
        if settings.find(qn(tag)) is None:
            flag = OxmlElement(tag)
            if anchor is None:
                settings.insert(0, flag)
            else:
                anchor.addnext(flag)
            anchor = flag
