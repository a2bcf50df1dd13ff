"""Package integrity as Word sees it: relationships, content types, unique ids, schema order.

These are the usual causes of Word's "unreadable content" repair prompt, which LibreOffice
silently tolerates. Every built briefing (general copy and every recipient copy) is checked,
and so is the committed reference document.
"""

import posixpath
import zipfile
from pathlib import Path

from lxml import etree

from conftest import default_reference
from fixture_text import RECIPIENTS

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"

# Child order of the containers presskit writes, from the WordprocessingML schema (ECMA-376 Part 1).
ORDER = {
    "pPr": "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr "
           "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN "
           "bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
           "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange",
    "rPr": "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
           "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd "
           "fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath",
    "sectPr": "headerReference|footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders "
              "lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter "
              "docGrid printerSettings sectPrChange",
    "tblPr": "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW jc "
             "tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription",
    "trPr": "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing "
            "jc hidden",
    "tcPr": "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign "
            "hideMark",
    "style": "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden unhideWhenUsed qFormat "
             "locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr",
    "tblStylePr": "pPr rPr tblPr trPr tcPr",
    "lvl": "start numFmt lvlRestart pStyle isLgl suff lvlText lvlPicBulletId legacy lvlJc pPr rPr",
    "numbering": "numPicBullet abstractNum num numIdMacAtCleanup",
    "font": "altName panose1 charset family notTrueType pitch sig embedRegular embedBold embedItalic embedBoldItalic",
    "settings": "writeProtection view zoom removePersonalInformation removeDateAndTime doNotDisplayPageBoundaries "
                "displayBackgroundShape printPostScriptOverText printFractionalCharacterWidth printFormsData "
                "embedTrueTypeFonts embedSystemFonts saveSubsetFonts saveFormsData mirrorMargins defaultTabStop "
                "autoHyphenation consecutiveHyphenLimit hyphenationZone characterSpacingControl footnotePr "
                "endnotePr compat docVars rsids mathPr themeFontLang clrSchemeMapping decimalSymbol "
                "listSeparator",
}
RANK = {tag: {name: i for i, names in enumerate(spec.split()) for name in names.split("|")}
        for tag, spec in ORDER.items()}


def outputs(root: Path) -> list[Path]:
    """Every DOCX the build made."""
    return sorted((root / "build" / "briefing").rglob("*.docx"))


def order_problems(part: str, tree) -> list[str]:
    """Children out of schema order (or unknown to our table) in every container we know."""
    problems = []
    for el in tree.iter(f"{W}*"):
        local = etree.QName(el).localname
        if local not in RANK:
            continue
        ranks = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = etree.QName(child).localname
            if name not in RANK[local]:
                problems.append(f"{part}: unexpected w:{name} in w:{local}")
                continue
            ranks.append((RANK[local][name], name))
        if [r for r, _ in ranks] != sorted(r for r, _ in ranks):
            problems.append(f"{part}: w:{local} children out of order: {[n for _, n in ranks]}")
    for el in tree.iter(f"{W}p", f"{W}r"):  # properties come first
        props = [i for i, c in enumerate(el) if c.tag in (f"{W}pPr", f"{W}rPr")]
        if props and props != [0]:
            problems.append(f"{part}: properties not first in w:{etree.QName(el).localname}")
    return problems


def integrity_problems(path: Path) -> list[str]:
    """Everything Word would object to in the package at *path*, as readable strings."""
    problems = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        if names[0] != "[Content_Types].xml":
            problems.append("[Content_Types].xml is not the first entry")
        if len(names) != len(set(names)):
            problems.append("duplicate zip entries")
        types = etree.fromstring(zf.read("[Content_Types].xml"))
        overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{CT}Override")}
        defaults = {d.get("Extension") for d in types.iter(f"{CT}Default")}
        parts = {}
        for name in names:
            if not name.endswith("/") and name not in overrides and name.rsplit(".", 1)[-1] not in defaults:
                problems.append(f"{name}: no content type")
            if name.endswith((".xml", ".rels")):
                parts[name] = etree.fromstring(zf.read(name))
        for name in overrides - set(names):
            problems.append(f"content type for missing part {name}")
        bookmark_ids, bookmark_names = [], []
        for rels_name, rels in parts.items():
            if not rels_name.endswith(".rels"):
                continue
            folder, base = posixpath.split(posixpath.dirname(rels_name))[0], posixpath.basename(rels_name)[:-5]
            source = posixpath.join(folder, base) if base else ""
            ids = [r.get("Id") for r in rels.iter(f"{PR}Relationship")]
            if len(ids) != len(set(ids)):
                problems.append(f"{rels_name}: duplicate relationship ids")
            for rel in rels.iter(f"{PR}Relationship"):
                if rel.get("TargetMode") == "External":
                    if not rel.get("Target").isascii():
                        problems.append(f"{rels_name}: external target is not a URI: {rel.get('Target')}")
                    continue
                target = posixpath.normpath(posixpath.join(folder, rel.get("Target"))).lstrip("/")
                if target not in names:
                    problems.append(f"{rels_name}: {rel.get('Id')} points at missing {target}")
            if source in parts:  # every r:id used in the part must be one of its relationships
                for el in parts[source].iter():
                    for attr in (f"{R}id", f"{R}embed"):
                        if el.get(attr) and el.get(attr) not in ids:
                            problems.append(f"{source}: {attr} {el.get(attr)} has no relationship")
        for name, tree in parts.items():
            if name.endswith(".xml"):
                problems += order_problems(name, tree)
            for b in tree.iter(f"{W}bookmarkStart"):
                bookmark_ids.append(b.get(f"{W}id"))
                bookmark_names.append(b.get(f"{W}name"))
        ends = [e.get(f"{W}id") for t in parts.values() for e in t.iter(f"{W}bookmarkEnd")]
        if len(bookmark_ids) != len(set(bookmark_ids)) or len(bookmark_names) != len(set(bookmark_names)):
            problems.append("duplicate bookmark ids or names")
        if sorted(bookmark_ids) != sorted(ends):
            problems.append("bookmarkStart/bookmarkEnd do not pair up")
        if any(len(n) > 40 or not n[0].isalpha() for n in bookmark_names):
            problems.append(f"bookmark names Word rejects: {bookmark_names}")
        doc_pr = [e.get("id") for t in parts.values() for e in t.iter("{*}docPr")]
        if len(doc_pr) != len(set(doc_pr)):
            problems.append("duplicate drawing ids (wp:docPr)")
        body = parts["word/document.xml"].find(f"{W}body")
        if body[-1].tag != f"{W}sectPr":
            problems.append("w:sectPr is not the last child of w:body")
        anchors = {h.get(f"{W}anchor") for h in body.iter(f"{W}hyperlink") if h.get(f"{W}anchor")}
        if anchors - set(bookmark_names):
            problems.append(f"internal links to missing bookmarks: {anchors - set(bookmark_names)}")
        if "word/footnotes.xml" in parts:
            notes = {f.get(f"{W}id") for f in parts["word/footnotes.xml"].iter(f"{W}footnote")}
            refs = {r.get(f"{W}id") for r in body.iter(f"{W}footnoteReference")}
            if refs - notes:
                problems.append(f"footnote references without footnotes: {refs - notes}")
    return problems


def test_every_output_is_a_sound_package(built):
    files = outputs(built)
    assert len(files) == 1 + len(RECIPIENTS)  # the general copy and one per recipient (the briefing is lv only)
    for path in files:
        assert integrity_problems(path) == [], path.name


def test_reference_document_is_a_sound_package(tmp_path):
    (tmp_path / "reference.docx").write_bytes(default_reference())
    assert integrity_problems(tmp_path / "reference.docx") == []


def test_checker_catches_what_word_rejects(tmp_path, built):
    """The checker is not vacuous: a w:rPr out of order and a dangling relationship are reported."""
    source = outputs(built)[0]
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace(b'<w:rPr><w:rStyle w:val="Strong"/></w:rPr>',
                                    b'<w:rPr><w:b/><w:rStyle w:val="Strong"/></w:rPr>', 1)
            if name == "word/_rels/document.xml.rels":
                data = data.replace(b'Target="numbering.xml"', b'Target="numbering2.xml"')
            dst.writestr(name, data)
    problems = integrity_problems(broken)
    assert "word/_rels/document.xml.rels: rId2 points at missing word/numbering2.xml" in problems
    assert "word/document.xml: w:rPr children out of order: ['b', 'rStyle']" in problems
