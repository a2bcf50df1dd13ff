"""The translation workflow: extract → PO catalogs → status → release builds that refuse stale text."""

import shutil

import pytest
from babel.messages.pofile import read_po

from conftest import flat, pdf_pages_text, run
from fixture_text import (
    HANDOUT_BODY,
    HANDOUT_EN_BODY_2,
    HANDOUT_FR_AGENDA_HEADING,
    HANDOUT_HEADINGS,
    HANDOUT_ITEM,
    HANDOUT_ITEM_RU,
    HANDOUT_SEGMENTS,
    LANGUAGES,
    TITLE,
    TITLES,
)
from presskit.i18n.update import catalog_bytes, read_previous_ids, status
from presskit.source.config import load_config

TARGETS = LANGUAGES[1:]
OLD = HANDOUT_BODY[1]  # the second paragraph of the fixture handout
NEW = OLD.replace("ministrija atbalsta", "ministrija aktīvi atbalsta")
NEW_EN = HANDOUT_EN_BODY_2.replace("the Ministry supports", "the Ministry actively supports")
SHORT = NEW[:59] + "…"  # messages quote the first 60 characters of a segment
assert NEW != OLD and NEW_EN != HANDOUT_EN_BODY_2


def catalog(root, lang):
    """A catalog read with Babel, `#|` previous msgids included."""
    with open(root / "content" / "translations" / f"{lang}.po", "rb") as fh:
        cat = read_po(fh, locale=lang)
    read_previous_ids(cat)
    return cat


def save(root, lang, cat):
    (root / "content" / "translations" / f"{lang}.po").write_bytes(catalog_bytes(cat))


def run_msgfmt(path):
    import subprocess

    proc = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def only_languages(root, langs):
    """Build the handouts in fewer languages (keeps these tests fast)."""
    path = root / "content" / "campaign.yaml"
    text = path.read_text().replace("    languages: [lv, en, fr, es, ru, ar, zh]\n    editions: [print, screen]",
                                    f"    languages: [{', '.join(langs)}]\n    editions: [print]")
    path.write_text(text)


def edit_handout(root, old, new):
    path = root / "content" / "handout.md"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def handout_line(root, text):
    """The line of content/handout.md that *text* starts on."""
    source = (root / "content" / "handout.md").read_text()
    assert text in source
    return source[: source.index(text)].count("\n") + 1


def entries(root, lang):
    """How many messages the catalog of *lang* holds."""
    return len([m for m in catalog(root, lang) if m.id])


def test_update_is_idempotent_and_keeps_every_translation(project):
    before = {lang: {m.id: m.string for m in catalog(project, lang) if m.id} for lang in TARGETS}
    run("i18n", "update", "--root", project, check=True)
    first = {lang: (project / f"content/translations/{lang}.po").read_bytes() for lang in TARGETS}
    proc = run("i18n", "update", "--root", project, check=True)
    assert (f"unchanged content/translations/fr.po: {entries(project, 'fr')} messages, 0 new, 0 fuzzy, "
            "0 obsolete") in proc.stdout
    for lang in TARGETS:
        assert (project / f"content/translations/{lang}.po").read_bytes() == first[lang]
        assert {m.id: m.string for m in catalog(project, lang) if m.id} == before[lang]


def test_status_numbers_match_the_catalogs(project):
    campaign = load_config(project)
    rows = status(campaign, TARGETS)
    for lang in TARGETS:
        cat = catalog(project, lang)
        for row in (r for r in rows if r.lang == lang):
            in_file = [m for m in cat if m.id and any(f == row.document for f, _ in m.locations)]
            assert row.translated == sum(1 for m in in_file if m.string and not m.fuzzy)
            assert row.fuzzy == sum(1 for m in in_file if m.fuzzy) == 0
            assert row.untranslated == 0
        assert sum(r.total for r in rows if r.lang == lang) >= len([m for m in cat if m.id])
    handout_fr = next(r for r in rows if r.lang == "fr" and r.document == "content/handout.md")
    assert handout_fr.translated == HANDOUT_SEGMENTS
    proc = run("i18n", "status", "--strict", "--root", project)
    assert proc.returncode == 0
    assert "content/handout.md" in proc.stdout and "complete" in proc.stdout


@pytest.mark.slow
def test_edited_paragraph_is_fuzzy_everywhere_and_release_build_refuses_it(project):
    config = (project / "content" / "campaign.yaml").read_text()
    messages = entries(project, "fr")
    only_languages(project, ["en", "fr", "ar"])
    edit_handout(project, OLD, NEW)
    line = handout_line(project, NEW)
    # Before `i18n update`, the edited segment is simply not in the catalog: refused too.
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert (f"content/translations/fr.po: segment from content/handout.md:{line} is not in the catalog: "
            f"“{SHORT}”") in proc.stderr

    (project / "content" / "campaign.yaml").write_text(config)
    proc = run("i18n", "update", "--root", project, check=True)
    # The old entry is not obsolete: it became the fuzzy one, its source kept as `#| msgid`.
    assert f"updated content/translations/fr.po: {messages} messages, 0 new, 1 fuzzy, 0 obsolete" in proc.stdout
    only_languages(project, ["en", "fr", "ar"])
    for lang in TARGETS:
        entry = catalog(project, lang)[NEW]
        assert entry.fuzzy and entry.previous_id == [OLD], lang
        assert entry.locations == [("content/handout.md", line)]
        assert f'#| msgid ""\n#| "{OLD.split()[0]} ' in (project / f"content/translations/{lang}.po").read_text()
    if shutil.which("msgfmt"):  # GNU gettext (bootstrap --test installs it) accepts what presskit wrote
        for lang in TARGETS:
            run_msgfmt(project / "content" / "translations" / f"{lang}.po")

    proc = run("i18n", "status", "--strict", "--lang", "fr", "--root", project)
    assert proc.returncode == 1
    assert "translations incomplete for: fr" in proc.stderr

    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    for lang in ("en", "fr", "ar"):
        assert (f"error: content/translations/{lang}.po:{catalog(project, lang)[NEW].lineno}: stale (fuzzy) "
                f"translation of content/handout.md:{line}: “{SHORT}” "
                f"— check the translation against the new source, then clear the fuzzy flag") in proc.stderr
        assert f"build/handouts/handout-{lang}.pdf: 1 segment(s) not translated into {lang}" in proc.stderr
    assert not (project / "build" / "handouts" / "handout-fr.pdf").exists()

    fixed = {"en": NEW_EN}
    for lang in TARGETS:
        cat = catalog(project, lang)
        cat[NEW].string = fixed.get(lang, cat[NEW].string)
        cat[NEW].flags.discard("fuzzy")
        save(project, lang, cat)
    run("build", "handouts", "-j1", "--root", project, check=True)
    back = flat(pdf_pages_text(project / "build" / "handouts" / "handout-en.pdf")[1])
    assert "the Ministry actively supports wastewater treatment" in back
    assert run("i18n", "status", "--strict", "--root", project).returncode == 0


def test_removed_segment_becomes_obsolete(project):
    messages = entries(project, "ru")
    edit_handout(project, f"- {HANDOUT_ITEM}\n", "")
    proc = run("i18n", "update", "--lang", "ru", "--root", project, check=True)
    assert f"updated content/translations/ru.po: {messages - 1} messages, 0 new, 0 fuzzy, 1 obsolete" in proc.stdout
    cat = catalog(project, "ru")
    assert HANDOUT_ITEM not in cat and cat.obsolete[HANDOUT_ITEM].string == HANDOUT_ITEM_RU
    assert f'#~ msgid "{HANDOUT_ITEM}"' in (project / "content" / "translations" / "ru.po").read_text()


@pytest.mark.slow
def test_draft_build_uses_the_source_text_and_marks_every_page(project):
    only_languages(project, ["fr"])
    heading = f"# {HANDOUT_HEADINGS[2]}\n"
    edit_handout(project, heading, heading + "\nJauns teikums bez tulkojuma.\n")
    line = handout_line(project, "Jauns teikums")
    run("i18n", "update", "--root", project, check=True)
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert f"untranslated segment from content/handout.md:{line}: “Jauns teikums bez tulkojuma.”" in proc.stderr
    run("build", "handouts", "--draft", "-j1", "--root", project, check=True)
    pages = pdf_pages_text(project / "build" / "handouts" / "handout-fr.pdf")
    assert len(pages) == 2 and all("DRAFT" in page for page in pages)
    assert "Jauns teikums bez tulkojuma." in flat(pages[1])
    assert HANDOUT_FR_AGENDA_HEADING.upper() in flat(pages[1]).upper()
    # A release build afterwards is not fooled by the draft on disk.
    assert run("build", "handouts", "-j1", "--root", project).returncode == 1


def test_stale_label_override_is_refused(project):
    """A campaign's own translation of a template label that has gone fuzzy is refused like a segment's."""
    only_languages(project, ["es"])
    path = project / "content" / "translations" / "es.po"
    path.write_text(path.read_text() + '\n#, fuzzy\nmsgid "More information"\nmsgstr "Para saber más"\n')
    line = catalog(project, "es")["More information"].lineno
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert (f"error: content/translations/es.po:{line}: stale (fuzzy) translation of the templates: "
            "“More information” — check the translation against the new source, then clear the fuzzy flag"
            ) in proc.stderr


@pytest.mark.slow
def test_broken_po_file_names_file_and_line(project):
    only_languages(project, ["fr"])
    path = project / "content" / "translations" / "fr.po"
    lines = path.read_text().split("\n")
    lines.insert(40, "msgstr_bogus \"x\"")
    path.write_text("\n".join(lines))
    for args in (["build", "handouts", "-j1"], ["i18n", "status"], ["i18n", "update"]):
        proc = run(*args, "--root", project)
        assert proc.returncode == 1, args
        assert proc.stderr.startswith("error: content/translations/fr.po:41: broken PO file: "
                                      "Unknown or misformatted keyword — fix the entry"), proc.stderr
        assert "Traceback" not in proc.stderr


def test_po_file_that_is_not_utf8(project):
    path = project / "content" / "translations" / "zh.po"
    data = path.read_bytes()
    title = TITLES["zh"]  # saved in the Chinese national encoding, GB 18030, instead of UTF-8
    line = data[: data.index(title.encode())].count(b"\n") + 1
    path.write_bytes(data.replace(title.encode(), title.encode("gb18030")))
    proc = run("i18n", "status", "--root", project)
    assert proc.returncode == 1
    assert proc.stderr == (f"error: content/translations/zh.po:{line}: not valid UTF-8 (byte 0xc0) "
                           "— save the catalog as UTF-8\n")


def test_unknown_language(project):
    proc = run("i18n", "status", "--lang", "xx", "--root", project)
    assert proc.returncode == 2
    assert proc.stderr == ("error: <project>: unknown language 'xx' — choose from: en, fr, es, ru, ar, zh "
                           "(or add it to 'languages' in content/campaign.yaml)\n")
    proc = run("i18n", "update", "--lang", "lv", "--root", project)
    assert proc.returncode == 2
    assert "'lv' is the source language: it has no catalog" in proc.stderr
    path = project / "content" / "campaign.yaml"
    path.write_text(path.read_text().replace("languages: [lv, en, fr, es, ru, ar, zh]\ndate",
                                             "languages: [lv, en, xx]\ndate"))
    line = path.read_text().splitlines().index("languages: [lv, en, xx]") + 1
    proc = run("i18n", "status", "--root", project)
    assert proc.returncode == 1
    assert f"content/campaign.yaml:{line}: languages.2: unknown language code 'xx'" in proc.stderr


@pytest.mark.slow
def test_a_translation_edit_rebuilds_only_the_outputs_that_use_it(project):
    from presskit.build.run import build
    from presskit.build.state import State
    from presskit.build.units import plan

    only_languages(project, ["en"])
    path = project / "content" / "campaign.yaml"
    path.write_text(path.read_text().replace("    languages: [lv, en]\n    editions: [print, screen]\n",
                                             "    languages: [en]\n    editions: [print]\n"))
    report = build(load_config(project), ["brochure", "handouts"], jobs=1)
    assert not report.errors
    cat = catalog(project, "en")
    heading = HANDOUT_HEADINGS[0]
    cat[heading].string = "Main messages"  # a heading of the handout only
    save(project, "en", cat)
    report = build(load_config(project), ["brochure", "handouts"], jobs=1)
    assert {r.unit.target for r in report.results} == {"build/handouts/handout-en.pdf"}
    reasons = {d.unit.target: d.reasons for d in report.decisions}
    assert reasons["build/handouts/handout-en.pdf"] == ["changed_translation: content/translations/en.po"]
    assert reasons["build/brochure/brochure-en.pdf"] == ["up to date"]
    # The campaign title is printed by every English output: its translation concerns them all.
    assert cat[TITLE].string == TITLES["en"]
    cat[TITLE].string = "Clean Lakes of Example County"
    save(project, "en", cat)
    campaign = load_config(project)
    state = State(project)
    stale = {u.target for u in plan(campaign, ["brochure", "handouts"]) if state.decide(campaign, u, False).rebuild}
    assert stale == {"build/brochure/brochure-en.pdf", "build/handouts/handout-en.pdf"}
    # What each output recorded is the entries its renderer asked for: the handout's heading is not
    # among the brochure's, the campaign title is among both.
    used = {t: set(state.units[t]["messages"]["ids"]) for t in stale}
    assert heading in used["build/handouts/handout-en.pdf"]
    assert heading not in used["build/brochure/brochure-en.pdf"]
    assert all(TITLE in ids for ids in used.values())
    # A state written by an older presskit (no list of entries) rebuilds rather than guessing.
    build(campaign, ["handouts"], jobs=1)
    state = State(project)
    handout = plan(campaign, ["handouts"])[0]
    assert state.decide(campaign, handout, False).reasons == ["up to date"]
    del state.units[handout.target]["messages"]["ids"]
    assert state.decide(campaign, handout, False).reasons == ["changed_translation: content/translations/en.po"]
