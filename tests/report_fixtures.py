"""Hand-built engine results for the report tests, independent of the engine.

One calendar goal year 2026, As Of 2026-10-31, report month October. The figures are
chosen by hand (they need not be what the engine would compute); the tests assert that
the reports show exactly these figures, formatted for the locale.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from goalreport.core.model import Goal, OpenDeal, Rep, Settings
from goalreport.core.phrases import Money, Number, Phrase
from goalreport.core.pipeline import rep_pipeline
from goalreport.core.results import (
    Achievements,
    Assumption,
    Computation,
    FunnelActuals,
    MonthPlan,
    MonthProgress,
    Objectives,
    Progress,
    Reassess,
    RepPlan,
    RepResult,
    SmartItem,
    Suggestion,
    WeekPlan,
)
from goalreport.core.rollup import team_totals

AS_OF = date(2026, 10, 31)
REPORT_MONTH = date(2026, 10, 1)
YEAR_START, YEAR_END = date(2026, 1, 1), date(2026, 12, 31)
CLOSE_RATE = Fraction(1, 3)
DEAL = Decimal(5000)


def weekdays(first: date) -> list[date]:
    last = calendar.monthrange(first.year, first.month)[1]
    return [first.replace(day=d) for d in range(1, last + 1)
            if first.replace(day=d).weekday() < 5]


def objectives(amount: Decimal) -> Objectives:
    deals = Fraction(amount) / Fraction(DEAL)
    return Objectives(deals=deals, leads=deals / CLOSE_RATE, meetings=deals / CLOSE_RATE)


def make_plan(rep: Rep, new_target: Decimal, repeat_target: Decimal) -> RepPlan:
    """A plan spreading the target over weekdays (no holidays), one twelfth of each type
    per month for simplicity; weekly targets from the same daily rate."""
    months, daily = [], []
    for number in range(1, 13):
        first = date(2026, number, 1)
        days = weekdays(first)
        new, repeat = new_target / 12, repeat_target / 12
        rate = (new + repeat) / len(days)
        months.append(MonthPlan(month=first, working_days=len(days),
                                targets={"new": new, "repeat": repeat},
                                daily_target=rate.quantize(Decimal("0.01")),
                                objectives=objectives(new + repeat)))
        daily += [(day, Fraction(rate)) for day in days]
    weeks = []
    monday = YEAR_START - timedelta(days=YEAR_START.weekday())
    rates = dict(daily)
    while monday <= YEAR_END:
        days = [monday + timedelta(days=i) for i in range(7)]
        inside = [d for d in days if d in rates]
        target = sum((Decimal(rates[d].numerator) / Decimal(rates[d].denominator)
                      for d in inside), Decimal(0)).quantize(Decimal("0.01"))
        weeks.append(WeekPlan(week_start=monday, working_days=len(inside), target=target,
                              objectives=objectives(target)))
        monday += timedelta(days=7)
    goal = Goal(rep_id=rep.rep_id, year=2026, new_target=new_target, repeat_target=repeat_target,
                focus_hours_per_week=Decimal(4))
    return RepPlan(
        rep=rep, goal=goal, targets={"new": new_target, "repeat": repeat_target},
        year_start=YEAR_START, year_end=YEAR_END, months=tuple(months),
        weeks=tuple(weeks), daily_targets=tuple(daily),
        avg_deal_size={"new": Assumption(Fraction(DEAL), "goal sheet", "Goals!E2"),
                       "repeat": Assumption(Fraction(3000), "history",
                                            "mean of 4 won repeat deals")},
        close_rate=Assumption(CLOSE_RATE, "default", "no history"),
        meetings_per_lead=Assumption(Fraction(1), "default"),
        annual_objectives=objectives(new_target + repeat_target),
        smart=(SmartItem("Specific", True, "New and repeat targets are set."),
               SmartItem("Measurable", True, "Activity is logged."),
               SmartItem("Achievable", False, "Needs 9 leads a week; you log about 4."),
               SmartItem("Realistic", True, "Assumed close rate is within your history."),
               SmartItem("Timed", True, "Goal year 2026.")),
    )


def funnel(leads: int, meetings: int, won: int, lost: int, amount: Decimal,
           focus: Decimal, planned: Decimal | None) -> FunnelActuals:
    return FunnelActuals(
        leads=leads, meetings=meetings, won=won, lost=lost, won_amount=amount,
        close_rate=Fraction(won, leads) if leads else None,
        avg_deal_size=(amount / won).quantize(Decimal("0.01")) if won else None,
        focus_hours=focus, focus_hours_planned=planned)


def make_progress(plan: RepPlan, actual_new: Decimal, actual_repeat: Decimal, *,
                  status: str, flagged: bool = False) -> Progress:
    target = plan.goal.total_target
    actual = actual_new + actual_repeat
    expected = target * 10 / 12
    remaining = 45
    elapsed = plan.working_days - remaining
    gap = max(Decimal(0), target - actual)
    forecast = (actual + actual / elapsed * remaining).quantize(Decimal("0.01"))
    months, cumulative_plan, cumulative_actual = [], [], []
    running_plan = running_actual = Decimal(0)
    for index, month in enumerate(plan.months):
        done = month.month <= AS_OF
        new_a = (actual_new / 10).quantize(Decimal("0.01")) if done else Decimal(0)
        rep_a = (actual_repeat / 10).quantize(Decimal("0.01")) if done else Decimal(0)
        months.append(MonthProgress(month.month, month.targets, new_a, rep_a))
        end = date(2026, index + 1, calendar.monthrange(2026, index + 1)[1])
        running_plan += month.total_target
        cumulative_plan.append((end, running_plan))
        if done:
            running_actual += new_a + rep_a
            cumulative_actual.append((min(end, AS_OF), running_actual))
    reassess = Reassess(
        ratio=Fraction(21, 10) if flagged else Fraction(1, 2),
        avg_per_working_day_90=Decimal("610.00"), flagged=flagged,
        suggested_goal=Decimal("142500.00") if flagged else None,
        reason=Phrase.of(
            "{needed} is needed per working day, {ratio} times the {recent} earned per "
            "working day over the last 90 days. A realistic goal would be {suggested}.",
            needed=Money(Decimal("916.30"), daily=True), ratio=Number(Fraction(21, 10)),
            recent=Money(Decimal("610.00"), daily=True), suggested=Money(Decimal(142500)))
        if flagged else Phrase(""))
    per_day = (gap / remaining).quantize(Decimal("0.01")) if remaining else None
    return Progress(
        rep_id=plan.rep.rep_id, as_of=AS_OF, annual_target=target, actual=actual,
        actual_new=actual_new, actual_repeat=actual_repeat, expected_to_date=expected,
        attainment=Fraction(actual) / Fraction(target),
        pace=Fraction(actual) / Fraction(expected), forecast=forecast, gap=gap,
        elapsed_working_days=elapsed, remaining_working_days=remaining,
        needed_per_working_day=per_day, needed_per_week=per_day * 5 if per_day else None,
        catch_up=((date(2026, 11, 1), gap * 21 / 45), (date(2026, 12, 1), gap * 24 / 45)),
        status=status,
        funnel_year=funnel(60, 75, 18, 20, actual, Decimal("150.5"), Decimal(176)),
        funnel_month=funnel(7, 9, 2, 3, Decimal(11000), Decimal(12), Decimal(16)),
        reassess=reassess,
        achievements=Achievements(
            milestones=((25, date(2026, 3, 20)), (50, date(2026, 6, 12)), (75, None),
                        (100, None)),
            best_month=(date(2026, 5, 1), Decimal("21400.00")), weekly_streak=3,
            first_deal=date(2026, 1, 14)),
        # Headed as the engine heads its suggestions (said once, in bold).
        suggestions=(Suggestion("leads", "Too few leads: you logged 60; the plan needs 90 "
                                "by now. Add 3 leads a week to close the gap."),),
        months=tuple(months), cumulative_plan=tuple(cumulative_plan),
        cumulative_actual=tuple(cumulative_actual),
    )


def make_result(rep_id: str, name: str, team: str, new: str, repeat: str,
                actual_new: str, actual_repeat: str, status: str,
                flagged: bool = False) -> RepResult:
    rep = Rep(rep_id=rep_id, name=name, team=team, manager="Maria Chen",
              email=f"{rep_id.lower()}@example.com")
    plan = make_plan(rep, Decimal(new), Decimal(repeat))
    return RepResult(plan, make_progress(plan, Decimal(actual_new), Decimal(actual_repeat),
                                         status=status, flagged=flagged))


def computation(results: list[RepResult] | None = None) -> Computation:
    """Three reps in two teams; Ana Lima (R1) is the one the golden file shows."""
    if results is None:
        results = [
            make_result("R1", "Ana Lima", "East", "120000", "60000", "98765.40", "40000",
                        "Slightly behind", flagged=True),
            make_result("R2", "Ben Okafor", "East", "90000", "30000", "101000", "20500",
                        "Achieved"),
            make_result("R3", "Chloé Martin", "West", "100000", "50000", "60000", "15000",
                        "Behind"),
        ]
    return Computation(as_of=AS_OF, report_month=REPORT_MONTH, goal_year=2026,
                       results=tuple(results), team=team_totals(results))


def settings(locale: str = "en_US", currency: str = "USD") -> Settings:
    return Settings(company="Acme Tools", currency=currency, locale=locale, as_of=AS_OF)


def with_rep(result: RepResult, **changes: object) -> RepResult:
    """``result`` with its rep's fields changed (name, team, …)."""
    rep = replace(result.plan.rep, **changes)  # type: ignore[arg-type]
    return replace(result, plan=replace(result.plan, rep=rep))


def with_pipeline(result: RepResult, deals: tuple[OpenDeal, ...], *, as_of: date = AS_OF,
                  report_month: date = REPORT_MONTH,
                  settings: Settings | None = None) -> RepResult:
    """``result`` with the pipeline of ``deals`` (figures by ``core.pipeline``, whose own
    tests work them by hand)."""
    return replace(result, pipeline=rep_pipeline(
        result.plan, result.progress, deals, {}, settings or Settings(), as_of, report_month))
