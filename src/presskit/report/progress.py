"""Build progress for people: a line per finished output, and a rich progress bar once a build runs long."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..errors import printable

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from ..build.units import Decision, Result

BAR_DELAY_S = 1.0  # short builds print lines only; a bar flashing for 0.3 s is noise


class BuildProgress:
    """Reports each finished unit; shows a progress bar on terminals when the build passes one second.

    Call `plan` with the build's decisions, the object itself with each result, and `close` at the end.
    Rich is imported only when the bar actually appears, so quick and no-op builds never pay for it.
    """

    def __init__(self, echo: Callable[[str], None], bar: bool | None = None, delay: float = BAR_DELAY_S):
        self.echo = echo
        self.bar_allowed = sys.stderr.isatty() if bar is None else bar
        self.delay = delay
        self.total = self.done = 0
        self.lock = threading.Lock()
        self.timer: threading.Timer | None = None
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def plan(self, decisions: list[Decision]) -> None:
        """Learn how many units will render; arm the timer that brings up the bar."""
        self.total = sum(1 for d in decisions if d.rebuild)
        if self.total and self.bar_allowed:
            self.timer = threading.Timer(self.delay, self._start_bar)
            self.timer.daemon = True
            self.timer.start()

    def _start_bar(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with self.lock:
            if self.timer is None or self.done >= self.total:
                return
            self.progress = Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=Console(stderr=True), transient=True)
            self.task = self.progress.add_task("build", total=self.total, completed=self.done)
            self.progress.start()

    def __call__(self, result: Result) -> None:
        """One unit finished (built or failed)."""
        with self.lock:
            self.done += 1
            if result.error is None:
                line = printable(f"  built {result.unit.target} ({result.seconds:.2f} s)")  # the bar prints it itself
                if self.progress:
                    self.progress.console.print(line, highlight=False, markup=False)
                else:
                    self.echo(line)
            if self.progress and self.task is not None:  # the bar comes with its task
                self.progress.update(self.task, completed=self.done)

    def close(self) -> None:
        """Stop the timer and remove the bar."""
        with self.lock:
            if self.timer:
                self.timer.cancel()
                self.timer = None
            if self.progress:
                self.progress.stop()
                self.progress = None
