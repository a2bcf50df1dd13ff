"""Every change presskit makes to a library's internals, in one place, each for one exact version.

They only make things faster (or, for python-docx, deterministic); none changes what is rendered.
Each patch names the library version it was written for and is applied only to that version: on
any other, presskit takes the library's unpatched path (slower, same output); tests/test_weasy.py
checks both paths. When upgrading a library, re-check each patch against its new source and move
the version here.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import re
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

WEASYPRINT_VERSION = "70.0"
PYPHEN_VERSION = "0.18.1"
PYTHON_DOCX_VERSION = "1.2.0"

# Set by tests to check the unpatched paths: {"weasyprint": "0", …} pretends another version.
PRETEND_VERSIONS: dict[str, str] = {}


def weasyprint_version() -> str | None:
    """WeasyPrint's version, read from its package file without importing it (importlib.metadata
    costs ~35 ms of every worker)."""
    if "weasyprint" in PRETEND_VERSIONS:
        return PRETEND_VERSIONS["weasyprint"]
    spec = importlib.util.find_spec("weasyprint")
    if spec is None or not spec.origin:
        return None
    with open(spec.origin, encoding="utf-8") as fh:
        match = re.search(r"^VERSION = __version__ = '([^']+)'", fh.read(), re.M)
    return match.group(1) if match else None


def _version(name: str, actual: str) -> str:
    return PRETEND_VERSIONS.get(name, actual)


# ---- WeasyPrint: import without library search subprocesses ----------------------------------------

# fontTools modules WeasyPrint imports for what HarfBuzz does here (subsetting) and for variable
# fonts presskit's templates do not use: a third of every WeasyPrint import (-X importtime).
FALLBACK_MODULES = ("fontTools.subset", "fontTools.varLib.instancer")


def import_weasyprint() -> bool:
    """Import WeasyPrint; for the patched version, without its native-library search spawning ~50
    subprocesses (ldconfig, gcc, ld) and with its fontTools fallbacks imported on first use.
    Returns whether the patched import was used.

    WeasyPrint tries several names per native library; on Linux only the soname (libpango-1.0.so.0)
    loads, and every name before it makes cffi call ctypes.util.find_library, which runs external
    tools. Those names are skipped here; if the libraries cannot be found that way, the import is
    retried with the full search.
    """
    if "weasyprint" in sys.modules:
        return False
    if weasyprint_version() != WEASYPRINT_VERSION:
        import weasyprint

        return False
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with _deferred(FALLBACK_MODULES):
            import weasyprint
    except OSError:
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        ctypes.util.find_library = search
        with _deferred(FALLBACK_MODULES):
            import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = search
    return True


class _DeferredModule(types.ModuleType):
    """Stands in for a module while WeasyPrint is imported; the real one is imported on first use."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module_name = self.__name__

        def call(*args: Any, **kwargs: Any) -> Any:  # a name taken during the import: a function
            return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

        if sys.modules.get(module_name) is self:
            return call
        return getattr(importlib.import_module(module_name), name)


@contextlib.contextmanager
def _deferred(names: tuple[str, ...]) -> Iterator[None]:
    """Let the modules *names* be imported, during this block, as _DeferredModule stand-ins."""
    added = [name for name in names if name not in sys.modules]
    for name in added:
        sys.modules[name] = _DeferredModule(name)
    try:
        yield
    finally:
        for name in added:
            if isinstance(sys.modules.get(name), _DeferredModule):
                del sys.modules[name]  # later imports get the real module


# ---- WeasyPrint: one parsed C array type per element type --------------------------------------------

FIXED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


def fast_fixed_arrays() -> bool:
    """Let WeasyPrint's `ffi.new("hb_codepoint_t[2650]", …)` reuse one parsed array type.

    cffi parses every distinct C type string with pycparser (~6 ms each), and WeasyPrint writes the
    length into the string when it subsets a font: three new strings per font per PDF. An open
    array of the same element type with the same length and contents is the same memory for the C
    functions it is passed to. Returns whether the patch is in place.
    """
    import weasyprint
    from weasyprint.text.ffi import ffi

    if _version("weasyprint", weasyprint.__version__) != WEASYPRINT_VERSION:
        return False
    if "new" in vars(ffi):
        return True
    new, typeof, open_types = ffi.new, ffi.typeof, {}

    def new_array(cdecl: Any, init: Any = None) -> Any:
        match = FIXED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match is None:
            return new(cdecl, init)
        length = int(match.group(2))
        if init is not None and (not isinstance(init, (list, tuple)) or len(init) != length):
            return new(cdecl, init)  # shorter initialisers are zero-padded: keep cffi's own path
        element = match.group(1)
        if element not in open_types:
            open_types[element] = typeof(f"{element}[]")
        return new(open_types[element], length if init is None else init)

    ffi.new = new_array
    return True


# ---- pyphen: a dictionary from patterns already parsed ------------------------------------------

Patterns = dict[str, tuple[int, tuple[int, ...]]]  # HyphDict.patterns: {letters: (start, values)}


def hyphenation_dictionary(patterns: Patterns, parse: Callable[[], Any]) -> Any:
    """A pyphen HyphDict holding *patterns* (as HyphDict.__init__ would parse them) without parsing
    the dictionary file; on another pyphen version, *parse*() (the library's own parse)."""
    import pyphen

    if _version("pyphen", pyphen.__version__) != PYPHEN_VERSION:
        return parse()
    hyph = pyphen.HyphDict.__new__(pyphen.HyphDict)  # what HyphDict.__init__ sets, without parsing
    hyph.patterns, hyph.cache, hyph.maxlen = patterns, {}, max(map(len, patterns))
    return hyph


# ---- python-docx: the package's members, to zip them deterministically --------------------------------

def docx_members(document: Any) -> list[tuple[str, bytes]] | None:
    """(member name, bytes) of a python-docx Document as its save() would write them, in order;
    None on another python-docx version (the caller then saves and re-packs the zip)."""
    import docx
    from docx.opc.pkgwriter import PackageWriter

    if _version("python-docx", docx.__version__) != PYTHON_DOCX_VERSION:
        return None
    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    entries: list[tuple[str, bytes]] = []

    class Collector:  # the physical-writer interface PackageWriter writes through
        @staticmethod
        def write(pack_uri: Any, blob: Any) -> None:
            entries.append((pack_uri.membername, blob.encode("utf-8") if isinstance(blob, str) else blob))

    # Private methods, two of them unannotated; _write_parts hints its writer as a PhysPkgWriter but
    # only calls write() on it.
    PackageWriter._write_content_types_stream(Collector, parts)  # type: ignore[no-untyped-call]
    PackageWriter._write_pkg_rels(Collector, package.rels)  # type: ignore[no-untyped-call]
    PackageWriter._write_parts(Collector, parts)  # type: ignore[arg-type]
    return entries


def replace_part_blob(part: Any, blob: bytes) -> bool:
    """Give a loaded python-docx Part new bytes (it has no public setter); False on another version."""
    import docx

    if _version("python-docx", docx.__version__) != PYTHON_DOCX_VERSION:
        return False
    part._blob = blob
    return True
