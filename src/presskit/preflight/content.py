"""Walk a PDF page's content streams (pikepdf): colours, placed images, shown glyphs, fonts used."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .fonts import cid_map

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pikepdf

    from .fonts import PdfObject
    from .pdf import Expectations

MM = 72 / 25.4
Matrix = tuple[float, ...]  # [a b c d e f]


@dataclass
class _State:
    ctm: Matrix = (1, 0, 0, 1, 0, 0)
    fill: PdfObject | None = None
    stroke: PdfObject | None = None
    font: PdfObject | None = None


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

    def walk_page(self, page: pikepdf.Page) -> None:
        """Inspect one page's content streams and everything they draw."""
        import pikepdf

        resources = page.obj.get("/Resources", pikepdf.Dictionary())
        group = page.obj.get("/Group")
        if group is not None and self.expect.pdfx and self._is_rgb(group.get("/CS"), resources):
            self._rgb("page transparency group blends in RGB")
        self._walk(pikepdf.parse_content_stream(page), resources, _State())

    def _walk(self, ops: Iterable[Any], resources: PdfObject, state: _State) -> None:
        import pikepdf

        stack: list[_State] = []
        for operands, op in ops:  # pikepdf's instructions and inline images
            op = str(op)
            if isinstance(operands, pikepdf.PdfInlineImage):  # BI … ID … EI
                self._image(operands.obj, state, "inline image", resources)
            elif op == "q":
                stack.append(_State(state.ctm, state.fill, state.stroke, state.font))
            elif op == "Q" and stack:
                state = stack.pop()
            elif op == "cm":
                state.ctm = _mul(tuple(float(v) for v in operands), state.ctm)
            elif op in ("rg", "RG") and self.expect.pdfx:
                self._rgb(f"RGB colour ({' '.join(f'{float(v):g}' for v in operands)} {op})")
            elif op in ("cs", "CS"):
                space = operands[0]
                if op == "cs":
                    state.fill = space
                else:
                    state.stroke = space
                if self.expect.pdfx and self._is_rgb(space, resources):
                    self._rgb(f"RGB colour space {space} selected")
            elif op == "Tf":
                state.font = resources.get("/Font", {}).get(operands[0])
                if state.font is not None:
                    self.fonts[str(state.font.get("/BaseFont", operands[0]))[1:]] = state.font
            elif op in ("Tj", "'", '"', "TJ"):
                self._glyphs(operands, state.font)
            elif op == "Do":
                self._xobject(operands[0], resources, state)
            elif op == "sh" and self.expect.pdfx:
                shading = resources.get("/Shading", {}).get(operands[0])
                if shading is not None and self._is_rgb(shading.get("/ColorSpace"), resources):
                    self._rgb("RGB gradient (shading)")

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
            inner_state = _State(_mul(matrix, state.ctm), state.fill, state.stroke, state.font)
            self._walk(pikepdf.parse_content_stream(xobj), inner, inner_state)
            self._seen_forms.discard(xobj.objgen)

    def _image(self, image: PdfObject, state: _State, label: str, resources: PdfObject) -> None:
        if not self.expect.pdfx or image.get("/ImageMask", image.get("/IM", False)):
            return
        space = image.get("/ColorSpace", image.get("/CS"))
        if self._is_rgb(space, resources):
            self._rgb(f"RGB {label}", "convert the image to CMYK (or greyscale) before placing it")
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
