"""The build state: what each unit was last built from, and whether that still holds (doit-style reasons)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..source.containment import is_project_relative, project_digest
from ..store import JsonStore, notice
from .units import Decision, Result, Unit

if TYPE_CHECKING:
    from ..source.config import Campaign

STATE_FILE = "state.json"  # under build/.presskit/
STATE_FORMAT = "state-1"  # each entry carries presskit's version too: an upgrade rebuilds, with a reason


# Campaign fields no output depends on: bookkeeping, and the render time limit (it changes no file).
IGNORED_SETTINGS = ("outputs", "root", "warnings", "lines", "render_seconds")


def config_digest(campaign: Campaign, unit: Unit) -> str:
    """Digest of the configuration a unit depends on: the globals and its own output's settings."""
    # Field by field: asdict() of the whole campaign would deep-copy every output and the YAML line
    # map for each unit, a third of a no-op build's time with twenty units. Same data, same digest.
    data = {f.name: asdict(v) if is_dataclass(v) and not isinstance(v, type) else v for f in fields(campaign)
            if f.name not in IGNORED_SETTINGS for v in [getattr(campaign, f.name)]}
    data["output"] = asdict(campaign.outputs[unit.output])
    data["draft"] = False
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def recipient_digest(campaign: Campaign, unit: Unit) -> str | None:
    """Digest of a recipient copy's own entry in the recipients file (not the whole file)."""
    if not unit.variant:
        return None
    from ..source.recipients import find_recipient

    return find_recipient(campaign.root, campaign.outputs[unit.output].recipients, unit.variant).digest


def static_inputs(campaign: Campaign, unit: Unit) -> list[str]:
    """Inputs known before rendering: the content document."""
    out = campaign.outputs[unit.output]
    # The language's catalog counts through the entries the unit used (Localizer.fingerprint).
    return [f"content/{out.document}"]


def valid_entry(entry: Any) -> bool:
    """Whether a record has the shape record() writes; any other is treated as never built.

    The state is untrusted (a zip or a commit can bring build/): the paths it names are checked
    again where they are read (State.digest).
    """
    if not isinstance(entry, dict):
        return False
    inputs, seconds, messages = entry.get("inputs"), entry.get("seconds"), entry.get("messages")
    return (isinstance(entry.get("version"), str) and isinstance(entry.get("config"), str)
            and isinstance(entry.get("draft"), bool) and isinstance(entry.get("recipient"), (str, type(None)))
            and isinstance(inputs, dict)
            and all(isinstance(k, str) and isinstance(v, (str, type(None))) for k, v in inputs.items())
            and isinstance(seconds, (int, float)) and not isinstance(seconds, bool) and math.isfinite(seconds)
            and seconds >= 0
            and (messages is None or _valid_messages(messages)))


def _valid_messages(messages: Any) -> bool:
    """The catalog entries a unit used (i18n.catalogs.Localizer.fingerprint)."""
    return (isinstance(messages, dict) and isinstance(messages.get("catalog"), (str, type(None)))
            and isinstance(messages.get("used"), str) and isinstance(messages.get("ids"), list)
            and all(isinstance(i, str) for i in messages["ids"]))


class State:
    """The record of the last successful build of each unit, kept in build/.presskit/state.json."""

    def __init__(self, root: Path):
        self.store = JsonStore(root, STATE_FILE, STATE_FORMAT, durable=True, consequence="rebuilding every output")
        self.path = self.store.path
        self.units: dict[str, Any] = self.store.entries
        damaged = [target for target, entry in self.units.items() if not valid_entry(entry)]
        for target in damaged:  # treated as not built
            del self.units[target]
        if damaged:
            notice(f"{self.store.name} has {len(damaged)} damaged record(s); rebuilding the outputs they "
                   "describe", self.store.token)
        # Digests as first read in this build, before anything renders: a unit is recorded with the
        # inputs as they were when the build looked, so a file saved during the build (watch mode:
        # the next edit) is seen as changed next time instead of being recorded as built.
        self.seen: dict[str, str | None] = {}

    def digest(self, root: Path, rel: str) -> str | None:
        """The digest of a project file as this build first saw it (each file is hashed once).

        None when it is missing, or when it may not be read: a path the state names that is not a
        plain relative path, leads out of the project, or is not a regular file (a FIFO would hang
        the build, /dev/zero exhaust its memory) — a unit with such an input is rebuilt.
        """
        if rel not in self.seen:
            self.seen[rel] = project_digest(root, rel) if is_project_relative(rel) else None
        return self.seen[rel]

    def record(self, campaign: Campaign, result: Result, draft: bool) -> None:
        """Remember the inputs of a successfully built unit."""
        root = campaign.root
        inputs = sorted(set(result.inputs) | set(static_inputs(campaign, result.unit)))
        messages = result.messages
        catalog = f"content/translations/{result.unit.lang}.po"
        if isinstance(messages, dict) and catalog in self.seen and messages.get("catalog") != self.seen[catalog]:
            messages = None  # the catalog changed while this unit rendered: rebuild it next time
        self.units[result.unit.target] = {
            "version": __version__, "config": config_digest(campaign, result.unit), "draft": draft,
            "recipient": recipient_digest(campaign, result.unit),
            "messages": messages,
            "inputs": {rel: self.digest(root, rel) for rel in inputs},
            "seconds": round(result.seconds, 3),
        }

    def save(self) -> None:
        """Write the state atomically (and durably: a lost record would skip a stale output)."""
        self.store.save(force=True)

    def decide(self, campaign: Campaign, unit: Unit, draft: bool) -> Decision:
        """Compare a unit's recorded inputs with the files on disk now."""
        root = campaign.root
        entry = self.units.get(unit.target)
        if not (root / unit.target).is_file():
            return Decision(unit, True, ["missing_target"])
        if entry is None:
            return Decision(unit, True, ["no record of a previous build"])
        reasons = []
        if entry["version"] != __version__:
            reasons.append(f"presskit version changed ({entry['version']} → {__version__})")
        if entry["config"] != config_digest(campaign, unit):
            reasons.append(f"changed_config: outputs.{unit.output} or campaign settings")
        if entry.get("recipient") != recipient_digest(campaign, unit):
            reasons.append(f"changed_recipient: content/{campaign.outputs[unit.output].recipients} "
                           f"({unit.variant})")
        from ..i18n.catalogs import translation_changed

        if unit.lang != campaign.source_language:
            self.digest(root, f"content/translations/{unit.lang}.po")  # the snapshot record() compares
        if translation_changed(root, unit.lang, campaign.source_language, entry.get("messages")):
            reasons.append(f"changed_translation: content/translations/{unit.lang}.po")
        if entry.get("draft") != draft:
            reasons.append("draft mode " + ("on" if draft else "off"))
        recorded = entry["inputs"]
        for rel in static_inputs(campaign, unit):
            if rel not in recorded:
                reasons.append(f"new_file_dep: {rel}")
        for rel, digest in recorded.items():
            now = self.digest(root, rel)
            if now is None or now != digest:  # missing or refused now: rebuilt (and the render says why)
                reasons.append(f"changed_file_dep: {rel}")
        return Decision(unit, bool(reasons), reasons or ["up to date"])
