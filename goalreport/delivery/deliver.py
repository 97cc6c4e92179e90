"""Who gets what, and sending it: the heart of ``goalreport send``.

Each active rep with an Email gets one message with exactly their own PDF (and, unless
``--no-calendar``, their focus blocks as an ``.ics``); the Manager Email of Settings gets
the team summary and who was sent what. The send log decides what is left to send; a
report that changed since it was sent is held back (listed) unless ``--resend``. With
``--dry-run`` nothing connects: each message is written to ``outbox/<name>.eml``. With
``--redirect-to`` every message goes to one address, subject naming the real recipient,
and the send log is neither read nor written: a test run never stands in for the real one.

The month folder may be writable by others (a shared inbox's reports folder, where a
link could be planted between the render and the send): it is opened below the folder
the operator named with ``Folder.open_below``, and every PDF, the send log, the lock and
the outbox are reached through its descriptor, never through a link (``guard/safefs.py``).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

from goalreport.core.calendar import add_months
from goalreport.core.formatting import Formatter
from goalreport.core.keys import rep_key
from goalreport.core.model import Settings
from goalreport.core.results import Computation, RepResult
from goalreport.delivery import compose, ics
from goalreport.delivery.sendlog import (
    MANAGER_KEY,
    SendLog,
    decide,
    rep_log_key,
    send_lock,
)
from goalreport.delivery.smtp import PREFIX, Mailer, load_settings
from goalreport.errors import DeliveryError, UnsafePath
from goalreport.guard.safefs import Folder
from goalreport.reports.filenames import report_filenames

State = Literal["sent", "would send", "already sent", "not sent", "held back", "failed"]
#: How loud a message's line is (``DeliveryReport.lines``).
Level = Literal["error", "warning", "info"]
#: States that make the run exit 1: someone who should have mail has none.
FAILED_STATES = ("failed", "held back")
TEAM_FILE = "team-summary.pdf"
OUTBOX = "outbox"
DRY_RUN_SENDER = "goalreport@localhost"
#: The largest PDF attached: far above any report (a big team summary is a few MiB),
#: far below what would strain memory or any mail server.
ATTACHMENT_LIMIT = 100 << 20


@dataclass(frozen=True)
class SendOptions:
    """What ``send`` (or ``--send``) was asked for."""

    dry_run: bool = False
    resend: bool = False
    redirect_to: str | None = None
    calendar: bool = True
    smtp_config: Path | None = None
    #: Only these reps (``--rep``); the manager's message is then left out.
    rep_ids: tuple[str, ...] = ()


@dataclass
class Delivery:
    """One message: to whom, with which report, and how it ended."""

    who: str
    recipient: str
    file: str
    state: State
    why: str = ""

    @property
    def failed(self) -> bool:
        return self.state in FAILED_STATES

    def to_json(self) -> dict[str, str]:
        return {"who": self.who, "recipient": self.recipient, "file": self.file,
                "state": self.state, "why": self.why}


@dataclass
class DeliveryReport:
    """Every message of a send run; ``error`` when sending stopped part way."""

    folder: Path
    dry_run: bool
    redirect_to: str | None = None
    deliveries: list[Delivery] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not any(d.failed for d in self.deliveries)

    def counts(self) -> dict[str, int]:
        states = [d.state for d in self.deliveries]
        return {state: states.count(state) for state in dict.fromkeys(states)}

    def summary(self) -> str:
        """``3 sent, 1 not sent, 1 failed`` (states in the order they first occur)."""
        return ", ".join(f"{count} {state}" for state, count in self.counts().items()) \
            or "nothing to send"

    def lines(self) -> list[tuple[Level, str]]:
        """(level, text) per message for the terminal or the batch log: failures and
        held-back reports are errors, reps without an address warnings."""
        levels: dict[State, Level] = {"failed": "error", "held back": "error",
                                      "not sent": "warning"}
        out: list[tuple[Level, str]] = []
        for d in self.deliveries:
            to = f" <{d.recipient}>" if d.recipient else ""
            what = f": {d.file}" if d.file else ""
            why = f" ({d.why})" if d.why else ""
            out.append((levels.get(d.state, "info"), f"{d.state}: {d.who}{to}{what}{why}"))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "dry_run": self.dry_run,
                "redirect_to": self.redirect_to, "ok": self.ok, "error": self.error,
                "counts": self.counts(),
                "deliveries": [d.to_json() for d in self.deliveries]}


def report_stems(computation: Computation) -> dict[str, str]:
    """Rep ID → the stem of their PDF, exactly as ``report`` names it for all reps."""
    stems = report_filenames([(r.rep.rep_id, r.rep.name) for r in computation.results])
    return {r.rep.rep_id: stem for r, stem in zip(computation.results, stems, strict=True)}


def open_month(folder: Path, root: Path | None = None) -> Folder:
    """The month folder ``folder``, made if missing, opened below ``root`` (the part the
    operator named; default the folder above it): no link followed below ``root``, and in a
    shared folder only folders this user made. Raises ``UnsafePath`` and
    ``DeliveryError``."""
    try:
        month = Folder.open_below(folder.parent if root is None else root, folder)
    except OSError as error:
        raise DeliveryError(f"cannot open the report folder {folder}: "
                            f"{error.strerror or error}") from None
    month.path = Path(os.path.abspath(folder))  # messages name files in full, for cron logs
    return month


def stale_reports(computation: Computation, folder: Path, since_ns: int,
                  rep_ids: tuple[str, ...] = (), *, root: Path | None = None
                  ) -> tuple[list[RepResult], bool]:
    """(reps whose PDF is missing or older than ``since_ns``, whether the team summary
    is) among the reps to send: these are rendered again before sending. An entry that is
    a link or not a plain file counts as missing (rendering replaces it); the folder is
    opened as ``open_month`` does."""
    stems = report_stems(computation)
    wanted = {rep_key(rep_id) for rep_id in rep_ids}
    with open_month(folder, root) as month:
        def stale(name: str) -> bool:
            st = month.lstat(name)
            return st is None or not stat.S_ISREG(st.st_mode) or st.st_mtime_ns < since_ns

        reps = [r for r in computation.results
                if (not wanted or rep_key(r.rep.rep_id) in wanted)
                and stale(f"{stems[r.rep.rep_id]}.pdf")]
        return reps, not wanted and stale(TEAM_FILE)


def deliver(computation: Computation, settings: Settings, folder: Path,
            options: SendOptions, *, now: datetime, templates_dir: Path | None = None,
            env: Mapping[str, str] | None = None, root: Path | None = None
            ) -> DeliveryReport:
    """Send (or, dry, write) the messages for the reports in ``folder``, opened below
    ``root`` as ``open_month`` does. Raises ``DeliveryError`` before anything is sent when
    the settings are unusable, ``UnsafePath`` when the folder, the send log, the lock or
    the outbox is a planted link; a failure part way is in the report's ``error`` and the
    messages not sent are listed."""
    env = os.environ if env is None else env
    smtp = load_settings(env, options.smtp_config, need_server=not options.dry_run)
    sender = smtp.sender if smtp else (env.get(PREFIX + "FROM") or DRY_RUN_SENDER)
    report = DeliveryReport(folder=Path(os.path.realpath(folder)), dry_run=options.dry_run,
                            redirect_to=options.redirect_to)
    with open_month(folder, root) as month, send_lock(month):
        session = _Session(computation, settings, month, options, now, templates_dir,
                           sender, report)
        if options.dry_run:
            with month.sub(OUTBOX) as outbox:
                session.outbox = outbox
                session.clear_outbox()
                session.run()
        else:
            assert smtp is not None
            with Mailer(smtp) as mailer:
                session.mailer = mailer
                session.run()
    return report


class _Session:
    """One send run: builds each message and hands it to the mailer or the outbox."""

    def __init__(self, computation: Computation, settings: Settings, folder: Folder,
                 options: SendOptions, now: datetime, templates_dir: Path | None,
                 sender: str, report: DeliveryReport) -> None:
        self.computation, self.settings, self.folder = computation, settings, folder
        self.options, self.now, self.templates_dir = options, now, templates_dir
        self.sender, self.report = sender, report
        self.fmt = Formatter(settings.locale, settings.currency)
        self.env = compose.email_environment(templates_dir)
        compose.check_templates(self.env, templates_dir)
        self.log = SendLog(folder)
        self.mailer: Mailer | None = None
        #: The dry run's ``outbox`` folder (made by goalreport, never a link).
        self.outbox: Folder | None = None

    def run(self) -> None:
        stems = report_stems(self.computation)
        wanted = {rep_key(rep_id) for rep_id in self.options.rep_ids}
        for result in self.computation.results:
            if not wanted or rep_key(result.rep.rep_id) in wanted:
                self.report.deliveries.append(self.rep(result, stems[result.rep.rep_id]))
        if not wanted:
            self.report.deliveries.append(self.manager(list(self.report.deliveries)))

    def clear_outbox(self) -> None:
        """A dry run's outbox holds this run's messages only (a link named ``*.eml`` is
        removed, its target never touched)."""
        assert self.outbox is not None
        for name in self.outbox.names():
            if name.endswith(".eml"):
                self.outbox.unlink(name)

    def read_report(self, name: str, what: str = "the report") -> bytes | str:
        """The bytes of the PDF ``name`` in the month folder, or why it cannot be sent:
        missing, a link or not a plain file (``UnsafePath``'s line), too large."""
        try:
            fd = self.folder.open_regular(name)
        except FileNotFoundError:
            return f"{what} could not be rendered"
        except UnsafePath as error:
            return str(error)
        except OSError as error:
            return f"{str(self.folder.path / name)!r} cannot be read: {error.strerror}"
        with os.fdopen(fd, "rb") as handle:
            size = os.fstat(fd).st_size
            data = b"" if size > ATTACHMENT_LIMIT else handle.read(ATTACHMENT_LIMIT + 1)
        if size > ATTACHMENT_LIMIT or len(data) > ATTACHMENT_LIMIT:
            return (f"{str(self.folder.path / name)!r} is {max(size, len(data)) >> 20} MiB, "
                    f"more than the {ATTACHMENT_LIMIT >> 20} MiB goalreport attaches")
        return data

    def rep(self, result: RepResult, stem: str) -> Delivery:
        rep = result.rep
        name = f"{stem}.pdf"
        who = f"{rep.rep_id} ({rep.name})"
        if not rep.email:
            return Delivery(who, "", name, "not sent", "no Email in Reps")
        pdf = self.read_report(name)
        if isinstance(pdf, str):
            return Delivery(who, rep.email, name, "failed", pdf)
        sha256 = hashlib.sha256(pdf).hexdigest()
        held = self._held(rep_log_key(rep.rep_id), rep.email, sha256, who, name)
        if held is not None:
            return held
        attachments = [compose.Attachment(name, pdf, "application", "pdf")]
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
        return self._dispatch(message, rep_log_key(rep.rep_id), who, rep.email, name, sha256, stem)

    def manager(self, reps: list[Delivery]) -> Delivery:
        address = self.settings.manager_email
        name = TEAM_FILE
        if not address:
            return Delivery("manager", "", name, "not sent", "no Manager Email in Settings")
        pdf = self.read_report(name, "the team summary")
        if isinstance(pdf, str):
            return Delivery("manager", address, name, "failed", pdf)
        sha256 = hashlib.sha256(pdf).hexdigest()
        held = self._held(MANAGER_KEY, address, sha256, "manager", name)
        acted = any(d.state in ("sent", "would send", "failed") for d in reps)
        if held is not None and not (held.state == "already sent" and acted):
            return held
        update = held is not None  # the summary went earlier: a status update, no PDF
        attachments = [] if update else [compose.Attachment(name, pdf, "application", "pdf")]
        context = compose.manager_email_context(
            self.computation, self.fmt, company=self.settings.company,
            file_name=None if update else name,
            deliveries=[d.to_json() for d in reps], update=update)
        rendered = compose.render_email(self.env, compose.MANAGER_TEMPLATE, context,
                                        self.templates_dir)
        message = compose.build_message(sender=self.sender, to=address, rendered=rendered,
                                        now=self.now, attachments=attachments,
                                        redirect_to=self.options.redirect_to)
        key = None if update else MANAGER_KEY
        return self._dispatch(message, key, "manager", address, "" if update else name,
                              sha256, "team-summary-update" if update else "team-summary")

    def _held(self, key: str, recipient: str, sha256: str, who: str, file: str
              ) -> Delivery | None:
        """The listing for a message the send log says not to send now, else None."""
        if self.options.redirect_to or self.options.resend:
            return None
        decision = decide(self.log.get(key), recipient, sha256)
        if decision.verdict == "already sent":
            return Delivery(who, recipient, file, "already sent", decision.detail)
        if decision.verdict == "changed":
            return Delivery(who, recipient, file, "held back", decision.detail)
        return None

    def _dispatch(self, message: EmailMessage, key: str | None, who: str, recipient: str,
                  file: str, sha256: str, stem: str) -> Delivery:
        """Write to the outbox (dry run) or send; record an accepted message at once."""
        redirect = self.options.redirect_to
        if self.mailer is None:
            assert self.outbox is not None
            eml = f"{stem}.eml"  # a stem from report_filenames: no separator, no leading dot
            self.outbox.write_atomic(eml, bytes(message))
            note = f"written to {OUTBOX}/{eml}" + (f", for {redirect}" if redirect else "")
            return Delivery(who, recipient, file, "would send", note)
        if self.report.error is not None:
            return Delivery(who, recipient, file, "failed", "not tried: sending stopped")
        try:
            attempt = self.mailer.send(message, redirect or recipient)
        except DeliveryError as error:
            self.report.error = str(error)
            return Delivery(who, recipient, file, "failed", str(error))
        if not attempt.accepted:
            return Delivery(who, recipient, file, "failed", attempt.reason)
        if redirect:
            return Delivery(who, recipient, file, "sent", f"redirected to {redirect}")
        if key is not None:
            self.log.put(key, {"who": who, "recipient": recipient, "file": file,
                                  "sha256": sha256, "message_id": message["Message-ID"],
                                  "sent": self.now.isoformat(timespec="seconds")})
        return Delivery(who, recipient, file, "sent",
                        f"after {attempt.tries} tries" if attempt.tries > 1 else "")

