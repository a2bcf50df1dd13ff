"""Translation memory: `i18n update` fills a new segment from a translation it already has (an obsolete
entry, or content/memory/<lang>.po) and says how many words are left to translate."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from conftest import run
from scale_project import make_scale_project

SENTENCE = "Kopš 2019. gada ministrija katru vasaru pārbauda ūdens kvalitāti divdesmit ezeros."
GERMAN = "Seit 2019 prüft das Ministerium jeden Sommer das Wasser von zwanzig Seen."


def project(tmp_path: Path, extra: str) -> Path:
    root = make_scale_project(tmp_path / "p", chapters=1)
    config = root / "content" / "campaign.yaml"
    config.write_text(re.sub(r"languages: \[[^\]]*\]", "languages: [lv, de]", config.read_text(encoding="utf-8")),
                      encoding="utf-8")
    doc = root / "content" / "brochure.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n" + extra + "\n", encoding="utf-8")
    return root


def german(root: Path) -> Catalog:
    with (root / "content" / "translations" / "de.po").open("rb") as fh:
        return read_po(fh)


def test_a_compendium_fills_identical_and_near_identical_segments(tmp_path):
    root = project(tmp_path, SENTENCE + "\n\nZemsvītras piezīmes")
    memory = Catalog(locale="de")
    memory.add(SENTENCE.replace("vasaru", "gadu"), GERMAN.replace("Sommer", "Jahr"))  # near-identical
    memory.add("Zemsvītras piezīmes", "Fußnoten")  # identical
    (root / "content" / "memory").mkdir()
    with (root / "content" / "memory" / "de.po").open("wb") as fh:
        write_po(fh, memory)
    proc = run("i18n", "update", "--root", root, check=True)
    assert ", 2 from memory;" in proc.stdout
    catalog = german(root)
    notes = catalog.get("Zemsvītras piezīmes")
    assert notes.string == "Fußnoten" and not notes.fuzzy
    near = catalog.get(SENTENCE)
    assert near.fuzzy and near.string == GERMAN.replace("Sommer", "Jahr")  # to be checked by the translator
    words = int(re.search(r"; (\d+) words to translate", proc.stdout).group(1))
    all_words = sum(len(m.id.split()) for m in catalog if m.id)
    assert words == all_words - len(SENTENCE.split()) - 2  # the two filled entries are not quoted


def test_an_obsolete_translation_comes_back_for_the_same_text_elsewhere(tmp_path):
    root = project(tmp_path, SENTENCE)
    run("i18n", "update", "--root", root, check=True)
    po = root / "content" / "translations" / "de.po"
    catalog = german(root)
    catalog.get(SENTENCE).string = GERMAN
    with po.open("wb") as fh:
        write_po(fh, catalog, width=76)
    doc = root / "content" / "brochure.md"
    text = doc.read_text(encoding="utf-8").replace(SENTENCE, "Cits teikums par kaut ko pavisam citu.")
    doc.write_text(text, encoding="utf-8")
    run("i18n", "update", "--root", root, check=True)  # the sentence is gone: obsolete, translation kept
    assert german(root).obsolete[SENTENCE].string == GERMAN
    doc.write_text(text + "\n" + SENTENCE + "\n", encoding="utf-8")  # …and back, in another place
    run("i18n", "update", "--root", root, check=True)
    assert german(root).get(SENTENCE).string == GERMAN


def test_nothing_unlike_is_offered(tmp_path):
    root = project(tmp_path, "Piezīmes")
    memory = Catalog(locale="de")
    memory.add("Zemsvītras piezīmes", "Fußnoten")
    (root / "content" / "memory").mkdir()
    with (root / "content" / "memory" / "de.po").open("wb") as fh:
        write_po(fh, memory)
    proc = run("i18n", "update", "--root", root, check=True)
    assert "from memory" not in proc.stdout
    assert german(root).get("Piezīmes").string == ""
