"""Addresses that look broken: in link annotations and in printed text.

A heuristic, so its findings are warnings (`check --strict` makes them errors): a web address whose
words mix scripts (Latin and Cyrillic look alike), or whose slug is ASCII but for one or two words
with a non-ASCII letter — a transliterated slug where one word kept its diacritic (`…-ir-svarīgi-klut-…`)
usually answers 404. A slug written in the language's own letters throughout is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

if TYPE_CHECKING:
    import pikepdf

URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'«»“”„]+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+")  # runs of letters, any script
FIX = "check that the address opens; correct it in the content (e.g. source_url in content/campaign.yaml)"


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split()[0]


def url_problem(url: str) -> str | None:
    """Why *url* looks broken, or None."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    for word in WORD.findall(unquote(parts.netloc + parts.path)):
        scripts = {_script(ch) for ch in word}
        if len(scripts) > 1:
            return f"the word '{word}' mixes scripts ({', '.join(sorted(scripts)).lower()})"
    for segment in unquote(parts.path).split("/"):
        words = WORD.findall(segment)
        foreign = [w for w in words if not w.isascii()]
        if foreign and len(words) - len(foreign) >= 3 * len(foreign):
            letters = "".join(dict.fromkeys(ch for w in foreign for ch in w if not ch.isascii()))
            return (f"'{', '.join(foreign)}' has a non-ASCII letter ({letters}) in an otherwise ASCII slug "
                    f"'{segment}'")
    return None


def urls_in_text(text: str) -> list[str]:
    """Addresses printed in a page's text (trailing punctuation is not part of them).

    pdfium writes U+FFFE for a hyphen at a line break, and the break itself as CR LF: an address
    broken after one of its hyphens is joined again."""
    text = re.sub("\ufffe\r?\n?", "-", text)
    return [m.group().rstrip(".,;:!?)]") for m in URL.finditer(text)]


def link_urls(page: pikepdf.Page) -> list[str]:
    """The URIs of a page's link annotations."""
    out = []
    for annot in page.obj.get("/Annots", []):
        action = annot.get("/A")
        if action is not None and action.get("/S") == "/URI" and "/URI" in action:
            out.append(bytes(action.URI).decode("utf-8", errors="replace"))
    return out


def check_urls(urls: list[str], where: str) -> list[tuple[str, str]]:
    """(what, fix) for each distinct address that looks broken; *where* says how it appears."""
    out = []
    for url in dict.fromkeys(urls):
        if reason := url_problem(url):
            out.append((f"{where} {url} looks broken: {reason}", FIX))
    return out
