"""The test fixture project (tests/fixtures/project) is what the tests take it for.

Its wording is defined once, in fixture_text.py: every constant there must still be the text of
the fixture file it comes from. Its configuration has the default project's outputs, languages and
editions, so the tests exercise what `presskit new` ships; its catalogs are complete, so it builds
without --draft.
"""

from __future__ import annotations

import pytest
import yaml
from babel.messages.pofile import read_po

import fixture_text
from conftest import FIXTURE, REPO, run
from fixture_text import CHAPTERS, CONTENT, SOURCES, TRANSLATION_PARTS, TRANSLATIONS, brochure_chapters


def catalog(lang):
    with open(CONTENT / "translations" / f"{lang}.po", "rb") as fh:
        return read_po(fh, locale=lang)


def names(value) -> str:
    """The fixture_text constant(s) holding *value*, for messages."""
    found = [n for n, v in vars(fixture_text).items() if n.isupper() and (v == value or (
        isinstance(v, list | tuple | dict) and value in (v.values() if isinstance(v, dict) else v)))]
    return ", ".join(found) or repr(value)


@pytest.mark.parametrize("name", SOURCES)
def test_constants_are_the_text_of_their_file(name):
    text = (CONTENT / name).read_text(encoding="utf-8")
    missing = [names(value) for value in SOURCES[name] if value not in text]
    assert missing == [], f"fixture_text.py is out of date with content/{name}: {missing}"


@pytest.mark.parametrize("lang", TRANSLATIONS)
def test_translation_constants_are_in_the_catalogs(lang):
    cat = catalog(lang)
    for source, translation in TRANSLATIONS[lang].items():
        assert cat[source].string == translation, names(translation)
    for source, part in TRANSLATION_PARTS.get(lang, {}).items():
        found = cat[source].string
        assert found.startswith(part) or found.endswith(part), names(part)


def test_brochure_chapters_are_read_from_the_file():
    chapters = brochure_chapters()
    assert [title for title, _ in chapters] == CHAPTERS
    assert all(items and all(item.strip() and not item.startswith(("#", "- ")) for item in items)
               for _, items in chapters)


def test_fixture_has_the_default_projects_outputs_and_languages():
    """Same outputs (documents, templates, formats, languages, editions) as content/campaign.yaml:
    the fixture stands in for the default project, whose text it does not share."""
    fixture = yaml.safe_load((CONTENT / "campaign.yaml").read_text(encoding="utf-8"))
    default = yaml.safe_load((REPO / "content" / "campaign.yaml").read_text(encoding="utf-8"))
    assert fixture["languages"] == default["languages"] and fixture["source_language"] == "lv"
    assert fixture["outputs"] == default["outputs"]
    assert fixture["title"] != default["title"] and fixture["organisation"] != default["organisation"]
    assert not (FIXTURE / "templates").exists()  # the repository's templates are the ones under test


def test_catalogs_are_complete_and_as_presskit_writes_them(project):
    before = {p.name: p.read_bytes() for p in (project / "content" / "translations").glob("*.po")}
    assert sorted(before) == sorted(f"{lang}.po" for lang in fixture_text.LANGUAGES[1:])
    proc = run("i18n", "update", "--root", project, check=True)
    assert proc.stdout.count("unchanged content/translations/") == len(before), proc.stdout
    assert {p.name: p.read_bytes() for p in (project / "content" / "translations").glob("*.po")} == before
    assert run("i18n", "status", "--strict", "--root", project).returncode == 0
