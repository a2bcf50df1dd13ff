"""LibreOffice, the real client we have here, opens the briefings: converted text and page count.

LibreOffice is slow to start, so the general copy and two recipient copies are converted in one
call, once per session, with a private profile (parallel test runs must not share one).
"""

import shutil
import subprocess

import pytest

from conftest import flat, pdf_pages_text
from fixture_text import (
    BRIEFING_CLASSIFICATION,
    BRIEFING_CONTACT,
    BRIEFING_FOOTNOTE,
    BRIEFING_HEADINGS_1,
    BRIEFING_HEADINGS_2,
    BRIEFING_NUMBERED,
    BRIEFING_NUMBERED_ITEMS,
    BRIEFING_PAGES,
    BRIEFING_REFERENCE,
    BRIEFING_TABLE_HEADER,
    BRIEFING_TITLE,
    DATES,
    LONG_RECIPIENT,
    ORGANISATION,
    RECIPIENT,
    RECIPIENTS,
    recipient_copy,
)

pytestmark = pytest.mark.slow  # LibreOffice takes seconds to start

COPIES = {"general": "build/briefing/briefing-lv.docx", "recipient": recipient_copy(RECIPIENT),
          "long": recipient_copy(LONG_RECIPIENT)}


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.fail("LibreOffice is missing: run scripts/bootstrap --test")
    out = tmp_path_factory.mktemp("lo")
    profile = out / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(out), *(str(built / p) for p in COPIES.values())],
                   check=True, capture_output=True, timeout=240)
    return {key: [flat(t) for t in pdf_pages_text(out / (rel.rsplit("/", 1)[1][:-5] + ".pdf"))]
            for key, rel in COPIES.items()}


def test_page_count_and_page_numbers(pdfs):
    for key, pages in pdfs.items():
        assert len(pages) == BRIEFING_PAGES, key
        for number, text in enumerate(pages, 1):
            assert f"Lapa {number} no {BRIEFING_PAGES}" in text, (key, number)  # PAGE, NUMPAGES fields evaluated


def test_first_page_has_letterhead_title_and_facts(pdfs):
    first = pdfs["general"][0]
    assert first.startswith(f"{ORGANISATION} {BRIEFING_CLASSIFICATION}".upper())  # caps style
    for text in (BRIEFING_TITLE, f"Datums {DATES['lv']}", f"Numurs {BRIEFING_REFERENCE}", BRIEFING_HEADINGS_1[0],
                 f"1 {BRIEFING_FOOTNOTE}"):
        assert text in first
    assert "Adresāts" not in first


def test_running_header_on_later_pages(pdfs):
    for text in pdfs["general"][1:]:
        assert text.startswith(f"{ORGANISATION} {BRIEFING_CLASSIFICATION}")


def test_recipient_copies_name_their_addressee(pdfs):
    assert f"ADRESĀTS {RECIPIENTS[RECIPIENT]} {BRIEFING_TITLE}" in pdfs["recipient"][0]
    assert f"ADRESĀTS {RECIPIENTS[LONG_RECIPIENT]} {BRIEFING_TITLE}" in pdfs["long"][0]
    assert "ADRESĀTS" not in " ".join(pdfs["general"]).upper()


def test_whole_text_in_reading_order(pdfs):
    text = " ".join(pdfs["general"])
    first, last, next_first, _ = BRIEFING_NUMBERED_ITEMS
    order = [*BRIEFING_HEADINGS_1[:2], *BRIEFING_HEADINGS_2, f"1. {first}", f"{BRIEFING_NUMBERED[0]}. {last}",
             "1. tabula.", " ".join(BRIEFING_TABLE_HEADER), BRIEFING_HEADINGS_1[2], f"1. {next_first}",
             BRIEFING_HEADINGS_1[3], BRIEFING_CONTACT]
    position = 0
    for part in order:  # each found after the one before
        position = text.index(part, position) + len(part)
