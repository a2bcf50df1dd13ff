"""print.press: the press condition sets the output intent, its profile, the ink limit and the screen RGB."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pikepdf
import pytest

from presskit.errors import ConfigError
from presskit.pdf.finish import intent_names
from presskit.preflight.pdf import expectations_for
from presskit.source.config import PrintSettings, load_config
from presskit.source.containment import print_profile
from presskit.source.press import PRESSES, press_profile, profile_description, screen_rgb

REPO = Path(__file__).resolve().parent.parent
GS_SWOP = "/usr/share/color/icc/ghostscript/default_cmyk.icc"


def set_print(root: Path, block: str) -> None:
    config = root / "content" / "campaign.yaml"
    text = config.read_text()
    start = text.index("print:\n")
    end = text.index("  fonts:", start)
    config.write_text(text[:start] + "print:\n" + block + text[end:])


def test_the_campaign_prints_to_fogra39():
    campaign = load_config(REPO)
    assert campaign.print.press == "fogra39"
    assert PrintSettings().press == "fogra39"
    assert (PRESSES["fogra39"].identifier, PRESSES["fogra39"].tac) == ("FOGRA39", 330.0)


def test_the_print_edition_carries_the_fogra39_output_intent(built):
    with pikepdf.open(built / "build" / "brochure" / "brochure-lv.pdf") as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert str(intent.S) == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert str(intent.OutputCondition) == PRESSES["fogra39"].condition
        profile = intent.DestOutputProfile.read_bytes()
        assert profile[16:20] == b"CMYK" and profile[12:16] == b"prtr"
        assert profile_description(profile) == "FOGRA39 (presskit, ArgyllCMS)" == str(intent.Info)


@pytest.mark.parametrize("key", ["fogra39", "swop", "gracol"])
def test_the_profiles_are_made_reproducibly(key):
    path, data = press_profile(key)
    assert path.parent == Path(__import__("sys").prefix) / "share" / "presskit" / "icc"
    assert data[24:36] == bytes.fromhex("07d6000c0001000000000000")  # fixed date: 2006-12-01 00:00:00
    assert profile_description(data) == f"{PRESSES[key].identifier} (presskit, ArgyllCMS)"


def test_fogra51_has_no_free_profile_and_says_how_to_get_one(project):
    set_print(project, "  press: fogra51\n")
    campaign = load_config(project)
    problem = print_profile(campaign)
    assert str(problem) == (
        "content/campaign.yaml:34: print.press: no ICC profile can be made for press 'fogra51' — FOGRA51 "
        "characterisation data is not free to redistribute and no Debian package ships it: download 'PSO Coated "
        "v3' from www.eci.org into the project (e.g. content/PSOcoated_v3.icc) and set print.icc_profile to it "
        "(the output intent stays FOGRA51)")
    # With the profile named, the output intent is FOGRA51 and preflight holds to 300 %.
    set_print(project, f"  press: fogra51\n  icc_profile: {GS_SWOP}\n")
    campaign = load_config(project)
    assert intent_names(campaign.print) == ("FOGRA51", PRESSES["fogra51"].condition)
    assert PRESSES["fogra51"].tac == 300.0


def test_an_unknown_press_is_an_error_at_its_line(project):
    set_print(project, "  press: iso-coated\n")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert str(err.value.problems[0]) == (
        "content/campaign.yaml:34: print.press: unknown press 'iso-coated' — use one of: fogra39, fogra51, swop, "
        "gracol (ask the print shop which condition it prints to)")


def test_explicit_icc_profile_and_condition_still_work(project):
    """A project from before print.press: its own profile and condition, written as 'Custom'."""
    set_print(project, f"  icc_profile: {GS_SWOP}\n  output_condition: Web offset, coated paper (SWOP)\n")
    campaign = load_config(project)
    assert intent_names(campaign.print) == ("Custom", "Web offset, coated paper (SWOP)")
    found = print_profile(campaign)
    assert not isinstance(found, Exception) and found[0] == Path(GS_SWOP).resolve()


def test_preflight_holds_each_file_to_its_press(project):
    from presskit.build.units import plan

    set_print(project, "  press: swop\n")
    campaign = load_config(project)
    unit = next(u for u in plan(campaign) if u.edition == "print")
    expect = expectations_for(campaign, unit)
    assert (expect.press, expect.tac, expect.intent) == ("CGATS TR 003", 300.0, "CGATS TR 003")


def test_screen_rgb_goes_through_the_press_profile():
    data = press_profile("fogra39")[1]
    assert screen_rgb("0 0 0 0", data) == "#ffffff"
    carmine = screen_rgb("0 0.85 0.60 0.38", data)
    assert carmine == dataclasses.replace(PrintSettings(), press="fogra39").screen_rgb("0 0.85 0.60 0.38")
    r, g, b = (int(carmine[i:i + 2], 16) for i in (1, 3, 5))
    assert r > 140 and g < 80 and b < 80  # a dark red, as on paper
    with pytest.raises(ValueError, match="not a CMYK colour"):
        screen_rgb("1 0 0", data)
