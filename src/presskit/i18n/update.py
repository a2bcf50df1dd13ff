"""Extract translation segments into gettext PO catalogs (Babel) and report how complete they are."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po

from ..errors import Problem, UsageError, relpath
from ..files import atomic_write
from ..source.config import Campaign
from ..source.containment import TEMPLATE, read_project_file
from ..source.content import load_document
from .catalogs import (
    CAMPAIGN_FILE,
    campaign_segments,
    catalog_exists,
    catalog_path,
    read_catalog,
    read_catalog_bytes,
)

if TYPE_CHECKING:
    from collections.abc import Container, Iterable, Mapping

    from rich.console import JustifyMethod
    from rich.table import Table


    MessageId = str | tuple[str, ...] | list[str]  # a Babel message's id: a tuple or list for plural forms

TEMPLATE_KEYWORDS = {"t": None, "_": None}  # the gettext names templates receive (html.templates.render_html)


def target_languages(campaign: Campaign, wanted: list[str] | tuple[str, ...] = ()) -> list[str]:
    """The languages that get a catalog: every campaign language but the source (or those asked for)."""
    langs = [lang for lang in campaign.languages if lang != campaign.source_language]
    for lang in wanted:
        if lang == campaign.source_language:
            raise UsageError(Problem(None, None, f"'{lang}' is the source language: it has no catalog",
                                     f"choose from: {', '.join(langs)}"))
        if lang not in langs:
            raise UsageError(Problem(None, None, f"unknown language '{lang}'",
                                     f"choose from: {', '.join(langs)} (or add it to 'languages' "
                                     f"in {CAMPAIGN_FILE})"))
    return [lang for lang in langs if not wanted or lang in wanted]


def template_strings(root: Path, template: str) -> list[tuple[str, int, str]]:
    """The t()/_() strings of an output's templates: (file, line, text), via Jinja's Babel extractor."""
    from babel.messages.extract import extract
    from jinja2.ext import babel_extract

    from ..source.templates import template_environment, template_files

    env = template_environment(root)
    found: list[tuple[str, int, str]] = []
    for filename in sorted(template_files(env, f"{template}/{template}.html.j2")):
        if not filename.endswith(".j2"):
            continue  # included CSS holds no strings
        data = read_project_file(root, filename, TEMPLATE)  # the loader checked it; read it the same way
        key = ("strings", filename, data)
        if key not in _MEMO:
            _remember(key, [(relpath(filename, root), line, text) for line, text, _comments, _ctx in extract(
                # Babel types an extraction method's results as those of extract() itself.
                babel_extract, io.BytesIO(data), keywords=TEMPLATE_KEYWORDS,  # type: ignore[arg-type]
                options={"trim_blocks": "true", "lstrip_blocks": "true"}) if isinstance(text, str) and text])
        found.extend(_MEMO[key])
    return found


# A template's strings, per process, keyed by the template's bytes: the report's translation status
# asks for every language, watch mode after every save — each edit changes the key, nothing goes stale.
_MEMO: dict[tuple[str, str, bytes], list[tuple[str, int, str]]] = {}


def _remember(key: tuple[str, str, bytes], value: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    if len(_MEMO) > 512:  # a long watch session keeps one entry per saved version
        _MEMO.clear()
    _MEMO[key] = value
    return value


def extract_template(campaign: Campaign, lang: str, only: str | None = None,
                     overrides: Container[str] = ()) -> Catalog:
    """The messages a language needs: segments of every output built in it (or of the *only* one),
    campaign fields, and the template labels presskit has no translation of into *lang* (with those
    in *overrides*: labels the campaign's catalog already translates itself)."""
    from .context import COMMENT_PREFIX, picture_path, pictured_documents
    from .labels import is_english, shipped_label

    root = campaign.root
    pictured = pictured_documents(campaign)
    template = Catalog(locale=lang, project=campaign.title, fuzzy=False)
    for seg in campaign_segments(campaign):
        template.add(seg.text, locations=[(CAMPAIGN_FILE, seg.line)], auto_comments=[seg.context])
    for name, out in campaign.outputs.items():
        if lang not in out.languages or (only and name != only):
            continue
        document = load_document(root / "content" / out.document, root)
        for seg in document.segments():
            picture = (COMMENT_PREFIX + picture_path(document.name, seg.context, seg.text)
                       if document.name in pictured else None)
            _add(template, seg.text, (document.name, seg.line), seg.kind, picture)
        for file, line, text in template_strings(root, out.template):
            if text in overrides:
                _add(template, text, (file, line), "template label (overrides presskit's translation)")
            elif shipped_label(lang, text) is None and not is_english(lang):
                _add(template, text, (file, line), f"template label: presskit has no translation into {lang}")
    return template


def _add(catalog: Catalog, text: str, location: tuple[str, int], comment: str, picture: str | None = None) -> None:
    """Add a message, or a location to it; *picture* is its context picture's comment (i18n/context.py)."""
    existing = catalog.get(text)
    if existing is None:
        catalog.add(text, locations=[location], auto_comments=[comment, picture] if picture else [comment])
        return
    if location not in existing.locations:
        existing.locations.append(location)
    if picture and picture not in existing.auto_comments:
        existing.auto_comments.append(picture)


def new_catalog(campaign: Campaign, lang: str) -> Catalog:
    """An empty catalog for *lang* with a header that says what it is and how it is maintained."""
    from babel import Locale

    name = Locale.parse(lang).english_name
    header = (f"# {name} translation of “{campaign.title}”.\n"
              "# Maintained with `presskit i18n update`: edit msgstr entries only.\n"
              "# A fuzzy entry has a changed source (#| msgid shows the old one);\n"
              "# it is not used until its fuzzy flag is removed.\n#")
    return Catalog(locale=lang, header_comment=header, project=campaign.title,
                   version=str(campaign.date or ""),
                   copyright_holder=campaign.organisation, msgid_bugs_address="",
                   last_translator="", language_team=name, fuzzy=False)


# Babel writes `#| msgid` through its comment wrapper, which breaks a long previous msgid inside its
# quoted strings, and reads `#|` lines back as plain comments. These two helpers keep Babel's own
# normalize()/denormalize() for the strings and only put the lines where gettext expects them.
WIDTH = 76


def catalog_bytes(catalog: Catalog) -> bytes:
    """The catalog as PO (Babel's writer), with each previous msgid as proper `#|` lines."""
    from babel.messages.pofile import normalize
    from babel.util import TextWrapper

    buffer = io.BytesIO()
    write_po(buffer, catalog, width=WIDTH, include_previous=True)
    text = buffer.getvalue().decode("utf-8")
    wrapper = TextWrapper(width=WIDTH, break_long_words=False)
    for message in catalog:
        if message.id and message.previous_id:
            quoted = normalize(message.previous_id[0], width=WIDTH)
            broken = "".join(f"#| {line.strip()}\n" for line in wrapper.wrap(f"msgid {quoted}"))
            lines = quoted.split("\n")
            proper = f"#| msgid {lines[0]}\n" + "".join(f"#| {line}\n" for line in lines[1:])
            text = text.replace(broken, proper, 1)
    return text.encode("utf-8")


def read_previous_ids(catalog: Catalog) -> dict[MessageId, list[str]]:
    """msgid → previous msgid of fuzzy entries (from the `#|` lines Babel reads as comments)."""
    from babel.messages.pofile import denormalize

    found: dict[MessageId, list[str]] = {}
    for message in catalog:
        marked = [c[1:].strip() for c in message.user_comments if c.startswith("|")]
        if not marked:
            continue
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        joined = "\n".join(marked)
        if joined.startswith("msgid "):
            try:
                message.previous_id = [denormalize(joined[len("msgid "):])]
            except Exception:  # an unreadable note from a translator's tool is dropped, not fatal
                continue
            found[message.id] = message.previous_id
    return found


@dataclass
class UpdateResult:
    """What `i18n update` changed in one catalog."""

    lang: str
    path: str
    messages: int
    new: int
    fuzzy: int
    obsolete: int
    written: bool
    recalled: int = 0  # entries filled from the translation memory
    words: int = 0  # source words still to translate (untranslated entries): what an agency quotes on


def update_catalog(campaign: Campaign, lang: str) -> UpdateResult:
    """Merge the current source segments into content/translations/<lang>.po, keeping translations.

    Babel's Catalog.update does the merge: a changed segment is matched to its old entry by
    similarity and becomes fuzzy with the old source as `#| msgid`; a removed one becomes obsolete.
    """
    root = campaign.root
    path = catalog_path(root, lang)
    old = read_catalog_bytes(path, root) if catalog_exists(path) else None  # a link out is refused here
    if old is not None:
        catalog = read_catalog(path, root, lang, old)
        # A label the catalog translates itself stays (an override); presskit translates the rest.
        overrides = {m.id for m in catalog if isinstance(m.id, str) and m.id and m.string}
        template = extract_template(campaign, lang, overrides=overrides)
        previous = read_previous_ids(catalog)
        before = {m.id for m in catalog if m.id}
        was_obsolete = set(catalog.obsolete)
        template.creation_date = catalog.creation_date  # unchanged source → byte-identical file
        for key in [k for k in catalog.obsolete if k in template]:
            catalog[key] = catalog.obsolete.pop(key)  # a segment that returns gets its translation back
        catalog.update(template, update_creation_date=True)
        for message in catalog:  # still fuzzy from an earlier update: keep the source it was made from
            if message.id and message.fuzzy and not message.previous_id and message.id in previous:
                message.previous_id = previous[message.id]
        reject_weak_matches(catalog, before)
    else:
        template = extract_template(campaign, lang)
        catalog = new_catalog(campaign, lang)
        before, was_obsolete = set(), set()
        catalog.update(template)
    recalled = fill_from_memory(catalog, memory(campaign, lang, catalog))
    fuzzy_new = sum(1 for m in catalog if m.id and m.fuzzy and m.previous_id and m.id not in before)
    new = sum(1 for m in catalog if m.id and m.id not in before) - fuzzy_new
    data = catalog_bytes(catalog)
    if data != old:
        atomic_write(path, data)
    words = sum(len(m.id.split()) for m in catalog if isinstance(m.id, str) and m.id and not m.string)
    return UpdateResult(lang, relpath(path, root), sum(1 for m in catalog if m.id), new, fuzzy_new,
                        len(set(catalog.obsolete) - was_obsolete), data != old, recalled, words)


# Babel offers the translation of any old segment at least 60 % alike (difflib's default cutoff),
# and a short label then gets another label's words ("Notes" got the translation of "Footnotes").
# An edited sentence stays far above this; an unrelated text of similar letters falls below it.
MIN_SIMILARITY = 0.8


def similarity(a: str, b: str) -> float:
    """How alike two source texts are, 0–1 (difflib's ratio, case ignored)."""
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio()


def reject_weak_matches(catalog: Catalog, before: set[Any]) -> None:
    """Entries this update made fuzzy from an old segment less than MIN_SIMILARITY alike become new
    (untranslated) entries; the old entry goes back to the obsolete ones, translation and all."""
    from babel.messages.catalog import Message

    for message in catalog:
        if not (isinstance(message.id, str) and message.id not in before and message.fuzzy
                and message.previous_id):
            continue
        old = message.previous_id[0]
        if similarity(old, message.id) >= MIN_SIMILARITY:
            continue
        if old not in catalog.obsolete:
            catalog.obsolete[old] = Message(old, message.string, flags=set(message.flags) - {"fuzzy"})
        message.string, message.previous_id = "", []
        message.flags.discard("fuzzy")


MEMORY_DIR = "content/memory"  # <lang>.po files of earlier translations (a compendium), optional


def memory(campaign: Campaign, lang: str, catalog: Catalog) -> dict[str, str]:
    """Translated source texts → translations a new entry may reuse: the catalog's obsolete entries
    (segments removed or rewritten) and content/memory/<lang>.po, an agency's or another project's
    compendium."""
    found = {m.id: m.string for m in catalog.obsolete.values()
             if isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}
    path = campaign.root / MEMORY_DIR / f"{lang}.po"
    if catalog_exists(path):
        compendium = read_catalog(path, campaign.root, lang)
        for m in compendium:
            if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy:
                found.setdefault(m.id, m.string)
    return found


def fill_from_memory(catalog: Catalog, remembered: dict[str, str]) -> int:
    """Untranslated entries get the translation of the same source text from *remembered* (as is), or
    of one at least MIN_SIMILARITY alike (fuzzy, with that source as `#| msgid` for the translator);
    returns how many were filled."""
    if not remembered:
        return 0
    filled = 0
    for message in catalog:
        source = message.id
        if not (isinstance(source, str) and source and not message.string):
            continue
        if source in remembered:
            message.string = remembered[source]
        else:
            best = max(remembered, key=lambda old: similarity(old, source))
            if similarity(best, source) < MIN_SIMILARITY:
                continue
            message.string, message.previous_id = remembered[best], [best]
            message.flags.add("fuzzy")
        filled += 1
    return filled


@dataclass
class StatusRow:
    """Completeness of one language for one source file."""

    lang: str
    document: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        """All segments of the document."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def complete(self) -> bool:
        """True when every segment has a current translation."""
        return self.fuzzy == 0 and self.untranslated == 0


def status(campaign: Campaign, langs: list[str], templates: Mapping[str, Iterable[Any]] | None = None) -> list[StatusRow]:
    """Translated / fuzzy / untranslated counts per language and source file, against today's source.

    A segment the catalog does not have yet (source edited, `i18n update` not run) counts as
    untranslated, so the numbers say what a release build would refuse. *templates* may give a
    language's messages as extract_template() found them (anything with .id and .locations), to
    count them without extracting again (the build report keeps them while the source is unchanged).
    """
    rows: list[StatusRow] = []
    for lang in langs:
        template = templates[lang] if templates and lang in templates else extract_template(campaign, lang)
        path = catalog_path(campaign.root, lang)
        catalog = read_catalog(path, campaign.root, lang) if catalog_exists(path) else Catalog(locale=lang)
        per_file: dict[str, StatusRow] = {}
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id)
            state = ("untranslated" if entry is None or not entry.string
                     else "fuzzy" if entry.fuzzy else "translated")
            for file in dict.fromkeys(f for f, _ in message.locations):
                row = per_file.setdefault(file, StatusRow(lang, file))
                setattr(row, state, getattr(row, state) + 1)
        rows.extend(per_file.values())
    return rows


def status_table(rows: list[StatusRow]) -> Table:
    """A rich Table of status rows."""
    from rich.table import Table

    table = Table(title="Translations", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("language", "left"), ("document", "left"), ("translated", "right"),
        ("fuzzy", "right"), ("untranslated", "right"), ("", "left"))
    for name, justify in columns:
        table.add_column(name, justify=justify)
    for row in rows:
        table.add_row(row.lang, row.document, str(row.translated), str(row.fuzzy),
                      str(row.untranslated), "complete" if row.complete else "[bold red]incomplete")
    return table
