"""Changes to a translated briefing go to its catalog: the msgstr of the segment's entry, edited
around its inline Markdown like a source paragraph, written with presskit's own PO writer (so an
entry nobody changed keeps its bytes)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import PresskitError
from .apply import FilePlan
from .inline import apply_edits, edits, norm, plain

if TYPE_CHECKING:
    from .mapping import Change


def plan_catalogs(root: Path, changes: list[Change]) -> dict[str, FilePlan]:
    """The new text of every catalog the mappable changes of a translated briefing touch."""
    groups: dict[str, list[Change]] = {}
    for c in changes:
        if c.segment is not None and c.segment.get("catalog") and c.kind not in ("unmappable",):
            groups.setdefault(str(c.segment["catalog"]), []).append(c)
    return {name: _plan(root, name, group) for name, group in groups.items()}


def _plan(root: Path, name: str, group: list[Change]) -> FilePlan:
    from ..i18n.catalogs import read_catalog, read_catalog_bytes
    from ..i18n.update import catalog_bytes, read_previous_ids

    lang = Path(name).stem
    try:
        data = read_catalog_bytes(root / name, root)
        catalog = read_catalog(root / name, root, lang, data)
    except PresskitError as exc:
        for c in group:
            c.kind, c.reason = "unmappable", f"the catalog cannot be read: {exc.problems[0].message}"
        return FilePlan(name, "", "")
    read_previous_ids(catalog)
    before = data.decode("utf-8")
    changed = False
    for c in group:
        assert c.segment is not None
        msg = catalog.get(c.segment["text"])
        if msg is None or not isinstance(msg.string, str) or not msg.string:
            c.kind, c.reason = "unmappable", "the catalog has no translation of this segment now"
            continue
        c.segment["po_line"] = msg.lineno + 1 if msg.lineno is not None else None
        if c.kind != "edit":
            continue  # comments: the entry's line is all they need
        shown = plain(msg.string)
        if norm(shown.text) != norm(c.old):
            c.kind, c.reason = "unmappable", "the translation differs from the built paragraph (edited since the build?)"
            continue
        msg.string = apply_edits(msg.string, shown, edits(c.old, c.new))
        changed = True
    after = catalog_bytes(catalog).decode("utf-8") if changed else before
    return FilePlan(name, before, after)
