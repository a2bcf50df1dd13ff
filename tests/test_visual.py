"""Visual regression: every page of the default project's PDFs, rendered small and grey, compared with
the approved pictures in tests/visual/<file stem>/<page>.png.

A page passes when its picture has the approved size and differs from it by at most TOLERANCE (mean
absolute difference, 0–255) and in at most CHANGED of its pixels by more than a quarter of the
grey scale; a file passes when it has as many pages as approved pictures. A failure names each page
and writes a picture of it (approved | now | difference) to build/visual-diff/.

After a reviewed change (a template, the content, the fonts): `make approve` builds the default
project and overwrites the approved pictures; look at them (git diff shows which changed) and
commit them with the change.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
APPROVED = REPO / "tests" / "visual"
DIFFS = REPO / "build" / "visual-diff"
DPI = 30
TOLERANCE = 0.5  # mean absolute difference per page, grey levels
CHANGED = 0.0003  # share of a page's pixels that may differ by more than 64 grey levels (0.03 %)
HANDOUT_LANGUAGES = ("lv", "en", "fr", "es", "ru", "ar", "zh")
FILES = (
    "brochure/brochure-lv.pdf", "brochure/brochure-lv-screen.pdf",
    "brochure/brochure-en.pdf", "brochure/brochure-en-screen.pdf",
    *(f"handouts/handout-{lang}.pdf" for lang in HANDOUT_LANGUAGES),
)


def render(pdf: Path) -> list:  # list[PIL.Image.Image]
    """Every page of *pdf* at DPI, in grey (the whole MediaBox: bleed and crop marks included)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return [page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L") for page in document]
    finally:
        document.close()


def approved(stem: str) -> list[Path]:
    return sorted((APPROVED / stem).glob("*.png"))


def approve(build: Path) -> None:
    """Overwrite the approved pictures with the pages of the PDFs under *build*."""
    for name in FILES:
        folder = APPROVED / Path(name).stem
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for number, image in enumerate(render(build / name), 1):
            image.save(folder / f"{number:02d}.png", optimize=True)
        print(f"approved {len(approved(folder.name))} page(s) of {name}")


def difference(old, new) -> tuple[float, float, object]:
    """(mean absolute difference, share of pixels changed by more than 64, the difference image)."""
    from PIL import ImageChops, ImageStat

    diff = ImageChops.difference(old, new)
    changed = diff.point(lambda v: 255 if v > 64 else 0)
    share = ImageStat.Stat(changed).mean[0] / 255
    return ImageStat.Stat(diff).mean[0], share, diff


def write_diff(stem: str, number: int, old, new, diff) -> Path:
    """approved | now | difference (amplified, dark on white), side by side."""
    from PIL import Image, ImageOps

    sheet = Image.new("L", (old.width * 3 + 8, old.height), 255)
    for i, image in enumerate((old, new, ImageOps.invert(diff.point(lambda v: min(255, v * 4))))):
        sheet.paste(image, (i * (old.width + 4), 0))
    DIFFS.mkdir(parents=True, exist_ok=True)
    path = DIFFS / f"{stem}-{number:02d}.png"
    sheet.save(path)
    return path


def compare(pdf: Path, stem: str) -> list[str]:
    """What differs between *pdf*'s pages and the approved pictures of *stem*, one line per page."""
    from PIL import Image

    pages, pictures = render(pdf), approved(stem)
    problems = [] if len(pages) == len(pictures) else [
        f"{stem}: {len(pages)} page(s), approved {len(pictures)}"]
    for number, (page, picture) in enumerate(zip(pages, pictures, strict=False), 1):
        with Image.open(picture) as opened:
            old = opened.convert("L")
        if old.size != page.size:
            problems.append(f"{stem} page {number}: {page.size[0]}×{page.size[1]} px, approved {old.size}")
            continue
        mean, share, diff = difference(old, page)
        if mean > TOLERANCE or share > CHANGED:
            path = write_diff(stem, number, old, page, diff)
            shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
            problems.append(f"{stem} page {number}: mean difference {mean:.2f}, {100 * share:.2f} % of pixels "
                            f"changed — see {shown}")
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("name", FILES)
def test_pages_look_as_approved(default_built, name):
    stem = Path(name).stem
    assert approved(stem), f"no approved pictures for {name}: run make approve, look at tests/visual/{stem}/"
    problems = compare(default_built / "build" / name, stem)
    assert not problems, ("pages differ from the approved pictures (if the change is intended: make approve, "
                          "look at the pictures, commit them):\n" + "\n".join(problems))


def test_a_changed_page_fails_and_writes_its_difference(tmp_path, monkeypatch):
    """The comparison is not blind: a moved line fails, the same picture passes."""
    from PIL import Image, ImageDraw

    monkeypatch.setattr(sys.modules[__name__], "APPROVED", tmp_path / "approved")
    monkeypatch.setattr(sys.modules[__name__], "DIFFS", REPO / "build" / "visual-diff-test")
    page = Image.new("L", (175, 248), 255)
    ImageDraw.Draw(page).rectangle((20, 40, 150, 44), fill=0)
    (tmp_path / "approved" / "x").mkdir(parents=True)
    page.save(tmp_path / "approved" / "x" / "01.png")
    monkeypatch.setattr(sys.modules[__name__], "render", lambda pdf: [page])
    assert compare(tmp_path / "x.pdf", "x") == []
    moved = Image.new("L", page.size, 255)
    ImageDraw.Draw(moved).rectangle((20, 50, 150, 54), fill=0)
    monkeypatch.setattr(sys.modules[__name__], "render", lambda pdf: [moved, moved])
    problems = compare(tmp_path / "x.pdf", "x")
    assert problems[0] == "x: 2 page(s), approved 1"
    assert problems[1].startswith("x page 1: mean difference") and "build/visual-diff-test/x-01.png" in problems[1]
    assert (REPO / "build" / "visual-diff-test" / "x-01.png").is_file()
    shutil.rmtree(REPO / "build" / "visual-diff-test")


if __name__ == "__main__":  # make approve
    approve(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build")
