"""The build report's translation pages: build/report/translation-<lang>.html, one per language.

Each entry the language's catalog needs, in source order: its context picture (report/context.py) or
the plain reason it has none, the source and the translation, its status (translated, fuzzy,
untranslated; obsolete entries listed after), the glossary terms it holds and whether the translation
keeps them, and where it is used (file:line, and the output files of that language built from it).

A page is written again only when what it shows may have changed — the content, the templates, its
catalog, the glossary, the pictures' index or the outputs — judged from file sizes and times, so a
no-op build reads nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import BUILD_DIR, atomic_write
from ..i18n.context import COMMENT_PREFIX, document_folder, pictured_documents
from .page import e, style

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from babel.messages.catalog import Catalog

    from ..build.units import Unit
    from ..source.config import Campaign

PAGES_DIR = "report"  # under build/
CAMPAIGN_FILE = "content/campaign.yaml"

PAGE_STYLE = """
.entries { width: 100%; border-collapse: collapse; }
.entries td { vertical-align: top; padding: 10px 12px 10px 0; border-bottom: 1px solid var(--line); }
.entries td.pic { width: 460px; }
.entries td.pic img { max-width: 440px; height: auto; border: 1px solid var(--line); display: block; }
.entries .none { color: var(--muted); font-size: 13px; background: var(--tint); padding: 8px 10px;
                 border-radius: 6px; }
.entries .none.bad { color: var(--bad); background: #fbeeed; }
.source { font-size: 14px; } .target { font-size: 14px; margin-top: 6px; }
.target.empty { color: var(--muted); font-style: italic; }
.badge { display: inline-block; font-size: 12px; font-weight: 600; border-radius: 4px; padding: 1px 8px; }
.badge.translated { background: #e4f1e6; color: var(--ok); }
.badge.fuzzy { background: #fbf0d6; color: var(--warn); }
.badge.untranslated { background: #fbeeed; color: var(--bad); }
.badge.obsolete { background: var(--tint); color: var(--muted); }
.where { font-size: 12px; color: var(--muted); margin-top: 6px; }
.where code { font-size: 12px; }
.terms { margin: 6px 0 0; padding: 0; list-style: none; font-size: 13px; }
.terms li.good { color: var(--ok); } .terms li.bad { color: var(--bad); } .terms li.open { color: var(--muted); }
nav.langs a { margin-right: 12px; }
"""


def page_name(lang: str) -> str:
    """The page of *lang*, relative to build/."""
    return f"{PAGES_DIR}/translation-{lang}.html"


def write_translation_pages(campaign: Campaign, units: Sequence[Unit], cache: dict[str, Any],
                            pictures: dict[str, dict[str, Any]], keys: dict[str, str],
                            messages: Callable[[list[str]], dict[str, list[Any]]]) -> dict[str, dict[str, int]]:
    """Write each language's page when its inputs changed; returns {lang: counts by status}, the
    counts kept in the report's *cache* for the pages not written this time.

    *keys* sign what each language is counted against (content, templates, its catalog: the report's
    translation status keys); *messages* gives the languages' messages as the report extracted them
    (kept while the source is unchanged: a catalog edit extracts nothing again).
    """
    root = campaign.root
    kept = cache.get("translation_pages") or {}
    shared = _signature(root, pictures, units)
    stale: dict[str, str] = {}
    out: dict[str, dict[str, int]] = {}
    fresh: dict[str, Any] = {}
    for lang, base in keys.items():
        key = f"{base}:{shared}"
        known = kept.get(lang) or {}
        if (known.get("key") == key and isinstance(known.get("counts"), dict)
                and (root / BUILD_DIR / page_name(lang)).is_file()):
            out[lang], fresh[lang] = known["counts"], known
        else:
            stale[lang] = key
    from .context import real_folder

    if stale and not real_folder(root, f"{BUILD_DIR}/{PAGES_DIR}"):
        raise OSError(f"{BUILD_DIR}/{PAGES_DIR} is not a folder of the project's own")
    found = messages(list(stale)) if stale else {}
    for lang, key in stale.items():
        html, counts = translation_page(campaign, lang, found.get(lang), units, pictures, list(keys))
        atomic_write(root / BUILD_DIR / page_name(lang), html.encode(), durable=False)
        out[lang] = counts
        fresh[lang] = {"key": key, "counts": counts}
    cache["translation_pages"] = fresh
    return {lang: out[lang] for lang in keys}


def _signature(root: Path, pictures: dict[str, dict[str, Any]], units: Sequence[Unit]) -> str:
    """What every language's page depends on besides the content, templates and its catalog: the
    glossary, the pictures' index and which outputs are on disk."""
    from ..i18n.glossary import GLOSSARY_FILE

    try:
        st = (root / GLOSSARY_FILE).stat()
        glossary = f"{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        glossary = "none"
    parts = [glossary, repr(sorted((d, v.get("digest")) for d, v in pictures.items())),
             repr(sorted(u.target for u in units if os.path.lexists(root / u.target)))]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


# ---- one language ----------------------------------------------------------------------------------

def translation_page(campaign: Campaign, lang: str, template: Sequence[Any] | None, units: Sequence[Unit],
                     pictures: dict[str, dict[str, Any]], langs: Sequence[str]) -> tuple[str, dict[str, int]]:
    """The HTML of *lang*'s page and its counts by status; *template*: the messages the language
    needs (id, locations, auto_comments), extracted here when None."""
    from ..i18n.catalogs import catalog_exists, catalog_path, read_catalog

    root = campaign.root
    if template is None:
        from ..i18n.update import extract_template

        template = list(extract_template(campaign, lang))
    path = catalog_path(root, lang)
    catalog: Catalog | None = read_catalog(path, root, lang) if catalog_exists(path) else None
    terms = _terms(campaign)
    by_folder = {document_folder(d): (d, v) for d, v in pictures.items()}
    pictured = pictured_documents(campaign)
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0, "pictured": 0, "not found": 0}
    rows: list[str] = []
    for message in template:
        if not isinstance(message.id, str) or not message.id:
            continue
        entry = catalog.get(message.id) if catalog is not None else None
        msgstr = entry.string if entry is not None and isinstance(entry.string, str) else ""
        fuzzy = bool(entry is not None and entry.fuzzy and msgstr)
        state = "untranslated" if not msgstr else "fuzzy" if fuzzy else "translated"
        counts[state] += 1
        pics = _pictures(campaign, message, by_folder, pictured, counts)
        rows.append(_row(message.id, msgstr, state, pics, _where(campaign, lang, message.locations, units),
                         _notes(terms, lang, message.id, msgstr, fuzzy)))
    if catalog is not None:
        for old in catalog.obsolete.values():
            if isinstance(old.id, str) and old.id:
                counts["obsolete"] += 1
                rows.append(_row(old.id, old.string if isinstance(old.string, str) else "", "obsolete",
                                 ['<div class="none">obsolete: no longer in the source, so not on any page '
                                  "(<code>presskit i18n update</code> keeps it for reuse)</div>"], "", ""))
    return _page(campaign, lang, rows, counts, langs), counts


def _terms(campaign: Campaign) -> list[Any]:
    from ..i18n.glossary import GLOSSARY_FILE, load_glossary

    if not os.path.lexists(campaign.root / GLOSSARY_FILE):
        return []
    try:
        return load_glossary(campaign)[0]
    except Exception:  # a broken glossary is check's to report
        return []


def _notes(terms: list[Any], lang: str, msgid: str, msgstr: str, fuzzy: bool) -> str:
    from ..i18n.glossary import term_notes

    notes = term_notes(terms, lang, msgid, msgstr, fuzzy)
    if not notes:
        return ""
    classes = {True: "good", False: "bad", None: "open"}
    marks = {True: "✓", False: "✗", None: "→"}
    return '<ul class="terms">' + "".join(
        f'<li class="{classes[ok]}">{marks[ok]} glossary: {e(text)}</li>' for ok, text in notes) + "</ul>"


def _pictures(campaign: Campaign, message: Any, by_folder: dict[str, tuple[str, dict[str, Any]]],
              pictured: dict[str, str], counts: dict[str, int]) -> list[str]:
    """The pictures of a message (its `context:` comments), or why it has none — never a silent gap."""
    out: list[str] = []
    seen_files = dict.fromkeys(f for f, _ in message.locations)
    for comment in message.auto_comments:
        if not comment.startswith(COMMENT_PREFIX):
            continue
        picture = comment[len(COMMENT_PREFIX):]
        folder, _, name = picture.rpartition("/")
        document, index = by_folder.get(folder, ("", {}))
        segment = (index.get("segments") or {}).get(name)
        line = (segment or {}).get("line", "?")
        if not index.get("pdf") or not index.get("digest"):
            out.append(f'<div class="none">{e(document or folder)}: its PDF in the source language is not built '
                       "yet, so there is no picture (build it with <code>presskit build</code>)</div>")
        elif segment is None:
            out.append(f'<div class="none bad">not pictured yet: {e(picture)} (the next build makes it)</div>')
        elif segment.get("place"):
            counts["pictured"] += 1
            page = segment["place"]["page"]
            out.append(f'<a href="../{e(picture.removeprefix(BUILD_DIR + "/"))}">'
                       f'<img src="../{e(picture.removeprefix(BUILD_DIR + "/"))}" loading="lazy" '
                       f'alt="{e(document)}:{e(line)} on page {page} of {e(index["pdf"])}"></a>'
                       f'<div class="where">{e(document)}:{e(line)} · page {page} of '
                       f'<a href="../{e(index["pdf"].removeprefix(BUILD_DIR + "/"))}#page={page}">'
                       f'{e(Path(index["pdf"]).name)}</a></div>')
        else:
            counts["not found"] += 1
            out.append(f'<div class="none bad">not found in {e(index["pdf"])}: {e(document)}:{e(line)} — the '
                       "text on the page differs from the source, or the template does not show it</div>")
    for file in seen_files:
        if file in pictured:
            continue
        if file == CAMPAIGN_FILE:
            if not out:
                out.append(f'<div class="none">a campaign setting ({e(CAMPAIGN_FILE)}) that the templates show '
                           "(cover, header, properties): no segment of a document, so no picture</div>")
        elif file.startswith("templates/"):
            out.append(f'<div class="none">a template label ({e(file)}): no segment of a document, so no '
                       "picture</div>")
        elif file.startswith("content/"):
            built = [o for o in campaign.outputs.values() if f"content/{o.document}" == file]
            if built and all(o.format != "pdf" for o in built):
                out.append(f'<div class="none">{e(file)} is built only as DOCX (no pages until Word lays it '
                           "out): no picture</div>")
            else:
                out.append(f'<div class="none">{e(file)} has no PDF in the source language '
                           f"({e(campaign.source_language)}): no picture</div>")
    return out


def _where(campaign: Campaign, lang: str, locations: Sequence[tuple[str, int]], units: Sequence[Unit]) -> str:
    """file:line of each use, and this language's output files built from those files."""
    files = dict.fromkeys(f for f, _ in locations)
    outputs = []
    for name, out in campaign.outputs.items():
        if lang not in out.languages:
            continue
        if (CAMPAIGN_FILE in files or f"content/{out.document}" in files
                or any(f.startswith(f"templates/{out.template}/") or f.startswith("templates/shared/") for f in files)):
            outputs += [u.target for u in units if u.output == name and u.lang == lang and not u.variant]
    places = " ".join(f"<code>{e(f)}:{line}</code>" for f, line in locations)
    links = ", ".join(f'<a href="../{e(t.removeprefix(BUILD_DIR + "/"))}">{e(Path(t).name)}</a>' for t in outputs)
    return f'<div class="where">used at {places}{f" · in {links}" if links else ""}</div>'


def _row(msgid: str, msgstr: str, state: str, pictures: list[str], where: str, notes: str) -> str:
    target = (f'<div class="target" dir="auto">{e(msgstr)}</div>' if msgstr
              else '<div class="target empty">no translation yet</div>')
    return (f'<tr class="entry {state}" data-status="{state}"><td class="pic">{"".join(pictures)}</td>'
            f'<td><span class="badge {state}">{state}</span><div class="source">{e(msgid)}</div>{target}'
            f"{notes}{where}</td></tr>")


def _page(campaign: Campaign, lang: str, rows: list[str], counts: dict[str, int], langs: Sequence[str]) -> str:
    from babel import Locale

    try:
        name = Locale.parse(lang).english_name or lang
    except Exception:
        name = lang
    others = " ".join(f'<a href="translation-{e(other)}.html">{e(other)}</a>' for other in langs if other != lang)
    chips = "".join(f'<div class="chip"><b>{counts[k]}</b>{k}</div>'
                    for k in ("translated", "fuzzy", "untranslated", "obsolete", "pictured", "not found"))
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(name)} translation — {e(campaign.title)}</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{style(campaign)}{PAGE_STYLE}</style></head><body>"
            f'<header class="top"><h1>{e(name)} translation ({e(lang)})</h1>'
            f'<p>{e(campaign.title)} · <a style="color:#fff" href="../index.html">build report</a></p></header>'
            f'<main><nav class="langs">other languages: {others}</nav><div class="summary">{chips}</div>'
            "<p class=\"muted\">Each segment as it stands in the source-language PDF (highlighted; the frame is "
            "the room its box has), its translation and status, the glossary terms it holds, and where it "
            "is used.</p>"
            f'<table class="entries">{"".join(rows)}</table></main></body></html>\n')
