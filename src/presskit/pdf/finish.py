"""Print finishing on WeasyPrint's PDF objects: exact boxes, registration-colour crop marks, output intent."""

from __future__ import annotations

import zlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pydyf

from ..errors import ConfigError, Problem
from ..source.containment import print_profile
from ..source.press import PRESSES, REGISTRY, profile_description

if TYPE_CHECKING:
    from weasyprint.document import Document

    from ..source.config import Campaign, PrintSettings

MM = 72 / 25.4  # PostScript points per millimetre
# Crop marks sit outside the bleed: they start this far beyond the trim and run this long.
MARK_OFFSET_MM = 3.0
MARK_LENGTH_MM = 5.0
MARK_WIDTH_PT = 0.25
SLUG_MM = 1.0  # white paper beyond the marks' ends, so no mark touches the sheet edge


class PrintFinisher:
    """Finishes a print edition as WeasyPrint writes it (its `finisher` hook, on the PDF objects):
    exact boxes, registration-colour crop marks outside the bleed, the CMYK output intent."""

    def __init__(self, campaign: Campaign):
        self.settings = campaign.print
        # Checked here, before rendering, whatever the value's source (campaign.yaml or its cache):
        # the press's profile as `make` made it, or print.icc_profile inside the project or under
        # /usr/share/color/icc/, a regular file, a CMYK ICC profile.
        found = print_profile(campaign)
        if isinstance(found, Problem):
            raise ConfigError(found)
        self.profile, self.data = found

    def __call__(self, document: Document, pdf: pydyf.PDF) -> None:
        settings = self.settings
        bleed = settings.bleed_mm * MM
        margin = max(bleed, (MARK_OFFSET_MM + MARK_LENGTH_MM + SLUG_MM) * MM
                     if settings.crop_marks else bleed)
        registration = None
        pages: list[dict[str, Any]] = [o for o in pdf.objects if isinstance(o, dict) and o.get("Type") == "/Page"]
        for page in pages:
            x0, y0, x1, y1 = (float(v) for v in page.get("TrimBox", page["MediaBox"]))
            page["TrimBox"] = pydyf.Array([x0, y0, x1, y1])
            page["BleedBox"] = pydyf.Array([x0 - bleed, y0 - bleed, x1 + bleed, y1 + bleed])
            page["MediaBox"] = pydyf.Array([x0 - margin, y0 - margin, x1 + margin, y1 + margin])
            for key in ("CropBox", "ArtBox", "Annots"):
                page.pop(key, None)
            if settings.crop_marks:
                if registration is None:
                    registration = add(pdf, registration_colour_space())
                resources = resolve(pdf, page["Resources"])  # WeasyPrint's pages share theirs
                spaces = resolve(pdf, resources.setdefault("ColorSpace", pydyf.Dictionary()))
                spaces["PKRegistration"] = registration.reference
                # WeasyPrint's content inside q/Q, so its transformation cannot leak into the marks.
                before = add(pdf, pydyf.Stream([b"q"]))
                after = add(pdf, pydyf.Stream([b"Q", crop_marks((x0, y0, x1, y1))], compress=True))
                page["Contents"] = pydyf.Array([before.reference, page["Contents"], after.reference])
        pdf.catalog["OutputIntents"] = pydyf.Array([self.output_intent(pdf)])

    def output_intent(self, pdf: pydyf.PDF) -> pydyf.Dictionary:
        """The PDF/X output intent: the CMYK profile of the printing condition the file is made for."""
        identifier, condition = intent_names(self.settings)
        icc = add(pdf, pydyf.Stream([compressed(self.data)], {"N": 4, "Filter": "/FlateDecode"}))
        return pydyf.Dictionary({
            "Type": "/OutputIntent", "S": "/GTS_PDFX",
            "OutputConditionIdentifier": pydyf.String(identifier),
            "OutputCondition": pydyf.String(condition),
            "Info": pydyf.String(profile_description(self.data) or self.profile.name),
            "RegistryName": pydyf.String(REGISTRY),
            "DestOutputProfile": icc.reference,
        })


def intent_names(settings: PrintSettings) -> tuple[str, str]:
    """OutputConditionIdentifier and OutputCondition: the press's registered name (FOGRA39, …), or
    'Custom' for a project that names both its own profile and its condition (as before print.press)."""
    press = PRESSES[settings.press]
    if settings.icc_profile and settings.output_condition:
        return "Custom", settings.output_condition
    return press.identifier, settings.output_condition or press.condition


def add(pdf: pydyf.PDF, obj: Any) -> Any:
    """*obj* added to *pdf* as an indirect object."""
    pdf.add_object(obj)
    return obj


def resolve(pdf: pydyf.PDF, value: Any) -> Any:
    """The object a reference (b"12 0 R", as pydyf writes them) points at; other values as they are."""
    if isinstance(value, bytes) and value.endswith(b" R"):
        return pdf.objects[int(value.split()[0])]
    return value


@lru_cache(maxsize=2)
def compressed(data: bytes) -> bytes:
    """The profile's bytes, Flate-compressed once per process (and again when the file changes)."""
    return zlib.compress(data)


def registration_colour_space() -> pydyf.Array:
    """The registration colour: a Separation named All, which prints on every plate (C, M, Y and K)."""
    tint = pydyf.Dictionary({"FunctionType": 2, "Domain": pydyf.Array([0, 1]),
                             "C0": pydyf.Array([0, 0, 0, 0]), "C1": pydyf.Array([1, 1, 1, 1]), "N": 1})
    return pydyf.Array(["/Separation", "/All", "/DeviceCMYK", tint])


def crop_marks(trim: tuple[float, float, float, float]) -> bytes:
    """Content stream drawing eight crop marks in registration colour, outside the bleed."""
    x0, y0, x1, y1 = trim
    offset, length = MARK_OFFSET_MM * MM, MARK_LENGTH_MM * MM
    lines = []
    for x, sx in ((x0, -1), (x1, 1)):
        for y, sy in ((y0, -1), (y1, 1)):
            # A horizontal mark on the trim's y, and a vertical one on its x, pointing away.
            lines.append(f"{x + sx * offset:.3f} {y:.3f} m {x + sx * (offset + length):.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + sy * offset:.3f} m {x:.3f} {y + sy * (offset + length):.3f} l")
    body = "\n".join(lines)
    return (f"q /PKRegistration CS 1 SCN {MARK_WIDTH_PT} w 0 J [] 0 d\n{body}\nS Q\n").encode()
