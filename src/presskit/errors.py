"""The error model: every user-facing error names the file, the line, what is wrong and the fix."""

from __future__ import annotations

import unicodedata
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


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived (a CI cancel, Ctrl-C): raised by the command line's signal handler
    so that the build stops its workers on the way out. Not an Exception: nothing catches it by
    accident, unlike a PresskitError it is no problem with the input."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        """The signal's name: SIGTERM, SIGINT."""
        import signal

        try:
            return signal.Signals(self.signum).name
        except ValueError:
            return f"signal {self.signum}"


def write_problem(exc: OSError, root: Path) -> Problem:
    """A file could not be written (read-only folder, full disk): the file, the cause and the fix.

    *exc* carries the file in its filename (files.WriteError names the target, not its temporary).
    """
    name = relpath(exc.filename, root) if exc.filename else None
    folder = "build/" if name is None or name == "build" or name.startswith("build/") else "its folder"
    return Problem(name, None, f"cannot write ({exc.strerror or exc})",
                   f"make {folder} writable or free disk space")


# Characters never printed as they are: C0 and C1 control characters (ESC starts terminal escape
# sequences, CR rewrites the line, BEL rings) and the bidirectional embeddings, overrides and
# isolates (they reorder what follows on the terminal). Tab and newline stay.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "\n\t") -> str:
    """*text* with every control character escaped (ESC as \\x1b, RLO as \\u202e), for the terminal.

    Content (titles, file names, front matter, translations) reaches error messages, warnings and
    progress lines; a title like "\\x1b[2J" must show as text, not clear the screen. Everything the
    command line and watch mode print passes through here.
    """
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch in keep or not (ch in _BIDI_CONTROLS or unicodedata.category(ch) == "Cc"):
            out.append(ch)
        else:
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return "".join(out)


def unique(problems: list[Problem]) -> list[Problem]:
    """The problems without repeats (several units often share one document or template)."""
    seen, out = set(), []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out
