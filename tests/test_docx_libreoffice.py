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
    BRIEFING_CONTACT_PERSON,
    BRIEFING_FOOTNOTE,
    BRIEFING_HEADINGS_1,
    BRIEFING_HEADINGS_2,
    BRIEFING_NUMBERED,
    BRIEFING_NUMBERED_ITEMS,
    BRIEFING_PAGES,
    BRIEFING_REFERENCE,
    BRIEFING_SIGNATORY,
    BRIEFING_TABLE_HEADER,
    BRIEFING_TITLE,
    DATES,
    LONG_RECIPIENT,
    ORGANISATION,
    RECIPIENT,
    RECIPIENTS,
    RECIPIENTS_DATIVE,
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
        assert pages[0].startswith(ORGANISATION.upper())  # no number on the first page: the letterhead
        for number, text in enumerate(pages[1:], 2):
            assert text.startswith(f"{number} "), (key, number)  # the PAGE field, evaluated, at the top
        assert "Lapa" not in " ".join(pages)


def test_first_page_has_letterhead_requisites_and_title(pdfs):
    first = pdfs["general"][0]
    assert first.startswith(f"{ORGANISATION.upper()} {BRIEFING_CLASSIFICATION}")  # the wordmark in capitals
    assert first.index(BRIEFING_CLASSIFICATION) < first.index(DATES["lv"]) < first.index(BRIEFING_TITLE)
    for text in (f"{DATES['lv']} {BRIEFING_REFERENCE} {BRIEFING_TITLE}", BRIEFING_HEADINGS_1[0],
                 f"1 {BRIEFING_FOOTNOTE}"):
        assert text in first


def test_recipient_copies_name_their_addressee_in_the_dative(pdfs):
    for key, slug in (("recipient", RECIPIENT), ("long", LONG_RECIPIENT)):
        assert f"{BRIEFING_REFERENCE} {RECIPIENTS_DATIVE[slug]} {BRIEFING_TITLE}" in pdfs[key][0], key
        assert f"{RECIPIENTS[slug]} " not in " ".join(pdfs[key]) + " "  # never the nominative
    assert RECIPIENTS_DATIVE[RECIPIENT] not in " ".join(pdfs["general"])


def test_signature_and_contact_close_the_last_page(pdfs):
    for key, pages in pdfs.items():
        end = pages[-1][pages[-1].index(BRIEFING_HEADINGS_1[-1]):]
        assert end.index(" ".join(BRIEFING_SIGNATORY)) < end.index(BRIEFING_CONTACT_PERSON[0]), key
        assert end.rstrip().endswith(BRIEFING_CONTACT_PERSON[2]), key


def test_whole_text_in_reading_order(pdfs):
    text = " ".join(pdfs["general"])
    first, last, next_first, _ = BRIEFING_NUMBERED_ITEMS
    order = [*BRIEFING_HEADINGS_1[:2], *BRIEFING_HEADINGS_2, f"1. {first}", f"{BRIEFING_NUMBERED[0]}. {last}",
             "1. tabula.", " ".join(BRIEFING_TABLE_HEADER), BRIEFING_HEADINGS_1[2], f"1. {next_first}",
             BRIEFING_HEADINGS_1[3], " ".join(BRIEFING_SIGNATORY), BRIEFING_CONTACT_PERSON[0]]
    position = 0
    for part in order:  # each found after the one before
        position = text.index(part, position) + len(part)
