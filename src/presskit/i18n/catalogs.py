"""Translation catalogs: gettext PO files per language under content/translations/, read with Babel."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, TranslationError, relpath
from ..source.containment import CATALOG, read_project_file
from ..source.content import Document, Segment

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

    from ..source.config import Campaign

TRANSLATIONS_DIR = Path("content") / "translations"
CAMPAIGN_FILE = "content/campaign.yaml"
# campaign.yaml fields printed on outputs: translated like front matter.
CAMPAIGN_FIELDS = ("title", "subtitle", "organisation")

Messages = dict[str, tuple[str, bool, int | None]]  # msgid → (msgstr, fuzzy, line)

# More entries than any campaign's catalog holds (the fixture has ~150 a language): a catalog beyond
# it is refused before Babel parses it.
MAX_CATALOG_ENTRIES = 10_000
# A translation may be this many times its source text, plus a little for very short ones: enough for
# any language (languages.py: typical ratios 0.9–1.3), and it keeps a catalog from inflating a
# document (a 16 KB msgstr of '[' kept Markdown busy for 76 s), never more than MAX_MSGSTR_CHARS.
MSGSTR_RATIO, MSGSTR_SLACK, MAX_MSGSTR_CHARS = 5, 100, 20_000
UTF8_BOM = b"\xef\xbb\xbf"
# The charset a PO header may declare: presskit reads (and writes) catalogs as UTF-8.
UTF8_NAMES = {"utf-8", "utf8"}
HEADER_CHARSET = re.compile(rb"charset=([^\s\"\\;]*)", re.I)
# Invisible characters a translation may not add (its msgid must have them too): the bidirectional
# embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) can make printed text read
# differently from what a reviewer sees in an editor ("Trojan Source"), and the zero-width space,
# word joiner, invisible operators, deprecated format characters and a BOM inside the text have no
# use in prose. Allowed: ZWNJ and ZWJ (U+200C, U+200D), which Persian, Arabic and Indic spelling
# and emoji need, the direction marks LRM, RLM and ALM (U+200E, U+200F, U+061C), which right-to-left
# text legitimately uses around numbers and Latin words, and the soft hyphen (U+00AD).
INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060-\u2064\u206a-\u206f\ufeff]")
FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")


def catalog_path(root: Path, lang: str) -> Path:
    """Where the PO catalog of *lang* lives."""
    return root / TRANSLATIONS_DIR / f"{lang}.po"


def catalog_exists(path: Path) -> bool:
    """Whether there is anything at a catalog's path (a link too, even a broken one: reading it says why)."""
    return os.path.lexists(path)


def read_catalog_bytes(path: Path, root: Path) -> bytes:
    """A catalog's bytes under the containment rule: inside the project after links, a regular file,
    at most MAX_CATALOG_BYTES; anything else is a TranslationError naming the file."""
    return read_project_file(root, path, CATALOG)


@dataclass
class Localizer:
    """Replaces source segments by their translations and template labels by theirs; records what was
    missing or stale.

    Segments come from the campaign's catalog (none for the source language). Labels, a template's
    t("…") strings with English msgids, come from the campaign's catalog when it has a current
    translation of them (an override; the source language may have a catalog for that alone), else
    from the catalog presskit ships (i18n/labels/); English needs none. Anything else is missing.
    """

    lang: str
    messages: Messages = field(default_factory=dict)
    catalog_name: str = ""  # the campaign's catalog (content/translations/<lang>.po), also when absent
    missing: list[Problem] = field(default_factory=list)
    draft: bool = False
    used: set[str] = field(default_factory=set)  # msgids this output asked for
    catalog_digest: str | None = None  # SHA-256 of the catalog file as it was read
    source_lang: str = ""  # the campaign's source language ("" : lang is the source)

    @property
    def is_source(self) -> bool:
        """Whether this is the source language, whose segments are their own text."""
        return not self.source_lang or self.source_lang == self.lang

    def fingerprint(self) -> dict[str, Any]:
        """What a built output records about its translations: the catalog file's digest (the fast path
        of a no-op build), the entries it asked for with a digest of their translations, and the
        digest of presskit's label catalog for the language."""
        from .labels import labels_digest

        ids = sorted(self.used)
        return {"catalog": self.catalog_digest, "ids": ids, "used": entries_digest(self.messages, ids),
                "labels": labels_digest(self.lang)}

    def translate(self, segment: Segment, source_name: str = "") -> str:
        """The translation of a segment; the source text (recorded as a problem) when there is none."""
        self.used.add(segment.text)
        found = self.messages.get(segment.text)
        if found and found[0] and not found[1]:
            return found[0]
        self._record(segment.text, found, f"{source_name}:{segment.line}" if segment.line else source_name)
        return segment.text

    def gettext(self, text: str) -> str:
        """A template label: the campaign's override, else presskit's translation, else (recorded as
        missing) the msgid; {language} becomes the source language's name."""
        from .labels import fill_label, is_english, shipped_label

        self.used.add(text)
        found = self.messages.get(text)
        source = self.source_lang or self.lang
        if found and found[0] and not found[1]:
            return fill_label(found[0], self.lang, source)
        if not (found and found[0] and found[1]):  # a stale override is reported, not passed over
            shipped = shipped_label(self.lang, text)
            if shipped is not None:
                return fill_label(shipped, self.lang, source)
            if is_english(self.lang):
                return fill_label(text, self.lang, source)
        if found is None or not found[0]:
            self._missing_label(text, found)
        else:
            self._record(text, found, "the templates")
        return fill_label(text, self.lang, source)

    def _missing_label(self, text: str, found: tuple[str, bool, int | None] | None) -> None:
        from babel import Locale, UnknownLocaleError

        from .labels import shipped_languages

        if any(p.message.endswith(f"label “{short(text)}”") for p in self.missing):
            return
        try:
            name = Locale.parse(self.lang.replace("-", "_")).english_name or self.lang
        except (UnknownLocaleError, ValueError):
            name = self.lang
        line = found[2] if found else None
        self.missing.append(Problem(
            self.catalog_name, line,
            f"presskit has no {name} ({self.lang}) translation of the template label “{short(text)}”",
            f"add msgid \"{text}\" with its {name} msgstr to {self.catalog_name} (presskit i18n update adds "
            f"the entry); presskit ships labels for {', '.join(shipped_languages())}"))

    def _record(self, text: str, found: tuple[str, bool, int | None] | None, origin: str) -> None:
        if any(p.message.endswith(f"“{short(text)}”") for p in self.missing):
            return  # a string used twice is reported once
        if found is None:
            line, message = None, f"segment from {origin} is not in the catalog"
            fix = "run presskit i18n update, then translate it"
        elif found[1]:
            line, message = found[2], f"stale (fuzzy) translation of {origin}"
            fix = "check the translation against the new source, then clear the fuzzy flag"
        else:
            line, message, fix = found[2], f"untranslated segment from {origin}", "translate it"
        self.missing.append(Problem(self.catalog_name, line, f"{message}: “{short(text)}”", fix))


def short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_catalog(path: Path, root: Path, lang: str, data: bytes | None = None) -> Catalog:
    """Parse a PO file (or its *data*, already read) with Babel; a broken file raises a
    TranslationError naming file and line."""
    from babel.messages.pofile import PoFileError, read_po

    name = relpath(path, root)
    data = read_catalog_bytes(path, root) if data is None else data
    data = data.removeprefix(UTF8_BOM)  # editors on Windows write one; the lines stay the same
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TranslationError(Problem(name, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                       "save the catalog as UTF-8")) from None
    _check_shape(data, name)
    _check_strings(data, name)
    try:
        return read_po(io.BytesIO(data), locale=lang, abort_invalid=True)
    except PoFileError as exc:
        # Babel counts lines from 0 and appends "on N" to its message.
        text = str(exc).rsplit(" on ", 1)[0]
        raise TranslationError(Problem(name, exc.lineno + 1, f"broken PO file: {text}",
                                       "fix the entry (msgid/msgstr lines with quoted text) "
                                       "or restore it and run presskit i18n update")) from None
    except ValueError as exc:
        raise TranslationError(Problem(name, None, f"broken PO file: {exc}",
                                       "fix the header entry (msgid \"\")")) from None


def _check_shape(data: bytes, name: str) -> None:
    """Refuse, before Babel parses it, a catalog with too many entries or a header charset other than
    UTF-8 (Babel would decode the file with it: a traceback for an unknown one, garbled text else)."""
    starts = [m.start() for m in re.finditer(rb"^msgid[ \t]", data, re.M)]
    if len(starts) > MAX_CATALOG_ENTRIES + 1:  # the header is an entry too
        line = data.count(b"\n", 0, starts[MAX_CATALOG_ENTRIES + 1]) + 1
        raise TranslationError(Problem(name, line, f"more than {MAX_CATALOG_ENTRIES} entries",
                                       "split the content into several documents, or remove pasted entries"))
    header = re.match(rb'msgid[ \t]+""[ \t]*\r?\n(?!")', data[starts[0]:]) if starts else None  # msgid "" first
    header_end = (starts[1] if len(starts) > 1 else len(data)) if header else 0
    if (m := HEADER_CHARSET.search(data, 0, header_end)) and m.group(1).decode("ascii", "replace").lower() \
            not in UTF8_NAMES:
        line = data.count(b"\n", 0, m.start()) + 1
        charset = m.group(1).decode("utf-8", "replace")[:40]
        raise TranslationError(Problem(name, line, f"the header declares charset={charset}; presskit reads "
                                                   "catalogs as UTF-8", "write charset=UTF-8 in the Content-Type "
                                                                        "line (and save the file as UTF-8)"))


# A keyword line or a continuation line of a PO entry: its text must be one string in double quotes,
# with every quote inside it escaped. Babel reads an unterminated string as if it were closed (a
# German title printed "Markdown für all" from a line missing its last quote): refused here.
PO_STRING_LINE = re.compile(rb'^(?:#~[ \t]*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?[ \t]*"')
PO_QUOTED = re.compile(rb'^(?:#~[ \t]*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?[ \t]*"(?:[^"\\]|\\.)*"[ \t]*\r?$')
PO_KEYWORD = re.compile(rb"^(?:#~[ \t]*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)(?:[ \t]|$)")


def _check_strings(data: bytes, name: str) -> None:
    """Refuse a PO line whose string is not closed (or carries an unescaped quote), naming the line."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not (PO_STRING_LINE.match(line) or PO_KEYWORD.match(line)):
            continue
        if not PO_QUOTED.match(line):
            raise TranslationError(Problem(
                name, number, "broken PO file: the text of this line is not one string in double quotes "
                "(a missing closing quote, or a quote inside the text not written as \\\")",
                "end the line's text with a double quote, and write quotes inside the text as \\\""))


def entry_problems(msgid: str, msgstr: str) -> list[tuple[str, str]]:
    """What a translation may not do whatever its language, as (message, fix): be far longer than its
    source, add invisible direction or zero-width characters, split its paragraph with a blank line,
    or reference footnotes its source does not."""
    found = []
    limit = min(MAX_MSGSTR_CHARS, MSGSTR_SLACK + MSGSTR_RATIO * len(msgid))
    if len(msgstr) > limit:
        found.append((f"translation of {len(msgstr)} characters, more than the {limit} allowed for this "
                      f"source text ({MSGSTR_RATIO}× its length, plus {MSGSTR_SLACK})",
                      "translate the source text only; remove pasted text or data"))
    for char in sorted(set(INVISIBLE.findall(msgstr)) - set(msgid)):
        found.append((f"invisible character U+{ord(char):04X} ({unicodedata.name(char, 'format character')}) "
                      "that the source text does not have",
                      "delete it: invisible characters can make the printed text read differently from "
                      "what a reviewer sees"))
    if "\n\n" in msgstr.strip() and "\n\n" not in msgid:
        found.append(("a blank line that the source text does not have: it would split the paragraph (or "
                      "end a list or table)", "join the lines, or translate the source text's paragraphs "
                                              "as they are"))
    refs, allowed = FOOTNOTE_REF.findall(msgstr), FOOTNOTE_REF.findall(msgid)
    if extra := sorted(r for r in set(refs) if refs.count(r) > allowed.count(r)):
        found.append((f"footnote reference [^{extra[0]}] that the source text does not have",
                      "keep the source's footnote references ([^…]) and add none"))
    return found


def load_localizer(root: Path, lang: str, source_lang: str) -> Localizer:
    """A Localizer for *lang*. The source language translates to itself; a catalog of its own, if the
    campaign keeps one, only overrides template labels."""
    path = catalog_path(root, lang)
    name = relpath(path, root)
    if not catalog_exists(path):
        return Localizer(lang, catalog_name=name, source_lang=source_lang)
    data = read_catalog_bytes(path, root)
    return Localizer(lang, catalog_messages(path, root, lang, data), name,
                     catalog_digest=hashlib.sha256(data).hexdigest(), source_lang=source_lang)


# Parsed catalogs per process, keyed by the file's bytes (watch mode and decide() read them again).
_PARSED: dict[tuple[str, bytes], Messages] = {}


def catalog_messages(path: Path, root: Path, lang: str, data: bytes) -> Messages:
    """msgid → (msgstr, fuzzy, line) of a catalog's *data*, parsed once per content."""
    key = (lang, data)
    if key not in _PARSED:
        catalog = read_catalog(path, root, lang, data)
        if len(_PARSED) > 32:
            _PARSED.clear()
        # A singular message (its id a str) has a str translation too; plurals are tuples of both.
        _PARSED[key] = {m.id: (m.string, m.fuzzy, m.lineno) for m in catalog
                        if m.id and isinstance(m.id, str) and isinstance(m.string, str)}
    return dict(_PARSED[key])


def localize(document: Document, localizer: Localizer) -> Document:
    """The document in the localizer's language (identity for the source language)."""
    if localizer.is_source:
        return document
    return document.localized(lambda seg: localizer.translate(seg, document.name))


def campaign_segments(campaign: Campaign) -> list[Segment]:
    """The campaign.yaml fields printed on outputs, as translation segments."""
    return [Segment(getattr(campaign, key), campaign.line_of(key) or 0, f"campaign:{key}")
            for key in CAMPAIGN_FIELDS if getattr(campaign, key)]


def localize_campaign(campaign: Campaign, localizer: Localizer) -> Campaign:
    """A copy of the campaign whose printed fields are in the localizer's language."""
    if localizer.is_source:
        return campaign
    changes: dict[str, Any] = {seg.context.split(":")[1]: localizer.translate(seg, CAMPAIGN_FILE)
                               for seg in campaign_segments(campaign)}
    return dataclasses.replace(campaign, **changes)


def entries_digest(messages: Messages, ids: list[str]) -> str:
    """Digest of the translations (msgstr, fuzzy) of the given msgids; a missing entry counts too."""
    entries = [[i, *(messages[i][:2] if i in messages else (None, False))] for i in ids]
    return hashlib.sha256(json.dumps(entries, ensure_ascii=False).encode()).hexdigest()


def translation_changed(root: Path, lang: str, source_lang: str, recorded: dict[str, Any] | None) -> bool:
    """True when the catalog entries an output used differ from those it was built with — so a
    handout translation edit does not rebuild the brochure — or presskit's label catalog for the
    language changed. The source text and templates are inputs of their own: if they change, so may
    the entries used, and the output is rebuilt anyway."""
    from .labels import labels_digest

    if not isinstance(recorded, dict) or "ids" not in recorded:
        return True  # never recorded (or by an older presskit)
    if recorded.get("labels") != labels_digest(lang):
        return True
    path = catalog_path(root, lang)
    if not catalog_exists(path):
        data = None
    else:
        try:
            data = read_catalog_bytes(path, root)
        except TranslationError:
            return True  # rebuilt: validation then reports the catalog
    if recorded.get("catalog") == (hashlib.sha256(data).hexdigest() if data is not None else None):
        return False  # the fast path of every no-op build: Babel is not even imported
    messages = catalog_messages(path, root, lang, data) if data is not None else {}
    return recorded.get("used") != entries_digest(messages, recorded["ids"])
