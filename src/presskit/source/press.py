"""Press conditions (print.press): output intent, ICC profile, ink limit and the screen editions' RGB.

Each press is a registered characterised printing condition (ICC registry, http://www.color.org).
Its profile is made by `make` (scripts/press-profiles: ArgyllCMS colprof from the characterisation
data Debian ships in icc-profiles-free) into the virtual environment, so no binary profile is kept
in the repository and the same data always gives the same bytes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import Problem

if TYPE_CHECKING:
    from PIL import ImageCms

REGISTRY = "http://www.color.org"
DATA_DIR = Path("/usr/share/color/icc")  # icc-profiles-free: FOGRA*.ti3, TR00*.ti3
MAX_PROFILE_BYTES = 10_000_000
MAKE_FIX = "run make (scripts/bootstrap makes the press profiles), or scripts/press-profiles"


@dataclass(frozen=True)
class Press:
    """A characterised printing condition: what the output intent names and what preflight holds to."""

    key: str  # print.press
    identifier: str  # OutputConditionIdentifier, a reference name of the ICC registry
    condition: str  # OutputCondition: the printing condition in words
    tac: float  # total area coverage limit, % (sum of C, M, Y and K)
    tac_source: str  # where the limit comes from
    data: str  # characterisation data (.ti3) under DATA_DIR; "" when none is free to ship
    credit: str  # the data's origin, written into the profile (its licence asks for it)
    missing_fix: str = ""  # what to do when no free data exists

    @property
    def profile_name(self) -> str:
        return f"{self.key}.icc"


PRESSES = {p.key: p for p in (
    Press("fogra39", "FOGRA39", "Offset, ISO 12647-2:2004/Amd 1, paper type 1/2 (coated), FOGRA39", 330.0,
          "ECI ISO Coated v2 (the ECI's separation profile for FOGRA39): TAC 330 %",
          "FOGRA39L.ti3", "Characterisation data FOGRA39L, Fogra (www.fogra.org), via icc-profiles-free"),
    Press("fogra51", "FOGRA51", "Offset, ISO 12647-2:2013, PS1 (premium coated), FOGRA51", 300.0,
          "ECI PSO Coated v3 (the ECI's separation profile for FOGRA51): TAC 300 %", "", "",
          "FOGRA51 characterisation data is not free to redistribute and no Debian package ships it: download "
          "'PSO Coated v3' from www.eci.org into the project (e.g. content/PSOcoated_v3.icc) and set "
          "print.icc_profile to it (the output intent stays FOGRA51)"),
    Press("swop", "CGATS TR 003", "Web offset, SWOP grade 3 coated paper (CGATS TR 003)", 300.0,
          "SWOP specification (U.S. Web Coated (SWOP) v2): TAC 300 %",
          "TR003.ti3", "Characterisation data ANSI CGATS/SWOP TR 003-2007 (NPES), via icc-profiles-free"),
    Press("gracol", "CGATS TR 006", "Sheet-fed offset, GRACoL grade 1 coated paper (CGATS TR 006)", 320.0,
          "GRACoL 2006 coated #1 (IDEAlliance): TAC 320 %",
          "TR006.ti3", "Characterisation data ANSI CGATS/GRACoL TR 006-2007 (NPES), via icc-profiles-free"),
)}
DEFAULT_PRESS = "fogra39"


def profile_dir() -> Path:
    """Where `make` writes the press profiles: inside the virtual environment presskit runs from."""
    return Path(sys.prefix) / "share" / "presskit" / "icc"


def press_profile(key: str) -> tuple[Path, bytes] | Problem:
    """The made ICC profile of press *key*: (path, bytes), or a Problem naming the key and the fix."""
    press = PRESSES.get(key)
    if press is None:
        return Problem(None, None, f"unknown press '{key}'", f"use one of: {', '.join(PRESSES)}")
    if not press.data:
        return Problem(None, None, f"no ICC profile can be made for press '{key}'", press.missing_fix)
    path = profile_dir() / press.profile_name
    try:
        if path.stat().st_size > MAX_PROFILE_BYTES:
            return Problem(None, None, f"{path} is larger than an ICC profile can be", MAKE_FIX)
        data = path.read_bytes()
    except OSError:
        return Problem(None, None, f"the profile of press '{key}' has not been made ({path} is missing)",
                       MAKE_FIX)
    if len(data) < 128 or data[36:40] != b"acsp" or data[16:20] != b"CMYK":
        return Problem(None, None, f"{path} is not a CMYK ICC profile", MAKE_FIX)
    return path, data


def profile_description(data: bytes) -> str:
    """The description ('desc' tag) an ICC profile carries, as the output intent's Info shows it."""
    import io

    from PIL import ImageCms

    try:
        return str(ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(data)))).strip()
    except (OSError, ImageCms.PyCMSError):
        return ""


def screen_rgb(cmyk: str, profile: bytes) -> str:
    """CMYK (as in device-cmyk(): four numbers 0–1) as sRGB hex through the press profile.

    Relative colorimetric with black-point compensation: what the screen editions use, so one colour
    definition looks the same on paper and on screen.
    """
    values = tuple(round(float(v) * 255) for v in cmyk.replace(",", " ").split())
    if len(values) != 4 or not all(0 <= v <= 255 for v in values):
        raise ValueError(f"not a CMYK colour (four numbers 0–1): {cmyk!r}")
    return _rgb(values, profile)


@lru_cache(maxsize=256)
def _rgb(values: tuple[int, ...], profile: bytes) -> str:
    from PIL import Image

    pixel = _transform(profile).apply(Image.new("CMYK", (1, 1), values)).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    return "#{:02x}{:02x}{:02x}".format(*pixel[:3])


@lru_cache(maxsize=4)
def _transform(profile: bytes) -> ImageCms.ImageCmsTransform:
    """One littleCMS transform per profile and process (building it takes ~50 ms)."""
    import io

    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"),
                                   "CMYK", "RGB", ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)
