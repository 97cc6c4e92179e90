"""The command line's parameter types and shared option declarations.

Several commands take the same options (``--month``, ``--deals``, the render and mail
options); each is declared once here and stacked on the commands in ``commands.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from goalreport.delivery.outcome import SendOptions
    from goalreport.jobs import JobOptions

#: The WORKBOOK argument of the commands: a file path (it need not exist for ``init``).
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


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--quiet, --verbose, --debug: on every command."""
    func = click.option("--debug", is_flag=True, help="Show tracebacks for errors.")(func)
    func = click.option("--verbose", "-v", is_flag=True, help="Say more about what is done.")(func)
    func = click.option("--quiet", "-q", is_flag=True, help="Print only errors.")(func)
    return func


#: --deals FILE: CRM exports read with the workbook as if pasted into it (workbook/crm/sources.py).
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


def send_options(send: bool, *, smtp_config: Path | None, no_calendar: bool,
                 rep_ids: tuple[str, ...] = (), resend: bool = False) -> SendOptions | None:
    """The SendOptions of --send and the mail options; None without --send."""
    if not send:
        return None
    from goalreport.delivery.outcome import SendOptions

    return SendOptions(calendar=not no_calendar, smtp_config=smtp_config, rep_ids=rep_ids,
                       resend=resend)


def with_mail_domains(job: JobOptions, sending: SendOptions | None) -> JobOptions:
    """``job`` reading the workbook with the operator's allowed recipient domains (mail
    settings) when it sends, so that an Email outside them is an input problem naming its
    cell. A test run (--redirect-to) mails one address the operator gave: no check."""
    if sending is None or sending.redirect_to:
        return job
    import os
    from dataclasses import replace

    from goalreport.delivery.mailconfig import allowed_domains

    return replace(job, allowed_domains=allowed_domains(os.environ, sending.smtp_config))
