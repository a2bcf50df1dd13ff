"""Overflow is an error (pdf/overflow.py): text that does not fit a fixed layout fails its file,
naming the page, the language, the edition and the paragraph — read from WeasyPrint's boxes.

Crafted pages test each rule and what must not count; the fixture project with a long translation
tests the handout and the brochure end to end; the default project must build in every language.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run
from presskit.pdf.weasy import font_config, import_weasyprint

import_weasyprint()

from weasyprint import HTML  # noqa: E402

from presskit.pdf.overflow import overflow_problems, planned_pages  # noqa: E402

PAGE = "<style>@page { size: 100mm 100mm; margin: 10mm } body { margin: 0 } p { margin: 0; font: 12pt/10mm sans-serif }</style>"


def findings(body: str, head: str = "") -> list[str]:
    """The overflow messages (with their fixes) of a crafted 100 × 100 mm page (80 mm page area)."""
    document = HTML(string=f"<html><head>{head}{PAGE}</head><body>{body}</body></html>")
    rendered = document.render(font_config=font_config())  # one font configuration, as presskit renders
    return [str(p) for p in overflow_problems(rendered.pages, planned_pages(document.etree_element), "xx", "print")]


def paragraphs(*words: str) -> str:
    return "".join(f"<p>{w}</p>" for w in words)


# ---- each rule on a crafted page --------------------------------------------------------------

def test_text_past_a_fixed_height_box():
    assert findings(f'<div class="box" style="height: 30mm">{paragraphs("one", "two", "three", "four")}</div>') == [
        '<project>: page 1 overflows (xx, print): "four" does not fit in <div class="box"> (30 mm high) '
        '— shorten the xx text, or make <div class="box"> taller in the template']


def test_max_height_counts_as_fixed():
    assert findings(f'<div style="max-height: 20mm">{paragraphs("one", "two", "three")}</div>') == [
        '<project>: page 1 overflows (xx, print): "three" does not fit in <div> (20 mm high) '
        '— shorten the xx text, or make <div> taller in the template']


def test_text_weasyprint_cuts_off_at_the_page_end_is_named():
    # The handout's back: a fixed-height box that fills the page, its text in a section. WeasyPrint
    # ends the box at the page and drops the rest (the last paragraph, here): nothing on the page
    # sticks out, so the missing paragraph is named from the document.
    body = (f'<div class="back" style="height: 78mm"><section>{paragraphs(*"abcdefghi")}</section>'
            "<p>Lost words</p></div>")
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "i" does not fit in <div class="back"> (78 mm high) and is cut off '
        '— shorten the xx text, or make <div class="back"> taller in the template']



def test_text_past_a_fixed_height_flex_column():
    # A flex (or grid) container of set height is a fixed-size box like a block: an item running past
    # its end is named, and so is one WeasyPrint cuts there when the column fills the page. (A grid of
    # set height grows with its rows in WeasyPrint 70; past the page it breaks, past the page plan.)
    body = ('<div class="back" style="height: 60mm; display: flex; flex-direction: column">'
            f'<section style="flex: none">{paragraphs(*"abcde")}</section>'
            f'<aside style="flex: none">{paragraphs("f", "Lost words")}</aside></div>')
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "Lost words" does not fit in <div class="back"> (60 mm high) '
        '— shorten the xx text, or make <div class="back"> taller in the template']


def test_text_past_the_box_and_the_page_is_the_first_that_does_not_fit():
    body = f'<div class="back" style="height: 75mm">{paragraphs(*"abcdefghi")}</div>'
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "h" does not fit in <div class="back"> (75 mm high) '
        '— shorten the xx text, or make <div class="back"> taller in the template']


def test_fixed_box_split_across_pages():
    body = f'<p>before</p><div style="height: 85mm">{paragraphs(*"abcdefghi")}</div>'
    assert findings(body) == [
        '<project>: page 3 overflows (xx, print): "i" does not fit in <div> (85 mm high) and runs onto this page '
        '— shorten the xx text, or make <div> taller in the template']


def test_pages_past_the_plan():
    head = '<meta name="presskit:pages" content="1">'
    assert findings(paragraphs(*"abcdefgh") + "<p>Die Koordinierung der Arbeit</p>", head) == [
        '<project>: page 2 overflows (xx, print): "Die Koordinierung der Arbeit" does not fit on the template\'s '
        '1 page(s) — shorten the xx text, or raise the page plan (<meta name="presskit:pages">) in the template']
    assert findings(paragraphs(*"abcdefgh") + "<p>i</p>", '<meta name="presskit:pages" content="2">') == []


def test_text_under_a_positioned_box_names_it():
    body = ('<div style="position: relative; height: 80mm">'
            f'{paragraphs("one", "two", "three", "four", "five", "six")}'
            '<aside data-presskit-name="the QR panel" style="position: absolute; bottom: 0; height: 30mm">'
            "<p>More information</p></aside></div>")
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "six" overlaps the QR panel — shorten the xx text on this page, '
        "or give the QR panel more room in the template"]


def test_positioned_box_growing_upwards_into_text():
    # The key messages of the handout: set from the bottom, they grow up into the masthead.
    body = ('<div style="position: relative; height: 80mm"><p class="subtitle">A subtitle</p>'
            '<section class="messages" style="position: absolute; bottom: 0">'
            f'{paragraphs("one", "two", "three", "four", "five", "six", "seven", "eight")}</section></div>')
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "A subtitle" overlaps "one" — shorten the xx text on this page, or '
        'give <section class="messages"> more room in the template']


def test_text_off_the_page():
    body = '<p style="position: absolute; top: -15mm">Headline</p>'
    assert findings(body) == [
        '<project>: page 1 overflows (xx, print): "Headline" runs off the page — shorten the xx text, or keep its '
        "box on the page in the template"]


def test_one_finding_per_page_the_first_in_document_order():
    body = (f'<div style="height: 20mm">{paragraphs("a", "b", "c")}</div>'
            f'<div style="height: 20mm">{paragraphs("d", "e", "f")}</div>')
    assert [m.split(" — ")[0] for m in findings(body)] == [
        '<project>: page 1 overflows (xx, print): "c" does not fit in <div> (20 mm high)']


def test_long_paragraphs_are_quoted_by_their_start():
    words = "Die Koordinierung der Zusammenarbeit mit den Gemeinden erfolgt jedes Jahr gemeinsam"
    body = f'<div style="height: 10mm"><p>first</p><p>{words}</p></div>'
    assert '"Die Koordinierung der Zusammenarbeit mit den Gemeinden …" does not fit' in findings(body)[0]


@pytest.mark.parametrize("body", [
    # a fixed box filled exactly
    f'<div style="height: 80mm">{paragraphs(*"abcdefgh")}</div>',
    # decorations: an empty positioned box behind text, a fixed band, a numeral in the padding
    f'<div style="position: relative"><div style="position: absolute; top: 0; height: 40mm; width: 100%; '
    f'background: #eee"></div>{paragraphs("one", "two")}</div>',
    f'<div style="position: fixed; top: 0; bottom: 0; left: 0; width: 5mm; background: red">x</div>{paragraphs("one")}',
    '<ol style="list-style: none"><li style="position: relative; padding-left: 15mm">'
    '<span style="position: absolute; left: 0; top: 0; font-size: 20pt; line-height: 1">01</span>A message</li></ol>',
    # a box that may grow, and flowing text over many pages (also in a body of height 100 %)
    f'<div style="min-height: 20mm">{paragraphs(*"abcdefghijkl")}</div>',
    f'<style>html, body {{ height: 100% }}</style>{paragraphs(*"abcdefghijkl")}',
    # lines set tighter than the font's content area (a large numeral, line-height 1) touch, but do not overlap
    '<p style="font-size: 30pt; line-height: 1">One two three four five six seven eight nine ten</p>',
    # a code block in a fixed box: its last line ends in a line break of its own, which WeasyPrint
    # marks like a paragraph broken between pages
    '<div style="height: 80mm"><pre style="white-space: pre-wrap"><code>export --all\n</code></pre><p>after</p></div>',
])
def test_what_fits_is_no_finding(body):
    assert findings(body) == []


# ---- the fixture project, end to end ---------------------------------------------------------

def lengthen(po: Path, document: str, times: int = 3) -> None:
    """Make every translation used by *document* *times* as long (the same words repeated)."""
    from babel.messages.pofile import read_po, write_po

    with po.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id and any(f == f"content/{document}" for f, _ in message.locations):
            message.string = " ".join([message.string] * times)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)


def only(project: Path, output: str, languages: str) -> None:
    """Build *output* in these languages only (fewer renders)."""
    config = project / "content" / "campaign.yaml"
    text = config.read_text(encoding="utf-8")
    block = re.search(rf"\n  {output}:\n(    .*\n)+", text)
    assert block
    new = re.sub(r"    languages: \[.*\]", f"    languages: [{languages}]", block.group(0))
    config.write_text(text.replace(block.group(0), new), encoding="utf-8")


def errors(proc) -> list[str]:
    return sorted(line for line in proc.stderr.splitlines() if line.startswith("error:"))


@pytest.mark.slow
def test_a_long_translation_fails_the_handout_naming_language_page_and_text(project):
    # The handout's sides are grids of fixed height. In English the key messages no longer fit under
    # the long title: the second is cut, and the sheet breaks onto pages past the plan; in Arabic the
    # same. Every file of both languages fails, naming its language, edition, page and text.
    lengthen(project / "content" / "translations" / "en.po", "handout.md")
    lengthen(project / "content" / "translations" / "ar.po", "handout.md")
    only(project, "handouts", "lv, en, ar")
    proc = run("build", "handouts", "--root", project)
    assert proc.returncode == 1
    found = errors(proc)
    for lang in ("en", "ar"):
        for suffix, edition in (("", "print"), ("-screen", "screen")):
            mine = [e for e in found if e.startswith(f"error: build/handouts/handout-{lang}{suffix}.pdf: page ")]
            assert mine and all(f"overflows ({lang}, {edition}): \"" in e and f"shorten the {lang} text" in e
                                for e in mine), found
            assert any("does not fit on the template's 2 page(s)" in e for e in mine), mine
    assert any('page 1 overflows (en, screen): "The campaign’s overarching goal is to preserve the balance …" does '
               "not fit in" in e and "is cut off" in e for e in found), found
    assert (project / "build" / "handouts" / "handout-lv.pdf").exists()  # the source language fits
    assert not (project / "build" / "handouts" / "handout-en.pdf").exists()


@pytest.mark.slow
def test_a_long_title_fails_the_brochure_cover(project):
    po = project / "content" / "translations" / "en.po"
    title = 'msgstr "Clean Lakes in Example County"'
    po.write_text(po.read_text(encoding="utf-8").replace(title, 'msgstr "' + " ".join([title[8:-1]] * 4) + '"'),
                  encoding="utf-8")
    proc = run("build", "brochure", "--root", project)
    assert proc.returncode == 1
    assert errors(proc) == [
        f"error: build/brochure/brochure-en{suffix}.pdf: page 1 overflows (en, {edition}): \"Example Ministry\" overlaps "
        "\"Clean Lakes in Example County Clean Lakes in Example County …\" — shorten the en text on this page, or give "
        "<h1 class=\"title\"> more room in the template" for suffix, edition in (("-screen", "screen"), ("", "print"))]


@pytest.mark.slow
def test_the_default_project_fits_in_every_language(default_built):
    """No false positives: every PDF of the real default project builds (default_built fails otherwise)."""
    pdfs = sorted(p.name for p in (default_built / "build").rglob("*.pdf"))
    assert len([p for p in pdfs if p.startswith("handout-")]) == 14
    assert len([p for p in pdfs if p.startswith("brochure-")]) >= 2
