"""Content loading: front matter, blocks, segments, and clear errors for bad files."""

import pytest

from fixture_text import BROCHURE_LIST_ITEM, CHAPTERS, HANDOUT_HEADINGS, TITLE
from presskit.errors import ContentError
from presskit.html.markdown import render_markdown
from presskit.source.content import load_document
from presskit.source.markdown import body_segments


def write(root, name, data):
    path = root / "content" / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def test_fixture_document_segments(project):
    doc = load_document(project / "content" / "brochure.md", project)
    segments = doc.segments()
    assert segments[0].context == "meta:title" and segments[0].text == TITLE
    texts = [s.text for s in segments]
    assert [t for t in texts if t in CHAPTERS] == CHAPTERS
    assert BROCHURE_LIST_ITEM in texts  # list items are separate segments
    heading = next(s for s in segments if s.text == CHAPTERS[2])
    lines = (project / "content" / "brochure.md").read_text().splitlines()
    assert lines[heading.line - 1] == f"# {CHAPTERS[2]}"


def test_segments_come_from_the_parse_with_their_lines():
    text = ("# Title\n\nPara one\ncontinues.\n\n- a\n- b\n  more\n\n> quote\n> two\n\n"
            "| x | y |\n|---|---|\n| 1 | 2 |\n")
    found = [(s.kind, s.text, s.line) for s in body_segments(text)]
    assert found == [("heading", "Title", 1), ("paragraph", "Para one continues.", 3), ("list item", "a", 6),
                     ("list item", "b more", 7), ("quotation", "quote two", 10), ("table cell", "x", 13),
                     ("table cell", "y", 13), ("table cell", "1", 15), ("table cell", "2", 15)]


def test_localized_replaces_every_segment(project):
    doc = load_document(project / "content" / "handout.md", project)
    upper = doc.localized(lambda seg: seg.text.upper())
    assert upper.meta["title"] == TITLE.upper()
    html = render_markdown(upper.body, "lv", upper.translations).html
    assert f">{HANDOUT_HEADINGS[0].upper()}</h1>" in html


def test_bom_and_crlf_are_accepted(project):
    path = write(project, "x.md", b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\n\r\n# H\r\n\r\nText\r\n")
    doc = load_document(path, project)
    assert doc.meta == {"title": "T"}
    assert [(s.text, s.line) for s in doc.body_segments()] == [("H", 5), ("Text", 7)]


def test_non_utf8_names_file_and_line(project):
    path = write(project, "x.md", b"# ok\n\ncaf\xe9\n")
    with pytest.raises(ContentError) as err:
        load_document(path, project)
    assert str(err.value) == "content/x.md:3: not valid UTF-8 (byte 0xe9) — save the file as UTF-8"


def test_bad_front_matter_names_line(project):
    path = write(project, "x.md", "---\ntitle: ok\nsubtitle: [oops\n---\n\nText\n")
    with pytest.raises(ContentError) as err:
        load_document(path, project)
    assert str(err.value).startswith("content/x.md:3: invalid front matter")


def test_unclosed_front_matter(project):
    path = write(project, "x.md", "---\ntitle: ok\n\nText\n")
    with pytest.raises(ContentError) as err:
        load_document(path, project)
    assert str(err.value) == ("content/x.md:1: front matter is not closed — "
                              "end the YAML block with a line containing only ---")


def test_empty_document(project):
    path = write(project, "x.md", "\n\n")
    with pytest.raises(ContentError) as err:
        load_document(path, project)
    assert str(err.value) == "content/x.md:1: document is empty — write some content or remove the file"


def test_front_matter_cache_gives_own_copies_and_sees_edits(tmp_path):
    from presskit.source.content import load_document

    path = tmp_path / "doc.md"
    path.write_text("---\ntitle: Pirmais\ntags: [a, b]\n---\n\n# Virsraksts\n", encoding="utf-8")
    first = load_document(path, tmp_path)
    first.meta["tags"].append("c")  # a caller changing its copy must not change the next one
    second = load_document(path, tmp_path)
    assert second.meta == {"title": "Pirmais", "tags": ["a", "b"]} and second.meta_lines == first.meta_lines
    path.write_text("---\ntitle: Otrais\ntags: [a, b]\n---\n\n# Virsraksts\n", encoding="utf-8")
    assert load_document(path, tmp_path).meta["title"] == "Otrais"
