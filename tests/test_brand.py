"""`brand:` in campaign.yaml: its colours reach the print PDFs (as CMYK), the screen PDFs (as RGB), the
DOCX styles and the build report; its logo reaches the brochure's cover and the handout's masthead; a
project without it looks as before; every bad value is an error with its line and fix."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest

from conftest import copy_fixture_project, run
from presskit.errors import ConfigError
from presskit.source.config import Brand, Colour, load_config

ACCENT_CMYK, ACCENT_RGB = (0.85, 0.1, 0.35, 0.25), "#1f7f80"  # an invented water council's teal
BRAND = f"""
brand:
  colours:
    accent: {{cmyk: [0.85, 0.10, 0.35, 0.25], rgb: "{ACCENT_RGB}"}}
    tint: {{cmyk: [0.06, 0, 0.02, 0], rgb: "#eef6f5"}}
  fonts: {{serif: Noto Serif, sans: Noto Sans}}
  logo: content/logo.png
"""
BROCHURE, BROCHURE_SCREEN = "build/brochure/brochure-lv.pdf", "build/brochure/brochure-lv-screen.pdf"
HANDOUT, HANDOUT_SCREEN = "build/handouts/handout-lv.pdf", "build/handouts/handout-lv-screen.pdf"
BRIEFING = "build/briefing/briefing-lv.docx"


def set_brand(root: Path, brand: str) -> None:
    """Replace the fixture's brand: block (the end of campaign.yaml) and build only Latvian outputs."""
    config = root / "content" / "campaign.yaml"
    text = config.read_text(encoding="utf-8")
    text = text[:text.index("\nbrand:")] if "\nbrand:" in text else text
    text = re.sub(r"languages: \[lv, en(, fr, es, ru, ar, zh)?\]\n    (editions|stem)", r"languages: [lv]\n    \2",
                  text)
    config.write_text(text + brand, encoding="utf-8")


def grey_png(path: Path) -> None:
    """A greyscale PNG logo of the invented organisation: 800 × 200 pixels, 300 ppi at up to 17 mm high."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (800, 200), 255)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 200, 200), fill=60)
    draw.rectangle((250, 70, 780, 130), fill=30)
    image.save(path)


@pytest.fixture(scope="module")
def branded(tmp_path_factory) -> Path:
    root = copy_fixture_project(tmp_path_factory.mktemp("brand") / "project")
    set_brand(root, BRAND)
    grey_png(root / "content" / "logo.png")
    run("build", "brochure", "handouts", "briefing", "--root", root, check=True)
    return root


def colours(path: Path, page: int = 0) -> set[tuple[str, tuple[float, ...]]]:
    """Every fill and stroke colour set on a page: ('cmyk' | 'rgb', values)."""
    found = set()
    with pikepdf.open(path) as pdf:
        for operands, op in pikepdf.parse_content_stream(pdf.pages[page]):
            if not all(isinstance(x, (int, float, Decimal)) for x in operands):
                continue  # a pattern or colour space name
            values = tuple(round(float(x), 3) for x in operands)
            if str(op) in ("scn", "SCN", "k", "K") and len(values) == 4:
                found.add(("cmyk", values))
            elif str(op) in ("rg", "RG"):
                found.add(("rgb", values))
    return found


def images(path: Path, page: int = 0) -> list[tuple[int, int]]:
    """The sizes in pixels of the image XObjects a page draws (`Do`, in its forms too)."""
    with pikepdf.open(path) as pdf:
        return _drawn(pdf.pages[page].obj, pikepdf.parse_content_stream(pdf.pages[page]))


def _drawn(holder: pikepdf.Object, operations: list) -> list[tuple[int, int]]:
    found = []
    xobjects = holder.get("/Resources", {}).get("/XObject", {})
    for operands, op in operations:
        if str(op) == "Do" and operands[0] in xobjects:
            xobject = xobjects[operands[0]]
            if xobject.get("/Subtype") == "/Image":
                found.append((int(xobject.Width), int(xobject.Height)))
            elif xobject.get("/Subtype") == "/Form":
                found += _drawn(xobject, pikepdf.parse_content_stream(xobject))
    return found


def test_accent_reaches_print_as_cmyk_and_screen_as_rgb(branded):
    rgb = tuple(round(int(ACCENT_RGB[i:i + 2], 16) / 255, 3) for i in (1, 3, 5))
    for target in (BROCHURE, HANDOUT):
        assert ("cmyk", ACCENT_CMYK) in colours(branded / target), target
        assert not any(kind == "rgb" for kind, _ in colours(branded / target)), target
    for target in (BROCHURE_SCREEN, HANDOUT_SCREEN):
        assert ("rgb", rgb) in colours(branded / target), target
    carmine = ("cmyk", (0.0, 0.85, 0.6, 0.38))
    assert carmine not in colours(branded / BROCHURE)


def test_accent_and_fonts_reach_the_docx_styles(branded):
    with zipfile.ZipFile(branded / BRIEFING) as docx:
        styles = docx.read("word/styles.xml").decode()
    heading = re.search(r'<w:style [^>]*w:styleId="Heading1".*?</w:style>', styles).group(0)
    assert '<w:color w:val="1F7F80"/>' in heading and 'w:ascii="Noto Sans"' in heading
    assert 'w:fill="EEF6F5"' in styles  # the tint: code and notes
    assert "A64047" not in styles and "9E183F" not in styles


def test_accent_reaches_the_report(branded):
    report = (branded / "build" / "index.html").read_text(encoding="utf-8")
    assert f"--accent: {ACCENT_RGB};" in report


def test_logo_on_the_brochure_covers_and_the_handout_masthead(branded):
    for target in (BROCHURE, BROCHURE_SCREEN, HANDOUT, HANDOUT_SCREEN):
        assert images(branded / target) == [(800, 200)], target
    with pikepdf.open(branded / BROCHURE) as pdf:
        last = len(pdf.pages) - 1
    assert len(images(branded / BROCHURE, last)) == 1  # the back cover
    assert images(branded / BROCHURE, 1) == []


def test_branded_print_editions_pass_preflight(branded):
    proc = run("check", "--root", branded)
    assert proc.returncode == 0, proc.stderr


def test_an_rgb_svg_logo_in_print_is_left_to_preflight(project):
    set_brand(project, BRAND.replace("logo.png", "logo.svg"))
    (project / "content" / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50"><rect width="200" height="50" fill="#1f7f80"/></svg>')
    run("build", "handouts", "--root", project, check=True)
    proc = run("check", "--root", project)
    assert proc.returncode == 1
    assert "build/handouts/handout-lv.pdf: page 1: RGB" in proc.stderr, proc.stderr


def test_no_brand_block_gives_the_same_pages_as_todays_values(tmp_path):
    """The fixture's brand: block holds today's palette; without it the pages are the same."""
    pages = []
    for name, keep in (("with", True), ("without", False)):
        root = copy_fixture_project(tmp_path / name)
        if not keep:
            set_brand(root, "")
        run("build", "brochure", "--root", root, check=True)
        with pikepdf.open(root / BROCHURE) as pdf:
            pages.append([pikepdf.unparse_content_stream(pikepdf.parse_content_stream(page)) for page in pdf.pages])
        assert ("cmyk", (0.0, 0.85, 0.6, 0.38)) in colours(root / BROCHURE)
    assert pages[0] == pages[1]


def test_default_brand_is_todays_palette():
    brand = Brand()
    assert brand.colours["accent"] == Colour((0.0, 0.85, 0.6, 0.38), "#a64047")
    assert brand.fonts == {"serif": "Noto Serif", "sans": "Noto Sans", "mono": "Noto Sans Mono"}
    assert brand.logo is None


def test_an_accent_of_its_own_gets_a_pale_companion(project):
    set_brand(project, BRAND.replace("  logo: content/logo.png\n", ""))
    brand = load_config(project).brand
    assert brand.colours["on_accent"] == Colour((0.119, 0.014, 0.049, 0.0), "#e0eded")
    assert brand.colours["ink"] == Colour((0.0, 0.0, 0.0, 1.0), "#373535")  # not given: the default


def test_brand_changes_rebuild_the_outputs(branded):
    config = branded / "content" / "campaign.yaml"
    config.write_text(config.read_text().replace("0.85, 0.10, 0.35, 0.25", "0.80, 0.10, 0.35, 0.25"))
    proc = run("build", "--explain", "--root", branded, check=True)
    assert "rebuild build/briefing/briefing-lv.docx: changed_config" in proc.stdout
    assert "rebuild build/brochure/brochure-lv.pdf: changed_config" in proc.stdout


BAD = {
    "cmyk_percent": ('    accent: {cmyk: [0, 85, 60, 38], rgb: "#a64047"}',
                     "brand.colours.accent.cmyk: expected four numbers from 0 to 1 (C, M, Y, K), got [0, 85, 60, 38] — "
                     "write percentages as fractions, e.g. [0, 0.85, 0.6, 0.38] for C0 M85 Y60 K38"),
    "cmyk_three": ('    accent: {cmyk: [0, 0.5, 0.5], rgb: "#a64047"}',
                   "brand.colours.accent.cmyk: expected four numbers from 0 to 1 (C, M, Y, K), got [0, 0.5, 0.5] — "
                   "write e.g. [0, 0.85, 0.6, 0.38] for C0 M85 Y60 K38"),
    "rgb_short": ('    accent: {cmyk: [0, 0.85, 0.6, 0.38], rgb: "#a647"}',
                  "brand.colours.accent.rgb: expected a colour #rrggbb, got '#a647' — "
                  'write six hex digits in quotes, e.g. rgb: "#a64047"'),
    "rgb_unquoted": ("    accent:\n      cmyk: [0, 0.85, 0.6, 0.38]\n      rgb: #a64047",
                     "brand.colours.accent.rgb: expected a colour #rrggbb, got nothing (in YAML an unquoted # starts a "
                     'comment) — write six hex digits in quotes, e.g. rgb: "#a64047"'),
    "rgb_missing": ("    accent: {cmyk: [0, 0.85, 0.6, 0.38]}",
                    "brand.colours.accent: a colour needs both its cmyk (print) and its rgb (screen) value — "
                    'write e.g. {cmyk: [0, 0.85, 0.60, 0.38], rgb: "#a64047"}'),
    "font": ("  fonts: {serif: Garamond}",
             "brand.fonts.serif: 'Garamond' is not in print.fonts — add 'Garamond' to print.fonts (and install it), "
             "or use one of: Noto Serif, Noto Sans, Noto Sans Mono, Noto Serif CJK SC, Noto Sans CJK SC, "
             "Noto Naskh Arabic, Noto Sans Arabic"),
    "logo_outside": ("  logo: ../logo.svg",
                     "brand.logo: '../logo.svg' is outside the project folder — copy the file into the project "
                     "(e.g. content/images/) and refer to it by a relative path"),
    "logo_missing": ("  logo: content/missing.svg",
                     "brand.logo: 'content/missing.svg' not found — add the file or correct the path "
                     "(relative paths start at the project folder)"),
    "logo_kind": ("  logo: content/brochure.md",
                  "brand.logo: 'content/brochure.md' is not an image presskit can read; a logo must be SVG or PNG — "
                  "export it as SVG (print: device-cmyk() colours) or as a greyscale or CMYK PNG"),
    "logo_jpeg": ("  logo: content/logo.jpg",
                  "brand.logo: 'content/logo.jpg' is a JPEG image; a logo must be SVG or PNG — "
                  "export it as SVG (print: device-cmyk() colours) or as a greyscale or CMYK PNG"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_brand_values_are_errors_with_line_and_fix(project, case):
    from PIL import Image

    (project.parent / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    Image.new("L", (10, 10)).save(project / "content" / "logo.jpg", "JPEG")
    text, message = BAD[case]
    section = "colours:\n" + text if text.startswith("    ") else text
    set_brand(project, "\nbrand:\n  " + section.lstrip() + "\n")
    with pytest.raises(ConfigError) as err:
        load_config(project)
    lines = (project / "content" / "campaign.yaml").read_text().splitlines()
    key = message.split(":")[0].split(".")[-1]
    line = next(i for i, t in enumerate(lines, 1) if i > lines.index("brand:") and f"{key}:" in t)
    assert [str(p) for p in err.value.problems] == [f"content/campaign.yaml:{line}: {message}"]


def test_unknown_brand_keys_warn(project):
    set_brand(project, "\nbrand:\n  colours:\n    gold: {cmyk: [0, 0.2, 1, 0], rgb: \"#f5c400\"}\n  slogan: x\n")
    warnings = [str(w) for w in load_config(project).warnings]
    assert [w.split(": ", 2)[1:] for w in warnings] == [
        ["brand.slogan", "unknown key — known keys: colours, fonts, logo"],
        ["brand.colours.gold", "unknown key — known keys: accent, ink, tint, rule, on_accent"]]


def test_house_style_is_cached_per_palette():
    from presskit.docx.reference import brand_reference

    first, again = brand_reference(Brand()), brand_reference(Brand())
    assert first[1] is again[1]
    other = Brand(colours={**Brand().colours, "accent": Colour((1.0, 0.0, 0.0, 0.0), "#00a0e0")})
    with zipfile.ZipFile(io.BytesIO(brand_reference(other)[1])) as docx:
        assert '<w:color w:val="00A0E0"/>' in docx.read("word/styles.xml").decode()
