"""One workbook's work in a batch, as its job process does it: ``goalreport run`` on the
workbook and, with ``--send``, the mail of its reports.

Both happen in the workbook's own job process (``isolated.py``), so everything that can
crash natively stays inside the isolation that keeps one workbook from stopping the
batch: the render of a report the mail needs and that is missing (WeasyPrint's Pango),
the TLS session, the password command. The computation the mail is built from stays
there too; only the job's result and who was sent what come back to the batch.

A SIGTERM that reaches the job process while it is sending does not cut the mail short:
the mail of the workbook in hand is finished, as the batch itself finishes the workbook in hand
(``cli/commands._stop_on_sigterm``). systemd and timeout(1) signal the whole process
group, and a message cut off after its body may reach the rep and still be missing from
the send log, to go again on the next run.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from goalreport.delivery.outcome import DeliveryReport, SendOptions
from goalreport.errors import GoalreportError
from goalreport.guard.snapshot import Snapshot
from goalreport.jobs import JobOptions, JobResult, digest_job, run_job, send_job


@dataclass(frozen=True)
class WorkbookOutcome:
    """What a workbook's job process hands back: the job's result and, with --send, who
    was sent what (``mail``) or why nothing was (``unsent``, one line)."""

    result: JobResult
    mail: DeliveryReport | None = None
    unsent: str | None = None

    def mail_record(self) -> dict[str, Any]:
        """The manifest's ``delivery`` of the workbook."""
        if self.mail is None:
            return {"ok": False, "error": self.unsent, "counts": {}, "deliveries": []}
        return self.mail.to_json()


def run_workbook(path: Path, options: JobOptions, expect: Snapshot,
                 sending: SendOptions | None) -> WorkbookOutcome:
    """``run_job`` on ``path`` (as the batch's scan saw it: ``expect``), then with
    ``sending`` its mail (``jobs.send_job``, reusing the computation). A failure of the
    job is raised; a failure to send at all is the outcome's ``unsent``."""
    result = run_job(path, options, expect=expect)
    if sending is None:
        return WorkbookOutcome(result.handed_back())
    try:
        with _mail_before_sigterm():
            mail = send_job(path, options, sending, done=result)
    except GoalreportError as error:
        return WorkbookOutcome(result.handed_back(), unsent=str(error))
    return WorkbookOutcome(result.handed_back(), mail)


def digest_workbook(path: Path, options: JobOptions, sending: SendOptions) -> WorkbookOutcome:
    """``batch --digest``: this week's digests of ``path`` (``jobs.digest_job``), in the
    workbook's own job process like its run; a failure to send at all is ``unsent``."""
    try:
        with _mail_before_sigterm():
            mail = digest_job(path, options, sending)
    except GoalreportError as error:
        return WorkbookOutcome(JobResult(path, options.today, options.today, 0), unsent=str(error))
    return WorkbookOutcome(JobResult(path, options.today, options.today, 0), mail)


@contextmanager
def _mail_before_sigterm() -> Iterator[None]:
    """Let a SIGTERM pass unheeded in this process while the block runs (see the module's
    docstring): the job process ends right after anyway, once it has handed back who was
    sent what, and the batch, signalled too, stops before its next workbook. A process
    forked meanwhile (a render worker) keeps the default: it just ends."""
    sender = os.getpid()

    def later(number: int, frame: FrameType | None) -> None:
        if os.getpid() != sender:
            signal.signal(number, signal.SIG_DFL)
            os.kill(os.getpid(), number)

    previous = signal.signal(signal.SIGTERM, later)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
