"""Render worker processes: when to start them, how many, and running units in them or here.

A parallel build makes each unit's HTML in the main process (output.prepare) and its file in a
worker (output.finish); the workers may be started before the configuration is read, on a guess
from file times, so that their WeasyPrint import overlaps the main process's own work.

Every output renders under a time limit (campaign.yaml's render_seconds): a worker whose file
overruns it is stopped and replaced, and the output fails with an error naming it and the limit
while the rest of the build goes on. Where an output renders in this process (one file, -j 1, watch
mode) the limit is an alarm that interrupts the render in Python code; it cannot interrupt a single
call into a C library, which only workers can (by being stopped), and it needs the main thread.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BuildError, PresskitError, Problem, write_problem
from ..files import BUILD_DIR, STATE_DIR, WriteError
from .formats import format_of, format_of_target
from .state import STATE_FILE, State
from .units import Result, Unit

if TYPE_CHECKING:
    from collections.abc import Callable

    from ..source.config import Campaign
    from .output import Prepared
    from .pool import Outcome, WorkerPool

    PreparedUnit = tuple[Unit, Prepared, float]  # a unit, its HTML and the seconds spent making it


def expected_cost(campaign: Campaign, state: State, unit: Unit) -> tuple[float, ...]:
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
    return (2, format_of(unit).paged, unit.edition == "print", size)


def start_workers(campaign: Campaign, units: list[Unit], jobs: int | None) -> WorkerPool | None:
    """A pool of worker processes for more than one unit, started now so that their imports
    (WeasyPrint: ~0.5 s) overlap the parent's validation; None when one process is enough."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(units)))
    if jobs == 1:
        return None
    return open_pool(jobs, any(format_of(u).weasyprint for u in units))


def open_pool(jobs: int, pdf: bool) -> WorkerPool:
    """*jobs* worker processes, forked now, importing WeasyPrint at once when *pdf*."""
    from .pool import WorkerPool  # imported here: a no-op build never needs it

    return WorkerPool(jobs, pdf, warm_worker)


def prestart_workers(root: Path, jobs: int | None) -> WorkerPool | None:
    """Start the workers before the configuration is even read, when the project's files changed
    since the last build (their WeasyPrint import, ~0.5 s, then overlaps reading the configuration
    and deciding: ~0.1 s sooner per edit). None on a no-op, which must stay light, and for -j 1."""
    jobs = jobs or os.cpu_count() or 1
    if jobs < 2:
        return None
    changed = changed_since_build(root)
    likely, pdf = predicted_rebuild(root, changed)
    if not likely:
        return None
    # A translator's save usually rebuilds one document in one language, its print and screen files:
    # one worker renders both sooner than two that each import WeasyPrint first (adopt_workers adds
    # the others when there is more to do).
    catalogs = bool(changed and all(rel.startswith("content/translations/") for rel in changed))
    return open_pool(1 if catalogs else jobs, pdf)


FUTURE_SLACK_NS = 2 * 10**9  # file times up to 2 s ahead of this clock still count (a network disk's clock)


def changed_since_build(root: Path) -> set[str] | None:
    """Files under content/ and templates/ modified since the build state was written (None: nothing
    built yet). A file time in the future (an archive or a machine with a wrong clock) is not a
    change: it would start workers on every no-op; an edit sets the time to now and counts."""
    try:
        built = (root / BUILD_DIR / STATE_DIR / STATE_FILE).stat().st_mtime_ns
    except OSError:
        return None
    now = time.time_ns() + FUTURE_SLACK_NS
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
                elif built < entry.stat().st_mtime_ns <= now:
                    changed.add(Path(entry.path).relative_to(root).as_posix())
    return changed


def predicted_rebuild(root: Path, changed: set[str] | None = None) -> tuple[bool, bool]:
    """(will something probably be rebuilt, a PDF among it), from file times and the recorded inputs:
    *changed*, the files changed_since_build() finds (looked up when not given). A guess only:
    build() decides."""
    if changed is None:
        changed = changed_since_build(root)
    units = State(root).units
    if not units:
        return True, True  # no build yet: everything will be built
    if not changed:
        return False, False
    weasy: dict[bool, set[str]] = {True: set(), False: set()}
    for target, unit in units.items():
        fmt = format_of_target(target)
        inputs = unit.get("inputs") if isinstance(unit, dict) else None
        weasy[bool(fmt and fmt.weasyprint)].update(inputs if isinstance(inputs, dict) else ())
    # WeasyPrint is likely needed unless every changed file is known to feed other formats only.
    return True, not changed <= weasy[False] - weasy[True]


def adopt_workers(pool: WorkerPool | None, campaign: Campaign, units: list[Unit], jobs: int | None,
                  state: State) -> WorkerPool | None:
    """The pool this build renders *units* with: the prestarted one when it suits them, else a new
    one (or None for one process). A prestarted pool that guessed wrong is stopped."""
    if pool is not None:
        needed = max(1, min(jobs or os.cpu_count() or 1, len(units)))
        pdf = any(format_of(u).weasyprint for u in units)
        if units and (needed > 1 or pdf) and pool.pdf == pdf and (
                pool.size >= needed or not worth_more_workers(state, units)):
            return pool
        stop_workers(pool)
        if not units and state.path.is_file():
            os.utime(state.path)  # files were touched, not changed: the next no-op starts no workers
    return start_workers(campaign, units, jobs)


WORKER_START_SECONDS = 0.6  # a new worker importing WeasyPrint before its first file (0.45–0.65 s)


def worth_more_workers(state: State, units: list[Unit]) -> bool:
    """True when more workers would finish *units* sooner than one already started: one needs the
    sum of their times (from the last build; unknown counts as long), a second starts rendering only
    after its own start (WORKER_START_SECONDS). Recorded times include a first file's warm-up, hence
    the margin of twice the start."""
    seconds = [(state.units.get(u.target) or {}).get("seconds", float("inf")) for u in units]
    return len(seconds) > 1 and sum(seconds) > 2 * WORKER_START_SECONDS


def stop_workers(pool: WorkerPool | None, root: Path | None = None) -> None:
    """Stop a pool's workers at once, even in the middle of an import or a render (a signal, a
    failed build, the end of a build). The temporary file a stopped render was writing is removed
    (with *root*, the project's), so nothing half-written stays behind."""
    if pool is None:
        return
    for outcome in pool.stop():
        if root is not None:
            remove_temporary(root, outcome.key, outcome.pid)


def remove_temporary(root: Path, unit: Unit, pid: int) -> None:
    """Remove what a stopped worker *pid* may have left of *unit*'s file (files.atomic_write's
    temporary, `.NAME.tmp-PID`); the previous file stays."""
    target = root / unit.target
    try:
        target.with_name(f".{target.name}.tmp-{pid}").unlink(missing_ok=True)
    except OSError:
        pass


class RenderOverrun(BaseException):
    """The render time limit passed in this process (time_limit's alarm). Not an Exception, so the
    render's own `except Exception` clauses do not swallow it."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the code inside with RenderOverrun after *seconds* (SIGALRM; main thread only,
    elsewhere and for an infinite limit no limit). A one-shot alarm: it cannot fire again during
    the cleanup."""
    import signal
    import threading

    if not math.isfinite(seconds) or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise RenderOverrun(seconds)

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)


def warm_worker(pdf: bool) -> None:
    """What every unit in a worker needs, imported before the first unit arrives."""
    if pdf:
        from ..pdf.weasy import import_weasyprint

        import_weasyprint()
    from . import output  # noqa: F401  (light: the HTML is made in the main process)


def run_units(campaign: Campaign, units: list[Unit], draft: bool, pool: WorkerPool | None = None,
              progress: Callable[[Result], None] | None = None) -> list[Result]:
    """Render units: with a worker *pool*, each unit's HTML is made here (while the workers are
    still importing WeasyPrint, for the first ones) and its file there (the DOCX files of a build
    that renders PDFs too, by one worker: docx_batch); else all of it here."""
    results: list[Result] = []

    def done(result: Result) -> None:
        results.append(result)
        if progress:
            progress(result)

    if pool is None:
        for unit in units:
            done(render_unit(campaign, unit, draft))
        return results
    from .output import prepare
    from .pool import Task

    limit = campaign.render_seconds
    outstanding = 0  # units a worker still has to write

    def submit(items: list[PreparedUnit]) -> None:
        nonlocal outstanding
        limits = [limit - spent if math.isfinite(limit) else None for _, _, spent in items]
        pool.submit(Task(finish_unit, (campaign,), list(items), limits, [unit for unit, _, _ in items]))
        outstanding += len(items)

    def collect(timeout: float | None) -> None:  # report the files that are done
        nonlocal outstanding
        for outcome in pool.collect(timeout):
            outstanding -= 1
            done(outcome_result(campaign, outcome))

    batch = docx_batch(campaign, units)
    batched: list[PreparedUnit] = []
    for unit in units:
        started = time.perf_counter()
        try:
            with time_limit(limit):
                prepared = prepare(campaign, unit, draft)
            spent = time.perf_counter() - started
            if spent >= limit:  # not interrupted (not the main thread), but over the limit all the same
                raise RenderOverrun(limit)
        except (Exception, RenderOverrun) as exc:
            done(failure(unit, exc, started, root=campaign.root, limit=limit))
        else:
            if unit in batch:
                batched.append((unit, prepared, spent))
            else:
                submit([(unit, prepared, spent)])
        collect(timeout=0)
    if batched:
        submit(batched)
    while outstanding:
        collect(timeout=None)
    return results


def outcome_result(campaign: Campaign, outcome: Outcome) -> Result:
    """The Result of a unit a worker ran: its own, or the failure the pool saw (an overrun, a
    worker that died, an exception), with what the worker left of the file removed."""
    unit: Unit = outcome.key
    if outcome.status == "done":
        result: Result = outcome.value
        return result
    if outcome.status in ("overran", "died"):
        remove_temporary(campaign.root, unit, outcome.pid)
    if outcome.status == "overran":
        return Result(unit, error=BuildError(overrun_problem(unit, campaign.render_seconds)),
                      seconds=campaign.render_seconds)
    what = outcome.value if outcome.status == "died" else "an unexpected error"
    error = BuildError(Problem(unit.target, None, f"internal error: {what} while rendering",
                               "run with --debug and report it"),
                       detail=outcome.value if outcome.status == "failed" else None)
    return Result(unit, error=error)


def overrun_problem(unit: Unit, limit: float) -> Problem:
    """An output that took longer than the render time limit."""
    return Problem(unit.target, None, f"rendering took longer than the limit of {limit:g} s and was stopped",
                   "if it needs longer, raise render_seconds in content/campaign.yaml")


def docx_batch(campaign: Campaign, units: list[Unit]) -> set[Unit]:
    """The DOCX units one worker writes in a row, when the build renders PDFs too (which keep the
    other workers busy): one python-docx import and one reference.docx parse (~0.2 s) for all of
    them instead of one per worker, for files of ~20 ms each. Empty when there is nothing to gain."""
    light = {u for u in units if not format_of(u).weasyprint}
    return light if len(light) > 1 and len(light) < len(units) else set()


def render_unit(campaign: Campaign, unit: Unit, draft: bool) -> Result:
    """Render one unit to its target file in this process, under the render time limit; errors are
    returned, not raised."""
    from .output import prepare

    started = time.perf_counter()
    try:
        with time_limit(campaign.render_seconds):
            prepared = prepare(campaign, unit, draft)
            return finish_unit(campaign, unit, prepared, time.perf_counter() - started)
    except (Exception, RenderOverrun) as exc:
        return failure(unit, exc, started, root=campaign.root, limit=campaign.render_seconds)


def finish_unit(campaign: Campaign, unit: Unit, prepared: Prepared, spent: float = 0.0) -> Result:
    """Write a prepared unit's file (output.finish); *spent* is the time its preparation took."""
    if format_of(unit).weasyprint:
        from ..pdf.hyphenation import preload
        from ..pdf.weasy import import_weasyprint

        import_weasyprint()
        preload(unit.lang)
    from .output import finish

    started = time.perf_counter()
    try:
        inputs = finish(campaign, unit, prepared)
    except Exception as exc:
        return failure(unit, exc, started, spent, root=campaign.root)
    return Result(unit, inputs, spent + time.perf_counter() - started, messages=prepared.messages)


def failure(unit: Unit, exc: BaseException, started: float, spent: float = 0.0, root: Path | None = None,
            limit: float = math.inf) -> Result:
    """The Result of a unit that failed: a PresskitError as it is; a file that could not be written
    (read-only build/, full disk) or a render over the time *limit* as their own errors; anything
    else as an internal error that still names the output (with the traceback for --debug), never
    a crashed build."""
    seconds = spent + time.perf_counter() - started
    if isinstance(exc, PresskitError):
        if isinstance(exc, BuildError):  # a renderer's finding about the file it made (overflow): name that file
            exc = type(exc)([p if p.file else replace(p, file=unit.target) for p in exc.problems], exc.detail)
        return Result(unit, error=exc, seconds=seconds)
    if isinstance(exc, RenderOverrun):
        return Result(unit, error=BuildError(overrun_problem(unit, limit)), seconds=seconds)
    if isinstance(exc, WriteError):
        return Result(unit, error=BuildError(write_problem(exc, root or Path.cwd())), seconds=seconds)
    import traceback

    error = BuildError(Problem(unit.target, None, f"internal error: {type(exc).__name__}: {exc}",
                               "run with --debug and report it"), detail=traceback.format_exc())
    return Result(unit, error=error, seconds=seconds)
