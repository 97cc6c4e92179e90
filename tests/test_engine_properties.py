"""Invariants of the engine for any input (hypothesis, modest example counts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalreport.core.engine import compute
from goalreport.core.model import Settings, TimeOff
from goalreport.core.money import largest_remainder
from goalreport.core.progress import ProgressInputs, measure
from tests.enginedata import data, goal, rep, won

cents = st.integers(min_value=0, max_value=10**9)
weights = st.lists(st.fractions(min_value=0, max_value=50, max_denominator=12),
                   min_size=1, max_size=14)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(total=cents, parts=weights)
def test_largest_remainder_adds_up_and_stays_within_a_unit(total: int, parts: list[Fraction]) -> None:
    split = largest_remainder(total, parts)
    weight = sum(parts)
    if weight == 0:
        assert split == tuple(0 for _ in parts)
        return
    assert sum(split) == total
    for part, w in zip(split, parts, strict=True):
        assert abs(part - Fraction(total) * w / weight) < 1


plans = st.fixed_dictionaries({
    "new": st.integers(min_value=0, max_value=5 * 10**8),
    "repeat": st.integers(min_value=1, max_value=5 * 10**8),
    "season": st.dictionaries(st.integers(1, 12), st.fractions(Fraction(1, 10), 5, max_denominator=10),
                              max_size=12),
    "start": st.one_of(st.none(), st.dates(date(2025, 6, 1), date(2027, 3, 1))),
    "ramp": st.integers(0, 6),
    "off": st.lists(st.tuples(st.dates(date(2026, 1, 1), date(2026, 12, 31)),
                              st.integers(0, 40)), max_size=3),
    "weekdays": st.frozensets(st.integers(0, 6), max_size=7),
    "fiscal": st.integers(1, 12),
})


def _workbook(p: dict):  # type: ignore[type-arg]
    year_start = date(2026, p["fiscal"], 1)
    off = tuple(TimeOff("R1", year_start + (d - date(2026, 1, 1)),
                        year_start + (d - date(2026, 1, 1)) + timedelta(days=n))
                for d, n in p["off"])
    return data(
        reps=(rep(start_date=p["start"], ramp_months=p["ramp"]),),
        goals=(goal(new=str(Decimal(p["new"]).scaleb(-2)),
                    repeat=str(Decimal(p["repeat"]).scaleb(-2))),),
        settings=Settings(fiscal_year_start=p["fiscal"], working_days=p["weekdays"]),
        seasonality=p["season"], time_off=off,
    ), year_start


@settings(max_examples=40, deadline=None)
@given(p=plans)
def test_months_and_weeks_add_up_to_the_annual_target_to_the_cent(p: dict) -> None:  # type: ignore[type-arg]
    workbook, year_start = _workbook(p)
    result = compute(workbook, as_of=year_start + timedelta(days=100))
    plan = result.results[0].plan
    total = plan.goal.total_target
    if plan.working_days == 0:
        # No working day (or none weighted): no division by zero, zero targets, a warning.
        assert all(m.total_target == 0 for m in plan.months)
        assert all(w.target == 0 for w in plan.weeks)
        assert result.warnings
        return
    assert sum(m.new_target for m in plan.months) == plan.goal.new_target
    assert sum(m.repeat_target for m in plan.months) == plan.goal.repeat_target
    assert sum(w.target for w in plan.weeks) == total
    assert sum(daily for _, daily in plan.daily_targets) == Fraction(total)
    assert sum(w.working_days for w in plan.weeks) == plan.working_days


@settings(max_examples=15, deadline=None)
@given(p=plans, deals=st.lists(st.tuples(st.integers(0, 364), st.integers(1, 10**6)), max_size=8))
def test_expected_to_date_never_falls_and_actual_never_falls(p: dict, deals: list) -> None:  # type: ignore[type-arg]
    workbook, year_start = _workbook(p)
    activity = tuple(sorted((won(year_start + timedelta(days=d), str(Decimal(c).scaleb(-2)))
                             for d, c in deals), key=lambda a: a.day))
    plan = compute(workbook, as_of=year_start).results[0].plan
    previous = (Decimal(-1), Decimal(-1))
    for offset in range(-3, 372, 9):
        as_of = year_start + timedelta(days=offset)
        progress = measure(plan, activity, ProgressInputs(
            workbook.settings, workbook.seasonality, as_of, as_of.replace(day=1)), 10)
        now = (progress.expected_to_date, progress.actual)
        assert now[0] >= previous[0] and now[1] >= previous[1]
        assert progress.expected_to_date <= plan.goal.total_target
        previous = now
    assert previous[0] == (plan.goal.total_target if plan.working_days else 0)
