"""`presskit new`: a neutral starter project in any source language, or (--example) the example campaign.

The starter's campaign.yaml and documents are the templates in presskit/starter/ filled with the
title, organisation and languages given (every value written by yaml.safe_dump, so any text is
safe) and with placeholder text in the source language (starter/placeholders.yaml; English for a
language it has none for). Both kinds get a copy of templates/ and of the script that writes the
DOCX reference document: everything needed to change the look. The catalogs of a starter are
written by the command line (cli.py), with the code of `presskit i18n update`.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from string import Template

from ..errors import Problem, UsageError

LOOK = ("templates", "scripts/make_reference_docx")  # a missing one is left out (not every copy has it)
STARTER = Path(__file__).resolve().parents[1] / "starter"
DOCUMENTS = ("brochure.md", "briefing.md", "handout.md")
FALLBACK = "en"
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ufffe\uffff]")  # nothing a one-line title needs
EXAMPLE_HINT = ("presskit new DIR --source-language en --languages en,de,fr --title \"Our campaign\" "
                "--organisation \"Our organisation\" (or --example for the example campaign)")


@dataclass(frozen=True)
class Starter:
    """What a new starter project is about: its languages (the source first), title and organisation."""

    source_language: str
    languages: tuple[str, ...]
    title: str
    organisation: str


class Raw(str):
    """A piece of YAML written as it is (already safe), not dumped as a string."""


def scaffold_source() -> Path:
    """Folder holding the default content/ and templates/: the source checkout, or the wheel's copy."""
    package = Path(__file__).resolve().parents[1]
    checkout = package.parents[1]
    if (checkout / "content" / "campaign.yaml").is_file() and (checkout / "templates").is_dir():
        return checkout
    return package / "scaffold"  # the wheel's copy (pyproject.toml: force-include)


def scaffold(directory: Path) -> None:
    """Create *directory* with a copy of the example campaign (content/, templates/, the reference script)."""
    _make_folder(directory)
    shutil.copytree(scaffold_source() / "content", directory / "content", ignore=_IGNORE)
    _copy_look(directory)


def starter(directory: Path, options: Starter) -> bool:
    """Create *directory* with a neutral starter project; False when its placeholder text is English
    because presskit has none in the source language."""
    import yaml

    texts = yaml.safe_load((STARTER / "placeholders.yaml").read_text(encoding="utf-8"))
    language = options.source_language.split("_")[0]
    own = language in texts
    values: dict[str, object] = {**texts[language if own else FALLBACK], "title": options.title,
                                 "organisation": options.organisation, "date": dt.date.today(),
                                 "source_language": options.source_language,
                                 "languages": Raw(_yaml(list(options.languages))), "note": Raw(_note(options, own))}
    _make_folder(directory)
    (directory / "content" / "translations").mkdir(parents=True)
    _write(directory / "content" / "campaign.yaml", _fill("campaign.yaml.tmpl", values))
    for name in DOCUMENTS:
        _write(directory / "content" / name, _fill(f"{name}.tmpl", values))
    _copy_look(directory)
    return own


def starter_options(source_language: str | None, languages: str | None, title: str | None,
                    organisation: str | None) -> Starter:
    """Check `presskit new`'s options; every problem at once, as a usage error naming the option."""
    missing = [f"--{name}" for name, value in (("source-language", source_language), ("title", title),
                                                ("organisation", organisation)) if value is None]
    if missing:
        raise UsageError(Problem("presskit new", None, f"missing {', '.join(missing)}", f"e.g. {EXAMPLE_HINT}"))
    assert source_language is not None and title is not None and organisation is not None
    problems: list[Problem] = []
    source = _language(source_language, "--source-language", problems)
    codes = [_language(code, "--languages", problems) for code in (languages or source_language).split(",")
             if code.strip()]
    for option, text in (("--title", title), ("--organisation", organisation)):
        _check_text(option, text, problems)
    if problems:
        raise UsageError(problems)
    # The source language is always one of the campaign's (as in campaign.yaml): added when left out.
    return Starter(source, tuple(dict.fromkeys([source, *codes])), title.strip(), organisation.strip())


def _language(code: str, option: str, problems: list[Problem]) -> str:
    """The code in Babel's spelling (de-AT → de_AT), or a problem when Babel does not know it."""
    from babel import Locale, UnknownLocaleError

    from .config import known_language

    try:
        name = str(Locale.parse(code.strip().replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        name = ""
    if not name or not known_language(name):
        problems.append(Problem(option, None, f"unknown language code '{code.strip()}'",
                                "use a code Babel knows: en, de, fr, es, lv, pt_BR, zh_Hant …"))
    return name


def _check_text(option: str, text: str, problems: list[Problem]) -> None:
    if not text.strip():
        problems.append(Problem(option, None, "is empty", "give the text in quotes, e.g. --title \"Open data week\""))
    elif CONTROL.search(text):
        problems.append(Problem(option, None, "holds a control character (a line break, tab or escape)",
                                "give it on one line without them"))


def _note(options: Starter, own: bool) -> str:
    if own:
        return ""
    return (f"# The documents in content/ hold English placeholder text: presskit has none in "
            f"'{options.source_language}'.\n# Replace it with your own text in '{options.source_language}'.\n")


def _yaml(value: object) -> str:
    """*value* as one line of YAML that reads back as the same value, whatever its characters."""
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=2**31)
    return text.removesuffix("\n...\n").strip()


def _fill(name: str, values: dict[str, object]) -> str:
    """Starter file *name* with its ${key}s filled: YAML values dumped in YAML (campaign.yaml, front
    matter), plain text in a Markdown body."""
    text = (STARTER / name).read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n\n") if name.endswith(".md.tmpl") else (text, "", "")
    as_yaml = {k: v if isinstance(v, Raw) else _yaml(v) for k, v in values.items()}
    return Template(head).substitute(as_yaml) + sep + Template(body).substitute({k: str(v) for k, v in values.items()})


def check_folder(directory: Path) -> None:
    """*directory* must be new or empty (checked before the options: the first thing to fix)."""
    if directory.exists() and not directory.is_dir():
        raise UsageError(Problem(str(directory), None, "is a file, not a folder", "choose a new folder name"))
    if directory.exists() and any(directory.iterdir()):
        raise UsageError(Problem(str(directory), None, "folder exists and is not empty",
                                 "choose a new folder name"))


def _make_folder(directory: Path) -> None:
    check_folder(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / ".gitignore").write_text("/build/\n")


_IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")


def _copy_look(directory: Path) -> None:
    """Copy templates/ and the reference document's script: everything that makes the look."""
    source = scaffold_source()
    for part in LOOK:
        if (source / part).is_dir():
            shutil.copytree(source / part, directory / part, ignore=_IGNORE)
        elif (source / part).is_file():
            (directory / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, directory / part)


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")
