"""Line-breaking rules a typesetter applies by hand, applied to the rendered body HTML.

Per language, spaces where a line must not break become no-break spaces (U+00A0, or the narrow
U+202F where the language's typography wants a thin space):

- everywhere: a number and its unit ("5 km", "20 %", "3 milj."), the groups of a long number
  ("10 000", narrow), a spaced dash never starting a line ("ANO — Latvijas");
- Latvian and Lithuanian: an ordinal number and the word after it ("2020. gada", "2. jūlijs");
- Russian, Ukrainian, Belarusian, Polish, Czech and Slovak: a one-letter preposition or conjunction
  and the next word ("в Совете", "w Radzie");
- French: a narrow no-break space before ; ! ? » and after «, a no-break space before : (the
  Imprimerie nationale's rule; inserted where the text has none);
- headings: the last two words bound, so that no heading line holds a single word. In headings
  (which also make the PDF outline, the contents and running heads) words are bound by a
  white-space: nowrap span rather than U+00A0, so their text keeps its plain spaces;
- paragraphs, list items, cells: the last words (TAIL characters, at least the last word) are set
  with hyphens: manual, so a paragraph never ends on the tail of a hyphenated word and its
  penultimate line rarely ends hyphenated;
- Chinese and Japanese: full-width punctuation is trimmed where two marks meet and at a block's
  edges (what CSS text-spacing-trim does; WeasyPrint 70 has no such property). Each such mark is set
  in its half-width form (the font's OpenType `halt` feature, which Noto CJK has): a closing mark or
  stop followed by another mark ("。”" has no wide gap), an opening mark after another, an opening
  mark that starts a block (no half-character indent) and a closing mark that ends one (a quotation
  mark the template adds after it follows closely).

Only text between tags changes: never a tag or an attribute, never text inside code, pre, kbd,
samp, script or style, and never a URL or e-mail address in the text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from markupsafe import Markup

NBSP, NNBSP = "\u00a0", "\u202f"
SPACE = f"[ {NBSP}{NNBSP}]"

TAG = re.compile(r"(<!--.*?-->|<(?:[^>\"']|\"[^\"]*\"|'[^']*')*>)", re.S)
TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
URL = re.compile(r"(?:https?://|ftp://|mailto:|www\.)\S+|[^\s@]+@[^\s@]+\.\w+")
SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "math"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PARAGRAPHS = frozenset({"p", "li", "dd", "dt", "td", "th", "figcaption", "caption"})
VOID = frozenset({"br", "img", "hr", "wbr", "input", "meta", "link", "col", "source"})

UNITS = ("%", "‰", "°C", "°", "km²", "km", "m²", "m³", "m", "cm", "mm", "kg", "g", "t", "l", "ml",
         "h", "min", "s", "ha", "€", "EUR", "USD", "\\$", "£", "milj\\.", "mljrd\\.", "tūkst\\.",
         "млн", "млрд", "тыс\\.", "км", "кг", "м", "ч", "руб\\.")
UNIT = re.compile(rf"(?<=\d){SPACE}(?=(?:{'|'.join(UNITS)})(?!\w))")
GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?!\d)(?![.,]\d)")
DASH = re.compile(rf"(?<=\S){SPACE}(?=[—–]{SPACE})")
ORDINAL = re.compile(rf"(?<=\d\.){SPACE}(?=[^\W\d_])")
ONE_LETTER = {
    "ru": "вксуоиаВКСУОИА", "be": "ўвзсуоіаЎВЗСУОІА", "uk": "вузійоаВУЗІЙОА",
    "pl": "wziouaWZIOUA", "cs": "ksvzouaiKSVZOUAI", "sk": "ksvzouaiKSVZOUAI",
}
ORDINAL_LANGUAGES = frozenset({"lv", "lt"})
FRENCH_BEFORE = re.compile(rf"(?:{SPACE}|(?<=[^\W\d_]))(?=[;!?](?!\S))|(?:{SPACE}|(?<!{SPACE}))(?=»)")
FRENCH_COLON = re.compile(rf"(?:{SPACE}|(?<=[^\W\d_]))(?=:(?!\S))")
FRENCH_AFTER = re.compile(rf"(?<=«){SPACE}?")
LAST_TWO = re.compile(rf"(\S+){SPACE}+(\S+)\s*$")
TAIL = 40  # a paragraph's last words within this many characters (at least its last word) are kept whole
WORDY = re.compile(r"[^\W_]")
CODE = -1  # an element's last text is code (or pre, kbd …): its end is left as it is
HEADING_BIND = 24  # the last two words of a heading are bound when no longer than this together
NO_HYPHENS = '<span style="hyphens: manual">'
NOWRAP = '<span style="white-space: nowrap">'
BOUND = re.compile(rf"[^\s<>]+(?:{NBSP}[^\s<>]+)+")
CJK_LANGUAGES = frozenset({"zh", "ja"})
CJK_CLOSING = "、。，．：；？！）］｝〕〉》」』】〗〙”’"  # full width, the ink on the left (start) half
CJK_OPENING = "（［｛〔〈《「『【〖〘“‘"  # full width, the ink on the right (end) half
CJK_ADJACENT = re.compile(f"[{CJK_CLOSING}](?=[{CJK_CLOSING}{CJK_OPENING}])|(?<=[{CJK_OPENING}])[{CJK_OPENING}]")
HALF_WIDTH = "<span style=\"font-feature-settings: 'halt'\">"
BLOCKS = PARAGRAPHS | HEADINGS


def typeset(markup: str, lang: str, heading: bool = False) -> Markup:
    """*markup* (sanitised HTML) with the language's no-break rules; *heading*: the inner HTML of
    a heading (its last two words bound)."""
    return _typeset(str(markup), _base(lang), heading)


def _base(lang: str) -> str:
    return lang.replace("_", "-").split("-")[0].lower()


@lru_cache(maxsize=512)  # print and screen editions and every recipient copy share a body
def _typeset(markup: str, lang: str, heading: bool) -> Markup:
    tokens = TAG.split(markup)
    rule, hyphenated = text_rule(lang), has_hyphenation(lang)
    stack: list[str] = []
    in_heading = [False] * len(tokens)
    last_text: list[int | None] = [None]  # per open element (and the top): its last text token with a letter
    texts: list[int] = []  # the text tokens typeset (not code)
    for i, token in enumerate(tokens):
        if i % 2:
            _tag(token, tokens, stack, last_text, hyphenated)
        elif token.strip() and not SKIPPED.intersection(stack):
            texts.append(i)
            tokens[i] = html.escape(rule(html.unescape(token)), quote=False)
            in_heading[i] = not HEADINGS.isdisjoint(stack)
            if WORDY.search(token):
                last_text[-1] = i
        elif token.strip():
            last_text[-1] = CODE  # ends in code: left as it is
    if heading:
        _bind_last_two(tokens, last_text[0])
        _nowrap_headings(tokens, [True] * len(tokens))
    else:
        _nowrap_headings(tokens, in_heading)
    if lang in CJK_LANGUAGES:
        _trim_cjk(tokens, texts, heading)
    return Markup("".join(tokens))


def _trim_cjk(tokens: list[str], texts: list[int], whole: bool) -> None:
    """Set full-width punctuation half-width where two marks meet, where an opening mark starts a
    block and where a closing mark ends one (*whole*: the markup is one block, a heading's)."""
    typeset = set(texts)
    starts, ends = ({texts[0]}, {texts[-1]}) if whole and texts else (set(), set())
    opened, last = False, None
    for i, token in enumerate(tokens):
        if i % 2:
            match = TAG_NAME.match(token)
            if match and match.group(2).lower() in BLOCKS:
                if match.group(1) and last is not None:
                    ends.add(last)
                opened, last = not match.group(1), None
        elif token.strip():
            if opened and i in typeset:
                starts.add(i)
            opened = False
            last = i if i in typeset else None
    for i in texts:
        parts = TAG.split(tokens[i])  # text, and the spans the rules above may have put in it
        marks = [{m.start() for m in CJK_ADJACENT.finditer(part)} if not k % 2 else set()
                 for k, part in enumerate(parts)]
        text_parts = [k for k in range(0, len(parts), 2) if parts[k].strip()]
        if i in starts and text_parts:
            first = parts[text_parts[0]]
            at = len(first) - len(first.lstrip())
            if first[at] in CJK_OPENING:
                marks[text_parts[0]].add(at)
        if i in ends and text_parts:
            final = parts[text_parts[-1]]
            at = len(final.rstrip()) - 1
            if final[at] in CJK_CLOSING:
                marks[text_parts[-1]].add(at)
        tokens[i] = "".join(
            "".join(f"{HALF_WIDTH}{c}</span>" if n in marks[k] else c for n, c in enumerate(part)) if marks[k] else part
            for k, part in enumerate(parts))


def _nowrap_headings(tokens: list[str], in_heading: list[bool]) -> None:
    """In heading text, runs bound by U+00A0 become white-space: nowrap spans with plain spaces."""
    for i in range(0, len(tokens), 2):
        if in_heading[i] and NBSP in tokens[i]:
            tokens[i] = BOUND.sub(lambda m: f"{NOWRAP}{m.group().replace(NBSP, ' ')}</span>", tokens[i])


def _tag(token: str, tokens: list[str], stack: list[str], last_text: list[int | None], hyphenated: bool) -> None:
    """Track the open elements; at the end of a heading or paragraph, apply its rule."""
    match = TAG_NAME.match(token)
    if not match or token.endswith("/>") or match.group(2).lower() in VOID:
        return
    name = match.group(2).lower()
    if not match.group(1):
        stack.append(name)
        last_text.append(None)
        return
    while name in stack:
        index = last_text.pop()
        if stack.pop() != name:
            continue
        if name in HEADINGS:
            _bind_last_two(tokens, index)
        elif name in PARAGRAPHS and hyphenated:
            _keep_last_words(tokens, index)
        elif index is not None:
            last_text[-1] = index  # an inline element's text is its parent's too
        return


def _keep_last_words(tokens: list[str], index: int | None) -> None:
    """Set a paragraph's last words with hyphens: manual, so that its penultimate line does not end
    hyphenated (unless its last line is longer than TAIL) and the last line is never a word's tail."""
    text = tokens[index] if index is not None and index != CODE else ""
    start = _tail_start(text)
    if index is not None and start is not None:  # (a text, so index is not CODE)
        tokens[index] = f"{text[:start]}{NO_HYPHENS}{text[start:].rstrip()}</span>{text[len(text.rstrip()):]}"


def _tail_start(text: str) -> int | None:
    """Where the kept tail of *text* begins: its last word, and the words before it while the tail
    stays within TAIL characters (a word is whitespace-delimited and holds a letter)."""
    words = [m for m in re.finditer(r"\S+", text) if WORDY.search(m.group())]
    if not words:
        return None
    start = words[-1].start()
    for word in reversed(words[:-1]):
        if len(text) - word.start() > TAIL:
            break
        start = word.start()
    return start


def _bind_last_two(tokens: list[str], index: int | None) -> None:
    """Bind the last two words of a heading's last text with a no-break space, if they are short."""
    if index is None or index == CODE:
        return
    text = html.unescape(tokens[index])
    match = LAST_TWO.search(text)
    if match and len(match.group(1)) + len(match.group(2)) < HEADING_BIND and not URL.search(match.group(0)):
        text = f"{text[:match.start()]}{match.group(1)}{NBSP}{match.group(2)}{text[match.end(2):]}"
        tokens[index] = html.escape(text, quote=False)


@lru_cache(maxsize=64)
def text_rule(lang: str) -> Callable[[str], str]:
    """The language's rules as one function over plain text (URLs and e-mail addresses left alone)."""
    rules: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
        (UNIT, lambda m: NBSP), (GROUPS, lambda m: m.group(0).replace(" ", NNBSP)), (DASH, lambda m: NBSP),
    ]
    if lang in ORDINAL_LANGUAGES:
        rules.append((ORDINAL, _ordinal))
    if lang in ONE_LETTER:
        letters = re.escape(ONE_LETTER[lang])
        rules.append((re.compile(rf"(?<![\w.\-])([{letters}]){SPACE}+(?=\S)"), lambda m: m.group(1) + NBSP))
    if lang == "fr":
        rules += [(FRENCH_BEFORE, lambda m: NNBSP), (FRENCH_AFTER, lambda m: NNBSP), (FRENCH_COLON, lambda m: NBSP)]

    def apply(text: str) -> str:
        parts = URL.split(text)
        urls = URL.findall(text)
        for pattern, replace in rules:
            parts = [pattern.sub(replace, part) for part in parts]
        return "".join(p + u for p, u in zip(parts, [*urls, ""], strict=True))

    return apply


def _ordinal(match: re.Match[str]) -> str:
    """An ordinal's space: no-break before a lowercase word ("2020. gada"); a capital starts a sentence."""
    following = match.string[match.end():match.end() + 1]
    return NBSP if following.islower() else match.group(0)


def typeset_context(context: dict[str, Any], lang: str, edition: str) -> dict[str, Any]:
    """A document's template context (templates.document_context) with its body HTML and section
    titles typeset for a PDF edition; the front matter (also used in <title> and document
    properties) stays as written. A DOCX is left as written: Word breaks its own lines."""
    if edition == "docx":
        return context
    sections = [{**s, "title": typeset(s["title"], lang, heading=True), "html": typeset(s["html"], lang)}
                for s in context["sections"]]
    return {**context, "html": typeset(context["html"], lang), "sections": sections}


@lru_cache(maxsize=64)
def has_hyphenation(lang: str) -> bool:
    """Whether pyphen has a dictionary for *lang* (no: Arabic, Chinese; their paragraph ends are left
    as they are: a span in justified right-to-left text upsets WeasyPrint 70's line layout)."""
    import pyphen

    return bool(pyphen.language_fallback(lang))
