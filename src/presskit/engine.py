"""WeasyPrint, imported and tuned for presskit's many renders per process."""

from __future__ import annotations

import re


def import_weasyprint() -> None:
    """Import WeasyPrint without its library search spawning ~50 subprocesses (ldconfig, gcc, ld).

    WeasyPrint tries several names per native library; on Linux only the soname (libpango-1.0.so.0)
    loads, and every name before it makes cffi call ctypes.util.find_library, which runs external
    tools. Profiled: 0.3–0.5 s of every fresh process's first render. Those names are skipped here;
    if the libraries cannot be found that way, the import is retried with the full search.
    """
    import sys

    if "weasyprint" in sys.modules:
        return fast_fixed_arrays()
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        ctypes.util.find_library = search
        import weasyprint  # noqa: F401,F811
    finally:
        ctypes.util.find_library = search
    fast_fixed_arrays()


FIXED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


def fast_fixed_arrays() -> None:
    """Let WeasyPrint's `ffi.new("hb_codepoint_t[2650]", …)` reuse one parsed array type.

    cffi parses every distinct C type string with pycparser (~6 ms each, measured), and WeasyPrint
    writes the length into the string when it subsets a font: three new strings per font per PDF,
    ~50 ms of every handout. An open array of the same element type with the same length and
    contents is the same memory for the C functions it is passed to.
    """
    from weasyprint.text.ffi import ffi

    if "new" in vars(ffi):
        return
    new, typeof, open_types = ffi.new, ffi.typeof, {}

    def new_array(cdecl, init=None):
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
