"""Trust boundaries of the running process: the report server, signals, full and read-only disks,
render time limits, file times in the future, and what reaches the terminal.

Tests here run as root, which ignores permission bits, and mounting a read-only file system needs
privileges a test does not have: a read-only build/ is simulated in-process by making every
write-mode open() under build/ fail with EROFS, and a full disk by making atomic_write's writes
fail with ENOSPC (both patched in this process; the CLI runs through presskit.cli.main here).
"""

from __future__ import annotations

import builtins
import errno
import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml

from conftest import PRESSKIT, run
from presskit.errors import printable

WAIT_S = 60  # bounded waits, never reached when things work


def outputs_of(root: Path) -> dict[str, bytes]:
    """Every output file under build/ (PDF, DOCX) and its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "build").rglob("*")) if p.suffix in (".pdf", ".docx")}


def temporaries(root: Path) -> list[str]:
    return [p.name for p in (root / "build").rglob(".*.tmp-*")] if (root / "build").is_dir() else []


def edit_campaign(root: Path, change) -> None:
    path = root / "content" / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def only_briefing(root: Path) -> None:
    """Trim a project to its DOCX output (quick to build, no WeasyPrint)."""
    edit_campaign(root, lambda d: d.update(outputs={"briefing": d["outputs"]["briefing"]}))


@pytest.fixture
def built_once(built, tmp_path):
    """A copy of the session's built fixture project (outputs and build state included)."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


def cli_main(monkeypatch, capsys, *args) -> tuple[int, str, str]:
    """presskit.cli.main() in this process (so that patches apply): exit code, stdout, stderr."""
    from presskit.cli import main

    monkeypatch.setattr(sys, "argv", ["presskit", *map(str, args)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def children(pid: int) -> set[int]:
    """PIDs of the processes whose parent is *pid* (from /proc: no psutil)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """Whether *pid* still runs (a zombie waiting for its reaper does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


# ---- 1. the watch report server -------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    """A report server over a build/ with files, links in and out, a FIFO and a bare folder."""
    from presskit.watch import serve

    root = tmp_path / "project"
    build = root / "build"
    (build / "handouts").mkdir(parents=True)
    (build / "index.html").write_text("<html>report</html>")
    (build / "handouts" / "handout-lv.pdf").write_bytes(b"%PDF-1.7 handout")
    (build / "empty").mkdir()
    outside = tmp_path / "home"
    (outside / ".ssh").mkdir(parents=True)
    (outside / ".ssh" / "id_ed25519").write_text("PRIVATE KEY")
    (build / "key").symlink_to(outside / ".ssh" / "id_ed25519")
    (build / "ssh").symlink_to(outside / ".ssh")
    (build / "latest.pdf").symlink_to("handouts/handout-lv.pdf")  # inside build/: served
    os.mkfifo(build / "pipe")
    srv = serve(root, port=0)
    yield srv
    srv.shutdown()
    srv.server_close()


def fetch(srv, path: str, host: str | None = "default", method: str = "GET") -> tuple[int, bytes]:
    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.putrequest(method, path, skip_host=True)
        if host is not None:
            conn.putheader("Host", f"127.0.0.1:{port}" if host == "default" else host.format(port=port))
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_server_serves_regular_files_inside_build(server):
    assert fetch(server, "/index.html") == (200, b"<html>report</html>")
    assert fetch(server, "/") == (200, b"<html>report</html>")  # a folder's index.html, not a listing
    assert fetch(server, "/handouts/handout-lv.pdf") == (200, b"%PDF-1.7 handout")
    assert fetch(server, "/latest.pdf") == (200, b"%PDF-1.7 handout")
    assert fetch(server, "/index.html", host="localhost:{port}")[0] == 200
    assert fetch(server, "/index.html", method="HEAD")[0] == 200


@pytest.mark.parametrize("path", ["/key", "/ssh/id_ed25519", "/ssh/", "/handouts/", "/handouts", "/empty/",
                                  "/pipe", "/../../home/.ssh/id_ed25519", "/%2e%2e/home/.ssh/id_ed25519",
                                  "/nothing.pdf"])
def test_server_refuses_links_out_listings_and_special_files(server, path):
    status, body = fetch(server, path)
    assert status == 404 and b"PRIVATE KEY" not in body and b"handout-lv.pdf" not in body


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1", "localhost", "127.0.0.1:1",
                                  "127.0.0.1.evil.example:{port}", "[::1]:{port}", "", None])
def test_server_answers_only_requests_addressed_to_it(server, host):
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 still sends its own name."""
    status, body = fetch(server, "/index.html", host=host)
    assert status == 403 and b"<html>report</html>" not in body


def test_server_listens_on_loopback_only(server):
    assert server.server_address[0] == "127.0.0.1"


# ---- 2. SIGTERM and SIGINT ------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("how", ["SIGTERM to the build", "SIGINT to its process group"])
def test_signal_stops_the_build_and_every_worker(project, how):
    proc = subprocess.Popen([*PRESSKIT, "build", "-j", "2", "--root", str(project)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + WAIT_S
        # Until the workers render: both started, and a first file written (more are still to come).
        while not (len(workers := children(proc.pid)) == 2 and list((project / "build").rglob("*.pdf"))):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.02)
        stopped = time.monotonic()
        if how.startswith("SIGTERM"):
            proc.send_signal(signal.SIGTERM)
        else:  # Ctrl-C: the terminal signals every process of the foreground group, workers too
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        took = time.monotonic() - stopped
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    signum = signal.SIGTERM if how.startswith("SIGTERM") else signal.SIGINT
    assert proc.returncode == 128 + signum, (out, err)
    assert err.splitlines() == [f"presskit: stopped by {signum.name} — no worker left running, no file "
                                "half-written; run the command again to finish"]
    assert took < 5
    assert not [pid for pid in workers if alive(pid)]
    assert not temporaries(project)
    for pdf in (project / "build").rglob("*.pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), pdf
    assert not (project / "build" / ".presskit" / "state.json").exists()  # nothing recorded as built


def test_workers_die_with_a_killed_build(tmp_path):
    """Even SIGKILL, which no handler sees: the kernel ends the workers (PR_SET_PDEATHSIG)."""
    script = ("import os, time\nfrom presskit.build.workers import open_pool\n"
              "pool = open_pool(2, pdf=False)\nprint(*pool._processes, flush=True)\ntime.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in proc.stdout.readline().split()]
    assert len(workers) == 2 and all(alive(pid) for pid in workers)
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not [pid for pid in workers if alive(pid)]


# ---- 3. watch mode never dies ---------------------------------------------------------------------

def test_watch_reports_an_internal_error_and_keeps_watching(project, monkeypatch):
    import presskit.watch
    from presskit.watch import Watcher

    only_briefing(project)
    real_build = presskit.watch.build

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    for debug in (False, True):
        lines: list[str] = []
        watcher = Watcher(project, say=lines.append, debug=debug)
        monkeypatch.setattr(presskit.watch, "build", broken)
        assert watcher.rebuild() is None
        assert "error: <project>: internal error: RuntimeError: boom — run with --debug and report it" in lines
        assert lines[-1] == "watch: fix the error and save again; waiting for changes"
        assert any(line.startswith("Traceback (most recent call last):") for line in lines) == debug
        monkeypatch.setattr(presskit.watch, "build", real_build)
        assert watcher.rebuild() is not None  # the next save works again


@pytest.mark.slow
def test_watch_loop_survives_internal_errors(project, monkeypatch):
    import presskit.watch
    from presskit.watch import Watcher

    only_briefing(project)
    reports: list = []
    lines: list[str] = []
    arrived = threading.Event()

    def on_report(report):
        reports.append(report)
        arrived.set()

    watcher = Watcher(project, say=lines.append, on_report=on_report)
    watcher.warm = False
    stop, ready = threading.Event(), threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, ready.set), daemon=True)
    thread.start()
    try:
        assert ready.wait(WAIT_S) and reports[-1] is not None
        real_load = presskit.watch.load_config
        for broken in (True, False):
            if broken:
                monkeypatch.setattr(presskit.watch, "load_config", lambda root: 1 / 0)
            else:
                monkeypatch.setattr(presskit.watch, "load_config", real_load)
            arrived.clear()
            with open(project / "content" / "briefing.md", "a", encoding="utf-8") as fh:
                fh.write(f"\nVēl viens teikums {broken}.\n")
            assert arrived.wait(WAIT_S), lines
            assert (reports[-1] is None) == broken and thread.is_alive()
        assert ("error: <project>: internal error: ZeroDivisionError: division by zero — run with --debug and "
                "report it") in lines
    finally:
        stop.set()
        thread.join(timeout=30)


# ---- 4. read-only build/ and a full disk ----------------------------------------------------------

def read_only(monkeypatch, root: Path) -> None:
    """Make every write-mode open() (and os.open) under root/build fail as on a read-only file system."""
    real_open, real_os_open = builtins.open, os.open
    build = str(root / "build")
    writes = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def refuse(file):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(file))

    def open_(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, os.PathLike)) and os.path.abspath(file).startswith(build) and (
                set(str(mode)) & set("wax+")):
            refuse(file)
        return real_open(file, mode, *args, **kwargs)

    def os_open(file, flags, *args, **kwargs):
        if os.path.abspath(file).startswith(build) and flags & writes:
            refuse(file)
        return real_os_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", open_)
    monkeypatch.setattr(os, "open", os_open)


def full_disk(monkeypatch) -> None:
    """Make atomic_write's writes fail as on a full disk (after the temporary file was created)."""
    import presskit.files

    class Full(io.FileIO):
        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(presskit.files, "open", lambda path, mode: Full(path, mode), raising=False)


def test_full_disk_fails_the_build_clearly_and_keeps_the_outputs(built_once, monkeypatch, capsys):
    before = outputs_of(built_once)
    full_disk(monkeypatch)
    # --draft differs from the recorded build: every briefing file is rebuilt, and none can be written.
    code, out, err = cli_main(monkeypatch, capsys, "build", "briefing", "--draft", "-j", "1", "--root", built_once)
    assert code == 1 and "Traceback" not in err
    lines = err.splitlines()
    fix = "— make build/ writable or free disk space"
    assert f"error: build/briefing/briefing-lv.docx: cannot write (No space left on device) {fix}" in lines
    assert f"error: build/index.html: cannot write (No space left on device) {fix}" in lines
    assert all(line.startswith("error: build/") and line.endswith(fix) for line in lines), lines
    assert outputs_of(built_once) == before and not temporaries(built_once)


def test_write_error_in_a_worker_names_the_file(tmp_path):
    """A worker's failed write comes back as that output's error (failure() runs in the worker)."""
    from presskit.build.units import Unit
    from presskit.build.workers import failure
    from presskit.files import WriteError

    unit = Unit("handouts", "lv", "print", "build/handouts/handout-lv.pdf")
    exc = WriteError(errno.ENOSPC, "No space left on device", str(tmp_path / unit.target))
    result = failure(unit, exc, time.perf_counter(), root=tmp_path)
    assert [str(p) for p in result.error.problems] == [
        "build/handouts/handout-lv.pdf: cannot write (No space left on device) — make build/ writable or free "
        "disk space"]


def test_read_only_build_fails_the_build_before_rendering(built_once, monkeypatch, capsys):
    before = outputs_of(built_once)
    read_only(monkeypatch, built_once)
    code, out, err = cli_main(monkeypatch, capsys, "build", "--draft", "-j", "1", "--root", built_once)
    assert (code, out) == (1, "")
    assert err == ("error: build/.presskit/lock: cannot write (Read-only file system) — make build/ writable "
                   "or free disk space\n")
    assert outputs_of(built_once) == before


@pytest.mark.slow
def test_check_of_a_read_only_build_still_checks(built_once, monkeypatch, capsys):
    code, out, err = cli_main(monkeypatch, capsys, "check", "--root", built_once)  # as it is when writable
    (built_once / "build" / "index.html").unlink()  # so that the report must be written again
    read_only(monkeypatch, built_once)
    ro_code, ro_out, ro_err = cli_main(monkeypatch, capsys, "check", "--root", built_once)
    assert (ro_code, ro_out) == (code, out) and "Traceback" not in ro_err
    warning = ("warning: build/index.html: cannot write (Read-only file system) — make build/ writable or free "
               "disk space (the build report was not updated)")
    lines = ro_err.splitlines()
    assert warning in lines
    lines.remove(warning)
    assert lines == err.splitlines()  # every other line as when build/ is writable
    assert not (built_once / "build" / "index.html").exists()


def test_atomic_write_names_the_target_and_leaves_no_temporary(tmp_path, monkeypatch):
    from presskit.files import WriteError, atomic_write

    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    full_disk(monkeypatch)
    with pytest.raises(WriteError) as caught:
        atomic_write(target, b"new")
    assert (caught.value.errno, caught.value.filename) == (errno.ENOSPC, str(target))
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.pdf"]


# ---- 5. the render time limit ---------------------------------------------------------------------

SLOW_PARAGRAPH = ("Kampaņa „Tīri ezeri“ ir izdomāts piemērs, kas apraksta, kā ministrija varētu sadarboties ar "
                  "pašvaldībām, skolām un vides biedrībām, lai aizsargātu ūdenstilpes. ") * 3


def slow_output(root: Path, seconds: float) -> str:
    """Add an output that genuinely takes long: ~0.8 MB of text laid out into a brochure of a few
    hundred pages (~20 s here), and a render time limit of *seconds*. Returns its target."""
    text = "\n\n".join(f"{SLOW_PARAGRAPH} {i}" for i in range(1500))
    (root / "content" / "slow.md").write_text(f"---\ntitle: Lēns\nsubtitle: Garš\n---\n\n{text}\n",
                                              encoding="utf-8")
    edit_campaign(root, lambda d: (d["outputs"].update(slow={
        "document": "slow.md", "template": "brochure", "format": "pdf", "languages": ["lv"],
        "editions": ["screen"]}), d.update(render_seconds=seconds)))
    return "build/slow/slow-lv-screen.pdf"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["2", "1"])
def test_render_time_limit_stops_one_output_and_the_build_goes_on(project, jobs):
    target = slow_output(project, 2)
    started = time.monotonic()
    proc = run("build", "slow", "briefing", "--draft", "-j", jobs, "--root", project)
    took = time.monotonic() - started
    assert proc.returncode == 1
    assert proc.stderr == (f"error: {target}: rendering took longer than the limit of 2 s and was stopped — if "
                           "it needs longer, raise render_seconds in content/campaign.yaml\n")
    assert not (project / target).exists() and not temporaries(project)
    assert (project / "build" / "briefing" / "briefing-lv.docx").is_file()  # the rest was built
    assert "built build/briefing/briefing-lv.docx" in proc.stdout
    assert took < 15


def test_pool_stops_an_overrunning_worker_and_replaces_it():
    from presskit.build.pool import Task, WorkerPool

    pool = WorkerPool(1, False, lambda pdf: None)
    try:
        first = set(pool._processes)
        # One worker, three items in a row: the first overruns, the other two still run (in a new worker).
        pool.submit(Task(time.sleep, (), [(30,), (0,), (0,)], [0.3, 10, 10], ["slow", "quick", "quicker"]))
        found = []
        deadline = time.monotonic() + WAIT_S
        while len(found) < 3 and time.monotonic() < deadline:
            found += [(o.key, o.status) for o in pool.collect(timeout=1)]
        assert found == [("slow", "overran"), ("quick", "done"), ("quicker", "done")]
        assert set(pool._processes).isdisjoint(first) and not any(alive(pid) for pid in first)
        # A worker that dies and one whose function raises: each is that item's outcome, nothing hangs.
        pool.submit(Task(os._exit, (), [(3,)], [10], ["exits"]))
        outcome = pool.collect(timeout=WAIT_S)[0]
        assert (outcome.key, outcome.status, outcome.value) == ("exits", "died",
                                                                "its worker process exited with status 3")
        pool.submit(Task(int, (), [("x",)], [10], ["raises"]))
        outcome = pool.collect(timeout=WAIT_S)[0]
        assert outcome.status == "failed" and "ValueError: invalid literal" in outcome.value
        # stop() ends a worker in the middle of an item at once.
        pool.submit(Task(time.sleep, (), [(30,)], [None], ["long"]))
        time.sleep(0.2)
        busy = list(pool._processes)
        started = time.monotonic()
        assert [(o.key, o.status) for o in pool.stop()] == [("long", "stopped")]
        assert time.monotonic() - started < 2 and not any(alive(pid) for pid in busy)
    finally:
        pool.stop()


def test_time_limit_interrupts_python_code_in_the_main_thread():
    from presskit.build.workers import RenderOverrun, time_limit

    started = time.monotonic()
    with pytest.raises(RenderOverrun), time_limit(0.2):
        while True:
            pass
    assert time.monotonic() - started < 2
    with time_limit(5):  # disarmed on the way out: no alarm later
        pass
    time.sleep(0.05)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_render_seconds_in_the_configuration(project):
    from presskit.source.config import load_config

    assert load_config(project).render_seconds == 120
    edit_campaign(project, lambda d: d.update(render_seconds=0.5))
    assert load_config(project).render_seconds == 0.5


# ---- 6. file times in the future ------------------------------------------------------------------

def test_a_file_time_in_the_future_does_not_start_workers(built_once):
    from presskit.build.workers import changed_since_build, predicted_rebuild, prestart_workers

    document = built_once / "content" / "handout.md"
    future = time.time_ns() + 3600 * 10**9
    os.utime(document, ns=(future, future))
    assert changed_since_build(built_once) == set()
    assert predicted_rebuild(built_once) == (False, False)
    assert prestart_workers(built_once, 2) is None  # a no-op stays a no-op
    document.write_text(document.read_text(encoding="utf-8") + "\nLabojums.\n", encoding="utf-8")  # now
    assert changed_since_build(built_once) == {"content/handout.md"}


# ---- 7. control characters never reach the terminal raw -------------------------------------------

def test_printable_escapes_control_characters():
    assert printable("plain — teksts, العربية, 中文") == "plain — teksts, العربية, 中文"
    assert printable("a\x1b[2Jb\rc\x07d\x7fe\x9bf\u202eg\u2066h") == \
        "a\\x1b[2Jb\\x0dc\\x07d\\x7fe\\x9bf\\u202eg\\u2066h"
    assert printable("line one\n\tline two") == "line one\n\tline two"
    assert printable(printable("\x1b")) == "\\x1b"


def raw_controls(text: str) -> list[str]:
    return [ch for ch in text if ch not in "\n\t" and printable(ch) != ch]


def test_cli_escapes_content_in_errors_and_warnings(project):
    proc = run("build", "\x1b[2Jflyer\u202e", "--root", project)  # words from the command line too
    assert "error: <project>: unknown output '\\x1b[2Jflyer\\u202e'" in proc.stderr and not raw_controls(proc.stderr)
    # C0 controls in YAML are refused by the loader itself; a bidi override passes it and reaches
    # the messages (an unknown key's warning, a missing document's error), escaped.
    edit_campaign(project, lambda d: (d.update({"\u202etitel": "x"}),
                                      d["outputs"]["briefing"].update(document="\u202emissing.md")))
    proc = run("build", "--root", project)
    assert proc.returncode == 1 and proc.stderr.startswith(("warning: ", "error: "))
    assert not raw_controls(proc.stdout + proc.stderr) and "content/\\u202emissing.md" in proc.stderr, proc.stderr
    proc = run("build", "--json", "--root", project)
    assert not raw_controls(proc.stdout + proc.stderr) and json.loads(proc.stdout)["ok"] is False


def test_json_summary_escapes_what_json_leaves_raw():
    from presskit.cli import json_summary
    from presskit.errors import Problem

    text = json_summary(None, [Problem("content/a\x9b.md", 1, "bad \u202e\x7f title \x1b")])
    assert not raw_controls(text)
    assert json.loads(text)["errors"][0]["message"] == "bad \u202e\x7f title \x1b"


def test_watch_lines_and_progress_lines_are_escaped(project):
    from watchfiles import Change

    from presskit.build.units import Result, Unit
    from presskit.report.progress import BuildProgress
    from presskit.watch import Watcher

    (project / "content" / "campaign.yaml").write_text("title: [\x1b]2;pwned\x07\n", encoding="utf-8")
    name = project / "content" / "\x1b[2J.md"
    name.write_text("x")
    lines: list[str] = []
    Watcher(project, say=lines.append).rebuild([(Change.added, str(name))])
    assert lines[0] == "watch: added content/\\x1b[2J.md"
    assert lines and not raw_controls("\n".join(lines))
    progress_lines: list[str] = []
    BuildProgress(progress_lines.append, bar=False)(Result(Unit("x", "lv", "print", "build/x/\x1b[2J-lv.pdf")))
    assert progress_lines == ["  built build/x/\\x1b[2J-lv.pdf (0.00 s)"]
