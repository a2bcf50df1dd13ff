"""One small JSON store for everything presskit remembers under build/.presskit/.

Every cache and record there is a JsonStore with the same validity rule: the file carries a
version key (its format and the code whose results it keeps), and each entry the digests it was
computed from; an entry is used only while both are equal. A missing, damaged or other-version
file is an empty store, so a cache can only ever cost time, never give a wrong answer.

The files are untrusted (a zip or a commit can bring a build/ folder): a store reads only a regular
file of at most MAX_STORE_BYTES, opened without following a symbolic link, in a build/.presskit/
that is a folder of the project's own (neither it nor build/ a link); anything else, and any file or
entry of the wrong shape, is discarded with a one-line notice (once per process), never a traceback.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .files import BUILD_DIR, STATE_DIR, atomic_write, state_dir

MAX_STORE_BYTES = 50_000_000  # the build state and every cache: a large project's state is ~100 KB


class JsonStore:
    """A JSON file of entries `{key: {"depends": …, "value": …}}` under a version key.

    Unless *create*, nothing is written while the project has no build/.presskit/ folder (a command
    that only reads must not create build/). A failed write (read-only or full disk) is ignored
    unless the store is *durable* (the build state), whose loss would be a wrong answer rather than
    a slower one; a durable store is flushed to disk. *consequence* ends the notice printed when the
    file is damaged ("rebuilding every output").
    """

    def __init__(self, root: Path, name: str, version: str, durable: bool = False, create: bool = False,
                 consequence: str = "computing what it held again"):
        self.root = Path(root)
        self.path = state_dir(root) / name
        self.version, self.durable, self.create = version, durable, create or durable
        self.consequence = consequence
        self.changed = False
        self.token: object = None  # what the file held (its digest), so each damage is told once
        self.entries: dict[str, Any] = self._read()

    @property
    def name(self) -> str:
        """The file, relative to the project, for notices."""
        return f"{BUILD_DIR}/{STATE_DIR}/{self.path.name}"

    def _read(self) -> dict[str, Any]:
        if not state_folder_is_real(self.root):
            return {}  # build/ or build/.presskit/ is a link or a file: the build refuses to run
        try:
            raw = read_store_file(self.path)
        except FileNotFoundError:
            return {}
        except StoreFileRefused as exc:
            self.notice(str(exc), exc.token)
            return {}
        import hashlib

        self.token = hashlib.sha256(raw).hexdigest()
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # not JSON (or nested beyond the parser's stack)
            self.notice("is damaged", self.token)
            return {}
        if not isinstance(data, dict):
            self.notice("is damaged", self.token)
            return {}
        if data.get("version") != self.version:
            return {}  # another format or code version: not damage, just not ours to use
        entries = data.get("entries")
        if not isinstance(entries, dict):
            self.notice("is damaged", self.token)
            return {}
        return entries

    def notice(self, what: str, token: object = None) -> None:
        """Say once per process (per *token*, by default the file's content) that it was found damaged."""
        notice(f"{self.name} {what}; {self.consequence}", self.token if token is None else token)

    def get(self, key: str, depends: Any, valid: Callable[[Any], bool] | None = None) -> Any | None:
        """The value stored under *key* when it was computed from *depends* (digests, stamps).

        A value that fails *valid* (its expected shape) is discarded: it cannot come from presskit.
        """
        entry = self.entries.get(key)
        if isinstance(entry, dict) and "value" in entry and entry.get("depends") == _as_json(depends):
            if valid is not None and not _safely(valid, entry["value"]):
                self.discard(key)
                return None
            return entry["value"]
        return None

    def discard(self, key: str) -> None:
        """Drop an entry found damaged, with the notice."""
        self.entries.pop(key, None)
        self.changed = True
        self.notice("is damaged")  # once per content of the file, however many entries

    def put(self, key: str, depends: Any, value: Any) -> None:
        """Remember *value* as computed from *depends* (both JSON data)."""
        self.entries[key] = {"depends": _as_json(depends), "value": value}
        self.changed = True

    def save(self, force: bool = False) -> None:
        """Write the store when it changed (or *force*)."""
        if not (self.changed or force):
            return
        if not self.create and not self.path.parent.is_dir():
            return
        if not state_folder_is_real(self.root):
            return  # never write through a link (the build refuses such a build/ with an error)
        # Key order is kept: a cached mapping (campaign.yaml's outputs) must read back in its order.
        data = json.dumps({"version": self.version, "entries": self.entries}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        try:
            atomic_write(self.path, data, durable=self.durable)
        except OSError:
            if self.durable:
                raise
        self.changed = False


class StoreFileRefused(Exception):
    """A file under build/.presskit/ that is not presskit's: a link, not a regular file, too large."""

    def __init__(self, what: str, token: object):
        super().__init__(what)
        self.token = token


def state_folder_is_real(root: Path) -> bool:
    """Whether build/ and build/.presskit/ are folders of the project's own, or do not exist yet."""
    for path in (Path(root) / BUILD_DIR, state_dir(root)):
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return True
        except OSError:
            return False
        if not stat.S_ISDIR(mode):  # lstat: a symbolic link is not a folder
            return False
    return True


def read_store_file(path: Path) -> bytes:
    """The bytes of a file under build/.presskit/: never through a symbolic link, only a regular file,
    at most MAX_STORE_BYTES. The folder itself must have been checked (state_folder_is_real).

    Raises FileNotFoundError when there is none, StoreFileRefused for anything else.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        raise
    except OSError as exc:  # ELOOP: the file is a symbolic link
        what = "is a symbolic link" if os.path.islink(path) else f"cannot be read ({exc.strerror})"
        try:
            info = os.lstat(path)
            token: object = (info.st_ino, info.st_size, info.st_mtime_ns)
        except OSError:
            token = exc.errno
        raise StoreFileRefused(what, token) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        token = (info.st_size, info.st_mtime_ns)
        if not stat.S_ISREG(info.st_mode):
            raise StoreFileRefused("is not a regular file", token)
        if info.st_size > MAX_STORE_BYTES:
            raise StoreFileRefused(f"is larger than {MAX_STORE_BYTES // 1_000_000} MB", token)
        os.set_blocking(fd, True)
        data = fh.read(MAX_STORE_BYTES + 1)
    if len(data) > MAX_STORE_BYTES:
        raise StoreFileRefused(f"is larger than {MAX_STORE_BYTES // 1_000_000} MB", token)
    return data


_NOTICED: set[tuple[str, int]] = set()


def notice(text: str, token: object = None) -> None:
    """Print `notice: TEXT` on standard error, once per process for each (text, token)."""
    key = (text, hash(repr(token)))
    if key in _NOTICED:
        return
    _NOTICED.add(key)
    try:
        print(f"notice: {text}", file=sys.stderr, flush=True)
    except (OSError, ValueError):  # a closed standard error: nothing to tell
        pass


def _safely(valid: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(valid(value))
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, RecursionError):
        return False


def _as_json(value: Any) -> Any:
    """*value* as it reads back from JSON (tuples become lists), so a stored entry compares equal."""
    if isinstance(value, (list, tuple)):
        return [_as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    return value


def code_version(*modules: str, extra: str = "") -> str:
    """A version key for results computed by the code of *modules* (dotted names, not imported here):
    presskit's version and their source bytes, so an edited rule never answers from results of the
    old one."""
    import hashlib
    import importlib.util

    from . import __version__

    digest = hashlib.sha256(__version__.encode() + extra.encode())
    for module in modules:
        spec = importlib.util.find_spec(module)
        if spec is not None and spec.origin:
            digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()[:32]
