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
    """Each problem on its own line, sorted by sheet, row and column, each kind cut to its
    first few lines plus one line naming the rest of its cells (workbook/problemlist);
    "info" lines (what check recognised, such as a CRM export) stand alone."""
    from goalreport.workbook.problemlist import condense

    for problem in condense(problems):
        click.echo(str(problem) if problem.severity == "info" else f"{label}: {problem}",
                   err=True)


@contextmanager
def main_errors(debug: bool, as_json: bool = False, quiet: bool = False) -> Iterator[None]:
    """Turn goalreport's errors into messages and exit codes; tracebacks only with --debug.
    With --json the failure is also described on stdout, so scripts always get JSON.
    With --quiet only errors are printed, not warnings."""
    try:
        yield
    except InputProblems as error:
        if debug:
            raise
        if as_json:
            _echo_json_failure(error, error.problems, error.warnings)
        if not quiet:
            echo_problems(error.warnings, "Warning")
        echo_problems(error.problems, "Error")
        count = error.count
        _exit(error.exit_code, f"{count:,} input problem{'s' if count != 1 else ''}; "
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


#: --deals FILE: CRM exports read with the workbook as if pasted into it (crm/sources.py).
DEALS_OPTION = click.option(
    "--deals", "deals", multiple=True, metavar="FILE",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A CRM deals export (CSV or XLSX: Salesforce, HubSpot, Pipedrive, Zoho, Odoo) "
         "counted like Activity's won and lost rows (repeatable).")


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
    return DEALS_OPTION(date_options(func))


CHARTS_OPTION = click.option(
    "--charts/--no-charts", default=True, show_default=True,
    help="Draw native charts on the Team Summary sheet.")


def render_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--charts, --html, --pdf-tags, --jobs, --templates: how the sheets' charts and the
    reports are made (report, run, batch)."""
    options = [
        CHARTS_OPTION,
        click.option("--html", is_flag=True,
                     help="Also write each report as self-contained HTML beside its PDF."),
        click.option("--pdf-tags/--no-pdf-tags", default=True, show_default=True,
                     help="Tag PDFs for screen readers (PDF/UA); --no-pdf-tags renders "
                          "faster, untagged."),
        click.option("--jobs", "-j", type=click.IntRange(1, 64),
                     help="Render in this many processes (default: CPU count)."),
        click.option("--templates", "templates_dir",
                     type=click.Path(path_type=Path, file_okay=False, exists=True),
                     help="Folder of templates overriding the packaged ones by name."),
    ]
    for option in reversed(options):  # shown in this order
        func = option(func)
    return func


def report_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--rep, --out and the render options (report, run)."""
    options = [
        click.option("--rep", "rep_ids", multiple=True, metavar="ID",
                     help="Render only this rep's report (repeatable)."),
        click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
                     help="Reports folder (default: 'reports' beside the workbook)."),
    ]
    func = render_options(func)
    for option in options:
        func = option(func)
    return func


class EmailType(click.ParamType):
    """One email address, checked like an Email cell."""

    name = "ADDRESS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from goalreport.workbook.values import ValueProblem, parse_email

        try:
            return parse_email(value)
        except ValueProblem as problem:
            self.fail(problem.message, param, ctx)


def mail_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--smtp-config and --no-calendar: for send and for --send on run and batch."""
    func = click.option(
        "--smtp-config", type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="File of GOALREPORT_SMTP_* settings (chmod 600 when it holds a password).")(func)
    func = click.option("--no-calendar", is_flag=True,
                        help="Leave out the .ics of the rep's focus blocks for next month.")(func)
    return func


def send_flag(func: Callable[..., Any]) -> Callable[..., Any]:
    """--send on run and batch: mail the reports once they are rendered."""
    func = click.option("--send", is_flag=True,
                        help="Then mail each rep their report and the manager the team "
                             "summary (see 'goalreport send').")(func)
    return mail_options(func)


def _send_options(options: dict[str, Any], *, rep_ids: tuple[str, ...] = ()) -> Any:
    """Pop the mail options out of ``options``; SendOptions when --send was given."""
    send = options.pop("send", False)
    smtp_config, no_calendar = options.pop("smtp_config", None), options.pop("no_calendar", False)
    if not send:
        return None
    from goalreport.delivery.deliver import SendOptions

    return SendOptions(calendar=not no_calendar, smtp_config=smtp_config, rep_ids=rep_ids)


def _echo_delivery(report: Any, quiet: bool) -> None:
    """Who got what, one line each on stderr; then the totals."""
    for level, line in report.lines():
        if quiet and level != "error":
            continue
        label = {"error": "Error: ", "warning": "Warning: "}.get(level, "")
        click.echo(f"{label}{line}", err=True)
    if report.error:
        click.echo(f"Error: {report.error}", err=True)
    if not quiet:
        where = f" (written to {report.folder / 'outbox'})" if report.dry_run else ""
        click.echo(f"{'Dry run: ' if report.dry_run else ''}{report.summary()}{where}.",
                   err=True)


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
@DEALS_OPTION
@date_options
@common_options
def check(workbook: Path, as_of: date | None, month: date | None, deals: tuple[Path, ...],
          quiet: bool, verbose: bool, debug: bool) -> None:
    """Validate WORKBOOK and list every input problem; write nothing.

    Exit status 0 when it is ready, 1 when it has problems.

    \b
    Example:
        goalreport check team.xlsx
    """
    from goalreport.jobs import check_workbook

    with main_errors(debug, quiet=quiet):
        notes = check_workbook(workbook, today=date.today(), as_of=as_of, month=month,
                               deals=deals)
    warnings = [note for note in notes if note.severity != "info"]
    if not quiet:
        echo_problems(notes, "Warning")
        click.echo(f"{workbook}: no problems found"
                   + (f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})."
                      if warnings else "."), err=True)


def _run(workbook: Path, *, plan: bool, progress: bool, render: bool, options: dict[str, Any]
         ) -> None:
    from goalreport.jobs import JobOptions, run_job

    quiet, verbose, debug, as_json = (options.pop(k) for k in ("quiet", "verbose", "debug",
                                                               "as_json"))
    sending = _send_options(options, rep_ids=tuple(options.get("rep_ids", ()) or ()))
    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), write_plan=plan,
                     write_progress=progress, render=render,
                     rep_ids=tuple(options.pop("rep_ids", ()) or ()), **options)
    with main_errors(debug, as_json, quiet), progress_bar(quiet or as_json, "Rendering reports") as bar:
        result = run_job(workbook, job, progress=bar)
    delivery = None
    if sending is not None:
        from goalreport.jobs import send_job

        with main_errors(debug, as_json):
            delivery = send_job(workbook, job, sending, done=result)
    if as_json:
        click.echo(json.dumps({**result.to_json(), **({"delivery": delivery.to_json()}
                                                       if delivery else {})}, indent=2))
    if not quiet:
        echo_problems(result.warnings, "Warning")
        for note in result.notes:
            click.echo(f"Note: {note}", err=True)
        if verbose:
            if result.backup:
                click.echo(f"kept the previous version as {result.backup}", err=True)
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
    if delivery is not None:
        _echo_delivery(delivery, quiet)
    if result.failures or (delivery is not None and not delivery.ok):
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
@send_flag
@report_options
@job_options
@common_options
def run(workbook: Path, **options: Any) -> None:
    """The monthly job: plan + report in one write, then the PDFs (and with --send,
    mail them).

    \b
    Example:
        goalreport run team.xlsx --out reports/ --html
    """
    _run(workbook, plan=True, progress=True, render=True, options=options)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@click.option("--dry-run", is_flag=True,
              help="Connect to nothing: write each message to DIR/<YYYY-MM>/outbox/*.eml.")
@click.option("--resend", is_flag=True,
              help="Send again what was already sent (and reports changed since).")
@click.option("--redirect-to", type=EmailType(),
              help="Send every message to this address instead, for a test run.")
@mail_options
@click.option("--json", "as_json", is_flag=True, help="Print who was sent what on stdout.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64),
              help="Render missing reports in this many processes (default: CPU count).")
@click.option("--templates", "templates_dir",
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of templates overriding the packaged ones (emails too).")
@click.option("--rep", "rep_ids", multiple=True, metavar="ID",
              help="Send only this rep's report (repeatable); the manager gets nothing.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reports folder (default: 'reports' beside the workbook).")
@date_options
@common_options
def send(workbook: Path, dry_run: bool, resend: bool, redirect_to: str | None,
         smtp_config: Path | None, no_calendar: bool, as_json: bool, jobs: int | None,
         templates_dir: Path | None, rep_ids: tuple[str, ...], out_dir: Path | None,
         as_of: date | None, month: date | None, quiet: bool, verbose: bool,
         debug: bool) -> None:
    """Mail each rep their report of the month, and the manager the team summary.

    Reports come from DIR/<YYYY-MM>/ (missing or outdated ones are rendered first).
    The mail server is set with GOALREPORT_SMTP_* variables or --smtp-config. Nothing
    is sent twice: DIR/<YYYY-MM>/.goalreport-sent.json records what was accepted.
    Exit status 1 when anyone was not sent (refused, failed, or held back because the
    report changed since it was sent).

    \b
    Example:
        goalreport send team.xlsx --month 2026-10 --dry-run
    """
    from goalreport.delivery.deliver import SendOptions
    from goalreport.jobs import JobOptions, send_job

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), as_of=as_of,
                     month=month, out_dir=out_dir, templates_dir=templates_dir, jobs=jobs)
    sending = SendOptions(dry_run=dry_run, resend=resend, redirect_to=redirect_to,
                          calendar=not no_calendar, smtp_config=smtp_config, rep_ids=rep_ids)
    with main_errors(debug, as_json):
        report = send_job(workbook, job, sending)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    _echo_delivery(report, quiet)
    sys.exit(0 if report.ok else 1)


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
@render_options
@send_flag
@date_options
@common_options
def batch(inbox: Path, out_dir: Path | None, force: bool, settle_seconds: float,
          as_json: bool, charts: bool, html: bool, pdf_tags: bool, jobs: int | None,
          templates_dir: Path | None, as_of: date | None, month: date | None, quiet: bool,
          verbose: bool, debug: bool, **mail: Any) -> None:
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
                     charts=charts, pdf_tags=pdf_tags)
    stop = _stop_on_sigterm()
    with main_errors(debug, as_json):
        manifest = run_batch(inbox, out_dir, job, force=force, settle_seconds=settle_seconds,
                             log=_batch_log(quiet, verbose or debug), stop=stop,
                             send=_send_options(mail))
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
