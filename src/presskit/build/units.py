"""Units of work: one output file each (an output in one language and edition), and what rendering one gave."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import BuildError, PresskitError, Problem, UsageError
from ..files import BUILD_DIR

if TYPE_CHECKING:
    from ..source.config import Campaign


@dataclass(frozen=True)
class Unit:
    """One output file: an output in one language and edition."""

    output: str
    lang: str
    edition: str  # print, screen (PDF) or docx
    target: str  # path relative to the project root, always under build/
    variant: str = ""  # recipient slug of a per-addressee copy; "" for the general copy
    format: str = "pdf"  # the output's file format (build.formats)
    pseudo: bool = False  # pseudo-localised (i18n/pseudo.py): the source language, every segment longer

    @property
    def label(self) -> str:
        """Short name for messages: the target's file name."""
        return Path(self.target).name


@dataclass
class Result:
    """What rendering one unit produced: the files it read and how long it took."""

    unit: Unit
    inputs: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: PresskitError | None = None
    messages: dict[str, Any] | None = None  # the catalog entries it used (i18n.catalogs.Localizer.fingerprint)


@dataclass
class Decision:
    """Whether a unit must be rebuilt, and why (doit-style reasons)."""

    unit: Unit
    rebuild: bool
    reasons: list[str]


def plan(campaign: Campaign, names: list[str] | None = None, pseudo: bool = False) -> list[Unit]:
    """Every unit of the selected outputs (all outputs when *names* is empty); with *pseudo*, one
    pseudo-localised unit per output and edition instead (`<stem>-<source language>-pseudo`)."""
    from .formats import FORMATS

    unknown = [n for n in names or [] if n not in campaign.outputs]
    if unknown:
        raise UsageError(Problem(None, None, f"unknown output '{unknown[0]}'",
                                 f"choose from: {', '.join(campaign.outputs)}"))
    units = []
    build_dir = (campaign.root / BUILD_DIR).resolve()
    for name, out in campaign.outputs.items():
        if names and name not in names:
            continue
        fmt = FORMATS[out.format]
        for lang in [campaign.source_language] if pseudo else out.languages:
            for edition in fmt.editions(out):
                target = f"{BUILD_DIR}/{name}/{out.stem}-{lang}{'-pseudo' if pseudo else ''}{fmt.suffix(edition)}"
                if not (campaign.root / target).resolve().is_relative_to(build_dir):
                    raise BuildError(Problem("content/campaign.yaml", campaign.line_of("outputs", name),
                                             f"output '{name}' would write {target}, outside build/",
                                             "use a plain file name for the output and its stem"))
                units.append(Unit(name, lang, edition, target, format=out.format, pseudo=pseudo))
                if not pseudo:
                    units.extend(recipient_units(campaign, name, lang, edition))
    return units


def recipient_units(campaign: Campaign, name: str, lang: str, edition: str) -> list[Unit]:
    """One extra unit per addressee of an output that lists recipients (the general copy stays)."""
    from ..source.recipients import load_recipients
    from .formats import FORMATS

    out = campaign.outputs[name]
    if not out.recipients:
        return []
    suffix = FORMATS[out.format].suffix(edition)
    return [Unit(name, lang, edition, f"{BUILD_DIR}/{name}/recipients/{out.stem}-{lang}-{r.slug}{suffix}",
                 r.slug, out.format)
            for r in load_recipients(campaign.root, out.recipients)]
