"""LibreOffice, the real client we have here, opens the briefings: converted text and page count.

LibreOffice is slow to start, so the general copy and two recipient copies are converted in one
call, once per session, with a private profile (parallel test runs must not share one).
"""

import shutil
import subprocess

import pytest

from conftest import flat, pdf_pages_text

COPIES = {"general": "build/briefing/briefing-lv.docx",
          "finance": "build/briefing/recipients/briefing-lv-finansu-ministrija.docx",
          "liaa": "build/briefing/recipients/briefing-lv-latvijas-investiciju-un-attistibas-agentura.docx"}


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
        assert len(pages) == 3, key
        for number, text in enumerate(pages, 1):
            assert f"Lapa {number} no 3" in text, (key, number)  # PAGE and NUMPAGES fields evaluated


def test_first_page_has_letterhead_title_and_facts(pdfs):
    first = pdfs["general"][0]
    assert first.startswith("LATVIJAS REPUBLIKAS ĀRLIETU MINISTRIJA VISPĀRPIEEJAMA INFORMĀCIJA")  # caps style
    for text in ("Latvijas kandidatūra ANO Drošības padomē", "Datums 2021. gada 2. jūlijs",
                 "Numurs Nr. ____ (aizpilda lietvedībā)", "Kopsavilkums",
                 "1 Ārlietu ministrija, „Kāpēc Latvijai ir svarīgi kļūt"):
        assert text in first
    assert "Adresāts" not in first


def test_running_header_on_later_pages(pdfs):
    for text in pdfs["general"][1:]:
        assert text.startswith("Latvijas Republikas Ārlietu ministrija Vispārpieejama informācija")


def test_recipient_copies_name_their_addressee(pdfs):
    assert "ADRESĀTS Finanšu ministrija Latvijas kandidatūra" in pdfs["finance"][0]
    assert "ADRESĀTS Latvijas Investīciju un attīstības aģentūra" in pdfs["liaa"][0]
    assert "ADRESĀTS" not in " ".join(pdfs["general"]).upper()


def test_whole_text_in_reading_order(pdfs):
    text = " ".join(pdfs["general"])
    order = ["Kopsavilkums", "Pamatinformācija", "Kāpēc dalība ANO Drošības padomē ir svarīga",
             "Latvijas prioritātes ANO", "Miera uzturēšana", "Koordinācija", "1. visām ministrijām;",
             "5. Latvijas Investīciju un attīstības aģentūras.", "1. tabula.", "Laiks Notikums",
             "Turpmākie soļi", "1. Gatavošanās ANO Drošības padomes vēlēšanām", "Avots",
             "Kontaktinformācija: Latvijas Republikas Ārlietu ministrija"]
    position = 0
    for part in order:  # each found after the one before
        position = text.index(part, position) + len(part)
