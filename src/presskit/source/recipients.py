"""Recipients of per-addressee copies (content/recipients.yaml): load, validate, fingerprint."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError, ContentError, Problem, relpath
from .yaml import load_yaml

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A slug is part of a file name (<stem>-<lang>-<slug>.docx): capped far below the 255 bytes file
# systems allow (a 300-character slug was an internal error, "File name too long").
MAX_SLUG = 64
KNOWN_KEYS = {"slug", "name", "name_dative", "note"}


@dataclass(frozen=True)
class Recipient:
    """One addressee: a file-name slug, the official name, and the line it is defined on.

    The entry may give ``name_dative``, the name in the Latvian dative ("Aizsardzības ministrijai"),
    which a Latvian copy prints as its addressee; without it the copy prints ``name`` (docs/docx.md)."""

    slug: str
    name: str
    line: int
    data: str  # the entry as canonical JSON: what a copy depends on

    def context(self) -> dict[str, Any]:
        """What templates see as `recipient`."""
        entry: dict[str, Any] = json.loads(self.data)  # canonical JSON of a mapping
        return entry

    @property
    def digest(self) -> str:
        """SHA-256 of this entry alone: editing one recipient changes only its own fingerprint."""
        return hashlib.sha256(self.data.encode()).hexdigest()


def load_recipients(root: Path, name: str) -> list[Recipient]:
    """The recipients listed in content/<name>; every problem is reported with file and line."""
    # Called for every unit the build plans (19 times in the default project): one stat each, and
    # the file parsed again only when its modification time or size changed.
    root = Path(root)
    try:
        st = os.stat(os.path.join(root, "content", name))
    except OSError:
        st = None
    if st is None or not stat.S_ISREG(st.st_mode):
        return _load(root, name, 0, 0)
    return _load(root, name, st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=8)
def _load(root: Path, name: str, _mtime: int, _size: int) -> list[Recipient]:
    path = root / "content" / name
    file = relpath(path, root)
    try:
        data, lines = load_yaml(path, root)
    except ConfigError as exc:  # a content file: report it as content, with the same file:line
        raise ContentError(exc.problems) from None
    problems: list[Problem] = []
    items = data.get("recipients") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise ContentError(Problem(file, lines.get(("recipients",), 1), "no 'recipients:' list",
                                   "write 'recipients:' followed by '- slug: …' / '  name: …' entries"))
    if not (isinstance(data, dict) and isinstance(data.get("source"), str) and data["source"].strip()):
        problems.append(Problem(file, 1, "no 'source:' for the list of recipients",
                                "cite where the official names come from, e.g. 'source: https://…'"))
    out: list[Recipient] = []
    first_line: dict[str, int] = {}
    for i, item in enumerate(items):
        line = lines.get(("recipients", i), 1)
        if not isinstance(item, dict):
            problems.append(Problem(file, line, f"recipient {i + 1} is not a mapping",
                                    "write '- slug: short-name' and '  name: Official name'"))
            continue
        for key in item:
            if key not in KNOWN_KEYS:
                problems.append(Problem(file, lines.get(("recipients", i, key), line),
                                        f"unknown key '{key}'", f"use: {', '.join(sorted(KNOWN_KEYS))}"))
        slug, official = item.get("slug"), item.get("name")
        slug_line = lines.get(("recipients", i, "slug"), line)
        if not isinstance(official, str) or not official.strip():
            problems.append(Problem(file, lines.get(("recipients", i, "name"), line),
                                    "recipient has no 'name'", "add the institution's official name"))
        dative = item.get("name_dative")
        if "name_dative" in item and (not isinstance(dative, str) or not dative.strip()):
            problems.append(Problem(file, lines.get(("recipients", i, "name_dative"), line),
                                    "'name_dative' is empty", "write the name in the Latvian dative, "
                                    "e.g. 'Finanšu ministrijai', or remove the key"))
        if not isinstance(slug, str) or not SLUG.match(slug):
            problems.append(Problem(file, slug_line, f"bad slug {slug!r}",
                                    "use lowercase ASCII letters and digits joined by '-', e.g. 'arlietu-ministrija'"))
        elif len(slug) > MAX_SLUG:
            problems.append(Problem(file, slug_line, f"slug is {len(slug)} characters long (the limit is {MAX_SLUG})",
                                    "shorten it: it only names the file, e.g. 'arlietu-ministrija'"))
        elif slug in first_line:
            problems.append(Problem(file, slug_line, f"duplicate slug '{slug}' (first used on line "
                                    f"{first_line[slug]})", "give every recipient its own slug"))
        else:
            first_line[slug] = slug_line
        if not problems and isinstance(slug, str) and isinstance(official, str):  # both are, with no problems
            out.append(Recipient(slug, official.strip(), line,
                                 json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)))
    if problems:
        raise ContentError(problems)
    return out


def find_recipient(root: Path, name: str, slug: str) -> Recipient:
    """The recipient with *slug* (the build planned it, so it exists unless the file changed since)."""
    for recipient in load_recipients(root, name):
        if recipient.slug == slug:
            return recipient
    raise ContentError(Problem(f"content/{name}", None, f"recipient '{slug}' is no longer listed",
                               "build again"))
