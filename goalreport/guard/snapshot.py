"""What ``stat`` said about a file once: the one type for "the file I saw".

The batch takes one of each inbox workbook before and after its readiness checks (two
that differ: it was being written), ``safefs.open_workbook`` checks that it opened the
very file the scan saw, and a job hands one back of the file it wrote, so that the next
batch run knows its own write for what it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Snapshot:
    """A file's identity and version as ``stat`` gave them."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    device: int = 0

    @classmethod
    def of(cls, path: Path) -> Snapshot:
        """The entry ``path`` itself (a link is not followed)."""
        return cls.from_stat(os.lstat(path))

    @classmethod
    def from_stat(cls, st: os.stat_result) -> Snapshot:
        return cls(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)

    def same_file(self, other: Snapshot) -> bool:
        """The same file (device, inode) with the same size and mtime. The ctime is left
        out: a chmod or a new hard link moves it without changing a byte."""
        return (self.device, self.inode, self.size, self.mtime_ns) == \
            (other.device, other.inode, other.size, other.mtime_ns)

    @property
    def written(self) -> tuple[int, int, int, int]:
        """(inode, size, mtime, ctime): how the batch's state file remembers its own
        write of a workbook (``batch.inbox.check_ready``)."""
        return (self.inode, self.size, self.mtime_ns, self.ctime_ns)

    @property
    def changed_at(self) -> float:
        """Seconds since the epoch of the last change, counting renames and ``cp -p``
        (which sets an old mtime once the copy is complete: ctime still moves)."""
        return max(self.mtime_ns, self.ctime_ns) / 1e9
