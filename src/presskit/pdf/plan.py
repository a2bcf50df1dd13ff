"""A booklet's page plan: 4n pages made from the content, never from filler.

A saddle-stitched booklet needs a multiple of four pages. The template lays every chapter out on a
page of its own and marks the chapters that may instead follow on the page before
(`data-presskit-run-on`); when the count is not a multiple of four, this runs on as few chapters as
it takes to reach the multiple of four below, choosing first the chapters whose last page fits the
room left on the page before them (read from WeasyPrint's boxes, then confirmed by laying the
document out again).
A pull quote never ends up on the spread of the sentence it repeats: when a chapter running on
would put it there, the quote moves to another section the template offers it.
Only when that cannot work (a short booklet, chapters that fill their pages) do the template's
blank pad pages (id booklet-pad-N) fill the booklet up, and `presskit check` reports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from weasyprint.formatting_structure import boxes

from ..errors import BuildError, Problem

if TYPE_CHECKING:
    from weasyprint.document import Document

PAD_ID = "booklet-pad-"  # ids of the blank pages a template offers to fill a booklet up to 4n pages
RUN_ON = "data-presskit-run-on"  # a chapter that may follow on the page before instead of opening one
RUN_ON_CLASS = "run-on"  # …and the class that sets it so (the template's CSS)
QUOTE = "data-presskit-quote"  # a pull quote (with an id)…
QUOTE_SOURCE = "data-presskit-quote-source"  # …the section (with an id) holding its sentence…
QUOTE_HOME = "data-presskit-quote-home"  # …and the sections it may stand at the end of
MIN_PAGES = 4
SPARE = 0.04  # of the page's height: what running on costs beyond the chapter itself (its opener's space)
MAX_LAYOUTS = 4  # layouts tried after the first, whatever the content


def fit_booklet(document: Any, render: Callable[[], Document]) -> Document:
    """Lay *document* (WeasyPrint's HTML) out with *render* as a booklet of 4n pages."""
    rendered = render()
    # Each chapter with the element after it (ElementTree knows no siblings: read them off the parents).
    chapters = [(el, parent[i + 1] if i + 1 < len(parent) else None)
                for parent in document.etree_element.iter() for i, el in enumerate(parent) if el.get(RUN_ON) is not None]
    tried, batch = 0, 4
    while (excess := content_pages(rendered) % 4) and tried < MAX_LAYOUTS:
        if content_pages(rendered) - excess < MIN_PAGES:
            break
        # As many chapters as pages to save at once (one layout for a long booklet, whose every
        # layout takes seconds); after a miss, one at a time.
        picks = run_on_candidates(rendered, chapters)[:min(excess, batch)]
        if not picks:
            break
        for element in picks:
            add_class(element, RUN_ON_CLASS)
        tried += 1
        attempt = render()
        saved = content_pages(rendered) - content_pages(attempt)
        if 0 < saved <= excess and quote_faces_source(document, attempt):
            attempt = move_quote(document, render, content_pages(attempt)) or rendered
            saved = content_pages(rendered) - content_pages(attempt)
        if 0 < saved <= excess:
            rendered = attempt
            continue
        # It did not fit after all (or put the quote beside its sentence): the chapters keep their pages.
        for element in picks:
            remove_class(element, RUN_ON_CLASS)
        if len(picks) == 1:
            picks[0].set(RUN_ON + "-tried", "")
        batch = 1
    return keep_pads(rendered)


def move_quote(document: Any, render: Callable[[], Document], pages: int) -> Document | None:
    """Set the pull quote in another of the sections the template offers it (data-presskit-quote-home),
    the first where it neither faces its sentence nor costs a page; None (and the quote back where
    it was) when there is none."""
    root = document.etree_element
    parents = {child: parent for parent in root.iter() for child in parent}
    quote = next(el for el in root.iter() if el.get(QUOTE) is not None)
    home = parents[quote]
    for other in [el for el in root.iter() if el.get(QUOTE_HOME) is not None and el is not home]:
        parents[quote].remove(quote)
        other.append(quote)
        parents[quote] = other
        attempt = render()
        if content_pages(attempt) <= pages and not quote_faces_source(document, attempt):
            return attempt
    parents[quote].remove(quote)
    home.append(quote)
    return None


def quote_faces_source(document: Any, rendered: Document) -> bool:
    """Whether the pull quote stands on the same spread as a page of the section it quotes, where a
    reader would meet the same sentence twice at a glance."""
    root = document.etree_element
    quote = next((el for el in root.iter() if el.get(QUOTE) is not None), None)
    found = [(parent, i) for parent in root.iter() for i, el in enumerate(parent) if el.get(QUOTE_SOURCE) is not None]
    if quote is None or not found:
        return False
    parent, index = found[0]
    following = parent[index + 1].get("id", "") if index + 1 < len(parent) else ""
    starts = {anchor: number for number, page in enumerate(rendered.pages) for anchor in page.anchors}
    at, first = starts.get(quote.get("id", "")), starts.get(parent[index].get("id", ""))
    if at is None or first is None:
        return False
    last = max(first, starts[following] - 1) if following in starts else first
    return any(spread(at) == spread(n) for n in range(first, last + 1))


def spread(index: int) -> int:
    """The spread of page *index* (0-based): the cover alone, then pages 2-3, 4-5, …"""
    return (index + 1) // 2


def content_pages(rendered: Document) -> int:
    return len(rendered.pages) - len(pad_pages(rendered))


def pad_pages(rendered: Document) -> list[int]:
    return [i for i, page in enumerate(rendered.pages) if any(a.startswith(PAD_ID) for a in page.anchors)]


def run_on_candidates(rendered: Document, chapters: list[tuple[Any, Any]]) -> list[Any]:
    """Chapters that would save a page by following on the page before, best first: each opens a
    page, the element after it (which needs an id) opens another, and the room left on the page
    before it holds what its own last page holds (running on moves the chapter up by that room).
    No two picks are neighbours, whose estimates would depend on each other."""
    starts = {anchor: number for number, page in enumerate(rendered.pages) for anchor in page.anchors}
    scored: list[tuple[float, int, Any]] = []
    for index, (element, following) in enumerate(chapters):
        if RUN_ON_CLASS in (element.get("class") or "").split() or element.get(RUN_ON + "-tried") is not None:
            continue
        number = starts.get(element.get("id", ""))
        end = starts.get(following.get("id", "")) if following is not None else None
        if not number or end is None or end <= number:
            continue
        before, last = filled(rendered.pages[number - 1]), filled(rendered.pages[end - 1])
        if before + last + SPARE <= 1:
            scored.append((before + last, index, element))
    picks: list[tuple[int, Any]] = []
    for _, index, element in sorted(scored, key=lambda s: s[:2]):
        if all(abs(index - other) > 1 for other, _ in picks):
            picks.append((index, element))
    return [element for _, element in picks]


def filled(page: Any) -> float:
    """How much of the page's content area its in-flow text and images take, from the top (0 to 1)."""
    page_box = getattr(page, "_page_box", None)
    if page_box is None:
        return 1.0
    top = page_box.content_box_y()
    height = page_box.height or 1
    bottom = top
    stack = [page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.LineBox, boxes.ReplacedBox)):
            bottom = max(bottom, box.position_y + box.margin_height())
        if isinstance(box, boxes.MarginBox) or (box is not page_box and box.is_absolutely_positioned()):
            continue  # folios and running heads, and boxes placed out of the flow
        if isinstance(box, boxes.ParentBox):
            stack.extend(box.children)
    return float(min(1.0, max(0.0, (bottom - top) / height)))


def add_class(element: Any, name: str) -> None:
    element.set("class", " ".join([*(element.get("class") or "").split(), name]))


def remove_class(element: Any, name: str) -> None:
    element.set("class", " ".join(c for c in (element.get("class") or "").split() if c != name))


def keep_pads(rendered: Document, booklet: bool = True) -> Document:
    """Keep as many of the template's blank pad pages as the booklet needs for a multiple of four.

    The template offers pad pages (elements with id booklet-pad-1, -2, …, one page each, placed
    before the back cover); everything is laid out once and the unneeded pads are dropped. Pads and
    what follows them must not depend on page numbers or on the page side, since dropping pages
    shifts both.
    """
    pages = rendered.pages
    pads = pad_pages(rendered)
    needed = -(len(pages) - len(pads)) % 4 if booklet else 0
    if needed > len(pads):
        raise BuildError(Problem(
            None, None, f"the booklet needs {needed} more page(s) to reach a multiple of 4 and the "
            f"template offers {len(pads)} pad page(s)",
            f"give the template more one-page elements with id=\"{PAD_ID}N\" (N = 1, 2, 3), or chapters "
            f"marked {RUN_ON} that may follow on the page before"))
    if len(pads) == needed:
        return rendered
    drop = set(pads[needed:])
    return rendered.copy([page for i, page in enumerate(pages) if i not in drop])
