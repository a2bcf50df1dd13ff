"""The one parse (issue 13, item 1), over a corpus of real-world Markdown (tests/corpus/markdown):

(a) in the source language presskit's body HTML is Python-Markdown's own, sanitised;
(b) a catalog whose every msgstr is its msgid renders exactly the source, and a catalog that
    upper-cases every segment reaches every visible word (no text is left out of the segments);
(c) every segment carries its true source line.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from presskit.html.markdown import render_markdown
from presskit.html.sanitize import sanitize_html
from presskit.languages import language
from presskit.source import markdown as source_markdown
from presskit.source.content import Document, load_document

CORPUS = Path(__file__).resolve().parent / "corpus" / "markdown"
FILES = sorted((p for p in CORPUS.glob("*.md") if p.name != "README.md"), key=lambda p: p.name)
LANGS = ["lv", "en", "de", "ru", "ar", "zh"]
def test_corpus_is_there():
    assert len(FILES) >= 20
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for path in FILES:
        assert path.name in readme, f"{path.name}: say where it comes from in {CORPUS / 'README.md'}"


def plain_markdown(lang: str) -> markdown.Markdown:
    """Python-Markdown itself with presskit's extensions and configuration (new_markdown's), and
    nothing of presskit's own: no caption processor, no segment or limit tree processors."""
    configs = source_markdown.extension_configs(language(lang).quotes)
    return markdown.Markdown(extensions=source_markdown.EXTENSIONS, extension_configs=configs,
                             output_format="html")


def has_caption(body: str) -> bool:
    """Whether presskit's one addition to the dialect (a Pandoc ': caption' paragraph) is in use."""
    return any(e.tag == "caption" for e in source_markdown.parse_body(body).tree.iter())


def source_html(body: str, lang: str) -> str:
    return str(render_markdown(body, lang).html)


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_source_html_is_python_markdowns(path, lang):
    """(a) presskit renders the source exactly as Python-Markdown does, sanitised."""
    body = read(path)
    if has_caption(body):
        pytest.skip("a Pandoc ': caption' line: presskit's own addition to the dialect")
    expected = sanitize_html(plain_markdown(lang).convert(body))
    assert source_html(body, lang) == expected


def test_caption_is_the_only_addition():
    """The files with a caption render as Python-Markdown does once the caption is taken out."""
    path = CORPUS / "hand-lv.md"
    body = read(path)
    assert has_caption(body)
    html = source_html(body, "lv")
    caption = "<table><caption>Vēsturiskie apgabali</caption><thead>"
    assert caption in html
    without = body.replace("\n: Vēsturiskie apgabali\n", "\n")
    assert not has_caption(without)
    assert html.replace(caption, "<table>\n<thead>") == sanitize_html(plain_markdown("lv").convert(without))


def document(path: Path, tmp_path: Path) -> Document:
    """The corpus file as a project document, behind three lines of front matter (so the body
    starts at line 4 of its file, as in a real project)."""
    target = tmp_path / "content" / path.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("---\ntitle: Corpus\n---\n" + read(path), encoding="utf-8")
    doc = load_document(target, tmp_path)
    assert doc.body == read(path) and doc.body_line == 4
    return doc


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_identity_catalog_renders_the_source(path, lang, tmp_path):
    """(b) every msgstr equal to its msgid: the same HTML as the source, character for character."""
    doc = document(path, tmp_path)
    same = doc.localized(lambda segment: segment.text)
    assert same.translations is not None and len(same.translations) == len(doc.body_segments())
    render_markdown.cache_clear()  # as in a build: the source is not rendered in this language yet
    translated = render_markdown(same.body, lang, same.translations).html
    assert translated == render_markdown(doc.body, lang).html


# render_markdown() with translations first renders the source (for its heading ids) with the same
# Markdown instance: without a reset between the two, the footnotes extension kept the source's
# references, and a translated reference became "fnref2:x" with a dead back-link.
def test_translated_footnotes_keep_their_ids():
    body = "Text with a note.[^n]\n\n[^n]: The note.\n"
    doc = Document(Path("note.md"), "note.md", {}, {}, body)
    same = doc.localized(lambda segment: segment.text)
    render_markdown.cache_clear()
    translated = str(render_markdown(body, "en", same.translations).html)
    assert translated == render_markdown(body, "en").html


class VisibleText(HTMLParser):
    """The text a reader sees, without code (never translated) and without attributes."""

    def __init__(self, code: bool = False) -> None:
        """*code*: keep the text of code too."""
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.code = 0
        self.keep_code = code

    def handle_starttag(self, tag, attrs):
        if tag in ("code", "pre"):
            self.code += 1
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in ("code", "pre"):
            self.code -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self.code or self.keep_code:
            self.parts.append(data)


def visible_words(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(str(html))
    parser.close()
    return UNCOMPARED.sub(" ", "".join(parser.parts)).split()


QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„‟«»‹›\"'"})


def lettered(words: list[str]) -> list[str]:
    """Words with letters; quotation marks made one (smarty reads "IT'S" as an opening quote)."""
    return [w.translate(QUOTES) for w in words if any(c.isalpha() for c in w)]


# What upper-casing must leave alone, or the Markdown would mean something else: code spans, tags
# (with their attributes) and autolinks, entities, URLs, link targets and reference labels,
# footnote labels, attribute lists.
MARKUP = re.compile(r"""`+[^`]*`+|</?[A-Za-z][\w:-]*(?:\s+[\w:-]+(?:=(?:"[^"]*"|'[^']*'|[^\s>]+))?)*\s*/?>"""
                    r"|<[^<>\s]+[:@][^<>\s]*>|&#?\w+;|\b\w+://\S+|\]\([^)]*\)|\]\s?\[[^\]]*\]|\[\^[^\]]*\]"
                    r"|\{[^}]*\}|^\[[^\]]*\]:.*$", re.M)
# Not compared: attribute lists shown as text (a cell's "{: class=…}", "{ foo=bar⏎key=value }": on
# the translator's one line the latter becomes real attributes) and URLs, which stay as written.
UNCOMPARED = re.compile(r"\{[^}]*\}|\S*(?:://|@)\S*")


def shout(text: str) -> str:
    """A translation that upper-cases every word of a segment and keeps its markup."""
    out, at = [], 0
    for m in MARKUP.finditer(text):
        out += [text[at: m.start()].upper(), m.group()]
        at = m.end()
    return "".join(out) + text[at:].upper()




@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_visible_word_is_in_a_segment(path, tmp_path):
    """(b) a catalog that upper-cases every segment upper-cases every visible word: no text is
    left out of the segments (code is not translated, and is left out of the comparison)."""
    doc = document(path, tmp_path)
    loud = doc.localized(lambda segment: shout(segment.text))
    source = lettered(visible_words(render_markdown(doc.body, "en").html))
    shouted = lettered(visible_words(render_markdown(loud.body, "en", loud.translations).html))
    missed = [w for w in shouted if w != w.upper()]
    assert not missed, f"{path.name}: words no segment holds: {missed[:20]}"
    assert Counter(w.upper() for w in source) == Counter(shouted)


def segment_lines(path: Path, tmp_path: Path):
    doc = document(path, tmp_path)
    lines = ("---\ntitle: Corpus\n---\n" + doc.body).split("\n")
    return doc.body_segments(), lines


def on_line(segment, line: str) -> bool:
    """Whether *line* is where *segment* starts: its first word stands there (after indentation,
    quote markers, list markers, table pipes — anywhere on the line), as a word of its own."""
    first = segment.text.split()[0]
    if segment.kind == "admonition title":  # "!!! note" has the title "Note"
        return line.lstrip(" \t>").startswith("!!!") and first.casefold() in line.casefold()
    if segment.kind == "table cell" and "|" not in line:
        return False
    if segment.kind == "heading" and not re.match(r"[ \t>]*#", line) and "{" not in first:
        # a setext heading: the line under it is all '=' or '-'
        return first in line
    pattern = re.escape(first)
    if first[0].isalnum():
        pattern = r"(?<!\w)" + pattern
    if first[-1].isalnum():
        pattern += r"(?!\w)"
    return re.search(pattern, line) is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_segments_carry_their_source_line(path, tmp_path):
    """(c) the source line at segment.line holds the segment's first word; in tree order, segments
    do not go back in the file (but for footnotes, which move to the end, and captions, which may
    follow their table); no line holds more segments starting with a word than it has that word."""
    segments, lines = segment_lines(path, tmp_path)
    assert segments
    previous: dict[bool, int] = {}
    starts: Counter[tuple[int, str]] = Counter()
    for segment in segments:
        assert 4 <= segment.line <= len(lines), segment
        line = lines[segment.line - 1]
        assert on_line(segment, line), f"{path.name}:{segment.line}: {segment.text[:60]!r} is not on {line!r}"
        if segment.kind != "table caption":
            note = segment.kind == "footnote"
            assert segment.line >= previous.get(note, 0), f"{path.name}:{segment.line}: {segment} goes back"
            previous[note] = segment.line
        first = segment.text.split()[0].casefold()
        starts[(segment.line, first)] += 1
        assert starts[(segment.line, first)] <= line.casefold().count(first), \
            f"{path.name}:{segment.line}: more segments start with {first!r} than the line holds"


LINE_CASES = {
    "after a fenced code block": ("Intro.\n\n```\nHello world\n```\n\nHello world\n", [1, 7]),
    "after an indented code block": ("Intro.\n\n    Hello world\n\nHello world\n", [1, 5]),
    "after an HTML comment": ("Intro.\n\n<!-- Hello world -->\n\nHello world\n", [1, 5]),
    "admonitions without a title": ("!!! note\n    Body.\n\n!!! note\n    Body.\n", [1, 2, 4, 5]),
    "a footnote repeating the body": ("Text.[^1]\n\n[^1]: Text.\n\nMore text.\n", [1, 5, 3]),
    "captions after and before tables": (
        "a | b\n--|--\n1 | 2\n\n: Cap\n\n: Cap\n\nc | d\n--|--\n3 | 4\n", [5, 1, 1, 3, 3, 7, 9, 9, 11, 11]),
    "an abbreviation definition": ("# H\n\n*[H]: Heading\n\n# H\n", [1, 5]),
    "a link reference definition": ("Intro.\n\n[Google]: http://google.com/\n\nGoogle\n", [1, 5]),
    "repeated rows": ("a | b\n--|--\nx | x\nx | x\n", [1, 1, 3, 3, 4, 4]),
    "a lazy blockquote": ("> Quote starts\nand continues\n\n> Quote starts\n", [1, 4]),
    "setext headings": ("Title\n=====\n\nTitle\n-----\n", [1, 4]),
}


@pytest.mark.parametrize("case", LINE_CASES, ids=list(LINE_CASES))
def test_segment_lines_in_small_cases(case):
    body, expected = LINE_CASES[case]
    assert [s.line for s in source_markdown.body_segments(body)] == expected
    assert [s.line for s in source_markdown.body_segments(body, 10)] == [n + 9 for n in expected]


def test_corpus_numbers():
    """How much the tests above check (printed with -s; the report quotes it)."""
    segments = sum(len(source_markdown.body_segments(read(p))) for p in FILES)
    words = sum(len(lettered(visible_words(render_markdown(read(p), "en").html))) for p in FILES)
    print(f"\n{len(FILES)} files, {segments} segments, {words} visible words with letters")
    assert segments > 500 and words > 5000
