"""The build report build/index.html: every output with page thumbnails, times, translations, preflight."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

from .build import BUILD_DIR, STATE_DIR, Report, State, plan
from .config import Campaign
from .errors import PresskitError, Problem

REPORT_FILE = "index.html"
CACHE_FILE = "report.json"  # under build/.presskit/: what the report learnt about each file, by digest
THUMBS_DIR = "thumbs"  # under build/.presskit/: one folder of JPEGs per PDF digest
MESSAGES_FILE = "translation-messages.json"  # under build/.presskit/: the messages each language needs
LIVE_FILE = "live.json"  # under build/.presskit/: the version a served report polls to reload itself
THUMB_WIDTH_PX = 240  # rendered width; shown at half that so thumbnails stay sharp on dense screens
# JPEG, full colour resolution (4:4:4): looks the same as PNG at this size, encodes 4-5x faster
# (0.05 s against 0.22 s for the default project's 72 pages) and is smaller.
THUMB_JPEG = {"format": "JPEG", "quality": 90, "subsampling": 0}
MAX_THUMBS = 160  # a long brochure still gets a readable page; the file itself has every page


def state_dir(root: Path) -> Path:
    """build/.presskit/ of the project at *root*."""
    return root / BUILD_DIR / STATE_DIR


def write_report(campaign: Campaign, report: Report | None = None, errors: list[Problem] = (),
                 live: int = 0) -> Path:
    """Write build/index.html for the outputs on disk now; cheap when nothing changed (cached thumbnails).

    *live* is the version of a served report (watch mode): the page reloads when live.json differs.
    """
    root = campaign.root
    cache_path = state_dir(root) / CACHE_FILE
    try:
        cache = json.loads(cache_path.read_text())
    except (FileNotFoundError, ValueError):
        cache = {}
    files = cache.setdefault("files", {})
    units = report_units(campaign, report)
    seconds = State(root).units
    results = {r.unit.target: r for r in report.results} if report else {}
    cards = []
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
    translations = translation_rows(campaign, cache, refresh=report is None or bool(report.results))
    thumbnails_written()
    findings = preflight_findings(root, files, cache)
    html = render_page(campaign, cards, report, list(errors), translations, findings, live)
    target = root / BUILD_DIR / REPORT_FILE
    data = html.encode()
    if not target.is_file() or target.read_bytes() != data:
        replace_file(target, data)
    # No indent: json's C encoder only runs without one (7 ms → 1 ms with 72 thumbnails listed).
    cached = json.dumps(cache, sort_keys=True, separators=(",", ":")).encode()
    if not cache_path.is_file() or cache_path.read_bytes() != cached:
        replace_file(cache_path, cached)
    return target


def replace_file(target: Path, data: bytes) -> None:
    """Write *target* through a temporary file renamed into place: readers never see half a page.

    Unlike build.atomic_write, without fsync: the report and its caches are rewritten by every build
    and worth no disk flush (5–20 ms of a no-op build's wall time).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def report_units(campaign: Campaign, report: Report | None):
    """Every unit of the project: the build's own plan when it covered every output (no second plan)."""
    if report is not None and {d.unit.output for d in report.decisions} == set(campaign.outputs):
        return [d.unit for d in report.decisions]
    return plan(campaign)


# ---- what each file is: digest, pages, thumbnails (cached by digest) -----------------------------

def file_info(root: Path, target: str, known: dict | None) -> dict | None:
    """Size, digest, page count and thumbnails of a built file; reuses *known* if the file is unchanged."""
    try:
        st = (root / target).stat()
    except FileNotFoundError:
        return None
    if known and known.get("size") == st.st_size and known.get("mtime_ns") == st.st_mtime_ns:
        return known
    digest = hashlib.sha256((root / target).read_bytes()).hexdigest()
    if known and known.get("digest") == digest:
        return {**known, "mtime_ns": st.st_mtime_ns}
    info = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "digest": digest}
    if target.endswith(".docx"):
        info.update(docx_summary(root / target))
    return info


def collect_thumbnails(root: Path, files: dict) -> None:
    """Render missing page thumbnails (pypdfium2 → JPEG) and drop the folders of files that are gone."""
    start_thumbnails(root, files)()


def start_thumbnails(root: Path, files: dict):
    """collect_thumbnails, returning before the last images are written: call what it returns to finish."""
    thumbs = state_dir(root) / THUMBS_DIR
    wanted, pending, encoder = set(), [], None
    for target, info in files.items():
        if not target.endswith(".pdf"):
            continue
        key = info["digest"][:20]
        wanted.add(key)
        folder = thumbs / key
        if "thumbs" in info and folder.is_dir():
            continue
        if made := made_ahead(folder):  # by thumbnails_ahead() while the build was running
            info.update(made)
            continue
        if encoder is None:
            # Encoding (libjpeg, which releases the GIL) overlaps the rendering of the next page;
            # PDFium itself stays on this thread (it is not thread-safe).
            from concurrent.futures import ThreadPoolExecutor

            encoder = ThreadPoolExecutor(max_workers=1)
        try:
            found, saved = render_thumbnails(root / target, folder, encoder)
        except Exception:  # noqa: BLE001 — an unreadable PDF gets a card without pages, not a crash
            found, saved = {"pages": 0, "thumbs": []}, []
        pending.append((info, found, saved))
    if thumbs.is_dir():
        for folder in thumbs.iterdir():
            if folder.name not in wanted:
                import shutil

                shutil.rmtree(folder, ignore_errors=True)

    def finish() -> None:
        if encoder is not None:
            encoder.shutdown(wait=True)
        for info, found, saved in pending:
            if any(f.exception() for f in saved):  # e.g. a full disk: no pages rather than broken images
                found = {"pages": 0, "thumbs": []}
            info.update(found)

    return finish


AHEAD_FILE = "pages.json"  # in a thumbnail folder made during the build: written last, when complete


def thumbnails_ahead(root: Path, target: str) -> None:
    """Render the thumbnails of a PDF the build just wrote, while other files are still rendering
    (the CLI calls this as each file finishes), so that the report after the build has less to do."""
    try:
        folder = state_dir(root) / THUMBS_DIR / hashlib.sha256((root / target).read_bytes()).hexdigest()[:20]
        if made_ahead(folder):
            return
        found, _ = render_thumbnails(root / target, folder)
        replace_file(folder / AHEAD_FILE, json.dumps(found).encode())
    except Exception:  # noqa: BLE001 — the report renders them itself, or shows a card without pages
        return


def made_ahead(folder: Path) -> dict | None:
    """Pages and thumbnails recorded by thumbnails_ahead() in *folder*, if it finished."""
    try:
        found = json.loads((folder / AHEAD_FILE).read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and isinstance(found.get("thumbs"), list) else None


def render_thumbnails(pdf_path: Path, folder: Path, encoder=None) -> tuple[dict, list]:
    """Render the pages of a PDF to JPEGs in *folder*: the page count and image paths, and the
    futures of the files being written by *encoder* (an executor; written here when None)."""
    import pypdfium2

    folder.mkdir(parents=True, exist_ok=True)
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        names, saved = [], []
        for index in range(min(len(pdf), MAX_THUMBS)):
            page = pdf[index]
            width, height = page.get_size()
            image = page.render(scale=THUMB_WIDTH_PX / width).to_pil().copy()  # its own pixels
            page.close()
            name = f"p{index + 1:03d}.jpg"
            if encoder is None:
                image.save(folder / name, **THUMB_JPEG)
            else:
                saved.append(encoder.submit(image.save, folder / name, **THUMB_JPEG))
            names.append({"src": f"{STATE_DIR}/{THUMBS_DIR}/{folder.name}/{name}",
                          "ratio": round(height / width, 4)})
        return {"pages": len(pdf), "thumbs": names}, saved
    finally:
        pdf.close()


def docx_summary(path: Path) -> dict:
    """Words and headings of a DOCX, from its XML (it has no pages until a word processor lays it out)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError):
        return {"words": 0, "headings": []}
    paragraphs = re.findall(r"<w:p[ >].*?</w:p>", xml, re.S)
    words, headings = 0, []
    for para in paragraphs:
        text = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))
        words += len(text.split())
        if re.search(r'<w:pStyle w:val="(Heading[12]|Title)"', para) and text.strip():
            headings.append(text.strip())
    return {"words": words, "headings": headings[:12]}


# ---- translation status ----------------------------------------------------------------------------

def translation_rows(campaign: Campaign, cache: dict, refresh: bool = True) -> list[dict] | None:
    """Translated / fuzzy / untranslated per language and document, cached until content or catalogs change.

    Rows are kept per language: an edit to one catalog recounts that language only, against the
    messages extracted last time (no templates parsed); an edit to the content or the templates
    (what every language is counted against) extracts and recounts them all.
    None when the cache is stale and *refresh* is false (the page says when it will be filled in).
    """
    cached = cache.get("translations") or {}
    if cached and not refresh:  # a no-op shows the rows as last computed, without walking the tree
        return cached["rows"]
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
    except Exception as exc:  # noqa: BLE001 — the report is a view: it must never fail a build
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
    from .i18n import TRANSLATIONS_DIR, catalog_path

    root = campaign.root
    shared = _tree_signature(root, ("content",), skip=root / TRANSLATIONS_DIR) + _tree_signature(
        root, ("templates",), suffix=".j2")
    keys = {}
    # Every campaign language but the source has a catalog (i18n_catalogs.target_languages, whose
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


def _status_rows(campaign: Campaign, langs: list[str], shared: str) -> list[dict]:
    # Hook: the translation workflow's own status (presskit i18n status) when it is installed;
    # otherwise what the build itself knows: each output document against its language's catalog.
    try:
        from .i18n_catalogs import status
    except ImportError:
        return _build_status(campaign, langs)
    return [{"lang": r.lang, "document": r.document, "translated": r.translated, "fuzzy": r.fuzzy,
             "untranslated": r.untranslated}
            for r in status(campaign, langs, templates=_extracted_messages(campaign, langs, shared))]


def _extracted_messages(campaign: Campaign, langs: list[str], shared: str) -> dict:
    """Each language's messages (id and files) as extracted from the source with signature *shared*:
    kept in build/.presskit/ and extracted again (templates parsed, documents read) only when the
    content or the templates changed."""
    from types import SimpleNamespace

    from .i18n_catalogs import extract_template

    path = state_dir(campaign.root) / MESSAGES_FILE
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        kept = {}
    if not isinstance(kept, dict) or kept.get("key") != shared:
        kept = {"key": shared, "langs": {}}
    out, changed = {}, False
    for lang in langs:
        if lang not in kept["langs"]:
            found = [[m.id, list(dict.fromkeys(f for f, _ in m.locations))]
                     for m in extract_template(campaign, lang) if m.id]
            if not all(isinstance(i, str) for i, _ in found):  # plural forms: not kept
                continue
            kept["langs"][lang], changed = found, True
        out[lang] = [SimpleNamespace(id=i, locations=[(f, 0) for f in files]) for i, files in kept["langs"][lang]]
    if changed:
        replace_file(path, json.dumps(kept, ensure_ascii=False, separators=(",", ":")).encode())
    return out


def _build_status(campaign: Campaign, langs: list[str]) -> list[dict]:
    from .content import load_document
    from .i18n import load_localizer

    rows = []
    for lang in langs:
        localizer = load_localizer(campaign.root, lang, campaign.source_language)
        for document in dict.fromkeys(o.document for o in campaign.outputs.values() if lang in o.languages):
            doc = load_document(campaign.root / "content" / document, campaign.root)
            row = {"lang": lang, "document": f"content/{document}", "translated": 0, "fuzzy": 0,
                   "untranslated": 0}
            for segment in doc.segments():
                found = localizer.messages.get(segment.text)
                state = ("untranslated" if not found or not found[0] else "fuzzy" if found[1]
                         else "translated")
                row[state] += 1
            rows.append(row)
    return rows


def _tree_signature(root: Path, folders, skip: Path | None = None, suffix: str = "") -> str:
    """Digest of the names, sizes and modification times of every file under *folders* (no reading),
    leaving out the folder *skip* and names not ending in *suffix*."""
    entries = []
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(root / folder):
            if skip is not None:
                dirnames[:] = [d for d in dirnames if os.path.join(dirpath, d) != str(skip)]
            dirnames.sort()
            for name in sorted(n for n in filenames if n.endswith(suffix)):
                st = os.stat(os.path.join(dirpath, name))
                entries.append(f"{dirpath}/{name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


# ---- preflight findings (recorded by `presskit check`) -------------------------------------------

PREFLIGHT_CACHE = "preflight.json"  # under build/.presskit/: written by `presskit check` (preflight.py)


def preflight_findings(root: Path, files: dict, cache: dict | None = None) -> dict[str, list[Problem] | None]:
    """Preflight findings per PDF from check's cache, when it checked the file as it is now.

    None for a file preflight has not seen in its current state (built since the last check).
    The findings as messages are kept in the report's *cache* until check's cache changes, so a no-op
    build neither parses it again nor imports the preflight module.
    """
    known = preflight_results(root, cache if cache is not None else {})
    out: dict[str, list[Problem] | None] = {}
    for target, info in files.items():
        if target.endswith(".pdf"):
            entry = known.get(target)
            fresh = entry and entry.get("digest") == info["digest"]
            out[target] = [Problem(**p) for p in entry["problems"]] if fresh else None
    return out


def preflight_results(root: Path, cache: dict) -> dict:
    """{target: {"digest", "problems"}} from check's preflight cache, read again only when it changed."""
    path = state_dir(root) / PREFLIGHT_CACHE
    try:
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns]
    except FileNotFoundError:
        stamp = None
    kept = cache.get("preflight") or {}
    if "results" in kept and kept.get("stamp") == stamp:
        return kept["results"]
    results = {}
    try:
        checked = json.loads(path.read_text()) if stamp else {}
        if checked:
            from .preflight import Finding
    except (ImportError, FileNotFoundError, ValueError):
        checked = {}
    for target, entry in checked.items() if isinstance(checked, dict) else ():
        try:
            problems = [vars(Finding(**f).problem()) for f in entry["findings"]]
            results[target] = {"digest": entry["digest"], "problems": problems}
        except (TypeError, KeyError):  # a cache written by another presskit version
            continue
    cache["preflight"] = {"stamp": stamp, "results": results}
    return results


def bump_live_version(root: Path, version: int) -> None:
    """Tell served report pages to reload (they poll this file)."""
    replace_file(state_dir(root) / LIVE_FILE, json.dumps({"version": version}).encode())


# ---- the page ------------------------------------------------------------------------------------

def render_page(campaign, cards, report, errors, translations, findings, live) -> str:
    """The report as one self-contained HTML page (styles inline, thumbnails as relative links)."""
    from .report_page import page

    return page(campaign, cards, report, errors, translations, findings, live)


def human_size(size: int) -> str:
    """Bytes as KB/MB for people."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def e(value) -> str:
    """HTML-escape any value (as html.escape with quote=True, whose import costs a no-op 3 ms)."""
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))
