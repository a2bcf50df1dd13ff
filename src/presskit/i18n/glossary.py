"""The campaign glossary: key terms and their established translations, checked by `presskit check`.

content/glossary.csv has the columns term, lang, translation, note: one row per term and language.
A translated, non-fuzzy segment whose source holds a term must hold the term's translation for its
language. Both sides match without regard to case, typographic apostrophes (’) count as ', and any
run of spaces as one. A `*` ending a word stands for any letters (`Drošības padom*`: padome, padomes,
padomē, padomei …: the Latvian ending; `Совет* Безопасности`: Совета, Совете …), and `|` separates
forms that are all right (`UN|United Nations`). A term matches whole words, except where its first or
last letter is Chinese or Arabic: Chinese has no spaces and Arabic joins prefixes (ل، ب) to a word.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from dataclasses import dataclass

from ..errors import ContentError, Problem, relpath
from ..source.config import Campaign
from ..source.containment import FileKind, read_project_text
from .catalogs import catalog_exists, catalog_messages, catalog_path, read_catalog_bytes, short

GLOSSARY_FILE = "content/glossary.csv"
COLUMNS = ("term", "lang", "translation", "note")
GLOSSARY = FileKind("glossary", 1_000_000, ContentError, "keep one row per term and language (a few kilobytes)",
                    "create it, or leave it out: a project without one has no glossary check")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


def normalise(text: str) -> str:
    """Text as the glossary compares it: typographic apostrophes as ', runs of white space as one space."""
    return " ".join(text.translate(APOSTROPHES).split())


def _joins(char: str) -> bool:
    """Whether a letter may be joined to its neighbours without a space (Chinese, Arabic)."""
    return unicodedata.name(char, "").startswith(("CJK", "ARABIC"))


def pattern(text: str) -> re.Pattern[str] | None:
    """The regular expression of a glossary entry (alternatives `|`, stems `*`); None if it is empty
    or has a `*` that does not end a word."""
    alternatives = []
    for form in (normalise(f) for f in text.split("|")):
        words = form.split(" ")
        if not form or any("*" in w.rstrip("*") or w == "*" for w in words):
            return None
        body = r"\s+".join(re.escape(w.rstrip("*")) + (r"\w*" if w.endswith("*") else "") for w in words)
        start = "" if _joins(form[0]) else r"(?<!\w)"
        end = "" if form.endswith("*") or _joins(form[-1]) else r"(?!\w)"
        alternatives.append(start + body + end)
    return re.compile("|".join(alternatives), re.IGNORECASE)


@dataclass(frozen=True)
class Term:
    """One row of the glossary: a source term and its translation in one language."""

    term: str
    lang: str
    translation: str
    line: int
    source: re.Pattern[str]
    target: re.Pattern[str]

    def expected(self) -> str:
        return " or ".join(f"“{form.strip()}”" for form in self.translation.split("|"))


def load_glossary(campaign: Campaign) -> tuple[list[Term], list[Problem]]:
    """The glossary's terms, and a problem (file:line, fix) for each row that cannot be used."""
    text = read_project_text(campaign.root, GLOSSARY_FILE, GLOSSARY)
    reader = csv.DictReader(io.StringIO(text))
    if [c.strip() for c in reader.fieldnames or []][:4] != list(COLUMNS):
        return [], [Problem(GLOSSARY_FILE, 1, "the first line must name the columns term,lang,translation,note",
                            "write that header line above the rows")]
    langs = [lang for lang in campaign.languages if lang != campaign.source_language]
    terms: list[Term] = []
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        term, lang, translation = ((row.get(c) or "").strip() for c in COLUMNS[:3])
        source, target = pattern(term), pattern(translation)
        if lang not in langs:
            problems.append(Problem(GLOSSARY_FILE, line, f"language '{lang}' is not a translation language of the "
                                                         "campaign", f"use one of: {', '.join(langs)}"))
        elif source is None or target is None:
            problems.append(Problem(GLOSSARY_FILE, line, "a term and its translation must not be empty, and `*` "
                                                         "may only end a word", "correct the row"))
        elif (term.casefold(), lang) in seen:
            problems.append(Problem(GLOSSARY_FILE, line, f"“{term}” in {lang} is listed already (line "
                                                         f"{seen[term.casefold(), lang]})",
                                    "keep one row and list the right forms in it, separated by |"))
        else:
            seen[term.casefold(), lang] = line
            terms.append(Term(term, lang, translation, line, source, target))
    return terms, problems


def check_glossary(campaign: Campaign) -> tuple[list[Problem], list[Problem]]:
    """(problems of the glossary itself, findings): each finding names the PO line, the term and the
    expected translation. A project without content/glossary.csv has neither."""
    root = campaign.root
    if not os.path.lexists(root / GLOSSARY_FILE):
        return [], []
    terms, problems = load_glossary(campaign)
    findings = []
    for lang in dict.fromkeys(t.lang for t in terms):
        path = catalog_path(root, lang)
        if not catalog_exists(path):
            continue
        messages = catalog_messages(path, root, lang, read_catalog_bytes(path, root))
        for msgid, (msgstr, fuzzy, line) in messages.items():
            if msgstr and not fuzzy:
                findings += [Problem(relpath(path, root), line, f"glossary term “{t.term}” is not translated as "
                                                                f"{t.expected()} (“{short(msgid)}”)",
                                     f"use the glossary's translation ({GLOSSARY_FILE}:{t.line}), or add the "
                                     "form used there as an alternative (…|…)")
                             for t in terms if t.lang == lang and t.source.search(normalise(msgid))
                             and not t.target.search(normalise(msgstr))]
    return problems, findings


def term_notes(terms: list[Term], lang: str, msgid: str, msgstr: str, fuzzy: bool) -> list[tuple[bool | None, str]]:
    """The glossary terms one segment holds, for the build report's translation page: (verdict, text)
    each — True where the current translation uses the term's translation, False where it does not (what
    `presskit check` reports), None where there is no current translation to check yet."""
    notes: list[tuple[bool | None, str]] = []
    for t in terms:
        if t.lang != lang or not t.source.search(normalise(msgid)):
            continue
        if not msgstr or fuzzy:
            notes.append((None, f"“{t.term}” → {t.expected()} ({GLOSSARY_FILE}:{t.line})"))
        elif t.target.search(normalise(msgstr)):
            notes.append((True, f"“{t.term}” translated as {t.expected()}"))
        else:
            notes.append((False, f"“{t.term}” is not translated as {t.expected()} ({GLOSSARY_FILE}:{t.line})"))
    return notes

