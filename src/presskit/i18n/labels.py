"""presskit's own template labels ("Contents", "Published: {date}"…) and their translations.

A template's t("…") / _("…") strings are labels with English msgids (the gettext convention).
presskit ships a reviewed translation of them per language in i18n/labels/<lang>.po (package data);
a campaign's catalog, content/translations/<lang>.po, may override any of them (i18n.catalogs.
Localizer.gettext does the lookup). A label may hold {language}: the name of the campaign's source
language in the output's language (CLDR, through Babel), filled in here.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

LABELS_DIR = Path(__file__).with_name("labels")
LANGUAGE_PLACEHOLDER = "{language}"


@dataclass(frozen=True)
class LabelCatalog:
    """One shipped label catalog: where it is (for messages), its translations and the file's digest."""

    name: str  # e.g. presskit/i18n/labels/de.po
    messages: dict[str, str]
    digest: str


def shipped_languages() -> list[str]:
    """The languages presskit ships label translations for."""
    return sorted(path.stem for path in LABELS_DIR.glob("*.po"))


def _candidates(lang: str) -> list[str]:
    """The shipped catalogs that may serve *lang*: itself, then with its region dropped (pt_BR → pt),
    and its script too only where the script is the language's usual one (zh_Hans_CN → zh, not zh_Hant)."""
    parts = lang.replace("-", "_").split("_")
    found = ["_".join(parts[:n]) for n in range(len(parts), 0, -1)]
    script = next((p for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    if script:
        from babel.core import get_global

        likely = str(get_global("likely_subtags").get(parts[0], "")).split("_")
        if script not in likely:
            found = [c for c in found if script in c.split("_")]
    return found


@lru_cache(maxsize=64)
def label_file(lang: str) -> Path | None:
    """The shipped label catalog serving *lang*, or None when presskit has none for it."""
    return next((path for c in _candidates(lang) if (path := LABELS_DIR / f"{c}.po").is_file()), None)


@lru_cache(maxsize=64)
def label_catalog(lang: str) -> LabelCatalog | None:
    """The shipped label catalog serving *lang*, parsed (Babel), or None when presskit has none for it."""
    from babel.messages.pofile import read_po

    path = label_file(lang)
    if path is None:
        return None
    data = path.read_bytes()
    catalog = read_po(io.BytesIO(data), locale=path.stem, abort_invalid=True)
    messages = {m.id: m.string for m in catalog
                if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}
    return LabelCatalog(f"presskit/i18n/labels/{path.name}", messages, hashlib.sha256(data).hexdigest())


def shipped_label(lang: str, msgid: str) -> str | None:
    """presskit's translation of label *msgid* into *lang*; None when it has none."""
    catalog = label_catalog(lang)
    return catalog.messages.get(msgid) if catalog else None


@lru_cache(maxsize=64)
def labels_digest(lang: str) -> str | None:
    """Digest of the shipped label catalog serving *lang* (a build records it: an edit rebuilds);
    read without Babel, for the fast path of a no-op build."""
    path = label_file(lang)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else None


def is_english(lang: str) -> bool:
    """Whether *lang* is English, whose labels are their own msgids."""
    return lang.replace("-", "_").split("_")[0] == "en"


@lru_cache(maxsize=64)
def language_name(code: str, lang: str) -> str:
    """The name of language *code* in language *lang* (CLDR: Locale('fr').languages['lv'] = letton)."""
    from babel import Locale, UnknownLocaleError

    names: Mapping[str, str]
    try:
        names = Locale.parse(lang.replace("-", "_")).languages
    except (UnknownLocaleError, ValueError):
        names = {}
    try:
        own = Locale.parse(code.replace("-", "_"))
        return names.get(code) or names.get(own.language) or own.english_name or code
    except (UnknownLocaleError, ValueError):
        return names.get(code) or code


def fill_label(text: str, lang: str, source_lang: str) -> str:
    """A translated label with {language} replaced by the source language's name in *lang*."""
    if LANGUAGE_PLACEHOLDER in text:
        return text.replace(LANGUAGE_PLACEHOLDER, language_name(source_lang, lang))
    return text
