"""How many deals, leads and meetings the reports, the mail and the calendar show, and a
month of a rep's plan week by week.

**Counts.** The sheets show counts needed rounded up to whole numbers (SPEC §2). In what a
rep reads, a count below ``WHOLE_FROM`` keeps one decimal, rounded up to the tenth
(``shown_count``): rounded up to whole numbers, a week's 0.3 deals and 0.9 leads read "1
deal from 1 lead" and a month's 2.1 deals and 6.3 leads "3 deals from 7 leads", which
contradict the close rate the report is built on (one lead in three); "0.3 deals from 0.9
leads" does not. From 10 up a whole number rounded up is within 10 % of the exact
count, which no reader takes for another close rate.

**Weeks of a month.** The plan's weeks (``RepPlan.weeks``, the Weekly Plan sheet) run
across month ends: the week of 30 November has one working day in November and four in
December. Under one month's plan a week shows only its days in that month, and its
figures are the month's shown figures split by those days with the largest-remainder
method (ties to the earlier week), so the rows add up to the month: money in whole units
to the month's whole target, counts to the month's shown counts, in tenths unless every
week's share is ``WHOLE_FROM`` or more. A month's daily target is the same on each of its
working days, so a week's share is exactly its days in the month ÷ the month's.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil

from goalreport.core.calendar import month_end
from goalreport.core.money import largest_remainder_int, round_half_up
from goalreport.core.results import MonthPlan, RepPlan, WeekPlan

_WEEK = timedelta(days=7)
#: Shares of a count from this size up are shown as whole numbers, smaller ones with one
#: decimal.
WHOLE_FROM = 10


@dataclass(frozen=True)
class MonthWeek:
    """One week of a month's plan: its days in the month and its share of the month."""

    week: WeekPlan
    #: The rep's working days of this week that are in the month, in order.
    days: tuple[date, ...]
    #: Whole currency units; the weeks of a month add up to its target in whole units.
    target: int
    #: Whole numbers (``Decimal("12")``) or tenths (``Decimal("0.8")``); the weeks of a
    #: month add up to its ``shown_count``.
    deals: Decimal
    leads: Decimal
    meetings: Decimal

    @property
    def spans_months(self) -> bool:
        """Some of the week's working days are in another month."""
        return len(self.days) < self.week.working_days


def shown_count(exact: Fraction) -> Decimal:
    """A count needed as a rep reads it: rounded up to a whole number from ``WHOLE_FROM``
    (``Decimal("13")``), else rounded up to the tenth (``Decimal("0.8")``)."""
    if exact >= WHOLE_FROM:
        return Decimal(ceil(exact))
    return Decimal(ceil(exact * 10)).scaleb(-1)


def split_count(total: Decimal, weights: Sequence[int]) -> tuple[Decimal, ...]:
    """``total`` (a ``shown_count``) split in proportion to ``weights`` so the parts add
    up to it: whole numbers when it is whole and every share is ``WHOLE_FROM`` or more,
    else tenths."""
    weight_sum = sum(weights)
    if total.as_tuple().exponent == 0 and weight_sum and all(total * w >= WHOLE_FROM * weight_sum for w in weights):
        return tuple(Decimal(part) for part in largest_remainder_int(int(total), weights))
    return tuple(Decimal(part).scaleb(-1)
                 for part in largest_remainder_int(int(total * 10), weights))


def month_weeks(plan: RepPlan, month: MonthPlan) -> tuple[MonthWeek, ...]:
    """The weeks holding working days of ``month`` (a month of ``plan``), each with its
    days in the month and its share of the month's figures."""
    first, last = month.month, month_end(month.month)
    starts = [week.week_start for week in plan.weeks]
    groups: dict[int, list[date]] = {}
    for day, _ in plan.daily_targets:
        if first <= day <= last:
            groups.setdefault(bisect_right(starts, day) - 1, []).append(day)
    if not groups:
        return ()
    order = sorted(groups)
    weights = [len(groups[index]) for index in order]
    money = largest_remainder_int(round_half_up(Fraction(month.total_target)), weights)
    goal = month.objectives
    deals = split_count(shown_count(goal.deals), weights)
    leads = split_count(shown_count(goal.leads), weights)
    meetings = split_count(shown_count(goal.meetings), weights)
    return tuple(
        MonthWeek(plan.weeks[index], tuple(groups[index]), money[i], deals[i], leads[i],
                  meetings[i])
        for i, index in enumerate(order))


def week_figures(plan: RepPlan, week: WeekPlan) -> tuple[int, Decimal, Decimal, Decimal]:
    """(target in whole units, deals, leads, meetings) of a whole week: the sums of its
    shares in each month it has working days in, as those months' plans show them, so a
    calendar block for the week agrees with the reports of both months."""
    months = {day.replace(day=1) for day, _ in plan.daily_targets
              if week.week_start <= day < week.week_start + _WEEK}
    target, deals, leads, meetings = 0, Decimal(0), Decimal(0), Decimal(0)
    for month in plan.months:
        if month.month not in months:
            continue
        for part in month_weeks(plan, month):
            if part.week.week_start == week.week_start:
                target += part.target
                deals, leads, meetings = (deals + part.deals, leads + part.leads,
                                          meetings + part.meetings)
    return target, deals, leads, meetings
