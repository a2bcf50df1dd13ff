"""One small JSON store for everything presskit remembers under build/.presskit/.

Every cache and record there is a JsonStore with the same validity rule: the file carries a
version key (its format and the code whose results it keeps), and each entry the digests it was
computed from; an entry is used only while both are equal. A missing, damaged or other-version
file is an empty store, so a cache can only ever cost time, never give a wrong answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .files import atomic_write, state_dir


class JsonStore:
    """A JSON file of entries `{key: {"depends": …, "value": …}}` under a version key.

    Unless *create*, nothing is written while the project has no build/.presskit/ folder (a command
    that only reads must not create build/). A failed write (read-only or full disk) is ignored
    unless the store is *durable* (the build state), whose loss would be a wrong answer rather than
    a slower one; a durable store is flushed to disk.
    """

    def __init__(self, root: Path, name: str, version: str, durable: bool = False, create: bool = False):
        self.path = state_dir(root) / name
        self.version, self.durable, self.create = version, durable, create or durable
        self.changed = False
        self.entries: dict[str, Any] = self._read()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != self.version:
            return {}
        entries = data.get("entries")
        return entries if isinstance(entries, dict) else {}

    def get(self, key: str, depends: Any) -> Any | None:
        """The value stored under *key* when it was computed from *depends* (digests, stamps)."""
        entry = self.entries.get(key)
        if isinstance(entry, dict) and "value" in entry and entry.get("depends") == _as_json(depends):
            return entry["value"]
        return None

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
        # Key order is kept: a cached mapping (campaign.yaml's outputs) must read back in its order.
        data = json.dumps({"version": self.version, "entries": self.entries}, ensure_ascii=False,
                          separators=(",", ":")).encode()
        try:
            atomic_write(self.path, data, durable=self.durable)
        except OSError:
            if self.durable:
                raise
        self.changed = False


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
