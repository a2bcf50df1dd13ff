"""Fuzzing: generated Markdown, front matter and PO catalogs end in outputs or a clean error, never a traceback."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import default_reference
from test_bad_inputs import CORPUS, run_cli

REPO = Path(__file__).resolve().parents[1]

# Pieces of Markdown syntax (and of things that break parsers) that random text rarely hits alone.
TOKENS = ["# ", "## ", "### ", "- ", "* ", "1. ", "> ", "    ", "\t", "```", "~~~", "| a | b |\n|---|---|\n",
          "---", "***", "*", "**", "_", "`", "[", "](", ")", "![x](", "<", ">", "&", "&amp;", "\n", "\n\n",
          "{: #id .c }", "[^1]", "\n[^1]: ", "<b>", "</b>", "<div>", "</div>", "<script>", "<img src=",
          "\"", "'", "\\", "%", "{{ x }}", "{% if %}", "\r\n", "\r", "\ufeff", "\x00", "\x0b", "\u202e", "\u0644",
          "中文", "Ā", "2016.", "https://mfa.gov.lv", "content/none.png", "../", "/etc/passwd"]
# Words without control characters (TOKENS brings a few in), so most examples get as far as rendering.
words = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
markdown_text = st.lists(st.one_of(st.sampled_from(TOKENS), words), max_size=40).map("".join)
scalars = st.one_of(st.text(max_size=30), st.integers(), st.none(), st.booleans(), st.dates(),
                    st.floats(allow_nan=True), markdown_text)
front_matter = st.one_of(
    st.dictionaries(st.sampled_from(["title", "subtitle", "date", "lang", "slug", "x", "ā"]) | st.text(max_size=8),
                    scalars | st.lists(scalars, max_size=3), max_size=5).map(
        lambda d: yaml.safe_dump(d, allow_unicode=True)),
    markdown_text,  # not YAML at all, most of the time
)


def po_quote(text: str) -> str:
    """A PO string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


@st.composite
def po_catalog(draw, source_segments: list[str]) -> str:
    """A PO file translating some segments (with generated text), sometimes fuzzy, sometimes mangled."""
    lines = ['msgid ""', 'msgstr ""', '"Content-Type: text/plain; charset=UTF-8\\n"', '"Language: en\\n"', ""]
    for segment in source_segments:
        if draw(st.booleans()):
            if draw(st.booleans()):
                lines.append("#, fuzzy")
            lines += [f"msgid {po_quote(segment)}", f"msgstr {po_quote(draw(markdown_text))}", ""]
    if draw(st.integers(0, 3)) == 0:  # a raw, possibly broken line somewhere
        lines.insert(draw(st.integers(0, len(lines))), draw(markdown_text))
    return "\n".join(lines) + "\n"


def fuzz_project() -> Path:
    """The small base project with a DOCX output beside the PDF, both in lv and en."""
    root = Path(tempfile.mkdtemp(prefix="presskit-fuzz-")) / "project"
    shutil.copytree(CORPUS / "_base", root)
    sheet = root / "templates" / "sheet" / "sheet.html.j2"  # generated front matter may lack a title
    sheet.write_text(sheet.read_text().replace("doc.meta.title", "doc.meta.title | default('')"))
    note = root / "templates" / "note"
    note.mkdir()
    (note / "note.html.j2").write_text('<!DOCTYPE html>\n<html lang="{{ lang }}"><head><meta charset="utf-8"></head>\n'
                                       "<body>\n<h1>{{ doc.meta.title | default('') }}</h1>\n{{ doc.html }}\n</body></html>\n")
    (note / "reference.docx").write_bytes(default_reference())
    config = root / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("    editions: [screen]\n", "    editions: [screen]\n    languages: [lv, en]\n")
)
    text = config.read_text().replace("outputs:\n", "outputs:\n  note:\n    document: sheet.md\n    template: note\n"
                                                    "    format: docx\n    languages: [lv, en]\n")
    config.write_text(text)
    return root


SEGMENTS = ["Dalība ANO", "Galvenās vēstis", "Latvija ANO koncentrējas uz cilvēktiesību un starptautiskā "
            "tiesiskuma aizstāvību.", "Kopš 2016. gada Latvija piedalās ANO miera uzturēšanā."]


def assert_clean(code: int, out: str, err: str, root: Path) -> None:
    """Either every output was written, or every stderr line is a presskit message; never a traceback."""
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 0:
        assert len(list((root / "build").rglob("*.pdf"))) == 2 and len(list((root / "build").rglob("*.docx"))) == 2
    else:
        assert code == 1, (code, err)
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines and all(line.startswith(("error: ", "warning: ")) for line in lines), err


FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.slow
@FUZZ
@given(meta=front_matter, body=markdown_text, catalog=st.data())
def test_generated_projects_build_or_fail_cleanly(meta, body, catalog, monkeypatch):
    root = fuzz_project()
    try:
        (root / "content" / "sheet.md").write_text(f"---\n{meta}---\n\n# Galvenās vēstis\n\n{body}\n",
                                                   encoding="utf-8", newline="")
        po = catalog.draw(po_catalog(SEGMENTS))
        catalog_file = root / "content" / "translations" / "en.po"
        catalog_file.parent.mkdir(exist_ok=True)  # git keeps no empty folder: a fresh clone has none
        catalog_file.write_text(po, encoding="utf-8")
        with monkeypatch.context() as patch:
            code, out, err = run_cli(["build", "--draft", "-j", "1", "--root", str(root)], patch)
        assert_clean(code, out, err, root)
    finally:
        shutil.rmtree(root.parent)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, derandomize=True)
@given(meta=front_matter, body=markdown_text)
def test_generated_documents_parse_or_fail_cleanly(meta, body):
    """Without rendering, many more examples: loading and validating a document never raises anything else."""
    from presskit.build.validate import image_problems, nesting_problems
    from presskit.errors import PresskitError
    from presskit.source.config import load_config
    from presskit.source.content import load_document

    root = Path(tempfile.mkdtemp(prefix="presskit-fuzz-")) / "project"
    try:
        shutil.copytree(CORPUS / "_base", root)
        path = root / "content" / "sheet.md"
        path.write_text(f"---\n{meta}---\n\n{body}\n", encoding="utf-8", newline="")
        try:
            doc = load_document(path, root)
        except PresskitError as exc:
            assert all(p.file == "content/sheet.md" for p in exc.problems)
            return
        nesting_problems(doc)
        image_problems(doc, root, load_config(root).source_language, {"pdf", "docx"})
        doc.segments()
    finally:
        shutil.rmtree(root.parent)
