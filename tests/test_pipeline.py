"""Pipeline, landing and coverage (core/pipeline.py) against hand-worked numbers.

The workbook of every test here: R1's goal year 2026 is 130,500 new + 130,500 repeat =
261,000 over 2026's 261 Mon–Fri working days, so every working day carries exactly 1,000
(October 22 working days = 22,000; November 21 = 21,000; December 23 = 23,000; the fourth
quarter 66,000). Average deal size 10,000, close rate 1/3 (the default): the plan needs
26.1 deals and 78.3 leads. Won: 100,000 repeat on 2 March and 15,000 new on 5 October, so
Actual is 115,000 and 146,000 is still to win. As Of is Tuesday 20 October 2026.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import enginedata as ed

from goalreport.core.engine import compute
from goalreport.core.model import OpenDeal, Settings, StageDefaults

AS_OF = date(2026, 10, 20)


def deal(amount: str, close: date, **fields: object) -> OpenDeal:
    fields.setdefault("rep_id", "R1")
    return OpenDeal(amount=Decimal(amount), close_date=close,  # type: ignore[arg-type]
                    source="Pipeline sheet", **fields)


#: A–G as the module docstring's tests work them out.
DEALS = (
    deal("20000", date(2026, 10, 28), name="A", probability=Fraction(1, 2),
         category="commit"),
    deal("30000", date(2026, 11, 15), name="B", stage="Proposal"),
    deal("12345.67", date(2026, 12, 10), name="C", stage="Discovery"),
    deal("8000", date(2026, 10, 1), name="D", stage="Negotiation"),
    deal("50000", date(2027, 1, 15), name="E", probability=Fraction(1, 10)),
    deal("5000", date(2026, 11, 20), name="F", category="omitted"),
    deal("1000.01", date(2026, 10, 20), name="G", probability=Fraction(333, 1000),
         category="most likely"),
)
#: The Stages sheet: Proposal is 40 % and Best Case; Discovery is not listed.
STAGES = {"proposal": StageDefaults(Fraction(2, 5), "best case")}


def workbook(deals: tuple[OpenDeal, ...] = DEALS, settings: Settings | None = None,
             **fields: object):
    return ed.data(
        reps=(ed.rep("R1"), ed.rep("R2")),
        goals=(ed.goal("R1", new="130500", repeat="130500", ads="10000"),
               ed.goal("R2", new="130500", repeat="130500", ads="10000")),
        activity=(ed.won(date(2026, 3, 2), "100000", "repeat"),
                  ed.won(date(2026, 10, 5), "15000")),
        settings=settings, open_deals=deals, stages=STAGES, **fields)


def r1(computation):
    return computation.results[0].pipeline


def test_periods_roll_the_categories_up_as_salesforce_shows_them() -> None:
    pipeline = r1(compute(workbook(), as_of=AS_OF))
    month, quarter, year = pipeline.periods
    # October from As Of: A (20,000, commit, 50 %) and G (1,000.01, most likely, 33.3 %,
    # closing on As Of itself: not slipped). Weighted 10,000 + 333.00333 → 333.00.
    assert (month.start, month.end, month.target, month.won) == (
        date(2026, 10, 1), date(2026, 10, 31), Decimal("22000.00"), Decimal("15000.00"))
    assert (month.deals, month.open, month.weighted) == (
        2, Decimal("21000.01"), Decimal("10333.00"))
    # Commit = won 15,000 + A 20,000; Best Case = Commit + G (Most Likely) 1,000.01.
    assert (month.commit, month.best_case, month.landing) == (
        Decimal("35000.00"), Decimal("36000.01"), Decimal("35000.00"))
    assert month.landing_gap == Decimal("-13000.00")  # 22,000 − 35,000: beyond target
    # The quarter adds B (30,000 × 40 % = 12,000, Best Case from its stage) and C
    # (12,345.67 × 1/3 = 4,115.2233… → 4,115.22, Pipeline: Discovery is on no sheet).
    assert (quarter.start, quarter.end, quarter.target, quarter.won) == (
        date(2026, 10, 1), date(2026, 12, 31), Decimal("66000.00"), Decimal("15000.00"))
    assert (quarter.deals, quarter.open, quarter.weighted) == (
        4, Decimal("63345.68"), Decimal("26448.22"))  # 20,000 + 1,000.01 + 30,000 + 12,345.67
    assert (quarter.commit, quarter.best_case) == (
        Decimal("35000.00"), Decimal("66000.01"))  # 35,000 + 1,000.01 + 30,000
    # The year: the same deals (D slipped, E after the year end, F omitted), won 115,000.
    assert (year.target, year.won, year.open, year.weighted) == (
        Decimal("261000.00"), Decimal("115000.00"), Decimal("63345.68"), Decimal("26448.22"))
    assert (year.commit, year.best_case, year.landing) == (
        Decimal("135000.00"), Decimal("166000.01"), Decimal("135000.00"))
    assert year.landing_gap == Decimal("126000.00")


def test_coverage_and_pipeline_needed_at_the_reps_rates() -> None:
    pipeline = r1(compute(workbook(), as_of=AS_OF))
    # 63,345.68 closing by the year end ÷ 146,000 still to win.
    assert pipeline.to_win == Decimal("146000.00")
    assert pipeline.coverage == Fraction(6334568, 14600000)
    # Target 1 ÷ 1/3 = 3×: 438,000 wanted, 374,654.32 more needed: 37.465432 leads of
    # 10,000 (261,000 ÷ 26.1 deals), which win 12.488477… deals at one in three.
    assert (pipeline.coverage_target, pipeline.coverage_target_source) == (3, "close rate")
    assert (pipeline.required, pipeline.needed) == (
        Decimal("438000.00"), Decimal("374654.32"))
    assert pipeline.needed_leads == Fraction(37465432, 1000000)
    assert pipeline.needed_deals == Fraction(37465432, 3000000)


def test_slipped_outside_and_omitted_deals_are_apart() -> None:
    pipeline = r1(compute(workbook(), as_of=AS_OF))
    assert [(d.name, d.amount, d.close_date) for d in pipeline.slipped] == [
        ("D", Decimal(8000), date(2026, 10, 1))]
    assert pipeline.slipped_amount == Decimal("8000.00")
    assert (pipeline.outside, pipeline.outside_amount) == (1, Decimal("50000.00"))  # E
    assert (pipeline.omitted, pipeline.omitted_amount) == (1, Decimal("5000.00"))  # F
    # No period counts D, E or F: the year's 4 deals are A, B, C and G.
    assert pipeline.year.deals == 4


def test_slipped_deals_largest_first() -> None:
    deals = (deal("100", date(2026, 9, 1), name="small"),
             deal("900", date(2026, 5, 1), name="large"),
             deal("900", date(2026, 4, 1), name="large, older"))
    pipeline = r1(compute(workbook(deals), as_of=AS_OF))
    assert [d.name for d in pipeline.slipped] == ["large, older", "large", "small"]
    assert pipeline.slipped_amount == Decimal("1900.00")
    assert pipeline.year.open == Decimal("0.00")


def test_probabilities_come_from_the_deal_its_stage_or_the_close_rate() -> None:
    pipeline = r1(compute(workbook(), as_of=AS_OF))
    # Own: A, E, G. Stage: B (Proposal). Close rate: C (Discovery, not on Stages), D
    # (Negotiation, not on Stages), F (no stage).
    assert pipeline.sources == {"own": 3, "stage": 1, "close rate": 3}


def test_a_goal_close_rate_prices_deals_without_a_probability() -> None:
    """C at a Goals close rate of 25 %: 12,345.67 × 1/4 = 3,086.4175 → 3,086.42; the
    coverage target becomes 4× (584,000 wanted)."""
    data = workbook()
    data = replace(data, goals=(replace(data.goals[0], close_rate=Fraction(1, 4)),
                                data.goals[1]))
    pipeline = r1(compute(data, as_of=AS_OF))
    assert pipeline.year.weighted == Decimal("25419.42")  # 10,000 + 333 + 12,000 + 3,086.42
    assert (pipeline.coverage_target, pipeline.required) == (4, Decimal("584000.00"))


def test_months_of_close_beside_the_remaining_targets() -> None:
    pipeline = r1(compute(workbook(), as_of=AS_OF))
    rows = [(m.month, m.deals, m.open, m.weighted, m.commit, m.remaining_target)
            for m in pipeline.months]
    assert rows == [
        # October still needs 22,000 − 15,000 won.
        (date(2026, 10, 1), 2, Decimal("21000.01"), Decimal("10333.00"), Decimal("20000.00"),
         Decimal("7000.00")),
        (date(2026, 11, 1), 1, Decimal("30000.00"), Decimal("12000.00"), Decimal("0.00"),
         Decimal("21000.00")),
        (date(2026, 12, 1), 1, Decimal("12345.67"), Decimal("4115.22"), Decimal("0.00"),
         Decimal("23000.00")),
        # E after the year end: its month, no target.
        (date(2027, 1, 1), 1, Decimal("50000.00"), Decimal("5000.00"), Decimal("0.00"), None),
    ]
    # The goal year's months add up to the year's figures, to the cent.
    year_rows = [m for m in pipeline.months if m.remaining_target is not None]
    assert sum(m.weighted for m in year_rows) == pipeline.year.weighted
    assert sum(m.open for m in year_rows) == pipeline.year.open


def test_settings_landing_weighted_and_coverage_target() -> None:
    settings = Settings(landing="weighted", coverage_target=Fraction(4))
    pipeline = r1(compute(workbook(settings=settings), as_of=AS_OF))
    assert pipeline.year.landing == Decimal("141448.22")  # 115,000 won + 26,448.22
    assert pipeline.periods[0].landing == Decimal("25333.00")  # 15,000 + 10,333.00
    # 4 × 146,000 = 584,000 wanted; 584,000 − 63,345.68 more.
    assert (pipeline.coverage_target_source, pipeline.needed) == (
        "settings", Decimal("520654.32"))


def test_a_rep_with_no_open_deals_has_nothing_covered() -> None:
    computation = compute(workbook(), as_of=AS_OF)
    r2 = computation.results[1].pipeline
    # R2 won nothing: 261,000 to win, none of it covered, 3 × 261,000 needed.
    assert (r2.to_win, r2.coverage, r2.needed) == (
        Decimal("261000.00"), Fraction(0), Decimal("783000.00"))
    assert (r2.year.open, r2.year.landing, r2.slipped) == (Decimal("0.00"),
                                                           Decimal("0.00"), ())


def test_without_open_deals_there_are_no_pipeline_figures() -> None:
    computation = compute(workbook(deals=()), as_of=AS_OF)
    assert [r.pipeline for r in computation.results] == [None, None]
    assert [t.pipeline for t in computation.team] == [None, None]
    assert not any(note.where == "Pipeline" for note in computation.notes)


def test_the_team_sums_its_reps_money() -> None:
    computation = compute(workbook(), as_of=AS_OF)
    total = computation.team[-1].pipeline
    # R1 + R2: to win 146,000 + 261,000; wanted 438,000 + 783,000; open R1's alone.
    assert (total.to_win, total.required, total.needed) == (
        Decimal("407000.00"), Decimal("1221000.00"), Decimal("1157654.32"))
    assert total.year.open == Decimal("63345.68")
    assert total.coverage == Fraction(6334568, 40700000)
    assert total.coverage_target == 3
    assert total.year.landing == Decimal("135000.00")  # R1's 135,000 + R2's 0
    assert (total.slipped, total.slipped_amount) == (1, Decimal("8000.00"))


def test_goal_reached_leaves_no_coverage_to_show() -> None:
    data = workbook()
    data = replace(data, activity=(*data.activity, ed.won(date(2026, 10, 6), "200000")))
    pipeline = r1(compute(data, as_of=AS_OF))
    assert (pipeline.to_win, pipeline.coverage, pipeline.needed) == (
        Decimal("0.00"), None, Decimal("0.00"))


def test_check_says_where_each_probability_came_from() -> None:
    computation = compute(workbook(), as_of=AS_OF)
    note = next(n for n in computation.notes if n.where == "Pipeline")
    assert note.severity == "info"
    assert note.message == (
        "7 open deals (7 from Pipeline sheet); probability: their own for 3, their stage's "
        "(Stages sheet) for 1, the rep's close rate for 3; 1 slipped (close date before As "
        "Of 2026-10-20), counted apart; 1 closing outside the goal year, not in its "
        "coverage; 1 omitted from the forecast, left out.")
