"""Walk a PDF page's content streams (pikepdf): colours, placed images, shown glyphs, fonts used."""

from __future__ import annotations

import decimal
import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .fonts import cid_map
from .ink import Cmyk, InkRules, image_peak

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pikepdf

    from .fonts import PdfObject
    from .pdf import Expectations

MM = 72 / 25.4
Matrix = tuple[float, ...]  # [a b c d e f]
FILLS = {"f", "F", "f*", "B", "B*", "b", "b*"}
STROKES = {"S", "s", "B", "B*", "b", "b*"}
PAINT = FILLS | STROKES | {"n"}
# A filled shape thinner than this and three times as long is a rule drawn as a rectangle (as
# WeasyPrint draws CSS borders); the ink rules judge it like a stroke of that width.
THIN_PT = 2.0


@dataclass
class _State:
    ctm: Matrix = (1, 0, 0, 1, 0, 0)
    fill: PdfObject | None = None
    stroke: PdfObject | None = None
    font: PdfObject | None = None
    # What the ink rules need: the process colours (None: not CMYK, e.g. registration or a pattern),
    # line width, font size, text matrix and rendering mode.
    fill_cmyk: Cmyk | None = (0, 0, 0, 1)
    stroke_cmyk: Cmyk | None = (0, 0, 0, 1)
    line_width: float = 1.0
    size: float = 0.0
    tm: Matrix = (1, 0, 0, 1, 0, 0)
    render: int = 0


def _scale(m: Matrix) -> float:
    """How much a matrix scales lengths (the square root of its area factor)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """Matrix product m × n in PDF's [a b c d e f] convention."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


@dataclass
class ContentWalker:
    """Follows a page's content (and its forms) keeping the graphics state that the rules need."""

    expect: Expectations  # pdfx, min_ppi
    issues: list[tuple[str, str]] = field(default_factory=list)  # (what, fix)
    fonts: dict[str, PdfObject] = field(default_factory=dict)  # by base font name
    _seen_forms: set[tuple[int, int]] = field(default_factory=set)  # objgen of the forms being walked
    ink: InkRules | None = None  # print editions: the press condition's ink rules
    _path: list[tuple[float, float, float, float]] = field(default_factory=list)  # x y w h per subpath, user space

    def __post_init__(self) -> None:
        if self.expect.pdfx:
            self.ink = InkRules(self.expect)

    def walk_page(self, page: pikepdf.Page) -> None:
        """Inspect one page's content streams and everything they draw."""
        import pikepdf

        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        group = page.obj.get("/Group")
        if group is not None and self.expect.pdfx and self._is_rgb(group.get("/CS"), resources):
            self._rgb("page transparency group blends in RGB")
        self._walk(pikepdf.parse_content_stream(page), resources, _State())
        if self.ink is not None:
            self.issues += self.ink.findings()

    def _walk(self, ops: Iterable[Any], resources: PdfObject, state: _State) -> None:
        import pikepdf

        stack: list[_State] = []
        for operands, op in ops:  # pikepdf's instructions and inline images
            op = str(op)
            if isinstance(operands, pikepdf.PdfInlineImage):  # BI … ID … EI
                self._image(operands.obj, state, "inline image", resources)
            elif op == "q":
                stack.append(replace(state))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
            elif op in ("rg", "RG") and self.expect.pdfx:
                self._rgb(f"RGB colour ({' '.join(f'{float(v):g}' for v in operands)} {op})")
                self._set_colour(state, op == "rg", None)
            elif op in ("cs", "CS"):
                self._select_space(operands[0], op == "cs", state, resources)
            elif op in ("k", "K", "g", "G", "sc", "scn", "SC", "SCN"):
                self._colour_values(op, operands, state, resources)
            elif op == "Tf":
                state.font = resources.get("/Font", {}).get(operands[0])
                state.size = float(operands[1])
                if state.font is not None:
                    self.fonts[str(state.font.get("/BaseFont", operands[0]))[1:]] = state.font
            elif op in ("BT", "Tm", "Tr", "w"):
                self._text_or_line_state(op, operands, state)
            elif op in ("Tj", "'", '"', "TJ"):
                self._glyphs(operands, state.font)
                self._text_ink(state)
            elif op in ("re", "m") or op in PAINT:
                self._path_op(op, operands, state)
            elif op == "Do":
                self._xobject(operands[0], resources, state)
            elif op == "sh" and self.expect.pdfx:
                shading = resources.get("/Shading", {}).get(operands[0])
                if shading is not None and self._is_rgb(shading.get("/ColorSpace"), resources):
                    self._rgb("RGB gradient (shading)")

    # ---- graphics state for the ink rules ------------------------------------------------------

    def _select_space(self, space: PdfObject, fill: bool, state: _State, resources: PdfObject) -> None:
        if fill:
            state.fill = space
        else:
            state.stroke = space
        if self.expect.pdfx and self._is_rgb(space, resources):
            self._rgb(f"RGB colour space {space} selected")
        elif self.expect.pdfx and self._is_lab(space, resources):
            self._rgb(f"Lab colour space {space} selected", fix="use device-cmyk() colours in print editions")
        # A newly selected space starts at its initial colour: black for DeviceGray/DeviceCMYK.
        self._set_colour(state, fill, (0, 0, 0, 1) if self._process(space, resources) else None)

    def _colour_values(self, op: str, operands: PdfObject, state: _State, resources: PdfObject) -> None:
        fill = op.islower()
        values = [float(v) for v in operands if isinstance(v, (int, float, decimal.Decimal))]  # not a pattern name
        cmyk: Cmyk | None = None
        space = "/DeviceCMYK" if op in ("k", "K") else state.fill if fill else state.stroke
        if op in ("g", "G") and len(values) == 1:
            cmyk = (0, 0, 0, 1 - values[0])
        elif len(values) == 4 and self._process(space, resources):
            cmyk = (values[0], values[1], values[2], values[3])
        self._set_colour(state, fill, cmyk)

    @staticmethod
    def _set_colour(state: _State, fill: bool, cmyk: Cmyk | None) -> None:
        if fill:
            state.fill_cmyk = cmyk
        else:
            state.stroke_cmyk = cmyk

    def _process(self, space: PdfObject | None, resources: PdfObject) -> bool:
        """DeviceCMYK, DeviceGray or a 4-component ICC space: values that are process inks as they are.
        (The registration colour and other Separations are not: crop marks print on every plate.)"""
        import pikepdf

        if space in ("/DeviceCMYK", "/DeviceGray", "/CMYK", "/G"):
            return True
        if isinstance(space, pikepdf.Name):
            named = resources.get("/ColorSpace", {}).get(space)
            return named is not None and self._process(named, resources)
        return (isinstance(space, pikepdf.Array) and len(space) == 2 and space[0] == "/ICCBased"
                and int(space[1].get("/N", 0)) == 4)

    def _text_or_line_state(self, op: str, operands: PdfObject, state: _State) -> None:
        if op == "BT":
            state.tm = (1, 0, 0, 1, 0, 0)
        elif op == "Tm":
            state.tm = tuple(float(v) for v in operands)
        elif op == "Tr":
            state.render = int(operands[0])
        else:
            state.line_width = float(operands[0])

    def _text_ink(self, state: _State) -> None:
        """Shown glyphs: their effective size is the font size scaled by the text matrix and the CTM."""
        if self.ink is None or state.render in (3, 7):  # invisible text (3) and pure clipping (7)
            return
        size = state.size * _scale(_mul(state.tm, state.ctm))
        font = str(state.font.get("/BaseFont", "?"))[1:].split("+")[-1] if state.font is not None else "?"
        if state.render in (0, 2, 4, 6):
            self.ink.text(state.fill_cmyk, size, font)
        if state.render in (1, 2, 5, 6):
            self.ink.text(state.stroke_cmyk, size, font)

    def _path_op(self, op: str, operands: PdfObject, state: _State) -> None:
        """Subpaths (rectangles; other shapes by their first point only) and what paints them."""
        if op == "re":
            x, y, w, h = (float(v) for v in operands)
            self._path.append((min(x, x + w), min(y, y + h), abs(w), abs(h)))
        elif op == "m":
            self._path.append((0, 0, math.inf, math.inf))  # a curve or polygon: not judged as a thin rule
        else:
            self._paint(op, state)
            self._path = []

    def _paint(self, op: str, state: _State) -> None:
        if self.ink is None or op == "n":
            return
        fills, strokes = op in FILLS, op in STROKES
        if fills:
            self.ink.ink(state.fill_cmyk, "fill")
            for thin in self._thin_fills(op, state.ctm):
                self.ink.line(state.fill_cmyk, thin, "filled rule")
        if strokes:
            self.ink.ink(state.stroke_cmyk, "stroke")
            self.ink.line(state.stroke_cmyk, state.line_width * _scale(state.ctm), "stroke")

    def _thin_fills(self, op: str, ctm: Matrix) -> list[float]:
        """Widths (pt) of the filled rules in the current path: a thin rectangle, or the band between two
        rectangles filled even-odd (how WeasyPrint draws a CSS border: outer box minus inner box)."""
        a, b, c, d, _, _ = ctm
        sx, sy = math.hypot(a, b), math.hypot(c, d)
        if len(self._path) == 2 and op.endswith("*") and math.inf not in self._path[0] + self._path[1]:
            (x0, y0, w0, h0), (x1, y1, w1, h1) = self._path
            insets = [abs(x0 - x1) * sx, abs(x0 + w0 - x1 - w1) * sx, abs(y0 - y1) * sy, abs(y0 + h0 - y1 - h1) * sy]
            bands = [v for v in insets if v > 1e-3]
            return [min(bands)] if bands and min(bands) < THIN_PT else []
        out = []
        for _, _, w, h in self._path:
            thin = min(w * sx, h * sy)
            if thin < THIN_PT and max(w * sx, h * sy) > 3 * thin:
                out.append(thin)
        return out

    def _xobject(self, name: PdfObject, resources: PdfObject, state: _State) -> None:
        import pikepdf

        xobj = resources.get("/XObject", {}).get(name)
        if xobj is None:
            return
        if xobj.get("/Subtype") == "/Image":
            self._image(xobj, state, f"image {name}", resources)
        elif xobj.get("/Subtype") == "/Form" and xobj.objgen not in self._seen_forms:
            self._seen_forms.add(xobj.objgen)
            group = xobj.get("/Group")
            inner = xobj.get("/Resources", resources)
            if group is not None and self.expect.pdfx and self._is_rgb(group.get("/CS"), inner):
                self._rgb("transparency group blends in RGB")
            matrix = tuple(float(v) for v in xobj.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            inner_state = replace(state, ctm=_mul(matrix, state.ctm))
            self._walk(pikepdf.parse_content_stream(xobj), inner, inner_state)
            self._seen_forms.discard(xobj.objgen)

    def _image(self, image: PdfObject, state: _State, label: str, resources: PdfObject) -> None:
        if not self.expect.pdfx or image.get("/ImageMask", image.get("/IM", False)):
            return
        space = image.get("/ColorSpace", image.get("/CS"))
        if self._is_rgb(space, resources):
            self._rgb(f"RGB {label}", "convert the image to CMYK (or greyscale) before placing it")
        elif self._is_lab(space, resources):
            self._rgb(f"Lab {label}", "convert the image to CMYK (or greyscale) before placing it")
        elif self.ink is not None and self._process(space, resources):
            found = image_peak(image, self.expect.tac)
            if found:
                self.ink.image_ink(label, *found)
        width, height = int(image.get("/Width", image.get("/W", 0))), int(image.get("/Height", image.get("/H", 0)))
        a, b, c, d, _, _ = state.ctm
        placed_w, placed_h = math.hypot(a, b), math.hypot(c, d)  # the unit square, placed
        if not (width and height and placed_w and placed_h):
            return
        ppi = min(width / (placed_w / 72), height / (placed_h / 72))
        if ppi < self.expect.min_ppi - 0.5:
            need_w = math.ceil(placed_w / 72 * self.expect.min_ppi)
            need_h = math.ceil(placed_h / 72 * self.expect.min_ppi)
            self.issues.append((
                f"{label} ({width}×{height} px) is placed at {placed_w / MM:.0f}×{placed_h / MM:.0f} mm: "
                f"{ppi:.0f} ppi, below {self.expect.min_ppi:g} ppi",
                f"use an image of at least {need_w}×{need_h} px, or place it smaller"))

    def _glyphs(self, operands: PdfObject, font: PdfObject | None) -> None:
        """Find glyph 0 (.notdef) among the codes a text operator shows."""
        if font is None:
            return
        import pikepdf

        strings: list[bytes] = []
        for item in operands:
            if isinstance(item, pikepdf.Array):
                strings += [bytes(s) for s in item if isinstance(s, pikepdf.String)]
            elif isinstance(item, pikepdf.String):
                strings.append(bytes(item))
        if font.get("/Subtype") == "/Type0":
            to_cid = cid_map(font.get("/Encoding"))
            if to_cid is None:
                return  # a predefined CMap other than Identity: not decoded here
            gid_map = font.DescendantFonts[0].get("/CIDToGIDMap")  # absent or /Identity: GID = CID
            table = gid_map.read_bytes() if isinstance(gid_map, pikepdf.Stream) else None
            for data in strings:
                for i in range(0, len(data) - 1, 2):
                    cid = to_cid(int.from_bytes(data[i:i + 2], "big"))
                    gid = cid if table is None else int.from_bytes(table[2 * cid:2 * cid + 2] or b"\0\0", "big")
                    if gid == 0:
                        return self._notdef(font)
        elif "/Differences" in font.get("/Encoding", {}):
            names: dict[int, str] = {}
            code = 0
            for item in font.Encoding.Differences:
                if isinstance(item, int):
                    code = int(item)
                else:
                    names[code], code = str(item), code + 1
            if any(names.get(byte) == "/.notdef" for data in strings for byte in data):
                self._notdef(font)

    def _notdef(self, font: PdfObject) -> None:
        base = str(font.get("/BaseFont", "?"))[1:]
        self.issues.append((f"missing glyph (.notdef) in font {base}: a character the font does not have",
                            "use a font that covers the text's script (add it to the template's "
                            "font-family and to print.fonts) or correct the character"))

    def _rgb(self, what: str, fix: str = "use device-cmyk() colours from templates/shared/palette.css "
             "in print editions") -> None:
        self.issues.append((f"{what} in a PDF/X (print) edition", fix))

    def _is_lab(self, space: PdfObject | None, resources: PdfObject) -> bool:
        """CIE Lab, named or through an ICC profile whose alternate is Lab (print editions need CMYK)."""
        import pikepdf

        if isinstance(space, pikepdf.Name):
            named = resources.get("/ColorSpace", {}).get(space)
            return named is not None and self._is_lab(named, resources)
        if isinstance(space, pikepdf.Array) and len(space):
            return space[0] == "/Lab" or (space[0] == "/ICCBased" and space[1].get("/Alternate") == "/Lab")
        return False

    def _is_rgb(self, space: PdfObject | None, resources: PdfObject, depth: int = 0) -> bool:
        """True when a colour space (name or array, resolved through resources) is RGB-based."""
        import pikepdf

        if space is None or depth > 5:
            return False
        if isinstance(space, pikepdf.Name):
            if space in ("/DeviceRGB", "/RGB", "/CalRGB"):
                return True
            named = resources.get("/ColorSpace", {}).get(space)
            return self._is_rgb(named, resources, depth + 1) if named is not None else False
        if isinstance(space, pikepdf.Array) and len(space):
            family = space[0]
            if family == "/ICCBased":
                return int(space[1].get("/N", 0)) == 3
            if family == "/CalRGB":
                return True
            if family in ("/Indexed", "/I"):
                return self._is_rgb(space[1], resources, depth + 1)
            if family in ("/Separation", "/DeviceN"):
                return self._is_rgb(space[2], resources, depth + 1)
        return False
