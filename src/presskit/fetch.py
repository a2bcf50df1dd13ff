"""Containment: the only way WeasyPrint reads resources — files inside the project root and data: URLs."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Lets WeasyPrint read files inside the project root and data: URLs, nothing else.

    Every file read is recorded (for the output's fingerprint); every refused URL too (for errors).
    """

    def __init__(self, root: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.root = root.resolve()
        self.read: set[Path] = set()
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        """Serve data: URLs and files under the root; refuse everything else."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        parsed = urlparse(url)
        if parsed.scheme == "file" and not parsed.netloc:
            path = Path(unquote(parsed.path)).resolve()
            if path.is_relative_to(self.root) and path.is_file():
                self.read.add(path)
                return URLFetcherResponse(url, body=path.read_bytes())
        self.refused.append(url)
        raise ValueError(f"presskit refuses to load {url}: only files inside the project may be used")
