"""The error model: every user-facing error names the file, the line, what is wrong and the fix."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXIT_OK = 0
EXIT_ERROR = 1  # content or build error
EXIT_USAGE = 2  # bad command line


@dataclass
class Problem:
    """One finding about the user's input: where, what, and how to fix it."""

    file: str | None
    line: int | None
    message: str
    fix: str | None = None

    def __str__(self) -> str:
        where = self.file or "<project>"
        if self.line:
            where = f"{where}:{self.line}"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" — {self.fix}"
        return text


class PresskitError(Exception):
    """Base of every error presskit reports to the user without a traceback."""

    exit_code = EXIT_ERROR

    def __init__(self, problems: Problem | list[Problem] | str, detail: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(None, None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        # The traceback of an unexpected failure behind this error, shown with --debug only.
        self.detail = detail
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[object, ...]:  # keep the structured problems across process boundaries (workers)
        return (type(self), (self.problems, self.detail))


class ConfigError(PresskitError):
    """campaign.yaml (or another YAML file) is malformed or invalid."""


class ContentError(PresskitError):
    """A content file (Markdown, front matter, image) cannot be used."""


class TemplateError(PresskitError):
    """A Jinja template fails to compile or render."""


class TranslationError(PresskitError):
    """A translation catalog is broken, stale or incomplete."""


class BuildError(PresskitError):
    """An output could not be produced."""


class UsageError(PresskitError):
    """The command line asks for something that does not exist."""

    exit_code = EXIT_USAGE


def relpath(path: Path | str, root: Path) -> str:
    """Return *path* relative to the project root when it lies inside it, for messages."""
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def unique(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats (several units often share one document or template)."""
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out
