"""WeasyPrint, set up for presskit's many renders per process: import, fonts, parsed stylesheets."""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import patches

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration


def import_weasyprint() -> None:
    """Import WeasyPrint as quickly as its version allows (presskit.patches: no library search
    subprocesses, one parsed C array type per element type); cheap when already imported."""
    patches.import_weasyprint()
    patches.fast_fixed_arrays()


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    """One font configuration per process, so fonts are found once (watch mode, worker processes)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


# A <style> whose parse reaches outside itself (fetches, counter styles, colour profiles, layers)
# must be parsed with its own document; such a document keeps all its <style> elements.
UNSHAREABLE = ("@import", "url(", "@font-face", "@counter-style", "@color-profile", "@layer")
MAX_SHARED_STYLESHEETS = 16
_PARSED: OrderedDict[tuple[str, str], CSS] = OrderedDict()


def take_stylesheets(document: HTML) -> list[CSS] | None:
    """Move the document's <style> elements into parsed stylesheets, each parsed once per process.

    A template's stylesheet is the same text in every language of an edition, and parsing it
    (tinycss2, selector preprocessing) is a good part of a handout's render. The texts are removed
    from the document's tree and returned, in document order, for WeasyPrint's public
    `stylesheets=` argument. WeasyPrint gives those the user origin, where <style> elements have
    the author origin: the same cascade for a document whose only author styles are those
    elements (and `style` attributes, which still win). So only such documents are changed: one
    with a linked stylesheet, a <style> with attributes, or CSS that reaches outside itself keeps
    all its styles (None is returned).
    """
    styles = []  # (parent, element): WeasyPrint's tree is ElementTree, whose elements know no parent
    for parent in document.etree_element.iter():
        for element in parent:
            tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            if tag == "link" and "stylesheet" in element.get("rel", "").lower().split():
                return None
            if tag == "style":
                text = element.text or ""
                if element.attrib or len(element) or any(word in text for word in UNSHAREABLE):
                    return None
                styles.append((parent, element))
    sheets = [parsed_stylesheet(element.text or "", document.base_url) for _, element in styles]
    for parent, element in styles:
        if element.tail:  # the text after the element stays where it was
            siblings = list(parent)
            before = siblings[siblings.index(element) - 1] if siblings.index(element) else None
            if before is None:
                parent.text = (parent.text or "") + element.tail
            else:
                before.tail = (before.tail or "") + element.tail
        parent.remove(element)
    return sheets


def parsed_stylesheet(text: str, base_url: str | None = None) -> CSS:
    """The stylesheet *text*, parsed once per process (a few texts kept: a watch session edits)."""
    from weasyprint import CSS

    key = (text, base_url or "")
    sheet = _PARSED.get(key)
    if sheet is None:
        sheet = _PARSED[key] = CSS(string=text, base_url=base_url, font_config=font_config(),
                                   url_fetcher=_no_fetcher())
        if len(_PARSED) > MAX_SHARED_STYLESHEETS:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    return sheet


@lru_cache(maxsize=1)
def _no_fetcher() -> Any:
    """The fetcher of shared stylesheets, which fetch nothing (UNSHAREABLE): no protocol allowed."""
    from weasyprint.urls import URLFetcher

    return URLFetcher(allowed_protocols=frozenset(), allow_redirects=False)
