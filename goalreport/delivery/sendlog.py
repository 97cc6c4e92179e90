"""The send record, so that nothing is sent twice: one per workbook and report month,
kept in the operator's own state folder where nobody else can write
(``STATE/sent/<workbook identity>/<YYYY-MM>.jsonl``, ``guard/statedir.py``).

It is keyed by the workbook's identity (a hidden name goalreport writes into the workbook,
``workbook/identity.py``), not by its file name or folder: the same workbook sent by hand,
renamed, copied into the cron inbox or moved to another reports folder finds the same
record, and a file dropped beside it (``east.xlsm`` beside ``east.xlsx``) is another
workbook with a record of its own.

One entry per message the mail server accepted, or whose outcome is unknown (the whole
message went but the reply was lost): rep, recipient, file, SHA-256 of the PDF, what the
report says (``reports/stamp.content_digest``), time, Message-ID and outcome, appended and fsynced right after the server's answer. A rerun,
the next night's cron run or a retry after a crash sends only what is not in it. Every
entry is checked; a record that is damaged, planted or not in this format is a one-line
stop, since starting afresh would mail the whole month again. The one message that can
go twice is the one in flight when goalreport is killed: accepted by the server in the
instant before its entry was written. ``open_record`` also holds the record's lock, so
two sends of the same workbook and month never run at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from goalreport.core.keys import rep_key
from goalreport.errors import DeliveryError
from goalreport.guard.access import PRIVATE
from goalreport.guard.locks import hold_lock
from goalreport.guard.safefs import Folder
from goalreport.guard.statedir import open_state
from goalreport.guard.statefile import JsonState, reason

SENT_FOLDER = "sent"
MANAGER_KEY = "manager"
#: What an entry records of how sending ended.
Outcome = Literal["accepted", "unknown"]
#: What to do with a message, from the record (not the inbox's readiness verdict).
SendChoice = Literal["send", "already sent", "changed", "unconfirmed"]
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX40 = re.compile(r"[0-9a-f]{40}")


def rep_log_key(rep_id: str) -> str:
    """The record's key of a rep's message (Rep IDs match by ``keys.rep_key``)."""
    return "rep:" + rep_key(rep_id)


@dataclass(frozen=True)
class Decision:
    verdict: SendChoice
    #: For everything but "send": what was sent, in words.
    detail: str = ""


def decide(entry: dict[str, Any] | None, recipient: str, says: str) -> Decision:
    """Send, or not: not when the record holds this very report (what it says,
    ``stamp.content_digest``) for this recipient; not when its outcome is unknown (it may
    have arrived; "unconfirmed"); "changed" when it holds another report or another
    address (the caller lists it, never sends it silently; --resend sends it on
    purpose)."""
    if entry is None:
        return Decision("send")
    when = str(entry.get("sent", "?"))
    if entry.get("outcome") == "unknown":
        return Decision("unconfirmed", (
            f"sending it on {when} ended without the mail server's answer, so it may have "
            f"arrived; it is not sent again by itself. Look for Message-ID "
            f"{entry.get('message_id')} in the mail server's log; if it did not arrive, "
            "send it with --resend"))
    if entry.get("says") == says and entry.get("recipient", "").casefold() == \
            recipient.casefold():
        return Decision("already sent", f"sent to {entry.get('recipient')} on {when}")
    if entry.get("says") != says:
        return Decision("changed", f"the report changed since it was sent on {when}; "
                                   "use --resend to send the new one")
    return Decision("changed", f"sent to {entry.get('recipient')} on {when}, and the Email "
                               f"is now {recipient}; use --resend to send it there")


class SendLog(JsonState):
    """The record of one workbook's month (a journal in its ``Folder``); ``put`` appends
    and fsyncs at once. Raises ``UnsafePath`` when it is a link or not a plain file, and
    ``DeliveryError`` when it is too large, not in this format, someone else's, or holds
    an entry that is not one goalreport wrote: starting afresh would send everything
    again."""

    name = "sent.jsonl"
    section = "sent"
    format = 2
    storage = "journal"
    #: An entry is a few hundred bytes; 20,000 reps, each sent a few times, fit easily.
    limit = 64 << 20
    unreadable = "stop"
    bad_entry = "stop"
    error = DeliveryError

    def damaged(self, error: Exception) -> str:
        return (f"the send record {str(self.path)!r} cannot be read ({reason(error)}), so "
                "goalreport cannot tell what was already sent. Move it away to send "
                "everything again.")

    def unknown_format(self) -> str:
        return (f"the send record {str(self.path)!r} is not in a format this goalreport "
                "knows. Move it away to send everything again.")

    def entry_problem(self, entry: object) -> str | None:
        return entry_problem(entry)


def entry_problem(entry: object) -> str | None:
    """What is wrong with a send record's entry, in words; None when it is one goalreport
    wrote: every field present and of its kind."""
    if not isinstance(entry, dict):
        return "is not a JSON object"
    text = ("who", "recipient", "file", "message_id", "sent")
    for name in text:
        if not isinstance(entry.get(name), str):
            return f"has no {name} (text)"
    if "@" not in entry["recipient"]:
        return f"has a recipient that is not an address ({entry['recipient']!r})"
    if not isinstance(entry.get("sha256"), str) or not _HEX64.fullmatch(entry["sha256"]):
        return "has no SHA-256 of the report (64 hex digits)"
    if not isinstance(entry.get("says"), str) or not _HEX40.fullmatch(entry["says"]):
        return "has no digest of what the report says (40 hex digits)"
    if entry.get("outcome") not in ("accepted", "unknown"):
        return "has no outcome (accepted or unknown)"
    try:
        datetime.fromisoformat(entry["sent"])
    except ValueError:
        return f"has a time that is not one ({entry['sent']!r})"
    return None


def check_identity(identity: str) -> str:
    """``identity`` when it can name a folder (32 lower-case hex digits), else
    ``DeliveryError``: it comes from the workbook, which others may have written."""
    if not re.fullmatch(r"[0-9a-f]{32}", identity):
        raise DeliveryError(f"the workbook's identity {identity!r} is not one goalreport "
                            "wrote; run 'goalreport run' on the workbook to give it one.")
    return identity


@contextmanager
def open_record(identity: str, month: date) -> Iterator[SendLog]:
    """The send record of workbook ``identity`` for ``month``, its lock held while the
    block runs: ``DeliveryError`` at once when another send of it holds the lock,
    ``UnsafePath`` when the state folder, the record or the lock is not goalreport's."""
    stem = f"{month:%Y-%m}"
    with open_state() as state, state.sub(SENT_FOLDER, access=PRIVATE) as sent, \
            sent.sub(check_identity(identity), access=PRIVATE) as folder, \
            _lock(folder, stem):
        yield SendLog(folder, name=f"{stem}.jsonl")


def _lock(folder: Folder, stem: str) -> Any:
    return hold_lock(folder, f"{stem}.lock", busy=lambda holder: DeliveryError(
        f"another 'goalreport send' (pid {holder}) is sending this workbook's reports of "
        f"{stem}; wait for it to finish and run again (nothing it sent will be sent twice)."))
