"""Where exports come from: pasted sheets of the workbook and ``--deals`` files (the edge).

Any sheet that is not one of goalreport's input or computed sheets is looked at: its
first non-empty rows (up to ``HEADER_SEARCH``, so a formatted report's title lines are
passed over) are compared with the known export signatures, and only a recognised sheet
is read further. ``--deals`` files are CSV (see ``csvfile``) or .xlsx/.xlsm, checked like
the workbook itself before any XML is parsed.

``join_exports`` then reads every export's deals and adds them to Activity's sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import Any

from goalreport.core.model import Rep, Settings
from goalreport.errors import Problem, UnreadableWorkbook
from goalreport.workbook.crm.csvfile import not_regular, read_csv
from goalreport.workbook.crm.exports import read_export, unknown_values
from goalreport.workbook.crm.formats import FORMATS, recognise
from goalreport.workbook.crm.merge import (
    TypedDeals,
    drop_typed,
    first_wins,
    infer_client_types,
)
from goalreport.workbook.crm.outcome import LOST_STAGES, WON_STAGES, stage_set
from goalreport.workbook.crm.owners import OwnerIndex
from goalreport.workbook.crm.rows import DealRules, ExportRows, Findings
from goalreport.workbook.crm.terms import ExportTerms
from goalreport.workbook.deals import DayTally, Deal
from goalreport.workbook.rawcells import Book
from goalreport.workbook.table import Collector
from goalreport.workbook.values import is_blank

#: How many non-empty rows at the top of a sheet may come before an export's header.
HEADER_SEARCH = 12
#: Sheets goalreport writes (see writeback.writer.COMPUTED_SHEETS): never exports.
COMPUTED = frozenset(name.casefold() for name in (
    "Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log", "Instructions"))
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
BOOK_SUFFIXES = (".xlsx", ".xlsm")


def find_header(rows: Iterator[tuple[int, int, list[Any]]]
                ) -> tuple[int, int, list[Any]] | None:
    """The first of the top rows that is a known export's header, or None. ``rows`` is
    left just after it."""
    seen = 0
    for number, first, values in rows:
        if all(is_blank(v) for v in values):
            continue
        if recognise(values) is not None:
            return number, first, values
        seen += 1
        if seen >= HEADER_SEARCH:
            return None
    return None


def _export(label: str, name: str, rows: Iterator[tuple[int, int, list[Any]]]
            ) -> ExportRows | None:
    found = find_header(rows)
    if found is None:
        return None
    number, first, header = found
    fmt = recognise(header)
    assert fmt is not None
    return ExportRows(label, name, number, first, list(header), rows, fmt)


def export_sheets(book: Book, taken: Iterable[str | None]) -> list[ExportRows]:
    """The workbook's sheets that hold a CRM export (not its input or computed sheets)."""
    skip = {name for name in taken if name}
    exports = []
    for name in book.sheet_names:
        if name in skip or name.strip().casefold() in COMPUTED:
            continue
        top = book.first_rows(name, HEADER_SEARCH)  # cheap: no sheet is loaded for it
        if top is not None and not any(recognise(row) for row in top):
            continue
        export = _export(f"Sheet {name!r}", name, book.rows(name))
        if export is not None:
            exports.append(export)
    return exports


def export_files(paths: Sequence[Path], out: Collector) -> list[ExportRows]:
    """The exports in ``--deals`` files; a file holding none is a problem."""
    from goalreport.guard.container import check_container

    exports: list[ExportRows] = []
    for path in paths:
        path = Path(path)
        suffix = path.suffix.lower()
        found: list[ExportRows] = []
        if suffix in CSV_SUFFIXES:
            export = _export(f"File {path.name!r}", path.name, read_csv(path))
            found = [export] if export is not None else []
        elif suffix in BOOK_SUFFIXES:
            if not path.is_file():  # a FIFO or a device is never opened as a zip
                raise not_regular(path)
            check_container(path)
            book = Book(path)
            found = [export for name in book.sheet_names if (export := _export(
                f"File {path.name!r}, sheet {name!r}", f"[{path.name}]{name}",
                book.rows(name))) is not None]
        else:
            raise UnreadableWorkbook(f"{path.name}: --deals reads CRM exports saved as .csv "
                                     f"or .xlsx, not {suffix or 'files without an extension'}."
                                     " Export the deals again as CSV.")
        if not found:
            names = ", ".join(f.title for f in FORMATS)
            out.error(path.name, "holds no CRM export goalreport recognises (its header "
                      f"row should be one of: {names}). Export the report with its header "
                      "row, as it comes; see docs/crm-exports.md.")
        exports.extend(found)
    return exports


def join_exports(exports: Sequence[ExportRows], tally: DayTally, typed: list[Deal],
                 reps: Sequence[Rep], settings: Settings, activity_sheet: str,
                 out: Collector) -> tuple[tuple[Problem, ...], tuple[str, ...]]:
    """Every export's deals added to Activity's ``tally``, less those also ``typed`` on
    Activity; returns one ``check`` line per export, and the reps some of whose won deals
    were made new or repeat by inference."""
    owners = OwnerIndex(reps)
    currency = None if "currency" in out.unsure else settings.currency  # a bad Currency cell
    rules = DealRules(owners, settings.locale, currency,
                      stage_set(WON_STAGES, settings.won_stages),
                      stage_set(LOST_STAGES, settings.lost_stages))
    terms = ExportTerms(settings.locale, currency)
    found = Findings()
    read = [read_export(export, rules, terms, out, found) for export in exports]
    unknown_values(found, owners, out)
    typed_deals = TypedDeals(typed)
    kept = [(drop_typed(deals, typed_deals, summary, activity_sheet, out), summary)
            for deals, summary in read]
    first = first_wins(typed_deals, chain.from_iterable(deals for deals, _ in kept))
    inferred: set[str] = set()
    for deals, summary in kept:
        for deal in infer_client_types(deals, first, summary, inferred):
            tally.add(deal)
    notes = tuple(summary.problem() for _, summary in kept)
    return notes, tuple(sorted(inferred))
