"""The per-process reference cache and the one-pass save give the same documents as parsing afresh."""

import io
import os
import zipfile

import docx
import pytest

import presskit.docx.reference as reference
import presskit.docx.writer as writer
from conftest import default_reference, edit_reference_styles
from presskit.docx.package import deterministic_zip, save_deterministic
from presskit.source.config import load_config

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PAGE = """<html lang="lv"><head><title>{title}</title></head><body>
<header><p data-style="Header">Ministrija<span class="tab"></span>Lapa {{PAGE}}</p></header>
<footer><p data-style="Footer">{title}</p></footer>
<p data-style="Addressee">{addressee}</p>
<h1>Kopsavilkums</h1>
<ol><li>pirmais</li><li>otrais<ul><li>iekšā</li></ul></li></ol>
<table><thead><tr><th>Laiks</th><th>Notikums</th></tr></thead>
<tbody><tr><td>2021</td><td>skaidrojums<sup><a class="footnote-ref" href="#fn:a">1</a></sup></td></tr></tbody></table>
<p>Skatīt <a href="#kopsavilkums">kopsavilkumu</a> un <a href="https://example.org/ā">avotu</a>.</p>
<div class="footnote"><ol><li id="fn:a"><p>Avots.</p></li></ol></div>
</body></html>"""


def convert(project, addressee: str, title: str = "Ziņojums", fresh: bool = False) -> bytes:
    if fresh:  # what every call did before the cache: parse reference.docx again
        reference._pristine.clear()
    html = PAGE.format(title=title, addressee=addressee)
    return writer.html_to_docx(html, load_config(project), "briefing", {})


def body_texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_cached_reference_gives_the_bytes_of_a_fresh_parse(project):
    first, second = convert(project, "Finanšu ministrija"), convert(project, "Kultūras ministrija")
    assert first != second
    assert body_texts(first)[0] == "Finanšu ministrija"
    assert body_texts(second)[0] == "Kultūras ministrija"
    # one copy's edits never leak into the next: the cached document stays untouched
    assert convert(project, "Finanšu ministrija") == first
    assert convert(project, "Finanšu ministrija", fresh=True) == first
    assert convert(project, "Kultūras ministrija", fresh=True) == second
    with zipfile.ZipFile(io.BytesIO(second)) as z:
        document = z.read("word/document.xml").decode()
    assert document.count("<w:footnoteReference ") == 1 and "Finanšu" not in document


def test_an_edited_reference_is_picked_up_even_with_the_same_mtime(project):
    ref = project / "templates" / "briefing" / "reference.docx"
    ref.write_bytes(default_reference())
    before = convert(project, "Finanšu ministrija")
    stat = ref.stat()
    # rename the Addressee style's id: the body must now point at the new id
    edit_reference_styles(ref, rb'w:styleId="Addressee"', b'w:styleId="Adresats"')
    os.utime(ref, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    after = convert(project, "Finanšu ministrija")
    assert after != before
    first = docx.Document(io.BytesIO(after)).element.body.find(f"{W}p")
    assert first.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Adresats"
    assert after == convert(project, "Finanšu ministrija", fresh=True)


@pytest.mark.parametrize("reference", [True, False])
def test_one_pass_save_matches_save_then_repack(reference):
    document = docx.Document(io.BytesIO(default_reference()) if reference else None)
    document.add_paragraph("Teksts ar garumzīmēm: ā, č, ē.")
    document.sections[0].header.add_paragraph("Galvene")
    out = io.BytesIO()
    document.save(out)
    assert save_deterministic(document) == deterministic_zip(out.getvalue())


def test_packed_zip_is_what_zipfile_writes():
    from presskit.docx.package import _pack, _write_entry

    styles = default_reference()
    entries = [("[Content_Types].xml", b"<Types/>"), ("word/empty.xml", b""),
               ("word/media/reference.bin", styles), ("word/again.bin", styles),  # the second is a cache hit
               ("word/text.xml", "Latviešu teksts ".encode() * 500)]
    for names in (entries, [("word/ā.xml", b"x"), *entries]):  # a non-ASCII name goes through zipfile
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, data in names:
                _write_entry(dst, name, data)
        assert _pack(names) == out.getvalue()
        with zipfile.ZipFile(io.BytesIO(_pack(names))) as z:
            assert z.testzip() is None and [z.read(n) for n, _ in names] == [d for _, d in names]
