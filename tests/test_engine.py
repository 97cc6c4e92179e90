"""engine.compute: which reps, which year, problems collected once, team totals."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from goalreport.core.engine import compute
from goalreport.core.keys import rep_key
from goalreport.core.model import Settings, WorkbookData, group_by_rep
from goalreport.errors import InputProblems
from tests.enginedata import data, goal, rep, won

AS_OF = date(2026, 1, 31)


def _team_workbook():
    reps = (rep("R1", team="West"), rep("R2", team="east"), rep("R3", team="West"),
            rep("R4", team=""), rep("R5", team="West", active=False))
    goals = tuple(goal(r.rep_id) for r in reps)
    # By 31 Jan each rep is expected to have 168.58.
    activity = (won(AS_OF, "2000", rep_id="R1"), won(AS_OF, "168.58", rep_id="R2"),
                won(AS_OF, "100", rep_id="R3"), won(AS_OF, "500", rep_id="R5"))
    return data(reps, goals, activity)


def test_active_reps_in_workbook_order_with_defaults() -> None:
    result = compute(_team_workbook(), as_of=AS_OF)
    assert [r.rep.rep_id for r in result.results] == ["R1", "R2", "R3", "R4"]
    assert (result.as_of, result.report_month, result.goal_year) == (AS_OF, date(2026, 1, 1), 2026)
    assert [r.progress.status for r in result.results] == [
        "Achieved", "On track", "Behind", "Behind"]


def test_team_totals_sorted_then_total() -> None:
    team = compute(_team_workbook(), as_of=AS_OF).team
    assert [t.name for t in team] == ["(no team)", "east", "West", "Total"]
    west = team[2]
    assert (west.reps, west.annual_target, west.actual) == (
        2, Decimal("4000.00"), Decimal("2100.00"))
    assert west.expected_to_date == Decimal("337.16")
    assert west.attainment == Fraction(2100, 4000)
    assert west.pace == Fraction(210000, 33716)
    assert west.status_counts == {"Achieved": 1, "On track": 0, "Slightly behind": 0,
                                  "At risk": 0, "Behind": 1}
    total = team[-1]
    assert (total.reps, total.actual) == (4, Decimal("2268.58"))
    assert sum(total.status_counts.values()) == 4


def test_rep_ids_filter_limits_results_and_totals() -> None:
    result = compute(_team_workbook(), as_of=AS_OF, rep_ids=[" r3 ", "R2"])
    assert [r.rep.rep_id for r in result.results] == ["R2", "R3"]
    assert result.team[-1].reps == 2


def test_every_missing_goal_is_reported_at_once() -> None:
    workbook = data(reps=(rep("R1"), rep("R2"), rep("R3", active=False)),
                    goals=(goal("R1", year=2025),))
    with pytest.raises(InputProblems) as raised:
        compute(workbook, as_of=AS_OF)
    problems = raised.value.problems
    assert [p.where for p in problems] == ["Reps row for R1", "Reps row for R2"]
    assert "no goal for 2026" in problems[0].message
    assert "Year 2026" in problems[0].message


def test_report_month_is_passed_through_as_first_day() -> None:
    result = compute(data(), as_of=date(2026, 3, 10), report_month=date(2026, 2, 14))
    assert result.report_month == date(2026, 2, 1)
    assert result.results[0].progress.funnel_month.leads == 0


@pytest.mark.parametrize("typed", ["AB 1", "ab 1", "  Ab   1\t", "AB\u00a01"])
def test_rep_key_is_one_rule(typed: str) -> None:
    """Case ignored, spaces trimmed and inner runs collapsed: the same rule for the
    sheets, the engine and --rep."""
    assert rep_key(typed) == "ab 1"
    assert rep_key("AB1") != "ab 1"


def test_engine_matches_ids_written_with_other_spacing_and_case() -> None:
    """A goal, activity and time off written 'ab   1' belong to the rep 'AB 1'."""
    workbook = data((rep("AB 1"),), (goal("ab   1"),),
                    (won(date(2026, 1, 5), "300", rep_id=" Ab 1"),
                     won(date(2026, 1, 6), "200", rep_id="AB  1")))
    result = compute(workbook, as_of=AS_OF, rep_ids=["ab  1"])
    assert [r.rep.rep_id for r in result.results] == ["AB 1"]
    assert result.results[0].progress.actual == Decimal(500)


def test_activity_comes_grouped_by_rep_in_date_order() -> None:
    """WorkbookData.activity_by_rep: the reader's sorted tuple cut into runs; records
    built out of order by hand are merged and sorted."""
    first, second, third = (won(date(2026, 1, d), "1", rep_id=r)
                            for d, r in ((9, "R1"), (3, "R2"), (2, "r1")))
    grouped = WorkbookData(Settings(), (), (), activity=(first, second, third)).activity_by_rep
    assert grouped == {"r1": (third, first), "r2": (second,)}
    assert group_by_rep(()) == {}
