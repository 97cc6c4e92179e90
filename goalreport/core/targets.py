"""What a rep's goal asks of each month (SPEC §2): the month targets of one goal year per
revenue type, in cents, from whatever shape the Goals sheet gives. Pure and exact.

Every goal becomes the same thing here, so that everything downstream (Plan, Weekly Plan,
Progress, the reports, the funnel) reads months and nothing else:

- An annual target is spread over the months by the weights w(r,m) = Seasonality ×
  working days × ramp (largest remainder, ties to the earlier month).
- A month Goals gives is that month's target to the cent; a quarter is spread over its
  months by the same weights, so its months add up to it exactly.
- A later version (Effective From) is in force once As Of reaches it. Months before its
  month keep the targets they had; from its month on, an annual version spreads its
  target minus what those months carry, and a period version's periods replace the old
  ones (a quarter already begun gets its amount minus what its earlier months carry).
- Prorated time off (Relief ``prorate``): the plan is made as if the rep were there, then
  each month loses what its days away carried, so the year's target falls by exactly that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from goalreport.core.calendar import month_end
from goalreport.core.model import Goal, GoalVersion, Rep, RevenueType
from goalreport.core.money import largest_remainder, to_cents
from goalreport.core.phrases import Count, Day, Money, Phrase
from goalreport.errors import Problem


@dataclass(frozen=True)
class PlanChange:
    """Something that moved the rep's plan away from the first version's target: a
    revision in force, one not yet in force, or relief for time off."""

    kind: Literal["revision", "upcoming", "relief"]
    phrase: Phrase


@dataclass(frozen=True)
class MonthDays:
    """The rep's goal year month by month, as the targets need it."""

    #: First day of each of the twelve months.
    months: tuple[date, ...]
    #: w(r, m) over the days the rep is planned for (prorated time off counted as there).
    weights: tuple[Fraction | int, ...]
    #: D'(r, m): those days; D(r, m) of the plan is D' less the prorated days away.
    planned_days: tuple[int, ...]
    present_days: tuple[int, ...]
    #: Months that end before the rep's Start Date (a period there may be left out).
    before_start: tuple[bool, ...]


@dataclass(frozen=True)
class MonthTargets:
    """The plan's month targets of one rep and goal year."""

    types: tuple[RevenueType, ...]
    #: Cents per month, each a tuple in ``types`` order.
    cents: tuple[tuple[int, ...], ...]
    changes: tuple[PlanChange, ...] = ()
    #: Input problems (periods missing from the goal year): the rep cannot be planned.
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()

    def annual(self) -> dict[RevenueType, int]:
        """The year's cents per revenue type."""
        return {t: sum(month[i] for month in self.cents) for i, t in enumerate(self.types)}


Plan = list[list[int]]


def _total(plan: Plan) -> int:
    return sum(sum(month) for month in plan)


def _money(cents: int) -> Money:
    return Money(Fraction(cents, 100))


def _plain(cents: int) -> str:
    """123456789 → '1,234,567.89'; whole amounts without cents ('1,234,567')."""
    whole, rest = divmod(cents, 100)
    return f"{whole:,}" + (f".{rest:02d}" if rest else "")


def month_index(months: Sequence[date], day: date) -> int:
    """Which month of the goal year ``day`` falls in: 0 before the year, 12 after it."""
    if day < months[0]:
        return 0
    for index, first in enumerate(months):
        if first <= day <= month_end(first):
            return index
    return len(months)


def month_targets(rep: Rep, goal: Goal, days: MonthDays, as_of: date,
                  year_label: str) -> MonthTargets:
    """The month targets of ``goal`` for the rep in the year ``days`` describes, with the
    versions in force on ``as_of``. ``year_label`` names the year in messages ("goal year
    2026 (April 2026 – March 2027)")."""
    builder = _Builder(rep, goal, days, year_label)
    first, *later = goal.all_versions
    plan = builder.apply(first, 0, None)
    changes: list[PlanChange] = []
    for version in later:
        assert version.effective is not None  # the reader sorts undated versions first
        start = month_index(days.months, version.effective)
        if start >= len(days.months):
            continue
        before = _total(plan)
        if version.effective <= as_of:
            plan = builder.apply(version, start, plan)
            changes.append(PlanChange("revision", Phrase.of(
                "target revised on {day}: {before} → {after}", day=Day(version.effective),
                before=_money(before), after=_money(_total(plan)))))
        else:
            then = builder.apply(version, start, plan, quiet=True)
            changes.append(PlanChange("upcoming", Phrase.of(
                "target revised from {day} (not yet in force on {as_of}): {before} → {after}",
                day=Day(version.effective), as_of=Day(as_of), before=_money(before),
                after=_money(_total(then)))))
    relief = _relief(plan, days)
    if relief is not None:
        changes.append(relief)
    return MonthTargets(goal.types, tuple(tuple(month) for month in plan), tuple(changes),
                        tuple(builder.problems), tuple(builder.warnings))


def _relief(plan: Plan, days: MonthDays) -> PlanChange | None:
    """Each month loses what its prorated days away carried: its target is split between
    the days there and the days away by largest remainder, per revenue type."""
    carried = away_days = 0
    for index, (planned, present) in enumerate(zip(days.planned_days, days.present_days,
                                                   strict=True)):
        away = planned - present
        if away <= 0:
            continue
        away_days += away
        for t, cents in enumerate(plan[index]):
            kept, lost = largest_remainder(cents, [present, away])
            plan[index][t] = kept
            carried += lost
    if not away_days:
        return None
    return PlanChange("relief", Phrase.of(
        "target reduced by {amount} for {days} " + ("day" if away_days == 1 else "days")
        + " of leave", amount=_money(carried), days=Count(away_days)))


class _Builder:
    """Applies versions to a plan (a list of months, each a list of cents per type) and
    collects what it finds wrong on the way."""

    def __init__(self, rep: Rep, goal: Goal, days: MonthDays, year_label: str):
        self.rep, self.goal, self.days, self.year_label = rep, goal, days, year_label
        self.types = goal.types
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self._quiet = False

    def apply(self, version: GoalVersion, start: int, plan: Plan | None, *,
              quiet: bool = False) -> Plan:
        """The plan with ``version`` in force from month ``start`` on (``plan``: the one
        before it, None for the first version). ``quiet``: nothing is reported."""
        self._quiet = quiet
        count = len(self.days.months)
        new: Plan = [list(month) for month in plan] if plan else [
            [0] * len(self.types) for _ in range(count)]
        amounts = dict(version.amounts)
        if not version.periods:
            for t, revenue_type in enumerate(self.types):
                carried = sum(new[m][t] for m in range(start))
                rest = self._rest(to_cents(amounts.get(revenue_type, Decimal(0))), carried, version,
                                  "the months before it")
                split = largest_remainder(rest, self.days.weights[start:])
                for offset, cents in enumerate(split):
                    new[start + offset][t] = cents
            return new
        for m in range(start, count):
            new[m] = [0] * len(self.types)
        covered = [False] * count
        for period in version.periods:
            months = [m for m in range(period.first, period.first + period.months) if m < count]
            for m in months:
                covered[m] = True
            open_months = [m for m in months if m >= start]
            if not open_months:
                continue
            weights = [self.days.weights[m] for m in open_months]
            given = dict(period.amounts)
            if not any(weights):
                if any(given.values()) and any(self.days.weights):
                    self._warn(version, self._no_day(period.label or "a period"))
                weights = [1] * len(open_months)
            for t, revenue_type in enumerate(self.types):
                carried = sum(plan[m][t] for m in months if m < start) if plan else 0
                rest = self._rest(to_cents(given.get(revenue_type, Decimal(0))), carried, version,
                                  f"the months of {period.label} before it")
                for m, cents in zip(open_months, largest_remainder(rest, weights), strict=True):
                    new[m][t] = cents
        missing = [m for m in range(start, count)
                   if not covered[m] and not self.days.before_start[m]]
        if missing and not quiet:
            self.problems.append(self._missing(version, missing))
        return new

    def _rest(self, amount: int, carried: int, version: GoalVersion, what: str) -> int:
        """What a revision leaves for the months from its own on: its amount less what
        ``what`` already carry, never below 0 (a warning then)."""
        if amount >= carried:
            return amount - carried
        if version.effective is not None:
            self._warn(version, (
                f"the target revised from {version.effective.isoformat()} for rep "
                f"{self.rep.rep_id!r} ({self.rep.name}) is {_plain(amount)}, but {what} "
                f"already carry {_plain(carried)}: the rest is planned at 0, so the plan "
                f"stays at what those months carry."))
        return 0

    def _no_day(self, label: str) -> str:
        return (f"{label}'s target for rep {self.rep.rep_id!r} ({self.rep.name}) falls on "
                "none of their working days (Start Date, Time Off, holidays): it is kept "
                "in the plan as given, but no day carries it, so it is never expected. "
                "Check the Start Date and Time Off, or the target.")

    def _warn(self, version: GoalVersion, message: str) -> None:
        if not self._quiet:
            self.warnings.append(Problem(version.source or self.goal.source or "Goals sheet",
                                         message, "warning"))

    def _missing(self, version: GoalVersion, missing: list[int]) -> Problem:
        """One problem naming every month (or quarter) of the goal year the version leaves
        without a target."""
        months = self.days.months
        quarters = all(p.months == 3 for p in version.periods)
        if quarters:
            named: list[str] = []
            for q in sorted({m // 3 for m in missing}):
                first, last = months[3 * q], months[min(3 * q + 2, len(months) - 1)]
                named.append(f"Q{q + 1} ({first:%b}–{last:%b %Y})")
        else:
            named = [f"{months[m]:%B %Y}" for m in missing]
        shown = _listed(named)
        what = "quarter" if quarters else "month"
        return Problem(version.source or self.goal.source or "Goals sheet", (
            f"rep {self.rep.rep_id!r} ({self.rep.name}) has no target for {shown} of "
            f"{self.year_label}: a goal given by {what} needs every {what} of the year. "
            f"Add {'it' if len(named) == 1 else 'them'} to Goals (0 for none), or give the "
            "rep's Start Date on Reps if they joined later."),
            kind="periods missing")


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
