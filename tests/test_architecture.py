"""The package's shape: layers imported only downwards, no import cycle, one implementation per concept."""

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_import_contract_is_kept():
    """The layers of pyproject.toml's import-linter contract: no module imports from a layer above."""
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 kept, 0 broken" in proc.stdout


def import_cycles(graph) -> list[list[str]]:
    """Groups of modules that import each other, directly or through others (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles():
    """Not even inside a layer (lazy imports in functions count; type-only imports do not)."""
    graph = grimp.build_graph("presskit", exclude_type_checking_imports=True)
    assert import_cycles(graph) == []


def test_cycle_finder_finds_a_cycle():
    """The check above can fail: a graph with a cycle is reported."""
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert import_cycles(graph) == [["a.x", "a.y"]]


def test_every_configurable_format_has_a_writer():
    from presskit.build.formats import FORMATS
    from presskit.source.config import FORMATS as NAMES

    assert sorted(FORMATS) == sorted(NAMES)
    assert all(FORMATS[name].name == name for name in FORMATS)


def test_one_atomic_writer():
    """Every write under build/ and every cache goes through files.atomic_write (os.replace once)."""
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in (ROOT / "src" / "presskit").rglob("*.py")}
    assert [name for name, text in sources.items() if "os.replace(" in text] == ["src/presskit/files.py"]


def test_library_patches_live_in_one_module():
    """Assignments into library modules and private attributes only in presskit/patches.py."""
    patterns = ("ctypes.util.find_library =", "ffi.new =", "HyphDict.__new__", "weasyprint.css.CSS =",
                "._blob =", "PackageWriter._")
    sources = {path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
               for path in (ROOT / "src" / "presskit").rglob("*.py")}
    offenders = {name for name, text in sources.items() for p in patterns if p in text}
    assert offenders == {"src/presskit/patches.py"}
