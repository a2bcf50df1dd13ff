"""The translated handouts, read back: pages, text per language, dates, RTL mirroring, CJK fonts, hyphenation."""

import ctypes

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest

from conftest import flat, pdf_pages_text
from fixture_text import (
    DATES,
    HANDOUT_AR_BODY_START,
    HANDOUT_AR_MESSAGE,
    HANDOUT_BODY,
    HANDOUT_EN_MESSAGE,
    HANDOUT_FR_AGENDA_END,
    HANDOUT_ZH_AGENDA,
    HANDOUT_ZH_BODY_START,
    LANGUAGES,
    NUMBER,
    ORGANISATION,
    ORGANISATIONS,
    QUOTE_OPENINGS,
    SOURCE_URL,
    TITLES,
)

LANGS = LANGUAGES
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
SOURCE_HOST = SOURCE_URL.split("/")[2]


def handout(built, lang, edition=""):
    return built / "build" / "handouts" / f"handout-{lang}{edition}.pdf"


def lines(path, page_index):
    """Text lines of a page: (baseline y, left x, right x, text), from pdfium's character boxes."""
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        textpage = pdf[page_index].get_textpage()
        rows: dict[int, list] = {}
        x, y = ctypes.c_double(), ctypes.c_double()
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            if not char.strip():
                continue
            left, _bottom, right, _top = textpage.get_charbox(i)
            pdfium_raw.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
            rows.setdefault(round(y.value), []).append((left, right, char))  # one baseline, one line
        return [(y, min(c[0] for c in row), max(c[1] for c in row), "".join(c[2] for c in row))
                for y, row in sorted(rows.items(), reverse=True)]
    finally:
        pdf.close()


@pytest.mark.parametrize("lang", LANGS)
def test_two_a4_pages_with_title_date_and_source(built, lang):
    for edition in ("", "-screen"):
        path = handout(built, lang, edition)
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) == 2
            trim = [float(v) for v in pdf.pages[0].trimbox]
            assert trim[2] - trim[0] == pytest.approx(A4[0], abs=0.5)
            assert trim[3] - trim[1] == pytest.approx(A4[1], abs=0.5)
        front, back = (flat(p) for p in pdf_pages_text(path))
        assert TITLES[lang] in front
        assert DATES[lang] in front and DATES[lang] in back
        assert SOURCE_HOST in back


def test_print_edition_has_bleed_screen_edition_has_none(built):
    with pikepdf.open(handout(built, "fr")) as pdf:
        bleed, trim = pdf.pages[0].bleedbox, pdf.pages[0].trimbox
        assert float(trim[0]) - float(bleed[0]) == pytest.approx(3 * MM, abs=0.1)
        assert float(bleed[2]) - float(trim[2]) == pytest.approx(3 * MM, abs=0.1)
    with pikepdf.open(handout(built, "fr", "-screen")) as pdf:
        assert [float(v) for v in pdf.pages[0].mediabox] == pytest.approx([0, 0, *A4], abs=0.5)


def test_languages_are_declared(built):
    for lang in LANGS:
        with pikepdf.open(handout(built, lang, "-screen")) as pdf:
            assert str(pdf.Root.Lang) == lang


def test_translated_organisation_and_key_messages(built):
    en = " ".join(flat(p) for p in pdf_pages_text(handout(built, "en")))
    assert ORGANISATIONS["en"] in en
    assert HANDOUT_EN_MESSAGE in en
    assert ORGANISATION not in en and TITLES["lv"] not in en  # nothing Latvian left but the source URL
    fr = " ".join(flat(p) for p in pdf_pages_text(handout(built, "fr")))
    assert ORGANISATIONS["fr"] in fr
    assert "Texte source en letton :" in fr  # no-break space before the colon (flat() folds it)


def test_arabic_text_is_extracted_in_logical_order(built):
    front, back = (flat(p) for p in pdf_pages_text(handout(built, "ar")))
    assert HANDOUT_AR_MESSAGE in front
    assert HANDOUT_AR_BODY_START in back


def paragraph_lines(built, lang, page_index):
    """Lines of the back page's two body paragraphs (their translations read from the catalog)."""
    from babel.messages.pofile import read_po

    sources = HANDOUT_BODY
    if lang == "lv":
        texts = sources
    else:
        with open(built / "content" / "translations" / f"{lang}.po", "rb") as fh:
            catalog = read_po(fh)
        texts = [catalog[s.strip()].string for s in sources]
    squeezed = "".join("".join(t.split()) for t in texts)
    return [ln for ln in lines(handout(built, lang), page_index)
            if len(ln[3]) > 8 and ln[3].rstrip("\u2010") in squeezed]  # hyphenated line ends too


def test_arabic_lines_are_right_aligned_and_layout_mirrored(built):
    right_edge = A4[0] - 34 * MM  # the wide (band) margin is on the right in Arabic
    left_edge = 34 * MM
    body = paragraph_lines(built, "ar", 1)
    assert len(body) >= 5
    assert all(ln[2] == pytest.approx(right_edge, abs=1.5) for ln in body)
    assert sum(1 for ln in body if ln[1] > 18 * MM + 30) >= 2  # paragraph ends: ragged on the left
    latin = paragraph_lines(built, "lv", 1)
    assert len(latin) >= 5 and all(ln[1] == pytest.approx(left_edge, abs=1.5) for ln in latin)
    # Message numbers stand at the start side: right of their text in Arabic, left in Latvian.
    front = lines(handout(built, "ar"), 0)
    numbers = [ln for ln in front if ln[3] in ("01", "02", "03", "04")]
    assert len(numbers) == 4
    for number in numbers:
        (message,) = [ln for ln in front if abs(ln[0] - number[0]) < 6 and len(ln[3]) > 20]
        assert message[2] < number[1] and number[2] == pytest.approx(right_edge, abs=6)
    lv_numbers = [ln for ln in lines(handout(built, "lv"), 0) if ln[3].startswith("01")]
    assert lv_numbers and lv_numbers[0][1] == pytest.approx(left_edge, abs=3)


def test_arabic_band_is_on_the_right(built):
    """The carmine band is a filled rectangle at the page's outer edge: left in Latvian, right in Arabic."""
    def band_x(lang):
        pdf = pypdfium2.PdfDocument(str(handout(built, lang, "-screen")))
        try:
            boxes = [obj.get_bounds() for obj in pdf[0].get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH])]
            tall = [b for b in boxes if b[3] - b[1] > A4[1] - 1]
            assert tall, f"no full-height band in {lang}"
            return tall[0][0], tall[0][2]
        finally:
            pdf.close()

    lv_left, lv_right = band_x("lv")
    ar_left, ar_right = band_x("ar")
    assert lv_left <= 0.5 and lv_right == pytest.approx(14 * MM, abs=1.5)
    assert ar_right >= A4[0] - 0.5 and ar_left == pytest.approx(A4[0] - 14 * MM, abs=1.5)


def test_chinese_uses_the_cjk_font(built):
    path = handout(built, "zh")
    with pikepdf.open(path) as pdf:
        fonts = {str(f.BaseFont).split("+")[1]: f for f in pdf.pages[1].Resources.Font.values()}
        assert "Noto-Serif-CJK-SC" in fonts and "Noto-Sans-CJK-SC" in fonts
        descriptor = fonts["Noto-Serif-CJK-SC"].DescendantFonts[0].FontDescriptor
        assert descriptor.get("/FontFile3") is not None  # embedded (CFF-based OpenType)
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        textpage = pdf[1].get_textpage()
        text = textpage.get_text_range()
        index = text.index(HANDOUT_ZH_BODY_START)
        buffer = ctypes.create_string_buffer(256)
        for i in range(index, index + 12):
            pdfium_raw.FPDFText_GetFontInfo(textpage, i, buffer, 256, None)
            assert b"CJK-SC" in buffer.value
    finally:
        pdf.close()


def test_chinese_punctuation_is_full_width_cjk(built):
    back = flat(pdf_pages_text(handout(built, "zh"))[1])
    assert HANDOUT_ZH_AGENDA in back


@pytest.mark.parametrize("lang", ["lv", "en", "fr", "es", "ru"])
def test_hyphenated_line_ends_are_few_and_never_in_capitalised_words(built, lang):
    """Issue 15's measure: at most 10 % of lines end hyphenated, none in a capitalised word."""
    lines = [ln.strip() for ln in "\n".join(pdf_pages_text(handout(built, lang))).split("\n") if ln.strip()]
    hyphenated = [ln for ln in lines if ln.endswith("\u2010")]
    assert len(hyphenated) <= 0.1 * len(lines), hyphenated
    assert not [ln for ln in hyphenated if ln.split()[-1][:1].isupper()], hyphenated


def test_french_punctuation_and_numbers(built):
    # French punctuation keeps its no-break space; numbers stay as the source wrote them.
    fr = " ".join(pdf_pages_text(handout(built, "fr"))).replace("\n", " ")
    assert HANDOUT_FR_AGENDA_END in fr
    for lang in LANGS:
        assert NUMBER in flat(" ".join(pdf_pages_text(handout(built, lang))))


@pytest.mark.parametrize("lang,first", QUOTE_OPENINGS.items())
def test_pull_quote_in_the_languages_quotation_marks(built, lang, first):
    text = pdf_pages_text(handout(built, lang))[1]
    if lang == "ar":  # pdfium reports the mirrored glyph that right-to-left display draws
        text = text.replace("»", "«")
    assert first in text


@pytest.mark.parametrize("lang", LANGS)
def test_back_text_never_runs_into_the_source_panel(built, lang):
    """The source panel is pinned to the foot of the back page; the text above must end well before it
    (an overlap would not add a page, so the page count alone would not catch it)."""
    from presskit.i18n.labels import shipped_label

    label = shipped_label(lang, "More information")  # presskit's label (the fixture's catalogs override none)
    assert label
    back = lines(handout(built, lang), 1)
    (label_y,) = [ln[0] for ln in back if ln[3] == "".join(label.split())]
    last_text_y = min(ln[0] for ln in back if ln[0] > label_y + 1)
    assert last_text_y - label_y > 20 * MM
