"""Writing a workbook safely: Excel's owner file, temp file + fsync + atomic replace,
backups of the previous version, no temp litter.

Backups live beside the workbook in ``.goalreport-backups/`` as
``<stem>.<YYYYmmdd-HHMMSS><suffix>``; the newest ``keep`` of each workbook are kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from goalreport.errors import WorkbookBusy, WriteRefused

BACKUP_FOLDER = ".goalreport-backups"
_TEMP_PREFIX = ".goalreport-"
_TEMP_SUFFIX = ".tmp"


def owner_files(path: Path) -> list[Path]:
    """Excel's lock files for ``path`` that exist: ``~$name``, and for long names
    ``~$`` + the name without its first one or two characters."""
    name = path.name
    candidates = [f"~${name}", f"~${name[1:]}", f"~${name[2:]}"]
    found = []
    for candidate in dict.fromkeys(candidates):
        owner = path.with_name(candidate)
        if len(candidate) > 2 and owner.exists():
            found.append(owner)
    return found


def ensure_not_busy(path: Path) -> None:
    """Raise ``WorkbookBusy`` while Excel has ``path`` open."""
    owners = owner_files(path)
    if owners:
        raise WorkbookBusy(
            f"{path.name} is open in Excel (lock file {owners[0].name} exists). Close it in "
            "Excel and run again. If Excel is not running, delete that lock file.")


def _temp_pattern(target: Path) -> re.Pattern[str]:
    return re.compile(re.escape(_TEMP_PREFIX + target.name) + r"\.(\d+)\.[\w-]+"
                      + re.escape(_TEMP_SUFFIX))


def sweep_stale_temps(target: Path) -> None:
    """Remove temp files a killed run left beside ``target`` (their process is gone)."""
    pattern = _temp_pattern(target)
    try:
        listing = list(target.parent.iterdir())
    except OSError:
        return
    for candidate in listing:
        match = pattern.fullmatch(candidate.name)
        if match and not _process_alive(int(match.group(1))):
            with contextlib.suppress(OSError):
                candidate.unlink()


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def atomic_target(target: Path,
                  before_replace: Callable[[], object] | None = None) -> Iterator[BinaryIO]:
    """A temp file in ``target``'s folder; on a clean exit it is flushed, fsynced and
    renamed over ``target`` (keeping the original's permissions) after ``before_replace``
    ran (the backup); on an exception it is removed and ``target`` is untouched."""
    folder = target.parent
    sweep_stale_temps(target)
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, kept on success
            "w+b", dir=folder, prefix=f"{_TEMP_PREFIX}{target.name}.{os.getpid()}.",
            suffix=_TEMP_SUFFIX, delete=False)
    except OSError as error:
        raise WriteRefused(f"cannot write in {folder} ({error.strerror}). Check that the "
                           "folder exists and is writable, or use --output-workbook.") from None
    temp = Path(handle.name)
    try:
        with handle:
            yield handle  # type: ignore[misc]
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _mode_of(target))
        if before_replace is not None:
            before_replace()
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def _mode_of(target: Path) -> int:
    """The original's permission bits, or what a new file gets under the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def backup(target: Path, when: datetime, backup_dir: Path | None = None,
           keep: int = 5) -> Path | None:
    """Save the current ``target`` as a backup (a hard link when possible: instant, and
    the replace that follows leaves it holding the old bytes), then keep only the newest
    ``keep`` backups of this workbook. Returns the backup, or None when there was nothing
    to back up."""
    if not target.exists() or keep <= 0:
        return None
    folder = backup_dir or target.parent / BACKUP_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        stamp = when.strftime("%Y%m%d-%H%M%S")
        saved = folder / f"{target.stem}.{stamp}{target.suffix}"
        counter = 2
        while saved.exists():
            saved = folder / f"{target.stem}.{stamp}-{counter}{target.suffix}"
            counter += 1
        try:
            os.link(target, saved)
        except OSError:
            shutil.copy2(target, saved)
    except OSError as error:
        raise WriteRefused(f"cannot save a backup of {target.name} in {folder} "
                           f"({error.strerror}); nothing was written.") from None
    rotate_backups(folder, target, keep)
    return saved


def rotate_backups(folder: Path, target: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``target``; returns those left."""
    pattern = re.compile(re.escape(target.stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?"
                         + re.escape(target.suffix))
    found = []
    for candidate in folder.iterdir():
        match = pattern.fullmatch(candidate.name)
        if match:
            found.append(((match.group(1), int(match.group(2) or 1)), candidate))
    found.sort()
    for _, old in found[:-keep] if keep else found:
        with contextlib.suppress(OSError):
            old.unlink()
    return [path for _, path in found[-keep:]]
