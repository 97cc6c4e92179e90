"""Who gets what, and sending it: the heart of ``goalreport send``.

Each active rep with an Email gets one message with exactly their own PDF (and, unless
``--no-calendar``, their focus blocks as an ``.ics``); the Manager Email of Settings gets
the team summary and who was sent what. The send record (``sendlog.py``, in the
operator's state folder, keyed by the workbook's identity and the month) decides what is
left to send; a report that changed since it was sent is held back (listed) unless
``--resend``, and a message whose outcome is unknown is never sent again by itself. With
``--dry-run`` nothing connects: each message is written to ``outbox/<name>.eml``. With
``--redirect-to`` every message goes to one address, subject naming the real recipient,
and the send record is neither read nor written: a test run never stands in for the real
one.

A PDF is attached only when it is this rep's report for this As Of and these inputs: the
stamp it carries (``reports/stamp.py``) is checked on the very bytes attached, which are
read once through the month folder's descriptor, never through a link
(``guard/safefs.py``), from a plain file this user owns.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from goalreport.core.calendar import add_months
from goalreport.core.formatting import Formatter
from goalreport.core.keys import rep_key
from goalreport.core.model import Settings
from goalreport.core.results import Computation, RepResult
from goalreport.delivery import compose, ics
from goalreport.delivery.mailconfig import (
    PREFIX,
    load_settings,
    mail_values,
    parse_domains,
    sender_address,
)
from goalreport.delivery.outcome import Delivery, DeliveryReport, SendOptions
from goalreport.delivery.sendlog import MANAGER_KEY, SendLog, decide, open_record, rep_log_key
from goalreport.delivery.smtp import Mailer
from goalreport.delivery.summaries import Summary, summaries, whole_company
from goalreport.errors import DeliveryError, UnsafePath
from goalreport.guard.access import OPEN, Access
from goalreport.guard.safefs import Folder
from goalreport.reports.stamp import Stamp, file_digest, read_digest
from goalreport.workbook.values import domain_key

TEAM_FILE = "team-summary.pdf"
OUTBOX = "outbox"
#: The dry run's files of a weekly digest: ``outbox/digest-<week>-<who>.eml``.
DIGEST_PREFIX = "digest-"
DRY_RUN_SENDER = "goalreport@localhost"
#: The largest PDF attached: far above any report (a big team summary is a few MiB),
#: far below what would strain memory or any mail server.
ATTACHMENT_LIMIT = 100 << 20


@dataclass(frozen=True)
class ReportSet:
    """The reports of one workbook and month, where ``send`` finds them."""

    #: ``DIR/<YYYY-MM>``.
    folder: Path
    #: The part of ``folder`` the operator named (None: the folder above it).
    root: Path | None
    #: What the reports must have been made from; ``stamp.workbook`` is the identity.
    stamp: Stamp
    #: Rep key → the stem of their PDF, numbered over every active rep.
    stems: Mapping[str, str]
    access: Access = OPEN

    def stem(self, result: RepResult) -> str:
        return self.stems[rep_key(result.rep.rep_id)]


@dataclass(frozen=True)
class Payload:
    """What a message carries, as the send record keeps it: a report's PDF read to be
    attached (a digest: its text), its SHA-256, and what it says
    (``stamp.content_digest``, what the send record compares)."""

    data: bytes
    sha256: str
    says: str


def open_month(reports: ReportSet) -> Folder:
    """The month folder, made if missing, opened below ``root`` (the part the operator
    named; default the folder above it): no link followed below ``root``, and in a shared
    folder only folders this user made. Raises ``UnsafePath`` and ``DeliveryError``."""
    folder = reports.folder
    try:
        month = Folder.open_below(folder.parent if reports.root is None else reports.root,
                                  folder, reports.access)
    except OSError as error:
        raise DeliveryError(f"cannot open the report folder {folder}: "
                            f"{error.strerror or error}") from None
    month.path = Path(os.path.abspath(folder))  # messages name files in full, for cron logs
    return month


def wanted(computation: Computation, options: SendOptions) -> list[RepResult]:
    """The reps whose messages this run is about (``--rep``; none with ``--manager``
    alone; else every active rep)."""
    if options.everyone:
        return list(computation.results)
    keys = {rep_key(rep_id) for rep_id in options.rep_ids}
    return [r for r in computation.results if rep_key(r.rep.rep_id) in keys]


def stale_reports(computation: Computation, reports: ReportSet, options: SendOptions
                  ) -> tuple[list[RepResult], bool]:
    """(reps whose PDF is not their report for this As Of and these inputs, whether the
    team summary is not) among the messages to send: these are rendered again first. A
    PDF that is missing, a link, not a plain file, someone else's, or stamped otherwise
    counts (rendering replaces it); the folder is opened as ``open_month`` does."""
    with open_month(reports) as month:
        def stale(name: str, rep: str | None) -> bool:
            try:
                fd = month.open_regular(name)
            except (OSError, UnsafePath):
                return True
            try:
                if os.fstat(fd).st_uid != os.geteuid():
                    return True
                found = file_digest(fd)
                return found is None or found.digest != reports.stamp.digest(rep)
            finally:
                os.close(fd)

        reps = [r for r in wanted(computation, options)
                if stale(f"{reports.stem(r)}.pdf", rep_key(r.rep.rep_id))]
        return reps, options.to_manager and stale(TEAM_FILE, None)


def deliver(computation: Computation, settings: Settings, reports: ReportSet,
            options: SendOptions, *, now: datetime, templates_dir: Path | None = None,
            env: Mapping[str, str] | None = None) -> DeliveryReport:
    """Send (or, dry, write) the messages for ``reports``. Raises ``DeliveryError``
    before anything is sent when the settings are unusable, ``UnsafePath`` when the
    folder, the outbox or the send record is not goalreport's; a failure part way is in
    the report's ``error`` and the messages not sent are listed."""
    return run_session(computation, settings, reports, options, now=now,
                       templates_dir=templates_dir, env=env, record=computation.report_month,
                       work=Session.run)


def run_session(computation: Computation, settings: Settings, reports: ReportSet,
                options: SendOptions, *, now: datetime, templates_dir: Path | None,
                env: Mapping[str, str] | None, record: date,
                work: Callable[[Session], None], outbox_prefix: str = "") -> DeliveryReport:
    """A send run: the mail server or the dry run's outbox (``outbox_prefix``: the files
    it holds of this kind of run, cleared first), the send record of ``record``'s month,
    the month folder, then ``work`` on the ``Session`` (``deliver``: the month's reports;
    ``digestsend``: the weekly digests)."""
    env = os.environ if env is None else env
    smtp = load_settings(env, options.smtp_config, need_server=not options.dry_run)
    values = mail_values(env, options.smtp_config) if smtp is None else {}
    sender = smtp.sender if smtp else (sender_address(values) or DRY_RUN_SENDER)
    allowed = smtp.allowed_domains if smtp else parse_domains(values.get("ALLOWED_DOMAINS", ""))
    report = DeliveryReport(folder=Path(os.path.realpath(reports.folder)),
                            dry_run=options.dry_run, redirect_to=options.redirect_to)
    opened = nullcontext(None) if options.redirect_to else \
        open_record(reports.stamp.workbook, record)
    with open_month(reports) as month, opened as log:
        report.record = log.path if log is not None else None
        session = Session(computation, settings, reports, month, options, now,
                          templates_dir, sender, report, log, allowed)
        if options.dry_run:
            with month.sub(OUTBOX, access=reports.access) as outbox:
                session.outbox = outbox
                session.clear_outbox(outbox_prefix)
                work(session)
        else:
            assert smtp is not None
            with Mailer(smtp) as mailer:
                session.mailer = mailer
                work(session)
    return report


class Session:
    """One send run: builds each message and hands it to the mailer or the outbox."""

    def __init__(self, computation: Computation, settings: Settings, reports: ReportSet,
                 folder: Folder, options: SendOptions, now: datetime,
                 templates_dir: Path | None, sender: str, report: DeliveryReport,
                 log: SendLog | None, allowed: tuple[str, ...]) -> None:
        self.computation, self.settings, self.reports = computation, settings, reports
        self.folder, self.options, self.now = folder, options, now
        self.templates_dir, self.sender, self.report = templates_dir, sender, report
        self.log, self.allowed = log, allowed
        self.fmt = Formatter(settings.locale, settings.currency)
        self.env = compose.email_environment(templates_dir)
        compose.check_templates(self.env, templates_dir)
        self.mailer: Mailer | None = None
        #: The dry run's ``outbox`` folder (made by goalreport, never a link).
        self.outbox: Folder | None = None

    def run(self) -> None:
        mailed = [(result, self.rep(result)) for result in wanted(self.computation,
                                                                  self.options)]
        self.report.deliveries.extend(delivery for _, delivery in mailed)
        if self.options.everyone:  # each manager of the tree: their own reps only
            for summary in summaries(self.computation):
                self.report.deliveries.append(self.summary(summary, [
                    delivery for result, delivery in mailed if summary.covers(result)]))
        if self.options.to_manager:
            reps = list(self.report.deliveries) if self.options.everyone else [
                self.status_only(result) for result in self.computation.results]
            self.report.deliveries.append(self.manager(reps))

    def clear_outbox(self, prefix: str = "") -> None:
        """A dry run's outbox holds this run's messages only (a link named ``*.eml`` is
        removed, its target never touched): those of ``prefix`` ("digest-"), or with none
        every message but the digests."""
        assert self.outbox is not None
        for name in self.outbox.names():
            if name.endswith(".eml") and (name.startswith(prefix) if prefix
                                          else not name.startswith(DIGEST_PREFIX)):
                self.outbox.unlink(name)

    def read_report(self, name: str, rep: str | None, what: str = "the report"
                    ) -> Payload | str:
        """The bytes of the PDF ``name`` in the month folder, checked to be the report of
        ``rep`` (None: the team summary) that ``send`` expects, or why it cannot be sent:
        missing, a link or not a plain file (``UnsafePath``'s line), too large, someone
        else's, or another report (replaced after it was rendered)."""
        path = repr(str(self.folder.path / name))
        try:
            fd = self.folder.open_regular(name)
        except FileNotFoundError:
            return f"{what} could not be rendered"
        except UnsafePath as error:
            return str(error)
        except OSError as error:
            return f"{path} cannot be read: {error.strerror}"
        with os.fdopen(fd, "rb") as handle:
            st = os.fstat(fd)
            big = st.st_size > ATTACHMENT_LIMIT
            data = b"" if big else handle.read(ATTACHMENT_LIMIT + 1)
        if big or len(data) > ATTACHMENT_LIMIT:
            return (f"{path} is {max(st.st_size, len(data)) >> 20} MiB, more than the "
                    f"{ATTACHMENT_LIMIT >> 20} MiB goalreport attaches")
        found = read_digest(data)
        if st.st_uid != os.geteuid() or found is None or \
                found.digest != self.reports.stamp.digest(rep):
            return (f"{path} is not {what} goalreport rendered for this workbook, As Of and "
                    "inputs (it was replaced after it was rendered); nothing was attached. "
                    "Run again to render it anew")
        return Payload(data, hashlib.sha256(data).hexdigest(), found.says)

    def outside(self, address: str) -> str | None:
        """Why ``address`` may not be mailed (outside the allowed domains), or None."""
        if not self.allowed or self.options.redirect_to:
            return None
        domain = address.rpartition("@")[2]
        try:
            key = domain_key(domain)
        except UnicodeError:
            key = ""
        if key in self.allowed:
            return None
        return (f"{domain} is not among the allowed recipient domains "
                f"({PREFIX}ALLOWED_DOMAINS: {', '.join(self.allowed)})")

    def status_only(self, result: RepResult) -> Delivery:
        """A rep's line in a message to the manager alone: what the record says."""
        rep, name = result.rep, f"{self.reports.stem(result)}.pdf"
        who = f"{rep.rep_id} ({rep.name})"
        if not rep.email:
            return Delivery(who, "", name, "not sent", "no Email in Reps")
        entry = self.log.get(rep_log_key(rep.rep_id)) if self.log is not None else None
        if entry is None:
            return Delivery(who, rep.email, name, "not sent", "not sent yet")
        if entry.get("outcome") == "unknown":
            return Delivery(who, rep.email, name, "unconfirmed", f"on {entry.get('sent')}")
        return Delivery(who, rep.email, name, "already sent", f"on {entry.get('sent')}")

    def rep(self, result: RepResult) -> Delivery:
        rep = result.rep
        stem = self.reports.stem(result)
        name = f"{stem}.pdf"
        who = f"{rep.rep_id} ({rep.name})"
        if not rep.email:
            return Delivery(who, "", name, "not sent", "no Email in Reps")
        outside = self.outside(rep.email)
        if outside:
            return Delivery(who, rep.email, name, "failed", outside)
        pdf = self.read_report(name, rep_key(rep.rep_id))
        if isinstance(pdf, str):
            return Delivery(who, rep.email, name, "failed", pdf)
        held = self._held(rep_log_key(rep.rep_id), rep.email, pdf.says, who, name)
        if held is not None:
            return held
        attachments = [compose.Attachment(name, pdf.data, "application", "pdf")]
        calendar = None
        if self.options.calendar:
            blocks = ics.focus_blocks(result, self.computation.report_month, self.fmt,
                                      company=self.settings.company)
            if blocks:
                month = add_months(self.computation.report_month, 1)
                ics_name = f"focus-time-{month:%Y-%m}.ics"
                calendar = {"file": ics_name, "month": self.fmt.month(month),
                            "blocks": f"{len(blocks)} block{'s' if len(blocks) != 1 else ''}"}
                data = ics.calendar_bytes(blocks, name=f"Focus time, {rep.name}", now=self.now)
                attachments.append(compose.Attachment(ics_name, data, "text", "calendar",
                                                      (("method", "PUBLISH"), ("charset", "utf-8"))))
        context = compose.rep_email_context(result, self.computation, self.fmt,
                                            company=self.settings.company, file_name=name,
                                            calendar=calendar)
        rendered = compose.render_email(self.env, compose.REP_TEMPLATE, context,
                                        self.templates_dir)
        message = compose.build_message(sender=self.sender, to=rep.email, rendered=rendered,
                                        now=self.now, attachments=attachments,
                                        redirect_to=self.options.redirect_to)
        return self.dispatch(message, rep_log_key(rep.rep_id), who, rep.email, name, pdf,
                              stem, rep.rep_id)

    def manager(self, reps: list[Delivery]) -> Delivery:
        address = self.settings.manager_email
        name = TEAM_FILE
        if not address:
            return Delivery("manager", "", name, "not sent", "no Manager Email in Settings")
        outside = self.outside(address)
        if outside:
            return Delivery("manager", address, name, "failed", outside)
        pdf = self.read_report(name, None, "the team summary")
        if isinstance(pdf, str):
            return Delivery("manager", address, name, "failed", pdf)
        held = self._held(MANAGER_KEY, address, pdf.says, "manager", name)
        acted = any(d.state in ("sent", "would send", "failed", "unknown") for d in reps)
        if held is not None and not (held.state == "already sent" and acted):
            return held
        update = held is not None  # the summary went earlier: a status update, no PDF
        attachments = [] if update else [compose.Attachment(name, pdf.data, "application",
                                                             "pdf")]
        context = compose.manager_email_context(
            self.computation, self.fmt, company=self.settings.company,
            file_name=None if update else name,
            deliveries=[d.to_json() for d in reps], update=update,
            dry_run=self.options.dry_run)
        rendered = compose.render_email(self.env, compose.MANAGER_TEMPLATE, context,
                                        self.templates_dir)
        message = compose.build_message(sender=self.sender, to=address, rendered=rendered,
                                        now=self.now, attachments=attachments,
                                        redirect_to=self.options.redirect_to)
        key = None if update else MANAGER_KEY
        return self.dispatch(message, key, "manager", address, "" if update else name,
                              pdf, "team-summary-update" if update else "team-summary")

    def summary(self, summary: Summary, reps: list[Delivery]) -> Delivery:
        """A manager's own summary and the delivery status of their reps alone."""
        who, name, address = summary.who, summary.file, summary.manager.email
        if not address:
            return Delivery(who, "", name, "not sent", "no Email for this manager")
        if whole_company(summary, self.computation, self.settings.manager_email):
            return Delivery(who, address, name, "not sent",
                            "the Manager Email, sent the whole team's summary")
        outside = self.outside(address)
        if outside:
            return Delivery(who, address, name, "failed", outside)
        pdf = self.read_report(name, summary.key, f"the summary for {summary.manager.name}")
        if isinstance(pdf, str):
            return Delivery(who, address, name, "failed", pdf)
        held = self._held(summary.key, address, pdf.says, who, name)
        if held is not None:
            return held
        context = compose.manager_email_context(
            summary.view, self.fmt, company=self.settings.company, file_name=name,
            deliveries=[d.to_json() for d in reps], update=False,
            dry_run=self.options.dry_run, team_name=f"{summary.manager.name}'s team")
        rendered = compose.render_email(self.env, compose.MANAGER_TEMPLATE, context,
                                        self.templates_dir)
        message = compose.build_message(
            sender=self.sender, to=address, rendered=rendered, now=self.now,
            attachments=[compose.Attachment(name, pdf.data, "application", "pdf")],
            redirect_to=self.options.redirect_to)
        return self.dispatch(message, summary.key, who, address, name, pdf, summary.stem)

    def _held(self, key: str, recipient: str, says: str, who: str, file: str
              ) -> Delivery | None:
        """The listing for a message the send record says not to send now, else None."""
        if self.log is None or self.options.resend:
            return None
        decision = decide(self.log.get(key), recipient, says)
        if decision.verdict == "already sent":
            return Delivery(who, recipient, file, "already sent", decision.detail)
        if decision.verdict == "changed":
            return Delivery(who, recipient, file, "held back", decision.detail)
        if decision.verdict == "unconfirmed":
            return Delivery(who, recipient, file, "unconfirmed", decision.detail)
        return None

    def dispatch(self, message: EmailMessage, key: str | None, who: str, recipient: str,
                  file: str, pdf: Payload, stem: str, rep_id: str | None = None,
                  extra: Mapping[str, Any] | None = None) -> Delivery:
        """Write to the outbox (dry run) or send; record the answer at once."""
        redirect = self.options.redirect_to
        if self.mailer is None:
            assert self.outbox is not None
            eml = f"{stem}.eml"  # a stem from report_filenames: no separator, no leading dot
            self.outbox.write_atomic(eml, bytes(message), access=self.reports.access)
            note = f"written to {OUTBOX}/{eml}" + (f", for {redirect}" if redirect else "")
            return Delivery(who, recipient, file, "would send", note)
        if self.report.error is not None:
            return Delivery(who, recipient, file, "failed", "not tried: sending stopped")
        try:
            attempt = self.mailer.send(message, redirect or recipient)
        except DeliveryError as error:
            self.report.error = str(error)
            return Delivery(who, recipient, file, "failed", str(error))
        if not attempt.accepted and not attempt.unknown:
            return Delivery(who, recipient, file, "failed", attempt.reason)
        if redirect:
            return Delivery(who, recipient, file, "unknown" if attempt.unknown else "sent",
                            f"redirected to {redirect}")
        if key is not None and self.log is not None:
            self.log.put(key, {**self._entry(message, who, recipient, file, pdf,
                                             "unknown" if attempt.unknown else "accepted"),
                               **(extra or {})})
        if attempt.unknown:
            again = f"--resend --rep {rep_id}" if rep_id else "--resend --manager" \
                if key == MANAGER_KEY else "--resend"
            return Delivery(who, recipient, file, "unknown", (
                f"{attempt.reason}, so it may have been delivered; it is not sent again by "
                f"itself. Look for Message-ID {message['Message-ID']} in the mail server's "
                f"log; if it did not arrive, send it with {again}"))
        return Delivery(who, recipient, file, "sent",
                        f"after {attempt.tries} tries" if attempt.tries > 1 else "")

    def _entry(self, message: EmailMessage, who: str, recipient: str, file: str,
               pdf: Payload, outcome: str) -> dict[str, Any]:
        return {"who": who, "recipient": recipient, "file": file, "sha256": pdf.sha256,
                "says": pdf.says,
                "message_id": str(message["Message-ID"]), "outcome": outcome,
                "sent": self.now.isoformat(timespec="seconds")}
