"""The Activity sheet, summed per (rep, day) while it is read (SPEC §1).

A million rows must read in seconds. ``read_activity``'s loop is the fast path: each cell
is looked up in what its value meant when it was first met, so the common row (a date, a
known Rep ID, a known type, a number amount) is a few dictionary look-ups and one
addition. A value met for the first time, or one with a problem, goes to ``_Cells``' full
readers, which remember what they found or record the problem with its cell name. A won
row's Client Type and Amount are read by ``ActivityTerms``, Activity's side of the step
it shares with CRM exports (``workbook/deals.py``); its sums go to the ``DayTally`` that
the exports' deals are added to.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from goalreport.core.calendar import goal_year_of, goal_year_span
from goalreport.core.history import HISTORY_DAYS
from goalreport.core.keys import client_key, normalize, rep_key
from goalreport.core.model import ANY_YEAR, WorkbookData
from goalreport.errors import Problem
from goalreport.workbook.deals import (
    FOCUS,
    FOCUS_BLOCKS,
    LEADS,
    LOST,
    MEETINGS,
    UNREAD,
    WON_NEW,
    WON_REPEAT,
    DayTally,
    Deal,
    WonTerms,
    cents,
)
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.intake import CreditIntake
from goalreport.workbook.schema import TYPE_WORDS, type_choices
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import (
    is_blank,
    parse_decimal_amount,
    parse_money,
    parse_text,
)

#: A cache miss, where None is a cached answer.
_UNSEEN: Any = object()
#: Cell classes whose date is remembered by value (others are parsed every time).
_DAY_CLASSES = (str, float, int, date)


def read_activity(table: Table, reps: RepIndex, locale: str, out: Collector,
                  typed: list[Deal] | None = None, currency: str | None = None,
                  untyped: list[Deal] | None = None,
                  intake: CreditIntake | None = None) -> DayTally:
    """Every valid row summed into its rep's day: the ``DayTally`` (``records()`` gives
    the ``DayActivity`` records, once the exports' deals are added).

    The loop is the reader's hot spot (a million rows): each value is parsed once per
    distinct cell value and remembered, amounts are summed as integer cents, and a row
    only becomes a ``Row`` (for messages with cell names) when something needs the full
    readers. With ``typed`` (only when CRM exports are read too), each won, lost and
    meeting row is also appended as a ``Deal``, to match the exports' deals against.

    With ``untyped`` (when no goal splits new and repeat clients, so nothing is judged by
    client type), a won row may leave Client Type empty or the sheet have no such column:
    such a row is appended there, not summed, to be made new or repeat by the client's
    earlier wins (``crm.merge.infer_client_types``) once every deal is known.
    With ``intake`` (split deals, or Credit On invoiced or paid), the won and lost rows it
    wants go to it instead of the sums, to be credited one by one.
    """
    cells = _Cells(table, reps, locale, out, currency, optional_types=untyped is not None)
    tally = DayTally()
    sums = tally.sums
    days, ids, kinds, text_days = cells.days, cells.ids, cells.kinds, cells.text_days
    i_day, i_rep, i_type, i_hours, reach = (cells.i_day, cells.i_rep, cells.i_type,
                                            cells.i_hours, cells.reach)
    for number, _first, values in table.raw:
        width = len(values)
        if width < reach:  # a short row: the missing cells are empty
            values = [*values, *[None] * (reach - width)]
        raw_day, raw_rep, raw_type = values[i_day], values[i_rep], values[i_type]
        if (raw_day is None or raw_day == "" or raw_rep == "" or raw_type == "") and \
                cells.blank(values):
            continue
        day = raw_day if raw_day.__class__ is date else days.get(raw_day)
        if day is None:
            day = cells.day(number, values)
        elif text_days and (seen := text_days.get(raw_day)) is not None:
            seen.append(number)  # numeric text: for the column's day/month order check
        rep_id = ids.get(raw_rep, _UNSEEN)
        if rep_id is _UNSEEN:
            rep_id = cells.rep(raw_rep)
        kind = kinds.get(raw_type, _UNSEEN)
        if kind is _UNSEEN:
            kind = cells.kind(raw_type)
        if rep_id is None or kind is None:
            rep_id, kind = cells.rep_and_kind(number, values, rep_id, kind)
        if day is None or rep_id is None or kind is None:
            continue
        record = sums[rep_id][day]
        if kind == "lead":
            record[LEADS] += 1
        elif kind == "meeting":
            record[MEETINGS] += 1
            if typed is not None:
                typed.append(cells.deal("meeting", rep_id, day, number, values))
        elif kind == "lost":
            if typed is not None:
                typed.append(cells.deal("lost", rep_id, day, number, values))
            if intake is None or not intake.activity(table, number, values, kind, rep_id, day):
                record[LOST] += 1
        elif kind == "won":
            won = cells.won(number, values)
            if won is None:
                continue
            client_type, amount = won
            if client_type is None and untyped is not None:
                deal = cells.deal("won", rep_id, day, number, values, None, amount)
                untyped.append(deal)
                if typed is not None:
                    typed.append(deal)
                if intake is not None:  # credited once its type is inferred
                    intake.note(table, number, values, deal)
                continue
            if typed is not None:
                typed.append(cells.deal("won", rep_id, day, number, values, client_type,
                                        amount))
            if intake is not None and intake.activity(table, number, values, kind, rep_id,
                                                      day, client_type, amount):
                continue
            slot = WON_NEW if client_type == "new" else WON_REPEAT
            record[slot] += 1
            record[slot + 1] += amount
        elif kind == "focus" and i_hours >= 0:
            hundredths = cells.focus(number, values)
            if hundredths is not None:
                record[FOCUS_BLOCKS] += 1
                record[FOCUS] += hundredths
    return tally


class ActivityTerms(WonTerms[Row]):
    """A won Activity row's Client Type and Amount: goalreport's own client-type words,
    both needed (Client Type may be left empty when ``optional``: None, to infer), and
    messages that say what to write in the cell."""

    def __init__(self, locale: str, currency: str | None, optional: bool = False) -> None:
        super().__init__(locale, currency)
        self.optional = optional

    def read_client_type(self, row: Row, out: Collector) -> str | None:
        if self.optional and is_blank(row.values.get("client_type")):
            return None
        if "client_type" not in row.columns:
            out.error(row.where, "a won deal needs a Client Type, but the sheet has no "
                      "'Client Type' column. Add one and write new or repeat.",
                      kind="no client type")
            return UNREAD
        raw = row.values.get("client_type")
        if is_blank(raw):
            out.missing(row.sheet, row.number, row.columns["client_type"],
                        "the Client Type is missing for a won deal. Write new or repeat.")
            return UNREAD
        client_type = self.client_type(raw)
        if client_type is None:
            out.error(row.cell("client_type"), f"{parse_text(raw)!r} is not a client type. "
                      "Write new or repeat.", kind="client_type")
            return UNREAD
        return client_type

    def read_cents(self, row: Row, out: Collector) -> int | None:
        if "amount" not in row.columns:
            out.error(row.where, "a won deal needs an Amount, but the sheet has no 'Amount' "
                      "column. Add one and write each deal's amount.", kind="no amount")
            return None
        amount = row.parse("amount", self._money, out,
                           required="the Amount is missing for a won deal. Write the "
                                    "deal's amount, such as 1200.")
        return None if amount is None else cents(amount)

    def _money(self, value: Any) -> Decimal:
        return parse_money(value, self.locale, self.currency)


class _Cells:
    """The full readers of the Activity sheet's cells, and what each distinct value was
    found to mean (the caches ``read_activity``'s loop looks in first)."""

    def __init__(self, table: Table, reps: RepIndex, locale: str, out: Collector,
                 currency: str | None, optional_types: bool = False):
        self.table, self.reps, self.locale, self.out = table, reps, locale, out
        self.terms = ActivityTerms(locale, currency, optional_types)
        cols, first = table.columns, table.first_column
        index = {key: cols[key] - first for key in cols}
        wanted = [index.get(key, -1)
                  for key in ("date", "rep_id", "type", "client_type", "amount", "hours")]
        self.i_day, self.i_rep, self.i_type, self.i_client_type, self.i_amount, \
            self.i_hours = wanted
        self.i_client = index.get("client", -1)
        #: Cells up to here are read by position: shorter rows are padded with None.
        self.reach = max(wanted) + 1
        self.known = [i for i in index.values() if i >= 0]
        #: cell value → its day (only parsed dates; 0 and 1 are never keys: True and
        #: False equal them, and a yes/no cell is not a date).
        self.days: dict[Any, date] = {}
        #: cell value → the Rep ID it names, or None when it names none.
        self.ids: dict[Any, str | None] = {}
        #: cell value → the activity type it names, or None.
        self.kinds: dict[Any, str | None] = {}
        #: Hours cell → hundredths of an hour.
        self.hours: dict[float, int] = {}
        #: Numeric text dates of the Date column: text → rows (the day/month order check).
        self.text_days = out.text_dates.column(table.name, cols["date"]) \
            if "date" in cols else {}

    def blank(self, values: list[Any]) -> bool:
        """True when every cell under a header is empty."""
        width = len(values)
        return all(is_blank(values[i]) for i in self.known if i < width)

    def day(self, number: int, values: list[Any]) -> date | None:
        """The row's Date, parsed (numeric text noted for the order check); None after a
        problem."""
        day = self.table.row(number, values).parse_date(
            "date", self.locale, self.out,
            required="the Date is missing. Write the day of the activity, such as "
                     "2026-03-05.")
        raw = values[self.i_day]
        if day is not None and isinstance(raw, _DAY_CLASSES) and raw != 0 and raw != 1:
            self.days[raw] = day
        return day

    def rep(self, raw: Any) -> str | None:
        """The Rep ID a Rep ID cell names on the Reps sheet, or None."""
        rep = self.reps.by_key.get(rep_key(parse_text(raw)))
        found = self.ids[raw] = rep.rep_id if rep else None
        return found

    def kind(self, raw: Any) -> str | None:
        """The activity type a Type cell names, or None (an empty cell is not
        remembered: the full reader says it is missing)."""
        if is_blank(raw):
            return None
        found = self.kinds[raw] = TYPE_WORDS.get(normalize(parse_text(raw)))
        return found

    def rep_and_kind(self, number: int, values: list[Any], rep_id: str | None,
                     kind: str | None) -> tuple[str | None, str | None]:
        """The Rep ID and type the caches did not know, by the full readers (problems
        recorded)."""
        row = self.table.row(number, values)
        if rep_id is None:
            rep_id = self.reps.resolve(row, self.out)
        if kind is None:
            kind = self._kind(row)
        return rep_id, kind

    def _kind(self, row: Row) -> str | None:
        raw = row.values.get("type")
        if is_blank(raw):
            self.out.missing(row.sheet, row.number, row.columns["type"],
                             f"the Type is missing. Write one of: {type_choices()}.")
            return None
        kind = self.kind(raw)
        if kind is None:
            self.out.error(row.cell("type"), f"{parse_text(raw)!r} is not an activity type. "
                           f"Write one of: {type_choices()}.", kind="type")
        return kind

    def won(self, number: int, values: list[Any]) -> tuple[str | None, int] | None:
        """(client type, cents) of a won row: from the caches when its type and amount
        were met before, else by ``ActivityTerms``' full reading (None after a problem)."""
        terms = self.terms
        client_type = amount = None
        if self.i_client_type >= 0:
            raw = values[self.i_client_type]
            client_type = terms.types.get(raw, _UNSEEN)
            if client_type is _UNSEEN:
                client_type = terms.client_type(raw)
        if client_type is not None and self.i_amount >= 0:
            raw = values[self.i_amount]
            amount = terms.amounts.get(raw)
            if amount is None:
                amount = terms.number_cents(raw)
        if amount is None:
            return terms.read(self.table.row(number, values), self.out)
        return client_type, amount

    def focus(self, number: int, values: list[Any]) -> int | None:
        """The hundredths of an hour of a focus row; None after a problem."""
        raw = values[self.i_hours]
        hundredths = self.hours.get(raw) if raw.__class__ is float else None
        if hundredths is None:
            hours = self.table.row(number, values).parse(
                "hours", self._hours, self.out,
                required="the Hours are missing for a focus block. Write the hours set "
                         "aside, such as 2.")
            if hours is None:
                return None
            hundredths = cents(hours)
            if isinstance(raw, float):
                self.hours[raw] = hundredths
        return hundredths

    def _hours(self, value: Any) -> Decimal:
        return parse_decimal_amount(value, self.locale, what="a number of hours", example="2")

    def deal(self, kind: str, rep_id: str, day: date, number: int, values: list[Any],
             client_type: str | None = None, amount: int = 0) -> Deal:
        """The row as a ``Deal``, to be matched with the exports' deals."""
        i = self.i_client
        client = values[i] if 0 <= i < len(values) else None
        return Deal(rep_id, day, kind, client_type, amount, client_key(parse_text(client)),
                    f"{self.table.name} row {number}")


def inactive_activity_warnings(data: WorkbookData, report_month: date,
                               sheet: str = "Activity") -> list[Problem]:
    """One warning for activity of inactive reps dated in the report month or later.

    A rep who left keeps their old activity, and it rightly counts in team history: that
    is normal, and a warning about it on every run (the sample's R10) teaches a manager
    to skip warnings. Activity in the report month or later is news: the rep may still
    sell (Active should be yes), or a Rep ID was mistyped."""
    inactive = {rep.rep_id for rep in data.reps if not rep.active}
    days: dict[str, int] = defaultdict(int)
    for record in data.activity:
        if record.rep_id in inactive and record.day >= report_month:
            days[record.rep_id] += 1
    if not days:
        return []
    many = len(days) > 1
    return [Problem(f"{sheet} sheet", (
        f"inactive rep{'s' if many else ''} {_reps_with_days(days)} logged activity from "
        f"{_day(report_month)} (the report month) on; it counts in team history only. If "
        f"{'they still sell' if many else 'the rep still sells'}, set Active to yes."),
        "warning", kind="inactive rep activity")]


def history_warnings(data: WorkbookData, as_of: date, sheet: str = "Activity"
                     ) -> list[Problem]:
    """One warning for activity that counts nowhere: outside every goal year of its rep
    and outside the 365 days of history up to As Of. Last year's activity inside that
    window is the history close rates come from, so it is not warned about."""
    start = as_of - timedelta(days=HISTORY_DAYS - 1)
    fiscal = data.settings.fiscal_year_start
    years: dict[str, set[int]] = defaultdict(set)
    for goal in data.goals:
        years[goal.rep_id].add(goal.year)
    inactive = {rep.rep_id for rep in data.reps if not rep.active}
    days: dict[str, int] = defaultdict(int)
    for record in data.activity:
        if start <= record.day <= as_of or record.rep_id in inactive or \
                record.rep_id not in years or ANY_YEAR in years[record.rep_id]:
            continue  # (a goal of no particular year is the plan of every goal year)
        if goal_year_of(record.day, fiscal) not in years[record.rep_id]:
            days[record.rep_id] += 1
    if not days:
        return []
    count = sum(days.values())
    goal_years = sorted({year for rep_id in days for year in years[rep_id]})
    spans = [f"{year} ({goal_year_span(year, fiscal)})" for year in goal_years]
    years_text = spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} and {spans[-1]}"
    plural = "s" if len(spans) > 1 else ""
    return [Problem(f"{sheet} sheet", (
        f"{count} day{'s' if count != 1 else ''} of activity by {_reps_with_days(days)} "
        f"{'falls' if count == 1 else 'fall'} outside goal year{plural} {years_text} and "
        f"before the 365 days of history up to As Of ({_day(start)} – {_day(as_of)}), so "
        f"{'it counts' if count == 1 else 'they count'} nowhere. If it should count, "
        "add a Goals row for its year."),
        "warning", kind="activity outside goal years")]


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _reps_with_days(days: dict[str, int], limit: int = 10) -> str:
    """'R1 (3 days), R2 (1 day)', the first ``limit`` reps, then 'and N more reps'."""
    items = sorted(days.items())
    shown = ", ".join(f"{rep_id} ({n} day{'s' if n != 1 else ''})" for rep_id, n in items[:limit])
    rest = len(items) - limit
    return shown + (f" and {rest:,} more rep{'s' if rest != 1 else ''}" if rest > 0 else "")
