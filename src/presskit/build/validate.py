"""Check every input a build will use before rendering anything, and report all problems in one pass."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PresskitError, Problem, unique
from ..source.containment import CATALOG, DOCUMENT, TEMPLATE, project_digest
from ..store import JsonStore, code_version

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..source.config import Campaign
    from ..source.content import Document
    from .units import Unit

# Lists and quotes deeper than this are refused: no layout needs them, and WeasyPrint recurses
# once per level (200 levels exhausted Python's stack after 29 s of rendering).
MAX_NESTING = 10
IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"")
LIST_MARKER = re.compile(r"^((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+")
QUOTE_MARKER = re.compile(r"^(?:[ \t]{0,3}>)+")


def validate(campaign: Campaign, units: list[Unit]) -> list[Problem]:
    """Every problem in the documents, images, templates and catalogs the given units use.

    What each document, template set and catalog was found to have is kept in
    build/.presskit/validate.json by the digests of the files checked (and the state of the images
    a document refers to), so an unchanged input is not parsed again: `presskit check` after a
    no-op build, or a build after a catalog edit, skips Markdown, Jinja and PIL altogether.
    """
    root = campaign.root
    cache = ValidationCache(root)
    problems: list[Problem] = []
    documents: dict[str, set[str]] = {}  # document → formats it is rendered to
    for unit in units:
        out = campaign.outputs[unit.output]
        documents.setdefault(out.document, set()).add(out.format)
    for name, formats in documents.items():
        problems.extend(cache.document(name, formats, campaign.source_language))
    templates = sorted({campaign.outputs[u.output].template for u in units})
    problems.extend(cache.templates(templates))
    for lang in sorted({u.lang for u in units}):
        if lang != campaign.source_language:
            problems.extend(cache.catalog(lang, campaign))
    cache.save()
    return unique(problems)


def document_problems(root: Path, name: str, formats: set[str], lang: str) -> tuple[list[Problem], list[str]]:
    """Problems of one document (front matter, nesting, images) and the image references it makes."""
    from ..source.content import load_document

    try:
        doc = load_document(root / "content" / name, root)
    except PresskitError as exc:
        return list(exc.problems), []
    sources = image_sources(doc, lang)
    found = meta_problems(doc) + nesting_problems(doc) + image_problems(doc, root, lang, formats, sources)
    return sorted(found, key=lambda p: p.line or 0), sources  # in reading order


def meta_problems(doc: Document) -> list[Problem]:
    """Front-matter values carrying control characters (YAML escapes such as "\\x1f" let them in)."""
    from ..source.content import CONTROL_CHARACTERS
    from ..source.yaml import CONTROL_FIX

    problems = []
    for key, value in doc.meta.items():
        for text in _strings(value):
            if m := CONTROL_CHARACTERS.search(text):
                problems.append(Problem(doc.name, doc.meta_lines.get(key), f"{key}: control character "
                                        f"U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
                break
    return problems


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def nesting_problems(doc: Document) -> list[Problem]:
    """Lists or quotes nested deeper than MAX_NESTING levels."""
    problems = []
    for block in doc.blocks:
        for offset, text in enumerate(block.markdown().split("\n")):
            depth = _depth(text)
            if depth > MAX_NESTING:
                problems.append(Problem(doc.name, block.line + offset,
                                        f"list or quote nested {depth} levels deep (the limit is {MAX_NESTING})",
                                        "flatten it: use sub-headings or fewer levels"))
                break  # one message per block is enough
    return problems


def _depth(line: str) -> int:
    quotes = len(m.group(0).replace(" ", "").replace("\t", "")) if (m := QUOTE_MARKER.match(line)) else 0
    if m := LIST_MARKER.match(line):
        indent = len(m.group(2).expandtabs(4))
        return quotes + indent // 4 + 1  # Python-Markdown nests a list item per 4 columns
    return quotes


def image_sources(doc: Document, lang: str) -> list[str]:
    """The image references of a document's Markdown (and raw HTML), each once, data: URLs included."""
    import html

    from ..html.markdown import markdown_to_html

    found = dict.fromkeys(html.unescape(s) for s in IMG_SRC.findall(markdown_to_html(doc.markdown(), lang)))
    return list(found)


def image_problems(doc: Document, root: Path, lang: str, formats: set[str], sources: list[str] | None = None) -> list[Problem]:
    """Images the document's Markdown (and raw HTML) refers to that are remote, outside, missing or
    bad; data: URLs are checked like files (decoded size, format, pixels, decoding)."""
    from ..source.containment import check_data_image, check_image, resolve_project_file
    from ..source.content import read_text
    from .formats import FORMATS

    allowed = set.intersection(*(set(FORMATS[f].image_formats) for f in formats))
    try:
        source = read_text(doc.path, root)
    except PresskitError:
        source = ""
    problems = []
    for src in image_sources(doc, lang) if sources is None else sources:
        found: Path | Problem | None
        if src[:5].lower() == "data:":
            found = check_data_image(src, allowed)
        else:
            found = resolve_project_file(root, src)
            if isinstance(found, Path):
                found = check_image(root, found, src, allowed)
        if found is not None:
            at = _find_reference(source, src)
            line = source.count("\n", 0, at) + 1 if at >= 0 else None
            message = found.message if found.message.startswith("image") else f"image {found.message}"
            problems.append(Problem(doc.name, line, message, found.fix))
    return problems


def _find_reference(source: str, src: str) -> int:
    """Where an image reference is written in the Markdown source (-1 if it cannot be found)."""
    at = source.find(src)
    if at < 0 and src[:5].lower() == "data:":  # e.g. written across lines in raw HTML: its start
        at = source.find(src[:40])
    return at


def template_problems(root: Path, templates: list[str]) -> list[Problem]:
    """Syntax errors in every Jinja file of the given template folders (and templates/shared)."""
    import jinja2

    from ..source.containment import read_project_file
    from ..source.templates import template_environment

    env = template_environment(root)
    problems = []
    folders = [root / "templates" / t for t in templates] + [root / "templates" / "shared"]
    for folder in dict.fromkeys(folders):
        for path in sorted(folder.rglob("*.j2")) if folder.is_dir() else ():
            name = path.relative_to(root).as_posix()
            try:
                env.parse(read_project_file(root, path, TEMPLATE).decode("utf-8-sig"), path.name, name)
            except PresskitError as exc:  # a link out of the project, a FIFO, too large
                problems.extend(exc.problems)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(name, exc.lineno, f"template syntax error: {exc.message}",
                                        "fix the Jinja tag on that line"))
            except UnicodeDecodeError as exc:
                problems.append(Problem(name, None, f"not valid UTF-8 (byte at offset {exc.start})",
                                        "save the file as UTF-8"))
    return problems


def catalog_problems(campaign: Campaign, langs: list[str]) -> list[Problem]:
    """Translation catalogs of the given languages that cannot be read."""
    from ..i18n.catalogs import catalog_exists, catalog_path, load_localizer, read_catalog_bytes
    from ..source.content import CONTROL_CHARACTERS
    from ..source.yaml import CONTROL_FIX

    problems = []
    for lang in langs:
        if lang == campaign.source_language:
            continue
        path = catalog_path(campaign.root, lang)
        data = b""
        if catalog_exists(path):
            try:
                data = read_catalog_bytes(path, campaign.root)  # a link out of the project, a FIFO, too large
            except PresskitError as exc:
                problems.extend(exc.problems)
                continue
        text = data.decode("utf-8", errors="replace")
        if m := CONTROL_CHARACTERS.search(text):  # a translation would carry it into every output
            problems.append(Problem(path.relative_to(campaign.root).as_posix(), text.count("\n", 0, m.start()) + 1,
                                    f"control character U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
            continue
        try:
            load_localizer(campaign.root, lang, campaign.source_language)
        except PresskitError as exc:
            problems.extend(exc.problems)
            continue
        if data:
            problems.extend(duplicate_entries(data, path.relative_to(campaign.root).as_posix()))
    return problems


def duplicate_entries(data: bytes, name: str) -> list[Problem]:
    """Entries of a PO file whose msgid (and msgctxt) repeats: Babel would silently keep the last one."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    problems: list[Problem] = []
    seen: dict[tuple[str, str | None, bool], int] = {}

    class Parser(PoFileParser):
        def _add_message(self) -> None:
            key = (self.messages[0].denormalize(), self.context.denormalize() if self.context else None,
                   self.obsolete)
            line = self.offset + 1
            if key in seen and not self.obsolete:
                problems.append(Problem(name, line, f"duplicate entry for “{key[0][:60]}” (first on line "
                                        f"{seen[key]})", "delete one of the two entries"))
            seen.setdefault(key, line)
            super()._add_message()

    Parser(Catalog(), ignore_obsolete=True).parse(io.BytesIO(data))
    return problems


# ---- the cache: what each input was found to have, by digest ---------------------------------------

CACHE_FILE = "validate.json"  # under build/.presskit/


class ValidationCache:
    """Problems found per document, template set and catalog, reused while their files are unchanged."""

    def __init__(self, root: Path):
        self.root = root
        self.store = JsonStore(root, CACHE_FILE, _rules())

    def document(self, name: str, formats: set[str], lang: str) -> list[Problem]:
        """Problems of content/<name> rendered to *formats*."""
        key = f"{name}|{','.join(sorted(formats))}|{lang}"
        digest = project_digest(self.root, f"content/{name}", DOCUMENT)
        if digest is None:  # missing, or refused by the containment rule: checked (and said) every time
            return document_problems(self.root, name, formats, lang)[0]
        # The image references found last time: the entry holds while they lead to the same files.
        sources = self.store.get(f"images:{key}", digest, valid=_strings_list)
        if sources is not None and (found := self.store.get(key, [digest, self._images(sources)],
                                                             valid=_valid_rows)) is not None:
            return _problems(found)
        problems, sources = document_problems(self.root, name, formats, lang)
        sources = [src for src in sources if src[:5].lower() != "data:"]  # part of the document's digest
        self.store.put(f"images:{key}", digest, sources)
        self.store.put(key, [digest, self._images(sources)], _plain(problems))
        return problems

    def _images(self, sources: list[str]) -> list[list[str | int] | str]:
        """Where each image reference leads now, and that file's size and time (JSON-comparable)."""
        from ..source.containment import resolve_project_file

        states: list[list[str | int] | str] = []
        for src in sources:
            found = resolve_project_file(self.root, src)
            if isinstance(found, Path):
                st = found.stat()
                states.append([str(found), st.st_size, st.st_mtime_ns])
            else:
                states.append(str(found))
        return states

    def templates(self, templates: list[str]) -> list[Problem]:
        """Syntax problems of the given template folders (and templates/shared)."""
        import hashlib

        folders = [self.root / "templates" / t for t in templates] + [self.root / "templates" / "shared"]
        files = [path for folder in dict.fromkeys(folders)
                 for path in (sorted(folder.rglob("*.j2")) if folder.is_dir() else ())]
        digests = [(str(f), project_digest(self.root, f, TEMPLATE)) for f in files]
        if any(d is None for _, d in digests):  # a file that may not be read (a link out, a FIFO): not cached
            return template_problems(self.root, templates)
        digest = hashlib.sha256(repr(digests).encode()).hexdigest()
        key = "templates:" + ",".join(templates)
        if (found := self.store.get(key, digest, valid=_valid_rows)) is not None:
            return _problems(found)
        problems = template_problems(self.root, templates)
        self.store.put(key, digest, _plain(problems))
        return problems

    def catalog(self, lang: str, campaign: Campaign) -> list[Problem]:
        """Problems of the catalog of *lang*."""
        from ..i18n.catalogs import catalog_path

        key = f"catalog:{lang}|{campaign.source_language}"
        path = catalog_path(self.root, lang)
        # A missing catalog and one that may not be read differ: the second is always checked again.
        digest = project_digest(self.root, path, CATALOG) if os.path.lexists(path) else "none"
        if digest is not None and (found := self.store.get(key, digest, valid=_valid_rows)) is not None:
            return _problems(found)
        problems = catalog_problems(campaign, [lang])
        if digest is not None:
            self.store.put(key, digest, _plain(problems))
        return problems

    def save(self) -> None:
        """Write the cache when it learnt something and the project has a build/.presskit/ folder."""
        self.store.save()


def _rules() -> str:
    """The version of what is cached: the checking code, and the libraries' folder (an upgrade changes
    its time)."""
    import click

    libraries = str(Path(click.__file__).parents[1].stat().st_mtime_ns)
    return code_version(__name__, "presskit.source.content", "presskit.source.containment",
                        "presskit.source.yaml", "presskit.html.markdown", "presskit.i18n.catalogs",
                        extra=libraries)


def _valid_rows(rows: Any) -> bool:
    """The shape _plain() stores: [[file, line, message, fix], …]."""
    return isinstance(rows, list) and all(
        isinstance(r, list) and len(r) == 4 and isinstance(r[0], (str, type(None)))
        and (r[1] is None or type(r[1]) is int) and isinstance(r[2], str) and isinstance(r[3], (str, type(None)))
        for r in rows)


def _strings_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _plain(problems: list[Problem]) -> list[list[str | int | None]]:
    return [[p.file, p.line, p.message, p.fix] for p in problems]


def _problems(rows: list[list[Any]]) -> list[Problem]:
    return [Problem(*row) for row in rows]
