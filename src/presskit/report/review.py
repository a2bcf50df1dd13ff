"""The report's review sections: pages changed since the last edition (presskit diff's last answer,
shown while the PDFs are still those it compared), and reviewers' comments next to their paragraphs
(content/review/*.json, written by presskit review import --apply)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import STATE_DIR

if TYPE_CHECKING:
    from .page import Card


def e(value: object) -> str:
    """HTML-escaped text (page.e; imported here it would make a cycle with page.py)."""
    import html

    return html.escape(str(value) if value is not None else "")

EDITIONS = "editions"  # review/editions.py's folder under build/.presskit/ (that layer is above this one)
STYLE = """<style>
.pagediff { display: flex; gap: 14px; flex-wrap: wrap; margin: 6px 0 14px; }
.pagediff figure { margin: 0; font-size: 12px; color: var(--muted); max-width: 330px; }
.pagediff img { width: 160px; border: 1px solid var(--line); margin-right: 4px; }
.pagediff del { color: var(--bad); } .pagediff ins { color: var(--ok); text-decoration: none; }
.comments td { vertical-align: top; font-size: 13px; } .comments q { color: var(--muted); }
</style>"""


def review_sections(root: Path, cards: list[Card]) -> list[str]:
    """The two sections, each only when it has something to show."""
    digests = {unit.target: info["digest"] for unit, info, *_ in cards if info and "digest" in info}
    parts = _diff(root, digests) + _comments(root)
    return [STYLE, *parts] if parts else []


def _diff(root: Path, digests: dict[str, str]) -> list[str]:
    try:
        data = json.loads((root / "build" / STATE_DIR / EDITIONS / "diff.json").read_text("utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or any(digests.get(t) != d for t, d in (data.get("files") or {}).items()):
        return []  # the PDFs have changed since: the comparison is out of date
    out = [f"<h2>Changes since {e(data.get('since', 'the last edition'))}</h2>"]
    changed = {t: pages for t, pages in (data.get("outputs") or {}).items() if pages}
    if not changed:
        return [*out, "<p>No page changed.</p>"]
    for target, pages in changed.items():
        out.append(f"<h3>{e(target)}: {len(pages)} page(s) changed</h3><div class=\"pagediff\">")
        out += [_page(target, p) for p in pages]
        out.append("</div>")
    return out


def _page(target: str, p: dict[str, Any]) -> str:
    if p.get("what") != "changed":
        return f"<figure>page {e(p.get('page') or '')}: {e(p.get('what'))}</figure>"
    folder = f"{STATE_DIR}/{EDITIONS}/diff/{target.replace('/', '_')}"
    name = f"p{int(p['page']):03d}.png"
    words = "".join(f"<del>{e(w)}</del> " for w in p.get("removed", [])) + \
        "".join(f"<ins>{e(w)}</ins> " for w in p.get("added", []))
    return (f'<figure><img src="{folder}/before-{name}" alt="page {p["page"]} before">'
            f'<img src="{folder}/after-{name}" alt="page {p["page"]} now">'
            f"<figcaption>page {p['page']}: {words or 'layout only'}</figcaption></figure>")


def _comments(root: Path) -> list[str]:
    folder = root / "content" / "review"
    if not folder.is_dir():
        return []
    from ..errors import PresskitError
    from ..source.containment import DOCUMENT, read_project_file  # only when there are comments

    rows = []
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(read_project_file(root, path, DOCUMENT))
        except (PresskitError, ValueError):
            continue
        for c in data.get("comments", []) if isinstance(data, dict) else []:
            if isinstance(c, dict):
                anchor = f"<br>on <q>{e(c.get('anchor'))}</q>" if c.get("anchor") else ""
                rows.append(f"<tr><td>{e(c.get('file'))}:{e(c.get('line'))}</td><td>{e(c.get('paragraph'))}</td>"
                            f"<td><b>{e(c.get('author'))}</b> ({e(str(c.get('date', ''))[:10])}){anchor}<br>"
                            f"{e(c.get('text'))}</td></tr>")
    if not rows:
        return []
    return ["<h2>Review comments</h2><table class=\"comments\"><tr><th>source</th><th>paragraph</th>"
            "<th>comment</th></tr>", *rows, "</table>"]
