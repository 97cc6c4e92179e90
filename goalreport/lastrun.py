"""What a workbook's last run counted, so that ``send`` mails only numbers the workbook
shows: the deals files (name, size, SHA-256), recorded in the Run Log beside the input
fingerprint and the As Of, and the checks ``send`` makes against them.

``send`` renders a report again when its PDF is missing or stale, and mails numbers: if
the workbook's inputs, the As Of or the deals files differed from those of the run that
computed its sheets, the mail would say 29 leads where the Progress sheet says 28. So
``send`` takes the As Of of the last run unless told otherwise, the same deals files
(found where the run read them, checked by size and SHA-256, and named in a note), and
refuses with one line, naming the fix, when the workbook changed since its last run,
when another As Of is asked for, or when the deals files are not the same ones.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from goalreport.errors import GoalreportError, UnreadableWorkbook
from goalreport.workbook.crm.csvfile import MAX_CSV_BYTES, not_regular, too_big

_CHUNK = 1 << 20
_LINE = re.compile(r"(?P<name>.+) \((?P<size>\d+) bytes, SHA-256 (?P<sha>[0-9a-f]{64})\)")


@dataclass(frozen=True)
class DealFile:
    """One ``--deals`` file as a run counted it."""

    name: str
    size: int
    sha256: str

    def line(self) -> str:
        """How the Run Log's Deal Files cell shows it (one line per file)."""
        return f"{self.name} ({self.size} bytes, SHA-256 {self.sha256})"

    def key(self) -> tuple[str, int, str]:
        return (self.name, self.size, self.sha256)


def deal_files(paths: Sequence[Path], limit: int = MAX_CSV_BYTES) -> tuple[DealFile, ...]:
    """Each deals file's absolute path, size and SHA-256, read once (a non-regular file
    is refused, and more than ``limit`` bytes is too big, as the reader says:
    ``workbook/crm/csvfile``), in chunks."""
    found = []
    for path in paths:
        absolute = Path(os.path.abspath(path))
        try:
            fd = os.open(absolute, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError as error:
            raise UnreadableWorkbook(f"{path}: cannot be read ({error.strerror}).") from None
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise not_regular(Path(path))
            digest, size = hashlib.sha256(), 0
            while block := handle.read(min(_CHUNK, limit + 1 - size)):
                size += len(block)
                if size > limit:
                    raise too_big(Path(path), limit)
                digest.update(block)
        found.append(DealFile(str(absolute), size, digest.hexdigest()))
    return tuple(found)


def deal_files_cell(files: Sequence[DealFile]) -> str | None:
    """The Run Log's Deal Files cell: one line per file, None for none."""
    return "\n".join(f.line() for f in files) or None


def parse_deal_files(cell: object) -> tuple[DealFile, ...] | None:
    """The files of a Deal Files cell (empty: none); None when it is not what
    goalreport wrote."""
    if cell is None or cell == "":
        return ()
    if not isinstance(cell, str):
        return None
    files = []
    for line in cell.splitlines():
        found = _LINE.fullmatch(line.strip())
        if found is None:
            return None
        files.append(DealFile(found["name"], int(found["size"]), found["sha"]))
    return tuple(files)


@dataclass(frozen=True)
class LastRun:
    """The newest row of a workbook's Run Log."""

    when: datetime | None
    as_of: date
    input_hash: str
    deal_files: tuple[DealFile, ...]

    @classmethod
    def of(cls, row: Sequence[object]) -> LastRun | None:
        """From a Run Log row (When, version, As Of, Input Hash, Reps, Warnings, Plan
        Changes, Deal Files); None when it is not one goalreport wrote."""
        when, _, as_of, input_hash = row[:4]
        files = parse_deal_files(row[7] if len(row) > 7 else None)
        if not isinstance(as_of, date) or not isinstance(input_hash, str) or files is None:
            return None
        return cls(when if isinstance(when, datetime) else None, as_of, input_hash, files)

    def described(self) -> str:
        return f"its last run, on {self.when:%Y-%m-%d %H:%M}" if self.when else "its last run"


def check_same_run(name: str, last: LastRun | None, fingerprint: str, as_of: date) -> None:
    """Refuse (one line) a send whose reports could say what the workbook ``name`` does
    not: no run yet, inputs changed since, or another As Of."""
    fix = f"run 'goalreport run {name} --send' (it writes the sheets, then mails them)"
    if last is None:
        raise GoalreportError(
            f"{name} has no Run Log of a run by this goalreport, so what its sheets show "
            f"cannot be told: {fix}.")
    if last.input_hash != fingerprint:
        raise GoalreportError(
            f"{name} changed since {last.described()} computed its sheets: a report sent "
            f"now would show numbers the workbook does not. Run 'goalreport run {name}' "
            f"first, or {fix}.")
    if last.as_of != as_of:
        raise GoalreportError(
            f"{name}'s sheets are as of {last.as_of.isoformat()} ({last.described()}), not "
            f"{as_of.isoformat()}: a report sent now would show numbers the workbook does "
            f"not. Send without --as-of and --month to send those, or run 'goalreport run "
            f"{name} --as-of {as_of.isoformat()}' first.")


def same_deals(name: str, last: LastRun, given: tuple[DealFile, ...]
               ) -> tuple[tuple[Path, ...], str | None]:
    """The deals files ``send`` must read (what the last run counted) and a note saying
    where they were found, or a one-line refusal when they are not the ones given."""
    recorded = {f.key()[1:] for f in last.deal_files}
    if given:
        if {f.key()[1:] for f in given} == recorded:
            return tuple(Path(f.name) for f in given), None
        raise GoalreportError(
            f"the --deals files given are not the ones {last.described()} of {name} counted "
            f"({_listed(last.deal_files)}): a report sent now would show numbers the "
            "workbook does not. Give those files, or run 'goalreport run' with the new ones "
            "first.")
    if not last.deal_files:
        return (), None
    found = deal_files([Path(f.name) for f in last.deal_files if Path(f.name).is_file()])
    if {f.key()[1:] for f in found} != recorded:
        raise GoalreportError(
            f"{last.described().capitalize()} of {name} counted deals from "
            f"{_listed(last.deal_files)}, which are not there as they were (missing or "
            "changed since). Give the same files with --deals, or run 'goalreport run' with "
            "the new ones first.")
    return (tuple(Path(f.name) for f in last.deal_files),
            f"using the deals files its last run counted: {_listed(last.deal_files)}")


def _listed(files: Sequence[DealFile]) -> str:
    return ", ".join(f"{f.name} ({f.size:,} bytes)" for f in files) or "no deals files"
