"""From a returned DOCX to the source: which briefing it is, and what changed in which segment.

The returned paragraphs "as sent" are aligned with the paragraphs presskit built (the source maps
under build/.presskit/review/); a difference there is an untracked edit. Each built paragraph is
the shown text of one segment (its Markdown made plain, review/inline.py), found in order; what
the reviewer made of it is the revised paragraph(s) that paragraph became.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build.sourcemap import MAP_DIR, MAP_FORMAT
from ..files import state_dir
from ..store import StoreFileRefused, read_store_file, state_folder_is_real
from .docxread import Comment, Returned, Revision, refuse
from .inline import norm, plain

MIN_MATCH = 0.5  # share of built paragraphs found unchanged in the returned file
TABLE_KINDS = {"table cell", "table caption"}


@dataclass
class Change:
    """One thing the reviewer did, mapped to the source where it can be."""

    kind: str  # edit, insert, delete, comment, unmappable
    para: int  # built paragraph index (-1: none)
    old: str = ""
    new: str = ""
    authors: list[str] = field(default_factory=list)
    segment: dict[str, Any] | None = None
    reason: str = ""  # why it cannot go back into the source
    comment: Comment | None = None
    before: bool = False  # an insertion before the paragraph rather than after it

    @property
    def where(self) -> str:
        s = self.segment
        if s is None:
            return "(no source)"
        if s.get("catalog"):
            return f"{s['catalog']} (msgid of {s['file']}:{s['line']})"
        return f"{s['file']}:{s['line']}"


def key(text: str) -> str:
    return re.sub(r"\s+", " ", norm(text)).strip()


def load_maps(root: Path) -> list[dict[str, Any]]:
    """Every source map the builds kept, newest first."""
    folder = state_dir(root) / MAP_DIR
    if not state_folder_is_real(root) or not folder.is_dir():
        return []
    maps = []
    for path in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            data = json.loads(read_store_file(path))
        except (OSError, ValueError, StoreFileRefused):
            continue
        if isinstance(data, dict) and data.get("format") == MAP_FORMAT and isinstance(data.get("paragraphs"), list):
            maps.append(data)
    return maps


def choose_map(root: Path, returned: Returned, name: str) -> dict[str, Any]:
    """The built briefing the returned file was made from: the one sharing most paragraphs."""
    maps = load_maps(root)
    if not maps:
        raise refuse(name, "presskit has built no briefing in this project yet (no build/.presskit/review/)",
                     "run presskit build, then import the returned copy of a briefing it built")
    sent = [key(t) for t in returned.orig]
    best, score = maps[0], -1.0
    for m in maps:
        built = [key(p["text"]) for p in m["paragraphs"]]
        same = sum(b.size for b in difflib.SequenceMatcher(None, built, sent, autojunk=False).get_matching_blocks())
        # Shared paragraphs over both lengths (difflib's ratio): over the built one's alone, a
        # recipient copy with edits scored below the general briefing, one paragraph (the
        # addressee) shorter, by a thousandth.
        s = 2 * same / max(len(built) + len(sent), 1)
        if s > score:
            best, score = m, s
    if score < MIN_MATCH:
        raise refuse(name, f"is not one of this project's briefings: at most {score:.0%} of its paragraphs match "
                           f"a briefing built here (closest: {best['target']})",
                     "import a copy of a briefing this project built (presskit build keeps what it needs)")
    return best


def assign_segments(source_map: dict[str, Any]) -> list[dict[str, Any] | None]:
    """For each built paragraph, the segment whose shown text it is (in reading order), or None."""
    where: dict[str, list[int]] = {}
    segments = source_map.get("segments") or []
    for i, s in enumerate(segments):
        where.setdefault(key(plain(str(s.get("shown", ""))).text), []).append(i)
    out: list[dict[str, Any] | None] = []
    last = -1
    for p in source_map["paragraphs"]:
        found = where.get(key(p["text"])) if p["text"].strip() else None
        if not found:
            out.append(None)
            continue
        after = [i for i in found if i > last]
        pick = after[0] if after else found[0]
        if segments[pick]["context"] == "body":
            last = pick
        out.append(segments[pick])
    return out


def changes(returned: Returned, source_map: dict[str, Any]) -> list[Change]:
    """Every change and comment, per built paragraph, in document order; unmappable ones included."""
    built = [p["text"] for p in source_map["paragraphs"]]
    segs = assign_segments(source_map)
    o2b, extra = _align(built, returned.orig)
    becomes: dict[int, list[int]] = {}
    for j, k in enumerate(returned.orig_of_new):
        becomes.setdefault(k, []).append(j)
    by_para: dict[int, list[Revision]] = {}
    for r in returned.revisions:
        by_para.setdefault(r.para, []).append(r)
    out: list[Change] = []
    for b, text in enumerate(built):
        o = o2b.get(b)
        new = [returned.new[j] for j in becomes.get(o, [])] if o is not None else []
        authors = sorted({r.author or "?" for r in by_para.get(o, [])} if o is not None else set())
        if o is None or key(returned.orig[o]) != key(text):
            authors.append("untracked")
        out += _paragraph(b, text, new, authors, segs[b], source_map["paragraphs"][b])
        for o_extra in extra.get(b, []):
            for t in (returned.new[j] for j in becomes.get(o_extra, [])):
                out.append(_mapped(Change("insert", b, "", t, ["untracked"], segs[b]), source_map["paragraphs"][b]))
    out += _unmappable_revisions(returned.revisions, o2b, segs)
    b_of = {o: b for b, o in o2b.items()}
    for c in returned.comments:
        b = b_of.get(c.para, -1)
        out.append(Change("comment", b, built[b] if b >= 0 else "", "", [c.author], segs[b] if b >= 0 else None,
                          comment=c))
    return out


def _align(built: list[str], sent: list[str]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Built paragraph → returned paragraph as sent; returned paragraphs with no built one (added
    without tracking), keyed by the built paragraph they follow."""
    o2b: dict[int, int] = {}
    extra: dict[int, list[int]] = {}
    sm = difflib.SequenceMatcher(None, [key(t) for t in built], [key(t) for t in sent], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "delete":
            continue
        for k in range(min(i2 - i1, j2 - j1) if op in ("equal", "replace") else 0):
            o2b[i1 + k] = j1 + k
        for j in range(j1 + (min(i2 - i1, j2 - j1) if op == "replace" else 0), j2 if op != "equal" else j1):
            extra.setdefault(max(i2 - 1, 0), []).append(j)
    return o2b, extra


def _paragraph(b: int, text: str, new: list[str], authors: list[str], seg: dict[str, Any] | None,
               para: dict[str, Any]) -> list[Change]:
    if [key(t) for t in new] == [key(text)]:
        return []
    if not new:
        return [_mapped(Change("delete", b, text, "", authors, seg), para)]
    main = max(range(len(new)), key=lambda i: difflib.SequenceMatcher(None, text, new[i]).ratio())
    out = [_mapped(Change("insert", b, "", t, authors, seg, before=True), para) for t in new[:main]]
    if key(new[main]) != key(text):
        out.append(_mapped(Change("edit", b, text, new[main], authors, seg), para))
    out += [_mapped(Change("insert", b, "", t, authors, seg), para) for t in new[main + 1:]]
    return out


def _mapped(change: Change, para: dict[str, Any]) -> Change:
    """The change itself, or why it cannot go back into the source."""
    seg = change.segment
    if seg is None:
        change.reason = "text presskit did not take from the content (a template label, a date, an addressee)"
    elif change.kind != "edit" and (para.get("cell") or seg["kind"] in TABLE_KINDS):
        change.reason = "a table restructured (cells or rows added or removed)"
    elif change.kind != "edit" and (seg.get("catalog") or seg["context"] != "body"):
        change.reason = "a paragraph added or removed in a translation or the front matter"
    if change.reason:
        change.kind = "unmappable"
    return change


def _unmappable_revisions(revisions: list[Revision], o2b: dict[int, int],
                          segs: list[dict[str, Any] | None]) -> list[Change]:
    b_of = {o: b for b, o in o2b.items()}
    seen: set[tuple[str, int, str]] = set()
    out = []
    reasons = {"field": "a field edited (page numbers, dates: Word computes them)",
               "table row": "a table restructured (a row added or removed)",
               "header/footer": "the page header or footer edited (it comes from the template)",
               "formatting": "formatting changed (the house style comes from reference.docx)"}
    for r in revisions:
        if r.where in reasons and (r.where, r.para, r.author) not in seen:
            seen.add((r.where, r.para, r.author))
            b = b_of.get(r.para, -1)
            out.append(Change("unmappable", b, r.text, "", [r.author or "?"], segs[b] if b >= 0 else None,
                              reason=reasons[r.where]))
    return out
