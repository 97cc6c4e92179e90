"""What the write-back needs from the workbook it writes into, read once with the rest.

The writer splices into the package structure as it was read (which sheets are
goalreport's, the parts it edits, where the charts' drawings lead), logs the input
fingerprint, and carries the old Run Log's rows over. Each of those reads the workbook,
so the job reads them where it reads the workbook anyway, in the bounded child
(``loading``), and only once:

- inside the bounds, because the structure parts and the old Run Log are XML of a file
  nobody vouched for, and the main process parses none of it (docs/safety.md#bounds;
  tests/test_bounds.py);
- the structure (``ooxml.package.inspect_package``) right after the cells, since its
  problems (a user's sheet named like a computed one, a protected structure) are input
  problems that ``check`` lists together with the cells' in one run;
- the fingerprint and the old Run Log (``read_write_basis``) only when the job will
  write, from that same structure: the main process no longer reads the parts again
  to hash them, and the writer never reads the structure again.

A write-back called without the run's basis (the tests, a library caller) reads it in a
bounded child of its own (``read_write_basis_bounded``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from goalreport.ooxml.package import (
    INSPECT_MEMORY_MB,
    INSPECT_SECONDS,
    PackageInfo,
    inspect_package,
)
from goalreport.writeback.fingerprint import input_fingerprint
from goalreport.writeback.runlog import PreviousLog, previous_run_log


@dataclass(frozen=True)
class WriteBasis:
    """The workbook as the write-back will find it, read inside the bounds."""

    #: The package structure the new sheets are spliced into.
    package: PackageInfo
    #: ``input_fingerprint`` of the workbook (the Run Log's Input Hash; batch skips on it).
    input_hash: str
    #: The earlier Run Log rows (and a note when they could not be read).
    previous_log: PreviousLog


def read_write_basis(path: Path, package: PackageInfo | None = None) -> WriteBasis:
    """The basis of ``path`` in this process (call it inside the bounds); ``package``:
    the structure already read there, else read now."""
    package = package or inspect_package(path)
    return WriteBasis(package, input_fingerprint(path, package),
                      previous_run_log(path, package))


def read_write_basis_bounded(path: Path) -> WriteBasis:
    """``read_write_basis`` in a child process with bounded memory and time."""
    from goalreport.guard.bounded import run_bounded

    return run_bounded(read_write_basis, path, memory_mb=INSPECT_MEMORY_MB,
                       seconds=INSPECT_SECONDS)
