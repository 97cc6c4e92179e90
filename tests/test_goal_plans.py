"""Plans from the quota shapes managers keep, against hand-worked numbers: months given are
the plan to the cent, quarters split by working days × Seasonality × ramp, a fiscal year
from April, revisions from July, prorated leave across a month end, a ramp schedule, and
one total measured without a new/repeat split.

Unless a test says otherwise: Working Days Mon–Fri, no holidays, so 2026 has
Jan 22, Feb 20, Mar 22, Apr 22, May 21, Jun 22, Jul 23, Aug 21, Sep 22, Oct 22, Nov 21,
Dec 23 working days (261); Default Avg Deal Size $1,000 (no history needed).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from quota_books import book, money, months, plan_of

D = dt.date
DEAL = {"Default Avg Deal Size": 1000}
# The real header of a RevOps quota seed (sujatakaran12/pipeline-health-forecast,
# data/quotas.csv): rep_id, fiscal_quarter, quota_start_date, ramp_pct, quota_eur.
REVOPS = ["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"]


def _result(computation, rep_id="R1"):
    return next(r for r in computation.results if r.rep.rep_id == rep_id)


def test_given_months_are_the_plan_to_the_cent(tmp_path):
    # Real rows (harshi1006/sales-dashboard-powerbi, data/sales_targets.csv): Amit's 2026
    # plan is exactly his twelve numbers, whatever the working days.
    goals = [["salesperson", "month", "month_name", "target"],
             *[["Amit", m, name, target] for m, name, target in zip(
                 range(1, 13), ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
                                "Oct", "Nov", "Dec"),
                 (100527, 103569, 91151, 151094, 139174, 124739, 112954, 192984, 192863,
                  189373, 115303, 114700), strict=True)]]
    computation = plan_of(book(tmp_path / "m.xlsx", goals, settings=DEAL), D(2026, 5, 15))
    assert months(computation, "Amit") == money(
        100527, 103569, 91151, 151094, 139174, 124739, 112954, 192984, 192863, 189373, 115303,
        114700)
    plan = _result(computation, "Amit").plan
    assert plan.annual_target == Decimal("1628431.00")  # the twelve added up
    # January: 100,527 over 22 days = 4,569.409… a day, shown as 4,569.41.
    assert plan.months[0].daily_target == Decimal("4569.41")


def test_a_quarter_splits_by_working_days_seasonality_and_adds_up_exactly(tmp_path):
    # Fiscal year from April: goal year 2026 is April 2026 – March 2027 and 2026-Q1 is
    # April–June. Seasonality May 1.5.
    goals = [REVOPS,
             ["R1", "2026-Q1", "2026-04-01", 1, 75500],   # Apr 22, May 21×1.5 = 31.5, Jun 22
             ["R1", "2026-Q2", "2026-07-01", 1, 66000],   # Jul 23, Aug 21, Sep 22
             ["R1", "2026-Q3", "2026-10-01", 1, 33000],   # Oct 22, Nov 21, Dec 23 (66)
             ["R1", "2026-Q4", "2027-01-01", 1, 64001]]   # Jan 21, Feb 20, Mar 23 (64)
    path = book(tmp_path / "q.xlsx", goals, settings={
        **DEAL, "Currency": "EUR", "Fiscal Year Start": 4},
        extra={"Seasonality": [["Month", "Weight"], ["May", 1.5]]})
    got = months(plan_of(path, D(2026, 5, 15)), "R1")
    # Q1: 75,500 ÷ 75.5 = 1,000 per unit: 22,000 / 31,500 / 22,000.
    # Q2: 66,000 ÷ 66 = 1,000 a day. Q3: 33,000 ÷ 66 = 500 a day.
    # Q4: 6,400,100 cents × 21/64 = 2,100,032.8125, × 20/64 = 2,000,031.25, × 23/64 =
    # 2,300,035.9375: the floors add up to 6,400,098; the two cents left go to the largest
    # remainders, March's .9375 and January's .8125.
    assert got == money(22000, 31500, 22000, 23000, 21000, 22000, 11000, 10500, 11500,
                        "21000.33", "20000.31", "23000.36")
    assert sum(got[9:]) == Decimal("64001.00")


def test_revised_annual_target_from_july_keeps_the_closed_months(tmp_path):
    # 261,000 is $1,000 a working day. Revised from 1 Jul to 195,000: Jan–Jun keep 129,000;
    # 195,000 − 129,000 = 66,000 over Jul–Dec's 132 days = $500 a day.
    goals = [["Rep ID", "Year", "Quota", "Effective From"],
             ["R1", 2026, 261000, None],
             ["R1", 2026, 195000, D(2026, 7, 1)]]
    path = book(tmp_path / "v.xlsx", goals, settings=DEAL, activity=[
        [D(2026, 7, 15), "R1", "won", "Acme", "new", 140500]])
    after = plan_of(path, D(2026, 7, 31))
    assert months(after, "R1") == money(22000, 20000, 22000, 22000, 21000, 22000,
                                        11500, 10500, 11000, 11000, 10500, 11500)
    result = _result(after)
    assert result.plan.annual_target == Decimal("195000.00")
    # Expected to 31 Jul follows the plan in force: 129,000 + July's 11,500 = 140,500.
    assert result.progress.expected_to_date == Decimal("140500.00")
    assert result.progress.pace == 1 and result.progress.status == "On track"
    assert [str(c.phrase) for c in result.plan.changes] == [
        "target revised on 2026-07-01: 261,000 → 195,000"]
    # Before July the revision is not in force: the plan is the first version, and says
    # what is coming.
    before = _result(plan_of(path, D(2026, 6, 30)))
    assert before.plan.annual_target == Decimal("261000.00")
    assert before.progress.expected_to_date == Decimal("129000.00")
    assert [str(c.phrase) for c in before.plan.changes] == [
        "target revised from 2026-07-01 (not yet in force on 2026-06-30): 261,000 → 195,000"]


def test_revised_quarters_replace_the_old_ones_from_their_month(tmp_path):
    # Q3 revised from 1 Aug: July (closed) keeps the first version's 23,000; the new Q3
    # of 55,000 less July's 23,000 = 32,000 goes over Aug 21 and Sep 22 days (43):
    # 3,200,000 cents × 21/43 = 1,562,790.69…, × 22/43 = 1,637,209.30…: floors add up to
    # 3,199,999, the cent to August (.69 > .30). Q4 is replaced whole.
    goals = [["Owner", "Quarter", "Year", "Target", "Valid From"],
             *[["R1", q, 2026, 66000, None] for q in (1, 2, 3, 4)],
             ["R1", 3, 2026, 55000, "2026-08-01"], ["R1", 4, 2026, 33000, "2026-08-01"]]
    computation = plan_of(book(tmp_path / "r.xlsx", goals, settings=DEAL), D(2026, 8, 3))
    got = months(computation, "R1")
    # Q1: 66,000 over 64 days; Q2 over 65 — left as computed, they are not revised.
    assert got[6:] == money(23000, "15627.91", "16372.09", 11000, 10500, 11500)
    assert sum(got[6:9]) == Decimal("55000.00")


def test_two_versions_with_the_same_effective_from_are_an_input_problem(tmp_path):
    from quota_books import read

    goals = [["Rep ID", "Year", "Quota", "Effective Date"],
             ["R1", 2026, 100000, D(2026, 7, 1)], ["R1", 2026, 90000, D(2026, 7, 1)]]
    _data, problems, _ = read(book(tmp_path / "d.xlsx", goals, settings=DEAL))
    assert [str(p) for p in problems] == [
        ("Goals row 3: a second goal for 'R1' in 2026 from 2026-07-01 (the first is in Goals "
        "row 2). Keep one row per rep and year and Effective From.")]


def test_prorated_leave_across_a_month_end_takes_off_what_the_days_carried(tmp_path):
    # 261,000 = $1,000 a working day as if R1 were there all year. Leave Mon 26 Jan – Fri
    # 6 Feb: 5 days in January, 5 in February. January 22,000 loses 5,000 → 17,000;
    # February 20,000 loses 5,000 → 15,000. The year falls by exactly 10,000.
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 261000]]
    leave = [["Rep ID", "From", "To", "Relief"], ["R1", D(2026, 1, 26), D(2026, 2, 6), "prorate"]]
    path = book(tmp_path / "p.xlsx", goals, settings=DEAL, extra={"Time Off": leave})
    computation = plan_of(path, D(2026, 2, 27))
    result = _result(computation)
    assert months(computation, "R1") == money(17000, 15000, 22000, 22000, 21000, 22000,
                                              23000, 21000, 22000, 22000, 21000, 23000)
    assert result.plan.annual_target == Decimal("251000.00")
    assert [m.working_days for m in result.plan.months[:2]] == [17, 15]
    assert result.plan.months[0].daily_target == Decimal("1000.00")  # the same daily ask
    assert result.progress.expected_to_date == Decimal("32000.00")
    assert [str(c.phrase) for c in result.plan.changes] == [
        "target reduced by 10,000 for 10 days of leave"]


def test_leave_without_relief_re_spreads_the_same_target(tmp_path):
    # Relief none (the default): the year stays 261,000 over 251 working days; January's
    # 17 days weigh 17/251: 26,100,000 cents × 17/251 = 1,767,729.08 → 17,677.29.
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 261000]]
    leave = [["Rep ID", "From", "To"], ["R1", D(2026, 1, 26), D(2026, 2, 6)]]
    path = book(tmp_path / "n.xlsx", goals, settings=DEAL, extra={"Time Off": leave})
    result = _result(plan_of(path, D(2026, 2, 27)))
    assert result.plan.annual_target == Decimal("261000.00")
    assert result.plan.months[0].total_target == Decimal("17677.29")
    assert result.plan.changes == ()


def test_default_relief_in_settings_applies_to_time_off_that_does_not_say(tmp_path):
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 261000]]
    leave = [["Rep ID", "From", "To"], ["R1", D(2026, 1, 26), D(2026, 2, 6)]]
    path = book(tmp_path / "s.xlsx", goals, settings={**DEAL, "Default Relief": "prorate"},
                extra={"Time Off": leave})
    assert _result(plan_of(path, D(2026, 2, 27))).plan.annual_target == Decimal("251000.00")


def test_ramp_schedule_weights_the_first_months_of_tenure(tmp_path):
    # Start Wed 1 Jul, Ramp Schedule 0%, 25%, 50%, 75% (a real schedule: month 1 carries
    # nothing). Weights: Jul 23×0 = 0, Aug 21×¼ = 5.25, Sep 22×½ = 11, Oct 22×¾ = 16.5,
    # Nov 21, Dec 23: Σ 76.75. 7,675 → $100 a unit.
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 7675]]
    reps = [["Rep ID", "Name", "Start Date", "Ramp Schedule"],
            ["R1", "Ana", D(2026, 7, 1), "0%, 25%, 50%, 75%"]]
    got = months(plan_of(book(tmp_path / "ramp.xlsx", goals, reps=reps, settings=DEAL),
                         D(2026, 8, 3)), "R1")
    assert got == money(0, 0, 0, 0, 0, 0, 0, 525, 1100, 1650, 2100, 2300)


def test_one_total_measures_every_won_deal_and_sizes_deals_over_all_of_them(tmp_path):
    # One Quota of 100,000, no split. Won: three new deals of 10,000 and two repeat of
    # 10,000 in June: actual 50,000 against the total; the deal size is the mean of all
    # five (10,000) although only two repeat deals were won (fewer than the three a
    # repeat-only mean would need).
    goals = [["Sales Rep", "Year", "Quota"], ["R1", 2026, 100000]]
    activity = [[D(2026, 6, d), "R1", "won", f"C{d}", kind, 10000]
                for d, kind in ((1, "new"), (2, "new"), (3, "new"), (4, "repeat"), (5, "repeat"))]
    computation = plan_of(book(tmp_path / "t.xlsx", goals, activity=activity), D(2026, 6, 30))
    result = _result(computation)
    assert result.plan.targets == {"total": Decimal("100000.00")}
    assert result.plan.months[0].new_target is None  # not judged apart
    assert result.progress.actual == Decimal("50000.00")
    assert (result.progress.actual_new, result.progress.actual_repeat) == (
        Decimal("30000.00"), Decimal("20000.00"))  # shown
    size = result.plan.avg_deal_size["total"]
    assert (size.value, size.source) == (Fraction(10000), "history")
    assert "repeat business" not in [s.stage for s in result.progress.suggestions]


def test_new_share_splits_a_total(tmp_path):
    # 100,000.01 with New Share 40%: new = 40,000.004 → 40,000.00, repeat the rest.
    goals = [["Rep ID", "Year", "Target Amount", "New Share"], ["R1", 2026, 100000.01, "40%"]]
    result = _result(plan_of(book(tmp_path / "share.xlsx", goals, settings=DEAL),
                             D(2026, 3, 31)))
    assert result.plan.targets == {"new": Decimal("40000.00"), "repeat": Decimal("60000.01")}


def test_new_and_repeat_per_month(tmp_path):
    # New and Repeat amounts per period: each month is its two amounts to the cent.
    goals = [["Rep ID", "Month", "New Target", "Repeat Target"],
             *[["R1", f"2026-{m:02d}", 1000 * m, 500] for m in range(1, 13)]]
    result = _result(plan_of(book(tmp_path / "nr.xlsx", goals, settings=DEAL), D(2026, 3, 31)))
    assert [(m.new_target, m.repeat_target) for m in result.plan.months[:2]] == [
        (Decimal("1000.00"), Decimal("500.00")), (Decimal("2000.00"), Decimal("500.00"))]
    assert result.plan.targets == {"new": Decimal("78000.00"), "repeat": Decimal("6000.00")}
