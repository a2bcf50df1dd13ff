"""The one YAML loader: campaign.yaml, recipients and front matter, with the line of every key.

Every YAML text presskit reads goes through parse_yaml(): duplicate keys are an error naming both
lines (PyYAML would silently keep the last one: an edit that does nothing), aliases are capped and
may not refer to the value that contains them, merge keys are refused, the text's size, its number
of values and their nesting are capped, control characters written as escapes ("\\x1b") are refused,
and a value that parses but cannot be built (2021-13-02) names its line.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigError, PresskitError, Problem, relpath
from ..files import text_digest
from ..store import JsonStore
from .containment import YAML, read_project_text

if TYPE_CHECKING:
    import yaml as pyyaml

# More values than any campaign has: only YAML aliases expanding exponentially get here.
MAX_YAML_VALUES = 100_000
# Deeper than any campaign, recipient list or front matter nests; PyYAML's composer recurses once
# per level, and `[[[[…` a thousand deep exhausted Python's stack (a traceback from 2 KB of text).
MAX_YAML_DEPTH = 50
# Larger than any campaign.yaml, recipient list or front matter: pure-Python PyYAML composes ~50 KB a
# second (a 1 MB flow list took 20 s), so the text is refused before it is parsed.
MAX_YAML_CHARS = 1_000_000
# Characters no YAML value needs, which escapes ("\x1b[2J", "\x07", "\r") would otherwise let in:
# C0 controls but tab and newline, DEL, C1 controls, and the two non-characters XML refuses.
# Terminal escapes in a title would reach the terminal in messages; XML (DOCX) cannot carry them.
YAML_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")
CONTROL_FIX = "delete the invisible character (it often comes with pasted text)"
VALUE_FIX = "write dates as YYYY-MM-DD, or quote the value to keep it as text"
# What each YAML file parsed to, by the digest of its text (build/.presskit/yaml.json): a build
# whose YAML did not change never imports PyYAML (a tenth of a no-op build).
YAML_CACHE = Path("build") / ".presskit" / "yaml.json"
YAML_CACHE_FORMAT = 3  # 3: values with control characters are refused (a cached one is not reused)

KeyPath = tuple[str | int, ...]  # mapping keys and list indices, from the document's top
Lines = dict[KeyPath, int]


def load_yaml(path: Path, root: Path) -> tuple[Any, Lines]:
    """Parse a YAML file into Python data plus a map of key path → line number."""
    name = relpath(path, root)
    text = read_project_text(root, path, YAML)  # inside the project, a regular file, at most 1 MB
    cache = JsonStore(Path(root), YAML_CACHE.name, _cache_version())
    digest = text_digest(text)
    if (known := cache.get(name, digest, valid=_valid_cached)) is not None:
        try:
            return _decode(known["data"]), {tuple(path): line for path, line in known["lines"]}
        except (KeyError, TypeError, ValueError, AttributeError, RecursionError):  # only a slower build
            cache.discard(name)
    data, lines = parse_yaml(text, name)
    try:
        encoded = _encode(data)
        if any(type(p) not in (str, int) for path in lines for p in path):
            raise _Uncacheable
    except (_Uncacheable, RecursionError):
        return data, lines
    cache.put(name, digest, {"data": encoded, "lines": [[list(path), line] for path, line in lines.items()]})
    cache.save()
    return data, lines


def parse_yaml(text: str, name: str, offset: int = 0, label: str = "YAML",
               fix: str = "fix the syntax (indentation, colons, quotes)",
               error: type[PresskitError] = ConfigError) -> tuple[Any, Lines]:
    """Parse YAML *text* of file *name* (starting *offset* lines into it) into data and key lines.

    Problems raise *error* naming the file and line; *label* and *fix* word syntax errors for the
    kind of text (a YAML file, or the front matter of a document).
    """
    import yaml

    if len(text) > MAX_YAML_CHARS:
        raise error(Problem(name, None, f"{label} is {len(text) / 1e6:.1f} million characters, more than the "
                                        f"{MAX_YAML_CHARS / 1e6:.0f} million limit",
                            "remove pasted data; split a long list into several files"))
    try:
        node = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as exc:
        raise error(Problem(name, yaml_error_line(exc, offset), f"invalid {label}: {exc.problem or exc.context}",
                            fix)) from None
    except yaml.reader.ReaderError as exc:
        raise error(reader_problem(exc, text, name, offset)) from None
    except _BadValue as exc:  # nested too deeply, or too many values, while composing
        line, message, fixed = exc.args
        raise error(Problem(name, line + offset, message, fixed)) from None
    if node is None:
        return None, {}
    lines: Lines = {}
    try:
        data = _Builder(lines, offset).value(node, ())
    except _BadValue as exc:
        line, message, fixed = exc.args
        raise error(Problem(name, line + offset, message, fixed)) from None
    return data, lines


TOO_MANY_FIX = "write the values out instead of nesting aliases (*name)"
TOO_DEEP_FIX = "flatten the structure: fewer levels of nested lists and mappings"


@lru_cache(maxsize=1)
def _loader() -> type[pyyaml.SafeLoader]:
    """PyYAML's safe loader with the composer's recursion and node count bounded (see MAX_YAML_DEPTH)."""
    import yaml

    class Loader(yaml.SafeLoader):
        depth = nodes = 0

        def compose_node(self, parent: pyyaml.Node | None, index: int) -> pyyaml.Node | None:
            self.depth += 1
            self.nodes += 1
            try:
                if self.depth > MAX_YAML_DEPTH:
                    line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                    raise _BadValue(line, f"values nested more than {MAX_YAML_DEPTH} levels deep", TOO_DEEP_FIX)
                if self.nodes > MAX_YAML_VALUES:  # keys and values, aliases included: ~4 s of composing
                    line = self.peek_event().start_mark.line + 1  # type: ignore[no-untyped-call]
                    raise _BadValue(line, f"more than {MAX_YAML_VALUES} values",
                                    "remove pasted data; split a long list into several files")
                node: pyyaml.Node | None = super().compose_node(parent, index)
                return node
            finally:
                self.depth -= 1

    return Loader


def reader_problem(exc: pyyaml.reader.ReaderError, text: str, name: str, offset: int = 0) -> Problem:
    """A control character YAML refuses (PyYAML's reader reports only a character position)."""
    line = text[: exc.position].count("\n") + 1 + offset
    return Problem(name, line, f"invalid YAML: control character U+{exc.character:04X} is not allowed",
                   CONTROL_FIX)


def yaml_error_line(exc: pyyaml.MarkedYAMLError, offset: int = 0) -> int | None:
    """1-based line of a YAML error: where the unclosed construct began if the file just ended."""
    mark = exc.problem_mark
    at_end = "<stream end>" in (exc.problem or "") or "end of stream" in (exc.problem or "")
    if exc.context_mark and (mark is None or at_end):
        mark = exc.context_mark
    if mark is None:
        return None
    if at_end and mark.buffer:  # point at the last written line, not past the end of the file
        return min(mark.line, mark.buffer.rstrip("\0 \t\n").count("\n")) + 1 + offset
    return mark.line + 1 + offset


class _BadValue(Exception):
    """A YAML value that parsed but cannot be used: (line without offset, message, fix)."""


class _Builder:
    """Turns a composed YAML node tree into Python data, noting the line of every key path."""

    def __init__(self, lines: Lines, offset: int = 0):
        import yaml

        self.lines, self.offset = lines, offset
        self.loader = yaml.SafeLoader("")  # builds scalars (dates, numbers, booleans)
        self.yaml = yaml
        self.open: set[int] = set()  # the collections being built: an alias to one of them is a loop

    def value(self, node: pyyaml.Node, path: KeyPath) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if len(self.lines) > MAX_YAML_VALUES:
            raise _BadValue(line, f"more than {MAX_YAML_VALUES} values (YAML aliases expanding)", TOO_MANY_FIX)
        if len(path) > MAX_YAML_DEPTH:  # aliases inside aliases nest deeper than the text does
            raise _BadValue(self.lines.get(path[:1], line),
                            f"{_dotted(path[:3])}…: values nested more than {MAX_YAML_DEPTH} levels deep "
                            "(YAML aliases inside aliases)", TOO_DEEP_FIX)
        if isinstance(node, (self.yaml.MappingNode, self.yaml.SequenceNode)):
            if id(node) in self.open:
                raise _BadValue(line, f"{_dotted(path) or 'the document'}: an alias (*name) refers to the value "
                                      "that contains it, which would never end",
                                "point the alias at another value, or write the values out")
            self.open.add(id(node))
            try:
                if isinstance(node, self.yaml.MappingNode):
                    return self.mapping(node, path)
                return [self.value(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        try:
            value = self.loader.construct_object(node)
        except (ValueError, TypeError, OverflowError) as exc:  # 2021-13-02 parses as a date, then fails
            raise _BadValue(line, f"{_dotted(path)}: '{node.value}' is not a valid value ({exc})",
                            VALUE_FIX) from None
        if isinstance(value, str):
            _check_control(value, line, path)
        return value

    def mapping(self, node: pyyaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, self.yaml.ScalarNode):  # `? [a, b]` (or an alias to a list) as a key
                raise _BadValue(line, f"{_dotted(path) or 'the document'}: a list or mapping as a key is not "
                                      "supported", "use plain text keys")
            _check_control(key, line, path)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _BadValue(line, f"{_dotted(path + ('<<',))}: merge keys (<<) are not supported",
                                "write the keys out in this mapping")
            if key in out:
                first = self.lines[path + (key,)] + self.offset
                raise _BadValue(line, f"{_dotted(path + (key,))}: duplicate key (first set on line {first})",
                                "keep one of the two lines")
            self.lines[path + (key,)] = line
            out[key] = self.value(value_node, path + (key,))
        return out


def _dotted(path: KeyPath) -> str:
    return ".".join(map(str, path))


def _check_control(text: str, line: int, path: KeyPath) -> None:
    if m := YAML_CONTROL.search(text):
        where = f"{_dotted(path)}: " if path else ""
        raise _BadValue(line, f"{where}control character U+{ord(m.group()):04X} is not allowed", CONTROL_FIX)


# ---- the cache's encoding: JSON that gives back exactly what YAML built ---------------------------

class _Uncacheable(Exception):
    """A YAML value JSON cannot round-trip exactly (bytes, timestamps with time, sets)."""


def _cache_version() -> str:
    from .. import __version__

    return f"{YAML_CACHE_FORMAT}:{__version__}"


def _encode(value: Any) -> Any:
    """JSON for parsed YAML data: every JSON object is a tag ({"d": mapping} or {"t": date})."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool):
        return value
    if kind is list:
        return [_encode(v) for v in value]
    if kind is dict:
        if any(type(k) is not str for k in value):
            raise _Uncacheable
        return {"d": {k: _encode(v) for k, v in value.items()}}
    if kind is dt.date:
        return {"t": value.isoformat()}
    raise _Uncacheable


def _valid_cached(value: Any) -> bool:
    """The shape of a cached YAML file: {"data": …, "lines": [[[key, …], line], …]} (the data itself
    is checked as it is decoded, and then as settings, like any parsed YAML)."""
    if not (isinstance(value, dict) and "data" in value and isinstance(value.get("lines"), list)):
        return False
    return all(isinstance(item, list) and len(item) == 2 and isinstance(item[0], list)
               and all(type(p) in (str, int) for p in item[0]) and type(item[1]) is int
               for item in value["lines"])


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "d" in value:
            return {k: _decode(v) for k, v in value["d"].items()}
        return dt.date.fromisoformat(value["t"])
    return value
