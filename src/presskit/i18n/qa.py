"""Translation QA for `presskit check`: what a translation must preserve, and glyph/font coverage of outputs."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from ..errors import Problem, relpath
from ..languages import language
from ..source.config import Campaign
from ..store import JsonStore, code_version
from .catalogs import catalog_path, read_catalog, short

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"(?:https?|mailto):[^\s)\]>]+")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
STRONG = re.compile(r"\*\*|__")
EMPHASIS = re.compile(r"(?<![*\w])[*_](?=\S)|(?<=\S)[*_](?![*\w])")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
MIN_LENGTH = 25  # short labels vary too much to judge
STYLE_WORDS = {"Regular", "Bold", "Italic", "Light", "Medium", "SemiBold", "ExtraBold", "Black",
               "Thin", "ExtraLight", "Condensed", "SemiCondensed", "Oblique", "Book", "DemiLight"}


def _digits(text: str) -> list[str]:
    """Numbers in *text* with every script's digits folded to ASCII (٢٠١٦ → 2016)."""
    folded = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    return sorted(m.group().rstrip(".,").replace(",", "").replace(".", "") for m in NUMBER.finditer(folded))


def _markup(text: str) -> Counter[str]:
    without_strong = STRONG.sub("", text)
    return Counter({"strong": len(STRONG.findall(text)) // 2,
                    "emphasis": len(EMPHASIS.findall(without_strong)) // 2})


def check_message(source: str, target: str, lang: str) -> list[tuple[str, str]]:
    """Findings for one translated segment: (severity, message); severity is error or warning."""
    found = []
    if _digits(source) != _digits(target):
        found.append(("error", f"numbers differ: source has {', '.join(_digits(source)) or 'none'}, "
                               f"translation has {', '.join(_digits(target)) or 'none'}"))
    for url in URL.findall(source):
        if url not in target:
            found.append(("error", f"URL {url} is missing from the translation"))
    if sorted(LINK.findall(source)) != sorted(LINK.findall(target)):
        found.append(("error", f"links differ: source links to {LINK.findall(source) or 'nothing'}, "
                               f"translation to {LINK.findall(target) or 'nothing'}"))
    if _markup(source) != _markup(target):
        found.append(("error", "Markdown emphasis differs (*…* / **…**): keep the same marked spans"))
    if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(target)):
        found.append(("error", f"placeholders differ: keep {' '.join(PLACEHOLDER.findall(source)) or 'none'}"))
    norm = language(lang).length_ratio
    if norm and len(source) >= MIN_LENGTH:
        ratio = len(target) / len(source)
        if not norm / 2 <= ratio <= norm * 2:
            found.append(("warning", f"length {ratio:.2f}× the source, far from the usual {norm:.2f}× "
                                     f"for {lang}: is a sentence missing or repeated?"))
    return found


def check_catalogs(campaign: Campaign, langs: list[str] | None = None) -> tuple[list[Problem], list[Problem]]:
    """QA of every translated, non-fuzzy entry of every catalog (or those of *langs*): (errors, warnings)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    root = campaign.root
    for lang in campaign.languages if langs is None else langs:
        path = catalog_path(root, lang)
        if lang == campaign.source_language or not path.is_file():
            continue
        name = relpath(path, root)
        for message in read_catalog(path, root, lang):
            if not message.id or not message.string or message.fuzzy or not isinstance(message.id, str):
                continue
            if not isinstance(message.string, str):  # a plural entry (its id is a tuple too)
                continue
            for severity, text in check_message(message.id, message.string, lang):
                problem = Problem(name, message.lineno, f"{text} (“{short(message.id)}”)",
                                  "correct the msgstr" if severity == "error" else "check the msgstr")
                (errors if severity == "error" else warnings).append(problem)
    return errors, warnings


# ---- characters of the translations against the configured fonts --------------------------

@lru_cache(maxsize=16)
def family_charset(family: str) -> frozenset[int]:
    """Code points covered by a font family, from fontconfig (empty when the family is not installed)."""
    try:
        out = subprocess.run(["fc-list", "-f", "%{charset}\n", f":family={family}"], capture_output=True,
                             text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    points: set[int] = set()
    for chunk in out.split():
        low, _, high = chunk.partition("-")
        try:
            points.update(range(int(low, 16), int(high or low, 16) + 1))
        except ValueError:
            continue
    return frozenset(points)


def check_glyph_coverage(campaign: Campaign, langs: list[str] | None = None) -> list[Problem]:
    """Every character of every translation (or those of *langs*) must be in a configured font family."""
    covered: set[int] = set()
    for family in campaign.print.fonts:
        covered |= family_charset(family)
    if not covered:
        return [Problem(None, None, f"none of the configured fonts is installed ({', '.join(campaign.print.fonts)})",
                        "run scripts/bootstrap")]
    problems = []
    root = campaign.root
    for lang in campaign.languages if langs is None else langs:
        path = catalog_path(root, lang)
        if lang == campaign.source_language or not path.is_file():
            continue
        for message in read_catalog(path, root, lang):
            if not isinstance(message.string, str):
                continue
            missing = sorted({c for c in message.string if ord(c) not in covered and c.isprintable()
                              and not c.isspace()})
            if missing:
                shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
                problems.append(Problem(relpath(path, root), message.lineno,
                                        f"no configured font has a glyph for {shown}",
                                        "replace the character or add a font family that covers it"))
    return problems


CATALOG_CACHE = "translation-checks.json"  # under build/.presskit/


def catalog_checks(campaign: Campaign) -> tuple[list[Problem], list[Problem]]:
    """check_catalogs and check_glyph_coverage of every catalog: (errors, warnings), remembered per
    catalog digest and, for glyphs, the configured fonts and fontconfig's folders, so a second
    `make` neither parses the catalogs again nor asks fontconfig (fc-list) for every family."""
    from dataclasses import asdict

    from ..files import file_digest

    root = campaign.root
    store = JsonStore(root, CATALOG_CACHE, code_version(__name__, "presskit.i18n.catalogs"))
    fonts = _fonts_signature(campaign.print.fonts)
    langs = [lang for lang in campaign.languages
             if lang != campaign.source_language and catalog_path(root, lang).is_file()]
    depends = {lang: [file_digest(catalog_path(root, lang)), fonts] for lang in langs}
    found: dict[str, Any] = {lang: store.get(lang, depends[lang]) for lang in langs}  # JSON, or None
    stale = [lang for lang in langs if found[lang] is None]
    if stale:
        glyphs = check_glyph_coverage(campaign, stale)
        if any(p.file is None for p in glyphs):  # no configured font installed: nothing to keep per language
            errors, warnings = check_catalogs(campaign, langs)
            return errors + glyphs, warnings
        for lang in stale:
            errors, warnings = check_catalogs(campaign, [lang])
            name = relpath(catalog_path(root, lang), root)
            found[lang] = {"errors": [asdict(p) for p in errors], "warnings": [asdict(p) for p in warnings],
                           "glyphs": [asdict(p) for p in glyphs if p.file == name]}
            store.put(lang, depends[lang], found[lang])
        store.save()
    # The order of the uncached checks: every catalog's QA, then every catalog's glyphs.
    errors = [Problem(**p) for lang in langs for p in found[lang]["errors"]]
    warnings = [Problem(**p) for lang in langs for p in found[lang]["warnings"]]
    errors += [Problem(**p) for lang in langs for p in found[lang]["glyphs"]]
    return errors, warnings


FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts", "~/.local/share/fonts",
                "/etc/fonts", "/var/cache/fontconfig", "~/.cache/fontconfig")


def _fonts_signature(families: list[str]) -> str:
    """The configured families and the modification times of fontconfig's folders (and those in them):
    installing or removing a font changes one, as it is what fontconfig checks to refresh its cache."""
    import hashlib
    import os

    entries = [repr(families)]
    for top in FONT_FOLDERS:
        for dirpath, dirnames, _ in os.walk(os.path.expanduser(top)):
            dirnames.sort()
            try:
                entries.append(f"{dirpath}:{os.stat(dirpath).st_mtime_ns}")
            except OSError:
                continue
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()
