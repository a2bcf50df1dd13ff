"""A PO line whose string is not closed is an error at its line (Babel would read it as closed)."""

import re

import pytest

from conftest import run
from presskit.errors import TranslationError
from presskit.i18n.catalogs import read_catalog

MESSAGE = ("broken PO file: the text of this line is not one string in double quotes (a missing closing "
           "quote, or a quote inside the text not written as \\\") — end the line's text with a double quote, "
           "and write quotes inside the text as \\\"")


def break_a_msgstr(path):
    """Drop the closing quote of the third translated msgstr; return its line number."""
    text = path.read_text(encoding="utf-8")
    m = list(re.finditer(r'^msgstr "(.+)"$', text, re.M))[2]
    path.write_text(text[:m.end(1)] + text[m.end(1) + 1:], encoding="utf-8")
    return text.count("\n", 0, m.start()) + 1


def test_missing_closing_quote_stops_the_build_at_its_line(project):
    line = break_a_msgstr(project / "content" / "translations" / "en.po")
    proc = run("build", "handouts", "--root", project)
    assert proc.returncode == 1
    assert f"error: content/translations/en.po:{line}: {MESSAGE}" in proc.stderr.splitlines()
    proc = run("i18n", "update", "--root", project)  # nor is such a catalog rewritten
    assert proc.returncode == 1 and f"content/translations/en.po:{line}:" in proc.stderr


@pytest.mark.parametrize("line, ok", [
    ('msgstr "He said \\"yes\\"."', True),
    ('msgstr "ends with a backslash \\\\"', True),
    ('"continued \\"text\\""', True),
    ('#~ msgid "old"\n#~ msgstr "alt"', True),
    ('msgstr "no end', False),
    ('msgstr "a "quote" inside"', False),
    ('"continuation without end', False),
    ('msgid', False),
])
def test_one_string_per_line(tmp_path, line, ok):
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n'
                  + line + "\n", encoding="utf-8")
    if ok:
        read_catalog(po, tmp_path, "en")
    else:
        with pytest.raises(TranslationError) as exc:
            read_catalog(po, tmp_path, "en")
        assert str(exc.value) == f"x.po:7: {MESSAGE}"
