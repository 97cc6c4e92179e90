"""A flaky mail server: what goalreport does when the reply to a whole message is lost.

Once the body and its final dot are sent, the server may already have queued the message:
trying again could mail it twice. So only a failure before the body is retried; after it
the outcome is "unknown", recorded, never resent automatically, and listed for the
operator. Every test runs a real aiosmtpd server on 127.0.0.1 that misbehaves on purpose.
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from smtp_helpers import MONTH, MailServer, copy_team, invoke, plain_text, render_team

from goalreport.delivery.mailconfig import load_settings
from goalreport.delivery.smtp import Mailer


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_team(tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def team(rendered: Path, tmp_path: Path) -> Path:
    return copy_team(rendered, tmp_path)


def _message() -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = "Your report"
    message["From"] = "reports@example.com"
    message["To"] = "ana@example.com"
    message.set_content("June in numbers.")
    return message


def test_a_server_that_queues_then_drops_the_connection_gets_the_message_once(
        tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        server.handler.drop_after_data = 1
        settings = load_settings(server.env)
        assert settings is not None
        waited: list[float] = []
        with Mailer(settings, sleep=waited.append) as mailer:
            attempt = mailer.send(_message(), "ana@example.com")
    assert len(server.messages) == 1  # never a second copy
    assert waited == []
    assert not attempt.accepted
    assert attempt.unknown
    assert attempt.reason.startswith(
        "the mail server received the whole message but the connection was lost before "
        "it answered")


@pytest.mark.slow
def test_a_slow_answer_to_the_final_dot_is_waited_for(tmp_path: Path) -> None:
    """A content scanner answering after 2 s, with a 1 s timeout for the connection and
    the commands before the body: the reply to the final dot is waited for (RFC 5321
    §4.5.3.2.6 asks 10 minutes), so the message goes once and is accepted."""
    with MailServer(tmp_path) as server:
        server.handler.answer_delay = 2.0
        settings = load_settings(server.env)
        assert settings is not None
        with Mailer(settings, sleep=lambda seconds: None, timeout=1.0) as mailer:
            attempt = mailer.send(_message(), "ana@example.com")
    assert len(server.messages) == 1
    assert attempt.accepted and attempt.tries == 1


def test_a_failure_before_the_body_is_still_retried(tmp_path: Path) -> None:
    """421 to DATA (before the body): nothing can have been delivered, so it is retried."""
    with MailServer(tmp_path) as server:
        server.handler.data_failures = 1
        settings = load_settings(server.env)
        assert settings is not None
        with Mailer(settings, sleep=lambda seconds: None) as mailer:
            attempt = mailer.send(_message(), "ana@example.com")
    assert attempt.accepted and attempt.tries == 2
    assert len(server.messages) == 1


def test_send_records_the_unknown_outcome_lists_it_and_never_resends_it(
        team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        server.handler.drop_after_data = 1  # Ana's message: queued, reply lost
        first = invoke(["send", str(team), *MONTH, "--json"], server.env)
        assert first.exit_code == 1, first.output
        to = [message["To"] for message in server.messages]
        assert to == ["ana@example.com", "ben@example.com", "dee@example.com",
                      "boss@example.com"]
        report = json.loads(first.stdout)
        ana = report["deliveries"][0]
        assert ana["state"] == "unknown"
        message_id = server.messages[0]["Message-ID"]
        assert ana["why"] == (
            "the mail server received the whole message but the connection was lost "
            "before it answered, so it may have been delivered; it is not sent again by "
            f"itself. Look for Message-ID {message_id} in the mail server's log; if it "
            "did not arrive, send it with --resend --rep R1")
        assert "R1 (Ana Lima) <ana@example.com>: unknown, R1-Ana-Lima.pdf" in \
            plain_text(server.messages[-1])

        again = invoke(["send", str(team), *MONTH], server.env)
        assert len(server.messages) == 4, "the unknown message must not go again"
        assert again.exit_code == 0, again.output
        assert ("Warning: unconfirmed: R1 (Ana Lima) <ana@example.com>: R1-Ana-Lima.pdf "
                "(sending it on ") in again.output

        resend = invoke(["send", str(team), *MONTH, "--resend", "--rep", "R1"], server.env)
        assert resend.exit_code == 0, resend.output
        assert [m["To"] for m in server.messages[4:]] == ["ana@example.com"]
        after = invoke(["send", str(team), *MONTH], server.env)
        assert "already sent: R1 (Ana Lima)" in after.output
        assert len(server.messages) == 5


@pytest.mark.slow
def test_a_server_that_stops_answering_before_the_body_stops_the_run(tmp_path: Path) -> None:
    """A server that accepts the connection but never answers MAIL: each try times out
    (nothing was sent, so trying again is safe), and after the last the run stops with one
    line instead of spending every try on every message."""
    import asyncio

    from goalreport.delivery.smtp import Waits
    from goalreport.errors import DeliveryError

    with MailServer(tmp_path) as server:
        async def never(*args: object) -> str:
            await asyncio.sleep(30)
            return "250 OK"

        server.handler.handle_MAIL = never  # type: ignore[attr-defined]
        settings = load_settings(server.env)
        assert settings is not None
        waited: list[float] = []
        with Mailer(settings, sleep=waited.append, waits=Waits(mail=0.3)) as mailer, \
                pytest.raises(DeliveryError) as raised:
            mailer.send(_message(), "ana@example.com")
    assert waited == [1.0, 4.0, 15.0]
    assert server.messages == []
    assert str(raised.value) == (f"the mail server 127.0.0.1:{server.port} could not be "
                                 "reached after 4 tries: timed out.")


@pytest.mark.slow
def test_a_password_commands_output_is_in_no_line_json_or_manifest(team: Path,
                                                                   tmp_path: Path) -> None:
    """A wrapper under `set -x` prints the password on stderr and fails: it was quoted in
    the error, each rep's "why", --json and the batch's manifests."""
    with MailServer(tmp_path, tls=True, user="mailer", password="hunter2-secret") as server:
        env = {**server.env, "GOALREPORT_SMTP_PASSWORD_COMMAND":
               "echo '+ pass show mail: hunter2-secret' >&2; exit 4"}
        sent = invoke(["send", str(team), *MONTH, "--json"], env)
        batch = invoke(["batch", str(team.parent), *MONTH, "--send", "--settle", "0",
                        "--json", "-j", "1"], env)
    assert sent.exit_code == 1 and batch.exit_code == 1
    assert server.messages == []
    assert "GOALREPORT_SMTP_PASSWORD_COMMAND failed with exit status 4; run the command" in \
        sent.output
    for text in (sent.output, batch.output):
        assert "hunter2" not in text
    for path in (team.parent / "reports").rglob("*.json"):
        assert "hunter2" not in path.read_text(encoding="utf-8"), path
    assert "hunter2" not in json.dumps(json.loads(batch.stdout))


class _CutMidBody(socketserver.StreamRequestHandler):
    """A bare SMTP server whose first connection is cut in the middle of the message body
    (after 4 KiB of it, with a reset, as a server that crashes mid-message); later
    connections take the message whole. aiosmtpd hands a message over only once its
    final dot is in, so it cannot cut a body halfway."""

    server: _CutServer

    def handle(self) -> None:
        self.wfile.write(b"220 cut.example ESMTP\r\n")
        cut = self.server.connections == 0
        self.server.connections += 1
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 cut.example\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                if cut:
                    self.rfile.read(4096)
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    return
                body = b"".join(iter(self.rfile.readline, b".\r\n"))
                self.server.bodies.append(body)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


class _CutServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    connections = 0

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _CutMidBody, bind_and_activate=False)
        # A small receive window: what the client has sent and the server not read stays
        # in the client's buffers, which Linux caps at net.core.wmem_max (4 MiB here).
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.server_bind()
        self.server_activate()
        self.bodies: list[bytes] = []


@pytest.mark.slow
def test_a_connection_cut_in_the_middle_of_the_body_is_retried_and_sent_once() -> None:
    """No final dot went, so the server cannot have queued the message: trying again is
    safe, and the message arrives once, whole. The body (8 MB: an attachment of 6 MB in
    base64) is larger than the socket's buffers can hold, so the cut is seen while
    sending. (A body that fits into them is sent before the cut shows, and then its
    outcome is unknown: the client cannot tell a cut body from a lost answer.)"""
    message = _message()
    message.add_attachment(bytes(range(256)) * 24_000, maintype="application",
                           subtype="pdf", filename="R1-Ana-Lima.pdf")
    with _CutServer() as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings = load_settings({
            "GOALREPORT_SMTP_HOST": "127.0.0.1",
            "GOALREPORT_SMTP_PORT": str(server.server_address[1]),
            "GOALREPORT_SMTP_FROM": "reports@example.com",
            "GOALREPORT_SMTP_SECURITY": "none"})
        assert settings is not None
        waited: list[float] = []
        with Mailer(settings, sleep=waited.append) as mailer:
            attempt = mailer.send(message, "ana@example.com")
        server.shutdown()
    assert (attempt.accepted, attempt.unknown, attempt.tries) == (True, False, 2), attempt.reason
    assert len(waited) == 1 and server.connections == 2
    [body] = server.bodies
    received = message_from_bytes(body, policy=policy.default)
    assert isinstance(received, EmailMessage)
    [part] = list(received.iter_attachments())
    assert part.get_content() == bytes(range(256)) * 24_000
