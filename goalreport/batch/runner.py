"""``goalreport batch``: every workbook in an inbox folder, the unattended cron job.

Boring on purpose: one batch at a time per inbox (a ``lockf`` that dies with the
process), every workbook handled like ``goalreport run`` through ``jobs.run_job`` in a
child process of its own (``isolated.py``: one workbook's failure or crash never stops
the others), unchanged workbooks are skipped without being touched, and the state and run
manifests are written atomically so that a run killed at any point is simply completed by
the next one. Every file in the inbox and DIR is reached through folder descriptors and
never through a planted link (``guard/safefs``); names are logged escaped (``shown``).

Layout under the reports folder DIR (default ``INBOX/reports``)::

    DIR/<stem>-<identity>/<YYYY-MM>/... the PDFs of each workbook (``identities.py``)
    DIR/.goalreport-state.json          what was last done to each workbook, for skipping
    DIR/runs/<timestamp>.json           one manifest per run
    DIR/last-run.json                   a copy of the newest manifest
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from goalreport import __version__
from goalreport.batch.dealsdir import deal_files
from goalreport.batch.identities import Placed, place
from goalreport.batch.inbox import (
    Candidate,
    Snapshot,
    Verdict,
    check_ready,
    inbox_lock,
    remove_stale_temps,
    scan_inbox,
)
from goalreport.batch.isolated import run_isolated
from goalreport.batch.manifest import BatchItem, BatchManifest, Status, options_json
from goalreport.batch.state import BatchState, job_key, manifest_name, prune_manifests, same_run
from goalreport.batch.workbook_job import WorkbookOutcome, digest_workbook, run_workbook
from goalreport.delivery.outcome import SendOptions
from goalreport.errors import (
    DeliveryError,
    GoalreportError,
    InputProblems,
    WorkbookBusy,
    WriteRefused,
)
from goalreport.guard.safefs import Folder, open_workbook, shown
from goalreport.guard.statefile import write_json_atomic
from goalreport.jobs import JobOptions, JobResult
from goalreport.workbook.problemlist import warnings_line

Level = Literal["error", "warning", "info", "debug"]
#: ``log(level, message)``: the CLI decides what is shown and how.
BatchLog = Callable[[Level, str], None]

RUNS_FOLDER = "runs"
LAST_RUN_NAME = "last-run.json"
DEFAULT_SETTLE_SECONDS = 5.0


def default_out_dir(inbox: Path) -> Path:
    """``INBOX/reports``: "reports beside the workbook" as for ``goalreport run``; the
    batch never looks into sub-folders, so it is never mistaken for input."""
    return inbox / "reports"


def run_batch(
    inbox: Path,
    out_dir: Path | None,
    options: JobOptions,
    *,
    force: bool = False,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    log: BatchLog | None = None,
    clock: Callable[[], float] = time.time,
    stop: Callable[[], bool] = lambda: False,
    send: SendOptions | None = None,
    digest: SendOptions | None = None,
) -> BatchManifest:
    """Process every workbook directly in ``inbox`` like ``goalreport run``.

    ``options`` is shared by all workbooks (its ``out_dir`` is replaced per workbook).
    ``force`` redoes workbooks that did not change since their last successful run.
    ``stop()`` is asked before each workbook; when true the run ends there, interrupted.
    ``send`` (--send) mails each workbook's reports after its write-back succeeded; a
    workbook whose mail did not all go out is not skipped on the next run. ``digest``
    (--digest) mails each workbook done or skipped as unchanged this week's pace digest
    (``goalreport digest``), once a week.
    Raises ``BatchLocked`` when another batch works on this inbox, ``WriteRefused`` when
    the inbox or DIR cannot be written; every per-workbook failure ends up in the manifest.
    """
    say = _printable_log(log or (lambda level, message: None))
    if send is not None or digest is not None:
        mailing = send if send is not None else digest
        assert mailing is not None
        options = replace(options, allowed_domains=batch_mail_domains(mailing))
    inbox = Path(os.path.abspath(inbox))  # absolute in manifests and cron logs
    try:
        inbox_dir = Folder.open(inbox)
    except OSError:
        raise GoalreportError(f"inbox {str(inbox)!r} is not a folder. Give the folder that "
                              "holds the workbooks.") from None
    out = Path(os.path.abspath(out_dir)) if out_dir is not None else default_out_dir(inbox)
    root = out if out_dir is not None else inbox  # the part the operator named
    with inbox_dir, inbox_lock(inbox_dir):
        try:
            out_folder = Folder.open_below(root, out)
        except OSError as error:
            raise WriteRefused(f"cannot make the reports folder {str(out)!r}: "
                               f"{error.strerror}. It must be writable by the user running "
                               "goalreport.") from None
        with out_folder, out_folder.sub(RUNS_FOLDER) as runs:
            folders = _Folders(inbox_dir, root, out_folder, runs)
            batch = _Batch(folders, options, force, settle_seconds, say, clock, stop)
            batch.send, batch.digest = send, digest
            return batch.run()


def batch_mail_domains(send: SendOptions) -> tuple[str, ...]:
    """The mail settings checked before any work (a setting that cannot work would fail
    every workbook), and the operator's allowed recipient domains, which ``batch --send``
    needs: the workbooks, which the inbox's writers fill in, choose the addresses."""
    from goalreport.delivery.mailconfig import PREFIX, allowed_domains, load_settings

    if send.dry_run:  # mails nobody: only what the workbooks must be checked against
        return allowed_domains(os.environ, send.smtp_config)
    settings = load_settings(os.environ, send.smtp_config)
    assert settings is not None  # a server is needed: raised otherwise
    if not settings.allowed_domains:
        raise DeliveryError(
            f"batch --send needs {PREFIX}ALLOWED_DOMAINS, the domains the reports may be "
            "mailed to (such as example.com): whoever can write to the inbox chooses the "
            "addresses in its workbooks. Set it in the environment or in --smtp-config.")
    return settings.allowed_domains


@dataclass
class _Folders:
    """The open folders of one batch run."""

    inbox: Folder
    #: The part of DIR the operator named (INBOX for the default INBOX/reports).
    root: Path
    out: Folder
    runs: Folder


def _printable_log(log: BatchLog) -> BatchLog:
    """``log``, with every character that is not printable escaped (``\\n``,
    ``\\x1b``…), line by line: text from a file name or a cell can never start a log
    line of its own or drive the terminal."""

    def say(level: Level, message: str) -> None:
        for line in message.splitlines() or [""]:
            log(level, line if line.isprintable() else repr(line)[1:-1])

    return say


class _Batch:
    """One run while holding the lock; split out of ``run_batch`` to keep steps short."""

    def __init__(self, folders: _Folders, options: JobOptions, force: bool,
                 settle_seconds: float, log: BatchLog, clock: Callable[[], float],
                 stop: Callable[[], bool]):
        self.folders = folders
        self.inbox, self.out = folders.inbox.path, folders.out.path
        self.options, self.force = options, force
        self.settle_seconds, self.log, self.clock, self.stop = settle_seconds, log, clock, stop
        self.state = BatchState(folders.out, log)
        self.manifest = BatchManifest(
            inbox=self.inbox, out_dir=self.out, started=options.now,
            options=options_json(options, force))
        self.manifest_name = manifest_name(folders.runs, options.now)
        self.send: SendOptions | None = None
        self.digest: SendOptions | None = None
        #: The fingerprint of the deal exports of the workbook in hand (``dealsdir``).
        self.deals: list[list[object]] = []

    def run(self) -> BatchManifest:
        for folder in (self.folders.out, self.folders.runs):
            for stale in remove_stale_temps(folder):
                self.log("debug", f"removed {shown(stale)} in {folder.path}, left by an "
                                  "interrupted run")
        self._save_manifest()  # "running": and DIR is known writable before any work
        candidates, self.manifest.ignored = scan_inbox(self.folders.inbox)
        for ignored in self.manifest.ignored:
            self.log("debug", f"ignored {shown(ignored.name)}: {ignored.why}")
        placed = place(candidates, self.state.entries)
        total = len(candidates)
        self.log("info", f"{total} workbook{'s' if total != 1 else ''} in {self.inbox}")
        try:
            for number, candidate in enumerate(candidates, 1):
                if self.stop():
                    self.manifest.interrupted = True
                    self.log("error", f"stopped before {shown(candidate.name)} as asked (stop "
                                      "requested); the next run does the rest")
                    break
                started = time.monotonic()
                item = self._one(candidate, placed.get(candidate.name, Placed()))
                item.seconds = time.monotonic() - started
                self.manifest.items.append(item)
                self._report(item, f"[{number}/{total}] ")
                self._save_manifest()
        except BaseException:
            self.manifest.interrupted = True
            raise
        finally:
            self.manifest.finished = datetime.now().astimezone()
            self._save_manifest(final=True)
        counts = self.manifest.counts()
        outcome = "stopped" if self.manifest.interrupted else "finished"
        reasons = self.manifest.why_failed()
        self.log("error" if reasons else "info",
                 f"batch {outcome}: " + ", ".join(f"{n} {s}" for s, n in counts.items())
                 + (f"; exit status 1: {'; '.join(reasons)}" if reasons else ""))
        return self.manifest

    def _one(self, candidate: Candidate, where: Placed) -> BatchItem:
        """Check, maybe skip, then run one workbook; never raises an ``Exception``."""
        name = candidate.name
        if candidate.unsupported or where.refused:
            return BatchItem(name, "failed", candidate.unsupported or where.refused or "")
        report_dir = self.out / where.folder
        item = BatchItem(name, "failed", report_dir=str(report_dir))
        try:
            first = self._snapshot(name)
            names = {p.casefold() for p in self.folders.inbox.names()}
            entry = self.state.get(name) or {}
            verdict = check_ready(candidate.path, first, names, now=self.clock(),
                                  settle_seconds=self.settle_seconds,
                                  own_write=entry.get("written"))
            if verdict.status != "ready":
                item.status, item.why = verdict.status, verdict.why
                return item
            with deal_files(self.folders.inbox, name, now=self.clock(),
                            settle_seconds=self.settle_seconds) as deals:
                if isinstance(deals, Verdict):  # its deals folder: not ready, or unsafe
                    item.status = "failed" if deals.status == "failed" else "not ready"
                    item.why = deals.why
                    return item
                self.deals = deals.fingerprint if deals else []
                options = replace(self.options, out_dir=report_dir, out_root=self.folders.root,
                                  identity=where.identity,
                                  deals=deals.paths if deals else ())
                if not self.force and self._unchanged(candidate.path, first, item):
                    self._digest(item, candidate.path, options)
                    return item
                if self._snapshot(name) != first:
                    item.status = "not ready"
                    item.why = "changed while being checked; left for the next run."
                    return item
                self.state.drop(name)
                outcome = run_isolated(run_workbook, candidate.path, options, first, self.send)
                self._digest(item, candidate.path, options)  # with its deals, as it ran
            if self.send is not None:
                item.delivery = self._mailed(name, outcome)
            self._record(item, outcome.result)
        except InputProblems as error:
            count = error.count
            item.why = f"{count:,} input problem{'s' if count != 1 else ''}; nothing was written"
            item.problems = [str(p) for p in error.problems]
            item.warnings = [str(w) for w in error.warnings]
        except WorkbookBusy as error:
            item.status, item.why = "not ready", f"{error}; left for the next run."
        except GoalreportError as error:
            item.why = str(error)
        except Exception as error:  # noqa: BLE001 - one workbook must not stop the batch
            item.why = f"unexpected error {type(error).__name__}: {error} (a bug: please " \
                       "report it with the detail from the run manifest)"
            item.detail = traceback.format_exc()
        return item

    def _digest(self, item: BatchItem, path: Path, options: JobOptions) -> None:
        """With --digest, this week's digests of the workbook, in its own process."""
        if self.digest is not None:
            outcome = run_isolated(digest_workbook, path, options, self.digest)
            item.digest = self._mailed(item.name, outcome, "digest")

    def _mailed(self, name: str, outcome: WorkbookOutcome, kind: str = "mail"
                ) -> dict[str, Any]:
        """Log who was sent what (each message at debug level, failures as errors) and
        return the manifest's record of it."""
        mail, name = outcome.mail, shown(name)
        if mail is None:
            nothing = "nothing was sent" if kind == "mail" else "no digest was sent"
            self.log("error", f"{name}: {nothing}: {outcome.unsent}")
            return outcome.mail_record()
        for level, line in mail.lines():
            self.log("debug" if level == "info" else level, f"{name}: {line}")
        if mail.error:
            self.log("error", f"{name}: {mail.error}")
        self.log("info" if mail.ok else "error", f"{name}: {kind}: {mail.summary()}")
        return outcome.mail_record()

    def _snapshot(self, name: str) -> Snapshot:
        st = self.folders.inbox.lstat(name)
        if st is None:
            raise FileNotFoundError(f"{name} disappeared from the inbox")
        return Snapshot.from_stat(st)

    def _unchanged(self, path: Path, seen: Snapshot, item: BatchItem) -> bool:
        """True (and ``item`` filled in as skipped) when the workbook's input, the dates
        asked for and goalreport's version match its last successful run."""
        entry = self.state.get(path.name)
        if entry is not None and self.send is not None and not entry.get("delivered"):
            return False  # mail still to send: redo it (the send log skips what went)
        dates = same_run(entry, self.options) if entry else None
        if entry is None or dates is None or entry.get("deals", []) != self.deals:
            return False  # another run asked for, or its deal exports changed
        if not all(Path(f).is_file() for f in entry.get("files", [])):
            return False
        as_of, month = dates
        from goalreport.writeback import input_fingerprint

        try:  # reads only the zip directory and the small structure parts: fast and safe
            with open_workbook(path, seen) as opened:
                if input_fingerprint(opened.view) != entry.get("fingerprint"):
                    return False
        except (GoalreportError, OSError):
            return False  # let the run report it properly
        item.status, item.as_of, item.report_month = "skipped", as_of, month
        item.why = f"unchanged since its last run on {entry.get('finished', '?')}; " \
                   "--force redoes it"
        item.files = list(entry.get("files", []))
        item.reps = entry.get("reps")
        return True

    def _record(self, item: BatchItem, result: JobResult) -> None:
        item.as_of, item.report_month, item.reps = result.as_of, result.report_month, result.reps
        item.files = [str(f) for f in result.files]
        item.warnings = [str(w) for w in result.warnings]
        written = list(result.written_snapshot.written) if result.written_snapshot else None
        if result.failures:
            item.problems = list(result.failures)
            item.why = (f"{len(result.failures)} report{'s' if len(result.failures) != 1 else ''}"
                        " could not be rendered; the sheets were written")
            if written:  # known as our own write, but never skipped as done
                self.state.put(item.name, {"written": written, "identity": result.identity})
            return
        item.status = "done"
        item.why = f"{result.reps} reps as of {result.as_of.isoformat()}, " \
                   f"{len(result.files)} report files"
        self.state.put(item.name, {
            "fingerprint": result.input_hash, "version": __version__,
            "options": job_key(self.options),
            "settings_as_of": result.settings_as_of.isoformat()
            if result.settings_as_of else None,
            "as_of": result.as_of.isoformat(),
            "report_month": result.report_month.strftime("%Y-%m"),
            "reps": result.reps, "files": item.files, "written": written, "deals": self.deals,
            "identity": result.identity,
            "delivered": bool(item.delivery and item.delivery["ok"]),
            "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
        })

    def _report(self, item: BatchItem, prefix: str) -> None:
        levels: dict[Status, Level] = {"done": "info", "skipped": "info",
                                       "not ready": "warning", "failed": "error"}
        level = levels[item.status]
        why = f": {item.why}" if item.why else ""
        name = shown(item.name)
        self.log(level, f"{prefix}{name}: {item.status}{why} ({item.seconds:.1f} s)")
        for problem in item.problems:
            self.log("error", f"{name}: {problem}")
        if item.warnings:  # one line in every log, so cron shows them; each with --verbose
            self.log("warning", f"{name}: {warnings_line(item.warnings)}")
        for warning in item.warnings:
            self.log("debug", f"{name}: warning: {warning}")
        if item.detail:
            self.log("debug", item.detail.rstrip())

    def _save_manifest(self, final: bool = False) -> None:
        data = self.manifest.to_json()
        write_json_atomic(self.folders.runs, self.manifest_name, data)
        write_json_atomic(self.folders.out, LAST_RUN_NAME, data)
        if final:
            prune_manifests(self.folders.runs)
