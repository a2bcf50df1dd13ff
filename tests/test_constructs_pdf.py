"""Every Markdown construct through the PDF templates (issue 13, item 4).

The construct corpus (tests/corpus/constructs) is an invented library's annual report that uses every
construct of the dialect, alone and nested: the brochure (print and screen) sets the long report, the
two-page handout (both sides, print and screen) a short one that fits it. These tests build it with the
repository's templates and hold each construct to its face (code in Noto Sans Mono, never DejaVu), its
text on the page, its size (images within the column, sized by their width attribute) and the print
rules (`presskit check`: no RGB, every font in print.fonts, nothing near the trim).
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest

from conftest import REPO, flat, pdf_pages_text, run

CORPUS = Path(__file__).resolve().parent / "corpus" / "constructs"
MM = 72 / 25.4
PRINT = ("brochure/brochure-en.pdf", "handouts/handout-en.pdf")
SCREEN = ("brochure/brochure-en-screen.pdf", "handouts/handout-en-screen.pdf")

# Text that each construct puts on the brochure's pages (as extracted, line breaks folded).
BROCHURE_TEXT = {
    "emphasis and strong": "is an invented library on an imagin",
    "inline code": "author:Okafor",
    "link text": "help desk",
    "link address on paper": "(https://example.org/harbourside/help)",
    "abbreviation": "carries an ISBN",
    "smart quotes and dashes": "“much calmer” and the children’s corner ‘the cave’ — the name stuck…",
    "hard line breaks": "Harbourside Public Library 12 Quay Street Harbourside",
    "heading 2": "Opening hours",
    "heading 3": "Holidays",
    "table caption": "Opening hours of the main building from 1 April 2024",
    "table cell": "Monday to Thursday",
    "pipe-less table": "Hill Road",
    "footnote reference and text": "Loans counted at the desk and at the self-service machines",
    "footnote with block content": "Wednesdays: the hill villages;",
    "code in a footnote": "route --day wed",
    "nested list": "local history, including the harbour registers",
    "second paragraph of a list item": "A second paragraph inside the same list item",
    "code in a list item": "Quartet in G",
    "nested ordered list": "sorted by donor,",
    "definition term": "Special collections",
    "second definition": "A renewal counts as a new loan.",
    "definition with paragraphs": "Reserved items wait on the hold shelf for seven days.",
    "quotation": "The room should be quiet enough to read in",
    "nested quotation": "Nobody will be asked to whisper.",
    "list in a quotation": "a shelf for newspapers in four languages;",
    "code in a quotation": "circuit L3: 16 A",
    "figure caption": "The library's mark, an SVG drawing in process colours.",
    "admonition title": "REPAIR CAFÉ",
    "admonition default title": "WARNING",
    "admonition body": "The lift in the east wing is out of service until June.",
    "list in an admonition": "more large-print books;",
    "fenced code": 'schedule: "02:30"',
    "long code line, wrapped": "--until 2024-12-31 --output",
    "indented code": 'report("busy year")',
    "Markdown in raw HTML": "A raw HTML block with Markdown inside",
    "raw HTML span": "harbourside-guest",
    "raw HTML block": "A raw HTML block of plain text, kept as written.",
    "key facts": "48 210",
    "pull quote": "A library is a room where the whole town is allowed to think out loud.",
}
HANDOUT_TEXT = {
    "link and its address": "web page (https://",
    "pull quote": "A library is a room where the whole town is allowed to think out loud.",
    "table caption": "Readers per branch, 2024",
    "table cell": "Quay Street",
    "definition": "One item lent to one reader for three weeks.",
    "admonition": "REPAIR CAFÉ",
    "code": "catalogue-export --format marc21",
    "footnote": "Every name and number on this sheet is invented.",
}
# Text set in each face: (phrase, the family's PostScript name prefix, bold?).
BROCHURE_FACES = [
    ("author:Okafor", "NotoSansMono", False),          # inline code
    ('schedule: "02:30"', "NotoSansMono", False),     # fenced code
    ('report("busy year")', "NotoSansMono", False),   # indented code
    ("Quartet in G", "NotoSansMono", False),          # code in a list item
    ("circuit L3", "NotoSansMono", False),            # code in a quotation
    ("route --day wed", "NotoSansMono", False),       # code in a footnote
    ("Monday to Thursday", "NotoSans-", False),       # table cell
    ("Kind of item", "NotoSans-", True),              # table head
    ("Loans by kind of item", "NotoSans-", True),     # caption
    ("Special collections", "NotoSans-", True),       # definition term
    ("REPAIR CAF", "NotoSans-", True),                # admonition title
    ("Volunteers fixed 212 lamps", "NotoSerif", False),  # admonition body
    ("Loans counted at the desk", "NotoSans-", False),  # footnote
    ("The library's mark, an SVG", "NotoSans-", False),  # figure caption
    ("Holidays", "NotoSans-", True),                  # heading 3
    ("Nobody will be asked", "NotoSerif", False),     # nested quotation (italic)
]


def build_corpus(root: Path) -> Path:
    """A project at *root*: the corpus's content/ with the repository's templates/."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    shutil.copytree(CORPUS / "content", root / "content", ignore=ignore)
    shutil.copytree(REPO / "templates", root / "templates", ignore=ignore)
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = build_corpus(tmp_path_factory.mktemp("constructs") / "project")
    run("build", "--root", root, check=True)
    return root


def page_texts(path: Path) -> list[str]:
    return [flat(p) for p in pdf_pages_text(path)]


def fonts_of(path: Path, phrase: str) -> set[tuple[str, bool]]:
    """(font name without subset tag, bold?) of every character of *phrase* wherever it is shown.

    Spaces are ignored on both sides: letter-spaced labels extract as 'R E PA I R'."""
    wanted = "".join(phrase.split())
    pdf = pypdfium2.PdfDocument(str(path))
    found: set[tuple[str, bool]] = set()
    try:
        for page in pdf:
            textpage = page.get_textpage()
            count = textpage.count_chars()
            chars = [(i, textpage.get_text_range(i, 1)) for i in range(count)]
            chars = [(i, c) for i, c in chars if c and not c.isspace()]
            text = "".join(c for _, c in chars)
            start = text.find(wanted)
            while start >= 0:
                for i, _ in chars[start:start + len(wanted)]:
                    buf = ctypes.create_string_buffer(256)
                    flags = ctypes.c_int()
                    pdfium_c.FPDFText_GetFontInfo(textpage, i, buf, 256, ctypes.byref(flags))
                    name = buf.value.decode().split("+")[-1]
                    found.add((name, pdfium_c.FPDFText_GetFontWeight(textpage, i) >= 600))
                start = text.find(wanted, start + 1)
    finally:
        pdf.close()
    return found


def image_widths_mm(path: Path) -> list[float]:
    """The placed width of every image on every page, in mm."""
    pdf = pypdfium2.PdfDocument(str(path))
    widths = []
    try:
        for page in pdf:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
                left, _bottom, right, _top = obj.get_bounds()
                widths.append((right - left) / MM)
    finally:
        pdf.close()
    return widths


@pytest.mark.slow
def test_the_corpus_builds_and_passes_check(corpus):
    for name in PRINT + SCREEN:
        assert (corpus / "build" / name).is_file(), name
    result = run("check", "--root", corpus)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed (4 PDF(s) preflighted)" in result.stdout + result.stderr


@pytest.mark.slow
@pytest.mark.parametrize("name", PRINT + SCREEN)
def test_code_is_noto_sans_mono_and_nothing_falls_back_to_dejavu(corpus, name):
    fonts = subprocess.run(["pdffonts", str(corpus / "build" / name)], capture_output=True, text=True,
                           check=True).stdout
    assert "Noto-Sans-Mono" in fonts
    assert "DejaVu" not in fonts and "Nimbus" not in fonts and "Liberation" not in fonts


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["brochure-en.pdf", "brochure-en-screen.pdf"])
@pytest.mark.parametrize(("phrase", "family", "bold"), BROCHURE_FACES)
def test_each_construct_in_its_face(corpus, edition, phrase, family, bold):
    fonts = fonts_of(corpus / "build" / "brochure" / edition, phrase)
    assert fonts, f"{phrase!r} not found"
    for name, is_bold in fonts:
        assert name.replace("-", "").startswith(family.replace("-", "")) and (
            family != "NotoSans-" or not name.replace("-", "").startswith("NotoSansMono")), (phrase, fonts)
        assert is_bold == bold or name.endswith(("Bold", "BoldItalic")) == bold, (phrase, fonts)


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["brochure-en.pdf", "brochure-en-screen.pdf"])
def test_the_text_of_every_construct_is_on_the_brochure_pages(corpus, edition):
    text = " ".join(page_texts(corpus / "build" / "brochure" / edition))
    expected = dict(BROCHURE_TEXT)
    if "screen" in edition:  # a screen can be clicked: no printed address
        del expected["link address on paper"]
        assert "(https://example.org/harbourside/help)" not in text
    missing = {what: phrase for what, phrase in expected.items() if not shown(phrase, text)}
    assert not missing


def shown(phrase: str, text: str) -> bool:
    """*phrase* is in *text*; a phrase in capitals may be letter-spaced ('R E PA I R C A F É')."""
    if phrase.isupper():
        return "".join(phrase.split()) in "".join(text.split())
    return phrase in text


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["handout-en.pdf", "handout-en-screen.pdf"])
def test_the_short_document_fits_the_two_page_handout(corpus, edition):
    pages = page_texts(corpus / "build" / "handouts" / edition)
    assert len(pages) == 2
    assert "Loans rose by a tenth" in pages[0]
    assert "understands author: and year:" in pages[0]  # inline code in a list item, on the front
    expected = dict(HANDOUT_TEXT)
    if "screen" in edition:
        expected["link and its address"] = "web page."
    missing = {what: phrase for what, phrase in expected.items() if not shown(phrase, pages[1])}
    assert not missing
    # The source panel is still the last thing on the page, below the text.
    assert pages[1].rstrip().endswith("14 February 2025")


def char_lefts(path: Path, phrases: list[str]) -> list[float]:
    """The origin (pt from the left) of the first character of each phrase, on the first page showing all of them."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        for page in pdf:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if all(p in text for p in phrases):
                lefts = []
                for p in phrases:
                    x, y = ctypes.c_double(), ctypes.c_double()
                    pdfium_c.FPDFText_GetCharOrigin(textpage, text.index(p), ctypes.byref(x), ctypes.byref(y))
                    lefts.append(x.value)
                return lefts
    finally:
        pdf.close()
    raise AssertionError(f"no page shows all of {phrases}")


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["brochure-en.pdf", "brochure-en-screen.pdf"])
def test_code_keeps_its_spaces(corpus, edition):
    """Indented code keeps its indents: 'if' 4 and 'report' 8 characters right of 'loans' (text
    extraction folds leading spaces, so the glyphs' positions are measured)."""
    loans, oans, if_, report = char_lefts(corpus / "build" / "brochure" / edition,
                                          ["loans = count", "oans = count", "if loans >", 'report("busy'])
    advance = oans - loans  # one character of the monospaced face
    assert advance > 3
    assert if_ - loans == pytest.approx(4 * advance, abs=0.5)
    assert report - loans == pytest.approx(8 * advance, abs=0.5)


@pytest.mark.slow
def test_images_stay_in_the_column_and_follow_their_width_attribute(corpus):
    widths = image_widths_mm(corpus / "build" / "brochure" / "brochure-en.pdf")
    # The JPEG (2000 px, 169 mm at 300 ppi) is held to the 108 mm column; the PNG's width="320"
    # (CSS pixels) makes it 84.7 mm. (The SVG is drawn as paths, not placed as an image.)
    assert len(widths) == 2, widths
    assert sorted(widths) == pytest.approx([320 / 96 * 25.4, 108], abs=0.5)


@pytest.mark.slow
def test_rgb_links_or_rules_would_fail_check(corpus, tmp_path):
    """The check above can fail: the browser's own blue links and grey rules are refused in print."""
    root = build_corpus(tmp_path / "project")
    css = root / "templates" / "brochure" / "brochure.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.text a { color: blue; }\n.text hr { border-top-color: gray; }\n",
                   encoding="utf-8")
    run("build", "brochure", "--root", root, check=True)
    result = run("check", "--root", root)
    out = result.stdout + result.stderr
    assert result.returncode == 1
    assert "brochure-en.pdf: page 3: RGB colour (0 0 1 rg)" in out  # the link, on the first chapter page
    assert "brochure-en.pdf: page 4: RGB colour (0.501961 0.501961 0.501961 rg)" in out  # the rule
    assert "brochure-en-screen.pdf" not in out  # screen editions are RGB by design


@pytest.mark.slow
def test_a_mono_face_outside_print_fonts_fails_check(corpus, tmp_path):
    """The code really is set in Noto Sans Mono: without it in print.fonts, check names the face."""
    root = tmp_path / "project"
    shutil.copytree(corpus, root)
    config = root / "content" / "campaign.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Noto Sans Mono, ", ""), encoding="utf-8")
    result = run("check", "--root", root)
    assert result.returncode == 1
    assert "Noto Sans Mono" in result.stdout + result.stderr
