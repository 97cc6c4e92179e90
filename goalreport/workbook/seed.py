"""``goalreport init team.xlsx --from quotas.csv``: a goalreport workbook started from the
quota table a manager already has (SPEC §6).

The table (a CSV, or a sheet of an .xlsx) becomes the Goals sheet as it came, header row
included, read by the same rules as a pasted Goals sheet; the Reps sheet lists its reps.
What is guessed is said: the currency from a money column's name (``quota_eur``), the
month the goal year starts in from quarter start dates, and the goal years the table
covers. Pasting the table into an existing workbook's Goals sheet reads the same.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from goalreport.errors import UnreadableWorkbook, WriteRefused
from goalreport.workbook.goals.header import GoalsHeader, read_header
from goalreport.workbook.goals.layout import LayoutProblem, decide
from goalreport.workbook.goals.periods import Label, parse_label
from goalreport.workbook.values import is_blank

#: Rows of a quota table ``init --from`` takes: a quota table is reps × periods, not a log.
MAX_ROWS = 200_000
_NUMBER = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?")


@dataclass
class Seed:
    """A quota table ready to become a workbook, and what was guessed about it."""

    source: str
    header: list[Any]
    rows: list[list[Any]]
    reps: list[str]
    rep_column: str
    settings: dict[str, str] = field(default_factory=dict)
    #: What was taken and guessed, one sentence each, for the manager.
    said: list[str] = field(default_factory=list)


def read_table(path: Path, sheet: str | None = None) -> tuple[list[Any], list[list[Any]]]:
    """(header, rows) of a CSV file or of a sheet of an .xlsx (the first that reads as a
    quota table, unless ``sheet`` names one). Raises ``UnreadableWorkbook``."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        if sheet:
            raise UnreadableWorkbook(f"{path.name}: a CSV file has no sheets; leave out --sheet.")
        return _csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path, sheet)
    raise UnreadableWorkbook(f"{path.name}: --from takes a CSV file or an .xlsx workbook, not "
                             f"{suffix or 'a file without an extension'}.")


def _csv(path: Path) -> tuple[list[Any], list[list[Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="cp1252")
    except OSError as error:
        raise UnreadableWorkbook(f"{path.name}: cannot read it ({error.strerror}).") from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [[_typed(cell) for cell in row] for row in csv.reader(io.StringIO(text), dialect)]
    return _split(path, [row for row in rows if any(not is_blank(v) for v in row)])


def _typed(cell: str) -> Any:
    """A CSV cell as a spreadsheet would hold it: plain numbers as numbers (IDs with
    leading zeros stay text), everything else as text."""
    text = cell.strip()
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return float(text) if "." in text else int(text)
    return text


def _xlsx(path: Path, sheet: str | None) -> tuple[list[Any], list[list[Any]]]:
    from goalreport.guard.container import check_container
    from goalreport.workbook.rawcells import Book

    check_container(path)
    book = Book(path)
    names = book.sheet_names
    if sheet is not None and sheet not in names:
        raise UnreadableWorkbook(f"{path.name} has no sheet {sheet!r} (its sheets: "
                                 f"{', '.join(repr(n) for n in names)}).")
    tables = []
    for name in [sheet] if sheet is not None else names:
        rows = [values for _, _, values in book.rows(name) if any(not is_blank(v) for v in values)]
        if rows:
            tables.append(rows)
            if sheet is not None or _readable(rows[0]):
                return _split(path, rows)
    if not tables:
        raise UnreadableWorkbook(f"{path.name}: no sheet holds a table.")
    return _split(path, tables[0])


def _readable(header: list[Any]) -> bool:
    try:
        decide(read_header("Goals", 1, 0, header, "en_US", None), "Goals", 1, None)
    except LayoutProblem:
        return False
    return True


def _split(path: Path, rows: list[list[Any]]) -> tuple[list[Any], list[list[Any]]]:
    if not rows:
        raise UnreadableWorkbook(f"{path.name} is empty: it needs a header row and a row "
                                 "per rep (and period).")
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableWorkbook(f"{path.name} has {len(rows) - 1:,} rows, more than the "
                                 f"{MAX_ROWS:,} of a quota table: is it an activity log?")
    return rows[0], rows[1:]


def seed(path: Path, sheet: str | None = None) -> Seed:
    """The quota table of ``path`` with its reps and what can be guessed from it; raises
    ``WriteRefused`` (saying why) when it cannot become a Goals sheet."""
    header_values, rows = read_table(path, sheet)
    header = read_header("Goals", 1, 0, header_values, "en_US", None)
    try:
        layout = decide(header, "Goals", 1, None)
    except LayoutProblem as problem:
        raise WriteRefused(f"{path.name} is not a quota table goalreport can read: "
                           f"{problem.message}") from None
    rep_column = header.columns["rep_id"]
    reps: list[str] = []
    seen: set[str] = set()
    for row in rows:
        value = row[rep_column] if rep_column < len(row) else None
        if is_blank(value):
            continue
        rep = _text(value)
        if rep.casefold() not in seen:
            seen.add(rep.casefold())
            reps.append(rep)
    found = Seed(path.name, header_values, rows, reps, header.titles[rep_column])
    money = layout.money
    if money is not None and money.currency:
        found.settings["currency"] = money.currency
        found.said.append(f"Currency {money.currency}, from the column {money.title!r}.")
    start = _fiscal_start(header, rows)
    if start is not None:
        found.settings["fiscal_year_start"] = str(start)
        found.said.append(
            f"Fiscal Year Start {start} ({date(2000, start, 1):%B}): the quarters' start dates "
            f"say the goal year starts then.")
    years = _years(header, rows)
    if years:
        if len(years) == 1:
            found.said.append(f"Goal year {years[0]}; a run plans the goal year holding As "
                              "Of (Settings' As Of, or today).")
        else:
            found.said.append(f"Goal years {years[0]}–{years[-1]}; a run plans the one "
                              "holding As Of (Settings' As Of, or today).")
    return found


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _fiscal_start(header: GoalsHeader, rows: list[list[Any]]) -> int | None:
    """The month the goal year starts in, when quarter start dates say it: a quarter label
    with its start date (``2024-Q2``, 2024-04-01 → January), or start dates that are all
    first days of months not starting calendar quarters (→ the earliest such month)."""
    quarter = next((header.columns[r] for r in ("quarter", "period") if r in header.columns),
                   None)
    dated = next((header.columns[r] for r in ("quarter_date", "period_date")
                  if r in header.columns), None)
    if dated is None:
        return None
    starts: set[int] = set()
    months: set[int] = set()
    for row in rows:
        day = _day(row[dated] if dated < len(row) else None)
        if day is None or day.day != 1:
            return None
        months.add(day.month)
        label = parse_label(row[quarter], "en_US") if quarter is not None and \
            quarter < len(row) else None
        if isinstance(label, Label) and label.kind == "quarter":
            starts.add((day.month - 3 * (label.number - 1) - 1) % 12 + 1)
    if len(starts) == 1:
        return starts.pop()
    residues = {(m - 1) % 3 for m in months}
    if len(residues) == 1 and (residue := residues.pop()):
        return residue + 1
    return None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return date.fromisoformat(value.strip())
    return None


def _years(header: GoalsHeader, rows: list[list[Any]]) -> list[int]:
    """The years the table names (a Year column, or the periods' own years)."""
    found: set[int] = set()
    columns = [header.columns[r] for r in ("year", "month", "quarter", "period",
                                           "quarter_date", "period_date") if r in header.columns]
    for row in rows:
        for column in columns:
            value = row[column] if column < len(row) else None
            label = parse_label(value, "en_US") if not isinstance(value, int | float) else None
            if label is not None and label.year is not None:
                found.add(label.year)
            elif isinstance(value, int | float) and 1990 <= value <= 2100:
                found.add(int(value))
    for label in header.periods.values():
        if label.year is not None:
            found.add(label.year)
    return sorted(found)


def write_seeded(target: Path, found: Seed) -> None:
    """Write the workbook: the template, its Goals sheet the table, Reps its reps."""
    from goalreport.workbook.template import write_template

    write_template(target, goals=(found.header, found.rows),
                   reps=[[rep, rep] for rep in found.reps], settings=found.settings)
