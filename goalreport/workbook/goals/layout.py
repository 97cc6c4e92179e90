"""Which shape a Goals header row makes (SPEC §1), or the one problem that stops it being
read: an unreadable header is one message, never one more per rep.

- annual: no period; a Year column; New and Repeat Client Targets (today's shape), or one
  total (Quota, Target, Goal, Budget, Sales Amount Quota …), optionally with New Share;
- per period, long: a Month, Quarter or Period column (or a quota or quarter start date)
  and one amount, New and Repeat amounts, or a Client Type per row;
- per period, wide: one column per month or quarter, a row per rep (or rep and Client
  Type).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Split = Literal["columns", "share", "rows", "none"]

from goalreport.core.model import GoalsShape
from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.goals.header import REP_COLUMN, GoalsHeader, Money
from goalreport.workbook.schema import GOALS
from goalreport.workbook.table import missing_columns

Period = Literal["year", "month", "quarter"]


class LayoutProblem(Exception):
    """The header cannot be read as any shape; ``where`` and ``message`` say why."""

    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where, self.message = where, message


@dataclass
class Layout:
    """How to read the rows."""

    #: None: decided from the Period or date cells (months or quarters).
    period: Period | None
    wide: bool
    split: Split
    #: The one money column of a long or annual sheet (None: New and Repeat columns, or
    #: wide).
    money: Money | None
    #: Target-like columns not read, each with why: for the warnings.
    unused: list[tuple[Money, str]] = field(default_factory=list)

    def shape(self, sheet: str, header: GoalsHeader, period: Period, split: Split
              ) -> GoalsShape:
        """What ``check`` says was read (``split``: as the rows turned out: New Share
        given on no row is no split)."""
        money = self.money.title if self.money else ""
        calendar = period == "quarter" and (header.calendar_quarter or header.calendar_year)
        return GoalsShape(sheet, period, "wide" if self.wide else "long", split, calendar,
                          money)


def decide(header: GoalsHeader, sheet: str, fiscal_start: int, currency: str | None
           ) -> Layout:
    """The layout of ``header``; raises ``LayoutProblem``."""
    where = f"{sheet} row {header.row}"
    found = header.found()
    if not header.has("rep_id"):
        raise LayoutProblem(where, missing_columns(GOALS, [REP_COLUMN], found))
    kinds = {label.kind for label in header.periods.values()}
    wide = bool(kinds)
    long_periods = [r for r in ("month", "month_name", "quarter", "period", "quarter_date",
                                "period_date") if header.has(r)]
    if wide and len(kinds) > 1:
        raise LayoutProblem(where, "the columns mix months and quarters "
                            f"(found {found}). Give one column per month, or one per quarter.")
    if wide and any(r in long_periods for r in ("month", "month_name", "quarter", "period")):
        raise LayoutProblem(where, "the sheet has both a period column and one column per "
                            f"period (found {found}). Keep one of the two.")
    period: Period | None
    if wide:
        period = "month" if kinds == {"month"} else "quarter"
    elif header.has("month") or header.has("month_name"):
        period = "month"
    elif header.has("quarter") or header.has("quarter_date"):
        period = "quarter"
    elif long_periods:
        period = None
    else:
        period = "year"
    if period == "year" and not header.has("year"):
        raise LayoutProblem(where, missing_columns(GOALS, [GOALS.column("year")], found))
    if wide and header.has("year") and not (header.fiscal_year or header.calendar_year) \
            and fiscal_start != 1 and any(label.year is None for label in header.periods.values()
                                          if label.kind == "month"):
        raise LayoutProblem(f"{sheet} row {header.row}", plain_year(header, fiscal_start))
    if wide:
        return _wide(header)
    return _long(header, where, found, period, currency)


def plain_year(header: GoalsHeader, fiscal_start: int) -> str:
    """A plain Year column with months when the goal year does not start in January."""
    title = header.titles[header.columns["year"]]
    month = f"{date(2000, fiscal_start, 1):%B}"
    return (f"{title!r} with months is ambiguous when the goal year starts in {month} "
            "(Settings Fiscal Year Start): rename the column 'Calendar Year' (2026 and "
            "January is January 2026) or 'Fiscal Year' (January of goal year 2026 is "
            "January 2027).")


def _wide(header: GoalsHeader) -> Layout:
    split: Split = "rows" if header.has("client_type") else \
        "share" if header.has("new_share") else "none"
    reason = "the targets come from the " + (
        "month" if {label.kind for label in header.periods.values()} == {"month"}
        else "quarter") + " columns"
    return Layout(None, True, split, None, [(m, reason) for m in header.money])


def _long(header: GoalsHeader, where: str, found: str, period: Period | None,
          currency: str | None) -> Layout:
    if header.has("new_target") or header.has("repeat_target"):
        missing = [GOALS.column(key) for key in ("new_target", "repeat_target")
                   if not header.has(key)]
        if missing:
            raise LayoutProblem(where, missing_columns(GOALS, missing, found))
        new, repeat = (header.titles[header.columns[k]] for k in ("new_target", "repeat_target"))
        reason = f"the targets come from {new!r} and {repeat!r}"
        return Layout(period, False, "columns", None, [(m, reason) for m in header.money])
    money = _pick_money(header, where, found, period, currency)
    split: Split = "rows" if header.has("client_type") else \
        "share" if header.has("new_share") else "none"
    reason = f"the targets come from {money.title!r}"
    return Layout(period, False, split, money,
                  [(m, m.unusable or reason) for m in header.money if m is not money])


def _pick_money(header: GoalsHeader, where: str, found: str, period: Period | None,
                currency: str | None) -> Money:
    """The one column holding the money to plan, or the problem saying why none is."""
    usable = [m for m in header.money if not m.unusable]
    fitting = [m for m in usable if m.period in (None, period) or
               (period is None and m.period in ("month", "quarter"))]
    in_currency = [m for m in fitting if m.currency in (None, currency)] \
        if currency is not None else fitting
    if len(in_currency) > 1:
        stated = [m for m in in_currency if m.currency is not None]
        if len(stated) == 1:
            in_currency = stated
    if len(in_currency) == 1:
        return in_currency[0]
    if len(in_currency) > 1:
        names = " and ".join(repr(m.title) for m in in_currency)
        raise LayoutProblem(where, (
            f"the columns {names} could each be the target to plan. Keep one of them "
            "(delete or rename the others), so no number is read as something it is not."))
    other = [m for m in fitting if m not in in_currency]
    if other:
        money = other[0]
        cell = cell_name(where.split(" row ")[0], header.row, money.column)
        named = " and ".join(f"{m.title!r} ({m.currency})" for m in other)
        plural = len(other) > 1
        raise LayoutProblem(cell, (
            f"the column{'s' if plural else ''} {named} {'are' if plural else 'is'} in "
            f"another currency than {currency}, the currency this workbook counts (Settings "
            f"Currency). Convert the amounts to {currency}, or set Currency to "
            f"{' or '.join(dict.fromkeys(m.currency or '' for m in other))}."))
    misfit = [m for m in usable if m not in fitting]
    if misfit:
        money = misfit[0]
        given = "month" if money.period == "month" else \
            "quarter" if money.period == "quarter" else "year"
        column = "Month" if money.period == "month" else \
            "Quarter" if money.period == "quarter" else "Year"
        if period == "year":
            fix = (f"Add a {column} column (one row per rep and {given}), or give each "
                   "rep's target for the year (a column such as 'Quota').")
            has = "no " + given + "s"
        else:
            fix = f"Give the target of each {period or 'period'} the sheet names."
            has = f"a {period or 'period'} per row"
        raise LayoutProblem(where, (
            f"the column {money.title!r} holds {given} targets, but the sheet gives {has}. "
            + fix))
    missing = [GOALS.column(key) for key in ("new_target", "repeat_target")]
    raise LayoutProblem(where, missing_columns(GOALS, missing, found) + (
        " Or give one target per rep in a column such as 'Quota', 'Target' or 'Sales "
        "Amount Quota', or one column per month (Jan … Dec) or quarter (Q1 … Q4)."))
