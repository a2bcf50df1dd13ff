"""Shared fixtures.

`project` and `built` are copies of the test fixture project (tests/fixtures/project/content with the
repository's templates/): its text is written for the tests, which may assert it word for word
(tests/fixture_text.py). `default_project` and `default_built` are copies of the real default project
(`presskit new`): tests check only its properties (it builds, passes preflight, page counts), never
its wording, so a copy edit to the campaign cannot break them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from presskit.source.scaffold import scaffold

REPO = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "project"
PRESSKIT = [sys.executable, "-m", "presskit.cli"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "slow: takes seconds (full builds, LibreOffice, Chromium, benchmarks); still part of the "
                   "default run, deselect locally with -m 'not slow'")


def run(*args, cwd=None, check=False):
    """Run the presskit CLI in a subprocess; returns the CompletedProcess."""
    proc = subprocess.run([*PRESSKIT, *map(str, args)], capture_output=True, text=True, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"presskit {' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_fixture_project(root: Path) -> Path:
    """Make *root* a fresh copy of the fixture project: its own content/, the repository's templates/."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    shutil.copytree(FIXTURE / "content", root / "content", ignore=ignore)
    shutil.copytree(REPO / "templates", root / "templates", ignore=ignore)
    return root


@pytest.fixture
def project(tmp_path) -> Path:
    """A fresh, unbuilt copy of the fixture project."""
    return copy_fixture_project(tmp_path / "project")


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> Path:
    """The fixture project, built once for all tests that only read the outputs."""
    root = copy_fixture_project(tmp_path_factory.mktemp("built") / "project")
    run("build", "--root", root, check=True)
    return root


@pytest.fixture
def default_project(tmp_path) -> Path:
    """A fresh, unbuilt copy of the real default project (content/, templates/): for property tests only."""
    root = tmp_path / "default"
    scaffold(root)
    return root


@pytest.fixture(scope="session")
def default_built(tmp_path_factory) -> Path:
    """The real default project, built once: for property tests only (never assert its wording)."""
    root = tmp_path_factory.mktemp("default_built") / "project"
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


def default_reference() -> bytes:
    """The reference document presskit makes for a project without `brand:` (its own palette)."""
    from presskit.docx.reference import brand_reference
    from presskit.source.config import Brand

    return brand_reference(Brand())[1]


def edit_reference_styles(ref: Path, pattern: bytes, replacement: bytes) -> None:
    """Write the default reference document to *ref* with a regex substitution in its word/styles.xml."""
    import io
    import re
    import zipfile

    with zipfile.ZipFile(io.BytesIO(default_reference())) as src:
        entries = {n: src.read(n) for n in src.namelist()}
    entries["word/styles.xml"] = re.sub(pattern, replacement, entries["word/styles.xml"])
    with zipfile.ZipFile(ref, "w") as dst:
        for name, data in entries.items():
            dst.writestr(name, data)
