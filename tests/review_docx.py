"""Returned briefings made as Word makes them: tracked changes (w:ins, w:del), comments (comments.xml,
commentRangeStart/End, commentReference) and Word's noise (rsids, split runs, proofErr), written
with lxml into a DOCX presskit built."""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
DATE = "2024-04-02T10:00:00Z"


class Returned:
    """A built DOCX opened for editing the way a reviewer's Word would save it."""

    def __init__(self, built: Path):
        with zipfile.ZipFile(built) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}
        self.doc = etree.fromstring(self.parts["word/document.xml"])
        self.comments: list[etree._Element] = []
        self.next_id = 100
        for p in self.doc.iter(f"{W}p"):  # Word's noise: revision ids on every paragraph and run
            p.set(f"{W}rsidR", "00A1B2C3")
            for r in p.iter(f"{W}r"):
                r.set(f"{W}rsidRPr", "00D4E5F6")

    def paragraph(self, contains: str) -> etree._Element:
        for p in self.doc.iter(f"{W}p"):
            if contains in "".join(t.text or "" for t in p.iter(f"{W}t")):
                return p
        raise AssertionError(f"no paragraph holds {contains!r}")

    def _split(self, p: etree._Element, word: str) -> tuple[etree._Element, etree._Element]:
        """Split the run holding *word* into before / word / after runs; the word's run and its parent."""
        for t in p.iter(f"{W}t"):
            if t.text and word in t.text:
                run = t.getparent()
                before, after = t.text.split(word, 1)
                parent = run.getparent()
                at = parent.index(run)
                pieces = []
                for text in (before, word, after):
                    r = copy.deepcopy(run)
                    r.find(f"{W}t").text = text
                    r.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    pieces.append(r)
                parent.remove(run)
                for k, r in enumerate(pieces):
                    parent.insert(at + k, r)
                if before:  # Word marks a spelling check between runs
                    parent.insert(at + 1, etree.Element(f"{W}proofErr", {f"{W}type": "spellStart"}))
                return pieces[1], parent
        raise AssertionError(f"no run holds {word!r}")

    def _id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def replace(self, contains: str, old: str, new: str, author: str) -> None:
        """A tracked replacement: <w:del> of the old word, <w:ins> of the new one."""
        run, parent = self._split(self.paragraph(contains), old)
        deleted = etree.Element(f"{W}del", {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
        run.addprevious(deleted)
        gone = copy.deepcopy(run)
        t = gone.find(f"{W}t")
        t.tag = f"{W}delText"
        deleted.append(gone)
        if new:
            ins = etree.Element(f"{W}ins", {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
            deleted.addnext(ins)
            run.find(f"{W}t").text = new
            ins.append(run)
        else:
            parent.remove(run)

    def insert_paragraph_after(self, contains: str, text: str, author: str) -> None:
        """A tracked new paragraph: its runs and its paragraph mark inserted."""
        p = self.paragraph(contains)
        new = copy.deepcopy(p)
        for child in list(new):
            if child.tag != f"{W}pPr":
                new.remove(child)
        ppr = new.find(f"{W}pPr")
        rpr = etree.SubElement(ppr, f"{W}rPr")
        etree.SubElement(rpr, f"{W}ins", {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
        ins = etree.SubElement(new, f"{W}ins", {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
        etree.SubElement(etree.SubElement(ins, f"{W}r"), f"{W}t").text = text
        # Word marks the *previous* paragraph's mark as inserted when Enter is pressed at its end
        prev_ppr = p.find(f"{W}pPr")
        etree.SubElement(etree.SubElement(prev_ppr, f"{W}rPr"), f"{W}ins",
                         {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
        p.addnext(new)
        # and the new paragraph keeps the original mark (it ends where the old paragraph ended)
        ppr.remove(rpr)

    def untracked(self, old: str, new: str) -> None:
        """An edit made with track changes off."""
        for t in self.doc.iter(f"{W}t"):
            if t.text and old in t.text:
                t.text = t.text.replace(old, new, 1)
                return
        raise AssertionError(old)

    def comment(self, contains: str, anchor: str, author: str, text: str) -> None:
        run, parent = self._split(self.paragraph(contains), anchor)
        cid = str(len(self.comments))
        run.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": cid}))
        run.addnext(etree.Element(f"{W}commentRangeEnd", {f"{W}id": cid}))
        ref = etree.Element(f"{W}r")
        etree.SubElement(ref, f"{W}commentReference", {f"{W}id": cid})
        run.getnext().addnext(ref)
        c = etree.Element(f"{W}comment", {f"{W}id": cid, f"{W}author": author, f"{W}date": DATE,
                                          f"{W}initials": author[:2]})
        etree.SubElement(etree.SubElement(etree.SubElement(c, f"{W}p"), f"{W}r"), f"{W}t").text = text
        self.comments.append(c)

    def table_row_inserted(self, contains: str, author: str) -> None:
        """A tracked new table row (a restructured table)."""
        row = next(self.paragraph(contains).iterancestors(f"{W}tr"))
        new = copy.deepcopy(row)
        trpr = new.find(f"{W}trPr")
        if trpr is None:
            trpr = etree.Element(f"{W}trPr")
            new.insert(0, trpr)
        etree.SubElement(trpr, f"{W}ins", {f"{W}id": self._id(), f"{W}author": author, f"{W}date": DATE})
        row.addnext(new)

    def save(self, path: Path, extra: dict[str, bytes] | None = None) -> Path:
        parts = dict(self.parts)
        parts["word/document.xml"] = etree.tostring(self.doc, xml_declaration=True, encoding="UTF-8", standalone=True)
        if self.comments:
            root = etree.Element(f"{W}comments", nsmap={"w": W_NS})
            root.extend(self.comments)
            parts["word/comments.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
                b"</Types>", f'<Override PartName="/word/comments.xml" ContentType="{COMMENTS_TYPE}"/></Types>'.encode())
            parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
                b"</Relationships>",
                f'<Relationship Id="rIdC1" Type="{COMMENTS_REL}" Target="comments.xml"/></Relationships>'.encode())
        parts.update(extra or {})
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
        path.write_bytes(buffer.getvalue())
        return path
