"""WeasyPrint, imported and tuned for presskit's many renders per process."""

from __future__ import annotations

import contextlib
import copy
import importlib
import re
import sys
import types


def import_weasyprint() -> None:
    """Import WeasyPrint without its library search spawning ~50 subprocesses (ldconfig, gcc, ld).

    WeasyPrint tries several names per native library; on Linux only the soname (libpango-1.0.so.0)
    loads, and every name before it makes cffi call ctypes.util.find_library, which runs external
    tools. Profiled: 0.3–0.5 s of every fresh process's first render. Those names are skipped here;
    if the libraries cannot be found that way, the import is retried with the full search.
    """
    if "weasyprint" in sys.modules:
        fast_fixed_arrays()
        return shared_stylesheets()
    import ctypes.util

    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with deferred(FALLBACK_MODULES):
            import weasyprint  # noqa: F401
    except OSError:
        for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
            del sys.modules[name]
        ctypes.util.find_library = search
        with deferred(FALLBACK_MODULES):
            import weasyprint  # noqa: F401,F811
    finally:
        ctypes.util.find_library = search
    fast_fixed_arrays()
    shared_stylesheets()


# fontTools modules WeasyPrint imports for what HarfBuzz does here (subsetting) and for variable
# fonts presskit's templates do not use: ~0.17 s of every WeasyPrint import (-X importtime).
FALLBACK_MODULES = ("fontTools.subset", "fontTools.varLib.instancer")


class DeferredModule(types.ModuleType):
    """Stands in for a module while WeasyPrint is imported; the real one is imported on first use."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        module_name = self.__name__

        def call(*args, **kwargs):  # a name taken during the import: a function, used later
            return getattr(importlib.import_module(module_name), name)(*args, **kwargs)

        if sys.modules.get(module_name) is self:
            return call
        return getattr(importlib.import_module(module_name), name)


@contextlib.contextmanager
def deferred(names):
    """Let the modules *names* be imported, during this block, as DeferredModule stand-ins."""
    added = [name for name in names if name not in sys.modules]
    for name in added:
        sys.modules[name] = DeferredModule(name)
    try:
        yield
    finally:
        for name in added:
            if isinstance(sys.modules.get(name), DeferredModule):
                del sys.modules[name]  # later imports get the real module


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


MAX_SHARED_STYLESHEETS = 16


def shared_stylesheets() -> None:
    """Let WeasyPrint parse each distinct <style> text once per process, not once per document.

    A template's stylesheet is the same text in every language of an edition; tinycss2 parsing and
    selector preprocessing cost ~20 ms per handout. A parsed stylesheet is only read while styles
    are computed (WeasyPrint shares its own user-agent sheet between documents the same way), so it
    is reused when making it changed nothing outside itself: no file fetched (@import, @font-face),
    no @counter-style or @color-profile, no cascade layers. Those sheets are parsed every time.
    """
    import weasyprint.css

    if getattr(weasyprint.css.CSS, "shared", False):
        return
    make, parsed = weasyprint.css.CSS, {}

    def stylesheet(*args, string=None, base_url=None, url_fetcher=None, media_type="print",
                   font_config=None, counter_style=None, color_profiles=None, page_rules=None,
                   layers=None, **options):
        if (args or options or string is None or url_fetcher is None or counter_style is None
                or color_profiles is None):
            return make(*args, string=string, base_url=base_url, url_fetcher=url_fetcher,
                        media_type=media_type, font_config=font_config, counter_style=counter_style,
                        color_profiles=color_profiles, page_rules=page_rules, layers=layers, **options)
        key = (string, base_url, media_type, font_config)  # the object: its id could be reused
        if key in parsed:
            return parsed[key]
        fetch = RecordingFetcher(url_fetcher)
        page_rules = [] if page_rules is None else page_rules
        layers = [] if layers is None else layers
        before = len(counter_style), len(color_profiles), len(page_rules), len(layers)
        sheet = make(string=string, base_url=base_url, url_fetcher=fetch, media_type=media_type,
                     font_config=font_config, counter_style=counter_style,
                     color_profiles=color_profiles, page_rules=page_rules, layers=layers)
        if not fetch.urls and (len(counter_style), len(color_profiles), len(layers)) == (
                before[0], before[1], before[3]):
            # The document's sheets share its page-rule list, which the cascade reads through each
            # sheet; the kept copy carries only its own page rules, into any later document.
            kept = copy.copy(sheet)
            kept.page_rules, kept.layers = page_rules[before[2]:], []
            if len(parsed) >= MAX_SHARED_STYLESHEETS:  # a watch session's edits make new texts
                parsed.pop(next(iter(parsed)))
            parsed[key] = kept
        return sheet

    stylesheet.shared = True
    weasyprint.css.CSS = stylesheet


class RecordingFetcher:
    """A WeasyPrint URL fetcher that notes the URLs it is asked for and passes them on."""

    def __init__(self, fetcher):
        self.fetcher, self.urls = fetcher, []

    def __call__(self, url, *args, **kwargs):
        self.urls.append(url)
        return self.fetcher(url, *args, **kwargs)

    def __getattr__(self, name):  # the fetcher's settings (e.g. _fail_on_errors)
        return getattr(self.fetcher, name)
