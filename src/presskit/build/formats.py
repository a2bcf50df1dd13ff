"""Output formats as objects: what files a format makes, how they are written, what they need.

Each Format writes a prepared unit (output.Prepared: HTML and what went into it) to its file and
says which project files the file depends on; the rest of the build asks the format instead of
branching on its name. The names are the ones campaign.yaml may use (source.config.FORMATS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ContentError
from ..files import atomic_write
from ..source.images import DOCX_IMAGE_FORMATS, IMAGE_FORMATS

if TYPE_CHECKING:
    from ..source.config import Campaign, OutputSettings
    from .output import Prepared
    from .units import Unit


@dataclass(frozen=True)
class Format:
    """One file format presskit writes."""

    name: str
    extension: str
    paged: bool  # laid out into pages by presskit: preflight, page thumbnails, a DRAFT mark per page
    weasyprint: bool  # written by WeasyPrint: workers import it before their first file
    write: Callable[[Campaign, Unit, Prepared], set[str]]  # writes the file; the inputs it read
    image_formats: frozenset[str]  # the kinds of image the format can carry (source.containment)
    edition_names: tuple[str, ...] | None = None  # None: the output's own `editions:` list

    def editions(self, out: OutputSettings) -> list[str]:
        """The editions (files per language) an output of this format makes."""
        return list(self.edition_names) if self.edition_names else list(out.editions)

    def suffix(self, edition: str) -> str:
        """The end of an edition's file name: -screen.pdf, .pdf, .docx."""
        return ("-screen" if edition == "screen" else "") + self.extension


def _write_pdf(campaign: Campaign, unit: Unit, prepared: Prepared) -> set[str]:
    from ..pdf.fetcher import ProjectFetcher
    from ..pdf.write import write_pdf

    root = campaign.root
    fetcher = ProjectFetcher(root)
    data = write_pdf(prepared.html, campaign, unit.edition, unit.lang, fetcher,
                     booklet=campaign.outputs[unit.output].booklet)
    if fetcher.refused:  # WeasyPrint only logs refused resources: they are errors here
        raise ContentError(fetcher.problems(unit.target, [*prepared.sources, *sorted(fetcher.read)]))
    atomic_write(root / unit.target, data)
    return {_rel(p, root) for p in fetcher.read}


def _write_docx(campaign: Campaign, unit: Unit, prepared: Prepared) -> set[str]:
    from ..docx.writer import html_to_docx, reference_path
    from .sourcemap import write_source_map

    template = campaign.outputs[unit.output].template
    data = html_to_docx(prepared.html, campaign, template, prepared.meta, prepared.document)
    atomic_write(campaign.root / unit.target, data)
    write_source_map(campaign.root, unit.target, unit.lang, data, prepared.review)  # for presskit review import
    reference = reference_path(campaign, template)  # the house style is an input too
    inputs = {_rel(reference, campaign.root)} if reference else set()
    if campaign.brand.logo:  # the letterhead's logo: an edit rebuilds the briefing
        inputs.add(_rel(campaign.root / campaign.brand.logo, campaign.root))
    return inputs


def _rel(path: Path | str, root: Path) -> str:
    return Path(path).resolve().relative_to(root).as_posix()


FORMATS = {
    "pdf": Format("pdf", ".pdf", paged=True, weasyprint=True, write=_write_pdf,
                  image_formats=frozenset(IMAGE_FORMATS)),
    "docx": Format("docx", ".docx", paged=False, weasyprint=False, write=_write_docx,
                   image_formats=frozenset(DOCX_IMAGE_FORMATS), edition_names=("docx",)),
}


def format_of(unit: Unit) -> Format:
    """The format of a unit's file."""
    return FORMATS[unit.format]


def format_of_target(target: str) -> Format | None:
    """The format of a file under build/ by its name (None for files presskit does not write)."""
    return next((f for f in FORMATS.values() if target.endswith(f.extension)), None)
