"""Images in the DOCX: read under the project's containment rules, checked, SVG rasterised, sized like
the PDF sizes them (CSS pixels, width/height attributes, never wider than the text column)."""

from __future__ import annotations

import base64
import binascii
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_to_bytes

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.shared import Emu

from ..errors import PresskitError, Problem
from ..source.containment import IMAGE, read_project_file, resolve_project_file, short_ref
from ..source.images import check_data_image, check_image, check_image_bytes, image_format
from . import oxml as ox

if TYPE_CHECKING:
    from docx.document import Document
    from docx.opc.part import Part
    from lxml.etree import _Element
    from lxml.html import HtmlElement

# What the DOCX carries: PNG, JPEG and GIF as they are, SVG rasterised to PNG.
DOCX_FORMATS = {"PNG", "JPEG", "GIF", "SVG"}
EMU_PER_PX = 9525  # a CSS pixel is 1/96 inch
SVG_DPI = 192  # rasterised SVG: twice the CSS resolution, sharp in print at its CSS size
LENGTH = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(px|pt|pc|mm|cm|in|%)?\s*$", re.I)
PX_PER_UNIT = {"px": 1.0, "": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
EXTERNAL_REF = re.compile(rb"""(?:href\s*=\s*["'](?!#|data:)|url\(\s*["']?(?!#|data:))""", re.I)


class Images:
    """Turns <img> into inline pictures; refusals go to *problems* with the reference."""

    def __init__(self, document: Document, root: Path | None, column: int):
        self.doc, self.root, self.column = document, root, column
        self.shape_id = 0

    def run(self, img: HtmlElement, part: Part, column: int | None = None) -> _Element | Problem:
        """A w:r holding the picture of *img*, related from *part*; or the Problem that stops it."""
        src = img.get("src") or ""
        if not src:
            return Problem(None, None, "image without a source (<img> has no src)",
                           "give the image a path: ![text](content/images/name.png)")
        found = self._bytes(src)
        if isinstance(found, Problem):
            return found
        data, natural = found
        image_part = self.doc.part.package.get_or_add_image_part(io.BytesIO(data))
        r_id = part.relate_to(image_part, RT.IMAGE)
        image = image_part.image
        cx, cy = _size(img, natural or (image.px_width * EMU_PER_PX, image.px_height * EMU_PER_PX),
                       column or self.column)
        self.shape_id += 1
        inline = CT_Inline.new_pic_inline(self.shape_id, r_id, image.filename, Emu(cx), Emu(cy))
        doc_pr = inline.find(qn("wp:docPr"))
        if doc_pr is not None and img.get("alt"):
            doc_pr.set("descr", img.get("alt", ""))
        r = ox.element("w:r")
        ox.child(r, "w:drawing").append(inline)
        return r

    def _bytes(self, src: str) -> tuple[bytes, tuple[int, int] | None] | Problem:
        """The image's bytes as the DOCX stores them, and its natural size in EMU when not its pixels."""
        if src.lower().startswith("data:"):
            problem = check_data_image(src, DOCX_FORMATS)
            data = b"" if problem else _data_url(src)
        elif self.root is None:
            return Problem(None, None, f"image '{short_ref(src)}' cannot be read without a project folder")
        else:
            path = resolve_project_file(self.root, src)
            if isinstance(path, Problem):
                return Problem(None, None, f"image {path.message}", path.fix)
            problem = check_image(self.root, path, src, DOCX_FORMATS)
            try:
                data = b"" if problem else read_project_file(self.root, path, IMAGE)
            except PresskitError as exc:
                problem = Problem(None, None, f"image '{short_ref(src)}': {exc.problems[0].message}",
                                  exc.problems[0].fix)
        if problem:
            return problem
        if image_format(data) == "SVG":
            return rasterise_svg(data, src)
        return data, None


def _data_url(url: str) -> bytes:
    """The bytes of a data: URL check_data_image has accepted."""
    header, _, payload = url[len("data:"):].partition(",")
    if header.lower().split(";")[-1].strip() == "base64":
        try:
            return base64.b64decode("".join(unquote(payload).split()), validate=True)
        except (binascii.Error, ValueError):  # checked already; kept for safety
            return b""
    return unquote_to_bytes(payload)


def _length(value: str | None, column: int) -> int | None:
    """A width or height attribute in EMU (CSS pixels, a unit, or a percentage of the column)."""
    m = LENGTH.match(value or "")
    if not m:
        return None  # as a browser ignores an invalid size
    number, unit = float(m.group(1)), (m.group(2) or "").lower()
    if unit == "%":
        return round(column * number / 100)
    return round(number * PX_PER_UNIT[unit] * EMU_PER_PX)


def _size(img: HtmlElement, natural: tuple[int, int], column: int) -> tuple[int, int]:
    """Width and height in EMU: the attributes (one keeps the aspect ratio), else the natural size;
    scaled down to the column like max-width: 100%."""
    width, height = _length(img.get("width"), column), _length(img.get("height"), column)
    nat_w, nat_h = max(natural[0], 1), max(natural[1], 1)
    if width and not height:
        height = round(width * nat_h / nat_w)
    elif height and not width:
        width = round(height * nat_w / nat_h)
    elif not width or not height:
        width, height = nat_w, nat_h
    if width > column:
        width, height = column, round(height * column / width)
    return max(width, 1), max(height, 1)


def svg_size(data: bytes) -> tuple[float, float]:
    """An SVG's size in CSS pixels: width/height attributes, else its viewBox, else 300×150 (HTML's default)."""
    from lxml import etree

    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    sizes = []
    for attr in ("width", "height"):
        m = LENGTH.match(root.get(attr) or "")
        sizes.append(float(m.group(1)) * PX_PER_UNIT[(m.group(2) or "").lower()]
                     if m and m.group(2) != "%" else None)
    box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip()) if v][2:4]
    w, h = sizes
    if w and h:
        return w, h
    if len(box) == 2 and box[0] > 0 and box[1] > 0:
        ratio = box[1] / box[0]
        return (w, w * ratio) if w else (h / ratio, h) if h else (box[0], box[1])
    return w or 300.0, h or 150.0


def rasterise_svg(data: bytes, src: str) -> tuple[bytes, tuple[int, int]] | Problem:
    """A PNG of an SVG (WeasyPrint draws it, pypdfium2 rasterises) and its CSS size in EMU.

    The SVG may not refer to anything outside itself: what it would fetch is refused."""
    if EXTERNAL_REF.search(data):
        return Problem(None, None, f"image '{short_ref(src)}' is an SVG that refers to other files",
                       "embed what it refers to in the SVG, or export it as PNG")
    try:
        width, height = svg_size(data)
        png = _draw(data, width, height)
    except Exception as exc:  # any renderer failure means the same thing to the author
        return Problem(None, None, f"image '{short_ref(src)}' is an SVG that cannot be drawn "
                                   f"({type(exc).__name__}: {exc})", "export it as PNG")
    problem = check_image_bytes(png, src, {"PNG"})
    if problem:
        return problem
    return png, (round(width * EMU_PER_PX), round(height * EMU_PER_PX))


def _draw(data: bytes, width: float, height: float) -> bytes:
    from .. import patches

    patches.import_weasyprint()
    import pypdfium2
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    class NoFetch(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information
        def fetch(self, url: str, headers: object = None) -> object:
            if url == source:
                return super().fetch(url, headers)
            raise ValueError(f"presskit refuses to load {url}")

    source = "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")
    page = (f"<style>@page{{size:{width}px {height}px;margin:0}}html,body{{margin:0}}"
            f"img{{display:block;width:{width}px;height:{height}px}}</style><img src='{source}'>")
    pdf = pypdfium2.PdfDocument(HTML(string=page, url_fetcher=NoFetch()).write_pdf())
    try:
        bitmap = pdf[0].render(scale=SVG_DPI / 72, may_draw_forms=False)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG", dpi=(SVG_DPI, SVG_DPI))
        return out.getvalue()
    finally:
        pdf.close()
