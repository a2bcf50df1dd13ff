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
    try:
        return _build(campaign, names, draft, jobs, progress, on_plan, quick_first, pool)
    except BaseException:
        stop_workers(pool)  # e.g. an unknown output name, a broken catalog: no worker left behind
        raise


def _build(campaign: Campaign, names, draft: bool, jobs, progress, on_plan, quick_first: bool,
           pool) -> Report:
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


def expected_cost(campaign: Campaign, state: State, unit: Unit) -> tuple:
    """How long a unit will take, for ordering: its last build time, else a guess from its kind
    (PDF before DOCX, print before screen, longer documents first)."""
    seconds = (state.units.get(unit.target) or {}).get("seconds")
    if seconds is not None:
        return (1, seconds)
    out = campaign.outputs[unit.output]
    try:
        size = (campaign.root / "content" / out.document).stat().st_size
    except OSError:
        size = 0
    return (2, out.format == "pdf", unit.edition == "print", size)


def start_workers(campaign: Campaign, units: list[Unit], jobs: int | None):
    """A pool of worker processes for more than one unit, started now so that their imports
    (WeasyPrint: ~0.6 s) overlap the parent's validation; None when one process is enough."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(units)))
    if jobs == 1:
        return None
    return open_pool(jobs, any(campaign.outputs[u.output].format == "pdf" for u in units))


def open_pool(jobs: int, pdf: bool):
    """*jobs* worker processes, forked now, importing WeasyPrint at once when *pdf*."""
    # Imported here: multiprocessing costs ~30 ms to import and a no-op build never needs it.
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=warm_worker, initargs=(pdf,))
    pool.pdf, pool.size = pdf, jobs
    for _ in range(jobs):  # the first submission forks every worker
        pool.submit(os.getpid)
    return pool


def prestart_workers(root: Path, jobs: int | None):
    """Start the workers before the configuration is even read, when the project's files changed
    since the last build (their WeasyPrint import, ~0.6 s, then overlaps reading the configuration
    and deciding: ~0.1 s sooner per edit). None on a no-op, which must stay light, and for -j 1."""
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2:
        return None
    likely, pdf = predicted_rebuild(root)
    if not likely:
        return None
    # A translator's save usually rebuilds one document in one language, its print and screen files:
    # one worker renders both sooner than two that each import WeasyPrint first (adopt_workers adds
    # the others when there is more to do).
    catalogs = all(rel.startswith("content/translations/") for rel in changed_since_build(root) or [""])
    return open_pool(1 if catalogs else jobs, pdf)


def changed_since_build(root: Path) -> set[str] | None:
    """Files under content/ and templates/ newer than the build state (None: nothing built yet)."""
    try:
        built = (root / BUILD_DIR / STATE_DIR / "state.json").stat().st_mtime_ns
    except OSError:
        return None
    changed = set()
    for folder in ("content", "templates"):
        todo = [root / folder]
        while todo:
            try:
                entries = list(os.scandir(todo.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    todo.append(Path(entry.path))
                elif entry.stat().st_mtime_ns > built:
                    changed.add(Path(entry.path).relative_to(root).as_posix())
    return changed


def predicted_rebuild(root: Path) -> tuple[bool, bool]:
    """(will something probably be rebuilt, a PDF among it), from file times and the recorded inputs:
    files under content/ or templates/ newer than the build state. A guess only: build() decides."""
    changed = changed_since_build(root)
    try:
        units = json.loads((root / BUILD_DIR / STATE_DIR / "state.json").read_bytes())
    except (OSError, ValueError):
        return True, True  # no build yet: everything will be built
    if not changed:
        return False, False
    docx_only = {rel for target, unit in units.items() if not target.endswith(".pdf")
                 for rel in (unit.get("inputs") or {})}
    pdf_inputs = {rel for target, unit in units.items() if target.endswith(".pdf")
                  for rel in (unit.get("inputs") or {})}
    # A PDF is likely unless every changed file is known to feed DOCX outputs only.
    return True, not changed <= docx_only - pdf_inputs


def adopt_workers(pool, campaign: Campaign, units: list[Unit], jobs: int | None, state: State):
    """The pool this build renders *units* with: the prestarted one when it suits them, else a new
    one (or None for one process). A prestarted pool that guessed wrong is stopped."""
    if pool is not None:
        needed = max(1, min(jobs or os.cpu_count() or 1, len(units)))
        pdf = any(campaign.outputs[u.output].format == "pdf" for u in units)
        if units and (needed > 1 or pdf) and pool.pdf == pdf and (
                pool.size >= needed or not worth_more_workers(state, units)):
            return pool
        stop_workers(pool)
        if not units and state.path.is_file():
            os.utime(state.path)  # files were touched, not changed: the next no-op starts no workers
    return start_workers(campaign, units, jobs)


WORKER_START_SECONDS = 0.6  # what a new worker spends importing WeasyPrint before its first file


def worth_more_workers(state: State, units: list[Unit]) -> bool:
    """True when more workers would finish *units* sooner than one already started: one needs the
    sum of their times (from the last build; unknown counts as long), a second starts rendering only
    after its own start (WORKER_START_SECONDS). Recorded times include a first file's warm-up, hence
    the margin of twice the start."""
    seconds = [(state.units.get(u.target) or {}).get("seconds", float("inf")) for u in units]
    return len(seconds) > 1 and sum(seconds) > 2 * WORKER_START_SECONDS


def stop_workers(pool) -> None:
    """Stop a pool at once, even in the middle of its workers' imports."""
    if pool is None:
        return
    # Not waiting for a ~0.6 s import nobody needs: terminate (public only from Python 3.14 on).
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()


def warm_worker(pdf: bool) -> None:
    """What every unit in a worker needs, imported before the first unit arrives."""
    if pdf:
        from .engine import import_weasyprint

        import_weasyprint()
    from . import output  # noqa: F401  (light: the HTML is made in the main process)


def run_units(campaign: Campaign, units: list[Unit], draft: bool, pool=None,
              progress=None) -> list[Result]:
    """Render units: with a worker *pool*, each unit's HTML is made here (while the workers are
    still importing WeasyPrint, for the first ones) and its file there; else all of it here."""
    results: list[Result] = []

    def done(result: Result) -> None:
        results.append(result)
        if progress:
            progress(result)

    if pool is None:
        for unit in units:
            done(render_unit(campaign, unit, draft))
        return results
    from concurrent.futures import FIRST_COMPLETED, wait

    from .output import prepare

    pending = set()
    for unit in units:
        started = time.perf_counter()
        try:
            prepared = prepare(campaign, unit, draft)
        except Exception as exc:  # noqa: BLE001 — reported as the unit's failure, like a render error
            done(failure(unit, exc, started))
        else:
            pending.add(pool.submit(finish_unit, campaign, unit, prepared, time.perf_counter() - started))
        finished, pending = wait(pending, timeout=0)  # report files as they are done
        for future in finished:
            done(future.result())
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for future in finished:
            done(future.result())
    return results


def render_unit(campaign: Campaign, unit: Unit, draft: bool) -> Result:
    """Render one unit to its target file in this process; errors are returned, not raised."""
    from .output import prepare

    started = time.perf_counter()
    try:
        prepared = prepare(campaign, unit, draft)
    except Exception as exc:  # noqa: BLE001
        return failure(unit, exc, started)
    return finish_unit(campaign, unit, prepared, time.perf_counter() - started)


def finish_unit(campaign: Campaign, unit: Unit, prepared, spent: float = 0.0) -> Result:
    """Write a prepared unit's file (output.finish); *spent* is the time its preparation took."""
    if campaign.outputs[unit.output].format == "pdf":
        from .engine import import_weasyprint
        from .hyphenation import preload

        import_weasyprint()
        preload(unit.lang)
    from .output import finish

    started = time.perf_counter()
    try:
        inputs = finish(campaign, unit, prepared)
    except Exception as exc:  # noqa: BLE001
        return failure(unit, exc, started, spent)
    return Result(unit, inputs, spent + time.perf_counter() - started, messages=prepared.messages)


def failure(unit: Unit, exc: Exception, started: float, spent: float = 0.0) -> Result:
    """The Result of a unit that failed: a PresskitError as it is; anything else as an internal
    error that still names the output (with the traceback for --debug), never a crashed build."""
    seconds = spent + time.perf_counter() - started
    if isinstance(exc, PresskitError):
        return Result(unit, error=exc, seconds=seconds)
    import traceback

    error = BuildError(Problem(unit.target, None, f"internal error: {type(exc).__name__}: {exc}",
                               "run with --debug and report it"), detail=traceback.format_exc())
    return Result(unit, error=error, seconds=seconds)
