"""The campaign glossary (content/glossary.csv): a segment whose source holds a term must use the term's
translation — a warning of `presskit check` naming the PO line, the term and the expected translation,
an error with --strict."""

import pytest

from conftest import run
from fixture_text import ORGANISATION, ORGANISATIONS
from presskit.i18n.glossary import check_glossary, load_glossary, normalise, pattern
from presskit.source.config import load_config
from test_i18n import catalog

GLOSSARY = """term,lang,translation,note
Piemēra ministrij*,en,Ministry of Example,"the ministry's English name (ministrija, ministrijas …)"
Piemēra ministrij*,fr,ministère de l'Exemple,written as the ministry writes it
"""
WARNING = ("content/translations/en.po:{line}: glossary term “Piemēra ministrij*” is not translated as “Ministry "
           "of Example” (“Piemēra ministrija”) — use the glossary's translation (content/glossary.csv:2), or add "
           "the form used there as an alternative (…|…)\n")


def write(root, text):
    (root / "content" / "glossary.csv").write_text(text)


def test_a_term_translated_otherwise_is_a_warning_and_an_error_with_strict(project):
    write(project, GLOSSARY)
    line = catalog(project, "en")[ORGANISATION].lineno
    proc = run("check", "--root", project)
    assert proc.returncode == 0, proc.stderr
    assert "warning: " + WARNING.format(line=line) in proc.stderr
    # Three English segments hold the term, with "Example Ministry"; French uses the glossary's form
    # (“Ministère de l’Exemple”: any case, typographic apostrophe) and has none.
    assert proc.stderr.count("glossary term") == 3
    assert "fr.po" not in proc.stderr
    proc = run("check", "--strict", "--root", project)
    assert proc.returncode == 1
    assert "error: " + WARNING.format(line=line) in proc.stderr


def test_a_correct_translation_and_an_alternative_pass(project):
    write(project, GLOSSARY.replace("Ministry of Example,", "Ministry of Example|Example Ministry,"))
    assert ORGANISATIONS["en"] == "Example Ministry"
    assert check_glossary(load_config(project)) == ([], [])


def test_without_a_glossary_nothing_is_checked(project):
    assert not (project / "content" / "glossary.csv").exists()
    assert check_glossary(load_config(project)) == ([], [])


@pytest.mark.parametrize(("term", "text", "found"), [
    ("Drošības padom*", "Latvija ANO Drošības padomē", True),  # the Latvian ending
    ("Drošības padom*", "Drošības padomes dalībvalsts", True),
    ("Drošības padom*", "drošības  padome", True),  # any case, any run of spaces
    ("Drošības padom*", "Drošības politika", False),
    ("ANO", "piano", False),  # whole words only
    ("UN|United Nations", "the United Nations agenda", True),
    ("UN|United Nations", "under the Council", False),
    ("Совет* Безопасности", "в Совете Безопасности ООН", True),
    ("droits de l'homme", "des droits de l’homme", True),  # typographic apostrophe
    ("مجلس الأمن", "لمجلس الأمن", True),  # Arabic prefix joined to the word
    ("安全理事会", "在联合国安全理事会中", True),  # Chinese: no spaces
])
def test_matching_rule(term, text, found):
    assert bool(pattern(term).search(normalise(text))) is found


def test_rows_that_cannot_be_used_are_errors_with_their_line(project):
    write(project, GLOSSARY + "Piemēra ministrij*,en,Example Ministry,twice\n"
                              "Piem*ra,fr,x,\n"
                              "ezers,de,See,\n")
    proc = run("check", "--root", project)
    assert proc.returncode == 1
    assert ("error: content/glossary.csv:4: “Piemēra ministrij*” in en is listed already (line 2) — keep one row and "
            "list the right forms in it, separated by |\n") in proc.stderr
    assert ("error: content/glossary.csv:5: a term and its translation must not be empty, and `*` may only end a "
            "word — correct the row\n") in proc.stderr
    assert ("error: content/glossary.csv:6: language 'de' is not a translation language of the campaign — use one "
            "of: en, fr, es, ru, ar, zh\n") in proc.stderr
    write(project, "source,target\nANO,UN\n")
    assert ("error: content/glossary.csv:1: the first line must name the columns term,lang,translation,note — write "
            "that header line above the rows\n") in run("check", "--root", project).stderr


def test_the_shipped_glossary_is_usable_and_every_term_occurs_in_the_content(default_project):
    campaign = load_config(default_project)
    terms, problems = load_glossary(campaign)
    assert problems == [] and terms
    text = normalise(" ".join(p.read_text() for p in (default_project / "content").glob("*.md")))
    langs = [lang for lang in campaign.languages if lang != campaign.source_language]
    for term in {t.term for t in terms}:
        assert sorted(t.lang for t in terms if t.term == term) == sorted(langs), term
        assert pattern(term).search(text), term
