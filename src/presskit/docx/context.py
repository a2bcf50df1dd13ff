"""Where the writer is: the container blocks go into, its style, indent and list item."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.opc.part import Part
    from lxml.etree import _Element


@dataclasses.dataclass
class ListItem:
    """A list item whose first paragraph (the numbered one) is still to be written."""

    style: str
    num_id: int | None
    level: int
    outer: int  # the left text edge of the list's container (twips)
    done: bool = False


@dataclasses.dataclass(frozen=True)
class Ctx:
    """Where blocks go and how they look: the container being written."""

    part: Part  # links and images relate from it
    sink: Callable[[_Element], None]  # appends a w:p or w:tbl
    style: str = "Normal"  # paragraph style of loose text and <p> here
    indent: int = 0  # this container's left text edge, twips (0: the page's)
    level: int = -1  # list level (-1: not in a list)
    item: ListItem | None = None
    char: str | None = None  # character style of the text (header cells)
    align: str | None = None  # paragraph alignment (table cells)
    column: int = 0  # width available, EMU
    list_style: str | None = None  # paragraph style of list items instead of List Bullet/Number (footnotes)

    def inside(self, **changes: Any) -> Ctx:
        return dataclasses.replace(self, **changes)
