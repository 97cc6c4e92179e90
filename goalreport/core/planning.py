"""The breakdown (SPEC §2): an annual goal into monthly, weekly and daily targets and
the deals, leads and meetings they need. Pure and exact.

Money is held in integer cents; a daily target is the exact Fraction T(r,m)/D(r,m).
Monthly targets are split by the largest-remainder method (ties: the earlier month), so
the months add up to the annual target of each revenue type to the cent. Weekly targets
are the exact sums of their daily targets, rounded to cents by the same method over the
year, so the weeks add up to the annual target to the cent as well and each week is
within one cent of its exact value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from math import lcm

from goalreport.core.assumptions import Funnel
from goalreport.core.calendar import GoalYear, first_weekday, week_start
from goalreport.core.history import Tally
from goalreport.core.model import Goal, Rep, RevenueType, Settings
from goalreport.core.money import (
    ZERO,
    cents_money,
    cents_to_money,
    largest_remainder_int,
    to_cents,
)
from goalreport.core.results import MonthPlan, Objectives, RepPlan, WeekPlan
from goalreport.core.smartcheck import smart_check
from goalreport.core.targets import MonthTargets
from goalreport.errors import Problem


@dataclass(frozen=True)
class PlanInputs:
    """What every rep's plan shares: settings, seasonality, the goal year, As Of."""

    settings: Settings
    seasonality: Mapping[int, Fraction]
    year: GoalYear
    as_of: date


def ramp_factor(start: date | None, ramp_months: int, month: date,
                schedule: Sequence[Fraction] = ()) -> Fraction:
    """R(r, m) in the j-th month of tenure (the Start Date's month is j = 1): the j-th
    factor of a Ramp Schedule (``25%, 50%, 75%``) while it lasts, else j/(k+1) for j ≤ k =
    Ramp Months; otherwise 1. Months before the start have no working days, so their
    factor does not matter; it is 1."""
    if start is None or (ramp_months <= 0 and not schedule):
        return Fraction(1)
    j = (month.year - start.year) * 12 + month.month - start.month + 1
    if schedule:
        return Fraction(schedule[j - 1]) if 1 <= j <= len(schedule) else Fraction(1)
    if 1 <= j <= ramp_months:
        return Fraction(j, ramp_months + 1)
    return Fraction(1)


@dataclass(frozen=True)
class DayLayout:
    """Where a rep's working days fall in the goal year, worked out once per distinct set
    of working days (most reps share the company's): the plan and the progress of 2,000
    reps then count months and weeks, not days."""

    #: D(r, m) for each month.
    per_month: tuple[int, ...]
    #: Index in the working days of each month's first day (the days before it).
    month_offsets: tuple[int, ...]
    #: (week index from the first week's start, month index, working days) of each week
    #: and month that share working days, in day order.
    week_months: tuple[tuple[int, int, int], ...]


@lru_cache(maxsize=256)
def day_layout(rep_days: tuple[date, ...], months: tuple[date, ...],
               first_week: date) -> DayLayout:
    """The ``DayLayout`` of ``rep_days`` (sorted, inside the months) in ``months``, weeks
    counted from ``first_week`` (the start of the week holding the year's first day)."""
    index = {(m.year, m.month): i for i, m in enumerate(months)}
    per_month = [0] * len(months)
    week_months: dict[tuple[int, int], int] = {}
    for day in rep_days:
        month = index[(day.year, day.month)]
        per_month[month] += 1
        key = ((day - first_week).days // 7, month)
        week_months[key] = week_months.get(key, 0) + 1
    offsets = [0] * len(months)
    for i in range(1, len(months)):
        offsets[i] = offsets[i - 1] + per_month[i - 1]
    return DayLayout(tuple(per_month), tuple(offsets),
                     tuple((w, m, n) for (w, m), n in week_months.items()))


def days_until(layout: DayLayout, elapsed: int) -> tuple[int, ...]:
    """D(r, m) counting only the first ``elapsed`` working days of the rep."""
    return tuple(min(max(elapsed - offset, 0), count)
                 for offset, count in zip(layout.month_offsets, layout.per_month, strict=True))


def month_weights(
    rep: Rep, months: Sequence[date], working_days: Sequence[int],
    seasonality: Mapping[int, Fraction],
) -> tuple[Fraction | int, ...]:
    """w(r, m) = Seasonality(m) × D(r, m) × R(r, m), seasonality 1 where not given."""
    weights: list[Fraction | int] = []
    for m, d in zip(months, working_days, strict=True):
        weight: Fraction | int = d
        season = seasonality.get(m.month, 1)
        if d and season != 1:
            weight = d * Fraction(season)
        if d and (rep.ramp_months or rep.ramp_schedule):
            weight *= ramp_factor(rep.start_date, rep.ramp_months, m, rep.ramp_schedule)
        weights.append(weight)
    return tuple(weights)


def objectives(amounts: Mapping[RevenueType, Fraction], funnel: Funnel) -> Objectives:
    """Deals = Σ_t amount_t ÷ ADS_t; leads = deals ÷ CR; meetings = leads × MPL (exact).
    ``amounts`` are in currency units; a type with no amount needs no deals.
    """
    return _objectives([(revenue_type, amount.numerator, amount.denominator)
                        for revenue_type, amount in amounts.items()], funnel)


def _objectives(amounts: Sequence[tuple[RevenueType, int, int]], funnel: Funnel) -> Objectives:
    """``objectives`` of amounts given as (type, numerator, denominator).

    Worked in integer numerators and denominators and turned into Fractions once at the
    end: this runs for every week of every rep.
    """
    num, den = 0, 1
    for revenue_type, amount_num, amount_den in amounts:
        size = funnel.avg_deal_size[revenue_type].value
        if amount_num and size:
            term_num = amount_num * size.denominator
            term_den = amount_den * size.numerator
            num, den = num * term_den + term_num * den, den * term_den
    rate, per_lead = funnel.close_rate.value, funnel.meetings_per_lead.value
    lead_num, lead_den = num * rate.denominator, den * rate.numerator
    return Objectives(
        Fraction(num, den), Fraction(lead_num, lead_den),
        Fraction(lead_num * per_lead.numerator, lead_den * per_lead.denominator))


def _amounts(types: Sequence[RevenueType], cents: Sequence[Fraction | int]
             ) -> dict[RevenueType, Fraction]:
    return {t: Fraction(c, 100) for t, c in zip(types, cents, strict=True)}


def first_week(year_start: date, settings: Settings) -> date:
    """The start of the week holding ``year_start``: weeks start on the first working day
    after the team's weekend (``calendar.first_weekday``)."""
    return week_start(year_start, first_weekday(settings.working_days))


def week_starts(year: GoalYear, settings: Settings) -> tuple[date, ...]:
    """The first day of every week holding a day of the goal year (the first may fall
    before the year starts)."""
    first = first_week(year.start, settings)
    count = (year.end - first).days // 7 + 1
    return tuple(first + timedelta(weeks=i) for i in range(count))


def plan_rep(
    rep: Rep, goal: Goal, rep_days: Sequence[date], targets: MonthTargets, funnel: Funnel,
    history: Tally, recent: Tally, inputs: PlanInputs,
) -> tuple[RepPlan, tuple[Problem, ...]]:
    """The plan of one rep for the goal year from its month targets (``targets``), and
    warnings about it.

    A rep with no working day (starting after the year ends, time off all year, no
    Working Days) gets all-zero weekly and daily targets and a warning; the annual
    objectives still show what the goal would need.
    """
    year = inputs.year
    months = year.months
    types = targets.types
    layout = day_layout(tuple(rep_days), tuple(months), first_week(year.start, inputs.settings))
    d = layout.per_month
    warnings: list[Problem] = list(targets.warnings)
    annual_cents = targets.annual()
    if not rep_days and goal.total_target > 0:
        warnings.append(Problem(goal.source or rep.source or "Goals sheet", (
            f"rep {rep.rep_id!r} ({rep.name}) has no working days in goal year {year.year} "
            f"({year.start.isoformat()} to {year.end.isoformat()}): check the Start Date, "
            "Time Off and Working Days. Their plan targets are all 0."), "warning"))
        # The months and weeks carry nothing; the year shows what the goal would need.
        goal_amounts = dict(goal.amounts)
        annual_cents = {t: to_cents(goal_amounts.get(t, Decimal(0))) for t in types}
        targets = MonthTargets(types, tuple((0,) * len(types) for _ in months),
                               targets.changes)

    month_plans = []
    #: Exact daily target in currency units per month.
    daily_dollars: list[Fraction] = []
    for m, days, cents in zip(months, d, targets.cents, strict=True):
        total = sum(cents)
        daily_dollars.append(Fraction(total, 100 * days) if days else ZERO)
        month_plans.append(MonthPlan(
            month=m, working_days=days,
            targets={t: cents_to_money(c) for t, c in zip(types, cents, strict=True)},
            daily_target=cents_money(Fraction(total, days)) if days else cents_to_money(0),
            objectives=objectives(_amounts(types, cents), funnel),
        ))

    # rep_days is sorted, so month i holds the next d[i] days.
    daily_targets = tuple(zip(rep_days, [
        daily for daily, count in zip(daily_dollars, d, strict=True) for _ in range(count)],
        strict=True))

    weeks = _weeks(year, inputs.settings, layout, types,
                   list(zip(targets.cents, d, strict=True)), funnel)
    annual_amounts = {t: cents_to_money(c) for t, c in annual_cents.items()}
    annual = objectives(_amounts(types, [annual_cents[t] for t in types]), funnel)
    smart = smart_check(annual_amounts, annual, len(rep_days), funnel.close_rate.value,
                        history, recent, inputs.settings, year, inputs.as_of)
    plan = RepPlan(
        rep=rep, goal=goal, targets=annual_amounts, year_start=year.start, year_end=year.end,
        months=tuple(month_plans), weeks=weeks, daily_targets=daily_targets,
        avg_deal_size=dict(funnel.avg_deal_size), close_rate=funnel.close_rate,
        meetings_per_lead=funnel.meetings_per_lead, annual_objectives=annual, smart=smart,
        changes=targets.changes,
    )
    return plan, tuple(warnings)


def _weeks(
    year: GoalYear, settings: Settings, layout: DayLayout, types: Sequence[RevenueType],
    month_cents: Sequence[tuple[tuple[int, ...], int]], funnel: Funnel,
) -> tuple[WeekPlan, ...]:
    """Every week of the goal year: its in-year working days, target and objectives.

    ``month_cents``: (cents per type, working days) per month. Exact amounts are integer
    numerators over one common denominator (the lcm of the months' working days), so a
    week costs integer additions; objectives are priced once per distinct week. The weeks
    add up to the months that have working days (a month without one has no week to go
    to).
    """
    common = lcm(*(days for _, days in month_cents if days)) or 1
    zero = (0,) * len(types)
    per_day = [tuple(c * (common // days) for c in cents) if days else zero
               for cents, days in month_cents]
    total_cents = sum(sum(cents) for cents, days in month_cents if days)
    starts = week_starts(year, settings)
    counts = [0] * len(starts)
    numerators = [[0] * len(types) for _ in starts]
    for w, month, days in layout.week_months:
        counts[w] += days
        for t, amount in enumerate(per_day[month]):
            numerators[w][t] += amount * days
    rounded = largest_remainder_int(total_cents, [sum(n) for n in numerators])
    priced: dict[tuple[int, ...], Objectives] = {}
    weeks = []
    for i, start in enumerate(starts):
        key = tuple(numerators[i])
        if key not in priced:
            priced[key] = _objectives(
                [(t, n, common * 100) for t, n in zip(types, key, strict=True)], funnel)
        weeks.append(WeekPlan(week_start=start, working_days=counts[i],
                              target=cents_to_money(rounded[i]), objectives=priced[key]))
    return tuple(weeks)
