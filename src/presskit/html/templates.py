"""Turn a localized document into HTML through Markdown and the project's Jinja templates."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from ..errors import Problem, TemplateError
from ..languages import language
from ..source.templates import main_template, template_environment
from .markdown import render_markdown
from .typography import typeset_context

if TYPE_CHECKING:
    import datetime as dt

    from ..source.config import Campaign, OutputSettings
    from ..source.content import Document


@dataclass
class Page:
    """What a template receives about one output in one language."""

    campaign: Campaign
    output: OutputSettings
    lang: str
    edition: str  # print, screen or docx
    document: Document
    draft: bool = False
    recipient: dict[str, Any] | None = None  # the addressee of a per-recipient copy



def make_environment(root: Path) -> jinja2.Environment:
    """The Jinja environment outputs render with: the project's templates plus presskit's filters."""
    env = template_environment(root)
    env.filters["date"] = format_date
    env.globals["qr_svg"] = qr_svg
    env.globals["quotes"] = lambda lang: language(lang).quotes
    env.globals["holds_text"] = holds_text
    return env


_TAG = re.compile(r"<[^>]*>")
_QUOTE_MARKS = str.maketrans("", "", "\"'„“”«»‘’‚‹›「」『』")


def _plain(text: str) -> str:
    """Text as a reader sees it, for comparison: no tags, entities decoded, one kind of space, no
    quotation marks (smarty and the language's quotes change them) and no soft hyphens."""
    import html

    text = html.unescape(_TAG.sub(" ", text)).replace("\u00ad", "").translate(_QUOTE_MARKS)
    return " ".join(text.split()).casefold()


def holds_text(html_text: str, sentence: str) -> bool:
    """Whether the HTML *html_text* contains *sentence* (plain or Markdown-free text), whatever the
    spaces, quotation marks and tags between its words: where a pull quote comes from."""
    wanted = _plain(sentence)
    return bool(wanted) and wanted in _plain(html_text)


@lru_cache(maxsize=256)  # Babel parses the pattern on every call: ~5 ms, and every output asks
def format_date(value: dt.date | None, lang: str, format: str = "long") -> str:
    """A date in the language's own format (Babel)."""
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, format=format, locale=language(lang).locale) if value else ""


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


def document_context(page: Page) -> dict[str, Any]:
    """Front matter, body HTML and sections (split at level-1 headings) for templates."""
    doc = page.document
    rendered = render_markdown(doc.body, page.lang, doc.translations)
    sections = [{"title": s.title, "id": s.id, "html": s.html, "notes": s.notes} for s in rendered.sections]
    return typeset_context({"meta": doc.meta, "html": rendered.html, "sections": sections}, page.lang, page.edition)


def render_html(env: jinja2.Environment, page: Page, gettext: Callable[[str], str]) -> str:
    """Render the output's template for one language and edition to an HTML string."""
    name = main_template(page.output)
    context = {
        "campaign": page.campaign, "output": page.output, "lang": page.lang,
        "dir": language(page.lang).direction, "edition": page.edition,
        "draft": page.draft, "doc": document_context(page), "_": gettext, "t": gettext,
        "recipient": page.recipient,
    }
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(Problem(_template_name(exc.filename, page), exc.lineno,
                                    f"template syntax error: {exc.message}",
                                    "fix the Jinja tag on that line")) from None
    except jinja2.TemplateNotFound as exc:  # the main template, or one it includes at a line
        file, line = _render_location(exc, page)
        if line is None:
            file = f"templates/{name}"
        raise TemplateError(Problem(file, line, f"template '{exc.name}' not found",
                                    "create it or correct the include/extends name")) from None
    except jinja2.UndefinedError as exc:
        file, line = _render_location(exc, page)
        raise TemplateError(_undefined_problem(exc, file, line, page)) from None


def _undefined_problem(exc: jinja2.UndefinedError, file: str, line: int | None, page: Page) -> Problem:
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
    tb = exc.__traceback__
    found: tuple[str, int | None] = (f"templates/{page.output.template}", None)
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename.endswith((".j2", ".html", ".css")):
            template = tb.tb_frame.f_globals.get("__jinja_template__")
            line = template.get_corresponding_lineno(tb.tb_lineno) if template else tb.tb_lineno
            found = (_template_name(code.co_filename, page), line)
        tb = tb.tb_next
    return found


# A draft is unmistakable on every page: a fixed element repeats on each page in WeasyPrint.
DRAFT_MARK = """<style>
.presskit-draft { position: fixed; top: 92mm; left: 0; right: 0; text-align: center;
  transform: rotate(-30deg); font: 700 96pt "Noto Sans", sans-serif; letter-spacing: 12pt;
  color: device-cmyk(0 0.85 0.60 0.38); opacity: 0.22; z-index: 1000; pointer-events: none; }
</style><div class="presskit-draft" aria-hidden="true">DRAFT</div>"""


def mark_draft(html: str) -> str:
    """The HTML with a large DRAFT mark on every page (inserted right after <body …>)."""
    start = html.find("<body")
    end = html.find(">", start) + 1 if start >= 0 else 0
    return html[:end] + DRAFT_MARK + html[end:]
