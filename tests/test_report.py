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
from presskit.build import plan
from presskit.config import load_config
from presskit.report import MAX_THUMBS

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
    thumbs = {p: p.stat().st_mtime_ns for p in (built / "build" / ".presskit" / "thumbs").rglob("*.png")}
    code = ("import sys; from presskit.cli import cli\n"
            "cli.main(['build', '--root', sys.argv[1]], standalone_mode=False)\n"
            "print(sorted(m for m in ('pypdfium2', 'PIL', 'weasyprint', 'babel', 'jinja2', 'rich')"
            " if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code, str(built)], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines()[-1] == "[]"
    assert thumbs and {p: p.stat().st_mtime_ns for p in thumbs} == thumbs
    assert "up to date" in (built / "build" / "index.html").read_text(encoding="utf-8")


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
    if proc.returncode == 0:  # the default project passes: every PDF says so
        assert f"{len(pdfs)} of {len(pdfs)} PDF files passed preflight." in page.read_text(encoding="utf-8")
    assert "Not preflighted" not in page.read_text(encoding="utf-8")
