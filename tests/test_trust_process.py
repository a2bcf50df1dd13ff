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
