"""Shared fixtures: a fresh copy of the default project, and one built copy shared by output tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from presskit.source.scaffold import scaffold

REPO = Path(__file__).resolve().parents[1]
PRESSKIT = [sys.executable, "-m", "presskit.cli"]


def run(*args, cwd=None, check=False):
    """Run the presskit CLI in a subprocess; returns the CompletedProcess."""
    proc = subprocess.run([*PRESSKIT, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"presskit {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh, unbuilt copy of the default project."""
    root = tmp_path / "project"
    scaffold(root)
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The default project, built once for all tests that only read the outputs."""
    root = tmp_path_factory.mktemp("built") / "project"
    scaffold(root)
    run("build", "--root", root, check=True)
    return root


def pdf_pages_text(path: Path) -> list[str]:
    """Text of each page of a PDF, in reading order (pypdfium2)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range().replace("\r\n", "\n") for page in pdf]
    finally:
        pdf.close()


def flat(text: str) -> str:
    """Text with line breaks (and the hyphens hyphenation put there) folded into single spaces."""
    return " ".join(text.replace("\u2010\n", "").replace("-\n", "").split())


def edit_reference_styles(ref: Path, pattern: bytes, replacement: bytes) -> None:
    """Write the default reference.docx to *ref* with a regex substitution in its word/styles.xml."""
    import re
    import zipfile

    with zipfile.ZipFile(REPO / "templates" / "briefing" / "reference.docx") as src:
        entries = {n: src.read(n) for n in src.namelist()}
    entries["word/styles.xml"] = re.sub(pattern, replacement, entries["word/styles.xml"])
    with zipfile.ZipFile(ref, "w") as dst:
        for name, data in entries.items():
            dst.writestr(name, data)
