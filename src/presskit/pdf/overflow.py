"""Overflow in fixed layouts: text that does not fit where the template put it, read from the boxes
WeasyPrint laid out (never guessed from text length), so it holds for any language and any text.

A reader sees overflow in four ways, and each is one rule here, checked on every page:

- **past the page plan**: the template declares how many pages it has
  (`<meta name="presskit:pages" content="2">`) and the text needs more;
- **past a fixed-size box**: a box with a set height (or max-height) whose text runs out of its
  padding box, is cut off (WeasyPrint ends such a box at the page's end and drops the rest,
  leaving only a mark on the block it broke) or is split across pages;
- **into a positioned box**: text running under a box the template placed absolutely (a QR panel,
  the key messages set from the bottom of the page) — only boxes with text or an image count,
  empty decorations (bands, stripes) may lie behind text on purpose;
- **off the page**: text outside the page's trim.

Each page yields at most one finding: its first text (in document order) that does not fit, named
by the start of its paragraph so that the segment can be found in the catalog.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from weasyprint.formatting_structure import boxes

from ..errors import BuildError, Problem

PLAN_META = "presskit:pages"  # <meta name=… content=N>: the template has at most N pages
NAME_ATTRIBUTE = "data-presskit-name"  # what a positioned box is called in messages ("the QR panel")
TOLERANCE = 1.0  # CSS px (0.26 mm): rounding, not overflow
QUOTED = 60  # characters of a paragraph quoted to name it
PX_PER_MM = 96 / 25.4
PRESERVED_BREAKS = {"pre", "pre-wrap", "pre-line", "break-spaces"}


class LayoutOverflow(BuildError):
    """Text does not fit a fixed layout (the build names the output file)."""


@dataclass(frozen=True)
class Rect:
    """An area of the page in CSS px."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Rect) -> bool:
        return (self.left < other.right - TOLERANCE and other.left < self.right - TOLERANCE
                and self.top < other.bottom - TOLERANCE and other.top < self.bottom - TOLERANCE)

    def sticks_out_of(self, other: Rect) -> bool:
        """Whether this lies partly outside *other* up or down (the direction text grows)."""
        return self.top < other.top - TOLERANCE or self.bottom > other.bottom + TOLERANCE

    def off(self, page: Rect) -> bool:
        """Whether this lies partly outside *page* on any side."""
        return (self.left < page.left - TOLERANCE or self.right > page.right + TOLERANCE
                or self.sticks_out_of(page))


@dataclass(eq=False)
class Region:
    """A positioned box: text from outside it must not run into it."""

    box: Any
    rect: Rect
    visible: bool = False  # holds text or an image (set while its content is walked)


@dataclass(frozen=True)
class Context:
    """What a box lies in, handed down the walk."""

    fixed: Any = None  # the nearest box of fixed height around in-flow content (None: none)
    anchor_fixed: Any = None  # …around the content of absolutely positioned children (their containing block's)
    regions: tuple[Region, ...] = ()  # the positioned boxes the box is inside
    block: Any = None  # the nearest block box: its element's text names the segment
    split: bool = False  # inside the continuation of a fixed-size box split across pages


@dataclass(eq=False)
class Text:
    """A piece of laid-out text and where it lies."""

    box: Any
    rect: Rect  # its ink, roughly: the band between cap height and descenders
    context: Context


@dataclass
class PageScan:
    """The text and the positioned boxes of one page, from one walk over its boxes."""

    earlier: set[tuple[int, str]]  # fixed-size boxes met on earlier pages (element, tag)
    texts: list[Text] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)
    met: set[tuple[int, str]] = field(default_factory=set)  # …and on this page
    shown: set[int] = field(default_factory=set)  # elements whose text is on the page
    cut: Any = None  # the first fixed-size box whose content WeasyPrint cut at the page's end
    broken: Any = None  # the last block broken inside it: where the cut is


def overflow_problems(pages: list[Any], planned: int | None, lang: str, edition: str) -> list[Problem]:
    """One problem per page whose text does not fit; *pages* are WeasyPrint's rendered pages,
    *planned* the template's page plan (planned_pages)."""
    problems = []
    earlier: set[tuple[int, str]] = set()
    for number, page in enumerate(pages, 1):
        page_box = getattr(page, "_page_box", None)  # WeasyPrint 70 keeps the laid-out tree there
        if page_box is None:
            return []
        scan = PageScan(earlier)
        walk(page_box, Context(), scan)
        earlier |= scan.met
        problem = page_problem(scan, page_box, number, planned, lang, edition)
        if problem:
            problems.append(problem)
    return problems


def planned_pages(root: Any) -> int | None:
    """The page plan a template declares in its <head>, if any."""
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag == "body":
            break
        if tag == "meta" and element.get("name") == PLAN_META:
            content = element.get("content", "").strip()
            return int(content) if content.isdigit() else None
    return None


def walk(box: Any, context: Context, scan: PageScan) -> None:
    """Collect the page's text and positioned boxes, each with what it lies in (one pass)."""
    if isinstance(box, boxes.MarginBox) or box.style["position"] == "fixed":
        return  # page margin boxes (folios) and fixed boxes (bands, the DRAFT mark) are placed on purpose
    context = enter(box, context, scan)
    if isinstance(box, boxes.TextBox):
        if box.text.strip() and box.style["visibility"] == "visible":
            scan.texts.append(Text(box, ink(box), context))
            scan.shown.add(id(box.element))
            show(context)
        return
    if context.fixed is not None and context.fixed is not box and broken(box):
        # WeasyPrint ends a fixed-size box that runs past the page there and drops the rest
        scan.cut = scan.cut or context.fixed
        scan.broken = box
    if isinstance(box, boxes.ReplacedBox):
        show(context)
    for child in box.all_children():
        walk(child, context, scan)


def enter(box: Any, context: Context, scan: PageScan) -> Context:
    """The context of *box*'s content."""
    position = box.style["position"]
    if position == "absolute":  # held by its containing block, not by the box it sits in
        region = Region(box, border_rect(box))
        scan.regions.append(region)
        context = replace(context, fixed=context.anchor_fixed, regions=(*context.regions, region))
    if isinstance(box, boxes.BlockBox) and box.element is not None:
        context = replace(context, block=box)
    if has_fixed_height(box):
        key = (id(box.element), str(box.element_tag))
        scan.met.add(key)
        context = replace(context, fixed=box, split=context.split or key in scan.earlier)
    if position in ("relative", "absolute", "sticky"):  # a containing block for absolute children
        context = replace(context, anchor_fixed=context.fixed)
    return context


def has_fixed_height(box: Any) -> bool:
    """A block, flex or grid container whose height the template set: its content cannot make it
    taller (a flex column of fixed height cuts an item that does not fit at its end, like a page's end).
    Not <html> and <body>: `height: 100%` there is a common idiom for text that flows on."""
    if (not isinstance(box, (boxes.BlockContainerBox, boxes.FlexContainerBox, boxes.GridContainerBox))
            or box.element is None
            or box.element_tag in ("html", "body")):
        return False
    max_height = box.style["max_height"]
    return box.style["height"] != "auto" or not (max_height.unit == "px" and math.isinf(max_height.value))


def broken(box: Any) -> bool:
    """Whether a block continues on a next page: WeasyPrint took the bottom edge off it, or off
    its last line (a paragraph broken between lines)."""
    if not isinstance(box, boxes.BlockContainerBox):
        return False
    last = box.children[-1] if box.children else None
    # In preformatted text (code) a line ending in its own line break carries the same mark.
    return "bottom" in box.remove_decoration_sides or (
        isinstance(last, boxes.LineBox) and "bottom" in last.remove_decoration_sides
        and box.style["white_space"] not in PRESERVED_BREAKS)


def show(context: Context) -> None:
    """Mark the positioned boxes around visible content as visible."""
    for region in context.regions:
        region.visible = True


def ink(box: Any) -> Rect:
    """Roughly where a text box's glyphs are: from cap height to descenders. WeasyPrint's box is
    the font's whole content area, taller than the line when the line height is tight, and would
    make neighbouring lines overlap."""
    baseline = box.position_y + box.baseline
    size = box.style["font_size"]
    left = box.content_box_x()
    return Rect(left, baseline - 0.7 * size, left + box.width, baseline + 0.15 * size)


def border_rect(box: Any) -> Rect:
    return Rect(box.border_box_x(), box.border_box_y(),
                box.border_box_x() + box.border_width(), box.border_box_y() + box.border_height())


def padding_rect(box: Any) -> Rect:
    return Rect(box.padding_box_x(), box.padding_box_y(),
                box.padding_box_x() + box.padding_width(), box.padding_box_y() + box.padding_height())


def page_problem(scan: PageScan, page_box: Any, number: int, planned: int | None, lang: str,
                 edition: str) -> Problem | None:
    """The first text of the page that does not fit, as a problem (None: everything fits)."""
    found = page_finding(scan, border_rect(page_box), number, planned, lang)
    if found is None:
        return None
    what, fix = found
    return Problem(None, None, f"page {number} overflows ({lang}, {edition}): {what}", fix)


def page_finding(scan: PageScan, page: Rect, number: int, planned: int | None, lang: str) -> tuple[str, str] | None:
    """What does not fit on the page and the fix, or None. A page past the plan and a box WeasyPrint
    cut off come first: their text is not on the page at all."""
    if planned is not None and number > planned and scan.texts:
        return (f"{quote(scan.texts[0])} does not fit on the template's {planned} page(s)",
                f"shorten the {lang} text, or raise the page plan (<meta name=\"{PLAN_META}\">) in the template")
    if scan.cut is not None:
        return (f"{cut_text(scan)} does not fit in {sized(scan.cut)} and is cut off",
                taller(scan.cut, lang))
    for text in scan.texts:
        if (found := misfit(text, scan.regions, page, lang)) is not None:
            return found
    return None


def misfit(text: Text, regions: list[Region], page: Rect, lang: str) -> tuple[str, str] | None:
    """What is wrong with where *text* lies and the fix, or None."""
    fixed = text.context.fixed
    if text.context.split:
        return f"{quote(text)} does not fit in {sized(fixed)} and runs onto this page", taller(fixed, lang)
    if fixed is not None and text.rect.sticks_out_of(padding_rect(fixed)):
        return f"{quote(text)} does not fit in {sized(fixed)}", taller(fixed, lang)
    for region in regions:
        if region.visible and region not in text.context.regions and text.rect.overlaps(region.rect):
            return (f"{quote(text)} overlaps {region_name(region.box)}",
                    f"shorten the {lang} text on this page, or give {describe(region.box)} more room in the template")
    if text.rect.off(page):
        return f"{quote(text)} runs off the page", f"shorten the {lang} text, or keep its box on the page in the template"
    return None


def sized(box: Any) -> str:
    return f"{describe(box)} ({box.height / PX_PER_MM:.0f} mm high)"


def taller(box: Any, lang: str) -> str:
    return f"shorten the {lang} text, or make {describe(box)} taller in the template"


def region_name(box: Any) -> str:
    """A positioned box as messages name it: its data-presskit-name, else its first paragraph."""
    first = next((e for e in box.element.iter() if isinstance(e.tag, str) and (e.text or "").strip()), None)
    if box.element.get(NAME_ATTRIBUTE) or first is None:
        return describe(box)
    return quoted("".join(first.itertext()))


def describe(box: Any) -> str:
    """A box as messages name it: its data-presskit-name, else its tag and class."""
    element = box.element
    name = element.get(NAME_ATTRIBUTE)
    if name:
        return str(name)
    tag = str(box.element_tag)
    css_class = element.get("class")
    return f'<{tag} class="{css_class}">' if css_class else f"<{tag}>"


def cut_text(scan: PageScan) -> str:
    """The paragraph WeasyPrint cut between its lines, else the first one it left out."""
    if any(isinstance(child, boxes.LineBox) for child in scan.broken.children):
        return quoted("".join(scan.broken.element.itertext()))
    return lost(scan.cut.element, scan.shown)


def lost(element: Any, shown: set[int]) -> str:
    """The first text in *element* after the last one shown on the page: the first WeasyPrint cut
    off (not in the boxes any more, so found in the document)."""
    elements = list(element.iter())
    last = max((i for i, e in enumerate(elements) if id(e) in shown), default=-1)
    after = (e for e in elements[last + 1:] if isinstance(e.tag, str) and (e.text or "").strip())
    return quoted("".join(next(after, element).itertext()))


def quote(text: Text) -> str:
    """The start of the paragraph *text* belongs to, in quotes."""
    block = text.context.block
    return quoted("".join(block.element.itertext()) if block is not None else text.box.text)


def quoted(words: str) -> str:
    """The start of *words*, in quotes, for a message."""
    words = " ".join(words.split())
    if len(words) > QUOTED:  # cut at a word's end where there is one
        cut = words[:QUOTED].rsplit(" ", 1)[0] if " " in words[:QUOTED] else words[:QUOTED]
        words = f"{cut} …"
    return f"\"{words}\""


