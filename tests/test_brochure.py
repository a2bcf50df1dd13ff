"""The brochure as a print shop and a screen reader see it: boxes, fonts, colours, pages, text."""

from __future__ import annotations

import re
import subprocess

import pikepdf
import pyphen
import pytest

from conftest import flat, pdf_pages_text, run
from fixture_text import (
    BROCHURE_PRINT_PAGES,
    CHAPTER_PAGES,
    CHAPTERS,
    DATES,
    FACTS,
    FACTS_PAGE,
    FACTS_TITLE,
    ORGANISATION,
    PULL_QUOTE,
    PULL_QUOTE_PAGE,
    SOURCE_URL,
    SUBTITLE,
    TITLE,
    brochure_chapters,
)

MM = 72 / 25.4


@pytest.fixture(scope="session")
def brochure(built):
    return built / "build" / "brochure" / "brochure-lv.pdf"


@pytest.fixture(scope="session")
def screen(built):
    return built / "build" / "brochure" / "brochure-lv-screen.pdf"


@pytest.fixture(scope="session")
def pages(brochure):
    return [flat(p) for p in pdf_pages_text(brochure)]


def test_page_count_is_a_multiple_of_four(brochure):
    with pikepdf.open(brochure) as pdf:
        assert len(pdf.pages) % 4 == 0 and len(pdf.pages) >= 8


def test_boxes_trim_a5_bleed_3mm_marks_outside(brochure):
    with pikepdf.open(brochure) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert trim[2] - trim[0] == pytest.approx(148 * MM, abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(210 * MM, abs=0.01)
            assert [b - t for b, t in zip(bleed, trim)] == pytest.approx([-3 * MM, -3 * MM, 3 * MM, 3 * MM])
            # The media leaves room for crop marks beyond the bleed.
            assert media[0] < bleed[0] - 5 * MM and media[2] > bleed[2] + 5 * MM


def test_pdfinfo_reads_the_boxes(brochure):
    out = subprocess.run(["pdfinfo", "-box", str(brochure)], capture_output=True, text=True, check=True).stdout
    boxes = {line.split(":")[0]: [float(v) for v in line.split(":")[1].split()]
             for line in out.splitlines() if line.split(":")[0] in ("TrimBox", "BleedBox")}
    assert boxes["TrimBox"] == pytest.approx([0, 0, 419.53, 595.28], abs=0.01)
    assert boxes["BleedBox"] == pytest.approx([-8.50, -8.50, 428.03, 603.78], abs=0.01)


def test_pdfx4_with_cmyk_output_intent(brochure, built):
    with pikepdf.open(brochure) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFX" and int(intent.DestOutputProfile.N) == 4
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"  # print.press: fogra39 (test_press.py)
        assert "PDF/X-4" in str(pdf.open_metadata().get("pdfxid:GTS_PDFXVersion"))


def test_crop_marks_in_registration_colour(brochure):
    with pikepdf.open(brochure) as pdf:
        page = pdf.pages[0]
        space = page.Resources.ColorSpace.PKRegistration
        assert [str(space[0]), str(space[1]), str(space[2])] == ["/Separation", "/All", "/DeviceCMYK"]
        assert list(space[3].C1) == [1, 1, 1, 1]
        ops = [(str(op), [str(o) for o in operands]) for operands, op in pikepdf.parse_content_stream(page)]
        assert ("CS", ["/PKRegistration"]) in ops
        assert not any("/Annots" in p.obj for p in pdf.pages)  # no links on paper (PDF/X)
        # No RGB anywhere on the page.
        assert not {"rg", "RG"} & {op for op, _ in ops}


def test_fonts_embedded_and_subset(brochure):
    out = subprocess.run(["pdffonts", str(brochure)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:]]
    assert rows
    for row in rows:
        assert row[0].split("+")[1].startswith(("Noto-Serif", "Noto-Sans"))
        assert row[-5:-2] == ["yes", "yes", "yes"]  # emb, sub, uni


def in_order(text, *parts):
    """Each part found in *text* after the one before; spaces are ignored (letter-spaced labels come
    out of the PDF as "S A T U R S")."""
    text, at = text.replace(" ", ""), -1
    for part in (p.replace(" ", "") for p in parts):
        found = text.find(part, at + 1)
        assert found > at, f"{part!r} not found after position {at} in {text!r}"
        at = found


def test_text_of_each_page_in_reading_order(pages):
    assert len(pages) == BROCHURE_PRINT_PAGES
    in_order(pages[0], ORGANISATION.upper(), TITLE, SUBTITLE, DATES["lv"])
    toc = [f"{n:02d} {title} {page}" for n, (title, page) in enumerate(zip(CHAPTERS, CHAPTER_PAGES), 1)]
    in_order(pages[1], "SATURS", *toc[:2], f"{FACTS_TITLE} {FACTS_PAGE}", *toc[2:], ORGANISATION,
             f"Publicēts: {DATES['lv']}")
    # Every chapter on its page: number, title, each paragraph and list item in order, then the folio.
    chapters = brochure_chapters()
    assert [title for title, _ in chapters] == CHAPTERS
    for n, ((title, items), page) in enumerate(zip(chapters, CHAPTER_PAGES), 1):
        in_order(pages[page - 1], f"{n:02d}", title, *items, str(page))
    in_order(pages[FACTS_PAGE - 1], FACTS_TITLE.upper(), *(part for fact in FACTS for part in fact))
    # The pull quote (a sentence of chapter 3) and its sentence: two pages, on different spreads.
    assert [n for n, page in enumerate(pages, 1) if PULL_QUOTE in page] == sorted([PULL_QUOTE_PAGE, CHAPTER_PAGES[2]])
    assert CHAPTER_PAGES[2] // 2 != PULL_QUOTE_PAGE // 2
    assert all(page.strip() for page in pages) and not any("PIEZĪMES" in page for page in pages)  # no filler
    in_order(pages[-1], ORGANISATION.upper(), "AVOTS", SOURCE_URL)
    # Covers carry no folio; inside pages do.
    assert not pages[0].endswith(" 1") and not pages[-1].rstrip().endswith(str(len(pages)))


def test_latvian_hyphenation(brochure):
    raw = "".join(pdf_pages_text(brochure)).replace("\r", "")
    broken = re.findall(r"(\w+)\u2010\n(\w+)", raw)
    assert broken, "no hyphenated line end"
    # Each break is inside a word of the text, at a Latvian hyphenation point.
    words = {w for _, items in brochure_chapters() for item in items for w in re.findall(r"\w+", item)}
    words |= {w for _, text in FACTS for w in re.findall(r"\w+", text)}
    hyphenator = pyphen.Pyphen(lang="lv")
    for start, end in broken:
        assert start + end in words, (start, end)
        assert len(start) in hyphenator.positions(start + end), (start, end)


@pytest.mark.parametrize("edition", ["brochure-lv.pdf", "brochure-lv-screen.pdf"])
def test_ghostscript_renders_every_page_cleanly(built, edition):
    path = built / "build" / "brochure" / edition
    proc = subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=nullpage", str(path)],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    proc = subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(path.parent / "thumb")],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stderr == ""


def test_screen_edition_is_tagged_rgb_with_outline(screen):
    with pikepdf.open(screen) as pdf:
        assert pdf.Root.Lang == "lv" and pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root
        assert pdf.Root.ViewerPreferences.DisplayDocTitle
        assert pdf.docinfo.Title == TITLE
        assert 'pdfuaid:part="1"' in str(pdf.open_metadata())
        with pdf.open_outline() as outline:
            tree = [(top.title, [item.title for item in top.children]) for top in outline.root]
        assert tree == [(TITLE, ["Saturs", *CHAPTERS[:2], FACTS_TITLE, *CHAPTERS[2:]])]
        page = pdf.pages[2]
        assert float(page.mediabox[2]) == pytest.approx(148 * MM, abs=0.01)  # no bleed, no marks
        ops = {str(op) for _, op in pikepdf.parse_content_stream(page)}
        assert "rg" in ops and not {"k", "K"} & ops


def test_preflight_passes_on_the_built_project(built):
    proc = run("check", "--root", built)
    assert proc.returncode == 0, proc.stderr
    assert (built / "build" / ".presskit" / "preflight.json").is_file()


@pytest.mark.slow
def test_longer_text_keeps_a_multiple_of_four_without_blank_pages(project):
    """Another language's text length: an extra chapter (10 pages) runs two chapters on, not pads."""
    with open(project / "content" / "brochure.md", "a", encoding="utf-8") as fh:
        fh.write("\n# Papildu nodaļa\n\nTeksts.\n")
    config = project / "content" / "campaign.yaml"  # the new chapter has no English yet
    config.write_text(config.read_text().replace("    languages: [lv, en]\n", "    languages: [lv]\n"))
    run("build", "brochure", "--root", project, check=True)
    pages = [flat(p) for p in pdf_pages_text(project / "build" / "brochure" / "brochure-lv.pdf")]
    assert len(pages) == BROCHURE_PRINT_PAGES
    assert f"{len(CHAPTERS) + 1:02d}PapildunodaļaTeksts." in pages[-2].replace(" ", "")
    assert all(p.strip() for p in pages)  # no blank page anywhere
    quoted = [n for n, page in enumerate(pages, 1) if PULL_QUOTE in page]
    assert len(quoted) == 2 and quoted[0] // 2 != quoted[1] // 2  # never on its sentence's spread


@pytest.mark.slow
def test_blank_pages_only_when_no_chapter_can_run_on(project):
    """Chapters that each fill their page cannot run on: the booklet keeps blank pad pages (never
    ruled "notes" filler) and presskit check names each one."""
    body = "\n\n".join(["Garš teksts, kas aizpilda visu lappusi un vēl vairāk. " * 28] * 1)
    text = (project / "content" / "brochure.md").read_text(encoding="utf-8")
    head, _, _ = text.partition("\n---\n")
    chapters = "".join(f"\n# Nodaļa {n}\n\n{body}\n" for n in range(1, 4))
    (project / "content" / "brochure.md").write_text(head + "\n---\n" + chapters, encoding="utf-8")
    config = project / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("    languages: [lv, en]\n", "    languages: [lv]\n"))
    run("build", "brochure", "--root", project, check=True)
    pdf = project / "build" / "brochure" / "brochure-lv.pdf"
    pages = [flat(p) for p in pdf_pages_text(pdf)]
    blank = [n for n, page in enumerate(pages, 1) if not page.strip()]
    assert len(pages) % 4 == 0 and blank and blank == list(range(blank[0], len(pages)))
    proc = run("check", "--root", project)
    for n in blank:
        assert f"brochure-lv.pdf: page {n}: blank page: the booklet's chapters could not make" in proc.stdout + proc.stderr
