"""Watch mode: one long-lived process rebuilds what each edit touches and serves the live build report."""

from __future__ import annotations

import functools
import os
import stat
import threading
import time
from collections.abc import Callable
from html import escape
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .build.run import Report, build
from .errors import PresskitError, Problem, UsageError, printable, write_problem
from .files import BUILD_DIR, STATE_DIR, WriteError
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

    It never stops on an error: a problem with the input, a file that cannot be written, even an
    internal error (a bug) is printed (*debug*: with its traceback) and the watcher waits for the
    next change. Every line goes out through *say* with control characters escaped.
    """

    def __init__(self, root: Path, draft: bool = False, jobs: int | None = None,
                 say: Callable[[str], None] = print, on_report: Callable[[Report | None], None] | None = None,
                 debug: bool = False):
        self.root = Path(root).resolve()
        # In this process by default: it is the warm one. Forked workers were measured slower per
        # file here (copy-on-write faults over a warm interpreter), and one edit touches few files.
        self.draft, self.jobs, self.debug = draft, jobs or 1, debug
        self.say: Callable[[str], None] = lambda line: say(printable(line))
        self.on_report = on_report  # called after every rebuild (tests and the benchmark listen here)
        self.campaign: Campaign | None = None
        self.live = False
        self.warm = True  # render one file per template before watching (tests may skip it)

    def rebuild(self, changes: Iterable[tuple[Change, str]] = ()) -> Report | None:
        """Reload the configuration and rebuild what changed; errors are printed, never raised
        (only KeyboardInterrupt and a signal's Interrupted end the watcher)."""
        try:
            return self._rebuild(changes)
        except Exception as exc:  # a bug: say so and keep watching (the next save may well work)
            import traceback

            problem = Problem(None, None, f"internal error: {type(exc).__name__}: {exc}",
                              "run with --debug and report it")
            if self.debug:
                self.say(traceback.format_exc().rstrip("\n"))
            try:
                self._failed([problem])
            except Exception:  # reporting failed too: the line is out, keep watching
                self.say("watch: fix the error and save again; waiting for changes")
            return None

    def _rebuild(self, changes: Iterable[tuple[Change, str]]) -> Report | None:
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
        for detail in report.tracebacks if self.debug else ():
            self.say(detail.rstrip("\n"))
        self._publish(campaign, report)
        built = sum(1 for r in report.results if r.error is None)
        failed = len(report.results) - built
        if changes and not report.results:
            self.say("watch: nothing to rebuild: every output is up to date with the files as they are")
        for target in report.removed:
            self.say(f"  removed {target} (no longer in the configuration)")
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
        except WriteError as exc:
            self.say(f"warning: build report not written: {write_problem(exc, self.root)}")
        except Exception as exc:
            self.say(f"warning: build report not written: {type(exc).__name__}: {exc}")

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
            try:
                self.warm_up()
            except Exception as exc:  # only slower first edits: say it, keep going
                self.say(f"warning: warming up the renderers failed: {type(exc).__name__}: {exc}")
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
    for name in WATCHED:
        for dirpath, _, filenames in os.walk(root / name):
            for f in filenames:
                try:
                    if os.stat(os.path.join(dirpath, f)).st_mtime >= since:
                        return True
                except OSError:  # gone since the listing, or a dangling link
                    continue
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
    """Serves the regular files of build/ to this machine's browser, and nothing else.

    - Only requests addressed to this server by name: a Host header of exactly 127.0.0.1:PORT or
      localhost:PORT (its own port). A web page on another site cannot read the report through DNS
      rebinding (its name resolving to 127.0.0.1 still sends its own name as Host): 403.
    - Only regular files whose real path (symbolic links resolved) lies inside build/: a link in
      build/ to a private key or to a folder outside is not followed (404), nor is a FIFO or a device
      opened. A folder gives its index.html if it has one, never a listing (404).
    - No request logging, and nothing cached by the browser.
    """

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    @property
    def port(self) -> int:
        """The port this server listens on."""
        address = self.server.server_address
        return int(address[1]) if isinstance(address, tuple) else 0

    def host_allowed(self) -> bool:
        """Whether the request names this server: Host is 127.0.0.1:PORT or localhost:PORT."""
        port = self.port
        host = (self.headers.get("Host") or "").strip().lower()
        return host in (f"127.0.0.1:{port}", f"localhost:{port}")

    def send_head(self) -> BinaryIO | None:
        """The response head for GET and HEAD, and the file to send (None: an error was sent)."""
        if not self.host_allowed():
            self.send_error(HTTPStatus.FORBIDDEN, "Forbidden: the report is served to this machine only, "
                            f"at http://127.0.0.1:{self.port}/")
            return None
        found = self.open_file(self.translate_path(self.path))
        if found is None:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        fh, real, st = found
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-type", self.guess_type(real))
        self.send_header("Content-Length", str(st.st_size))
        self.send_header("Last-Modified", self.date_time_string(int(st.st_mtime)))
        self.end_headers()
        return fh

    def open_file(self, path: str) -> tuple[BinaryIO, str, os.stat_result] | None:
        """The regular file at *path* if its real path lies inside build/: open, its real path and
        its status; else None."""
        base = Path(self.directory)
        if base.is_symlink():  # build/ itself must be the project's own folder (the build refuses a link too)
            return None
        base_real = os.path.realpath(base)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        real = os.path.realpath(path)
        if os.path.commonpath([real, base_real]) != base_real:
            return None
        try:
            fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            # The file opened is the one checked: not swapped for a link since (Linux shows its path).
            opened = os.readlink(f"/proc/self/fd/{fd}") if os.path.isdir("/proc/self/fd") else real
            if not stat.S_ISREG(st.st_mode) or os.path.commonpath([opened, base_real]) != base_real:
                os.close(fd)
                return None
        except (OSError, ValueError):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb"), real, st

    def list_directory(self, path: Any) -> None:
        """Never a listing (send_head does not ask for one; this is the guard if it ever did)."""
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None


def serve(root: Path, port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """Serve the project's build/ folder on localhost only, from a background thread."""
    directory = Path(root) / BUILD_DIR
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a read-only project: the build says so; the server answers 404 until build/ exists
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
