"""`presskit new`: copy the default project (content, templates) into a new folder."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..errors import Problem, UsageError

PARTS = ("content", "templates")


def scaffold_source() -> Path:
    """Folder holding the default content/ and templates/: the source checkout, or the wheel's copy."""
    package = Path(__file__).resolve().parents[1]
    checkout = package.parents[1]
    if (checkout / "content" / "campaign.yaml").is_file() and (checkout / "templates").is_dir():
        return checkout
    return package / "scaffold"  # the wheel's copy (pyproject.toml: force-include)


def scaffold(directory: Path) -> None:
    """Create *directory* with a complete, buildable project."""
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(Problem(str(directory), None, "folder exists and is not empty",
                                 "choose a new folder name"))
    source = scaffold_source()
    directory.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        shutil.copytree(source / part, directory / part,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
    (directory / ".gitignore").write_text("/build/\n")
