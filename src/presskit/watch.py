"""Watch mode: one long-lived process rebuilds what each edit touches and serves the live build report."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from html import escape
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build.run import Report, build
from .errors import PresskitError, Problem, UsageError
from .files import BUILD_DIR, STATE_DIR
from .report.write import bump_live_version, write_report
from .source.config import Campaign, load_config

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from watchfiles import Change

    from .build.units import Decision, Result

WATCHED = ("content", "templates")  # everything an output reads lives here (build/ is never watched)
STEP_MS = 50  # a batch of changes is handed over 50 ms after the last one (editors write in bursts)
DEFAULT_PORT = 8765


class Watcher:
    """Rebuilds the outputs an edit touches, in this process, and keeps the report current.

    Renderers stay loaded between rebuilds: WeasyPrint's import, the font configuration and the
    Jinja environment are cached per process (pdf.weasy.font_config, build.output.environment), so an edit
    pays only for rendering. Units that need rebuilding are found by the build engine's
    fingerprints, so an edit rebuilds exactly the outputs that read the edited file.
    """

    def __init__(self, root: Path, draft: bool = False, jobs: int | None = None,
                 say: Callable[[str], None] = print, on_report: Callable[[Report | None], None] | None = None):
        self.root = Path(root).resolve()
        # In this process by default: it is the warm one. Forked workers were measured slower per
        # file here (copy-on-write faults over a warm interpreter), and one edit touches few files.
        self.draft, self.jobs, self.say = draft, jobs or 1, say
        self.on_report = on_report  # called after every rebuild (tests and the benchmark listen here)
        self.campaign: Campaign | None = None
        self.live = False
        self.warm = True  # render one file per template before watching (tests may skip it)

    def rebuild(self, changes: Iterable[tuple[Change, str]] = ()) -> Report | None:
        """Reload the configuration and rebuild what changed; errors are printed, never raised."""
        for line in describe(changes, self.root):
            self.say(line)
        started = time.perf_counter()
        try:
            campaign = load_config(self.root)
        except PresskitError as exc:
            self._failed(exc.problems)
            return None
        for warning in campaign.warnings:
            self.say(f"warning: {warning}")
        self.campaign = campaign
        try:
            report = build(campaign, draft=self.draft, jobs=self.jobs, progress=self._result,
                           on_plan=self._plan, quick_first=True)
        except PresskitError as exc:
            self._failed(exc.problems)
            return None
        self._publish(campaign, report)
        built = sum(1 for r in report.results if r.error is None)
        failed = len(report.results) - built
        if changes and not report.results:
            self.say("watch: nothing to rebuild: every output is up to date with the files as they are")
        self.say(f"watch: {built} rebuilt, {failed} failed, {len(report.decisions) - len(report.results)} "
                 f"up to date ({time.perf_counter() - started:.2f} s); waiting for changes")
        if self.on_report:
            self.on_report(report)
        return report

    def _plan(self, decisions: list[Decision]) -> None:
        for d in decisions:
            if d.rebuild:
                self.say(f"  rebuild {d.unit.target}: {'; '.join(d.reasons)}")

    def _result(self, result: Result) -> None:
        if result.error is None:
            self.say(f"  built {result.unit.target} ({result.seconds:.2f} s)")
        for problem in result.error.problems if result.error else ():
            self.say(f"error: {problem}")

    def _failed(self, problems: list[Problem]) -> None:
        for problem in problems:
            self.say(f"error: {problem}")
        self.say("watch: fix the error and save again; waiting for changes")
        if self.campaign is not None:  # keep showing the last good outputs, with the error on top
            self._publish(self.campaign, None, problems)
        if self.on_report:
            self.on_report(None)

    def _publish(self, campaign: Campaign, report: Report | None, errors: Sequence[Problem] = ()) -> None:
        version = time.time_ns() // 1_000_000 if self.live else 0  # unique across restarts
        try:
            write_report(campaign, report, list(errors), live=version)
            if version:
                bump_live_version(self.root, version)
        except Exception as exc:
            self.say(f"warning: build report not written: {exc}")

    def warm_up(self) -> None:
        """Render one file of each PDF template into a scratch folder, so the first edit is as fast as
        the later ones: WeasyPrint, the fonts at every weight, the compiled templates, QR codes."""
        import shutil
        from dataclasses import replace

        from .build.formats import format_of
        from .build.units import plan
        from .build.workers import render_unit
        from .pdf.weasy import import_weasyprint

        import_weasyprint()
        campaign = self.campaign
        assert campaign is not None  # run() warms up after a build that read the configuration
        scratch = f"{BUILD_DIR}/{STATE_DIR}/warm-up"
        seen: set[str] = set()
        for unit in plan(campaign):
            template = campaign.outputs[unit.output].template
            if format_of(unit).weasyprint and template not in seen:
                seen.add(template)
                # the engine's own render path, into a file of its own: state and outputs stay untouched
                render_unit(campaign, replace(unit, target=f"{scratch}/{Path(unit.target).name}",
                                              variant=""), draft=True)
        shutil.rmtree(self.root / scratch, ignore_errors=True)
        # Per language: the hyphenation dictionary and the locale data a first edit would load.
        from weasyprint import HTML

        from .html.templates import format_date
        from .pdf.weasy import font_config

        sample = escape(f"internationalisation {campaign.title}")
        for lang in campaign.languages:
            format_date(campaign.date, lang)
            HTML(string=f'<p lang="{escape(lang)}" style="hyphens: auto; width: 2em">{sample}</p>').render(
                font_config=font_config())

    def run(self, stop_event: threading.Event | None = None, ready: Callable[[], None] | None = None) -> None:
        """Build once, then rebuild after every batch of changes until *stop_event* is set."""
        from watchfiles import DefaultFilter, watch

        self.rebuild()
        if self.campaign is not None and self.warm:
            started = time.time()
            self.warm_up()
            if edited_since(self.root, started):  # saved while warming up: not seen by the watcher yet
                self.rebuild()
        watch_filter = DefaultFilter(ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns,
                                                             r"^\.~lock\.", r"\.tmp-\d+$"))
        paths = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
        if not paths:
            raise UsageError(Problem(str(self.root), None, "no content/ or templates/ folder to watch",
                                     "run presskit watch in a project folder or pass --root DIR"))
        self.say(f"watch: watching {', '.join(p.name + '/' for p in paths)} — Ctrl-C stops")
        if ready:
            ready()
        for changes in watch(*paths, watch_filter=watch_filter, step=STEP_MS, stop_event=stop_event,
                             rust_timeout=500, yield_on_timeout=False):
            self.rebuild(changes)


def edited_since(root: Path, since: float) -> bool:
    """Whether any watched file was modified after *since* (a time.time() value)."""
    import os

    for name in WATCHED:
        for dirpath, _, filenames in os.walk(root / name):
            if any(os.stat(os.path.join(dirpath, f)).st_mtime >= since for f in filenames):
                return True
    return False


def describe(changes: Iterable[tuple[Change, str]], root: Path) -> list[str]:
    """One line per changed file: what happened to it."""
    from watchfiles import Change

    verbs = {Change.added: "added", Change.modified: "changed", Change.deleted: "deleted"}
    kinds: dict[str, set[Change]] = {}
    for change, path in changes:
        kinds.setdefault(path, set()).add(change)
    lines = []
    for path, seen in sorted(kinds.items()):
        if {Change.added, Change.deleted} <= seen and not Path(path).exists():
            continue  # an editor's temporary file, created and removed within the batch
        change = Change.deleted if not Path(path).exists() else (
            Change.added if Change.added in seen else Change.modified)
        try:
            name = Path(path).resolve().relative_to(root).as_posix()
        except ValueError:
            name = path
        lines.append(f"watch: {verbs.get(change, 'changed')} {name}")
    return lines


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves build/ without logging every request and without letting the browser cache anything."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def serve(root: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """Serve the project's build/ folder on localhost only, from a background thread."""
    directory = Path(root) / BUILD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(QuietHandler, directory=str(directory))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        if port == 0:
            raise
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)  # taken: any free port will do
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="presskit-report", daemon=True).start()
    return server


def report_url(server: ThreadingHTTPServer) -> str:
    """The address of the served report."""
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/index.html"  # !s: typeshed allows a bytes host, AF_INET gives str
