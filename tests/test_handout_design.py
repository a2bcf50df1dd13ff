"""The handout's design, read back from the built PDFs (issue 15, item 5): a measure of 55–75
characters for the body text in every language, no hole in the middle of a page, Arabic mirrored
(the agenda tiles included) and never under 9 pt, Chinese punctuation trimmed.

The default project and the fixture project (its own, longer texts) are both held to it; lines are
found by their type, never by their wording (tests/handout_lines.py).
"""

from __future__ import annotations

import statistics
from collections import Counter

import pytest

from handout_lines import Char, body_lines, lines, page_chars, page_runs

LANGS = ("lv", "en", "fr", "es", "ru", "ar", "zh")
EDITIONS = ("", "-screen")
PROJECTS = ("default_built", "built")
MM = 72 / 25.4
HOLE = 55 * MM  # no empty band taller than this (a fifth of the page's type area) between two lines


def handout(root, lang, edition=""):
    return root / "build" / "handouts" / f"handout-{lang}{edition}.pdf"


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("lang", LANGS)
def test_body_text_measure_is_55_to_75_characters(request, project, lang):
    root = request.getfixturevalue(project)
    for edition in EDITIONS:
        found = body_lines(handout(root, lang, edition))
        assert len(found) >= 2, f"{lang}{edition}: no body text found on the back"
        mean = statistics.mean(ln.measure for ln in found)
        assert 55 <= mean <= 75, f"{lang}{edition}: {mean:.1f} characters a line: " + " | ".join(
            ln.text for ln in found)


@pytest.mark.parametrize("project", PROJECTS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_hole_in_the_middle_of_a_page(request, project, lang):
    """The room the text leaves is shared out (between the key messages, between the back's sections),
    not left as one empty band above the foot."""
    root = request.getfixturevalue(project)
    for page in (0, 1):
        found = lines(page_chars(handout(root, lang), page))
        spans = sorted(((min(c.bottom for c in ln.chars if c.text.strip()), max(c.top for c in ln.chars if c.text.strip()))
                        for ln in found), key=lambda s: -s[1])
        gaps = [(upper[0] - lower[1], lower) for upper, lower in zip(spans, spans[1:], strict=False)]
        widest = max(gaps)
        assert widest[0] <= HOLE, f"{lang} page {page + 1}: {widest[0] / MM:.0f} mm empty above y={widest[1][1]:.0f}"


def sizes(path) -> list[Char]:
    return [c for page in (0, 1) for c in page_chars(path, page) if c.text.strip()]


@pytest.mark.parametrize("project", PROJECTS)
def test_arabic_text_is_never_under_9pt(request, project):
    """Footers, labels, the address, the imprint: every character of the Arabic handout."""
    root = request.getfixturevalue(project)
    for edition in EDITIONS:
        small = [c for c in sizes(handout(root, "ar", edition)) if c.size < 8.95]
        assert not small, f"ar{edition}: " + ", ".join(sorted({f"{c.size:g} pt {c.face}" for c in small}))


def tiles_first_and_second(path) -> tuple[float, float, float]:
    """The middle of the first and of the second agenda tile's text, and the middle of the tiles: the
    tiles are set in the back page's most used bold type; the page draws the first tile first."""
    bold = Counter((c.face, c.size) for c in page_chars(path, 1) if c.text.strip() and "Bold" in c.face)
    tile_type = bold.most_common(1)[0][0]
    tiles = [r for r in page_runs(path, 1) if (r.face, r.size) == tile_type]
    middle = (min(r.left for r in tiles) + max(r.right for r in tiles)) / 2
    first = tiles[0]
    second = next(r for r in tiles if (r.middle > middle) != (first.middle > middle))
    return first.middle, second.middle, middle


@pytest.mark.parametrize("project", PROJECTS)
def test_agenda_tiles_run_in_the_reading_direction(request, project):
    """Right to left, the first tile of a row is the right-hand one; left to right, the left-hand one."""
    root = request.getfixturevalue(project)
    for edition in EDITIONS:
        first, second, middle = tiles_first_and_second(handout(root, "ar", edition))
        assert first > middle > second, f"ar{edition}: the first tile is not on the right"
        first, second, middle = tiles_first_and_second(handout(root, "lv", edition))
        assert first < middle < second


@pytest.mark.parametrize("project", PROJECTS)
def test_chinese_punctuation_is_trimmed(request, project):
    """'。”' closes up (the stop's empty half-em trimmed) and the pull quote's opening mark does not
    indent its first line by half a character."""
    root = request.getfixturevalue(project)
    for edition in EDITIONS:
        chars = [c for page in (0, 1) for c in page_chars(handout(root, "zh", edition), page) if c.text.strip()]
        pairs = [(a, b) for a, b in zip(chars, chars[1:], strict=False) if a.text == "。" and b.text == "”"]
        assert pairs, f"zh{edition}: no '。”' to measure"
        for stop, quote in pairs:
            gap = quote.left - stop.right
            assert gap < 0.35 * stop.size, f"zh{edition}: {gap / stop.size:.2f} em between 。 and ”"
        back = lines(page_chars(handout(root, "zh", edition), 1))
        for opening, following in zip(back, back[1:], strict=False):
            if opening.text.lstrip().startswith("“") and following.chars[0].size == opening.chars[0].size:
                indent = opening.left - following.left
                assert indent < 0.25 * opening.chars[0].size, f"zh{edition}: the quote indented {indent:.1f} pt"
                break
        else:
            pytest.fail(f"zh{edition}: no quotation of two lines opening with “ on the back")
