"""The render workers' process pool: forked processes that render one item at a time, under a time limit.

Why not concurrent.futures.ProcessPoolExecutor: a worker that overruns its time limit must be
stopped on its own (the executor can only break the whole pool, losing every other worker's file),
and a signal (SIGTERM, Ctrl-C) must stop every worker at once (the executor waits for them, or
leaves them running when its process dies). Here each worker is a forked process with a socket of
its own; a dispatcher thread hands the queued items to idle workers as soon as they are idle (the
main thread meanwhile makes the next HTML or page thumbnails), times each item, and stops a worker
whose item overruns; a replacement is forked by the thread that owns the pool (forks never happen on
the dispatcher thread). Workers die with the process that started them (PR_SET_PDEATHSIG on Linux),
so even a SIGKILLed build leaves none behind.

Only the standard library's socket, pickle and select are used: no multiprocessing import (~30 ms).
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HEADER = 8  # bytes of length before each pickled message


@dataclass
class Task:
    """Items a worker runs in a row: fn(*shared, *item) for each, with a time limit per item (seconds;
    None: none). *key* is the caller's: it comes back with each Outcome."""

    fn: Callable[..., Any]
    shared: tuple[Any, ...]
    items: list[tuple[Any, ...]]
    limits: list[float | None]
    keys: list[Any]


@dataclass
class Outcome:
    """What became of one item: "done" (value is fn's return value), "failed" (value is the
    traceback of an exception fn raised), "overran" (stopped at its time limit; value is the limit)
    or "died" (the worker process ended; value says how). *pid* is the worker's."""

    key: Any
    status: str
    value: Any
    pid: int


@dataclass
class _Worker:
    pid: int
    sock: socket.socket
    ready: bool = False  # finished its initializer and waiting for items
    task: Task | None = None
    index: int = 0  # the item of *task* it is running
    started: float = 0.0  # time.monotonic() when that item started
    stopped: bool = False


@dataclass
class _Queued:
    task: Task
    start: int = 0  # items before this one were run (or given up) already
    outcomes: list[Outcome] = field(default_factory=list)


class WorkerPool:
    """*size* worker processes, forked now, each running *initializer*(*pdf*) (its imports) as it
    starts; adopt_workers() checks both before it renders with a pool started earlier.

    submit() queues a Task; collect() returns the Outcomes that arrived; stop() ends every worker
    at once. Used from one thread (the build's, which also forks every worker); the dispatcher
    thread is the pool's own.
    """

    def __init__(self, size: int, pdf: bool, initializer: Callable[[bool], None]):
        self.pdf, self.size = pdf, size
        self._initializer = initializer
        self._lock = threading.Lock()
        self._queue: deque[_Queued] = deque()
        self._outcomes: deque[Outcome] = deque()
        self._arrived = threading.Condition(self._lock)
        self._processes: dict[int, _Worker] = {}  # by pid
        self._closing = False
        self._crash: str | None = None
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        for _ in range(size):
            worker = self._fork()
            self._processes[worker.pid] = worker
        self._thread = threading.Thread(target=self._dispatch, name="presskit-workers", daemon=True)
        self._thread.start()

    # ---- the caller's side ---------------------------------------------------------------------

    def submit(self, task: Task) -> None:
        """Queue *task*; an idle worker takes it at once."""
        with self._lock:
            self._queue.append(_Queued(task))
            self._refill()
        self._wake()

    def collect(self, timeout: float | None = None) -> list[Outcome]:
        """The outcomes that arrived, waiting up to *timeout* seconds for the first (None: until one
        arrives). Raises RuntimeError if the dispatcher failed (a bug: never silently hang)."""
        with self._arrived:
            self._refill()
            if not self._outcomes and timeout != 0:
                deadline = None if timeout is None else time.monotonic() + timeout
                while not self._outcomes and self._crash is None:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        break
                    self._arrived.wait(left if left is not None else 1.0)
                    if self._refill():
                        self._wake()
            if self._crash is not None:
                raise RuntimeError(f"the render worker pool failed:\n{self._crash}")
            found = list(self._outcomes)
            self._outcomes.clear()
            return found

    def stop(self) -> list[Outcome]:
        """End every worker now (SIGKILL: an import or a render in progress is not waited for) and
        the dispatcher. Returns an Outcome ("stopped") for each item a worker was running, so the
        caller can remove what it left (the temporary file of an output being written)."""
        busy: list[Outcome] = []
        with self._lock:
            if self._wake_r < 0:  # stopped before
                return busy
            self._closing = True
            for worker in self._processes.values():
                if worker.task is not None and not worker.stopped:
                    busy.append(Outcome(worker.task.keys[worker.index], "stopped", None, worker.pid))
                self._kill(worker)
            self._wake()
        self._thread.join(timeout=5)
        with self._lock:
            for fd in (self._wake_r, self._wake_w):
                os.close(fd)
            self._wake_r = self._wake_w = -1
        return busy

    # ---- workers -------------------------------------------------------------------------------

    def _fork(self) -> _Worker:
        """Start one worker process (from the calling thread: it dies when that thread's process does)."""
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is written twice
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        pid = os.fork()
        if pid == 0:  # the worker: never returns
            code = 1
            try:
                ours.close()
                for other in self._processes.values():
                    other.sock.close()
                for fd in (self._wake_r, self._wake_w):
                    os.close(fd)
                _serve(theirs, self._initializer, self.pdf, parent)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        return _Worker(pid, ours)

    def _refill(self) -> bool:
        """Fork replacements while work is queued and fewer than *size* workers live (lock held;
        only on the pool owner's thread). Whether it forked any."""
        self._processes = {pid: w for pid, w in self._processes.items() if not w.stopped}
        forked = False
        while self._queue and len(self._processes) < self.size and not self._closing:
            worker = self._fork()
            self._processes[worker.pid] = worker
            forked = True
        return forked

    def _kill(self, worker: _Worker, exiting: bool = False) -> int:
        """Stop a worker (SIGKILL) and reap it, once (lock held); its wait status (0 when reaped
        before). One *exiting* (its socket closed) is given a moment to end by itself first, so
        that the status says how it ended."""
        if worker.stopped:
            return 0
        worker.stopped = True
        worker.sock.close()
        try:
            for _ in range(100 if exiting else 0):
                pid, status = os.waitpid(worker.pid, os.WNOHANG)
                if pid:
                    return status
                time.sleep(0.01)
            try:
                os.kill(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return os.waitpid(worker.pid, 0)[1]
        except ChildProcessError:
            return 0

    def _wake(self) -> None:
        if self._wake_w < 0:
            return
        try:
            os.write(self._wake_w, b"x")
        except OSError:  # full: it is awake anyway
            pass

    # ---- the dispatcher thread -----------------------------------------------------------------

    def _dispatch(self) -> None:
        try:
            while True:
                with self._lock:
                    if self._closing:
                        return
                    self._give_work()
                    workers = [w for w in self._processes.values() if not w.stopped]
                    timeout = self._next_deadline(workers)
                    wake = self._wake_r
                    fds = {w.sock.fileno(): w for w in workers}
                readable, _, _ = select.select([wake, *fds], [], [], timeout)
                if wake in readable:
                    os.read(wake, 4096)
                for fd in readable:
                    if fd in fds:
                        self._receive(fds[fd])
                self._check_deadlines(workers)
        except BaseException:
            import traceback

            with self._lock:
                if not self._closing:
                    self._crash = traceback.format_exc()
                self._arrived.notify_all()

    def _give_work(self) -> None:
        """Send queued tasks to idle workers (lock held)."""
        for worker in self._processes.values():
            if not self._queue:
                return
            if worker.ready and worker.task is None and not worker.stopped:
                queued = self._queue.popleft()
                task = queued.task
                if queued.start:  # the rest of a task whose worker was stopped
                    task = Task(task.fn, task.shared, task.items[queued.start:], task.limits[queued.start:],
                                task.keys[queued.start:])
                worker.task, worker.index, worker.started = task, 0, time.monotonic()
                try:
                    _send(worker.sock, (task.fn, task.shared, task.items))
                except OSError:
                    self._lost(worker, "died", _how_it_ended(self._kill(worker, exiting=True)))

    def _next_deadline(self, workers: list[_Worker]) -> float | None:
        ends = [w.started + limit for w in workers
                if w.task is not None and (limit := w.task.limits[w.index]) is not None]
        return max(0.0, min(ends) - time.monotonic()) if ends else None

    def _receive(self, worker: _Worker) -> None:
        try:
            message = _recv(worker.sock)
        except (EOFError, OSError, pickle.UnpicklingError):
            with self._lock:  # its socket closes when it exits: reap it to say how it ended
                self._lost(worker, "died", _how_it_ended(self._kill(worker, exiting=True)))
            return
        with self._lock:
            if message == "ready":
                worker.ready = True
                return
            assert worker.task is not None
            ok, value = message
            self._outcome(Outcome(worker.task.keys[worker.index], "done" if ok else "failed", value, worker.pid))
            worker.index += 1
            worker.started = time.monotonic()
            if worker.index == len(worker.task.items):
                worker.task = None

    def _check_deadlines(self, workers: list[_Worker]) -> None:
        now = time.monotonic()
        with self._lock:
            for worker in workers:
                if worker.task is None or worker.stopped:
                    continue
                limit = worker.task.limits[worker.index]
                if limit is not None and now - worker.started >= limit:
                    self._lost(worker, "overran", limit)

    def _lost(self, worker: _Worker, status: str, value: Any) -> None:
        """A worker's current item ends without a result (lock held): the worker is stopped, the
        item reported, the task's later items queued again first; the owner's thread forks a
        replacement when it next waits (notified here)."""
        task, index = worker.task, worker.index
        self._kill(worker)
        worker.task = None
        if task is None:
            return
        self._outcome(Outcome(task.keys[index], status, value, worker.pid))
        if index + 1 < len(task.items):
            self._queue.appendleft(_Queued(task, index + 1))

    def _outcome(self, outcome: Outcome) -> None:
        self._outcomes.append(outcome)
        self._arrived.notify_all()


def _how_it_ended(status: int) -> str:
    """A worker's wait status in words."""
    if os.WIFSIGNALED(status):
        try:
            name = signal.Signals(os.WTERMSIG(status)).name
        except ValueError:
            name = f"signal {os.WTERMSIG(status)}"
        return f"its worker process was killed by {name}"
    if os.WIFEXITED(status) and os.WEXITSTATUS(status):
        return f"its worker process exited with status {os.WEXITSTATUS(status)}"
    return "its worker process ended"


# ---- messages: a length, then a pickle ---------------------------------------------------------

def _send(sock: socket.socket, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    sock.sendall(len(data).to_bytes(HEADER, "big"))
    sock.sendall(data)


def _recv(sock: socket.socket) -> Any:
    size = int.from_bytes(_read(sock, HEADER), "big")
    return pickle.loads(_read(sock, size))


def _read(sock: socket.socket, size: int) -> bytearray:
    buffer = bytearray(size)
    view, got = memoryview(buffer), 0
    while got < size:
        n = sock.recv_into(view[got:])
        if not n:
            raise EOFError("the other end closed")
        got += n
    return buffer


# ---- in the worker -----------------------------------------------------------------------------

def _serve(sock: socket.socket, initializer: Callable[[bool], None], pdf: bool, parent: int) -> None:
    """A worker's life: its imports, then each item it is sent, until the parent goes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    _die_with_parent(parent)
    try:
        initializer(pdf)
    except Exception:
        pass  # the first item meets the same error and reports it
    _send(sock, "ready")
    while True:
        try:
            fn, shared, items = _recv(sock)
        except (EOFError, OSError):
            return
        for item in items:
            try:
                reply: tuple[bool, Any] = (True, fn(*shared, *item))
            except Exception:
                import traceback

                reply = (False, traceback.format_exc())
            try:
                _send(sock, reply)
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                _send(sock, (False, f"the result could not be sent back: {type(exc).__name__}: {exc}"))


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this worker when the build process ends, however it ends (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)
