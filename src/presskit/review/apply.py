"""Mapped changes made to the source text: Markdown bodies, front matter values, catalog msgstrs.

Every change is first planned against the files as they are now (plan_edits), so the unified diff
shown without --apply is exactly what --apply writes. A change whose paragraph the source no longer
holds as built (edited since) becomes unmappable, with the reason, rather than a guess.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..source.containment import DOCUMENT, read_project_text
from .inline import Plain, apply_edits, edits, norm, plain

if TYPE_CHECKING:
    from .mapping import Change

LIST_MARKER = re.compile(r"[ \t>]*(?:[-*+]|\d+[.)])[ \t]+")


@dataclass
class FilePlan:
    """One source file: its text now and after the changes."""

    name: str
    before: str
    after: str
    spans: list[tuple[int, int, str, Change]] = field(default_factory=list)  # (start, end, text, change)
    shown: str = ""  # the whole text as plain words (inline markup dropped), to see what it already says

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.before.splitlines(True), self.after.splitlines(True),
                                            f"a/{self.name}", f"b/{self.name}"))


def plan_edits(root: Path, changes: list[Change]) -> dict[str, FilePlan]:
    """The new text of every Markdown file the mappable changes touch (catalog changes: catalogs.py)."""
    plans: dict[str, FilePlan] = {}
    for c in changes:
        if c.kind in ("comment", "unmappable") or c.segment is None or c.segment.get("catalog"):
            continue
        name = c.segment["file"]
        if name not in plans:
            text = read_project_text(root, root / name, DOCUMENT)
            plans[name] = FilePlan(name, text, text, shown=plain(text).text)
        _plan_one(plans[name], c)
    for p in plans.values():
        text = p.before
        for start, end, new, _ in sorted(p.spans, key=lambda s: (s[0], s[1]), reverse=True):
            text = text[:start] + new + text[end:]
        p.after = text
    return plans


def _plan_one(plan: FilePlan, c: Change) -> None:
    assert c.segment is not None
    if c.kind in ("edit", "insert") and _holds(plan.shown, c.new) \
            and (not _holds(plan.shown, c.old or "\x00") or norm(c.old).strip(" ;.,") in norm(c.new)):
        c.kind = "applied"  # imported before: the source says it already
        return
    found = locate(plan.before, c.segment)
    if found is None:
        c.kind, c.reason = "unmappable", "the source no longer holds this text as built (edited since the build?)"
        return
    start, end = found
    shown = plain(plan.before, start, end) if c.segment["context"] == "body" else _literal(plan.before, start, end)
    if c.kind == "edit" and norm(shown.text) != norm(c.old):
        c.kind, c.reason = "unmappable", "the source text differs from the built paragraph (edited since the build?)"
        return
    if any(s < end and start < e for s, e, _, _ in plan.spans):
        c.kind, c.reason = "unmappable", "a second change to a paragraph already changed: apply it by hand"
        return
    if c.kind == "edit":
        local = Plain(shown.text, [(a - start, b - start) for a, b in shown.spans])
        new = apply_edits(plan.before[start:end], local, edits(c.old, c.new))
        plan.spans.append((start, end, new, c))
    elif c.kind == "insert":
        plan.spans.append(_insertion(plan.before, start, end, c))
    elif c.kind == "delete":
        plan.spans.append(_deletion(plan.before, start, end, c))


def _holds(text: str, shown: str) -> bool:
    """Whether *text* holds the words of *shown* in a row (markup aside), as a source already changed does."""
    words = [re.escape(w) for w in re.findall(r"\w+", shown)]
    return bool(words) and re.search(r"\W+(?:[^\w\n]*\W+)?".join(words), text) is not None


def locate(text: str, seg: dict[str, object]) -> tuple[int, int] | None:
    """Where a segment's text stands in *text*: from its line on (else anywhere), as whole words
    across line breaks and continued quote markers; a front-matter value on its key's line."""
    line = int(str(seg.get("line", 1)))
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    at = starts[min(max(line - 1, 0), len(starts) - 1)]
    if seg.get("context") != "body":
        m = re.compile(r"^[^:\n]+:[ \t]*(['\"]?)(.*?)\1[ \t]*$", re.M).match(text, at)
        return (m.start(2), m.end(2)) if m and m.group(2) == seg.get("text") else None
    words = str(seg.get("text", "")).split()
    if not words:
        return None
    pattern = re.compile(r"[\s>]+".join(re.escape(w) for w in words))
    m = pattern.search(text, at) or pattern.search(text)
    return (m.start(), m.end()) if m else None


def _literal(text: str, start: int, end: int) -> Plain:
    return Plain(text[start:end], [(k, k + 1) for k in range(start, end)])


def _block(text: str, start: int, end: int) -> tuple[int, int, str]:
    """The lines holding text[start:end], and the list marker or quote prefix of the first."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    m = LIST_MARKER.match(text, line_start)
    prefix = m.group() if m and m.end() <= start else text[line_start:start] if text[line_start:start].strip(" >") == "" \
        else ""
    return line_start, line_end, prefix


def _insertion(text: str, start: int, end: int, c: Change) -> tuple[int, int, str, Change]:
    """A new paragraph (or list item) beside the segment's block, in its form."""
    line_start, line_end, prefix = _block(text, start, end)
    item = bool(LIST_MARKER.fullmatch(prefix))
    joint = "\n" if item else "\n\n" if not prefix.strip() else f"\n{prefix.rstrip()}\n"
    new = prefix + c.new.replace("\n", "  \n")
    if c.before:
        return line_start, line_start, new + joint, c
    return line_end, line_end, joint + new, c


def _deletion(text: str, start: int, end: int, c: Change) -> tuple[int, int, str, Change]:
    """The segment's lines removed, and the blank line after a paragraph."""
    line_start, line_end, prefix = _block(text, start, end)
    stop = line_end + 1 if line_end < len(text) else line_end
    if not LIST_MARKER.fullmatch(prefix) and text.startswith("\n", stop):
        stop += 1
    return line_start, stop, "", c
