"""Markdown to HTML: Python-Markdown with presskit's extensions and the language's quotation marks, sanitised."""

from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup

from ..languages import language
from .sanitize import sanitize_html

MARKDOWN_EXTENSIONS = ["tables", "footnotes", "attr_list", "smarty", "sane_lists"]


@lru_cache(maxsize=32)
def _markdown(lang: str) -> markdown.Markdown:
    ldq, rdq, lsq, rsq = language(lang).quotes
    quotes = {"left-double-quote": ldq, "right-double-quote": rdq,
              "left-single-quote": lsq, "right-single-quote": rsq}
    return markdown.Markdown(
        extensions=MARKDOWN_EXTENSIONS,
        extension_configs={"smarty": {"substitutions": quotes},
                           "footnotes": {"BACKLINK_TEXT": ""}},
        output_format="html",
    )


@lru_cache(maxsize=2048)  # print and screen editions, and every recipient copy, convert the same text
def markdown_to_html(text: str, lang: str) -> Markup:
    """Render Markdown to HTML with the language's own quotation marks, sanitised (see sanitize.py)."""
    md = _markdown(lang)
    md.reset()
    return Markup(sanitize_html(md.convert(text)))
