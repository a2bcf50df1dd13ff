"""The reference document: opened once per process, deep-copied for each DOCX, its styles by name."""

from __future__ import annotations

import copy
import io
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import docx
from docx.oxml.ns import qn
from docx.styles import BabelFish

if TYPE_CHECKING:
    from docx.document import Document
    from docx.parts.hdrftr import FooterPart, HeaderPart
    from lxml.etree import _Element

    from ..source.config import Brand

# The last reference document opened in this process: (path, its bytes), the untouched Document
# and what the writer derived from its styles. Each copy starts from a deep copy of the Document
# instead of unzipping and parsing it again.
_pristine: list[Any] = []
HOUSE_STYLE = "presskit's house style (made from campaign.yaml brand:)"


def brand_reference(brand: Brand) -> tuple[str, bytes]:
    """The generated reference document of *brand* (its name for messages, its bytes)."""
    fonts = brand.fonts
    return HOUSE_STYLE, _house_style(brand.colours["accent"].hex, brand.colours["ink"].hex,
                                     brand.colours["tint"].hex, fonts["serif"], fonts["sans"], fonts["mono"])


@lru_cache(maxsize=4)  # by the brand's colours and faces: made once per process (~2 ms)
def _house_style(*palette: str) -> bytes:
    from .house_style import Palette, reference_docx

    return reference_docx(Palette(*palette))


def new_document(ref: tuple[str, bytes], first_page: bool = False) -> tuple[Document, dict[Any, Any]]:
    """A fresh python-docx Document of *ref* (its name and bytes: a template's reference.docx or the
    brand's house style, brand_reference()), parsed once per content,
    and the style look-ups already made on it (a dict the writer fills; valid while the styles are).
    Its header and footer parts are there already (see furniture_parts), with a different first
    page when *first_page*.

    The key is the file's bytes, not its time stamp: an edit within the file system's time
    resolution (or one that restores an old mtime) is still picked up, and reading 6 KB is cheap.
    """
    key = ref
    if not _pristine or _pristine[0] != key:
        _pristine[:] = [key, {}, {}]
    documents = _pristine[1]
    if first_page not in documents:
        documents[first_page] = docx.Document(io.BytesIO(key[1]))
        furniture_parts(documents[first_page], first_page)
    return copy.deepcopy(documents[first_page]), _pristine[2]


def furniture_parts(document: Document, first_page: bool) -> list[HeaderPart | FooterPart]:
    """The parts page furniture goes in: running header and footer, then first-page ones if asked.

    Made when the reference has none. new_document() runs this on its cached copy, so each
    document copy finds the parts made (python-docx reads a template file and walks the whole
    package for every new header part); on a document that has them it changes nothing.
    """
    section = document.sections[0]
    section.different_first_page_header_footer = first_page
    wanted = [section.header, section.footer]
    if first_page:
        wanted += [section.first_page_header, section.first_page_footer]
    # The part once: every python-docx property of a header looks its definition up again.
    return [header_footer._get_or_add_definition() for header_footer in wanted]


def stored_name(name: str) -> str:
    """The name styles.xml stores for a Word UI style name ('Heading 1' → 'heading 1')."""
    return BabelFish.ui2internal(name)


def style_ids_by_name(styles: _Element) -> dict[str, str | None]:
    """Style id by stored name; the first style of a name wins, as in python-docx's lookup."""
    ids: dict[str, str | None] = {}
    for style in styles.iterchildren(qn("w:style")):
        name = style.find(qn("w:name"))
        if name is not None and (stored := name.get(qn("w:val"))) is not None:
            ids.setdefault(stored, style.get(qn("w:styleId")))
    return ids
