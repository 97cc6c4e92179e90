"""`check` reports the reader's, the write-back's and the engine's problems all at once."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import minimal_sheets

from goalreport.errors import InputProblems
from goalreport.jobs import check_workbook

TODAY = date(2026, 11, 27)


def _problems(path) -> list[str]:
    with pytest.raises(InputProblems) as raised:
        check_workbook(path, today=TODAY)
    return [str(problem) for problem in raised.value.problems]


def test_foreign_sheet_and_missing_deal_size_column_reported_together(make_workbook) -> None:
    sheets = minimal_sheets()
    sheets["Goals"] = [row[:4] for row in sheets["Goals"]]  # no Avg Deal Size column
    sheets["Plan"] = [["my own plan"]]
    problems = _problems(make_workbook(sheets))
    # Sorted by sheet: the input sheets first, then the computed sheet in the way.
    assert problems[-1].startswith("Plan sheet: Sheet 'Plan' was not made by goalreport")
    assert problems[:-1] == [
        f"Goals row 2: no average {kind}-client deal size for rep 'R1' (Ana Lima): the goal "
        f"gives none and fewer than 3 won {kind}-client deals were logged in the 365 days up "
        f"to 2026-06-30 by the rep, the team or anyone. Add an 'Avg Deal Size' (or "
        f"'Avg {kind.capitalize()} Deal Size') column to Goals and fill it in, e.g. 1000, or "
        "set 'Default Avg Deal Size' in Settings."
        for kind in ("new", "repeat")
    ]


def test_empty_deal_size_cell_is_named(make_workbook) -> None:
    sheets = minimal_sheets()
    sheets["Goals"][1][4] = None  # Goals!E2, the Avg Deal Size cell, left empty
    sheets["Goals"][1][3] = 0  # no repeat target: only the new-client size is needed
    assert _problems(make_workbook(sheets)) == [
        ("Goals!E2: no average new-client deal size for rep 'R1' (Ana Lima): the goal gives "
        "none and fewer than 3 won new-client deals were logged in the 365 days up to "
        "2026-06-30 by the rep, the team or anyone. Fill in Goals!E2 for this goal, e.g. "
        "1000, or set 'Default Avg Deal Size' in Settings.")
    ]


def test_default_deal_size_in_settings_makes_it_clean(make_workbook) -> None:
    sheets = minimal_sheets()
    sheets["Goals"] = [row[:4] for row in sheets["Goals"]]
    sheets["Settings"].append(["Default Avg Deal Size", "$250"])
    assert check_workbook(make_workbook(sheets), today=TODAY) == []
