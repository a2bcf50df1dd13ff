"""presskit review import: a returned briefing's changes and comments, listed, diffed and applied."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic_write
from .apply import FilePlan, plan_edits
from .catalogs import plan_catalogs
from .inline import TOKEN, edits
from .mapping import Change, changes, choose_map
from .revisions import read_returned

REVIEW_DIR = "content/review"  # comments kept for the build report, one JSON file per document
COMMENTS_FORMAT = "presskit-review-comments-1"


@dataclass
class Imported:
    """What a returned file holds, mapped: the built briefing it is, its changes, the planned files."""

    target: str
    changes: list[Change]
    plans: dict[str, FilePlan]
    notes: list[str]
    document: str


def import_review(root: Path, path: Path) -> Imported:
    """Read *path*, find the briefing it was made from, map and plan every change (nothing written)."""
    returned = read_returned(path)
    source_map = choose_map(root, returned, str(path))
    found = changes(returned, source_map)
    plans = plan_edits(root, found)
    plans.update(plan_catalogs(root, found))
    return Imported(source_map["target"], found, plans, returned.notes, source_map.get("document", ""))


def apply_review(root: Path, imported: Imported, returned_name: str) -> list[str]:
    """Write the changed sources and the comments file; the files written."""
    written = []
    for name, plan in imported.plans.items():
        if plan.after != plan.before:
            atomic_write(root / name, plan.after.encode("utf-8"))
            written.append(name)
    comments = [c for c in imported.changes if c.kind == "comment" and c.comment is not None]
    if comments:
        written.append(write_comments(root, imported, comments, returned_name))
    return written


def comments_file(document: str) -> str:
    return f"{REVIEW_DIR}/{Path(document).stem}.json"


def write_comments(root: Path, imported: Imported, comments: list[Change], returned_name: str) -> str:
    """Add the comments to content/review/<document>.json (kept: earlier imports' comments)."""
    name = comments_file(imported.document)
    path = root / name
    kept: list[dict[str, Any]] = []
    try:
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict) and isinstance(data.get("comments"), list):
            kept = [c for c in data["comments"] if isinstance(c, dict)]
    except (OSError, ValueError):
        pass
    seen = {(c.get("author"), c.get("date"), c.get("text"), c.get("paragraph")) for c in kept}
    for ch in comments:
        assert ch.comment is not None
        seg = ch.segment or {}
        entry = {"file": seg.get("catalog") or seg.get("file"), "line": seg.get("po_line") or seg.get("line"),
                 "paragraph": ch.old, "anchor": ch.comment.anchor, "author": ch.comment.author,
                 "date": ch.comment.date, "text": ch.comment.text, "returned": returned_name,
                 "target": imported.target}
        if (entry["author"], entry["date"], entry["text"], entry["paragraph"]) not in seen:
            kept.append(entry)
    body = {"format": COMMENTS_FORMAT, "document": imported.document, "comments": kept}
    atomic_write(path, (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return name


def describe(imported: Imported, returned_name: str) -> list[str]:
    """The readable list: one entry per change and comment, with its place in the source."""
    cs = imported.changes
    counts = {k: sum(1 for c in cs if c.kind == k)
              for k in ("edit", "insert", "delete", "comment", "applied", "unmappable")}
    names = {"insert": "new paragraph", "delete": "removed paragraph", "applied": "already applied",
             "unmappable": "not mapped"}
    lines = [f"review: {returned_name} is a returned copy of {imported.target}: "
             + ", ".join(f"{n} {names.get(k, k)}{'s' if n != 1 and k in ('edit', 'comment') else ''}"
                         for k, n in counts.items() if n)
             or "no changes, no comments"]
    lines += [f"  note: {n}" for n in imported.notes]
    for i, c in enumerate(cs, 1):
        who = ", ".join(c.authors).replace("untracked", "not tracked") or "?"
        if c.kind == "comment" and c.comment is not None:
            on = f" on “{short(c.comment.anchor)}”" if c.comment.anchor else ""
            lines.append(f"  {i}. comment by {who} at {c.where}{on}: {c.comment.text}")
        elif c.kind == "unmappable":
            lines.append(f"  {i}. NOT MAPPED ({who}): {c.reason} — {c.where}: “{short(c.old or c.new)}”")
        elif c.kind == "applied":
            lines.append(f"  {i}. already in the source ({who}) at {c.where}: “{short(c.new)}”")
        elif c.kind == "edit":
            lines.append(f"  {i}. edit by {who} at {c.where}: {inline_diff(c.old, c.new)}")
        else:
            verb = "new paragraph" if c.kind == "insert" else "paragraph removed"
            lines.append(f"  {i}. {verb} by {who} at {c.where}: “{short(c.new or c.old)}”")
    return lines


def short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def inline_diff(old: str, new: str, context: int = 3) -> str:
    """The words changed, [-old-]{+new+}, with a few words around each change."""
    parts: list[str] = []
    last = 0
    for a, b, text in edits(old, new):
        before = TOKEN.findall(old[last:a])
        parts.append(("… " if len(before) > 2 * context and parts else "")
                     + "".join(before[-2 * context:] if parts or len(before) > 2 * context else before))
        parts.append((f"[-{old[a:b]}-]" if b > a else "") + (f"{{+{text}+}}" if text else ""))
        last = b
    tail = TOKEN.findall(old[last:])
    parts.append("".join(tail[: 2 * context]) + (" …" if len(tail) > 2 * context else ""))
    return "".join(parts).strip()
