"""Trust boundaries (issue 18, part C): small inputs cause bounded work, odd content never a traceback,
and translations cannot smuggle in what the source does not have.

Content and translations come from less-trusted people. Each class of input below once hung a build
(Markdown on 16 KB of '[', WeasyPrint on colspan="65534", 10 000 footnotes), crashed it (a recursive
YAML alias, 200 nested <div>, a PO charset Babel does not know, a 300-character slug) or let a
translation change what is printed unseen (bidi overrides, images no one checked). Each must now be
an error naming the file and line — the PO line for anything a translation brought — within a second
or two. The exact messages of the end-to-end cases are in tests/bad_inputs/.
"""

from __future__ import annotations

import base64
import re
import time
import zipfile
from pathlib import Path

import pytest

from presskit.errors import ConfigError, ContentError, PresskitError, TranslationError
from test_bad_inputs import bmp, make_project, png, run_cli

PO_HEAD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
PARAGRAPH = "Latvija ANO koncentrējas uz cilvēktiesību un starptautiskā tiesiskuma aizstāvību."


def base_project(tmp_path: Path, *, english: bool = False) -> Path:
    """The small bad-input project (tests/bad_inputs/_base), its sheet built in English too if asked."""
    root = make_project({}, tmp_path)
    if english:
        config = root / "content" / "campaign.yaml"
        config.write_text(config.read_text().replace("    editions: [screen]\n",
                                                     "    editions: [screen]\n    languages: [en]\n"))
    return root


def write_po(root: Path, entries: list[tuple[str, str]], lang: str = "en", head: str = PO_HEAD) -> Path:
    """content/translations/<lang>.po with *entries* (msgid, msgstr), written as given (no escaping)."""
    path = root / "content" / "translations" / f"{lang}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + "".join(f'msgid "{i}"\nmsgstr "{s}"\n\n' for i, s in entries), encoding="utf-8")
    return path


def po_line(path: Path, msgstr_start: str) -> int:
    """The line of the entry whose msgstr starts with *msgstr_start* (Babel's entry line: its msgid)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(f'msgstr "{msgstr_start}'))
    return at  # the msgid line just above, 1-based


def build(root: Path, monkeypatch, *args: str) -> tuple[int, str]:
    """presskit build (in this process); returns exit code and standard error."""
    code, _, err = run_cli(["build", *args, "--root", str(root)], monkeypatch)
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


# ---- YAML: recursion, nesting, size, control characters ---------------------------------------------

@pytest.mark.parametrize("text", ["loop: &a [*a]\n", "m: &m {x: *m}\n", "l: &l [1, [2, {k: *l}]]\n"])
def test_a_recursive_alias_is_an_error_with_its_line(text):
    from presskit.source.yaml import parse_yaml

    with pytest.raises(ConfigError) as exc:
        parse_yaml("title: x\n" + text, "content/campaign.yaml")
    assert str(exc.value).startswith("content/campaign.yaml:2: ")
    assert "an alias (*name) refers to the value that contains it" in str(exc.value)


def test_an_alias_used_twice_is_still_fine():
    from presskit.source.yaml import parse_yaml

    assert parse_yaml("a: &a [1, 2]\nb: [*a, *a]\n", "f")[0] == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


BOMB = "".join(f"{n}: &{n} [{', '.join([f'*{p}' if p else 'x'] * 10)}]\n"
               for p, n in zip(["", "a", "b", "c", "d"], ["a", "b", "c", "d", "e"]))


def test_front_matter_campaign_and_recipients_all_refuse_recursive_aliases_and_alias_bombs(tmp_path, monkeypatch):
    """The one YAML loader guards every YAML text presskit reads."""
    from conftest import copy_fixture_project
    from presskit.source import yaml as loader
    from presskit.source.config import load_config
    from presskit.source.content import load_document
    from presskit.source.recipients import load_recipients

    monkeypatch.setattr(loader, "MAX_YAML_VALUES", 1000)  # the bomb expands to 111 110 values
    root = copy_fixture_project(tmp_path / "p")
    document, config, recipients = (root / "content" / n for n in ("handout.md", "campaign.yaml", "recipients.yaml"))
    readers = {document: lambda: load_document(document, root), config: lambda: load_config(root),
               recipients: lambda: load_recipients(root, "recipients.yaml")}
    original = {path: path.read_text() for path in readers}
    for extra, expected in (("loop: &z [*z]\n", "refers to the value that contains it"),
                            (BOMB, "more than 1000 values")):
        for path, read in readers.items():
            text = original[path]
            if path == document:  # into the front matter
                text = text.replace("\n---\n", "\n" + extra + "---\n", 1)
            else:
                text += extra
            path.write_text(text)
            with pytest.raises(PresskitError) as exc:
                read()
            assert expected in str(exc.value) and f"{path.relative_to(root)}:" in str(exc.value)
            path.write_text(original[path])


def test_yaml_nested_deeper_than_the_limit_is_an_error_not_a_recursion_error():
    from presskit.source.yaml import MAX_YAML_DEPTH, parse_yaml

    depth = MAX_YAML_DEPTH - 1  # and the top mapping
    assert parse_yaml("a: " + "[" * depth + "]" * depth, "f")[0]
    started = time.perf_counter()
    for text in ("a: " + "[" * 5000 + "]" * 5000, "b: 1\na: " + "{x: " * 200 + "1" + "}" * 200):
        with pytest.raises(ConfigError, match=rf"f:\d: values nested more than {MAX_YAML_DEPTH} levels deep"):
            parse_yaml(text, "f")
    assert time.perf_counter() - started < 2


def test_aliases_nested_inside_aliases_are_capped_too():
    from presskit.source.yaml import parse_yaml

    chain = "a: &a " + "[" * 20 + "1" + "]" * 20 + "\n"
    for prev, name in zip("abcd", "bcde"):
        chain += f"{name}: &{name} " + "[" * 20 + f"*{prev}" + "]" * 20 + "\n"
    with pytest.raises(ConfigError, match="levels deep .YAML aliases inside aliases."):
        parse_yaml(chain, "f")


def test_too_many_values_are_refused_while_composing(monkeypatch):
    """A long flow list is stopped after the limit, not composed whole (a 1 MB one took 20 s)."""
    from presskit.source import yaml as loader

    monkeypatch.setattr(loader, "MAX_YAML_VALUES", 1000)
    with pytest.raises(ConfigError, match=r"f:2: more than 1000 values — remove pasted data"):
        loader.parse_yaml("a: 1\nx: [" + "a, " * 5000 + "]\n", "f")


def test_a_yaml_text_over_the_size_limit_is_refused_unparsed(monkeypatch):
    from presskit.source import yaml as loader

    monkeypatch.setattr(loader, "MAX_YAML_CHARS", 1000)
    with pytest.raises(ConfigError, match="more than the 0 million limit|million characters"):
        loader.parse_yaml("x: " + "a" * 2000, "f")


@pytest.mark.parametrize("escape, code", [("\\x1b[2J", "001B"), ("\\a", "0007"), ("\\r", "000D"),
                                          ("\\x9b", "009B"), ("\\x7f", "007F"), ("\\0", "0000"),
                                          ("\\uFFFE", "FFFE")])
def test_control_characters_written_as_yaml_escapes_are_refused(escape, code):
    from presskit.source.yaml import parse_yaml

    for text, where in ((f'title: "a{escape}b"\n', "f:1: title: "),
                        (f'x: 1\nnames:\n  - ok\n  - "a{escape}"\n', "f:4: names.1: "),
                        (f'x: 1\n"k{escape}": 1\n', "f:2: ")):
        with pytest.raises(ConfigError) as exc:
            parse_yaml(text, "f")
        assert str(exc.value).startswith(f"{where}control character U+{code} is not allowed")


def test_tab_newline_and_ordinary_text_stay_allowed():
    from presskit.source.yaml import parse_yaml

    assert parse_yaml('x: "a\\tb\\nc — ā ß 中 \\u00a0"\n', "f")[0] == {"x": "a\tb\nc — ā ß 中 \u00a0"}


def test_a_list_as_a_key_is_an_error_not_a_traceback():
    from presskit.source.yaml import parse_yaml

    with pytest.raises(ConfigError, match="a list or mapping as a key is not supported"):
        parse_yaml("? [a, b]\n: c\n", "f")


# ---- campaign.yaml values and recipient slugs that become file names -------------------------------

def set_output(root: Path, extra: str) -> None:
    """Add *extra* (indented lines) to the sheet output of campaign.yaml."""
    config = root / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("    editions: [screen]\n", "    editions: [screen]\n" + extra))


def test_output_names_and_stems_are_capped_for_file_names(tmp_path):
    from presskit.source.config import MAX_NAME_BYTES, load_config

    root = base_project(tmp_path)
    config = root / "content" / "campaign.yaml"
    original = config.read_text()
    set_output(root, f"    stem: {'s' * MAX_NAME_BYTES}\n")
    load_config(root)  # 64 is fine
    config.write_text(original)
    set_output(root, f"    stem: {'ā' * MAX_NAME_BYTES}\n")  # 128 bytes in UTF-8
    with pytest.raises(ConfigError, match=r"campaign.yaml:13: outputs.sheet.stem: the output's stem is 128 bytes"):
        load_config(root)
    config.write_text(original.replace("  sheet:\n", f"  {'x' * 300}:\n"))
    with pytest.raises(ConfigError, match=r"campaign.yaml:9: outputs.x+: the output's name is 300 bytes long"):
        load_config(root)


@pytest.mark.parametrize("value", ["100000", "-3", ".nan", ".inf", "25.5"])
def test_bleed_out_of_range_is_an_error(tmp_path, value):
    from presskit.source.config import load_config

    root = base_project(tmp_path)
    with open(root / "content" / "campaign.yaml", "a") as fh:
        fh.write(f"  bleed_mm: {value}\n")
    with pytest.raises(ConfigError, match=r"campaign.yaml:15: print.bleed_mm: .* mm is out of range \(0 to 25 mm\)"):
        load_config(root)


def test_a_source_url_longer_than_a_qr_code_holds_is_an_error(tmp_path):
    """A 4 000-character address was an internal error (segno: data too large) in every handout."""
    from presskit.source.config import MAX_URL_CHARS, load_config

    root = base_project(tmp_path)
    with open(root / "content" / "campaign.yaml", "a") as fh:
        fh.write(f"source_url: https://example.org/{'a' * MAX_URL_CHARS}\n")
    with pytest.raises(ConfigError, match=rf"campaign.yaml:15: source_url: the address is {MAX_URL_CHARS + 20} characters"):
        load_config(root)


def test_recipient_slugs_are_capped(tmp_path):
    from conftest import copy_fixture_project
    from presskit.source.recipients import MAX_SLUG, load_recipients

    root = copy_fixture_project(tmp_path / "p")
    path = root / "content" / "recipients.yaml"
    text = path.read_text()
    for slug, ok in (("a" * MAX_SLUG, True), ("-".join(["ab"] * 100), False)):
        path.write_text(text.replace("slug: finansu-nodala", f"slug: {slug}"))
        if ok:
            assert slug in [r.slug for r in load_recipients(root, "recipients.yaml")]
        else:
            with pytest.raises(ContentError, match=r"recipients.yaml:9: slug is 299 characters long \(the limit is 64\)"):
                load_recipients(root, "recipients.yaml")


# ---- Markdown: the limits that keep its work bounded ---------------------------------------------------

def test_inline_limits_are_exact():
    from presskit.html.markdown import MAX_ANGLES, MAX_BRACKETS, MAX_INLINE_CHARS, inline_problem

    assert inline_problem("[" * MAX_BRACKETS) is None
    assert inline_problem("<" * MAX_ANGLES) is None
    assert inline_problem("a" * MAX_INLINE_CHARS) is None
    assert inline_problem("[" * (MAX_BRACKETS + 1))[0].startswith("paragraph with 101 '['")
    assert inline_problem("<" * (MAX_ANGLES + 1), "translation")[0].startswith("translation with 201 '<'")
    assert inline_problem("a" * (MAX_INLINE_CHARS + 1))[0].startswith("paragraph of 20001 characters")


@pytest.mark.parametrize("text, message", [
    ("[" * 16000, "paragraph with 16000 '['"),
    ("<a " * 5000, "5000 '<' that start an HTML tag without closing it with '>'"),
    ("<b>x</b> " * 300, "paragraph with 600 '<'"),
    ("*a" * 20000, "paragraph of 40000 characters"),
    ("a\n\n" * 6000, "more than 5000 paragraphs, list items, table rows or cells in a row"),
    ("- a\n" * 6000, "more than 5000 paragraphs, list items, table rows or cells in a row"),
    ("".join(f"T {i}.[^n]\n\n" for i in range(1100)) + "[^n]: x\n", "1100 footnote references"),
])
def test_the_markdown_guard_refuses_pathological_text_at_once(text, message):
    """Whoever calls Markdown, text beyond the limits is refused before the slow inline pass."""
    from presskit.html.markdown import MarkupLimit, markdown_to_html

    started = time.perf_counter()
    with pytest.raises(MarkupLimit) as exc:
        markdown_to_html(text, "en")
    assert message in exc.value.problems[0].message
    assert time.perf_counter() - started < 1.5  # 16 KB of '[' took 76 s unguarded


def test_ordinary_markdown_passes_the_guard():
    from presskit.html.markdown import markdown_to_html

    text = ("Teksts ar [saiti](https://example.org), *izcēlumu* un `kodu` <span lang=\"en\">x</span>.[^1]\n\n" * 300
            + "[^1]: Piezīme.\n\n| a | b |\n|---|---|\n" + "| x | y |\n" * 300)
    assert "<table>" in markdown_to_html(text, "lv")


def test_document_limits_name_the_line_of_the_item(tmp_path):
    from presskit.build.validate import document_problems

    root = base_project(tmp_path)
    sheet = root / "content" / "sheet.md"
    sheet.write_text("---\ntitle: Dalība ANO\n---\n\n- viens\n- divi\n- trīs " + "[" * 150 + "\n\nBeigas.\n")
    problems, _ = document_problems(root, "sheet.md", {"pdf"}, "lv")
    assert [str(p) for p in problems] == [
        "content/sheet.md:7: list item with 150 '[' (the limit is 100: each may open a link, and Markdown "
        "slows down sharply on many) — remove the stray brackets, or split the paragraph"]


@pytest.mark.parametrize("body, message", [
    ("a\n\n" * 12, "content/sheet.md:25: more than 10 paragraphs, headings, lists and tables"),
    ("- a\n" * 12, "content/sheet.md:15: more than 10 items in one list"),  # the first one beyond
    ("| a |\n|---|\n" + "| x |\n" * 12, "content/sheet.md:17: more than 10 rows in one table"),
    ("| " + "a | " * 12 + "\n|" + "---|" * 12 + "\n", "content/sheet.md:5: a table row of more than 10 cells"),
    ("".join(f"T {i}.[^n{i}]\n\n" for i in range(6)) + "Beigas [^a] [^b] [^c] [^d] [^e].\n",
     "content/sheet.md:17: more than 10 footnote references"),
    ("T.\n\n" + "".join(f"[^n{i}]: x\n" for i in range(11)), "content/sheet.md:17: more than 10 footnotes"),
])
def test_blocks_and_footnotes_beyond_the_limits_are_errors_with_lines(tmp_path, monkeypatch, body, message):
    from presskit.build.validate import document_problems
    from presskit.html import markdown

    monkeypatch.setattr(markdown, "MAX_BLOCKS", 10)
    monkeypatch.setattr(markdown, "MAX_FOOTNOTES", 10)
    root = base_project(tmp_path)
    (root / "content" / "sheet.md").write_text("---\ntitle: Dalība ANO\n---\n\n" + body)
    problems, _ = document_problems(root, "sheet.md", {"pdf"}, "lv")
    assert any(str(p).startswith(message) for p in problems), problems


def test_a_bracket_storm_in_raw_html_is_caught_by_the_guard_with_its_line(tmp_path):
    """A block the block model keeps raw (it starts with '<') still reaches the inline pass."""
    from presskit.build.validate import document_problems

    root = base_project(tmp_path)
    (root / "content" / "sheet.md").write_text("---\ntitle: T\n---\n\nTeksts.\n\n<span>x</span> " + "[" * 500 + "\n")
    problems, _ = document_problems(root, "sheet.md", {"pdf"}, "lv")
    assert [p.line for p in problems] == [7] and "500 '['" in problems[0].message


def test_the_16_kb_bracket_translation_is_refused_in_seconds(tmp_path, monkeypatch):
    """The case of the issue: 16 KB of '[' in one msgstr kept Markdown busy for 76 s (159 s here)."""
    root = base_project(tmp_path, english=True)
    long_source = "Teksts. " * 500
    (root / "content" / "sheet.md").write_text(f"---\ntitle: Dalība ANO\n---\n\n{long_source}\n")
    po = write_po(root, [("Dalība ANO", "UN"), (long_source.strip(), "[" * 16000)])
    started = time.perf_counter()
    code, err = build(root, monkeypatch, "--draft")
    assert time.perf_counter() - started < 5
    assert code == 1 and err.startswith(f"error: content/translations/en.po:{po_line(po, '[')}: translation with "
                                        "16000 '[' (the limit is 100")


# ---- table spans and list numbers -----------------------------------------------------------------

def test_the_sanitiser_drops_spans_over_the_limit_and_invalid_list_numbers():
    from presskit.html.sanitize import sanitize_html

    html = ('<table><tr><td colspan="65534" rowspan="1001">a</td><td colspan="1000" rowspan=" 7x">b</td>'
            '<th colspan="abc">c</th></tr></table><ol start="abc"><li value="99999">x</li></ol>'
            '<ol start="007"><li value="-1">y</li></ol><ol start="32768"></ol>')
    assert sanitize_html(html) == (
        '<table><tbody><tr><td>a</td><td colspan="1000" rowspan=" 7x">b</td><th colspan="abc">c</th></tr>'
        '</tbody></table><ol><li>x</li></ol><ol start="7"><li>y</li></ol><ol></ol>')


def test_span_problems_read_attributes_as_html_does():
    from presskit.build.validate import span_problems

    text = ('<td colspan="1000">ok</td>\n<td rowspan=1001>x</td>\n<td COLSPAN = \'  +5000xyz\'>y</td>\n'
            'colspan="abc" and colspan="-9"\n')
    assert [(p.line, p.message.split(":")[0]) for p in span_problems("f", text)] == [
        (2, 'rowspan="1001"'), (3, 'colspan="+5000"')]
    assert [p.line for p in span_problems("po", text, 40)] == [40, 40]


def test_colspan_in_a_translation_names_the_po_line(tmp_path, monkeypatch):
    root = base_project(tmp_path, english=True)
    po = write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, 'Latvia focuses on <b colspan=\\"5000\\">rights</b>.')])
    code, err = build(root, monkeypatch, "--draft")
    assert code == 1 and err.startswith(f'error: content/translations/en.po:{po_line(po, "Latvia")}: colspan="5000"')


# ---- HTML nesting depth ------------------------------------------------------------------------------

def test_nesting_is_judged_on_the_rendered_html_without_false_alarms(tmp_path):
    """Markdown text is not HTML: autolinks and 'a < b' do not nest what is rendered."""
    from presskit.build.validate import document_problems

    root = base_project(tmp_path)
    body = ("<div>" * 30 + "x" + "</div>" * 30 + "\n\n"
            + "Sk. <https://example.org> un <mailto:a@b.lv>, a < b un c<d.\n\n" * 50
            + "- " + "<span>" * 15 + "x\n")
    (root / "content" / "sheet.md").write_text("---\ntitle: T\n---\n\n" + body)
    assert document_problems(root, "sheet.md", {"pdf"}, "lv")[0] == []


def test_unclosed_formatting_tags_nest_what_is_rendered_and_count(tmp_path):
    """An unclosed <i> is reopened in every following paragraph by the HTML parser, one level deeper
    each time: the rendered HTML (what WeasyPrint lays out) is what counts."""
    from presskit.build.validate import document_problems

    root = base_project(tmp_path)
    (root / "content" / "sheet.md").write_text("---\ntitle: T\n---\n\n" + "<i>neaizvērts\n\n" * 60)
    problems, _ = document_problems(root, "sheet.md", {"pdf"}, "lv")
    assert [p.message.split(",")[0] for p in problems] == ["HTML nested 61 levels deep"]


def test_lists_and_raw_html_together_count_towards_the_limit(tmp_path):
    from presskit.build.validate import MAX_HTML_NESTING, document_problems

    root = base_project(tmp_path)
    lines = "".join("    " * i + "- level\n" for i in range(9))
    deep = "    " * 9 + "- " + "<span>" * (MAX_HTML_NESTING - 15) + "x\n"  # the 10th level: 20 elements deep
    (root / "content" / "sheet.md").write_text("---\ntitle: T\n---\n\n" + lines + deep)
    problems, _ = document_problems(root, "sheet.md", {"pdf"}, "lv")
    assert [(p.line, p.message.split(",")[0]) for p in problems] == [(14, "HTML nested 45 levels deep")]


def test_deep_html_in_a_translation_names_the_po_line(tmp_path, monkeypatch):
    root = base_project(tmp_path, english=True)
    po = write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, "Latvia " + "<span>" * 60 + "x")])
    code, err = build(root, monkeypatch, "--draft")
    assert code == 1 and err.startswith(f"error: content/translations/en.po:{po_line(po, 'Latvia')}: HTML nested")


# ---- odd content in the DOCX writer: errors with lines, never "internal error" ----------------------

@pytest.mark.parametrize("html, message", [
    ('<table data-style="Nope"><tr><td>x</td></tr></table>', "data-style: no table style 'Nope' in"),
    ('<table data-style="Normal"><tr><td>x</td></tr></table>', "data-style: 'Normal' is a paragraph style, not a table style"),
    ('<p data-style="Nope">x</p>', "data-style: no paragraph style 'Nope' in"),
    ('<p data-style="Briefing Table">x</p>', "data-style: 'Briefing Table' is a table style, not a paragraph style"),
    ('<p data-style="Strong">x</p>', "data-style: 'Strong' is a character style, not a paragraph style"),
])
def test_an_unusable_data_style_is_an_error_at_its_line(tmp_path, monkeypatch, html, message):
    from conftest import copy_fixture_project

    root = copy_fixture_project(tmp_path / "p")
    briefing = root / "content" / "briefing.md"
    line = briefing.read_text().count("\n") + 2
    with open(briefing, "a") as fh:
        fh.write(f"\n{html}\n")
    code, err = build(root, monkeypatch, "briefing")
    assert code == 1
    assert err.startswith(f"error: content/briefing.md:{line}: {message}"), err


def docx_numbering(root: Path, html: str) -> list[str]:
    """The startOverride values of the numbered lists of *html* written by the DOCX writer."""
    from presskit.docx.writer import html_to_docx
    from presskit.source.config import load_config

    campaign = load_config(root)
    data = html_to_docx(f"<html lang='lv'><head><title>T</title></head><body>{html}</body></html>",
                        campaign, "briefing", {}, "content/briefing.md")
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as z:
        numbering = z.read("word/numbering.xml").decode()
    return re.findall(r'<w:startOverride w:val="(\d+)"', numbering)


def test_an_invalid_ol_start_is_ignored_as_a_browser_ignores_it(tmp_path):
    """HTML: a start that is not a number is ignored (the list counts from 1); the sanitiser drops it
    before the writer sees it, and the writer ignores it as well."""
    from conftest import copy_fixture_project

    root = copy_fixture_project(tmp_path / "p")
    lists = ('<ol start="abc"><li>a</li></ol><ol start="3"><li>b</li></ol><ol start="99999999999"><li>c</li></ol>'
             '<ol start=" 12 apples"><li>d</li></ol>')
    assert docx_numbering(root, lists) == ["1", "3", "1", "12"]


# ---- PO catalogs: charset, BOM, size --------------------------------------------------------------

@pytest.mark.parametrize("charset, ok", [("UTF-8", True), ("utf8", True), ("BOGUS", False),
                                         ("ISO-8859-13", False), ("", False)])
def test_a_catalog_must_declare_utf8_or_nothing(tmp_path, charset, ok):
    from presskit.i18n.catalogs import read_catalog

    head = PO_HEAD.replace("charset=UTF-8", f"charset={charset}")
    path = write_po(tmp_path, [("Dalība ANO", "Ā UN")], head=head)
    if ok:
        assert read_catalog(path, tmp_path, "en").get("Dalība ANO").string == "Ā UN"
    else:
        with pytest.raises(TranslationError, match=rf"en.po:3: the header declares charset={charset};"):
            read_catalog(path, tmp_path, "en")
    path.write_text(path.read_text().replace(f"; charset={charset}", ""))  # no charset: UTF-8
    assert read_catalog(path, tmp_path, "en").get("Dalība ANO").string == "Ā UN"


def test_a_bom_at_the_start_of_a_catalog_is_accepted_and_lines_stay(tmp_path):
    from presskit.build.validate import duplicate_entries
    from presskit.i18n.catalogs import read_catalog

    path = write_po(tmp_path, [("Dalība ANO", "UN"), ("Teksts", "Text"), ("Dalība ANO", "UN 2")])
    plain = {m.id: m.lineno for m in read_catalog(path, tmp_path, "en") if m.id}
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert {m.id: m.lineno for m in read_catalog(path, tmp_path, "en") if m.id} == plain
    assert [p.line for p in duplicate_entries(path.read_bytes(), "en.po")] == [11]


def test_a_catalog_with_too_many_entries_is_refused_before_parsing(tmp_path, monkeypatch):
    from presskit.i18n import catalogs

    monkeypatch.setattr(catalogs, "MAX_CATALOG_ENTRIES", 3)
    path = write_po(tmp_path, [(f"m{i}", f"t{i}") for i in range(3)])
    assert len(list(catalogs.read_catalog(path, tmp_path, "en"))) == 4  # the header and 3 entries
    path = write_po(tmp_path, [(f"m{i}", f"t{i}") for i in range(5)])
    with pytest.raises(TranslationError, match=r"en.po:14: more than 3 entries"):
        catalogs.read_catalog(path, tmp_path, "en")


# ---- translation integrity ----------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
                                  "\u2068", "\u2069", "\u200b", "\u2060", "\u2063", "\ufeff"])
def test_invisible_direction_and_zero_width_characters_need_the_source_to_have_them(char):
    from presskit.i18n.catalogs import entry_problems

    found = entry_problems("Dalība ANO", f"UN {char}membership")
    assert [m for m, _ in found] == [f"invisible character U+{ord(char):04X} ({__import__('unicodedata').name(char)}) "
                                     "that the source text does not have"]
    assert entry_problems(f"Dalība {char}ANO", f"UN {char}membership") == []


@pytest.mark.parametrize("char", ["\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\u00ad"])
def test_joiners_direction_marks_and_soft_hyphens_are_allowed(char):
    """ZWNJ/ZWJ spell Persian, Arabic and Indic words; LRM, RLM and ALM place numbers and Latin words
    in right-to-left text; a soft hyphen is a hyphenation hint."""
    from presskit.i18n.catalogs import entry_problems

    assert entry_problems("Dalība ANO", f"عضوية{char} الأمم") == []


def test_a_translation_far_longer_than_its_source_is_refused():
    from presskit.i18n.catalogs import MAX_MSGSTR_CHARS, entry_problems

    assert entry_problems("abc", "x" * 115) == []
    assert entry_problems("abc", "x" * 116)[0][0].startswith("translation of 116 characters, more than the 115")
    long = "a" * 10_000
    assert entry_problems(long, "x" * MAX_MSGSTR_CHARS) == []
    assert entry_problems(long, "x" * (MAX_MSGSTR_CHARS + 1))[0][0].startswith("translation of 20001 characters")


def test_a_translation_may_not_add_footnote_references():
    from presskit.i18n.catalogs import entry_problems

    assert entry_problems("Teksts.[^1]", "Text.[^1]") == []
    assert entry_problems("Teksts.[^1]", "Text.") == []
    assert [m for m, _ in entry_problems("Teksts.[^1]", "Text.[^1][^1]")] == [
        "footnote reference [^1] that the source text does not have"]
    assert [m for m, _ in entry_problems("Teksts.", "Text.[^x]")] == [
        "footnote reference [^x] that the source text does not have"]


def test_a_translation_may_not_split_its_paragraph():
    """A blank line in a msgstr ends the paragraph (a list, a table) the segment belongs to."""
    from presskit.i18n.catalogs import entry_problems

    assert entry_problems("Teksts", "Text\n\nmore")[0][0].startswith("a blank line that the source text does not have")
    assert entry_problems("Teksts\n\nvēl", "Text\n\nmore") == []
    assert entry_problems("Teksts", "Text\n") == []


def test_a_document_too_deep_on_its_own_is_reported_once_not_again_per_translation(tmp_path, monkeypatch):
    root = base_project(tmp_path, english=True)
    with open(root / "content" / "sheet.md", "a") as fh:
        fh.write("\n" + "<div>" * 45 + "x" + "</div>" * 45 + "\n")
    write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, "Latvia <b>focuses</b> on rights.")])
    code, err = build(root, monkeypatch, "--draft")
    assert code == 1 and err.splitlines() == [
        "error: content/sheet.md:12: HTML nested 45 levels deep, lists and quotes included (the limit is 40) — "
        "remove the extra levels of raw HTML (<div>, <span> …)"]


def test_presskit_check_reports_an_invisible_override_at_its_po_line(tmp_path, monkeypatch):
    from presskit.i18n.catalogs import short

    root = base_project(tmp_path, english=True)
    po = write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, "Latvia \u2067focuses\u2069 on rights.")])
    code, _, err = run_cli(["check", "--root", str(root)], monkeypatch)
    line = po_line(po, "Latvia")
    assert code == 1 and "Traceback" not in err
    assert err.splitlines()[:2] == [
        f"error: content/translations/en.po:{line}: invisible character U+2067 (RIGHT-TO-LEFT ISOLATE) that the "
        f"source text does not have (“{short(PARAGRAPH)}”) — delete it: invisible characters can make the "
        "printed text read differently from what a reviewer sees",
        f"error: content/translations/en.po:{line}: invisible character U+2069 (POP DIRECTIONAL ISOLATE) that the "
        f"source text does not have (“{short(PARAGRAPH)}”) — delete it: invisible characters can make the "
        "printed text read differently from what a reviewer sees"]


# ---- images a translation refers to -----------------------------------------------------------------

@pytest.mark.parametrize("kind, ref, message", [
    ("missing", "content/images/nav.png", "image 'content/images/nav.png' not found"),
    ("outside", "/etc/hostname", "image '/etc/hostname' is outside the project folder"),
    ("remote", "https://example.org/x.png", "image 'https://example.org/x.png' is a remote resource (https:)"),
    ("bmp", "content/images/karte.bmp", "image 'content/images/karte.bmp' is a BMP image"),
    ("html", "content/images/nav.png", "image 'content/images/nav.png' not found"),
])
def test_an_image_in_a_translation_is_checked_like_the_documents_at_the_po_line(tmp_path, monkeypatch, kind, ref, message):
    root = base_project(tmp_path, english=True)
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "karte.bmp").write_bytes(bmp())
    image = f'<img src=\\"{ref}\\" alt=\\"x\\">' if kind == "html" else f"![x]({ref})"
    po = write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, f"Latvia focuses on rights. {image}")])
    code, err = build(root, monkeypatch, "--draft")
    assert code == 1
    assert err.startswith(f"error: content/translations/en.po:{po_line(po, 'Latvia')}: {message}"), err


def test_a_good_image_in_a_translation_builds(tmp_path, monkeypatch):
    root = base_project(tmp_path, english=True)
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "karte.png").write_bytes(png())
    write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, "Latvia. ![Map](content/images/karte.png)")])
    assert build(root, monkeypatch, "--draft") == (0, "")


def test_a_reference_definition_is_not_offered_to_translators(tmp_path, monkeypatch):
    """`[karte]: path` is a link target, not prose: it is no segment, so no translator can point the
    document's image elsewhere (an entry for it in a catalog is never used)."""
    from presskit.source.content import load_document

    root = base_project(tmp_path, english=True)
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "karte.png").write_bytes(png())
    (root / "content" / "sheet.md").write_text("---\ntitle: Dalība ANO\n---\n\n![Karte][karte]\n\n"
                                               "[karte]: content/images/karte.png\n")
    assert [s.text for s in load_document(root / "content" / "sheet.md", root).body_segments()] == ["![Karte][karte]"]
    write_po(root, [("Dalība ANO", "UN"), ("[karte]: content/images/karte.png", "[karte]: /etc/hostname")])
    assert build(root, monkeypatch, "--draft") == (0, "")


def test_a_data_image_in_a_translation_gets_the_verdict_it_gets_in_the_document(tmp_path):
    """The same image rules for both (build/validate.py image_sources and image_problems): whatever
    a data: image in the document is found to have, the same image in a msgstr has, at its PO line."""
    from presskit.build.validate import document_problems, translation_problems

    for data in ("data:image/png;base64," + base64.b64encode(png(8, 8)).decode(),
                 "data:image/png;base64," + base64.b64encode(png(64, 64)[:60]).decode()):  # a truncated PNG
        root = base_project(tmp_path / str(len(data)) / "doc", english=True)
        (root / "content" / "sheet.md").write_text(f"---\ntitle: Dalība ANO\n---\n\nTeksts. ![x]({data})\n")
        in_document = [p.message for p in document_problems(root, "sheet.md", {"pdf"}, "lv")[0]]
        root = base_project(tmp_path / str(len(data)) / "po", english=True)
        (root / "content" / "sheet.md").write_text(f"---\ntitle: Dalība ANO\n---\n\n{PARAGRAPH}\n")
        po = write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, f"Text. ![x]({data})")])
        found = translation_problems(root, "sheet.md", {"pdf"}, "en", "lv")[0]
        assert [p.message for p in found] == in_document
        assert all((p.file, p.line) == ("content/translations/en.po", po_line(po, "Text.")) for p in found)


def test_translated_documents_are_validated_once_and_cached(tmp_path, monkeypatch):
    """A second build (or check) finds the translation's verdict in build/.presskit/validate.json."""
    from presskit.build import validate

    root = base_project(tmp_path, english=True)
    write_po(root, [("Dalība ANO", "UN"), (PARAGRAPH, "Latvia. ![Map](content/images/karte.png)")])
    assert build(root, monkeypatch, "--draft")[0] == 1
    calls = []
    monkeypatch.setattr(validate, "translation_problems", lambda *a: calls.append(a) or ([], []))
    assert build(root, monkeypatch, "--draft")[0] == 1
    assert calls == []
    (root / "content" / "images").mkdir()
    (root / "content" / "images" / "karte.png").write_bytes(png())  # the image appears: checked again
    monkeypatch.undo()
    assert build(root, monkeypatch, "--draft") == (0, "")
