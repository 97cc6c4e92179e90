"""CRM deal exports beside a workbook in the inbox: ``INBOX/<workbook stem>.deals/``.

A CRM's scheduled export (or a manager) drops CSV or .xlsx deal exports into the folder
named after the workbook (``east.deals/`` for ``east.xlsx``); the batch reads them with
the workbook as ``--deals`` files. Under the inbox's rules (docs/safety.md): the folder
and every file in it are reached through descriptors and never through a link (a link
or anything but a regular file fails the workbook with one line), a file changed in the
last settle seconds leaves the workbook for the next run, there are at most
``MAX_FILES`` files of at most ``MAX_CSV_BYTES`` each, and each file is copied, as read
once through its descriptor, into a private folder the job then reads: a file swapped
for a link after the scan is never read. The copies' names, sizes and SHA-256 are the
exports' fingerprint, so the batch redoes a workbook whose exports changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from goalreport.batch.inbox import Verdict
from goalreport.guard.safefs import Folder, shown
from goalreport.workbook.crm.csvfile import MAX_CSV_BYTES

#: Exports read from a deals folder; other files there are left alone.
DEALS_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
MAX_FILES = 20
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DealFiles:
    """The private copies of a workbook's deal exports, and their fingerprint."""

    paths: tuple[Path, ...]
    #: [name, size, sha256] per file, sorted by name.
    fingerprint: list[list[object]]


def folder_name(workbook: str) -> str:
    """``east.xlsx`` → ``east.deals``."""
    return f"{os.path.splitext(workbook)[0]}.deals"


@contextmanager
def deal_files(inbox: Folder, workbook: str, *, now: float, settle_seconds: float
               ) -> Iterator[DealFiles | Verdict | None]:
    """The workbook's deal exports copied into a private folder (removed afterwards);
    None when it has no deals folder; a ``Verdict`` ("not ready" or "failed") when the
    workbook cannot run now."""
    name = folder_name(workbook)
    entry = inbox.lstat(name)
    if entry is None:
        yield None
        return
    if not stat.S_ISDIR(entry.st_mode):
        yield Verdict("failed", f"{shown(name)} is not a folder"
                      f"{' (a symbolic link)' if stat.S_ISLNK(entry.st_mode) else ''}: the "
                      "deal exports of a workbook go in a plain folder named after it.")
        return
    private = Path(tempfile.mkdtemp(prefix="goalreport-deals-"))
    try:
        fd = os.open(name, _DIR_FLAGS, dir_fd=inbox.fd)
        try:
            yield _copy_all(fd, inbox.path / name, private, now, settle_seconds)
        finally:
            os.close(fd)
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _copy_all(fd: int, where: Path, private: Path, now: float, settle_seconds: float
              ) -> DealFiles | Verdict:
    with os.scandir(fd) as scan:
        entries = sorted((e for e in scan if not e.name.startswith((".", "~"))
                          and not e.name.casefold().endswith(".tmp")), key=lambda e: e.name)
    files = [e for e in entries
             if os.path.splitext(e.name.casefold())[1] in DEALS_SUFFIXES]
    if len(files) > MAX_FILES:
        return Verdict("failed", f"{shown(where.name)} holds {len(files)} deal exports; at "
                       f"most {MAX_FILES} are read. Keep the exports of the period.")
    paths, fingerprint = [], []
    for entry in files:
        st = entry.stat(follow_symlinks=False)
        if not stat.S_ISREG(st.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            return Verdict("failed", f"{shown(where.name + '/' + entry.name)} is {kind}: "
                           "goalreport does not follow links out of the inbox. Put the "
                           "export itself in the folder.")
        age = now - max(st.st_mtime, st.st_ctime)  # as a workbook's (``Snapshot``)
        if abs(age) < settle_seconds:
            return Verdict("not ready", f"{shown(where.name + '/' + entry.name)} changed "
                           f"{max(age, 0):.1f} s ago (settle time {settle_seconds:g} s); "
                           "left for the next run.")
        copied = _copy(fd, entry.name, private / entry.name)
        if isinstance(copied, Verdict):
            return copied
        paths.append(private / entry.name)
        fingerprint.append([entry.name, *copied])
    return DealFiles(tuple(paths), fingerprint)


def _copy(folder: int, name: str, target: Path) -> tuple[int, str] | Verdict:
    """(size, sha256) of the regular file ``name`` copied to ``target``, read once
    through a descriptor opened without following links; a ``Verdict`` when it is a link
    or not a regular file by now, or over the size bound."""
    try:
        fd = os.open(name, _READ_FLAGS, dir_fd=folder)
    except OSError as error:
        return Verdict("failed", f"deal export {shown(name)} cannot be read "
                       f"({error.strerror}); goalreport does not follow links out of the "
                       "inbox.")
    digest, size = hashlib.sha256(), 0
    with os.fdopen(fd, "rb") as source, open(target, "xb") as copy:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return Verdict("failed", f"deal export {shown(name)} is not a regular file.")
        while block := source.read(_CHUNK):
            size += len(block)
            if size > MAX_CSV_BYTES:
                return Verdict("failed", f"deal export {shown(name)} is over "
                               f"{MAX_CSV_BYTES // 2**20} MB. Export only the closed deals "
                               "of the period.")
            digest.update(block)
            copy.write(block)
    return size, digest.hexdigest()
