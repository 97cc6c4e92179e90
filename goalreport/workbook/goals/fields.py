"""The Goals sheet's optional columns (Avg Deal Size, Close Rate, Meetings per Lead, Focus
Hours per Week) and the warning about targets typed in thousands (SPEC §1), whatever the
sheet's shape."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.calendar import goal_year_span
from goalreport.core.model import Goal
from goalreport.workbook.schema import GOALS
from goalreport.workbook.table import Collector, Row
from goalreport.workbook.values import (
    ValueProblem,
    parse_decimal_amount,
    parse_money,
    parse_number,
    parse_ratio,
    parse_text,
    quote,
)


def _deal_size(locale: str, currency: str | None):
    def parse(value: Any) -> Decimal:
        amount = parse_money(value, locale, currency)
        if amount == 0:
            raise ValueProblem(f"{quote(value)} is not a deal size: it must be more than 0. Write "
                               "the usual amount of one deal, such as 5000, or leave it "
                               "empty to use the rep's history.")
        return amount
    return parse


def _goal_close_rate(value: Any) -> Fraction:
    rate = parse_ratio(value, what="a close rate", example="30% or 1/3")
    shown = parse_text(value) if isinstance(value, str) else value
    if rate == 0:
        raise ValueProblem(f"{quote(shown)} is not a usable close rate: with 0 no lead ever closes. "
                           "Write the share of leads that close, such as 30% or 1/3, or leave "
                           "it empty.")
    if rate > 1:
        raise ValueProblem(f"{quote(shown)} is not a close rate between 0 and 100%. Write the share "
                           "of leads that close, such as 30% or 1/3.")
    return rate


def _meetings_per_lead(locale: str):
    def parse(value: Any) -> Fraction:
        number = parse_number(value, locale, what="a number of meetings per lead",
                              example="1.5")
        if not 0 <= number <= 100:
            raise ValueProblem(f"{quote(value)} is not a number of meetings per lead. Write a "
                               "number from 0 to 100, such as 1.5.")
        return number
    return parse


def _hours_per_week(locale: str):
    def parse(value: Any) -> Decimal:
        hours = parse_decimal_amount(value, locale, what="hours per week", example="4")
        if hours > 168:
            raise ValueProblem(f"{quote(value)} is more hours than a week has. Write the hours a "
                               "week set aside for planning, such as 4.")
        return hours
    return parse


def goal_fields(row: Row, locale: str, currency: str | None, out: Collector) -> dict[str, Any]:
    """The row's optional columns, as ``Goal`` fields."""
    both = row.parse("avg_deal_size", _deal_size(locale, currency), out)
    return {
        "avg_deal_size": both,
        "avg_new_deal_size": row.parse("avg_new_deal_size", _deal_size(locale, currency), out)
        or both,
        "avg_repeat_deal_size": row.parse("avg_repeat_deal_size", _deal_size(locale, currency),
                                          out) or both,
        "close_rate": row.parse("close_rate", _goal_close_rate, out),
        "meetings_per_lead": row.parse("meetings_per_lead", _meetings_per_lead(locale), out),
        "focus_hours_per_week": row.parse("focus_hours", _hours_per_week(locale), out),
        "source": row.where,
        "avg_deal_size_cell": _deal_size_cell(row),
        "commission_plan": row.parse("commission_plan", parse_text, out, default="") or "",
        "commission_plan_cell": row.cell("commission_plan") if row.has("commission_plan")
        else "",
    }


#: (goal, row, [(cell, column title, target, one average deal)]) for the thousands check.
Targets = tuple[Goal, Sequence[tuple[str, str, Decimal, Decimal | None]]]


def thousands_warnings(cells: Sequence[Targets], default_deal: Decimal | None,
                       fiscal_start: int, out: Collector) -> None:
    """Warn about a target smaller than one average deal of its type, or than a hundredth
    of the median goal of its year: most likely typed in thousands (96 for 96,000), which
    would put the rep at 14,722 % of target. ``120k`` is read as 120,000 already."""
    totals: dict[int, list[Decimal]] = {}
    for goal, _targets in cells:
        totals.setdefault(goal.year, []).append(goal.total_target)
    medians = {year: statistics.median_low(sorted(values)) for year, values in totals.items()}
    for goal, targets in cells:
        median = medians[goal.year]
        for cell, title, target, given in targets:
            deal = given or default_deal
            if not target:
                continue
            if deal is not None and target < deal:
                why = f"less than one average deal ({_plain(deal)})"
            elif target * 100 < median:
                why = f"less than a hundredth of the median goal ({_plain(median)}) for " \
                      f"goal year {goal.year} ({goal_year_span(goal.year, fiscal_start)})"
            else:
                continue
            out.warn(cell, f"a {title} of {_plain(target)} is {why}: did you mean "
                     f"{_plain(target * 1000)}? Write the whole amount (such as "
                     f"{_plain(target * 1000).replace(',', '')} or {_plain(target)}k).",
                     kind="goal in thousands")


def _plain(amount: Decimal) -> str:
    """96000.00 → '96,000'; 96.5 → '96.50'."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _deal_size_cell(row: Row) -> str:
    for key in ("avg_deal_size", "avg_new_deal_size", "avg_repeat_deal_size"):
        if key in row.columns:
            return row.cell(key)
    title = GOALS.column("avg_deal_size").title
    return f"an {title!r} column in {row.where}"


