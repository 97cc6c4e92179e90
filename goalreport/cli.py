"""The command line: thin wrappers that parse options, call the core and report.

Only this module imports click, and only ``main_errors`` decides how an error looks.
Heavy modules (WeasyPrint, the engine) are imported inside the commands so that
``goalreport --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from goalreport import __version__
from goalreport.errors import GoalreportError, InputProblems, Problem

WORKBOOK = click.Path(path_type=Path, dir_okay=False)


class MonthType(click.ParamType):
    """A report month written ``YYYY-MM``."""

    name = "YYYY-MM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(str(value).strip(), "%Y-%m").date()
        except ValueError:
            self.fail(f"{value!r} is not a month. Write it as YYYY-MM, e.g. 2026-10.", param, ctx)


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"{value!r} is not a date. Write it as YYYY-MM-DD, e.g. 2026-10-31.",
                      param, ctx)


def echo_problems(problems: tuple[Problem, ...] | list[Problem], label: str) -> None:
    for problem in problems:
        click.echo(f"{label}: {problem}", err=True)


@contextmanager
def main_errors(debug: bool, as_json: bool = False) -> Iterator[None]:
    """Turn goalreport's errors into messages and exit codes; tracebacks only with --debug.
    With --json the failure is also described on stdout, so scripts always get JSON."""
    try:
        yield
    except InputProblems as error:
        if debug:
            raise
        if as_json:
            _echo_json_failure(error, error.problems, error.warnings)
        echo_problems(error.warnings, "Warning")
        echo_problems(error.problems, "Error")
        count = len(error.problems)
        _exit(error.exit_code, f"{count} input problem{'s' if count != 1 else ''}; "
                               "nothing was written. Fix them and run again.")
    except GoalreportError as error:
        if debug:
            raise
        if as_json:
            _echo_json_failure(error)
        _exit(error.exit_code, f"Error: {error}")
    except KeyboardInterrupt:
        _exit(130, "Interrupted; the workbook was left as it was.")


def _echo_json_failure(error: GoalreportError, problems: tuple[Problem, ...] = (),
                       warnings: tuple[Problem, ...] = ()) -> None:
    click.echo(json.dumps({"ok": False, "error": str(error),
                           "problems": [str(p) for p in problems],
                           "warnings": [str(w) for w in warnings]}, indent=2))


def _exit(code: int, message: str) -> None:
    click.echo(message, err=True)
    sys.exit(code)


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--quiet, --verbose, --debug: on every command."""
    func = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(func)
    func = click.option("--verbose", "-v", is_flag=True, help="Say more about what is done.")(func)
    func = click.option("--quiet", "-q", is_flag=True, help="Print only errors.")(func)
    return func


def date_options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option(
        "--month", type=MonthType(),
        help="Report month (YYYY-MM); As Of becomes its last day, or today while it is "
             "not over.")(func)
    func = click.option(
        "--as-of", type=DateType(),
        help="Measure progress as of this date (YYYY-MM-DD); overrides Settings.")(func)
    return func


def job_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.option("--json", "as_json", is_flag=True,
                     help="Print a machine-readable summary on stdout."),
        click.option("--output-workbook", type=WORKBOOK,
                     help="Write the computed sheets to this copy; the original is untouched."),
    ]
    for option in options:
        func = option(func)
    return date_options(func)


CHARTS_OPTION = click.option(
    "--charts/--no-charts", default=True, show_default=True,
    help="Draw native charts on the Team Summary sheet.")


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        CHARTS_OPTION,
        click.option("--html", is_flag=True,
                     help="Also write each report as self-contained HTML beside its PDF."),
        click.option("--jobs", "-j", type=click.IntRange(1, 64),
                     help="Render in this many processes (default: CPU count)."),
        click.option("--templates", "templates_dir",
                     type=click.Path(path_type=Path, file_okay=False, exists=True),
                     help="Folder of templates overriding the packaged ones by name."),
        click.option("--rep", "rep_ids", multiple=True, metavar="ID",
                     help="Render only this rep's report (repeatable)."),
        click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Reports folder (default: 'reports' beside the workbook)."),
    ]
    for option in options:
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="goalreport")
def cli() -> None:
    """Break sales goals into monthly, weekly and daily plans, track progress against
    them, and write the results back into the workbook with a PDF report per rep.

    \b
    Example, the monthly job:
        goalreport run team.xlsx --out reports/
    """


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@click.option("--example", is_flag=True, help="Fill in a few example rows to show the format.")
@common_options
def init(workbook: Path, example: bool, quiet: bool, verbose: bool, debug: bool) -> None:
    """Write a blank template WORKBOOK with instructions, ready to fill in.

    \b
    Example:
        goalreport init team.xlsx --example
    """
    from goalreport.workbook.template import write_template

    with main_errors(debug):
        write_template(workbook, example=example)
    if not quiet:
        click.echo(f"Wrote {workbook}. Fill in Reps, Goals and Activity, then run "
                   f"'goalreport check {workbook}'.", err=True)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@date_options
@common_options
def check(workbook: Path, as_of: date | None, month: date | None, quiet: bool, verbose: bool,
          debug: bool) -> None:
    """Validate WORKBOOK and list every input problem; write nothing.

    Exit status 0 when it is ready, 1 when it has problems.

    \b
    Example:
        goalreport check team.xlsx
    """
    from goalreport.jobs import check_workbook

    with main_errors(debug):
        warnings = check_workbook(workbook, today=date.today(), as_of=as_of, month=month)
    if not quiet:
        echo_problems(warnings, "Warning")
        click.echo(f"{workbook}: no problems found"
                   + (f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})."
                      if warnings else "."), err=True)


def _run(workbook: Path, *, plan: bool, progress: bool, render: bool, options: dict[str, Any]
         ) -> None:
    from goalreport.jobs import JobOptions, run_job

    quiet, verbose, debug, as_json = (options.pop(k) for k in ("quiet", "verbose", "debug",
                                                               "as_json"))
    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), write_plan=plan,
                     write_progress=progress, render=render,
                     rep_ids=tuple(options.pop("rep_ids", ()) or ()), **options)
    with main_errors(debug, as_json), progress_bar(quiet or as_json, "Rendering reports") as bar:
        result = run_job(workbook, job, progress=bar)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    if not quiet:
        echo_problems(result.warnings, "Warning")
        if verbose:
            for path in result.files:
                click.echo(f"wrote {path}", err=True)
        written = result.written_workbook or workbook
        summary = f"{written}: wrote {', '.join(result.sheets)} for {result.reps} reps " \
                  f"as of {result.as_of.isoformat()}"
        if render:
            summary += f"; {len(result.files)} report files"
        click.echo(summary + ".", err=True)
    for failure in result.failures:
        click.echo(f"Error: {failure}", err=True)
    if result.failures:
        sys.exit(1)


@contextmanager
def progress_bar(silent: bool, label: str) -> Iterator[Callable[[int, int], None] | None]:
    """A progress callback drawing a bar on a terminal; None in cron or with --quiet."""
    if silent or not sys.stderr.isatty():
        yield None
        return
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["bar"].pos)

    try:
        yield update
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@job_options
@common_options
def plan(workbook: Path, **options: Any) -> None:
    """Write the Plan and Weekly Plan sheets into WORKBOOK.

    \b
    Example:
        goalreport plan team.xlsx --as-of 2026-10-31
    """
    _run(workbook, plan=True, progress=False, render=False, options=options)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@report_options
@job_options
@common_options
def report(workbook: Path, **options: Any) -> None:
    """Write Progress and Team Summary into WORKBOOK and render the PDF reports.

    PDFs go to DIR/<year>-<month>/ (default DIR: 'reports' beside the workbook).

    \b
    Example:
        goalreport report team.xlsx --month 2026-10 --out reports/
    """
    _run(workbook, plan=False, progress=True, render=True, options=options)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@report_options
@job_options
@common_options
def run(workbook: Path, **options: Any) -> None:
    """The monthly job: plan + report in one write, then the PDFs.

    \b
    Example:
        goalreport run team.xlsx --out reports/ --html
    """
    _run(workbook, plan=True, progress=True, render=True, options=options)


@cli.command()
@click.argument("inbox", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reports folder (default: INBOX/reports); each workbook gets "
                   "DIR/<name>/<YYYY-MM>/, and the run manifests and state live here.")
@click.option("--force", is_flag=True,
              help="Redo workbooks that did not change since their last successful run.")
@click.option("--settle", "settle_seconds", type=click.FloatRange(0, 3600), default=5.0,
              show_default=True, metavar="SECONDS",
              help="Leave a workbook changed this recently for the next run (still copying).")
@click.option("--json", "as_json", is_flag=True, help="Print the run manifest on stdout.")
@CHARTS_OPTION
@click.option("--html", is_flag=True,
              help="Also write each report as self-contained HTML beside its PDF.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64),
              help="Render in this many processes (default: CPU count).")
@click.option("--templates", "templates_dir",
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of templates overriding the packaged ones by name.")
@date_options
@common_options
def batch(inbox: Path, out_dir: Path | None, force: bool, settle_seconds: float,
          as_json: bool, charts: bool, html: bool, jobs: int | None,
          templates_dir: Path | None, as_of: date | None, month: date | None, quiet: bool,
          verbose: bool, debug: bool) -> None:
    """The cron job: run every .xlsx/.xlsm directly in INBOX like 'goalreport run'.

    Unchanged workbooks are skipped, workbooks open in Excel or still being copied are
    left for the next run, and one bad workbook never stops the others. A manifest of
    each run goes to DIR/runs/ and DIR/last-run.json.

    Exit status: 0 all done, skipped or not ready yet; 1 any workbook failed or had input
    problems; 2 usage error; 3 another batch is already running on INBOX.

    \b
    Example (crontab, 06:00 on the 1st, reports for the month just ended):
        0 6 1 * * goalreport batch /srv/quotas --month "$(date -d yesterday +\\%Y-\\%m)"
    """
    from goalreport.batch.runner import run_batch
    from goalreport.jobs import JobOptions

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), as_of=as_of,
                     month=month, templates_dir=templates_dir, jobs=jobs, html=html,
                     charts=charts)
    stop = _stop_on_sigterm()
    with main_errors(debug, as_json):
        manifest = run_batch(inbox, out_dir, job, force=force, settle_seconds=settle_seconds,
                             log=_batch_log(quiet, verbose or debug), stop=stop)
    if as_json:
        click.echo(json.dumps(manifest.to_json(), indent=2))
    sys.exit(manifest.exit_code)


def _stop_on_sigterm() -> Callable[[], bool]:
    """SIGTERM (systemd, timeout(1)) stops a batch between two workbooks: the one in hand
    is finished, the manifest records the run as interrupted. Returns "was it asked?".
    Forked children (the bounded reader) keep the default and just die."""
    import os
    import signal

    batch_pid = os.getpid()
    asked: list[int] = []

    def stop(number: int, frame: object) -> None:
        if os.getpid() != batch_pid:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)
            return
        asked.append(number)

    signal.signal(signal.SIGTERM, stop)
    return lambda: bool(asked)


def _batch_log(quiet: bool, verbose: bool) -> Callable[[str, str], None]:
    """Log lines for a batch: plain on a terminal, timestamped for cron's log file."""
    import os

    stamped = not sys.stderr.isatty()
    shown = {"error"} if quiet else {"error", "warning", "info"} | ({"debug"} if verbose else set())

    def log(level: str, message: str) -> None:
        if level not in shown:
            return
        for line in message.splitlines() or [""]:
            if stamped:
                when = datetime.now().astimezone().strftime("%Y-%m-%dT%H:%M:%S%z")
                click.echo(f"{when} goalreport[{os.getpid()}] {level.upper()} {line}", err=True)
            else:
                label = "" if level in ("info", "debug") else f"{level.capitalize()}: "
                click.echo(f"{label}{line}", err=True)

    return log
