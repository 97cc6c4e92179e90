"""The messages: subject and bodies from templates, the PDF and calendar attached.

Pure apart from what the caller reads (the PDF bytes): contexts are built from the
computation and formatted by the report ``Formatter`` for the workbook's Locale, then
rendered through the report Jinja environment (the user's ``--templates`` folder first,
strict variables). ``.html`` templates are autoescaped; ``.txt`` ones are plain text and
are not (an ``&`` in a name stays an ``&``). The first line of ``email_*.txt`` is
``Subject: …``, so one template holds the subject and the plain-text body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Any

import jinja2

from goalreport.core.calendar import add_months
from goalreport.core.formatting import Formatter
from goalreport.core.monthweeks import month_weeks
from goalreport.core.results import Computation, RepResult
from goalreport.errors import TemplateError
from goalreport.reports.context import goal_year_label
from goalreport.reports.environment import make_environment, render_template, template_error

REP_TEMPLATE = "email_rep"
MANAGER_TEMPLATE = "email_manager"
#: The weekly digest (``digestmail``): text and HTML, no attachment.
DIGEST_TEMPLATE = "email_digest"
#: Headers are not folded below 998 characters: Python folds a subject just over 78
#: characters right after "Subject:", and mail programs then show it with a leading space.
MESSAGE_POLICY = policy.default.clone(max_line_length=998)
_SUBJECT = re.compile(r"Subject:[ \t]*(.*)")


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes
    maintype: str
    subtype: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def email_environment(templates_dir: Path | None) -> jinja2.Environment:
    """The report environment, autoescaping only what is not plain text."""
    env = make_environment(templates_dir)
    env.autoescape = lambda name: not (name or "").endswith(".txt")
    return env


def check_templates(env: jinja2.Environment, templates_dir: Path | None = None) -> None:
    """Load and compile every email template before anything is sent, so a broken one
    stops the run at once rather than after the reps' messages went out."""
    for base in (REP_TEMPLATE, MANAGER_TEMPLATE, DIGEST_TEMPLATE):
        for name in (f"{base}.txt", f"{base}.html"):
            try:
                env.get_template(name)
            except jinja2.TemplateError as error:
                raise template_error(error, name, templates_dir) from error


def render_email(env: jinja2.Environment, name: str, context: Mapping[str, Any],
                 templates_dir: Path | None = None) -> Rendered:
    """``name.txt`` (``Subject:`` line, blank line, body) and ``name.html``."""
    text = render_template(env, f"{name}.txt", context, templates_dir)
    first, _, body = text.lstrip("\n").partition("\n")
    found = _SUBJECT.fullmatch(first.strip())
    if not found or not found.group(1).strip():
        raise TemplateError(f"template {name}.txt must start with a line 'Subject: …' "
                            "(the subject of the message), then the body.")
    html = render_template(env, f"{name}.html", context, templates_dir)
    return Rendered(one_line(found.group(1)), body.strip("\n") + "\n", html)


def one_line(text: str) -> str:
    """Header-safe: any run of whitespace or control characters becomes one space."""
    return " ".join("".join(" " if ord(ch) < 32 or ord(ch) == 127 else ch
                            for ch in text).split())


def first_name(name: str) -> str:
    return (name.split() or [""])[0]


def _typical_week(result: RepResult, first: date, fmt: Formatter) -> dict[str, str] | None:
    """The first week of next month with the most of its working days in that month: the
    week a rep reads as "a normal week", with the figures the report's plan shows for it
    (``core.monthweeks``: small counts keep a decimal, the weeks add up to the month)."""
    month = next((m for m in result.plan.months if m.month == first), None)
    parts = month_weeks(result.plan, month) if month is not None else ()
    if not parts:
        return None
    best = max(parts, key=lambda part: len(part.days))  # the first of the longest
    return {"target": fmt.money_whole(best.target),
            "deals": fmt.count_of(best.deals, "deal"),
            "leads": fmt.count_of(best.leads, "lead"),
            "meetings": fmt.count_of(best.meetings, "meeting"),
            "starting": fmt.short_date(best.week.week_start)}


def rep_email_context(result: RepResult, computation: Computation, fmt: Formatter, *,
                      company: str, file_name: str, calendar: Mapping[str, str] | None
                      ) -> dict[str, Any]:
    """What ``email_rep.*`` show: the headline and next month's week, formatted."""
    plan, progress, rep = result.plan, result.progress, result.rep
    first = add_months(computation.report_month, 1)
    month = next((m for m in plan.months if m.month == first), None)
    next_month: dict[str, Any] = {"label": fmt.month(first), "ends_year": month is None,
                                  "year_end": fmt.date(plan.year_end)}
    if month is not None:
        next_month.update(target=fmt.money_whole(month.total_target),
                          week=_typical_week(result, first, fmt))
    return {
        "company": company,
        "lang": fmt.lang,
        "month": fmt.month(computation.report_month),
        "as_of": fmt.date(computation.as_of),
        "rep": {"id": rep.rep_id, "name": rep.name, "first_name": first_name(rep.name),
                "team": rep.team, "email": rep.email},
        "goal_year": goal_year_label(plan.year_start, plan.year_end, fmt),
        "status": progress.status,
        "attainment": fmt.percent(progress.attainment),
        "actual": fmt.money_whole(progress.actual),
        "target": fmt.money_whole(progress.annual_target),
        "gap": fmt.money_whole(progress.gap),
        "gap_closed": progress.gap <= 0,
        "forecast": fmt.money_whole(progress.forecast),
        "needed_per_week": fmt.money_whole(progress.needed_per_week),
        "next_month": next_month,
        "file_name": file_name,
        "calendar": dict(calendar) if calendar else None,
    }


def manager_email_context(computation: Computation, fmt: Formatter, *, company: str,
                          file_name: str | None, deliveries: Sequence[Mapping[str, str]],
                          update: bool, dry_run: bool = False, team_name: str = ""
                          ) -> dict[str, Any]:
    """What ``email_manager.*`` show: the team's numbers and who was sent what.
    ``update`` is true when the summary went earlier and this is a later status;
    ``dry_run`` when nothing is sent (the messages are written to files); ``team_name``
    ("Ana Lima's team") for a manager's own summary of their subtree."""
    total = computation.team[-1] if computation.team else None
    counts = [(status, count) for status, count in (total.status_counts.items()
                                                    if total else ()) if count]
    return {
        "company": company,
        "lang": fmt.lang,
        "month": fmt.month(computation.report_month),
        "as_of": fmt.date(computation.as_of),
        "reps": fmt.count(len(computation.results)),
        "attainment": fmt.percent(total.attainment) if total else fmt.BLANK,
        "actual": fmt.money_whole(total.actual) if total else fmt.BLANK,
        "target": fmt.money_whole(total.annual_target) if total else fmt.BLANK,
        "status_counts": [{"status": status, "count": fmt.count(count)}
                          for status, count in counts],
        "file_name": file_name,
        "team_name": team_name,
        "update": update,
        "deliveries": [dict(d) for d in deliveries],
        "dry_run": dry_run,
        "sent": sum(d["state"] == "sent" for d in deliveries),
        "would_send": sum(d["state"] == "would send" for d in deliveries),
        "not_sent": sum(d["state"] not in ("sent", "would send", "already sent")
                        for d in deliveries),
    }


def build_message(*, sender: str, to: str, rendered: Rendered, now: datetime,
                  attachments: Sequence[Attachment] = (), redirect_to: str | None = None
                  ) -> EmailMessage:
    """A multipart/alternative (text, HTML) message with attachments, Date and
    Message-ID set. With ``redirect_to`` it goes there, the subject naming ``to``."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    subject = rendered.subject
    if redirect_to:
        subject = f"[for {to}] {subject}"
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = redirect_to or to
    message["Date"] = format_datetime(now)
    domain = parseaddr(sender)[1].rpartition("@")[2]
    message["Message-ID"] = make_msgid("goalreport", domain=domain or "localhost")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for item in attachments:
        message.add_attachment(item.data, maintype=item.maintype, subtype=item.subtype,
                               filename=item.filename, params=dict(item.params))
    return message
