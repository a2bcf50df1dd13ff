"""The build report build/index.html: every output with page thumbnails, times, translations, preflight."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..build.formats import format_of_target
from ..build.state import State
from ..build.units import plan
from ..errors import PresskitError, Problem
from ..files import BUILD_DIR, atomic_write, state_dir
from ..store import JsonStore
from .context import read_index
from .page import LIVE_FILE, TranslationLinks, page
from .thumbnails import start_thumbnails

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from types import SimpleNamespace

    from ..build.run import Report
    from ..build.units import Unit
    from ..source.config import Campaign
    from .context import Outcome
    from .page import Card

REPORT_FILE = "index.html"
CACHE_FILE = "report.json"  # under build/.presskit/: what the report learnt about each file, by digest
REPORT_FORMAT = "report-1"
MESSAGES_FILE = "translation-messages.json"  # under build/.presskit/: the messages each language needs
MESSAGES_FORMAT = "messages-2"  # each message's id, locations (file, line) and extracted comments


def write_report(campaign: Campaign, report: Report | None = None, errors: Sequence[Problem] = (),
                 live: int = 0) -> Path:
    """Write build/index.html for the outputs on disk now; cheap when nothing changed (cached thumbnails).

    *live* is the version of a served report (watch mode): the page reloads when live.json differs.
    """
    root = campaign.root
    store = JsonStore(root, CACHE_FILE, REPORT_FORMAT, create=True)
    cache = store.entries
    # No indent: json's C encoder only runs without one (7 ms → 1 ms with 72 thumbnails listed).
    before = json.dumps(cache, sort_keys=True, separators=(",", ":"))
    files = cache.setdefault("files", {})
    units = report_units(campaign, report)
    seconds = State(root).units
    results = {r.unit.target: r for r in report.results} if report else {}
    cards: list[Card] = []
    for unit in units:
        info = file_info(root, unit.target, files.get(unit.target))
        if info:
            files[unit.target] = info
        else:
            files.pop(unit.target, None)
        result = results.get(unit.target)
        status = ("failed" if result and result.error else "built" if result
                  else "up to date" if info else "missing")
        problems = result.error.problems if result and result.error else []
        cards.append((unit, info, status, (seconds.get(unit.target) or {}).get("seconds"), problems))
    for stale in set(files) - {u.target for u in units}:
        del files[stale]
    thumbnails_written = start_thumbnails(root, files)
    # Translation status needs the catalogs parsed: refresh it when this run rendered something (an
    # edit to content or a catalog always rebuilds), never on a no-op, which must stay cheap.
    # Counted while the last thumbnails are still being encoded (zlib runs without the GIL).
    refresh = report is None or bool(report.results)
    translations = translation_rows(campaign, cache, refresh=refresh)
    thumbnails_written()
    # Context pictures and translation pages, like the rows: brought up to date when this run rendered
    # something (or by check and watch), shown as last made on a no-op, which imports no Markdown.
    pictures = context_pictures(campaign, units, files) if refresh else None
    index = pictures.documents if pictures is not None else read_index(root)
    pages = (translation_pages(campaign, units, cache, index) if refresh
             else {lang: v["counts"] for lang, v in (cache.get("translation_pages") or {}).items()})
    findings = preflight_findings(root, files, cache)
    html = render_page(campaign, cards, report, list(errors), translations, findings, live,
                       TranslationLinks(pages, not_found(index), refresh and pictures is None,
                                        tuple(unpictured(campaign))))
    target = root / BUILD_DIR / REPORT_FILE
    data = html.encode()
    if not target.is_file() or target.read_bytes() != data:
        replace_file(target, data)
    if json.dumps(cache, sort_keys=True, separators=(",", ":")) != before:
        store.save(force=True)
    return target


def context_pictures(campaign: Campaign, units: Sequence[Unit], files: dict[str, dict[str, Any]]) -> Outcome | None:
    """Bring the segments' context pictures up to date (report/context.py); None when they could not
    be made (the report says so rather than failing the build)."""
    from .context import make_pictures

    try:
        return make_pictures(campaign, units, {t: info["digest"] for t, info in files.items()})
    except Exception:
        return None


def translation_pages(campaign: Campaign, units: Sequence[Unit], cache: dict[str, Any],
                      index: dict[str, dict[str, Any]]) -> dict[str, dict[str, int]] | None:
    """Write the translation page of each language (report/translation.py); None when they could not be."""
    from .translation import write_translation_pages

    shared, keys = _language_keys(campaign)
    try:
        return write_translation_pages(campaign, units, cache, index, keys,
                                       lambda langs: _extracted_messages(campaign, langs, shared))
    except (PresskitError, OSError):  # a broken catalog (the build reports it), a linked build/report/
        return None


def not_found(index: dict[str, dict[str, Any]]) -> list[str]:
    """file:line of every segment the pictures' PDF does not show (report/context.py)."""
    return [f"{document}:{s.get('line')} (“{short(str(s.get('text', '')), 50)}”) not found in {entry.get('pdf')}"
            for document, entry in index.items() if entry.get("digest")
            for s in (entry.get("segments") or {}).values() if not s.get("place")]


def unpictured(campaign: Campaign) -> list[str]:
    """Each document whose segments have no context pictures, and why (said, never a silent gap)."""
    from ..i18n.context import pictured_documents

    pictured = pictured_documents(campaign)
    out: dict[str, str] = {}
    for name, settings in campaign.outputs.items():
        document = f"content/{settings.document}"
        if document in pictured or document in out:
            continue
        if all(o.format != "pdf" for o in campaign.outputs.values() if o.document == settings.document):
            out[document] = f"{document} ({name}) is built only as DOCX, which has no pages until Word lays it out"
        else:
            out[document] = f"{document} ({name}) has no PDF in the source language ({campaign.source_language})"
    return [f"{reason}: its segments have no context pictures" for reason in out.values()]


def short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def replace_file(target: Path, data: bytes) -> None:
    """The report's pages and caches, rewritten by every build: atomic, without a flush to disk."""
    atomic_write(target, data, durable=False)


def report_units(campaign: Campaign, report: Report | None) -> list[Unit]:
    """Every unit of the project: the build's own plan when it covered every output (no second plan)."""
    if report is not None and {d.unit.output for d in report.decisions} == set(campaign.outputs):
        return [d.unit for d in report.decisions]
    return plan(campaign)


# ---- what each file is: digest, pages, thumbnails (cached by digest) -----------------------------

def file_info(root: Path, target: str, known: dict[str, Any] | None) -> dict[str, Any] | None:
    """Size, digest, page count and thumbnails of a built file; reuses *known* if the file is unchanged.

    Only a regular file counts: presskit writes nothing else under build/, and a link or a FIFO put
    there would make the report read (or wait on) something else.
    """
    try:
        st = os.lstat(root / target)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    if known and known.get("size") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
        return known
    digest = hashlib.sha256((root / target).read_bytes()).hexdigest()
    if known and known.get("digest") == digest:
        return {**known, "mtime_ns": st.st_mtime_ns}
    info: dict[str, Any] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": digest}
    fmt = format_of_target(target)
    if fmt is not None and not fmt.paged:
        info.update(docx_summary(root / target))
    return info


def docx_summary(path: Path) -> dict[str, Any]:
    """Words and headings of a DOCX, from its XML (it has no pages until a word processor lays it out)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return {"words": 0, "headings": []}
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    words = 0
    headings: list[str] = []
    for para in paragraphs:
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))
        words += len(text.split())
        if re.search(r'<w:pStyle w:val="(Heading[12]|Title)"', para) and text.strip():
            headings.append(text.strip())
    return {"words": words, "headings": headings[:12]}


# ---- translation status ----------------------------------------------------------------------------

def translation_rows(campaign: Campaign, cache: dict[str, Any], refresh: bool = True) -> list[dict[str, Any]] | None:
    """Translated / fuzzy / untranslated per language and document, cached until content or catalogs change.

    Rows are kept per language: an edit to one catalog recounts that language only, against the
    messages extracted last time (no templates parsed); an edit to the content or the templates
    (what every language is counted against) extracts and recounts them all.
    None when the cache is stale and *refresh* is false (the page says when it will be filled in).
    """
    cached = cache.get("translations") or {}
    if cached and not refresh:  # a no-op shows the rows as last computed, without walking the tree
        shown: list[dict[str, Any]] = cached["rows"]
        return shown
    if not refresh:
        return None
    shared, keys = _language_keys(campaign)
    known = cached.get("langs") or {}
    fresh = {lang: known[lang] for lang, key in keys.items() if (known.get(lang) or {}).get("key") == key}
    stale = [lang for lang in keys if lang not in fresh]
    try:
        counted = _status_rows(campaign, stale, shared) if stale else []
    except PresskitError as exc:  # a broken catalog is the build's error to report; show it here too
        rows = [{"lang": "?", "document": str(p), "error": True} for p in exc.problems]
    except Exception as exc:
        rows = [{"lang": "?", "document": f"translation status unavailable: {type(exc).__name__}: {exc}",
                 "error": True}]
    else:
        for lang in stale:
            fresh[lang] = {"key": keys[lang], "rows": [r for r in counted if r["lang"] == lang]}
        rows = [r for lang in keys for r in fresh[lang]["rows"]]
    cache["translations"] = {"langs": fresh, "rows": rows}
    return rows


def _language_keys(campaign: Campaign) -> tuple[str, dict[str, str]]:
    """The signature of what catalogs are counted against (the content, and the .j2 templates: the
    only template files with strings to translate), and per language that plus its catalog's."""
    from ..i18n.catalogs import TRANSLATIONS_DIR, catalog_path

    root = campaign.root
    shared = _tree_signature(root, ("content",), skip=root / TRANSLATIONS_DIR) + _tree_signature(
        root, ("templates",), suffix=".j2")
    keys = {}
    # Every campaign language but the source has a catalog (i18n.update.target_languages, whose
    # import brings Babel: not needed when no language is recounted).
    for lang in campaign.languages:
        if lang == campaign.source_language:
            continue
        try:
            st = catalog_path(root, lang).stat()
            catalog = f"{st.st_size}:{st.st_mtime_ns}"
        except FileNotFoundError:
            catalog = "none"
        keys[lang] = f"{shared}:{catalog}"
    return shared, keys


def _status_rows(campaign: Campaign, langs: list[str], shared: str) -> list[dict[str, Any]]:
    """The translation workflow's own status (presskit i18n status) of *langs*, as report rows."""
    from ..i18n.update import status

    return [{"lang": r.lang, "document": r.document, "translated": r.translated, "fuzzy": r.fuzzy,
             "untranslated": r.untranslated}
            for r in status(campaign, langs, templates=_extracted_messages(campaign, langs, shared))]


def _extracted_messages(campaign: Campaign, langs: list[str], shared: str) -> dict[str, list[SimpleNamespace]]:
    """Each language's messages (id and files) as extracted from the source with signature *shared*:
    kept in build/.presskit/ and extracted again (templates parsed, documents read) only when the
    content or the templates changed."""
    from types import SimpleNamespace

    from ..i18n.update import extract_template

    store = JsonStore(campaign.root, MESSAGES_FILE, MESSAGES_FORMAT, create=True)
    out: dict[str, list[SimpleNamespace]] = {}
    for lang in langs:
        found = store.get(lang, shared)
        if found is None:
            found = [[m.id, [list(loc) for loc in m.locations], list(m.auto_comments)]
                     for m in extract_template(campaign, lang) if m.id]
            if not all(isinstance(i, str) for i, *_ in found):  # plural forms: not kept
                continue
            store.put(lang, shared, found)
        out[lang] = [SimpleNamespace(id=i, locations=[(f, n) for f, n in locations], auto_comments=comments)
                     for i, locations, comments in found]
    store.save()
    return out


def _tree_signature(root: Path, folders: Iterable[str], skip: Path | None = None, suffix: str = "") -> str:
    """Digest of the names, sizes and modification times of every file under *folders* (no reading),
    leaving out the folder *skip* and names not ending in *suffix*."""
    entries = []
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            if skip is not None:
                dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) != str(skip)]
            dirnames.sort()
            for name in sorted(n for n in filenames if n.endswith(suffix)):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:  # a dangling link: the checks that read it report it
                    entries.append(f"{dirpath}/{name}:unreadable")
                    continue
                entries.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


# ---- preflight findings (recorded by `presskit check`) -------------------------------------------

PREFLIGHT_CACHE = "preflight.json"  # under build/.presskit/: written by `presskit check` (preflight.pdf)


def preflight_findings(root: Path, files: dict[str, dict[str, Any]],
                       cache: dict[str, Any] | None = None) -> dict[str, list[Problem] | None]:
    """Preflight findings per PDF from check's cache, when it checked the file as it is now.

    None for a file preflight has not seen in its current state (built since the last check).
    The findings as messages are kept in the report's *cache* until check's cache changes, so a no-op
    build neither parses it again nor imports the preflight module.
    """
    known = preflight_results(root, cache if cache is not None else {})
    out: dict[str, list[Problem] | None] = {}
    for target, info in files.items():
        if (fmt := format_of_target(target)) is not None and fmt.paged:
            entry = known.get(target)  # used when preflight saw the file as it is now
            out[target] = ([Problem(**p) for p in entry["problems"]]
                           if entry and entry.get("digest") == info["digest"] else None)
    return out


def preflight_results(root: Path, cache: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{target: {"digest", "problems"}} from check's preflight cache, read again only when it changed."""
    path = state_dir(root) / PREFLIGHT_CACHE
    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns]
    except FileNotFoundError:
        stamp = None
    kept = cache.get("preflight") or {}
    if "results" in kept and kept.get("stamp") == stamp:
        kept_results: dict[str, dict[str, Any]] = kept["results"]
        return kept_results
    results: dict[str, dict[str, Any]] = {}
    if stamp:
        from ..preflight.pdf import recorded_findings

        for target, (digest, findings) in recorded_findings(root).items():
            results[target] = {"digest": digest, "problems": [vars(f.problem()) for f in findings]}
    cache["preflight"] = {"stamp": stamp, "results": results}
    return results


def bump_live_version(root: Path, version: int) -> None:
    """Tell served report pages to reload (they poll this file)."""
    replace_file(state_dir(root) / LIVE_FILE, json.dumps({"version": version}).encode())


# ---- the page ------------------------------------------------------------------------------------

def render_page(campaign: Campaign, cards: list[Card], report: Report | None, errors: list[Problem],
                translations: list[dict[str, Any]] | None, findings: dict[str, list[Problem] | None],
                live: int, links: TranslationLinks | None = None) -> str:
    """The report as one self-contained HTML page (styles inline, thumbnails as relative links)."""
    return page(campaign, cards, report, errors, translations, findings, live, links)
