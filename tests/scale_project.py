"""A generated project at the scale a real campaign reaches: a brochure of ~120 A5 pages (60
chapters, so its contents list runs over a page) in ten languages, with partly translated catalogs.

The text is made of invented Latvian-looking sentences from a fixed word list (seeded, so every run
makes the same project): no facts, nothing a test could tune itself to.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = ["lv", "en", "de", "fr", "es", "it", "pl", "lt", "et", "ru"]
VOCABULARY = ("ezers krasts ūdens kvalitāte novads iedzīvotāji darba grupa plāns pārbaude vasara skola "
              "bibliotēka biedrība sadarbība dabas mantojums atpūta tūrisms zivis putni dzīvotne veselība "
              "lauksaimniecība piesārņojums mazināšana aizsardzība attīrīšana ministrija pašvaldība pētījums "
              "mērījums rezultāts ziņojums sanāksme lēmums uzdevums mērķis iespēja atbildība nākotne")
WORDS = VOCABULARY.split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(4, 6)))


def brochure(chapters: int = 60, seed: int = 7) -> str:
    """The brochure's Markdown: *chapters* level-1 sections of paragraphs, lists and now and then a table."""
    rng = random.Random(seed)
    parts = ["---\ntitle: Ezeru grāmata\nsubtitle: Izdomāts garš dokuments mēroga pārbaudei\n"
             "published: 2024-03-15\n---\n"]
    for n in range(1, chapters + 1):
        parts.append(f"# {n}. nodaļa: {sentence(rng, 3)[:-1]}\n")
        parts += [paragraph(rng) + "\n" for _ in range(3)]
        if n % 3 == 0:
            parts.append("".join(f"- {sentence(rng, 5)}\n" for _ in range(4)))
        if n % 5 == 0:
            parts.append(f": {n}. tabula. {sentence(rng, 4)}\n\n| Gads | Rezultāts |\n| --- | --- |\n"
                         + "".join(f"| {2000 + i} | {sentence(rng, 4)} |\n" for i in range(3)))
    return "\n".join(parts)


def campaign_yaml() -> str:
    langs = ", ".join(LANGUAGES)
    return f"""title: Ezeru grāmata
organisation: Piemēra ministrija
source_language: lv
languages: [{langs}]
date: 2024-03-15
source_url: https://example.org/lv/ezeri
outputs:
  brochure:
    document: brochure.md
    template: brochure
    format: pdf
    languages: [{langs}]
    editions: [screen]
print:
  fonts: [Noto Serif, Noto Sans, Noto Serif CJK SC, Noto Sans CJK SC, Noto Naskh Arabic, Noto Sans Arabic]
"""


def make_scale_project(root: Path, chapters: int = 60) -> Path:
    """Write the project under *root* (content/ and the repository's templates/)."""
    (root / "content").mkdir(parents=True)
    (root / "content" / "campaign.yaml").write_text(campaign_yaml(), encoding="utf-8")
    (root / "content" / "brochure.md").write_text(brochure(chapters), encoding="utf-8")
    shutil.copytree(REPO / "templates", root / "templates",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    return root
