"""The goal-year calendar: fiscal bounds, company and rep working days (SPEC §2)."""

from __future__ import annotations

from datetime import date

import pytest

from goalreport.core.calendar import (
    company_working_days,
    fiscal_year_bounds,
    goal_year,
    goal_year_of,
    rep_working_days,
    week_start,
)
from goalreport.core.model import Holiday, Rep, Settings, TimeOff
from goalreport.errors import InputProblems


def _in_month(days: tuple[date, ...], year: int, month: int) -> int:
    return sum(1 for d in days if (d.year, d.month) == (year, month))


@pytest.mark.parametrize(("year", "start_month", "first", "last"), [
    (2026, 1, date(2026, 1, 1), date(2026, 12, 31)),
    (2026, 4, date(2026, 4, 1), date(2027, 3, 31)),
    (2027, 3, date(2027, 3, 1), date(2028, 2, 29)),  # ends on a leap day
])
def test_fiscal_year_bounds(year: int, start_month: int, first: date, last: date) -> None:
    assert fiscal_year_bounds(year, start_month) == (first, last)


@pytest.mark.parametrize(("day", "start_month", "year"), [
    (date(2026, 4, 1), 4, 2026), (date(2027, 3, 31), 4, 2026), (date(2026, 3, 31), 4, 2025),
    (date(2026, 1, 1), 1, 2026), (date(2026, 12, 31), 1, 2026),
])
def test_goal_year_of(day: date, start_month: int, year: int) -> None:
    assert goal_year_of(day, start_month) == year


def test_leap_year_2028_has_260_weekdays_and_21_in_february() -> None:
    # 2028 starts on a Saturday: 52 full weeks run to Fri 29 Dec, then Sat 30 and Sun 31.
    # February 2028: Tue 1 – Fri 4 (4), three full weeks (15), Mon 28 – Tue 29 (2) = 21.
    year = goal_year(2028, Settings())
    assert len(year.company_days) == 260
    assert _in_month(year.company_days, 2028, 2) == 21
    assert date(2028, 2, 29) in year.company_days


def test_holidays_sheet_day_on_a_monday_is_not_worked() -> None:
    # May 2026 has 21 weekdays; Monday 25 May is a company holiday.
    year = goal_year(2026, Settings(), [Holiday(date(2026, 5, 25), "Spring break")])
    assert _in_month(year.company_days, 2026, 5) == 20
    assert date(2026, 5, 25) not in year.company_days
    assert date(2026, 5, 26) in year.company_days


def test_us_public_holidays_include_observed_independence_day() -> None:
    # July 2026 has 23 weekdays; 4 July is a Saturday, observed on Friday 3 July.
    days = company_working_days(date(2026, 7, 1), date(2026, 7, 31),
                                Settings(holiday_country="US"))
    assert len(days) == 22
    assert date(2026, 7, 3) not in days


def test_subdivision_adds_its_own_holidays() -> None:
    # March 2026: 22 weekdays, no federal holiday; California keeps Cesar Chavez Day
    # (Tuesday 31 March).
    us = company_working_days(date(2026, 3, 1), date(2026, 3, 31), Settings(holiday_country="US"))
    ca = company_working_days(date(2026, 3, 1), date(2026, 3, 31),
                              Settings(holiday_country="US", holiday_subdivision="CA"))
    assert (len(us), len(ca)) == (22, 21)
    assert date(2026, 3, 31) in us and date(2026, 3, 31) not in ca


def test_unknown_holiday_country_is_an_input_problem() -> None:
    with pytest.raises(InputProblems) as raised:
        goal_year(2026, Settings(holiday_country="XX"))
    assert raised.value.problems[0].where == "Settings!Holiday Country"
    assert "'XX'" in raised.value.problems[0].message


def test_two_weeks_time_off_and_start_date_are_removed_per_rep() -> None:
    year = goal_year(2026, Settings())
    away = [TimeOff("R1", date(2026, 3, 2), date(2026, 3, 13)),  # two Mon–Fri weeks
            TimeOff("R2", date(2026, 4, 1), date(2026, 4, 30))]  # someone else's
    days = rep_working_days(year.company_days, Rep(" r1 ", "Ana"), away)
    assert _in_month(days, 2026, 3) == 22 - 10
    assert _in_month(days, 2026, 4) == 22
    late = rep_working_days(year.company_days, Rep("R3", "Bo", start_date=date(2026, 7, 15)))
    assert late[0] == date(2026, 7, 15)
    assert len(late) == 13 + 21 + 22 + 22 + 21 + 23  # rest of July (15–31) and Aug–Dec


def test_weekend_working_days_setting() -> None:
    # Working Days Mon–Sat: January 2026 has 31 days, 4 Sundays → 27.
    year = goal_year(2026, Settings(working_days=frozenset(range(6))))
    assert _in_month(year.company_days, 2026, 1) == 27


def test_week_start_is_monday() -> None:
    assert week_start(date(2026, 1, 1)) == date(2025, 12, 29)
    assert week_start(date(2026, 1, 5)) == date(2026, 1, 5)
