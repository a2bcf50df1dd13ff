"""Produce one output file (PDF or DOCX) for one language and edition, and report the files it read."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .build import Unit, atomic_write
from .config import Campaign
from .content import load_document
from .errors import ContentError, Problem, TranslationError
from .i18n import load_localizer, localize, localize_campaign, mark_draft
from .render import Page, main_template, make_environment, render_html, template_files


@lru_cache(maxsize=4)
def environment(root: Path):
    """One Jinja environment per project and process (templates reload when their files change)."""
    return make_environment(root)


def produce(campaign: Campaign, unit: Unit, draft: bool) -> tuple[list[str], dict | None]:
    """Render *unit* to its target atomically; return the project files it depends on and the
    fingerprint of the catalog entries it used (None in the source language)."""
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
    inputs = {_rel(f, root) for f in template_files(env, main_template(out))}
    target = root / unit.target
    if out.format == "docx":
        from .docx import html_to_docx, reference_path

        atomic_write(target, html_to_docx(html, campaign, out.template, document.meta, source.name))
        if reference := reference_path(campaign, out.template):  # the house style is an input too
            inputs.add(_rel(reference, root))
    else:
        from .fetch import ProjectFetcher
        from .pdf import write_pdf

        fetcher = ProjectFetcher(root)
        data = write_pdf(html, campaign, unit.edition, unit.lang, fetcher, booklet=out.booklet)
        if fetcher.refused:  # WeasyPrint only logs refused resources: they are errors here
            sources = [source.path, *map(Path, template_files(env, main_template(out))), *sorted(fetcher.read)]
            raise ContentError(fetcher.problems(unit.target, sources))
        atomic_write(target, data)
        inputs |= {_rel(p, root) for p in fetcher.read}
    return sorted(inputs), localizer.fingerprint()


def _rel(path, root: Path) -> str:
    return Path(path).resolve().relative_to(root).as_posix()
