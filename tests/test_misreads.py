"""No silent misreads: each case on the British team's en_GB workbook, with
the exact message a manager sees."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from british_team import activity_row, british_sheets

from goalreport.errors import InputProblems
from goalreport.jobs import check_workbook
from goalreport.workbook.reader import read_workbook

TODAY = date(2026, 11, 27)


def _errors(path) -> list[str]:
    with pytest.raises(InputProblems) as raised:
        check_workbook(path, today=TODAY)
    return [str(p) for p in raised.value.problems]


def test_the_british_workbook_is_clean_and_counts_pounds(make_workbook) -> None:
    data = read_workbook(make_workbook(british_sheets()))
    assert (data.settings.currency, data.settings.locale, data.settings.fiscal_year_start,
            data.settings.holiday_country, data.settings.holiday_subdivision) == (
        "GBP", "en_GB", 4, "GB", "ENG")
    assert check_workbook(make_workbook(british_sheets(), "again.xlsx"), today=TODAY) == []


def test_dollars_euros_and_codes_in_a_pound_workbook_are_named(make_workbook) -> None:
    sheets = british_sheets()
    activity_row(sheets, 14)[5] = "$6,800"
    activity_row(sheets, 16)[5] = "USD 1,200"
    activity_row(sheets, 18)[5] = "EUR 500"
    activity_row(sheets, 20)[5] = "£4,100.50"  # pounds: fine
    activity_row(sheets, 22)[5] = "4.1k"  # no currency named: fine
    sheets["Goals"][3][3] = "US$36,000"
    assert _errors(make_workbook(sheets)) == [
        ("Goals!D4: 'US$36,000' is in USD; this workbook counts GBP (Settings Currency). "
        "Convert it, or change Currency."),
        ("Activity!F14: '$6,800' is in USD; this workbook counts GBP (Settings Currency). "
        "Convert it, or change Currency."),
        ("Activity!F16: 'USD 1,200' is in USD; this workbook counts GBP (Settings Currency). "
        "Convert it, or change Currency."),
        ("Activity!F18: 'EUR 500' is in EUR; this workbook counts GBP (Settings Currency). "
        "Convert it, or change Currency."),
    ]


@pytest.mark.parametrize(("locale", "currency", "text", "codes"), [
    ("en_US", "USD", "$1,200", ("USD",)),
    ("en_CA", "CAD", "$1,200", ("CAD",)),  # the Locale writes CAD as $
    ("en_AU", "AUD", "$1,200", ("AUD",)),
    ("en_US", "CAD", "$1,200", ("USD",)),  # en_US writes $ for USD: set Locale en_CA
    ("en_GB", "CAD", "$1,200", ("CAD",)),  # en_GB has no $: the Currency is one of its users
    ("en_GB", "GBP", "$1,200", ("USD",)),  # ... and when it is not, $ is read as USD
    ("sv_SE", "SEK", "1 200 kr", ("SEK",)),
    ("nb_NO", "NOK", "kr 1 200", ("NOK",)),
    ("en_GB", "GBP", "1,200 kr", ("SEK", "NOK", "DKK", "ISK")),
    ("de_DE", "EUR", "1.200,00 €", ("EUR",)),
    ("en_GB", "GBP", "1,200", ()),
    ("en_GB", "GBP", "1.2k", ()),
])
def test_which_currency_a_text_is_in(locale, currency, text, codes) -> None:
    from goalreport.workbook.values import currency_in

    assert currency_in(text, locale, currency) == codes


def test_kroner_in_a_pound_workbook_lists_every_krone(make_workbook) -> None:
    sheets = british_sheets()
    activity_row(sheets, 3)[5] = "1,200 kr"
    assert _errors(make_workbook(sheets)) == [
        ("Activity!F3: '1,200 kr' is in SEK, NOK, DKK or ISK; this workbook counts GBP "
        "(Settings Currency). Convert it, or change Currency.")]


def test_a_bad_currency_setting_does_not_flag_every_amount(make_workbook) -> None:
    sheets = british_sheets()
    sheets["Settings"][2][1] = "Pounds"
    activity_row(sheets, 3)[5] = "£1,200"
    assert _errors(make_workbook(sheets)) == [
        ("Settings!B3: 'Pounds' is not an ISO 4217 currency code. Write a code such as USD, "
        "EUR, GBP or JPY.")]


def test_a_column_of_us_dates_in_a_british_workbook_is_named_whole(make_workbook) -> None:
    """01/13/2026 is only a date month first; so 07/01/2026 in the same column was most
    likely typed month first too and must not be read as 7 January."""
    sheets = british_sheets()
    activity_row(sheets, 5)[0] = "07/01/2026"  # ambiguous: 7 Jan or 1 Jul
    activity_row(sheets, 6)[0] = "07/01/2026"
    activity_row(sheets, 7)[0] = "07/01/2026"
    activity_row(sheets, 9)[0] = "10/09/2026"  # ambiguous too
    activity_row(sheets, 10)[0] = "01/13/2026"  # only month first
    activity_row(sheets, 11)[0] = "12/25/2026"  # only month first
    activity_row(sheets, 12)[0] = "25/12/2026"  # day first: fine on its own
    activity_row(sheets, 13)[0] = "2026-07-01"  # ISO: always fine
    sheets["Time Off"] = [["Rep ID", "From", "To"], ["R01", "05/10/2026", "09/10/2026"]]
    assert _errors(make_workbook(sheets)) == [
        ("Activity!A10:A11: '01/13/2026', '12/25/2026' are real dates only month first, but "
         "Locale en_GB reads text dates day first (dd/mm/yyyy). So this column's text dates "
         "that read both ways cannot be trusted either: '07/01/2026' (A5:A7), '10/09/2026' "
         "(A9). Write the dates of column A as ISO text such as 2026-07-01, as real date "
         "cells, or day first throughout."),
    ]


def test_ambiguous_dates_alone_follow_the_locale(make_workbook) -> None:
    sheets = british_sheets()
    activity_row(sheets, 5)[0] = "07/10/2026"
    data = read_workbook(make_workbook(sheets))
    assert any(record.day == date(2026, 10, 7) and record.rep_id == "R01"
               for record in data.activity)


# ---------------------------------------------------------------- item 5: every problem at once


def test_check_lists_cell_problems_and_a_missing_goal_in_one_run(make_workbook) -> None:
    """A rep with no goal used to appear only after the cell errors were fixed."""
    sheets = british_sheets()
    del sheets["Goals"][5]  # R05 has no goal now
    sheets["Goals"][2][2] = "lots"  # R02's New Client Target: reported, not "no goal"
    for row in range(20, 60):
        activity_row(sheets, row)[0] = "someday"
    activity_row(sheets, 70)[0] = "someday"
    problems = _errors(make_workbook(sheets))
    assert problems == [  # sorted by sheet (Reps, Goals, Activity …), row and column
        ("Reps row 6: active rep 'R05' (Emma Clarke) has no goal for 2026 (2026-04-01 to "
         "2027-03-31): add a Goals row with Rep ID 'R05' and Year 2026, or set Active to "
         "'no'."),
        ("Goals!C3: 'lots' is not an amount of money. Write a number such as 1000 or "
         "$1,000.50."),
        *(f"Activity!A{row}: 'someday' is not a date. Write it as a date cell or as text "
          "like 2026-03-05." for row in range(20, 25)),
        ("Activity!A25:A59, A70: 36 more cells with the same kind of problem as "
         "Activity!A20 above."),
    ]


# ---------------------------------------------------------------- item 6: warnings that help


def test_last_years_activity_is_history_and_old_activity_is_one_line(make_workbook) -> None:
    sheets = british_sheets()  # every rep has activity from November 2025: history, no warning
    sheets["Activity"].append([dt.date(2024, 6, 3), "R01", "lead", None, None, None, None])
    sheets["Activity"].append([dt.date(2024, 6, 4), "R01", "lead", None, None, None, None])
    sheets["Activity"].append([dt.date(2025, 5, 4), "R02", "lead", None, None, None, None])
    sheets["Activity"].append([dt.date(2025, 11, 1), "R03", "lead", None, None, None, None])
    assert [str(w) for w in check_workbook(make_workbook(sheets), today=TODAY)] == [
        ("Activity sheet: 3 days of activity by R01 (2 days), R02 (1 day) fall outside goal "
         "year 2026 (April 2026 – March 2027) and before the 365 days of history up to As Of "
         "(1 November 2025 – 31 October 2026), so they count nowhere. If it should count, add "
         "a Goals row for its year."),
    ]


def test_inactive_reps_activity_is_one_line(make_workbook) -> None:
    sheets = british_sheets()
    sheets["Reps"][0].append("Active")
    for row in sheets["Reps"][1:]:
        row.append("no" if row[0] in ("R02", "R05") else "yes")
    # Their activity of October 2026, the report month: a lead and a win each (
    # their older activity is not warned about).
    assert [str(w) for w in check_workbook(make_workbook(sheets), today=TODAY)] == [
        ("Activity sheet: inactive reps R02 (2 days), R05 (2 days) logged activity from 1 "
         "October 2026 (the report month) on; it counts in team history only. If they still "
         "sell, set Active to yes."),
    ]


# ---------------------------------------------------------------- item 8: near matches


def test_unknown_rep_ids_suggest_the_near_id_or_the_rep_whose_name_it_is(make_workbook) -> None:
    sheets = british_sheets()
    activity_row(sheets, 3)[1] = "R1"
    activity_row(sheets, 4)[1] = "Alice Green"
    activity_row(sheets, 5)[1] = "R-02"
    activity_row(sheets, 6)[1] = "Zed"
    some = "(R01, R02, R03, R04, R05, …)"
    assert _errors(make_workbook(sheets)) == [
        (f"Activity!B3: Rep ID 'R1' is not on the Reps sheet — did you mean R01? Use an ID "
         f"from the Reps sheet {some}, or add the rep there."),
        (f"Activity!B4: Rep ID 'Alice Green' is not on the Reps sheet — 'Alice Green' is "
         f"R01's Name: write R01. Use an ID from the Reps sheet {some}, or add the rep "
         "there."),
        (f"Activity!B5: Rep ID 'R-02' is not on the Reps sheet — did you mean R02? Use an ID "
         f"from the Reps sheet {some}, or add the rep there."),
        (f"Activity!B6: Rep ID 'Zed' is not on the Reps sheet. Use an ID from the Reps sheet "
         f"{some}, or add the rep there."),
    ]


# ---------------------------------------------------------------- item 3: goals in thousands


def test_targets_typed_in_thousands_are_warnings_naming_the_cell(make_workbook) -> None:
    sheets = british_sheets()
    sheets["Goals"][3][2:4] = [96, 48]  # R03 meant £96k and £48k
    sheets["Goals"][4][2:4] = ["120k", 0]  # R04: 120k is read as 120,000, fine
    warnings = check_workbook(make_workbook(sheets), today=TODAY)
    assert [str(w) for w in warnings] == [
        ("Goals!C4: a New Client Target of 96 is less than one average deal (4,000): did you "
         "mean 96,000? Write the whole amount (such as 96000 or 96k)."),
        ("Goals!D4: a Repeat Client Target of 48 is less than one average deal (4,000): did "
         "you mean 48,000? Write the whole amount (such as 48000 or 48k)."),
    ]


def test_a_goal_far_below_the_median_is_a_warning_without_deal_sizes(make_workbook) -> None:
    sheets = british_sheets()
    for row in sheets["Goals"]:
        del row[4]  # no Avg Deal Size column: deal sizes come from the history
    sheets["Goals"][6][2] = 650  # R06: £650 against a median goal of about £100,000
    warnings = [str(w) for w in check_workbook(make_workbook(sheets), today=TODAY)]
    assert warnings == [
        ("Goals!C7: a New Client Target of 650 is less than a hundredth of the median goal "
         "(99,000) for goal year 2026 (April 2026 – March 2027): did you mean 650,000? Write "
         "the whole amount (such as 650000 or 650k)."),
    ]


# ---------------------------------------------------------------- item 4: regional holidays


@pytest.mark.parametrize("country", ["DE", "CH", "ES", "AU", "CA", "IN"])
def test_countries_whose_regions_keep_other_days_off_warn(make_workbook, country) -> None:
    sheets = british_sheets()
    sheets["Settings"][5][1] = country
    [warning] = read_workbook(make_workbook(sheets)).warnings
    assert warning.where == "Settings!B6"
    assert warning.message.startswith(f"Holiday Country {country} has no region: up to ")
    assert f"Write one, such as {country}-" in warning.message
    assert len(f"Warning: {warning}") <= 160  # two lines of a terminal
    assert f"The regions: {country}-" in warning.detail


def test_gb_without_a_region_names_what_england_wales_scotland_and_ni_add(
        make_workbook) -> None:
    sheets = british_sheets()
    sheets["Settings"][5][1] = "GB"
    data = read_workbook(make_workbook(sheets))
    # Two lines of a terminal on every run, the list with --verbose (detail).
    assert [str(w) for w in data.warnings] == [
        ("Settings!B6: Holiday Country GB has no region: up to 5 regional days off a year "
         "are working days. Write one, such as GB-ENG (--verbose lists them)."),
    ]
    assert data.warnings[0].detail == (
        "Without a region only the holidays all of GB keeps are days off. In goal year 2026 "
        "(April 2026 – March 2027): GB-ENG and GB-WLS add Easter Monday (6 April 2026), "
        "Late Summer Bank Holiday (31 August 2026), Easter Monday (29 March 2027); GB-NIR "
        "adds Easter Monday (6 April 2026), Battle of the Boyne (observed) (13 July 2026), "
        "Late Summer Bank Holiday (31 August 2026), Saint Patrick's Day (17 March 2027), "
        "Easter Monday (29 March 2027); GB-SCT adds Scotland's participation in the FIFA "
        "World Cup final (15 June 2026), Summer Bank Holiday (3 August 2026), Saint "
        "Andrew's Day (30 November 2026), New Year Holiday (observed) (4 January 2027). The "
        "regions: GB-ENG, GB-NIR, GB-SCT, GB-WLS.")


def test_a_country_whose_regions_agree_or_a_region_given_is_quiet(make_workbook) -> None:
    """US federal holidays are what nearly every state keeps (no state holiday is kept by
    a third of the states, the typical state adds two): no warning on every US workbook."""
    for country in ("GB-ENG", "SE", "NL", "US", "FR"):
        sheets = british_sheets()
        sheets["Settings"][5][1] = country
        assert read_workbook(make_workbook(sheets, f"{country}.xlsx")).warnings == ()


def test_gb_eng_2026_bank_holidays_match_the_published_list(make_workbook) -> None:
    """gov.uk's 2026 bank holidays for England and Wales (weekdays: Boxing Day falls on a
    Saturday, so 28 December is its substitute)."""
    from goalreport.core.calendar import public_holidays

    data = read_workbook(make_workbook(british_sheets()))
    found = public_holidays(data.settings.holiday_country, data.settings.holiday_subdivision,
                            (2026,))
    assert sorted(day for day in found if day.weekday() < 5) == [
        date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 4),
        date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)]


def test_a_default_deal_size_in_dollars_is_named_on_settings(make_workbook) -> None:
    sheets = british_sheets()
    sheets["Settings"].append(["Default Avg Deal Size", "$250"])
    assert _errors(make_workbook(sheets)) == [
        ("Settings!B8: '$250' is in USD; this workbook counts GBP (Settings Currency). "
         "Convert it, or change Currency.")]


def test_an_ambiguous_as_of_is_named_when_the_workbook_shows_the_other_order(
        make_workbook) -> None:
    sheets = british_sheets()
    sheets["Settings"][6][1] = "10/09/2026"  # 10 September in en_GB, or 9 October?
    activity_row(sheets, 10)[0] = "01/13/2026"  # only month first
    assert _errors(make_workbook(sheets)) == [
        ("Activity!A10: '01/13/2026' is a real date only month first, but Locale en_GB reads "
         "text dates day first (dd/mm/yyyy). Write the dates of column A as ISO text such as "
         "2026-01-13, as real date cells, or day first throughout."),
        ("Settings!B7: '10/09/2026' reads both ways, and text dates in this workbook were "
         "typed month first (see Activity!A10). Write it as ISO text such as 2026-10-09 (if "
         "month first) or as a real date cell."),
    ]
