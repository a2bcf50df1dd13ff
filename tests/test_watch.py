"""Watch mode: each edit rebuilds exactly the outputs that read the edited file; errors never stop it."""

from __future__ import annotations

import queue
import threading
import time

import pytest
import yaml

from conftest import copy_fixture_project
from fixture_text import TITLE, TITLES
from presskit.build.units import plan
from presskit.source.config import load_config
from presskit.watch import Watcher

pytestmark = pytest.mark.slow  # a watcher over a real project: every edit is a rebuild

WAIT_S = 180  # bounded waits: generous for a loaded CI machine, never reached when things work
LANGS = ["lv", "en"]


def two_languages(root) -> None:
    """Trim the project to lv + en so the session builds fast."""
    path = root / "content" / "campaign.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["languages"] = LANGS
    for out in data["outputs"].values():
        out["languages"] = [lang for lang in out.get("languages") or ["lv"] if lang in LANGS] or ["lv"]
    data["outputs"]["handouts"]["languages"] = LANGS
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


class Session:
    """A watcher running in a thread over a private project; reports arrive on a queue."""

    def __init__(self, root):
        self.root = root
        self.reports: queue.Queue = queue.Queue()
        self.lines: list[str] = []
        self.stop = threading.Event()
        ready = threading.Event()
        self.watcher = Watcher(root, draft=True, say=self.lines.append, on_report=self.reports.put)
        self.thread = threading.Thread(target=self.watcher.run, args=(self.stop, ready.set), daemon=True)
        self.thread.start()
        first = self.reports.get(timeout=WAIT_S)
        assert first is not None and not first.errors, self.lines
        assert ready.wait(WAIT_S), self.lines

    def edit(self, action) -> set[str] | None:
        """Run *action* (a file edit); return the targets the watcher rebuilt (None: it reported an error)."""
        self.lines.clear()
        action()
        report = self.reports.get(timeout=WAIT_S)
        built = None if report is None else {r.unit.target for r in report.results if r.error is None}
        failed = report is None or bool(report.errors)
        # An editor's save can arrive as two batches; gather whatever follows within a short quiet time.
        while True:
            try:
                more = self.reports.get(timeout=0.8)
            except queue.Empty:
                break
            failed = failed or more is None or bool(more.errors)
            if more is not None and built is not None:
                built |= {r.unit.target for r in more.results if r.error is None}
        return None if failed else built

    def targets(self, keep) -> set[str]:
        """Targets of the units for which keep(unit, output settings) is true."""
        campaign = load_config(self.root)
        return {u.target for u in plan(campaign) if keep(u, campaign.outputs[u.output])}


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    root = copy_fixture_project(tmp_path_factory.mktemp("watch") / "project")
    two_languages(root)
    s = Session(root)
    yield s
    s.stop.set()
    s.thread.join(timeout=30)


def append(path, text):
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(text)


def test_content_edit_rebuilds_the_outputs_of_that_document(session):
    expected = session.targets(lambda u, out: out.document == "brochure.md")
    built = session.edit(lambda: append(session.root / "content" / "brochure.md", "\nJauns teikums.\n"))
    assert built == expected
    assert "watch: changed content/brochure.md" in session.lines
    assert any(line.startswith("  rebuild build/brochure/brochure-lv.pdf: changed_file_dep: content/brochure.md")
               for line in session.lines)


def test_template_edit_rebuilds_the_outputs_of_that_template(session):
    expected = session.targets(lambda u, out: out.template == "handout")
    built = session.edit(lambda: append(session.root / "templates" / "handout" / "handout.css",
                                        "\n/* watch test */\n"))
    assert built == expected and built


def test_catalog_edit_rebuilds_that_language_only(session):
    po = session.root / "content" / "translations" / "en.po"
    expected = session.targets(lambda u, out: u.lang == "en")
    text = po.read_text(encoding="utf-8")
    # The campaign title's translation: every English output prints it (an unused entry would
    # rebuild nothing — outputs fingerprint only the catalog entries they use).
    title = f'msgstr "{TITLES["en"]}"'
    assert f'msgid "{TITLE}"\n{title}\n' in text
    built = session.edit(lambda: po.write_text(text.replace(title, title[:-1] + ' (watch test)"'),
                                               encoding="utf-8"))
    assert built == expected and built
    assert all(u.endswith(("-en.pdf", "-en-screen.pdf", "-en.docx")) or "-en" in u for u in built)


def test_deleted_and_new_catalog_are_picked_up(session):
    po = session.root / "content" / "translations" / "en.po"
    expected = session.targets(lambda u, out: u.lang == "en")
    text = po.read_text(encoding="utf-8")
    assert session.edit(po.unlink) == expected  # a draft build falls back to the source text
    assert "watch: deleted content/translations/en.po" in session.lines
    assert session.edit(lambda: po.write_text(text, encoding="utf-8")) == expected
    assert "watch: added content/translations/en.po" in session.lines


def test_broken_edit_reports_and_next_good_edit_recovers(session):
    template = session.root / "templates" / "handout" / "handout.html.j2"
    target = session.root / "build" / "handouts" / "handout-lv.pdf"
    good, last_pdf = template.read_text(encoding="utf-8"), target.read_bytes()
    lines = len(good.splitlines())
    assert session.edit(lambda: template.write_text(good + "{% if %}\n", encoding="utf-8")) is None
    assert any(line.startswith(f"error: templates/handout/handout.html.j2:{lines + 1}: template syntax error")
               for line in session.lines), session.lines
    assert target.read_bytes() == last_pdf  # the last good file stays in place
    assert session.watcher.campaign is not None and session.thread.is_alive()
    fixed = good + "{# fixed #}\n"
    assert session.edit(lambda: template.write_text(fixed, encoding="utf-8")) == session.targets(
        lambda u, out: out.template == "handout")


def test_broken_configuration_reports_and_recovers(session):
    config = session.root / "content" / "campaign.yaml"
    good = config.read_text(encoding="utf-8")
    assert session.edit(lambda: config.write_text(good + "outputs: [\n", encoding="utf-8")) is None
    assert any(line.startswith("error: content/campaign.yaml:") for line in session.lines), session.lines
    report = session.root / "build" / "index.html"
    assert "invalid YAML" in report.read_text(encoding="utf-8")  # the report shows the error too
    assert session.edit(lambda: config.write_text(good, encoding="utf-8")) == set()
    assert "Errors" not in report.read_text(encoding="utf-8")


def test_watcher_keeps_running_between_edits(session):
    time.sleep(0.2)
    assert session.thread.is_alive()
    assert session.reports.empty()
