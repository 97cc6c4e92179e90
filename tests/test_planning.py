"""The breakdown (SPEC §2): monthly, weekly, daily targets, objectives, assumptions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.core.model import DayActivity, Settings, TimeOff
from goalreport.core.money import largest_remainder
from goalreport.core.planning import ramp_factor
from goalreport.errors import InputProblems
from tests.enginedata import data, goal, rep, won

AS_OF = date(2026, 6, 30)

say = Formatter("en_US", "USD").say


def _plan(workbook, as_of: date = AS_OF, rep_id: str = "R1"):
    result = compute(workbook, as_of=as_of)
    return next(r.plan for r in result.results if r.rep.rep_id == rep_id)


def test_largest_remainder_breaks_ties_to_the_earlier_part() -> None:
    assert largest_remainder(100, [1, 1, 1]) == (34, 33, 33)
    assert largest_remainder(5, [Fraction(1, 2), Fraction(1, 2)]) == (3, 2)
    assert largest_remainder(7, [0, 0]) == (0, 0)


def test_seed_example_needs_20_deals_and_60_leads_a_year() -> None:
    # $1,000 new + $1,000 repeat at $100 a deal = 20 deals; closing 1 in 3 → 60 leads.
    plan = _plan(data())
    assert plan.annual_objectives.deals == 20
    assert plan.annual_objectives.leads == 60
    assert plan.annual_objectives.meetings == 60
    assert plan.close_rate.source == "default" and plan.close_rate.value == Fraction(1, 3)
    assert plan.meetings_per_lead.source == "default"
    assert plan.avg_deal_size["new"].source == "goal sheet"


def test_months_follow_working_days_by_largest_remainder() -> None:
    # 2026 Mon–Fri: 261 days; D = 22,20,22,22,21,22,23,21,22,22,21,23. $1,000 = 100000 c.
    # Shares 100000·D/261: D=22 → 8429.118, 20 → 7662.835, 21 → 8045.977, 23 → 8812.260.
    # Floors add to 99995; the 5 cents left go to May, Aug, Nov (.977), Feb (.835), and
    # July (.260, tied with December: the earlier month wins).
    plan = _plan(data())
    new = [m.new_target for m in plan.months]
    assert new == [Decimal(x) for x in (
        "84.29", "76.63", "84.29", "84.29", "80.46", "84.29",
        "88.13", "80.46", "84.29", "84.29", "80.46", "88.12")]
    assert sum(new) == Decimal("1000.00")
    january = plan.months[0]
    assert january.working_days == 22
    assert january.total_target == Decimal("168.58")
    assert january.daily_target == Decimal("7.66")  # 168.58 / 22 = 7.6627…
    # 168.58 / 100 = 1.6858 deals, ÷ 1/3 = 5.0574 leads: shown as 2 and 6.
    assert january.objectives.deals == Fraction(16858, 10000)
    assert (january.objectives.deals_shown, january.objectives.leads_shown) == (2, 6)
    assert plan.daily_targets[0] == (date(2026, 1, 1), Fraction(16858, 100 * 22))


def test_ramp_factor_gives_25_50_75_percent_with_three_ramp_months() -> None:
    start = date(2026, 7, 15)
    assert [ramp_factor(start, 3, date(2026, m, 1)) for m in (7, 8, 9, 10)] == [
        Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), 1]
    assert ramp_factor(None, 3, date(2026, 7, 1)) == 1


def test_rep_starting_mid_year_with_three_month_ramp() -> None:
    # Start Wed 1 July. Weights: Jul 23·¼ = 5.75, Aug 21·½ = 10.5, Sep 22·¾ = 16.5,
    # Oct 22, Nov 21, Dec 23: Σ = 98.75. $987.50 → exactly $10 per unit of weight.
    workbook = data(reps=(rep(start_date=date(2026, 7, 1), ramp_months=3),),
                    goals=(goal(new="987.50", repeat="0"),))
    plan = _plan(workbook, as_of=date(2026, 8, 15))
    assert [m.new_target for m in plan.months] == [Decimal(0)] * 6 + [
        Decimal(x) for x in ("57.50", "105.00", "165.00", "220.00", "210.00", "230.00")]
    assert [m.working_days for m in plan.months][:7] == [0, 0, 0, 0, 0, 0, 23]
    # Daily: July 57.50/23 = 2.50, September 165/22 = 7.50.
    assert plan.months[6].daily_target == Decimal("2.50")
    assert plan.months[8].daily_target == Decimal("7.50")
    # Week of Mon 31 Aug spans two months: Aug 31 at 105/21 = 5.00 + Sep 1–4 at 7.50.
    week = next(w for w in plan.weeks if w.week_start == date(2026, 8, 31))
    assert (week.working_days, week.target) == (5, Decimal("35.00"))
    assert week.objectives.deals == Fraction(35, 100)  # $35 at $100 a deal


def test_weeks_at_year_edges_hold_only_days_of_the_year() -> None:
    plan = _plan(data())
    assert plan.weeks[0].week_start == date(2025, 12, 29)
    assert plan.weeks[0].working_days == 2  # Thu 1 and Fri 2 January
    assert plan.weeks[-1].week_start == date(2026, 12, 28)
    assert plan.weeks[-1].working_days == 4  # Mon 28 – Thu 31 December
    assert len(plan.weeks) == 53
    assert sum(w.target for w in plan.weeks) == Decimal("2000.00")
    assert sum(w.working_days for w in plan.weeks) == 261


def test_two_weeks_time_off_moves_target_to_other_months() -> None:
    # 261 − 10 = 251 working days; March keeps 12. $2,510 new → exactly $10 a day.
    workbook = data(goals=(goal(new="2510", repeat="0"),),
                    time_off=(TimeOff("R1", date(2026, 3, 2), date(2026, 3, 13)),))
    plan = _plan(workbook)
    assert plan.months[2].working_days == 12
    assert plan.months[2].new_target == Decimal("120.00")
    assert plan.months[0].new_target == Decimal("220.00")
    away = [w for w in plan.weeks if w.week_start in (date(2026, 3, 2), date(2026, 3, 9))]
    assert [(w.working_days, w.target) for w in away] == [(0, Decimal("0.00"))] * 2


def test_seasonality_weights_months() -> None:
    # December weighs 2: Σw = 261 + 23 = 284. $2,840 → $10 per unit: Dec 46 → $460.
    workbook = data(goals=(goal(new="2840", repeat="0"),),
                    seasonality={12: Fraction(2)})
    plan = _plan(workbook)
    assert plan.months[11].new_target == Decimal("460.00")
    assert plan.months[0].new_target == Decimal("220.00")
    assert plan.months[11].daily_target == Decimal("20.00")


def test_fiscal_year_from_april() -> None:
    settings = Settings(fiscal_year_start=4)
    workbook = data(goals=(goal(year=2026),), settings=settings)
    result = compute(workbook, as_of=date(2027, 2, 10))
    plan = result.results[0].plan
    assert result.goal_year == 2026
    assert (plan.year_start, plan.year_end) == (date(2026, 4, 1), date(2027, 3, 31))
    assert [m.month for m in plan.months][::11] == [date(2026, 4, 1), date(2027, 3, 1)]
    assert sum(m.total_target for m in plan.months) == Decimal("2000.00")


def test_no_working_days_gives_zero_targets_and_a_warning() -> None:
    workbook = data(reps=(rep(start_date=date(2027, 1, 4)),))
    result = compute(workbook, as_of=date(2026, 6, 30))
    plan = result.results[0].plan
    assert all(m.total_target == 0 and m.daily_target == 0 for m in plan.months)
    assert all(w.target == 0 for w in plan.weeks)
    assert plan.daily_targets == ()
    assert plan.annual_objectives.deals == 20  # what the goal itself would need
    assert [w.severity for w in result.warnings] == ["warning"]
    assert "no working days in goal year 2026" in result.warnings[0].message
    smart = {item.name: item for item in plan.smart}
    assert not smart["Achievable"].passed


def _history(rep_id: str, count: int, amount: str, kind: str = "new") -> tuple[DayActivity, ...]:
    return tuple(won(date(2026, 3, 2 + i), amount, kind, rep_id) for i in range(count))


def test_deal_size_from_own_history_then_team_then_everyone_then_default() -> None:
    reps = (rep("A", team="East"), rep("B", team="East"), rep("C", team="West"),
            rep("D", team="North"), rep("X", team="West", active=False))
    goals = tuple(goal(r.rep_id, ads=None) for r in reps)
    activity = (
        _history("A", 3, "200") + _history("B", 3, "300", "repeat")
        + _history("X", 2, "50") + _history("X", 1, "80")
    )
    settings = Settings(default_avg_deal_size=Decimal(75))
    result = compute(data(reps, goals, activity, settings), as_of=AS_OF)
    plans = {r.rep.rep_id: r.plan for r in result.results}
    a, b, c = plans["A"].avg_deal_size, plans["B"].avg_deal_size, plans["C"].avg_deal_size
    assert (a["new"].source, a["new"].value) == ("history", 200)
    assert (a["repeat"].source, a["repeat"].value) == ("team", 300)  # B, same team
    assert (b["new"].source, b["new"].value) == ("team", 200)
    # West has only X's 3 new deals (inactive reps still count): (50+50+80)/3 = 60.
    assert (c["new"].source, c["new"].value) == ("team", 60)
    # Repeat: West has none; all reps: B's three at 300.
    assert (c["repeat"].source, c["repeat"].value) == ("team", 300)
    assert "all reps" in c["repeat"].detail
    d = plans["D"].avg_deal_size
    assert d["new"].source == "team"  # everyone: 3×200 + 3×60… pooled mean
    assert d["new"].value == Fraction(3 * 200 + 50 + 50 + 80, 6)


def test_default_deal_size_and_missing_deal_size_problem() -> None:
    settings = Settings(default_avg_deal_size=Decimal(250))
    plan = _plan(data(goals=(goal(ads=None),), settings=settings))
    assert (plan.avg_deal_size["new"].source, plan.avg_deal_size["new"].value) == ("default", 250)
    with pytest.raises(InputProblems) as raised:
        compute(data(goals=(goal(ads=None),)), as_of=AS_OF)
    problems = raised.value.problems
    assert [p.where for p in problems] == ["Goals!F(R1)", "Goals!F(R1)"]
    assert "'R1'" in problems[0].message and "Avg Deal Size" in problems[0].message


def test_type_without_target_needs_no_deal_size() -> None:
    plan = _plan(data(goals=(goal(new="1200", repeat="0", ads=None,
                                  avg_new_deal_size=Decimal(120)),)))
    assert plan.avg_deal_size["repeat"].source == "not needed"
    assert plan.annual_objectives.deals == 10


def test_close_rate_and_meetings_per_lead_from_history() -> None:
    # 12 leads, 3 won, 18 meetings in the 365 days before As Of → 1/4 and 3/2.
    activity = tuple(DayActivity("R1", date(2026, 1, 5 + i), leads=1, meetings=1)
                     for i in range(12))
    activity += (DayActivity("R1", date(2026, 2, 2), meetings=6),)
    activity += _history("R1", 3, "100")
    plan = _plan(data(activity=activity))
    assert (plan.close_rate.source, plan.close_rate.value) == ("history", Fraction(1, 4))
    assert (plan.meetings_per_lead.source, plan.meetings_per_lead.value) == ("history", Fraction(3, 2))
    assert plan.annual_objectives.leads == 80  # 20 deals ÷ 1/4
    assert plan.annual_objectives.meetings == 120


def test_nine_leads_are_not_enough_history() -> None:
    activity = tuple(DayActivity("R1", date(2026, 1, 5 + i), leads=1) for i in range(9))
    activity += _history("R1", 3, "100")
    plan = _plan(data(activity=activity))
    assert plan.close_rate.source == "default"


def test_smart_check_items_and_reasons() -> None:
    plan = _plan(data(goals=(goal(close_rate=Fraction(19, 20)),)))
    smart = {item.name: item for item in plan.smart}
    reason = {item.name: say(item.reason) for item in plan.smart}
    assert list(smart) == ["Specific", "Measurable", "Achievable", "Realistic", "Timed"]
    assert smart["Specific"].passed
    assert reason["Specific"] == "$1,000 from new clients and $1,000 from repeat clients."
    assert not smart["Measurable"].passed  # nothing logged
    assert smart["Achievable"].passed  # no history to compare with
    assert not smart["Realistic"].passed and "95%" in reason["Realistic"]
    assert reason["Timed"] == "Goal year 2026: Jan 1, 2026 – Dec 31, 2026."


def test_achievable_compares_leads_needed_with_leads_logged() -> None:
    # Plan: 60 leads over 261 days = 60 / 52.2 weeks ≈ 1.15 a week. Logged: 2 leads on
    # 2026-06-03 (first activity), As Of 06-30: 28 days = 4 weeks → 0.5 a week; 1.5 × 0.5
    # = 0.75 < 1.15 → warn.
    activity = (DayActivity("R1", date(2026, 6, 3), leads=2),)
    smart = {i.name: i for i in _plan(data(activity=activity)).smart}
    assert not smart["Achievable"].passed
    assert "1.1 leads a week" in say(smart["Achievable"].reason)
    assert "0.5 a week" in say(smart["Achievable"].reason)
    assert smart["Measurable"].passed
