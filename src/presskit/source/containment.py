"""Containment: which files presskit reads, and how — inside the project root after symlinks, regular, bounded.

Every project file presskit reads goes through read_project_file(): documents, catalogs, YAML,
templates, images, the ICC profile and the inputs the build state names. The rule is one: the
path, with every symbolic link resolved, must lie inside the project root (a link inside the project
to a file inside it is fine); it must be a regular file (not a FIFO, a device or a folder); and it
may be at most its kind's size limit. A violation is an error naming the file (relative to the
project) and the fix. Files under build/.presskit/ are presskit's own, read by store.JsonStore
(a layer below) with a stricter rule: no symbolic link at all.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from ..errors import BuildError, ConfigError, ContentError, PresskitError, Problem, TemplateError, TranslationError
from ..files import BUILD_DIR, STATE_DIR

if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import Campaign

REMOTE_FIX = "download the file into the project (e.g. content/images/) and refer to it by a relative path"
OUTSIDE_FIX = "copy the file into the project (e.g. content/images/) and refer to it by a relative path"

# ---- size limits per kind of file, in bytes (and pixels) ----------------------------------------
# A document of 1 MB is some 500 printed pages, far beyond a brochure; a 10 MB file would keep
# Markdown and WeasyPrint busy for minutes.
MAX_DOCUMENT_BYTES = 1_000_000
MAX_CATALOG_BYTES = 10_000_000  # a PO file of every document in one language: a few hundred KB
MAX_YAML_BYTES = 1_000_000  # campaign.yaml and recipient lists: a few KB
MAX_TEMPLATE_BYTES = 5_000_000  # Jinja files and the stylesheets they include
MAX_IMAGE_BYTES = 50_000_000
MAX_ICC_BYTES = 10_000_000  # CMYK profiles are 0.2–3 MB
MAX_INPUT_BYTES = MAX_IMAGE_BYTES  # any input the build state names: as large as the largest kind
# Where the system keeps colour profiles (Debian: icc-profiles-free, Ghostscript's libgs-common).
SYSTEM_ICC_DIR = Path("/usr/share/color/icc")
DEFAULT_ICC = "/usr/share/color/icc/ghostscript/default_cmyk.icc"
CAMPAIGN_FILE = "content/campaign.yaml"
LINK_FIX = "replace the link with a copy of the file (presskit reads only files inside the project)"


@dataclass(frozen=True)
class FileKind:
    """A kind of project file: its name in messages, size limit, error class and fixes."""

    label: str
    limit: int
    error: type[PresskitError]
    too_big_fix: str
    missing_fix: str


DOCUMENT = FileKind("document", MAX_DOCUMENT_BYTES, ContentError,
                    "split it into several documents or remove pasted data", "create it or correct the name")
CATALOG = FileKind("translation catalog", MAX_CATALOG_BYTES, TranslationError,
                   "remove pasted data or obsolete entries (#~), or restore it and run presskit i18n update",
                   "run presskit i18n update")
YAML = FileKind("YAML file", MAX_YAML_BYTES, ConfigError, "remove pasted data (settings take a few kilobytes)",
                "create it (presskit new DIR scaffolds a project)")
TEMPLATE = FileKind("template file", MAX_TEMPLATE_BYTES, TemplateError,
                    "move large data (fonts, images) into files of their own and link them",
                    "create it or correct the include/extends name")
IMAGE = FileKind("image", MAX_IMAGE_BYTES, ContentError, "scale it down or export it compressed (PNG or JPEG)",
                 "add the file or correct the path")
ICC = FileKind("ICC profile", MAX_ICC_BYTES, ConfigError,
               "use the CMYK profile of the printing condition (a few hundred kilobytes)",
               "install Ghostscript's profile (apt-get install libgs10-common) or point print.icc_profile "
               "at a CMYK ICC profile")
RESOURCE = FileKind("resource", MAX_IMAGE_BYTES, ContentError, "make it smaller (images: scale them down)",
                    "add the file or correct the path")
INPUT = FileKind("build input", MAX_INPUT_BYTES, BuildError, "make it smaller", "restore it")

_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"),
                (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))


def read_project_file(root: Path, path: Path | str, kind: FileKind) -> bytes:
    """The bytes of a file of the project at *root*, read under the containment rule.

    *path* may be relative to *root* or absolute. Raises *kind*'s error, naming the file relative to
    the project, when the path (symbolic links resolved) leaves the project, is not a regular file,
    is larger than the kind's limit, does not exist or cannot be read.
    """
    given = Path(root)
    root = given.resolve()
    path = Path(path)
    if not path.is_absolute():
        path = given / path
    name = display_name(path, given, root)

    def refuse(message: str, fix: str) -> PresskitError:
        return kind.error(Problem(name, None, message, fix))

    try:
        resolved = path.resolve()  # every symbolic link followed
    except (OSError, RuntimeError):  # a loop
        raise refuse("file is a symbolic link that leads nowhere (a loop)", LINK_FIX) from None
    if not resolved.is_relative_to(root):
        if resolved != Path(os.path.abspath(path)):
            raise refuse("file is a symbolic link leading outside the project folder", LINK_FIX)
        raise refuse("file is outside the project folder", "use a file inside the project folder")
    try:
        _check_regular(os.stat(resolved).st_mode, refuse)  # before opening: a device is never opened
        # O_NONBLOCK: a FIFO put in place since the stat does not wait for a writer (fstat refuses it).
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise refuse("file not found", kind.missing_fix) from None
    except OSError as exc:
        raise refuse(f"file cannot be read ({exc.strerror})", "check that it is a file you may read") from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        _check_regular(info.st_mode, refuse)
        if info.st_size <= kind.limit:
            os.set_blocking(fd, True)
            data = fh.read(kind.limit + 1)  # a file growing while read stops at the limit
        else:
            data = b""
    size = max(info.st_size, len(data))
    if size > kind.limit:
        article = "an" if kind.label[0] in "aeiouAEIOU" else "a"
        raise refuse(f"file is {size / 1e6:.1f} MB, more than the {kind.limit / 1e6:.0f} MB limit for {article} "
                     f"{kind.label}", kind.too_big_fix)
    return data


def read_project_text(root: Path, path: Path | str, kind: FileKind) -> str:
    """A project file's text (read_project_file), decoded as UTF-8 with its BOM dropped; bytes that
    are not UTF-8 raise *kind*'s error at their line."""
    data = read_project_file(root, path, kind)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        given, file = Path(root), Path(path)
        name = display_name(file if file.is_absolute() else given / file, given, given.resolve())
        line = data[: exc.start].count(b"\n") + 1
        raise kind.error(Problem(name, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                 "save the file as UTF-8")) from None


def _check_regular(mode: int, refuse: Callable[[str, str], PresskitError]) -> None:
    for test, what in _NOT_REGULAR:
        if test(mode):
            raise refuse(f"file is {what}, not a regular file", "replace it with a regular file")


def display_name(path: Path, given: Path, root: Path) -> str:
    """*path* relative to the project (as written, not where its links lead), for messages."""
    absolute = Path(os.path.abspath(path))
    for base in (Path(os.path.abspath(given)), root):
        if absolute.is_relative_to(base):
            return absolute.relative_to(base).as_posix()
    return str(absolute)


def is_project_relative(rel: str) -> bool:
    """Whether *rel* is a plain relative path (no `..`, not absolute) as the build state records inputs."""
    if not rel or "\0" in rel or "\\" in rel:
        return False
    parts = PurePosixPath(rel).parts
    return not PurePosixPath(rel).is_absolute() and ".." not in parts and bool(parts)


def project_digest(root: Path, path: Path | str, kind: FileKind = INPUT) -> str | None:
    """SHA-256 of a project file read under the containment rule; None when it is missing or refused."""
    import hashlib

    try:
        return hashlib.sha256(read_project_file(root, path, kind)).hexdigest()
    except PresskitError:
        return None


# ---- references from content: images, stylesheets, fonts ----------------------------------------

def resolve_project_file(root: Path, ref: str, base: Path | None = None) -> Path | Problem:
    """Resolve a reference from content (relative path, absolute path or file: URL) to a file in *root*.

    Returns the resolved path, or a Problem (without file and line: the caller knows where the
    reference was written) when the reference is remote, leaves the project (through `..`, an
    absolute path or a symbolic link) or names no file. Relative references resolve against
    *base* (default: the project root, which is also the base URL of every rendered page).
    """
    root = Path(root).resolve()
    parsed = urlparse(ref)
    if parsed.scheme == "file":
        if parsed.netloc not in ("", "localhost"):
            return Problem(None, None, f"'{ref}' names a file on another machine", OUTSIDE_FIX)
        path = Path(unquote(parsed.path))
    elif parsed.scheme.lower() == "data":  # the data itself, checked by check_data_image
        return Problem(None, None, f"'{short_ref(ref)}' is embedded data, not a file")
    elif len(parsed.scheme) > 1:  # one letter is a Windows drive, not a scheme
        return Problem(None, None, f"'{ref}' is a remote resource ({parsed.scheme}:); "
                                   "outputs may only use files inside the project", REMOTE_FIX)
    else:
        path = Path(unquote(ref.split("#")[0].split("?")[0]))
    if not path.is_absolute():
        path = (base or root) / path
    try:
        resolved = path.resolve()  # follows symbolic links: a link out of the project is refused
    except (OSError, RuntimeError):  # a symlink loop
        return Problem(None, None, f"'{ref}' cannot be resolved (symbolic link loop)", OUTSIDE_FIX)
    if not resolved.is_relative_to(root):
        return Problem(None, None, f"'{ref}' is outside the project folder", OUTSIDE_FIX)
    if not resolved.is_file():
        if resolved.exists():  # a folder, a FIFO, a device
            return Problem(None, None, f"'{ref}' is not a regular file", "replace it with a regular file")
        return Problem(None, None, f"'{ref}' not found",
                       "add the file or correct the path (relative paths start at the project folder)")
    return resolved


def short_ref(ref: str, limit: int = 48) -> str:
    """A reference shortened for messages (a data: URL can be a megabyte long)."""
    return ref if len(ref) <= limit else ref[: limit - 1] + "…"


# ---- the build folder and the print profile ------------------------------------------------------

def build_dir_problems(root: Path) -> list[Problem]:
    """build/ and build/.presskit/ must be folders of the project itself (when they exist): not
    symbolic links (`.gitignore`'s /build/ does not match a link, so a commit can bring one), not
    files; and the build lock a regular file."""
    lock = f"{BUILD_DIR}/{STATE_DIR}/lock"
    for rel in (BUILD_DIR, f"{BUILD_DIR}/{STATE_DIR}", lock):
        path = Path(root) / rel
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return []
        except OSError as exc:
            return [Problem(rel, None, f"cannot be read ({exc.strerror})", "check its permissions")]
        if rel == lock:  # opened for writing by every build: a link would create a file where it leads
            if not stat.S_ISREG(mode):
                return [Problem(rel, None, "is not a regular file", f"delete it (rm {rel}); presskit creates it itself")]
        elif stat.S_ISLNK(mode):
            return [Problem(rel, None, "is a symbolic link, not a folder of the project's own (outputs would "
                                       "be written wherever it leads)",
                            f"delete the link (rm {rel}); presskit creates {rel}/ itself")]
        elif not stat.S_ISDIR(mode):
            return [Problem(rel, None, "is a file, not a folder",
                            f"delete or rename it; presskit creates {rel}/ itself")]
    return []


def check_build_dir(root: Path) -> None:
    """Raise a BuildError unless build/ (and build/.presskit/) are real folders or do not exist yet."""
    if problems := build_dir_problems(root):
        raise BuildError(problems)


def read_icc_profile(root: Path, value: str) -> tuple[Path, bytes] | Problem:
    """The CMYK ICC profile *value* names (print.icc_profile): (path, bytes), or a Problem saying why not.

    Allowed: a file inside the project (relative paths start at the project folder), or a regular
    file under /usr/share/color/icc/ (where Debian installs profiles), either within MAX_ICC_BYTES,
    whose header says it is an ICC profile ('acsp' at byte 36) of a CMYK device ('CMYK' at byte 16).
    The value is checked wherever it came from (campaign.yaml, or the YAML cache).
    """
    root = Path(root).resolve()
    if not value.strip():
        return Problem(None, None, "no profile named", f"name a CMYK ICC profile (e.g. {DEFAULT_ICC})")
    path = Path(value)
    if not path.is_absolute():
        path = root / path
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return Problem(None, None, f"{value} is a symbolic link that leads nowhere (a loop)", LINK_FIX)
    system = SYSTEM_ICC_DIR.resolve()
    within = root if resolved.is_relative_to(root) else system if resolved.is_relative_to(system) else None
    if within is None:
        return Problem(None, None, f"{value} is outside the project folder and not under {SYSTEM_ICC_DIR}/",
                       "copy the printing condition's CMYK profile into the project (e.g. content/print.icc) "
                       f"and name it here, or use one under {SYSTEM_ICC_DIR}/ (e.g. {DEFAULT_ICC})")
    try:
        data = read_project_file(within, resolved, ICC)
    except PresskitError as exc:
        problem = exc.problems[0]
        if problem.message == "file not found":
            return Problem(None, None, f"{value} does not exist", ICC.missing_fix)
        return Problem(None, None, f"{value}: {problem.message}", problem.fix)
    if len(data) < 128 or data[36:40] != b"acsp":
        return Problem(None, None, f"{value} is not an ICC profile (no 'acsp' signature in its header)",
                       f"use the CMYK .icc file of the printing condition (e.g. {DEFAULT_ICC})")
    if data[16:20] != b"CMYK":
        space = data[16:20].decode("latin-1").strip() or "another"
        space = space if space.isprintable() and space.isascii() else "another"
        return Problem(None, None, f"{value} is an ICC profile for {space} colour, not CMYK",
                       f"use the CMYK profile of the printing condition (e.g. {DEFAULT_ICC})")
    return resolved, data


def print_profile(campaign: Campaign) -> tuple[Path, bytes] | Problem:
    """The output intent's CMYK profile: print.icc_profile when set, else the one `make` made for
    print.press; or a Problem on that key's line of campaign.yaml (never a silent fallback)."""
    from .press import press_profile

    settings = campaign.print
    key = "icc_profile" if settings.icc_profile else "press"
    found = (read_icc_profile(campaign.root, settings.icc_profile) if settings.icc_profile
             else press_profile(settings.press))
    if isinstance(found, Problem):
        line = campaign.line_of("print", key) or campaign.line_of("print")
        return Problem(CAMPAIGN_FILE, line, f"print.{key}: {found.message}", found.fix)
    return found


def icc_profile_problem(campaign: Campaign) -> Problem | None:
    """The campaign's print profile as a Problem on its line of campaign.yaml, if it cannot be used."""
    found = print_profile(campaign)
    return found if isinstance(found, Problem) else None


def has_print_edition(campaign: Campaign) -> bool:
    """Whether any output is built as a print edition (which embeds the ICC profile)."""
    return any(out.format == "pdf" and "print" in out.editions for out in campaign.outputs.values())


def check_project(campaign: Campaign) -> None:
    """Raise every containment violation of the project as a whole (`presskit check`): build/ that is
    not a folder of the project's own, and a print profile that cannot be used."""
    problems = build_dir_problems(campaign.root)
    if has_print_edition(campaign) and (icc := icc_profile_problem(campaign)):
        problems.append(icc)
    if problems:
        raise ConfigError(problems)


def locate_reference(url: str, sources: list[Path], root: Path) -> tuple[str | None, int | None]:
    """File (relative to *root*) and line where a fetched URL was written, if it can be found."""
    parsed = urlparse(url)
    path = unquote(parsed.path) if parsed.scheme == "file" else url
    needles = [url, unquote(url), path]
    if path.startswith(str(root) + "/"):  # a relative reference, made absolute by the base URL
        needles.append(path[len(str(root)) + 1:])
    needles.append(Path(path).name)
    for needle in [n for n in needles if n]:
        for source in sources:
            try:
                text = read_project_file(root, source, INPUT).decode("utf-8-sig", errors="replace")
            except PresskitError:
                continue
            at = text.find(needle)
            if at >= 0:
                try:
                    name = source.resolve().relative_to(root).as_posix()
                except ValueError:
                    name = str(source)
                return name, text.count("\n", 0, at) + 1
    return None, None
