"""Hyphenation patterns kept parsed on disk: pyphen parses a language's dictionary in every new
process (Latvian 0.11 s, British English 0.15 s, German 1.2 s); reading them back takes ~0.015 s.

They are the dictionaries pyphen ships, the same for every project: they are kept per user (like
Jinja's compiled templates and fontconfig's font cache), so a clean build starts with them too.

The dictionary WeasyPrint finds is one that skips capitals (lowercase_only): a word that starts with a capital letter
(a proper noun, a name, an abbreviation, a sentence's first word) is never hyphenated. The other
limits are CSS: hyphenate-limit-chars (3 letters each side) and hyphenate-limit-zone in the templates.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..files import atomic_write
from ..patches import Patterns, hyphenation_dictionary

FORMAT = 1


def cache_dir() -> Path:
    """$XDG_CACHE_HOME/presskit/hyphenation (~/.cache/presskit/hyphenation by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "presskit" / "hyphenation"


def preload(lang: str, folder: Path | None = None) -> None:
    """Put *lang*'s parsed patterns into pyphen's own cache (where WeasyPrint's Pyphen finds them),
    read from *folder* (default: cache_dir()) when saved there before, else parsed and saved, and
    wrapped so that capitalised words are not hyphenated (also a dictionary pyphen loaded itself)."""
    import pyphen

    name = pyphen.language_fallback(lang.replace("-", "_"))
    if not name:
        return  # no dictionary for the language (Arabic, Chinese): nothing to hyphenate with
    path = pyphen.LANGUAGES[name]
    loaded = pyphen.hdcache.get(path)
    if loaded is None:
        loaded = _load(path, folder or cache_dir())
    if not getattr(loaded, "lowercase_only", False):
        pyphen.hdcache[path] = lowercase_only(loaded)


def lowercase_only(dictionary: Any) -> Any:
    """*dictionary* (a pyphen HyphDict) as one that leaves words starting with a capital letter
    whole: proper nouns ("Latvija", "Security Council"), abbreviations ("MINUSMA") and a sentence's
    first word. Same patterns and cache; pyphen (and through it WeasyPrint) asks only positions()."""
    wrapped: Any = object.__new__(_lowercase_class())
    vars(wrapped).update(vars(dictionary))
    return wrapped


@lru_cache(maxsize=1)
def _lowercase_class() -> type:
    import pyphen

    class LowercaseOnly(pyphen.HyphDict):  # type: ignore[misc]  # pyphen has no type hints
        lowercase_only = True

        def positions(self, word: str) -> list[int]:
            return [] if word[:1].isupper() else list(super().positions(word))

    return LowercaseOnly


def _load(path: Path, folder: Path) -> Any:
    """*path*'s HyphDict: its patterns read from *folder* when saved there before, else parsed and saved."""
    import pyphen

    cache = folder / f"{path.name}-{path.stat().st_size}-{pyphen.__version__}.json"
    patterns = _read(cache)
    if patterns is None:
        parsed = pyphen.HyphDict(path)
        _write(cache, parsed.patterns)
        return parsed
    return hyphenation_dictionary(patterns, lambda: pyphen.HyphDict(path))


def _read(cache: Path) -> Patterns | None:
    """The patterns saved in *cache*, or None when it is missing or unreadable."""
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        values: dict[str, tuple[int, ...]] = {}
        patterns: Patterns = {}
        for key, start, digits in data["patterns"]:
            if digits not in values:
                values[digits] = tuple(map(int, digits))
            patterns[key] = (start, values[digits])
        return patterns if data["format"] == FORMAT and patterns else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(cache: Path, patterns: Patterns) -> None:
    """Save plain patterns (one digit per value); dictionaries with non-standard hyphenation
    (values carrying replacement data) are not saved and stay parsed per process."""
    rows = []
    for key, (start, values) in patterns.items():
        if any(type(v) is not int or not 0 <= v <= 9 for v in values):
            return
        rows.append([key, start, "".join(map(str, values))])
    try:
        atomic_write(cache, json.dumps({"format": FORMAT, "patterns": rows}, ensure_ascii=False,
                                       separators=(",", ":")).encode())
    except OSError:
        pass  # a read-only home folder costs the parse next time, nothing else
