"""Where something in the HTML was written: the document, a template or the catalog, with the line."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from .styles import Locate


def locator(root: Path, template: str, source: str, lang: str) -> Locate:
    """Where a pattern was written (its nth match, or the last one): the document, the template's Jinja
    files, or the language's catalog. Used only to place an error; files outside the project are not read."""
    texts: list[tuple[str, str]] = []

    def files() -> list[tuple[str, str]]:
        if texts:
            return texts
        top = root.resolve()
        paths = [top / source] if source else []
        for folder in (top / "templates" / template, top / "templates" / "shared"):
            paths += sorted(folder.rglob("*.j2")) if folder.is_dir() else []
        paths.append(top / "content" / "translations" / f"{lang}.po")
        for path in paths:
            try:
                if path.resolve().is_relative_to(top) and path.is_file():
                    texts.append((path.relative_to(top).as_posix(),
                                  path.read_text(encoding="utf-8-sig", errors="replace")))
            except OSError:
                continue
        return texts

    def locate(pattern: str, nth: int = 0) -> tuple[str, int | None]:
        found = [(name, text.count("\n", 0, m.start()) + 1) for name, text in files()
                 for m in re.finditer(pattern, text)]
        if not found:
            return source or "content", None
        return found[min(nth, len(found) - 1)]

    return locate
