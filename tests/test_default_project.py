"""The real default project (content/ and templates/, what `presskit new` copies): properties only.

Its text is the campaign's and changes with every copy edit, so nothing here reads its wording.
What must hold whatever it says: it builds without --draft (translations complete), `presskit check`
passes, every planned output exists and opens, the print brochures are booklets (a multiple of four
pages), the handouts are one A4 sheet printed on both sides, the DOCX copies are sound packages.
Tests that assert text use the fixture project instead (conftest.py, fixture_text.py).
"""

from __future__ import annotations

import docx
import pikepdf
import pytest

from conftest import run
from presskit.build.units import plan
from presskit.source.config import load_config
from presskit.source.recipients import load_recipients
from test_docx_package import integrity_problems

pytestmark = pytest.mark.slow  # one full build of the default project per session

MM = 72 / 25.4


@pytest.fixture(scope="module")
def units(default_built):
    campaign = load_config(default_built)
    return campaign, plan(campaign)


def page_count(path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


def test_configuration_loads_without_warnings(default_project):
    campaign = load_config(default_project, strict=True)  # strict: a warning would be an error
    assert campaign.warnings == [] and campaign.outputs
    assert plan(campaign)


def test_every_planned_output_exists_and_opens(default_built, units):
    campaign, planned = units
    assert {u.output for u in planned} == set(campaign.outputs)
    for unit in planned:
        path = default_built / unit.target
        assert path.is_file() and path.stat().st_size > 1000, unit.target
        if unit.format == "pdf":
            assert page_count(path) >= 1, unit.target
        else:
            document = docx.Document(str(path))
            assert [p for p in document.paragraphs if p.text.strip()], unit.target
    built = {p.relative_to(default_built).as_posix() for p in (default_built / "build").rglob("*")
             if p.suffix in (".pdf", ".docx")}
    assert built == {u.target for u in planned}  # nothing missing, nothing extra
    assert (default_built / "build" / "index.html").is_file()


@pytest.mark.xfail(reason="templates: K-only text (css branch)", strict=False)
def test_check_passes(default_built):
    proc = run("check", "--root", default_built)
    assert proc.returncode == 0, proc.stderr
    assert "error:" not in proc.stderr


def test_translations_are_complete(default_built):
    proc = run("i18n", "status", "--strict", "--root", default_built)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_print_booklets_are_a_multiple_of_four_pages(default_built, units):
    campaign, planned = units
    booklets = [u for u in planned if campaign.outputs[u.output].booklet and u.edition == "print"]
    assert booklets
    for unit in booklets:
        pages = page_count(default_built / unit.target)
        assert pages % 4 == 0 and pages >= 8, (unit.target, pages)
        screen = next((u for u in planned if (u.output, u.lang, u.edition) == (unit.output, unit.lang, "screen")),
                      None)
        if screen is not None:  # the screen edition has no pad or notes pages: never longer
            assert page_count(default_built / screen.target) <= pages, screen.target


def test_handouts_are_one_a4_sheet(default_built, units):
    _, planned = units
    handouts = [u for u in planned if u.output == "handouts"]
    assert handouts
    for unit in handouts:
        with pikepdf.open(default_built / unit.target) as pdf:
            assert len(pdf.pages) == 2, unit.target  # front and back: the text must fit
            trim = [float(v) for v in pdf.pages[0].trimbox]
            assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((210 * MM, 297 * MM), abs=0.5)


def test_docx_copies_are_sound_packages(default_built, units):
    campaign, planned = units
    docx_units = [u for u in planned if u.format == "docx"]
    for name, output in campaign.outputs.items():
        if output.format == "docx" and output.recipients:
            copies = [u for u in docx_units if u.output == name and u.variant]
            general = [u for u in docx_units if u.output == name and not u.variant]
            assert len(copies) == len(load_recipients(default_built, output.recipients)) * len(general)
    for unit in docx_units:
        assert integrity_problems(default_built / unit.target) == [], unit.target
