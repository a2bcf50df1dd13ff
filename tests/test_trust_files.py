"""Trust boundaries of files (issue 18, part A): one containment rule for every project file read,
the print profile, build/ itself, untrusted state and caches, and images that must not be decoded.

Content, translations and whole folders come from less-trusted hands (a zip or a commit brings
symbolic links too); the build runs where secrets are on disk. Every test here can fail: each one
puts a hostile file where presskit reads and asserts the exact refusal, or that nothing outside
the project was read or written.
"""

from __future__ import annotations

import base64
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import PRESSKIT, copy_fixture_project, default_reference, run
from presskit.build.run import build, clean_stale_temporaries
from presskit.build.state import State
from presskit.build.units import plan
from presskit.errors import ConfigError, ContentError, PresskitError, TemplateError, TranslationError
from presskit.source import containment, images
from presskit.source.config import load_config
from presskit.source.containment import DOCUMENT, check_project, read_icc_profile, read_project_file
from presskit.source.images import check_data_image, check_image
from presskit.store import JsonStore

BASE = Path(__file__).parent / "bad_inputs" / "_base"
SECRET = "TOP-SECRET-OUTSIDE-THE-PROJECT"
DEFAULT_ICC = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
LINK_OUT = ("file is a symbolic link leading outside the project folder — replace the link with a copy of "
            "the file (presskit reads only files inside the project)")


@pytest.fixture(autouse=True)
def fresh_notices(monkeypatch):
    """Each test sees its own notices (a process prints each one once)."""
    monkeypatch.setattr("presskit.store._NOTICED", set())


@pytest.fixture
def root(tmp_path) -> Path:
    """The small base project, with a secret file beside it (outside its root)."""
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    (tmp_path / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n\n{SECRET}\n")
    return project


@pytest.fixture(scope="module")
def built_base(tmp_path_factory) -> Path:
    """The base project built once (one screen PDF): tests copy it and tamper with the copy."""
    project = tmp_path_factory.mktemp("built") / "project"
    shutil.copytree(BASE, project)
    build(load_config(project), jobs=1)
    return project


@pytest.fixture
def built(built_base, tmp_path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(built_base, project, symlinks=True)
    (tmp_path / "secret.md").write_text(SECRET)
    return project


def run_cli(*args: str) -> tuple[int, str, str]:
    """presskit's entry point in this process: (exit code, stdout, stderr)."""
    from contextlib import redirect_stderr, redirect_stdout

    from presskit.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv, sys.argv = sys.argv, ["presskit", *args]
    code = 0
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.argv = argv
    return code, out.getvalue(), err.getvalue()


def within(seconds: float, call):
    """call() in a thread, failing the test (instead of hanging it) if it does not return in time."""
    result: dict[str, object] = {}

    def target():
        try:
            result["value"] = call()
        except BaseException as exc:  # re-raised below
            result["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s (blocked on a FIFO or device?)"
    if "error" in result:
        raise result["error"]  # type: ignore[misc]
    return result.get("value")


def message(exc: pytest.ExceptionInfo[PresskitError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def png(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of any size, small on disk (its rows compress to almost nothing)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(1)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


# ---- 1. the one rule: read_project_file ---------------------------------------------------------

def test_a_link_inside_the_project_to_a_file_inside_is_read(root):
    (root / "content" / "alias.md").symlink_to("sheet.md")
    (root / "content" / "folder").symlink_to(root / "content")  # a linked folder that stays inside too
    sheet = (root / "content" / "sheet.md").read_bytes()
    assert read_project_file(root, "content/alias.md", DOCUMENT) == sheet
    assert read_project_file(root, root / "content" / "folder" / "sheet.md", DOCUMENT) == sheet


def test_links_leading_out_of_the_project_are_refused(root):
    (root / "content" / "handout.md").symlink_to(root.parent / "secret.md")
    (root / "content" / "outer").symlink_to(root.parent)
    for rel in ("content/handout.md", "content/outer/secret.md"):
        with pytest.raises(ContentError) as err:
            read_project_file(root, rel, DOCUMENT)
        assert message(err) == [f"{rel}: {LINK_OUT}"]
    with pytest.raises(ContentError) as err:
        read_project_file(root, root / ".." / "secret.md", DOCUMENT)
    assert message(err)[0].startswith(f"{root.parent / 'secret.md'}: file is outside the project folder")


def test_a_fifo_a_folder_and_a_link_loop_are_refused_without_blocking(root):
    os.mkfifo(root / "content" / "pipe.md")  # opening it for reading would wait for a writer forever
    (root / "content" / "loop.md").symlink_to("loop.md")
    expected = {
        "content/pipe.md": "content/pipe.md: file is a named pipe (FIFO), not a regular file — replace it with a "
                           "regular file",
        "content": "content: file is a folder, not a regular file — replace it with a regular file",
        "content/loop.md": "content/loop.md: file is a symbolic link that leads nowhere (a loop) — replace the "
                           "link with a copy of the file (presskit reads only files inside the project)",
    }
    for rel, text in expected.items():
        with pytest.raises(ContentError) as err:
            within(5, lambda rel=rel: read_project_file(root, rel, DOCUMENT))
        assert message(err) == [text]


def test_a_fifo_as_document_is_refused_naming_it(root):
    from presskit.source.content import load_document

    os.mkfifo(root / "content" / "fifo.md")
    with pytest.raises(ContentError) as err:
        within(5, lambda: load_document(root / "content" / "fifo.md", root))
    assert message(err) == ["content/fifo.md: file is a named pipe (FIFO), not a regular file — replace it with "
                            "a regular file"]


def test_size_limits_per_kind(root):
    from presskit.i18n.catalogs import load_localizer
    from presskit.source.yaml import load_yaml

    (root / "content" / "big.md").write_bytes(b"x" * (containment.MAX_DOCUMENT_BYTES + 1))
    with pytest.raises(ContentError) as err:
        read_project_file(root, "content/big.md", DOCUMENT)
    assert message(err) == ["content/big.md: file is 1.0 MB, more than the 1 MB limit for a document — split it "
                            "into several documents or remove pasted data"]
    po = root / "content" / "translations" / "en.po"
    po.parent.mkdir()
    po.write_bytes(b"#" * (containment.MAX_CATALOG_BYTES + 1))
    with pytest.raises(TranslationError) as err:
        load_localizer(root, "en", "lv")
    assert message(err) == ["content/translations/en.po: file is 10.0 MB, more than the 10 MB limit for a "
                            "translation catalog — remove pasted data or obsolete entries (#~), or restore it "
                            "and run presskit i18n update"]
    (root / "content" / "recipients.yaml").write_bytes(b"#" * (containment.MAX_YAML_BYTES + 1))
    with pytest.raises(ConfigError) as err:
        load_yaml(root / "content" / "recipients.yaml", root)
    assert "more than the 1 MB limit for a YAML file" in message(err)[0]
    assert (containment.MAX_DOCUMENT_BYTES, containment.MAX_CATALOG_BYTES, containment.MAX_YAML_BYTES,
            containment.MAX_IMAGE_BYTES, containment.MAX_ICC_BYTES, images.MAX_IMAGE_PIXELS) == (
        1_000_000, 10_000_000, 1_000_000, 50_000_000, 10_000_000, 50_000_000)


def test_a_fifo_catalog_is_refused_without_blocking(root):
    po = root / "content" / "translations"
    po.mkdir()
    os.mkfifo(po / "en.po")
    from presskit.i18n.catalogs import load_localizer

    with pytest.raises(TranslationError) as err:
        within(5, lambda: load_localizer(root, "en", "lv"))
    assert message(err) == ["content/translations/en.po: file is a named pipe (FIFO), not a regular file — replace "
                            "it with a regular file"]


# ---- 1. every reader goes through it ------------------------------------------------------------

def test_a_linked_document_is_refused_by_build_check_and_i18n_update(tmp_path):
    root = copy_fixture_project(tmp_path / "project")
    (tmp_path / "handout.md").write_text((root / "content" / "handout.md").read_text() + f"\n{SECRET}\n")
    (root / "content" / "handout.md").unlink()
    (root / "content" / "handout.md").symlink_to(tmp_path / "handout.md")
    catalogs = {p.name: p.read_bytes() for p in (root / "content" / "translations").iterdir()}
    expected = f"error: content/handout.md: {LINK_OUT}\n"
    for args in (["check"], ["build", "handouts"], ["i18n", "update"]):
        code, _, err = run_cli(*args, "--root", str(root))
        assert (code, err) == (1, expected), args
    assert {p.name: p.read_bytes() for p in (root / "content" / "translations").iterdir()} == catalogs
    assert not list((root / "build").rglob("*.pdf"))


def test_a_linked_catalog_is_refused_by_build_and_i18n_update(tmp_path):
    root = copy_fixture_project(tmp_path / "project")
    secret = tmp_path / "fr.po"
    secret.write_bytes((root / "content" / "translations" / "fr.po").read_bytes())
    (root / "content" / "translations" / "fr.po").unlink()
    (root / "content" / "translations" / "fr.po").symlink_to(secret)
    expected = f"error: content/translations/fr.po: {LINK_OUT}\n"
    assert run_cli("build", "handouts", "--root", str(root))[::2] == (1, expected)
    assert run_cli("i18n", "update", "--lang", "fr", "--root", str(root))[::2] == (1, expected)
    assert (root / "content" / "translations" / "fr.po").is_symlink()  # not replaced by a copy of what it read


def test_a_linked_recipient_list_is_not_copied_into_the_yaml_cache(tmp_path):
    root = copy_fixture_project(tmp_path / "project")
    secret = tmp_path / "recipients.yaml"
    secret.write_text((root / "content" / "recipients.yaml").read_text() + f"# {SECRET}\n")
    (root / "content" / "recipients.yaml").unlink()
    (root / "content" / "recipients.yaml").symlink_to(secret)
    (root / "build" / ".presskit").mkdir(parents=True)  # caches are written once build/.presskit/ exists
    code, _, err = run_cli("build", "briefing", "--root", str(root))
    assert (code, err) == (1, f"error: content/recipients.yaml: {LINK_OUT}\n")
    assert SECRET not in "".join(p.read_text() for p in (root / "build" / ".presskit").glob("*.json"))


def test_templates_load_through_the_rule(root):
    from presskit.source.templates import template_environment

    env = template_environment(root)
    (root / "templates" / "sheet" / "inner.css").symlink_to("sheet.css")  # inside: fine
    assert env.get_template("sheet/inner.css").render() == (root / "templates/sheet/sheet.css").read_text().rstrip("\n")
    (root / "templates" / "sheet" / "leak.j2").symlink_to(root.parent / "secret.md")
    with pytest.raises(TemplateError) as err:
        env.get_template("sheet/leak.j2")
    assert message(err) == [f"templates/sheet/leak.j2: {LINK_OUT}"]
    (root / "templates" / "sheet" / "sheet.html.j2").write_text(
        (root / "templates" / "sheet" / "sheet.html.j2").read_text().replace("</body>", "{% include 'sheet/leak.j2' %}</body>"))
    with pytest.raises(PresskitError) as err:
        build(load_config(root), jobs=1)
    assert message(err) == [f"templates/sheet/leak.j2: {LINK_OUT}"]  # validation finds it before rendering


# ---- 2. the print profile ----------------------------------------------------------------------

def test_icc_profile_rules(root):
    data = DEFAULT_ICC.read_bytes()
    (root / "content" / "print.icc").write_bytes(data)
    (root / "content" / "environ.icc").symlink_to("/proc/self/environ")
    os.mkfifo(root / "content" / "pipe.icc")
    (root / "content" / "big.icc").write_bytes(data[:128] + b"\0" * containment.MAX_ICC_BYTES)
    assert read_icc_profile(root, str(DEFAULT_ICC)) == (DEFAULT_ICC.resolve(), data)
    assert read_icc_profile(root, "content/print.icc") == ((root / "content" / "print.icc").resolve(), data)
    refused = {value: within(5, lambda value=value: read_icc_profile(root, value)).message for value in (
        "/proc/self/environ", "content/environ.icc", "/usr/share/color/icc/../../../../etc/passwd",
        "../secret.md", "/usr/share/color/icc/ghostscript/srgb.icc", "content/sheet.md", "content/pipe.icc",
        "content/big.icc", "content/none.icc", "")}
    assert refused == {
        "/proc/self/environ": "/proc/self/environ is outside the project folder and not under /usr/share/color/icc/",
        "content/environ.icc": "content/environ.icc is outside the project folder and not under /usr/share/color/icc/",
        "/usr/share/color/icc/../../../../etc/passwd":
            "/usr/share/color/icc/../../../../etc/passwd is outside the project folder and not under /usr/share/color/icc/",
        "../secret.md": "../secret.md is outside the project folder and not under /usr/share/color/icc/",
        "/usr/share/color/icc/ghostscript/srgb.icc":
            "/usr/share/color/icc/ghostscript/srgb.icc is an ICC profile for RGB colour, not CMYK",
        "content/sheet.md": "content/sheet.md is not an ICC profile (no 'acsp' signature in its header)",
        "content/pipe.icc": "content/pipe.icc: file is a named pipe (FIFO), not a regular file",
        "content/big.icc": "content/big.icc: file is 10.0 MB, more than the 10 MB limit for an ICC profile",
        "content/none.icc": "content/none.icc does not exist",
        "": "no profile named",
    }


def test_an_icc_profile_injected_through_the_yaml_cache_is_refused(root):
    """build/.presskit/yaml.json is untrusted: a value from it is checked like one from campaign.yaml."""
    from presskit.pdf.finish import PrintFinisher
    from presskit.source.yaml import YAML_CACHE

    config = root / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("editions: [screen]", "editions: [print]").replace(
        "print:\n", f"print:\n  icc_profile: {DEFAULT_ICC}\n"))
    (root / "build" / ".presskit").mkdir(parents=True)
    load_config(root)  # writes the cache
    cache = json.loads((root / YAML_CACHE).read_text())
    entry = cache["entries"]["content/campaign.yaml"]["value"]
    entry["data"]["d"]["print"]["d"]["icc_profile"] = "/proc/self/environ"
    (root / YAML_CACHE).write_text(json.dumps(cache))
    campaign = load_config(root)
    assert campaign.print.icc_profile == "/proc/self/environ"  # the cache did answer
    expected = ("content/campaign.yaml:14: print.icc_profile: /proc/self/environ is outside the project folder and "
                "not under /usr/share/color/icc/")
    with pytest.raises(ConfigError) as err:
        PrintFinisher(campaign)  # before rendering, in every process that renders a print edition
    assert message(err)[0].startswith(expected)
    with pytest.raises(ConfigError) as err:
        check_project(campaign)  # presskit check
    assert message(err)[0].startswith(expected)
    with pytest.raises(PresskitError) as err:
        build(campaign, jobs=1)  # a build refuses before rendering anything
    assert message(err)[0].startswith(expected)
    assert not list((root / "build").rglob("*.pdf"))


# ---- 3. build/ itself ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["link", "file", "state link", "lock link"])
def test_build_refuses_a_build_folder_that_is_not_its_own(root, kind):
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir()
    expected = {
        "link": "build: is a symbolic link, not a folder of the project's own (outputs would be written wherever "
                "it leads) — delete the link (rm build); presskit creates build/ itself",
        "file": "build: is a file, not a folder — delete or rename it; presskit creates build/ itself",
        "state link": "build/.presskit: is a symbolic link, not a folder of the project's own (outputs would be "
                      "written wherever it leads) — delete the link (rm build/.presskit); presskit creates "
                      "build/.presskit/ itself",
        "lock link": "build/.presskit/lock: is not a regular file — delete it (rm build/.presskit/lock); presskit "
                     "creates it itself",
    }[kind]
    if kind == "link":
        (root / "build").symlink_to(elsewhere)
    elif kind == "file":
        (root / "build").write_text("not a folder")
    elif kind == "state link":
        (root / "build").mkdir()
        (root / "build" / ".presskit").symlink_to(elsewhere)
    else:
        (root / "build" / ".presskit").mkdir(parents=True)
        (root / "build" / ".presskit" / "lock").symlink_to(elsewhere / "created-by-the-lock")
    with pytest.raises(PresskitError) as err:
        build(load_config(root), jobs=1)
    assert message(err) == [expected]
    assert run_cli("check", "--root", str(root))[::2] == (1, f"error: {expected}\n")
    assert list(elsewhere.iterdir()) == []  # nothing written where the link leads, not even a cache


def test_watch_refuses_a_linked_build_folder(root):
    elsewhere = root.parent / "elsewhere"
    elsewhere.mkdir()
    (root / "build").symlink_to(elsewhere)
    proc = subprocess.run([*PRESSKIT, "watch", "--root", str(root), "--port", "0"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: build: is a symbolic link, not a folder of the project's own")
    assert list(elsewhere.iterdir()) == []  # no report written, nothing served from there


def test_stale_temporaries_are_cleaned_inside_build_only(tmp_path):
    build_dir = tmp_path / "build"
    outside = tmp_path / "outside"
    (build_dir / "brochure").mkdir(parents=True)
    outside.mkdir()
    (outside / ".precious.tmp-1").write_text("keep")
    (outside / "target.txt").write_text("keep")
    (build_dir / "brochure" / ".brochure-lv.pdf.tmp-123").write_bytes(b"partial")  # removed
    (build_dir / "linked").symlink_to(outside)  # not entered
    (build_dir / ".planted.tmp-9").symlink_to(outside / "target.txt")  # the link removed, not its target
    (build_dir / ".folder.tmp-7").mkdir()  # a folder of that name is left alone
    assert clean_stale_temporaries(build_dir) == 2
    assert sorted(p.name for p in outside.iterdir()) == [".precious.tmp-1", "target.txt"]
    assert (outside / "target.txt").read_text() == "keep"
    assert not os.path.lexists(build_dir / ".planted.tmp-9")
    assert not (build_dir / "brochure" / ".brochure-lv.pdf.tmp-123").exists()
    assert (build_dir / ".folder.tmp-7").is_dir()
    alias = tmp_path / "alias"
    alias.symlink_to(outside)
    assert clean_stale_temporaries(alias) == 0  # a linked build/ is not cleaned at all
    assert (outside / ".precious.tmp-1").exists()


# ---- 4. state and caches are untrusted ----------------------------------------------------------

def decide(root: Path) -> list[list[str]]:
    campaign = load_config(root)
    state = State(root)
    return [state.decide(campaign, u, False).reasons for u in plan(campaign)]


def state_file(root: Path) -> Path:
    return root / "build" / ".presskit" / "state.json"


def test_the_built_project_is_up_to_date(built):
    assert decide(built) == [["up to date"]]


@pytest.mark.parametrize("text", ["{not json", "[]", '{"version": "state-1", "entries": [1]}', "\0" * 10,
                                  "[" * 100_000])
def test_a_damaged_state_rebuilds_everything_with_one_notice(built, capfd, text):
    state_file(built).write_text(text)
    assert decide(built) == [["no record of a previous build"]]
    assert decide(built) == [["no record of a previous build"]]  # a second read: no second notice
    assert capfd.readouterr().err == ("notice: build/.presskit/state.json is damaged; rebuilding every output\n")


@pytest.mark.parametrize("change", [
    {"seconds": "slow"}, {"seconds": float("nan")}, {"inputs": ["content/sheet.md"]}, {"inputs": {"a": 1}},
    {"version": None}, {"draft": "no"}, {"messages": {"ids": [1]}}, {"config": ["x"]}, "not a mapping",
])
def test_a_record_of_the_wrong_shape_is_treated_as_not_built(built, capfd, change):
    path = state_file(built)
    state = json.loads(path.read_text())
    for target, entry in state["entries"].items():
        state["entries"][target] = change if isinstance(change, str) else {**entry, **change}
    path.write_text(json.dumps(state))
    assert decide(built) == [["no record of a previous build"]]
    assert capfd.readouterr().err == ("notice: build/.presskit/state.json has 1 damaged record(s); rebuilding the "
                                      "outputs they describe\n")


@pytest.mark.parametrize("name", ["/dev/zero", "fifo", "../secret.md", "abs", "content/../../secret.md",
                                  "content/outside.md", ""])
def test_inputs_the_state_names_are_never_read_outside_the_project(built, name):
    """A recorded input that leads out of the project, or to a FIFO or a device, is not hashed (a FIFO
    would hang the build, /dev/zero exhaust its memory): the unit is simply rebuilt."""
    import hashlib

    secret = built.parent / "secret.md"
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()  # what an attacker would record
    if name == "fifo":
        os.mkfifo(built / "content" / "fifo.md")
        name = "content/fifo.md"
    elif name == "abs":
        name = str(secret)
    elif name == "content/outside.md":
        (built / name).symlink_to(secret)
    path = state_file(built)
    state = json.loads(path.read_text())
    for entry in state["entries"].values():
        entry["inputs"][name] = None if name in ("/dev/zero", "content/fifo.md") else digest
    path.write_text(json.dumps(state))
    reasons = within(10, lambda: decide(built))
    assert reasons == [[f"changed_file_dep: {name}"]]


def test_a_build_after_damage_prints_the_notice_once_and_rebuilds(built):
    state_file(built).write_text("{damaged")
    proc = subprocess.run([*PRESSKIT, "build", "--root", str(built), "-j", "1"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "notice: build/.presskit/state.json is damaged; rebuilding every output\n"
    assert "built 1" in proc.stdout
    assert json.loads(state_file(built).read_text())["version"] == "state-1"  # written afresh


@pytest.mark.parametrize("kind", ["link", "fifo", "large"])
def test_a_store_reads_only_a_regular_file_of_its_own(built, capfd, monkeypatch, kind):
    path = state_file(built)
    if kind == "link":
        path.unlink()
        path.symlink_to("/dev/zero")
        what = "is a symbolic link"
    elif kind == "fifo":
        path.unlink()
        os.mkfifo(path)
        what = "is not a regular file"
    else:
        monkeypatch.setattr("presskit.store.MAX_STORE_BYTES", 100)
        what = "is larger than 0 MB"
    state = within(5, lambda: State(built))
    assert state.units == {}
    assert capfd.readouterr().err == f"notice: build/.presskit/state.json {what}; rebuilding every output\n"


def test_caches_of_the_wrong_shape_are_computed_again(built, capfd):
    """yaml.json and validate.json with values presskit never writes: used as nothing, no traceback."""
    from presskit.build.validate import validate
    from presskit.source.yaml import YAML_CACHE

    cache_dir = built / "build" / ".presskit"
    good = load_config(built)
    for name, damage in (("yaml.json", {"data": 1, "lines": [["x", "y"]]}),
                         ("validate.json", [["a", "not a line", 3, None]])):
        data = json.loads((cache_dir / name).read_text())
        for entry in data["entries"].values():
            entry["value"] = damage
        (cache_dir / name).write_text(json.dumps(data))
    campaign = load_config(built)
    assert campaign.title == good.title and campaign.lines == good.lines
    assert validate(campaign, plan(campaign)) == []
    err = capfd.readouterr().err
    assert err == ("notice: build/.presskit/yaml.json is damaged; computing what it held again\n"
                   "notice: build/.presskit/validate.json is damaged; computing what it held again\n")
    assert json.loads((built / YAML_CACHE).read_text())["entries"]["content/campaign.yaml"]["value"]["data"] != 1


def test_a_store_with_a_valid_shape_check_discards_what_fails_it(tmp_path, capfd):
    (tmp_path / "build" / ".presskit").mkdir(parents=True)
    store = JsonStore(tmp_path, "x.json", "v1")
    store.put("a", 1, {"rows": "not a list"})
    store.put("b", 1, {"rows": []})
    store.save()
    store = JsonStore(tmp_path, "x.json", "v1")

    def shape(value):
        return isinstance(value["rows"], list)

    assert store.get("a", 1, valid=shape) is None and "a" not in store.entries
    assert store.get("b", 1, valid=shape) == {"rows": []}
    assert store.get("b", 1, valid=lambda v: v["missing"]) is None  # a failing check counts as a bad shape
    assert capfd.readouterr().err == "notice: build/.presskit/x.json is damaged; computing what it held again\n"


def test_preflight_cache_of_the_wrong_shape_is_ignored(built):
    from presskit.preflight.pdf import CACHE_FILE, preflight_project, recorded_findings

    campaign = load_config(built)
    findings, checked = preflight_project(campaign)
    path = built / "build" / ".presskit" / CACHE_FILE
    data = json.loads(path.read_text())
    for entry in data["entries"].values():
        entry["value"] = [{"file": 1, "oops": True}]
    path.write_text(json.dumps(data))
    assert recorded_findings(built) == {}
    assert preflight_project(campaign) == (findings, checked)


# ---- 5. images ---------------------------------------------------------------------------------

def test_a_huge_png_is_refused_from_its_header_without_decoding(root):
    (root / "content" / "huge.png").write_bytes(png(20000, 20000))  # 1.2 GB of pixels in ~50 KB
    (root / "content" / "big.png").write_bytes(png(10000, 6000))
    (root / "content" / "fine.png").write_bytes(png(400, 300))
    started = time.perf_counter()
    assert check_image(root, root / "content" / "huge.png", "content/huge.png").message == (
        "image 'content/huge.png' is 400 megapixels, more than the 50 megapixel limit")
    assert check_image(root, root / "content" / "big.png", "content/big.png").message == (
        "image 'content/big.png' is 10000×6000 pixels (60 megapixels), more than the 50 megapixel limit")
    assert time.perf_counter() - started < 2  # nothing decoded
    assert check_image(root, root / "content" / "fine.png", "content/fine.png") is None


def test_image_problems_name_the_markdown_file_and_line(root):
    (root / "content" / "huge.png").write_bytes(png(20000, 20000))
    os.mkfifo(root / "content" / "pipe.png")
    small = base64.b64encode(png(40, 30)).decode()
    big = base64.b64encode(png(10000, 6000)).decode()
    with open(root / "content" / "sheet.md", "a") as fh:
        fh.write(f"\n![Karte](content/huge.png)\n\n![ok](data:image/png;base64,{small})\n\n"
                 f'<img src="data:image/png;base64,{big}">\n\n![Caurule](content/pipe.png)\n\n'
                 "![x](data:image/gif,GIF89a-not-really)\n")
    with pytest.raises(PresskitError) as err:
        within(20, lambda: build(load_config(root), jobs=1))
    fix = "scale it down (an A4 page at 300 dpi needs 2480×3508 pixels)"
    assert message(err) == [
        f"content/sheet.md:12: image 'content/huge.png' is 400 megapixels, more than the 50 megapixel limit — {fix}",
        f"content/sheet.md:16: image '{('data:image/png;base64,' + big)[:47]}…' is 10000×6000 pixels "
        f"(60 megapixels), more than the 50 megapixel limit — {fix}",
        "content/sheet.md:18: image 'content/pipe.png' is not a regular file — replace it with a regular file",
        "content/sheet.md:20: image 'data:image/gif,GIF89a-not-really' is not an image presskit can read — convert "
        "it to PNG or JPEG (supported: GIF, JPEG, PNG, SVG, WEBP)",
    ]


def test_data_images_are_checked_like_files(monkeypatch):
    good = "data:image/png;base64," + base64.b64encode(png(8, 8)).decode()
    assert check_data_image(good) is None
    assert check_data_image("data:image/png;base64,iVBORw0KGgo").message.startswith(
        "image 'data:image/png;base64,iVBORw0KGgo' is not valid base64")
    assert check_data_image("data:image/png").message == (
        "image 'data:image/png' is not a valid data: URL (no comma before the data)")
    assert check_data_image(good, {"JPEG"}).message == f"image '{good[:47]}…' is a PNG image"
    monkeypatch.setattr(images, "MAX_IMAGE_BYTES", 10)
    assert check_data_image(good).message == (
        f"image '{good[:47]}…' is 0.0 MB, more than the 0 MB limit for an image")


# ---- reads the lead added after part A: WeasyPrint resources, reference.docx, outputs under build/ --

def test_weasyprint_resource_is_read_under_the_containment_rule(tmp_path):
    """A resource that resolves inside the project but is not a regular file is refused, not read."""
    import os

    from presskit.pdf.fetcher import ProjectFetcher

    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    os.mkfifo(root / "content" / "pipe.css")
    fetcher = ProjectFetcher(root)
    with pytest.raises(ValueError, match="presskit refuses to load"):
        fetcher.fetch((root / "content" / "pipe.css").as_uri())
    assert fetcher.read == set() and "not a regular file" in fetcher.reasons[(root / "content" / "pipe.css").as_uri()].message


def test_reference_docx_linked_from_outside_is_refused(project, tmp_path):
    outside = tmp_path / "outside.docx"
    reference = project / "templates" / "briefing" / "reference.docx"
    outside.write_bytes(default_reference())
    reference.symlink_to(outside)
    proc = run("build", "briefing", "--root", project)
    assert proc.returncode == 1
    assert ("error: templates/briefing/reference.docx: file is a symbolic link leading outside the project folder"
            in proc.stderr), proc.stderr


@pytest.mark.slow
def test_report_ignores_a_link_or_fifo_planted_under_build(project, tmp_path):
    """The report reads only regular files presskit wrote: a planted FIFO does not hang it."""
    import os

    run("build", "handouts", "--root", project, check=True)
    target = project / "build" / "handouts" / "handout-lv.pdf"
    target.unlink()
    os.mkfifo(target)
    proc = subprocess.run([*PRESSKIT, "check", "--root", str(project)], capture_output=True, text=True,
                          timeout=120)  # reading the FIFO would wait for ever
    assert "Traceback" not in proc.stderr
    report = (project / "build" / "index.html").read_text(encoding="utf-8")
    assert 'data-target="build/handouts/handout-lv.pdf"' in report
