"""Page furniture: the template's <header class="first-page">, <header> and <footer> become the
section's first-page and running headers and its footer ({PAGE} and {NUMPAGES} as Word fields,
data-align as the paragraph's alignment, images such as a logo related from the header part)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import oxml as ox
from .context import Ctx
from .inline import normalise, read_items
from .reference import furniture_parts

if TYPE_CHECKING:
    from lxml.html import HtmlElement

    from .writer import _Writer

FIRST_PAGE_HEADER = "./header[contains(@class, 'first-page')]"


def write_furniture(writer: _Writer, body: HtmlElement) -> None:
    """<header class="first-page">, <header> and <footer> become the section's headers and footers."""
    first = body.xpath(FIRST_PAGE_HEADER)
    running = body.xpath("./header[not(contains(@class, 'first-page'))]")
    footers = body.xpath("./footer")
    sources = [running, footers] + ([first, footers] if first else [])
    for part, elements in zip(furniture_parts(writer.doc, bool(first)), sources):
        container = part.element
        for child in list(container):
            container.remove(child)
        ctx = Ctx(part, container.append, column=writer.text_width)
        for p in (p for element in elements[:1] for p in element.iter("p")):
            para = ox.paragraph(writer.styles.paragraph(p.get("data-style") or "Header"))
            if align := writer.aligned(p, ctx).align:
                ox.paragraph_properties(para, align=align)
            container.append(para)
            writer._emit(para, normalise(read_items(p, None, None, writer._refuse)), ctx, fields=True)
        if not len(container):
            container.append(ox.element("w:p"))  # a header part must hold at least one paragraph
