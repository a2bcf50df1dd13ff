"""Containment: the only way outputs read resources — files inside the project root and data: URLs."""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlparse

from .errors import Problem

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


def _fetcher_class():
    """Define ProjectFetcher on first use: WeasyPrint is imported only by builds that render PDF."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ProjectFetcher(URLFetcher):
        """Lets WeasyPrint read files inside the project root and data: URLs, nothing else.

        No http, https or ftp, no file outside the root (whether by absolute path, `..` or a symbolic
        link), no redirects. Every file read is recorded (for the output's fingerprint); every refused
        URL too, with the reason, so the build can turn it into an error naming the reference.
        """

        def __init__(self, root: Path):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.root = Path(root).resolve()
            self.read: set[Path] = set()
            self.refused: list[str] = []
            self.reasons: dict[str, Problem] = {}

        def fetch(self, url, headers=None):
            """Serve data: URLs and files under the root; refuse everything else."""
            if urlparse(url).scheme == "data":
                return super().fetch(url, headers)
            found = resolve_project_file(self.root, url)
            if isinstance(found, Path):
                self.read.add(found)
                # WeasyPrint ignores a linked stylesheet whose type is not text/css: say what it is.
                kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=found.read_bytes(), headers={"Content-Type": kind})
            self.refused.append(url)
            self.reasons[url] = found
            # WeasyPrint catches this and logs it; the build reports the refusal as an error.
            raise ValueError(f"presskit refuses to load {url}: {found.message}")

        def open(self, url, data=None, timeout=None):
            """urllib's entry point, routed through fetch() so nothing bypasses the checks."""
            return self.fetch(url.full_url if hasattr(url, "full_url") else url)

        def problems(self, target: str, sources: list[Path]) -> list[Problem]:
            """One Problem per refused URL, located in the first of *sources* that mentions it."""
            out = []
            for url in dict.fromkeys(self.refused):
                file, line = locate_reference(url, sources, self.root)
                reason = self.reasons[url]
                out.append(Problem(file or target, line, f"{reason.message} (refused while rendering {target})",
                                   reason.fix))
            return out

    return ProjectFetcher


def __getattr__(name: str):
    """`from presskit.fetch import ProjectFetcher` defines the class (and imports WeasyPrint) lazily."""
    if name == "ProjectFetcher":
        cls = _fetcher_class()
        globals()["ProjectFetcher"] = cls
        return cls
    raise AttributeError(name)


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


ATTACHMENT_TAGS = ("a", "link")


def remove_attachments(html_document) -> int:
    """Strip rel=attachment from a WeasyPrint HTML document's tree, so no file is embedded in the PDF.

    WeasyPrint embeds the target of `<link rel=attachment>` and `<a rel=attachment>` as a PDF
    file attachment; without the rel attribute a link is inert and an anchor is a plain link.
    Returns how many were removed.
    """
    count = 0
    tree = html_document.etree_element
    for element in list(tree.iter()):
        tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
        if tag not in ATTACHMENT_TAGS:
            continue
        if "attachment" in element.get("rel", "").lower().split():
            count += 1
            del element.attrib["rel"]
    return count
