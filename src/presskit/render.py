"""Turn a localized document into HTML through Markdown and the project's Jinja templates."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jinja2
import markdown
from markupsafe import Markup

from .config import Campaign, OutputSettings
from .content import Document
from .errors import Problem, TemplateError

RTL_LANGUAGES = {"ar", "he", "fa", "ur"}
MARKDOWN_EXTENSIONS = ["tables", "footnotes", "attr_list", "smarty", "sane_lists"]


@dataclass
class Page:
    """What a template receives about one output in one language."""

    campaign: Campaign
    output: OutputSettings
    lang: str
    edition: str  # print, screen or docx
    document: Document
    draft: bool = False
    recipient: dict | None = None  # the addressee of a per-recipient copy



def make_environment(root: Path) -> jinja2.Environment:
    """The one Jinja environment: strict about undefined names, autoescaping HTML."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(root / "templates")),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates kept between processes (~40 ms per template a fresh worker would
        # spend compiling), in Jinja's per-user private folder; its key checks the source.
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["date"] = format_date
    env.globals["qr_svg"] = qr_svg
    env.globals["quotes"] = lambda lang: QUOTES.get(lang.split("_")[0], QUOTES["en"])
    return env


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache(pattern="presskit-%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder: compile in every process
        return None


# Quotation marks per language (Babel's locale data does not carry CLDR's delimiters).
# French guillemets take a narrow no-break space inside.
QUOTES = {
    "lv": ("„", "“", "‚", "‘"), "en": ("“", "”", "‘", "’"), "fr": ("«\u202f", "\u202f»", "“", "”"),
    "es": ("«", "»", "“", "”"), "ru": ("«", "»", "„", "“"), "ar": ("«", "»", "“", "”"),
    "zh": ("“", "”", "‘", "’"), "de": ("„", "“", "‚", "‘"),
}


@lru_cache(maxsize=32)
def _markdown(lang: str) -> markdown.Markdown:
    ldq, rdq, lsq, rsq = QUOTES.get(lang.split("_")[0], QUOTES["en"])
    quotes = {"left-double-quote": ldq, "right-double-quote": rdq,
              "left-single-quote": lsq, "right-single-quote": rsq}
    return markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"smarty": {"substitutions": quotes},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="html",
    )


@lru_cache(maxsize=2048)  # print and screen editions, and every recipient copy, convert the same text
def markdown_to_html(text: str, lang: str) -> Markup:
    """Render Markdown to HTML with the language's own quotation marks, sanitised (see sanitize.py)."""
    from .sanitize import sanitize_html

    md = _markdown(lang)
    md.reset()
    return Markup(sanitize_html(md.convert(text)))


@lru_cache(maxsize=256)  # Babel parses the pattern on every call: ~5 ms, and every output asks
def format_date(value, lang: str, format: str = "long") -> str:
    """A date in the language's own format (Babel)."""
    from babel.dates import format_date as babel_format_date

    from .i18n import format_locale

    return babel_format_date(value, format=format, locale=format_locale(lang)) if value else ""


def qr_svg(url: str, colour: str = "device-cmyk(0 0 0 1)") -> Markup:
    """An inline SVG QR code (segno) for *url*, scaled by CSS; *colour* may be any CSS colour.

    The default is process black (K only), which print editions need; screen editions may pass RGB.
    """
    svg = qr_code_svg(url)
    if colour != "#000":
        # segno knows only web colours; print editions need e.g. device-cmyk(0 0 0 1). The root
        # fill keeps WeasyPrint from setting its default RGB black fill.
        svg = svg.replace('stroke="#000"', f'stroke="{colour}"').replace("<svg ", f'<svg fill="{colour}" ', 1)
    return Markup(svg)


@lru_cache(maxsize=4)
def qr_code_svg(url: str) -> str:
    """The QR code of *url* as black SVG: encoded once per URL (segno tries all eight masks, ~45 ms
    a code), whatever colours the editions then give it."""
    import segno

    return segno.make(url, error="m").svg_inline(dark="#000", border=0, omitsize=True)


def document_context(page: Page) -> dict:
    """Front matter, body HTML and sections (split at level-1 headings) for templates."""
    doc = page.document
    sections = []
    for blocks in doc.sections():
        heading = blocks[0] if blocks[0].kind == "heading" else None
        body = "\n\n".join(b.markdown() for b in (blocks[1:] if heading else blocks))
        sections.append({
            "title": markdown_to_html(heading.items[0], page.lang).removeprefix("<p>").removesuffix(
                "</p>") if heading else "",
            "html": markdown_to_html(body, page.lang),
        })
    return {"meta": doc.meta, "html": markdown_to_html(doc.markdown(), page.lang),
            "sections": sections}


def render_html(env: jinja2.Environment, page: Page, gettext: Callable[[str], str]) -> str:
    """Render the output's template for one language and edition to an HTML string."""
    name = main_template(page.output)
    context = {
        "campaign": page.campaign, "output": page.output, "lang": page.lang,
        "dir": "rtl" if page.lang in RTL_LANGUAGES else "ltr", "edition": page.edition,
        "draft": page.draft, "doc": document_context(page), "_": gettext, "t": gettext,
        "recipient": page.recipient,
    }
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(_template_name(exc.filename, page), exc.lineno,
                                    f"template syntax error: {exc.message}",
                                    "fix the Jinja tag on that line")) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(Problem(f"templates/{name}", None, f"template '{exc.name}' not found",
                                    "create it or correct the include/extends name")) from None
    except jinja2.UndefinedError as exc:
        file, line = _render_location(exc, page)
        raise TemplateError(_undefined_problem(exc, file, line, page)) from None


def _undefined_problem(exc, file: str, line: int | None, page: Page) -> Problem:
    """Name the missing expression (doc.meta.subtitle) and the document to add it to, when possible."""
    import re

    attr = re.fullmatch(r"'[^']*' has no attribute '(\w+)'", exc.message or "")
    if attr and line:
        try:
            source = (page.campaign.root / file).read_text(encoding="utf-8-sig").split("\n")[line - 1]
        except (OSError, IndexError):
            source = ""
        if m := re.search(rf"\b([\w.]+\.{attr.group(1)})\b", source):
            expression = m.group(1)
            fix = "define it or fix the name"
            if expression.startswith("doc.meta."):
                fix = (f"add '{attr.group(1)}: …' to the front matter of {page.document.name}, "
                       f"or guard it with {{% if {expression} is defined %}}")
            return Problem(file, line, f"undefined variable: {expression} ({exc.message})", fix)
    return Problem(file, line, f"undefined variable: {exc.message}",
                   "define it in the content's front matter or fix the name")


def _template_name(filename: str | None, page: Page) -> str:
    if not filename:
        return f"templates/{page.output.template}"
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(page.campaign.root))
    except ValueError:
        return str(path)


def _render_location(exc: Exception, page: Page) -> tuple[str, int | None]:
    """File and line of the template frame where a render error happened."""
    tb, found = exc.__traceback__, (f"templates/{page.output.template}", None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".j2", ".html", ".css")):
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(tb.tb_lineno) if template else tb.tb_lineno
            found = (_template_name(code.co_filename, page), line)
        tb = tb.tb_next
    return found


def main_template(output: OutputSettings) -> str:
    """Name of an output's entry template."""
    return f"{output.template}/{output.template}.html.j2"


def template_files(env: jinja2.Environment, name: str) -> set[str]:
    """Files of a template and of everything it includes, extends or imports (recursively)."""
    from jinja2 import meta

    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source, filename, _ = env.loader.get_source(env, current)
        seen[current] = filename
        key = (filename, source)
        if key not in _REFERENCES:
            if len(_REFERENCES) > 256:  # watch mode: every saved version of a template is a key
                _REFERENCES.clear()
            try:
                _REFERENCES[key] = [r for r in meta.find_referenced_templates(env.parse(source)) if r]
            except jinja2.TemplateSyntaxError:
                _REFERENCES[key] = []  # reported by the render itself
        todo.extend(_REFERENCES[key])
    return set(seen.values())


# Parsing a template is what template_files() costs (each unit, each catalog fingerprint asks):
# its references are remembered per source text, so an edited template is parsed again.
_REFERENCES: dict[tuple[str, str], list[str]] = {}
