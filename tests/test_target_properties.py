"""Invariants of the month targets (core/targets.py) over random quarters, weights,
revisions and time off: a given quarter's months add up to it to the cent; a revision
keeps the months before it; prorated relief takes off exactly what it reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from goalreport.core.model import Goal, GoalVersion, PeriodTarget, Rep
from goalreport.core.phrases import Money
from goalreport.core.targets import MonthDays, month_targets

MONTHS = tuple(dt.date(2026, m, 1) for m in range(1, 13))
REP = Rep("R1", "Ana")
CENTS = st.integers(min_value=0, max_value=10**9)


def _quarters(amounts: list[int]) -> tuple[PeriodTarget, ...]:
    return tuple(PeriodTarget(3 * q, 3, (("total", Decimal(c).scaleb(-2)),), f"Q{q + 1}",
                              f"Q{q + 1}") for q, c in enumerate(amounts))


def _goal(*versions: GoalVersion) -> Goal:
    first = versions[0]
    return Goal("R1", 2026, dict(first.amounts)["total"], Decimal(0), split=False,
                versions=versions)


def _version(effective: dt.date | None, amounts: list[int]) -> GoalVersion:
    periods = _quarters(amounts)
    return GoalVersion(effective, (("total", sum((dict(p.amounts)["total"] for p in periods),
                                                Decimal(0))),), periods)


def _days(planned: list[int], away: list[int]) -> MonthDays:
    present = [max(p - a, 0) for p, a in zip(planned, away, strict=True)]
    return MonthDays(MONTHS, tuple(planned), tuple(planned), tuple(present), (False,) * 12)


WEIGHTS = st.lists(st.integers(min_value=0, max_value=23), min_size=12, max_size=12)


@settings(max_examples=200, deadline=None)
@given(WEIGHTS, st.lists(CENTS, min_size=4, max_size=4))
def test_each_quarters_months_add_up_to_it(weights, amounts):
    targets = month_targets(REP, _goal(_version(None, amounts)), _days(weights, [0] * 12),
                            dt.date(2026, 6, 30), "goal year 2026")
    months = [month[0] for month in targets.cents]
    assert [sum(months[3 * q:3 * q + 3]) for q in range(4)] == amounts
    assert targets.problems == ()


@settings(max_examples=200, deadline=None)
@given(WEIGHTS, st.lists(CENTS, min_size=4, max_size=4), st.lists(CENTS, min_size=4, max_size=4),
       st.integers(min_value=2, max_value=12))
def test_a_revision_keeps_the_months_before_it(weights, first, second, month):
    effective = dt.date(2026, month, 1)
    days = _days(weights, [0] * 12)
    before = month_targets(REP, _goal(_version(None, first)), days, effective, "2026")
    after = month_targets(REP, _goal(_version(None, first), _version(effective, second)),
                          days, effective, "2026")
    start = month - 1
    old = [m[0] for m in before.cents]
    new = [m[0] for m in after.cents]
    assert new[:start] == old[:start]
    for q in range(4):
        months = range(3 * q, 3 * q + 3)
        if months[0] >= start:  # wholly after: the new quarter to the cent
            assert sum(new[m] for m in months) == second[q]
        elif months[-1] >= start:  # begun: never less than its closed months carry
            closed = sum(old[m] for m in months if m < start)
            assert sum(new[m] for m in months) == max(second[q], closed)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=23), min_size=12, max_size=12),
       st.lists(CENTS, min_size=4, max_size=4), st.data())
def test_relief_takes_off_exactly_what_it_says(planned, amounts, data):
    away = [data.draw(st.integers(min_value=0, max_value=p)) for p in planned]
    goal = _goal(_version(None, amounts))
    full = month_targets(REP, goal, _days(planned, [0] * 12), dt.date(2026, 6, 30), "2026")
    relieved = month_targets(REP, goal, _days(planned, away), dt.date(2026, 6, 30), "2026")
    taken = sum(m[0] for m in full.cents) - sum(m[0] for m in relieved.cents)
    assert all(r[0] <= f[0] for r, f in zip(relieved.cents, full.cents, strict=True))
    if sum(away):
        (change,) = relieved.changes
        said = dict(change.phrase.values)["amount"]
        assert isinstance(said, Money) and said.amount * 100 == taken
    else:
        assert relieved.changes == () and taken == 0
