"""Ink rules per press condition: total area coverage, rich black type and rules, reversed type, hairlines.

The content walker (content.py) reports what each paint operator puts on paper — its colour, the
text size or line width after every transformation — and these rules judge it. Findings are
gathered per page, one per kind of object and colour, with the sizes seen, so a page set in one
wrong colour gives one line, not hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pdf import Expectations

Cmyk = tuple[float, float, float, float]
# Type below this size on more than one plate fringes at the slightest misregistration; above it the
# deeper black of a rich black is worth it (issue 15: "text below 24 pt … 100 % K").
RICH_BLACK_MAX_PT = 24.0
# Lines thinner than this (≈0.7 mm) show colour fringes when drawn on more than one plate.
THIN_RULE_PT = 2.0
# Thinner lines break up or vanish on plate and paper (printers' usual minimum, 0.25 pt ≈ 0.09 mm).
HAIRLINE_PT = 0.25
# Reversed (knocked-out) type fills in with ink spread below this size; printers ask for 8 pt and more.
REVERSED_MIN_PT = 8.0
# A colour this light (total ink) used for text is paper showing through, or nearly: reversed type.
LIGHT_TOTAL = 0.25
K_ONLY_FIX = ("use 100 % K (device-cmyk(0 0 0 1), or a K tint) for text below 24 pt and thin rules; keep rich "
              "black for large type and areas")


def cmyk_label(cmyk: Cmyk) -> str:
    """C70 M55 Y40 K85: how designers and printers name a process colour."""
    return " ".join(f"{plate}{round(v * 100):g}" for plate, v in zip("CMYK", cmyk))


def on_several_plates(cmyk: Cmyk) -> bool:
    """Black or grey built from K plus C, M or Y (K at least as strong as each): rich black, 4-colour grey."""
    c, m, y, k = cmyk
    return k > 0 and max(c, m, y) > 0.005 and k >= max(c, m, y)


def black_kind(cmyk: Cmyk) -> str:
    return "rich black" if cmyk[3] >= 0.6 else "four-colour grey"


@dataclass
class InkRules:
    """Collects what one page paints and turns it into findings for the press condition expected."""

    expect: Expectations
    # (rule, object, colour label, extra) → sizes seen, in pt
    seen: dict[tuple[str, str, str, str], list[float]] = field(default_factory=dict)
    fonts: dict[tuple[str, str], dict[str, None]] = field(default_factory=dict)  # (rule, colour) → fonts

    def _note(self, rule: str, obj: str, cmyk: Cmyk, size: float, extra: str = "") -> None:
        self.seen.setdefault((rule, obj, cmyk_label(cmyk), extra), []).append(size)

    def _note_text(self, rule: str, cmyk: Cmyk, size: float, font: str) -> None:
        self._note(rule, "text", cmyk, size)
        self.fonts.setdefault((rule, cmyk_label(cmyk)), {})[font] = None

    def text(self, cmyk: Cmyk | None, size: float, font: str) -> None:
        """Glyphs shown in a process colour at an effective size (pt)."""
        if cmyk is None:
            return
        self.ink(cmyk, "text", f"font {font}")
        if size < RICH_BLACK_MAX_PT and on_several_plates(cmyk):
            self._note_text("rich", cmyk, size, font)
        if size < REVERSED_MIN_PT and sum(cmyk) <= LIGHT_TOTAL:
            self._note_text("reversed", cmyk, size, font)

    def line(self, cmyk: Cmyk | None, width: float, how: str) -> None:
        """A stroke, or a filled shape this thin (a rule drawn as a rectangle), *width* pt across."""
        if cmyk is None:
            return
        if width < HAIRLINE_PT:
            self._note("hairline", how, cmyk, width)
        elif width < THIN_RULE_PT and on_several_plates(cmyk):
            self._note("rule", how, cmyk, width)

    def ink(self, cmyk: Cmyk | None, obj: str, extra: str = "") -> None:
        """Any process colour painted: its total area coverage against the press's limit."""
        if cmyk is not None and sum(cmyk) * 100 > self.expect.tac + 0.5:
            self._note("tac", obj, cmyk, sum(cmyk) * 100, extra)

    def image_ink(self, label: str, peak: float, share: float) -> None:
        """A CMYK image whose darkest areas carry *peak* % ink over *share* of its area."""
        if peak > self.expect.tac + 0.5:
            self.seen.setdefault(("tac-image", label, f"{share:.0%}", ""), []).append(peak)

    def findings(self) -> list[tuple[str, str]]:
        return [self._finding(key, sizes) for key, sizes in self.seen.items()]

    def _finding(self, key: tuple[str, str, str, str], sizes: list[float]) -> tuple[str, str]:
        rule, obj, colour, extra = key
        low, high = min(sizes), max(sizes)
        span = f"{low:.3g} pt" if round(low, 2) == round(high, 2) else f"{low:.3g}–{high:.3g} pt"
        tac, press = self.expect.tac, self.expect.press or "the press"
        fonts = ", ".join(self.fonts.get((rule, colour), {}))
        if rule == "tac":
            where = f" ({extra})" if extra else ""
            return (f"{obj} in {colour}{where} carries {high:.0f} % ink, over the {tac:g} % limit of {press}",
                    f"take C, M and Y out under the black (more K, less CMY) until C+M+Y+K ≤ {tac:g} %")
        if rule == "tac-image":
            return (f"{obj} carries up to {high:.0f} % ink over {colour} of its area, over the {tac:g} % limit "
                    f"of {press}", f"separate the image with the {press} profile (ink limit {tac:g} %)")
        if rule == "rich":
            return (f"text below {RICH_BLACK_MAX_PT:g} pt in {black_kind(_parse(colour))} {colour} ({span}; "
                    f"{fonts}): four plates must register exactly", K_ONLY_FIX)
        if rule == "reversed":
            return (f"reversed text in {colour} ({span}; {fonts}) below {REVERSED_MIN_PT:g} pt: ink spreads "
                    "into the letters", f"set reversed (light-on-colour) type at {REVERSED_MIN_PT:g} pt or more, "
                                       "preferably sans or bold")
        if rule == "hairline":
            return (f"hairline {span} wide ({obj} in {colour}): below {HAIRLINE_PT:g} pt it breaks up or vanishes",
                    f"make lines at least {HAIRLINE_PT:g} pt wide (CSS border width)")
        return (f"thin rule {span} wide ({obj}) in {black_kind(_parse(colour))} {colour}: below "
                f"{THIN_RULE_PT:g} pt four plates must register exactly", K_ONLY_FIX)


def _parse(label: str) -> Cmyk:
    c, m, y, k = (float(part[1:]) / 100 for part in label.split())
    return c, m, y, k


def image_peak(image: object, limit: float) -> tuple[float, float] | None:
    """Highest total ink (%) of a CMYK image at low resolution, and the share of its area over *limit* %.

    Scaled down to at most 64 × 64 first: ink limits concern areas, not single pixels, and
    this keeps the cost of a large photograph to a few milliseconds.
    """
    import pikepdf

    try:
        pil = pikepdf.PdfImage(image).as_pil_image()  # type: ignore[arg-type]
    except Exception:  # an encoding PIL cannot read: not judged here (the ppi rule still applies)
        return None
    if pil.mode != "CMYK":
        return None
    pil.thumbnail((64, 64))
    data = pil.tobytes()  # C, M, Y, K bytes per pixel
    totals = [sum(data[i:i + 4]) / 2.55 for i in range(0, len(data), 4)]
    if not totals:
        return None
    return max(totals), sum(t > limit for t in totals) / len(totals)
