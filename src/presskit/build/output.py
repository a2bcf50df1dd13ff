"""Produce one output file (PDF or DOCX) for one language and edition, and report the files it read.

In two steps: prepare() makes the HTML (Jinja, Markdown, translations) and finish() turns it into
the file (WeasyPrint or the DOCX writer). A parallel build prepares in the main process while its
workers are still importing WeasyPrint, and the workers never import Jinja or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, TranslationError
from .formats import format_of

if TYPE_CHECKING:
    import jinja2

    from ..source.config import Campaign
    from .units import Unit


@dataclass
class Prepared:
    """A unit's HTML and what went into it, ready for finish()."""

    html: str
    inputs: set[str]  # project files read so far: templates (the document counts as a static input)
    messages: dict[str, Any] | None  # the catalog entries it used (i18n.catalogs.Localizer.fingerprint)
    meta: dict[str, Any]  # the document's front matter (DOCX properties)
    document: str  # the content file, for messages
    sources: list[Path]  # files a refused resource may be asked for in: document, templates
    review: dict[str, Any] | None = None  # a DOCX's segments, for its source map (build/sourcemap.py)


@lru_cache(maxsize=4)
def environment(root: Path) -> jinja2.Environment:
    """One Jinja environment per project and process (templates reload when their files change)."""
    from ..html.templates import make_environment

    return make_environment(root)


def prepare(campaign: Campaign, unit: Unit, draft: bool) -> Prepared:
    """The unit's HTML in its language and edition; refuses missing translations unless *draft*."""
    from ..html.templates import Page, mark_draft, render_html
    from ..i18n.catalogs import load_localizer, localize, localize_campaign
    from ..source.content import load_document
    from ..source.templates import main_template, template_files
    from .sourcemap import segment_records

    root = campaign.root
    out = campaign.outputs[unit.output]
    source = load_document(root / "content" / out.document, root)
    localizer = load_localizer(root, unit.lang, campaign.source_language)
    document, printed, gettext = localize(source, localizer), localize_campaign(campaign, localizer), localizer.gettext
    if unit.pseudo:
        from ..i18n.pseudo import pseudo, pseudo_campaign, pseudo_document

        document, printed = pseudo_document(source), pseudo_campaign(campaign)
        source_gettext = localizer.gettext

        def gettext(text: str) -> str:  # labels too
            return pseudo(source_gettext(text))
    recipient = None
    if unit.variant:
        from ..source.recipients import find_recipient

        recipient = find_recipient(root, out.recipients, unit.variant).context()
    page = Page(printed, out, unit.lang, unit.edition, document, draft=draft, recipient=recipient)
    env = environment(root)
    html = render_html(env, page, gettext)  # template strings are looked up here
    if localizer.missing and not draft:
        raise TranslationError(localizer.missing + [Problem(
            unit.target, None, f"{len(localizer.missing)} segment(s) not translated into {unit.lang}",
            "translate them, or build with --draft to use the source text with a DRAFT mark")])
    if draft and format_of(unit).paged:
        html = mark_draft(html)
    templates = sorted(template_files(env, main_template(out)))
    review = None if unit.pseudo or format_of(unit).paged else {  # presskit review import maps through it
        "document": source.name, "segments": segment_records(source, document, None if localizer.is_source
                                                             else f"content/translations/{unit.lang}.po")}
    return Prepared(html, {_rel(f, root) for f in templates}, localizer.fingerprint(), document.meta,
                    source.name, [source.path, *map(Path, templates)], review)


def finish(campaign: Campaign, unit: Unit, prepared: Prepared) -> list[str]:
    """Write the unit's file from its HTML, atomically; return the project files it depends on."""
    return sorted(set(prepared.inputs) | format_of(unit).write(campaign, unit, prepared))


def _rel(path: Path | str, root: Path) -> str:
    return Path(path).resolve().relative_to(root).as_posix()
