"""Broken workbooks, each with the exact problem it must be reported with (SPEC §1, §7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from conftest import find_problems, format_problems, minimal_sheets

from goalreport.errors import InputProblems
from goalreport.workbook.reader import read_workbook

Sheets = dict[str, list[list[Any]]]


def setcell(sheet: str, row: int, column: int, value: Any) -> Callable[[Sheets], None]:
    """Change one cell of ``minimal_sheets()`` (row 0 is the header)."""
    return lambda s: s[sheet][row].__setitem__(column, value)


def setting(name: str, value: Any) -> Callable[[Sheets], None]:
    return lambda s: s["Settings"].append([name, value])


CASES = [
    pytest.param(
        lambda s: (s.pop("Goals"), s.pop("Activity")),
        "Workbook: the sheets 'Goals' and 'Activity' are missing (sheets found: 'Reps', 'Settings'). Add them, or run `goalreport init` for a template with every sheet.",
        id="missing_sheets"),
    pytest.param(
        lambda s: [row.pop(1) for row in s["Goals"]],
        "Goals row 1: the column 'Year' is missing from the header row (found 'Rep ID', 'New Client Target', 'Repeat Client Target', 'Avg Deal Size'). Add it to the header row. Accepted names: 'Year' (or 'Goal Year', 'Fiscal Year').",
        id="missing_column"),
    pytest.param(
        setcell("Goals", 1, 0, "R9"),
        "Goals!A2: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps sheet (R1), or add the rep there.",
        id="unknown_rep_goals"),
    pytest.param(
        setcell("Activity", 2, 1, "R7"),
        "Activity!B3: Rep ID 'R7' is not on the Reps sheet. Use an ID from the Reps sheet (R1), or add the rep there.",
        id="unknown_rep_activity"),
    pytest.param(
        lambda s: s["Reps"].append([" r1 ", "Ana Again", "West"]),
        "Reps!A3: Rep ID 'r1' is used twice (first in Reps row 2). Give each rep a different ID.",
        id="duplicate_rep"),
    pytest.param(
        lambda s: s["Goals"].append(["R1", 2026, 5, 5, 100]),
        "Goals row 3: a second goal for 'R1' in 2026 (the first is in Goals row 2). Keep one row per rep and year.",
        id="duplicate_goal"),
    pytest.param(
        setcell("Activity", 2, 5, None),
        "Activity!F3: the Amount is missing for a won deal. Write the deal's amount, such as 1200.",
        id="won_no_amount"),
    pytest.param(
        setcell("Activity", 2, 4, None),
        'Activity!E3: the Client Type is missing for a won deal. Write new or repeat.',
        id="won_no_client_type"),
    pytest.param(
        setcell("Activity", 1, 2, "coffee"),
        "Activity!C2: 'coffee' is not an activity type. Write one of: lead (or new lead, leads, prospect), meeting (or call, visit, demo), won (or closed won, sale, deal won), lost (or closed lost, deal lost, loss), focus (or focus block, planning, focus time).",
        id="unknown_type"),
    pytest.param(
        setcell("Activity", 2, 4, "old"),
        "Activity!E3: 'old' is not a client type. Write new or repeat.",
        id="bad_client_type"),
    pytest.param(
        setcell("Activity", 1, 0, "2026-02-30"),
        "Activity!A2: '2026-02-30' is not a real date: February 2026 has 28 days. Write it as a date cell or as text like 2026-03-05.",
        id="impossible_date"),
    pytest.param(
        setcell("Activity", 1, 0, "13/05/2026"),
        ("Activity!A2: '13/05/2026' is a real date only day first, but Locale en_US reads "
         "text dates month first (mm/dd/yyyy). Write the dates of column A as ISO text such "
         "as 2026-05-13, as real date cells, or month first throughout."),
        id="wrong_locale_date"),
    pytest.param(
        setcell("Goals", 1, 2, -500),
        'Goals!C2: -500 is negative. Money must be 0 or more: write a number such as 1000 or $1,000.50.',
        id="negative_money"),
    pytest.param(
        setcell("Goals", 1, 3, "abc"),
        "Goals!D2: 'abc' is not an amount of money. Write a number such as 1000 or $1,000.50.",
        id="text_money"),
    pytest.param(
        lambda s: (s["Goals"][1].__setitem__(2, 0), s["Goals"][1].__setitem__(3, "$0")),
        "Goals row 2: both targets are 0, so there is nothing to plan. Write the year's New Client Target and Repeat Client Target (one may be 0).",
        id="both_targets_zero"),
    pytest.param(
        lambda s: (s["Goals"][0].append("Close Rate"), s["Goals"][1].append("150%")),
        "Goals!F2: '150%' is not a close rate between 0 and 100%. Write the share of leads that close, such as 30% or 1/3.",
        id="close_rate_over_one"),
    pytest.param(
        lambda s: (s["Goals"][0].append("Close Rate"), s["Goals"][1].append(0)),
        'Goals!F2: 0 is not a usable close rate: with 0 no lead ever closes. Write the share of leads that close, such as 30% or 1/3, or leave it empty.',
        id="close_rate_zero"),
    pytest.param(
        lambda s: (s["Goals"][0].append("Meetings per Lead"), s["Goals"][1].append("lots")),
        "Goals!F2: 'lots' is not a number of meetings per lead. Write a number such as 1.5.",
        id="meetings_per_lead"),
    pytest.param(
        lambda s: (s["Reps"][0].append("Ramp Months"), s["Reps"][1].append(-1)),
        'Reps!D2: -1 is not a ramp of 0 to 24 months. Write the months a new rep needs to reach full speed, such as 3, or 0.',
        id="ramp_months"),
    pytest.param(
        lambda s: (s["Reps"][0].append("Active"), s["Reps"][1].append("maybe")),
        "Reps!D2: 'maybe' is not yes or no. Write yes or no.",
        id="active"),
    pytest.param(
        setting("Fiscal Year Start", "Smarch"),
        "Settings!B4: 'Smarch' is not a month. Write a month number 1-12 or a name such as April.",
        id="fiscal_year_start"),
    pytest.param(
        setting("Currency", "XYZ"),
        "Settings!B4: 'XYZ' is not an ISO 4217 currency code. Write a code such as USD, EUR, GBP or JPY.",
        id="currency"),
    pytest.param(
        setting("Locale", "xx_YY"),
        "Settings!B4: 'xx_YY' is not a locale. Write a locale such as en_US, en_GB, de_DE or fr_FR.",
        id="locale"),
    pytest.param(
        setting("Holiday Country", "ZZ"),
        "Settings!B4: 'ZZ' is not a country with known public holidays. Write an ISO country code, with its region where the regions differ, such as US, GB-ENG, DE-BY or FR, or leave it empty.",
        id="country"),
    pytest.param(
        setting("Holiday Country", "US-XX"),
        "Settings!B4: 'US-XX': 'XX' is not a subdivision of US. Write one such as US-AK, US-AL, US-AR, US-AS, US-AZ, US-CA, or just US.",
        id="subdivision"),
    pytest.param(
        setting("Working Days", "Mon-Fry"),
        "Settings!B4: 'Mon-Fry' is not a list of weekdays ('Fry' is not a day). Write the days such as Mon-Fri, Sun-Thu or Mon,Tue,Wed,Thu,Fri.",
        id="working_days"),
    pytest.param(
        setting("At Risk Pace", "95%"),
        'Settings!B4: the status thresholds must go down: On Track Pace ≥ Slightly Behind Pace ≥ At Risk Pace (now 100%, 90%, 95%). Fix the order, such as 100%, 90%, 75%.',
        id="paces"),
    pytest.param(
        lambda s: s.__setitem__("Seasonality", [["Month", "Weight"], ["March", 0]]),
        'Seasonality!B2: 0 is not a weight above 0. Write a number such as 1.2 for a busy month or 0.8 for a quiet one; 1 is ordinary.',
        id="seasonality_weight"),
    pytest.param(
        lambda s: s.__setitem__("Seasonality", [["Month", "Weight"], ["Smarch", 1.2]]),
        "Seasonality!A2: 'Smarch' is not a month. Write a month number 1-12 or a name such as April.",
        id="seasonality_month"),
    pytest.param(
        lambda s: s.__setitem__("Time Off", [["Rep ID", "From", "To"], ["R1", dt.date(2026, 5, 8), dt.date(2026, 5, 4)]]),
        'Time Off!C2: To (2026-05-04) is before From (2026-05-08). Write the last day off on or after the first.',
        id="time_off_order"),
    pytest.param(
        lambda s: s.__setitem__("Time Off", [["Rep ID", "From", "To"], ["R2", dt.date(2026, 5, 4), dt.date(2026, 5, 8)]]),
        "Time Off!A2: Rep ID 'R2' is not on the Reps sheet. Use an ID from the Reps sheet (R1), or add the rep there.",
        id="time_off_unknown_rep"),
    pytest.param(
        setcell("Reps", 1, 1, None),
        "Reps!B2: the Name is missing. Write the rep's name, such as Ana Lima.",
        id="name_missing"),
    pytest.param(
        setcell("Goals", 1, 2, "=1000*2"),
        "Goals!C2: the formula '=1000*2' has no saved value. Open the workbook in Excel or LibreOffice, let it calculate and save it, or type the value.",
        id="formula_no_value"),
    pytest.param(
        setcell("Goals", 1, 1, "twenty"),
        "Goals!B2: 'twenty' is not a year. Write a whole number such as 2026.",
        id="year"),
    pytest.param(
        setcell("Activity", 2, 5, "(100)"),
        "Activity!F3: '(100)' is negative. Money must be 0 or more: write a number such as 1000 or $1,000.50.",
        id="negative_amount"),
    pytest.param(
        lambda s: s["Activity"].append([dt.date(2026, 2, 11), "R1", "Focus Block", None, None, None, "two"]),
        "Activity!G4: 'two' is not a number of hours. Write a number such as 2.",
        id="focus_hours"),
    pytest.param(
        lambda s: (s["Reps"][0].append("Start Date"), s["Reps"][1].append("2026-13-01")),
        "Reps!D2: '2026-13-01' is not a real date: there is no month 13. Write it as a date cell or as text like 2026-03-05.",
        id="start_date"),
    pytest.param(
        lambda s: s.__setitem__("Reps", [["Rep ID", "Name"]]),
        'Reps sheet: has no reps yet. Add one row per rep below the header, with at least a Rep ID and a Name.',
        id="empty_reps"),
    pytest.param(
        setting("Default Close Rate", 0),
        'Settings!B4: 0 is not a close rate between 0 and 100% (0 means no lead ever closes). Write the share of leads that close, such as 30% or 1/3.',
        id="default_close_rate"),
    pytest.param(
        setcell("Goals", 1, 4, 0),
        "Goals!E2: 0 is not a deal size: it must be more than 0. Write the usual amount of one deal, such as 5000, or leave it empty to use the rep's history.",
        id="deal_size_zero"),
]


@pytest.mark.parametrize(("breakage", "expected"), CASES)
def test_broken_workbook_gives_exactly_this_problem(make_workbook, breakage, expected):
    sheets = minimal_sheets()
    breakage(sheets)
    path = make_workbook(sheets)
    with pytest.raises(InputProblems) as raised:
        read_workbook(path)
    assert [str(p) for p in raised.value.problems] == [expected]


def test_every_problem_is_reported_at_once(make_workbook):
    sheets = minimal_sheets()
    sheets["Reps"].append(["R2", None, "West"])
    sheets["Goals"][1][2] = "abc"
    sheets["Activity"][1][2] = "coffee"
    sheets["Activity"][2][0] = "2026-02-30"
    sheets["Settings"].append(["Currency", "XYZ"])
    sheets["Time Off"] = [["Rep ID", "From", "To"], ["R9", dt.date(2026, 5, 4), "soon"]]
    errors, _warnings = find_problems(make_workbook(sheets))
    assert format_problems(errors).splitlines() == [
        "Reps!B3: the Name is missing. Write the rep's name, such as Ana Lima.",
        "Goals!C2: 'abc' is not an amount of money. Write a number such as 1000 or $1,000.50.",
        ("Activity!C2: 'coffee' is not an activity type. Write one of: lead (or new lead, "
        "leads, prospect), meeting (or call, visit, demo), won (or closed won, sale, deal "
        "won), lost (or closed lost, deal lost, loss), focus (or focus block, planning, "
        "focus time)."),
        ("Activity!A3: '2026-02-30' is not a real date: February 2026 has 28 days. Write it "
        "as a date cell or as text like 2026-03-05."),
        ("Settings!B4: 'XYZ' is not an ISO 4217 currency code. Write a code such as USD, EUR, "
        "GBP or JPY."),
        ("Time Off!A2: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps sheet "
        "(R1), or add the rep there."),
        ("Time Off!C2: 'soon' is not a date. Write it as a date cell or as text like "
        "2026-03-05."),
    ]


def test_many_bad_rows_are_summarised_not_listed_one_by_one(make_workbook):
    sheets = minimal_sheets()
    for day in range(1, 26):
        sheets["Activity"].append([f"2026-02-{day + 30}", "R1", "lead", None, None, None, None])
    errors, _ = find_problems(make_workbook(sheets))
    assert len(errors) == 6
    assert str(errors[-1]) == (
        "Activity!A9:A28: 20 more cells with the same kind of problem as Activity!A4 above.")


def test_warnings_do_not_stop_a_read(make_workbook):
    sheets = minimal_sheets()
    sheets["Reps"][0].append("Active")
    sheets["Reps"][1].append("yes")
    sheets["Reps"].append(["R2", "Ina Out", "West", "no"])
    sheets["Reps"].append(["R3", "No Goal", "West", "yes"])
    sheets["Activity"].append([dt.date(2026, 3, 2), "R2", "lead", None, None, None, None])
    sheets["Activity"].append([dt.date(2025, 3, 2), "R1", "lead", None, None, None, None])
    sheets["Settings"].append(["Favourite Colour", "blue"])
    data = read_workbook(make_workbook(sheets))
    # R2's March lead is old news by June: the reader says nothing about it.
    assert format_problems(data.warnings).splitlines() == [
        ("warning: Settings!A4: 'Favourite Colour' is not a setting goalreport knows, so it is "
        "ignored. Known settings: Company, Currency, Locale, Fiscal Year Start, Working Days, "
        "Holiday Country, As Of, Default Close Rate, Default Meetings per Lead, Default Avg "
        "Deal Size, Realism Threshold, On Track Pace, Slightly Behind Pace, At Risk Pace, Won "
        "Stages, Lost Stages, Owner Column, Stage Column, Won Column, Close Date Column, "
        "Amount Column, Currency Column, Client Column, Type Column, Invoiced Date Column, "
        "Paid Date Column, Paid Amount Column, New Types, Repeat Types, Other Owners, Credit "
        "On, Revenue Split Types, Overlay Split Types, Manager Email, Default Relief, Landing, "
        "Coverage Target, Default Plan."),
    ]
