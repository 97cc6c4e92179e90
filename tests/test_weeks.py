"""A team's week starts on the first working day after its weekend (the longest run of
days off in Working Days): the Weekly Plan, the report's plan for next month and the
weekly streak all follow it. Hand-worked for Sun–Thu and Tue–Sat teams."""

from __future__ import annotations

from datetime import date

import pytest

from goalreport.core.calendar import first_weekday, week_start
from goalreport.core.engine import compute
from goalreport.core.model import Settings
from goalreport.core.sheets import weekly_plan_table
from goalreport.reports.context import rep_context
from tests.enginedata import data, goal, won

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
SUN_THU = frozenset({SUN, MON, TUE, WED, THU})
TUE_SAT = frozenset({TUE, WED, THU, FRI, SAT})


@pytest.mark.parametrize(("working", "first"), [
    ({MON, TUE, WED, THU, FRI}, MON), (SUN_THU, SUN), (TUE_SAT, TUE),
    ({WED, THU, FRI, SAT, SUN}, WED), ({MON, TUE, WED, THU, FRI, SAT}, MON),
    (set(range(7)), MON), (set(), MON),
    # Off Thursday and Sunday, one day each: the weekend ending before Monday counts.
    ({MON, TUE, WED, FRI, SAT}, MON),
    # Off Wednesday (1 day) and Saturday–Sunday (2): the longer one is the weekend.
    ({MON, TUE, THU, FRI}, MON),
])
def test_first_weekday(working: set[int], first: int) -> None:
    assert first_weekday(working) == first


def test_week_start() -> None:
    thursday = date(2026, 1, 1)
    assert week_start(thursday) == date(2025, 12, 29)  # Monday
    assert week_start(thursday, SUN) == date(2025, 12, 28)
    assert week_start(thursday, TUE) == date(2025, 12, 30)
    assert week_start(date(2026, 1, 6), TUE) == date(2026, 1, 6)  # a Tuesday is its own


def _workbook(working: frozenset[int], activity=()):
    # 2026 has 52 of each weekday and a 53rd Thursday: 261 working days for both teams,
    # so $2,610 new business is exactly $10 a working day and $50 a full week.
    return data(goals=(goal(new="2610", repeat="0"),), activity=tuple(activity),
                settings=Settings(working_days=working))


@pytest.mark.parametrize(("working", "first_start", "first_days", "second_start"), [
    (SUN_THU, date(2025, 12, 28), 1, date(2026, 1, 4)),  # Thu 1 Jan; then Sun 4 – Thu 8
    (TUE_SAT, date(2025, 12, 30), 3, date(2026, 1, 6)),  # Thu 1 – Sat 3; then Tue 6 – Sat 10
])
def test_weekly_plan_weeks_start_after_the_weekend(working, first_start, first_days,
                                                   second_start) -> None:
    result = compute(_workbook(working), as_of=date(2026, 1, 31)).results[0]
    weeks = result.plan.weeks
    assert (weeks[0].week_start, weeks[0].working_days) == (first_start, first_days)
    assert weeks[0].target == 10 * first_days
    assert (weeks[1].week_start, weeks[1].working_days, weeks[1].target) == (
        second_start, 5, 50)
    assert {w.week_start.weekday() for w in weeks} == {first_start.weekday()}
    # Every full week holds exactly its five working days: none is split by the weekend.
    assert all(w.working_days == 5 for w in weeks[1:-1])
    assert sum(w.working_days for w in weeks) == 261
    assert sum(w.target for w in weeks) == 2610
    rows = weekly_plan_table([result]).rows
    assert [row[2] for row in rows[:2]] == [first_start, second_start]  # Week Starting


def test_next_months_plan_has_tuesday_weeks() -> None:
    # Report month January: the plan for February 2026 of a Tue–Sat team. Sun 1 and
    # Mon 2 Feb are off, so the rows are the four full weeks from Tue 3 Feb.
    workbook = _workbook(TUE_SAT)
    computation = compute(workbook, as_of=date(2026, 1, 31))
    context = rep_context(computation.results[0], computation, workbook.settings)
    weeks = context["next_month"]["weeks"]
    assert [w["starting_iso"] for w in weeks] == [
        "2026-02-03", "2026-02-10", "2026-02-17", "2026-02-24"]
    assert [w["working_days"] for w in weeks] == ["5", "5", "5", "5"]
    assert [w["target"] for w in weeks] == ["$50", "$50", "$50", "$50"]
    assert {date.fromisoformat(w["starting_iso"]).weekday() for w in weeks} == {TUE}


def test_weekly_streak_follows_the_teams_week() -> None:
    # Sun–Thu, $50 a week. Won $50 on Thu 15 Jan and $50 on Sun 18 Jan; As Of Sat 24 Jan.
    # Weeks Sun 11–Sat 17 and Sun 18–Sat 24 are each met, Sun 4–Sat 10 is not: 2.
    # (With Monday weeks both wins would fall in Mon 12–Sun 18 and the streak be 1.)
    activity = (won(date(2026, 1, 15), "50"), won(date(2026, 1, 18), "50"))
    result = compute(_workbook(SUN_THU, activity), as_of=date(2026, 1, 24)).results[0]
    assert result.progress.achievements.weekly_streak == 2


def test_focus_blocks_of_a_sun_thu_team_fall_in_its_own_weeks() -> None:
    # The calendar attachment of `send` (delivery/ics.py) follows the same weeks. February
    # 2026 for a Sun–Thu team with 2 focus hours a week (the default), in one block on the
    # first working day of each week: Sun 1, 8, 15 and 22 Feb. Thu 26 Feb opens no block:
    # its week (from Sun 22) already has one.
    from goalreport.core.formatting import Formatter
    from goalreport.delivery.ics import focus_blocks

    computation = compute(_workbook(SUN_THU), as_of=date(2026, 1, 31))
    blocks = focus_blocks(computation.results[0], date(2026, 1, 1), Formatter("en_US", "USD"))
    assert [block.day for block in blocks] == [
        date(2026, 2, 1), date(2026, 2, 8), date(2026, 2, 15), date(2026, 2, 22)]
    assert {block.day.weekday() for block in blocks} == {6}
