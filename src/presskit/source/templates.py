"""The project's Jinja templates as source files: the environment that loads them, and which files an output uses."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from ..errors import Problem, TemplateError, relpath
from .containment import TEMPLATE, read_project_file

if TYPE_CHECKING:
    from collections.abc import Callable

    from .config import OutputSettings


class ProjectLoader(jinja2.FileSystemLoader):
    """The project's templates/, every file read under the containment rule (source.containment):
    a template (or an included stylesheet) that is a link leading out of the project, a FIFO or
    larger than MAX_TEMPLATE_BYTES is a TemplateError naming the file, not a read."""

    def __init__(self, root: Path):
        super().__init__(str(Path(root) / "templates"))
        self.root = Path(root)

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        from jinja2.loaders import split_template_path

        path = os.path.join(self.searchpath[0], *split_template_path(template))  # refuses '..'
        if not os.path.lexists(path):
            raise jinja2.TemplateNotFound(template)
        data = read_project_file(self.root, path, TEMPLATE)
        try:
            source = data.decode(self.encoding)
        except UnicodeDecodeError as exc:
            raise TemplateError(Problem(relpath(path, self.root), data[: exc.start].count(b"\n") + 1,
                                        f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                                        "save the file as UTF-8")) from None
        mtime = os.path.getmtime(path)

        def uptodate() -> bool:
            try:
                return os.path.getmtime(path) == mtime
            except OSError:
                return False

        return source, os.path.normpath(path), uptodate


def template_environment(root: Path) -> jinja2.Environment:
    """A Jinja environment on the project's templates/: strict about undefined names, autoescaping."""
    return jinja2.Environment(
        loader=ProjectLoader(root),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates kept between processes (~40 ms per template a fresh worker would
        # spend compiling), in Jinja's per-user private folder; its key checks the source.
        bytecode_cache=_bytecode_cache(),
    )


@lru_cache(maxsize=1)
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return jinja2.FileSystemBytecodeCache(pattern="presskit-%s.cache")
    except (OSError, RuntimeError):  # no private temporary folder: compile in every process
        return None


def main_template(output: OutputSettings) -> str:
    """Name of an output's entry template."""
    return f"{output.template}/{output.template}.html.j2"


def template_files(env: jinja2.Environment, name: str) -> set[str]:
    """Files of a template and of everything it includes, extends or imports (recursively)."""
    from jinja2 import meta

    loader = env.loader
    assert loader is not None  # template_environment() always gives one
    seen: dict[str, str] = {}
    todo = [name]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        source, filename, _ = loader.get_source(env, current)
        assert filename is not None  # a FileSystemLoader names the file of every template
        seen[current] = filename
        key = (filename, source)
        if key not in _REFERENCES:
            if len(_REFERENCES) > 256:  # watch mode: every saved version of a template is a key
                _REFERENCES.clear()
            try:
                _REFERENCES[key] = [r for r in meta.find_referenced_templates(env.parse(source)) if r]
            except jinja2.TemplateSyntaxError:
                _REFERENCES[key] = []  # reported by the render itself
        todo.extend(_REFERENCES[key])
    return set(seen.values())


# Parsing a template is what template_files() costs (each unit, each catalog fingerprint asks):
# its references are remembered per source text, so an edited template is parsed again.
_REFERENCES: dict[tuple[str, str], list[str]] = {}
