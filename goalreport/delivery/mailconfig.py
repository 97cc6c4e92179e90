"""The mail settings: where and how to send, who may be mailed, and no password in sight.

Settings come from the environment (``GOALREPORT_SMTP_*``) or a ``--smtp-config`` file
holding the same keys, never from the workbook. The password is held in a ``Secret``
whose ``repr`` and ``str`` are stars, is read from ``GOALREPORT_SMTP_PASSWORD_COMMAND``
only when a connection is made, and is never put in a message: a traceback under
``--debug``, a log line or a manifest cannot show it. What the password command prints,
on stdout or stderr, is never quoted either (a wrapper under ``set -x`` prints the
password on stderr): a failure says its exit status and how to see why.

A config file decides where the reports and the password go, so it is the operator's:
it is opened once without following a link, and refused unless it belongs to the user
running goalreport (or root), nobody else can change it or the folder it sits in, and,
when it holds a password, nobody else can read it.

``ALLOWED_DOMAINS`` is the operator's list of the domains goalreport may mail; the
workbook (which inbox writers fill in) chooses the addresses, so ``batch --send`` needs it.
"""

from __future__ import annotations

import errno
import os
import stat
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path

from goalreport.errors import DeliveryError
from goalreport.guard.safefs import owner_name
from goalreport.workbook.values import domain_key

PREFIX = "GOALREPORT_SMTP_"
KEYS = ("HOST", "PORT", "SECURITY", "USER", "PASSWORD", "PASSWORD_COMMAND", "FROM", "CA_FILE",
        "ALLOWED_DOMAINS")
SECURITIES = {"starttls": 587, "ssl": 465, "none": 25}
PASSWORD_COMMAND_SECONDS = 60.0
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
#: A config file is a few lines; anything larger is not one.
CONFIG_LIMIT = 64 << 10


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
    #: The recipients' domains goalreport may mail (lower case, IDNA); empty: any.
    allowed_domains: tuple[str, ...] = ()

    def resolve_password(self) -> str:
        """The password: given, or printed by the password command (run now, each time)."""
        if self.password is not None:
            return self.password.reveal()
        if not self.password_command:
            return ""
        return _run_password_command(self.password_command)


def read_config_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines of a ``--smtp-config`` file (``#`` comments, optional quotes;
    keys with or without ``GOALREPORT_SMTP_``), opened once without following a link and
    refused unless it is the operator's (see the module's docstring)."""
    text, mode = _read_private(path)
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
    if values.get("PASSWORD") and mode & 0o077:
        raise DeliveryError(
            f"the SMTP config file {str(path)!r} holds a password but other users can read "
            f"it (mode {mode:04o}). Run 'chmod 600 {path}', or use "
            f"{PREFIX}PASSWORD_COMMAND instead of a password.")
    return values


def _read_private(path: Path) -> tuple[str, int]:
    """The text of the config file ``path`` and its permission bits, read through one
    descriptor opened below its folder's, never through a link; ``DeliveryError`` unless
    the file and its folder are the operator's alone to change."""
    shown = repr(str(path))
    try:
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as error:
        raise DeliveryError(f"cannot read the SMTP config file {shown}: "
                            f"{error.strerror}.") from None
    try:
        folder_stat = os.fstat(folder)
        try:
            fd = os.open(path.name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY
                         | os.O_CLOEXEC, dir_fd=folder)
        except OSError as error:
            what = "it is a symbolic link; give the file itself" \
                if error.errno == errno.ELOOP else error.strerror
            raise DeliveryError(f"cannot read the SMTP config file {shown}: {what}.") from None
    finally:
        os.close(folder)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DeliveryError(f"the SMTP config file {shown} is not a regular file.")
        _check_owner(f"the SMTP config file {shown}", info, f"chmod go-w {path}")
        _check_owner(f"the folder {str(path.parent)!r} of the SMTP config file", folder_stat,
                     f"chmod go-w {path.parent}")
        data = handle.read(CONFIG_LIMIT + 1)
    if len(data) > CONFIG_LIMIT:
        raise DeliveryError(f"the SMTP config file {shown} is larger than "
                            f"{CONFIG_LIMIT >> 10} KiB; it is not a config file.")
    try:
        return data.decode("utf-8"), stat.S_IMODE(info.st_mode)
    except UnicodeDecodeError:
        raise DeliveryError(f"the SMTP config file {shown} is not UTF-8 text.") from None


def _check_owner(what: str, info: os.stat_result, fix: str) -> None:
    """Refuse ``info`` (of the config file or its folder, named by ``what``) unless it
    belongs to this user or root and neither group nor others can write it."""
    me = os.geteuid()
    why = "whoever can change it decides where the reports and the password go"
    if info.st_uid not in (me, 0):
        raise DeliveryError(
            f"{what} belongs to {owner_name(info.st_uid)}, not to {owner_name(me)} who runs "
            f"goalreport: {why}. Keep the config in a folder of your own (such as "
            "~/.config/goalreport).")
    mode = stat.S_IMODE(info.st_mode)
    if mode & 0o022:
        raise DeliveryError(f"{what} can be changed by other users (mode {mode:04o}): {why}. "
                            f"Run '{fix}'.")


def load_settings(env: Mapping[str, str], config: Path | None = None, *,
                  need_server: bool = True) -> SmtpSettings | None:
    """The mail settings: the config file's values, else the environment's. None when
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
    sender = sender_address(values)
    if not sender:
        raise DeliveryError(f"{PREFIX}FROM is not set; set the address the reports come "
                            "from, such as reports@example.com.")
    ca_file = Path(values["CA_FILE"]) if values.get("CA_FILE") else None
    return SmtpSettings(
        host=host, port=int(port_text), security=security, user=user, sender=sender,
        ca_file=ca_file,
        password=Secret(values["PASSWORD"]) if values.get("PASSWORD") else None,
        password_command=values.get("PASSWORD_COMMAND", ""), source=source,
        allowed_domains=parse_domains(values.get("ALLOWED_DOMAINS", "")))


def sender_address(values: Mapping[str, str]) -> str:
    """``FROM``, else the user when it is an address; "" when neither. ``DeliveryError``
    when it is not one address."""
    user = values.get("USER", "").strip()
    sender = values.get("FROM", "").strip() or (user if "@" in user else "")
    if sender and ("@" not in parseaddr(sender)[1] or any(ch in sender for ch in "\r\n")):
        raise DeliveryError(f"{PREFIX}FROM is {sender!r}; write an address such as "
                            "reports@example.com or 'Sales Reports <reports@example.com>'.")
    return sender


def mail_values(env: Mapping[str, str], config: Path | None) -> dict[str, str]:
    """The raw settings (config file over environment), for a dry run that needs no
    server but still takes the sender and the allowed domains."""
    values = {key: env[PREFIX + key] for key in KEYS if env.get(PREFIX + key)}
    if config is not None:
        values.update(read_config_file(config))
    return values


def parse_domains(text: str) -> tuple[str, ...]:
    """``example.com, sales.example.org`` → the domains, lower case and IDNA-encoded
    (``exämple.com`` and ``xn--exmple-cua.com`` are one). ``DeliveryError`` for one that
    is not a domain name."""
    domains = []
    for word in text.replace(",", " ").replace(";", " ").split():
        domain = word.strip().lstrip("@").rstrip(".")
        try:
            encoded = domain_key(domain)
        except UnicodeError:
            encoded = ""
        if not encoded or "." not in encoded or any(
                not part or len(part) > 63 for part in encoded.split(".")):
            raise DeliveryError(f"{PREFIX}ALLOWED_DOMAINS holds {word!r}, which is not a "
                                "domain name; write domains such as example.com, separated "
                                "by commas.")
        domains.append(encoded)
    return tuple(dict.fromkeys(domains))


def allowed_domains(env: Mapping[str, str], config: Path | None) -> tuple[str, ...]:
    """The operator's allowed recipient domains (config file over environment); empty:
    any. ``DeliveryError`` for a config file that is not the operator's, or a word that
    is not a domain."""
    return parse_domains(mail_values(env, config).get("ALLOWED_DOMAINS", ""))


def _run_password_command(command: str) -> str:
    """What ``command`` prints, less one trailing newline (like msmtp's passwordeval).
    Its stderr is discarded and its output never quoted: either may hold the password."""
    how = (f"run the command of {PREFIX}PASSWORD_COMMAND yourself to see why (goalreport "
           "never shows what it prints: that may be the password)")
    try:
        done = subprocess.run(command, check=False, shell=True, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True,
                              timeout=PASSWORD_COMMAND_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND did not finish within "
                            f"{PASSWORD_COMMAND_SECONDS:.0f} s; {how}.") from None
    except (OSError, UnicodeDecodeError):
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND could not be run or printed "
                            f"something that is not text; {how}.") from None
    if done.returncode != 0:
        status = (f"was ended by signal {-done.returncode}" if done.returncode < 0
                  else f"failed with exit status {done.returncode}")
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND {status}; {how}.")
    password = done.stdout.removesuffix("\n").removesuffix("\r")
    if not password:
        raise DeliveryError(f"{PREFIX}PASSWORD_COMMAND printed no password; {how}.")
    return password
