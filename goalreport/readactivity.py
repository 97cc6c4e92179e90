"""The Activity sheet, aggregated per (rep, day) while it is read (SPEC §1).

A million rows must read in seconds, so the common case — a date cell, a known Rep ID, a
known type — takes a few dictionary look-ups; anything unusual goes through the full
parsers, which record problems with their cell names.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .headers import CLIENT_TYPES, TYPE_WORDS, normalize, type_choices
from .model import DayActivity, Goal, Rep
from .readsheets import RepIndex, rep_key
from .readtable import Collector, Row, Table
from .values import is_blank, parse_date, parse_decimal_amount, parse_money, parse_text

# Slots of the per-day accumulator list.
LEADS, MEETINGS, LOST, WON_NEW, WON_NEW_AMOUNT, WON_REPEAT, WON_REPEAT_AMOUNT, FOCUS = range(8)


def _new_day() -> list[Any]:
    return [0, 0, 0, 0, Decimal(0), 0, Decimal(0), Decimal(0)]


class _Lookups:
    """Per-text caches: the same few IDs and types repeat on every row."""

    def __init__(self, reps: RepIndex):
        self.reps = reps
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


def read_activity(table: Table, reps: RepIndex, locale: str,
                  out: Collector) -> tuple[DayActivity, ...]:
    """Every valid row summed into one ``DayActivity`` per rep and day."""
    days: dict[tuple[str, date], list[Any]] = defaultdict(_new_day)
    look = _Lookups(reps)
    first = table.first_column
    cols = table.columns
    wanted = [cols.get(key, -1) - first if key in cols else -1
              for key in ("date", "rep_id", "type", "client_type", "amount", "hours")]
    known = [i for i in (table.columns[k] - first for k in table.columns) if i >= 0]
    hours_cache: dict[Any, Decimal] = {}
    for number, _first, values in table.raw:
        width = len(values)
        raw = [values[i] if 0 <= i < width else None for i in wanted]
        raw_day, raw_rep, raw_type, raw_client_type, raw_amount, raw_hours = raw
        if (raw_day is None or raw_day == "" or raw_rep == "" or raw_type == "") and all(
                is_blank(values[i]) for i in known if i < width):
            continue  # a blank row
        day: date | None
        if isinstance(raw_day, date):
            day = raw_day.date() if isinstance(raw_day, datetime) else raw_day
            row = None
        else:
            row = table.row(number, values)
            day = row.parse("date", lambda v: parse_date(v, locale), out,
                            required="the Date is missing. Write the day of the activity, "
                                     "such as 2026-03-05.")
        rep_id = look.rep(raw_rep)
        kind = look.kind(raw_type) if not is_blank(raw_type) else None
        if rep_id is None or kind is None:
            row = row or table.row(number, values)
            if rep_id is None:
                rep_id = reps.resolve(row, out)
            if kind is None:
                kind = _kind(row, look, out)
        if day is None or rep_id is None or kind is None:
            continue
        record = days[(rep_id, day)]
        if kind == "lead":
            record[LEADS] += 1
        elif kind == "meeting":
            record[MEETINGS] += 1
        elif kind == "lost":
            record[LOST] += 1
        elif kind == "won":
            client_type = look.client_type(raw_client_type) if wanted[3] >= 0 else None
            won: tuple[int, Decimal] | None
            if (client_type is not None and isinstance(raw_amount, float | int)
                    and not isinstance(raw_amount, bool) and raw_amount >= 0):
                won = (WON_NEW if client_type == "new" else WON_REPEAT), parse_money(raw_amount)
            else:
                won = _won(row or table.row(number, values), look, locale, out)
            if won is not None:
                record[won[0]] += 1
                record[won[0] + 1] += won[1]
        elif kind == "focus" and wanted[5] >= 0:
            hours = hours_cache.get(raw_hours) if isinstance(raw_hours, float) else None
            if hours is None:
                hours = (row or table.row(number, values)).parse(
                    "hours", lambda v: parse_decimal_amount(
                        v, locale, what="a number of hours", example="2"), out,
                    required="the Hours are missing for a focus block. Write the hours set "
                             "aside, such as 2.")
                if hours is None:
                    continue
                if isinstance(raw_hours, float):
                    hours_cache[raw_hours] = hours
            record[FOCUS] += hours
    return tuple(
        DayActivity(rep_id, day, leads=r[LEADS], meetings=r[MEETINGS], lost=r[LOST],
                    won_new=r[WON_NEW], won_new_amount=r[WON_NEW_AMOUNT],
                    won_repeat=r[WON_REPEAT], won_repeat_amount=r[WON_REPEAT_AMOUNT],
                    focus_hours=r[FOCUS])
        for (rep_id, day), r in sorted(days.items()))


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
        raw_amount = row.values.get("amount")
        if isinstance(raw_amount, float | int) and not isinstance(raw_amount, bool) \
                and raw_amount >= 0:
            amount = parse_money(raw_amount)
        else:
            amount = row.parse("amount", lambda v: parse_money(v, locale), out,
                               required="the Amount is missing for a won deal. Write the "
                                        "deal's amount, such as 1200.")
    if client_type is None or amount is None:
        return None
    return (WON_NEW if client_type == "new" else WON_REPEAT), amount


def activity_warnings(activity: tuple[DayActivity, ...], reps: tuple[Rep, ...],
                      goals: tuple[Goal, ...], fiscal_start: int, sheet: str,
                      out: Collector) -> None:
    """One warning per rep for activity of an inactive rep, or outside every goal year."""
    inactive = {rep.rep_id for rep in reps if not rep.active}
    years: dict[str, set[int]] = defaultdict(set)
    for goal in goals:
        years[goal.rep_id].add(goal.year)
    outside: dict[str, int] = defaultdict(int)
    idle: dict[str, int] = defaultdict(int)
    for record in activity:
        if record.rep_id in inactive:
            idle[record.rep_id] += 1
            continue
        year = record.day.year if record.day.month >= fiscal_start else record.day.year - 1
        if record.rep_id in years and year not in years[record.rep_id]:
            outside[record.rep_id] += 1
    for rep_id, count in sorted(idle.items()):
        out.warn(f"{sheet} sheet", f"{count} day{'s' if count != 1 else ''} of activity for "
                 f"inactive rep {rep_id!r}; it counts in team history only.")
    for rep_id, count in sorted(outside.items()):
        known = ", ".join(str(y) for y in sorted(years[rep_id]))
        out.warn(f"{sheet} sheet", f"{count} day{'s' if count != 1 else ''} of activity for "
                 f"{rep_id!r} {'falls' if count == 1 else 'fall'} outside their goal year{'s' if len(years[rep_id]) > 1 else ''}"
                 f" ({known}); they count in history only.")
