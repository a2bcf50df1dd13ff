"""The presskit command line: build, check, i18n, watch, new.

Exit codes: 0 ok, 1 content/build error, 2 usage, 128 + the signal's number when SIGTERM or SIGINT
stopped it (143, 130). Everything it prints passes through errors.printable(): content cannot send
control characters (terminal escape sequences) to the terminal.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .errors import EXIT_ERROR, EXIT_USAGE, Interrupted, PresskitError, Problem, UsageError, printable, write_problem
from .files import WriteError

if TYPE_CHECKING:
    from .build.run import Report
    from .build.units import Decision, Result
    from .source.config import Campaign

root_option = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                           show_default=True, help="Project folder (the one holding content/).")
strict_option = click.option("--strict", is_flag=True,
                             help="Treat configuration warnings (and, in check, glossary findings) as errors.")


class Context:
    """Shared options of every command."""

    def __init__(self, debug: bool, quiet: bool):
        self.debug, self.quiet = debug, quiet


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show Python tracebacks for errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.version_option(package_name="presskit")
@click.pass_context
def cli(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """presskit — one source, print-ready PDFs, DOCX briefings and translated handouts."""
    ctx.obj = Context(debug, quiet)


def echo(ctx_obj: Context, message: str = "", err: bool = False) -> None:
    """Print unless --quiet (errors are always printed), control characters escaped."""
    if err or not ctx_obj.quiet:
        say(message, err=err)


def say(message: str, err: bool = False) -> None:
    """Print one message (or a traceback) with its control characters escaped (errors.printable)."""
    click.echo(printable(message), err=err)


def load(root: Path, strict: bool, obj: Context) -> Campaign:
    """Load the configuration and print its warnings."""
    from .source.config import load_config

    campaign = load_config(root, strict=strict)
    for warning in campaign.warnings:
        echo(obj, f"warning: {warning}", err=True)
    return campaign


@cli.command()
@click.argument("outputs", nargs=-1)
@click.option("--draft", is_flag=True, help="Build even with missing translations; marks pages DRAFT.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Parallel renders (default: cores).")
@click.option("--explain", is_flag=True, help="Say why each output was rebuilt or skipped.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary (JSON) on stdout.")
@click.option("--pseudo", is_flag=True,
              help="Build pseudo-localised outputs (<stem>-<lang>-pseudo): every text ~40 % longer, accented, "
                   "bracketed — to test layouts before translation.")
@root_option
@strict_option
@click.pass_obj
def build(obj: Context, outputs: tuple[str, ...], draft: bool, jobs: int | None, explain: bool, as_json: bool,
          pseudo: bool, root: Path, strict: bool) -> None:
    """Build OUTPUTS (default: all); unchanged outputs are skipped."""
    from .build.run import build as run_build
    from .build.workers import prestart_workers, stop_workers
    from .report.progress import BuildProgress

    if as_json:  # stdout carries the JSON only; errors still go to stderr
        obj = Context(obj.debug, True)
    pool = prestart_workers(root, jobs)  # before the configuration is read: see its docstring
    try:
        campaign = load(root, strict, obj)
    except BaseException as exc:  # a broken configuration, SIGTERM: the workers go too
        stop_workers(pool)
        if as_json and isinstance(exc, PresskitError):
            click.echo(json_summary(None, exc.problems))
        raise
    progress = BuildProgress(lambda line: echo(obj, line), bar=None if not obj.quiet else False)
    from .build.formats import format_of

    def explain_plan(decisions: list[Decision]) -> None:
        progress.plan(decisions)
        for d in decisions if explain else ():
            verb = "rebuild" if d.rebuild else "skip"
            echo(obj, f"{verb} {d.unit.target}: {'; '.join(d.reasons)}")

    def finished(result: Result) -> None:
        progress(result)
        if result.error is None and format_of(result.unit).paged:
            from .report.thumbnails import thumbnails_ahead  # while the workers render the next files

            thumbnails_ahead(campaign.root, result.unit.target)
            from .report.context import pictures_ahead  # the context pictures taken from this PDF, if any

            pictures_ahead(campaign, result.unit)

    try:
        report = run_build(campaign, list(outputs), draft=draft, jobs=jobs, progress=finished,
                           on_plan=explain_plan, pool=pool, pseudo=pseudo)
    except PresskitError as exc:  # e.g. an unknown output name: the JSON still says what went wrong
        if as_json:
            click.echo(json_summary(None, exc.problems))
        raise
    finally:
        progress.close()
    if not (outputs or draft or pseudo or report.errors) and report.results:  # a release: keep its pages for presskit diff
        from .review.editions import record_release

        if (number := record_release(campaign, report)) is not None:
            echo(obj, f"  recorded edition {number} (presskit diff shows what changed)")
    from .report.write import write_report

    errors = report.errors
    try:
        write_report(campaign, report)
    except WriteError as exc:  # read-only build/, full disk: an error of this build like any other
        errors = [*errors, write_problem(exc, campaign.root)]
    for target in report.removed:
        echo(obj, f"  removed {target} (no longer in the configuration)")
    if as_json:
        click.echo(json_summary(report, errors))
    if errors:
        for detail in report.tracebacks if obj.debug else ():
            say(detail, err=True)
        raise PresskitError(errors)
    built = sum(1 for r in report.results if r.error is None)
    skipped = len(report.decisions) - len(report.results)
    if built:
        echo(obj, f"presskit: built {built}, {skipped} up to date ({report.seconds:.2f} s)")
    else:
        echo(obj, f"presskit: nothing to do, all {skipped} outputs up to date")


def json_summary(report: Report | None, problems: list[Problem]) -> str:
    """The machine-readable summary of a build (`presskit build --json`)."""
    import json

    outputs: list[dict[str, Any]] = []
    results = {r.unit.target: r for r in report.results} if report else {}
    for d in report.decisions if report else ():
        result = results.get(d.unit.target)
        status = "failed" if result and result.error else "built" if result else "up to date"
        outputs.append({"target": d.unit.target, "output": d.unit.output, "lang": d.unit.lang,
                        "edition": d.unit.edition, "status": status, "reasons": d.reasons,
                        "seconds": round(result.seconds, 3) if result else None})
    text = json.dumps({
        "ok": not problems, "seconds": round(report.seconds, 3) if report else None,
        "built": sum(1 for o in outputs if o["status"] == "built"),
        "up_to_date": sum(1 for o in outputs if o["status"] == "up to date"),
        "failed": sum(1 for o in outputs if o["status"] == "failed"),
        "outputs": outputs, "removed": report.removed if report else [],
        "report": "build/index.html" if report else None,
        "errors": [{"file": p.file, "line": p.line, "message": p.message, "fix": p.fix} for p in problems],
    }, ensure_ascii=False, indent=1)
    # json escapes C0 control characters itself; the rest (DEL, C1, bidi controls) as \uXXXX too,
    # which reads back the same: the summary stays valid JSON and safe on a terminal.
    return "".join(ch if ch in "\n\t" or printable(ch) == ch else f"\\u{ord(ch):04x}" for ch in text)


@cli.command()
@root_option
@strict_option
@click.pass_obj
def check(obj: Context, root: Path, strict: bool) -> None:
    """Validate the configuration and content, and preflight the built files."""
    campaign = load(root, strict, obj)
    from .source.containment import check_project

    check_project(campaign)  # build/ a folder of the project's own, a usable print profile
    from .build.units import plan
    from .build.validate import validate
    from .errors import ContentError

    if problems := validate(campaign, plan(campaign)):  # every content problem, in one pass
        raise ContentError(problems)
    from .i18n.qa import catalog_checks
    from .preflight.pdf import draft_targets, preflight_project

    errors, warnings = catalog_checks(campaign)
    from .i18n.glossary import check_glossary

    glossary_errors, terms = check_glossary(campaign)  # a term not translated as the glossary says
    errors, warnings = errors + glossary_errors + (terms if strict else []), warnings + ([] if strict else terms)
    for warning in warnings:
        echo(obj, f"warning: {warning}", err=True)
    findings, checked = preflight_project(campaign)
    for target in sorted(draft_targets(campaign.root)):
        echo(obj, f"warning: {target}: built with --draft (DRAFT mark on every page) — not for print; "
                  "build without --draft before sending it", err=True)
    from .report.write import write_report

    try:
        write_report(campaign)  # the build report shows these findings next to each file
    except WriteError as exc:  # a read-only build/ is still checked: only the report is not updated
        echo(obj, f"warning: {write_problem(exc, campaign.root)} (the build report was not updated)", err=True)
    if not strict:  # heuristic findings (addresses that look broken) warn; --strict fails on them too
        for finding in (f for f in findings if f.severity == "warning"):
            echo(obj, f"warning: {finding.problem()}", err=True)
        findings = [f for f in findings if f.severity != "warning"]
    if findings:
        echo(obj, f"presskit: preflight found {len(findings)} problem(s) in {checked} PDF(s)", err=True)
    if errors or findings:
        raise PresskitError(errors + [f.problem() for f in findings])
    echo(obj, f"presskit: check passed ({checked} PDF(s) preflighted)")


@cli.group()
def i18n() -> None:
    """Translation catalogs (gettext PO files)."""


lang_option = click.option("--lang", "-l", "langs", multiple=True, metavar="LANG",
                           help="Only this language (repeatable; default: every target language).")


@i18n.command("update")
@lang_option
@root_option
@click.pass_obj
def i18n_update(obj: Context, langs: tuple[str, ...], root: Path) -> None:
    """Extract segments into content/translations/<lang>.po, keeping existing translations."""
    from .i18n.update import target_languages, update_catalog

    campaign = load(root, False, obj)
    for lang in target_languages(campaign, langs):
        r = update_catalog(campaign, lang)
        verb = "updated" if r.written else "unchanged"
        recalled = f", {r.recalled} from memory" if r.recalled else ""
        echo(obj, f"  {verb} {r.path}: {r.messages} messages, {r.new} new, {r.fuzzy} fuzzy, "
                  f"{r.obsolete} obsolete{recalled}; {r.words} words to translate")


@i18n.command("status")
@lang_option
@root_option
@click.option("--strict", is_flag=True, help="Exit 1 when any translation is fuzzy or missing.")
@click.pass_obj
def i18n_status(obj: Context, langs: tuple[str, ...], root: Path, strict: bool) -> None:
    """Show translated, fuzzy and untranslated segments per language and document."""
    from rich.console import Console

    from .i18n.update import status, status_table, target_languages

    campaign = load(root, False, obj)
    rows = status(campaign, target_languages(campaign, langs))
    if not obj.quiet:
        from dataclasses import replace

        from rich.markup import escape

        # The table shows file names: as text (no rich markup, no control characters), like every line.
        shown = [replace(r, lang=escape(printable(r.lang)), document=escape(printable(r.document))) for r in rows]
        Console(width=120).print(status_table(shown))
    incomplete = sorted({r.lang for r in rows if not r.complete})
    if incomplete and strict:
        raise PresskitError(f"translations incomplete for: {', '.join(incomplete)} "
                            "— translate the fuzzy and untranslated segments (presskit i18n update "
                            "adds missing entries)")


@i18n.command("export")
@click.option("--format", "fmt", type=click.Choice(["xliff"]), default="xliff", show_default=True,
              help="File format for the translators' tools (XLIFF 1.2).")
@lang_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <lang>.xlf (default: build/i18n/ of the project).")
@root_option
@click.pass_obj
def i18n_export(obj: Context, fmt: str, langs: tuple[str, ...], out: Path | None, root: Path) -> None:
    """Write each catalog as an XLIFF file for a translation agency."""
    from .i18n.update import target_languages
    from .i18n.xliff import export_xliff
    from .source.containment import check_build_dir

    campaign = load(root, False, obj)
    if out is None:
        check_build_dir(campaign.root)  # writes only into a real build/
    for lang in target_languages(campaign, langs):
        r = export_xliff(campaign, lang, out if out is not None else campaign.root / "build" / "i18n")
        echo(obj, f"  wrote {r.path}: {r.units} units, {r.translated} translated, {r.fuzzy} needs-review, "
                  f"{r.untranslated} new; {r.pictures} context pictures beside it")
        if r.unbuilt:
            missing = Problem(r.path, None, f"{len(r.unbuilt)} context picture(s) its notes name are not built yet "
                                            f"(first: {r.unbuilt[0]})",
                              "run presskit build, then export again, to send the pictures with the file")
            echo(obj, f"warning: {missing}", err=True)


@i18n.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@root_option
@click.option("--strict", is_flag=True, help="Exit 1 when any unit was reported (not imported as it is).")
@click.pass_obj
def i18n_import(obj: Context, files: tuple[Path, ...], root: Path, strict: bool) -> None:
    """Merge translated XLIFF files into content/translations/<lang>.po (msgstr and fuzzy flags only)."""
    from .i18n.xliff import import_xliff

    campaign = load(root, False, obj)
    reported = []
    for file in files:
        r = import_xliff(campaign, file)
        for problem in r.problems:
            echo(obj, f"warning: {problem}", err=True)
        echo(obj, f"  {'updated' if r.written else 'unchanged'} {r.catalog} from {r.file}: {r.changed} changed, "
                  f"{r.unchanged} unchanged, {len(r.problems)} reported")
        if r.problems:
            reported.append(Problem(r.file, None, f"{len(r.problems)} unit(s) reported (warnings above)",
                                    "correct them in the translation tool and import the file again"))
    if reported and strict:
        raise PresskitError(reported)


@cli.command()
@root_option
@click.option("--draft", is_flag=True, help="Build even with missing translations; marks pages DRAFT.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Parallel renders (default: 1, in the warm watch process).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=8765, show_default=True,
              help="Port of the live build report on localhost (0: any free port).")
@click.option("--no-serve", is_flag=True, help="Do not serve the build report.")
@click.pass_obj
def watch(obj: Context, root: Path, draft: bool, jobs: int | None, port: int, no_serve: bool) -> None:
    """Rebuild whatever an edit to content, templates or translations touches; serve a live report."""
    from .source.containment import check_build_dir
    from .watch import Watcher, report_url, serve

    check_build_dir(root)  # before serving or writing anything: build/ must not lead elsewhere
    watcher = Watcher(root, draft=draft, jobs=jobs, debug=obj.debug,
                      say=lambda line: echo(obj, line, err=line.startswith(("error", "Traceback"))))
    if not no_serve:
        server = serve(watcher.root, port)
        watcher.live = True
        echo(obj, f"watch: build report at {report_url(server)} (reloads after every rebuild)")
    try:
        watcher.run()
    except (KeyboardInterrupt, Interrupted):  # Ctrl-C, SIGTERM (workers, if any, are stopped by then)
        echo(obj, "watch: stopped")


@cli.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--source-language", metavar="L", help="Language the documents are written in (en, de, lv, pt_BR …).")
@click.option("--languages", metavar="L,L…", help="The campaign's languages, comma-separated (the source is added if missing).")
@click.option("--title", help="Campaign title (any text).")
@click.option("--organisation", help="Publishing organisation (any text).")
@click.option("--example", is_flag=True, help="Copy the example campaign (Latvian source) instead of a neutral starter.")
@click.pass_obj
def new(obj: Context, directory: Path, source_language: str | None, languages: str | None, title: str | None,
        organisation: str | None, example: bool) -> None:
    """Create a new, buildable project in DIRECTORY: a neutral starter, or --example."""
    from .source.scaffold import check_folder, scaffold, starter, starter_options

    check_folder(directory)
    given = [o for o, v in (("--source-language", source_language), ("--languages", languages),
                            ("--title", title), ("--organisation", organisation)) if v is not None]
    if example and given:
        raise UsageError(Problem("presskit new", None, f"--example copies the example campaign as it is: {', '.join(given)} "
                                 "would be ignored", "leave out --example for a starter of your own, or those options"))
    if example:
        scaffold(directory)
    else:
        options = starter_options(source_language, languages, title, organisation)
        if not starter(directory, options):
            echo(obj, f"note: presskit has no placeholder text in '{options.source_language}': the documents hold "
                      "English text to replace with yours", err=True)
        _new_catalogs(obj, directory)
    echo(obj, f"presskit: created {directory}; edit {directory / 'content'}, then build it with: "
              f"presskit build --draft --root {directory}")


def _new_catalogs(obj: Context, root: Path) -> None:
    """A starter's empty catalogs, written by `presskit i18n update`'s own code; a language presskit
    has no label translations for is named now rather than at the first build."""
    from .i18n.labels import label_file
    from .i18n.update import target_languages, update_catalog

    campaign = load(root, False, obj)
    for lang in campaign.languages:
        if label_file(lang) is None:
            echo(obj, f"warning: presskit has no translation of its template labels into '{lang}' — add them to "
                      f"content/translations/{lang}.po (the build names each one)", err=True)
    for lang in target_languages(campaign):
        r = update_catalog(campaign, lang)
        echo(obj, f"  created {r.path}: {r.messages} messages to translate")


@cli.group()
def review() -> None:
    """Bring a reviewed DOCX briefing back into the source (docs/review.md)."""


@review.command("import")
@click.argument("returned", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--apply", "do_apply", is_flag=True, help="Write the text changes to the source, comments to content/review/.")
@root_option
@click.pass_obj
def review_import(obj: Context, returned: Path, do_apply: bool, root: Path) -> None:
    """List a returned briefing's tracked changes, edits and comments with their source lines, and the diff."""
    from .review.importer import apply_review, describe, import_review

    found = import_review(root.resolve(), returned)
    for line in describe(found, returned.name):
        echo(obj, line)
    for plan in found.plans.values():
        echo(obj, plan.diff().rstrip("\n"))
    for name in apply_review(root.resolve(), found, returned.name) if do_apply else ():
        echo(obj, f"  wrote {name}")


@cli.command()
@click.option("--since", default=None, help="An edition number (diff lists them) or a git revision; default: the last release.")
@root_option
@click.pass_obj
def diff(obj: Context, since: str | None, root: Path) -> None:
    """Which pages of each PDF changed since the last release build (or a git revision), and how."""
    from .review.editions import edition_diff

    campaign = load(root, False, obj)
    for line in edition_diff(campaign, since):
        echo(obj, line)


def main() -> None:
    """Entry point: run the CLI, turning presskit errors into messages and exit codes."""
    debug = "--debug" in sys.argv
    try:
        with stop_on_signals():
            cli.main(standalone_mode=False, prog_name="presskit")
    except PresskitError as exc:
        if debug:
            raise
        for problem in exc.problems:
            say(f"error: {problem}", err=True)
        sys.exit(exc.exit_code)
    except WriteError as exc:  # a write no command expected to fail (e.g. a catalog): still no traceback
        if debug:
            raise
        say(f"error: {write_problem(exc, Path.cwd())}", err=True)
        sys.exit(EXIT_ERROR)
    except (Interrupted, KeyboardInterrupt) as exc:
        stopped = exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT)
        say(f"presskit: stopped by {stopped.name} — no worker left running, no file half-written; "
            "run the command again to finish", err=True)
        sys.exit(128 + stopped.signum)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(EXIT_ERROR)
    except click.ClickException as exc:
        import io

        shown = io.StringIO()  # the command line's own words, escaped like everything else
        exc.show(file=shown)
        click.echo(printable(shown.getvalue()), err=True, nl=False)
        sys.exit(EXIT_USAGE)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM (a CI cancel, kill) and SIGINT (Ctrl-C) raise Interrupted in the main thread, so a
    build stops its workers on the way out (build.run.build) and main() says so in one line. A
    second signal while stopping exits at once (the workers die with this process). Without the
    main thread (a test calling main() elsewhere) the signals keep their handlers."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def stop(signum: int, frame: object) -> None:
        if caught:
            os._exit(128 + caught[0])
        caught.append(signum)
        raise Interrupted(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def run() -> None:
    """Console entry point: main(), then exit without tearing the interpreter down.

    Python's teardown after a build that rendered something takes 0.15–0.25 s here (finalising the
    modules and objects of catalogs, templates, report thumbnails); every output is written, closed
    and renamed by then, so the process leaves once its streams are flushed. Tests that call main()
    in their own process keep the normal exit.
    """
    try:
        main()
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    if code is not None and not isinstance(code, int):
        print(printable(str(code)), file=sys.stderr)  # what Python does with sys.exit("message")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (presskit … | head): nothing left to say
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    run()
