"""The Run Log sheet: one row per run, newest first, carried over from run to run.

Each row says what the run read (the input fingerprint, the As Of and the deals files
counted: ``lastrun.py``), so that ``send`` can tell whether a report it mails says what
the workbook shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goalreport.core.tables import Column, SheetTable

if TYPE_CHECKING:
    from goalreport.ooxml.package import PackageInfo

RUN_LOG = "Run Log"
RUN_LOG_COLUMNS = (
    Column("When", "datetime"), Column("goalreport Version"), Column("As Of", "date"),
    Column("Input Hash"), Column("Reps", "integer"), Column("Warnings", "integer"),
    Column("Plan Changes"),
    Column("Deal Files"),
)
#: Oldest rows beyond this many are dropped, so a daily cron job cannot grow the sheet
#: without bound (about three years of daily runs).
MAX_RUN_LOG_ROWS = 1000


@dataclass(frozen=True)
class RunLogEntry:
    """One run, as the Run Log shows it."""

    when: datetime
    version: str
    as_of: date
    #: ``input_fingerprint`` of the workbook the run read.
    input_hash: str
    reps: int
    warnings: int
    #: What changed the reps' plans (target revisions, relief for time off); "" for none.
    plan_changes: str = ""
    #: The --deals files counted, one line each (``lastrun.deal_files_cell``), or None.
    deal_files: str | None = None

    def row(self) -> tuple[Any, ...]:
        return (self.when, self.version, self.as_of, self.input_hash, self.reps, self.warnings,
                self.plan_changes or None, self.deal_files)


def read_run_log(path: Path, sheet_name: str) -> list[tuple[Any, ...]]:
    """The data rows of an existing Run Log sheet (written by goalreport), read with
    python-calamine so that a copy re-saved by Excel (shared strings) reads the same."""
    from goalreport.ooxml.calamine import open_calamine

    workbook = open_calamine(path)
    rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    width = len(RUN_LOG_COLUMNS)
    kept = []
    for row in rows[1:]:
        values = [None if value == "" else value for value in list(row)[:width]]
        values += [None] * (width - len(values))
        if any(value is not None for value in values):
            kept.append(tuple(_normalise(column.kind, value)
                              for column, value in zip(RUN_LOG_COLUMNS, values, strict=True)))
    return kept


def _normalise(kind: str, value: Any) -> Any:
    """calamine gives whole numbers as floats and dates as datetimes: undo both."""
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return int(value)
    if kind == "date" and isinstance(value, datetime):
        return value.date()
    if kind == "datetime" and isinstance(value, date) and not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time())
    return value


def newest_row(source: Path, info: PackageInfo) -> tuple[Any, ...] | None:
    """The newest row of the Run Log goalreport wrote into ``source``, or None (none, or
    unreadable)."""
    rows, notes = previous_run_log(source, info)
    return rows[0] if rows and not notes else None


def run_log_table(entry: RunLogEntry, previous: list[tuple[Any, ...]]) -> SheetTable:
    """The Run Log with ``entry`` on top."""
    rows = (entry.row(), *previous)[:MAX_RUN_LOG_ROWS]
    return SheetTable(RUN_LOG, RUN_LOG_COLUMNS, tuple(rows))


#: The earlier rows of a workbook's Run Log, and a note when it could not be read.
PreviousLog = tuple[list[tuple[object, ...]], tuple[str, ...]]


def previous_run_log(source: Path, info: PackageInfo) -> PreviousLog:
    """The rows of the Run Log goalreport wrote into ``source`` before (none without one);
    an unreadable log starts afresh with a note rather than block the run."""
    log_sheet = info.sheet_named(RUN_LOG)
    if log_sheet is None:
        return [], ()
    try:
        return read_run_log(source, log_sheet.name), ()
    except Exception as error:  # noqa: BLE001 - an old log must not block the run
        return [], (f"The old Run Log could not be read ({error}); it starts afresh.",)
