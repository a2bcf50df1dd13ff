"""The build engine: what triggers a rebuild and what does not, atomic writes, explanations."""

import os
import re

import pytest
import yaml

from conftest import FIXTURE, run
from presskit.build.run import build, clean_stale_temporaries
from presskit.build.units import plan
from presskit.errors import UsageError
from presskit.files import atomic_write
from presskit.source.config import load_config

# One briefing copy per addressee in the fixture's content/recipients.yaml, besides the general copy.
RECIPIENTS = {f"build/briefing/recipients/briefing-lv-{r['slug']}.docx"
              for r in yaml.safe_load((FIXTURE / "content" / "recipients.yaml").read_text())["recipients"]}
ALL = {"build/brochure/brochure-lv.pdf", "build/brochure/brochure-lv-screen.pdf",
       "build/briefing/briefing-lv.docx", "build/handouts/handout-lv.pdf"} | RECIPIENTS


@pytest.fixture
def project(project):
    """The fixture project with every output in the source language only: these tests are about the
    engine, and seven handout languages would only slow them down (translations: test_i18n.py)."""
    path = project / "content" / "campaign.yaml"
    text = path.read_text().replace("    languages: [lv, en, fr, es, ru, ar, zh]\n    editions: [print, screen]",
                                    "    languages: [lv]")
    path.write_text(re.sub(r"(\n    languages: )\[lv, [^\]]*\]", r"\1[lv]", text))
    return project


def rebuilt(root, *names, draft=False):
    report = build(load_config(root), list(names), draft=draft, jobs=1)
    assert not report.errors, report.errors
    return {r.unit.target for r in report.results}


def append(path, text):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


@pytest.fixture
def once(project):
    assert rebuilt(project) == ALL
    return project


def test_plan_names_every_output_file(project):
    assert {u.target for u in plan(load_config(project))} == ALL


def test_unknown_output_is_a_usage_error(project):
    with pytest.raises(UsageError) as err:
        plan(load_config(project), ["flyer"])
    assert str(err.value) == "<project>: unknown output 'flyer' — choose from: brochure, briefing, handouts"


@pytest.mark.slow
def test_second_build_rebuilds_nothing(once):
    assert rebuilt(once) == set()


@pytest.mark.slow
def test_template_edit_rebuilds_only_its_outputs(once):
    append(once / "templates" / "brochure" / "brochure.css", "\n/* tweak */\n")
    assert rebuilt(once) == {"build/brochure/brochure-lv.pdf", "build/brochure/brochure-lv-screen.pdf"}


@pytest.mark.slow
def test_shared_template_edit_rebuilds_every_user(once):
    append(once / "templates" / "shared" / "palette.css", "\n/* tweak */\n")
    assert rebuilt(once) == {"build/brochure/brochure-lv.pdf", "build/brochure/brochure-lv-screen.pdf",
                             "build/handouts/handout-lv.pdf"}


@pytest.mark.slow
def test_briefing_content_edit_touches_only_docx(once):
    before = {p: (once / p).stat().st_mtime_ns for p in ALL}
    append(once / "content" / "briefing.md", "\nJauns teikums.\n")
    assert rebuilt(once) == {"build/briefing/briefing-lv.docx"} | RECIPIENTS
    after = {p: (once / p).stat().st_mtime_ns for p in ALL}
    assert {p for p in ALL if before[p] != after[p]} == {"build/briefing/briefing-lv.docx"} | RECIPIENTS


@pytest.mark.slow
def test_touch_without_change_rebuilds_nothing(once):
    os.utime(once / "content" / "brochure.md")
    assert rebuilt(once) == set()


@pytest.mark.slow
def test_config_change_of_one_output_rebuilds_only_it(once):
    path = once / "content" / "campaign.yaml"
    path.write_text(path.read_text().replace("stem: handout", "stem: handout\n    editions: [print]"))
    assert rebuilt(once) == set()  # same settings written explicitly: same fingerprint
    path.write_text(path.read_text().replace("editions: [print]", "editions: [print, screen]"))
    assert rebuilt(once) == {"build/handouts/handout-lv.pdf", "build/handouts/handout-lv-screen.pdf"}


@pytest.mark.slow
def test_deleted_output_is_rebuilt(once):
    (once / "build" / "handouts" / "handout-lv.pdf").unlink()
    assert rebuilt(once) == {"build/handouts/handout-lv.pdf"}


@pytest.mark.slow
def test_explain_says_why(once):
    append(once / "templates" / "handout" / "handout.css", "\n")
    out = run("build", "--explain", "--root", once, check=True).stdout
    assert "rebuild build/handouts/handout-lv.pdf: changed_file_dep: templates/handout/handout.css" in out
    assert "skip build/brochure/brochure-lv.pdf: up to date" in out
    again = run("build", "--explain", "--root", once, check=True).stdout
    assert f"presskit: nothing to do, all {len(ALL)} outputs up to date" in again


@pytest.mark.slow
def test_failed_build_keeps_last_good_output(once):
    target = once / "build" / "brochure" / "brochure-lv.pdf"
    good = target.read_bytes()
    append(once / "templates" / "brochure" / "brochure.html.j2", "{{ no_such_variable }}")
    report = build(load_config(once), ["brochure"], jobs=1)
    assert [str(p) for p in report.errors] == [
        f"templates/brochure/brochure.html.j2:{len((once / 'templates/brochure/brochure.html.j2').read_text().splitlines())}"
        ": undefined variable: 'no_such_variable' is undefined — define it in the content's front matter or fix the name"
    ]  # print and screen edition fail alike: the problem is reported once
    assert target.read_bytes() == good
    assert not list(target.parent.glob(".*tmp*"))


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "out" / "a.bin"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["a.bin"]


def test_stale_temporaries_are_cleaned(tmp_path):
    (tmp_path / "brochure").mkdir()
    (tmp_path / "brochure" / ".brochure-lv.pdf.tmp-123").write_bytes(b"partial")
    (tmp_path / "brochure" / "brochure-lv.pdf").write_bytes(b"good")
    assert clean_stale_temporaries(tmp_path) == 1
    assert [p.name for p in (tmp_path / "brochure").iterdir()] == ["brochure-lv.pdf"]


@pytest.mark.slow
def test_parallel_build_produces_every_output(project):
    report = build(load_config(project), jobs=2)
    assert not report.errors
    assert all((project / t).stat().st_size > 1000 for t in ALL)


@pytest.mark.slow
def test_noop_build_does_not_import_renderers(once):
    """The no-op path only hashes files: WeasyPrint, python-docx and Jinja stay unloaded."""
    import subprocess
    import sys

    code = ("import sys; from presskit.cli import cli\n"
            "try:\n    cli.main(['build', '--root', sys.argv[1]], standalone_mode=False)\n"
            "finally:\n    print(sorted(m for m in ('weasyprint', 'docx', 'jinja2', 'markdown') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(once)], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "[]"
    assert "nothing to do" in proc.stdout


@pytest.mark.slow
def test_workers_are_prestarted_only_when_files_changed(once):
    from presskit.build.workers import predicted_rebuild

    state = once / "build" / ".presskit" / "state.json"
    assert predicted_rebuild(once) == (False, False)  # a no-op starts no worker process
    later = state.stat().st_mtime_ns + 10**9
    os.utime(once / "templates" / "briefing" / "briefing.html.j2", ns=(later, later))
    assert predicted_rebuild(once) == (True, False)  # a DOCX-only input: workers without WeasyPrint
    os.utime(once / "templates" / "handout" / "handout.css", ns=(later, later))
    assert predicted_rebuild(once) == (True, True)
    os.utime(once / "templates" / "handout" / "handout.css", ns=(later - 2 * 10**9,) * 2)
    os.utime(once / "content" / "campaign.yaml", ns=(later, later))  # read by every output
    assert predicted_rebuild(once) == (True, True)
    state.unlink()
    assert predicted_rebuild(once) == (True, True)  # no build yet: everything is built


@pytest.mark.slow
def test_touched_files_start_workers_once(once):
    """Touched but unchanged files: the CLI starts workers on a guess, stops them when nothing is to
    be built, and marks the state checked, so the next no-op starts none."""
    from presskit.build.workers import predicted_rebuild

    touched = (once / "build" / ".presskit" / "state.json").stat().st_mtime_ns + 10**6  # 1 ms after it
    os.utime(once / "content" / "handout.md", ns=(touched, touched))
    assert predicted_rebuild(once) == (True, True)
    proc = run("build", "--root", once, check=True)
    assert proc.stdout.endswith(f"nothing to do, all {len(ALL)} outputs up to date\n")
    assert predicted_rebuild(once) == (False, False)


def test_stopped_workers_do_not_outlive_the_build(tmp_path):
    import time
    from pathlib import Path

    from presskit.build.workers import open_pool, stop_workers

    pool = open_pool(2, pdf=True)  # importing WeasyPrint for ~0.6 s
    pids = [p.pid for p in pool._processes.values()]
    started = time.monotonic()
    stop_workers(pool)
    # The pool's own thread reaps them; a process is gone once /proc no longer lists it.
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() - started < 10:
        time.sleep(0.01)
    assert len(pids) == 2 and not any(Path(f"/proc/{pid}").exists() for pid in pids)


@pytest.mark.slow
def test_one_worker_for_a_small_translation_edit(once):
    """A catalog save prestarts one worker; more are started only when the rest of the work (by
    last build times) outlasts a new worker's start."""
    from presskit.build.state import State
    from presskit.build.workers import changed_since_build, prestart_workers, stop_workers, worth_more_workers

    later = (once / "build" / ".presskit" / "state.json").stat().st_mtime_ns + 10**9
    catalog = once / "content" / "translations" / "en.po"
    os.utime(catalog, ns=(later, later))
    assert changed_since_build(once) == {"content/translations/en.po"}
    pool = prestart_workers(once, None)
    try:
        assert pool is not None and pool.size == 1
    finally:
        stop_workers(pool)
    os.utime(once / "templates" / "handout" / "handout.css", ns=(later, later))
    pool = prestart_workers(once, 2)
    try:
        assert pool.size == 2
    finally:
        stop_workers(pool)
    state = State(once)
    units = {u.target: u for u in plan(load_config(once))}
    handout = [units["build/handouts/handout-lv.pdf"]]
    state.units[handout[0].target]["seconds"] = 0.3
    assert not worth_more_workers(state, handout * 2)  # 0.6 s in all: done before a second could help
    assert worth_more_workers(state, handout * 5)
    brochure = units["build/brochure/brochure-lv.pdf"]
    state.units[brochure.target]["seconds"] = 1.0
    assert worth_more_workers(state, [brochure, *handout])
    assert not worth_more_workers(state, [brochure])  # one file: one worker, however long
    del state.units[brochure.target]  # never built: its time is unknown, so assume it is long
    assert worth_more_workers(state, [*handout, brochure])


def test_docx_files_go_to_one_worker_when_pdfs_keep_the_others_busy(project):
    from presskit.build.workers import docx_batch

    campaign = load_config(project)
    units = plan(campaign)
    docx = {u for u in units if u.target.endswith(".docx")}
    assert len(docx) == 1 + len(RECIPIENTS) and docx_batch(campaign, units) == docx
    assert docx_batch(campaign, sorted(docx, key=str)) == set()  # DOCX only: spread over the workers
    pdf = [u for u in units if u.target.endswith(".pdf")]
    assert docx_batch(campaign, pdf + sorted(docx, key=str)[:1]) == set()  # one file: nothing to share


# ---- build/ holds exactly what the configuration produces ------------------------------------------

def test_outputs_no_longer_configured_are_removed_and_named(once):
    """Taking out an output and a recipient deletes exactly their files (a file of the user's in
    build/ stays); a build of named outputs removes nothing, since it did not plan the others."""
    config = once / "content" / "campaign.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    mine = once / "build" / "handouts" / "notes.txt"
    mine.write_text("the user's own file")
    recipients = once / "content" / "recipients.yaml"
    listed = yaml.safe_load(recipients.read_text(encoding="utf-8"))
    gone = listed["recipients"].pop()["slug"]
    recipients.write_text(yaml.safe_dump(listed, allow_unicode=True), encoding="utf-8")

    partial = build(load_config(once), ["brochure"], jobs=1)  # only the brochure planned
    assert partial.removed == [] and (once / f"build/briefing/recipients/briefing-lv-{gone}.docx").is_file()

    del data["outputs"]["handouts"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = run("build", "--root", once, check=True)
    removed = ["build/briefing/recipients/briefing-lv-" + gone + ".docx", "build/handouts/handout-lv.pdf"]
    for target in removed:
        assert f"  removed {target} (no longer in the configuration)" in proc.stdout
        assert not (once / target).exists()
    assert mine.read_text() == "the user's own file"  # not presskit's: never deleted
    planned = {u.target for u in plan(load_config(once))}
    built = {p.relative_to(once).as_posix() for p in (once / "build").rglob("*.*")
             if p.suffix in (".pdf", ".docx")}
    assert built == planned  # exactly what the configuration produces
    assert run("build", "--root", once, check=True).stdout.startswith("presskit: nothing to do")


def test_unconfigured_record_naming_a_link_or_a_path_outside_deletes_nothing(once, tmp_path):
    """A tampered state naming ../outside or a link: the record goes, no file outside is touched."""
    import json

    outside = tmp_path / "precious.txt"
    outside.write_text("keep me")
    (once / "build" / "link.pdf").symlink_to(outside)
    state = once / "build" / ".presskit" / "state.json"
    data = json.loads(state.read_text())
    entry = next(iter(data["entries"].values()))
    data["entries"]["build/link.pdf"] = entry
    data["entries"]["../precious.txt"] = entry
    state.write_text(json.dumps(data))
    report = build(load_config(once), [], jobs=1)
    assert report.removed == [] and outside.read_text() == "keep me"
    assert "build/link.pdf" not in json.loads(state.read_text())["entries"]
