"""Where each segment's context picture lives: a stable path per document, segment context and msgid.

The build report makes the pictures (report/context.py: the segment highlighted in the source-language
PDF); the catalogs name them in a `#. context: …` comment (and the XLIFF export in a note) without
depending on a build having run: the path follows from the source alone, so `i18n update` writes the
same comment before and after a build, and an edit elsewhere never changes it.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..source.config import Campaign

CONTEXT_DIR = "build/context"  # one folder of PNGs per document
COMMENT_PREFIX = "context: "  # the PO `#.` comment (and XLIFF note) naming a segment's picture


def document_folder(document: str) -> str:
    """The picture folder of a document ("content/handout.md" → "build/context/handout")."""
    path = PurePosixPath(document)
    if path.parts[:1] == ("content",):
        path = path.relative_to("content")
    return f"{CONTEXT_DIR}/{path.with_suffix('').as_posix()}"


def picture_name(context: str, msgid: str) -> str:
    """The file name of a segment's picture: a digest of its context ("body", "meta:title") and text."""
    return hashlib.sha256(f"{context}\x00{msgid}".encode()).hexdigest()[:16] + ".png"


def picture_path(document: str, context: str, msgid: str) -> str:
    """A segment's picture, relative to the project root."""
    return f"{document_folder(document)}/{picture_name(context, msgid)}"


def pictured_documents(campaign: Campaign) -> dict[str, str]:
    """Documents whose segments get pictures → the output they are taken from: the first PDF output
    built in the source language (a document built only as DOCX, or never in the source language,
    has no page to show)."""
    found: dict[str, str] = {}
    for name, out in campaign.outputs.items():
        if out.format == "pdf" and campaign.source_language in out.languages:
            found.setdefault(f"content/{out.document}", name)
    return found
