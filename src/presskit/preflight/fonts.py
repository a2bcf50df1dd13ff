"""Fonts in built PDFs, read one way for every check: their family, and the CMaps that map codes to glyphs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from .pdf import Expectations

    # A pikepdf object as the checks read it: duck-typed, a plain {} standing in for a missing
    # dictionary (pikepdf's types allow neither that nor the content operands' own types).
    PdfObject = Any

STYLE_WORDS = {"regular", "bold", "italic", "oblique", "light", "medium", "semibold", "black",
               "thin", "extralight", "extrabold", "condensed", "semicondensed", "book", "roman",
               "demilight"}


def check_fonts(fonts: dict[str, PdfObject], expect: Expectations) -> list[tuple[str, str]]:
    """Fonts used on a page: embedded, and of a family the configuration names."""
    out = []
    for base, font in fonts.items():
        descriptor = descriptor_of(font)
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs are drawn by the file itself
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append((f"font {base} is not embedded",
                        "use a font installed on the build machine (fonts-noto-core); WeasyPrint "
                        "embeds every font it can read"))
            continue
        family = font_family(descriptor, base)
        if not family_allowed(family, expect.fonts):
            out.append((f"font {base} (family '{family}') is not named in the configuration",
                        f"use one of: {', '.join(expect.fonts)} — or add it to print.fonts in "
                        "content/campaign.yaml"))
    return out


def descriptor_of(font: PdfObject) -> PdfObject | None:
    """The FontDescriptor of a PDF font (of its descendant, for a Type0 font)."""
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    return font.get("/FontDescriptor")


def squash(name: str) -> str:
    """A family name compared without case, spaces or hyphens (Noto Sans = NotoSans = noto-sans)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


def font_family(descriptor: PdfObject, base: str) -> str:
    """The family a font program declares (name table), else its PostScript name minus styles."""
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            try:
                import io

                from fontTools.ttLib import TTFont

                names = TTFont(io.BytesIO(descriptor[key].read_bytes()), lazy=True)["name"]
                for name_id in (16, 1):
                    record: str | None = names.getDebugName(name_id)
                    if record:
                        return record
            except Exception:  # a CFF-only or damaged program: fall back to the PostScript name
                pass
    return family_from_name(base)


def family_from_name(base: str) -> str:
    """The family in a PostScript font name: ABCDEF+Noto-Sans-CJK-SC-Bold → Noto Sans CJK SC."""
    name = base.split("+", 1)[-1]
    words = name.replace(",", "-").replace("_", "-").split("-")
    while len(words) > 1 and squash(words[-1]) in STYLE_WORDS:
        words.pop()
    return " ".join(words)


def cid_map(encoding: PdfObject | None) -> Callable[[int], int] | None:
    """Code → CID for a Type0 font's encoding: Identity, or an embedded two-byte CMap.

    WeasyPrint writes its own CMap when text holds characters no font has: their codes map to
    CID 0, the .notdef glyph. The CMap is read token by token (cidchar and cidrange entries).
    """
    import pikepdf

    if encoding in ("/Identity-H", "/Identity-V"):
        return lambda code: code
    if not isinstance(encoding, pikepdf.Stream):
        return None
    tokens = encoding.read_bytes().decode("latin-1").split()
    single: dict[int, int] = {}
    ranges: list[tuple[int, int, int]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] == "begincidchar":
            i += 1
            while tokens[i] != "endcidchar":
                single[int(tokens[i].strip("<>"), 16)] = int(tokens[i + 1])
                i += 2
        elif tokens[i] == "begincidrange":
            i += 1
            while tokens[i] != "endcidrange":
                ranges.append((int(tokens[i].strip("<>"), 16), int(tokens[i + 1].strip("<>"), 16),
                               int(tokens[i + 2])))
                i += 3
        i += 1

    def to_cid(code: int) -> int:
        if code in single:
            return single[code]
        for low, high, first in ranges:
            if low <= code <= high:
                return first + code - low
        return 0  # unmapped codes show .notdef

    return to_cid




def family_allowed(family: str, families: Iterable[str]) -> bool:
    """Whether *family* is one of the configured *families* (compared squashed)."""
    return squash(family) in {squash(f) for f in families}
