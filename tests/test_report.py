"""The build report build/index.html, loaded in real headless Chromium: every output and its thumbnails."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

import lxml.html
import pytest

from conftest import run
from fixture_text import BROCHURE_PRINT_PAGES, BROCHURE_SCREEN_PAGES, FACTS_TITLE_EN
from presskit.build.units import plan
from presskit.report.thumbnails import MAX_THUMBS
from presskit.source.config import load_config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/bootstrap --test)")


def chromium_dom(url: str, tmp_path) -> lxml.html.HtmlElement:
    """The DOM of *url* after the page loaded, as headless Chromium sees it."""
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--window-size=1400,2000",
         "--virtual-time-budget=5000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return lxml.html.document_fromstring(proc.stdout)


def check_page(dom, root) -> None:
    """Every planned output has a card linking its file; every PDF shows its pages, all loaded."""
    units = plan(load_config(root))
    cards = {a.get("data-target"): a for a in dom.xpath("//*[@data-target]")}
    assert set(cards) == {u.target for u in units}
    expected_images = 0
    for unit in units:
        card = cards[unit.target]
        link = card.xpath(".//a")[0]
        assert (root / "build" / link.get("href")).resolve() == (root / unit.target).resolve()
        assert link.text_content() == unit.label
        if unit.target.endswith(".pdf"):
            import pypdfium2

            pages = len(pypdfium2.PdfDocument(str(root / unit.target)))
            images = card.xpath(".//div[@class='thumbs']//img")
            assert len(images) == min(pages, MAX_THUMBS) and images
            assert f"{pages} page" in card.xpath(".//p[@class='meta']")[0].text_content()
            expected_images += len(images)
        else:
            assert "words" in card.text_content()
    assert dom.get("data-thumbnails") == f"{expected_images}/{expected_images}"


@pytest.mark.slow
@needs_chromium
def test_report_page_in_chromium(built, tmp_path):
    page = built / "build" / "index.html"
    assert page.is_file()  # presskit build writes it
    dom = chromium_dom(page.as_uri(), tmp_path)
    check_page(dom, built)
    assert dom.xpath("//h2/text()")[:3] == ["Outputs", "Translations", "Preflight"]
    assert not dom.xpath("//*[contains(@class, 'live')]")  # only a served report polls for rebuilds


def test_noop_build_reuses_thumbnails_without_loading_renderers(built):
    """A no-op build rewrites the report from cached facts: no PDF is opened, no thumbnail redrawn."""
    thumbs = {p: p.stat().st_mtime_ns for p in (built / "build" / ".presskit" / "thumbs").rglob("*.jpg")}
    code = ("import sys; from presskit.cli import cli\n"
            "cli.main(['build', '--root', sys.argv[1]], standalone_mode=False)\n"
            "print(sorted(m for m in ('pypdfium2', 'PIL', 'weasyprint', 'babel', 'jinja2', 'rich')"
            " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(built)], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "[]"
    assert thumbs and {p: p.stat().st_mtime_ns for p in thumbs} == thumbs
    assert "up to date" in (built / "build" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_thumbnails_are_made_while_the_build_runs(built, tmp_path):
    """The CLI renders each finished PDF's pages while the workers render the next files; the report
    uses them, and a thumbnail folder left unfinished (no pages.json) is rendered again by the report."""
    from presskit.report.thumbnails import AHEAD_FILE

    thumbs = built / "build" / ".presskit" / "thumbs"
    made = {json.loads((f / AHEAD_FILE).read_text())["pages"] for f in thumbs.iterdir()}
    pdfs = [u.target for u in plan(load_config(built)) if u.target.endswith(".pdf")]
    # handouts (two pages), screen and print brochures
    assert len(list(thumbs.iterdir())) == len(pdfs) and made == {2, BROCHURE_SCREEN_PAGES, BROCHURE_PRINT_PAGES}
    root = tmp_path / "project"
    shutil.copytree(built, root)
    target = root / "build" / "handouts" / "handout-fr.pdf"
    target.unlink()
    run("build", "handouts", "--root", root, check=True)
    folder = next(f for f in (root / "build" / ".presskit" / "thumbs").iterdir()
                  if f.name == __import__("hashlib").sha256(target.read_bytes()).hexdigest()[:20])
    assert (folder / AHEAD_FILE).is_file()  # made during that build
    from PIL import Image

    with Image.open(folder / "p001.jpg") as thumb:  # JPEG: encodes 4-5x faster than PNG
        assert (thumb.format, thumb.width, thumb.mode) == ("JPEG", 240, "RGB")
    # As if the build had been killed half-way through the pages, before the report was written:
    (folder / AHEAD_FILE).unlink()
    (folder / "p002.jpg").unlink()
    (root / "build" / ".presskit" / "report.json").unlink()
    run("build", "--root", root, check=True)  # nothing to build; the report renders the pages again
    report = (root / "build" / "index.html").read_text(encoding="utf-8")
    assert f"{folder.name}/p001.jpg" in report and f"{folder.name}/p002.jpg" in report
    assert (folder / "p002.jpg").is_file()


def test_json_summary(built):
    proc = run("build", "--json", "--root", built, check=True)
    data = json.loads(proc.stdout)
    assert data["ok"] is True and data["failed"] == 0 and data["errors"] == []
    assert {o["target"] for o in data["outputs"]} == {u.target for u in plan(load_config(built))}
    assert {o["status"] for o in data["outputs"]} == {"up to date"}
    assert data["report"] == "build/index.html"


def test_json_summary_of_a_failed_build(project):
    (project / "content" / "campaign.yaml").write_text("title: [\n", encoding="utf-8")
    proc = run("build", "--json", "--root", project)
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["outputs"] == []
    assert data["errors"][0]["file"] == "content/campaign.yaml" and data["errors"][0]["line"] == 1


def test_json_summary_of_an_unknown_output(built):
    proc = run("build", "flyer", "--json", "--root", built)
    assert proc.returncode == 2
    data = json.loads(proc.stdout)
    assert data["ok"] is False and data["errors"][0]["message"] == "unknown output 'flyer'"


@pytest.mark.slow
@needs_chromium
def test_served_live_report(built, tmp_path):
    from presskit.watch import Watcher, report_url, serve

    root = tmp_path / "project"
    shutil.copytree(built, root)
    server = serve(root, port=0)
    stop, ready, reports = threading.Event(), threading.Event(), []
    watcher = Watcher(root, say=lambda line: None, on_report=reports.append)
    watcher.live, watcher.warm = True, False  # warming the renderers is test_watch's business
    thread = threading.Thread(target=watcher.run, args=(stop, ready.set), daemon=True)
    thread.start()
    try:
        assert ready.wait(180) and reports and reports[0] is not None
        url = report_url(server)
        assert url.startswith("http://127.0.0.1:")
        dom = chromium_dom(url, tmp_path)
        check_page(dom, root)
        assert dom.xpath("//span[@class='live']")
        version = json.loads((root / "build" / ".presskit" / "live.json").read_text())["version"]
        assert f"var seen = {version}," in (root / "build" / "index.html").read_text()
    finally:
        stop.set()
        thread.join(timeout=30)
        server.shutdown()
        server.server_close()


def test_quiet_build_prints_nothing(built):
    proc = run("--quiet", "build", "--root", built, check=True)
    assert proc.stdout == "" and proc.stderr == ""


@pytest.mark.slow
def test_report_shows_preflight_after_check(tmp_path, built):
    root = tmp_path / "project"
    shutil.copytree(built, root)
    page = root / "build" / "index.html"
    (root / "build" / ".presskit" / "preflight.json").unlink(missing_ok=True)  # other tests may have checked
    run("build", "--root", root, check=True)
    assert "Not preflighted in their current state" in page.read_text(encoding="utf-8")
    proc = run("check", "--root", root)
    dom = lxml.html.document_fromstring(page.read_text(encoding="utf-8"))
    pdfs = [u.target for u in plan(load_config(root)) if u.target.endswith(".pdf")]
    for target in pdfs:
        tags = dom.xpath(f"//*[@data-target='{target}']//span[contains(@class, 'tag')]/text()")
        assert [t for t in tags if t.startswith("preflight")], target
    if proc.returncode == 0:  # the fixture project passes: every PDF says so
        assert f"{len(pdfs)} of {len(pdfs)} PDF files passed preflight." in page.read_text(encoding="utf-8")
    assert "Not preflighted" not in page.read_text(encoding="utf-8")


# ---- what the report recounts and re-reads (its caches must follow every edit) --------------------

def _rebuilt_report(root, spy):
    """Write the report as after a build that rendered something; returns its translation rows."""
    from presskit.build.run import Report
    from presskit.build.units import Decision, Result
    from presskit.report.write import write_report

    campaign = load_config(root)
    units = plan(campaign)
    spy.clear()
    write_report(campaign, Report([Decision(u, True, []) for u in units], [Result(units[0])], 0.1))
    cache = json.loads((root / "build" / ".presskit" / "report.json").read_text(encoding="utf-8"))
    return cache["entries"]["translations"]["rows"]


def test_translation_rows_recount_only_what_an_edit_touches(tmp_path, built, monkeypatch):
    from presskit.i18n import update as i18n_catalogs

    root = tmp_path / "project"
    shutil.copytree(built, root)
    calls = []
    real_status, real_extract = i18n_catalogs.status, i18n_catalogs.extract_template

    def status(campaign, langs, templates=None):
        calls.append(("status", tuple(langs)))
        return real_status(campaign, langs, templates)

    def extract_template(campaign, lang, only=None):
        calls.append(("extract", lang))
        return real_extract(campaign, lang, only)

    monkeypatch.setattr(i18n_catalogs, "status", status)
    monkeypatch.setattr(i18n_catalogs, "extract_template", extract_template)
    langs = tuple(i18n_catalogs.target_languages(load_config(root)))

    def expected():
        return [{"lang": r.lang, "document": r.document, "translated": r.translated, "fuzzy": r.fuzzy,
                 "untranslated": r.untranslated} for r in real_status(load_config(root), list(langs))]

    rows = _rebuilt_report(root, calls)
    assert rows == expected()
    assert _rebuilt_report(root, calls) == rows and calls == []  # nothing changed: nothing recounted

    # A translator's edit to one catalog: that language only, without extracting the source again.
    po = root / "content" / "translations" / "en.po"
    text = po.read_text(encoding="utf-8")
    facts = f'msgstr "{FACTS_TITLE_EN}"'
    assert facts in text
    po.write_text(text.replace(facts, 'msgstr ""', 1), encoding="utf-8")
    before, rows = rows, _rebuilt_report(root, calls)
    assert calls == [("status", ("en",))]
    assert rows == expected() and rows != before
    assert [r for r in rows if r["lang"] != "en"] == [r for r in before if r["lang"] != "en"]

    # CSS holds no strings: no recount. A content edit: every language, extracted again.
    with open(root / "templates" / "brochure" / "brochure.css", "a", encoding="utf-8") as fh:
        fh.write("\n/* edited */\n")
    _rebuilt_report(root, calls)
    assert calls == []
    handout = root / "content" / "handout.md"
    handout.write_text(handout.read_text(encoding="utf-8") + "\nJauna rindkopa.\n", encoding="utf-8")
    rows = _rebuilt_report(root, calls)
    assert sorted(calls) == sorted([("status", langs)] + [("extract", lang) for lang in langs])
    assert rows == expected()


def test_preflight_findings_follow_checks_cache(tmp_path, built):
    from presskit.files import state_dir
    from presskit.preflight import pdf as preflight
    from presskit.report.write import PREFLIGHT_CACHE, preflight_findings

    def record(findings, tail=""):  # as `presskit check` records a file it checked with digest d1
        store = preflight._store(root)
        store.entries.clear()
        store.put(target, ["d1", {}], findings)
        store.save()
        path.write_text(path.read_text() + tail)

    root = tmp_path / "project"
    shutil.copytree(built, root)
    path = state_dir(root) / PREFLIGHT_CACHE
    assert path == root / "build" / ".presskit" / preflight.CACHE_FILE
    path.unlink(missing_ok=True)
    target = next(u.target for u in plan(load_config(root)) if u.target.endswith(".pdf"))
    files = {target: {"digest": "d1"}}
    cache: dict = {}
    assert preflight_findings(root, files, cache) == {target: None}
    finding = {"file": target, "page": 2, "what": "font X is not embedded", "fix": "embed it"}
    record([finding])
    found = preflight_findings(root, files, cache)[target]
    assert [str(p) for p in found] == [f"{target}: page 2: font X is not embedded — embed it"]
    cache = json.loads(json.dumps(cache))  # as report.json keeps it
    assert [str(p) for p in preflight_findings(root, files, cache)[target]] == [str(p) for p in found]
    record([], tail=" ")
    assert preflight_findings(root, files, cache) == {target: []}  # check ran again: passed
    assert preflight_findings(root, {target: {"digest": "d2"}}, cache) == {target: None}  # rebuilt since
