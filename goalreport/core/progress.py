"""Progress as of a date (SPEC §3): actual against plan, pace, forecast, what is still
needed, status, the measured funnel and the series the charts draw. Pure and exact.

Choices where the SPEC is silent:
- As Of after the goal year is clipped to the year end; As Of before the year starts
  measures nothing: no actual, nothing expected, status "On track".
- Status with nothing expected yet (E = 0, pace blank) is "On track" unless the goal is
  already achieved.
- Needed per week = needed per working day × the number of Working Days in a week (5 by
  default). With no working day left, needed per working day is 0 when the gap is closed
  and blank (None) otherwise.
- Focus hours planned = Focus Hours per Week × the rep's elapsed working days ÷ Working
  Days per week, so time off and holidays do not count as skipped focus time.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.calendar import month_end
from goalreport.core.credit import not_yet_credited
from goalreport.core.history import Tally, in_range, tally
from goalreport.core.insights import Measured, achievements, reassess, suggestions
from goalreport.core.model import Credit, DayActivity, Goal, RevenueType, Settings
from goalreport.core.money import (
    ZERO,
    cents_money,
    cents_to_money,
    largest_remainder,
    money,
    round_half_up,
    to_cents,
)
from goalreport.core.planning import day_layout, days_until, first_week, month_weights
from goalreport.core.results import FunnelActuals, MonthProgress, Progress, RepPlan


@dataclass(frozen=True)
class ProgressInputs:
    """What every rep's progress shares."""

    settings: Settings
    seasonality: Mapping[int, Fraction]
    as_of: date
    #: First day of the report month.
    report_month: date


@dataclass(frozen=True)
class RepCredit:
    """A rep's share of split deals and of deals that count when invoiced or paid: the
    overlay part of their records (``WorkbookData.overlay``) and their credits."""

    overlay: Sequence[DayActivity] = ()
    credits: Sequence[Credit] = ()


def _cents(amount: Decimal) -> Decimal:
    """Money as Decimal with exactly two places."""
    return cents_to_money(to_cents(amount))


def status_of(attainment: Fraction | None, pace: Fraction | None, settings: Settings) -> str:
    """SPEC §3 status: Achieved at attainment ≥ 1, else by pace against the Settings
    thresholds (each boundary belongs to the better status); no pace yet → On track."""
    if attainment is not None and attainment >= 1:
        return "Achieved"
    if pace is None or pace >= settings.on_track_pace:
        return "On track"
    if pace >= settings.slightly_behind_pace:
        return "Slightly behind"
    if pace >= settings.at_risk_pace:
        return "At risk"
    return "Behind"


def funnel_actuals(
    days: Sequence[DayActivity], working_days: int, goal: Goal, settings: Settings,
    tallied: Tally | None = None,
) -> FunnelActuals:
    """What was logged in ``days``; focus planned over ``working_days`` rep working days.
    ``tallied``: ``tally(days)`` when the caller has it already."""
    t = tally(days) if tallied is None else tallied
    planned = None
    if goal.focus_hours_per_week is not None:
        per_week = max(len(settings.working_days), 1)
        planned = money(Fraction(goal.focus_hours_per_week) * working_days / per_week)
    return FunnelActuals(
        leads=t.leads, meetings=t.meetings, won=t.won, lost=t.lost,
        won_amount=_cents(t.won_amount),
        close_rate=Fraction(t.won, t.leads) if t.leads else None,
        avg_deal_size=money(Fraction(t.won_amount) / t.won) if t.won else None,
        focus_hours=t.focus_hours, focus_hours_planned=planned,
    )


def _expected_cents(plan: RepPlan, elapsed_per_month: Sequence[int]
                    ) -> dict[RevenueType, Fraction]:
    """Exact expected-to-date cents per revenue type: Σ_m T(m,t) × elapsed days ÷ D(m),
    over the plan in force on As Of."""
    expected: dict[RevenueType, Fraction] = {t: ZERO for t in plan.targets}
    for month, elapsed in zip(plan.months, elapsed_per_month, strict=True):
        if elapsed:
            share = Fraction(elapsed, month.working_days)
            for revenue_type, target in month.targets.items():
                expected[revenue_type] += to_cents(target) * share
    return expected


def measure(
    plan: RepPlan, days: Sequence[DayActivity], inputs: ProgressInputs, working_days_90: int,
    credit: RepCredit | None = None,
) -> Progress:
    """Progress of one rep as of ``inputs.as_of``.

    ``days``: the rep's activity records sorted by day (any dates). ``working_days_90``:
    the rep's working days in the 90 days ending on As Of clipped to the year end, for the
    re-assessment. ``credit``: the overlay part of ``days`` and the rep's credits, for
    what the rep adds to a team and what they booked that does not count yet.
    """
    settings = inputs.settings
    goal = plan.goal
    end = min(inputs.as_of, plan.year_end)
    started = inputs.as_of >= plan.year_start
    year_days = in_range(days, plan.year_start, end) if started else ()
    so_far = tally(year_days)
    actual_new, actual_repeat = _cents(so_far.won_new_amount), _cents(so_far.won_repeat_amount)
    actual = actual_new + actual_repeat
    target = _cents(plan.annual_target)

    rep_days = tuple(day for day, _ in plan.daily_targets)
    elapsed = bisect_right(rep_days, end) if started else 0
    remaining = len(rep_days) - elapsed
    months = tuple(m.month for m in plan.months)
    layout = day_layout(rep_days, months, first_week(plan.year_start, settings))
    elapsed_per_month = days_until(layout, elapsed)
    expected = _expected_cents(plan, elapsed_per_month)
    expected_cents = sum(expected.values(), ZERO)

    exact_actual = Fraction(actual)
    attainment = exact_actual / Fraction(target) if target > 0 else None
    pace = exact_actual * 100 / expected_cents if expected_cents else None
    forecast = exact_actual + exact_actual * remaining / elapsed if elapsed else exact_actual
    gap = max(Fraction(target) - exact_actual, ZERO)
    if remaining:
        needed_day: Fraction | None = gap / remaining
    else:
        needed_day = ZERO if gap == 0 else None
    per_week = max(len(settings.working_days), 1)
    status = status_of(attainment, pace, settings)

    catch_up: tuple[tuple[date, Decimal], ...] = ()
    if remaining:
        after = end if started else plan.year_start - timedelta(days=1)
        # The gap is spread by the plan weights of the working days after ``after``.
        before = days_until(layout, bisect_right(rep_days, after))
        weights = month_weights(plan.rep, months, [
            count - done for count, done in zip(layout.per_month, before, strict=True)],
            inputs.seasonality)
        split = largest_remainder(round_half_up(gap * 100), weights)
        catch_up = tuple((m, cents_to_money(c)) for m, c, w in zip(months, split, weights, strict=True) if w)

    month_start, month_last = inputs.report_month, month_end(inputs.report_month)
    month_until = min(month_last, inputs.as_of)
    month_working = max(
        bisect_right(rep_days, month_until) - bisect_left(rep_days, month_start), 0)
    funnel_month = funnel_actuals(
        in_range(days, month_start, month_until), month_working, goal, settings)
    funnel_year = funnel_actuals(year_days, elapsed, goal, settings, so_far)

    measured = Measured(
        plan=plan, year_days=year_days, end=end, started=started, actual=exact_actual,
        actual_new=Fraction(actual_new), actual_repeat=Fraction(actual_repeat),
        expected={t: cents / 100 for t, cents in expected.items()},
        elapsed=elapsed, remaining=remaining, gap=gap, needed_per_day=needed_day,
        funnel=funnel_year, status=status, settings=settings,
    )
    month_rows, cumulative_plan, cumulative_actual = _series(plan, year_days, end, started)
    credited = _credited(plan, credit or RepCredit(), inputs, end, started,
                         (elapsed, remaining, forecast))
    return Progress(
        rep_id=plan.rep.rep_id, as_of=inputs.as_of, annual_target=target, actual=actual,
        actual_new=actual_new, actual_repeat=actual_repeat,
        expected_to_date=cents_money(expected_cents), attainment=attainment, pace=pace,
        forecast=money(forecast), gap=money(gap), elapsed_working_days=elapsed,
        remaining_working_days=remaining,
        needed_per_working_day=money(needed_day) if needed_day is not None else None,
        needed_per_week=money(needed_day * per_week) if needed_day is not None else None,
        catch_up=catch_up, status=status, funnel_year=funnel_year, funnel_month=funnel_month,
        reassess=reassess(measured, days, working_days_90),
        achievements=achievements(measured), suggestions=suggestions(measured),
        months=month_rows, cumulative_plan=cumulative_plan,
        cumulative_actual=cumulative_actual, **credited,
    )


def _credited(plan: RepPlan, credit: RepCredit, inputs: ProgressInputs, end: date,
              started: bool, run: tuple[int, int, Fraction]) -> dict[str, Any]:
    """Progress's overlay and not-yet-credited fields (none for a rep without either)."""
    found: dict[str, Any] = {}
    if inputs.settings.credit_on != "booked":
        cents, deals = not_yet_credited(credit.credits, inputs.as_of)
        own, _ = not_yet_credited(credit.credits, inputs.as_of, overlay=False)
        found.update(not_yet_credited=cents_to_money(cents), not_yet_credited_deals=deals,
                     not_yet_credited_overlay=cents_to_money(cents - own))
    overlay_days = in_range(credit.overlay, plan.year_start, end) if started else ()
    if not overlay_days:
        return found
    elapsed, remaining, forecast = run
    overlay = _cents(tally(overlay_days).won_amount)
    exact = Fraction(overlay)
    own_forecast = forecast - exact - (exact * remaining / elapsed if elapsed else 0)
    _rows, _plan, cumulative = _series(plan, overlay_days, end, started)
    found.update(overlay=overlay, overlay_forecast=money(forecast) - money(own_forecast),
                 overlay_cumulative=cumulative)
    return found


def _series(
    plan: RepPlan, year_days: Sequence[DayActivity], end: date, started: bool
) -> tuple[tuple[MonthProgress, ...], tuple[tuple[date, Decimal], ...],
           tuple[tuple[date, Decimal], ...]]:
    """Monthly actual against target, cumulative plan at month ends, cumulative actual at
    month ends up to As Of and at As Of itself (nothing before the year starts)."""
    index = {(m.month.year, m.month.month): i for i, m in enumerate(plan.months)}
    new = [Decimal(0)] * len(plan.months)
    repeat = [Decimal(0)] * len(plan.months)
    for record in year_days:
        if not (record.won_new_amount or record.won_repeat_amount):
            continue  # most days win nothing; sums are shown in cents, so 0 adds nothing
        i = index[(record.day.year, record.day.month)]
        new[i] += record.won_new_amount
        repeat[i] += record.won_repeat_amount
    rows = tuple(
        MonthProgress(m.month, m.targets, _cents(new[i]), _cents(repeat[i]))
        for i, m in enumerate(plan.months))
    planned: list[tuple[date, Decimal]] = []
    running = Decimal(0)
    for m in plan.months:
        running += m.total_target
        planned.append((month_end(m.month), running))
    actual: list[tuple[date, Decimal]] = []
    if started:
        running = Decimal(0)
        for i, m in enumerate(plan.months):
            if m.month > end:
                break
            running += new[i] + repeat[i]
            actual.append((min(month_end(m.month), end), _cents(running)))
    return rows, tuple(planned), tuple(actual)
