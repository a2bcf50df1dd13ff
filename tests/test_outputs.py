"""The three outputs of the fixture project, read back: text of the PDFs and styles of the DOCX."""

import docx

from conftest import flat, pdf_pages_text
from fixture_text import (
    BRIEFING_BULLETS,
    BRIEFING_FIRST_BULLET,
    BRIEFING_HEADINGS_1,
    BRIEFING_HEADINGS_2,
    BRIEFING_NUMBERED_ITEMS,
    BRIEFING_TITLE,
    DATES,
    FACTS,
    ORGANISATION,
    SUBTITLE,
    TITLE,
)


def test_brochure_text_has_latvian_diacritics(built):
    pages = [flat(p) for p in pdf_pages_text(built / "build" / "brochure" / "brochure-lv.pdf")]
    assert TITLE in pages[0]
    assert SUBTITLE in pages[0]
    text = " ".join(pages)
    assert ORGANISATION in text
    assert FACTS[0][1] in text


def test_handout_has_date_in_latvian(built):
    text = flat(" ".join(pdf_pages_text(built / "build" / "handouts" / "handout-lv.pdf")))
    assert DATES["lv"] in text


def test_briefing_uses_real_word_styles(built):
    document = docx.Document(str(built / "build" / "briefing" / "briefing-lv.docx"))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[1] == ("Title", BRIEFING_TITLE)  # after the date and number (the requisites line)
    assert ("Heading 1", BRIEFING_HEADINGS_1[0]) in styles
    assert [t for s, t in styles if s == "Heading 2"] == BRIEFING_HEADINGS_2
    bullets = [t for s, t in styles if s == "List Bullet"]
    assert len(bullets) == BRIEFING_BULLETS and bullets[0].startswith(BRIEFING_FIRST_BULLET)
    assert [t for s, t in styles if s == "List Number"][-1].startswith(BRIEFING_NUMBERED_ITEMS[-1])
