"""Translation catalogs: gettext PO files per language under content/translations/, read with Babel."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .content import Document, Segment
from .errors import Problem, TranslationError, relpath

TRANSLATIONS_DIR = Path("content") / "translations"


def catalog_path(root: Path, lang: str) -> Path:
    """Where the PO catalog of *lang* lives."""
    return root / TRANSLATIONS_DIR / f"{lang}.po"


@dataclass
class Localizer:
    """Replaces source segments by their translations; records what was missing or stale."""

    lang: str
    messages: dict[str, tuple[str, bool, int]] = field(default_factory=dict)  # msgid → (str, fuzzy, line)
    catalog_name: str = ""
    missing: list[Problem] = field(default_factory=list)
    draft: bool = False

    def translate(self, segment: Segment, source_name: str = "") -> str:
        """The translation of a segment; the source text (recorded as a problem) when there is none."""
        found = self.messages.get(segment.text)
        if found and found[0] and not found[1]:
            return found[0]
        state = "stale (fuzzy)" if found and found[1] else "untranslated"
        self.missing.append(Problem(self.catalog_name, found[2] if found else None,
                                    f"{state} segment from {source_name}:{segment.line}: "
                                    f"“{_short(segment.text)}”",
                                    "translate it (presskit i18n update adds missing entries)"))
        return segment.text

    def gettext(self, text: str) -> str:
        """Template strings: the translation, or the source string when missing."""
        found = self.messages.get(text)
        return found[0] if found and found[0] and not found[1] else text


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_localizer(root: Path, lang: str, source_lang: str) -> Localizer:
    """A Localizer for *lang*; the source language translates to itself."""
    if lang == source_lang:
        return Localizer(lang)
    path = catalog_path(root, lang)
    name = relpath(path, root)
    if not path.is_file():
        return Localizer(lang, catalog_name=name)
    from babel.messages.pofile import PoFileError, read_po

    try:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
    except (PoFileError, ValueError, UnicodeDecodeError) as exc:
        raise TranslationError(Problem(name, getattr(exc, "lineno", None), f"broken PO file: {exc}",
                                       "fix the entry or regenerate with presskit i18n update")) from None
    messages = {m.id: (m.string, m.fuzzy, m.lineno) for m in catalog if m.id and isinstance(m.id, str)}
    return Localizer(lang, messages, name)


def localize(document: Document, localizer: Localizer) -> Document:
    """The document in the localizer's language (identity for the source language)."""
    if not localizer.catalog_name:
        return document
    return document.localized(lambda seg: localizer.translate(seg, document.name))
