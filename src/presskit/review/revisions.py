"""A returned DOCX's paragraphs, tracked changes and comments (OOXML as Word and LibreOffice write it).

Each w:p is read twice: as sent (every insertion rejected, every deletion restored) and as revised
(every change accepted). A paragraph mark inserted by the reviewer joins the paragraph to the next
in the "as sent" list; a deleted mark does so in the revised list. So both lists are lists of
paragraphs the author would recognise, and a split or a new paragraph is a difference between them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .docxread import DELETED, INSERTED, Comment, Returned, Revision, W, open_docx, package_notes, read_part

if TYPE_CHECKING:
    from lxml.etree import _Element

TEXT = (f"{W}t", f"{W}delText", f"{W}tab", f"{W}br", f"{W}cr", f"{W}instrText")
FIELD_DEPTH_TAGS = (f"{W}fldSimple",)


def read_returned(path: Path) -> Returned:
    """Everything review import needs from the returned file at *path*."""
    z, name = open_docx(path)
    with z:
        out = Returned(notes=package_notes(z, name))
        comments = _comments(read_part(z, name, "word/comments.xml"))
        for part in ("word/document.xml", "word/footnotes.xml"):
            root = read_part(z, name, part)
            if root is not None:
                _walk(root, out, comments, note=part.endswith("footnotes.xml"))
        for extra in sorted(n for n in z.namelist() if n.startswith(("word/header", "word/footer"))):
            root = read_part(z, name, extra)
            for rev in root.iter(*INSERTED, *DELETED) if root is not None else ():
                out.revisions.append(Revision(_kind(rev), rev.get(f"{W}author", ""), rev.get(f"{W}date", ""),
                                              _run_text(rev), -1, "header/footer"))
        out.comments = [c for c in comments.values() if c.para >= 0] + \
            [c for c in comments.values() if c.para < 0]
        return out


def _comments(root: _Element | None) -> dict[str, Comment]:
    found: dict[str, Comment] = {}
    for c in root.iter(f"{W}comment") if root is not None else ():
        text = "\n".join(_plain(p) for p in c.iter(f"{W}p")).strip()
        found[c.get(f"{W}id", "")] = Comment(c.get(f"{W}id", ""), c.get(f"{W}author", ""), c.get(f"{W}date", ""), text)
    return found


def _plain(p: _Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _walk(root: _Element, out: Returned, comments: dict[str, Comment], note: bool) -> None:
    orig, new = "", ""
    _anchors(root, comments)
    for p in root.iter(f"{W}p"):
        footnote = next(p.iterancestors(f"{W}footnote"), None)
        if note and (footnote is None or footnote.get(f"{W}type")):
            continue
        para = len(out.orig)
        row = _row_change(p)
        if row is not None:  # a row added or removed: said once, its cells kept out of both lists
            out.revisions.append(Revision("row", row.get(f"{W}author", ""), row.get(f"{W}date", ""),
                                          _plain(p), para, "table row"))
            continue
        o, n = _texts(p)
        orig, new = orig + o, new + n
        _revisions(p, out, para)
        for ref in p.iter(f"{W}commentRangeStart", f"{W}commentReference"):
            c = comments.get(ref.get(f"{W}id", ""))
            if c is not None and c.para < 0:
                c.para = para
        mark = p.find(f"{W}pPr/{W}rPr")
        mark_inserted = mark is not None and mark.find(f"{W}ins") is not None
        mark_deleted = mark is not None and mark.find(f"{W}del") is not None
        if not mark_inserted:
            out.orig.append(orig)
            orig = ""
        if not mark_deleted:
            out.new.append(new)
            out.orig_of_new.append(len(out.orig) - (0 if mark_inserted else 1))
            new = ""


def _texts(p: _Element) -> tuple[str, str]:
    """The paragraph's text as sent and as revised."""
    orig: list[str] = []
    new: list[str] = []
    for el in p.iter(*TEXT):
        if el.tag == f"{W}instrText":
            continue  # a field's code, not its shown result
        text = _piece(el)
        if not any(True for _ in el.iterancestors(*INSERTED)):
            orig.append(text)
        if el.tag != f"{W}delText" and not any(True for _ in el.iterancestors(*DELETED)):
            new.append(text)
    return "".join(orig), "".join(new)


def _piece(el: _Element) -> str:
    if el.tag in (f"{W}t", f"{W}delText"):
        return el.text or ""
    return "\t" if el.tag == f"{W}tab" else "\n"


def _anchors(root: _Element, comments: dict[str, Comment]) -> None:
    """The text each comment is anchored to (between its range start and end), as sent."""
    active: set[str] = set()
    words: dict[str, list[str]] = {}
    for el in root.iter(f"{W}commentRangeStart", f"{W}commentRangeEnd", f"{W}t", f"{W}delText"):
        cid = el.get(f"{W}id", "")
        if el.tag == f"{W}commentRangeStart":
            active.add(cid)
        elif el.tag == f"{W}commentRangeEnd":
            active.discard(cid)
        elif not any(True for _ in el.iterancestors(*INSERTED)):
            for a in active:
                words.setdefault(a, []).append(el.text or "")
    for cid, found in words.items():
        if cid in comments:
            comments[cid].anchor = "".join(found).strip()


def _kind(rev: _Element) -> str:
    return "insert" if rev.tag in INSERTED else "delete"


def _run_text(el: _Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t", f"{W}delText"))


def _revisions(p: _Element, out: Returned, para: int) -> None:
    """The tracked changes in one paragraph, with author and date; where a field or a table row
    changed, said so (those cannot go back into Markdown)."""
    for rev in p.iter(*INSERTED, *DELETED):
        parent = rev.getparent()
        if parent is not None and parent.tag == f"{W}rPr":
            if (grand := parent.getparent()) is not None and grand.tag == f"{W}pPr":
                out.revisions.append(Revision("split" if rev.tag in INSERTED else "join", rev.get(f"{W}author", ""),
                                              rev.get(f"{W}date", ""), "", para))
            continue
        where = "field" if _in_field(rev) else ""
        out.revisions.append(Revision(_kind(rev), rev.get(f"{W}author", ""), rev.get(f"{W}date", ""),
                                      _run_text(rev), para, where))
    for change in p.iter(f"{W}rPrChange", f"{W}pPrChange"):
        out.revisions.append(Revision("format", change.get(f"{W}author", ""), change.get(f"{W}date", ""),
                                      _plain(p)[:60], para, "formatting"))


def _row_change(p: _Element) -> _Element | None:
    """The w:ins or w:del of the table row holding *p*, if the row was added or removed."""
    row = next(p.iterancestors(f"{W}tr"), None)
    row_pr = row.find(f"{W}trPr") if row is not None else None
    return next(row_pr.iter(f"{W}ins", f"{W}del"), None) if row_pr is not None else None


def _in_field(el: _Element) -> bool:
    if any(True for _ in el.iterancestors(f"{W}fldSimple")):
        return True
    depth = 0  # complex fields: w:fldChar begin … end around the run, in this paragraph
    for prev in el.itersiblings(preceding=True):
        for fc in prev.iter(f"{W}fldChar"):
            kind = fc.get(f"{W}fldCharType")
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
    return depth > 0
