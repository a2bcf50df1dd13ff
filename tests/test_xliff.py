"""The XLIFF round trip for agencies: `i18n export` (translate-toolkit writes XLIFF 1.2) and `i18n import`
(merges msgstr and fuzzy flags back into the PO catalogs, reporting every unit it cannot take as it is)."""

import subprocess
import sys

import pytest
from lxml import etree

from conftest import run
from fixture_text import HANDOUT_BODY, HANDOUT_HEADINGS, LANGUAGES, TITLE, TITLES
from presskit.i18n.context import picture_path
from presskit.i18n.update import catalog_bytes, read_previous_ids
from presskit.i18n.xliff import XLIFF12, unit_id
from test_i18n import catalog, edit_handout, entries, handout_line, save

NS = {"x": XLIFF12}
TARGETS = LANGUAGES[1:]
OLD = HANDOUT_BODY[1]
NEW = OLD.replace("ministrija atbalsta", "ministrija aktīvi atbalsta")
TRANSLATED = "Une traduction revue par l’agence."


def po_bytes(root):
    return {lang: (root / "content" / "translations" / f"{lang}.po").read_bytes() for lang in TARGETS}


def export(root, *args):
    return run("i18n", "export", "--root", root, *args, check=True)


def xlf(root, lang="fr"):
    return root / "build" / "i18n" / f"{lang}.xlf"


def tree(path):
    return etree.parse(str(path))


def unit(doc, source):
    """The trans-unit whose <source> is *source*."""
    return next(u for u in doc.iterfind(".//x:trans-unit", NS) if u.findtext("x:source", namespaces=NS) == source)


def edit(path, change):
    """Apply *change* to the parsed XLIFF file and save it as a translation tool would."""
    doc = tree(path)
    change(doc)
    doc.write(str(path), xml_declaration=True, encoding="UTF-8")
    return tree(path)  # parsed again: its lines are the file's


def do_import(root, *files):
    return run("i18n", "import", "--root", root, *files)


def test_export_then_import_without_edits_leaves_every_catalog_byte_identical(project):
    before = po_bytes(project)
    proc = export(project)
    for lang in TARGETS:
        count = entries(project, lang)
        assert f"  wrote build/i18n/{lang}.xlf: {count} units, {count} translated, 0 needs-review, 0 new" in proc.stdout
    proc = do_import(project, *(xlf(project, lang) for lang in TARGETS))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (f"  unchanged content/translations/fr.po from {xlf(project)}: 0 changed, "
            f"{entries(project, 'fr')} unchanged, 0 reported") in proc.stdout
    assert po_bytes(project) == before


def test_exported_units_carry_source_target_state_and_notes(project):
    export(project, "--lang", "fr", "--out", project / "agency")
    doc = tree(project / "agency" / "fr.xlf")
    root = doc.getroot()
    assert root.get("version") == "1.2" and root.tag == f"{{{XLIFF12}}}xliff"
    file = root.find("x:file", NS)
    assert (file.get("source-language"), file.get("target-language")) == ("lv", "fr")
    assert file.get("original") == "content/translations/fr.po"
    heading = unit(doc, HANDOUT_HEADINGS[0])
    assert heading.get("id") == unit_id(HANDOUT_HEADINGS[0])
    assert heading.find("x:target", NS).get("state") == "translated"
    line = handout_line(project, f"# {HANDOUT_HEADINGS[0]}")
    notes = [(n.get("from"), n.text) for n in heading.iterfind("x:note", NS)]
    picture = picture_path("content/handout.md", "body", HANDOUT_HEADINGS[0])
    assert notes == [("location", f"content/handout.md:{line}"), ("developer", "heading"),
                     ("developer", f"context: {picture}")]  # the segment's kind, its context picture
    title = unit(doc, TITLE)
    assert title.findtext("x:target", namespaces=NS) == TITLES["fr"]
    assert title.find("x:note[@from='location']", NS).text == "content/campaign.yaml:2 content/handout.md:2"
    assert not (project / "build").exists()  # --out elsewhere: nothing under build/


def test_translate_toolkit_reads_the_export_as_the_catalog(project):
    """translate-toolkit's own xliff2po converter gets back every msgid and msgstr."""
    from translate.convert.xliff2po import xliff2po

    export(project, "--lang", "es")
    po = xliff2po().convertstore(xlf(project, "es").read_bytes())
    converted = {str(u.source): (str(u.target), u.isfuzzy(), u.getlocations(), u.getnotes("developer"))
                 for u in po.units if not u.isheader()}
    assert converted == {m.id: (m.string, False, [f"{f}:{n}" for f, n in m.locations], "\n".join(m.auto_comments))
                         for m in catalog(project, "es") if m.id}


def test_edited_target_lands_in_the_catalog_and_nothing_else_changes(project):
    before = (project / "content" / "translations" / "fr.po").read_text()
    export(project, "--lang", "fr")
    old = catalog(project, "fr")[HANDOUT_HEADINGS[1]].string
    edit(xlf(project), lambda doc: setattr(unit(doc, HANDOUT_HEADINGS[1]).find("x:target", NS), "text", TRANSLATED))
    proc = do_import(project, xlf(project))
    assert proc.returncode == 0, proc.stderr
    assert (f"  updated content/translations/fr.po from {xlf(project)}: 1 changed, "
            f"{entries(project, 'fr') - 1} unchanged, 0 reported") in proc.stdout
    cat = catalog(project, "fr")
    assert cat[HANDOUT_HEADINGS[1]].string == TRANSLATED and not cat[HANDOUT_HEADINGS[1]].fuzzy
    after = (project / "content" / "translations" / "fr.po").read_text()
    assert after == before.replace(f'msgstr "{old}"', f'msgstr "{TRANSLATED}"')


def test_fuzzy_state_round_trips(project):
    cat = catalog(project, "ru")
    cat[HANDOUT_HEADINGS[0]].flags.add("fuzzy")
    save(project, "ru", cat)
    before = po_bytes(project)["ru"]
    proc = export(project, "--lang", "ru")
    assert f"{entries(project, 'ru') - 1} translated, 1 needs-review, 0 new" in proc.stdout
    doc = tree(xlf(project, "ru"))
    fuzzy = unit(doc, HANDOUT_HEADINGS[0])
    assert (fuzzy.get("approved"), fuzzy.find("x:target", NS).get("state")) == ("no", "needs-review-translation")
    assert do_import(project, xlf(project, "ru")).returncode == 0
    assert po_bytes(project)["ru"] == before  # still fuzzy, byte for byte

    def review(doc):  # the agency confirms the fuzzy one and flags another for review
        unit(doc, HANDOUT_HEADINGS[0]).find("x:target", NS).set("state", "translated")
        unit(doc, HANDOUT_HEADINGS[0]).set("approved", "yes")
        unit(doc, HANDOUT_HEADINGS[1]).find("x:target", NS).set("state", "needs-review-translation")

    edit(xlf(project, "ru"), review)
    proc = do_import(project, xlf(project, "ru"))
    assert "2 changed" in proc.stdout
    cat = catalog(project, "ru")
    assert not cat[HANDOUT_HEADINGS[0]].fuzzy and cat[HANDOUT_HEADINGS[1]].fuzzy


def test_changed_source_between_export_and_import_is_reported_and_merged_as_fuzzy(project):
    export(project, "--lang", "fr")
    edit_handout(project, OLD, NEW)
    run("i18n", "update", "--lang", "fr", "--root", project, check=True)
    doc = edit(xlf(project), lambda doc: setattr(unit(doc, OLD).find("x:target", NS), "text", TRANSLATED))
    proc = do_import(project, xlf(project))
    assert proc.returncode == 0, proc.stderr
    entry = catalog(project, "fr")[NEW]
    assert entry.string == TRANSLATED and entry.fuzzy and entry.previous_id == [OLD]
    assert (f"warning: {xlf(project)}:{unit(doc, OLD).sourceline}: unit {unit_id(OLD)}: the source changed since "
            f"the export (now “{NEW[:59]}…”, content/translations/fr.po:{entry.lineno}) — imported as fuzzy — check "
            "the translation against the new source, then clear the fuzzy flag\n") in proc.stderr
    assert "1 reported" in proc.stdout
    assert do_import(project, xlf(project), "--strict").returncode == 1


def test_unknown_unit_is_reported_and_not_imported(project):
    before = po_bytes(project)
    export(project, "--lang", "fr")

    def add(doc):
        copy = etree.fromstring(etree.tostring(unit(doc, TITLE)))
        copy.find("x:source", NS).text = "Segments, kura nav avotā"
        copy.set("id", "extra-1")
        doc.find(".//x:body", NS).append(copy)

    doc = edit(xlf(project), add)
    proc = do_import(project, xlf(project))
    line = doc.find(".//x:trans-unit[@id='extra-1']", NS).sourceline
    assert (f"warning: {xlf(project)}:{line}: unit extra-1: segment not in content/translations/fr.po: "
            "“Segments, kura nav avotā” — not imported — run presskit i18n update if the source has it, then "
            "import again; otherwise the file is from another project or version\n") in proc.stderr
    assert proc.returncode == 0 and po_bytes(project) == before
    proc = do_import(project, xlf(project), "--strict")
    assert proc.returncode == 1
    assert (f"error: {xlf(project)}: 1 unit(s) reported (warnings above) — correct them in the translation tool and "
            "import the file again\n") in proc.stderr


def test_source_edited_in_the_agency_file_and_empty_target_are_reported(project):
    before = po_bytes(project)
    export(project, "--lang", "es")

    def damage(doc):
        unit(doc, HANDOUT_HEADINGS[0]).find("x:source", NS).text = "Galvenās vēstis!"
        unit(doc, HANDOUT_HEADINGS[1]).find("x:target", NS).text = ""

    doc = edit(xlf(project, "es"), damage)
    proc = do_import(project, xlf(project, "es"))
    edited, empty = unit(doc, "Galvenās vēstis!"), unit(doc, HANDOUT_HEADINGS[1])
    assert (f"warning: {xlf(project, 'es')}:{edited.sourceline}: unit {unit_id(HANDOUT_HEADINGS[0])}: its source was "
            f"edited in the XLIFF file (“Galvenās vēstis!”, exported as “{HANDOUT_HEADINGS[0]}”) — not imported — "
            "translate the segment without changing its source text\n") in proc.stderr
    assert (f"warning: {xlf(project, 'es')}:{empty.sourceline}: unit {unit_id(HANDOUT_HEADINGS[1])}: no translation "
            f"(“{HANDOUT_HEADINGS[1]}”) — the catalog entry is left as it is — translate it, or leave it for later\n"
            ) in proc.stderr
    assert po_bytes(project) == before


HOSTILE = f"""<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<xliff version="1.2" xmlns="{XLIFF12}"><file original="x" source-language="lv" target-language="fr"
 datatype="plaintext"><body><trans-unit id="1"><source>{HANDOUT_HEADINGS[0]}</source>
<target>&secret;</target></trans-unit></body></file></xliff>"""
PLAIN = HOSTILE.split("\n", 2)[2].replace("&secret;", "Messages clés")  # no DOCTYPE, no entity


@pytest.mark.parametrize(("text", "message"), [
    (HOSTILE, ":1: the file has a DOCTYPE (a DTD or entity declarations), which XLIFF does not need: refused, as "
              "it could read other files — export it again with presskit i18n export, or ask for the file as XLIFF 1.2"),
    ('msgid "a"\nmsgstr "b"\n', ":1: not an XML file: Start tag expected, '<' not found"),
    ("<html><body/></html>", ":1: not an XLIFF file (its root element is <html>)"),
    ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="lv" trgLang="fr"/>',
     ":1: XLIFF 2.0 is not supported — export the file from the translation tool as XLIFF 1.2"),
    (PLAIN.replace(' target-language="fr"', ""),
     ": the XLIFF file does not say its target-language — set target-language on its <file> element(s)"),
    (PLAIN.replace('target-language="fr"', 'target-language="de-DE"'),
     ": target-language 'de-DE' is not a translation language of this campaign (en, fr, es, ru, ar, zh)"),
])
def test_a_file_that_is_not_a_usable_xliff_is_refused(project, text, message):
    before = po_bytes(project)
    path = project / "returned.xlf"
    path.write_text(text)
    proc = do_import(project, path)
    assert proc.returncode == 1
    assert f"error: {path}{message}" in proc.stderr
    assert "Traceback" not in proc.stderr and "root:" not in proc.stderr
    assert po_bytes(project) == before


def test_region_subtag_is_accepted_and_size_is_limited(project, monkeypatch):
    from presskit.i18n import xliff
    from presskit.source.config import load_config

    export(project, "--lang", "fr")
    path = xlf(project)
    path.write_text(path.read_text().replace('target-language="fr"', 'target-language="fr-FR"'))
    result = xliff.import_xliff(load_config(project), path)
    assert (result.lang, result.changed, result.problems) == ("fr", 0, [])
    monkeypatch.setattr(xliff, "MAX_XLIFF_BYTES", 1000)
    with pytest.raises(xliff.TranslationError, match="file is larger than the 0 MB limit for an XLIFF file"):
        xliff.import_xliff(load_config(project), path)


def test_an_imported_translation_is_held_to_the_catalog_rules(project):
    export(project, "--lang", "fr")
    edit(xlf(project), lambda doc: setattr(unit(doc, HANDOUT_HEADINGS[0]).find("x:target", NS), "text",
                                           "Messages\u202e clés"))
    proc = do_import(project, xlf(project))
    assert "invisible character U+202E (RIGHT-TO-LEFT OVERRIDE) that the source text does not have — not imported" \
           in proc.stderr
    assert "\u202e" not in (project / "content" / "translations" / "fr.po").read_text()


def test_the_po_writer_is_update_s_own(project):
    """Import writes with update.catalog_bytes: reading and writing a catalog changes no byte."""
    path = project / "content" / "translations" / "zh.po"
    cat = catalog(project, "zh")
    read_previous_ids(cat)
    assert catalog_bytes(cat) == path.read_bytes()


def test_build_and_check_paths_do_not_import_translate_toolkit():
    code = ("import sys, presskit.cli, presskit.build.run, presskit.i18n.qa, presskit.i18n.update, "
            "presskit.i18n.glossary, presskit.i18n.xliff; print('translate' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "False"


def test_a_segment_removed_since_the_export_keeps_its_translation_as_obsolete(project):
    from fixture_text import HANDOUT_ITEM

    export(project, "--lang", "ru")
    edit_handout(project, f"- {HANDOUT_ITEM}\n", "")
    run("i18n", "update", "--lang", "ru", "--root", project, check=True)
    doc = edit(xlf(project, "ru"), lambda doc: setattr(unit(doc, HANDOUT_ITEM).find("x:target", NS), "text", "Берега"))
    proc = do_import(project, xlf(project, "ru"))
    assert (f"warning: {xlf(project, 'ru')}:{unit(doc, HANDOUT_ITEM).sourceline}: unit {unit_id(HANDOUT_ITEM)}: the "
            f"segment is no longer in the source (“{HANDOUT_ITEM}”) — kept as an obsolete entry (#~) of "
            "content/translations/ru.po — nothing to do: i18n update restores it if the segment returns\n") in proc.stderr
    assert catalog(project, "ru").obsolete[HANDOUT_ITEM].string == "Берега"
