"""The Activity reader's sums: cached values, cents and hundredths, huge numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from conftest import find_problems, minimal_sheets

from goalreport.core.model import DayActivity
from goalreport.errors import Problem
from goalreport.workbook.reader import read_workbook


def with_activity(rows: list[list[object]]) -> dict[str, list[list[object]]]:
    sheets = minimal_sheets()
    sheets["Activity"] = [sheets["Activity"][0], *rows]
    return sheets


def test_amounts_and_hours_sum_exactly_per_day(make_workbook):
    day = dt.date(2026, 2, 3)
    rows: list[list[object]] = [
        [day, "R1", "won", "Acme", "new", 0.1, None],
        [day, "R1", "won", "Acme", "new", 0.2, None],   # 0.1 + 0.2 is 0.30, not 0.30000000000000004
        [day, "R1", "won", "Acme", "repeat", 2.675, None],  # half a cent rounds up
        [day, "R1", "focus", None, None, None, 1.005],
        [day, "R1", "focus", None, None, None, 1.005],  # the same value again, from the cache
        [day, "R1", "focus", None, None, None, "2"],
        ["2026-02-04", "R1", "lead", None, None, None, None],
        ["2026-02-04", "R1", "meeting", None, None, None, None],  # a text date, cached
        [dt.datetime(2026, 2, 4, 15, 30), "R1", "lost", None, None, None, None],
        [day.replace(day=5), "R1", "focus", None, None, None, 0],
    ]
    data = read_workbook(make_workbook(with_activity(rows)))
    assert data.activity == (
        DayActivity("R1", day, won_new=2, won_new_amount=Decimal("0.30"), won_repeat=1,
                    won_repeat_amount=Decimal("2.68"), focus_hours=Decimal("4.02")),
        DayActivity("R1", dt.date(2026, 2, 4), leads=1, meetings=1, lost=1),
        DayActivity("R1", dt.date(2026, 2, 5)),
    )
    first, second, third = data.activity
    # Sums keep two places, and nothing summed stays a plain zero, as Decimal sums would.
    assert [str(first.won_new_amount), str(first.focus_hours)] == ["0.30", "4.02"]
    assert [str(second.won_new_amount), str(second.focus_hours)] == ["0", "0"]
    assert str(third.focus_hours) == "0.00"


def test_a_huge_amount_is_a_problem_in_its_cell(make_workbook):
    rows: list[list[object]] = [
        [dt.date(2026, 2, 3), "R1", "won", "Acme", "new", 1e15, None],
        [dt.date(2026, 2, 4), "R1", "won", "Acme", "new", 1e15, None],
        [dt.date(2026, 2, 5), "R1", "won", "Acme", None, 1e16, None],
    ]
    errors, _warnings = find_problems(make_workbook(with_activity(rows)))
    too_large = ("is too large: amounts must be below 1,000,000,000,000,000. Write a number "
                 "such as 1000 or $1,000.50.")
    # Empty required cells are decided last (the sheet XML may explain them).
    assert errors == [
        Problem("Activity!F2", f"1000000000000000 {too_large}"),
        Problem("Activity!F3", f"1000000000000000 {too_large}"),
        Problem("Activity!F4", f"1e+16 {too_large}"),
        Problem("Activity!E4", "the Client Type is missing for a won deal. Write new or "
                "repeat."),
    ]


def test_a_yes_no_cell_is_not_read_as_the_amount_it_equals(make_workbook):
    """The reader remembers the cents of each number amount it met; True equals 1 and
    False equals 0 to Python, so a TRUE cell after an amount of 1 must still be read on
    its own, as the problem it is (not as $1.00)."""
    rows: list[list[object]] = [
        [dt.date(2026, 2, 3), "R1", "won", "Acme", "new", 1, None],      # $1.00
        [dt.date(2026, 2, 3), "R1", "won", "Acme", "new", True, None],   # not $1.00
        [dt.date(2026, 2, 4), "R1", "won", "Acme", "new", 0, None],      # $0.00
        [dt.date(2026, 2, 4), "R1", "won", "Acme", "new", False, None],  # not $0.00
    ]
    errors, _warnings = find_problems(make_workbook(with_activity(rows)))
    fix = "Write a number such as 1000 or $1,000.50."
    assert errors == [Problem("Activity!F3", f"True is not an amount of money. {fix}"),
                      Problem("Activity!F5", f"False is not an amount of money. {fix}")]
