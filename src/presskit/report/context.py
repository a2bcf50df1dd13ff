"""Context pictures: each segment cut out of the page it appears on, highlighted, for translators.

For every document built as a PDF in the source language (i18n/context.py chooses the output and the
stable path of each picture), the segments are found in that PDF — its screen edition, else its print
edition — from pypdfium2's character boxes: both sides are reduced to their letters and digits
(case, white space, hyphenation, typographic quotes, non-breaking spaces and ligatures then match
without further rules), the segment's Markdown first rendered through the project's own pipeline and
its tags dropped. The picture is a crop of the rendered page around the segment: its lines
highlighted, and the room its box has (the column: the text lines around it, as wide as they run)
outlined.

Pictures are made incrementally. build/.presskit/context.json keeps, per document, the PDF's digest,
a digest of every page (its size, text and character boxes) and each segment's page and boxes: an
unchanged PDF costs one look at that file; a changed one re-makes only the pictures of segments whose
page changed (or that moved). A segment the PDF does not show is recorded as not found, with its
file:line, never skipped silently.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write
from ..i18n.context import document_folder, picture_name, pictured_documents
from ..store import JsonStore

if TYPE_CHECKING:
    from concurrent.futures import Executor, Future

    from ..build.units import Unit
    from ..source.config import Campaign

INDEX_FILE = "context.json"  # under build/.presskit/: per document, the PDF, its pages and each segment's place
INDEX_FORMAT = "context-1"
SCALE = 2.0  # rendered at 144 dpi: small type stays legible in the crop
MARGIN_PT = 30  # context around the segment's box (points)
MAX_CROP_PT = 420  # a long segment's picture shows its first part (points of height)
HIGHLIGHT = (255, 214, 0, 90)  # translucent yellow over the segment's lines
FRAME = (166, 64, 71, 255)  # the box's room, in the report's accent
PNG_LEVEL = 1  # zlib level: fast (a few ms a picture), and small at this size anyway
TAG = re.compile(r"<[^>]*>")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")


@dataclass
class Place:
    """Where a segment stands in a PDF: page (1-based), its character boxes merged per line, the
    crop and the column's room (PDF points, origin bottom left)."""

    page: int
    lines: list[list[float]]  # [left, bottom, right, top] per line
    crop: list[float]
    room: list[float]

    def as_json(self) -> dict[str, Any]:
        return {"page": self.page, "lines": self.lines, "crop": self.crop, "room": self.room}


@dataclass
class Outcome:
    """What one run did: pictures made and kept, per document."""

    made: list[str] = field(default_factory=list)
    kept: int = 0
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)


def source_pdf(campaign: Campaign, units: Sequence[Unit], document: str) -> str | None:
    """The target the pictures of *document* are taken from: its source-language screen edition, else
    its print edition (no pseudo or per-recipient copy)."""
    output = pictured_documents(campaign).get(document)
    found = {u.edition: u.target for u in units
             if u.output == output and u.lang == campaign.source_language and not u.pseudo and not u.variant}
    return found.get("screen") or found.get("print")


def make_pictures(campaign: Campaign, units: Sequence[Unit], digests: dict[str, str]) -> Outcome:
    """Bring every context picture up to date; *digests* are the SHA-256 of the built files by target
    (the report knows them). An unchanged PDF is not opened."""
    root = campaign.root
    finish_pictures()  # those pictures_ahead() left encoding
    store = JsonStore(root, INDEX_FILE, INDEX_FORMAT, create=True)
    outcome = Outcome()
    wanted: set[str] = set()
    for document in pictured_documents(campaign):
        target = source_pdf(campaign, units, document)
        wanted.add(document_folder(document))
        _update(campaign, store, document, target, digests.get(target or ""), outcome)
    for document in list(store.entries):
        if document_folder(document) not in wanted:
            store.entries.pop(document, None)
            store.changed = True
    _drop_stale_folders(root, wanted)
    finish_pictures()  # the report shows them next: every picture on disk before it is written
    store.save()
    return outcome


# PNGs being encoded on a second thread (Pillow and zlib run without the GIL): pictures_ahead() returns
# without waiting for them, so the build's main thread goes back to making HTML; the report (and any
# later run in this process) waits for them first. A picture is written atomically and the index
# trusts only files that exist, so an interrupted encoding costs a picture made again, never a wrong one.
_ENCODER: Executor | None = None
_PENDING: list[Future[None]] = []


def _encode(job: Any, *args: Any) -> None:
    global _ENCODER
    if _ENCODER is None:
        from concurrent.futures import ThreadPoolExecutor

        _ENCODER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="presskit-pictures")
    _PENDING.append(_ENCODER.submit(job, *args))


def finish_pictures() -> None:
    """Wait for the pictures still being encoded; a failed one is made again by the next run."""
    while _PENDING:
        future = _PENDING.pop()
        try:
            future.result()
        except Exception:
            continue


def pictures_ahead(campaign: Campaign, unit: Unit) -> Outcome | None:
    """Make the pictures taken from a PDF the build just wrote, while other files are still rendering
    (the CLI calls this as each file finishes, like thumbnails_ahead), so the report finds them made."""
    document = f"content/{campaign.outputs[unit.output].document}" if unit.output in campaign.outputs else ""
    if (unit.lang != campaign.source_language or unit.pseudo or unit.variant
            or pictured_documents(campaign).get(document) != unit.output):
        return None
    editions = campaign.outputs[unit.output].editions
    if unit.edition != ("screen" if "screen" in editions else "print"):
        return None
    try:
        path = campaign.root / unit.target
        if not stat.S_ISREG(os.lstat(path).st_mode):  # only what the build itself wrote
            return None
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        store = JsonStore(campaign.root, INDEX_FILE, INDEX_FORMAT, create=True)
        outcome = Outcome()
        _update(campaign, store, document, unit.target, digest, outcome)
        store.save()
        return outcome
    except Exception:  # the report tries again, and says so if it fails there too
        return None


def _update(campaign: Campaign, store: JsonStore, document: str, target: str | None, digest: str | None,
            outcome: Outcome) -> None:
    """Bring one document's pictures and index entry up to date."""
    root = campaign.root
    folder = document_folder(document)
    old = store.get(document, "index")
    if target is None or digest is None:
        entry: dict[str, Any] = {"pdf": target, "digest": None, "segments": {}, "pages": []}
        if old != entry:
            store.put(document, "index", entry)
        outcome.documents[document] = entry
        return
    if isinstance(old, dict) and old.get("digest") == digest and old.get("pdf") == target \
            and all((root / folder / name).is_file() for name, s in old["segments"].items() if s.get("place")):
        outcome.documents[document] = old
        outcome.kept += sum(1 for s in old["segments"].values() if s.get("place"))
        return
    entry = _index_document(campaign, document, target, digest, old if isinstance(old, dict) else None, outcome)
    store.put(document, "index", entry)
    outcome.documents[document] = entry


def read_index(root: Path) -> dict[str, dict[str, Any]]:
    """The pictures' index as the last run left it: document → {pdf, digest, pages, segments}."""
    store = JsonStore(root, INDEX_FILE, INDEX_FORMAT)
    out: dict[str, dict[str, Any]] = {}
    for document in store.entries:
        value = store.get(document, "index")
        if isinstance(value, dict):
            out[document] = value
    return out


def _drop_stale_folders(root: Path, wanted: set[str]) -> None:
    from ..i18n.context import CONTEXT_DIR

    base = root / CONTEXT_DIR
    try:
        if not stat.S_ISDIR(os.lstat(base).st_mode):
            return
    except OSError:
        return
    keep = {Path(folder).relative_to(CONTEXT_DIR).parts[0] for folder in wanted}
    for child in base.iterdir():
        if child.name not in keep and child.is_dir() and not child.is_symlink():
            import shutil

            shutil.rmtree(child, ignore_errors=True)


def real_folder(root: Path, rel: str) -> bool:
    """Whether every part of *rel* below build/ is a folder of the project's own or does not exist
    yet: a symbolic link planted there (a commit can bring one) would take the writes elsewhere."""
    path = Path(root)
    for part in Path(rel).parts:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return True
        if not stat.S_ISDIR(mode):  # a link (lstat does not follow it) or a file
            return False
    return True


# ---- finding the segments ------------------------------------------------------------------------

def skeleton(text: str) -> str:
    """Letters and digits only, case folded, after NFKC (ligatures, non-breaking spaces, full-width
    forms): what both the source and the PDF's text are compared as."""
    return "".join(c for c in unicodedata.normalize("NFKC", text).casefold() if c.isalnum())


def plain_text(markdown_text: str, lang: str) -> str:
    """A segment's Markdown as the reader sees it: rendered by the project's pipeline, tags dropped
    (footnote marks and images, which show no text of the segment, left out)."""
    import html

    from ..html.markdown import FOOTNOTE_REFERENCE, markdown_to_html

    text = IMAGE.sub("", FOOTNOTE_REFERENCE.sub("", markdown_text))
    if not any(c in text for c in "*_`[<&\\"):
        return text  # nothing Markdown would change in the letters
    try:
        return html.unescape(TAG.sub(" ", str(markdown_to_html(text, lang))))
    except Exception:  # text beyond the Markdown limits: validation reports it; compare it as written
        return text


@dataclass
class PageText:
    """One page's characters: their letters and digits (skeleton), each one's character index."""

    size: tuple[float, float]
    text: str
    letters: str
    index: list[int]  # per letter, its character index on the page
    boxes: list[tuple[float, float, float, float]]  # per character: left, bottom, right, top
    digest: str
    lines: list[tuple[float, float, float, float]] | None = None  # page_lines(), once computed


def read_pages(pdf: Any) -> list[PageText]:
    """Every page's text and character boxes (pypdfium2 document)."""
    pages = []
    for number in range(len(pdf)):
        page = pdf[number]
        textpage = page.get_textpage()
        try:
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            if len(text) != count:  # pdfium may return fewer characters than it counts: take them one by one
                import pypdfium2.raw as pdfium_c

                text = "".join(chr(pdfium_c.FPDFText_GetUnicode(textpage, i)) for i in range(count))
            boxes = [textpage.get_charbox(i) for i in range(count)]
        finally:
            textpage.close()
        size = page.get_size()
        page.close()
        letters: list[str] = []
        index: list[int] = []
        for i, char in enumerate(text):
            for part in skeleton(char):
                letters.append(part)
                index.append(i)
        digest = hashlib.sha256(repr((size, text, [tuple(round(v, 1) for v in b) for b in boxes]))
                                .encode()).hexdigest()[:20]
        pages.append(PageText(size, text, "".join(letters), index, boxes, digest))
    return pages


def find(pages: list[PageText], wanted: str, cursor: tuple[int, int]) -> tuple[int, int, int] | None:
    """(page, first letter, end letter) of *wanted* (a skeleton): the first place at or after
    *cursor* (page, letter), else the first anywhere; a long text whose middle differs (a footnote
    mark, a line the template shortened) is found by its first and last 24 letters."""
    if not wanted:
        return None

    def places(start_page: int, start_at: int) -> Iterator[tuple[int, int, int]]:
        for number in range(start_page, len(pages)):
            letters = pages[number].letters
            at = letters.find(wanted, start_at if number == start_page else 0)
            if at >= 0:
                yield number, at, at + len(wanted)
                return
            if len(wanted) >= 48:
                head, tail = wanted[:24], wanted[-24:]
                at = letters.find(head, start_at if number == start_page else 0)
                while at >= 0:
                    end = letters.find(tail, at + 24, at + int(len(wanted) * 1.25) + 24)
                    if end >= 0:
                        yield number, at, end + 24
                        return
                    at = letters.find(head, at + 1)

    for found in places(*cursor):
        return found
    for found in places(0, 0):
        return found
    return None


def page_lines(page: PageText) -> list[tuple[float, float, float, float]]:
    """The page's text lines (as pdfium breaks them): left, bottom, right, top of each."""
    if page.lines is not None:
        return page.lines
    lines: list[tuple[float, float, float, float]] = []
    current: list[float] | None = None
    for char, (left, bottom, right, top) in zip(page.text, page.boxes, strict=False):
        if char in "\r\n":
            if current:
                lines.append((current[0], current[1], current[2], current[3]))
            current = None
        elif right > left and top > bottom and not char.isspace():
            if current is not None and left - current[2] > 2 * (top - bottom):  # a gap: another box
                lines.append((current[0], current[1], current[2], current[3]))
                current = None
            if current is None:
                current = [left, bottom, right, top]
            else:
                current = [min(current[0], left), min(current[1], bottom), max(current[2], right), max(current[3], top)]
    if current:
        lines.append((current[0], current[1], current[2], current[3]))
    page.lines = lines
    return lines


def place_of(page: PageText, start: int, end: int) -> Place:
    """The lines, crop and room of the letters start…end of a page."""
    # Every character from the first letter to the last, and the punctuation that ends the text.
    first, last = page.index[start], page.index[end - 1]
    while last + 1 < len(page.text) and not page.text[last + 1].isspace() and not page.text[last + 1].isalnum():
        last += 1
    chars = [i for i in range(first, last + 1) if not page.text[i].isspace()]
    lines: list[list[float]] = []
    for i in chars:
        left, bottom, right, top = page.boxes[i]
        if right <= left or top <= bottom:
            continue
        if lines and abs(lines[-1][1] - bottom) < (top - bottom) * 0.6 and left >= lines[-1][0] - 1:
            line = lines[-1]
            line[0], line[1], line[2], line[3] = min(line[0], left), min(line[1], bottom), max(line[2], right), max(line[3], top)
        else:
            lines.append([left, bottom, right, top])
    if not lines:
        return Place(1, [], [0, 0, *page.size], [0, 0, 0, 0])
    x0 = min(line[0] for line in lines)
    x1 = max(line[2] for line in lines)
    y0 = min(line[1] for line in lines)
    y1 = max(line[3] for line in lines)
    height = max(line[3] - line[1] for line in lines)
    # The room: the column the segment sits in, as wide as the text lines around it run.
    right = x1
    near = max(3 * height, 150.0)
    for left, bottom, r, top in page_lines(page):
        if x0 - 4 <= left < x1 and r > right and bottom >= y0 - near and top <= y1 + near:
            right = r
    room = [x0, y0, right, y1]
    width, page_height = page.size
    crop_top = min(page_height, y1 + MARGIN_PT)
    crop_bottom = max(0.0, y0 - MARGIN_PT, crop_top - MAX_CROP_PT)
    crop = [max(0.0, x0 - MARGIN_PT), crop_bottom, min(width, right + MARGIN_PT), crop_top]
    return Place(0, [[round(v, 2) for v in line] for line in lines],
                 [round(v, 2) for v in crop], [round(v, 2) for v in room])


# ---- one document ---------------------------------------------------------------------------------

def _index_document(campaign: Campaign, document: str, target: str, digest: str,
                    old: dict[str, Any] | None, outcome: Outcome) -> dict[str, Any]:
    import pypdfium2

    from ..source.content import load_document

    root = campaign.root
    folder = root / document_folder(document)
    if not real_folder(root, document_folder(document)):
        raise OSError(f"{document_folder(document)} is not a folder of the project's own")
    doc = load_document(root / document, root)
    lang = campaign.source_language
    pdf = pypdfium2.PdfDocument(str(root / target))
    try:
        pages = read_pages(pdf)
        old_pages = (old or {}).get("pages") or []
        old_segments = (old or {}).get("segments") or {}
        segments: dict[str, dict[str, Any]] = {}
        rendered: dict[int, Any] = {}
        cursor = (0, 0)
        for seg in doc.segments():
            name = picture_name(seg.context, seg.text)
            if name in segments:
                segments[name]["lines"].append(seg.line)
                continue
            record: dict[str, Any] = {"line": seg.line, "lines": [seg.line], "kind": seg.kind,
                                      "text": seg.text, "place": None}
            segments[name] = record
            found = find(pages, skeleton(plain_text(seg.text, lang)), cursor if seg.context == "body" else (0, 0))
            if found is None:
                continue
            number, start, end = found
            if seg.context == "body":
                cursor = (number, end)
            place = place_of(pages[number], start, end)
            place.page = number + 1
            record["place"] = place.as_json()
            record["page_digest"] = pages[number].digest
            before = old_segments.get(name) or {}
            if (before.get("place") == record["place"] and before.get("page_digest") == pages[number].digest
                    and number < len(old_pages) and old_pages[number] == pages[number].digest
                    and (folder / name).is_file()):
                outcome.kept += 1
                continue
            if number not in rendered:
                rendered[number] = _render(pdf, number)
            # Crop, highlight and PNG encoding on the second thread; PDFium stays on this one (it is
            # not thread-safe).
            _encode(_save_picture, rendered[number], pages[number], place, folder / name)
            outcome.made.append(f"{document_folder(document)}/{name}")
    finally:
        pdf.close()
    if folder.is_dir():
        for stale in folder.iterdir():
            if stale.suffix == ".png" and stale.name not in segments:
                stale.unlink(missing_ok=True)
    return {"pdf": target, "digest": digest, "pages": [p.digest for p in pages], "segments": segments}


def _render(pdf: Any, number: int) -> Any:
    page = pdf[number]
    try:
        return page.render(scale=SCALE).to_pil().convert("RGB")
    finally:
        page.close()


def _save_picture(image: Any, page: PageText, place: Place, path: Path) -> None:
    """Crop *image* (the page at SCALE) to the place, highlight its lines and outline its room."""
    import io

    from PIL import Image, ImageDraw

    height = page.size[1]

    def px(box: Sequence[float]) -> tuple[int, int, int, int]:  # PDF points (bottom left) → pixels
        left, bottom, right, top = box
        return (round(left * SCALE), round((height - top) * SCALE), round(right * SCALE),
                round((height - bottom) * SCALE))

    crop = px(place.crop)
    picture = image.crop(crop).convert("RGBA")
    overlay = Image.new("RGBA", picture.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    dx, dy = crop[0], crop[1]
    for line in place.lines:
        x0, y0, x1, y1 = px(line)
        draw.rectangle((x0 - dx - 2, y0 - dy - 2, x1 - dx + 2, y1 - dy + 2), fill=HIGHLIGHT)
    x0, y0, x1, y1 = px(place.room)
    draw.rectangle((x0 - dx - 6, y0 - dy - 6, x1 - dx + 6, y1 - dy + 6), outline=FRAME, width=2)
    out = Image.alpha_composite(picture, overlay).convert("RGB")
    buffer = io.BytesIO()
    out.save(buffer, format="PNG", compress_level=PNG_LEVEL)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, buffer.getvalue(), durable=False)
