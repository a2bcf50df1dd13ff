"""What presskit knows about each language, in one table: quotation marks, direction, locales, length.

Looked up with `language(code)`; a code without a row gets neutral defaults (English quotation
marks, its own code as locale and Word tag, left to right unless it is a right-to-left language).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

Quotes = tuple[str, str, str, str]  # left double, right double, left single, right single
ENGLISH_QUOTES: Quotes = ("“", "”", "‘", "’")
# Written right to left even when presskit has no row for them.
RTL_CODES = frozenset({"ar", "he", "fa", "ur"})


@dataclass(frozen=True)
class Language:
    """Facts about one language that outputs and checks depend on."""

    code: str
    locale: str  # the CLDR (Babel) locale of dates and numbers: a diplomatic text avoids en_US
    word_tag: str  # the language tag Word proofs the text in (w:lang)
    quotes: Quotes = ENGLISH_QUOTES
    rtl: bool = False
    # Typical length of a translation relative to a Latvian source (characters): translation QA
    # flags a segment under half or over twice this (a sentence dropped or pasted twice).
    length_ratio: float | None = None

    @property
    def direction(self) -> str:
        """The HTML dir attribute: rtl or ltr."""
        return "rtl" if self.rtl else "ltr"


# French guillemets take a narrow no-break space inside.
LANGUAGES = {lang.code: lang for lang in (
    Language("lv", "lv_LV", "lv-LV", ("„", "“", "‚", "‘")),
    Language("en", "en_GB", "en-GB", ENGLISH_QUOTES, length_ratio=1.0),
    Language("fr", "fr_FR", "fr-FR", ("«\u202f", "\u202f»", "“", "”"), length_ratio=1.15),
    Language("es", "es_ES", "es-ES", ("«", "»", "“", "”"), length_ratio=1.12),
    Language("ru", "ru_RU", "ru-RU", ("«", "»", "„", "“"), length_ratio=1.05),
    Language("ar", "ar", "ar-SA", ("«", "»", "“", "”"), rtl=True, length_ratio=0.95),
    Language("zh", "zh_Hans_CN", "zh-CN", ENGLISH_QUOTES, length_ratio=0.32),
    Language("de", "de", "de-DE", ("„", "“", "‚", "‘"), length_ratio=1.15),
)}


@lru_cache(maxsize=64)
def language(code: str) -> Language:
    """The facts of language *code* (a region suffix such as en_US falls back to en's quotes)."""
    if code in LANGUAGES:
        return LANGUAGES[code]
    base = LANGUAGES.get(code.split("_")[0])
    return Language(code, code, code, base.quotes if base else ENGLISH_QUOTES, rtl=code in RTL_CODES)
