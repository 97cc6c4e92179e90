"""From raw rows to named columns, and the collector that gathers every problem at once.

``Collector`` keeps problems and warnings, caps how many of one kind a huge sheet may
produce (a million badly typed dates would be a million lines), and, for required cells
found empty, asks the sheet XML whether the cell is really a formula with no saved value
or an error, so the message says what is actually wrong.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from goalreport.core.keys import normalize
from goalreport.errors import Problem
from goalreport.ooxml.cellrefs import column_letter
from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.dateorder import TextDates
from goalreport.workbook.dates import OtherOrderDate, parse_date
from goalreport.workbook.problemlist import Condenser
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import SheetSpec
from goalreport.workbook.values import ValueProblem, is_blank

T = TypeVar("T")

@dataclass
class Collector:
    """Problems and warnings of one workbook, plus empty cells waiting for a diagnosis."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: sheet → cell ref ('D7') → (where, message if the cell is plainly empty; None when
    #: it may be)
    _blanks: dict[str, dict[str, tuple[str, str | None]]] = field(
        default_factory=lambda: defaultdict(dict))
    _errors: Condenser = field(default_factory=Condenser)
    _warnings: Condenser = field(default_factory=Condenser)
    #: Every error recorded so far, shown or condensed (readers compare it around a row).
    errors_seen: int = 0
    #: Where some settings were given ('holiday_country' → 'Settings!B6'), for warnings.
    setting_cells: dict[str, str] = field(default_factory=dict)
    #: Rep IDs whose Goals rows have a problem (check leaves them out of the engine run).
    flawed_reps: set[str] = field(default_factory=set)
    #: Settings that had a problem, so checks against them are skipped (e.g. "currency").
    unsure: set[str] = field(default_factory=set)
    #: Numeric text dates per column, to catch a column typed in the other day/month order.
    text_dates: TextDates = field(default_factory=TextDates)
    #: The domains the reports may be mailed to (the operator's mail settings, when the
    #: run sends); an active rep's Email or the Manager Email elsewhere is a problem.
    allowed_domains: tuple[str, ...] = ()

    def error(self, where: str, message: str, *, kind: str | None = None) -> None:
        """Record a problem; past the first few of its kind (``kind``, else its message's
        shape) only where it is, for one compact line at ``finish``."""
        self.errors_seen += 1
        problem = Problem(where, message, kind=kind or "")
        if self._errors.add(problem):
            self.problems.append(problem)

    def warn(self, where: str, message: str, *, kind: str | None = None,
             detail: str = "") -> None:
        problem = Problem(where, message, "warning", kind=kind or "", detail=detail)
        if self._warnings.add(problem):
            self.warnings.append(problem)

    def missing(self, sheet: str, row: int, column: int, message: str) -> None:
        """A required cell is empty: decided later, once the sheet XML may explain it."""
        self.errors_seen += 1
        self._blanks[sheet][f"{column_letter(column)}{row}"] = (
            cell_name(sheet, row, column), message)

    def maybe_formula(self, sheet: str, row: int, column: int) -> None:
        """An empty cell that may be left empty, unless it is a formula with no saved
        value or an error value: that is a problem (decided at ``finish``)."""
        self._blanks[sheet][f"{column_letter(column)}{row}"] = (
            cell_name(sheet, row, column), None)

    def finish(self, book: Book) -> None:
        """Turn pending empty cells into problems and add the compact lines for the rest
        of each kind."""
        for sheet, blanks in self._blanks.items():
            reasons = book.explain_blanks(sheet, blanks)
            for ref, (where, message) in blanks.items():
                if message is None and ref not in reasons:
                    continue  # plainly empty, and allowed to be
                if ref in reasons:
                    self.error(where, f"{reasons[ref]}. Open the workbook in Excel or "
                               "LibreOffice, let it calculate and save it, or type the value.",
                               kind="formula")
                else:
                    assert message is not None
                    self.error(where, message, kind=f"missing {ref.rstrip('0123456789')}")
        self._blanks.clear()
        self.problems.extend(self.text_dates.problems())
        self.problems.extend(self._errors.summaries())
        self.warnings.extend(self._warnings.summaries())


@dataclass(frozen=True)
class Row:
    """One data row: raw values by column key, and where each came from."""

    sheet: str
    number: int
    values: dict[str, Any]
    columns: dict[str, int]

    @property
    def where(self) -> str:
        return f"{self.sheet} row {self.number}"

    def cell(self, key: str) -> str:
        return cell_name(self.sheet, self.number, self.columns[key])

    def has(self, key: str) -> bool:
        return key in self.columns and not is_blank(self.values.get(key))

    def parse(self, key: str, parser: Callable[[Any], T], out: Collector, *,
              required: str | None = None, default: T | None = None) -> T | None:
        """Parse column ``key``; a problem is recorded (and None returned) when it fails.
        ``required`` is the message for an empty cell; without it an empty cell gives
        ``default``."""
        if key not in self.columns:
            return default
        value = self.values.get(key)
        if is_blank(value):
            if required is not None:
                out.missing(self.sheet, self.number, self.columns[key], required)
                return None
            return default
        try:
            return parser(value)
        except ValueProblem as problem:
            out.error(self.cell(key), problem.message, kind=key)
            return None


    def parse_date(self, key: str, locale: str, out: Collector, *,
                   required: str | None = None) -> Any:
        """Parse date column ``key`` like ``parse``; numeric text is also noted for the
        column's day/month order check, and a date real only in the other order is left
        to that check (one message for the column) instead of a problem of its own."""
        value = self.values.get(key)
        if value.__class__ is str and key in self.columns:
            out.text_dates.note(self.sheet, self.columns[key], self.number, value, locale)
        return self.parse(key, lambda v: _date_in_order(v, locale), out, required=required)


def _date_in_order(value: Any, locale: str) -> Any:
    try:
        return parse_date(value, locale)
    except OtherOrderDate:
        return None


@dataclass
class Table:
    """A sheet read as a table: its actual name, header positions and data rows.

    ``raw`` yields (row number, first column, values) after the header, unfiltered;
    ``rows`` yields ``Row`` objects for non-blank rows. Use one or the other."""

    spec: SheetSpec
    name: str
    header_row: int
    columns: dict[str, int]
    raw: Iterator[tuple[int, int, list[Any]]]
    first_column: int = 0

    @property
    def rows(self) -> Iterator[Row]:
        return _data_rows(self.raw, self.name, self.columns, self.first_column)

    def row(self, number: int, values: list[Any]) -> Row:
        """The ``Row`` for raw ``values`` (for messages on the fast path)."""
        return Row(self.name, number, _pick(values, self.columns, self.first_column),
                   self.columns)


def find_sheet(book: Book, spec: SheetSpec, out: Collector) -> str | None:
    """The workbook's sheet matching ``spec`` (first one; a second match is a warning)."""
    matches = [name for name in book.sheet_names if spec.matches(name)]
    for extra in matches[1:]:
        out.warn(f"{extra} sheet", f"is also read as {spec.title!r}, but only sheet "
                 f"{matches[0]!r} is used. Rename or delete one of them.")
    return matches[0] if matches else None


def read_table(book: Book, spec: SheetSpec, name: str, out: Collector) -> Table | None:
    """Header = first non-empty row; the data rows follow, blank rows skipped. Returns None
    (after recording the problem) when required columns are missing."""
    rows = book.rows(name)
    header: list[Any] | None = None
    header_row = first_column = 0
    for number, first_column, values in rows:
        if any(not is_blank(v) for v in values):
            header, header_row = values, number
            break
    if header is None:
        header = []
    columns: dict[str, int] = {}
    for offset, title in enumerate(header):
        if is_blank(title):
            continue
        for column in spec.columns:
            if column.matches(str(title)):
                if column.key in columns:
                    out.warn(cell_name(name, header_row, first_column + offset),
                             f"a second {column.title!r} column; only column "
                             f"{column_letter(columns[column.key])} is read.")
                else:
                    columns[column.key] = first_column + offset
                break
    missing = [c for c in spec.columns if c.required and c.key not in columns]
    if missing and header_row:
        found = ", ".join(repr(str(v).strip()) for v in header if not is_blank(v))
        out.error(f"{name} row {header_row}", missing_columns(spec, missing, found))
        return None
    if missing:
        titles = ", ".join(c.title for c in spec.columns if c.required)
        out.error(f"{name} sheet", f"is empty. Put the headers {titles} in its first row, "
                  "then one row per entry below.")
        return None
    return Table(spec, name, header_row, columns, rows, first_column)


def missing_columns(spec: SheetSpec, missing: list[Any], found: str) -> str:
    """"the column 'Year' is missing from the header row (found …). Add it …"."""
    names = " and ".join(repr(c.title) for c in missing)
    also = [f"{c.title!r} (or {', '.join(repr(s) for s in c.synonyms[:3])})"
            for c in missing if c.synonyms]
    hint = f" Accepted names: {'; '.join(also)}." if also else ""
    plural = "columns" if len(missing) > 1 else "column"
    return (f"the {plural} {names} {'are' if len(missing) > 1 else 'is'} missing from the "
            f"header row (found {found}). Add {'them' if len(missing) > 1 else 'it'} to the "
            f"header row.{hint}")


def _data_rows(rows: Iterator[tuple[int, int, list[Any]]], name: str,
               columns: dict[str, int], first_column: int) -> Iterator[Row]:
    for number, _first, values in rows:
        picked = _pick(values, columns, first_column)
        if all(is_blank(v) for v in picked.values()):
            continue
        yield Row(name, number, picked, columns)


def _pick(values: list[Any], columns: dict[str, int], first_column: int) -> dict[str, Any]:
    width = len(values)
    return {key: values[index - first_column] if 0 <= index - first_column < width else None
            for key, index in columns.items()}


def setting_pairs(book: Book, name: str) -> Iterator[tuple[int, int, Any, Any]]:
    """(row, column of the name, name, value) for each non-blank Settings row; a header row
    such as 'Setting | Value' is skipped."""
    first = True
    for number, first_column, values in book.rows(name):
        cells = [(first_column + i, v) for i, v in enumerate(values) if not is_blank(v)]
        if not cells:
            continue
        column, label = cells[0]
        rest = [v for c, v in cells[1:]]
        value = values[column - first_column + 1] if column - first_column + 1 < len(values) \
            else None
        if first and normalize(label) in {"setting", "settings", "name"} and \
                (not rest or normalize(rest[0]) == "value"):
            first = False
            continue
        first = False
        yield number, column, label, value
