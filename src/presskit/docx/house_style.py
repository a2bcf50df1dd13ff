"""The briefing's house style as a reference document, made from the brand (campaign.yaml `brand:`).

Every style presskit's DOCX writer uses is defined here, by its Word name, so the house style can be
reviewed as code; identical input gives identical bytes (fixed zip times). The brand gives the accent
(title, headings, table heads, list marks, the bars of quotations and notes), the text colour, the
tint of code and notes, and the three faces. A project's own templates/<template>/reference.docx
(a ministry's house style, docs/docx.md) wins over this one. Only the standard library is used.
"""

from __future__ import annotations

import io
import zipfile
from typing import NamedTuple

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"



class Palette(NamedTuple):
    """What the brand gives the house style: colours as RRGGBB, font families."""

    accent: str = "A64047"  # brand.colours.accent (carmine, C0 M85 Y60 K38)
    ink: str = "373535"  # brand.colours.ink
    tint: str = "F6F1EC"  # brand.colours.tint
    serif: str = "Noto Serif"
    sans: str = "Noto Sans"
    mono: str = "Noto Sans Mono"


DEFAULT = Palette()

# Neutrals of Word's own: secondary text (subtitles, captions, minor headings) and hairlines.
GREY, RULE = "5B6168", "C9C3C4"

# A4 portrait; margins in twentieths of a point (1 mm = 56.7). Left 30 mm leaves room for filing.
PAGE_W, PAGE_H = 11906, 16838
MARGIN = {"top": 1418, "right": 1134, "bottom": 1304, "left": 1701, "header": 680, "footer": 624}
TEXT_W = PAGE_W - MARGIN["left"] - MARGIN["right"]


def rpr(font: str | None = None, size: int | None = None, colour: str | None = None, bold: bool = False,
        italic: bool = False, caps: bool = False, spacing: int | None = None, underline: str | None = None,
        vert: str | None = None, strike: bool = False, no_proof: bool = False, shading: str | None = None) -> str:
    """A w:rPr in schema order (rFonts, b, i, caps, strike, noProof, color, spacing, sz, u, shd, vertAlign)."""
    out = ""
    if font:
        out += f'<w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:cs="{font}"/>'
    out += "<w:b/><w:bCs/>" if bold else ""
    out += "<w:i/><w:iCs/>" if italic else ""
    out += "<w:caps/>" if caps else ""
    out += "<w:strike/>" if strike else ""
    out += "<w:noProof/>" if no_proof else ""
    out += f'<w:color w:val="{colour}"/>' if colour else ""
    out += f'<w:spacing w:val="{spacing}"/>' if spacing is not None else ""
    out += f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/>' if size else ""
    out += f'<w:u w:val="{underline}"/>' if underline else ""
    out += f'<w:shd w:val="clear" w:color="auto" w:fill="{shading}"/>' if shading else ""
    out += f'<w:vertAlign w:val="{vert}"/>' if vert else ""
    return f"<w:rPr>{out}</w:rPr>" if out else ""


def ppr(keep_next: bool = False, keep_lines: bool = False, num: int | None = None, border: str | None = None,
        shading: str | None = None, tabs: list[tuple[str, int]] | None = None, before: int | None = None,
        after: int | None = None, line: int | None = None, ind: str | None = None, outline: int | None = None,
        jc: str | None = None, contextual: bool = False) -> str:
    """A w:pPr in schema order (keepNext … numPr, pBdr, shd, tabs, spacing, ind, contextualSpacing, jc, outlineLvl)."""
    out = "<w:keepNext/>" if keep_next else ""
    out += "<w:keepLines/>" if keep_lines else ""
    out += f'<w:numPr><w:numId w:val="{num}"/></w:numPr>' if num else ""
    out += f"<w:pBdr>{border}</w:pBdr>" if border else ""
    out += f'<w:shd w:val="clear" w:color="auto" w:fill="{shading}"/>' if shading else ""
    if tabs:
        out += "<w:tabs>" + "".join(f'<w:tab w:val="{kind}" w:pos="{pos}"/>' for kind, pos in tabs) + "</w:tabs>"
    spacing = ""
    if before is not None:
        spacing += f' w:before="{before}"'
    if after is not None:
        spacing += f' w:after="{after}"'
    if line is not None:
        spacing += f' w:line="{line}" w:lineRule="auto"'
    out += f"<w:spacing{spacing}/>" if spacing else ""
    out += f"<w:ind {ind}/>" if ind else ""
    out += "<w:contextualSpacing/>" if contextual else ""
    out += f'<w:jc w:val="{jc}"/>' if jc else ""
    out += f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return f"<w:pPr>{out}</w:pPr>" if out else ""


def para_style(sid: str, name: str, ppr_xml: str = "", rpr_xml: str = "", based: str | None = "Normal",
               nxt: str | None = None, link: str | None = None, ui: int | None = None, qformat: bool = True,
               default: bool = False) -> str:
    """A paragraph style; children in schema order (name, basedOn, next, link, uiPriority, qFormat, pPr, rPr)."""
    head = f'<w:style w:type="paragraph" w:styleId="{sid}"' + (' w:default="1"' if default else "") + ">"
    body = f'<w:name w:val="{name}"/>'
    body += f'<w:basedOn w:val="{based}"/>' if based else ""
    body += f'<w:next w:val="{nxt}"/>' if nxt else ""
    body += f'<w:link w:val="{link}"/>' if link else ""
    body += f'<w:uiPriority w:val="{ui}"/>' if ui is not None else ""
    body += "<w:qFormat/>" if qformat else ""
    return head + body + ppr_xml + rpr_xml + "</w:style>"


def char_style(sid: str, name: str, rpr_xml: str, ui: int | None = None, based: str = "DefaultParagraphFont") -> str:
    """A character style."""
    body = f'<w:name w:val="{name}"/><w:basedOn w:val="{based}"/>'
    body += f'<w:uiPriority w:val="{ui}"/>' if ui is not None else ""
    return f'<w:style w:type="character" w:styleId="{sid}">{body}{rpr_xml}</w:style>'


def border(side: str, colour: str, size: int = 4, space: int = 1) -> str:
    """One border edge (size in eighths of a point)."""
    return f'<w:{side} w:val="single" w:sz="{size}" w:space="{space}" w:color="{colour}"/>'


def table_style(p: Palette, sid: str, name: str, tbl_borders: str, header_row: bool = True,
                first_column: bool = False) -> str:
    """A table style: borders, cell margins, compact paragraphs; conditional header row / first column."""
    cond = ""
    if header_row:
        cond += ('<w:tblStylePr w:type="firstRow"><w:pPr><w:keepNext/></w:pPr>'
                 + rpr(font=p.sans, bold=True, colour="FFFFFF", size=18)
                 + '<w:tblPr/><w:trPr><w:tblHeader/></w:trPr>'
                 f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{p.accent}"/></w:tcPr></w:tblStylePr>')
    if first_column:
        cond += ('<w:tblStylePr w:type="firstCol">' + rpr(font=p.sans, colour=GREY, size=18)
                 + "</w:tblStylePr>")
    return (f'<w:style w:type="table" w:styleId="{sid}"><w:name w:val="{name}"/>'
            '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
            + ppr(after=0, line=252) + rpr(size=20)
            + '<w:tblPr><w:tblBorders>' + tbl_borders + '</w:tblBorders>'
            '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="113" w:type="dxa"/>'
            '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="113" w:type="dxa"/></w:tblCellMar></w:tblPr>'
            + cond + "</w:style>")


RIGHT_TAB = [("right", TEXT_W)]


def styles_xml(p: Palette) -> str:
    """word/styles.xml: the document defaults and every style, in the brand's colours and faces."""
    accent, ink, tint, serif, sans, mono = p
    box = border("top", tint, 4, 4) + border("left", accent, 18, 8) + border("bottom", tint, 4, 4) \
        + border("right", tint, 4, 4)

    styles = [
        # Normal is empty on purpose: body font, size, colour and spacing live in docDefaults, so the
        # table styles' header-row colours and compact spacing are not overridden by Normal (Word's
        # precedence: defaults < table style < paragraph style).
        para_style("Normal", "Normal", based=None, default=True, ui=0),
        para_style("TableText", "Table Text", ppr(after=0, line=252), rpr(size=19), ui=1),
        para_style("Title", "Title", ppr(keep_next=True, before=240, after=80, line=240, contextual=True),
                   rpr(font=sans, size=48, colour=accent, bold=True, spacing=-4), nxt="Subtitle", ui=10),
        para_style("Subtitle", "Subtitle", ppr(keep_next=True, after=320, line=264),
                   rpr(font=sans, size=26, colour=GREY), nxt="Normal", ui=11),
        para_style("Heading1", "heading 1",
                   ppr(keep_next=True, keep_lines=True, border=border("bottom", accent, 6, 2),
                       before=400, after=160, line=240, outline=0),
                   rpr(font=sans, size=30, colour=accent, bold=True), nxt="Normal", ui=9),
        para_style("Heading2", "heading 2", ppr(keep_next=True, keep_lines=True, before=280, after=100,
                                                line=240, outline=1),
                   rpr(font=sans, size=24, colour=ink, bold=True), nxt="Normal", ui=9),
        para_style("Heading3", "heading 3", ppr(keep_next=True, keep_lines=True, before=200, after=60,
                                                line=240, outline=2),
                   rpr(font=sans, size=21, colour=GREY, bold=True), nxt="Normal", ui=9),
        para_style("Heading4", "heading 4", ppr(keep_next=True, keep_lines=True, before=160, after=40,
                                                line=240, outline=3),
                   rpr(font=sans, size=20, colour=ink, bold=True, italic=True), nxt="Normal", ui=9),
        para_style("Heading5", "heading 5", ppr(keep_next=True, keep_lines=True, before=140, after=40,
                                                line=240, outline=4),
                   rpr(font=sans, size=19, colour=GREY, bold=True), nxt="Normal", ui=9),
        para_style("Heading6", "heading 6", ppr(keep_next=True, keep_lines=True, before=140, after=40,
                                                line=240, outline=5),
                   rpr(font=sans, size=19, colour=GREY, italic=True), nxt="Normal", ui=9),
        para_style("ListBullet", "List Bullet", ppr(num=1, after=80, ind='w:left="357" w:hanging="357"',
                                                    contextual=False), ui=36),
        para_style("ListNumber", "List Number", ppr(num=2, after=80, ind='w:left="357" w:hanging="357"'),
                   ui=36),
        para_style("Quote", "Quote",
                   ppr(border=border("left", accent, 18, 12), before=120, after=200,
                       ind='w:left="567" w:right="567"'),
                   rpr(italic=True, colour=GREY), nxt="Normal", ui=29),
        # Nested content of a list item after its first paragraph (deeper levels are indented further).
        para_style("ListContinue", "List Continue", ppr(after=80, ind='w:left="357"'), ui=99),
        # Code blocks: monospace on a tint, every space kept (the writer keeps them), no spelling marks.
        para_style("SourceCode", "Source Code",
                   ppr(keep_lines=True, border="".join(border(side, tint, 4, 4) for side in ("top", "left", "bottom", "right")),
                       shading=tint, before=60, after=200, line=240, ind='w:left="113" w:right="113"'),
                   rpr(font=mono, size=17, colour=ink, no_proof=True), ui=99),
        # Images alone in a paragraph; one with a caption below stays on its caption's page.
        para_style("Figure", "Figure", ppr(before=120, after=160, line=240, jc="center"), ui=99),
        para_style("CaptionedFigure", "Captioned Figure", ppr(keep_next=True, before=120, after=60, line=240, jc="center"),
                   based="Figure", nxt="ImageCaption", ui=99),
        para_style("ImageCaption", "Image Caption", ppr(after=200, jc="center"),
                   rpr(font=sans, size=17, colour=GREY, bold=True), nxt="Normal", ui=99),
        para_style("HorizontalRule", "Horizontal Rule",
                   ppr(border=border("bottom", RULE, 6, 1), before=120, after=280, line=240, ind='w:left="2268" w:right="2268"'),
                   rpr(size=8), ui=99),
        para_style("DefinitionTerm", "Definition Term", ppr(keep_next=True, before=120, after=40),
                   rpr(font=sans, size=20, colour=ink, bold=True), nxt="Definition", ui=99),
        para_style("Definition", "Definition", ppr(after=100, ind='w:left="567"'), ui=99),
        # Admonitions (note, warning …): a tinted box with a carmine rule; its paragraphs join into one
        # box (same borders and indents), the tint's own border giving the padding.
        para_style("Admonition", "Admonition",
                   ppr(border=box,
                       shading=tint, after=200, line=264, ind='w:left="227" w:right="113"', contextual=True), ui=99),
        para_style("AdmonitionTitle", "Admonition Title",
                   ppr(keep_next=True,
                       border=box,
                       shading=tint, before=120, after=0, line=264, ind='w:left="227" w:right="113"'),
                   rpr(font=sans, size=18, colour=accent, bold=True, caps=True, spacing=6), nxt="Admonition", ui=99),
        para_style("Caption", "caption", ppr(keep_next=True, before=200, after=80),
                   rpr(font=sans, size=17, colour=GREY, bold=True), nxt="Normal", ui=35),
        para_style("Header", "header", ppr(tabs=[("center", TEXT_W // 2)] + RIGHT_TAB, after=0, line=240),
                   rpr(font=sans, size=16, colour=GREY), ui=99, qformat=False),
        para_style("Footer", "footer", ppr(tabs=RIGHT_TAB, after=0, line=240,
                                           border=border("top", RULE, 4, 6)),
                   rpr(font=sans, size=16, colour=GREY), ui=99, qformat=False),
        para_style("FootnoteText", "footnote text", ppr(after=40, line=240), rpr(size=17),
                   ui=99, qformat=False),
        # Custom styles of the briefing (not Word built-ins): letterhead, addressee block, facts, contact.
        para_style("Letterhead", "Letterhead",
                   ppr(tabs=RIGHT_TAB, border=border("bottom", accent, 12, 4), after=0, line=240),
                   rpr(font=sans, size=18, colour=accent, bold=True, caps=True, spacing=10), ui=1),
        para_style("AddresseeLabel", "Addressee Label", ppr(keep_next=True, before=360, after=0),
                   rpr(font=sans, size=16, colour=GREY, caps=True, spacing=10), nxt="Addressee", ui=1),
        para_style("Addressee", "Addressee", ppr(after=0, line=264), rpr(font=sans, size=22, colour=ink,
                                                                          bold=True), ui=1),
        para_style("Contact", "Contact", ppr(border=border("top", RULE, 4, 8), before=480, after=0),
                   rpr(font=sans, size=18, colour=GREY), ui=1),
    ]

    char_styles = [
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/>'
        "<w:unhideWhenUsed/></w:style>",
        char_style("Hyperlink", "Hyperlink", rpr(colour=accent, underline="single"), ui=99),
        char_style("Strong", "Strong", rpr(bold=True), ui=22),
        char_style("Emphasis", "Emphasis", rpr(italic=True), ui=20),
        char_style("FootnoteReference", "footnote reference", rpr(vert="superscript"), ui=99),
        char_style("VerbatimChar", "Verbatim Char", rpr(font=mono, size=18, no_proof=True, shading=tint), ui=99),
        char_style("Superscript", "Superscript", rpr(vert="superscript"), ui=99),
        char_style("Subscript", "Subscript", rpr(vert="subscript"), ui=99),
        char_style("Strikethrough", "Strikethrough", rpr(strike=True), ui=99),
    ]

    table_styles = [
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        table_style(p, "BriefingTable", "Briefing Table",
                    border("top", accent, 8, 0) + border("bottom", accent, 8, 0)
                    + border("insideH", RULE, 4, 0)),
        table_style(p, "BriefingFacts", "Briefing Facts",
                    border("top", RULE, 4, 0) + border("bottom", RULE, 4, 0) + border("insideH", RULE, 4, 0),
                    header_row=False, first_column=True),
        '<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>',
    ]

    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W}">'
        "<w:docDefaults><w:rPrDefault>"
        f'<w:rPr><w:rFonts w:ascii="{serif}" w:eastAsia="{serif}" w:hAnsi="{serif}" w:cs="{serif}"/>'
        f'<w:color w:val="{ink}"/><w:sz w:val="21"/><w:szCs w:val="21"/>'
        '<w:lang w:val="lv-LV" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr>'
        '</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="140" w:line="276" w:lineRule="auto"/></w:pPr>'
        "</w:pPrDefault></w:docDefaults>"
        + "".join(styles + char_styles + table_styles) + "</w:styles>"
    )


def abstract_num(p: Palette, aid: int, nsid: str, fmt: str, texts: list[str], style: str) -> str:
    """A list definition of Word's nine levels, linked to its paragraph style (level 0)."""
    levels = ""
    for lvl, text in enumerate(texts):
        indent = 357 + lvl * 357
        link = f'<w:pStyle w:val="{style}"/>' if lvl == 0 else ""
        font = rpr(font=p.sans, colour=p.accent, bold=fmt != "bullet")
        levels += (f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{link}'
                   f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                   f'<w:pPr><w:ind w:left="{indent}" w:hanging="357"/></w:pPr>{font}</w:lvl>')
    return (f'<w:abstractNum w:abstractNumId="{aid}"><w:nsid w:val="{nsid}"/>'
            f'<w:multiLevelType w:val="hybridMultilevel"/>{levels}</w:abstractNum>')


def numbering_xml(p: Palette) -> str:
    """word/numbering.xml: bullets and numbers in the accent."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:numbering xmlns:w="{W}">'
        + abstract_num(p, 0, "5E1B0001", "bullet", ["•", "–", "·"] * 3, "ListBullet")
        + abstract_num(p, 1, "5E1B0002", "decimal", [f"%{n}." for n in range(1, 10)], "ListNumber")
        + '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )

# Settings children must follow the schema order (zoom … defaultTabStop … footnotePr, compat, themeFontLang …).
SETTINGS_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{W}">'
    '<w:zoom w:percent="100"/><w:defaultTabStop w:val="709"/><w:hyphenationZone w:val="357"/>'
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat><w:themeFontLang w:val="lv-LV"/>'
    '<w:decimalSymbol w:val=","/><w:listSeparator w:val=";"/></w:settings>'
)

FOOTNOTES_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote></w:footnotes>'
)


def specimen(style: str, text: str) -> str:
    """A sample paragraph in *style*, so a reviewer opening the file sees every style at work."""
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


SPECIMEN = "".join([
    specimen("Letterhead", "Letterhead — organisation"),
    specimen("AddresseeLabel", "Addressee Label"),
    specimen("Addressee", "Addressee — recipient institution"),
    specimen("Title", "Title — presskit briefing house style"),
    specimen("Subtitle", "Subtitle — every style the DOCX writer uses is shown on this page"),
    specimen("Heading1", "Heading 1"),
    specimen("Normal", "Normal — body text. Replace this file by a .docx of your own that defines "
             "the same style names; presskit takes page size, margins and styles from it."),
    specimen("Heading2", "Heading 2"),
    specimen("ListBullet", "List Bullet"),
    specimen("ListBullet", "List Bullet"),
    specimen("Heading3", "Heading 3"),
    specimen("ListNumber", "List Number"),
    specimen("ListNumber", "List Number"),
    specimen("ListContinue", "List Continue — a further paragraph of a list item"),
    specimen("Heading4", "Heading 4"),
    specimen("Quote", "Quote"),
    specimen("SourceCode", "Source Code — code blocks, every space kept"),
    specimen("DefinitionTerm", "Definition Term"),
    specimen("Definition", "Definition"),
    specimen("AdmonitionTitle", "Admonition Title"),
    specimen("Admonition", "Admonition — notes and warnings"),
    specimen("HorizontalRule", ""),
    specimen("CaptionedFigure", "Captioned Figure — an image with a caption below"),
    specimen("ImageCaption", "Image Caption"),
    specimen("Caption", "Caption — tables use the table styles Briefing Table and Briefing Facts"),
    specimen("Contact", "Contact"),
])

SECT_PR = (
    f'<w:sectPr><w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
    f'<w:pgMar w:top="{MARGIN["top"]}" w:right="{MARGIN["right"]}" w:bottom="{MARGIN["bottom"]}" '
    f'w:left="{MARGIN["left"]}" w:header="{MARGIN["header"]}" w:footer="{MARGIN["footer"]}" w:gutter="0"/>'
    '<w:cols w:space="708"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr>'
)

DOCUMENT_XML = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W}" xmlns:r="{R}">'
    f"<w:body>{SPECIMEN}{SECT_PR}</w:body></w:document>"
)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/numbering.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/footnotes.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
)

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
)

DOCUMENT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/numbering" Target="numbering.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rId4" Type="{REL}/footnotes" Target="footnotes.xml"/></Relationships>'
)

CORE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>presskit briefing house style</dc:title><dc:creator>presskit</dc:creator>"
    "<cp:lastModifiedBy>presskit</cp:lastModifiedBy><cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">2021-07-02T00:00:00Z</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">2021-07-02T00:00:00Z</dcterms:modified>'
    "</cp:coreProperties>"
)

APP_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>presskit</Application><AppVersion>16.0000</AppVersion></Properties>"
)

def parts(p: Palette) -> list[tuple[str, str]]:
    """The package's parts, [Content_Types].xml first, as Word writes it."""
    return [
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
        ("word/document.xml", DOCUMENT_XML), ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", styles_xml(p)), ("word/numbering.xml", numbering_xml(p)),
        ("word/settings.xml", SETTINGS_XML), ("word/footnotes.xml", FOOTNOTES_XML),
        ("docProps/core.xml", CORE_XML), ("docProps/app.xml", APP_XML),
    ]


def reference_docx(p: Palette = DEFAULT) -> bytes:
    """The reference document of palette *p*, byte for byte the same for the same palette."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts(p):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            zf.writestr(info, text.encode("utf-8"), compresslevel=9)
    return out.getvalue()
