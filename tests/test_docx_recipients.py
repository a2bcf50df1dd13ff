"""Per-recipient copies: content/recipients.yaml is validated with file:line, and one edit rebuilds one copy."""

import pytest

from fixture_text import RECIPIENTS, recipient_copy
from presskit.build.run import build
from presskit.build.units import plan
from presskit.errors import ContentError
from presskit.source.config import load_config

GENERAL = "build/briefing/briefing-lv.docx"


def rebuilt(root):
    report = build(load_config(root), ["briefing"], jobs=1)
    assert not report.errors, report.errors
    return {r.unit.target for r in report.results}


def test_every_recipient_gets_a_copy_and_the_general_copy_stays(project):
    units = plan(load_config(project), ["briefing"])
    assert units[0].target == GENERAL and units[0].variant == ""
    copies = {u.variant: u.target for u in units[1:]}
    assert list(copies) == list(RECIPIENTS)  # in the file's order
    assert copies["udens-departaments"] == "build/briefing/recipients/briefing-lv-udens-departaments.docx"
    assert all(target == recipient_copy(slug) for slug, target in copies.items())


def test_changing_one_recipient_rebuilds_only_that_copy(project):
    assert len(rebuilt(project)) == 1 + len(RECIPIENTS)
    path = project / "content" / "recipients.yaml"
    text = path.read_text()
    assert "name: Finanšu nodaļa\n" in text
    path.write_text(text.replace("name: Finanšu nodaļa\n", "name: Piemēra ministrijas Finanšu nodaļa\n"))
    report = build(load_config(project), ["briefing"], jobs=1)
    assert [(d.unit.target, d.reasons) for d in report.decisions if d.rebuild] == [
        (recipient_copy("finansu-nodala"), ["changed_recipient: content/recipients.yaml (finansu-nodala)"])]
    # comments and the cited source are not part of any copy
    path.write_text("# reviewed\n" + path.read_text())
    assert rebuilt(project) == set()


def write(project, text):
    (project / "content" / "recipients.yaml").write_text(text)


def problems(project):
    with pytest.raises(ContentError) as err:
        plan(load_config(project), ["briefing"])
    return [str(p) for p in err.value.problems]


def test_duplicate_slug_names_both_lines(project):
    write(project, "source: Ministru kabinets\nrecipients:\n"
                   "  - slug: finansu-ministrija\n    name: Finanšu ministrija\n"
                   "  - slug: finansu-ministrija\n    name: Tieslietu ministrija\n")
    assert problems(project) == [
        "content/recipients.yaml:5: duplicate slug 'finansu-ministrija' (first used on line 3) — "
        "give every recipient its own slug"]


def test_bad_entries_are_all_reported_with_lines(project):
    write(project, "recipients:\n"
                   "  - slug: Finanšu ministrija\n    name: Finanšu ministrija\n"
                   "  - slug: tm\n    title: Tieslietu ministrija\n")
    assert problems(project) == [
        "content/recipients.yaml:1: no 'source:' for the list of recipients — cite where the official "
        "names come from, e.g. 'source: https://…'",
        "content/recipients.yaml:2: bad slug 'Finanšu ministrija' — use lowercase ASCII letters and digits "
        "joined by '-', e.g. 'arlietu-ministrija'",
        "content/recipients.yaml:5: unknown key 'title' — use: name, name_dative, note, slug",
        "content/recipients.yaml:4: recipient has no 'name' — add the institution's official name"]


def test_empty_or_broken_file(project):
    write(project, "source: x\n")
    assert problems(project) == [
        "content/recipients.yaml:1: no 'recipients:' list — write 'recipients:' followed by "
        "'- slug: …' / '  name: …' entries"]
    write(project, "recipients:\n  - slug: a\n   name: b\n")
    assert problems(project)[0].startswith("content/recipients.yaml:3: invalid YAML")


def test_missing_recipients_file_is_a_config_error(project):
    (project / "content" / "recipients.yaml").unlink()
    from presskit.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        load_config(project)
    assert "content/campaign.yaml:" in str(err.value)
    assert "outputs.briefing.recipients: content/recipients.yaml does not exist" in str(err.value)
