"""SMTP settings and sending: one connection per run, retries, and no password in sight.

Settings come from the environment (``GOALREPORT_SMTP_*``) or a ``--smtp-config`` file
holding the same keys, never from the workbook. The password is held in a ``Secret``
whose ``repr`` and ``str`` are stars, is read from ``GOALREPORT_SMTP_PASSWORD_COMMAND``
only when a connection is made, and is never put in a message: a traceback under
``--debug``, a log line or a manifest cannot show it.

``Mailer.send`` retries a temporary failure (a 4xx reply, a dropped connection) with
backoff, reconnecting as needed, and returns a permanent refusal (5xx) for that one
recipient so the caller can carry on with the others. Failures that stop every message
(a refused login, an unverifiable certificate, a server that stays unreachable) raise
``DeliveryError``.
"""

from __future__ import annotations

import smtplib
import ssl
import stat
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Self

from goalreport.errors import DeliveryError

PREFIX = "GOALREPORT_SMTP_"
KEYS = ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "PASSWORD_COMMAND", "FROM", "CA_FILE")
SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}
#: Seconds to wait before the 2nd, 3rd and 4th try of one message (at most ~20 s in all).
RETRY_DELAYS = (1.0, 4.0, 15.0)
TIMEOUT_SECONDS = 30.0
PASSWORD_COMMAND_SECONDS = 60.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


class Secret:
    """A password that shows as stars wherever it is printed, logged or pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("a Secret is not pickled")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send. ``password`` or ``password_command`` (never both)."""

    host: str
    port: int
    security: str
    user: str = ""
    sender: str = ""
    ca_file: Path | None = None
    password: Secret | None = field(default=None, repr=False)
    password_command: str = field(default="", repr=False)
    #: Where each value came from, for messages: "environment" or the config file's path.
    source: str = "environment"

    def resolve_password(self) -> str:
        """The password: given, or printed by the password command (run now, each time)."""
        if self.password is not None:
            return self.password.reveal()
        if not self.password_command:
            return ""
        return _run_password_command(self.password_command)


def read_config_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``--smtp-config`` file (``#`` comments, optional quotes;
    keys with or without ``GOALREPORT_SMTP_``). Refused when it holds a password that
    other users can read, or a password command that other users can change."""
    try:
        info = path.stat()
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise DeliveryError(f"cannot read the SMTP config file {str(path)!r}: {reason}.") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = line.partition("=")
        key = key.strip().upper().removeprefix("EXPORT ").strip().removeprefix(PREFIX)
        if not equals or key not in KEYS:
            raise DeliveryError(
                f"{path}, line {number}: expected KEY=value with a key among "
                f"{', '.join(PREFIX + k for k in KEYS)}.")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    mode = stat.S_IMODE(info.st_mode)
    if values.get("PASSWORD") and mode & 0o077:
        raise DeliveryError(
            f"the SMTP config file {str(path)!r} holds a password but other users can read "
            f"it (mode {mode:04o}). Run 'chmod 600 {path}', or use "
            f"{PREFIX}PASSWORD_COMMAND instead of a password.")
    if values.get("PASSWORD_COMMAND") and mode & 0o022:
        raise DeliveryError(
            f"the SMTP config file {str(path)!r} holds a password command but other users "
            f"can change it (mode {mode:04o}). Run 'chmod 600 {path}'.")
    return values


def load_settings(env: Mapping[str, str], config: Path | None = None, *,
                  need_server: bool = True) -> SmtpSettings | None:
    """The SMTP settings: the config file's values, else the environment's. None when
    no host is set and ``need_server`` is false (a dry run)."""
    values = {key: env[PREFIX + key] for key in KEYS if env.get(PREFIX + key)}
    source = "environment"
    if config is not None:
        values.update(read_config_file(config))
        source = str(config)
    host = values.get("HOST", "").strip()
    if not host:
        if not need_server:
            return None
        raise DeliveryError(
            f"no mail server is set. Set {PREFIX}HOST (and {PREFIX}FROM, {PREFIX}USER, "
            f"{PREFIX}PASSWORD_COMMAND …) or give --smtp-config FILE; --dry-run writes the "
            "messages to files instead.")
    security = values.get("SECURITY", "starttls").strip().lower()
    if security not in SECURITIES:
        raise DeliveryError(f"{PREFIX}SECURITY is {security!r}; write starttls, ssl or none.")
    port_text = values.get("PORT", "").strip() or str(SECURITIES[security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise DeliveryError(f"{PREFIX}PORT is {port_text!r}; write a port number such as 587.")
    if values.get("PASSWORD") and values.get("PASSWORD_COMMAND"):
        raise DeliveryError(f"both {PREFIX}PASSWORD and {PREFIX}PASSWORD_COMMAND are set; "
                            "keep one.")
    user = values.get("USER", "").strip()
    has_password = bool(values.get("PASSWORD") or values.get("PASSWORD_COMMAND"))
    if has_password and not user:
        raise DeliveryError(f"a password is set but {PREFIX}USER is not; set the login name.")
    if security == "none" and user and host.lower() not in LOCAL_HOSTS:
        raise DeliveryError(
            f"{PREFIX}SECURITY=none would send the password to {host} unencrypted. Use "
            "starttls or ssl.")
    sender = values.get("FROM", "").strip() or (user if "@" in user else "")
    if not sender:
        raise DeliveryError(f"{PREFIX}FROM is not set; set the address the reports come "
                            "from, such as reports@example.com.")
    if "@" not in parseaddr(sender)[1] or any(ch in sender for ch in "\r\n"):
        raise DeliveryError(f"{PREFIX}FROM is {sender!r}; write an address such as "
                            "reports@example.com or 'Sales Reports <reports@example.com>'.")
    ca_file = Path(values["CA_FILE"]) if values.get("CA_FILE") else None
    return SmtpSettings(
        host=host, port=int(port_text), security=security, user=user, sender=sender,
        ca_file=ca_file,
        password=Secret(values["PASSWORD"]) if values.get("PASSWORD") else None,
        password_command=values.get("PASSWORD_COMMAND", ""), source=source)


def _run_password_command(command: str) -> str:
    """What ``command`` prints, less one trailing newline (like msmtp's passwordeval)."""
    try:
        done = subprocess.run(command, check=False, shell=True, capture_output=True, text=True,
                              timeout=PASSWORD_COMMAND_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND did not finish within "
                            f"{PASSWORD_COMMAND_SECONDS:.0f} s.") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.split())[:200]
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND failed with exit status "
                            f"{done.returncode}" + (f": {said}" if said else "."))
    password = done.stdout.removesuffix("\n").removesuffix("\r")
    if not password:
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND printed no password.")
    return password


@dataclass(frozen=True)
class Attempt:
    """How sending one message ended."""

    accepted: bool
    #: Why it was not accepted, in words, with the server's reply.
    reason: str = ""
    tries: int = 1


class Mailer:
    """One SMTP connection for a whole run, opened on first use and reopened when the
    server drops it. Use as a context manager so the connection is closed politely."""

    def __init__(self, settings: SmtpSettings, *, delays: Sequence[float] = RETRY_DELAYS,
                 sleep: Callable[[float], None] = time.sleep,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        self.settings, self.delays, self.sleep, self.timeout = settings, delays, sleep, timeout
        self._connection: smtplib.SMTP | None = None
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
        """Send ``message`` to ``recipient`` alone; temporary failures are retried."""
        reason, unreachable = "", False
        for tries in range(1, len(self.delays) + 2):
            if tries > 1:
                self.sleep(self.delays[tries - 2])
            connecting = True
            try:
                connection = self._connect()
                connecting = False
                connection.send_message(message, from_addr=self.settings.sender,
                                        to_addrs=[recipient])
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
                if not connecting:  # an address with non-ASCII letters, a server without
                    return Attempt(False, "the mail server does not take international "
                                   "addresses (no SMTPUTF8); use an ASCII address", tries)
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
                reason, unreachable = _os_reason(error), connecting
        if unreachable:
            raise DeliveryError(f"the mail server {self._where()} could not be reached after "
                                f"{len(self.delays) + 1} tries: {reason}.")
        return Attempt(False, f"not accepted after {len(self.delays) + 1} tries: {reason}",
                       len(self.delays) + 1)

    def _where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        settings = self.settings
        context = None
        if settings.security != "none":
            context = ssl.create_default_context(
                cafile=str(settings.ca_file) if settings.ca_file else None)
        connection: smtplib.SMTP
        if settings.security == "ssl":
            connection = smtplib.SMTP_SSL(settings.host, settings.port, timeout=self.timeout,
                                          context=context)
        else:
            connection = smtplib.SMTP(settings.host, settings.port, timeout=self.timeout)
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


def _os_reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__

