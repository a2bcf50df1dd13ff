"""What presskit knows about each language, in one table: quotation marks, direction, locales, length.

Looked up with `language(code)`; a code without a row gets neutral defaults (its own code as locale
and Word tag, left to right unless it is a right-to-left language). Quotation marks come from CLDR
for every locale (quotes.json, written by scripts/cldr_quotes: Babel does not carry them), except
the few deliberate overrides in QUOTE_OVERRIDES.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

Quotes = tuple[str, str, str, str]  # left double, right double, left single, right single
ENGLISH_QUOTES: Quotes = ("“", "”", "‘", "’")  # CLDR's root locale
# Written right to left even when presskit has no row for them.
RTL_CODES = frozenset({"ar", "he", "fa", "ur"})
QUOTES_FILE = Path(__file__).with_name("quotes.json")
NNBSP = "\u202f"

# Where presskit departs from CLDR, on purpose:
# - lv: CLDR gives English marks (“…”); Latvian print, and the campaign's own Latvian text, use „…“.
# - es: CLDR gives “…” (since after version 41, which had «…»); the Real Academia's Ortografía (2010) recommends the
#   angular marks «…» first, with “…” inside them.
# - ar: CLDR gives ”…“; Arabic print (the UN's Arabic documents among it) uses guillemets «…».
# French guillemets also take a narrow no-break space inside (French typography; CLDR's marks have
# none): see quotes_of().
QUOTE_OVERRIDES: dict[str, Quotes] = {
    "lv": ("„", "“", "‚", "‘"),
    "es": ("«", "»", "“", "”"),
    "ar": ("«", "»", "“", "”"),
}


@dataclass(frozen=True)
class Language:
    """Facts about one language that outputs and checks depend on."""

    code: str
    locale: str  # the CLDR (Babel) locale of dates and numbers: a diplomatic text avoids en_US
    word_tag: str  # the language tag Word proofs the text in (w:lang)
    quotes: Quotes = ENGLISH_QUOTES  # filled in by language(): CLDR's marks, or an override
    rtl: bool = False
    # Typical length of a translation relative to a Latvian source (characters): translation QA
    # flags a segment under half or over twice this (a sentence dropped or pasted twice).
    length_ratio: float | None = None

    @property
    def direction(self) -> str:
        """The HTML dir attribute: rtl or ltr."""
        return "rtl" if self.rtl else "ltr"


LANGUAGES = {lang.code: lang for lang in (
    Language("lv", "lv_LV", "lv-LV"),
    Language("en", "en_GB", "en-GB", length_ratio=1.0),
    Language("fr", "fr_FR", "fr-FR", length_ratio=1.15),
    Language("es", "es_ES", "es-ES", length_ratio=1.12),
    Language("ru", "ru_RU", "ru-RU", length_ratio=1.05),
    Language("ar", "ar", "ar-SA", rtl=True, length_ratio=0.95),
    Language("zh", "zh_Hans_CN", "zh-CN", length_ratio=0.32),
    Language("de", "de", "de-DE", length_ratio=1.15),
)}


@lru_cache(maxsize=64)
def language(code: str) -> Language:
    """The facts of language *code*; a code without a row (or a regional variant such as en_US) gets
    its own code as locale and Word tag, and its row's direction and length ratio if its base has one."""
    row = LANGUAGES.get(code)
    if row is None:
        base = LANGUAGES.get(code.split("_")[0])
        row = Language(code, code, code.replace("_", "-"), rtl=code.split("_")[0] in RTL_CODES,
                       length_ratio=base.length_ratio if base else None)
    return replace(row, quotes=quotes_of(code))


def quotes_of(code: str) -> Quotes:
    """The quotation marks of *code*: an override, else CLDR's for the code with its region and script
    stripped one by one (de_AT → de), else CLDR's root marks; French guillemets get a narrow no-break
    space inside."""
    parts = code.replace("-", "_").split("_")
    candidates = ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]
    found = next((QUOTE_OVERRIDES[c] for c in candidates if c in QUOTE_OVERRIDES), None)
    if found is None:
        table = cldr_quotes()
        found = next((table[c] for c in candidates if c in table), ENGLISH_QUOTES)
    if parts[0] == "fr":
        found = tuple(NNBSP.join((q, "")) if q == "«" else NNBSP + q if q == "»" else q  # type: ignore[assignment]
                      for q in found)
    return found


@lru_cache(maxsize=1)
def cldr_quotes() -> dict[str, Quotes]:
    """CLDR's quotation marks by locale (quotes.json)."""
    data = json.loads(QUOTES_FILE.read_text(encoding="utf-8"))["quotes"]
    return {locale: (marks[0], marks[1], marks[2], marks[3]) for locale, marks in data.items()}
