"""A handout's text read back from its PDF as typeset lines: each character's box, baseline, size and
face (pypdfium2), for tests of the handout's design (tests/test_handout_design.py) and for
scripts/handout-measure, which prints the measure of every language's body text.

The body text is found by its type, not by its wording: the face and size that set the most characters
of the back page's lines (any campaign's text, any language). Its measure is counted in characters
per line, spaces included; a CJK character (East Asian width W or F) counts as two, the width it
takes in the measure, so that 55–75 means the same line length in every script (about 28–38 Chinese
characters, the width Chinese typesetting recommends). Short lines — a paragraph's last — are left
out: a line counts when it is at least SHORT of the widest line of its face.
"""

from __future__ import annotations

import ctypes
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

SHORT = 0.8  # a body line shorter than this share of the widest one ends its paragraph (not counted)


@dataclass(frozen=True)
class Char:
    text: str
    left: float
    right: float
    bottom: float
    top: float
    baseline: float
    size: float  # points, as set (the page's scale applied)
    face: str  # PostScript name without the subset tag


@dataclass(frozen=True)
class Line:
    chars: tuple[Char, ...]

    @property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @property
    def left(self) -> float:
        return min(c.left for c in self.chars if c.text.strip())

    @property
    def right(self) -> float:
        return max(c.right for c in self.chars if c.text.strip())

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def measure(self) -> int:
        """Characters of the line, spaces included, a wide (CJK) one counting two; a break's hyphen not."""
        text = " ".join(self.text.split()).removesuffix("\u2010").removesuffix("-")  # U+00A0 and a generated space: one
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def page_chars(path: Path | str, index: int) -> list[Char]:
    """Every character drawn on page *index* of *path*, in content order (generated spaces included)."""
    import pypdfium2
    import pypdfium2.raw as raw

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        textpage = pdf[index].get_textpage()
        found = []
        x, y = ctypes.c_double(), ctypes.c_double()
        matrix = raw.FS_MATRIX()
        name = ctypes.create_string_buffer(256)
        for i in range(textpage.count_chars()):
            text = textpage.get_text_range(i, 1)
            left, bottom, right, top = textpage.get_charbox(i)
            raw.FPDFText_GetCharOrigin(textpage, i, ctypes.byref(x), ctypes.byref(y))
            raw.FPDFText_GetMatrix(textpage, i, ctypes.byref(matrix))
            scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
            size = raw.FPDFText_GetFontSize(textpage, i) * scale
            raw.FPDFText_GetFontInfo(textpage, i, name, 256, None)
            face = name.value.decode("latin-1").split("+")[-1]
            found.append(Char(text, left, right, bottom, top, round(y.value, 1), round(size, 2), face))
        return found
    finally:
        pdf.close()


def lines(chars: list[Char]) -> list[Line]:
    """Characters grouped by baseline (one baseline, one line), top to bottom, each line's characters in
    content order; a space goes with the line of the character before it (pdfium generates some)."""
    rows: dict[int, list[Char]] = {}
    key = None
    for char in chars:
        if char.text.strip() and char.size > 0:
            key = round(char.baseline)
        if key is not None and char.text not in "\r\n":
            rows.setdefault(key, []).append(char)
    return [Line(tuple(row)) for _y, row in sorted(rows.items(), key=lambda kv: -kv[0])
            if "".join(c.text for c in row).strip()]


def body_type(chars: list[Char]) -> tuple[str, float]:
    """The face and size that set the most (non-space) characters: the body text's."""
    counts = Counter((c.face, c.size) for c in chars if c.text.strip())
    return counts.most_common(1)[0][0]


def body_lines(path: Path | str, index: int = 1) -> list[Line]:
    """The full lines of page *index*'s body text (the back page's, by default): lines whose letters are
    mostly in the body's face and size."""
    chars = page_chars(path, index)
    body = body_type(chars)
    found = []
    for line in lines(chars):
        letters = [(c.face, c.size) for c in line.chars if c.text.strip()]
        if letters.count(body) > len(letters) / 2:
            found.append(line)
    widest = max(ln.width for ln in found)
    return [ln for ln in found if ln.width >= SHORT * widest]


@dataclass(frozen=True)
class Run:
    """A text object: a run of one face and size, in the order the page draws them (document order)."""

    face: str
    size: float
    left: float
    right: float

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


def page_runs(path: Path | str, index: int) -> list[Run]:
    """The text objects of page *index*, in content order (pdfium's text page reorders characters by
    position; the objects keep the order WeasyPrint drew the document in)."""
    import pypdfium2
    import pypdfium2.raw as raw

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        runs = []
        name = ctypes.create_string_buffer(256)
        for obj in pdf[index].get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
            raw.FPDFFont_GetBaseFontName(raw.FPDFTextObj_GetFont(obj.raw), name, 256)
            a, b, c, d, _e, _f = obj.get_matrix().get()
            size = obj.get_font_size() * abs(a * d - b * c) ** 0.5
            left, _bottom, right, _top = obj.get_bounds()
            runs.append(Run(name.value.decode("latin-1").split("+")[-1], round(size, 2), left, right))
        return runs
    finally:
        pdf.close()
