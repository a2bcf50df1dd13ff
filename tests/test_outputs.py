"""The three default outputs, read back: text of the PDFs and styles of the DOCX."""

import docx

from conftest import flat, pdf_pages_text


def test_brochure_text_has_latvian_diacritics(built):
    pages = [flat(p) for p in pdf_pages_text(built / "build" / "brochure" / "brochure-lv.pdf")]
    assert "Latvija ANO Drošības padomē" in pages[0]
    assert "Kāpēc Latvijai ir svarīgi kļūt par ANO Drošības padomes dalībvalsti" in pages[0]
    text = " ".join(pages)
    assert "Ārlietu ministrija" in text
    assert "MINUSMA" in text


def test_handout_has_date_in_latvian(built):
    text = flat(" ".join(pdf_pages_text(built / "build" / "handouts" / "handout-lv.pdf")))
    assert "2021. gada 2. jūlijs" in text


def test_briefing_uses_real_word_styles(built):
    document = docx.Document(str(built / "build" / "briefing" / "briefing-lv.docx"))
    styles = [(p.style.name, p.text) for p in document.paragraphs]
    assert styles[0] == ("Title", "Latvijas kandidatūra ANO Drošības padomē")
    assert ("Heading 1", "Kopsavilkums") in styles
    assert ("Heading 2", "Miera uzturēšana") in styles
    bullets = [t for s, t in styles if s == "List Bullet"]
    assert len(bullets) == 8 and bullets[0].startswith("Dalība ANO ir viens")
    assert [t for s, t in styles if s == "List Number"][-1].startswith("Tiek izstrādātas")
