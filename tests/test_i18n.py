"""The translation workflow: extract → PO catalogs → status → release builds that refuse stale text."""

import shutil

from babel.messages.pofile import read_po

from conftest import flat, pdf_pages_text, run
from presskit.i18n.update import catalog_bytes, read_previous_ids, status
from presskit.source.config import load_config

TARGETS = ["en", "fr", "es", "ru", "ar", "zh"]
OLD = ("Kā moderna, inovatīva un starptautiski atbildīga valsts Latvija apņemas iesaistīties "
       "globālajās diskusijās un dalīties ar savu pieredzi par risinājumiem.")
NEW = OLD.replace("apņemas iesaistīties", "apņemas aktīvi iesaistīties")
SHORT = NEW[:59] + "…"  # messages quote the first 60 characters of a segment


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


def test_update_is_idempotent_and_keeps_every_translation(project):
    before = {lang: {m.id: m.string for m in catalog(project, lang) if m.id} for lang in TARGETS}
    run("i18n", "update", "--root", project, check=True)
    first = {lang: (project / f"content/translations/{lang}.po").read_bytes() for lang in TARGETS}
    proc = run("i18n", "update", "--root", project, check=True)
    assert "unchanged content/translations/fr.po: 22 messages, 0 new, 0 fuzzy, 0 obsolete" in proc.stdout
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
    assert handout_fr.translated == 18
    proc = run("i18n", "status", "--strict", "--root", project)
    assert proc.returncode == 0
    assert "content/handout.md" in proc.stdout and "complete" in proc.stdout


def test_edited_paragraph_is_fuzzy_everywhere_and_release_build_refuses_it(project):
    config = (project / "content" / "campaign.yaml").read_text()
    only_languages(project, ["en", "fr", "ar"])
    edit_handout(project, OLD, NEW)
    # Before `i18n update`, the edited segment is simply not in the catalog: refused too.
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert (f"content/translations/fr.po: segment from content/handout.md:19 is not in the catalog: "
            f"“{SHORT}”") in proc.stderr

    (project / "content" / "campaign.yaml").write_text(config)
    proc = run("i18n", "update", "--root", project, check=True)
    # The old entry is not obsolete: it became the fuzzy one, its source kept as `#| msgid`.
    assert "updated content/translations/fr.po: 22 messages, 0 new, 1 fuzzy, 0 obsolete" in proc.stdout
    only_languages(project, ["en", "fr", "ar"])
    for lang in TARGETS:
        entry = catalog(project, lang)[NEW]
        assert entry.fuzzy and entry.previous_id == [OLD], lang
        assert entry.locations == [("content/handout.md", 19)]
        assert '#| msgid ""\n#| "Kā moderna,' in (project / f"content/translations/{lang}.po").read_text()
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
        line = catalog(project, lang)[NEW].lineno
        assert (f"error: content/translations/{lang}.po:{line}: stale (fuzzy) translation of "
                f"content/handout.md:19: “{SHORT}” "
                f"— check the translation against the new source, then clear the fuzzy flag") in proc.stderr
        assert f"build/handouts/handout-{lang}.pdf: 1 segment(s) not translated into {lang}" in proc.stderr
    assert not (project / "build" / "handouts" / "handout-fr.pdf").exists()

    fixed = {"en": "As a modern, innovative and internationally responsible country, Latvia is committed "
                   "to engaging actively in global discussions and sharing its experience of solutions."}
    for lang in TARGETS:
        cat = catalog(project, lang)
        cat[NEW].string = fixed.get(lang, cat[NEW].string)
        cat[NEW].flags.discard("fuzzy")
        save(project, lang, cat)
    run("build", "handouts", "-j1", "--root", project, check=True)
    back = flat(pdf_pages_text(project / "build" / "handouts" / "handout-en.pdf")[1])
    assert "Latvia is committed to engaging actively in global discussions" in back
    assert run("i18n", "status", "--strict", "--root", project).returncode == 0


def test_removed_segment_becomes_obsolete(project):
    edit_handout(project, "- Kibernetiskā drošība\n", "")
    proc = run("i18n", "update", "--lang", "ru", "--root", project, check=True)
    assert "updated content/translations/ru.po: 21 messages, 0 new, 0 fuzzy, 1 obsolete" in proc.stdout
    cat = catalog(project, "ru")
    assert "Kibernetiskā drošība" not in cat and cat.obsolete["Kibernetiskā drošība"].string == "Кибербезопасность"
    assert '#~ msgid "Kibernetiskā drošība"' in (project / "content" / "translations" / "ru.po").read_text()


def test_draft_build_uses_the_source_text_and_marks_every_page(project):
    only_languages(project, ["fr"])
    edit_handout(project, "# ANO darba kārtībā\n", "# ANO darba kārtībā\n\nJauns teikums bez tulkojuma.\n")
    run("i18n", "update", "--root", project, check=True)
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert "untranslated segment from content/handout.md:25: “Jauns teikums bez tulkojuma.”" in proc.stderr
    run("build", "handouts", "--draft", "-j1", "--root", project, check=True)
    pages = pdf_pages_text(project / "build" / "handouts" / "handout-fr.pdf")
    assert len(pages) == 2 and all("DRAFT" in page for page in pages)
    assert "Jauns teikums bez tulkojuma." in flat(pages[1])
    assert "À l’ordre du jour de l’ONU".upper() in flat(pages[1]).upper()
    # A release build afterwards is not fooled by the draft on disk.
    assert run("build", "handouts", "-j1", "--root", project).returncode == 1


def test_missing_template_string_is_refused(project):
    only_languages(project, ["es"])
    cat = catalog(project, "es")
    cat["Vairāk informācijas"].string = ""
    save(project, "es", cat)
    line = catalog(project, "es")["Vairāk informācijas"].lineno
    proc = run("build", "handouts", "-j1", "--root", project)
    assert proc.returncode == 1
    assert (f"error: content/translations/es.po:{line}: untranslated segment from the templates: "
            f"“Vairāk informācijas” — translate it") in proc.stderr


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
    line = data[: data.index("拉脱维亚与".encode())].count(b"\n") + 1
    path.write_bytes(data.replace("拉脱维亚与".encode(), "拉脱维亚与".encode("gb18030")))
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
    proc = run("i18n", "status", "--root", project)
    assert proc.returncode == 1
    assert "content/campaign.yaml:6: languages.2: unknown language code 'xx'" in proc.stderr


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
    cat["Galvenās vēstis"].string = "Main messages"  # a heading of the handout only
    save(project, "en", cat)
    report = build(load_config(project), ["brochure", "handouts"], jobs=1)
    assert {r.unit.target for r in report.results} == {"build/handouts/handout-en.pdf"}
    reasons = {d.unit.target: d.reasons for d in report.decisions}
    assert reasons["build/handouts/handout-en.pdf"] == ["changed_translation: content/translations/en.po"]
    assert reasons["build/brochure/brochure-en.pdf"] == ["up to date"]
    # The campaign title is printed by every English output: its translation concerns them all.
    cat["Latvija ANO Drošības padomē"].string = "Latvia and the UN Security Council"
    save(project, "en", cat)
    campaign = load_config(project)
    state = State(project)
    stale = {u.target for u in plan(campaign, ["brochure", "handouts"]) if state.decide(campaign, u, False).rebuild}
    assert stale == {"build/brochure/brochure-en.pdf", "build/handouts/handout-en.pdf"}
    # What each output recorded is the entries its renderer asked for: the handout's heading is not
    # among the brochure's, the campaign title is among both.
    used = {t: set(state.units[t]["messages"]["ids"]) for t in stale}
    assert "Galvenās vēstis" in used["build/handouts/handout-en.pdf"]
    assert "Galvenās vēstis" not in used["build/brochure/brochure-en.pdf"]
    assert all("Latvija ANO Drošības padomē" in ids for ids in used.values())
    # A state written by an older presskit (no list of entries) rebuilds rather than guessing.
    build(campaign, ["handouts"], jobs=1)
    state = State(project)
    handout = plan(campaign, ["handouts"])[0]
    assert state.decide(campaign, handout, False).reasons == ["up to date"]
    del state.units[handout.target]["messages"]["ids"]
    assert state.decide(campaign, handout, False).reasons == ["changed_translation: content/translations/en.po"]
