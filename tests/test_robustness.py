"""Nothing lost: failed, killed and concurrent builds leave build/ whole and touch nothing else."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from conftest import PRESSKIT, run

OUTPUTS = ["briefing", "brochure"]  # one DOCX output (with its recipient copies) and one PDF output


def snapshot(root: Path, inside_build: bool) -> dict[str, str]:
    """SHA-256 of every output file in build/ (PDF and DOCX) or of every file outside build/."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        in_build = rel.parts[0] == "build"
        if in_build and path.suffix not in (".pdf", ".docx"):
            continue  # the build report (index.html, thumbnails) tells about the last build, failed or not
        if path.is_file() and in_build == inside_build and ".presskit" not in rel.parts:
            out[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def check_whole(build_dir: Path) -> list[str]:
    """Every file in build/ is whole; dot-files may only be temporaries or the state folder. Returns names."""
    names = []
    for path in sorted(p for p in build_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(build_dir)
        if rel.parts[0] == ".presskit":
            if path.name == "state.json":
                json.loads(path.read_text())  # written atomically: never half a file
            continue
        if path.name.startswith("."):
            assert ".tmp-" in path.name, f"unexpected dot-file {rel}"
            continue
        data = path.read_bytes()
        if path.suffix == ".pdf":
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), f"partial PDF {rel}"
            pikepdf.open(path).close()
        elif path.suffix == ".docx":
            with zipfile.ZipFile(path) as z:
                assert z.testzip() is None and "word/document.xml" in z.namelist(), f"partial DOCX {rel}"
        elif path.suffix == ".json":
            json.loads(data)
        elif path.suffix == ".html":
            assert b"</html>" in data.lower(), f"partial HTML {rel}"
        else:
            assert data, f"empty file {rel}"
        names.append(rel.as_posix())
    return names


@pytest.fixture
def built_once(built, tmp_path):
    """A copy of the session's built fixture project (outputs and build state included)."""
    root = tmp_path / "project"
    shutil.copytree(built, root, symlinks=True)
    return root


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_no_partial_file(built_once):
    project = built_once
    state = json.loads((project / "build" / ".presskit" / "state.json").read_text())["entries"]
    # How long a rebuild of OUTPUTS takes (from the recorded render times): the kills spread over it.
    duration = 0.5 + sum(e["seconds"] for t, e in state.items() if t.split("/")[1] in OUTPUTS) / min(
        2, os.cpu_count() or 1)
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    before = snapshot(project, inside_build=False)
    for n in range(5):
        # --draft differs from the recorded (release) state, so every unit rebuilds until one build completes.
        proc = subprocess.Popen([*PRESSKIT, "build", "--draft", *OUTPUTS, "--root", str(project)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        delay = rng.uniform(0.05, min(duration, 3.0))  # bounded so the suite stays quick
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its worker processes
        proc.wait()
        print(f"kill {n}: seed {seed}, after {delay:.2f} s of {duration:.2f} s")
        check_whole(project / "build")
        assert snapshot(project, inside_build=False) == before  # nothing outside build/ changed
    result = run("build", "--draft", *OUTPUTS, "--root", project, check=True)
    # Usually a rebuild; when a killed run had finished before its kill, nothing is left to do.
    assert re.search(r"presskit: (built \d+|nothing to do)", result.stdout), result.stdout
    state = json.loads((project / "build" / ".presskit" / "state.json").read_text())["entries"]
    assert all(e["draft"] for t, e in state.items() if t.split("/")[1] in OUTPUTS)  # all rebuilt as drafts
    names = check_whole(project / "build")
    assert not [n for n in names if ".tmp-" in n]
    assert not list((project / "build").rglob(".*.tmp-*"))  # stale temporaries cleaned by the next run
    assert "brochure/brochure-lv.pdf" in names and "briefing/briefing-lv.docx" in names


@pytest.mark.slow
def test_concurrent_builds_serialise_on_the_lock(project):
    lock = project / "build" / ".presskit" / "lock"
    lock.parent.mkdir(parents=True)
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # both builds must now wait for this lock
        procs = [subprocess.Popen([*PRESSKIT, "build", "briefing", "--root", str(project), "-j", "1"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        time.sleep(1.0)
        assert [p.poll() for p in procs] == [None, None]  # neither got past the lock
        assert not (project / "build" / "briefing").exists()
        fcntl.flock(held, fcntl.LOCK_UN)
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    summaries = sorted(out.strip().splitlines()[-1].split(" (")[0] for out, _ in outs)
    count = len([n for n in check_whole(project / "build") if n.endswith((".pdf", ".docx"))])
    # The first build made every file; the second, once it had the lock, found them up to date.
    assert summaries == [f"presskit: built {count}, 0 up to date",
                         f"presskit: nothing to do, all {count} outputs up to date"]


@pytest.mark.slow
@pytest.mark.parametrize("breakage", ["validation", "render", "refused"])
def test_failed_build_leaves_previous_outputs_byte_identical(built_once, breakage):
    root = built_once
    before = snapshot(root, inside_build=True)
    if breakage == "validation":  # caught before rendering
        (root / "content" / "brochure.md").write_text("---\ntitle: [x\n---\n")
    elif breakage == "render":  # caught while rendering, after some units may have rendered
        for template in ("brochure/brochure.html.j2", "briefing/briefing.html.j2"):
            with open(root / "templates" / template, "a") as fh:
                fh.write("{{ no_such_variable }}\n")
    else:  # the PDF rendered, but it asked for a file outside the project
        with open(root / "templates" / "brochure" / "brochure.html.j2", "a") as fh:
            fh.write('<img src="file:///etc/hostname">\n')
    proc = run("build", *OUTPUTS, "--root", root)
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr
    assert snapshot(root, inside_build=True) == before


@pytest.mark.slow
def test_build_writes_only_under_build_and_deletes_nothing(project):
    (project / "notes.txt").write_text("mine")
    (project / "build").mkdir()
    (project / "build" / "keep.txt").write_text("also mine")  # build/ is not emptied either
    (project / "build" / ".hidden").write_text("mine too")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.rglob("*") if p.is_file()}
    run("build", *OUTPUTS, "--root", project, check=True)
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in project.rglob("*") if p.is_file()}
    assert all(after.get(p) == v for p, v in before.items())  # nothing changed or deleted
    new = [p.relative_to(project) for p in after if p not in before]
    assert new and all(p.parts[0] == "build" for p in new)


def test_stale_temporaries_are_cleaned(built_once):
    stale = built_once / "build" / "brochure" / ".brochure-lv.pdf.tmp-99999"
    stale.write_bytes(b"%PDF-half")
    run("build", "brochure", "--root", built_once, check=True)  # even a build with nothing to do cleans up
    assert not stale.exists()


def test_debug_shows_the_traceback_of_an_internal_error(project, monkeypatch, capsys):
    import presskit.build.output
    from presskit.cli import main

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setattr(presskit.build.output, "prepare", broken)
    for debug in (False, True):
        argv = ["presskit", *(["--debug"] if debug else []), "build", "briefing", "-j", "1", "--root", str(project)]
        monkeypatch.setattr(sys, "argv", argv)
        with pytest.raises((SystemExit, Exception)):
            main()
        err = capsys.readouterr().err
        assert "error: build/briefing/briefing-lv.docx: internal error: RuntimeError: boom — run with --debug and " \
               "report it" in err or debug
        assert ("Traceback" in err and 'raise RuntimeError("boom")' in err) == debug
