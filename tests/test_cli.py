"""The command line: exit codes, messages without tracebacks, and `presskit new`."""

import pytest

from conftest import run


@pytest.mark.slow
def test_new_then_build(tmp_path):
    target = tmp_path / "x"
    proc = run("new", target, "--example", check=True)
    assert f"presskit: created {target}" in proc.stdout
    assert (target / "content" / "campaign.yaml").is_file()
    run("build", "--root", target, check=True)
    assert (target / "build" / "brochure" / "brochure-lv.pdf").is_file()


def test_new_refuses_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    proc = run("new", tmp_path / "x")
    assert proc.returncode == 2
    assert proc.stderr == f"error: {tmp_path / 'x'}: folder exists and is not empty — choose a new folder name\n"


def test_unknown_output_exit_2(project):
    proc = run("build", "flyer", "--root", project)
    assert proc.returncode == 2
    assert "unknown output 'flyer' — choose from: brochure, briefing, handouts" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_option_exit_2(project):
    proc = run("build", "--jobs", "0", "--root", project)
    assert proc.returncode == 2


def test_config_error_exit_1_without_traceback(project):
    (project / "content" / "campaign.yaml").write_text("title: [\n")
    proc = run("build", "--root", project)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: content/campaign.yaml:1: invalid YAML")
    assert "Traceback" not in proc.stderr


def test_debug_shows_traceback(project):
    (project / "content" / "campaign.yaml").write_text("title: [\n")
    proc = run("--debug", "build", "--root", project)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr


def test_strict_turns_warnings_into_errors(project):
    path = project / "content" / "campaign.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    assert run("check", "--root", project).returncode == 0
    proc = run("check", "--strict", "--root", project)
    assert proc.returncode == 1
    assert "colour: unknown key" in proc.stderr


def test_config_warnings_on_every_run_even_when_nothing_rebuilds(built, tmp_path):
    """Issue 14: an unknown key was silent once the build had nothing to do."""
    import shutil

    root = tmp_path / "p"
    shutil.copytree(built, root)
    path = root / "content" / "campaign.yaml"
    path.write_text(path.read_text() + "colour: red\n")
    for command in (["build"], ["build"], ["check"], ["i18n", "status"]):  # the 2nd build rebuilds nothing
        proc = run(*command, "--root", root)
        assert "colour: unknown key" in proc.stderr, command


def test_missing_project_names_the_fix(tmp_path):
    proc = run("build", "--root", tmp_path)
    assert proc.returncode == 1
    assert proc.stderr == ("error: content/campaign.yaml: file not found — "
                           "create it (presskit new DIR scaffolds a project)\n")
