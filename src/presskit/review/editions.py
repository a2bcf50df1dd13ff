"""Editions: what every full release build printed, kept so the next one can show what changed.

A full build without --draft (every output, no error) that changed a PDF records an edition in
build/.presskit/editions/editions.json: each PDF's digest, and its pages kept once per digest
(pages/<digest>/: a grey image and the text of every page, review/pagediff.py). `presskit diff`
compares the PDFs in build/ now with the last edition that differs from them (or an edition by
number, or a git revision built in a temporary copy) and writes diff.json and highlighted page
images for the build report.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem, UsageError
from ..files import atomic_write, file_digest, state_dir
from ..store import StoreFileRefused, read_store_file, state_folder_is_real
from .pagediff import PageChange, as_json, compare, highlight, keep_pages

if TYPE_CHECKING:
    from ..build.run import Report
    from ..source.config import Campaign

EDITIONS_DIR = "editions"
EDITIONS_FILE = "editions.json"
DIFF_FILE = "diff.json"  # the last comparison, for the build report
FORMAT = "presskit-editions-1"
MAX_EDITIONS = 8


def folder(root: Path) -> Path:
    return state_dir(root) / EDITIONS_DIR


def pages_of(root: Path, digest: str) -> Path:
    return folder(root) / "pages" / digest[:20]


def load_editions(root: Path) -> list[dict[str, Any]]:
    path = folder(root) / EDITIONS_FILE
    if not state_folder_is_real(root):
        return []
    try:
        data = json.loads(read_store_file(path))
    except (OSError, ValueError, StoreFileRefused):
        return []
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("editions"), list):
        return []
    return [e for e in data["editions"] if isinstance(e, dict) and isinstance(e.get("files"), dict)]


def pdf_targets(campaign: Campaign) -> list[str]:
    from ..build.formats import format_of
    from ..build.units import plan

    return [u.target for u in plan(campaign) if format_of(u).paged]


def current_files(campaign: Campaign) -> dict[str, str]:
    """Digest of every configured PDF on disk now."""
    found = {}
    for target in pdf_targets(campaign):
        if (digest := file_digest(campaign.root / target)) is not None:
            found[target] = digest
    return found


def record_release(campaign: Campaign, report: Report) -> int | None:
    """After a full release build: keep the pages of every changed PDF as a new edition; its number."""
    if not report.results or report.errors:
        return None
    try:
        return _record(campaign)
    except (OSError, ValueError):  # a full disk, a damaged PDF: the build stands, the edition is not kept
        return None


def _record(campaign: Campaign) -> int | None:
    root = campaign.root
    files = current_files(campaign)
    editions = load_editions(root)
    if editions and editions[-1]["files"] == files:
        return None
    for target, digest in files.items():
        keep_pages(root / target, pages_of(root, digest))
    number = (int(editions[-1].get("id", 0)) if editions else 0) + 1
    editions.append({"id": number, "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                     "commit": _git(root, "rev-parse", "HEAD"), "files": files})
    _save(root, editions[-MAX_EDITIONS:])
    if len(editions) > 1:
        diff_files(root, editions[-2]["files"], files, f"edition {editions[-2]['id']}")
    return number


def _save(root: Path, editions: list[dict[str, Any]]) -> None:
    atomic_write(folder(root) / EDITIONS_FILE, json.dumps({"format": FORMAT, "editions": editions}).encode(),
                 durable=False)
    wanted = {d[:20] for e in editions for d in e["files"].values()}
    pages = folder(root) / "pages"
    for old in pages.iterdir() if pages.is_dir() else ():
        if old.name not in wanted:
            shutil.rmtree(old, ignore_errors=True)


def edition_diff(campaign: Campaign, since: str | None) -> list[str]:
    """`presskit diff`: per PDF, the pages changed since *since* (or the last release), with words."""
    root = campaign.root
    now = current_files(campaign)
    if not now:
        raise UsageError([Problem(None, None, "no PDF built yet", "run presskit build first")])
    base, label = baseline(campaign, since, now)
    for target, digest in now.items():
        keep_pages(root / target, pages_of(root, digest))
    found = diff_files(root, base, now, label)
    return describe(found, label)


def baseline(campaign: Campaign, since: str | None, now: dict[str, str]) -> tuple[dict[str, str], str]:
    """The files to compare with: an edition by number, a git revision, or the last release that differs."""
    editions = load_editions(campaign.root)
    if since is None:
        for e in reversed(editions):
            if e["files"] != now:
                return e["files"], f"edition {e['id']} ({e.get('time', '')[:16]})"
        raise UsageError([Problem(None, None, "no earlier release build to compare with",
                                  "build a release (presskit build, no --draft) before and after the change, "
                                  "or give --since with a git revision")])
    number = since.removeprefix("edition").strip()
    for e in editions:
        if number.isdigit() and int(number) == int(e.get("id", -1)):
            return e["files"], f"edition {e['id']} ({e.get('time', '')[:16]})"
    return revision_files(campaign, since), f"git {since}"


def revision_files(campaign: Campaign, rev: str) -> dict[str, str]:
    """Build the PDFs of a git revision in a temporary copy of the project; their digests (pages kept)."""
    import tempfile

    from ..build.run import build
    from ..errors import PresskitError
    from ..source.config import load_config

    root = campaign.root
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if not commit:
        raise UsageError([Problem(None, None, f"'{rev}' is neither an edition number nor a git revision",
                                  "run presskit diff to see the editions, or give a commit, tag or branch")])
    prefix = _git(root, "rev-parse", "--show-prefix") or ""
    with tempfile.TemporaryDirectory(prefix="presskit-diff-") as tmp:
        _extract(root, f"{commit}:{prefix}", Path(tmp))
        old = load_config(Path(tmp))
        names = [n for n, o in old.outputs.items() if o.format == "pdf"]
        report = build(old, names, jobs=1)
        if report.errors:
            raise PresskitError([Problem(None, None, f"the PDFs of {rev} cannot be built: {report.errors[0]}",
                                         "compare with another revision")])
        files = {}
        for target in pdf_targets(old):
            if (digest := file_digest(Path(tmp) / target)) is not None:
                keep_pages(Path(tmp) / target, pages_of(root, digest))
                files[target] = digest
        return files


def _extract(root: Path, tree: str, dest: Path) -> None:
    import io
    import tarfile

    data = subprocess.run(["git", "-C", str(root), "archive", "--format=tar", tree, "content", "templates"],
                          capture_output=True, check=False).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(dest, filter="data")


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except OSError:
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def diff_files(root: Path, base: dict[str, str], now: dict[str, str], label: str) -> dict[str, list[PageChange]]:
    """Compare two sets of PDFs page by page; write diff.json and highlighted images for the report."""
    out_dir = folder(root) / "diff"
    shutil.rmtree(out_dir, ignore_errors=True)
    found: dict[str, list[PageChange]] = {}
    record: dict[str, Any] = {"since": label, "files": now, "outputs": {}}
    for target in sorted(set(base) | set(now)):
        old, new = base.get(target), now.get(target)
        if old == new:
            found[target] = []
        elif old is None or new is None:
            found[target] = [PageChange(0, what="new output" if old is None else "output removed")]
        else:
            found[target] = compare(pages_of(root, old), pages_of(root, new))
            _images(root, target, old, new, found[target])
        record["outputs"][target] = as_json(found[target])
    atomic_write(folder(root) / DIFF_FILE, json.dumps(record, ensure_ascii=False).encode(), durable=False)
    return found


def _images(root: Path, target: str, old: str, new: str, changes: list[PageChange]) -> None:
    slug = target.replace("/", "_")
    for c in changes:
        if c.what != "changed":
            continue
        name = f"p{c.page:03d}.png"
        highlight(pages_of(root, old) / name, c.boxes, folder(root) / "diff" / slug / f"before-{name}", "red")
        highlight(pages_of(root, new) / name, c.boxes, folder(root) / "diff" / slug / f"after-{name}", "green")


def describe(found: dict[str, list[PageChange]], label: str) -> list[str]:
    """The terminal's view: per output, the changed pages and their words."""
    same = [t for t, changes in found.items() if not changes]
    lines = [f"diff: since {label}: {len(found) - len(same)} of {len(found)} PDF(s) changed"]
    for target, changes in found.items():
        if not changes:
            continue
        pages = ", ".join(str(c.page) for c in changes if c.page)
        lines.append(f"  {target}: {len(changes)} page(s) changed" + (f": {pages}" if pages else f" ({changes[0].what})"))
        for c in changes:
            if c.what != "changed":
                lines += [f"    page {c.page}: {c.what}"] if c.page else []
                continue
            for gone, new in zip(c.removed + [""] * len(c.added), c.added + [""] * len(c.removed)):
                if gone or new:
                    lines.append(f"    page {c.page}: " + (f"[-{gone}-]" if gone else "") + (f"{{+{new}+}}" if new else ""))
            if not c.removed and not c.added:
                lines.append(f"    page {c.page}: layout only ({len(c.boxes)} area(s)), no text change")
    if same:
        lines.append(f"  unchanged: {', '.join(same)}")
    return lines
