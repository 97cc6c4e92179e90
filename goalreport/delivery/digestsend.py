"""Sending the weekly digests (SPEC §8 The weekly digest): one short mail per manager of
the tree, and one of the whole team to Settings' Manager Email, with no attachment.

They go through the same send run as the month's reports (``deliver.run_session``): the
mail server or the dry run's outbox (``outbox/digest-<week>-<who>.eml``), the allowed
recipient domains, ``--redirect-to``, and the send record, kept by the week's first day:
an entry ``digest:<week>:<manager>`` per digest sent, holding what it said of each rep
(``digest.RepSnapshot``). So a digest goes once a week (a rerun says "already sent";
``--resend`` sends it again), and next week's compares with what this one said.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from goalreport.core.digest import RepSnapshot, digest, digest_week, snapshots, week_before
from goalreport.core.model import Settings
from goalreport.core.results import Computation
from goalreport.core.rollup import subtree
from goalreport.delivery import compose
from goalreport.delivery.deliver import DIGEST_PREFIX, Payload, ReportSet, Session, run_session
from goalreport.delivery.digestmail import digest_context
from goalreport.delivery.outcome import Delivery, DeliveryReport, SendOptions, State
from goalreport.delivery.sendlog import open_record
from goalreport.reports.filenames import summary_stems
from goalreport.reports.stamp import content_digest

#: Whose digest the record's key names when it is the whole team's.
TEAM_SCOPE = "team"


@dataclass(frozen=True)
class Recipient:
    #: The manager's key, "" for the whole team (Settings' Manager Email).
    scope: str
    who: str
    address: str
    #: How the dry run's file is named after the week.
    stem: str


def digest_key(week: date, scope: str) -> str:
    """The send record's key of one digest: ``digest:2026-06-29:m2``."""
    return f"digest:{week.isoformat()}:{scope or TEAM_SCOPE}"


def recipients(computation: Computation, settings: Settings) -> list[Recipient]:
    """The whole team's digest (when there is a Manager Email), then each manager's with
    an active rep below them, in tree order."""
    found = [Recipient("", "manager", settings.manager_email, TEAM_SCOPE)] \
        if settings.manager_email else []
    for key, stem in summary_stems(computation).items():
        manager = computation.org.by_key[key]
        found.append(Recipient(key, f"{manager.name} ({manager.manager_id})", manager.email,
                               stem.removeprefix("team-summary-")))
    return found


def send_digests(computation: Computation, settings: Settings, reports: ReportSet,
                 options: SendOptions, *, now: datetime, before: Mapping[str, RepSnapshot],
                 templates_dir: Path | None = None,
                 env: Mapping[str, str] | None = None) -> DeliveryReport:
    """Send (or, dry, write) this week's digests; ``before``: every rep measured a week
    earlier, for those whose last week's digest is not in the record. Raises as
    ``deliver.deliver``."""
    week = digest_week(computation.as_of, settings)
    last = week_before(week)
    people = recipients(computation, settings)
    earlier: dict[str, dict[str, Any]] = {}
    if not options.redirect_to and (last.year, last.month) != (week.year, week.month):
        with open_record(reports.stamp.workbook, last) as log:  # last week's month
            earlier = {r.scope: entry for r in people
                       if (entry := log.get(digest_key(last, r.scope))) is not None}

    def work(session: Session) -> None:
        for person in people:
            entry = earlier.get(person.scope) or (session.log.get(digest_key(last, person.scope))
                                                   if session.log is not None else None)
            session.report.deliveries.append(
                _digest(session, person, week, entry, before, templates_dir))

    return run_session(computation, settings, reports, options, now=now,
                       templates_dir=templates_dir, env=env, record=week, work=work,
                       outbox_prefix=DIGEST_PREFIX)


def _digest(session: Session, person: Recipient, week: date, last: dict[str, Any] | None,
            before: Mapping[str, RepSnapshot], templates_dir: Path | None) -> Delivery:
    """One digest: sent, written, held (already sent this week) or not sent."""
    who, address, key = person.who, person.address, digest_key(week, person.scope)
    if not address:
        return Delivery(who, "", "", "not sent", "no Email for this manager")
    outside = session.outside(address)
    if outside:
        return Delivery(who, address, "", "failed", outside)
    if session.log is not None and not session.options.resend:
        sent = session.log.get(key)
        if sent is not None:
            state: State = "unconfirmed" if sent.get("outcome") == "unknown" \
                else "already sent"
            return Delivery(who, address, "", state, f"the digest of the week of "
                            f"{week.isoformat()} went on {sent.get('sent')}")
    computation = session.computation
    view = subtree(computation, person.scope) if person.scope else computation
    if last is not None:  # compare with what last week's digest said
        then = {rep: RepSnapshot.from_json(s) for rep, s in last.get("snapshots", {}).items()}
        made = digest(view, then, week=week, before_as_of=date.fromisoformat(last["as_of"]),
                      since_digest=True)
    else:
        made = digest(view, before, week=week, before_as_of=week_before(computation.as_of),
                      since_digest=False)
    context = digest_context(made, computation.org, session.fmt,
                             company=session.settings.company)
    rendered = compose.render_email(session.env, compose.DIGEST_TEMPLATE, context, templates_dir)
    message = compose.build_message(sender=session.sender, to=address, rendered=rendered,
                                    now=session.now, redirect_to=session.options.redirect_to)
    text = f"{rendered.text}\0{rendered.html}"
    payload = Payload(b"", hashlib.sha256(text.encode("utf-8")).hexdigest(),
                      content_digest(rendered.text, rendered.html))
    extra = {"week": week.isoformat(), "as_of": computation.as_of.isoformat(),
             "snapshots": {rep: s.to_json() for rep, s in snapshots(view).items()}}
    return session.dispatch(message, key, who, address, "", payload,
                            f"{DIGEST_PREFIX}{week.isoformat()}-{person.stem}", extra=extra)


__all__ = ["digest_key", "recipients", "send_digests"]
