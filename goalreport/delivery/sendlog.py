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

from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Literal

from goalreport.core.keys import rep_key
from goalreport.errors import DeliveryError
from goalreport.guard.locks import hold_lock
from goalreport.guard.safefs import Folder
from goalreport.guard.statefile import JsonState, reason

LOG_NAME = ".goalreport-sent.json"
LOCK_NAME = ".goalreport-sent.lock"
MANAGER_KEY = "manager"

Verdict = Literal["send", "already sent", "changed"]


def rep_log_key(rep_id: str) -> str:
    """The log key of a rep's message (Rep IDs match by ``keys.rep_key``)."""
    return "rep:" + rep_key(rep_id)


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


class SendLog(JsonState):
    """The log of one month's folder (an open ``Folder``); ``put`` saves it at once.
    Raises ``UnsafePath`` when the log is a link or not a plain file, and
    ``DeliveryError`` when it is too large, not JSON, or not in this format: starting
    afresh would send everything again."""

    name = LOG_NAME
    section = "sent"
    format = 1
    #: A log of 20,000 reps is about 8 MiB; anything much larger is not one goalreport wrote.
    limit = 32 << 20
    unreadable = "stop"
    #: An entry that is not an object is taken as never sent.
    bad_entry = "start afresh"
    error = DeliveryError

    def damaged(self, error: Exception) -> str:
        return (f"the send log {str(self.path)!r} cannot be read ({reason(error)}), so "
                "goalreport cannot tell what was already sent. Move it away to send "
                "everything again.")

    def unknown_format(self) -> str:
        return (f"the send log {str(self.path)!r} is not in a format this goalreport knows. "
                "Move it away to send everything again.")


def send_lock(folder: Folder) -> AbstractContextManager[None]:
    """Hold ``.goalreport-sent.lock`` in ``folder`` while one ``send`` works on its month
    (``guard/locks.hold_lock``): ``DeliveryError`` at once when another send holds it,
    ``UnsafePath`` when it is a link or a second name of another file."""
    return hold_lock(folder, LOCK_NAME, busy=lambda holder: DeliveryError(
        f"another 'goalreport send' is sending the reports in {folder.path}; wait for it to "
        "finish and run again (nothing it sent will be sent twice)."))
