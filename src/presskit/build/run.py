"""The build engine: plan output units, skip the unchanged ones, render the rest in parallel, write atomically."""

from __future__ import annotations

import fnmatch
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError, ContentError, Problem, write_problem
from ..files import BUILD_DIR, STATE_DIR, WriteError
from ..source.containment import check_build_dir, icc_profile_problem
from .state import State, static_inputs
from .units import Decision, Result, Unit, plan

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..source.config import Campaign
    from .pool import WorkerPool


def clean_stale_temporaries(build_dir: Path) -> int:
    """Remove temporary files left by a killed build (`.NAME.tmp-PID`); returns how many were removed.

    Only inside *build_dir* itself: no symbolic link is followed (a linked folder is not entered, a
    linked build/ not cleaned at all), and only regular files — or links — of that name are removed
    (removing a link removes the link, never what it points at).
    """
    if os.path.islink(build_dir):
        return 0
    count = 0
    for dirpath, _dirnames, filenames in os.walk(build_dir):  # followlinks=False: links are not entered
        for name in filenames:
            if not fnmatch.fnmatchcase(name, ".*.tmp-*"):
                continue
            path = os.path.join(dirpath, name)
            try:
                mode = os.lstat(path).st_mode
                if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
                    os.unlink(path)
                    count += 1
            except FileNotFoundError:
                continue
    return count


@contextmanager
def build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on *path* for the duration of a build (serialises concurrent builds).

    A plain flock from the standard library: the filelock package costs ~35 ms of imports, a seventh
    of the whole no-op build, and the kernel releases the lock if the process dies. A build/ that
    cannot be written (read-only) fails here, before anything renders: WriteError.
    """
    import fcntl

    try:
        # O_NOFOLLOW: a link planted as the lock would otherwise create or open a file wherever it leads.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), str(path)) from exc
    with os.fdopen(fd, "a") as fh:
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
    removed: list[str] = field(default_factory=list)  # outputs no longer configured, deleted

    @property
    def errors(self) -> list[Problem]:
        """Every problem from every failed unit, each once (units share documents and templates)."""
        from ..errors import unique

        return unique([p for r in self.results if r.error for p in r.error.problems])

    @property
    def tracebacks(self) -> list[str]:
        """Tracebacks of unexpected failures, for --debug."""
        return [r.error.detail for r in self.results if r.error and r.error.detail]


def build(campaign: Campaign, names: list[str] | None = None, draft: bool = False,
          jobs: int | None = None, progress: Callable[[Result], None] | None = None,
          on_plan: Callable[[list[Decision]], None] | None = None, quick_first: bool = False,
          pool: WorkerPool | None = None, pseudo: bool = False) -> Report:
    """Build the selected outputs: plan, skip what is up to date, render the rest, record state.

    *quick_first* renders the units that took least time last time first (watch mode: the first
    finished file appears soonest instead of waiting behind a long brochure). *pool* is a worker
    pool started before the configuration was read (prestart_workers); build() disposes of it.
    *pseudo* builds the pseudo-localised outputs instead (build/units.py plan).
    """
    from .workers import stop_workers

    try:
        return _build(campaign, names, draft, jobs, progress, on_plan, quick_first, pool, pseudo)
    except BaseException as exc:
        # e.g. an unknown output name, a broken catalog, SIGTERM: no worker left behind
        stop_workers(pool, campaign.root)
        if isinstance(exc, OSError) and writing_build(exc, campaign.root):
            raise BuildError(write_problem(exc, campaign.root)) from exc
        raise


def writing_build(exc: OSError, root: Path) -> bool:
    """Whether *exc* is a failure to write under build/ (read-only, full disk), not a bug."""
    if isinstance(exc, WriteError):
        return True
    try:
        return exc.filename is not None and Path(exc.filename).resolve().is_relative_to(
            (root / BUILD_DIR).resolve())
    except (OSError, TypeError, ValueError):
        return False


def _build(campaign: Campaign, names: list[str] | None, draft: bool, jobs: int | None,
           progress: Callable[[Result], None] | None, on_plan: Callable[[list[Decision]], None] | None,
           quick_first: bool, pool: WorkerPool | None, pseudo: bool = False) -> Report:
    from .workers import adopt_workers, expected_cost, run_units, stop_workers

    started = time.perf_counter()
    root = campaign.root
    units = plan(campaign, names, pseudo)
    build_dir = root / BUILD_DIR
    check_build_dir(root)  # a folder of the project's own: not a link leading elsewhere, not a file
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

                problems = validate(campaign, todo)
                if any(u.edition == "print" for u in todo) and (icc := icc_profile_problem(campaign)):
                    problems.insert(0, icc)  # before rendering anything (and again by each print render)
                if problems:
                    raise ContentError(problems)
            if on_plan:
                on_plan(decisions)
            results = run_units(campaign, todo, draft, pool, progress)
        finally:
            stop_workers(pool, root)  # idle after the last file; at once on an error or a signal
        built = [r for r in results if r.error is None]
        for result in built:
            state.record(campaign, result, draft)
        records = len(state.units)
        removed = remove_unconfigured(root, state, units) if not names and not pseudo else []
        if built or len(state.units) != records:
            try:
                state.save()
            except WriteError as exc:  # the files are written, their record is not: say both
                report = Report(decisions, results, time.perf_counter() - started)
                raise BuildError([*report.errors, write_problem(exc, root)]) from exc
    return Report(decisions, results, time.perf_counter() - started, removed)


def remove_unconfigured(root: Path, state: State, units: list[Unit]) -> list[str]:
    """Delete the outputs a build recorded that the configuration no longer produces (an output,
    a language or a recipient taken out), so build/ holds exactly what it configures; returns them.

    Only files presskit itself recorded in the state are touched, each a regular file under build/
    (never a link, never outside); folders they leave empty go too. Anything else in build/ stays.
    """
    from ..source.containment import is_project_relative

    planned = {u.target for u in units}
    removed = []
    for target in sorted(set(state.units) - planned):
        del state.units[target]
        path = root / target
        if not (is_project_relative(target) and target.startswith(f"{BUILD_DIR}/")
                and not target.startswith(f"{BUILD_DIR}/{STATE_DIR}/")):
            continue
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            path.unlink()
        except OSError:  # gone already, or not ours to remove: the record goes either way
            continue
        removed.append(target)
        folder = path.parent
        while folder != root / BUILD_DIR and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed
