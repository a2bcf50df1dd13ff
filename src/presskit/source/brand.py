"""The brand block of campaign.yaml: colours (CMYK for print, RGB for screen), fonts and the logo.

Every key is optional; what a project leaves out keeps presskit's own palette (docs/brand.md), so a
project without `brand:` looks exactly as before. `Brand` is re-exported by source/config.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import PresskitError, Problem

if TYPE_CHECKING:
    from .yaml import KeyPath

CMYK = tuple[float, float, float, float]


@dataclass(frozen=True)
class Colour:
    """One brand colour: its process value for print (CMYK, 0–1) and its RGB for screen (#rrggbb)."""

    cmyk: CMYK
    rgb: str

    def css(self, edition: str) -> str:
        """The colour as CSS: RGB in screen editions, device-cmyk() in print."""
        return self.rgb if edition == "screen" else "device-cmyk({})".format(" ".join(f"{v:g}" for v in self.cmyk))

    @property
    def hex(self) -> str:
        """RRGGBB, as Word writes colours."""
        return self.rgb[1:].upper()


# presskit's own palette (templates/shared/palette.css): the defaults of every key. The RGB values
# are the CMYK ones converted through the print profile (default_cmyk.icc → sRGB).
DEFAULT_COLOURS: dict[str, Colour] = {
    "accent": Colour((0.0, 0.85, 0.60, 0.38), "#a64047"),  # Latvian carmine: bands, covers, rules, labels
    "ink": Colour((0.0, 0.0, 0.0, 1.0), "#373535"),  # process black (K only): all text
    "tint": Colour((0.03, 0.04, 0.06, 0.0), "#f6f1ec"),  # the one light tint: panels
    "rule": Colour((0.0, 0.0, 0.0, 0.45), "#a0a2a4"),  # black at 45 % (K only): hairlines
    "on_accent": Colour((0.0, 0.12, 0.08, 0.0), "#fde4df"),  # pale accent: small text on the accent
}
DEFAULT_FONTS = {"serif": "Noto Serif", "sans": "Noto Sans", "mono": "Noto Sans Mono"}
LOGO_FORMATS = ("SVG", "PNG")
RGB = re.compile(r"#[0-9a-fA-F]{6}")
ON_ACCENT_SHARE = 0.14  # a derived on_accent: this much of the accent's C, M, Y on white paper


@dataclass(frozen=True)
class Brand:
    """`brand:` in campaign.yaml, every key filled in (defaults: presskit's palette and Noto fonts)."""

    colours: dict[str, Colour] = field(default_factory=lambda: dict(DEFAULT_COLOURS))
    fonts: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_FONTS))
    logo: str | None = None  # a path inside the project, e.g. content/logo.svg

    def digest(self) -> str:
        """A digest of the colours and fonts (what the DOCX house style is made from)."""
        data = {"colours": asdict(self)["colours"], "fonts": self.fonts}
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


class _Checker(Protocol):
    errors: list[Problem]
    warnings: list[Problem]

    def problem(self, path: KeyPath, message: str, fix: str | None = None) -> Problem: ...


def parse_brand(v: _Checker, data: Any, path: KeyPath) -> Brand | None:
    """The Brand of *data* (the YAML under `brand:`); its problems go to *v*, bad values keep their
    defaults (None only when *data* is not a mapping at all)."""
    if data is None:
        return Brand()
    if not isinstance(data, dict):
        v.errors.append(v.problem(path, "expected a mapping of colours, fonts and logo",
                                  "see docs/brand.md for an example"))
        return None
    _unknown(v, path, data, ("colours", "fonts", "logo"))
    colours = _colours(v, path + ("colours",), data.get("colours"))
    fonts = _fonts(v, path + ("fonts",), data.get("fonts"))
    logo = data.get("logo")
    if logo is not None and not isinstance(logo, str):
        v.errors.append(v.problem(path + ("logo",), f"expected a file name, got {logo!r}",
                                  "write the path of an SVG or PNG file inside the project, e.g. content/logo.svg"))
        logo = None
    # Bad values are left at their defaults: the errors stop the build, and the rules across
    # settings (fonts, logo) still run, so that every problem is reported in one pass.
    return Brand(colours, fonts, logo or None)


def _unknown(v: _Checker, path: KeyPath, data: dict[Any, Any], known: tuple[str, ...]) -> None:
    for key in data:
        if key not in known:
            v.warnings.append(v.problem(path + (key,), "unknown key", f"known keys: {', '.join(known)}"))


def _entries(v: _Checker, path: KeyPath, data: Any, known: tuple[str, ...], what: str,
             example: str) -> dict[str, Any]:
    """The known entries of a mapping of the brand block: none when it is absent, an error when it is
    not a mapping, a warning for each unknown key."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        v.errors.append(v.problem(path, f"expected a mapping {what}", example))
        return {}
    _unknown(v, path, data, known)
    return {key: value for key, value in data.items() if key in known}


def _colours(v: _Checker, path: KeyPath, data: Any) -> dict[str, Colour]:
    colours = dict(DEFAULT_COLOURS)
    entries = _entries(v, path, data, tuple(DEFAULT_COLOURS), "of colour names to {cmyk, rgb}",
                       'e.g. accent: {cmyk: [0, 0.85, 0.60, 0.38], rgb: "#a64047"}')
    for name, value in entries.items():
        if colour := _colour(v, path + (name,), value):
            colours[name] = colour
    if "on_accent" not in entries and colours["accent"] != DEFAULT_COLOURS["accent"]:
        colours["on_accent"] = on_accent(colours["accent"])  # carmine keeps its own, tuned by eye
    return colours


def _colour(v: _Checker, path: KeyPath, data: Any) -> Colour | None:
    if not isinstance(data, dict) or "cmyk" not in data or "rgb" not in data:
        v.errors.append(v.problem(path, "a colour needs both its cmyk (print) and its rgb (screen) value",
                                  'write e.g. {cmyk: [0, 0.85, 0.60, 0.38], rgb: "#a64047"}'))
        return None
    _unknown(v, path, data, ("cmyk", "rgb"))
    cmyk, rgb = data["cmyk"], data["rgb"]
    ok = True
    if not (isinstance(cmyk, list) and len(cmyk) == 4 and all(_unit(x) for x in cmyk)):
        percent = (isinstance(cmyk, list) and len(cmyk) == 4 and all(_number(x) and 0 <= x <= 100 for x in cmyk)
                   and any(x > 1 for x in cmyk))
        v.errors.append(v.problem(path + ("cmyk",), f"expected four numbers from 0 to 1 (C, M, Y, K), got {cmyk!r}",
                                  "write percentages as fractions, e.g. [0, 0.85, 0.6, 0.38] for C0 M85 Y60 K38"
                                  if percent else "write e.g. [0, 0.85, 0.6, 0.38] for C0 M85 Y60 K38"))
        ok = False
    if not (isinstance(rgb, str) and RGB.fullmatch(rgb)):
        shown = "nothing (in YAML an unquoted # starts a comment)" if rgb is None else repr(rgb)
        v.errors.append(v.problem(path + ("rgb",), f"expected a colour #rrggbb, got {shown}",
                                  'write six hex digits in quotes, e.g. rgb: "#a64047"'))
        ok = False
    if not ok:
        return None
    c, m, y, k = (float(x) for x in cmyk)
    return Colour((c, m, y, k), rgb.lower())


def _number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _unit(x: Any) -> bool:
    return _number(x) and 0 <= x <= 1


def on_accent(accent: Colour) -> Colour:
    """Small text on an accent background, when the brand gives only the accent: a pale tint of it
    (its C, M, Y at 14 %, no black), as carmine's C0 M12 Y8 K0."""
    c, m, y, _ = accent.cmyk
    cmyk = (round(c * ON_ACCENT_SHARE, 3), round(m * ON_ACCENT_SHARE, 3), round(y * ON_ACCENT_SHARE, 3), 0.0)
    rgb = [int(accent.rgb[i:i + 2], 16) for i in (1, 3, 5)]
    pale = "".join(f"{round(255 - (255 - x) * ON_ACCENT_SHARE):02x}" for x in rgb)
    return Colour(cmyk, f"#{pale}")


def _fonts(v: _Checker, path: KeyPath, data: Any) -> dict[str, str]:
    fonts = dict(DEFAULT_FONTS)
    entries = _entries(v, path, data, tuple(DEFAULT_FONTS), "of serif, sans, mono",
                       "write e.g. fonts: {serif: Noto Serif, sans: Noto Sans, mono: Noto Sans Mono}")
    for key, value in entries.items():
        if isinstance(value, str) and value.strip() and '"' not in value:
            fonts[key] = value.strip()
        else:
            v.errors.append(v.problem(path + (key,), f"expected a font family name, got {value!r}",
                                      "write the family's name, e.g. Noto Serif"))
    return fonts


def check_brand(brand: Brand, allowed: list[str], root: Path, v: _Checker) -> None:
    """Rules across settings: the brand's fonts are among print.fonts; the logo is an SVG or PNG
    file inside the project."""
    for key, family in brand.fonts.items():
        if family != DEFAULT_FONTS[key] and family not in allowed:
            v.errors.append(v.problem(("brand", "fonts", key), f"'{family}' is not in print.fonts",
                                      f"add '{family}' to print.fonts (and install it), or use one of: "
                                      + ", ".join(allowed)))
    if brand.logo:
        problem = logo_problem(root, brand.logo)
        if problem:
            v.errors.append(v.problem(("brand", "logo"), problem.message, problem.fix))


def logo_problem(root: Path, logo: str) -> Problem | None:
    """Why *logo* cannot be the logo: outside the project, missing, not a regular file, not SVG or PNG.

    Reads the file (a logo is a few kilobytes) and judges its kind by its bytes, without PIL.
    """
    from .containment import IMAGE, read_project_file, resolve_project_file
    from .images import image_format

    found = resolve_project_file(root, logo)
    if isinstance(found, Problem):
        return Problem(None, None, found.message, found.fix)
    try:
        data = read_project_file(root, found, IMAGE)
    except PresskitError as exc:
        return exc.problems[0]
    kind = "PNG" if data.startswith(b"\x89PNG\r\n\x1a\n") else image_format(data)
    if kind not in LOGO_FORMATS:
        found_kind = f"a {kind} image" if kind else "not an image presskit can read"
        return Problem(None, None, f"'{logo}' is {found_kind}; a logo must be SVG or PNG",
                       "export it as SVG (print: device-cmyk() colours) or as a greyscale or CMYK PNG")
    return None
