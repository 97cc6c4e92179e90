"""The longest rep report the engine can produce, for page-fit tests: every suggestion,
the re-assess box, every achievement, long names and a six-week plan month."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import report_fixtures as fx

from goalreport.core.commission import Band, CommissionPlan, RepCommission, rep_commission
from goalreport.core.model import OpenDeal
from goalreport.core.phrases import Count, Day, Money, Number, Percent, Phrase
from goalreport.core.results import (
    Achievements,
    Computation,
    RepPlan,
    RepResult,
    SmartItem,
    Suggestion,
    WeekPlan,
)

LONG_NAME = "Maximiliana Alexandra Konstantinopoulou-Vanderbilt de la Cruz y Montenegro"
LONG_TEAM = "Enterprise Accounts North-East & Mid-Atlantic Region"
#: August 2026 starts on a Saturday and ends on a Monday: for a Mon–Sat team its working
#: days fall in six weeks, the most a month can have (the plan table's longest).
REPORT_MONTH = date(2026, 7, 1)


def suggestions() -> tuple[Suggestion, ...]:
    """All six stages, with the engine's longest wording and large numbers."""
    money = Money(Decimal("1234567.89"))
    return (
        Suggestion("leads", Phrase.of(
            "Too few leads: {a} logged so far against {b} the plan needs by now. Find new "
            "leads: the gap closes with about {n} leads a week for the rest of the year.",
            a=Count(12345), b=Count(23456), n=Number(Fraction(1234, 10)))),
        Suggestion("meetings", Phrase.of(
            "Too few meetings: {a} held against {b} the plan needs by now. Book a meeting "
            "with more of your leads: the gap closes with about {n} meetings a week for the "
            "rest of the year.", a=Count(12345), b=Count(23456), n=Number(Fraction(987, 10)))),
        Suggestion("close rate", Phrase.of(
            "Low close rate: you won {a} of {b} leads ({c}) against the {d} the plan counts "
            "on. Qualify leads before you meet them and follow up every proposal; at your "
            "rate you need about {n} leads a week for the rest of the year.", a=Count(1234),
            b=Count(12345), c=Percent(Fraction(1, 10)), d=Percent(Fraction(1, 3)),
            n=Number(Fraction(4567, 10)))),
        Suggestion("deal size", Phrase.of(
            "Small deals: your won deals average {a} against {b} in the plan. Offer larger "
            "packages and add-ons; at your size you need about {n} deals a week for the rest "
            "of the year.", a=money, b=money, n=Number(Fraction(123, 10)))),
        Suggestion("repeat business", Phrase.of(
            "Repeat business is lagging new: {a} from repeat clients against {b} planned by "
            "now, while new clients gave {a} of {b}. Call your past clients: {a} is still "
            "needed from them.", a=money, b=money)),
        Suggestion("focus time", Phrase.of(
            "Focus time skipped: {a} hours logged against {b} planned ({c} a week). Block "
            "the time in your calendar and keep it sacred.", a=Number(Decimal("1234.5"), True),
            b=Number(Decimal("2345.5"), True), c=Number(Decimal("12.5"), True))),
    )


def smart() -> tuple[SmartItem, ...]:
    return (
        SmartItem("Specific", True, Phrase.of("{a} from new clients and {a} from repeat "
                                              "clients.", a=Money(Decimal(12345678)))),
        SmartItem("Measurable", True, Phrase.of(
            "Activity is being logged (since {d} in the last 90 days).",
            d=Day(date(2026, 8, 3)))),
        SmartItem("Achievable", False, Phrase.of(
            "The plan needs {a} leads a week; you logged {b} a week in the last 365 days, and "
            "more than 1.5 times that is a stretch. Plan how to find more leads, or re-assess "
            "the goal.", a=Number(Fraction(1234, 10)), b=Number(Fraction(123, 10)))),
        SmartItem("Realistic", False, Phrase.of(
            "The plan assumes you close {a} of leads, but you closed 1,234 of 12,345 ({b}) in "
            "the last 365 days. Plan on more leads or work on closing.",
            a=Percent(Fraction(1, 3)), b=Percent(Fraction(1, 10)))),
        SmartItem("Timed", True, Phrase.of("Goal year 2026: {a} – {b}.",
                                           a=Day(date(2026, 1, 1)), b=Day(date(2026, 12, 31)))),
    )


def with_august_saturdays(plan: RepPlan) -> RepPlan:
    """``plan`` with August's Saturdays worked too, and its weeks counted again."""
    rate = dict(plan.daily_targets)[date(2026, 8, 3)]
    saturdays = [date(2026, 8, 1) + timedelta(days=7 * i) for i in range(5)]
    daily = tuple(sorted(list(plan.daily_targets) + [(day, rate) for day in saturdays]))
    days = dict(daily)
    weeks = []
    for week in plan.weeks:
        inside = [week.week_start + timedelta(days=i) for i in range(7)
                  if week.week_start + timedelta(days=i) in days]
        target = sum((Decimal(days[d].numerator) / Decimal(days[d].denominator)
                      for d in inside), Decimal(0)).quantize(Decimal("0.01"))
        weeks.append(WeekPlan(week.week_start, len(inside), target, fx.objectives(target)))
    return replace(plan, daily_targets=daily, weeks=tuple(weeks))


def deals() -> tuple[OpenDeal, ...]:
    """The most a pipeline section says: every period with deals of every category in
    millions, slipped deals with names longer than the report shows, deals after the
    goal year."""
    name = "Konstantinopoulou-Vanderbilt Holdings International renewal and expansion"
    rows = [OpenDeal("R1234567", Decimal("1234567.89"), date(2026, 8, 1) + timedelta(days=9 * i),
                     f"{name} {i}", "Negotiation/Review",
                     category=("commit", "best case", "most likely", "pipeline")[i % 4])
            for i in range(12)]
    rows += [OpenDeal("R1234567", Decimal("2345678.91"), date(2026, 6, 30) - timedelta(days=i),
                      f"{name} slipped {i}", "Proposal/Price Quote") for i in range(6)]
    rows += [OpenDeal("R1234567", Decimal("3456789.12"), date(2027, 2, 1 + i), f"{name} {i}")
             for i in range(2)]
    return tuple(rows)


def commission(result: RepResult) -> RepCommission:
    """The longest commission box: a long plan and tier names, rates to three decimals,
    bonuses in the millions, a next tier, the pay at the forecast and the landing."""
    names = ("Foundation Tier For Every Representative", "Presidents Club Accelerator Tier",
             "Hall Of Fame Super Accelerator Tier")
    starts = (Fraction(0), Fraction(3, 4), Fraction(3, 2))
    plan = CommissionPlan(
        "Enterprise Strategic Account Executive Compensation Plan 2026", "retroactive",
        tuple(Band(start, starts[i + 1] if i + 1 < len(starts) else None,
                   Fraction(2375 + 1000 * i, 100000), Decimal("1234567.89") * i, names[i])
              for i, start in enumerate(starts)))
    progress = result.progress
    assert result.pipeline is not None
    return rep_commission(plan, "Reps!E2", progress.annual_target, progress.actual,
                          progress.forecast, result.pipeline.year.landing)


def computation() -> Computation:
    result = fx.make_result("R1234567", LONG_NAME, LONG_TEAM, "9876543", "8765432",
                            "4567890", "3456789", "Behind", flagged=True)
    result = fx.with_rep(result, manager="Bartholomew Featherstonehaugh-Cholmondeley")
    progress = replace(
        result.progress, suggestions=suggestions(),
        achievements=Achievements(
            milestones=((25, date(2026, 3, 20)), (50, date(2026, 6, 12)),
                        (75, date(2026, 9, 30)), (100, date(2026, 10, 30))),
            best_month=(date(2026, 5, 1), Decimal("1234567.00")), weekly_streak=12,
            first_deal=date(2026, 1, 14)))
    plan = replace(with_august_saturdays(result.plan), smart=smart())
    result = replace(result, plan=plan, progress=progress)
    result = fx.with_pipeline(result, deals(), as_of=date(2026, 7, 31),
                              report_month=REPORT_MONTH)
    result = replace(result, commission=commission(result))
    return replace(fx.computation([result]), report_month=REPORT_MONTH,
                   as_of=date(2026, 7, 31))
