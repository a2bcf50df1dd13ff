"""Context pictures (build/context/) and the translation pages (build/report/translation-<lang>.html):
every segment of the default handout pictured where it stands, made incrementally, named in the
catalogs, and shown with its status and glossary findings."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import lxml.html
import pypdfium2
import pytest
from PIL import Image

from conftest import run
from presskit.i18n.context import COMMENT_PREFIX, picture_path
from presskit.report.context import plain_text, read_index, skeleton
from presskit.source.config import load_config
from presskit.source.content import load_document

pytestmark = pytest.mark.slow

HANDOUT = "content/handout.md"


def handout_segments(root: Path):
    return load_document(root / HANDOUT, root).segments()


def region_text(pdf_path: Path, page: int, box: list[float]) -> str:
    """The text pypdfium2 extracts from a rectangle (PDF points) of a page."""
    pdf = pypdfium2.PdfDocument(str(pdf_path))
    try:
        textpage = pdf[page - 1].get_textpage()
        return textpage.get_text_bounded(*box)
    finally:
        pdf.close()


def mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.glob("*.png")}


@pytest.fixture(scope="module")
def handout_built(tmp_path_factory) -> Path:
    """The default project with only the handouts built (what the pictures of its segments need)."""
    from presskit.source.scaffold import scaffold

    root = tmp_path_factory.mktemp("context") / "project"
    scaffold(root)
    run("build", "handouts", "--root", root, check=True)
    run("build", "handouts", "--root", root, check=True)  # the report of a no-op after it
    return root


def test_every_default_handout_segment_is_pictured_where_it_stands(handout_built):
    root = handout_built
    index = read_index(root)[HANDOUT]
    assert index["pdf"] == "build/handouts/handout-lv-screen.pdf"
    lang = load_config(root).source_language
    segments = handout_segments(root)
    assert len(segments) > 10
    for seg in segments:
        path = root / picture_path(HANDOUT, seg.context, seg.text)
        assert path.is_file(), f"{HANDOUT}:{seg.line} has no picture"
        with Image.open(path) as image:
            assert image.format == "PNG" and image.width > 40 and image.height > 20
        place = index["segments"][path.name]["place"]
        assert place, f"{HANDOUT}:{seg.line} not found"
        # The cropped region of that page holds the segment's text (as the reader sees it).
        text = region_text(root / index["pdf"], place["page"], place["crop"])
        assert skeleton(plain_text(seg.text, lang)) in skeleton(text), (seg.line, seg.text, text)
        # The highlighted lines lie inside the crop, and the room holds the lines.
        left, bottom, right, top = place["crop"]
        for x0, y0, x1, y1 in place["lines"]:
            assert left <= x0 and x1 <= right and bottom <= y0 and y1 <= top
            assert place["room"][0] <= x0 + 0.01 and x1 <= place["room"][2] + 0.01


def test_the_picture_highlights_the_segment(handout_built):
    """The highlight is drawn: the segment's lines in the picture are yellowish, the page around is not."""
    root = handout_built
    index = read_index(root)[HANDOUT]
    seg = handout_segments(root)[-1]
    name = Path(picture_path(HANDOUT, seg.context, seg.text)).name
    place = index["segments"][name]["place"]
    with Image.open(root / "build/context/handout" / name) as image:
        rgb = image.convert("RGB")
        scale = rgb.width / (place["crop"][2] - place["crop"][0])
        x0, y0, x1, y1 = place["lines"][0]
        inside = rgb.getpixel((int((x0 - place["crop"][0]) * scale) + 2, int((place["crop"][3] - y1) * scale) + 2))
    r, g, b = inside[:3]
    assert r > b + 40 and g > b + 20, inside  # yellow over the page


def test_catalogs_name_each_picture_and_stay_byte_identical(handout_built):
    root = handout_built
    before = (root / "content/translations/fr.po").read_bytes()
    for seg in handout_segments(root):
        assert f"#. {COMMENT_PREFIX}{picture_path(HANDOUT, seg.context, seg.text)}".encode() in before
    assert "unchanged content/translations/fr.po" in run("i18n", "update", "--root", root, check=True).stdout
    assert (root / "content/translations/fr.po").read_bytes() == before
    # The XLIFF export carries the same path in a note; importing it unedited changes nothing.
    run("i18n", "export", "--lang", "fr", "--root", root, check=True)
    xlf = (root / "build/i18n/fr.xlf").read_text()
    seg = handout_segments(root)[0]
    assert f">{COMMENT_PREFIX}{picture_path(HANDOUT, seg.context, seg.text)}</note>" in xlf
    run("i18n", "import", root / "build/i18n/fr.xlf", "--root", root, check=True)
    assert (root / "content/translations/fr.po").read_bytes() == before


def test_pictures_are_made_only_for_changed_pages(tmp_path, handout_built):
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    folder = root / "build/context/handout"
    first = mtimes(folder)
    run("build", "handouts", "--root", root, check=True)
    assert mtimes(folder) == first  # a no-op makes no picture
    # The edit below leaves a segment untranslated, which only a draft builds; a draft marks every
    # page (so every page changes once): start from a draft build.
    run("build", "handouts", "--draft", "--root", root, check=True)
    first = mtimes(folder)
    index = read_index(root)[HANDOUT]
    pages = {name: s["place"]["page"] for name, s in index["segments"].items()}
    assert set(pages.values()) == {1, 2}
    # Edit the last segment (on the second page): only pictures of that page are made again.
    text = (root / HANDOUT).read_text()
    last = handout_segments(root)[-1]
    (root / HANDOUT).write_text(text.replace(last.text, last.text + " un citas"))
    run("build", "handouts", "--draft", "--root", root, check=True)
    after = mtimes(folder)
    new_name = Path(picture_path(HANDOUT, last.context, last.text + " un citas")).name
    assert new_name in after and Path(picture_path(HANDOUT, last.context, last.text)).name not in after
    remade = {name for name in after if name not in first or after[name] != first[name]}
    assert new_name in remade
    assert remade <= {name for name, page in pages.items() if page == 2} | {new_name}
    assert all(after[name] == first[name] for name, page in pages.items() if page == 1)


def test_a_segment_not_in_the_pdf_is_reported_with_file_and_line(tmp_path, handout_built):
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    # The template stops showing the kicker: its segment is in the catalog, not on the page.
    template = root / "templates/handout/handout.html.j2"
    source = template.read_text()
    assert "{{ doc.meta.kicker }}" in source
    template.write_text(source.replace("{{ doc.meta.kicker }}", ""))
    run("build", "handouts", "--root", root, check=True)
    line = load_document(root / HANDOUT, root).meta_lines["kicker"]
    index = read_index(root)[HANDOUT]
    missing = [s for s in index["segments"].values() if not s["place"]]
    assert [s["line"] for s in missing] == [line]
    html = (root / "build/index.html").read_text()
    assert f"{HANDOUT}:{line}" in html and "not found in build/handouts/handout-lv-screen.pdf" in html
    page = (root / "build/report/translation-fr.html").read_text()
    assert f"not found in build/handouts/handout-lv-screen.pdf: {HANDOUT}:{line}" in page


def test_translation_page_shows_status_glossary_and_use(tmp_path, handout_built):
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    po = root / "content/translations/fr.po"
    text = po.read_text()
    # One entry loses the glossary's term (ONU), one becomes fuzzy, one untranslated.
    term_entry = 'msgstr "Messages clés"'
    assert term_entry in text
    lines = text.split("\n")
    target = next(i for i, line in enumerate(lines) if line.startswith('msgid "Galvenās vēstis"'))
    lines[target - 1] += "\n#, fuzzy"
    po.write_text("\n".join(lines))
    run("build", "handouts", "--draft", "--root", root, check=True)
    page = lxml.html.parse(str(root / "build/report/translation-fr.html")).getroot()
    rows = page.xpath('//tr[contains(@class, "entry")]')
    assert len(rows) >= len(handout_segments(root))
    status = {row.xpath('.//div[@class="source"]')[0].text_content(): row.get("data-status") for row in rows}
    assert status["Galvenās vēstis"] == "fuzzy"
    assert list(status.values()).count("translated") == len(status) - 1
    # Every handout segment's row shows its picture; the glossary terms it holds are listed.
    imgs = page.xpath("//img/@src")
    for seg in handout_segments(root):
        assert "../" + picture_path(HANDOUT, seg.context, seg.text).removeprefix("build/") in imgs
    assert page.xpath('//li[@class="good"][contains(., "glossary")]')
    assert "content/handout.md:8" in page.text_content()
    assert "handout-fr.pdf" in page.text_content()
    # A translation that drops the glossary's term is a finding on that entry.
    bad = text.replace("l’ONU, la Lettonie", "l’Organisation, la Lettonie", 1)
    assert bad != text
    po.write_text(bad)
    run("build", "handouts", "--draft", "--root", root, check=True)
    page = lxml.html.parse(str(root / "build/report/translation-fr.html")).getroot()
    finding = page.xpath('//li[@class="bad"]')
    assert finding and "“ANO” is not translated as “ONU”" in finding[0].text_content()
    index = (root / "build/index.html").read_text()
    assert 'href="report/translation-fr.html"' in index
    assert "content/briefing.md (briefing) is built only as DOCX" in index


def test_a_no_op_build_shows_the_pictures_as_last_made(tmp_path, handout_built):
    """A no-op (nothing rendered) neither makes pictures nor pages, nor imports Markdown to do so."""
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    shutil.rmtree(root / "build/context/handout")
    run("build", "handouts", "--root", root, check=True)
    assert not (root / "build/context/handout").exists()
    page = (root / "build/report/translation-fr.html").read_text()
    assert picture_path(HANDOUT, "body", handout_segments(root)[-1].text).removeprefix("build/") in page
    run("build", "handouts", "--draft", "--root", root, check=True)  # renders: the pictures are made again
    assert len(list((root / "build/context/handout").glob("*.png"))) == len(handout_segments(root))


def test_no_op_build_reads_no_pdf_and_writes_no_page(tmp_path, handout_built):
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    run("build", "handouts", "--root", root, check=True)  # the copy's own paths and times, once
    pages = root / "build/report/translation-fr.html"
    stamp = pages.stat().st_mtime_ns
    index = (root / "build/.presskit/context.json").read_bytes()
    os.utime(root / "build/handouts/handout-lv-screen.pdf")  # same bytes: the report rehashes, no picture
    run("build", "handouts", "--root", root, check=True)
    assert pages.stat().st_mtime_ns == stamp
    assert json.loads((root / "build/.presskit/context.json").read_bytes()) == json.loads(index)


def test_a_linked_picture_folder_is_not_written_through(tmp_path, handout_built):
    root = tmp_path / "project"
    shutil.copytree(handout_built, root, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / "build/context")
    (root / "build/context").symlink_to(outside)  # a commit can bring one
    (root / "build/.presskit/context.json").unlink()
    (root / "build/handouts/handout-lv-screen.pdf").unlink()  # a build that renders: pictures are due
    run("build", "handouts", "--root", root, check=True)
    assert list(outside.iterdir()) == []
    assert "Context pictures could not be made" in (root / "build/index.html").read_text()


def test_the_xliff_export_carries_its_pictures_and_says_which_are_missing(tmp_path, handout_built):
    """The folder sent to an agency: <lang>.xlf and, at the paths its notes name (relative to it),
    the pictures; a project not built yet gets the file and a warning, never a silent gap."""
    import re

    out = tmp_path / "agency"
    proc = run("i18n", "export", "--lang", "fr", "--out", out, "--root", handout_built, check=True)
    named = set(re.findall(rf">{COMMENT_PREFIX}([^<]+)</note>", (out / "fr.xlf").read_text()))
    assert len(named) == len(handout_segments(handout_built))
    for name in named:
        assert (out / name).read_bytes() == (handout_built / name).read_bytes()
    assert f"{len(named)} context pictures beside it" in proc.stdout and "warning" not in proc.stderr

    from presskit.source.scaffold import scaffold

    fresh = tmp_path / "fresh"
    scaffold(fresh)
    proc = run("i18n", "export", "--lang", "fr", "--out", tmp_path / "early", "--root", fresh, check=True)
    assert (tmp_path / "early" / "fr.xlf").is_file() and not (tmp_path / "early" / "build").exists()
    assert "0 context pictures beside it" in proc.stdout
    assert "context picture(s) its notes name are not built yet (first: build/context/handout/" in proc.stderr
    assert "run presskit build, then export again" in proc.stderr
