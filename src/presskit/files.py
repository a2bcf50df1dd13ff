"""Files on disk: where a build keeps things, atomic writes and content digests (one place for each)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

BUILD_DIR = "build"  # every output, and nothing else, is written under it
STATE_DIR = ".presskit"  # under build/: the build state, caches, thumbnails, the lock


def state_dir(root: Path) -> Path:
    """build/.presskit/ of the project at *root*."""
    return Path(root) / BUILD_DIR / STATE_DIR


class WriteError(OSError):
    """A file could not be written (read-only folder, full disk, …): errno and strerror of the cause,
    and as filename the file that was to be written (never its temporary). An OSError, so code that
    may ignore a failed write (caches) keeps catching OSError; errors.write_problem() says it to the user."""


def atomic_write(target: Path, data: bytes, durable: bool = True) -> None:
    """Write *data* to a temporary file beside *target*, then rename it into place.

    Readers see the old file or the new one, never half of one; a killed writer leaves a dot-named
    temporary (`.NAME.tmp-PID`) that the next build removes. *durable* flushes the data to disk
    before the rename (outputs and the build state); caches and the report skip the flush, which
    costs more than they are worth rewriting. A failure (read-only folder, full disk) raises
    WriteError naming *target*, with the temporary removed and the previous file left as it was.
    """
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        raise WriteError(exc.errno, exc.strerror or str(exc), str(target)) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: no temporary could be made there either


def file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, or None when it does not exist."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError):
        return None


def text_digest(text: str) -> str:
    """SHA-256 of a text (UTF-8; lone surrogates kept rather than refused)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
