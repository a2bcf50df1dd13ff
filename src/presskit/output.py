"""Produce one output file (PDF or DOCX) for one language and edition, and report the files it read.

In two steps: prepare() makes the HTML (Jinja, Markdown, translations) and finish() turns it into
the file (WeasyPrint or the DOCX writer). A parallel build prepares in the main process while its
workers are still importing WeasyPrint, and the workers never import Jinja or Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .build import Unit, atomic_write
from .config import Campaign
from .errors import ContentError, Problem, TranslationError


@dataclass
class Prepared:
    """A unit's HTML and what went into it, ready for finish()."""

    html: str
    inputs: set[str]  # project files read so far: templates (the document counts as a static input)
    messages: dict | None  # the catalog entries it used (i18n.Localizer.fingerprint)
    meta: dict  # the document's front matter (DOCX properties)
    document: str  # the content file, for messages
    sources: list[Path]  # files a refused resource may be asked for in: document, templates


@lru_cache(maxsize=4)
def environment(root: Path):
    """One Jinja environment per project and process (templates reload when their files change)."""
    from .render import make_environment

    return make_environment(root)


def prepare(campaign: Campaign, unit: Unit, draft: bool) -> Prepared:
    """The unit's HTML in its language and edition; refuses missing translations unless *draft*."""
    from .content import load_document
    from .i18n import load_localizer, localize, localize_campaign, mark_draft
    from .render import Page, main_template, render_html, template_files

    root = campaign.root
    out = campaign.outputs[unit.output]
    source = load_document(root / "content" / out.document, root)
    localizer = load_localizer(root, unit.lang, campaign.source_language)
    document = localize(source, localizer)
    recipient = None
    if unit.variant:
        from .recipients import find_recipient

        recipient = find_recipient(root, out.recipients, unit.variant).context()
    page = Page(localize_campaign(campaign, localizer), out, unit.lang, unit.edition, document,
                draft=draft, recipient=recipient)
    env = environment(root)
    html = render_html(env, page, localizer.gettext)  # template strings are looked up here
    if localizer.missing and not draft:
        raise TranslationError(localizer.missing + [Problem(
            unit.target, None, f"{len(localizer.missing)} segment(s) not translated into {unit.lang}",
            "translate them, or build with --draft to use the source text with a DRAFT mark")])
    if draft and out.format == "pdf":
        html = mark_draft(html)
    templates = sorted(template_files(env, main_template(out)))
    return Prepared(html, {_rel(f, root) for f in templates}, localizer.fingerprint(), document.meta,
                    source.name, [source.path, *map(Path, templates)])


def finish(campaign: Campaign, unit: Unit, prepared: Prepared) -> list[str]:
    """Write the unit's file from its HTML, atomically; return the project files it depends on."""
    root = campaign.root
    out = campaign.outputs[unit.output]
    inputs = set(prepared.inputs)
    target = root / unit.target
    if out.format == "docx":
        from .docx import html_to_docx, reference_path

        atomic_write(target, html_to_docx(prepared.html, campaign, out.template, prepared.meta,
                                          prepared.document))
        if reference := reference_path(campaign, out.template):  # the house style is an input too
            inputs.add(_rel(reference, root))
    else:
        from .fetch import ProjectFetcher
        from .pdf import write_pdf

        fetcher = ProjectFetcher(root)
        data = write_pdf(prepared.html, campaign, unit.edition, unit.lang, fetcher, booklet=out.booklet)
        if fetcher.refused:  # WeasyPrint only logs refused resources: they are errors here
            raise ContentError(fetcher.problems(unit.target, [*prepared.sources, *sorted(fetcher.read)]))
        atomic_write(target, data)
        inputs |= {_rel(p, root) for p in fetcher.read}
    return sorted(inputs)


def _rel(path, root: Path) -> str:
    return Path(path).resolve().relative_to(root).as_posix()
