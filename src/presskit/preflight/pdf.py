"""Preflight: read every built PDF (pikepdf, pypdfium2) and list what a print shop would send back."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem
from ..store import JsonStore, code_version
from . import content, fonts, ink, links
from .content import ContentWalker
from .fonts import check_fonts
from .links import check_urls, link_urls, urls_in_text

if TYPE_CHECKING:
    import pikepdf

    from ..build.units import Unit
    from ..source.config import Campaign
    from .fonts import PdfObject

MM = 72 / 25.4
CACHE_FILE = "preflight.json"  # under build/.presskit/
BOX_TOLERANCE_PT = 0.5
Box = tuple[float, float, float, float]  # x0 y0 x1 y1, lower left first


@dataclass(frozen=True)
class Finding:
    """One preflight finding: which file and page, what is wrong, how to fix it."""

    file: str
    page: int | None
    what: str
    fix: str
    severity: str = "error"  # or "warning": a heuristic (an address that looks broken)

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
    press: str = ""  # the printing condition's name (FOGRA39 …) in findings
    tac: float = 330.0  # its total area coverage limit, %
    intent: str = ""  # the OutputConditionIdentifier the output intent must carry ("": any)


def expectations_for(campaign: Campaign, unit: Unit, draft: bool = False) -> Expectations:
    """The rules for one built unit, from the campaign's print settings and the output's kind."""
    from ..pdf.finish import intent_names
    from ..source.press import PRESSES

    out = campaign.outputs[unit.output]
    press = PRESSES[campaign.print.press]
    return Expectations(pdfx=unit.edition == "print", booklet=out.booklet and unit.edition == "print",
                        bleed_mm=campaign.print.bleed_mm, fonts=tuple(campaign.print.fonts), draft=draft,
                        press=press.identifier, tac=press.tac, intent=intent_names(campaign.print)[0])


def draft_targets(root: Path) -> set[str]:
    """Targets whose last build was a draft (from the build state), which are not for print."""
    from ..build.state import State

    return {target for target, entry in State(root).units.items() if entry.get("draft")}


def _store(root: Path) -> JsonStore:
    """Findings per PDF by its digest and the rules it was checked against (build/.presskit/preflight.json)."""
    return JsonStore(root, CACHE_FILE, code_version(__name__, content.__name__, fonts.__name__, ink.__name__,
                                                      links.__name__), create=True)


def preflight_project(campaign: Campaign) -> tuple[list[Finding], int]:
    """Preflight every built PDF of the project (cached per file digest); returns findings and count."""
    from ..build.formats import format_of
    from ..build.units import plan
    from ..files import file_digest

    root = campaign.root
    store = _store(root)
    findings: list[Finding] = []
    checked = 0
    drafts = draft_targets(root)
    for unit in plan(campaign):
        path = root / unit.target
        if not format_of(unit).paged or not path.is_file():
            continue
        checked += 1
        expect = expectations_for(campaign, unit, draft=unit.target in drafts)
        depends = [file_digest(path), asdict(expect)]
        found = store.get(unit.target, depends, valid=valid_findings)
        if found is None:
            found = [asdict(f) for f in inspect_pdf(path, expect, unit.target)]
            store.put(unit.target, depends, found)
        findings.extend(Finding(**f) for f in found)
    store.save()
    return findings, checked


def valid_findings(rows: object) -> bool:
    """The shape preflight_project() stores: a list of Finding fields (the cache is untrusted)."""
    return isinstance(rows, list) and all(
        isinstance(r, dict) and set(r) - {"severity"} == {"file", "page", "what", "fix"} and isinstance(r["file"], str)
        and r.get("severity", "error") in ("error", "warning")
        and (r["page"] is None or type(r["page"]) is int) and isinstance(r["what"], str) and isinstance(r["fix"], str)
        for r in rows)


def recorded_findings(root: Path) -> dict[str, tuple[str, list[Finding]]]:
    """{target: (PDF digest, findings)} as `presskit check` last recorded them (the build report)."""
    out = {}
    for target, entry in _store(root).entries.items():
        try:
            if isinstance(entry["depends"][0], str) and valid_findings(entry["value"]):
                out[target] = (entry["depends"][0], [Finding(**f) for f in entry["value"]])
        except (TypeError, KeyError, IndexError):
            continue
    return out


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
            findings += [Finding(name, number, what, fix, "warning")
                         for what, fix in check_urls(link_urls(page), "link")]
    if expect.pdfx and not expect.draft:
        findings += check_safety(path, name, expect)
    return sorted(findings, key=lambda f: (f.page or 0))


# ---- document-level rules ------------------------------------------------------------------

def check_document(pdf: pikepdf.Pdf, expect: Expectations) -> list[tuple[int | None, str, str]]:
    """Page count of booklets and the PDF/X output intent."""
    out: list[tuple[int | None, str, str]] = []
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
                        "set print.press (or print.icc_profile) in content/campaign.yaml and rebuild"))
        elif expect.intent and str(intents[0].get("/OutputConditionIdentifier", "")) != expect.intent:
            found = str(intents[0].get("/OutputConditionIdentifier", ""))
            out.append((None, f"the output intent is '{found}', not {expect.intent} as print.press says",
                        "rebuild the file with presskit build (the press condition changed since)"))
    return out


def check_boxes(page: pikepdf.Page, expect: Expectations) -> list[tuple[str, str]]:
    """TrimBox and BleedBox present, bleed as configured, both inside the MediaBox."""
    fix = "build print editions with presskit (pdf/finish.py sets the boxes); check print.bleed_mm"
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
    if not _inside(trim, bleed):
        out.append(("TrimBox reaches outside the BleedBox", fix))
    if not _inside(bleed, media):
        out.append(("BleedBox reaches outside the MediaBox", fix))
    return out


def _box(obj: PdfObject) -> Box:
    x0, y0, x1, y1 = (float(v) for v in obj)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _inside(inner: Box, outer: Box) -> bool:
    t = BOX_TOLERANCE_PT
    return (inner[0] >= outer[0] - t and inner[1] >= outer[1] - t
            and inner[2] <= outer[2] + t and inner[3] <= outer[3] + t)


def blank(page: Any, text: Any, trim: Box, bleed: float) -> bool:
    """Whether nothing is printed on the page: no text, and no path or image inside the trim but the
    crop marks (presskit draws them as one path reaching out beyond the bleed, into the slug)."""
    if text.count_chars():
        return False
    reach = bleed + 2.0  # pt: a full-bleed background ends at the bleed
    for obj in page.get_objects(max_depth=1):
        bounds = getattr(obj, "get_bounds", None) or obj.get_pos  # pypdfium2 5 renamed get_pos
        left, bottom, right, top = bounds()
        marks = left < trim[0] - reach and bottom < trim[1] - reach and right > trim[2] + reach and top > trim[3] + reach
        if not marks and left < trim[2] and right > trim[0] and bottom < trim[3] and top > trim[1]:
            return False
    return True


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
            findings += [Finding(name, number, what, fix, "warning")
                         for what, fix in check_urls(urls_in_text(text.get_text_range()), "printed address")]
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
                near = distance < expect.safety_mm * MM - 0.01 and not outside
                if near and (nearest is None or distance < nearest[0]):
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
            if expect.booklet and 1 < number < len(trims) and blank(page, text, trim, expect.bleed_mm * MM):
                findings.append(Finding(
                    name, number, "blank page: the booklet's chapters could not make a multiple of 4 pages, "
                    "so the template's pad page stands here", "shorten or lengthen the text by about a page, or "
                    "mark more chapters data-presskit-run-on in the template (docs/print-and-preflight.md, "
                    "\"Page plan\")", "warning"))
            text.close()
            page.close()
    finally:
        document.close()
    return findings
