"""campaign.yaml validation: every problem names file, line and key."""

from pathlib import Path

import pytest

from fixture_text import ORGANISATION, TITLE
from presskit.errors import ConfigError
from presskit.source.config import load_config


def write_config(root: Path, text: str) -> None:
    (root / "content" / "campaign.yaml").write_text(text, encoding="utf-8")


def edit_config(root: Path, old: str, new: str) -> None:
    path = root / "content" / "campaign.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, needle: str) -> int:
    lines = (root / "content" / "campaign.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_fixture_config_loads(project):
    campaign = load_config(project)
    assert campaign.source_language == "lv"
    assert (campaign.title, campaign.organisation) == (TITLE, ORGANISATION)
    assert set(campaign.outputs) == {"brochure", "briefing", "handouts"}
    assert campaign.outputs["handouts"].stem == "handout"
    assert campaign.outputs["briefing"].format == "docx"
    assert campaign.warnings == []


def test_unknown_key_warns_with_line_and_strict_fails(project):
    edit_config(project, "source_language: lv", "source_language: lv\ncolour: red")
    campaign = load_config(project)
    assert [str(w) for w in campaign.warnings] == [
        f"content/campaign.yaml:{line_of(project, 'colour')}: colour: unknown key — "
        "known keys: title, organisation, source_language, subtitle, languages, date, source_url, outputs, print, brand, "
        "render_seconds"]
    with pytest.raises(ConfigError) as err:
        load_config(project, strict=True)
    assert "colour: unknown key" in str(err.value)


def test_unknown_key_suggests_close_name(project):
    edit_config(project, "    template: brochure", "    template: brochure\n    languags: [lv]")
    warning = str(load_config(project).warnings[0])
    assert "outputs.brochure.languags: unknown key — did you mean 'languages'?" in warning


def test_missing_required_key(project):
    edit_config(project, f"organisation: {ORGANISATION}\n", "")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    line = line_of(project, "title: ")  # the mapping the key is missing from starts there
    assert str(err.value).startswith(f"content/campaign.yaml:{line}: required key 'organisation' is missing")


def test_wrong_type_names_line(project):
    edit_config(project, "  bleed_mm: 3", "  bleed_mm: wide")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    line = line_of(project, "bleed_mm")
    assert str(err.value) == f"content/campaign.yaml:{line}: print.bleed_mm: expected a number, got text 'wide'"


def test_unknown_language_code(project):
    edit_config(project, "languages: [lv, en, fr, es, ru, ar, zh]\ndate", "languages: [lv, xx]\ndate")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert "languages.1: unknown language code 'xx'" in str(err.value)


def test_invalid_yaml_names_line(project):
    write_config(project, "title: a\norganisation: [unclosed\nsource_language: lv\n")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert str(err.value).startswith("content/campaign.yaml:3: invalid YAML")


def test_all_errors_reported_in_one_pass(project):
    edit_config(project, "format: docx", "format: odt")
    edit_config(project, "document: handout.md", "document: missing.md")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert len(err.value.problems) == 2
    assert "outputs.briefing.format: unknown format 'odt' — use one of: pdf, docx" in str(err.value)
    assert "outputs.handouts.document: content/missing.md does not exist" in str(err.value)


def test_output_language_must_be_campaign_language(project):
    edit_config(project, "languages: [lv, en, fr, es, ru, ar, zh]\ndate", "languages: [lv, fr, es, ru, ar, zh]\ndate")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert "outputs.brochure.languages.1: language 'en' is not in the campaign's languages" in str(err.value)


def test_duplicate_key_names_both_lines(project):
    edit_config(project, "  bleed_mm: 3", "  bleed_mm: 3\n  bleed_mm: 5")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    first = line_of(project, "bleed_mm: 3")
    assert str(err.value) == (f"content/campaign.yaml:{first + 1}: print.bleed_mm: duplicate key "
                              f"(first set on line {first}) — keep one of the two lines")


# ---- the parsed-YAML cache (build/.presskit/yaml.json) --------------------------------------------

def test_yaml_cache_is_used_and_invalidated_by_an_edit(project):
    """A cached parse gives the same campaign; an edited file is parsed again, errors included."""
    import subprocess
    import sys

    from presskit.source.yaml import YAML_CACHE

    fresh = load_config(project)
    assert not (project / YAML_CACHE).exists()  # no build/ yet: reading must not create it
    (project / YAML_CACHE).parent.mkdir(parents=True)
    load_config(project)
    assert "content/campaign.yaml" in (project / YAML_CACHE).read_text(encoding="utf-8")
    cached = load_config(project)
    assert cached == fresh and cached.lines == fresh.lines and cached.date == fresh.date
    assert list(cached.outputs) == list(fresh.outputs) == ["brochure", "briefing", "handouts"]  # file order
    # From the cache, PyYAML is not even imported.
    code = ("import sys; from presskit.source.config import load_config; load_config(sys.argv[1]); "
            "print('yaml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

    edit_config(project, f"title: {TITLE}", "title: Cits nosaukums")
    assert load_config(project).title == "Cits nosaukums"
    edit_config(project, "source_language: lv\n", "source_language: lv\n  languages: [lv]\n")
    with pytest.raises(ConfigError) as exc:
        load_config(project)
    assert str(exc.value) == (f"content/campaign.yaml:{line_of(project, '  languages: [lv]')}: invalid YAML: "
                              "mapping values are not allowed here — fix the syntax (indentation, colons, quotes)")


def test_yaml_cache_keeps_types_and_skips_what_json_cannot_hold(project, tmp_path):
    import datetime as dt

    from presskit.source.yaml import YAML_CACHE, load_yaml

    (project / YAML_CACHE).parent.mkdir(parents=True)
    path = project / "content" / "extra.yaml"
    path.write_text("a: 2021-07-02\nb: [1, 1.5, true, null, '2021-07-02', {c: x}]\n'1': {d: {t: no}}\n",
                    encoding="utf-8")
    first = load_yaml(path, project)
    second = load_yaml(path, project)
    assert first == second == ({"a": dt.date(2021, 7, 2), "b": [1, 1.5, True, None, "2021-07-02", {"c": "x"}],
                                "1": {"d": {"t": False}}}, first[1])
    assert second[1][("b", 5, "c")] == 2 and second[1][("1", "d", "t")] == 3
    assert list(second[0]) == ["a", "b", "1"]  # the file's key order, not sorted
    binary = project / "content" / "binary.yaml"
    binary.write_text("a: !!binary aGk=\n", encoding="utf-8")
    assert load_yaml(binary, project)[0] == {"a": b"hi"}
    assert "binary.yaml" not in (project / YAML_CACHE).read_text(encoding="utf-8")
    (project / YAML_CACHE).write_text("{not json", encoding="utf-8")  # damaged: parsed again
    assert load_yaml(path, project) == first
