"""Preflight: read every built PDF (pikepdf, pypdfium2) and list what a print shop would send back."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .errors import Problem

MM = 72 / 25.4
CACHE_FILE = Path("build") / ".presskit" / "preflight.json"
BOX_TOLERANCE_PT = 0.5
STYLE_WORDS = {"regular", "bold", "italic", "oblique", "light", "medium", "semibold", "black",
               "thin", "extralight", "extrabold", "condensed", "semicondensed", "book", "roman"}


@dataclass(frozen=True)
class Finding:
    """One preflight finding: which file and page, what is wrong, how to fix it."""

    file: str
    page: int | None
    what: str
    fix: str

    def problem(self) -> Problem:
        """The finding as a user-facing Problem (file, page, what — fix)."""
        where = f"page {self.page}: " if self.page else ""
        return Problem(self.file, None, where + self.what, self.fix)


@dataclass(frozen=True)
class Expectations:
    """What a PDF must satisfy: print editions are PDF/X with bleed; booklets have 4n pages."""

    pdfx: bool
    booklet: bool = False
    bleed_mm: float = 3.0
    fonts: tuple[str, ...] = ("Noto Serif", "Noto Sans")
    safety_mm: float = 5.0
    min_ppi: float = 300.0

    def key(self) -> str:
        """Digest of the rules, so cached results are dropped when the rules change."""
        data = json.dumps([asdict(self), __version__], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def expectations_for(campaign, unit) -> Expectations:
    """The rules for one built unit, from the campaign's print settings and the output's kind."""
    out = campaign.outputs[unit.output]
    return Expectations(pdfx=unit.edition == "print", booklet=out.booklet and unit.edition == "print",
                        bleed_mm=campaign.print.bleed_mm, fonts=tuple(campaign.print.fonts))


def preflight_project(campaign) -> tuple[list[Finding], int]:
    """Preflight every built PDF of the project (cached per file digest); returns findings and count."""
    from .build import plan

    root = campaign.root
    cache_path = root / CACHE_FILE
    try:
        cache = json.loads(cache_path.read_text())
    except (FileNotFoundError, ValueError):
        cache = {}
    findings, checked, changed = [], 0, False
    for unit in plan(campaign):
        path = root / unit.target
        if not unit.target.endswith(".pdf") or not path.is_file():
            continue
        checked += 1
        expect = expectations_for(campaign, unit)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = cache.get(unit.target)
        if not (entry and entry["digest"] == digest and entry["rules"] == expect.key()):
            entry = {"digest": digest, "rules": expect.key(),
                     "findings": [asdict(f) for f in inspect_pdf(path, expect, unit.target)]}
            cache[unit.target], changed = entry, True
        findings.extend(Finding(**f) for f in entry["findings"])
    if changed:
        from .build import atomic_write

        atomic_write(cache_path, json.dumps(cache, indent=1, sort_keys=True).encode())
    return findings, checked


def inspect_pdf(path: Path, expect: Expectations, name: str | None = None) -> list[Finding]:
    """Every finding for one PDF file."""
    import pikepdf

    name = name or str(path)
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as exc:
        return [Finding(name, None, f"not a readable PDF ({exc})", "rebuild it with presskit build")]
    with pdf:
        findings = [Finding(name, *f) for f in check_document(pdf, expect)]
        for number, page in enumerate(pdf.pages, 1):
            walker = ContentWalker(expect)
            walker.walk_page(page)
            issues = walker.issues + check_fonts(walker.fonts, expect)
            if expect.pdfx:
                issues += check_boxes(page, expect)
            findings += [Finding(name, number, what, fix) for what, fix in dict.fromkeys(issues)]
    if expect.pdfx:
        findings += check_safety(path, name, expect)
    return sorted(findings, key=lambda f: (f.page or 0))


# ---- document-level rules ------------------------------------------------------------------

def check_document(pdf, expect: Expectations) -> list[tuple[int | None, str, str]]:
    """Page count of booklets and the PDF/X output intent."""
    out = []
    count = len(pdf.pages)
    if expect.booklet and count % 4:
        out.append((None, f"booklet has {count} pages, not a multiple of 4 (saddle stitching needs "
                          f"{count + (-count % 4)})",
                    "give the template pad pages (id booklet-pad-1, -2, -3) or shorten the text"))
    if expect.pdfx:
        intents = [i for i in pdf.Root.get("/OutputIntents", []) if i.get("/S") == "/GTS_PDFX"]
        profile = intents[0].get("/DestOutputProfile") if intents else None
        if profile is None or int(profile.get("/N", 0)) != 4:
            out.append((None, "no PDF/X output intent with a CMYK profile",
                        "set print.icc_profile in content/campaign.yaml to a CMYK ICC profile"))
    return out


def check_boxes(page, expect: Expectations) -> list[tuple[str, str]]:
    """TrimBox and BleedBox present, bleed as configured, both inside the MediaBox."""
    fix = "build print editions with presskit (pdf.py sets the boxes); check print.bleed_mm"
    if "/TrimBox" not in page.obj:
        return [("no TrimBox: the print shop cannot tell where to cut", fix)]
    if "/BleedBox" not in page.obj:
        return [("no BleedBox: the bleed area is undefined", fix)]
    trim, bleed, media = (_box(page.obj[k]) for k in ("/TrimBox", "/BleedBox", "/MediaBox"))
    out = []
    want = expect.bleed_mm * MM
    sides = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
    if any(abs(s - want) > BOX_TOLERANCE_PT for s in sides):
        got = ", ".join(f"{s / MM:.1f}" for s in sides)
        out.append((f"BleedBox is {got} mm beyond the TrimBox (left, bottom, right, top), "
                    f"expected {expect.bleed_mm:g} mm on every side", fix))
    if not _inside(bleed, media):
        out.append(("BleedBox reaches outside the MediaBox", fix))
    return out


def _box(obj) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in obj)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner, outer) -> bool:
    t = BOX_TOLERANCE_PT
    return (inner[0] >= outer[0] - t and inner[1] >= outer[1] - t
            and inner[2] <= outer[2] + t and inner[3] <= outer[3] + t)


# ---- fonts ---------------------------------------------------------------------------------

def check_fonts(fonts: dict, expect: Expectations) -> list[tuple[str, str]]:
    """Fonts used on a page: embedded, and of a family the configuration names."""
    out = []
    allowed = {_squash(f) for f in expect.fonts}
    for base, font in fonts.items():
        descriptor = _descriptor(font)
        if font.get("/Subtype") == "/Type3":
            continue  # glyphs are drawn by the file itself
        if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            out.append((f"font {base} is not embedded",
                        "use a font installed on the build machine (fonts-noto-core); WeasyPrint "
                        "embeds every font it can read"))
            continue
        family = _family(descriptor, base)
        if _squash(family) not in allowed:
            out.append((f"font {base} (family '{family}') is not named in the configuration",
                        f"use one of: {', '.join(expect.fonts)} — or add it to print.fonts in "
                        "content/campaign.yaml"))
    return out


def _descriptor(font):
    if font.get("/Subtype") == "/Type0":
        font = font.DescendantFonts[0]
    return font.get("/FontDescriptor")


def _squash(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def _family(descriptor, base: str) -> str:
    """The family a font program declares (name table), else its PostScript name minus styles."""
    for key in ("/FontFile2", "/FontFile3"):
        if key in descriptor:
            try:
                import io

                from fontTools.ttLib import TTFont

                names = TTFont(io.BytesIO(descriptor[key].read_bytes()), lazy=True)["name"]
                for name_id in (16, 1):
                    record = names.getDebugName(name_id)
                    if record:
                        return record
            except Exception:  # a CFF-only or damaged program: fall back to the PostScript name
                pass
    name = base.split("+", 1)[-1]
    words = name.replace(",", "-").replace("_", "-").split("-")
    while len(words) > 1 and _squash(words[-1]) in STYLE_WORDS:
        words.pop()
    return " ".join(words)


# ---- content streams: colours, images, glyphs ------------------------------------------------

@dataclass
class _State:
    ctm: tuple = (1, 0, 0, 1, 0, 0)
    fill: object = None
    stroke: object = None
    font: object = None


def _mul(m, n):
    """Matrix product m × n in PDF's [a b c d e f] convention."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


@dataclass
class ContentWalker:
    """Follows a page's content (and its forms) keeping the graphics state that the rules need."""

    expect: Expectations
    issues: list = field(default_factory=list)
    fonts: dict = field(default_factory=dict)
    _seen_forms: set = field(default_factory=set)

    def walk_page(self, page) -> None:
        """Inspect one page's content streams and everything they draw."""
        import pikepdf

        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        group = page.obj.get("/Group")
        if group is not None and self.expect.pdfx and self._is_rgb(group.get("/CS"), resources):
            self._rgb("page transparency group blends in RGB")
        self._walk(pikepdf.parse_content_stream(page), resources, _State())

    def _walk(self, ops, resources, state: _State) -> None:
        import pikepdf

        stack = []
        for operands, op in ops:
            op = str(op)
            if isinstance(operands, pikepdf.PdfInlineImage):  # BI … ID … EI
                self._image(operands.obj, state, "inline image", resources)
            elif op == "q":
                stack.append(_State(state.ctm, state.fill, state.stroke, state.font))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
            elif op in ("rg", "RG") and self.expect.pdfx:
                self._rgb(f"RGB colour ({' '.join(f'{float(v):g}' for v in operands)} {op})")
            elif op in ("cs", "CS"):
                space = operands[0]
                if op == "cs":
                    state.fill = space
                else:
                    state.stroke = space
                if self.expect.pdfx and self._is_rgb(space, resources):
                    self._rgb(f"RGB colour space {space} selected")
            elif op == "Tf":
                state.font = resources.get("/Font", {}).get(operands[0])
                if state.font is not None:
                    self.fonts[str(state.font.get("/BaseFont", operands[0]))[1:]] = state.font
            elif op in ("Tj", "'", '"', "TJ"):
                self._glyphs(operands, state.font)
            elif op == "Do":
                self._xobject(operands[0], resources, state)
            elif op == "sh" and self.expect.pdfx:
                shading = resources.get("/Shading", {}).get(operands[0])
                if shading is not None and self._is_rgb(shading.get("/ColorSpace"), resources):
                    self._rgb("RGB gradient (shading)")

    def _xobject(self, name, resources, state: _State) -> None:
        import pikepdf

        xobj = resources.get("/XObject", {}).get(name)
        if xobj is None:
            return
        if xobj.get("/Subtype") == "/Image":
            self._image(xobj, state, f"image {name}", resources)
        elif xobj.get("/Subtype") == "/Form" and xobj.objgen not in self._seen_forms:
            self._seen_forms.add(xobj.objgen)
            group = xobj.get("/Group")
            inner = xobj.get("/Resources", resources)
            if group is not None and self.expect.pdfx and self._is_rgb(group.get("/CS"), inner):
                self._rgb("transparency group blends in RGB")
            matrix = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            inner_state = _State(_mul(matrix, state.ctm), state.fill, state.stroke, state.font)
            self._walk(pikepdf.parse_content_stream(xobj), inner, inner_state)
            self._seen_forms.discard(xobj.objgen)

    def _image(self, image, state: _State, label: str, resources) -> None:
        if not self.expect.pdfx or image.get("/ImageMask", image.get("/IM", False)):
            return
        space = image.get("/ColorSpace", image.get("/CS"))
        if self._is_rgb(space, resources):
            self._rgb(f"RGB {label}", "convert the image to CMYK (or greyscale) before placing it")
        width, height = int(image.get("/Width", image.get("/W", 0))), int(image.get("/Height", image.get("/H", 0)))
        a, b, c, d, _, _ = state.ctm
        placed_w, placed_h = math.hypot(a, b), math.hypot(c, d)  # the unit square, placed
        if not (width and height and placed_w and placed_h):
            return
        ppi = min(width / (placed_w / 72), height / (placed_h / 72))
        if ppi < self.expect.min_ppi - 0.5:
            need_w = math.ceil(placed_w / 72 * self.expect.min_ppi)
            need_h = math.ceil(placed_h / 72 * self.expect.min_ppi)
            self.issues.append((
                f"{label} ({width}×{height} px) is placed at {placed_w / MM:.0f}×{placed_h / MM:.0f} mm: "
                f"{ppi:.0f} ppi, below {self.expect.min_ppi:g} ppi",
                f"use an image of at least {need_w}×{need_h} px, or place it smaller"))

    def _glyphs(self, operands, font) -> None:
        """Find glyph 0 (.notdef) among the codes a text operator shows."""
        if font is None:
            return
        import pikepdf

        strings = []
        for item in operands:
            if isinstance(item, pikepdf.Array):
                strings += [bytes(s) for s in item if isinstance(s, pikepdf.String)]
            elif isinstance(item, pikepdf.String):
                strings.append(bytes(item))
        if font.get("/Subtype") == "/Type0" and font.get("/Encoding") in ("/Identity-H", "/Identity-V"):
            gid_map = font.DescendantFonts[0].get("/CIDToGIDMap", "/Identity")
            table = None if isinstance(gid_map, pikepdf.Name) else gid_map.read_bytes()
            for data in strings:
                for i in range(0, len(data) - 1, 2):
                    cid = int.from_bytes(data[i:i + 2], "big")
                    gid = cid if table is None else int.from_bytes(table[2 * cid:2 * cid + 2] or b"\0\0", "big")
                    if gid == 0:
                        return self._notdef(font)
        elif "/Differences" in font.get("/Encoding", {}):
            names, code = {}, 0
            for item in font.Encoding.Differences:
                if isinstance(item, int):
                    code = int(item)
                else:
                    names[code], code = str(item), code + 1
            if any(names.get(byte) == "/.notdef" for data in strings for byte in data):
                self._notdef(font)

    def _notdef(self, font) -> None:
        base = str(font.get("/BaseFont", "?"))[1:]
        self.issues.append((f"missing glyph (.notdef) in font {base}: a character the font does not have",
                            "use a font that covers the text's script (add it to the template's "
                            "font-family and to print.fonts) or correct the character"))

    def _rgb(self, what: str, fix: str = "use device-cmyk() colours from templates/shared/palette.css "
             "in print editions") -> None:
        self.issues.append((f"{what} in a PDF/X (print) edition", fix))

    def _is_rgb(self, space, resources, depth: int = 0) -> bool:
        """True when a colour space (name or array, resolved through resources) is RGB-based."""
        import pikepdf

        if space is None or depth > 5:
            return False
        if isinstance(space, pikepdf.Name):
            if space in ("/DeviceRGB", "/RGB", "/CalRGB"):
                return True
            named = resources.get("/ColorSpace", {}).get(space)
            return self._is_rgb(named, resources, depth + 1) if named is not None else False
        if isinstance(space, pikepdf.Array) and len(space):
            family = space[0]
            if family == "/ICCBased":
                return int(space[1].get("/N", 0)) == 3
            if family == "/CalRGB":
                return True
            if family in ("/Indexed", "/I"):
                return self._is_rgb(space[1], resources, depth + 1)
            if family in ("/Separation", "/DeviceN"):
                return self._is_rgb(space[2], resources, depth + 1)
        return False


# ---- text positions: the safety margin -------------------------------------------------------

def check_safety(path: Path, name: str, expect: Expectations) -> list[Finding]:
    """Text closer than the safety margin to the trim (text in the slug, outside the bleed, is fine)."""
    import pikepdf
    import pypdfium2

    with pikepdf.open(path) as pdf:
        trims = [_box(p.obj.get("/TrimBox", p.mediabox)) for p in pdf.pages]
    findings = []
    document = pypdfium2.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, 1):
            trim = trims[number - 1]
            text = page.get_textpage()
            nearest = None
            for i in range(text.count_chars()):
                char = text.get_text_range(i, 1)
                if not char.strip():
                    continue
                box = text.get_charbox(i)  # in PDF user space, like the TrimBox
                if box[2] <= box[0] and box[3] <= box[1]:
                    continue
                distance = min(box[0] - trim[0], box[1] - trim[1], trim[2] - box[2], trim[3] - box[3])
                outside = (box[2] < trim[0] - expect.bleed_mm * MM or box[0] > trim[2] + expect.bleed_mm * MM
                           or box[3] < trim[1] - expect.bleed_mm * MM or box[1] > trim[3] + expect.bleed_mm * MM)
                if distance < expect.safety_mm * MM - 0.01 and not outside:
                    if nearest is None or distance < nearest[0]:
                        nearest = (distance, i)
            if nearest:
                distance, i = nearest
                snippet = text.get_text_range(max(0, i - 12), 24).replace("\r", " ").replace("\n", " ").strip()
                findings.append(Finding(
                    name, number,
                    f"text inside the {expect.safety_mm:g} mm safety margin: '{snippet}' is "
                    f"{distance / MM:.1f} mm from the trim",
                    f"keep text at least {expect.safety_mm:g} mm inside the trim (page margins, "
                    "positioned boxes in the template)"))
            text.close()
            page.close()
    finally:
        document.close()
    return findings
