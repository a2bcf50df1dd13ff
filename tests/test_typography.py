"""Typographic line breaking: the no-break rules (html/typography.py) on small inputs, the hyphenation
dictionary that leaves capitalised words whole (pdf/hyphenation.py), and the hyphenated line ends
of the default project's built PDFs, per language.

`python tests/test_typography.py [ROOT]` prints the measurement for a built project (default: .)."""

from __future__ import annotations

import collections
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from presskit.html.typography import typeset, typeset_context

NB, NN = "\u00a0", "\u202f"
KEEP = '<span style="hyphens: manual">'
NOWRAP = '<span style="white-space: nowrap">'


def t(html: str, lang: str = "en", heading: bool = False) -> str:
    return str(typeset(html, lang, heading))


# ---- no-break rules, exact output -----------------------------------------------------------------

@pytest.mark.parametrize("source,expected", [
    ("5 km", f"5{NB}km"), ("20 %", f"20{NB}%"), ("3 milj. eiro", f"3{NB}milj. eiro"),
    ("5 min", f"5{NB}min"), ("5 mini", "5 mini"),  # a unit, not the start of a word
    ("10 000 and 1 234 567", f"10{NN}000 and 1{NN}234{NN}567"), ("in 2016 2020", "in 2016 2020"),
    ("ANO — Latvija", f"ANO{NB}— Latvija"), ("a – b", f"a{NB}– b"),
])
def test_every_language_binds_units_number_groups_and_dashes(source, expected):
    assert t(source) == expected


def test_latvian_ordinal_binds_the_following_lowercase_word():
    assert t("Kopš 2016. gada, 2. jūlijā. 2020. Latvija", "lv") == f"Kopš 2016.{NB}gada, 2.{NB}jūlijā. 2020. Latvija"
    assert t("2016. gada", "en") == "2016. gada"  # Latvian and Lithuanian only


@pytest.mark.parametrize("lang,source,expected", [
    ("ru", "Он был в Москве и у нас", f"Он был в{NB}Москве и{NB}у{NB}нас"),
    ("ru", "В Совете", f"В{NB}Совете"),
    ("pl", "W Polsce i z nami", f"W{NB}Polsce i{NB}z{NB}nami"),
    ("cs", "Byl v Praze a k nám", f"Byl v{NB}Praze a{NB}k{NB}nám"),
    ("sk", "Bol v Bratislave s nami", f"Bol v{NB}Bratislave s{NB}nami"),
    ("en", "a cat in a hat", "a cat in a hat"),
    ("ru", "т. е. в", "т. е. в"),  # no word follows
])
def test_one_letter_words_bind_to_the_next(lang, source, expected):
    assert t(source, lang) == expected


def test_french_spacing():
    source = "Il dit : « oui » ; pourquoi? «non» ! 10:30 et http://a.fr/?x=1"
    assert t(source, "fr") == (f"Il dit{NB}: «{NN}oui{NN}»{NN}; pourquoi{NN}? «{NN}non{NN}»{NN}! 10:30 et "
                               "http://a.fr/?x=1")
    assert t(f"déjà{NB}: «{NN}oui{NN}»", "fr") == f"déjà{NB}: «{NN}oui{NN}»"  # already right: unchanged
    assert t("Why? Yes: no!", "en") == "Why? Yes: no!"


def test_urls_code_attributes_and_entities_are_left_alone():
    source = ('<p title="5 km — 20 %">Voir <a href="http://x.lv/2020. gada">http://x.lv/2020. gada</a> '
              "<code>5 km</code> &amp; 5 km &lt;b&gt; mail@x.lv</p>")
    assert t(source, "lv") == ('<p title="5 km — 20 %">Voir <a href="http://x.lv/2020. gada">http://x.lv/2020. '
                               f"gada</a> <code>5 km</code> {KEEP}&amp; 5{NB}km &lt;b&gt; mail@x.lv</span></p>")
    assert t("<pre>5 km\n</pre>") == "<pre>5 km\n</pre>"


def test_paragraph_ends_are_kept_whole():
    long = "Dalība simbolizē valsts briedumu un spēju uzņemties atbildību par pasaules mēroga procesiem."
    assert t(f"<p>{long}</p>", "lv") == (
        f"<p>Dalība simbolizē valsts briedumu un spēju uzņemties {KEEP}atbildību par pasaules mēroga "
        "procesiem.</span></p>")
    assert t("<p>one <em>two</em>.</p>") == f"<p>one <em>{KEEP}two</span></em>.</p>"
    assert t("<ul><li><p>a b</p></li><li>c <code>d</code></li></ul>") == (
        f"<ul><li><p>{KEEP}a b</span></p></li><li>c <code>d</code></li></ul>")
    assert t("<p>مرحبا بكم</p>", "ar") == "<p>مرحبا بكم</p>"  # no hyphenation: nothing to keep


def test_headings_bind_their_last_two_words_without_changing_their_text():
    assert t("Dalība ANO — Latvijas ārpolitikas instruments", "lv", heading=True) == (
        f"Dalība {NOWRAP}ANO —</span> Latvijas {NOWRAP}ārpolitikas instruments</span>")
    assert t("<h2>Reģiona balss</h2>", "lv") == f"<h2>{NOWRAP}Reģiona balss</span></h2>"
    assert t("<h3>Neatgriezeniskuma nostiprināšanai</h3>", "lv") == "<h3>Neatgriezeniskuma nostiprināšanai</h3>"
    assert t("Padome", "lv", heading=True) == "Padome"



def test_cjk_punctuation_is_trimmed_where_marks_meet_and_at_block_edges():
    """Chinese full-width marks in their half-width form (halt): a stop before a closing quote, an
    opening mark starting a block, a closing mark ending one; nowhere else, never in code or in Latin."""
    def half(mark):
        return f"<span style=\"font-feature-settings: 'halt'\">{mark}</span>"

    assert t("<p>“成为成员。”</p>", "zh") == f"<p>{half('“')}成为成员{half('。')}{half('”')}</p>"
    assert t("<p>成为，“联合国”，安全。</p>", "zh") == (
        f"<p>成为{half('，')}“联合国{half('”')}，安全{half('。')}</p>")  # a lone mark keeps its width
    assert t("<blockquote><p>《<em>成员</em>》是</p></blockquote>", "zh") == (
        f"<blockquote><p>{half('《')}<em>成员</em>》是</p></blockquote>")
    assert t("<p>a <code>“x。”</code> b</p>", "zh") == "<p>a <code>“x。”</code> b</p>"
    assert t("“标题”", "zh", heading=True) == f"{half('“')}标题{half('”')}"
    assert t("<p>“成为成员。”</p>", "en") == f"<p>{KEEP}“成为成员。”</span></p>"


def test_the_docx_is_left_as_written():
    context = {"meta": {}, "html": "<p>5 km</p>", "sections": [{"title": "a b c", "html": "<p>5 km</p>"}]}
    assert typeset_context(context, "lv", "docx") is context
    pdf = typeset_context(context, "lv", "print")
    assert pdf["html"] == f"<p>{KEEP}5{NB}km</span></p>" and pdf["sections"][0]["title"] == f"a {NOWRAP}b c</span>"


# ---- hyphenation dictionary -----------------------------------------------------------------------

def test_capitalised_words_are_never_hyphenated(tmp_path, monkeypatch):
    import pyphen

    from presskit.pdf import hyphenation

    monkeypatch.setattr(pyphen, "hdcache", {})
    for lang in ("lv", "en"):
        hyphenation.preload(lang, tmp_path)
    lv, en = pyphen.Pyphen(lang="lv", left=3, right=3), pyphen.Pyphen(lang="en", left=3, right=3)
    assert lv.inserted("Latvija") == "Latvija" and lv.inserted("ANO") == "ANO"
    assert lv.inserted("drošībaspadomes") == "dro-šī-bas-pa-do-mes"
    assert en.inserted("Council") == "Council" and en.inserted("council") == "coun-cil"
    assert en.inserted("Security") == "Security" and en.inserted("security") == "secur-ity"
    assert pyphen.Pyphen(lang="lv").inserted("jautājumu") == "jau-tā-ju-mu"  # left=right=2: pyphen's own
    assert lv.inserted("jautājumu") == "jau-tā-jumu"  # 3 letters each side, as the CSS asks


def test_a_dictionary_pyphen_loaded_itself_is_wrapped(tmp_path, monkeypatch):
    import pyphen

    from presskit.pdf import hyphenation

    monkeypatch.setattr(pyphen, "hdcache", {})
    pyphen.Pyphen(lang="lv")  # e.g. watch mode's warm-up render, before any preload
    hyphenation.preload("lv", tmp_path)
    assert pyphen.Pyphen(lang="lv").inserted("Latvija") == "Latvija"


# ---- hyphenated line ends in the built outputs -------------------------------------------------------

HYPHENS = ("-", "\u2010", "\u00ad")
LANGUAGES = ("lv", "en", "fr", "es", "ru", "ar", "zh")


def pdf_lines(pdf: Path) -> list[list[tuple[str, float]]]:
    """Per text block (pdftotext -bbox-layout), its lines: (text, height in pt)."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    ns = "{http://www.w3.org/1999/xhtml}"
    return [[(" ".join(w.text or "" for w in line.iter(f"{ns}word")),
              float(line.get("yMax", 0)) - float(line.get("yMin", 0))) for line in block.iter(f"{ns}line")]
            for block in ET.fromstring(out).iter(f"{ns}block")]


def hyphenation_counts(pdfs: list[Path]) -> collections.Counter[str]:
    """Body lines (the most common line height, ±25 %), those ending with a hyphen, those in a
    capitalised word, and the longest run of consecutive hyphenated lines."""
    counts: collections.Counter[str] = collections.Counter()
    for pdf in pdfs:
        blocks = pdf_lines(pdf)
        heights = collections.Counter(round(h, 1) for block in blocks for text, h in block if len(text) >= 12)
        body = heights.most_common(1)[0][0] if heights else 0
        for block in blocks:
            run = 0
            for text, height in block:
                if abs(height - body) > 0.25 * body:
                    continue
                counts["lines"] += 1
                run = run + 1 if text.endswith(HYPHENS) else 0
                counts["hyphenated"] += bool(run)
                counts["capitalised"] += bool(run) and text.split()[-1][:1].isupper()
                counts["longest run"] = max(counts["longest run"], run)
    return counts


def outputs(root: Path, lang: str) -> list[Path]:
    return sorted((root / "build").glob(f"*/*-{lang}.pdf"))  # print editions (screen: the same lines)


def report(root: Path) -> dict[str, collections.Counter[str]]:
    return {lang: hyphenation_counts(outputs(root, lang)) for lang in LANGUAGES}


@pytest.mark.slow
def test_hyphenated_line_ends_per_language(default_built):
    """≤ 10 % of body lines end hyphenated in every language, none in a capitalised word, never
    more than 2 in a row."""
    for lang, counts in report(default_built).items():
        assert counts["lines"] > 15, f"{lang}: {counts['lines']} body lines found"
        share = counts["hyphenated"] / counts["lines"]
        assert share <= 0.10, f"{lang}: {counts['hyphenated']} of {counts['lines']} body lines hyphenated"
        assert counts["capitalised"] == 0 and counts["longest run"] <= 2, (lang, dict(counts))


if __name__ == "__main__":
    for lang, counts in report(Path(sys.argv[1] if len(sys.argv) > 1 else ".")).items():
        share = 100 * counts["hyphenated"] / max(counts["lines"], 1)
        print(f"{lang}: {counts['hyphenated']:3d} of {counts['lines']:3d} body lines hyphenated ({share:4.1f} %), "
              f"{counts['capitalised']} in capitalised words, longest run {counts['longest run']}")
