"""Pseudo-localisation (`presskit build --pseudo`): every segment made ~40 % longer, its Latin letters
accented and its ends bracketed, so a layout is tested for translation before translators start.

Longer text shows what a German or Finnish translation will do to a fixed layout (overflow detection
applies to pseudo outputs as to any other); accented letters show missing glyphs and clipped
diacritics; the brackets show text that was cut, joined or never went through the catalog at all.
Markdown and HTML syntax inside a segment (link targets, code, tags, footnote marks, entities,
attribute lists) is left as it is, so the pseudo document renders with the source's structure.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..source.config import Campaign
    from ..source.content import Document

EXPANSION = 0.4
ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "áƀçðéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÅƁÇÐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ")
FILLER = ["ļöŕéɱ", "îþšûɱ", "ðöļöŕ", "šîţ", "áɱéţ", "çöñšéçţéţûŕ", "áðîþîšçîñĝ", "éļîţ"]
# Spans left as they are: inline code, link and image targets, reference labels, footnote marks, HTML
# tags, entities, attribute lists, URLs and presskit's placeholders ({date}, {PAGE}).
PROTECTED = re.compile(r"`+[^`]*`+|\]\([^)]*\)|\]\[[^\]]*\]|\[\^[^\]]*\]|<[^>]*>|&#?\w+;|\{:?[^}]*\}"
                       r"|https?://\S+|mailto:\S+")


def pseudo(text: str, markdown: bool = False) -> str:
    """*text* pseudo-localised: accented, ~40 % longer, between [ and ]. Markdown syntax is kept; in
    *markdown* the brackets are escaped, so that they never open a link."""
    if not text.strip():
        return text
    parts, last, letters = [], 0, 0
    for m in PROTECTED.finditer(text):
        plain = text[last: m.start()]
        parts += [plain.translate(ACCENTS), m.group()]
        letters += sum(c.isalpha() for c in plain)
        last = m.end()
    plain = text[last:]
    parts.append(plain.translate(ACCENTS))
    letters += sum(c.isalpha() for c in plain)
    body = "".join(parts)
    trailing = body[len(body.rstrip()):]  # a hard line break or a newline stays at the very end
    start, end = ("\\[", "\\]") if markdown else ("[", "]")
    return f"{start}{body.rstrip()} {_filler(math.ceil(letters * EXPANSION))}{end}{trailing}"


def _filler(count: int) -> str:
    """Words of filler with at least *count* letters (at least one word)."""
    words: list[str] = []
    while not words or sum(map(len, words)) < count:
        words.append(FILLER[len(words) % len(FILLER)])
    return " ".join(words)


def pseudo_document(document: Document) -> Document:
    """The document with every segment (front matter and body) pseudo-localised."""
    return document.localized(lambda seg: pseudo(seg.text, markdown=seg.context == "body"))


def pseudo_campaign(campaign: Campaign) -> Campaign:
    """The campaign with its printed fields (title, organisation …) pseudo-localised."""
    from .catalogs import campaign_segments

    changes: dict[str, Any] = {seg.context.split(":")[1]: pseudo(seg.text) for seg in campaign_segments(campaign)}
    return dataclasses.replace(campaign, **changes)
