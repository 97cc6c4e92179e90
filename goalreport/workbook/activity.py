"""The Activity sheet, aggregated per (rep, day) while it is read (SPEC §1).

A million rows must read in seconds, so the common case — a date cell, a known Rep ID, a
known type — takes a few dictionary look-ups; anything unusual goes through the full
parsers, which record problems with their cell names.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from goalreport.core.calendar import goal_year_of, goal_year_span
from goalreport.core.history import HISTORY_DAYS
from goalreport.core.model import DayActivity, WorkbookData
from goalreport.errors import Problem
from goalreport.guard.handback import build
from goalreport.workbook.inputsheets import RepIndex, rep_key
from goalreport.workbook.schema import CLIENT_TYPES, TYPE_WORDS, normalize, type_choices
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import (
    ValueProblem,
    is_blank,
    parse_decimal_amount,
    parse_money,
    parse_text,
)

# Slots of the per-day accumulator list: counts, and amounts in integer cents (hours in
# hundredths), which are exact since every amount is rounded to cents when it is read.
(LEADS, MEETINGS, LOST, WON_NEW, WON_NEW_AMOUNT, WON_REPEAT, WON_REPEAT_AMOUNT, FOCUS_BLOCKS,
 FOCUS) = range(9)
#: A cache miss, where None is a cached answer.
_UNSEEN: Any = object()


class _Lookups:
    """Per-text caches: the same few IDs and types repeat on every row."""

    def __init__(self, reps: RepIndex, currency: str | None = None):
        self.reps = reps
        #: The workbook's Currency: an amount written in another is a problem.
        self.currency = currency
        self.ids: dict[Any, str | None] = {}
        self.types: dict[Any, str | None] = {}
        self.client_types: dict[Any, str | None] = {}

    def rep(self, raw: Any) -> str | None:
        if raw not in self.ids:
            rep = self.reps.by_key.get(rep_key(parse_text(raw)))
            self.ids[raw] = rep.rep_id if rep else None
        return self.ids[raw]

    def kind(self, raw: Any) -> str | None:
        if raw not in self.types:
            self.types[raw] = TYPE_WORDS.get(normalize(parse_text(raw)))
        return self.types[raw]

    def client_type(self, raw: Any) -> str | None:
        if raw not in self.client_types:
            self.client_types[raw] = CLIENT_TYPES.get(normalize(parse_text(raw)))
        return self.client_types[raw]


def read_activity(table: Table, reps: RepIndex, locale: str, out: Collector,
                  typed: list[Any] | None = None, currency: str | None = None
                  ) -> tuple[DayActivity, ...]:
    """Every valid row summed into one ``DayActivity`` per rep and day.

    The loop is the reader's hot spot (a million rows): each value is parsed once per
    distinct cell value and cached, amounts are summed as integer cents, and a row only
    becomes a ``Row`` (for messages with cell names) when something needs the full parsers.
    With ``typed`` (only when CRM exports are read too), each won, lost and meeting row is
    also appended as (kind, rep ID, day, client cell, cents, row number), to match them.
    """
    look = _Lookups(reps, currency)
    ids, kinds, client_types = look.ids, look.types, look.client_types
    first = table.first_column
    cols = table.columns
    wanted = [cols.get(key, -1) - first if key in cols else -1
              for key in ("date", "rep_id", "type", "client_type", "amount", "hours")]
    i_day, i_rep, i_type, i_client, i_amount, i_hours = wanted
    i_name = cols["client"] - first if "client" in cols else -1
    reach = max(wanted) + 1
    known = [i for i in (table.columns[k] - first for k in table.columns) if i >= 0]
    by_rep: dict[str, dict[date, list[int]]] = {}
    text_days = out.text_dates.column(table.name, cols["date"]) if "date" in cols else {}
    parsed_days: dict[Any, date] = {}
    cents_of: dict[Any, int] = {}
    hours_of: dict[Any, int] = {}

    def parse_hours(value: Any) -> Decimal:
        return parse_decimal_amount(value, locale, what="a number of hours", example="2")

    for number, _first, values in table.raw:
        width = len(values)
        if width < reach:  # a short row: the missing cells are empty
            values = [*values, *[None] * (reach - width)]
        raw_day, raw_rep, raw_type = values[i_day], values[i_rep], values[i_type]
        if (raw_day is None or raw_day == "" or raw_rep == "" or raw_type == "") and all(
                is_blank(values[i]) for i in known if i < width):
            continue  # a blank row
        row: Row | None = None
        day_class = raw_day.__class__
        day: date | None
        if day_class is date:
            day = raw_day
        elif day_class is datetime:
            day = raw_day.date()
        else:
            cacheable = day_class is str or day_class is float or day_class is int
            day = parsed_days.get(raw_day) if cacheable else None
            if day is None:
                row = table.row(number, values)
                day = row.parse_date("date", locale, out,
                                     required="the Date is missing. Write the day of the "
                                              "activity, such as 2026-03-05.")
                if day is not None and cacheable:
                    parsed_days[raw_day] = day
            elif day_class is str and (seen := text_days.get(raw_day)) is not None:
                seen.append(number)  # numeric text: for the column's day/month order check
        rep_id = ids.get(raw_rep, _UNSEEN)
        if rep_id is _UNSEEN:
            rep_id = look.rep(raw_rep)
        kind = kinds.get(raw_type, _UNSEEN)
        if kind is _UNSEEN:
            kind = look.kind(raw_type) if not is_blank(raw_type) else None
        if rep_id is None or kind is None:
            row = row or table.row(number, values)
            if rep_id is None:
                rep_id = reps.resolve(row, out)
            if kind is None:
                kind = _kind(row, look, out)
        if day is None or rep_id is None or kind is None:
            continue
        rep_days = by_rep.get(rep_id)
        if rep_days is None:
            rep_days = by_rep[rep_id] = {}
        record = rep_days.get(day)
        if record is None:
            record = rep_days[day] = [0, 0, 0, 0, 0, 0, 0, 0, 0]
        if kind == "lead":
            record[LEADS] += 1
        elif kind == "meeting":
            record[MEETINGS] += 1
            if typed is not None:
                typed.append(("meeting", rep_id, day, values[i_name]
                              if 0 <= i_name < len(values) else None, 0, number))
        elif kind == "lost":
            record[LOST] += 1
            if typed is not None:
                typed.append(("lost", rep_id, day, values[i_name] if 0 <= i_name < len(values)
                              else None, 0, number))
        elif kind == "won":
            client_type = None
            if i_client >= 0:
                raw_client_type = values[i_client]
                client_type = client_types.get(raw_client_type, _UNSEEN)
                if client_type is _UNSEEN:
                    client_type = look.client_type(raw_client_type)
            raw_amount: Any = values[i_amount] if i_amount >= 0 else None
            amount_class = raw_amount.__class__
            cents: int | None = None
            if client_type is not None and (amount_class is float or amount_class is int):
                cents = cents_of.get(raw_amount)
                if cents is None and raw_amount >= 0:
                    try:
                        cents = cents_of[raw_amount] = _cents(parse_money(raw_amount))
                    except ValueProblem:  # too large, or infinite: said by the full path
                        cents = None
            if cents is not None:
                slot = WON_NEW if client_type == "new" else WON_REPEAT
            else:
                won = _won(row or table.row(number, values), look, locale, out)
                if won is None:
                    continue
                slot, cents = won[0], _cents(won[1])
            record[slot] += 1
            record[slot + 1] += cents
            if typed is not None:
                typed.append(("won", rep_id, day, values[i_name] if 0 <= i_name < len(values)
                              else None, cents, number))
        elif kind == "focus" and i_hours >= 0:
            raw_hours = values[i_hours]
            hundredths = hours_of.get(raw_hours) if raw_hours.__class__ is float else None
            if hundredths is None:
                hours = (row or table.row(number, values)).parse(
                    "hours", parse_hours, out,
                    required="the Hours are missing for a focus block. Write the hours set "
                             "aside, such as 2.")
                if hours is None:
                    continue
                hundredths = _cents(hours)
                if isinstance(raw_hours, float):
                    hours_of[raw_hours] = hundredths
            record[FOCUS_BLOCKS] += 1
            record[FOCUS] += hundredths
    return _records(by_rep)


def _cents(amount: Decimal) -> int:
    """An amount already rounded to cents, as integer cents (exact)."""
    return int(amount.scaleb(2))


def _records(by_rep: dict[str, dict[date, list[int]]]) -> tuple[DayActivity, ...]:
    """The accumulated days as ``DayActivity``, sorted by (rep ID, day). An amount nothing
    was added to is ``Decimal(0)``; any other has two places, as the sum of amounts read
    as cents would."""
    zero = Decimal(0)
    amounts: dict[int, Decimal] = {}

    def amount(count: int, cents: int) -> Decimal:
        if not count:
            return zero
        value = amounts.get(cents)
        if value is None:
            value = amounts[cents] = Decimal(cents).scaleb(-2)
        return value

    rep_ids: list[str] = []
    days: list[date] = []
    counts: list[list[int]] = []
    for rep_id in sorted(by_rep):
        rep_days = by_rep[rep_id]
        ordered = sorted(rep_days)
        rep_ids.extend([rep_id] * len(ordered))
        days.extend(ordered)
        counts.extend(map(rep_days.__getitem__, ordered))
    slots = [list(column) for column in zip(*counts, strict=True)] if counts else [[]] * 9
    return build(DayActivity, [
        rep_ids, days, slots[LEADS], slots[MEETINGS], slots[LOST], slots[WON_NEW],
        list(map(amount, slots[WON_NEW], slots[WON_NEW_AMOUNT])), slots[WON_REPEAT],
        list(map(amount, slots[WON_REPEAT], slots[WON_REPEAT_AMOUNT])),
        list(map(amount, slots[FOCUS_BLOCKS], slots[FOCUS])),
    ])


def _kind(row: Row, look: _Lookups, out: Collector) -> str | None:
    raw = row.values.get("type")
    if is_blank(raw):
        out.missing(row.sheet, row.number, row.columns["type"],
                    f"the Type is missing. Write one of: {type_choices()}.")
        return None
    kind = look.kind(raw)
    if kind is None:
        out.error(row.cell("type"), f"{parse_text(raw)!r} is not an activity type. Write one "
                  f"of: {type_choices()}.", kind="type")
    return kind


def _won(row: Row, look: _Lookups, locale: str, out: Collector) -> tuple[int, Decimal] | None:
    """(count slot, amount) of a won deal, or None after recording its problems."""
    client_type: str | None = None
    if "client_type" not in row.columns:
        out.error(row.where, "a won deal needs a Client Type, but the sheet has no 'Client "
                  "Type' column. Add one and write new or repeat.", kind="no client type")
    elif is_blank(row.values.get("client_type")):
        out.missing(row.sheet, row.number, row.columns["client_type"],
                    "the Client Type is missing for a won deal. Write new or repeat.")
    else:
        raw = row.values["client_type"]
        client_type = look.client_type(raw)
        if client_type is None:
            out.error(row.cell("client_type"), f"{parse_text(raw)!r} is not a client type. "
                      "Write new or repeat.", kind="client_type")
    amount: Decimal | None = None
    if "amount" not in row.columns:
        out.error(row.where, "a won deal needs an Amount, but the sheet has no 'Amount' "
                  "column. Add one and write each deal's amount.", kind="no amount")
    else:
        amount = row.parse("amount", lambda v: parse_money(v, locale, look.currency), out,
                           required="the Amount is missing for a won deal. Write the "
                                    "deal's amount, such as 1200.")
    if client_type is None or amount is None:
        return None
    return (WON_NEW if client_type == "new" else WON_REPEAT), amount


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
                record.rep_id not in years:
            continue
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
