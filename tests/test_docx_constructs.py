"""Every Markdown construct of the dialect reaches the DOCX in its Word style, in order, with every word
(issue 13, items 3 and 7): written through html_to_docx from the HTML the pipeline makes
(source.markdown's dialect, then the sanitiser), read back with python-docx."""

import io
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import docx
import lxml.etree
import lxml.html
import pytest

from conftest import copy_fixture_project
from presskit.docx.inline import BLOCK_TAGS
from presskit.docx.writer import html_to_docx
from presskit.errors import ContentError
from presskit.html.sanitize import sanitize_html
from presskit.source.config import load_config
from presskit.source.markdown import new_markdown

CORPUS = Path(__file__).resolve().parent / "corpus" / "docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
EMU_PX = 9525
LV_QUOTES = ("„", "“", "‚", "‘")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = copy_fixture_project(tmp_path_factory.mktemp("constructs") / "p")
    shutil.copytree(CORPUS, root / "tests" / "corpus" / "docx")
    return root


def page(body: str) -> str:
    return f"<!DOCTYPE html><html lang='lv'><head><title>T</title></head><body>{body}</body></html>"


def html_of(markdown_text: str) -> str:
    return sanitize_html(new_markdown(LV_QUOTES).convert(markdown_text))


def write(root: Path, markdown_text: str | None = None, html: str | None = None) -> docx.document.Document:
    """The DOCX of a Markdown text (saved as content/doc.md, where errors are located) or of body HTML."""
    if markdown_text is not None:
        (root / "content" / "doc.md").write_text(markdown_text, encoding="utf-8")
        html = html_of(markdown_text)
    data = html_to_docx(page(html or ""), load_config(root), "briefing", {}, "content/doc.md")
    return docx.Document(io.BytesIO(data))


def paras(document) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in document.paragraphs]


def level(p) -> int | None:
    num = p._p.pPr.numPr if p._p.pPr is not None else None
    return num.ilvl.val if num is not None and num.ilvl is not None else (0 if num is not None else None)


def left_indent(p) -> int | None:
    ind = p._p.pPr.find(f"{W}ind") if p._p.pPr is not None else None
    return int(ind.get(f"{W}left")) if ind is not None else None


def footnotes(document) -> list[list[tuple[str, str]]]:
    part = next(r.target_part for r in document.part.rels.values() if r.reltype.endswith("/footnotes"))
    notes = lxml.etree.fromstring(part.blob)
    styles = {s.style_id: s.name for s in document.styles}
    out = []
    for fn in notes.iter(f"{W}footnote"):
        if fn.get(f"{W}id") in ("-1", "0"):
            continue
        out.append([(styles.get(p.find(f"{W}pPr/{W}pStyle").get(f"{W}val")),
                     "".join(t.text for t in p.iter(f"{W}t")).strip()) for p in fn.iter(f"{W}p")])
    return out


def pictures(document) -> list[tuple[int, int]]:
    return [(int(e.get("cx")), int(e.get("cy"))) for e in document.element.body.iter(f"{WP}extent")]


def text_width(document) -> int:
    s = document.sections[0]
    return s.page_width - s.left_margin - s.right_margin


# ---- each construct ---------------------------------------------------------------------------

def test_headings_every_level_with_setext_and_text_right_after(root):
    d = write(root, "Virsraksts\n==========\nTeksts uzreiz.\n\nOtrais\n------\n\n### Trīs\n#### Četri\n"
                    "##### Pieci\n###### Seši\n")
    assert paras(d) == [("Heading 1", "Virsraksts"), ("Normal", "Teksts uzreiz."), ("Heading 2", "Otrais"),
                        ("Heading 3", "Trīs"), ("Heading 4", "Četri"), ("Heading 5", "Pieci"),
                        ("Heading 6", "Seši")]


def test_hard_break_is_a_line_break_in_one_paragraph(root):
    d = write(root, "Pirmā rinda  \notrā rinda\nturpinās.\n")
    assert paras(d) == [("Normal", "Pirmā rinda\notrā rinda turpinās.")]
    assert len(d.paragraphs[0]._p.findall(f".//{W}br")) == 1


def test_nested_list_keeps_its_order_paragraphs_and_code(root):
    d = write(root, "1. Pirmais\n\n    Otrā rindkopa.\n\n        kods  ar   atstarpēm\n\n    - a\n    - b\n"
                    "        1. dziļi\n\n    Rindkopa pēc saraksta.\n\n2. Otrais\n")
    found = [(p.style.name, p.text, level(p)) for p in d.paragraphs]
    assert found == [("List Number", "Pirmais", 0), ("List Continue", "Otrā rindkopa.", None),
                     ("Source Code", "kods  ar   atstarpēm", None), ("List Bullet", "a", 1),
                     ("List Bullet", "b", 1), ("List Number", "dziļi", 2),
                     ("List Continue", "Rindkopa pēc saraksta.", None), ("List Number", "Otrais", 0)]
    # the code sits at the item's text edge (the level's indent plus the style's own)
    assert left_indent(d.paragraphs[2]) == 357 + 113


def test_list_item_starting_with_a_block_still_shows_its_number(root):
    d = write(root, html="<ol><li><pre>x = 1</pre></li><li><ul><li>iekšā</li></ul></li></ol>")
    assert [(p.style.name, p.text, level(p)) for p in d.paragraphs] == [
        ("List Number", "", 0), ("Source Code", "x = 1", None), ("List Number", "", 0),
        ("List Bullet", "iekšā", 1)]


def test_blockquotes_nest_and_hold_lists(root):
    d = write(root, "> Pirmais līmenis.\n>\n> > Ligzdots.\n>\n> - punkts\n")
    assert paras(d) == [("Quote", "Pirmais līmenis."), ("Quote", "Ligzdots."), ("List Bullet", "punkts")]
    assert [left_indent(p) for p in d.paragraphs] == [None, 567 * 2, 567 + 357]


def test_deep_nesting_keeps_half_the_column_for_text(root):
    d = write(root, html="<blockquote>" * 40 + "<p>dziļi</p><ul><li>punkts</li></ul>" + "</blockquote>" * 40)
    half = text_width(d) // 635 // 2
    assert paras(d) == [("Quote", "dziļi"), ("List Bullet", "punkts")]
    assert left_indent(d.paragraphs[0]) == half and left_indent(d.paragraphs[1]) == half + 357


def test_code_blocks_keep_every_space_and_no_smart_quotes(root):
    text = 'def f():\n    return "x"  # \'y\'\n\n\tend'
    d = write(root, f'Teksts "pēdiņās".\n\n```\n{text}\n```\n\n    atkāpts   kods\n      otrā\n')
    # two code blocks in a row: an empty paragraph between them keeps their boxes apart
    assert paras(d) == [("Normal", "Teksts „pēdiņās“."), ("Source Code", text.replace("\t", "    ")),
                        ("Normal", ""), ("Source Code", "atkāpts   kods\n  otrā")]
    code = d.paragraphs[1]._p
    assert len(code.findall(f".//{W}br")) == 3
    assert all(r.find(f"{W}rPr") is None for r in code.iter(f"{W}r"))  # the style does it all
    assert {t.get("{http://www.w3.org/XML/1998/namespace}space") for t in code.iter(f"{W}t")
            if t.text != t.text.strip()} == {"preserve"}


def test_inline_code_is_a_character_style(root):
    d = write(root, 'Izsauc `f("x")` tagad.\n')
    runs = [(r.style.name if r.style is not None else None, r.text) for r in d.paragraphs[0].runs]
    assert runs == [("Default Paragraph Font", "Izsauc "), ("Verbatim Char", 'f("x")'),
                    ("Default Paragraph Font", " tagad.")]


def test_table_with_caption_alignment_and_no_leading_pipes(root):
    d = write(root, ": 1. tabula. Paraksts\n\n| Kreisi | Centrā | Labi |\n|:--|:-:|--:|\n| a | b | 1 |\n\n"
                    "Vārds | Skaitlis\n--- | ---:\nbez | 2\n")
    assert paras(d)[0] == ("Caption", "1. tabula. Paraksts")
    first, second = d.tables
    assert [[c.text for c in r.cells] for r in first.rows] == [["Kreisi", "Centrā", "Labi"], ["a", "b", "1"]]
    jc = [[p.paragraphs[0]._p.pPr.find(f"{W}jc").get(f"{W}val") for p in r.cells] for r in first.rows]
    assert jc == [["left", "center", "right"]] * 2
    assert [[c.text for c in r.cells] for r in second.rows] == [["Vārds", "Skaitlis"], ["bez", "2"]]
    # two tables in a row stay two tables: a paragraph between them
    body = [c.tag for c in d.element.body]
    assert body.index(f"{W}tbl", body.index(f"{W}tbl") + 1) - body.index(f"{W}tbl") == 2


def test_table_cells_hold_blocks_and_spans(root):
    d = write(root, html="<table><tr><td colspan='2'>plats<ul><li>punkts</li></ul></td></tr>"
                         "<tr><td>a</td><td>b</td></tr></table>")
    table = d.tables[0]
    first = table.rows[0]._tr.findall(f"{W}tc")
    assert len(first) == 1 and first[0].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"
    assert [(p.style.name, p.text) for p in table.cell(0, 0).paragraphs] == [("Table Text", "plats"),
                                                                             ("List Bullet", "punkts")]


def test_images_png_jpeg_svg_sized_by_attribute_or_column(root):
    img = "tests/corpus/docx/images"
    d = write(root, f"![josla]({img}/banner.png){{: width=\"240\"}}\n\n"
                    f"Rindā ![m]({img}/banner.png){{: height=\"16\"}} teksts.\n\n![plats]({img}/wide.jpg)\n\n"
                    f"![svg]({img}/chart.svg)\n\n![dabisks]({img}/banner.png)\n")
    column = text_width(d)
    assert pictures(d) == [(240 * EMU_PX, 120 * EMU_PX), (32 * EMU_PX, 16 * EMU_PX),
                           (column, round(900 * column / 1600)), (320 * EMU_PX, 160 * EMU_PX),
                           (480 * EMU_PX, 240 * EMU_PX)]
    assert [s for s, _ in paras(d)] == ["Figure", "Normal", "Figure", "Figure", "Figure"]
    names = sorted(n for n in zipfile.ZipFile(io.BytesIO(_bytes(d))).namelist() if n.startswith("word/media/"))
    assert [n.rsplit(".", 1)[1] for n in names] == ["png", "jpg", "png"]  # one PNG stored once; the SVG as PNG
    alt = [e.get("descr") for e in d.element.body.iter(f"{WP}docPr")]
    assert alt == ["josla", "m", "plats", "svg", "dabisks"]


def _bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_figure_with_caption_and_horizontal_rule(root):
    d = write(root, '<figure>\n<img src="tests/corpus/docx/images/chart.svg" alt="d">\n'
                    "<figcaption>1. attēls. Diagramma</figcaption>\n</figure>\n\n---\n\nBeigas.\n")
    assert paras(d) == [("Captioned Figure", ""), ("Image Caption", "1. attēls. Diagramma"), ("Horizontal Rule", ""),
                        ("Normal", "Beigas.")]
    assert len(pictures(d)) == 1


def test_definition_list_admonition_and_abbreviation(root):
    d = write(root, "Termins\n:   Pirmā.\n\n    Otrā.\n\n!!! note \"Ievērībai\"\n    Teksts par ANO.\n\n"
                    "    - punkts\n\n*[ANO]: Apvienoto Nāciju Organizācija\n")
    assert paras(d) == [("Definition Term", "Termins"), ("Definition", "Pirmā."), ("Definition", "Otrā."),
                        ("Admonition Title", "Ievērībai"), ("Admonition", "Teksts par ANO."),
                        ("Admonition", "punkts")]  # an admonition's list stays in its box, numbered
    assert level(d.paragraphs[-1]) == 0
    two = write(root, "!!! note\n    Viens.\n\n!!! warning\n    Divi.\n")
    assert paras(two) == [("Admonition Title", "Note"), ("Admonition", "Viens."), ("Normal", ""),
                          ("Admonition Title", "Warning"), ("Admonition", "Divi.")]


def test_footnotes_hold_paragraphs_and_lists(root):
    d = write(root, "Teikums[^a] un[^b].\n\n[^a]: Pirmā.\n\n    - punkts\n    - otrs\n\n    Otrā rindkopa.\n\n"
                    "[^b]: Īsa.\n")
    assert paras(d) == [("Normal", "Teikums un.")]
    assert footnotes(d) == [[("footnote text", "Pirmā."), ("footnote text", "punkts"), ("footnote text", "otrs"),
                             ("footnote text", "Otrā rindkopa.")], [("footnote text", "Īsa.")]]


def test_raw_html_blocks_keep_their_text_in_order(root):
    d = write(root, '<div class="x">Brīvs teksts <span>spanā</span>\n<section><h3 id="r">Virsraksts</h3>'
                    "aiz virsraksta</section>\n<p>Rindkopa <mark>iezīme</mark> <sup>2</sup> <del>nav</del>.</p></div>\n")
    assert paras(d) == [("Normal", "Brīvs teksts spanā"), ("Heading 3", "Virsraksts"), ("Normal", "aiz virsraksta"),
                        ("Normal", "Rindkopa iezīme 2 nav.")]
    styles = [r.style.name for r in d.paragraphs[3].runs if r.text.strip() in ("2", "nav")]
    assert styles == ["Superscript", "Strikethrough"]


# ---- links and bookmarks ------------------------------------------------------------------------

def test_links_reach_any_element_id(root):
    d = write(root, "## Turpmākie soļi\n\n<h3 id=\"raw\">Neapstrādāts</h3>\n\n<p>Teksts ar "
                    "<span id=\"vieta\">vietu</span>.</p>\n\n[soļi](#turpmakie-soli) [raw](#raw) [vieta](#vieta)\n")
    links = [h.fragment for p in d.paragraphs for h in p.hyperlinks]
    assert links == ["turpmakie_soli", "raw", "vieta"]
    names = [b.get(f"{W}name") for b in d.element.body.iter(f"{W}bookmarkStart")]
    assert sorted(names) == ["raw", "turpmakie_soli", "vieta"]
    ids = [b.get(f"{W}id") for b in d.element.body.iter(f"{W}bookmarkStart")]
    assert len(set(ids)) == len(ids)


def test_every_bad_link_and_image_is_reported_in_one_pass_with_its_line(root):
    (root / "content" / "notes.txt").write_text("nav attēls")
    text = ("# Virsraksts\n\n[pirmā](#nav-1) un [otrā](#nav-2).\n\n![trūkst](content/images/missing.png)\n\n"
            "![ārā](../outside.png)\n\n![tīkls](https://example.org/x.png)\n\n![teksts](content/notes.txt)\n\n"
            "Vēlreiz [pirmā](#nav-1).\n")
    with pytest.raises(ContentError) as err:
        write(root, text)
    fix = "link to an id the document has, e.g. #virsraksts, or give the target an id ({#id} after a heading)"
    link = "link to '%s' matches no heading or other element id — " + fix
    assert str(err.value).split("\n") == [
        "content/doc.md:3: " + link % "#nav-1",
        "content/doc.md:3: " + link % "#nav-2",
        "content/doc.md:5: image 'content/images/missing.png' not found — add the file or correct the path "
        "(relative paths start at the project folder)",
        "content/doc.md:7: image '../outside.png' is outside the project folder — copy the file into the project "
        "(e.g. content/images/) and refer to it by a relative path",
        "content/doc.md:9: image 'https://example.org/x.png' is a remote resource (https:); outputs may only use "
        "files inside the project — download the file into the project (e.g. content/images/) and refer to it by "
        "a relative path",
        "content/doc.md:11: image 'content/notes.txt' is not an image presskit can read — convert it to PNG or "
        "JPEG (supported: GIF, JPEG, PNG, SVG)",
        "content/doc.md:13: " + link % "#nav-1",
    ]


def test_links_to_headings_in_other_scripts(root):
    d = write(root, "## Совет Безопасности\n\n## 安全理事会\n\n[a](#совет-безопасности) [b](#安全理事会)\n")
    names = [b.get(f"{W}name") for b in d.element.body.iter(f"{W}bookmarkStart")]
    links = [h.fragment for p in d.paragraphs for h in p.hyperlinks]
    assert len(set(names)) == 2 and links == names  # ASCII bookmark names, unique, each link to its own
    assert all(re.fullmatch(r"[a-z][a-z0-9_]{0,39}", n) for n in names)


def test_a_link_that_misses_by_its_accents_is_told_the_heading_id(root):
    with pytest.raises(ContentError) as err:
        write(root, "## Turpmākie soļi\n\nSk. [soļus](#turpmākie-soļi).\n")
    assert str(err.value) == ("content/doc.md:3: link to '#turpmākie-soļi' matches no heading or other element id — "
                              "write #turpmakie-soli, the id of that heading or element")


def test_twenty_bad_links_are_twenty_problems(root):
    text = "".join(f"Saite [{n}](#nav-{n}).\n\n" for n in range(20))
    with pytest.raises(ContentError) as err:
        write(root, text)
    assert [(p.line, p.message) for p in err.value.problems] == [
        (2 * n + 1, f"link to '#nav-{n}' matches no heading or other element id") for n in range(20)]


def test_an_image_symlinked_out_of_the_project_is_refused(root, tmp_path):
    outside = tmp_path / "secret.png"
    shutil.copy(CORPUS / "images" / "banner.png", outside)
    link = root / "content" / "link.png"
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    with pytest.raises(ContentError) as err:
        write(root, "![x](content/link.png)\n")
    assert str(err.value) == ("content/doc.md:1: image 'content/link.png' is outside the project folder — copy the "
                              "file into the project (e.g. content/images/) and refer to it by a relative path")


def test_an_svg_that_fetches_other_files_is_refused(root):
    svg = root / "content" / "ext.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                   '<image href="/etc/passwd" width="10" height="10"/></svg>')
    with pytest.raises(ContentError) as err:
        write(root, "![x](content/ext.svg)\n")
    assert str(err.value) == ("content/doc.md:1: image 'content/ext.svg' is an SVG that refers to other files — "
                              "embed what it refers to in the SVG, or export it as PNG")


def test_an_element_the_docx_cannot_carry_is_an_error_not_a_silent_skip(root):
    (root / "content" / "doc.md").write_text("# A\n\n<video>klips</video>\n")
    with pytest.raises(ContentError) as err:
        html_to_docx(page("<h1>A</h1><p><video>klips</video></p>"), load_config(root), "briefing", {},
                     "content/doc.md")
    assert str(err.value) == ("content/doc.md:3: <video> cannot be written to the DOCX briefing — remove it, or "
                              "replace it by an image (PNG, JPEG or SVG file) or text")


# ---- nothing lost ------------------------------------------------------------------------------

def visible_words(html: str) -> list[str]:
    """Every word a reader sees in the body HTML, blocks and line breaks separating words. Footnote
    marks and back-links are no words: Word numbers its footnotes itself."""
    tree = lxml.html.document_fromstring(html)
    for a in tree.xpath("//a[contains(@class, 'footnote-backref') or contains(@class, 'footnote-ref')]"):
        a.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.tag in BLOCK_TAGS or el.tag == "br"):
            el.text, el.tail = " " + (el.text or ""), " " + (el.tail or "")
    return re.findall(r"\w+", tree.find("body").text_content())


def docx_words(document) -> list[str]:
    data = zipfile.ZipFile(io.BytesIO(_bytes(document)))
    words = []
    for name in ("word/document.xml", "word/footnotes.xml"):
        xml = lxml.etree.fromstring(data.read(name))
        for p in xml.iter(f"{W}p"):  # each paragraph, line and tab apart: words never run together
            text = "".join(t.text or "" if t.tag == f"{W}t" else " " for t in p.iter(f"{W}t", f"{W}br", f"{W}tab"))
            words += re.findall(r"\w+", text)
    return words


@pytest.mark.parametrize("name", ["every-construct.md", "nested.md", "raw-html.md", "project:brochure.md", "project:briefing.md",
                                  "project:handout.md"])
def test_every_visible_word_of_the_corpus_is_in_the_docx(root, name):
    if name.startswith("project:"):  # the fixture project's documents, front matter set aside
        text = (root / "content" / name[8:]).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    else:
        text = (CORPUS / name).read_text(encoding="utf-8")
    html = html_of(text)
    words_in = visible_words(page(html))
    d = write(root, text)
    out = docx_words(d)
    assert sorted(set(words_in) - set(out)) == []
    assert Counter(words_in) == Counter(out)  # every word as often as the reader sees it, none added
    assert len(words_in) > 30


def test_the_word_check_can_fail(root, monkeypatch):
    """The check above is not vacuous: a writer that drops code blocks is caught."""
    import presskit.docx.writer as writer

    monkeypatch.setattr(writer._Writer, "_code", lambda self, el, ctx: None)
    text = (CORPUS / "every-construct.md").read_text(encoding="utf-8")
    lost = set(visible_words(page(html_of(text)))) - set(docx_words(write(root, text)))
    assert {"fenced", "indented", "keeps"} <= lost


def test_same_input_same_bytes(root):
    text = (CORPUS / "every-construct.md").read_text(encoding="utf-8")
    (root / "content" / "doc.md").write_text(text)
    html = page(html_of(text))
    campaign = load_config(root)
    assert html_to_docx(html, campaign, "briefing", {}, "content/doc.md") == \
        html_to_docx(html, campaign, "briefing", {}, "content/doc.md")


def test_q_shows_the_languages_quotation_marks(root):
    d = write(root, html="<p>Viņš teica <q>tīrs <q>ezers</q> ir</q>.</p>")
    assert paras(d) == [("Normal", "Viņš teica „tīrs ‚ezers‘ ir“.")]
