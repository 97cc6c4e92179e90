"""What a send run was asked for and how each message ended: ``SendOptions``,
``Delivery`` (one message) and ``DeliveryReport`` (the run), as the terminal, ``--json``,
the batch's log and its manifests show them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

State = Literal["sent", "would send", "already sent", "not sent", "held back", "failed",
                "unknown", "unconfirmed"]
#: How loud a message's line is (``DeliveryReport.lines``).
Level = Literal["error", "warning", "info"]
#: States that make the run exit 1: someone who should have mail has none, or may not
#: (the whole message went and the server's answer was lost: someone must check).
FAILED_STATES: tuple[State, ...] = ("failed", "held back", "unknown")
_LEVELS: dict[State, Level] = {"failed": "error", "held back": "error", "unknown": "error",
                               "not sent": "warning", "unconfirmed": "warning"}


@dataclass(frozen=True)
class SendOptions:
    """What ``send`` (or ``--send``) was asked for."""

    dry_run: bool = False
    resend: bool = False
    redirect_to: str | None = None
    calendar: bool = True
    smtp_config: Path | None = None
    #: Only these reps (``--rep``); the manager's message is then left out unless
    #: ``manager`` is set too.
    rep_ids: tuple[str, ...] = ()
    #: Only the manager's message (``--manager``), or with ``rep_ids`` besides them.
    manager: bool = False

    @property
    def everyone(self) -> bool:
        return not self.rep_ids and not self.manager

    @property
    def to_manager(self) -> bool:
        return self.everyone or self.manager


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
    #: Where the send record is (None: --redirect-to, which neither reads nor writes it).
    record: Path | None = None
    #: Things worth saying that are not about one message (the deals files used).
    notes: list[str] = field(default_factory=list)

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
        """(level, text) per message for the terminal or the batch log: failures,
        held-back reports and unknown outcomes are errors, reps without an address and
        outcomes still unconfirmed warnings."""
        out: list[tuple[Level, str]] = []
        for d in self.deliveries:
            to = f" <{d.recipient}>" if d.recipient else ""
            what = f": {d.file}" if d.file else ""
            why = f" ({d.why})" if d.why else ""
            out.append((_LEVELS.get(d.state, "info"), f"{d.state}: {d.who}{to}{what}{why}"))
        return out

    def why_failed(self) -> str:
        """Why this run counts as failed (exit status 1), in a few words; "" when it does
        not."""
        if self.error:
            return "sending stopped part way"
        failed = [(state, count) for state, count in self.counts().items()
                  if state in FAILED_STATES]
        return ", ".join(f"{count} {state}" for state, count in failed)

    def to_json(self) -> dict[str, Any]:
        return {"folder": str(self.folder), "dry_run": self.dry_run,
                "redirect_to": self.redirect_to, "ok": self.ok, "error": self.error,
                "record": str(self.record) if self.record else None, "notes": self.notes,
                "counts": self.counts(),
                "deliveries": [d.to_json() for d in self.deliveries]}
