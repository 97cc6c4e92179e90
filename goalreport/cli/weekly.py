"""``goalreport digest``: the weekly pace email to each manager (``jobs.digest_job``),
beside the monthly commands of ``commands.py``, which adds it to the group."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import click

from goalreport.cli.options import (
    DEALS_OPTION,
    WORKBOOK,
    DateType,
    EmailType,
    common_options,
    with_mail_domains,
)
from goalreport.cli.output import finish_delivery, main_errors


@click.command()
@click.argument("workbook", type=WORKBOOK)
@click.option("--as-of", type=DateType(),
              help="Measure the week as of this date (YYYY-MM-DD; default: Settings' As "
                   "Of, else today).")
@click.option("--dry-run", is_flag=True,
              help="Connect to nothing: write each digest to "
                   "DIR/<YYYY-MM>/outbox/digest-*.eml.")
@click.option("--resend", is_flag=True, help="Send this week's digests again.")
@click.option("--redirect-to", type=EmailType(),
              help="Send every digest to this address instead, for a test run.")
@click.option("--smtp-config", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="File of GOALREPORT_SMTP_* settings (chmod 600 when it holds a password).")
@click.option("--json", "as_json", is_flag=True, help="Print who was sent what on stdout.")
@click.option("--templates", "templates_dir",
              type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder of templates overriding the packaged ones (email_digest.*).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False),
              help="Reports folder, for the dry run's outbox (default: 'reports' beside "
                   "the workbook).")
@DEALS_OPTION
@common_options
def digest(workbook: Path, as_of: date | None, dry_run: bool, resend: bool,
           redirect_to: str | None, smtp_config: Path | None, as_json: bool,
           templates_dir: Path | None, out_dir: Path | None, deals: tuple[Path, ...],
           quiet: bool, verbose: bool, debug: bool) -> None:
    """Mail each manager this week's pace of their reps, and the Manager Email the
    whole team's: a short HTML and plain-text email, no PDF.

    Each rep's pace and status this week and the change since last week's digest, who
    moved down a status, the largest gaps. Sent once a week (the send record says
    what went); for a weekly cron, or 'goalreport batch --digest'.

    \b
    Example:
        goalreport digest team.xlsx --dry-run
    """
    from goalreport.delivery.outcome import SendOptions
    from goalreport.jobs import JobOptions, digest_job

    job = JobOptions(today=date.today(), now=datetime.now().astimezone(),
                     as_of=as_of, out_dir=out_dir,
                     templates_dir=templates_dir, deals=deals)
    sending = SendOptions(dry_run=dry_run, resend=resend, redirect_to=redirect_to,
                          smtp_config=smtp_config, calendar=False)
    with main_errors(debug, as_json, quiet, verbose):
        report = digest_job(workbook, with_mail_domains(job, sending), sending)
    finish_delivery(report, as_json, quiet)
