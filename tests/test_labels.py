"""Template labels belong to presskit: English msgids, shipped translations, campaign overrides, and an
English-source project whose outputs carry no Latvian at all. Also the quotation marks from CLDR."""

import re
import shutil
import subprocess
import zipfile

import pytest
from babel.messages.pofile import read_po

from conftest import REPO, run
from presskit.i18n.catalogs import load_localizer
from presskit.i18n.labels import LABELS_DIR, label_catalog, shipped_languages
from presskit.i18n.update import template_strings
from presskit.languages import language

LATVIAN_LETTERS = re.compile("[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")
# Words of the labels as they were built into the templates, and the French handout's old note.
LATVIAN_WORDS = ["Saturs", "Publicēts", "Piezīmes", "Avots", "Vairāk informācijas", "Datums", "Numurs",
                 "Pieejamība", "Kontaktinformācija", "Adresāts", "Lapa", "MELNRAKSTS", "letton", "Lettisch"]
EU_LANGUAGES = {"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
                "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv"}
PLACEHOLDER = re.compile(r"\{\w+\}")


def repo_labels():
    """Every t()/_() string of the repository's templates."""
    return {text for name in ("brochure", "briefing", "handout") for _, _, text in template_strings(REPO, name)}


def test_template_labels_are_english():
    labels = repo_labels()
    assert {"Contents", "Published: {date}", "DRAFT",
            "Source text in {language}:"} <= labels
    assert not [text for text in labels if LATVIAN_LETTERS.search(text) or not text.isascii()]


def test_every_shipped_catalog_translates_every_label():
    """Fails when a template gains a label nobody translated (add it to every i18n/labels/*.po)."""
    labels = repo_labels()
    assert EU_LANGUAGES | {"ru", "ar", "zh"} <= set(shipped_languages())
    for lang in shipped_languages():
        with open(LABELS_DIR / f"{lang}.po", "rb") as fh:
            catalog = read_po(fh, locale=lang, abort_invalid=True)
        messages = {m.id: m for m in catalog if m.id}
        assert set(messages) == labels, (lang, labels ^ set(messages))
        for msgid, message in messages.items():
            assert message.string and not message.fuzzy, (lang, msgid)
            assert sorted(PLACEHOLDER.findall(message.string)) == sorted(PLACEHOLDER.findall(msgid)), (lang, msgid)
            assert message.string == message.string.strip(), (lang, msgid)
        if shutil.which("msgfmt"):
            proc = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(LABELS_DIR / f"{lang}.po")],
                                  capture_output=True, text=True)
            assert proc.returncode == 0 and not proc.stderr, (lang, proc.stderr)


def test_latvian_keeps_its_wording_and_english_is_the_msgid():
    lv, en = label_catalog("lv"), label_catalog("en")
    assert lv is not None and en is not None
    assert lv.messages["Contents"] == "Saturs"
    assert lv.messages["Published: {date}"] == "Publicēts: {date}"
    assert lv.messages["DRAFT"] == "MELNRAKSTS"
    assert all(en.messages[msgid] == msgid for msgid in en.messages)


def test_lookup_order(project):
    """Campaign override → presskit's catalog (the source language too) → error; {language} filled."""
    source = load_localizer(project, "lv", "lv")
    assert source.gettext("Contents") == "Saturs"
    assert source.gettext("Source text in {language}:") == "Avota teksts latviešu valodā:"
    assert not source.missing
    fr = load_localizer(project, "fr", "lv")
    assert fr.gettext("Source text in {language}:") == "Texte source en letton\u00a0:"
    assert load_localizer(project, "de", "en").gettext("Source text in {language}:") == "Originaltext auf Englisch:"
    assert load_localizer(project, "pt_BR", "lv").gettext("Contents") == "Índice"  # region falls back to pt
    catalog = project / "content" / "translations" / "en.po"
    catalog.write_text(catalog.read_text() + '\nmsgid "Contents"\nmsgstr "In this brochure"\n')
    en = load_localizer(project, "en", "lv")
    assert en.gettext("Contents") == "In this brochure"
    assert en.gettext("Notes") == "Notes"
    assert not en.missing


def test_override_in_the_catalog_wins_and_update_keeps_it(project):
    path = project / "content" / "translations" / "fr.po"
    path.write_text(path.read_text() + '\n#. template\nmsgid "More information"\nmsgstr "En savoir plus"\n')
    run("i18n", "update", "--lang", "fr", "--root", project, check=True)
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale="fr")
    assert catalog["More information"].string == "En savoir plus"
    assert "More information" not in catalog.obsolete
    assert "Contents" not in catalog and "Published: {date}" not in catalog  # presskit translates those
    assert load_localizer(project, "fr", "lv").gettext("More information") == "En savoir plus"


def test_a_language_without_labels_is_an_error_naming_them(project):
    config = project / "content" / "campaign.yaml"
    text = config.read_text().replace("languages: [lv, en, fr, es, ru, ar, zh]\ndate", "languages: [lv, en, ja]\ndate")
    config.write_text(text.replace("    languages: [lv, en, fr, es, ru, ar, zh]\n    editions: [print, screen]",
                                   "    languages: [ja]\n    editions: [print]"))
    translations = project / "content" / "translations"
    # The segments have a translation (English text stands in for Japanese); the labels have none.
    shutil.copy(translations / "en.po", translations / "ja.po")
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    shipped = ", ".join(shipped_languages())
    for label in ("More information", "Source text in {language}:", "Published: {date}"):
        assert (f"error: content/translations/ja.po: presskit has no Japanese (ja) translation of the template "
                f"label “{label}” — add msgid \"{label}\" with its Japanese msgstr to content/translations/ja.po "
                f"(presskit i18n update adds the entry); presskit ships labels for {shipped}") in proc.stderr
    assert "error: build/handouts/handout-ja.pdf: 3 segment(s) not translated into ja" in proc.stderr
    assert not (project / "build" / "handouts" / "handout-ja.pdf").exists()
    # i18n update adds exactly those three labels; translated, the handout builds.
    run("i18n", "update", "--lang", "ja", "--root", project, check=True)
    with open(translations / "ja.po", "rb") as fh:
        catalog = read_po(fh, locale="ja")
    new = [m for m in catalog if m.id and not m.string]
    assert sorted(m.id for m in new) == ["More information", "Published: {date}", "Source text in {language}:"]
    assert all(m.auto_comments == ["template label: presskit has no translation into ja"] for m in new)
    japanese = {"More information": "詳細情報", "Published: {date}": "発行日：{date}",
                "Source text in {language}:": "{language}の原文："}
    text = (translations / "ja.po").read_text()
    for msgid, msgstr in japanese.items():
        text = text.replace(f'msgid "{msgid}"\nmsgstr ""', f'msgid "{msgid}"\nmsgstr "{msgstr}"')
    (translations / "ja.po").write_text(text)
    run("build", "handouts", "-j1", "--root", project, check=True)
    pdf = subprocess.run(["pdftotext", str(project / "build" / "handouts" / "handout-ja.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "ラトビア語の原文：" in pdf  # {language}: Latvian, in Japanese (CLDR)


ENGLISH_BRIEFING = """---
title: Clean lakes in the Example Region
subtitle: A briefing for the region's institutions (test document)
date: 2024-03-15
reference: "No. ____ (filled in by the registry)"
classification: Public
contact: Example Ministry
keywords: lakes, water quality, invented test project
---

# Summary

- The Example Ministry protects the region's lakes.
- Water quality is checked every summer, and the results are public.

# Background

The campaign is invented: this briefing is a sample document for presskit's tests.
"""

ENGLISH_RECIPIENTS = """source: an invented list for presskit's tests
recipients:
  - slug: water-department
    name: Water Department
  - slug: finance-division
    name: Finance Division
"""


def english_source_project(root):
    """The fixture project rewritten as an English-source campaign in en, de and fr: its documents and
    campaign fields replaced by their English translations (fixture en.po), an English briefing and
    recipients, and German and French catalogs (English text stands in: the labels are what counts)."""
    content = root / "content"
    with open(content / "translations" / "en.po", "rb") as fh:
        english = sorted(((m.id, m.string) for m in read_po(fh) if m.id and m.string), key=lambda p: -len(p[0]))
    for name in ("brochure.md", "handout.md", "campaign.yaml"):
        text = (content / name).read_text()
        for source, translation in english:
            text = text.replace(source, translation)
        (content / name).write_text(text)
    (content / "briefing.md").write_text(ENGLISH_BRIEFING)
    (content / "recipients.yaml").write_text(ENGLISH_RECIPIENTS)
    config = (content / "campaign.yaml").read_text()
    config = config.replace("source_language: lv", "source_language: en")
    config = config.replace("https://example.org/lv/tīri-ezeri-piemērs", "https://example.org/en/clean-lakes")
    config = re.sub(r"(\nlanguages: )\[[^\]]*\]", r"\1[en, de, fr]", config)
    config = re.sub(r"(\n    languages: )\[[^\]]*\]", r"\1[en, de, fr]", config)
    config = config.replace("editions: [print, screen]", "editions: [print]")
    (content / "campaign.yaml").write_text(config)
    for po in (content / "translations").glob("*.po"):
        po.unlink()
    run("i18n", "update", "--root", root, check=True)
    for lang in ("de", "fr"):
        path = content / "translations" / f"{lang}.po"
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if message.id:
                message.string = message.id
        from presskit.i18n.update import catalog_bytes

        path.write_bytes(catalog_bytes(catalog))
    return root


@pytest.mark.slow
def test_english_source_project_has_no_latvian_anywhere(project):
    root = english_source_project(project)
    assert not LATVIAN_LETTERS.search("".join(p.read_text() for p in (root / "content").rglob("*.*")
                                              if p.suffix in {".md", ".yaml", ".po"}))
    run("build", "-j2", "--root", root, check=True)
    pdfs = sorted((root / "build").rglob("*.pdf"))
    docxs = sorted((root / "build").rglob("*.docx"))
    assert len(pdfs) == 6 and len(docxs) == 9  # brochure and handout × 3; briefing × 3 + 2 recipients × 3
    texts = {}
    for pdf in pdfs:
        texts[pdf.name] = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                         check=True).stdout
    for docx in docxs:
        with zipfile.ZipFile(docx) as archive:
            texts[docx.name] = "".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                                       if n.endswith(".xml"))
    for name, text in texts.items():
        assert not LATVIAN_LETTERS.search(text), (name, LATVIAN_LETTERS.findall(text)[:10])
        found = [word for word in LATVIAN_WORDS if word in text]
        assert not found, (name, found)
    assert "Published: 15 March 2024" in texts["handout-en.pdf"]
    assert "Source text in English:" in texts["handout-en.pdf"]
    assert "Originaltext auf Englisch:" in texts["handout-de.pdf"]
    assert "Veröffentlicht: 15. März 2024" in texts["handout-de.pdf"]
    assert "Texte source en anglais :" in texts["handout-fr.pdf"]  # pdftotext gives the no-break space as a space
    assert "Publié le 15 mars 2024" in texts["handout-fr.pdf"]
    # the briefing labels none of its requisites (a ministry document does not): the date in the
    # language's own format, a bare page number, the addressee's name as the recipients file gives it
    assert ">15 March 2024<" in texts["briefing-en.docx"] and ">15. März 2024<" in texts["briefing-de.docx"]
    assert " PAGE " in texts["briefing-de.docx"] and " NUMPAGES " not in texts["briefing-de.docx"]
    assert ">Water Department<" in texts["briefing-fr-water-department.docx"]


def test_quotes_come_from_cldr():
    # CLDR's marks (quotes.json, CLDR 48): Polish and Italian get their own, not English ones.
    assert language("pl").quotes == ("„", "”", "«", "»")
    assert language("it").quotes == ("«", "»", "“", "”")
    assert language("de").quotes == ("„", "“", "‚", "‘")
    assert language("de_AT").quotes == ("„", "“", "‚", "‘")
    assert language("zh_Hant").quotes == ("「", "」", "『", "』")
    assert language("nl").quotes == ("‘", "’", "‘", "’")
    # French: CLDR's guillemets, with the narrow no-break space inside that French typography adds.
    assert language("fr").quotes == ("«\u202f", "\u202f»", "«\u202f", "\u202f»")
    # Deliberate overrides (languages.QUOTE_OVERRIDES): CLDR gives lv “…”, es “…”, ar ”…“.
    assert language("lv").quotes == ("„", "“", "‚", "‘")
    assert language("es").quotes == ("«", "»", "“", "”")
    assert language("ar").quotes == ("«", "»", "“", "”")
    assert language("xx").quotes == ("“", "”", "‘", "’")  # CLDR's root


def test_dates_come_from_cldr():
    import datetime as dt

    from presskit.html.templates import format_date

    day = dt.date(2024, 3, 15)
    assert format_date(day, "pl") == "15 marca 2024"
    assert format_date(day, "it") == "15 marzo 2024"
    assert format_date(day, "lt") == "2024 m. kovo 15 d."
