"""Internal links: every element id of the body becomes a Word bookmark a link #id can point at."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import oxml as ox

if TYPE_CHECKING:
    from lxml.etree import _Element
    from lxml.html import HtmlElement

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")


class Anchors:
    """Bookmark names by HTML id (unique, Word's rules), decided before anything is written.

    A heading without an id (raw HTML, a template) is reachable by its words in lowercase ASCII
    joined by '-', as before headings had ids.
    """

    def __init__(self, body: HtmlElement):
        self.names: dict[str, str] = {}  # id → bookmark name
        self.by_words: dict[str, str] = {}  # bookmark_name(heading text) → bookmark name, id-less headings
        # An id-less heading → its bookmark name (the element as key keeps lxml's proxy, and so its identity)
        self.heading_names: dict[HtmlElement, str] = {}
        self.used: set[str] = set()
        self.next_id = 0
        for el in body.iter():
            if not isinstance(el.tag, str):
                continue
            if el.get("id") and el.get("id") not in self.names:
                self.names[el.get("id", "")] = self._unique(ox.bookmark_name(el.get("id", "")))
            elif el.tag in HEADING_TAGS and not el.get("id"):
                name = self._unique(ox.bookmark_name(el.text_content()))
                self.heading_names[el] = name
                self.by_words.setdefault(ox.bookmark_name(el.text_content()), name)

    def _unique(self, base: str) -> str:
        name, n = base, 2
        while name in self.used:
            suffix = f"_{n}"
            name, n = base[: 40 - len(suffix)] + suffix, n + 1
        self.used.add(name)
        return name

    def target(self, href: str) -> str | None:
        """The bookmark a link '#…' goes to, or None when nothing has that id."""
        fragment = href[1:]
        return self.names.get(fragment) or self.by_words.get(ox.bookmark_name(fragment))

    def of(self, el: HtmlElement) -> str | None:
        """The bookmark name of an element (its id, or an id-less heading's words), if it has one."""
        return self.names.get(el.get("id", "")) if el.get("id") else self.heading_names.get(el)

    def suggestion(self, href: str) -> str:
        """The fix for a link to no id: the id it was probably meant for (the same letters but for
        accents: '#turpmākie-soļi' for the heading 'Turpmākie soļi', whose id is 'turpmakie-soli'), or
        any id of the document."""
        wanted = ox.bookmark_name(href[1:])
        near = next((i for i in self.names if ox.bookmark_name(i) == wanted), None)
        if near is not None:
            return f"write #{near}, the id of that heading or element"
        example = next(iter(self.names), None) or next(iter(self.by_words), "heading").replace("_", "-")
        return f"link to an id the document has, e.g. #{example}, or give the target an id ({{#id}} after a heading)"

    def wrap(self, paragraph: _Element, name: str) -> None:
        """Bookmark the whole content of *paragraph* as *name* (ids in document order)."""
        ox.bookmark(paragraph, self.next_id, name)
        self.next_id += 1

    def point(self, name: str) -> list[_Element]:
        """A bookmark at one point of a paragraph (an inline element's id): start and end."""
        start, end = ox.bookmark_pair(self.next_id, name)
        self.next_id += 1
        return [start, end]
