"""Containment: content reads only files inside the project; every blocked attempt is asserted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.request import HTTPRedirectHandler

import pikepdf
import pytest

from presskit.build.run import build
from presskit.errors import PresskitError, Problem
from presskit.html.sanitize import sanitize_html
from presskit.pdf.fetcher import ProjectFetcher, remove_attachments
from presskit.source.config import load_config
from presskit.source.containment import resolve_project_file

BASE = Path(__file__).parent / "bad_inputs" / "_base"
SECRET = "TOP-SECRET-OUTSIDE-THE-PROJECT"


@pytest.fixture
def root(tmp_path) -> Path:
    """The small base project, with a secret file beside it (outside its root) and a file inside."""
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    (tmp_path / "secret.txt").write_text(SECRET)
    (project / "content" / "inside.txt").write_text("inside")
    return project


# ---- the URL fetcher ----------------------------------------------------------------------

BLOCKED = {
    "http": ("http://example.org/logo.png", "'http://example.org/logo.png' is a remote resource (http:); "
                                            "outputs may only use files inside the project"),
    "https": ("https://example.org/a.css", "'https://example.org/a.css' is a remote resource (https:); "
                                           "outputs may only use files inside the project"),
    "ftp": ("ftp://example.org/a.png", "'ftp://example.org/a.png' is a remote resource (ftp:); "
                                       "outputs may only use files inside the project"),
    "etc_passwd": ("file:///etc/passwd", "'file:///etc/passwd' is outside the project folder"),
    "other_host": ("file://server/share/a.png", "'file://server/share/a.png' names a file on another machine"),
}


@pytest.mark.parametrize("name", BLOCKED)
def test_fetcher_refuses(root, name):
    url, message = BLOCKED[name]
    fetcher = ProjectFetcher(root)
    with pytest.raises(ValueError, match="presskit refuses to load"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.reasons[url].message == message
    assert fetcher.read == set()


def test_fetcher_refuses_dotdot_out_of_the_root(root):
    url = (root / "content" / ".." / ".." / "secret.txt").as_uri()
    fetcher = ProjectFetcher(root)
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.reasons[url].message == f"'{url}' is outside the project folder"


def test_fetcher_refuses_symlinks_out_of_the_root(root):
    (root / "content" / "link.txt").symlink_to(root.parent / "secret.txt")
    (root / "content" / "dir").symlink_to(root.parent)
    fetcher = ProjectFetcher(root)
    for target in (root / "content" / "link.txt", root / "content" / "dir" / "secret.txt"):
        with pytest.raises(ValueError):
            fetcher.fetch(target.as_uri())
    assert [fetcher.reasons[u].message for u in fetcher.refused] == [
        f"'{u}' is outside the project folder" for u in fetcher.refused]
    assert len(fetcher.refused) == 2 and fetcher.read == set()


def test_fetcher_refuses_missing_files(root):
    url = (root / "content" / "nothing.png").as_uri()
    fetcher = ProjectFetcher(root)
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.reasons[url].message == f"'{url}' not found"


def test_fetcher_serves_project_files_and_data_urls(root):
    (root / "content" / "inner.txt").symlink_to(root / "content" / "inside.txt")  # a link that stays inside
    fetcher = ProjectFetcher(root)
    for path in (root / "content" / "inside.txt", root / "content" / "inner.txt"):
        assert fetcher.fetch(path.as_uri()).read() == b"inside"
    css = fetcher.fetch((root / "templates" / "sheet" / "sheet.css").as_uri())
    assert css.content_type == "text/css"  # WeasyPrint ignores a linked stylesheet of any other type
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    assert fetcher.read == {(root / "content" / "inside.txt").resolve(), (root / "templates/sheet/sheet.css").resolve()}
    assert fetcher.refused == []


def test_fetcher_follows_no_redirects_and_urllib_goes_through_fetch(root):
    fetcher = ProjectFetcher(root)
    assert not any(isinstance(h, HTTPRedirectHandler) for h in fetcher.handlers)
    with pytest.raises(ValueError):
        fetcher.open("http://example.org/")
    assert fetcher.refused == ["http://example.org/"]


# ---- the shared resolver (PDF validation and the DOCX writer) ---------------------------

def test_resolve_project_file(root):
    (root / "content" / "link.txt").symlink_to(root.parent / "secret.txt")
    assert resolve_project_file(root, "content/inside.txt") == (root / "content" / "inside.txt").resolve()
    assert resolve_project_file(root, "inside.txt", base=root / "content") == (root / "content/inside.txt").resolve()
    refused = {ref: resolve_project_file(root, ref) for ref in (
        "../secret.txt", "content/link.txt", str(root.parent / "secret.txt"), "https://example.org/x.png",
        "content/none.png")}
    assert {ref: p.message for ref, p in refused.items()} == {
        "../secret.txt": "'../secret.txt' is outside the project folder",
        "content/link.txt": "'content/link.txt' is outside the project folder",
        str(root.parent / "secret.txt"): f"'{root.parent / 'secret.txt'}' is outside the project folder",
        "https://example.org/x.png": "'https://example.org/x.png' is a remote resource (https:); "
                                     "outputs may only use files inside the project",
        "content/none.png": "'content/none.png' not found",
    }
    assert all(isinstance(p, Problem) and p.fix for p in refused.values())


# ---- through a real build -------------------------------------------------------------------

def add_to_template(root: Path, html: str) -> None:
    path = root / "templates" / "sheet" / "sheet.html.j2"
    path.write_text(path.read_text().replace("</body>", html + "\n</body>"))


def test_template_resources_outside_are_refused_with_their_line(root):
    secret = root.parent / "secret.txt"
    add_to_template(root, f'<img src="https://example.org/logo.png">\n<img src="{secret.as_uri()}">')
    (root / "templates" / "sheet" / "sheet.css").write_text(
        '@import url("http://example.org/fonts.css");\n'
        '@font-face { font-family: X; src: url(/etc/ssl/certs/ca-certificates.crt); }\n')
    with pytest.raises(PresskitError) as err:
        report = build(load_config(root), ["sheet"], jobs=1)
        raise PresskitError(report.errors)
    target = "build/sheet/sheet-lv-screen.pdf"
    refused = f" (refused while rendering {target})"
    remote = "outputs may only use files inside the project"
    assert sorted(str(p).split(" — ")[0] for p in err.value.problems) == sorted([
        f"templates/sheet/sheet.css:1: 'http://example.org/fonts.css' is a remote resource (http:); {remote}{refused}",
        f"templates/sheet/sheet.html.j2:12: 'https://example.org/logo.png' is a remote resource (https:); {remote}{refused}",
        f"templates/sheet/sheet.html.j2:13: '{secret.as_uri()}' is outside the project folder{refused}",
        f"templates/sheet/sheet.css:2: 'file:///etc/ssl/certs/ca-certificates.crt' is outside the project folder{refused}",
    ])
    assert not (root / target).exists()


def test_attachments_are_removed(root):
    add_to_template(root, '<link rel="attachment" href="content/inside.txt">\n'
                          '<a rel="attachment nofollow" href="content/sheet.md">Avots</a>')
    report = build(load_config(root), ["sheet"], jobs=1)
    assert report.errors == []
    with pikepdf.open(root / "build" / "sheet" / "sheet-lv-screen.pdf") as pdf:
        assert len(pdf.attachments) == 0
        subtypes = {str(a.get("/Subtype")) for page in pdf.pages for a in page.get("/Annots", [])}
        assert "/FileAttachment" not in subtypes
        assert "/Link" in subtypes  # the anchor stays a plain link


def test_remove_attachments_counts_what_it_strips():
    from weasyprint import HTML

    html = HTML(string='<link rel="Attachment" href="a"><a rel="attachment" href="b">b</a><a href="c">c</a>')
    assert remove_attachments(html) == 2
    assert [e.get("rel") for e in html.etree_element.iter() if e.tag in ("a", "link")] == [None, None, None]


HOSTILE = """
<script>document.write('x')</script><style>@import url(/etc/passwd);</style>
<iframe src="file:///etc/passwd"></iframe><object data="/etc/passwd"></object><embed src="/etc/passwd">
<link rel="stylesheet" href="/etc/passwd"><link rel="attachment" href="/etc/passwd">
<img src="x.png" onerror="alert(1)"><span style="background: url(/etc/passwd); color: red">s</span>
<svg><image href="/etc/passwd"/></svg><a rel="attachment" href="/etc/passwd">a</a>
<a href="javascript:alert(1)">j</a><a href="/etc/passwd">p</a><img src="data:text/html,<b>x</b>"><base href="file:///etc/">
"""


def test_sanitizer_allow_list():
    clean = sanitize_html(HOSTILE)
    for forbidden in ("script", "style", "iframe", "object", "embed", "link", "onerror", "url(", "svg",
                      "rel=", "javascript", "data:text", "base", "/etc/passwd"):
        assert forbidden not in clean, forbidden
    assert '<img src="x.png">' in clean and '<span>s</span>' in clean and "<a>j</a><a>p</a>" in clean


def test_sanitizer_keeps_what_markdown_makes():
    html = ('<h1 class="x" id="top" data-style="Title">T</h1><p>a<sup id="fnref:1"><a class="footnote-ref" '
            'href="#fn:1">1</a></sup> <a href="https://mfa.gov.lv">b</a> <a href="mailto:a@b.lv">c</a></p>'
            '<table><tr><th style="text-align:left">h</th></tr></table><img alt="k" src="content/k.png">'
            '<img src="data:image/png;base64,iVBORw0KGgo=">')
    assert sanitize_html(html) == html.replace("<tr>", "<tbody><tr>").replace("</tr>", "</tr></tbody>")


def test_raw_html_in_markdown_reaches_nothing(root):
    (root / "content" / "sheet.md").write_text("---\ntitle: Dalība ANO\n---\n\nTeksts.\n\n" + HOSTILE.replace(
        '<img src="x.png" onerror="alert(1)">', "") + "\n\nBeigas.\n")
    report = build(load_config(root), ["sheet"], jobs=1)
    assert report.errors == []
    with pikepdf.open(root / "build" / "sheet" / "sheet-lv-screen.pdf") as pdf:
        assert len(pdf.attachments) == 0
    state = (root / "build" / ".presskit" / "state.json").read_text()
    assert "passwd" not in state and "/etc" not in state  # nothing outside was read (or fingerprinted)


def test_jinja_autoescapes_content(root):
    (root / "content" / "sheet.md").write_text(
        '---\ntitle: "<img src=\'file:///etc/passwd\'> & <b>"\n---\n\nTeksts.\n')
    report = build(load_config(root), ["sheet"], jobs=1)
    assert report.errors == []
    from conftest import flat, pdf_pages_text

    text = flat(pdf_pages_text(root / "build/sheet/sheet-lv-screen.pdf")[0]).replace("/ ", "/")
    assert "<img src='file:///etc/passwd'> & <b>" in text


def test_docx_images_follow_the_same_rules(root):
    config = root / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("format: pdf", "format: docx").replace("    editions: [screen]\n", ""))
    (root / "content" / "sheet.md").write_text("---\ntitle: Dalība ANO\n---\n\n![a](/etc/passwd)\n\n![b](content/inside.txt)\n")
    with pytest.raises(PresskitError) as err:
        build(load_config(root), ["sheet"], jobs=1)
    assert [str(p).split(" — ")[0] for p in err.value.problems] == [
        "content/sheet.md:5: image '/etc/passwd' is outside the project folder",
        "content/sheet.md:7: image 'content/inside.txt' is not an image presskit can read",
    ]
    assert not list((root / "build").glob("sheet/*"))


def test_no_symlinked_root_trick(tmp_path, root):
    """A project opened through a symbolic link still contains itself, and only itself."""
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    fetcher = ProjectFetcher(alias)
    assert fetcher.fetch((alias / "content" / "inside.txt").as_uri()).read() == b"inside"
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / "secret.txt").as_uri())
    assert os.path.realpath(alias) == str(root.resolve())
