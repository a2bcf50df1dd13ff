"""The renderer's per-process set-up: parsed stylesheets, cffi arrays, hyphenation patterns on disk,
and every library patch's unpatched fallback (presskit.patches)."""

import json
import subprocess
import sys

import pytest

from presskit.pdf import hyphenation as hyphenation
from presskit.pdf.weasy import import_weasyprint


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
    """Render as presskit does: the <style> texts go to WeasyPrint's stylesheets= when they can."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    from presskit.pdf.weasy import font_config, take_stylesheets

    html = f"<html><head><style>{style}</style></head><body>{body}</body></html>"
    document = HTML(string=html, base_url="/nonexistent/", url_fetcher=fetcher or URLFetcher())
    sheets = take_stylesheets(document)
    return document.render(stylesheets=sheets or [], font_config=font_config())


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
        from presskit.pdf.weasy import import_weasyprint
        import_weasyprint()
        from weasyprint.pdf import fonts
        heavy = ("fontTools.subset", "fontTools.varLib", "fontTools.varLib.instancer")
        print(sorted(m for m in heavy if m in sys.modules))
        from fontTools.subset import Options
        print(fonts.subset.Options is Options)
        try:
            fonts.instantiateVariableFont(None, {})
        except Exception as exc:
            print(type(exc).__module__ != "presskit.patches", sys.modules["fontTools.varLib.instancer"].__file__.endswith(".py"))
    """
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.split("\n")[:3] == ["[]", "True", "True True"]


def test_style_elements_leave_the_tree_in_order():
    """Moved sheets keep the document order, so the later rule wins as it did in the document."""
    from weasyprint import HTML

    from presskit.pdf.weasy import take_stylesheets

    html = ("<html><head><style>p { color: red }</style></head>"
            "<body>before <style>p { color: blue }</style>after<p>x</p></body></html>")
    document = HTML(string=html, base_url="/nonexistent/")
    sheets = take_stylesheets(document)
    assert len(sheets) == 2 and not [e for e in document.etree_element.iter() if e.tag.endswith("style")]
    rendered = document.render(stylesheets=sheets)
    [box] = [b for b in text_boxes(rendered) if b.text == "x"]
    assert box.style["color"][:3] == (0, 0, 1)
    assert "before after" in [b.text for b in text_boxes(rendered)]  # text around a <style> stays


@pytest.mark.parametrize("head", ['<link rel="stylesheet" href="a.css">', '<style media="print">p {}</style>'])
def test_documents_with_other_author_styles_keep_their_style_elements(head):
    """A linked sheet or a <style> with attributes would change place in the cascade: nothing moves."""
    from weasyprint import HTML

    from presskit.pdf.weasy import take_stylesheets

    html = f"<html><head>{head}<style>p {{ color: red }}</style></head><body><p>x</p></body></html>"
    document = HTML(string=html, base_url="/nonexistent/")
    assert take_stylesheets(document) is None
    assert len([e for e in document.etree_element.iter() if e.tag.endswith("style")]) >= 1


# ---- every patch has a fallback: the library's own path on any other version ----------------------

UNPATCHED = """if True:
    import sys
    from presskit import patches
    patches.PRETEND_VERSIONS.update({"weasyprint": "0", "pyphen": "0", "python-docx": "0"})
    from presskit.pdf.weasy import import_weasyprint
    import_weasyprint()
    from weasyprint.text.ffi import ffi
    print("new" in vars(ffi), "fontTools.subset" in sys.modules)
"""


def test_unknown_weasyprint_version_imports_it_unpatched():
    proc = subprocess.run([sys.executable, "-c", UNPATCHED], capture_output=True, text=True, check=True)
    assert proc.stdout.split() == ["False", "True"]  # no ffi.new of ours; fontTools imported eagerly


def test_unknown_pyphen_version_parses_the_dictionary(tmp_path, fresh_pyphen, monkeypatch):
    from presskit import patches

    hyphenation.preload("lv", tmp_path)  # saved
    fresh_pyphen.hdcache.clear()
    monkeypatch.setitem(patches.PRETEND_VERSIONS, "pyphen", "0")
    hyphenation.preload("lv", tmp_path)
    loaded = fresh_pyphen.hdcache[fresh_pyphen.LANGUAGES["lv"]]
    assert loaded.cache == {} and fresh_pyphen.Pyphen(lang="lv").inserted("drošībaspadomes") == "dro-šī-bas-pa-do-mes"
    assert type(loaded).__init__ is fresh_pyphen.HyphDict.__init__ and hasattr(loaded, "patterns")


def test_unknown_python_docx_version_saves_the_same_package(monkeypatch):
    """docx_members (python-docx's PackageWriter internals) and its fallback, save() + re-pack,
    give the same bytes."""
    import docx

    from presskit import patches
    from presskit.docx.package import save_deterministic

    document = docx.Document()
    document.add_paragraph("Eins")
    patched = save_deterministic(document)
    monkeypatch.setitem(patches.PRETEND_VERSIONS, "python-docx", "0")
    assert patches.docx_members(document) is None
    assert save_deterministic(document) == patched
