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
