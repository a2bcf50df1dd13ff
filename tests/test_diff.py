"""presskit diff: a one-word change shows as exactly the page it changed, in every affected output,
against the last release build and against a git revision; draft and partial builds are no release."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import copy_fixture_project, run

pytestmark = pytest.mark.slow

EN = ["build/brochure/brochure-en.pdf", "build/brochure/brochure-en-screen.pdf"]
EDITIONS = "build/.presskit/editions"


@pytest.fixture
def released(tmp_path) -> Path:
    """The fixture project with only the brochure (lv, en), built once as a release (edition 1)."""
    root = copy_fixture_project(tmp_path / "project")
    config = root / "content/campaign.yaml"
    text = config.read_text()
    config.write_text(text[: text.index("  briefing:")] + text[text.index("print:"):])
    proc = run("build", "--root", root, check=True)
    assert "recorded edition 1" in proc.stdout
    return root


def one_word(root: Path) -> None:
    """'shores' → 'coasts' in the English brochure: same length, no reflow."""
    po = root / "content/translations/en.po"
    text = po.read_text()
    assert 'msgstr "protecting the shores;"' in text
    po.write_text(text.replace('msgstr "protecting the shores;"', 'msgstr "protecting the coasts;"'))


def test_one_word_change_is_exactly_one_page_per_affected_output(released):
    one_word(released)
    proc = run("build", "--root", released, check=True)
    assert "recorded edition 2" in proc.stdout
    proc = run("diff", "--root", released, check=True)
    out = proc.stdout
    assert out.startswith("diff: since edition 1") and "2 of 4 PDF(s) changed" in out
    for target in EN:
        assert f"  {target}: 1 page(s) changed: 4\n    page 4: [-shores;-]{{+coasts;+}}\n" in out
    assert "unchanged: build/brochure/brochure-lv-screen.pdf, build/brochure/brochure-lv.pdf" in out
    record = json.loads((released / EDITIONS / "diff.json").read_text())
    for target in EN:
        (page,) = record["outputs"][target]
        assert page["page"] == 4 and page["removed"] == ["shores;"] and page["added"] == ["coasts;"]
        assert len(page["boxes"]) == 1
        x0, y0, x1, y1 = page["boxes"][0]
        assert (x1 - x0) < 60 and (y1 - y0) < 20  # one word, not the page
        after = released / EDITIONS / "diff" / target.replace("/", "_") / "after-p004.png"
        with Image.open(after) as im:
            r, g, b = im.convert("RGB").getpixel((x0 - 2, (y0 + y1) // 2))
            assert g > r and g > b  # the box is drawn on the page
    report = (released / "build/index.html").read_text()
    assert "Changes since edition 1" in report and "after-p004.png" in report


def test_draft_and_partial_builds_record_no_edition(released):
    one_word(released)
    assert "recorded edition" not in run("build", "brochure", "--root", released, check=True).stdout
    editions = json.loads((released / EDITIONS / "editions.json").read_text())["editions"]
    assert [e["id"] for e in editions] == [1]
    proc = run("diff", "--root", released, check=True)  # still: the PDFs now against edition 1
    assert "page 4: [-shores;-]{+coasts;+}" in proc.stdout
    assert run("diff", "--since", "7", "--root", released).returncode != 0


def test_since_a_git_revision(released):
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(released), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", "content", "templates")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    one_word(released)
    run("build", "--root", released, check=True)
    proc = run("diff", "--since", "HEAD", "--root", released, check=True)
    assert proc.stdout.startswith("diff: since git HEAD: 2 of 4 PDF(s) changed")
    assert proc.stdout.count("1 page(s) changed: 4") == 2
    assert run("diff", "--since", "no-such-rev", "--root", released).returncode == 2
