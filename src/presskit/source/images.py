"""Content images: their kind and size judged from their bytes, before anything is decoded in full.

Files are read through containment.read_project_file (inside the project, regular, bounded);
data: URLs are decoded and held to the same rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..errors import PresskitError, Problem
from .containment import IMAGE, MAX_IMAGE_BYTES, read_project_file, short_ref

# What content images may be, by the format found in the file's bytes (not its name).
# PNG, JPEG, GIF and SVG go into every output (the DOCX writer draws an SVG as a PNG:
# docx/images.py); WebP is PDF-only (Word cannot show it).
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP", "SVG"}
DOCX_IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "SVG"}
# Pixels an image may have (width × height): a 300 dpi A3 page is 17 megapixels. Checked from the
# header before anything is decoded (a 20000×20000 PNG of 438 KB decodes to 1.2 GB).
MAX_IMAGE_PIXELS = 50_000_000


def check_image(root: Path, path: Path, ref: str, formats: set[str] = IMAGE_FORMATS) -> Problem | None:
    """A Problem when the image file at *path* cannot be used: refused by the containment rule, of an
    unsupported format, larger than MAX_IMAGE_PIXELS, or corrupt."""
    try:
        data = read_project_file(root, path, IMAGE)
    except PresskitError as exc:
        problem = exc.problems[0]
        return Problem(None, None, f"image '{ref}': {problem.message}", problem.fix)
    return check_image_bytes(data, ref, formats)


def check_data_image(url: str, formats: set[str] = IMAGE_FORMATS) -> Problem | None:
    """A Problem when a data: URL image is malformed, too large, of an unsupported format or corrupt."""
    import base64
    import binascii
    from urllib.parse import unquote_to_bytes

    ref = short_ref(url)
    header, comma, payload = url[len("data:"):].partition(",")
    if not comma:
        return Problem(None, None, f"image '{ref}' is not a valid data: URL (no comma before the data)",
                       "write it as data:image/png;base64,… or save the image as a file and link it")
    encoded = header.lower().split(";")[-1].strip() == "base64"
    try:  # the URL is part of a document, itself at most MAX_DOCUMENT_BYTES
        data = (base64.b64decode("".join(unquote(payload).split()), validate=True) if encoded
                else unquote_to_bytes(payload))
    except (binascii.Error, ValueError) as exc:
        return Problem(None, None, f"image '{ref}' is not valid base64 ({exc})",
                       "save the image as a file and link it instead of pasting its data")
    if len(data) > MAX_IMAGE_BYTES:
        return Problem(None, None, f"image '{ref}' is {len(data) / 1e6:.1f} MB, more than the "
                                   f"{MAX_IMAGE_BYTES / 1e6:.0f} MB limit for an image", IMAGE.too_big_fix)
    return check_image_bytes(data, ref, formats)


def image_format(data: bytes) -> str | None:
    """The format of an image judged by its bytes (PNG, JPEG, …, SVG), or None if unknown."""
    return _image_header(data)[0]


def _image_header(data: bytes) -> tuple[str | None, tuple[int, int] | None, int | None]:
    """(format, (width, height), pixels) from an image's header, without decoding its pixels.

    No size for SVG (vector) and for what is not an image; for a file PIL refuses to open as a
    decompression bomb (more than twice its own limit), only the pixel count its error gives.
    """
    import io
    import warnings

    head = data[:512]
    if re.search(rb"<svg[\s>]", head) or (head.lstrip().startswith(b"<?xml") and b"<svg" in head):
        return "SVG", None, None
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own limit is lower
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
                return img.format, (width, height), width * height
    except Image.DecompressionBombError as exc:
        m = re.search(r"\((\d+) pixels\)", str(exc))
        return None, None, int(m.group(1)) if m else MAX_IMAGE_PIXELS + 1
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None, None, None


def check_image_bytes(data: bytes, ref: str, formats: set[str] = IMAGE_FORMATS) -> Problem | None:
    """A Problem when the image *data* is of an unsupported format, has too many pixels or cannot be decoded."""
    kind, size, pixels = _image_header(data)
    allowed = ", ".join(sorted(formats))
    if pixels is not None and pixels > MAX_IMAGE_PIXELS:
        shown = f"{size[0]}×{size[1]} pixels ({pixels / 1e6:.0f} megapixels)" if size else f"{pixels / 1e6:.0f} megapixels"
        return Problem(None, None, f"image '{ref}' is {shown}, more than the {MAX_IMAGE_PIXELS / 1e6:.0f} "
                                   "megapixel limit", "scale it down (an A4 page at 300 dpi needs 2480×3508 pixels)")
    if kind is None or kind not in formats:
        found = f"a {kind} image" if kind else "not an image presskit can read"
        return Problem(None, None, f"image '{ref}' is {found}", f"convert it to PNG or JPEG (supported: {allowed})")
    try:
        if kind == "SVG":
            from lxml import etree

            etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
        else:
            import io
            import warnings

            from PIL import Image, ImageFile

            # WeasyPrint turns LOAD_TRUNCATED_IMAGES on for the whole process when imported;
            # the check must see a truncated file as what it is.
            tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                    with Image.open(io.BytesIO(data)) as img:
                        img.load()  # decodes every pixel (at most MAX_IMAGE_PIXELS): a truncated file fails here
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    except Exception as exc:  # any decoder failure means the same thing to the author
        return Problem(None, None, f"image '{ref}' is corrupt ({type(exc).__name__}: {exc})",
                       "export the image again from its source")
    return None
