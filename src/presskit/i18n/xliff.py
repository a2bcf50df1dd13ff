"""XLIFF 1.2 round trip for translation agencies: `i18n export` writes one XLIFF file per language from
its PO catalog, `i18n import` merges a returned file back into the catalog. translate-toolkit makes and
reads the XLIFF; Babel and update.catalog_bytes() read and write the PO, as `i18n update` does.

Each trans-unit's id is a digest of its source text (so a unit names its segment in any catalog); its
<source> is the msgid, its <target> the msgstr with a state (translated, needs-review-translation for
a fuzzy entry, new when untranslated), its notes the segment's file:line (PO references) and kind (PO
extracted comments). Importing changes only msgstr and the fuzzy flag (a cleared flag takes its `#|`
previous msgid with it); every unit it cannot merge as it is, is reported with the file, line and id.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, TranslationError, relpath
from ..files import atomic_write
from .catalogs import catalog_exists, catalog_path, entry_problems, read_catalog, read_catalog_bytes, short
from .update import catalog_bytes, read_previous_ids

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog, Message

    from ..source.config import Campaign

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF_PREFIX = "urn:oasis:names:tc:xliff:document:"
# An XLIFF file holds a catalog's text about three times over (source, target, notes): a catalog may
# be 10 MB (containment.MAX_CATALOG_BYTES), so a returned file beyond this is not one of ours.
MAX_XLIFF_BYTES = 30_000_000
NEEDS_REVIEW = "needs-review-translation"
EXPORT_FIX = "export it again with presskit i18n export, or ask for the file as XLIFF 1.2"


def unit_id(msgid: str) -> str:
    """A trans-unit's id: the first 16 hex digits of the SHA-256 of its source text."""
    return hashlib.sha256(msgid.encode("utf-8")).hexdigest()[:16]


def _segments(catalog: Catalog) -> dict[str, Message]:
    """The catalog's translatable entries by msgid: not the header, not obsolete, no plural forms."""
    return {m.id: m for m in catalog if m.id and isinstance(m.id, str) and isinstance(m.string, str)}


def _line(node: Any) -> int | None:
    """An lxml element's line in its file."""
    line = node.sourceline
    return line if isinstance(line, int) else None


# ---- export ------------------------------------------------------------------------------------

def _store_class() -> Any:
    """translate-toolkit's XLIFF store, writing the XLIFF 1.2 namespace (it writes 1.1 by default)."""
    from translate.storage import xliff

    class Unit12(xliff.Xliff1Unit):
        namespace = XLIFF12

    class File12(xliff.Xliff1File[Unit12]):
        UnitClass = Unit12
        namespace = XLIFF12
        XMLskeleton = (f'<?xml version="1.0" ?>\n<xliff version="1.2" xmlns="{XLIFF12}">\n'
                       '<file original="NoName" source-language="en" datatype="plaintext">\n<body>\n</body>\n'
                       "</file>\n</xliff>")

    return File12


def xliff_bytes(catalog: Catalog, source_lang: str, lang: str, original: str) -> bytes:
    """The XLIFF 1.2 document of a catalog's entries (*original*: the catalog's name in the project)."""
    store = _store_class()(sourcelanguage=source_lang, targetlanguage=lang)
    store.switchfile(original, createifmissing=True)
    for msgid, message in _segments(catalog).items():
        unit = store.UnitClass(msgid)
        unit.setid(unit_id(msgid))
        store.addunit(unit)
        unit.target = message.string
        if not message.string:
            unit.set_state_n(unit.S_UNTRANSLATED + 1)  # state="new"
        elif message.fuzzy:
            unit.set_state_n(unit.S_NEEDS_REVIEW)  # state="needs-review-translation", approved="no"
        for file, line in message.locations:
            unit.createcontextgroup("po-reference", [("sourcefile", file), ("linenumber", str(line))],
                                    purpose="location")
        if message.locations:
            unit.addnote(" ".join(f"{file}:{line}" for file, line in message.locations), origin="location")
        for comment in message.auto_comments:
            unit.addnote(comment, origin="developer")  # the segment's kind: heading, list item, table cell …
        for comment in message.user_comments:
            unit.addnote(comment, origin="po-translator")
    return bytes(store)


@dataclass
class ExportResult:
    """One XLIFF file written by `i18n export`."""

    lang: str
    path: str  # as shown: relative to the project when inside it
    units: int
    translated: int
    fuzzy: int
    untranslated: int
    pictures: int = 0  # context pictures copied beside the file
    unbuilt: list[str] = field(default_factory=list)  # …and those its notes name that no build has made


def export_xliff(campaign: Campaign, lang: str, out_dir: Path) -> ExportResult:
    """Write content/translations/<lang>.po as <out_dir>/<lang>.xlf."""
    root = campaign.root
    path = catalog_path(root, lang)
    catalog = read_catalog(path, root, lang)
    read_previous_ids(catalog)  # `#|` lines are not translator comments
    segments = list(_segments(catalog).values())
    target = out_dir / f"{lang}.xlf"
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(target, xliff_bytes(catalog, campaign.source_language, lang, relpath(path, root)))
    fuzzy = sum(1 for m in segments if m.string and m.fuzzy)
    empty = sum(1 for m in segments if not m.string)
    copied, unbuilt = copy_pictures(root, segments, out_dir)
    return ExportResult(lang, relpath(target, root), len(segments), len(segments) - fuzzy - empty, fuzzy, empty,
                        copied, unbuilt)


def copy_pictures(root: Path, messages: list[Any], out_dir: Path) -> tuple[int, list[str]]:
    """Copy the context pictures the messages' notes name to the same path under *out_dir*, so that
    the folder sent to an agency holds them where the notes (relative to the XLIFF file) point.
    Returns how many were copied and the paths no build has made yet (or that are not plain files)."""
    from .context import COMMENT_PREFIX, CONTEXT_DIR

    copied, unbuilt = 0, []
    names = dict.fromkeys(c[len(COMMENT_PREFIX):] for m in messages for c in m.auto_comments
                          if c.startswith(COMMENT_PREFIX + CONTEXT_DIR + "/") and ".." not in c)
    for name in names:
        source, target = root / name, out_dir / name
        if source.is_symlink() or not source.is_file():  # only what presskit wrote under build/
            unbuilt.append(name)
            continue
        if source.resolve() != target.resolve():
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, source.read_bytes(), durable=False)
        copied += 1
    return copied, unbuilt


# ---- import ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReturnedUnit:
    """A trans-unit of a returned XLIFF file, as plain data."""

    id: str
    line: int | None
    source: str
    target: str
    fuzzy: bool


@dataclass
class ImportResult:
    """What `i18n import` did with one XLIFF file."""

    file: str
    lang: str
    catalog: str
    changed: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    written: bool = False


def read_xliff(path: Path) -> bytes:
    """An XLIFF file's bytes: a regular file of at most MAX_XLIFF_BYTES (it may lie outside the project)."""
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise TranslationError(Problem(name, None, f"cannot read the file ({exc.strerror})",
                                       "check the file name")) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TranslationError(Problem(name, None, "not a regular file", "name the XLIFF file itself"))
        os.set_blocking(fd, True)
        data = fh.read(MAX_XLIFF_BYTES + 1)
    if len(data) > MAX_XLIFF_BYTES:
        raise TranslationError(Problem(name, None, f"file is larger than the {MAX_XLIFF_BYTES // 1_000_000} MB "
                                                   "limit for an XLIFF file", EXPORT_FIX))
    return data


def check_xliff(data: bytes, name: str) -> list[str]:
    """Parse untrusted XML safely (no DTD, no entities, no network) and check it is XLIFF 1.x; return the
    target-language of each <file>. Anything else raises a TranslationError naming the file (and line)."""
    from lxml import etree

    def refuse(message: str, line: int | None = None, fix: str = EXPORT_FIX) -> TranslationError:
        return TranslationError(Problem(name, line, message, fix))

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise refuse(f"not an XML file: {exc.msg}", exc.lineno or None) from None
    if getattr(root.getroottree().docinfo, "doctype", ""):  # lxml-stubs lack DocInfo.doctype
        raise refuse("the file has a DOCTYPE (a DTD or entity declarations), which XLIFF does not need: "
                     "refused, as it could read other files", 1)
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "xliff" or not namespace.startswith(XLIFF_PREFIX):
        raise refuse(f"not an XLIFF file (its root element is <{etree.QName(root).localname}>)", _line(root))
    if not root.get("version", "1").startswith("1.") or ":2." in namespace:
        raise refuse(f"XLIFF {root.get('version') or '2'} is not supported", _line(root),
                     "export the file from the translation tool as XLIFF 1.2")
    files = root.findall(f"{{{namespace}}}file")
    if not files:
        raise refuse("the XLIFF file has no <file> element", _line(root))
    return [f.get("target-language") or "" for f in files]


def returned_units(data: bytes) -> list[ReturnedUnit]:
    """The trans-units of a checked XLIFF document, read by translate-toolkit."""
    from translate.storage import xliff

    # translate-toolkit's parser: lxml without entities or network (check_xliff refused a DTD already).
    store = xliff.Xliff1File.parsestring(data)  # type: ignore[no-untyped-call]  # untyped classmethod
    found = []
    for unit in store.units:
        if unit.isheader():
            continue
        node = unit.getlanguageNode(lang=None, index=1)  # <target>, or None
        state = node.get("state", "") if node is not None else ""
        target = str(unit.target or "")
        fuzzy = state == "new" or state.startswith("needs-") or (not state and unit.xmlelement.get("approved") == "no")
        found.append(ReturnedUnit(str(unit.xmlelement.get("id") or ""), _line(unit.xmlelement),
                                  str(unit.source or ""), target, fuzzy))
    return found


def import_language(campaign: Campaign, declared: list[str], name: str) -> str:
    """The campaign language an XLIFF file is for, from its target-language (`fr-FR` counts as `fr`)."""
    langs = [lang for lang in campaign.languages if lang != campaign.source_language]
    found = set(declared)
    if "" in found:
        raise TranslationError(Problem(name, None, "the XLIFF file does not say its target-language",
                                       "set target-language on its <file> element(s), e.g. target-language=\"fr\""))
    if len(found) > 1:
        raise TranslationError(Problem(name, None, f"the XLIFF file has several target languages "
                                                   f"({', '.join(sorted(found))})", "import one file per language"))
    lang = found.pop()
    for candidate in (lang, lang.replace("_", "-").split("-")[0].lower()):
        if candidate in langs:
            return candidate
    raise TranslationError(Problem(name, None, f"target-language '{lang}' is not a translation language of this "
                                               f"campaign ({', '.join(langs)})",
                                   "import the file into the project it was exported from, or add the "
                                   "language to 'languages' in content/campaign.yaml"))


def import_xliff(campaign: Campaign, path: Path) -> ImportResult:
    """Merge a returned XLIFF file into content/translations/<lang>.po (msgstr and fuzzy flags only)."""
    name = str(path)
    data = read_xliff(path)
    lang = import_language(campaign, check_xliff(data, name), name)
    root = campaign.root
    po = catalog_path(root, lang)
    if not catalog_exists(po):
        raise TranslationError(Problem(relpath(po, root), None, "no catalog to import into",
                                       "run presskit i18n update first"))
    old = read_catalog_bytes(po, root)  # the containment rule: a link out of the project is refused
    catalog = read_catalog(po, root, lang, old)
    read_previous_ids(catalog)
    result = ImportResult(name, lang, relpath(po, root))
    Merge(catalog, name, result.catalog, result).run(returned_units(data))
    new = catalog_bytes(catalog)
    if new != old:
        atomic_write(po, new)
        result.written = True
    return result


@dataclass
class Merge:
    """Puts returned units into a catalog, reporting each one it cannot take as it is."""

    catalog: Catalog
    name: str  # the XLIFF file, for messages
    catalog_name: str
    result: ImportResult

    def run(self, units: list[ReturnedUnit]) -> None:
        active = _segments(self.catalog)
        previous = {m.previous_id[0]: msgid for msgid, m in active.items() if m.fuzzy and m.previous_id}
        ids = {unit_id(msgid): msgid for msgid in active}
        for unit in units:
            if unit.source in active:
                self.segment(unit, unit.source, active[unit.source])
            elif unit.source in previous and unit.target:
                self.changed_source(unit, previous[unit.source], active[previous[unit.source]])
            elif unit.source in self.catalog.obsolete and unit.target:
                self.obsolete(unit, self.catalog.obsolete[unit.source])
            elif unit.id in ids:
                self.report(unit, f"its source was edited in the XLIFF file (“{short(unit.source)}”, exported as "
                                  f"“{short(ids[unit.id])}”) — not imported",
                            "translate the segment without changing its source text")
            else:
                self.report(unit, f"segment not in {self.catalog_name}: “{short(unit.source)}” — not imported",
                            "run presskit i18n update if the source has it, then import again; otherwise the "
                            "file is from another project or version")

    def report(self, unit: ReturnedUnit, message: str, fix: str) -> None:
        self.result.problems.append(Problem(self.name, unit.line, f"unit {unit.id}: {message}", fix))

    def segment(self, unit: ReturnedUnit, msgid: str, message: Message) -> None:
        if not unit.target:
            self.report(unit, f"no translation (“{short(unit.source)}”) — the catalog entry is left as it is",
                        "translate it, or leave it for later")
        elif self.acceptable(unit, msgid):
            self.apply(message, unit.target, unit.fuzzy)

    def changed_source(self, unit: ReturnedUnit, msgid: str, message: Message) -> None:
        """The source changed since the export and `i18n update` made the entry fuzzy: its translation
        becomes the entry's, still fuzzy, as update does with an old translation."""
        if self.acceptable(unit, msgid):
            self.apply(message, unit.target, True)
            self.report(unit, f"the source changed since the export (now “{short(msgid)}”, "
                              f"{self.catalog_name}:{message.lineno}) — imported as fuzzy",
                        "check the translation against the new source, then clear the fuzzy flag")

    def obsolete(self, unit: ReturnedUnit, message: Message) -> None:
        if self.acceptable(unit, unit.source):
            self.apply(message, unit.target, unit.fuzzy)
            self.report(unit, f"the segment is no longer in the source (“{short(unit.source)}”) — kept as an "
                              f"obsolete entry (#~) of {self.catalog_name}",
                        "nothing to do: i18n update restores it if the segment returns")

    def acceptable(self, unit: ReturnedUnit, msgid: str) -> bool:
        problems = entry_problems(msgid, unit.target)
        for text, fix in problems:
            self.report(unit, f"{text} — not imported", fix)
        return not problems

    def apply(self, message: Message, target: str, fuzzy: bool) -> None:
        before = (message.string, message.fuzzy, list(message.previous_id))
        message.string = target
        if fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
            message.previous_id = []  # the `#|` source a fuzzy entry was made from goes with its flag
        changed = before != (message.string, message.fuzzy, list(message.previous_id))
        self.result.changed += changed
        self.result.unchanged += not changed
