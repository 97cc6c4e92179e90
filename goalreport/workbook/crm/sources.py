"""Where exports come from: pasted sheets of the workbook and ``--deals`` files (the edge).

Any sheet that is not one of goalreport's input or computed sheets is looked at: its
first non-empty rows (up to ``HEADER_SEARCH``, so a formatted report's title lines are
passed over) are compared with the known export signatures, and only a recognised sheet
is read further. ``--deals`` files are CSV (see ``csvfile``) or .xlsx/.xlsm, checked like
the workbook itself before any XML is parsed.

``join_exports`` then reads every export's deals and adds them to Activity's sums.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

from goalreport.core.keys import header_key
from goalreport.core.model import OpenDeal, PlacedDeal, Rep, Settings
from goalreport.errors import Problem, UnreadableWorkbook
from goalreport.workbook.crm.csvfile import not_regular, read_csv
from goalreport.workbook.crm.fastpath import read_export
from goalreport.workbook.crm.formats import DEALS_TABLE, FORMATS, ROLE_NAMES, recognise
from goalreport.workbook.crm.merge import (
    TypedDeals,
    drop_typed,
    first_wins,
    infer_client_types,
)
from goalreport.workbook.crm.openrows import unknown_categories
from goalreport.workbook.crm.outcome import LOST_STAGES, WON_STAGES, stage_set
from goalreport.workbook.crm.owners import OwnerIndex
from goalreport.workbook.crm.places import PLACE_ROLES, placed_deals
from goalreport.workbook.crm.rates import ExchangeRates
from goalreport.workbook.crm.rows import DealRules, ExportRows, Findings
from goalreport.workbook.crm.summary import unknown_values
from goalreport.workbook.crm.terms import ExportTerms
from goalreport.workbook.deals import DayTally, Deal
from goalreport.workbook.intake import CreditIntake
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import CRM_COLUMN_SETTINGS, EXCHANGE_RATES
from goalreport.workbook.settings import parse_currency
from goalreport.workbook.table import Collector, read_table
from goalreport.workbook.values import is_blank, parse_number

#: How many non-empty rows at the top of a sheet may come before an export's header.
HEADER_SEARCH = 12
#: Sheets goalreport writes (see writeback.writer.COMPUTED_SHEETS): never exports.
COMPUTED = frozenset(name.casefold() for name in (
    "Plan", "Weekly Plan", "Progress", "Team Summary", "Pipeline by Month", "Run Log",
    "Instructions"))
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
BOOK_SUFFIXES = (".xlsx", ".xlsm")


def find_header(rows: Iterator[tuple[int, int, list[Any]]],
                named: Mapping[str, str] | None = None
                ) -> tuple[int, int, list[Any]] | None:
    """The first of the top rows that is a known export's header, or None. ``rows`` is
    left just after it."""
    seen = 0
    for number, first, values in rows:
        if all(is_blank(v) for v in values):
            continue
        if recognise(values, named) is not None:
            return number, first, values
        seen += 1
        if seen >= HEADER_SEARCH:
            return None
    return None


def named_columns(settings: Settings) -> dict[str, str]:
    """role → ``header_key`` of the column Settings name for it (Amount Column, …)."""
    return {role: header_key(header) for role, header in settings.crm_columns}


def _export(label: str, name: str, rows: Iterator[tuple[int, int, list[Any]]],
            named: Mapping[str, str] | None = None) -> ExportRows | None:
    found = find_header(rows, named)
    if found is None:
        return None
    number, first, header = found
    fmt = recognise(header, named)
    assert fmt is not None
    cols = fmt.columns(header, named)
    used = frozenset(role for role, key in (named or {}).items()
                     if role in cols and header_key(header[cols[role]]) == key)
    return ExportRows(label, name, number, first, list(header), rows, fmt, cols, used)


def export_sheets(book: Book, taken: Iterable[str | None],
                  named: Mapping[str, str] | None = None) -> list[ExportRows]:
    """The workbook's sheets that hold a CRM export (not its input or computed sheets)."""
    skip = {name for name in taken if name}
    exports = []
    for name in book.sheet_names:
        if name in skip or name.strip().casefold() in COMPUTED:
            continue
        top = book.first_rows(name, HEADER_SEARCH)  # cheap: no sheet is loaded for it
        if top is not None and not any(recognise(row, named) for row in top):
            continue
        export = _export(f"Sheet {name!r}", name, book.rows(name), named)
        if export is not None:
            exports.append(export)
    return exports


def export_files(paths: Sequence[Path], out: Collector,
                 named: Mapping[str, str] | None = None) -> list[ExportRows]:
    """The exports in ``--deals`` files; a file holding none is a problem."""
    from goalreport.guard.container import check_container

    exports: list[ExportRows] = []
    for path in paths:
        path = Path(path)
        suffix = path.suffix.lower()
        found: list[ExportRows] = []
        if suffix in CSV_SUFFIXES:
            export = _export(f"File {path.name!r}", path.name, read_csv(path), named)
            found = [export] if export is not None else []
        elif suffix in BOOK_SUFFIXES:
            if not path.is_file():  # a FIFO or a device is never opened as a zip
                raise not_regular(path)
            check_container(path)
            book = Book(path)
            found = [export for name in book.sheet_names if (export := _export(
                f"File {path.name!r}, sheet {name!r}", f"[{path.name}]{name}",
                book.rows(name), named)) is not None]
        else:
            raise UnreadableWorkbook(f"{path.name}: --deals reads CRM exports saved as .csv "
                                     f"or .xlsx, not {suffix or 'files without an extension'}."
                                     " Export the deals again as CSV.")
        if not found:
            out.error(path.name, _not_an_export(path, named))
        exports.extend(found)
    return exports


def _not_an_export(path: Path, named: Mapping[str, str] | None) -> str:
    """Why a deals file holds no export: the columns a deals table lacks when its header
    has some of them, else the exports goalreport knows."""
    names = ", ".join(f.title for f in FORMATS)
    known = (f"holds no CRM export goalreport recognises (its header row should be one of: "
             f"{names}). Export the report with its header row, as it comes; see "
             "docs/crm-exports.md.")
    try:
        rows = read_csv(path) if path.suffix.lower() in CSV_SUFFIXES else iter(())
        header = next((values for _n, _f, values in rows if any(v.strip() for v in values)),
                      [])
    except UnreadableWorkbook:
        return known
    cols = DEALS_TABLE.columns(header, named)
    if not cols:
        return known
    has = ", ".join(f"{ROLE_NAMES.get(role, role)} {header[index]!r}"
                    for role, index in cols.items() if role not in PLACE_ROLES)
    lacks = " and ".join(" or ".join(ROLE_NAMES.get(role, role) for role in roles)
                         for roles in DEALS_TABLE.signature
                         if not any(role in cols for role in roles))
    return (f"has {has}, but no {lacks} column, so its deals cannot be counted. Export the "
            f"deals with their {lacks}, or name the column in Settings (Stage Column, Close "
            "Date Column, Owner Column); see docs/crm-exports.md.")


def deal_rules(reps: Sequence[Rep], settings: Settings, out: Collector,
               held_by: date | None = None) -> DealRules:
    """What reading any export's rows needs from the workbook: its reps, stages, Currency,
    Other Owners and the As Of meetings are held by (Settings' when None)."""
    currency = None if "currency" in out.unsure else settings.currency  # a bad Currency cell
    return DealRules(OwnerIndex(reps), settings.locale, currency,
                     stage_set(WON_STAGES, settings.won_stages),
                     stage_set(LOST_STAGES, settings.lost_stages),
                     stage_set(frozenset(), settings.won_stages),
                     stage_set(frozenset(), settings.lost_stages),
                     settings.other_owners, held_by or settings.as_of)


def join_exports(exports: Sequence[ExportRows], tally: DayTally, typed: list[Deal],
                 reps: Sequence[Rep], settings: Settings, activity_sheet: str,
                 out: Collector, rates: ExchangeRates | None = None,
                 held_by: date | None = None, open_deals: list[OpenDeal] | None = None,
                 untyped: Sequence[Deal] = (), intake: CreditIntake | None = None,
                 found: Findings | None = None, travelled: Collection[str] = ()
                 ) -> tuple[tuple[Problem, ...], tuple[str, ...], tuple[PlacedDeal, ...]]:
    """Every export's deals added to Activity's ``tally``, less those also ``typed`` on
    Activity (and those ``intake`` takes, to credit one by one); returns one ``check``
    line per export, the reps some of whose won deals were made new or repeat by
    inference, and the won deals an export places in another territory or region than
    their rep's (``places``). ``held_by`` is the As Of meetings of an export without a
    done flag must be on or before (Settings' when None). Open deals go to ``open_deals``
    when given (the pipeline). ``untyped``: Activity's won rows left without a Client
    Type (``read_activity``), inferred with the exports'. ``found``: what the splits
    exports met already (unknown owners are said once for both). ``travelled``: the reps
    Team History had in another territory (``places.placed_deals``)."""
    rules = deal_rules(reps, settings, out, held_by)
    owners, currency = rules.owners, rules.currency
    terms = ExportTerms(settings.locale, currency, rates=rates,
                        new_types=settings.new_types, repeat_types=settings.repeat_types)
    found = found or Findings()
    read = [read_export(export, rules, terms, out, found, open_deals, intake)
            for export in exports]
    unknown_values(found, owners, out, f"{currency} " if currency else "")
    unknown_categories(found, out)
    _unused_columns(exports, settings, out)
    typed_deals = TypedDeals(typed)
    kept = [(drop_typed(deals, typed_deals, summary, activity_sheet, out)
             if typed else deals, summary) for deals, summary, _places in read]
    first = first_wins(typed_deals, chain.from_iterable(deals for deals, _ in kept))
    inferred: set[str] = set()
    for (deals, summary), export in zip(kept, exports, strict=True):
        summary.no_client = "client" not in export.cols
        kept_deals = infer_client_types(deals, first, summary, inferred)
        tally.add_all(intake.divert(kept_deals) if intake is not None else kept_deals)
    untyped_deals = infer_client_types(untyped, first, None, inferred)
    tally.add_all(intake.divert(untyped_deals) if intake is not None else untyped_deals)
    notes = tuple(summary.problem() for _, summary in kept)
    credited = {deal.where for deal in intake.deals} if intake is not None else set()
    placed = placed_deals(chain.from_iterable(deals for deals, _ in kept),
                          [places for _, _, places in read], reps, out, credited, travelled)
    return notes, tuple(sorted(inferred)), placed


def _unused_columns(exports: Sequence[ExportRows], settings: Settings, out: Collector) -> None:
    """A warning for each column Settings name that no export has (a typo, or another
    CRM's export)."""
    if not exports:
        return
    for role, header in settings.crm_columns:
        if not any(role in export.named for export in exports):
            title = next(t for r, t, *_ in CRM_COLUMN_SETTINGS if r == role)
            out.warn(f"Settings {title} Column", f"names the column {header!r}, which no "
                     "export has, so it is not read. Write the header as the export has it.")


def read_rates(book: Book, name: str | None, locale: str, currency: str | None,
               out: Collector) -> ExchangeRates:
    """The Exchange Rates sheet (Currency, Rate, From), or no rates without one."""
    if name is None:
        return ExchangeRates()
    table = read_table(book, EXCHANGE_RATES, name, out)
    if table is None:
        return ExchangeRates(name)
    rates: dict[str, dict[date, Decimal]] = {}
    for row in table.rows:
        code = row.parse("currency", parse_currency, out,
                         required="the Currency is missing. Write its ISO code, such as EUR.")
        rate = row.parse("rate", lambda v: parse_number(v, locale, what="a rate",
                                                        example="1.08"), out,
                         required="the Rate is missing. Write how many units of the "
                                  "currency one unit of the workbook's Currency buys.")
        start = row.parse_date("start", locale, out,
                               required="the From date is missing. Write the first day the "
                                        "rate is in force.")
        if rate is not None and rate <= 0:
            out.error(row.cell("rate"), f"{rate} is not a rate: it must be more than 0.")
            continue
        if code is None or rate is None or start is None:
            continue
        if code == currency:
            out.error(row.cell("currency"), f"{code} is this workbook's Currency: its deals "
                      "need no rate. Delete the row.")
            continue
        dated = rates.setdefault(code, {})
        if start in dated:
            out.error(row.cell("start"), f"{code} has two rates from {start.isoformat()}. "
                      "Keep one.")
            continue
        dated[start] = Decimal(rate.numerator) / Decimal(rate.denominator)
    return ExchangeRates(name, {code: tuple(sorted(dated.items()))
                                for code, dated in rates.items()})
