"""Talking to the mail server: one connection per run, retries only while nothing can
have been delivered, and no password in sight (the settings: ``mailconfig.py``).

``Mailer.send`` walks one message through the SMTP transaction itself (MAIL, RCPT, DATA,
the body, the final dot) so that it knows how far it got:

- a failure **before the body is sent** (a 4xx reply, a refused or dropped connection, a
  timeout) cannot have delivered anything, and is retried with backoff, reconnecting as
  needed; a permanent refusal (5xx) is returned for that one recipient so the caller can
  carry on with the others;
- once the body and its final dot are sent, the server may already have queued the
  message. A reply is final (250 accepted; 4xx or 5xx not accepted), but a connection lost
  or a reply not given is ``Attempt.unknown``: never retried, since trying again could
  mail it twice. The caller records it for the operator to check.

Waits follow RFC 5321 §4.5.3.2, as Postfix's client does: 5 minutes for the replies to
MAIL and RCPT, 2 for DATA, 3 per block of the body and 10 for the reply to the final dot
(a content scanner may take a while), apart from a short connect timeout (30 s for the
connection, the greeting, EHLO, STARTTLS and the login). Failures that stop every message
(a refused login, an unverifiable certificate, a server that stays unreachable or stops
answering) raise ``DeliveryError``.
"""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Self

from goalreport.delivery.mailconfig import PREFIX, Secret, SmtpSettings
from goalreport.errors import DeliveryError

#: Seconds to wait before the 2nd, 3rd and 4th try of one message (at most ~20 s in all).
RETRY_DELAYS = (1.0, 4.0, 15.0)
#: The connection, greeting, EHLO, STARTTLS and login: short, nothing is sent yet.
CONNECT_SECONDS = 30.0


@dataclass(frozen=True)
class Waits:
    """How long to wait for each reply of the transaction (RFC 5321 §4.5.3.2)."""

    mail: float = 300.0
    rcpt: float = 300.0
    data: float = 120.0
    block: float = 180.0
    #: The reply to the final dot, after which the message may be queued.
    final: float = 600.0


RFC_WAITS = Waits()


@dataclass(frozen=True)
class Attempt:
    """How sending one message ended."""

    accepted: bool
    #: Why it was not accepted, in words, with the server's reply.
    reason: str = ""
    tries: int = 1
    #: The whole message reached the server but its answer did not reach goalreport: it
    #: may have been delivered, and must not be sent again automatically.
    unknown: bool = False


class _Transaction:
    """The SMTP transaction of one message, step by step (mixed into smtplib's classes):
    ``body_sent`` tells the caller whether a failure can have delivered the message."""

    body_sent = False

    def deliver(self, sender: str, recipient: str, data: bytes, options: list[str],
                waits: Waits) -> None:
        """MAIL, RCPT, DATA, the body and the final dot; raises smtplib's exceptions
        (``SMTPResponseException`` for a reply that is not a yes, ``OSError`` when the
        connection fails), with ``body_sent`` set once the final dot went."""
        smtp: smtplib.SMTP = self  # type: ignore[assignment]
        self.body_sent = False
        self._wait(waits.mail)
        code, reply = smtp.mail(sender, options)
        if code != 250:
            self._refused(code)
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        self._wait(waits.rcpt)
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            self._refused(code)
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
        self._wait(waits.data)
        smtp.putcmd("data")
        code, reply = smtp.getreply()
        if code != 354:
            self._refused(code)
            raise smtplib.SMTPDataError(code, reply)
        self._wait(waits.block)
        smtp.send(data)
        self.body_sent = True
        self._wait(waits.final)
        code, reply = smtp.getreply()
        if code != 250:
            self._refused(code)
            raise smtplib.SMTPDataError(code, reply)

    def _wait(self, seconds: float) -> None:
        settimeout = getattr(getattr(self, "sock", None), "settimeout", None)
        if settimeout is not None:
            settimeout(seconds)

    def _refused(self, code: int) -> None:
        """After a refusal the transaction is reset so the connection can go on; a 421
        means the server is closing it."""
        smtp: smtplib.SMTP = self  # type: ignore[assignment]
        if code == 421:
            smtp.close()
            return
        try:
            smtp.rset()
        except (smtplib.SMTPException, OSError):
            smtp.close()


class _Plain(_Transaction, smtplib.SMTP):
    pass


class _Tls(_Transaction, smtplib.SMTP_SSL):
    pass


_LEADING_DOT = re.compile(rb"(?m)^\.")


def wire_bytes(message: EmailMessage, international: bool = False) -> bytes:
    """The message as the body of DATA: CRLF line ends, leading dots doubled, and the
    final ``CRLF.CRLF``. ``international`` (SMTPUTF8) keeps UTF-8 headers as they are."""
    policy: Any = message.policy
    policy = policy.clone(linesep="\r\n", utf8=True) if international else \
        policy.clone(linesep="\r\n")
    data = _LEADING_DOT.sub(b"..", message.as_bytes(policy=policy))
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


class Mailer:
    """One SMTP connection for a whole run, opened on first use and reopened when the
    server drops it. Use as a context manager so the connection is closed politely.
    ``timeout`` is the connect timeout; ``waits`` the replies' (see the module)."""

    def __init__(self, settings: SmtpSettings, *, delays: Sequence[float] = RETRY_DELAYS,
                 sleep: Callable[[float], None] = time.sleep,
                 timeout: float = CONNECT_SECONDS, waits: Waits = RFC_WAITS) -> None:
        self.settings, self.delays, self.sleep, self.timeout = settings, delays, sleep, timeout
        self.waits = waits
        self._connection: _Plain | _Tls | None = None
        self._password: Secret | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                self._connection.close()
            self._connection = None

    def send(self, message: EmailMessage, recipient: str) -> Attempt:
        """Send ``message`` to ``recipient`` alone; failures before its body went are
        retried, a lost answer after it is ``unknown`` (see the module's docstring)."""
        reason, unreachable = "", False
        prepared: dict[bool, bytes] = {}
        for tries in range(1, len(self.delays) + 2):
            if tries > 1:
                self.sleep(self.delays[tries - 2])
            connecting = True
            connection: _Plain | _Tls | None = None
            try:
                connection = self._connect()
                connecting = False
                international = not (self.settings.sender + recipient).isascii()
                if international and not connection.has_extn("smtputf8"):
                    return Attempt(False, "the mail server does not take international "
                                   "addresses (no SMTPUTF8); use an ASCII address", tries)
                if international not in prepared:
                    prepared[international] = wire_bytes(message, international)
                data = prepared[international]
                options = [f"SIZE={len(data)}"] if connection.has_extn("size") else []
                if international:
                    options += ["SMTPUTF8", "BODY=8BITMIME"]
                connection.deliver(self.settings.sender, recipient, data, options, self.waits)
                return Attempt(True, tries=tries)
            except smtplib.SMTPRecipientsRefused as error:
                code, text = next(iter(error.recipients.values()), (0, b""))
                reason, unreachable = _reply(code, text), False
                if not 400 <= code < 500:
                    return Attempt(False, f"refused by the mail server: {reason}", tries)
            except smtplib.SMTPAuthenticationError as error:
                raise DeliveryError(
                    f"the mail server {self._where()} refused the login of "
                    f"{self.settings.user!r}: {_reply(error.smtp_code, error.smtp_error)}. "
                    "Check the user and password.") from None
            except smtplib.SMTPResponseException as error:
                reason, unreachable = _reply(error.smtp_code, error.smtp_error), False
                if error.smtp_code == 421:
                    self._drop()
                elif not 400 <= error.smtp_code < 500:
                    return Attempt(False, f"refused by the mail server: {reason}", tries)
            except smtplib.SMTPNotSupportedError:
                raise DeliveryError(
                    f"the mail server {self._where()} does not offer STARTTLS. Set "
                    f"{PREFIX}SECURITY=ssl (port 465) if it takes TLS from the start.") from None
            except ssl.SSLCertVerificationError as error:
                raise DeliveryError(
                    f"the certificate of {self._where()} could not be verified "
                    f"({error.verify_message}). Set {PREFIX}CA_FILE to the certificate of the "
                    "authority that signed it.") from None
            except OSError as error:  # refused, timed out, dropped (smtplib's errors too)
                self._drop()
                if connection is not None and connection.body_sent:
                    return Attempt(False, self._lost(error), tries, unknown=True)
                reason = _os_reason(error)
                unreachable = connecting or _timed_out(error)
        if unreachable:
            raise DeliveryError(f"the mail server {self._where()} could not be reached after "
                                f"{len(self.delays) + 1} tries: {reason}.")
        return Attempt(False, f"not accepted after {len(self.delays) + 1} tries: {reason}",
                       len(self.delays) + 1)

    def _lost(self, error: OSError) -> str:
        if _timed_out(error):
            return (f"the mail server received the whole message but gave no answer within "
                    f"{self.waits.final:.0f} s")
        return ("the mail server received the whole message but the connection was lost "
                "before it answered")

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> _Plain | _Tls:
        if self._connection is not None:
            return self._connection
        settings = self.settings
        context = None
        if settings.security != "none":
            context = ssl.create_default_context(
                cafile=str(settings.ca_file) if settings.ca_file else None)
        connection: _Plain | _Tls
        if settings.security == "ssl":
            connection = _Tls(settings.host, settings.port, timeout=self.timeout,
                              context=context)
        else:
            connection = _Plain(settings.host, settings.port, timeout=self.timeout)
        try:
            connection.ehlo()
            if settings.security == "starttls":
                connection.starttls(context=context)
                connection.ehlo()
            if settings.user:
                if self._password is None:
                    self._password = Secret(settings.resolve_password())
                connection.login(settings.user, self._password.reveal())
        except BaseException:
            connection.close()
            raise
        self._connection = connection
        return connection

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _reply(code: int, text: bytes | str) -> str:
    said = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(said.split())}".strip()


def _timed_out(error: BaseException) -> bool:
    """A wait that ran out: smtplib reports it as a lost connection, the timeout chained."""
    return isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError)


def _os_reason(error: BaseException) -> str:
    if _timed_out(error):
        return "timed out"
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
