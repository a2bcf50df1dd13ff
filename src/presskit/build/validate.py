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
    from ..i18n.catalogs import Messages
    from ..source.config import Campaign
    from ..source.content import Document
    from ..source.markdown import ParsedBody
    from .units import Unit

# Lists and quotes deeper than this are refused: no layout needs them, and WeasyPrint recurses
# once per level (200 levels exhausted Python's stack after 29 s of rendering).
MAX_NESTING = 10
IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"")
LIST_MARKER = re.compile(r"^((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+")
QUOTE_MARKER = re.compile(r"^(?:[ \t]{0,3}>)+")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")


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
    translated: dict[tuple[str, str], set[str]] = {}  # (document, language) → formats, translations only
    for unit in units:
        out = campaign.outputs[unit.output]
        documents.setdefault(out.document, set()).add(out.format)
        if unit.lang != campaign.source_language:
            translated.setdefault((out.document, unit.lang), set()).add(out.format)
    for name, formats in documents.items():
        problems.extend(cache.document(name, formats, campaign.source_language))
    templates = sorted({campaign.outputs[u.output].template for u in units})
    problems.extend(cache.templates(templates))
    for lang in sorted({u.lang for u in units}):
        if lang != campaign.source_language:
            found = cache.catalog(lang, campaign)
            problems.extend(found)
            if found:  # the translated documents are checked once their catalog can be used
                continue
            for (name, doc_lang), formats in sorted(translated.items()):
                if doc_lang == lang:
                    problems.extend(cache.translation(name, formats, lang, campaign.source_language))
    cache.save()
    return unique(problems)


def document_problems(root: Path, name: str, formats: set[str], lang: str) -> tuple[list[Problem], list[str]]:
    """Problems of one document (front matter, size and nesting of its Markdown and HTML, images) and the
    image references it makes."""
    from ..html.markdown import MarkupLimit, unclosed_tag_problem
    from ..source.content import load_document, read_text

    try:
        doc = load_document(root / "content" / name, root)
    except PresskitError as exc:
        return list(exc.problems), []
    source = read_text(doc.path, root)
    found = nesting_problems(doc) + span_problems(doc.name, source)
    limits = limit_problems(doc)
    if tags := unclosed_tag_problem(source):
        at, message, fix = tags
        limits.append(Problem(doc.name, source.count("\n", 0, at) + 1, message, fix))
    if limits:  # the Markdown would be refused: its images are checked once these are fixed
        return sorted(found + limits, key=lambda p: p.line or 0), []
    try:
        sources = image_sources(doc, lang)
        found += depth_problems(doc.name, _html(doc, lang), [(source, 1)])
    except MarkupLimit as exc:  # beyond the limits in a way the blocks did not show (raw HTML blocks)
        problem = exc.problems[0]
        found.append(Problem(doc.name, _line_of(source, exc.text), problem.message, problem.fix))
        return sorted(found, key=lambda p: p.line or 0), []
    found += image_problems(doc, root, lang, formats, sources)
    return sorted(found, key=lambda p: p.line or 0), sources  # in reading order


def _html(doc: Document, lang: str) -> str:
    from ..html.markdown import render_markdown

    return str(render_markdown(doc.body, lang, doc.translations).html)  # cached: the render uses it too


def _line_of(text: str, needle: str) -> int | None:
    """1-based line of the first occurrence of (the start of) *needle* in *text*, if it occurs."""
    probe = needle.strip()[:60]
    at = text.find(probe) if probe else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def nesting_problems(doc: Document) -> list[Problem]:
    """Lists or quotes nested deeper than MAX_NESTING levels (code blocks aside), read from the lines:
    the Markdown parser itself recurses once per level."""
    problems, fence = [], ""
    for offset, text in enumerate(doc.body.split("\n")):
        if m := FENCE.match(text):
            fence = "" if fence and m.group(1).startswith(fence) else fence or m.group(1)[:3]
            continue
        depth = 0 if fence else _depth(text)
        if depth > MAX_NESTING:
            problems.append(Problem(doc.name, doc.body_line + offset,
                                    f"list or quote nested {depth} levels deep (the limit is {MAX_NESTING})",
                                    "flatten it: use sub-headings or fewer levels"))
            break  # one message is enough: every deeper line is the same mistake
    return problems


def _depth(line: str) -> int:
    quotes = len(m.group(0).replace(" ", "").replace("\t", "")) if (m := QUOTE_MARKER.match(line)) else 0
    if m := LIST_MARKER.match(line):
        indent = len(m.group(2).expandtabs(4))
        return quotes + indent // 4 + 1  # Python-Markdown nests a list item per 4 columns
    return quotes


def limit_problems(doc: Document) -> list[Problem]:
    """Text beyond the limits of html/markdown.py (long paragraphs, many '[' or '<', many blocks in a
    row, many footnotes), each at its line: Markdown would take minutes on it (html/markdown.py)."""
    from ..html.markdown import FOOTNOTE_REFERENCE, MAX_FOOTNOTES, inline_problem
    from ..source.markdown import parse_body

    parsed = parse_body(doc.body, doc.body_line)
    problems = crowding_problems(doc, parsed)
    references = 0
    seen: set[str] = set()
    for seg in parsed.segments:
        if seg.kind not in seen and (found := inline_problem(seg.text, seg.kind)):
            seen.add(seg.kind)  # one message per kind of text is enough
            problems.append(Problem(doc.name, seg.line, *found))
        before = references
        references += len(FOOTNOTE_REFERENCE.findall(seg.text))
        if before <= MAX_FOOTNOTES < references:
            problems.append(Problem(doc.name, seg.line, f"more than {MAX_FOOTNOTES} footnote references "
                                    "(Markdown and the PDF renderer slow down sharply on so many)",
                                    "keep the notes that matter, or split the document"))
    return problems


def crowding_problems(doc: Document, parsed: ParsedBody) -> list[Problem]:
    """Blocks, list items, table rows or cells, and footnotes beyond html/markdown.py's limits in a row,
    at the line of the first one beyond: Markdown's inline pass is quadratic in their number."""
    from ..html.markdown import MAX_BLOCKS, MAX_FOOTNOTES

    problems = []
    for element in parsed.tree.iter():
        children = list(element)
        notes = element.tag == "ol" and element in _footnote_lists(parsed.tree)
        limit = MAX_FOOTNOTES if notes else MAX_BLOCKS
        if len(children) <= limit:
            continue
        what = CROWDED.get("footnotes" if notes else element.tag, "")
        line = parsed.line_of(children[limit]) or parsed.line_of(element)
        fix = ("keep the notes that matter, or split the document" if notes else
               "split the list" if element.tag in ("ul", "ol") else
               "split the table" if element.tag in ("tbody", "tr") else "split the document")
        problems.append(Problem(doc.name, line, what.format(limit=limit) or
                                f"more than {limit} blocks in a row (Markdown slows down sharply on so many)", fix))
    return problems


def _footnote_lists(tree: Any) -> list[Any]:
    return [ol for div in tree.iter("div") if "footnote" in div.get("class", "").split() for ol in div.iter("ol")]


# What too many children of an element are, in messages.
CROWDED = {"div": "more than {limit} paragraphs, headings, lists and tables",
           "ul": "more than {limit} items in one list", "ol": "more than {limit} items in one list",
           "tbody": "more than {limit} rows in one table", "tr": "a table row of more than {limit} cells",
           "footnotes": "more than {limit} footnotes"}


# colspan="…" / rowspan="…" as written in raw HTML (quoted or not), with HTML's integer prefix.
SPAN_ATTRIBUTE = re.compile(r"""\b(colspan|rowspan)[ \t\n]*=[ \t\n]*["']?([ \t\n]*[+-]?[0-9]+)""", re.I)


def span_problems(name: str, text: str, line: int | None = None) -> list[Problem]:
    """Table cells of raw HTML in *text* spanning more than MAX_SPAN columns or rows, each at its line
    (or at *line*, for a translation). WeasyPrint lays out the whole grid they span: one
    colspan="65534" took 12–70 s. The sanitiser drops such values too, as a safety net."""
    from ..html.sanitize import MAX_SPAN, html_integer

    problems = []
    for m in SPAN_ATTRIBUTE.finditer(text):
        value = html_integer(m.group(2))
        if value is not None and value > MAX_SPAN:
            at = line if line is not None else text.count("\n", 0, m.start()) + 1
            problems.append(Problem(name, at, f"{m.group(1).lower()}=\"{m.group(2).strip()[:20]}\": a table cell "
                                    f"may span at most {MAX_SPAN} columns or rows",
                                    "write the real number of columns or rows it spans"))
    return problems


# Elements nested deeper than this in a document's HTML (lists and quotes included) are refused:
# WeasyPrint recurses once per level (140 levels of raw <div> exhausted Python's stack), and no
# layout needs more. Ten levels of list (MAX_NESTING) make twenty, with room for raw HTML in them.
MAX_HTML_NESTING = 40
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                 "track", "wbr"}
HTML_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")


def html_depth(html: str) -> int:
    """How deeply the elements of sanitised (well-formed) HTML nest."""
    depth = deepest = 0
    for m in HTML_TAG.finditer(html):
        if m.group(2).lower() in VOID_ELEMENTS or m.group(0).endswith("/>"):
            continue
        depth += -1 if m.group(1) else 1
        deepest = max(deepest, depth)
    return deepest


def raw_depth(text: str) -> tuple[int, int]:
    """(depth, line where it is first reached) of the raw HTML written in Markdown *text*: elements the
    sanitiser keeps, closed by their end tag when there is one. Only locates a problem html_depth found
    in the rendered HTML: Markdown text is not HTML (autolinks, 'a < b', unclosed tags)."""
    from html.parser import HTMLParser

    from ..html.sanitize import TAGS

    class Depth(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=False)
            self.open: list[str] = []
            self.deepest, self.line = 0, 1

        def handle_starttag(self, tag: str, attrs: object) -> None:
            if tag in TAGS and tag not in VOID_ELEMENTS:
                self.open.append(tag)
                if len(self.open) > self.deepest:
                    self.deepest, self.line = len(self.open), self.getpos()[0]

        def handle_endtag(self, tag: str) -> None:
            if tag in self.open:
                while self.open.pop() != tag:
                    pass

    parser = Depth()
    parser.feed(text)
    parser.close()
    return parser.deepest, parser.line


def depth_problems(name: str, html: str, texts: list[tuple[str, int | None]], per_text: bool = False) -> list[Problem]:
    """One problem when the rendered *html* nests deeper than MAX_HTML_NESTING, at the line of the
    deepest raw HTML among *texts* ((text, its first line) pairs; with *per_text*, each text is one
    translation, and the problem is at its line as it is)."""
    depth = html_depth(html)
    if depth <= MAX_HTML_NESTING:
        return []
    line, deepest = None, 0
    for text, first in texts:
        found, at = raw_depth(text) if "<" in text else (0, 1)
        if found > deepest:
            deepest = found
            line = first if per_text or first is None else first + at - 1
    return [Problem(name, line, f"HTML nested {depth} levels deep, lists and quotes included (the limit is "
                                f"{MAX_HTML_NESTING})", "remove the extra levels of raw HTML (<div>, <span> …)")]


def image_sources(doc: Document, lang: str) -> list[str]:
    """The image references of a document's Markdown (and raw HTML), each once, data: URLs included."""
    import html

    found = dict.fromkeys(html.unescape(s) for s in IMG_SRC.findall(_html(doc, lang)))
    return list(found)


def image_problems(doc: Document, root: Path, lang: str, formats: set[str], sources: list[str] | None = None) -> list[Problem]:
    """Images the document's Markdown (and raw HTML) refers to that are remote, outside, missing or
    bad; data: URLs are checked like files (decoded size, format, pixels, decoding)."""
    from ..source.containment import resolve_project_file
    from ..source.content import read_text
    from ..source.images import check_data_image, check_image
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
    """Translation catalogs of the given languages that cannot be read, and entries no translation may
    have (i18n.catalogs.entry_problems; Markdown or raw HTML beyond the limits a document has)."""
    from ..i18n.catalogs import catalog_exists, catalog_path, load_localizer, read_catalog_bytes
    from ..source.content import CONTROL_CHARACTERS
    from ..source.yaml import CONTROL_FIX

    problems = []
    for lang in langs:
        path = catalog_path(campaign.root, lang)
        if lang == campaign.source_language and not catalog_exists(path):
            continue  # the source language needs no catalog (one it has may override template labels)
        name = path.relative_to(campaign.root).as_posix()
        data = b""
        if catalog_exists(path):
            try:
                data = read_catalog_bytes(path, campaign.root)  # a link out of the project, a FIFO, too large
            except PresskitError as exc:
                problems.extend(exc.problems)
                continue
        text = data.decode("utf-8", errors="replace")
        if m := CONTROL_CHARACTERS.search(text):  # a translation would carry it into every output
            problems.append(Problem(name, text.count("\n", 0, m.start()) + 1,
                                    f"control character U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
            continue
        try:
            localizer = load_localizer(campaign.root, lang, campaign.source_language)
        except PresskitError as exc:
            problems.extend(exc.problems)
            continue
        if data:
            problems.extend(duplicate_entries(data, name))
            problems.extend(translation_entry_problems(name, localizer.messages))
    return problems


def translation_entry_problems(name: str, messages: Messages) -> list[Problem]:
    """Every translation (fuzzy ones too) against the rules for any translation, and against the limits
    a document's own text has (html/markdown.py, span_problems), each at its PO line."""
    from ..html.markdown import inline_problem
    from ..i18n.catalogs import entry_problems, short

    problems = []
    for msgid, (msgstr, _, line) in messages.items():
        if not msgstr:
            continue
        found = entry_problems(msgid, msgstr)
        if not found and (limit := inline_problem(msgstr, "translation")):
            found.append(limit)
        problems += [Problem(name, line, f"{message} (“{short(msgid)}”)", fix) for message, fix in found]
        problems += span_problems(name, msgstr, line)
    return problems


def translation_problems(root: Path, name: str, formats: set[str], lang: str,
                         source_lang: str) -> tuple[list[Problem], list[str]]:
    """Problems the translations of *lang* bring into document *name*, at their PO lines: images they
    refer to (checked as the document's own images are), raw HTML nested too deeply. Also the image
    references the translated document makes that the source does not."""
    from ..html.markdown import MarkupLimit
    from ..i18n.catalogs import load_localizer, localize
    from ..source.content import load_document

    try:
        doc = load_document(root / "content" / name, root)
        localizer = load_localizer(root, lang, source_lang)
    except PresskitError:  # reported by the document's and the catalog's own checks
        return [], []
    translations = [(msgstr, line) for msgstr, fuzzy, line in localizer.messages.values() if msgstr and not fuzzy]
    if not translations:
        return [], []
    catalog = localizer.catalog_name

    def line_of(needle: str) -> int | None:
        probe = needle.strip()[:60]
        return next((line for text, line in translations if probe and probe in text), None)

    translated = localize(doc, localizer)
    try:
        own = set(image_sources(doc, source_lang))
        deep = html_depth(_html(doc, source_lang)) > MAX_HTML_NESTING
    except MarkupLimit:  # the document's own text: document_problems reports it
        return [], []
    try:
        sources = [src for src in image_sources(translated, lang) if src not in own]
        html = _html(translated, lang)
    except MarkupLimit as exc:
        return [Problem(catalog, line_of(exc.text), exc.problems[0].message, exc.problems[0].fix)], []
    problems = [] if deep else depth_problems(catalog, html, translations, per_text=True)
    for src in sources:
        problems += [Problem(catalog, line_of(src), p.message, p.fix)
                     for p in image_problems(translated, root, lang, formats, [src])]
    return problems, sources


def duplicate_entries(data: bytes, name: str) -> list[Problem]:
    """Entries of a PO file (its *data*) whose msgid (and msgctxt) repeats: Babel would silently keep the
    last one."""
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    from ..i18n.catalogs import UTF8_BOM

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

    Parser(Catalog(), ignore_obsolete=True).parse(io.BytesIO(data.removeprefix(UTF8_BOM)))
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

    def translation(self, name: str, formats: set[str], lang: str, source_lang: str) -> list[Problem]:
        """Problems the catalog of *lang* brings into content/<name> rendered to *formats*."""
        from ..i18n.catalogs import catalog_path

        key = f"translation:{name}|{','.join(sorted(formats))}|{lang}|{source_lang}"
        catalog = catalog_path(self.root, lang)
        digest = [project_digest(self.root, self.root / "content" / name, DOCUMENT),
                  project_digest(self.root, catalog, CATALOG) if os.path.lexists(catalog) else "none"]
        sources = self.store.get(f"images:{key}", digest)
        if sources is not None and (found := self.store.get(key, [*digest, self._images(sources)])) is not None:
            return _problems(found)
        problems, sources = translation_problems(self.root, name, formats, lang, source_lang)
        self.store.put(f"images:{key}", digest, sources)
        self.store.put(key, [*digest, self._images(sources)], _plain(problems))
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
                        "presskit.source.yaml", "presskit.html.markdown", "presskit.html.sanitize",
                        "presskit.i18n.catalogs",
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
