"""Translation QA for `presskit check`: what a translation must preserve, and glyph/font coverage of outputs."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

from .config import Campaign
from .errors import Problem, relpath
from .i18n import _short, catalog_path, read_catalog

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
URL = re.compile(r"(?:https?|mailto):[^\s)\]>]+")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)[^)]*\)")
STRONG = re.compile(r"\*\*|__")
EMPHASIS = re.compile(r"(?<![*\w])[*_](?=\S)|(?<=\S)[*_](?![*\w])")
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
# Typical length of a translation relative to the Latvian source (characters); a segment far off
# this norm (under half or over twice) is flagged: often a sentence dropped or pasted twice.
LENGTH_NORMS = {"en": 1.0, "fr": 1.15, "es": 1.12, "ru": 1.05, "ar": 0.95, "zh": 0.32, "de": 1.15}
MIN_LENGTH = 25  # short labels vary too much to judge
STYLE_WORDS = {"Regular", "Bold", "Italic", "Light", "Medium", "SemiBold", "ExtraBold", "Black",
               "Thin", "ExtraLight", "Condensed", "SemiCondensed", "Oblique", "Book", "DemiLight"}


def _digits(text: str) -> list[str]:
    """Numbers in *text* with every script's digits folded to ASCII (٢٠١٦ → 2016)."""
    folded = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    return sorted(m.group().rstrip(".,").replace(",", "").replace(".", "") for m in NUMBER.finditer(folded))


def _markup(text: str) -> Counter:
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
    norm = LENGTH_NORMS.get(lang)
    if norm and len(source) >= MIN_LENGTH:
        ratio = len(target) / len(source)
        if not norm / 2 <= ratio <= norm * 2:
            found.append(("warning", f"length {ratio:.2f}× the source, far from the usual {norm:.2f}× "
                                     f"for {lang}: is a sentence missing or repeated?"))
    return found


def check_catalogs(campaign: Campaign, langs: list[str] | None = None) -> tuple[list[Problem], list[Problem]]:
    """QA of every translated, non-fuzzy entry of every catalog (or those of *langs*): (errors, warnings)."""
    errors, warnings = [], []
    root = campaign.root
    for lang in campaign.languages if langs is None else langs:
        path = catalog_path(root, lang)
        if lang == campaign.source_language or not path.is_file():
            continue
        name = relpath(path, root)
        for message in read_catalog(path, root, lang):
            if not message.id or not message.string or message.fuzzy or not isinstance(message.id, str):
                continue
            for severity, text in check_message(message.id, message.string, lang):
                problem = Problem(name, message.lineno, f"{text} (“{_short(message.id)}”)",
                                  "correct the msgstr" if severity == "error" else "check the msgstr")
                (errors if severity == "error" else warnings).append(problem)
    return errors, warnings


# ---- fonts and glyphs of built PDFs --------------------------------------------------------

def font_family_allowed(base_font: str, families: list[str]) -> bool:
    """True when a PDF BaseFont (e.g. ABCDEF+Noto-Sans-CJK-SC-Bold) belongs to a configured family."""
    name = base_font.split("+", 1)[-1]
    for family in families:
        for form in (family.replace(" ", "-"), family.replace(" ", "")):
            if name.lower() == form.lower():
                return True
            if name.lower().startswith(form.lower() + "-"):
                rest = name[len(form) + 1:].replace("-", " ").split()
                if all(word in STYLE_WORDS for word in rest):
                    return True
    return False


def check_pdf_fonts(path: Path, families: list[str], root: Path, identity: bool = True) -> list[Problem]:
    """Every font of a PDF must be in a configured family and never show glyph 0 (.notdef).

    With identity=False only what preflight.py does not see is checked: .notdef behind the CMap
    streams WeasyPrint writes for fonts with missing glyphs (preflight reads Identity-H fonts).
    """
    import pikepdf

    name = relpath(path, root)
    problems: list[Problem] = []
    reported: set[str] = set()
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            fonts = dict(page.Resources.get("/Font", {}).items())
            for key, font in fonts.items():
                base = str(font.get("/BaseFont", key))
                if identity and base not in reported and not font_family_allowed(base, families):
                    reported.add(base)
                    problems.append(Problem(name, None, f"page {number}: font {base.split('+')[-1]} is "
                                            f"not in the configured families ({', '.join(families)})",
                                            "use a configured font for every script, or add the family "
                                            "to print.fonts in content/campaign.yaml"))
            notdef = _notdef_count(page, fonts, identity)
            if notdef:
                problems.append(Problem(name, None, f"page {number}: {notdef} missing glyph(s) (.notdef)",
                                        "a character is in no configured font: use a font that covers "
                                        "the script or change the text"))
    return problems


CIDCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s+0\b")
CIDRANGE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+0\b")


def _notdef_codes(font) -> set[bytes]:
    """Two-byte codes that a Type0 font maps to CID 0 (.notdef): 0000 under Identity-H; WeasyPrint
    writes its own CMap stream (codes → CIDs) when a glyph is missing, and maps those codes to 0."""
    import pikepdf

    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Stream):
        cmap = encoding.read_bytes()
        codes = set()
        for block in re.findall(rb"begincidchar(.*?)endcidchar", cmap, re.S):
            codes |= {bytes.fromhex(m.group(1).decode()) for m in CIDCHAR.finditer(block)}
        for block in re.findall(rb"begincidrange(.*?)endcidrange", cmap, re.S):
            codes |= {bytes.fromhex(m.group(1).decode()) for m in CIDRANGE.finditer(block)}
        return codes
    if str(encoding) == "/Identity-H":
        return {b"\0\0"}
    return set()


def _notdef_count(page, fonts, identity: bool = True) -> int:
    """How many .notdef glyphs the page's text operators show (two-byte CID fonts, as WeasyPrint writes)."""
    import pikepdf

    notdef = {str(k): _notdef_codes(f) for k, f in fonts.items()
              if identity or str(f.get("/Encoding", "")) != "/Identity-H"}
    current, count = set(), 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "Tf":
            current = notdef.get(str(operands[0]), set())
        elif op in ("Tj", "TJ", "'", '"') and current:
            items = operands[0] if op == "TJ" else operands[-1:]
            for item in items:
                if isinstance(item, pikepdf.String):
                    data = bytes(item)
                    count += sum(1 for i in range(0, len(data) - 1, 2) if data[i:i + 2] in current)
    return count


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


def check_translations(campaign: Campaign) -> tuple[list[Problem], list[Problem]]:
    """All translation checks `presskit check` runs: (errors, warnings)."""
    from .build import plan

    errors, warnings = _cached_catalog_checks(campaign)
    targets = [campaign.root / u.target for u in plan(campaign) if u.target.endswith(".pdf")]
    errors += _cached_pdf_checks([t for t in targets if t.is_file()], campaign)
    return errors, warnings


CATALOG_CACHE = Path("build") / ".presskit" / "translation-checks.json"


def _cached_catalog_checks(campaign: Campaign) -> tuple[list[Problem], list[Problem]]:
    """check_catalogs and check_glyph_coverage, remembered per catalog digest (and, for glyphs, the
    configured fonts and fontconfig's folders), so a second `make` neither parses the catalogs again
    nor asks fontconfig (fc-list) for every family's characters."""
    import json
    from dataclasses import asdict

    from .build import file_digest

    root = campaign.root
    cache_path = root / CATALOG_CACHE
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    rules = _rules_digest()
    if not isinstance(cache, dict) or cache.get("rules") != rules:
        cache = {"rules": rules}
    fonts = _fonts_signature(campaign.print.fonts)
    langs = [lang for lang in campaign.languages
             if lang != campaign.source_language and catalog_path(root, lang).is_file()]
    entries = cache.setdefault("catalogs", {})
    digests = {lang: file_digest(catalog_path(root, lang)) for lang in langs}
    stale = [lang for lang in langs
             if (entries.get(lang) or {}).get("digest") != digests[lang] or entries[lang].get("fonts") != fonts]
    if stale:
        glyphs = check_glyph_coverage(campaign, stale)
        if any(p.file is None for p in glyphs):  # no configured font installed: nothing to keep per language
            errors, warnings = check_catalogs(campaign, langs)
            return errors + glyphs, warnings
        for lang in stale:
            errors, warnings = check_catalogs(campaign, [lang])
            name = relpath(catalog_path(root, lang), root)
            entries[lang] = {"digest": digests[lang], "fonts": fonts,
                             "errors": [asdict(p) for p in errors], "warnings": [asdict(p) for p in warnings],
                             "glyphs": [asdict(p) for p in glyphs if p.file == name]}
        if cache_path.parent.is_dir():
            from .build import atomic_write

            atomic_write(cache_path, json.dumps(cache, ensure_ascii=False, sort_keys=True).encode())
    # The order of the uncached checks: every catalog's QA, then every catalog's glyphs.
    errors = [Problem(**p) for lang in langs for p in entries[lang]["errors"]]
    warnings = [Problem(**p) for lang in langs for p in entries[lang]["warnings"]]
    errors += [Problem(**p) for lang in langs for p in entries[lang]["glyphs"]]
    return errors, warnings


def _rules_digest() -> str:
    """Digest of the checking code (this module and the catalog reader)."""
    import hashlib

    from . import __version__

    here = Path(__file__).parent
    return hashlib.sha256(__version__.encode() + (here / "i18n_check.py").read_bytes()
                          + (here / "i18n.py").read_bytes()).hexdigest()


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


FONT_CACHE = Path("build") / ".presskit" / "pdf-glyphs.json"


def _cached_pdf_checks(paths: list[Path], campaign: Campaign) -> list[Problem]:
    """check_pdf_fonts per PDF, remembered by file digest so a second `make` does not reread PDFs."""
    import hashlib
    import json
    from dataclasses import asdict

    from .build import atomic_write

    cache_path = campaign.root / FONT_CACHE
    try:
        cache = json.loads(cache_path.read_text())
    except (FileNotFoundError, ValueError):
        cache = {}
    rules = hashlib.sha256(repr(campaign.print.fonts).encode() + Path(__file__).read_bytes()).hexdigest()
    problems, changed = [], False
    for path in paths:
        key = relpath(path, campaign.root)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entry = cache.get(key)
        if not (entry and entry["digest"] == digest and entry["rules"] == rules):
            found = check_pdf_fonts(path, campaign.print.fonts, campaign.root, identity=False)
            entry = cache[key] = {"digest": digest, "rules": rules, "problems": [asdict(p) for p in found]}
            changed = True
        problems.extend(Problem(**p) for p in entry["problems"])
    if changed:
        atomic_write(cache_path, json.dumps(cache, indent=1, sort_keys=True).encode())
    return problems
