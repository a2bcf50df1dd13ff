"""Sanitise the HTML made from Markdown (raw HTML included) to an allow-list, with nh3."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import nh3

# Everything Python-Markdown (with tables, footnotes, attr_list) produces, and the inline
# HTML an author may reasonably write. Not allowed, among others: script, style, link, meta,
# iframe, object, embed, svg, math, form elements, video, audio, base.
TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
    "section", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "time", "tr", "u", "ul", "wbr",
}
# Removed together with their content (the rest of the disallowed tags keep their text).
CLEAN_CONTENT_TAGS = {"script", "style", "template", "noscript", "iframe", "object", "title"}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "li": {"value"},
    "td": {"colspan", "rowspan", "style"},
    "th": {"colspan", "rowspan", "style", "scope"},
    "time": {"datetime"},
}
# data-* attributes carry styling hints to the DOCX writer (data-style) and are inert in PDF.
ATTRIBUTE_PREFIXES = {"data-"}
# The only CSS an author may write inline: the tables extension's column alignment.
STYLE_PROPERTIES = {"text-align"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# A cell spanning more columns or rows than this is refused by validation (build/validate.py, with file
# and line) and dropped here as a safety net: one colspan="65534" cell kept WeasyPrint busy 12–70 s
# laying out the empty grid. HTML itself clamps colspan at 1000.
MAX_SPAN = 1000
# List numbers (<ol start>, <li value>) Word can show: a value that is not a number in this range is
# dropped, as a browser ignores an invalid start (the list then counts from 1).
MAX_LIST_NUMBER = 32767
# HTML's rules for parsing integers (leading spaces, a sign, digits; anything after them ignored),
# the rules WeasyPrint and browsers follow.
HTML_INTEGER = re.compile(r"^[ \t\n\f\r]*([+-]?)([0-9]+)")


def html_integer(value: str | None) -> int | None:
    """An HTML attribute's integer value by HTML's parsing rules, or None when it has none."""
    if m := HTML_INTEGER.match(value or ""):
        digits = m.group(2).lstrip("0")[:12] or "0"  # an absurd length stays a large number, cheaply
        return -int(digits) if m.group(1) == "-" else int(digits)
    return None


def _filter(tag: str, attribute: str, value: str) -> str | None:
    """Per-attribute rules nh3's scheme list cannot express: links and images differ."""
    if attribute == "href":
        # Web, mail and phone links, and links within the document. A path would become a
        # file: link in the PDF, pointing readers at (and revealing) the build machine's files.
        scheme = urlparse(value).scheme.lower()
        return value if scheme in LINK_SCHEMES or value.startswith("#") else None
    if attribute == "src":
        scheme = urlparse(value).scheme.lower()
        # Remote images are kept here so validation can report them with file and line;
        # the URL fetcher refuses them in any case.
        return value if scheme != "data" or value[5:].lower().startswith("image/") else None
    if attribute in ("colspan", "rowspan"):
        number = html_integer(value)
        return value if number is None or number <= MAX_SPAN else None
    if attribute in ("start", "value"):
        number = html_integer(value)
        return str(number) if number is not None and 0 <= number <= MAX_LIST_NUMBER else None
    return value


def sanitize_html(html: str) -> str:
    """Reduce *html* to the documented allow-list: no scripts, styles, embeds, event handlers or rel."""
    return nh3.clean(
        html,
        tags=TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ATTRIBUTES,
        generic_attribute_prefixes=ATTRIBUTE_PREFIXES,
        attribute_filter=_filter,
        filter_style_properties=STYLE_PROPERTIES,
        url_schemes=LINK_SCHEMES | {"data", "file", "ftp"},
        link_rel=None,
        strip_comments=True,
    )
