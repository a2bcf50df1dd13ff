"""Load and validate content/campaign.yaml into typed settings; every error names file, line and key."""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError, Problem, relpath
from .press import DEFAULT_PRESS, PRESSES
from .yaml import KeyPath, Lines, load_yaml

CONFIG_FILE = Path("content") / "campaign.yaml"
# The file formats an output may name; build/formats.py implements each (a test holds them equal).
FORMATS = ("pdf", "docx")
EDITIONS = ("print", "screen")
# An output's name and stem become a folder and file names (build/<name>/<stem>-<lang>-<slug>.pdf):
# capped so the whole name stays far below the 255 bytes file systems allow.
MAX_NAME_BYTES = 64
# More bleed than any print shop asks for (3–5 mm); a huge value made WeasyPrint lay out metres of page.
MAX_BLEED_MM = 25.0
# A QR code holds ~2 300 bytes at the error correction used (a longer address was an internal error)
# and is unreadable in print long before; a printed address this long is unusable anyway.
MAX_URL_CHARS = 500


def doc(text: str, **kwargs: Any) -> Any:
    """A dataclass field carrying its documentation (README: the configuration table)."""
    return field(metadata={"doc": text}, **kwargs)


@dataclass
class PrintSettings:
    """How print editions are produced."""

    bleed_mm: float = doc("Bleed on every side of print editions, in millimetres.", default=3.0)
    crop_marks: bool = doc("Draw crop marks in the bleed area of print editions.", default=True)
    press: str = doc(
        "Printing condition: fogra39, fogra51, swop or gracol. Sets the PDF/X output intent and its ICC "
        "profile, the ink limit preflight holds to and the screen editions' RGB.", default=DEFAULT_PRESS)
    icc_profile: str = doc(
        "CMYK ICC profile for the output intent instead of the press's own (a file in the project or "
        "under /usr/share/color/icc/).", default="")
    output_condition: str = doc(
        "Printing condition that icc_profile stands for (the output intent's identifier 'Custom' then "
        "carries it); with the press's profile, its description instead of the press's.", default="")
    fonts: list[str] = doc(
        "Font families the outputs may use; preflight fails on any other font.",
        default_factory=lambda: ["Noto Serif", "Noto Sans"],
    )

    def screen_rgb(self, cmyk: str) -> str:
        """A device-cmyk() colour ('0 0.85 0.6 0.38') as the sRGB hex screen editions show for it,
        converted through the press's profile (templates: campaign.print.screen_rgb(...))."""
        from .press import press_profile, screen_rgb

        found = press_profile(self.press)
        if isinstance(found, Problem):
            raise ConfigError(Problem(str(CONFIG_FILE), None, f"print.press: {found.message}", found.fix))
        return screen_rgb(cmyk, found[1])


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
    render_seconds: float = doc("Longest time one output file may take to render, in seconds; a slower "
                                "one fails with an error naming it, and the rest of the build goes on.",
                                default=120.0)
    root: Path = field(default=Path("."), metadata={"internal": True})
    warnings: list[Problem] = field(default_factory=list, metadata={"internal": True})
    lines: Lines = field(default_factory=dict, metadata={"internal": True}, repr=False)

    def line_of(self, *key: str | int) -> int | None:
        """Line in campaign.yaml where *key* (a path of keys) is set, if known."""
        return self.lines.get(tuple(key))


class _Validator:
    """Turns plain YAML data into the dataclasses, collecting every problem in one pass."""

    def __init__(self, file: str, lines: Lines):
        self.file, self.lines = file, lines
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def problem(self, path: KeyPath, message: str, fix: str | None = None) -> Problem:
        line = self.lines.get(tuple(path))
        key = ".".join(str(p) for p in path)
        return Problem(self.file, line, f"{key}: {message}" if key else message, fix)

    def build(self, cls: Any, data: Any, path: KeyPath) -> Any:
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

    def coerce(self, hint: Any, value: Any, path: KeyPath) -> Any:
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
            entries = {k: self.coerce(item, v, path + (k,)) for k, v in value.items()}
            return _INVALID if _INVALID in entries.values() else entries
        return self.scalar(hint, value, path)

    def scalar(self, hint: Any, value: Any, path: KeyPath) -> Any:
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


def _kind(value: object) -> str:
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
    campaign: Campaign | None = checker.build(Campaign, data, ())
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
    """Cross-field rules: known languages, outputs referring to existing files and templates, and the
    ranges of values (bleed, the length of the source address)."""
    import math

    bleed = c.print.bleed_mm
    if not (math.isfinite(bleed) and 0 <= bleed <= MAX_BLEED_MM):
        v.errors.append(v.problem(("print", "bleed_mm"), f"{bleed:g} mm is out of range (0 to {MAX_BLEED_MM:g} mm)",
                                  "ask the print shop; 3 mm is usual"))
    if c.print.press not in PRESSES:
        v.errors.append(v.problem(("print", "press"), f"unknown press '{c.print.press}'",
                                  f"use one of: {', '.join(PRESSES)} (ask the print shop which condition it prints to)"))
    if len(c.source_url) > MAX_URL_CHARS:
        v.errors.append(v.problem(("source_url",), f"the address is {len(c.source_url)} characters long, more than "
                                                   f"a printed QR code can hold legibly (the limit is {MAX_URL_CHARS})",
                                  "use a shorter address, e.g. the page's short link"))
    if not c.languages:
        c.languages = [c.source_language]
    for i, lang in enumerate([c.source_language, *c.languages]):
        path = ("source_language",) if i == 0 else ("languages", i - 1)
        if not known_language(lang):
            v.errors.append(v.problem(path, f"unknown language code '{lang}'",
                                      "use an ISO 639-1 code such as lv, en, fr, es, ru, ar, zh"))
    if c.source_language not in c.languages:
        c.languages.insert(0, c.source_language)
    if not c.render_seconds > 0:  # also NaN; .inf means no limit
        v.errors.append(v.problem(("render_seconds",), f"must be more than 0 seconds, not {c.render_seconds:g}",
                                  "give the longest time one output may take to render, e.g. 120"))
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
                                      "add it to 'languages' or remove it here"))
    document = root / "content" / out.document
    if not document.is_file():
        exists = document.exists()  # a folder or a FIFO is there, not a document
        v.errors.append(v.problem(path + ("document",), f"content/{out.document} "
                                  + ("is not a regular file" if exists else "does not exist"),
                                  "replace it with a Markdown file" if exists else "create the file or correct the name"))
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
    for key, part in (("name", out.name), ("stem", out.stem)):
        if key == "stem" and out.stem == out.name:
            continue  # the stem defaults to the name: one message is enough
        if len(part.encode()) > MAX_NAME_BYTES:
            where = path if key == "name" else path + ("stem",)
            v.errors.append(v.problem(where, f"the output's {key} is {len(part.encode())} bytes long, too long for "
                                             f"a file name (the limit is {MAX_NAME_BYTES} bytes)",
                                      "use a short name, e.g. 'handout'"))
