"""The wording of the fixture project (tests/fixtures/project), defined once for every test.

The fixture is an invented campaign of an imaginary "Example Ministry" (Piemēra ministrija), written
in Latvian for the tests, with complete translations. Tests may assert its text word for word;
they take it from here (or read it from the fixture files), never from the repository's content/,
whose wording belongs to the real campaign and may change at any time.

Each text constant is copied from a fixture file; test_fixture_project.py checks that it still is,
so an edit to the fixture that forgets this module fails there, with the constant's name. What the
outputs make of the text (capitals, dates, quotation marks, page numbers) is spelled out here too.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"
CONTENT = FIXTURE / "content"
LANGUAGES = ["lv", "en", "fr", "es", "ru", "ar", "zh"]

# ---- content/campaign.yaml ----------------------------------------------------------------------
TITLE = "Tīri ezeri Piemēra novadā"
SUBTITLE = "Izdomāta kampaņa, ko presskit testi izmanto kā paraugprojektu"
ORGANISATION = "Piemēra ministrija"
SOURCE_URL = "https://example.org/lv/tīri-ezeri-piemērs"
SOURCE_URL_ENCODED = "https://example.org/lv/t%C4%ABri-ezeri-piem%C4%93rs"  # as a URI (DOCX relationships)
DATE = dt.date(2024, 3, 15)
# The campaign date as Babel writes it in each language.
DATES = {"lv": "2024. gada 15. marts", "en": "15 March 2024", "fr": "15 mars 2024", "es": "15 de marzo de 2024",
         "ru": "15 марта 2024 г.", "ar": "15 مارس 2024", "zh": "2024年3月15日"}
# The title in each language (translations/*.po): the first words of each handout.
TITLES = {"lv": TITLE, "en": "Clean Lakes in Example County", "fr": "Des lacs propres dans le comté d’Exemple",
          "es": "Lagos limpios en el condado de Ejemplo", "ru": "Чистые озёра в Примерном крае",
          "ar": "بحيرات نظيفة في مقاطعة المثال", "zh": "示例县的清洁湖泊"}
ORGANISATIONS = {"lv": ORGANISATION, "en": "Example Ministry", "fr": "Ministère de l’Exemple"}

# ---- content/brochure.md ------------------------------------------------------------------------
CHAPTERS = ["Ezeri — novada dabas bagātība", "Ūdens kvalitāte un veselība", "Iedzīvotāju iesaiste",
            "Sadarbība ar skolām", "Plānošana un koordinācija"]
FACTS_TITLE = "Fakti"
FACTS_TITLE_EN = "Facts"
FACTS = [("2019", "Kopš 2019. gada Piemēra ministrija katru vasaru pārbauda ūdens kvalitāti divdesmit novada ezeros."),
         ("2023", "Ministrija 2023. gada nogalē izveidoja darba grupu, kuras uzdevums ir saskaņot ezeru "
                  "apsaimniekošanas plānus."),
         ("Visi novadi", "un to skolas, bibliotēkas un brīvprātīgo biedrības: to pārstāvji ir darba grupas sastāvā.")]
PULL_QUOTE = "Tīrs ezers ir kopīgs darbs, un katrs novada iedzīvotājs var tajā piedalīties."
BROCHURE_LIST_ITEM = "notekūdeņu attīrīšana;"  # the first item of chapter 2's list
# The page plan: cover, contents, chapters 1-2, key facts, chapters 3-5, back cover: 9 pages. The
# print booklet needs 4n, so chapter 4 runs on below chapter 3 (the shortest fit); the pull quote
# (from chapter 3), set in chapter 5, would then face its sentence, so it moves to chapter 1.
CHAPTER_PAGES = [3, 4, 6, 6, 7]  # the folio of each chapter's page (print)
FACTS_PAGE = 5
PULL_QUOTE_PAGE = 3
BROCHURE_PRINT_PAGES = 8
BROCHURE_SCREEN_PAGES = 9


def brochure_chapters() -> list[tuple[str, list[str]]]:
    """(title, [paragraphs and list items]) of each chapter of the fixture brochure, as written."""
    body = (CONTENT / "brochure.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]
    chapters = []
    for part in re.split(r"^# ", body, flags=re.M)[1:]:
        title, _, text = part.partition("\n")
        items = [line.removeprefix("- ") for line in text.splitlines() if line.strip()]  # one line each
        chapters.append((title, items))
    return chapters


# ---- content/handout.md -------------------------------------------------------------------------
HANDOUT_HEADINGS = ["Galvenās vēstis", "Par kampaņu", "Kampaņas darba kārtībā"]
HANDOUT_MESSAGES = ["Piemēra ministrija aizsargā novada ezerus un to krastus.",
                    "Kampaņas virsmērķis ir saglabāt ezeru ekosistēmu līdzsvaru.",
                    "Iedzīvotāji un skolas var piedalīties ūdens kvalitātes novērošanā.",
                    "Kopš 2019. gada ministrija katru vasaru pārbauda divdesmit ezerus."]
NUMBERED_MESSAGE = HANDOUT_MESSAGES[3]  # the key message with a number (translation QA)
NUMBER = "2019"
# The back page's two body paragraphs.
HANDOUT_BODY = ["Kampaņa „Tīri ezeri“ ir izdomāts piemērs, kas apraksta, kā ministrija varētu sadarboties ar "
                "pašvaldībām, skolām un vides biedrībām, lai aizsargātu ūdenstilpes, atjaunotu piekrastes pļavas un "
                "attīstītu ilgtspējīgu tūrismu visā novadā.",
                "Tīrs ūdens ir priekšnoteikums gan zivju un putnu dzīvotnēm, gan cilvēku veselībai, tāpēc ministrija "
                "atbalsta notekūdeņu attīrīšanu, krastu aizsardzību un regulāru ūdens paraugu ņemšanu."]
HANDOUT_ITEM = "Krastu aizsardzība"  # an item of the last list
HANDOUT_ITEM_RU = "Защита берегов"
# Segments of handout.md (title, subtitle, kicker, 3 headings, 8 list items, 3 paragraphs, 1 quote).
HANDOUT_SEGMENTS = 18
# Handout texts in other languages (translations/*.po).
HANDOUT_EN_MESSAGE = "Since 2019, the Ministry has tested twenty lakes every summer."
HANDOUT_EN_BODY_2 = ("Clean water is a precondition both for the habitats of fish and birds and for human health, "
                     "which is why the Ministry supports wastewater treatment, shore protection and regular water "
                     "sampling.")
HANDOUT_FR_AGENDA_HEADING = "À l’ordre du jour de la campagne"
HANDOUT_FR_AGENDA_END = "plans du comté\u00a0:"  # French: a no-break space before the colon
HANDOUT_AR_MESSAGE = "تحمي وزارة المثال بحيرات المقاطعة وشواطئها."
HANDOUT_AR_BODY_START = "المياه النظيفة شرط أساسي لموائل الأسماك والطيور"
HANDOUT_ZH_BODY_START = "清洁的水既是鱼类和鸟类栖息地"
HANDOUT_ZH_AGENDA = "该部积极主张将以下工作纳入本县规划："  # ends in a full-width colon
# The handout's quotation, opened with each language's quotation mark.
QUOTE_OPENINGS = {"lv": "„Tīrs", "en": "“A clean", "fr": "«\u202fUn lac", "es": "«Un lago", "ru": "«Чистое",
                  "ar": "«البحيرة", "zh": "“清洁的湖泊"}

# ---- content/briefing.md ------------------------------------------------------------------------
BRIEFING_TITLE = "Piemēra ministrijas ziņojums par ezeru aizsardzību"
BRIEFING_SUBTITLE = "Informatīvs ziņojums novada iestādēm (testa dokuments)"
BRIEFING_REFERENCE = "Nr. ____ (aizpilda lietvedībā)"
BRIEFING_CLASSIFICATION = "Vispārpieejama informācija"
BRIEFING_KEYWORDS = "ezeri, ūdens kvalitāte, izdomāts testa projekts"
BRIEFING_HEADINGS_1 = ["Kopsavilkums", "Pamatinformācija", "Turpmākie soļi", "Avots"]
BRIEFING_HEADINGS_2 = ["Kāpēc ezeri ir svarīgi", "Ministrijas prioritātes", "Ūdens paraugi", "Koordinācija"]
BRIEFING_HEADINGS_3 = ["Jautājumi, ko ministrija jau risina"]
BRIEFING_QUOTE = PULL_QUOTE
BRIEFING_CAPTION = "1. tabula. Notikumi, kas minēti šajā izdomātajā ziņojumā"
BRIEFING_TABLE_HEADER = ["Laiks", "Notikums"]
BRIEFING_TABLE_ROWS = 3
BRIEFING_BULLETS = 8  # two bulleted lists of four
BRIEFING_FIRST_BULLET = "Piemēra ministrija aizsargā novada ezerus"
BRIEFING_NUMBERED = [4, 3]  # two numbered lists: each restarts at 1
BRIEFING_NUMBERED_ITEMS = ["visiem novadiem;", "brīvprātīgo biedrībām.",  # the first list's first and last
                           "Darba grupa saskaņo ezeru apsaimniekošanas plānus", "Tiek izstrādātas"]  # the second's
BRIEFING_INTERNAL_LINK = ("Turpmākie soļi", "turpmakie_soli")  # text, bookmark
BRIEFING_FOOTNOTE = (f"{ORGANISATION}, „{TITLE}“, publicēts 15.03.2024., {SOURCE_URL}.")
BRIEFING_SIGNATORY = ("Valsts sekretāre", "Anna Paraudziņa")  # position, name: the signature block
BRIEFING_CONTACT_PERSON = ("Jānis Piemērs", "+371 60 000 000", "janis.piemers@example.org")  # name, phone, e-mail
# The contact block as python-docx reads it (its line break as "\n").
BRIEFING_CONTACT = "{}, {}\n{}".format(*BRIEFING_CONTACT_PERSON)
BRIEFING_PAGES = 2  # as LibreOffice lays the general copy and every recipient copy out

# ---- content/recipients.yaml --------------------------------------------------------------------
RECIPIENTS = {"udens-departaments": "Ūdens departaments", "finansu-nodala": "Finanšu nodaļa",
              "piemera-novada-ezeru-parvalde": "Piemēra novada Ezeru pārvalde un zinātnes centrs"}
# The names in the Latvian dative (name_dative): the addressee line of a Latvian copy.
RECIPIENTS_DATIVE = {"udens-departaments": "Ūdens departamentam", "finansu-nodala": "Finanšu nodaļai",
                     "piemera-novada-ezeru-parvalde": "Piemēra novada Ezeru pārvaldei un zinātnes centram"}
RECIPIENT = "finansu-nodala"  # the copy tests open
LONG_RECIPIENT = "piemera-novada-ezeru-parvalde"  # a name that takes more than a line in a narrow column


def recipient_copy(slug: str, lang: str = "lv") -> str:
    """The build/ path of a recipient's copy of the briefing."""
    return f"build/briefing/recipients/briefing-{lang}-{slug}.docx"


# Where each constant comes from, for test_fixture_project.py: (file, source-language texts) and
# (catalog, translations).
SOURCES = {
    "campaign.yaml": [TITLE, SUBTITLE, ORGANISATION, SOURCE_URL, DATE.isoformat()],
    "brochure.md": [TITLE, SUBTITLE, *CHAPTERS, FACTS_TITLE, *(f for fact in FACTS for f in fact), PULL_QUOTE,
                    BROCHURE_LIST_ITEM],
    "handout.md": [TITLE, SUBTITLE, *HANDOUT_HEADINGS, *HANDOUT_MESSAGES, *HANDOUT_BODY, PULL_QUOTE,
                   f"- {HANDOUT_ITEM}"],
    "briefing.md": [BRIEFING_TITLE, BRIEFING_SUBTITLE, BRIEFING_REFERENCE, BRIEFING_CLASSIFICATION, BRIEFING_KEYWORDS,
                    *(f"# {h}\n" for h in BRIEFING_HEADINGS_1), *(f"## {h}\n" for h in BRIEFING_HEADINGS_2),
                    *(f"### {h}\n" for h in BRIEFING_HEADINGS_3), f"> {BRIEFING_QUOTE}", f": {BRIEFING_CAPTION}",
                    "| Laiks | Notikums |", f"- {BRIEFING_FIRST_BULLET}", *BRIEFING_NUMBERED_ITEMS,
                    f"[{BRIEFING_INTERNAL_LINK[0]}](#turpmakie-soli)", f"[{TITLE}]({SOURCE_URL})",
                    f"signatory_position: {BRIEFING_SIGNATORY[0]}\nsignatory_name: {BRIEFING_SIGNATORY[1]}\n",
                    f"contact: {BRIEFING_CONTACT_PERSON[0]}\ncontact_phone: \"{BRIEFING_CONTACT_PERSON[1]}\"\n"
                    f"contact_email: {BRIEFING_CONTACT_PERSON[2]}\n", DATE.isoformat()],
    "recipients.yaml": [*(f"- slug: {slug}\n    name: {name}\n    name_dative: {RECIPIENTS_DATIVE[slug]}\n"
                          for slug, name in RECIPIENTS.items())],
}
TRANSLATIONS = {
    "en": {TITLE: TITLES["en"], ORGANISATION: ORGANISATIONS["en"], FACTS_TITLE: FACTS_TITLE_EN,
           NUMBERED_MESSAGE: HANDOUT_EN_MESSAGE, HANDOUT_BODY[1]: HANDOUT_EN_BODY_2},
    "fr": {TITLE: TITLES["fr"], ORGANISATION: ORGANISATIONS["fr"], HANDOUT_HEADINGS[2]: HANDOUT_FR_AGENDA_HEADING},
    "es": {TITLE: TITLES["es"]},
    "ru": {TITLE: TITLES["ru"], HANDOUT_ITEM: HANDOUT_ITEM_RU},
    "ar": {TITLE: TITLES["ar"], HANDOUT_MESSAGES[0]: HANDOUT_AR_MESSAGE},
    "zh": {TITLE: TITLES["zh"]},
}
# Parts of translations (a constant that is the start or the end of a msgstr).
TRANSLATION_PARTS = {
    "fr": {"Ministrija aktīvi iestājas par šādu darbu iekļaušanu novada plānos:": HANDOUT_FR_AGENDA_END,
           PULL_QUOTE: QUOTE_OPENINGS["fr"].removeprefix("«\u202f")},
    "ar": {HANDOUT_BODY[1]: HANDOUT_AR_BODY_START, PULL_QUOTE: QUOTE_OPENINGS["ar"].removeprefix("«")},
    "zh": {HANDOUT_BODY[1]: HANDOUT_ZH_BODY_START, "Ministrija aktīvi iestājas par šādu darbu iekļaušanu novada plānos:":
           HANDOUT_ZH_AGENDA, PULL_QUOTE: QUOTE_OPENINGS["zh"].removeprefix("“")},
    "en": {PULL_QUOTE: QUOTE_OPENINGS["en"].removeprefix("“")},
    "es": {PULL_QUOTE: QUOTE_OPENINGS["es"].removeprefix("«")},
    "ru": {PULL_QUOTE: QUOTE_OPENINGS["ru"].removeprefix("«")},
}
