"""Scale: a 120-page, ten-language project (tests/scale_project.py) — catalogs that stay byte-identical,
fuzzy matches only between texts that are really alike, a contents list longer than a page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import pdf_pages_text, run
from presskit.i18n.update import MIN_SIMILARITY, similarity
from scale_project import LANGUAGES, make_scale_project


@pytest.fixture
def scale(tmp_path) -> Path:
    return make_scale_project(tmp_path / "scale")


def catalogs(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / "content" / "translations").glob("*.po"))}


def translate_half(root: Path) -> None:
    """A translator's work so far: every other entry of every catalog."""
    for path in (root / "content" / "translations").glob("*.po"):
        with path.open("rb") as fh:
            catalog = read_po(fh)
        for i, message in enumerate(m for m in catalog if m.id):
            if i % 2 == 0:
                message.string = f"[{catalog.locale}] {message.id}"
        with path.open("wb") as fh:
            write_po(fh, catalog, width=76)


def edit_source(root: Path) -> None:
    """A copy edit: a word changed in some paragraphs, a few removed, one added."""
    path = root / "content" / "brochure.md"
    paragraphs = path.read_text(encoding="utf-8").split("\n\n")
    for i in range(5, len(paragraphs), 7):
        if paragraphs[i][:1].isalpha():
            words = paragraphs[i].split(" ")
            words[3] = "grozīts"
            paragraphs[i] = " ".join(words)
    del paragraphs[40:44]
    paragraphs.insert(60, "Pilnīgi jauna rindkopa ar jauniem vārdiem.")
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")


def test_i18n_update_is_byte_identical_on_its_second_run_at_scale(scale):
    run("i18n", "update", "--root", scale, check=True)
    assert len(catalogs(scale)) == len(LANGUAGES) - 1
    translate_half(scale)
    run("i18n", "update", "--root", scale, check=True)
    first = catalogs(scale)
    proc = run("i18n", "update", "--root", scale, check=True)
    assert catalogs(scale) == first
    assert proc.stdout.count("unchanged") == len(LANGUAGES) - 1
    edit_source(scale)
    proc = run("i18n", "update", "--root", scale, check=True)
    assert re.search(r"de\.po: \d+ messages, \d+ new, [1-9]\d* fuzzy, [1-9]\d* obsolete", proc.stdout), proc.stdout
    edited = catalogs(scale)
    run("i18n", "update", "--root", scale, check=True)
    assert catalogs(scale) == edited


def test_fuzzy_matches_need_real_similarity():
    assert similarity("Notes", "Footnotes") < MIN_SIMILARITY  # Babel alone offered "Fußnoten" for "Notes"
    edited = ("Kopš 2019. gada ministrija katru vasaru pārbauda ūdens kvalitāti divdesmit ezeros.",
              "Kopš 2019. gada ministrija katru gadu pārbauda ūdens kvalitāti divdesmit ezeros.")
    assert similarity(*edited) >= MIN_SIMILARITY


def test_a_short_segment_is_not_offered_an_unrelated_translation(tmp_path):
    root = make_scale_project(tmp_path / "p", chapters=1)
    doc = root / "content" / "brochure.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\nZemsvītras piezīmes\n\nKopš 2019. gada ministrija katru "
                   "vasaru pārbauda ūdens kvalitāti divdesmit ezeros.\n", encoding="utf-8")
    run("i18n", "update", "--root", root, check=True)
    po = root / "content" / "translations" / "de.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id == "Zemsvītras piezīmes":
            message.string = "Fußnoten"
        elif isinstance(message.id, str) and message.id.startswith("Kopš 2019"):
            message.string = "Seit 2019 prüft das Ministerium jeden Sommer das Wasser von zwanzig Seen."
    with po.open("wb") as fh:
        write_po(fh, catalog, width=76)
    text = doc.read_text(encoding="utf-8").replace("Zemsvītras piezīmes", "Piezīmes").replace("vasaru", "gadu")
    doc.write_text(text, encoding="utf-8")
    run("i18n", "update", "--root", root, check=True)
    with po.open("rb") as fh:
        catalog = read_po(fh)
    notes = catalog.get("Piezīmes")
    assert notes is not None and notes.string == "" and not notes.fuzzy  # new, not "Fußnoten"
    assert catalog.obsolete["Zemsvītras piezīmes"].string == "Fußnoten"  # kept, not lost
    edited = next(m for m in catalog if isinstance(m.id, str) and m.id.startswith("Kopš 2019"))
    assert edited.fuzzy and edited.string.startswith("Seit 2019")  # a real edit stays a fuzzy match


@pytest.mark.slow
def test_a_120_page_brochure_with_a_contents_list_over_pages_builds(scale):
    config = scale / "content" / "campaign.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    languages: [" + ", ".join(LANGUAGES) + "]", "    languages: [lv, ru]"), encoding="utf-8")
    proc = run("build", "--draft", "--root", scale)
    assert proc.returncode == 0, proc.stderr  # overflow (the imprint under the list) would fail it
    pages = pdf_pages_text(scale / "build" / "brochure" / "brochure-ru-screen.pdf")
    assert len(pages) >= 120
    imprint = next(i for i, text in enumerate(pages) if "Опубликовано" in text)
    assert imprint >= 3  # the list runs from page 2 over several pages, the imprint on its last
    last = pages[imprint]
    assert "60. nodaļa" in last and last.index("60. nodaļa") < last.index("Опубликовано")
    assert pages[imprint + 1].lstrip().startswith("01")  # then the first chapter opens


@pytest.mark.slow
def test_a_contents_list_that_just_fills_its_page_keeps_the_imprint_on_the_page(default_project):
    """Ten chapters fill the contents page to its foot: the imprint (a running element in the foot
    margin) must not be pushed off the page, which overflow detection reported for the old layout."""
    doc = default_project / "content" / "brochure.md"
    head, body = doc.read_text(encoding="utf-8").split("\n---\n", 1)
    doc.write_text(head + "\n---\n" + "\n".join([body] * 2), encoding="utf-8")
    proc = run("build", "brochure", "--draft", "--root", default_project)
    assert proc.returncode == 0, proc.stderr
    pages = pdf_pages_text(default_project / "build" / "brochure" / "brochure-lv.pdf")
    assert "Publicēts" in pages[1] and pages[1].index("10") < pages[1].index("Publicēts")
