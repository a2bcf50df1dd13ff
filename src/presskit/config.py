"""Load and validate content/campaign.yaml into typed settings; every error names file, line and key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError, Problem, relpath

CONFIG_FILE = Path("content") / "campaign.yaml"
# What each YAML file parsed to, by the digest of its text (build/.presskit/yaml.json): a build
# whose YAML did not change never imports PyYAML (~30 ms, a tenth of a no-op build).
YAML_CACHE = Path("build") / ".presskit" / "yaml.json"
YAML_CACHE_FORMAT = 1
FORMATS = ("pdf", "docx")
EDITIONS = ("print", "screen")


def doc(text: str, **kwargs):
    """A dataclass field carrying its documentation (shown by `presskit check --help-config`)."""
    return field(metadata={"doc": text}, **kwargs)


@dataclass
class PrintSettings:
    """How print editions are produced."""

    bleed_mm: float = doc("Bleed on every side of print editions, in millimetres.", default=3.0)
    crop_marks: bool = doc("Draw crop marks in the bleed area of print editions.", default=True)
    icc_profile: str = doc(
        "CMYK ICC profile used as the PDF/X output intent.",
        default="/usr/share/color/icc/ghostscript/default_cmyk.icc",
    )
    output_condition: str = doc(
        "Printing condition the profile stands for (written into the output intent).",
        default="Generic CMYK (Ghostscript default_cmyk.icc)",
    )
    fonts: list[str] = doc(
        "Font families the outputs may use; preflight fails on any other font.",
        default_factory=lambda: ["Noto Serif", "Noto Sans"],
    )


@dataclass
class OutputSettings:
    """One output: a document rendered through a template into a format, per language."""

    document: str = doc("Markdown file under content/ that this output renders.")
    template: str = doc("Template folder under templates/ that lays the document out.")
    format: str = doc("File format: pdf or docx.", default="pdf")
    languages: list[str] = doc("Languages built for this output (default: the source language).",
                               default_factory=list)
    stem: str = doc("File name stem (default: the output's name).", default="")
    editions: list[str] = doc("PDF editions to build: print (bleed, marks, CMYK) and/or screen.",
                              default_factory=lambda: ["print"])
    recipients: str = doc("YAML file under content/ listing addressees: one extra copy per recipient "
                          "(build/<output>/recipients/<stem>-<lang>-<slug>.<ext>).", default="")
    booklet: bool = doc("The print edition is a saddle-stitched booklet: its page count is filled up "
                        "to a multiple of 4 and preflight checks it.", default=False)
    name: str = field(default="", metadata={"internal": True})


@dataclass
class Campaign:
    """The whole campaign: identity, languages and outputs."""

    title: str = doc("Campaign title, used on covers and in document properties.")
    organisation: str = doc("Publishing organisation, printed on every output.")
    source_language: str = doc("Language the content is written in.", default="lv")
    subtitle: str = doc("Optional subtitle.", default="")
    languages: list[str] = doc("Languages the campaign is translated into (source included).",
                               default_factory=list)
    date: dt.date | None = doc("Publication date of the content (ISO 8601).", default=None)
    source_url: str = doc("Web page the content comes from; printed and encoded in QR codes.",
                          default="")
    outputs: dict[str, OutputSettings] = doc("The outputs to build, by name.", default_factory=dict)
    print: PrintSettings = doc("Print production settings.", default_factory=PrintSettings)
    root: Path = field(default=Path("."), metadata={"internal": True})
    warnings: list[Problem] = field(default_factory=list, metadata={"internal": True})
    lines: dict[tuple, int] = field(default_factory=dict, metadata={"internal": True}, repr=False)

    def output(self, name: str) -> OutputSettings:
        """Return the named output's settings."""
        return self.outputs[name]

    def line_of(self, *key) -> int | None:
        """Line in campaign.yaml where *key* (a path of keys) is set, if known."""
        return self.lines.get(tuple(key))


def load_yaml(path: Path, root: Path):
    """Parse a YAML file into Python data plus a map of key path → line number."""
    name = relpath(path, root)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(Problem(name, None, "file not found",
                                  "create it (presskit new DIR scaffolds a project)")) from None
    except UnicodeDecodeError as exc:
        line = exc.object[: exc.start].count(b"\n") + 1
        raise ConfigError(Problem(name, line, f"not valid UTF-8 (byte 0x{exc.object[exc.start]:02x})",
                                  "save the file as UTF-8")) from None
    cache = YamlCache(Path(root))
    if (known := cache.get(name, text)) is not None:
        return known
    import yaml  # only when a file changed: see YAML_CACHE

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(Problem(name, yaml_error_line(exc), f"invalid YAML: {exc.problem or exc.context}",
                                  "fix the syntax (indentation, colons, quotes)")) from None
    except yaml.reader.ReaderError as exc:
        raise ConfigError(reader_problem(exc, text, name)) from None
    lines: dict[tuple, int] = {}
    try:
        data = _to_python(node, (), lines)
    except _BadValue as exc:
        raise ConfigError(Problem(name, *exc.args)) from None
    cache.put(name, text, data, lines)
    return data, lines


class YamlCache:
    """Parsed YAML files of a project by text digest, in build/.presskit/yaml.json.

    Only files that parsed without error are kept, so every message about a broken file still comes
    from PyYAML itself; a file whose text changed is parsed again. Nothing is written while the
    project has no build/.presskit/ folder (a command that only reads must not create build/).
    """

    def __init__(self, root: Path):
        self.path = root / YAML_CACHE

    def _entries(self) -> dict:
        import json

        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return entries if isinstance(entries, dict) and entries.get("format") == _cache_format() else {}

    def get(self, name: str, text: str):
        """(data, lines) of *name* if its text is the one cached, else None."""
        entry = self._entries().get(name)
        if not isinstance(entry, dict) or entry.get("digest") != _text_digest(text):
            return None
        try:
            return _decode(entry["data"]), {tuple(path): line for path, line in entry["lines"]}
        except (KeyError, TypeError, ValueError):  # a damaged cache is only a slower build
            return None

    def put(self, name: str, text: str, data, lines: dict) -> None:
        """Remember what *name* parsed to (values JSON cannot keep exactly are not cached)."""
        import json
        import os

        if not self.path.parent.is_dir():
            return
        try:
            encoded = _encode(data)
            if any(type(p) not in (str, int) for path in lines for p in path):
                raise _Uncacheable
        except (_Uncacheable, RecursionError):
            return
        entries = self._entries() or {"format": _cache_format()}
        entries[name] = {"digest": _text_digest(text), "data": encoded,
                         "lines": [[list(path), line] for path, line in lines.items()]}
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        try:
            tmp.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:  # read-only or full disk: the cache is an optimisation only
            tmp.unlink(missing_ok=True)


class _Uncacheable(Exception):
    """A YAML value JSON cannot round-trip exactly (bytes, timestamps with time, sets)."""


def _cache_format() -> str:
    from . import __version__

    return f"{YAML_CACHE_FORMAT}:{__version__}"


def _text_digest(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _encode(value):
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


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "d" in value:
            return {k: _decode(v) for k, v in value["d"].items()}
        return dt.date.fromisoformat(value["t"])
    return value


def reader_problem(exc: yaml.reader.ReaderError, text: str, name: str, offset: int = 0) -> Problem:
    """A control character YAML refuses (PyYAML's reader reports only a character position)."""
    line = text[: exc.position].count("\n") + 1 + offset
    return Problem(name, line, f"invalid YAML: control character U+{exc.character:04X} is not allowed",
                   "delete the invisible character (it often comes with pasted text)")


def yaml_error_line(exc: yaml.MarkedYAMLError, offset: int = 0) -> int | None:
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


# More values than any campaign has: only YAML aliases expanding exponentially get here.
MAX_YAML_VALUES = 100_000


def _to_python(node, path: tuple, lines: dict):
    lines[path] = node.start_mark.line + 1
    if len(lines) > MAX_YAML_VALUES:
        raise _BadValue(node.start_mark.line + 1, f"more than {MAX_YAML_VALUES} values (YAML aliases expanding)",
                        "write the values out instead of nesting aliases (*name)")
    import yaml

    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in out:  # PyYAML would silently keep the last one: an edit that does nothing
                dotted = ".".join(map(str, path + (key,)))
                raise _BadValue(key_node.start_mark.line + 1,
                                f"{dotted}: duplicate key (first set on line {lines[path + (key,)]})",
                                "keep one of the two lines")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _to_python(value_node, path + (key,), lines)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(item, path + (i,), lines) for i, item in enumerate(node.value)]
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. 2021-13-02 parses as a date, then fails
        raise _BadValue(node.start_mark.line + 1,
                        f"{'.'.join(map(str, path))}: '{node.value}' is not a valid value ({exc})",
                        "write dates as YYYY-MM-DD, or quote the value to keep it as text") from None


class _BadValue(Exception):
    """A YAML value that parsed but cannot be used (line, message, fix); load_yaml adds the file."""


class _Validator:
    """Turns plain YAML data into the dataclasses, collecting every problem in one pass."""

    def __init__(self, file: str, lines: dict):
        self.file, self.lines = file, lines
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path, message, fix=None) -> Problem:
        line = self.lines.get(tuple(path))
        key = ".".join(str(p) for p in path)
        return Problem(self.file, line, f"{key}: {message}" if key else message, fix)

    def build(self, cls, data, path: tuple):
        if not isinstance(data, dict):
            self.errors.append(self.problem(path, f"expected a mapping, got {_kind(data)}"))
            return None
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        for key in data:
            if key not in fields:
                close = [k for k in fields if k.startswith(str(key)[:3])]
                hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(fields)}"
                self.warnings.append(self.problem(path + (key,), "unknown key", hint))
        values, complete = {}, True
        for name, f in fields.items():
            if name in data:
                values[name] = self.coerce(hints[name], data[name], path + (name,))
                complete &= values[name] is not _INVALID
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                complete = False
                self.errors.append(self.problem(path, f"required key '{name}' is missing",
                                                f"add '{name}: …' ({f.metadata['doc']})"))
        return cls(**values) if complete else None

    def coerce(self, hint, value, path):
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(hint) if a is not type(None)]
            return None if value is None else self.coerce(args[0], value, path)
        if dataclasses.is_dataclass(hint):
            return self.build(hint, value, path) or _INVALID
        if origin is list:
            if not isinstance(value, list):
                self.errors.append(self.problem(path, f"expected a list, got {_kind(value)}",
                                                "write it as [a, b] or one '- item' per line"))
                return _INVALID
            (item,) = typing.get_args(hint)
            items = [self.coerce(item, v, path + (i,)) for i, v in enumerate(value)]
            return _INVALID if _INVALID in items else items
        if origin is dict:
            if not isinstance(value, dict):
                self.errors.append(self.problem(path, f"expected a mapping, got {_kind(value)}"))
                return _INVALID
            _, item = typing.get_args(hint)
            items = {k: self.coerce(item, v, path + (k,)) for k, v in value.items()}
            return _INVALID if _INVALID in items.values() else items
        return self.scalar(hint, value, path)

    def scalar(self, hint, value, path):
        if hint is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if hint is dt.date and isinstance(value, dt.date):
            return value
        if hint is str and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, hint):
            return value
        want = {str: "text", float: "a number", bool: "true or false", dt.date: "a date (YYYY-MM-DD)",
                int: "a whole number"}.get(hint, hint.__name__)
        self.errors.append(self.problem(path, f"expected {want}, got {_kind(value)}"))
        return _INVALID


_INVALID = object()


def _kind(value) -> str:
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: f"text '{value}'", bool: f"'{value}'"}.get(
        type(value), f"'{value}'")


def load_config(root: Path, strict: bool = False) -> Campaign:
    """Read and validate the campaign config of the project at *root*."""
    root = Path(root).resolve()
    path = root / CONFIG_FILE
    data, lines = load_yaml(path, root)
    if data is None:
        data = {}
    checker = _Validator(relpath(path, root), lines)
    campaign = checker.build(Campaign, data, ())
    if campaign is not None:
        _check_semantics(campaign, checker, root)
    if strict:
        checker.errors.extend(checker.warnings)
        checker.warnings = []
    if checker.errors or campaign is None:
        raise ConfigError(checker.errors or [checker.problem((), "invalid configuration")])
    campaign.root, campaign.lines, campaign.warnings = root, lines, checker.warnings
    return campaign


def known_language(lang: str) -> bool:
    """Whether Babel has locale data for *lang*.

    Looks for Babel's data file first without importing Babel (~10 ms, a no-op build's budget);
    only names without a file of their own (other spellings) ask Babel itself.
    """
    import os

    plain = bool(lang) and os.path.basename(lang) == lang
    for folder in _babel_folders() if plain else ():
        if os.path.isfile(os.path.join(folder, "locale-data", f"{lang}.dat")):
            return True
    from babel import localedata

    return localedata.exists(lang)


@lru_cache(maxsize=1)
def _babel_folders() -> tuple[str, ...]:
    """Where the babel package lives (searched once per process, not once per language)."""
    import importlib.util

    spec = importlib.util.find_spec("babel")
    return tuple(spec.submodule_search_locations or ()) if spec else ()


def _check_semantics(c: Campaign, v: _Validator, root: Path) -> None:
    """Cross-field rules: known languages, outputs referring to existing files and templates."""
    if not c.languages:
        c.languages = [c.source_language]
    for i, lang in enumerate([c.source_language, *c.languages]):
        path = ("source_language",) if i == 0 else ("languages", i - 1)
        if not known_language(lang):
            v.errors.append(v.problem(path, f"unknown language code '{lang}'",
                                      "use an ISO 639-1 code such as lv, en, fr, es, ru, ar, zh"))
    if c.source_language not in c.languages:
        c.languages.insert(0, c.source_language)
    for name, out in c.outputs.items():
        if not isinstance(out, OutputSettings):
            continue
        out.name, out.stem = name, out.stem or name
        _check_output(c, out, v, root)


def _check_output(c: Campaign, out: OutputSettings, v: _Validator, root: Path) -> None:
    path = ("outputs", out.name)
    if out.format not in FORMATS:
        v.errors.append(v.problem(path + ("format",), f"unknown format '{out.format}'",
                                  f"use one of: {', '.join(FORMATS)}"))
    for i, ed in enumerate(out.editions):
        if ed not in EDITIONS:
            v.errors.append(v.problem(path + ("editions", i), f"unknown edition '{ed}'",
                                      f"use one of: {', '.join(EDITIONS)}"))
    out.languages = out.languages or [c.source_language]
    for i, lang in enumerate(out.languages):
        if lang not in c.languages:
            v.errors.append(v.problem(path + ("languages", i),
                                      f"language '{lang}' is not in the campaign's languages",
                                      f"add it to 'languages' or remove it here"))
    if not (root / "content" / out.document).is_file():
        v.errors.append(v.problem(path + ("document",), f"content/{out.document} does not exist",
                                  "create the file or correct the name"))
    if out.recipients and not (root / "content" / out.recipients).is_file():
        v.errors.append(v.problem(path + ("recipients",), f"content/{out.recipients} does not exist",
                                  "create the file or correct the name"))
    if not (root / "templates" / out.template).is_dir():
        v.errors.append(v.problem(path + ("template",), f"templates/{out.template}/ does not exist",
                                  "create the template folder or correct the name"))
    for part in (out.stem, out.document, out.template):
        if "/" in part.replace("\\", "/") and ".." in part or part.startswith(("/", "\\")):
            v.errors.append(v.problem(path, f"'{part}' would leave the project folder",
                                      "use a plain name inside content/ or templates/"))
