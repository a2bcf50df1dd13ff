"""`presskit new`: the neutral starter (options, safe YAML, placeholder text, what it copies), its
first builds, and issue 14's "Done when": an English-source project of another organisation, made
with `presskit new`, builds in en, de and fr without one Latvian word or letter."""

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import run
from presskit.source.config import load_config
from presskit.source.content import load_document
from presskit.source.scaffold import STARTER, starter, starter_options

LANGS = ("en", "de", "fr")
PLACEHOLDERS = yaml.safe_load((STARTER / "placeholders.yaml").read_text(encoding="utf-8"))


def new(root: Path, *options: str, title: str = "Books on the Move", organisation: str = "Northfield Library Trust"):
    return run("new", root, *options, "--title", title, "--organisation", organisation)


# ---- options and their errors ----------------------------------------------------------------------

def test_missing_options_name_all_of_them_and_the_example(tmp_path):
    proc = run("new", tmp_path / "x")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: presskit new: missing --source-language, --title, --organisation — e.g. "
                                  "presskit new DIR --source-language en")
    assert "--example" in proc.stderr
    assert not (tmp_path / "x").exists()


def test_bad_options_are_reported_together(tmp_path):
    proc = run("new", tmp_path / "x", "--source-language", "xx", "--languages", "en,qq", "--title", " ",
               "--organisation", "a\x1b[2Jb")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: --source-language: unknown language code 'xx' — use a code Babel knows: en, de, fr, es, lv, pt_BR, zh_Hant …",
        "error: --languages: unknown language code 'qq' — use a code Babel knows: en, de, fr, es, lv, pt_BR, zh_Hant …",
        "error: --title: is empty — give the text in quotes, e.g. --title \"Open data week\"",
        "error: --organisation: holds a control character (a line break, tab or escape) — give it on one line without them",
    ]
    assert not (tmp_path / "x").exists()


def test_example_takes_no_starter_options(tmp_path):
    proc = run("new", tmp_path / "x", "--example", "--title", "T")
    assert proc.returncode == 2
    assert "--example copies the example campaign as it is: --title would be ignored" in proc.stderr


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_refuses_a_file_or_a_non_empty_folder(tmp_path, kind):
    target = tmp_path / "x"
    if kind == "file":
        target.write_text("mine")
    else:
        target.mkdir()
        (target / "keep.txt").write_text("mine")
    proc = new(target, "--source-language", "en")
    assert proc.returncode == 2
    reason = "is a file, not a folder" if kind == "file" else "folder exists and is not empty"
    assert proc.stderr == f"error: {target}: {reason} — choose a new folder name\n"


def test_source_language_is_added_and_codes_take_babels_spelling():
    options = starter_options("de-AT", "fr,en,fr,", "T", "O")
    assert (options.source_language, options.languages) == ("de_AT", ("de_AT", "fr", "en"))


# ---- what the starter holds ------------------------------------------------------------------------

NASTY = ['Open: "Data" for all #1', "yes", "no", "123", "2021-07-02", "null", "~", "- x", "[a, b]", "{a: b}",
         "&anchor *alias !tag %x @y `z`", "'quoted'", "back\\slash ${title} $title", "Ā ķ ж 中文 العربية 🚀",
         "  padded  ", "a — b … «c» „d“", "x\u2028y"]


@pytest.mark.parametrize("text", NASTY)
def test_any_title_and_organisation_reach_yaml_unchanged(tmp_path, text):
    root = tmp_path / "p"
    starter(root, starter_options("en", "en,no", text, "Org " + text))
    campaign = load_config(root)
    assert (campaign.title, campaign.organisation) == (text.strip(), ("Org " + text).strip())
    assert campaign.languages == ["en", "no"]  # Norwegian: YAML 1.1 would read a bare no as false
    for name in ("brochure.md", "briefing.md", "handout.md"):
        assert load_document(root / "content" / name, root).meta["title"] == text.strip()


def test_starter_is_complete(tmp_path):
    root = tmp_path / "p"
    proc = new(root, "--source-language", "en", "--languages", "en,de,fr")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "  created content/translations/de.po: 21 messages to translate",
        "  created content/translations/fr.po: 21 messages to translate",
        f"presskit: created {root}; edit {root / 'content'}, then build it with: presskit build --draft --root {root}",
    ]
    # The DOCX house style is made from the brand at build time; scripts/make_reference_docx writes
    # it out as templates/briefing/reference.docx for restyling in Word.
    for part in ("templates/brochure/brochure.html.j2", "templates/briefing/briefing.html.j2",
                 "templates/handout/handout.css", "templates/shared/palette.css", "scripts/make_reference_docx",
                 ".gitignore"):
        assert (root / part).is_file(), part
    campaign = load_config(root)
    assert {name: (o.format, o.languages) for name, o in campaign.outputs.items()} == {
        "brochure": ("pdf", list(LANGS)), "briefing": ("docx", list(LANGS)), "handouts": ("pdf", list(LANGS))}
    assert campaign.warnings == []
    assert run("i18n", "update", "--root", root).stdout.count("unchanged") == 2  # the same code wrote them


def test_every_key_of_campaign_yaml_has_a_comment(tmp_path):
    root = tmp_path / "p"
    starter(root, starter_options("en", None, "T", "O"))
    lines = (root / "content" / "campaign.yaml").read_text().splitlines()
    keys = [i for i, line in enumerate(lines) if re.match(r"\s*[a-z_]+:", line)]
    for i in keys:
        key = lines[i].split(":")[0].strip()
        commented = lines[i - 1].lstrip().startswith("#") or "#" in lines[i] or key in OUTPUT_KEYS
        assert commented, f"campaign.yaml:{i + 1}: {lines[i]}"
    assert "# brand: colours, fonts and logo — see docs/brand.md" in lines


OUTPUT_KEYS = {"document", "template", "format", "languages", "stem", "editions", "booklet"}  # one comment above


@pytest.mark.parametrize("lang", sorted(PLACEHOLDERS))
def test_placeholder_text_is_in_the_source_language(tmp_path, lang):
    assert set(PLACEHOLDERS[lang]) == set(PLACEHOLDERS["en"])
    root = tmp_path / "p"
    assert starter(root, starter_options(lang, None, "T", "O")) is True
    handout = (root / "content" / "handout.md").read_text()
    assert PLACEHOLDERS[lang]["message1"] in handout and PLACEHOLDERS[lang]["messages"] in handout
    assert "English placeholder text" not in (root / "content" / "campaign.yaml").read_text()


def test_other_languages_get_english_placeholders_and_say_so(tmp_path):
    root = tmp_path / "p"
    proc = new(root, "--source-language", "ja")
    assert proc.returncode == 0, proc.stderr
    assert "note: presskit has no placeholder text in 'ja': the documents hold English text" in proc.stderr
    assert PLACEHOLDERS["en"]["summary_text"] in (root / "content" / "brochure.md").read_text()
    assert ("# The documents in content/ hold English placeholder text: presskit has none in 'ja'."
            in (root / "content" / "campaign.yaml").read_text())


def test_example_is_the_latvian_campaign(tmp_path):
    proc = run("new", tmp_path / "x", "--example")
    assert proc.returncode == 0, proc.stderr
    assert load_config(tmp_path / "x").source_language == "lv"
    assert (tmp_path / "x" / "scripts" / "make_reference_docx").is_file()


# ---- builds ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_starter_builds_in_draft_and_names_each_missing_translation(tmp_path):
    root = tmp_path / "p"
    new(root, "--source-language", "en", "--languages", "en,de,fr")
    run("build", "--draft", "--root", root, check=True)
    assert len(list((root / "build").rglob("*.pdf")) + list((root / "build").rglob("*.docx"))) == 15
    proc = run("build", "--root", root)
    assert proc.returncode == 1
    errors = proc.stderr.splitlines()
    allowed = re.compile(r"error: (content/translations/(de|fr)\.po:\d+: untranslated segment from content/\w+\.(md|yaml):\d+: "
                         r"“.*” — translate it|build/\S+-(de|fr)(-screen)?\.(pdf|docx): \d+ segment\(s\) not translated "
                         r"into (de|fr) — translate them, or build with --draft .*)$")
    assert errors and [e for e in errors if not allowed.match(e)] == []
    assert any("content/translations/de.po" in e for e in errors) and any("content/translations/fr.po" in e for e in errors)


HANDOUT = """---
title: Books on the Move
subtitle: A mobile library for the villages of the Northfield valley
kicker: Fact sheet
---

# Key messages

- Our library van visits 12 villages every fortnight.
- Anyone can borrow books, audiobooks and games free of charge.
- Volunteers help older readers to use the online catalogue.

# How it works

The van stops in each village square for two hours. Readers can return books at any stop.

# Get involved

Volunteers are always welcome. Write to us to join a route.
"""

BROCHURE = """---
title: Books on the Move
subtitle: A mobile library for the villages of the Northfield valley
pull_quote: Readers can return books at any stop.
facts_title: In figures
fact1_figure: 12
fact1_text: villages on the route
fact2_figure: 4000
fact2_text: books on board
---

# Why a mobile library

Many villages in the valley have lost their bus service. The van brings the library to them.[^survey]

[^survey]: Survey of 300 households, spring 2025.

# How it works

The van stops in each village square for two hours. Readers can return books at any stop.

# Get involved

Volunteers are always welcome. Write to us to join a route.
"""

BRIEFING = """---
title: Books on the Move
subtitle: A mobile library for the villages of the Northfield valley
date: 2026-03-01
reference: NCLT/2026/07
classification: Public
contact: Northfield Library Trust
keywords: library, villages, reading
---

# Summary

Our library van visits 12 villages every fortnight.[^survey]

- Anyone can borrow books, audiobooks and games free of charge.
- Volunteers help older readers to use the online catalogue.

[^survey]: Survey of 300 households, spring 2025.

# Next steps

The trust asks the county council to fund a second van.
"""

# msgid: (German, French)
TRANSLATIONS = {
    "Books on the Move": ("Bücher unterwegs", "Des livres en route"),
    "Northfield Library Trust": ("Bibliotheksstiftung Northfield", "Fondation des bibliothèques de Northfield"),
    "A mobile library for the villages of the Northfield valley": (
        "Eine Fahrbibliothek für die Dörfer des Northfield-Tals",
        "Une bibliothèque itinérante pour les villages de la vallée de Northfield"),
    "Readers can return books at any stop.": ("Bücher können an jeder Haltestelle zurückgegeben werden.",
                                              "Les lecteurs peuvent rendre les livres à chaque arrêt."),
    "In figures": ("In Zahlen", "En chiffres"),
    "villages on the route": ("Dörfer auf der Route", "villages sur le parcours"),
    "books on board": ("Bücher an Bord", "livres à bord"),
    "Why a mobile library": ("Warum eine Fahrbibliothek", "Pourquoi une bibliothèque itinérante"),
    "Many villages in the valley have lost their bus service. The van brings the library to them.[^survey]": (
        "Viele Dörfer im Tal haben keinen Busanschluss mehr. Der Bücherbus bringt die Bibliothek zu ihnen.[^survey]",
        "De nombreux villages de la vallée n’ont plus de bus. Le bibliobus leur apporte la bibliothèque.[^survey]"),
    "How it works": ("So funktioniert es", "Comment ça marche"),
    "The van stops in each village square for two hours. Readers can return books at any stop.": (
        "Der Bücherbus hält zwei Stunden auf jedem Dorfplatz. Bücher können an jeder Haltestelle zurückgegeben werden.",
        "Le bibliobus s’arrête deux heures sur la place de chaque village. Les lecteurs peuvent rendre les livres "
        "à chaque arrêt."),
    "Get involved": ("Machen Sie mit", "Participez"),
    "Volunteers are always welcome. Write to us to join a route.": (
        "Ehrenamtliche sind immer willkommen. Schreiben Sie uns, um eine Route zu begleiten.",
        "Les bénévoles sont toujours les bienvenus. Écrivez-nous pour rejoindre un parcours."),
    "Survey of 300 households, spring 2025.": ("Umfrage unter 300 Haushalten, Frühjahr 2025.",
                                               "Enquête auprès de 300 ménages, printemps 2025."),
    "NCLT/2026/07": ("NCLT/2026/07", "NCLT/2026/07"),
    "Public": ("Öffentlich", "Public"),
    "library, villages, reading": ("Bibliothek, Dörfer, Lesen", "bibliothèque, villages, lecture"),
    "Summary": ("Zusammenfassung", "Résumé"),
    "Our library van visits 12 villages every fortnight.[^survey]": (
        "Unser Bücherbus besucht alle zwei Wochen 12 Dörfer.[^survey]",
        "Notre bibliobus dessert 12 villages tous les quinze jours.[^survey]"),
    "Our library van visits 12 villages every fortnight.": ("Unser Bücherbus besucht alle zwei Wochen 12 Dörfer.",
                                                            "Notre bibliobus dessert 12 villages tous les quinze jours."),
    "Anyone can borrow books, audiobooks and games free of charge.": (
        "Alle können kostenlos Bücher, Hörbücher und Spiele ausleihen.",
        "Chacun peut emprunter gratuitement des livres, des livres audio et des jeux."),
    "Volunteers help older readers to use the online catalogue.": (
        "Ehrenamtliche helfen älteren Menschen beim Online-Katalog.",
        "Des bénévoles aident les lecteurs âgés à utiliser le catalogue en ligne."),
    "Next steps": ("Nächste Schritte", "Prochaines étapes"),
    "The trust asks the county council to fund a second van.": (
        "Die Stiftung bittet den Kreistag, einen zweiten Bücherbus zu finanzieren.",
        "La fondation demande au conseil du comté de financer un second bibliobus."),
    "Fact sheet": ("Faktenblatt", "Fiche d’information"),
    "Key messages": ("Kernbotschaften", "Messages clés"),
}

LATVIAN_LETTERS = re.compile("[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")
LATVIAN_WORDS = re.compile(r"\b(Saturs|Publicēts|Lapa|Piezīmes|Avots|Vairāk|informācijas|Datums|Numurs|Pieejamība|"
                           r"Kontaktinformācija|Adresāts|MELNRAKSTS|latviešu|letton|Lettisch|Latvian)\b")


def fill_catalog(path: Path, column: int) -> None:
    """Translate every entry of *path* from TRANSLATIONS, written by presskit's own PO writer."""
    from babel.messages.pofile import read_po

    from presskit.i18n.update import catalog_bytes

    catalog = read_po(io.BytesIO(path.read_bytes()))
    for message in catalog:
        if message.id:
            message.string = TRANSLATIONS[message.id][column]
    path.write_bytes(catalog_bytes(catalog))


def visible_text(path: Path) -> str:
    """What a reader sees: pdftotext of a PDF; the document, headers, footers, footnotes and properties of a DOCX."""
    if path.suffix == ".pdf":
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes)\.xml|"
                                                           r"docProps/(core|app)\.xml", n)]
        assert "word/document.xml" in parts and "docProps/core.xml" in parts
        return "\n".join(z.read(n).decode() for n in parts)


@pytest.mark.slow
def test_done_when_an_english_project_builds_in_en_de_fr_without_latvian(tmp_path):
    root = tmp_path / "library"
    assert new(root, "--source-language", "en", "--languages", "en,de,fr").returncode == 0
    for name, text in (("handout.md", HANDOUT), ("brochure.md", BROCHURE), ("briefing.md", BRIEFING)):
        (root / "content" / name).write_text(text, encoding="utf-8")
    run("i18n", "update", "--root", root, check=True)
    for column, lang in enumerate(("de", "fr")):
        fill_catalog(root / "content" / "translations" / f"{lang}.po", column)
    run("build", "--root", root, check=True)  # no --draft: every translation is there

    files = sorted(p for p in (root / "build").rglob("*") if p.suffix in (".pdf", ".docx"))
    expected = {f"{stem}-{lang}{ed}.pdf" for stem in ("brochure", "handout") for lang in LANGS for ed in ("", "-screen")}
    assert {p.name for p in files} == expected | {f"briefing-{lang}.docx" for lang in LANGS}
    for path in files:
        text = visible_text(path)
        rel = path.relative_to(root)
        assert not LATVIAN_LETTERS.search(text), f"{rel}: {LATVIAN_LETTERS.findall(text)}"
        assert not LATVIAN_WORDS.search(text), f"{rel}: {LATVIAN_WORDS.findall(text)}"
        lang = path.stem.split("-")[1]
        assert {"en": "Books on the Move", "de": "Bücher unterwegs", "fr": "Des livres en route"}[lang] in text, rel

    handouts = [p.relative_to(root) for p in files if p.name.startswith("handout")]
    config = root / "content" / "campaign.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    del data["outputs"]["handouts"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    proc = run("build", "--root", root, check=True)
    for rel in handouts:
        assert f"  removed {rel} (no longer in the configuration)" in proc.stdout
        assert not (root / rel).exists()
    assert (root / "build" / "brochure" / "brochure-fr.pdf").is_file()
