"""The send log: ``DIR/<YYYY-MM>/.goalreport-sent.json``, so nothing is sent twice.

One entry per message the mail server accepted (rep, recipient, file, SHA-256 of the
PDF, time, Message-ID), written atomically right after each acceptance: a rerun, the
next night's cron run or a retry after a crash sends only what is not in it. A message
accepted in the instant before a crash, before its entry was written, is the one case
that can go twice. ``send_lock`` keeps two ``send`` runs off the same month at once.

The month folder may be writable by others (a shared inbox's reports folder): the log and
the lock are reached only through its ``Folder`` descriptor, never through a link
(``guard/safefs.py``), and the log is read with a size cap.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from goalreport.batch.inbox import write_json_atomic
from goalreport.core.model import rep_key as same_rep
from goalreport.errors import DeliveryError
from goalreport.guard.safefs import Folder

LOG_NAME = ".goalreport-sent.json"
LOCK_NAME = ".goalreport-sent.lock"
LOG_FORMAT = 1
#: A log of 20,000 reps is about 8 MiB; anything much larger is not one goalreport wrote.
LOG_LIMIT = 32 << 20
MANAGER_KEY = "manager"

Verdict = Literal["send", "already sent", "changed"]


def rep_key(rep_id: str) -> str:
    """The log key of a rep's message (Rep IDs match ignoring case and spaces)."""
    return "rep:" + same_rep(rep_id)


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    #: For "already sent" and "changed": what was sent, in words.
    detail: str = ""


def decide(entry: dict[str, Any] | None, recipient: str, sha256: str) -> Decision:
    """Send, or not: not when the log holds this very PDF for this recipient; "changed"
    when it holds another PDF or another address (the caller lists it, never sends it
    silently; --resend sends it on purpose)."""
    if entry is None:
        return Decision("send")
    when = str(entry.get("sent", "?"))
    if entry.get("sha256") == sha256 and entry.get("recipient", "").casefold() == \
            recipient.casefold():
        return Decision("already sent", f"sent to {entry.get('recipient')} on {when}")
    if entry.get("sha256") != sha256:
        return Decision("changed", f"the report changed since it was sent on {when}; "
                                   "use --resend to send the new one")
    return Decision("changed", f"sent to {entry.get('recipient')} on {when}, and the Email "
                               f"is now {recipient}; use --resend to send it there")


class SendLog:
    """The log of one month's folder (an open ``Folder``); ``record`` saves it at once.
    Raises ``UnsafePath`` when the log is a link or not a plain file, and
    ``DeliveryError`` when it is too large, not JSON, or not in this format: starting
    afresh would send everything again."""

    def __init__(self, folder: Folder) -> None:
        self.folder = folder
        self.path = folder.path / LOG_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            raw = folder.read_small(LOG_NAME, LOG_LIMIT)
            if raw is None:
                return
            data = json.loads(raw.decode("utf-8"))
        except RecursionError:
            raise self._unreadable("too deeply nested") from None
        except (OSError, ValueError) as error:
            raise self._unreadable(str(error)) from None
        if not isinstance(data, dict) or data.get("format") != LOG_FORMAT or \
                not isinstance(data.get("sent"), dict):
            raise DeliveryError(
                f"the send log {str(self.path)!r} is not in a format this goalreport knows. "
                "Move it away to send everything again.")
        self.entries = data["sent"]

    def _unreadable(self, reason: str) -> DeliveryError:
        return DeliveryError(
            f"the send log {str(self.path)!r} cannot be read ({reason}), so goalreport "
            "cannot tell what was already sent. Move it away to send everything again.")

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self.entries.get(key)
        return entry if isinstance(entry, dict) else None

    def record(self, key: str, entry: dict[str, Any]) -> None:
        self.entries[key] = entry
        write_json_atomic(self.folder, LOG_NAME, {"format": LOG_FORMAT, "sent": self.entries})


@contextmanager
def send_lock(folder: Folder) -> Iterator[None]:
    """Hold ``.goalreport-sent.lock`` in ``folder`` (a ``lockf`` lock, gone when the
    process ends; opened ``O_NOFOLLOW``, a plain file, never truncated); ``DeliveryError``
    at once when another send holds it, ``UnsafePath`` when it is a link."""
    fd = folder.open_regular(LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC,
                             0o600)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise DeliveryError(
                f"another 'goalreport send' is sending the reports in {folder.path}; wait for "
                "it to finish and run again (nothing it sent will be sent twice).") from None
        yield
    finally:
        os.close(fd)
