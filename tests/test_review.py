"""presskit review import: returned briefings with tracked changes and comments by two ministries
(written as Word writes them, and once through LibreOffice), untracked and unmappable edits, a
translated briefing (its catalog), and hostile files."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import copy_fixture_project, run
from review_docx import Returned

pytestmark = pytest.mark.slow

GENERAL = "build/briefing/briefing-lv.docx"
FINANCE = "build/briefing/recipients/briefing-lv-finansu-nodala.docx"
WATER = "build/briefing/recipients/briefing-lv-udens-departaments.docx"
MARKUP = ("Kampaņas virsmērķis ir saglabāt ezeru ekosistēmu līdzsvaru, vienlaikus",
          "Kampaņas virsmērķis ir saglabāt **ezeru ekosistēmu** līdzsvaru, [vienlaikus](https://example.org/x)")


@pytest.fixture
def briefed(tmp_path) -> Path:
    """The fixture project with emphasis and a link in one paragraph, its briefings built."""
    root = copy_fixture_project(tmp_path / "project")
    md = root / "content" / "briefing.md"
    md.write_text(md.read_text().replace(MARKUP[0], MARKUP[1]))
    run("build", "briefing", "--root", root, check=True)
    return root


def review(root: Path, returned: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("review", "import", returned, "--root", root, *extra)


def test_two_ministries_tracked_changes_listed_diffed_applied_and_built(briefed, tmp_path):
    finance = Returned(briefed / FINANCE)
    finance.replace("vairāk nekā simts", "simts", "divsimt", "Anna Bērziņa")
    finance.replace("Kampaņas virsmērķis", "līdzsvaru", "veselību", "Anna Bērziņa")  # after the emphasis
    finance.replace("Kampaņas virsmērķis", "ekosistēmu", "dabas", "Jānis Ozols")  # inside it
    finance.replace("Darba grupas uzdevumi", "aprakstīti", "izklāstīti", "Jānis Ozols")  # before a link
    finance.comment("Kopš 2019. gada ministrija", "divdesmit novada ezeros", "Jānis Ozols", "Vai tiešām divdesmit?")
    water = Returned(briefed / WATER)
    water.replace("Tīrs ezers ir kopīgs", "kopīgs", "mūsu kopīgais", "Pēteris Kalns")
    water.insert_paragraph_after("Skolas sagatavo", "Pašvaldības atbalsta kampaņu.", "Pēteris Kalns")
    water.comment("Ministrija īpašu uzmanību", "krastu aizsardzībai", "Pēteris Kalns", "Kuru krastu?")

    proc = review(briefed, finance.save(tmp_path / "finanses.docx"))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"returned copy of {FINANCE}" in out
    assert "edit by Anna Bērziņa at content/briefing.md:26: ir vairāk nekā [-simts-]{+divsimt+} ezeru" in out
    assert "edit by Anna Bērziņa, Jānis Ozols at content/briefing.md:28" in out
    assert "comment by Jānis Ozols at content/briefing.md:45 on “divdesmit novada ezeros”: Vai tiešām divdesmit?" in out
    assert "+Kampaņas virsmērķis ir saglabāt **ezeru dabas** veselību, [vienlaikus](https://example.org/x)" in out
    assert "+- Darba grupas uzdevumi izklāstīti sadaļā [Turpmākie soļi](#turpmakie-soli)." in out
    before = (briefed / "content/briefing.md").read_text()
    assert "divsimt" not in before  # without --apply nothing is written

    assert review(briefed, tmp_path / "finanses.docx", "--apply").returncode == 0
    proc = review(briefed, water.save(tmp_path / "udens.docx"), "--apply")
    assert proc.returncode == 0, proc.stderr
    assert "new paragraph by Pēteris Kalns at content/briefing.md:67: “Pašvaldības atbalsta kampaņu.”" in proc.stdout
    text = (briefed / "content/briefing.md").read_text()
    assert "vairāk nekā divsimt ezeru" in text and "> Tīrs ezers ir mūsu kopīgais darbs" in text
    assert "2. Skolas sagatavo vides izglītības nodarbības.\n2. Pašvaldības atbalsta kampaņu.\n3." in text
    comments = json.loads((briefed / "content/review/briefing.json").read_text())["comments"]
    assert [(c["author"], c["line"], c["anchor"]) for c in comments] == [
        ("Jānis Ozols", 45, "divdesmit novada ezeros"), ("Pēteris Kalns", 34, "krastu aizsardzībai")]

    again = review(briefed, tmp_path / "finanses.docx", "--apply")  # imported twice: nothing new
    assert "3 already applied" in again.stdout and "+++" not in again.stdout
    assert (briefed / "content/briefing.md").read_text() == text

    run("build", "--root", briefed, check=True)
    with zipfile.ZipFile(briefed / GENERAL) as z:
        body = z.read("word/document.xml").decode()
    assert "divsimt ezeru" in body and "Pašvaldības atbalsta kampaņu." in body and "izklāstīti" in body
    report = (briefed / "build/index.html").read_text()
    assert "Review comments" in report and "Vai tiešām divdesmit?" in report and "content/briefing.md:45" in report


def test_untracked_edit_and_unmappable_changes_are_listed_never_dropped(briefed, tmp_path):
    r = Returned(briefed / GENERAL)
    r.untracked("novada skolām", "novada skolām un bērnudārziem")  # track changes off
    r.untracked("15. marts", "16. marts")  # the date the template formats: no source text
    r.table_row_inserted("2023. gada nogale", "Jānis Ozols")  # a table restructured
    proc = review(briefed, r.save(tmp_path / "r.docx"), "--apply")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "edit by not tracked at content/briefing.md:52: novada skolām{+ un bērnudārziem+};" in out
    assert "NOT MAPPED (not tracked): text presskit did not take from the content" in out and "15. marts" in out
    assert "NOT MAPPED (Jānis Ozols): a table restructured (a row added or removed)" in out
    text = (briefed / "content/briefing.md").read_text()
    assert "2. novada skolām un bērnudārziem;" in text
    assert text.count("| 2023. gada nogale |") == 1


def test_source_edited_since_the_build_is_not_guessed(briefed, tmp_path):
    r = Returned(briefed / GENERAL)
    r.replace("vairāk nekā simts", "simts", "divsimt", "Anna Bērziņa")
    md = briefed / "content/briefing.md"
    md.write_text(md.read_text().replace("vairāk nekā simts ezeru", "ap simt ezeru"))
    proc = review(briefed, r.save(tmp_path / "r.docx"), "--apply")
    assert "NOT MAPPED (Anna Bērziņa): the source no longer holds this text as built" in proc.stdout
    assert "ap simt ezeru" in md.read_text()


def test_libreoffice_saved_copy(briefed, tmp_path):
    """The returned file once more, as LibreOffice writes it (its own OOXML export of the changes)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice is not installed")
    r = Returned(briefed / FINANCE)
    r.replace("vairāk nekā simts", "simts", "divsimt", "Anna Bērziņa")
    r.replace("Tīrs ezers ir kopīgs", "kopīgs", "mūsu kopīgais", "Jānis Ozols")
    r.comment("Kopš 2019. gada ministrija", "divdesmit novada ezeros", "Jānis Ozols", "Vai tiešām divdesmit?")
    r.save(tmp_path / "word.docx")
    out = tmp_path / "lo"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--norestore",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(tmp_path / "word.docx")],
                   check=True, capture_output=True, timeout=180)
    with zipfile.ZipFile(out / "word.docx") as z:
        assert b"w:rsidR" in z.read("word/document.xml") or b"w:ins" in z.read("word/document.xml")
        assert "word/comments.xml" in z.namelist()
    proc = review(briefed, out / "word.docx")
    assert proc.returncode == 0, proc.stderr
    assert "edit by Anna Bērziņa at content/briefing.md:26: ir vairāk nekā [-simts-]{+divsimt+} ezeru" in proc.stdout
    assert "edit by Jānis Ozols at content/briefing.md:30" in proc.stdout
    assert "comment by Jānis Ozols at content/briefing.md:45" in proc.stdout


def test_translated_briefing_maps_to_its_catalog(tmp_path):
    root = copy_fixture_project(tmp_path / "project")
    config = root / "content/campaign.yaml"
    config.write_text(config.read_text().replace("languages: [lv]\n    recipients", "languages: [lv, en]\n    recipients"))
    run("i18n", "update", "--lang", "en", "--root", root, check=True)
    po = root / "content/translations/en.po"
    from presskit.i18n.catalogs import read_catalog
    from presskit.i18n.update import catalog_bytes

    catalog = read_catalog(po, root, "en")
    sample = next(m for m in catalog if str(m.id).startswith("Kopš 2019. gada ministrija katru vasaru ņem"))
    sample.string, sample.flags = "Since 2019 the *ministry* samples twenty lakes.", set()
    po.write_bytes(catalog_bytes(catalog))
    run("build", "briefing", "--draft", "--root", root, check=True)
    r = Returned(root / "build/briefing/briefing-en.docx")
    r.replace("Since 2019", "twenty", "thirty", "Anna Bērziņa")
    proc = run("review", "import", r.save(tmp_path / "en.docx"), "--root", root, "--apply")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"edit by Anna Bērziņa at content/translations/en.po \(msgid of content/briefing.md:45\)",
                     proc.stdout), proc.stdout
    assert 'msgstr "Since 2019 the *ministry* samples thirty lakes."' in po.read_text()


# ---- hostile and foreign files -------------------------------------------------------------------

def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def test_hostile_and_foreign_files_are_refused_with_a_clear_error(briefed, tmp_path):
    cases = {
        "not a zip": (b"%PDF-1.7 not a docx", "is not a DOCX file (not a zip archive)"),
        "zip without a document": (zipped({"a.txt": b"x"}), "is not a DOCX file (no word/document.xml)"),
        "zip bomb": (zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<a>" + b" " * 80_000_000}),
                     "(a zip bomb?)"),
    }
    parts = {n: zipfile.ZipFile(briefed / GENERAL).read(n) for n in zipfile.ZipFile(briefed / GENERAL).namelist()}
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:document>')
    cases["entities"] = (zipped({**parts, "word/document.xml": laughs}), "declares a DTD or entities")
    from docx import Document

    other = Document()
    for k in range(20):
        other.add_paragraph(f"Another project's report, paragraph {k}.")
    buffer = io.BytesIO()
    other.save(buffer)
    cases["another project"] = (buffer.getvalue(), "is not one of this project's briefings")
    for name, (data, message) in cases.items():
        path = tmp_path / f"{name.replace(' ', '-')}.docx"
        path.write_bytes(data)
        proc = review(briefed, path)
        assert proc.returncode == 1, name
        assert message in proc.stderr, (name, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_macros_and_external_relationships_are_named_not_followed(briefed, tmp_path):
    r = Returned(briefed / GENERAL)
    r.replace("vairāk nekā simts", "simts", "divsimt", "Anna Bērziņa")
    rels = r.parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'attachedTemplate" Target="http://127.0.0.1:9/evil.dotm" TargetMode="External"/></Relationships>')
    proc = review(briefed, r.save(tmp_path / "r.docx", {"word/_rels/document.xml.rels": rels,
                                                        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"}))
    assert proc.returncode == 0, proc.stderr
    assert "note: the file contains macros (vbaProject.bin): ignored, never run" in proc.stdout
    assert "note: external relationship (attachedTemplate) to http://127.0.0.1:9/evil.dotm: not followed" in proc.stdout
    assert "[-simts-]{+divsimt+}" in proc.stdout


def test_inline_edits_keep_markup():
    from presskit.review.inline import apply_edits, edits, plain

    src = 'Latvija ir **ANO** dalībvalsts kopš [1991. gada](https://x.lv "t") -- un "tā" ir.[^1]\n    turpinājums'
    shown = plain(src)
    assert shown.text == 'Latvija ir ANO dalībvalsts kopš 1991. gada – un "tā" ir. turpinājums'

    def change(old: str, new: str) -> str:
        return apply_edits(src, shown, edits(shown.text, shown.text.replace(old, new)))

    assert change("ANO", "UN").startswith("Latvija ir **UN** dalībvalsts")
    assert "[1992. gada](https://x.lv \"t\")" in change("1991", "1992")
    assert change("kopš 1991. gada ", "").startswith("Latvija ir **ANO** dalībvalsts -- un")  # the link goes whole
    assert change("turpinājums", "beigas").endswith("[^1]\n    beigas")
