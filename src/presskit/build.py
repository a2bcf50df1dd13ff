"""The build engine: plan output units, skip the unchanged ones, render the rest in parallel, write atomically."""

from __future__ import annotations

import hashlib
import json
import os
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path

from . import __version__
from .config import Campaign
from .errors import BuildError, ContentError, Problem, PresskitError, UsageError

BUILD_DIR = "build"
STATE_DIR = ".presskit"
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx"}


@dataclass(frozen=True)
class Unit:
    """One output file: an output in one language and edition."""

    output: str
    lang: str
    edition: str  # print, screen (PDF) or docx
    target: str  # path relative to the project root, always under build/
    variant: str = ""  # recipient slug of a per-addressee copy; "" for the general copy

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
    messages: dict | None = None  # the catalog entries it used (i18n.Localizer.fingerprint)


@dataclass
class Decision:
    """Whether a unit must be rebuilt, and why (doit-style reasons)."""

    unit: Unit
    rebuild: bool
    reasons: list[str]


def plan(campaign: Campaign, names: list[str] | None = None) -> list[Unit]:
    """Every unit of the selected outputs (all outputs when *names* is empty)."""
    unknown = [n for n in names or [] if n not in campaign.outputs]
    if unknown:
        raise UsageError(Problem(None, None, f"unknown output '{unknown[0]}'",
                                 f"choose from: {', '.join(campaign.outputs)}"))
    units = []
    for name, out in campaign.outputs.items():
        if names and name not in names:
            continue
        editions = out.editions if out.format == "pdf" else ["docx"]
        for lang in out.languages:
            for edition in editions:
                suffix = "-screen" if edition == "screen" else ""
                target = f"{BUILD_DIR}/{name}/{out.stem}-{lang}{suffix}{EXTENSIONS[out.format]}"
                if not (campaign.root / target).resolve().is_relative_to((campaign.root / BUILD_DIR).resolve()):
                    raise BuildError(Problem("content/campaign.yaml", campaign.line_of("outputs", name),
                                             f"output '{name}' would write {target}, outside build/",
                                             "use a plain file name for the output and its stem"))
                units.append(Unit(name, lang, edition, target))
                units.extend(recipient_units(campaign, name, lang, edition))
    return units


def recipient_units(campaign: Campaign, name: str, lang: str, edition: str) -> list[Unit]:
    """One extra unit per addressee of an output that lists recipients (the general copy stays)."""
    from .recipients import load_recipients

    out = campaign.outputs[name]
    if not out.recipients:
        return []
    return [Unit(name, lang, edition,
                 f"{BUILD_DIR}/{name}/recipients/{out.stem}-{lang}-{r.slug}{EXTENSIONS[out.format]}", r.slug)
            for r in load_recipients(campaign.root, out.recipients)]


# ---- fingerprints -------------------------------------------------------------------------

def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it does not exist."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return None


def config_digest(campaign: Campaign, unit: Unit) -> str:
    """Digest of the configuration a unit depends on: the globals and its own output's settings."""
    # Field by field: asdict() of the whole campaign would deep-copy every output and the YAML line
    # map for each unit, a third of a no-op build's time with twenty units. Same data, same digest.
    data = {f.name: asdict(v) if is_dataclass(v) else v for f in fields(campaign)
            if f.name not in ("outputs", "root", "warnings", "lines") for v in [getattr(campaign, f.name)]}
    data["output"] = asdict(campaign.outputs[unit.output])
    data["draft"] = False
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def recipient_digest(campaign: Campaign, unit: Unit) -> str | None:
    """Digest of a recipient copy's own entry in the recipients file (not the whole file)."""
    if not unit.variant:
        return None
    from .recipients import find_recipient

    return find_recipient(campaign.root, campaign.outputs[unit.output].recipients, unit.variant).digest


def static_inputs(campaign: Campaign, unit: Unit) -> list[str]:
    """Inputs known before rendering: the content document."""
    out = campaign.outputs[unit.output]
    # The language's catalog counts through the entries the unit used (Localizer.fingerprint).
    return [f"content/{out.document}"]



class State:
    """The record of the last successful build of each unit, kept in build/.presskit/state.json."""

    def __init__(self, root: Path):
        self.path = root / BUILD_DIR / STATE_DIR / "state.json"
        try:
            self.units: dict = json.loads(self.path.read_text())
        except (FileNotFoundError, ValueError):
            self.units = {}
        # Digests as first read in this build, before anything renders: a unit is recorded with the
        # inputs as they were when the build looked, so a file saved during the build (watch mode:
        # the next edit) is seen as changed next time instead of being recorded as built.
        self.seen: dict[str, str | None] = {}

    def digest(self, root: Path, rel: str) -> str | None:
        """The digest of a project file as this build first saw it (each file is hashed once)."""
        if rel not in self.seen:
            self.seen[rel] = file_digest(root / rel)
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
            "inputs": {rel: self.seen[rel] if rel in self.seen else file_digest(root / rel) for rel in inputs},
            "seconds": round(result.seconds, 3),
        }

    def save(self) -> None:
        """Write the state atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(self.units, indent=1, sort_keys=True).encode())

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
        from .i18n import translation_changed

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
            if self.digest(root, rel) != digest:
                reasons.append(f"changed_file_dep: {rel}")
        return Decision(unit, bool(reasons), reasons or ["up to date"])


# ---- writing ------------------------------------------------------------------------------

def atomic_write(target: Path, data: bytes) -> None:
    """Write *data* to a temporary file beside *target*, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def clean_stale_temporaries(build_dir: Path) -> int:
    """Remove temporary files left by a killed build; returns how many were removed."""
    count = 0
    for tmp in build_dir.rglob(".*.tmp-*"):
        tmp.unlink(missing_ok=True)
        count += 1
    return count


@contextmanager
def build_lock(path: Path):
    """Hold an exclusive lock on *path* for the duration of a build (serialises concurrent builds).

    A plain flock from the standard library: the filelock package costs ~35 ms of imports, a seventh
    of the whole no-op build, and the kernel releases the lock if the process dies.
    """
    import fcntl

    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---- running ------------------------------------------------------------------------------

@dataclass
class Report:
    """What a build did, for the CLI."""

    decisions: list[Decision]
    results: list[Result]
    seconds: float

    @property
    def errors(self) -> list[Problem]:
        """Every problem from every failed unit, each once (units share documents and templates)."""
        from .validate import unique

        return unique([p for r in self.results if r.error for p in r.error.problems])

    @property
    def tracebacks(self) -> list[str]:
        """Tracebacks of unexpected failures, for --debug."""
        return [r.error.detail for r in self.results if r.error and r.error.detail]


def build(campaign: Campaign, names: list[str] | None = None, draft: bool = False,
          jobs: int | None = None, progress=None, on_plan=None, quick_first: bool = False,
          pool=None) -> Report:
    """Build the selected outputs: plan, skip what is up to date, render the rest, record state.

    *quick_first* renders the units that took least time last time first (watch mode: the first
    finished file appears soonest instead of waiting behind a long brochure). *pool* is a worker
    pool started before the configuration was read (prestart_workers); build() disposes of it.
    """
    from .workers import stop_workers

    try:
        return _build(campaign, names, draft, jobs, progress, on_plan, quick_first, pool)
    except BaseException:
        stop_workers(pool)  # e.g. an unknown output name, a broken catalog: no worker left behind
        raise


def _build(campaign: Campaign, names, draft: bool, jobs, progress, on_plan, quick_first: bool,
           pool) -> Report:
    from .workers import adopt_workers, expected_cost, run_units

    started = time.perf_counter()
    root = campaign.root
    units = plan(campaign, names)
    build_dir = root / BUILD_DIR
    (build_dir / STATE_DIR).mkdir(parents=True, exist_ok=True)
    with build_lock(build_dir / STATE_DIR / "lock"):
        clean_stale_temporaries(build_dir)
        state = State(root)
        decisions = [state.decide(campaign, u, draft) for u in units]
        todo = [d.unit for d in decisions if d.rebuild]
        for unit in todo:  # units never built were not hashed by decide(): take their snapshot now
            for rel in static_inputs(campaign, unit):
                state.digest(root, rel)
            if unit.lang != campaign.source_language:
                state.digest(root, f"content/translations/{unit.lang}.po")
        if quick_first:
            todo.sort(key=lambda u: (state.units.get(u.target) or {}).get("seconds", float("inf")))
        else:  # longest first, so the last file of a parallel build is a short one
            todo.sort(key=lambda u: expected_cost(campaign, state, u), reverse=True)
        pool = adopt_workers(pool, campaign, todo, jobs, state)
        try:
            if todo:  # gather every problem of every input first, then render (one pass, not one per run)
                from .validate import validate

                if problems := validate(campaign, todo):
                    raise ContentError(problems)
            if on_plan:
                on_plan(decisions)
            results = run_units(campaign, todo, draft, pool, progress)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        for result in results:
            if result.error is None:
                state.record(campaign, result, draft)
        if todo:
            state.save()
    return Report(decisions, results, time.perf_counter() - started)
