"""Writing a workbook safely: Excel's owner file, and backups of the previous version.

The temp file + fsync + atomic replace itself is ``guard/safefs.Folder.atomic_file``.
Backups live beside the workbook in ``.goalreport-backups/`` as
``<stem>.<YYYYmmdd-HHMMSS><suffix>``; the newest ``keep`` of each workbook are kept. The
folder is reached through the workbook folder's descriptor and never followed as a link;
a backup is a hard link to (or a copy of) the very file that was read, made under a name
that must not exist yet (a planted link with the next name is skipped, never written
through).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from goalreport.errors import WorkbookBusy, WriteRefused
from goalreport.guard.safefs import Folder, temp_name

BACKUP_FOLDER = ".goalreport-backups"


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


def backup(folder: Folder, name: str, source_fd: int, when: datetime,
           backup_dir: Path | None = None, keep: int = 5) -> Path | None:
    """Save the file open as ``source_fd`` (the workbook ``name`` in ``folder``, as it
    was read) in ``.goalreport-backups`` (or ``backup_dir``), then keep only the newest
    ``keep`` backups of this workbook. A hard link when possible: instant, and the
    replace that follows leaves it holding the old bytes. Returns the backup, or None
    when ``keep`` is 0. Raises ``WriteRefused`` and ``UnsafePath``."""
    if keep <= 0:
        return None
    stem, suffix = os.path.splitext(name)
    try:
        backups = Folder.open(backup_dir, create=True) if backup_dir is not None \
            else folder.sub(BACKUP_FOLDER)
    except OSError as error:
        raise WriteRefused(f"cannot make the backup folder for {name} in {folder.path} "
                           f"({error.strerror}); nothing was written.") from None
    with backups:
        try:
            saved = _save(backups, f"{stem}.{when:%Y%m%d-%H%M%S}", suffix, source_fd)
        except OSError as error:
            raise WriteRefused(f"cannot save a backup of {name} in {backups.path} "
                               f"({error.strerror}); nothing was written.") from None
        rotate_backups(backups, stem, suffix, keep)
        return backups.path / saved


def _save(backups: Folder, base: str, suffix: str, source_fd: int) -> str:
    """Link (else copy) ``source_fd`` to the first free name ``base[-N]suffix``."""
    try:
        return _first_free(base, suffix, lambda name: os.link(
            f"/proc/self/fd/{source_fd}", name, dst_dir_fd=backups.fd, follow_symlinks=True))
    except OSError:
        pass  # not our file (protected hard links), another file system, no /proc
    temp = temp_name(base + suffix)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC,
                 0o600, dir_fd=backups.fd)
    try:
        offset = 0
        while block := os.pread(source_fd, 1 << 20, offset):
            view = memoryview(block)
            while view:
                view = view[os.write(fd, view):]
            offset += len(block)
        os.fchmod(fd, stat.S_IMODE(os.fstat(source_fd).st_mode))
        os.fsync(fd)
        return _first_free(base, suffix, lambda name: os.link(
            temp, name, src_dir_fd=backups.fd, dst_dir_fd=backups.fd, follow_symlinks=False))
    finally:
        os.close(fd)
        backups.unlink(temp)


def _first_free(base: str, suffix: str, make: Callable[[str], None]) -> str:
    """``make(name)`` for ``base + suffix``, then ``base-2 + suffix``…: the first name
    that does not exist (links included: ``link`` never writes through one)."""
    counter = 1
    while True:
        name = f"{base}{f'-{counter}' if counter > 1 else ''}{suffix}"
        try:
            make(name)
            return name
        except FileExistsError:
            counter += 1
        except OSError as error:
            if error.errno != errno.EEXIST:
                raise
            counter += 1


def rotate_backups(backups: Folder, stem: str, suffix: str, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` backups of the workbook ``stem + suffix`` in
    ``backups`` (entries themselves: a link is removed, never followed); returns those
    left."""
    pattern = re.compile(re.escape(stem) + r"\.(\d{8}-\d{6})(?:-(\d+))?" + re.escape(suffix))
    found = []
    for candidate in backups.names():
        match = pattern.fullmatch(candidate)
        if match:
            found.append(((match.group(1), int(match.group(2) or 1)), candidate))
    found.sort()
    for _, old in found[:-keep] if keep else found:
        with contextlib.suppress(OSError):
            backups.unlink(old)
    return [name for _, name in found[-keep:]]
