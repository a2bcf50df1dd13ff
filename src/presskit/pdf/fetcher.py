"""WeasyPrint's only way to read resources: files inside the project root and data: URLs."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from .weasy import import_weasyprint

import_weasyprint()  # before WeasyPrint's own import (presskit.patches)

from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from ..errors import PresskitError, Problem  # noqa: E402
from ..source.containment import RESOURCE, locate_reference, read_project_file, resolve_project_file  # noqa: E402

if TYPE_CHECKING:
    from urllib.request import Request

    from weasyprint import HTML


class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint has no type information
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

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        """Serve data: URLs and files under the root; refuse everything else."""
        if urlparse(url).scheme == "data":
            return super().fetch(url, headers)
        found = resolve_project_file(self.root, url)
        if isinstance(found, Path):
            try:  # the containment rule once more at the read: regular file, bounded size
                body = read_project_file(self.root, found, RESOURCE)
            except PresskitError as exc:
                found = Problem(None, None, f"'{url}': {exc.problems[0].message}", exc.problems[0].fix)
            else:
                self.read.add(found)
                # WeasyPrint ignores a linked stylesheet whose type is not text/css: say what it is.
                kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=body, headers={"Content-Type": kind})
        self.refused.append(url)
        self.reasons[url] = found
        # WeasyPrint catches this and logs it; the build reports the refusal as an error.
        raise ValueError(f"presskit refuses to load {url}: {found.message}")

    def open(self, url: str | Request, data: Any = None, timeout: float | None = None) -> URLFetcherResponse:
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


ATTACHMENT_TAGS = ("a", "link")


def remove_attachments(html_document: HTML) -> int:
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
