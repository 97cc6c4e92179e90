"""What a batch run did, as its manifest (``DIR/runs/*.json``, ``DIR/last-run.json``,
``--json``) records it: each workbook's outcome (``BatchItem``) and the run's
(``BatchManifest``), with why it exits 1."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from goalreport import __version__
from goalreport.batch.inbox import Ignored
from goalreport.guard.safefs import shown
from goalreport.jobs import JobOptions

Status = Literal["done", "skipped", "not ready", "failed"]


@dataclass
class BatchItem:
    """What the batch did with one file of the inbox."""

    name: str
    status: Status
    why: str = ""
    report_dir: str | None = None
    as_of: date | None = None
    report_month: date | None = None
    reps: int | None = None
    files: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: The traceback of an unexpected error, for whoever reports the bug.
    detail: str | None = None
    #: With --send: who was sent what (``DeliveryReport.to_json``), or the error.
    delivery: dict[str, Any] | None = None
    #: With --digest: who was sent this week's digest, or the error.
    digest: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "why": self.why,
            "report_dir": self.report_dir,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "report_month": self.report_month.strftime("%Y-%m") if self.report_month else None,
            "reps": self.reps, "files": self.files, "problems": self.problems,
            "warnings": self.warnings, "seconds": round(self.seconds, 3),
            "detail": self.detail, "delivery": self.delivery, "digest": self.digest,
        }


@dataclass
class BatchManifest:
    """One batch run: every workbook with its outcome, and the files ignored."""

    inbox: Path
    out_dir: Path
    started: datetime
    options: dict[str, Any]
    finished: datetime | None = None
    interrupted: bool = False
    items: list[BatchItem] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every workbook was done, skipped or is not ready yet; 1 when any failed
        (input problems included), did not get all its mail out, or the run was
        interrupted (``why_failed`` says which)."""
        return 1 if self.why_failed() else 0

    def why_failed(self) -> list[str]:
        """Why the run exits 1, one reason each (empty: it exits 0)."""
        reasons = []
        failed = sum(item.status == "failed" for item in self.items)
        if failed:
            reasons.append(f"{failed} workbook{'s' if failed != 1 else ''} failed")
        for item in self.items:
            for mail, kind in ((item.delivery, "mail"), (item.digest, "digest")):
                if mail and not mail["ok"]:
                    counts = {k: v for k, v in mail.get("counts", {}).items()
                              if k in ("failed", "held back", "unknown")}
                    what = ", ".join(f"{n} {state}" for state, n in counts.items()) or \
                        "nothing was sent"
                    reasons.append(f"the {kind} of {shown(item.name)} did not all go out "
                                   f"({what})")
        if self.interrupted:
            reasons.append("the run was stopped before the end")
        return reasons

    def counts(self) -> dict[str, int]:
        counter = Counter(item.status for item in self.items)
        return {status: counter[status] for status in ("done", "skipped", "not ready", "failed")}

    def to_json(self) -> dict[str, Any]:
        return {
            "goalreport": __version__,
            "inbox": str(self.inbox), "out_dir": str(self.out_dir),
            "started": self.started.isoformat(timespec="seconds"),
            "finished": self.finished.isoformat(timespec="seconds") if self.finished else None,
            "interrupted": self.interrupted,
            "options": self.options,
            "exit_code": self.exit_code,
            "why_exit_1": self.why_failed(),
            "counts": self.counts(),
            "workbooks": [item.to_json() for item in self.items],
            "ignored": [{"name": i.name, "why": i.why} for i in self.ignored],
        }


def options_json(options: JobOptions, force: bool) -> dict[str, Any]:
    return {
        "as_of": options.as_of.isoformat() if options.as_of else None,
        "month": options.month.strftime("%Y-%m") if options.month else None,
        "today": options.today.isoformat(), "force": force, "html": options.html,
        "templates": str(options.templates_dir) if options.templates_dir else None,
        "jobs": options.jobs, "charts": options.charts,
    }
