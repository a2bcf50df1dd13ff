"""Preflight: read every built PDF (pikepdf, pypdfium2) and list what a print shop would send back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .errors import Problem
from .pdf_content import ContentWalker

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
    draft: bool = False  # built with --draft: the DRAFT mark may cross the safety margin

    def key(self) -> str:
        """Digest of the rules (settings and this module's code): a change drops cached results."""
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
        data = json.dumps([asdict(self), __version__, code], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()[:16]


def expectations_for(campaign, unit, draft: bool = False) -> Expectations:
    """The rules for one built unit, from the campaign's print settings and the output's kind."""
    out = campaign.outputs[unit.output]
    return Expectations(pdfx=unit.edition == "print", booklet=out.booklet and unit.edition == "print",
                        bleed_mm=campaign.print.bleed_mm, fonts=tuple(campaign.print.fonts), draft=draft)


def draft_targets(root: Path) -> set[str]:
    """Targets whose last build was a draft (from the build state), which are not for print."""
    from .build import State

    return {target for target, entry in State(root).units.items() if entry.get("draft")}


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
    drafts = draft_targets(root)
    for unit in plan(campaign):
        path = root / unit.target
        if not unit.target.endswith(".pdf") or not path.is_file():
            continue
        checked += 1
        expect = expectations_for(campaign, unit, draft=unit.target in drafts)
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
    if expect.pdfx and not expect.draft:
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
