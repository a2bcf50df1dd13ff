"""The renderer's per-process tuning: WeasyPrint's cffi arrays, hyphenation patterns kept on disk."""

import json

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
