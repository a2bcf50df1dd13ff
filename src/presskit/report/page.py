"""The HTML of the build report: a self-contained page (inline styles, relative links into build/)."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any, NamedTuple

from ..files import BUILD_DIR, STATE_DIR
from .review import review_sections

if TYPE_CHECKING:
    from ..build.run import Report
    from ..build.units import Unit
    from ..errors import Problem
    from ..source.config import Campaign

    # One output file on the page: its unit, what is known about the file (None: not on disk),
    # status, seconds its last build took, and the problems of this run's attempt.
    Card = tuple[Unit, dict[str, Any] | None, str, float | None, list[Problem]]

class TranslationLinks(NamedTuple):
    """The translation pages (report/translation.py) for the index: counts per language (None: not
    written, a catalog is broken), the segments not found in their PDF, whether pictures failed."""

    pages: dict[str, dict[str, int]] | None
    not_found: list[str]
    failed: bool = False
    unpictured: tuple[str, ...] = ()  # documents without pictures, each with the reason


LIVE_FILE = "live.json"  # under build/.presskit/: the version a served report polls to reload itself

STYLE = """
:root { --accent: ACCENT; --ink: #1b2229; --muted: #5d6670; --tint: #f5f3f0; --line: #e1ddd7;
        --ok: #2f6b3a; --warn: #8a5a00; --bad: #b3261e; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 "Noto Sans", system-ui, sans-serif; color: var(--ink); background: #fff; }
header.top { background: var(--accent); color: #fff; padding: 20px 32px 16px; }
header.top h1 { margin: 0; font-size: 22px; font-weight: 600; }
header.top p { margin: 4px 0 0; opacity: .9; }
.live { float: right; font-size: 13px; padding: 2px 10px; border: 1px solid #fff8; border-radius: 12px; }
main { padding: 8px 32px 48px; max-width: 1400px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--accent); }
h3 { font-size: 15px; margin: 18px 0 8px; color: var(--muted); text-transform: uppercase;
     letter-spacing: .06em; }
.summary { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.chip { background: var(--tint); border-radius: 6px; padding: 8px 14px; }
.chip b { font-size: 20px; display: block; }
.problems { border-left: 4px solid var(--bad); background: #fbeeed; padding: 10px 16px; margin: 12px 0; }
.problems li { font-family: "Noto Sans Mono", monospace; font-size: 13px; margin: 4px 0; }
.units { display: grid; grid-template-columns: repeat(auto-fill, minmax(600px, 1fr)); gap: 16px; }
.unit { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff; }
.unit.failed { border-color: var(--bad); }
.unit header { display: flex; gap: 8px; align-items: baseline; flex-wrap: wrap; }
.unit header a { font-weight: 600; color: var(--ink); }
.tag { font-size: 12px; background: var(--tint); border-radius: 4px; padding: 1px 7px; }
.status { margin-left: auto; font-size: 12px; font-weight: 600; }
.status.built { color: var(--ok); } .status.failed, .status.missing { color: var(--bad); }
.status.up-to-date { color: var(--muted); }
.meta { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
.thumbs { display: flex; gap: 8px; flex-wrap: wrap; padding-bottom: 4px; }
.thumbs a { flex: none; }
.thumbs img { display: block; width: 90px; height: auto; border: 1px solid var(--line);
              box-shadow: 0 1px 2px #0002; background: #fff; }
.thumbs img.broken { width: 90px; height: 127px; background: var(--tint); }
.copies { margin: 14px 0 0; } .copies summary { cursor: pointer; color: var(--muted); font-weight: 600; }
.copies table { margin-top: 8px; }
.docx { background: var(--tint); border-radius: 6px; padding: 10px 12px; font-size: 13px; }
.docx ol { margin: 4px 0 0; padding-left: 20px; }
table { border-collapse: collapse; font-size: 14px; }
th, td { text-align: left; padding: 5px 14px 5px 0; border-bottom: 1px solid var(--line); }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.bar { width: 160px; height: 8px; background: #eee; border-radius: 4px; overflow: hidden; display: flex; }
.bar i { display: block; height: 100%; } .bar .t { background: var(--ok); } .bar .f { background: #d9a21b; }
.ok { color: var(--ok); } .bad { color: var(--bad); } .muted { color: var(--muted); }
code { font-family: "Noto Sans Mono", monospace; font-size: 13px; background: var(--tint); padding: 0 4px; }
"""

# Counts the thumbnails that loaded (data-thumbnails="loaded/total" on <html>) and marks missing ones.
CHECK_SCRIPT = """
<script>
window.addEventListener("load", function () {
  var imgs = document.images, ok = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++; else imgs[i].classList.add("broken");
  }
  document.documentElement.dataset.thumbnails = ok + "/" + imgs.length;
});
</script>
"""

# Polls the version file next to the page; a rebuild in watch mode bumps it and the page reloads.
LIVE_SCRIPT = """
<script>
(function () {
  var seen = %d, url = "%s/%s";
  if (!/^https?:/.test(location.protocol)) return;
  setInterval(function () {
    fetch(url + "?t=" + Date.now(), {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) { if (d.version !== seen) location.reload(); }).catch(function () {});
  }, 500);
})();
</script>
"""


def page(campaign: Campaign, cards: list[Card], report: Report | None, errors: list[Problem],
         translations: list[dict[str, Any]] | None, findings: dict[str, list[Problem] | None], live: int,
         links: TranslationLinks | None = None) -> str:
    """The whole report page."""
    pages = sum(info.get("pages", 0) for _, info, *_ in cards if info)
    present = sum(1 for _, info, *_ in cards if info)
    failed = [p for *_, problems in cards for p in problems]
    head = [f"<h1>{e(campaign.title)}</h1>",
            f"<p>{e(campaign.organisation)} · presskit build report</p>"]
    if live:
        head.insert(0, '<span class="live" title="rebuilds and reloads on every save">● live</span>')
    parts = ['<div class="summary">', _chip(len(cards), "output files"), _chip(present, "on disk"),
             _chip(pages, "PDF pages")]
    if report is not None:
        built = sum(1 for r in report.results if r.error is None)
        parts += [_chip(built, "built this run"),
                  _chip(len(report.decisions) - len(report.results), "up to date"),
                  _chip(f"{report.seconds:.2f} s", "last run")]
    parts.append("</div>")
    if errors or failed:
        parts.append('<div class="problems"><b>Errors</b><ul>')
        parts += [f"<li>{e(p)}</li>" for p in [*errors, *failed]]
        parts.append("</ul></div>")
    parts.append("<h2>Outputs</h2>")
    for output, same_output in groupby(cards, key=lambda c: c[0].output):
        group = list(same_output)
        copies = [c for c in group if getattr(c[0], "variant", "")]
        parts.append(f'<h3 id="output-{e(output)}">{e(output)}</h3><div class="units">')
        parts += [_card(*card, found=findings.get(card[0].target)) for card in group if card not in copies]
        parts.append("</div>")
        if copies:  # per-recipient copies share the general copy's text: one compact row each
            parts += _copies(copies)
    parts += review_sections(campaign.root, cards)  # report/review.py: edition diff, reviewers' comments
    parts += _translations(translations, campaign)
    parts += _translation_links(links)
    parts += _preflight(findings)
    script = LIVE_SCRIPT % (live, STATE_DIR, LIVE_FILE) if live else ""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Build report — {e(campaign.title)}</title>"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<style>{style(campaign)}</style></head><body>"
            f'<header class="top">{"".join(head)}</header><main>{"".join(parts)}</main>'
            f"{CHECK_SCRIPT}{script}</body></html>\n")


def style(campaign: Campaign) -> str:
    """The page's stylesheet, in the brand's accent (campaign.yaml brand.colours.accent, its RGB)."""
    return STYLE.replace("ACCENT", campaign.brand.colours["accent"].rgb, 1)


def _chip(value: object, label: str) -> str:
    return f'<div class="chip"><b>{e(value)}</b>{e(label)}</div>'


def _href(target: str) -> str:
    """Link from build/index.html to a target under build/."""
    return e(target.removeprefix(BUILD_DIR + "/"))


def _preflight_tag(found: list[Problem] | None) -> str:
    if found is None:
        return ""
    if not found:
        return '<span class="tag ok">preflight passed</span>'
    return f'<span class="tag bad">preflight: {len(found)} finding{"s" if len(found) > 1 else ""}</span>'


def _card(unit: Unit, info: dict[str, Any] | None, status: str, seconds: float | None, problems: list[Problem],
          found: list[Problem] | None = None) -> str:
    href = _href(unit.target)
    facts = []
    if info:
        if "pages" in info:
            facts.append(f"{info['pages']} page{'s' if info['pages'] != 1 else ''}")
        if "words" in info:
            facts.append(f"{info['words']} words")
        facts.append(human_size(info["size"]))
    if seconds is not None:
        facts.append(f"built in {seconds:.2f} s")
    out = [f'<article class="unit {e(status.replace(" ", "-"))}" data-target="{e(unit.target)}">',
           f'<header><a href="{href}">{e(unit.label)}</a><span class="tag">{e(unit.lang)}</span>',
           f'<span class="tag">{e(unit.edition)}</span>',
           f'<span class="tag">for {e(unit.variant)}</span>' if getattr(unit, "variant", "") else "",
           _preflight_tag(found),
           f'<span class="status {e(status.replace(" ", "-"))}">{e(status)}</span></header>',
           f'<p class="meta">{" · ".join(facts) or "not built yet"}</p>']
    if problems:
        out.append('<div class="problems"><ul>' + "".join(f"<li>{e(p)}</li>" for p in problems)
                   + "</ul></div>")
    if info and info.get("thumbs"):
        out.append('<div class="thumbs">')
        for n, thumb in enumerate(info["thumbs"], 1):
            height = round(90 * thumb["ratio"])
            out.append(f'<a href="{href}#page={n}" title="page {n}"><img src="{e(thumb["src"])}" '
                       f'alt="{e(unit.label)}, page {n}" width="90" height="{height}"></a>')
        if info["pages"] > len(info["thumbs"]):
            out.append(f'<span class="muted">+{info["pages"] - len(info["thumbs"])} more pages</span>')
        out.append("</div>")
    elif info and "words" in info:
        heads = "".join(f"<li>{e(h)}</li>" for h in info.get("headings", []))
        out.append(f'<div class="docx">Word document — open it in Word or LibreOffice.'
                   f'{f"<ol>{heads}</ol>" if heads else ""}</div>')
    out.append("</article>")
    return "".join(out)


def _size(info: dict[str, Any] | None) -> str:
    if not info:
        return "—"
    words = f"{info['words']} words · " if "words" in info else ""
    return words + human_size(info["size"])


def _copies(copies: list[Card]) -> list[str]:
    opened = " open" if len(copies) <= 6 else ""  # a long list stays folded
    out = [f'<details class="copies"{opened}><summary>{len(copies)} recipient copies</summary><table>'
           "<tr><th>file</th><th>recipient</th><th>language</th><th>size</th><th>built in</th>"
           "<th>status</th></tr>"]
    for unit, info, status, seconds, problems in copies:
        cls = e(status.replace(" ", "-"))
        out.append(f'<tr data-target="{e(unit.target)}">'
                   f'<td><a href="{_href(unit.target)}">{e(unit.label)}</a></td>'
                   f"<td>{e(unit.variant)}</td><td>{e(unit.lang)}</td>"
                   f'<td class="n">{_size(info)}</td>'
                   f'<td class="n">{f"{seconds:.2f} s" if seconds is not None else "—"}</td>'
                   f'<td class="status {cls}">{e(status)}'
                   f'{"".join(f"<br>{e(p)}" for p in problems)}</td></tr>')
    return out + ["</table></details>"]


def _translations(rows: list[dict[str, Any]] | None, campaign: Campaign) -> list[str]:
    out = ["<h2>Translations</h2>"]
    if rows is None:
        return out + ['<p class="muted">Translation status is filled in by the next build that renders '
                      "an output (<code>presskit i18n status</code> shows it now).</p>"]
    if not rows:
        return out + [f'<p class="muted">Only the source language ({e(campaign.source_language)}) '
                      "is built: nothing to translate.</p>"]
    out.append("<table><tr><th>language</th><th>document</th><th>translated</th><th>fuzzy</th>"
               "<th>untranslated</th><th></th><th></th></tr>")
    for r in rows:
        if r.get("error"):
            out.append(f'<tr><td colspan="7" class="bad">{e(r["document"])}</td></tr>')
            continue
        total = r["translated"] + r["fuzzy"] + r["untranslated"] or 1
        done = r["fuzzy"] == 0 and r["untranslated"] == 0
        bar = (f'<div class="bar"><i class="t" style="width:{100 * r["translated"] / total:.1f}%"></i>'
               f'<i class="f" style="width:{100 * r["fuzzy"] / total:.1f}%"></i></div>')
        verdict = '<span class="ok">complete</span>' if done else '<span class="bad">incomplete</span>'
        out.append(f'<tr><td>{e(r["lang"])}</td><td>{e(r["document"])}</td>'
                   f'<td class="n">{r["translated"]}</td><td class="n">{r["fuzzy"]}</td>'
                   f'<td class="n">{r["untranslated"]}</td><td>{bar}</td><td>{verdict}</td></tr>')
    return out + ["</table>"]


def _translation_links(links: TranslationLinks | None) -> list[str]:
    """Links to each language's translation page, and every segment without its picture."""
    if links is None:
        return []
    out = []
    if links.pages:
        out.append('<p class="pages">Segment by segment, with context pictures: ' + " · ".join(
            f'<a href="report/translation-{e(lang)}.html">{e(lang)}</a>'
            f' <span class="muted">({c.get("translated", 0)} translated, {c.get("fuzzy", 0)} fuzzy, '
            f'{c.get("untranslated", 0)} untranslated)</span>' for lang, c in links.pages.items()) + "</p>")
    elif links.pages is None:
        out.append('<p class="bad">The translation pages could not be written: a catalog is broken '
                   "(the errors above name it), or build/report/ is not a folder of the project's own.</p>")
    if links.failed:
        out.append('<p class="bad">Context pictures could not be made this time (the next build tries again).</p>')
    out += [f'<p class="muted">{e(line)}.</p>' for line in links.unpictured]
    if links.not_found:
        out.append('<div class="problems"><b>Segments not found in their PDF (no context picture)</b><ul>'
                   + "".join(f"<li>{e(line)}</li>" for line in links.not_found) + "</ul></div>")
    return out


def _preflight(findings: dict[str, list[Problem] | None]) -> list[str]:
    out = ["<h2>Preflight</h2>"]
    if not findings:
        return out + ['<p class="muted">No PDF built yet.</p>']
    unchecked = sorted(t for t, ps in findings.items() if ps is None)
    problems = [(t, p) for t, ps in sorted(findings.items()) if ps for p in ps]
    passed = sum(1 for ps in findings.values() if ps == [])
    if passed:
        out.append(f'<p class="ok">{passed} of {len(findings)} PDF files passed preflight.</p>')
    if problems:
        out.append("<table><tr><th>file</th><th>finding</th></tr>")
        out += [f'<tr><td>{e(t)}</td><td class="bad">{e(p)}</td></tr>' for t, p in problems]
        out.append("</table>")
    if unchecked:
        out.append(f'<p class="muted">Not preflighted in their current state ({len(unchecked)}): '
                   f'{", ".join(e(t) for t in unchecked)} — run <code>presskit check</code> '
                   "(<code>make</code> does).</p>")
    return out


def human_size(size: int) -> str:
    """Bytes as KB/MB for people."""
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} KB"


def e(value: object) -> str:
    """HTML-escape any value (as html.escape with quote=True, whose import costs a no-op 3 ms)."""
    return (str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&#x27;"))
