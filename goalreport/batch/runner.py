"""``goalreport batch``: every workbook in an inbox folder, the unattended cron job.

Boring on purpose: one batch at a time per inbox (a ``flock`` that dies with the
process), every workbook handled like ``goalreport run`` through ``pipeline.run_job``,
one workbook's failure never stops the others, unchanged workbooks are skipped without
being touched, and the state and run manifests are written atomically so that a run
killed at any point is simply completed by the next one.

Layout under the reports folder DIR (default ``INBOX/reports``)::

    DIR/<workbook stem>/<YYYY-MM>/...   the PDFs of each workbook
    DIR/.goalreport-state.json          what was last done to each workbook, for skipping
    DIR/runs/<timestamp>.json           one manifest per run
    DIR/last-run.json                   a copy of the newest manifest
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from goalreport import __version__
from goalreport.errors import GoalreportError, InputProblems, WorkbookBusy
from goalreport.batch.inbox import (
    Candidate,
    Ignored,
    Snapshot,
    check_ready,
    inbox_lock,
    remove_stale_temps,
    scan_inbox,
    write_json_atomic,
)
from goalreport.jobs import JobOptions, JobResult, resolve_dates, run_job

Status = Literal["done", "skipped", "not ready", "failed"]
Level = Literal["error", "warning", "info", "debug"]
#: ``log(level, message)``: the CLI decides what is shown and how.
BatchLog = Callable[[Level, str], None]

STATE_NAME = ".goalreport-state.json"
STATE_FORMAT = 1
RUNS_FOLDER = "runs"
LAST_RUN_NAME = "last-run.json"
#: Manifests kept in DIR/runs; older ones are deleted (about a year of nightly runs).
KEEP_MANIFESTS = 400
DEFAULT_SETTLE_SECONDS = 5.0
#: Folder names under DIR that a workbook's reports may not take.
_RESERVED = {RUNS_FOLDER}


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

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name, "status": self.status, "why": self.why,
            "report_dir": self.report_dir,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "report_month": self.report_month.strftime("%Y-%m") if self.report_month else None,
            "reps": self.reps, "files": self.files, "problems": self.problems,
            "warnings": self.warnings, "seconds": round(self.seconds, 3),
            "detail": self.detail,
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
        (input problems included) or the run was interrupted."""
        failed = any(item.status == "failed" for item in self.items)
        return 1 if failed or self.interrupted else 0

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
            "counts": self.counts(),
            "workbooks": [item.to_json() for item in self.items],
            "ignored": [{"name": i.name, "why": i.why} for i in self.ignored],
        }


def default_out_dir(inbox: Path) -> Path:
    """``INBOX/reports``: "reports beside the workbook" as for ``goalreport run``; the
    batch never looks into sub-folders, so it is never mistaken for input."""
    return inbox / "reports"


def report_folders(candidates: list[Candidate]) -> dict[str, str]:
    """Each workbook's folder under DIR: its stem, or ``stem-xlsm`` style when two
    workbooks share a stem or the stem is a folder the batch uses itself."""
    stems = Counter(c.path.stem.casefold() for c in candidates)
    folders = {}
    for candidate in candidates:
        stem = candidate.path.stem
        clash = stems[stem.casefold()] > 1 or stem.casefold() in _RESERVED
        folders[candidate.name] = (
            f"{stem}-{candidate.path.suffix.lstrip('.').lower()}" if clash else stem)
    return folders


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
) -> BatchManifest:
    """Process every workbook directly in ``inbox`` like ``goalreport run``.

    ``options`` is shared by all workbooks (its ``out_dir`` is replaced per workbook).
    ``force`` redoes workbooks that did not change since their last successful run.
    ``stop()`` is asked before each workbook; when true the run ends there, interrupted.
    Raises ``BatchLocked`` when another batch works on this inbox, ``WriteRefused`` when
    the inbox or DIR cannot be written; every per-workbook failure ends up in the manifest.
    """
    say: BatchLog = log or (lambda level, message: None)
    inbox = Path(os.path.abspath(inbox))  # absolute in manifests and cron logs
    if not inbox.is_dir():
        raise GoalreportError(f"inbox {str(inbox)!r} is not a folder. Give the folder that "
                              "holds the workbooks.")
    out = Path(os.path.abspath(out_dir)) if out_dir is not None else default_out_dir(inbox)
    with inbox_lock(inbox):
        return _Batch(inbox, out, options, force, settle_seconds, say, clock, stop).run()


class _Batch:
    """One run while holding the lock; split out of ``run_batch`` to keep steps short."""

    def __init__(self, inbox: Path, out: Path, options: JobOptions, force: bool,
                 settle_seconds: float, log: BatchLog, clock: Callable[[], float],
                 stop: Callable[[], bool]):
        self.inbox, self.out, self.options, self.force = inbox, out, options, force
        self.settle_seconds, self.log, self.clock, self.stop = settle_seconds, log, clock, stop
        self.state = _State(out / STATE_NAME, log)
        self.manifest = BatchManifest(
            inbox=inbox, out_dir=out, started=options.now, options=_options_json(options, force))
        self.manifest_path = _manifest_path(out / RUNS_FOLDER, options.now)

    def run(self) -> BatchManifest:
        for folder in (self.out, self.out / RUNS_FOLDER):
            for stale in remove_stale_temps(folder):
                self.log("debug", f"removed {stale}, left by an interrupted run")
        self._save_manifest()  # "running": and DIR is known writable before any work
        candidates, self.manifest.ignored = scan_inbox(self.inbox)
        for ignored in self.manifest.ignored:
            self.log("debug", f"ignored {ignored.name}: {ignored.why}")
        folders = report_folders(candidates)
        total = len(candidates)
        self.log("info", f"{total} workbook{'s' if total != 1 else ''} in {self.inbox}")
        try:
            for number, candidate in enumerate(candidates, 1):
                if self.stop():
                    self.manifest.interrupted = True
                    self.log("error", f"stopped before {candidate.name} as asked (stop requested); "
                                      "the next run does the rest")
                    break
                started = time.monotonic()
                item = self._one(candidate, folders[candidate.name])
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
        self.log("info", f"batch {outcome}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
        return self.manifest

    def _one(self, candidate: Candidate, folder: str) -> BatchItem:
        """Check, maybe skip, then run one workbook; never raises an ``Exception``."""
        name = candidate.name
        if candidate.unsupported:
            return BatchItem(name, "failed", candidate.unsupported)
        report_dir = self.out / folder
        item = BatchItem(name, "failed", report_dir=str(report_dir))
        try:
            first = Snapshot.of(candidate.path)
            names = {p.casefold() for p in _listdir(self.inbox)}
            verdict = check_ready(candidate.path, first, names, now=self.clock(),
                                  settle_seconds=self.settle_seconds)
            if verdict.status != "ready":
                item.status, item.why = verdict.status, verdict.why
                return item
            if not self.force and self._unchanged(candidate.path, item):
                return item
            if Snapshot.of(candidate.path) != first:
                item.status = "not ready"
                item.why = "changed while being checked; left for the next run."
                return item
            self.state.forget(name)
            result = run_job(candidate.path, replace(self.options, out_dir=report_dir))
            self._record(item, result)
        except InputProblems as error:
            count = len(error.problems)
            item.why = f"{count} input problem{'s' if count != 1 else ''}; nothing was written"
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

    def _unchanged(self, path: Path, item: BatchItem) -> bool:
        """True (and ``item`` filled in as skipped) when the workbook's input, the dates
        asked for and goalreport's version match its last successful run."""
        entry = self.state.get(path.name)
        dates = same_run(entry, self.options) if entry else None
        if entry is None or dates is None:
            return False
        if not all(Path(f).is_file() for f in entry.get("files", [])):
            return False
        as_of, month = dates
        from goalreport.writeback import input_fingerprint

        try:  # reads only the zip directory and the small structure parts: fast and safe
            if input_fingerprint(path) != entry.get("fingerprint"):
                return False
        except GoalreportError:
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
        if result.failures:
            item.problems = list(result.failures)
            item.why = (f"{len(result.failures)} report{'s' if len(result.failures) != 1 else ''}"
                        " could not be rendered; the sheets were written")
            return
        item.status = "done"
        item.why = f"{result.reps} reps as of {result.as_of.isoformat()}, " \
                   f"{len(result.files)} report files"
        self.state.remember(item.name, {
            "fingerprint": result.input_hash, "version": __version__,
            "options": job_key(self.options),
            "settings_as_of": result.settings_as_of.isoformat()
            if result.settings_as_of else None,
            "as_of": result.as_of.isoformat(),
            "report_month": result.report_month.strftime("%Y-%m"),
            "reps": result.reps, "files": item.files,
            "finished": datetime.now().astimezone().isoformat(timespec="seconds"),
        })

    def _report(self, item: BatchItem, prefix: str) -> None:
        levels: dict[Status, Level] = {"done": "info", "skipped": "info",
                                       "not ready": "warning", "failed": "error"}
        level = levels[item.status]
        why = f": {item.why}" if item.why else ""
        self.log(level, f"{prefix}{item.name}: {item.status}{why} ({item.seconds:.1f} s)")
        for problem in item.problems:
            self.log("error", f"{item.name}: {problem}")
        for warning in item.warnings:
            self.log("debug", f"{item.name}: warning: {warning}")
        if item.detail:
            self.log("debug", item.detail.rstrip())

    def _save_manifest(self, final: bool = False) -> None:
        data = self.manifest.to_json()
        write_json_atomic(self.manifest_path, data)
        write_json_atomic(self.out / LAST_RUN_NAME, data)
        if final:
            _prune(self.out / RUNS_FOLDER)


def job_key(options: JobOptions) -> dict[str, Any]:
    """The options besides the dates that change what a run writes."""
    return {"html": options.html,
            "templates": str(options.templates_dir) if options.templates_dir else None,
            "charts": options.charts}


def same_run(entry: Mapping[str, Any], options: JobOptions) -> tuple[date, date] | None:
    """(As Of, report month) when a run with ``options`` today would redo exactly the
    workbook's last successful run ``entry`` (same goalreport version, same options, same
    dates), else None. The input fingerprint is compared by the caller. The Settings As Of
    recorded in ``entry`` stands for the workbook's, since an unchanged input has the same."""
    if entry.get("version") != __version__ or entry.get("options") != job_key(options):
        return None
    try:
        settings_as_of = _date(entry.get("settings_as_of"))
        as_of, month = resolve_dates(settings_as_of, as_of=options.as_of,
                                     month=options.month, today=options.today)
    except (InputProblems, ValueError, TypeError):
        return None
    if (as_of.isoformat(), month.strftime("%Y-%m")) != \
            (entry.get("as_of"), entry.get("report_month")):
        return None
    return as_of, month


class _State:
    """``DIR/.goalreport-state.json``: per workbook name, its last successful run."""

    def __init__(self, path: Path, log: BatchLog):
        self.path, self.log = path, log
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") == STATE_FORMAT and isinstance(data.get("workbooks"), dict):
                self.entries = data["workbooks"]
            else:
                log("warning", f"{path}: unknown state format; every workbook is redone")
        except FileNotFoundError:
            pass
        except (OSError, ValueError, AttributeError) as error:
            log("warning", f"{path} is unreadable ({error}); every workbook is redone")

    def get(self, name: str) -> dict[str, Any] | None:
        entry = self.entries.get(name)
        return entry if isinstance(entry, dict) else None

    def remember(self, name: str, entry: dict[str, Any]) -> None:
        self.entries[name] = entry
        self._save()

    def forget(self, name: str) -> None:
        """Drop the entry before a run, so a run that fails or is killed is redone."""
        if self.entries.pop(name, None) is not None:
            self._save()

    def _save(self) -> None:
        write_json_atomic(self.path, {"format": STATE_FORMAT, "workbooks": self.entries})


def _options_json(options: JobOptions, force: bool) -> dict[str, Any]:
    return {
        "as_of": options.as_of.isoformat() if options.as_of else None,
        "month": options.month.strftime("%Y-%m") if options.month else None,
        "today": options.today.isoformat(), "force": force, "html": options.html,
        "templates": str(options.templates_dir) if options.templates_dir else None,
        "jobs": options.jobs, "charts": options.charts,
    }


def _manifest_path(runs: Path, now: datetime) -> Path:
    """``runs/2026-10-31T010000.json``, with ``-2``, ``-3``… for runs in the same second
    (safe: only the lock holder writes here)."""
    stem = now.strftime("%Y-%m-%dT%H%M%S")
    path, number = runs / f"{stem}.json", 1
    while path.exists():
        number += 1
        path = runs / f"{stem}-{number}.json"
    return path


def _prune(runs: Path) -> None:
    manifests = sorted((p.stat().st_mtime_ns, p.name, p) for p in runs.glob("*.json")
                       if not p.name.startswith("."))
    for _, _, old in manifests[:-KEEP_MANIFESTS]:
        old.unlink(missing_ok=True)


def _listdir(folder: Path) -> list[str]:
    return os.listdir(folder)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None
