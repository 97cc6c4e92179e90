"""How As Of and the report month are chosen (SPEC §6, README "How As Of is chosen")."""

from __future__ import annotations

from datetime import date

import pytest

from goalreport.errors import InputProblems
from goalreport.loading import resolve_dates

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("settings_as_of", "as_of", "month", "expected"),
    [
        # Nothing given: today, and the month holding it.
        (None, None, None, (TODAY, date(2026, 11, 1))),
        # Settings' As Of is used when no option is given.
        (date(2026, 6, 30), None, None, (date(2026, 6, 30), date(2026, 6, 1))),
        # --as-of beats Settings.
        (date(2026, 6, 30), date(2026, 3, 15), None, (date(2026, 3, 15), date(2026, 3, 1))),
        # --month over: As Of is its last day (a leap February, too).
        (None, None, date(2026, 2, 1), (date(2026, 2, 28), date(2026, 2, 1))),
        # --month not over yet: As Of is today.
        (None, None, date(2026, 11, 1), (TODAY, date(2026, 11, 1))),
        # --month beats Settings' As Of.
        (date(2026, 6, 30), None, date(2026, 10, 1), (date(2026, 10, 31), date(2026, 10, 1))),
        # Both options: each as given.
        (None, date(2026, 10, 15), date(2026, 9, 1), (date(2026, 10, 15), date(2026, 9, 1))),
    ],
)
def test_resolve_dates(settings_as_of, as_of, month, expected) -> None:
    assert resolve_dates(settings_as_of, as_of=as_of, month=month, today=TODAY) == expected


def test_month_in_the_future_is_refused() -> None:
    with pytest.raises(InputProblems) as raised:
        resolve_dates(None, as_of=None, month=date(2027, 1, 1), today=TODAY)
    assert [str(p) for p in raised.value.problems] == [
        ("--month: 2027-01 has not started yet (today is 2026-11-27). Give a month that has "
        "begun, or --as-of to plan ahead.")
    ]
