"""A real SMTP server in the test process (aiosmtpd on 127.0.0.1), and a workbook to send.

``MailServer`` records every accepted message; it can refuse chosen recipients (550),
answer DATA with 421 a given number of times, require STARTTLS (a trustme CA) and AUTH,
and misbehave after the whole message arrived: queue it and drop the connection without
a reply (``drop_after_data``), or answer only after ``answer_delay`` seconds (a content
scanner).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import os
import shutil
import socket
import ssl
import threading
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner, Result
from conftest import identity_of, write_workbook

from goalreport.cli import cli


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Handler:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()
        self.data_failures = 0
        #: Queue the next N messages, then drop the connection without a reply.
        self.drop_after_data = 0
        #: Seconds to wait before answering the end of a message.
        self.answer_delay = 0.0
        self.logins: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.data_failures > 0:
                self.data_failures -= 1
                return "421 4.3.2 Service busy, try again later"
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self.messages.append(email.message_from_bytes(envelope.content,
                                                          policy=policy.default))
            drop = self.drop_after_data > 0
            self.drop_after_data -= drop
        if drop:  # queued for delivery, and the reply is lost with the connection
            server.transport.abort()
            return "250 never heard"
        if self.answer_delay:
            await asyncio.sleep(self.answer_delay)
        return "250 Message accepted for delivery"


class MailServer:
    """``with MailServer(...) as server:`` a running server; ``server.env`` for goalreport."""

    def __init__(self, tmp: Path, *, tls: bool = False, user: str | None = None,
                 password: str | None = None) -> None:
        self.handler = Handler()
        self.port = free_port()
        self.env = {"GOALREPORT_SMTP_HOST": "127.0.0.1", "GOALREPORT_SMTP_PORT": str(self.port),
                    "GOALREPORT_SMTP_FROM": "reports@example.com",
                    "GOALREPORT_SMTP_SECURITY": "none",
                    "GOALREPORT_SMTP_ALLOWED_DOMAINS": "example.com"}
        kwargs: dict[str, Any] = {}
        if tls:
            import trustme

            ca = trustme.CA()
            cert = ca.issue_cert("127.0.0.1", "localhost")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            ca_file = tmp / "ca.pem"
            ca.cert_pem.write_to_path(str(ca_file))
            kwargs.update(tls_context=context, require_starttls=True)
            self.env.update(GOALREPORT_SMTP_SECURITY="starttls",
                            GOALREPORT_SMTP_CA_FILE=str(ca_file))
        if user is not None:
            def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                             auth_data: Any) -> AuthResult:
                ok = auth_data.login.decode() == user and auth_data.password.decode() == password
                if ok:
                    self.handler.logins.append(auth_data.login.decode())
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticate, auth_required=True,
                          auth_require_tls=tls)
            self.env["GOALREPORT_SMTP_USER"] = user
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     server_hostname="localhost", **kwargs)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def __enter__(self) -> Self:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def attachments(message: EmailMessage) -> dict[str, bytes]:
    """File name → bytes of every attachment."""
    return {part.get_filename(): part.get_payload(decode=True)
            for part in message.iter_attachments()}


def plain_text(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def send_sheets() -> dict[str, list[list[Any]]]:
    """Four reps (one without an Email), a manager, a holiday and a week of time off in
    July 2026, the month after the report month June 2026."""
    d = dt.date
    return {
        "Reps": [["Rep ID", "Name", "Email", "Team"],
                 ["R1", "Ana Lima", "ana@example.com", "East"],
                 ["R2", "Ben Ode", "ben@example.com", "East"],
                 ["R3", "Cy Noaddress", None, "West"],
                 ["R4", "Dee Park", "dee@example.com", "West"]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size", "Focus Hours per Week"],
                  ["R1", 2026, 120000, 0, 5000, 6],
                  ["R2", 2026, 60000, 0, 5000, None],
                  ["R3", 2026, 60000, 0, 5000, None],
                  ["R4", 2026, 60000, 0, 5000, None]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     [d(2026, 2, 3), "R1", "won", "Acme", "new", 10000],
                     [d(2026, 3, 3), "R2", "won", "Initech", "new", 5000]],
        "Holidays": [["Date", "Name"], [d(2026, 7, 6), "Team offsite"]],
        "Time Off": [["Rep ID", "From", "To"], ["R1", d(2026, 7, 13), d(2026, 7, 17)]],
        "Settings": [["Setting", "Value"], ["Company", "Acme & Co"],
                     ["As Of", d(2026, 6, 30)], ["Manager Email", "boss@example.com"]],
    }


#: The report month of ``send_sheets`` and the environment with no SMTP settings.
MONTH = ["--month", "2026-06"]
CLEAN_ENV = {key: None for key in os.environ if key.startswith("GOALREPORT_SMTP_")}


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    """The CLI in this process, with only the SMTP settings of ``env``."""
    return CliRunner().invoke(cli, args, env={**CLEAN_ENV, **(env or {})},
                              catch_exceptions=False)


def render_team(folder: Path) -> Path:
    """``send_sheets`` written into ``folder`` and its June 2026 reports rendered."""
    book = write_workbook(folder / "team.xlsx", send_sheets())
    result = invoke(["report", str(book), *MONTH, "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    return folder


def copy_team(rendered: Path, tmp_path: Path) -> Path:
    """A fresh copy of a ``render_team`` folder (modification times kept, so the copy
    looks as `report` left it); returns the workbook's path."""
    shutil.copytree(rendered, tmp_path / "team", copy_function=shutil.copy2)
    return tmp_path / "team" / "team.xlsx"


def record_path(book: Path, month: str = "2026-06") -> Path:
    """Where the send record of ``book``'s month is: the operator's state folder."""
    state = Path(os.environ["XDG_STATE_HOME"]) / "goalreport"
    return state / "sent" / identity_of(book) / f"{month}.jsonl"


def read_record(book: Path, month: str = "2026-06") -> dict[str, dict[str, Any]]:
    """The send record's entries by key (the journal's last line for each key wins)."""
    import json

    lines = record_path(book, month).read_text().splitlines()
    assert json.loads(lines[0]) == {"format": 2, "section": "sent"}
    entries: dict[str, dict[str, Any]] = {}
    for line in lines[1:]:
        item = json.loads(line)
        entries[item["key"]] = item["entry"]
    return entries
