"""The commands: ``goalreport init``, ``check``, ``plan``, ``report``, ``run``, ``send``
and ``batch``, each a thin wrapper that reads its options, calls one job (``jobs.py``,
``batch/runner.py``) and prints what happened (``output.py``).

Heavy modules (WeasyPrint, the engine) are imported inside the commands so that
``goalreport --help`` stays fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from goalreport import __version__
from goalreport.cli.options import (
    DEALS_OPTION,
    WORKBOOK,
    EmailType,
    common_options,
    date_options,
    job_options,
    mail_options,
    render_options,
    report_options,
    send_flag,
    send_options,
    with_mail_domains,
)
from goalreport.cli.output import (
    batch_log,
    echo_delivery,
    echo_problems,
    finish_delivery,
    main_errors,
    progress_bar,
)
from goalreport.cli.weekly import digest

if TYPE_CHECKING:
    from goalreport.delivery.outcome import SendOptions
    from goalreport.jobs import JobOptions


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
@click.option("--from", "source", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              metavar="FILE",
              help="Start from your quota table (CSV, or a sheet of an .xlsx): it becomes "
                   "the Goals sheet as it is, and its reps the Reps sheet.")
@click.option("--sheet", metavar="NAME",
              help="With --from an .xlsx: the sheet holding the table (default: the first "
                   "that reads as one).")
@common_options
def init(workbook: Path, example: bool, source: Path | None, sheet: str | None, quiet: bool,
         verbose: bool, debug: bool) -> None:
    """Write a blank template WORKBOOK with instructions, ready to fill in.

    \b
    Examples:
        goalreport init team.xlsx --example
        goalreport init team.xlsx --from quotas.csv
    """
    from goalreport.workbook.template import write_template

    if sheet is not None and source is None:
        raise click.UsageError("--sheet goes with --from: name the sheet of the .xlsx to read.")
    if source is not None and example:
        raise click.UsageError("--example and --from do not go together: the rows come "
                               "from the table.")
    if source is None:
        with main_errors(debug):
            write_template(workbook, example=example)
        if not quiet:
            click.echo(f"Wrote {workbook}. Fill in Reps, Goals and Activity, then run "
                       f"'goalreport check {workbook}'.", err=True)
        return
    from goalreport.workbook.seed import seed, write_seeded

    with main_errors(debug):
        found = seed(source, sheet)
        write_seeded(workbook, found)
    if not quiet:
        reps = len(found.reps)
        click.echo(f"Wrote {workbook} from {found.source}: Goals is the table as it came "
                   f"({len(found.rows):,} rows), Reps lists its {reps} rep"
                   f"{'s' if reps != 1 else ''} (from the column {found.rep_column!r}).",
                   err=True)
        for line in found.said:
            click.echo(f"Guessed: {line}", err=True)
        click.echo("Next: give each rep a Name, Email and Team (and a Start Date for new "
                   "reps) on Reps; in Settings set Company, Holiday Country and a Default Avg "
                   "Deal Size (until Activity has the history to learn it); log Activity; "
                   f"then run 'goalreport check {workbook}': it says how it read the Goals.",
                   err=True)


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

    with main_errors(debug, quiet=quiet, verbose=verbose, wrote=False):
        notes = check_workbook(workbook, today=date.today(), as_of=as_of, month=month,
                               deals=deals)
    warnings = [note for note in notes if note.severity != "info"]
    if not quiet:
        echo_problems(notes, "Warning", verbose)
        click.echo(f"{workbook}: no problems found"
                   + (f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''})."
                      if warnings else "."), err=True)


def _run(workbook: Path, job: JobOptions, sending: SendOptions | None, *, as_json: bool,
         quiet: bool, verbose: bool, debug: bool) -> None:
    """plan, report and run: the job, then with ``sending`` the mail, then what happened."""
    from goalreport.jobs import run_job

    with main_errors(debug, as_json, quiet, verbose), \
            progress_bar(quiet or as_json, "Rendering reports") as bar:
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
        echo_problems(result.warnings, "Warning", verbose)
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
        if job.render:
            summary += f"; {len(result.files)} report files"
        click.echo(summary + ".", err=True)
    for failure in result.failures:
        click.echo(f"Error: {failure}", err=True)
    if delivery is not None:
        echo_delivery(delivery, quiet)
    if result.failures or (delivery is not None and not delivery.ok):
        sys.exit(1)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@job_options
@common_options
def plan(workbook: Path, as_json: bool, output_workbook: Path | None,
         deals: tuple[Path, ...], as_of: date | None, month: date | None, quiet: bool,
         verbose: bool, debug: bool) -> None:
    """Write the Plan and Weekly Plan sheets into WORKBOOK.

    \b
    Example:
        goalreport plan team.xlsx --as-of 2026-10-31
    """
    from goalreport.jobs import JobOptions

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), write_progress=False,
                     render=False, as_of=as_of, month=month, deals=deals,
                     output_workbook=output_workbook)
    _run(workbook, job, None, as_json=as_json, quiet=quiet, verbose=verbose, debug=debug)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@report_options
@job_options
@common_options
def report(workbook: Path, rep_ids: tuple[str, ...], out_dir: Path | None, charts: bool,
           html: bool, pdf_tags: bool, jobs: int | None, templates_dir: Path | None,
           as_json: bool, output_workbook: Path | None, deals: tuple[Path, ...],
           as_of: date | None, month: date | None, quiet: bool, verbose: bool,
           debug: bool) -> None:
    """Write Progress and Team Summary into WORKBOOK and render the PDF reports.

    PDFs go to DIR/<year>-<month>/ (default DIR: 'reports' beside the workbook).

    \b
    Example:
        goalreport report team.xlsx --month 2026-10 --out reports/
    """
    from goalreport.jobs import JobOptions

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), write_plan=False,
                     as_of=as_of, month=month, rep_ids=rep_ids, out_dir=out_dir,
                     templates_dir=templates_dir, jobs=jobs, html=html,
                     output_workbook=output_workbook, deals=deals, pdf_tags=pdf_tags,
                     charts=charts)
    _run(workbook, job, None, as_json=as_json, quiet=quiet, verbose=verbose, debug=debug)


@cli.command()
@click.argument("workbook", type=WORKBOOK)
@click.option("--new-identity", is_flag=True,
              help="Give the workbook an identity of its own (a copy made to start another "
                   "team's workbook): what was sent of the original is not its record.")
@send_flag
@report_options
@job_options
@common_options
def run(workbook: Path, new_identity: bool, send: bool, smtp_config: Path | None,
        no_calendar: bool, rep_ids: tuple[str, ...], out_dir: Path | None, charts: bool,
        html: bool, pdf_tags: bool, jobs: int | None, templates_dir: Path | None,
        as_json: bool, output_workbook: Path | None, deals: tuple[Path, ...],
        as_of: date | None, month: date | None, quiet: bool, verbose: bool,
        debug: bool) -> None:
    """The monthly job: plan + report in one write, then the PDFs (and with --send,
    mail them).

    \b
    Example:
        goalreport run team.xlsx --out reports/ --html
    """
    from goalreport.jobs import JobOptions

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), as_of=as_of,
                     month=month, rep_ids=rep_ids, out_dir=out_dir,
                     templates_dir=templates_dir, jobs=jobs, html=html,
                     output_workbook=output_workbook, deals=deals, pdf_tags=pdf_tags,
                     charts=charts, new_identity=new_identity)
    sending = send_options(send, smtp_config=smtp_config, no_calendar=no_calendar,
                           rep_ids=rep_ids)
    with main_errors(debug, as_json, quiet):
        job = with_mail_domains(job, sending)
    _run(workbook, job, sending, as_json=as_json, quiet=quiet, verbose=verbose, debug=debug)


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
              help="Send only this rep's report (repeatable); the manager gets nothing "
                   "unless --manager.")
@click.option("--manager", "manager_only", is_flag=True,
              help="Send the manager's message (team summary and status), alone or with "
                   "the --rep reps.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reports folder (default: 'reports' beside the workbook).")
@DEALS_OPTION
@date_options
@common_options
def send(workbook: Path, dry_run: bool, resend: bool, redirect_to: str | None,
         smtp_config: Path | None, no_calendar: bool, as_json: bool, jobs: int | None,
         templates_dir: Path | None, rep_ids: tuple[str, ...], manager_only: bool,
         out_dir: Path | None, deals: tuple[Path, ...], as_of: date | None,
         month: date | None, quiet: bool, verbose: bool, debug: bool) -> None:
    """Mail each rep their report of the month, and the manager the team summary.

    Reports come from DIR/<YYYY-MM>/ (missing or outdated ones are rendered first), as
    of the workbook's last run. The mail server is set with GOALREPORT_SMTP_* variables
    or --smtp-config. Nothing is sent twice: the send record in
    $XDG_STATE_HOME/goalreport/sent/ (by workbook and month) says what went.
    Exit status 1 when anyone was not sent (refused, failed, or held back because the
    report changed since it was sent), or may not have been (outcome unknown).

    \b
    Example:
        goalreport send team.xlsx --month 2026-10 --dry-run
    """
    from goalreport.delivery.outcome import SendOptions
    from goalreport.jobs import JobOptions, send_job

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), as_of=as_of,
                     month=month, out_dir=out_dir, templates_dir=templates_dir, jobs=jobs,
                     deals=deals)
    sending = SendOptions(dry_run=dry_run, resend=resend, redirect_to=redirect_to,
                          calendar=not no_calendar, smtp_config=smtp_config, rep_ids=rep_ids,
                          manager=manager_only)
    with main_errors(debug, as_json, quiet, verbose):
        report = send_job(workbook, with_mail_domains(job, sending), sending)
    finish_delivery(report, as_json, quiet)


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
@click.option("--resend", is_flag=True,
              help="With --send: send again what was already sent, and reports changed "
                   "since (each workbook is run again).")
@click.option("--digest", is_flag=True,
              help="Also mail each workbook's weekly pace digest (see 'goalreport digest'): "
                   "once a week, unchanged workbooks too.")
@render_options
@send_flag
@date_options
@common_options
def batch(inbox: Path, out_dir: Path | None, force: bool, settle_seconds: float,
          as_json: bool, resend: bool, digest: bool, charts: bool, html: bool,
          pdf_tags: bool, jobs: int | None, templates_dir: Path | None, as_of: date | None,
          month: date | None, quiet: bool, verbose: bool, debug: bool, send: bool,
          smtp_config: Path | None, no_calendar: bool) -> None:
    """The cron job: run every .xlsx/.xlsm directly in INBOX like 'goalreport run'.

    Unchanged workbooks are skipped, workbooks open in Excel or still being copied are
    left for the next run, and one bad workbook never stops the others. A manifest of
    each run goes to DIR/runs/ and DIR/last-run.json.

    Exit status: 0 all done, skipped or not ready yet; 1 any workbook failed or had input
    problems, or (with --send) did not get all its mail out; 2 usage error; 3 another
    batch is already running on INBOX. With --send, GOALREPORT_SMTP_ALLOWED_DOMAINS must
    name the domains the reports may be mailed to.

    \b
    Example (crontab, 06:00 on the 1st, reports for the month just ended):
        0 6 1 * * goalreport batch /srv/quotas --month "$(date -d yesterday +\\%Y-\\%m)"
    """
    from goalreport.batch.runner import run_batch
    from goalreport.delivery.outcome import SendOptions
    from goalreport.jobs import JobOptions

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(), as_of=as_of,
                     month=month, templates_dir=templates_dir, jobs=jobs, html=html,
                     charts=charts, pdf_tags=pdf_tags)
    stop = _stop_on_sigterm()
    if resend and not send:
        raise click.UsageError("--resend needs --send.")
    sending = send_options(send, smtp_config=smtp_config, no_calendar=no_calendar,
                           resend=resend)
    with main_errors(debug, as_json):
        manifest = run_batch(inbox, out_dir, job, force=force or resend,
                             settle_seconds=settle_seconds,
                             log=batch_log(quiet, verbose or debug), stop=stop, send=sending,
                             digest=SendOptions(smtp_config=smtp_config, calendar=False)
                             if digest else None)
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


cli.add_command(digest)
