"""The files side of a batch run: which files in an inbox are workbooks, whether each is
ready to be processed, and the one-batch-at-a-time lock.

Nothing here reads a workbook's contents beyond the last bytes of its zip container, so a
hostile file costs a ``stat`` and one small read until the bounded reader sees it. Every
name in the inbox is reached through the inbox's descriptor and never followed as a link
(``guard/safefs``).
"""

from __future__ import annotations

import os
import stat
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from goalreport.errors import BatchLocked, WriteRefused
from goalreport.guard.locks import hold_lock
from goalreport.guard.safefs import Folder
from goalreport.guard.snapshot import Snapshot

#: The lock file in the inbox; it stays there between runs (removing it would race).
LOCK_NAME = ".goalreport.lock"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
#: Spreadsheets goalreport cannot read: reported as failed with how to fix it.
UNSUPPORTED_SUFFIXES = {
    ".xls": "an Excel 97-2003 workbook",
    ".xlsb": "an Excel binary workbook",
    ".ods": "an OpenDocument spreadsheet",
    ".numbers": "a Numbers spreadsheet",
    ".xltx": "an Excel template",
    ".xltm": "an Excel template",
}
#: A not-ready condition older than this is reported as failed: Excel left open for a day
#: or a stale owner file after a crash, a copy that never finished.
STALE_AFTER_SECONDS = 24 * 3600
#: The end-of-central-directory record closes every complete zip file.
_EOCD = b"PK\x05\x06"
_ZIP_TAIL = 22 + 65535

Readiness = Literal["ready", "not ready", "failed"]


@dataclass(frozen=True)
class Candidate:
    """A file in the inbox that goalreport will look at."""

    path: Path
    #: Set when the file is a spreadsheet goalreport cannot read, or not a regular file.
    unsupported: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class Ignored:
    """A file in the inbox that is not a workbook, listed in the manifest with why."""

    name: str
    why: str


@dataclass(frozen=True)
class Verdict:
    status: Readiness
    why: str = ""


def scan_inbox(inbox: Folder) -> tuple[list[Candidate], list[Ignored]]:
    """The workbooks directly in ``inbox`` (not in sub-folders), sorted by name, and the
    files ignored with their reason. Hidden files, ``~$`` owner files, ``~`` and ``.tmp``
    temporary files and folders are skipped without a mention; other files are listed
    as ignored."""
    candidates: list[Candidate] = []
    ignored: list[Ignored] = []
    with os.scandir(inbox.fd) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            lower = name.casefold()
            if name.startswith((".", "~")) or lower.endswith(".tmp"):
                continue
            if entry.is_dir(follow_symlinks=False):
                continue
            suffix = os.path.splitext(lower)[1]
            if suffix in WORKBOOK_SUFFIXES:
                candidates.append(Candidate(inbox.path / name, _not_regular(entry)))
            elif suffix in UNSUPPORTED_SUFFIXES:
                candidates.append(Candidate(inbox.path / name, (
                    f"not supported: {UNSUPPORTED_SUFFIXES[suffix]}. Open it in Excel and "
                    "save it as .xlsx (Excel Workbook) in the inbox.")))
            else:
                ignored.append(Ignored(name, "not a workbook (.xlsx or .xlsm)"))
    return candidates, ignored


def _not_regular(entry: os.DirEntry[str]) -> str | None:
    if entry.is_symlink():
        return ("a symbolic link: goalreport writes into the workbook and does not follow "
                "links out of the inbox. Copy the workbook itself into the inbox.")
    if not entry.is_file(follow_symlinks=False):
        return "not a regular file."
    return None


def owner_files(workbook: Path, names: set[str]) -> list[str]:
    """The lock files of a spreadsheet program holding ``workbook`` open, among ``names``
    (casefolded file names in its folder): Excel's ``~$`` owner file (Office shortens it
    for long names) and LibreOffice's ``.~lock.NAME#``."""
    name = workbook.name
    wanted = [f"~${name}", f"~${name[1:]}", f"~${name[2:]}", f".~lock.{name}#"]
    return [w for w in dict.fromkeys(wanted) if w.casefold() in names]


def check_ready(path: Path, snapshot: Snapshot, names: set[str], *, now: float,
                settle_seconds: float, own_write: Any = None) -> Verdict:
    """Whether ``path`` can be processed now. "not ready" leaves it for the next run
    (open in Excel, changed in the last ``settle_seconds``, a zip still being copied);
    the same condition lasting over a day becomes "failed" so that someone looks.
    ``own_write`` is what the state file recorded of the batch's own last write of this
    workbook (``Snapshot.written``): a change that is exactly that one needs no settling."""
    for owner in owner_files(path, names):
        owner_path = path.parent / owner
        try:
            age = now - Snapshot.of(owner_path).changed_at
        except FileNotFoundError:
            continue
        if age > STALE_AFTER_SECONDS:
            return Verdict("failed", (
                f"open in a spreadsheet program for {age / 3600:.0f} hours (owner file "
                f"{owner!r}). Close it there, or delete {owner!r} if nobody has it open."))
        return Verdict("not ready", f"open in a spreadsheet program (owner file {owner!r}); "
                                    "left for the next run.")
    age = now - snapshot.changed_at
    ours = isinstance(own_write, list) and tuple(own_write) == snapshot.written
    if abs(age) < settle_seconds and not ours:
        return Verdict("not ready", (
            f"changed {max(age, 0):.1f} s ago (settle time {settle_seconds:g} s): it may "
            "still be being copied; left for the next run."))
    if not _zip_complete(path, snapshot.size):
        if age > STALE_AFTER_SECONDS:
            return Verdict("failed", "truncated: the zip has no end record, so the copy never "
                                     "finished. Copy the workbook into the inbox again.")
        return Verdict("not ready", "incomplete: the zip has no end record yet (still being "
                                    "copied?); left for the next run.")
    return Verdict("ready")


def _zip_complete(path: Path, size: int) -> bool:
    """False only for a file that starts like a zip but has no end-of-central-directory
    record: a copy in progress. Anything else is left for the reader to judge."""
    try:  # never through a link, never blocking on a FIFO swapped in since the scan
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return True
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode) or handle.read(4) != b"PK\x03\x04":
            return True
        handle.seek(max(0, size - _ZIP_TAIL))
        return _EOCD in handle.read(_ZIP_TAIL)


def inbox_lock(inbox: Folder) -> AbstractContextManager[None]:
    """Hold the inbox's batch lock on ``INBOX/.goalreport.lock`` (``guard/locks.hold_lock``:
    released when the process ends, even by SIGKILL, and never by its forked children).
    Raises ``BatchLocked`` at once when another batch holds it, ``UnsafePath`` when the
    lock's name is a link, not a regular file, or a second name of another file (a hard
    link), and ``WriteRefused`` when it cannot be created."""
    def cannot_create(error: OSError) -> WriteRefused:
        return WriteRefused(
            f"cannot create the batch lock {str(inbox.path / LOCK_NAME)!r}: {error.strerror}. "
            "The inbox must be writable by the user running goalreport.")

    return hold_lock(inbox, LOCK_NAME, mode=0o644, cannot_create=cannot_create,
                     busy=lambda holder: BatchLocked(
                         f"another goalreport batch is already running on {inbox.path} "
                         f"(pid {holder}); this run did nothing"))


def remove_stale_temps(folder: Folder) -> list[str]:
    """Delete goalreport's temporary files in ``folder`` left by a killed run (links
    included). Only called while holding the inbox lock."""
    return folder.sweep_temps()
