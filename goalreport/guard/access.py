"""Who may read what goalreport makes from a workbook: never more people than may read
the workbook itself, and nobody but the user running goalreport may change it.

A report says what the workbook says (each rep's numbers, names and addresses), so a
``0600`` workbook's PDFs, HTML copies and dry-run ``.eml`` files are ``0600`` in ``0700``
folders, whatever the umask (a group inbox is often run with umask 002). ``Access``
carries the workbook's read permissions for group and others, and its group, to where
the files are made (``safefs.Folder.sub`` and ``atomic_file``):

- a file is readable by its owner, and by the group or others only when they may read
  the workbook (and the umask lets them); a folder likewise, with the search bit;
- nobody but the owner may ever write one of goalreport's files or folders;
- a file readable by its group gets the workbook's group when the folder gave it another
  one (the user is a member of it), else loses its group read bit.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

_UMASK: list[int] = []


def umask() -> int:
    """The process's umask (read once: setting it back and forth is not thread safe)."""
    if not _UMASK:
        current = os.umask(0)
        os.umask(current)
        _UMASK.append(current)
    return _UMASK[0]


@dataclass(frozen=True)
class Access:
    """The group and other read bits (``0o044`` at most) of a workbook, and its group."""

    readers: int = 0o044
    #: The workbook's group; None: whatever group the folder gives.
    gid: int | None = None

    @classmethod
    def of(cls, st: os.stat_result) -> Access:
        """As open as the workbook ``st`` is to read, never more."""
        return cls(stat.S_IMODE(st.st_mode) & 0o044, st.st_gid)

    @property
    def file_mode(self) -> int:
        """Owner read and write, and read for whom the workbook and the umask allow."""
        return 0o600 | (self.readers & ~umask())

    @property
    def folder_mode(self) -> int:
        """As ``file_mode``, with the search bit beside each read bit."""
        readers = self.readers & ~umask()
        return 0o700 | readers | (readers >> 2)

    def settle(self, fd: int, *, folder: bool = False) -> None:
        """Give the new file or folder ``fd`` these permissions, and the workbook's group
        when its group may read it; when that group cannot be given, no group read."""
        mode = self.folder_mode if folder else self.file_mode
        st = os.fstat(fd)
        if mode & 0o070 and self.gid is not None and st.st_gid != self.gid:
            try:
                os.fchown(fd, -1, self.gid)
            except OSError:
                mode &= ~0o070
        os.fchmod(fd, mode | (stat.S_IMODE(st.st_mode) & stat.S_ISGID if folder else 0))


#: What a file gets when no workbook is behind it: what the umask gives, never writable
#: by group or others.
OPEN = Access()
#: goalreport's own records (the send record, the batch's state and manifests).
PRIVATE = Access(0)


def tighten(fd: int, access: Access) -> None:
    """Take away from goalreport's own folder ``fd`` the write bits of group and others,
    and the read bits ``access`` does not give (a folder an older goalreport made under a
    looser umask). Only the owner can: a folder of someone else is left as it is."""
    st = os.fstat(fd)
    if st.st_uid != os.geteuid():
        return
    mode = stat.S_IMODE(st.st_mode)
    allowed = access.folder_mode | stat.S_ISGID | stat.S_ISVTX
    if mode & ~allowed:
        os.fchmod(fd, mode & allowed)
