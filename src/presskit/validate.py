"""Check every input a build will use before rendering anything, and report all problems in one pass."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import PresskitError, Problem

# Lists and quotes deeper than this are refused: no layout needs them, and WeasyPrint recurses
# once per level (200 levels exhausted Python's stack after 29 s of rendering).
MAX_NESTING = 10
IMG_SRC = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]*)\"")
LIST_MARKER = re.compile(r"^((?:[ \t]*>)*)([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+")
QUOTE_MARKER = re.compile(r"^(?:[ \t]{0,3}>)+")


def validate(campaign, units) -> list[Problem]:
    """Every problem in the documents, images, templates and catalogs the given units use."""
    from .content import load_document

    root = campaign.root
    problems: list[Problem] = []
    documents: dict[str, set[str]] = {}  # document → formats it is rendered to
    for unit in units:
        out = campaign.outputs[unit.output]
        documents.setdefault(out.document, set()).add(out.format)
    for name, formats in documents.items():
        path = root / "content" / name
        try:
            doc = load_document(path, root)
        except PresskitError as exc:
            problems.extend(exc.problems)
            continue
        found = meta_problems(doc) + nesting_problems(doc) + image_problems(doc, root, campaign.source_language,
                                                                             formats)
        problems.extend(sorted(found, key=lambda p: p.line or 0))  # in reading order
    templates = sorted({campaign.outputs[u.output].template for u in units})
    problems.extend(template_problems(root, templates))
    problems.extend(catalog_problems(campaign, sorted({u.lang for u in units})))
    return unique(problems)


def unique(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats (several units often share one document or template)."""
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out


def meta_problems(doc) -> list[Problem]:
    """Front-matter values carrying control characters (YAML escapes such as "\\x1f" let them in)."""
    from .content import CONTROL_CHARACTERS, CONTROL_FIX

    problems = []
    for key, value in doc.meta.items():
        for text in _strings(value):
            if m := CONTROL_CHARACTERS.search(text):
                problems.append(Problem(doc.name, doc.meta_lines.get(key), f"{key}: control character "
                                        f"U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
                break
    return problems


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def nesting_problems(doc) -> list[Problem]:
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


def image_problems(doc, root: Path, lang: str, formats: set[str]) -> list[Problem]:
    """Images the document's Markdown (and raw HTML) refers to that are remote, outside, missing or bad."""
    import html

    from .fetch import DOCX_IMAGE_FORMATS, IMAGE_FORMATS, check_image, resolve_project_file
    from .render import markdown_to_html

    allowed = DOCX_IMAGE_FORMATS if "docx" in formats else IMAGE_FORMATS
    source = doc.path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
    problems = []
    for src in dict.fromkeys(html.unescape(s) for s in IMG_SRC.findall(markdown_to_html(doc.markdown(), lang))):
        if src.startswith("data:"):
            continue
        found = resolve_project_file(root, src)
        if isinstance(found, Path):
            found = check_image(found, src, allowed)
        if found is not None:
            at = source.find(src)
            line = source.count("\n", 0, at) + 1 if at >= 0 else None
            message = found.message if found.message.startswith("image") else f"image {found.message}"
            problems.append(Problem(doc.name, line, message, found.fix))
    return problems


def template_problems(root: Path, templates: list[str]) -> list[Problem]:
    """Syntax errors in every Jinja file of the given template folders (and templates/shared)."""
    import jinja2

    from .render import make_environment

    env = make_environment(root)
    problems = []
    folders = [root / "templates" / t for t in templates] + [root / "templates" / "shared"]
    for folder in dict.fromkeys(folders):
        for path in sorted(folder.rglob("*.j2")) if folder.is_dir() else ():
            name = path.relative_to(root).as_posix()
            try:
                env.parse(path.read_text(encoding="utf-8-sig"), path.name, name)
            except jinja2.TemplateSyntaxError as exc:
                problems.append(Problem(name, exc.lineno, f"template syntax error: {exc.message}",
                                        "fix the Jinja tag on that line"))
            except UnicodeDecodeError as exc:
                problems.append(Problem(name, None, f"not valid UTF-8 (byte at offset {exc.start})",
                                        "save the file as UTF-8"))
    return problems


def catalog_problems(campaign, langs: list[str]) -> list[Problem]:
    """Translation catalogs of the given languages that cannot be read."""
    from .content import CONTROL_CHARACTERS, CONTROL_FIX
    from .i18n import catalog_path, load_localizer

    problems = []
    for lang in langs:
        if lang == campaign.source_language:
            continue
        path = catalog_path(campaign.root, lang)
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            text = ""
        if m := CONTROL_CHARACTERS.search(text):  # a translation would carry it into every output
            problems.append(Problem(path.relative_to(campaign.root).as_posix(), text.count("\n", 0, m.start()) + 1,
                                    f"control character U+{ord(m.group()):04X} is not allowed", CONTROL_FIX))
            continue
        try:
            load_localizer(campaign.root, lang, campaign.source_language)
        except PresskitError as exc:
            problems.extend(exc.problems)
            continue
        if path.is_file():
            problems.extend(duplicate_entries(path, path.relative_to(campaign.root).as_posix()))
    return problems


def duplicate_entries(path: Path, name: str) -> list[Problem]:
    """Entries of a PO file whose msgid (and msgctxt) repeats: Babel would silently keep the last one."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import PoFileParser

    problems: list[Problem] = []
    seen: dict[tuple, int] = {}

    class Parser(PoFileParser):
        def _add_message(self):
            key = (self.messages[0].denormalize(), self.context.denormalize() if self.context else None,
                   self.obsolete)
            line = self.offset + 1
            if key in seen and not self.obsolete:
                problems.append(Problem(name, line, f"duplicate entry for “{key[0][:60]}” (first on line "
                                        f"{seen[key]})", "delete one of the two entries"))
            seen.setdefault(key, line)
            super()._add_message()

    with path.open("rb") as fh:
        Parser(Catalog(), ignore_obsolete=True).parse(fh)
    return problems
