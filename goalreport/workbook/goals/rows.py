"""The Goals sheet's rows, read cell by cell into amounts with their periods (SPEC §1).

Each row gives one amount per period (a long sheet), one per period column (a wide
sheet: an empty cell is a period not given, unless it is a formula with no saved value)
or the year's (annual). Every cell problem is collected; the placing of periods in their
goal years, and the checks between the period columns of one row, follow in ``place``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.model import TOTAL, RevenueType
from goalreport.workbook.goals.fields import goal_fields
from goalreport.workbook.goals.header import GoalsHeader
from goalreport.workbook.goals.layout import Layout
from goalreport.workbook.goals.periods import Kind, Label, read_cell
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.schema import CLIENT_TYPES, normalize
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import (
    ValueProblem,
    parse_int,
    parse_money,
    parse_ratio,
    parse_text,
    quote,
)


@dataclass
class Raw:
    """One amount as read: whose, which year and period, how much of which type."""

    row: Row
    rep_id: str
    #: The Year column's value (None without one).
    year: int | None
    effective: date | None
    #: The month or quarter (None: the year's target) and the cells it came from.
    label: Label | None
    label_cell: str
    #: Amount per revenue type (total alone without a split).
    amounts: dict[RevenueType, Decimal]
    #: The money cell, for messages.
    cell: str
    #: New Share of a total (None without one).
    share: Fraction | None = None
    #: The other period cells of the row, checked against the label in ``place``:
    #: role → (cell, label).
    also: dict[str, tuple[str, Label]] = field(default_factory=dict)
    #: The row's optional columns (Avg Deal Size …) as ``Goal`` fields.
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Read:
    """What ``read_rows`` found."""

    raws: list[Raw] = field(default_factory=list)
    rows: int = 0


def _year_value(value: Any) -> int:
    """2026, '2026', 'FY2026', 'FY26'."""
    text = parse_text(value) if isinstance(value, str) else None
    if text is not None and (match := re.fullmatch(r"(?i)fy\s*'?(\d{4}|\d{2})", text)):
        digits = match.group(1)
        year = 2000 + int(digits) if len(digits) == 2 else int(digits)
    else:
        year = parse_int(value, what="a year", example="2026")
    if not 1990 <= year <= 2100:
        raise ValueProblem(f"{quote(value)} is not a goal year. Write the calendar year in which "
                           "the goal year starts, such as 2026.")
    return year


def _client_type(value: Any) -> RevenueType:
    found = CLIENT_TYPES.get(normalize(parse_text(value)))
    if found is None:
        raise ValueProblem(f"{parse_text(value)!r} is not a client type. Write new or repeat.")
    return "new" if found == "new" else "repeat"


def _share(value: Any) -> Fraction:
    share = parse_ratio(value, what="a share", example="40% or 0.4")
    if share > 1:
        raise ValueProblem(f"{quote(value)} is not a share between 0 and 100%. Write the "
                           "part of the target that comes from new clients, such as 40%.")
    return share


def table_columns(header: GoalsHeader, layout: Layout) -> dict[str, int]:
    """Column key → column for the ``Table``: the roles, the money, the period columns."""
    columns = dict(header.columns)
    if layout.money is not None:
        columns["amount"] = layout.money.column
    for column in header.periods if layout.wide else ():
        columns[f"p{column}"] = column
    return columns


#: Who a row's target is for: the row's ``rep_id`` column resolved to the key its goal is
#: filed under (a Rep ID today), or None with the problem recorded.
Owner = Callable[[Row, Collector], str | None]


def rep_owner(reps: RepIndex, header: GoalsHeader) -> Owner:
    """Rows name reps: by Rep ID, or (a Salesperson, Owner ID … column) CRM ID or Name."""
    return lambda row, out: reps.resolve(row, out, loose=header.loose_reps)


def read_rows(table: Table, header: GoalsHeader, layout: Layout, owner: Owner,
              locale: str, currency: str | None, out: Collector) -> Read:
    """Every sound amount of the sheet; problems go to ``out`` (and the owner of a row
    with one to ``out.flawed_reps``)."""
    read = Read()
    money = (lambda v: parse_money(v, locale, currency))
    title = layout.money.title if layout.money is not None else ""
    for row in table.rows:
        read.rows += 1
        before = out.errors_seen
        rep_id = owner(row, out)
        year = row.parse("year", _year_value, out, required=(
            "the Year is missing. Write the year the goal is for, such as 2026."
            if layout.period == "year" else None))
        effective = row.parse_date("effective", locale, out) if row.has("effective") else None
        revenue_type = row.parse("client_type", _client_type, out, required=(
            "the Client Type is missing. Write new or repeat.")) \
            if layout.split == "rows" else None
        share = row.parse("new_share", _share, out) if layout.split == "share" else None
        details = goal_fields(row, locale, currency, out)
        found: list[tuple[Label | None, str, dict[RevenueType, Decimal], str,
                          dict[str, tuple[str, Label]]]] = []
        if layout.wide:
            for column, label in header.periods.items():
                key = f"p{column}"
                if not row.has(key):
                    out.maybe_formula(row.sheet, row.number, column)
                    continue
                amount = row.parse(key, money, out)
                if amount is not None:
                    found.append((label, row.cell(key), _typed(amount, revenue_type),
                                  row.cell(key), {}))
        else:
            amounts = _amounts(row, layout, title, revenue_type, money, out)
            label, label_cell = None, row.where
            also: dict[str, tuple[str, Label]] = {}
            if layout.period != "year":
                label, label_cell, also = _period(row, header, layout, locale, out)
            if amounts is not None and (label is not None or layout.period == "year"):
                found.append((label, label_cell, amounts, _money_cell(row, layout), also))
        if out.errors_seen > before or rep_id is None:
            if rep_id is not None:
                out.flawed_reps.add(rep_id)
            continue
        for label, label_cell, amounts, cell, also in found:
            read.raws.append(Raw(row, rep_id, year, effective, label, label_cell, amounts,
                                 cell, share, also, details))
    return read


def _typed(amount: Decimal, revenue_type: RevenueType | None) -> dict[RevenueType, Decimal]:
    return {revenue_type or TOTAL: amount}


def _money_cell(row: Row, layout: Layout) -> str:
    return row.cell("amount") if layout.money is not None else row.cell("new_target")


def _amounts(row: Row, layout: Layout, title: str, revenue_type: RevenueType | None,
             money: Any, out: Collector) -> dict[RevenueType, Decimal] | None:
    """The row's amounts: New and Repeat columns (today's messages), or the one money
    column."""
    what = "year's" if layout.period == "year" else "period's"
    if layout.split == "columns":
        new = row.parse("new_target", money, out, required=(
            f"the New Client Target is missing. Write the {what} target from new clients, "
            "or 0."))
        repeat = row.parse("repeat_target", money, out, required=(
            f"the Repeat Client Target is missing. Write the {what} target from repeat "
            "clients, or 0."))
        if new is None or repeat is None:
            return None
        return {"new": new, "repeat": repeat}
    amount = row.parse("amount", money, out, required=(
        f"the {title} is missing. Write the {what} target, or 0."))
    return None if amount is None else _typed(amount, revenue_type)


_PERIOD_ROLES: tuple[tuple[str, Kind | None, bool], ...] = (
    # (role, what its cells are, a date column), the first present decides the period.
    ("month", "month", False), ("quarter", "quarter", False), ("quarter_date", "quarter", True),
    ("period", None, False), ("period_date", None, True), ("month_name", "month", False))


def _period(row: Row, header: GoalsHeader, layout: Layout, locale: str, out: Collector
            ) -> tuple[Label | None, str, dict[str, tuple[str, Label]]]:
    """The row's period from its first period column, and the others to check it by."""
    label: Label | None = None
    label_cell = ""
    also: dict[str, tuple[str, Label]] = {}
    for role, kind, dates in _PERIOD_ROLES:
        if not header.has(role):
            continue
        if label is None:
            required = f"the {header.titles[header.columns[role]]} is missing. " \
                       f"Write the {kind or 'period'} this target is for."
        else:
            required = None
        parsed = row.parse(role, _reader(kind, locale, dates), out, required=required)
        if parsed is None:
            continue
        if label is None:
            label, label_cell = parsed, row.cell(role)
        else:
            also[role] = (row.cell(role), parsed)
    return label, label_cell, also


def _reader(kind: Kind | None, locale: str, dates: bool) -> Callable[[Any], Label]:
    return lambda value: read_cell(value, kind, locale, dates=dates)
