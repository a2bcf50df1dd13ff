"""`presskit build --pseudo`: pseudo-localised outputs test a layout for translation (i18n/pseudo.py)."""

import re

import pytest

from conftest import pdf_pages_text, run
from fixture_text import HANDOUT_HEADINGS, TITLE
from presskit.html.markdown import render_markdown
from presskit.i18n.pseudo import pseudo, pseudo_document
from presskit.source.content import load_document


def test_pseudo_text_is_accented_longer_and_bracketed():
    out = pseudo("Latvia joined the Council")
    assert out.startswith("[Ļáţṽîá ĵöîñéð ţĥé Çöûñçîļ ") and out.endswith("]")
    letters = sum(c.isalpha() for c in out)
    assert letters >= 1.4 * len("LatviajoinedtheCouncil")


def test_pseudo_keeps_markdown_syntax_and_placeholders():
    text = "See [the site](https://example.org/a-b) and `code x`[^1] {PAGE} &amp; <b>bold</b>"
    out = pseudo(text, markdown=True)
    for kept in ("](https://example.org/a-b)", "`code x`", "[^1]", "{PAGE}", "&amp;", "<b>", "</b>"):
        assert kept in out
    assert out.startswith("\\[Šéé [ţĥé šîţé]") and out.endswith("\\]")


def test_pseudo_leaves_blank_text_alone():
    assert pseudo("  ") == "  "


def test_a_pseudo_document_renders_with_the_source_structure(project):
    doc = load_document(project / "content" / "handout.md", project)
    fake = pseudo_document(doc)
    source = render_markdown(doc.body, "lv").html
    html = render_markdown(fake.body, "lv", fake.translations).html
    assert re.findall(r"<(\w+)", html) == re.findall(r"<(\w+)", source)  # same elements, same order
    assert f">[{pseudo(HANDOUT_HEADINGS[0])[1:-1]}]</h1>" in html
    assert fake.meta["title"] == pseudo(TITLE)  # no Markdown escape in plain front-matter text


@pytest.mark.slow
def test_build_pseudo_writes_its_own_outputs_and_keeps_the_others(project):
    assert run("build", "--root", project, check=True).returncode == 0
    before = sorted(p.relative_to(project).as_posix() for p in (project / "build").rglob("*.pdf"))
    proc = run("build", "--pseudo", "handouts", "--root", project, check=True)
    assert "built build/handouts/handout-lv-pseudo.pdf" in proc.stdout
    assert "built build/handouts/handout-lv-pseudo-screen.pdf" in proc.stdout
    pages = pdf_pages_text(project / "build" / "handouts" / "handout-lv-pseudo.pdf")
    assert len(pages) == 2
    assert pseudo(TITLE) in " ".join(pages[0].split())
    after = sorted(p.relative_to(project).as_posix() for p in (project / "build").rglob("*.pdf"))
    assert set(before) < set(after)  # the real outputs stay
    # A full build without --pseudo: the pseudo files are no output of the configuration.
    proc = run("build", "--root", project, check=True)
    assert "removed build/handouts/handout-lv-pseudo.pdf (no longer in the configuration)" in proc.stdout
