"""Pages of a PDF kept cheaply (a small grey image and the text of each page), and two such sets
compared: which pages changed, where on the page (boxes), and which words."""

from __future__ import annotations

import difflib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write

if TYPE_CHECKING:
    from PIL.Image import Image

PAGE_WIDTH_PX = 200  # grey page images: enough to place a change, ~10 KB a page
CELL_PX = 6  # changed areas are found on a grid of cells this size
MAX_PAGES = 400
TEXT_FILE = "text.json"
SOURCE_PDF = "source"  # the edition's PDF itself, kept until its pages are rendered (no .pdf: not an output)


@dataclass
class PageChange:
    page: int  # 1-based
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)  # x0, y0, x1, y1 in image pixels
    removed: list[str] = field(default_factory=list)  # word groups gone
    added: list[str] = field(default_factory=list)  # word groups new
    what: str = "changed"  # changed, added (page new in this edition), removed


def keep_pages(pdf: Path, folder: Path) -> None:
    """Keep *pdf* in *folder*, to render its pages when they are first compared (render_pages).

    A hard link costs nothing (a build replaces an output by a new file, never rewrites it, so the
    link keeps this edition's bytes); where links are not possible, a copy. Rendering every page
    here made each release build — every cold build — about 0.8 s slower for pages no diff may
    ever look at.
    """
    kept = folder / SOURCE_PDF
    if _texts(folder) is not None or kept.is_file():
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.link(pdf, kept)
    except OSError:
        atomic_write(kept, pdf.read_bytes(), durable=False)


def render_pages(folder: Path) -> None:
    """The grey PNGs and the text of every page of the PDF kept in *folder*, unless already there."""
    if _texts(folder) is not None or not (folder / SOURCE_PDF).is_file():
        return
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(folder / SOURCE_PDF))
    try:
        texts = []
        for index in range(min(len(doc), MAX_PAGES)):
            page = doc[index]
            width = page.get_width()
            image = page.render(scale=PAGE_WIDTH_PX / width, grayscale=True).to_pil()
            image.save(folder / f"p{index + 1:03d}.png", optimize=False, compress_level=1)
            texts.append(page.get_textpage().get_text_range().replace("\r\n", "\n"))
            page.close()
    finally:
        doc.close()
    atomic_write(folder / TEXT_FILE, json.dumps(texts, ensure_ascii=False).encode(), durable=False)


def _texts(folder: Path) -> list[str] | None:
    path = folder / TEXT_FILE
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.lstat(path).st_size > 50_000_000:
            return None
        found = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, list) and all(isinstance(t, str) for t in found) else None


def compare(old: Path, new: Path) -> list[PageChange]:
    """The pages that differ between two kept page sets, in order."""
    render_pages(old)
    render_pages(new)
    old_texts, new_texts = _texts(old) or [], _texts(new) or []
    out = []
    for index in range(max(len(old_texts), len(new_texts))):
        if index >= len(old_texts) or index >= len(new_texts):
            out.append(PageChange(index + 1, what="added" if index >= len(old_texts) else "removed"))
            continue
        boxes = _boxes(old / f"p{index + 1:03d}.png", new / f"p{index + 1:03d}.png")
        if boxes or old_texts[index] != new_texts[index]:
            removed, added = word_changes(old_texts[index], new_texts[index])
            out.append(PageChange(index + 1, boxes, removed, added))
    return out


def _open(path: Path) -> Image | None:
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.load()
            return im.convert("L")
    except (OSError, ValueError):
        return None


def _boxes(a_path: Path, b_path: Path) -> list[tuple[int, int, int, int]]:
    """Rectangles around the areas where two page images differ (cells joined when they touch)."""
    from PIL import Image, ImageChops

    a, b = _open(a_path), _open(b_path)
    if a is None or b is None or a.size != b.size:
        size = (b or a).size if (b or a) is not None else (PAGE_WIDTH_PX, PAGE_WIDTH_PX)  # type: ignore[union-attr]
        return [(0, 0, size[0], size[1])]
    diff = ImageChops.difference(a, b)
    if diff.getbbox() is None:
        return []
    w, h = (a.width + CELL_PX - 1) // CELL_PX, (a.height + CELL_PX - 1) // CELL_PX
    cells = diff.point(lambda v: 255 if v > 24 else 0).resize((w, h), Image.Resampling.BOX)
    data = cells.load()
    assert data is not None
    hot = {(x, y) for y in range(h) for x in range(w) if data[x, y]}
    return [(x0 * CELL_PX, y0 * CELL_PX, (x1 + 1) * CELL_PX, (y1 + 1) * CELL_PX)
            for x0, y0, x1, y1 in _groups(hot)]


def _groups(hot: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Bounding boxes of groups of cells that touch (or nearly: two cells apart, like letters of a word)."""
    boxes = []
    left = set(hot)
    while left:
        stack = [left.pop()]
        x0 = x1 = stack[0][0]
        y0 = y1 = stack[0][1]
        while stack:
            x, y = stack.pop()
            x0, x1, y0, y1 = min(x0, x), max(x1, x), min(y0, y), max(y1, y)
            for dx in (-2, -1, 0, 1, 2):
                for dy in (-1, 0, 1):
                    if (x + dx, y + dy) in left:
                        left.discard((x + dx, y + dy))
                        stack.append((x + dx, y + dy))
        boxes.append((x0, y0, x1, y1))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def word_changes(old: str, new: str) -> tuple[list[str], list[str]]:
    """Groups of words removed and added between two page texts."""
    a, b = old.split(), new.split()
    removed, added = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            removed.append(" ".join(a[i1:i2]))
        if op in ("replace", "insert"):
            added.append(" ".join(b[j1:j2]))
    return removed, added


def highlight(src: Path, boxes: list[tuple[int, int, int, int]], dest: Path, colour: str) -> None:
    """The page image with each changed area outlined and tinted, as PNG."""
    from PIL import Image, ImageDraw

    base = _open(src)
    if base is None:
        return
    image = base.convert("RGB")
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    rgb = (200, 30, 40) if colour == "red" else (30, 120, 60)
    for x0, y0, x1, y1 in boxes:
        draw.rectangle((x0 - 2, y0 - 2, x1 + 1, y1 + 1), fill=(*rgb, 50), outline=(*rgb, 255), width=2)
    image = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    dest.parent.mkdir(parents=True, exist_ok=True)
    image.save(dest)


def as_json(changes: list[PageChange]) -> list[dict[str, Any]]:
    return [{"page": c.page, "what": c.what, "boxes": c.boxes, "removed": c.removed, "added": c.added}
            for c in changes]
