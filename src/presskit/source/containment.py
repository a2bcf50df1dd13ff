"""Containment: which files content may use — inside the project root after symlinks, of a known kind."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import Problem

# What content images may be, by the format found in the file's bytes (not its name).
# PNG and JPEG go into every output; GIF, WebP and SVG are PDF-only (python-docx cannot place them).
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP", "SVG"}
DOCX_IMAGE_FORMATS = {"PNG", "JPEG", "GIF"}
REMOTE_FIX = "download the file into the project (e.g. content/images/) and refer to it by a relative path"
OUTSIDE_FIX = "copy the file into the project (e.g. content/images/) and refer to it by a relative path"


def resolve_project_file(root: Path, ref: str, base: Path | None = None) -> Path | Problem:
    """Resolve a reference from content (relative path, absolute path or file: URL) to a file in *root*.

    Returns the resolved path, or a Problem (without file and line: the caller knows where the
    reference was written) when the reference is remote, leaves the project (through `..`, an
    absolute path or a symbolic link) or names no file. Relative references resolve against
    *base* (default: the project root, which is also the base URL of every rendered page).
    """
    root = Path(root).resolve()
    parsed = urlparse(ref)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            return Problem(None, None, f"'{ref}' names a file on another machine", OUTSIDE_FIX)
        path = Path(unquote(parsed.path))
    elif len(parsed.scheme) > 1:  # one letter is a Windows drive, not a scheme
        return Problem(None, None, f"'{ref}' is a remote resource ({parsed.scheme}:); "
                                   "outputs may only use files inside the project", REMOTE_FIX)
    else:
        path = Path(unquote(ref.split("#")[0].split("?")[0]))
    if not path.is_absolute():
        path = (base or root) / path
    try:
        resolved = path.resolve()  # follows symbolic links: a link out of the project is refused
    except (OSError, RuntimeError):  # a symlink loop
        return Problem(None, None, f"'{ref}' cannot be resolved (symbolic link loop)", OUTSIDE_FIX)
    if not resolved.is_relative_to(root):
        return Problem(None, None, f"'{ref}' is outside the project folder", OUTSIDE_FIX)
    if not resolved.is_file():
        return Problem(None, None, f"'{ref}' not found",
                       "add the file or correct the path (relative paths start at the project folder)")
    return resolved


def image_format(path: Path) -> str | None:
    """The format of an image file judged by its bytes (PNG, JPEG, …, SVG), or None if unknown."""
    with open(path, "rb") as fh:
        head = fh.read(512)
    if re.search(rb"<svg[\s>]", head) or (head.lstrip().startswith(b"<?xml") and b"<svg" in head):
        return "SVG"
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return img.format
    except (UnidentifiedImageError, OSError):
        return None


def check_image(path: Path, ref: str, formats: set[str] = IMAGE_FORMATS) -> Problem | None:
    """A Problem when the image at *path* is of an unsupported format or cannot be decoded."""
    kind = image_format(path)
    allowed = ", ".join(sorted(formats))
    if kind is None or kind not in formats:
        found = f"a {kind} image" if kind else "not an image presskit can read"
        return Problem(None, None, f"image '{ref}' is {found}", f"convert it to PNG or JPEG (supported: {allowed})")
    try:
        if kind == "SVG":
            from lxml import etree

            etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        else:
            from PIL import Image, ImageFile

            # WeasyPrint turns LOAD_TRUNCATED_IMAGES on for the whole process when imported;
            # the check must see a truncated file as what it is.
            tolerant, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
            try:
                with Image.open(path) as img:
                    img.load()  # decodes every pixel: a truncated file fails here
            finally:
                ImageFile.LOAD_TRUNCATED_IMAGES = tolerant
    except Exception as exc:  # any decoder failure means the same thing to the author
        return Problem(None, None, f"image '{ref}' is corrupt ({type(exc).__name__}: {exc})",
                       "export the image again from its source")
    return None


def locate_reference(url: str, sources: list[Path], root: Path) -> tuple[str | None, int | None]:
    """File (relative to *root*) and line where a fetched URL was written, if it can be found."""
    parsed = urlparse(url)
    path = unquote(parsed.path) if parsed.scheme == "file" else url
    needles = [url, unquote(url), path]
    if path.startswith(str(root) + "/"):  # a relative reference, made absolute by the base URL
        needles.append(path[len(str(root)) + 1:])
    needles.append(Path(path).name)
    for needle in [n for n in needles if n]:
        for source in sources:
            try:
                text = source.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                continue
            at = text.find(needle)
            if at >= 0:
                try:
                    name = source.resolve().relative_to(root).as_posix()
                except ValueError:
                    name = str(source)
                return name, text.count("\n", 0, at) + 1
    return None, None
