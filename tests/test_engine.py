"""The renderer's per-process tuning: WeasyPrint's cffi arrays, hyphenation patterns kept on disk."""

import json
import subprocess
import sys

import pytest

from presskit import hyphenation
from presskit.engine import import_weasyprint


@pytest.fixture(scope="module")
def ffi():
    import_weasyprint()
    from weasyprint.text.ffi import ffi

    return ffi


def test_fixed_arrays_keep_length_and_contents(ffi):
    array = ffi.new("hb_codepoint_t[3]", [7, 8, 9])
    assert list(array) == [7, 8, 9] and len(array) == 3 and ffi.sizeof(array) == 12
    empty = ffi.new("char[4]")
    assert len(empty) == 4 and bytes(ffi.buffer(empty)) == b"\0\0\0\0"
    assert len(ffi.new("hb_tag_t[100]")) == 100


def test_fixed_arrays_shorter_initialiser_is_zero_padded(ffi):
    # cffi pads a short initialiser with zeros; the fast path must not shorten the array instead.
    array = ffi.new("hb_codepoint_t[4]", [1, 2])
    assert list(array) == [1, 2, 0, 0]


def test_fixed_arrays_parse_each_element_type_once(ffi):
    ffi.new("hb_codepoint_t[5]", [1, 2, 3, 4, 5])
    parsed = set(ffi._parsed_types)
    for length in (11, 301, 2650):
        ffi.new(f"hb_codepoint_t[{length}]", list(range(length)))
    assert set(ffi._parsed_types) == parsed  # no new C type string went through pycparser


@pytest.fixture
def fresh_pyphen(monkeypatch):
    import pyphen

    monkeypatch.setattr(pyphen, "hdcache", {})
    return pyphen


def test_hyphenation_is_saved_and_read_back(tmp_path, fresh_pyphen):
    pyphen = fresh_pyphen
    hyphenation.preload("lv", tmp_path)
    saved = list(tmp_path.glob("hyph_lv*.json"))
    assert len(saved) == 1
    parsed = pyphen.hdcache[pyphen.LANGUAGES["lv"]]
    pyphen.hdcache.clear()
    hyphenation.preload("lv", tmp_path)  # now from the file
    loaded = pyphen.hdcache[pyphen.LANGUAGES["lv"]]
    assert loaded is not parsed and loaded.patterns == parsed.patterns and loaded.maxlen == parsed.maxlen
    word = "drošībaspadomes"
    assert pyphen.Pyphen(lang="lv").inserted(word) == "dro-šī-bas-pa-do-mes"
    assert loaded.positions(word) == parsed.positions(word)


def test_hyphenation_damaged_cache_is_parsed_again(tmp_path, fresh_pyphen):
    pyphen = fresh_pyphen
    hyphenation.preload("en", tmp_path)
    (saved,) = tmp_path.glob("*.json")
    saved.write_text('{"format": 1, "patterns": [["ab", 0')  # cut short by a full disk
    pyphen.hdcache.clear()
    hyphenation.preload("en", tmp_path)
    assert pyphen.Pyphen(lang="en").inserted("hyphenation") == "hy-phen-a-tion"
    assert json.loads(saved.read_text())["format"] == hyphenation.FORMAT  # rewritten whole


def test_hyphenation_without_dictionary_does_nothing(tmp_path, fresh_pyphen):
    hyphenation.preload("zh", tmp_path)
    assert not any(tmp_path.iterdir()) and fresh_pyphen.hdcache == {}


def test_hyphenation_cache_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert hyphenation.cache_dir() == tmp_path / "presskit" / "hyphenation"


@pytest.fixture
def parses(monkeypatch, ffi):
    """The style texts tinycss2 parsed, in order."""
    import tinycss2

    seen, parse = [], tinycss2.parse_stylesheet
    monkeypatch.setattr(tinycss2, "parse_stylesheet", lambda css, *a, **k: seen.append(css) or parse(css, *a, **k))
    return seen


def render(style: str, body: str, fetcher=None):
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from presskit.pdf import font_config

    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    document = HTML(string=html, base_url="/nonexistent/", url_fetcher=fetcher or URLFetcher())
    return document.render(font_config=font_config())  # one per process, as presskit renders


def text_boxes(document):
    todo, found = [document.pages[0]._page_box], []
    while todo:
        box = todo.pop()
        todo.extend(getattr(box, "children", []))
        if hasattr(box, "text"):
            found.append(box)
    return found


def test_stylesheet_is_parsed_once_and_applies_to_every_document(parses):
    style = "@page { size: 100mm 50mm; margin: 5mm } p { font-size: 30px } /* once */"
    first, second = render(style, "<p>Eins</p>"), render(style, "<p>Zwei</p>")
    assert parses.count(style) == 1
    for document, word in ((first, "Eins"), (second, "Zwei")):
        page = document.pages[0]
        assert (round(page.width * 25.4 / 96), round(page.height * 25.4 / 96)) == (100, 50)  # @page rule
        [box] = [b for b in text_boxes(document) if b.text == word]
        assert box.style["font_size"] == 30


@pytest.mark.parametrize("rule", [
    '@counter-style tick { system: cyclic; symbols: "~"; suffix: " " } ol { list-style: tick }',
    "@import url(more.css);",
])
def test_stylesheet_with_effects_outside_itself_is_parsed_per_document(parses, rule):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    fetched = []

    class Fetcher(URLFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return URLFetcherResponse(url, body=b"li { font-size: 20px }", headers={"Content-Type": "text/css"})

    style = rule + " /* effects */"
    documents = [render(style, "<ol><li>Punkts</li></ol>", Fetcher()) for _ in range(2)]
    assert parses.count(style) == 2
    if "@import" in rule:
        assert len(fetched) == 2  # each document reads (and records) the imported file
    else:
        for document in documents:
            assert "~ " in [b.text for b in text_boxes(document)]


def test_fonttools_fallbacks_are_imported_only_when_used():
    """WeasyPrint's fontTools fallbacks (subsetting, variable-font instancing) are not imported with
    it, and still work: the first use imports the real module."""
    code = """if True:
        import sys
        from presskit.engine import import_weasyprint
        import_weasyprint()
        from weasyprint.pdf import fonts
        heavy = ("fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer")
        print(sorted(m for m in heavy if m in sys.modules))
        from fontTools.subset import Options
        print(fonts.subset.Options is Options)
        try:
            fonts.instantiateVariableFont(None, {})
        except Exception as exc:
            print(type(exc).__module__ != "presskit.engine", sys.modules["fontTools.varLib.instancer"].__file__.endswith(".py"))
    """
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split("\n")[:3] == ["[]", "True", "True True"]
