"""The files side of a batch run: which files in an inbox are workbooks, whether each is
ready to be processed, the one-batch-at-a-time lock, and atomic JSON files.

Nothing here reads a workbook's contents beyond the last bytes of its zip container, so a
hostile file costs a ``stat`` and one small read until the bounded reader sees it.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from goalreport.errors import BatchLocked, WriteRefused

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
class Snapshot:
    """What ``stat`` said about a file; two snapshots differ when it was being written."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)

    @property
    def changed_at(self) -> float:
        """Seconds since the epoch of the last change, counting renames and ``cp -p``
        (which sets an old mtime once the copy is complete: ctime still moves)."""
        return max(self.mtime_ns, self.ctime_ns) / 1e9


@dataclass(frozen=True)
class Verdict:
    status: Readiness
    why: str = ""


def scan_inbox(inbox: Path) -> tuple[list[Candidate], list[Ignored]]:
    """The workbooks directly in ``inbox`` (not in sub-folders), sorted by name, and the
    files ignored with their reason. Hidden files, ``~$`` owner files, ``~`` and ``.tmp``
    temporary files and folders are skipped without a mention; other files are listed
    as ignored."""
    candidates: list[Candidate] = []
    ignored: list[Ignored] = []
    with os.scandir(inbox) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            name = entry.name
            lower = name.casefold()
            if name.startswith((".", "~")) or lower.endswith(".tmp"):
                continue
            if entry.is_dir(follow_symlinks=False):
                continue
            suffix = os.path.splitext(lower)[1]
            if suffix in WORKBOOK_SUFFIXES:
                candidates.append(Candidate(Path(entry.path), _not_regular(entry)))
            elif suffix in UNSUPPORTED_SUFFIXES:
                candidates.append(Candidate(Path(entry.path), (
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
                settle_seconds: float) -> Verdict:
    """Whether ``path`` can be processed now. "not ready" leaves it for the next run
    (open in Excel, changed in the last ``settle_seconds``, a zip still being copied);
    the same condition lasting over a day becomes "failed" so that someone looks."""
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
    if abs(age) < settle_seconds:
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
    with path.open("rb") as handle:
        if handle.read(4) != b"PK\x03\x04":
            return True
        handle.seek(max(0, size - _ZIP_TAIL))
        return _EOCD in handle.read(_ZIP_TAIL)


#: Lock files this process holds, by (device, inode): POSIX locks do not exclude the
#: process that holds them, so a second ``inbox_lock`` here is refused by this set.
_HELD: set[tuple[int, int]] = set()


@contextmanager
def inbox_lock(inbox: Path) -> Iterator[None]:
    """Hold the inbox's batch lock on ``INBOX/.goalreport.lock``; the kernel releases it
    when the process ends, even by SIGKILL. Raises ``BatchLocked`` at once when another
    batch holds it.

    A POSIX record lock (``lockf``) rather than ``flock``: an ``flock`` is shared with
    every forked child (the bounded reader, render workers), so after a SIGKILL of the
    batch a still-running child would keep the inbox locked; a ``lockf`` lock belongs to
    this process alone. The file is never closed elsewhere while held (closing any
    descriptor of it would drop the lock), and it is left in place after the run.
    """
    path = inbox / LOCK_NAME
    try:
        st = path.stat()
        if (st.st_dev, st.st_ino) in _HELD:  # checked before opening: see above
            raise _locked(inbox, str(os.getpid()))
    except FileNotFoundError:
        pass
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise WriteRefused(
            f"cannot create the batch lock {str(path)!r}: {error.strerror}. The inbox must "
            "be writable by the user running goalreport.") from None
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            raise _locked(inbox, holder) from None
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        _HELD.add(key)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)


def _locked(inbox: Path, holder: str) -> BatchLocked:
    return BatchLocked(f"another goalreport batch is already running on {inbox} "
                       f"(pid {holder}); this run did nothing")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to ``path`` so that readers see the old file or the new one,
    never a part: a temporary file in the same folder, fsync, ``os.replace``, fsync of the
    folder. Temporary files left by a killed run start with ``.`` and end in ``.tmp``."""
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as error:
        _remove_quietly(temp)
        raise WriteRefused(f"cannot write {str(path)!r}: {error.strerror}. The reports "
                           "folder must be writable by the user running goalreport.") from None
    except BaseException:
        _remove_quietly(temp)
        raise
    _fsync_dir(path.parent)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some filesystems cannot fsync a folder; the replace is still atomic
        pass
    finally:
        os.close(fd)


def remove_stale_temps(folder: Path, suffix: str = ".json") -> list[Path]:
    """Delete our own JSON temporary files (``.NAME.json.PID.tmp``) in ``folder`` left by
    a killed run. Only called while holding the inbox lock, so none is in use."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in folder.iterdir():
        name = entry.name
        if name.startswith(".") and name.endswith(".tmp") and f"{suffix}." in name \
                and stat.S_ISREG(entry.lstat().st_mode):
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed
