"""One currency rule for Activity and CRM exports: amounts written with a currency sign or
code go through ``currencies.currency_in``; a currency column's ISO code is compared with
the workbook's Currency through ``currencies.iso_code``; the messages say the same thing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import write_workbook
from crm_exports import DEALS, EXPORTS, base_sheets, export_rows, typed_activity

from goalreport.errors import InputProblems, Problem
from goalreport.workbook.reader import read_workbook

HUBSPOT = EXPORTS["hubspot"][0]
ZOHO = EXPORTS["zoho"][0]
CONVERT = "Convert it, or change Currency."
CRM_HINT = " Salesforce and HubSpot can export the amounts converted to the company currency."


def british(sheets: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """``sheets`` as a British team's: Currency GBP, Locale en_GB."""
    sheets["Settings"] += [["Currency", "GBP"], ["Locale", "en_GB"]]
    return sheets


def rate_hint(code: str, day: str = "2026-03-05") -> str:
    """What an export's message adds: the Exchange Rates sheet to fill (deal 1001 closed
    on 5 March)."""
    return (f" Or add a rate for {code} in force on {day} to the 'Exchange Rates' sheet "
            "(Currency, Rate, From).")


def won_total(data: Any) -> Decimal:
    return sum((d.won_new_amount + d.won_repeat_amount for d in data.activity), Decimal(0))


def problems_of(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(InputProblems) as raised:
        read_workbook(path)
    return raised.value.problems


@pytest.mark.parametrize(("text", "code"), [("$1,200", "USD"), ("USD 1,200.00", "USD"),
                                            ("€500", "EUR")])
def test_an_export_amount_written_in_another_currency_is_refused_naming_the_cell(
        text: str, code: str, tmp_path: Path) -> None:
    rows = export_rows("hubspot")
    rows[1][5] = text  # deal 1001, won: Amount
    sheets = british(base_sheets())
    sheets[HUBSPOT] = rows
    assert problems_of(write_workbook(tmp_path / "gbp.xlsx", sheets)) == (Problem(
        f"{HUBSPOT}!F2", f"{text!r} is in {code}; this workbook counts GBP (Settings "
        f"Currency). {CONVERT}{CRM_HINT}{rate_hint(code)}"),)


def test_the_same_amount_typed_in_activity_says_the_same_thing(tmp_path: Path) -> None:
    """The Activity message and the export's differ only by the export's hints."""
    activity = typed_activity()
    activity[0][5] = "$1,200"
    rows = export_rows("hubspot")
    rows[1][5] = "$1,200"
    typed = problems_of(write_workbook(tmp_path / "typed.xlsx",
                                       british(base_sheets(activity))))
    pasted_sheets = british(base_sheets())
    pasted_sheets[HUBSPOT] = rows
    pasted = problems_of(write_workbook(tmp_path / "pasted.xlsx", pasted_sheets))
    said = ("'$1,200' is in USD; this workbook counts GBP (Settings Currency). "
            "Convert it, or change Currency.")
    assert typed == (Problem("Activity!F4", said),)
    assert pasted == (Problem(f"{HUBSPOT}!F2", said + CRM_HINT + rate_hint("USD")),)


def test_a_shared_symbol_in_an_export_follows_the_locale_as_in_activity(
        tmp_path: Path) -> None:
    """'$' in an en_CA workbook counting CAD is CAD: accepted, counted as typed."""
    rows = export_rows("hubspot")
    rows[1][5] = "$1,200.00"
    sheets = base_sheets()
    sheets["Settings"] += [["Currency", "CAD"], ["Locale", "en_CA"]]
    sheets[HUBSPOT] = rows
    pasted = read_workbook(write_workbook(tmp_path / "cad.xlsx", sheets))
    typed_sheets = base_sheets(typed_activity())
    typed_sheets["Settings"] += [["Currency", "CAD"], ["Locale", "en_CA"]]
    typed = read_workbook(write_workbook(tmp_path / "typed.xlsx", typed_sheets))
    assert pasted.activity == typed.activity


def test_a_currency_column_in_another_case_with_spaces_is_accepted(tmp_path: Path) -> None:
    rows = export_rows("zoho")
    for row in rows[1:]:
        row[9] = " usd "
    sheets = base_sheets()
    sheets[ZOHO] = rows
    pasted = read_workbook(write_workbook(tmp_path / "usd.xlsx", sheets))
    typed = read_workbook(write_workbook(tmp_path / "typed.xlsx",
                                         base_sheets(typed_activity())))
    assert pasted.activity == typed.activity
    assert won_total(pasted) == Decimal("4500.50")  # 1,200 + 800 + 2,500.50: all counted


def test_a_currency_column_naming_another_currency_names_both_cells(tmp_path: Path) -> None:
    rows = export_rows("zoho")
    rows[1][9] = "EUR"
    sheets = base_sheets()
    sheets[ZOHO] = rows
    assert problems_of(write_workbook(tmp_path / "eur.xlsx", sheets)) == (Problem(
        f"{ZOHO}!I2", f"'1200' is in EUR ({ZOHO}!J2 says 'EUR'); this workbook counts USD "
        f"(Settings Currency). {CONVERT}{CRM_HINT}{rate_hint('EUR')}"),)


def test_a_currency_that_is_not_an_iso_code_is_named_as_unknown(tmp_path: Path) -> None:
    rows = export_rows("zoho")
    rows[1][9] = "US Dollar"
    sheets = base_sheets()
    sheets[ZOHO] = rows
    assert problems_of(write_workbook(tmp_path / "named.xlsx", sheets)) == (Problem(
        f"{ZOHO}!J2", "'US Dollar' is not an ISO 4217 currency code. Write a code such as "
        "USD, EUR, GBP or JPY."),)


def test_settings_currency_says_the_same_about_a_code_that_is_not_iso(
        tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["Settings"].append(["Currency", "US Dollar"])
    assert problems_of(write_workbook(tmp_path / "settings.xlsx", sheets)) == (Problem(
        "Settings!B4", "'US Dollar' is not an ISO 4217 currency code. Write a code such as "
        "USD, EUR, GBP or JPY."),)


def test_hubspot_amount_in_company_currency_is_not_checked_against_the_deal_currency(
        tmp_path: Path) -> None:
    """HubSpot's converted column is in the company currency whatever the deal's Currency
    says: a EUR deal's converted amount counts in a USD workbook."""
    _sheet, header, row, _title = EXPORTS["hubspot"]
    rows = [[*header, "Amount in company currency", "Currency"],
            *([*row(d), d.amount, "EUR"] for d in DEALS)]
    for line in rows[1:]:
        line[5] = None if line[0] != "1005" else 9999  # the deal's own amount, in EUR
    sheets = base_sheets()
    sheets[HUBSPOT] = rows
    pasted = read_workbook(write_workbook(tmp_path / "converted.xlsx", sheets))
    typed = read_workbook(write_workbook(tmp_path / "typed.xlsx",
                                         base_sheets(typed_activity())))
    assert pasted.activity == typed.activity
    assert won_total(pasted) == Decimal("4500.50")


@pytest.mark.parametrize(("cell", "codes"), [
    ("EUR", ("EUR",)), ("usd", ("USD",)), (" usd ", ("USD",)), ("US Dollar (USD)", ("USD",)),
    ("EUR 1.200,00", ("EUR",)), ("€", ("EUR",)), ("", ()), ("Euro", None), ("ABC", None),
    ("US Dollar", None),
])
def test_what_a_crm_currency_cell_names(cell: str, codes: tuple[str, ...] | None) -> None:
    from goalreport.workbook.currencies import stated_currency

    assert stated_currency(cell, "en_US", "USD") == codes


@pytest.mark.parametrize(("text", "code"), [("usd ", "USD"), (" GbP", "GBP"),
                                            ("US Dollar", None), ("ABC", None), ("", None)])
def test_iso_code_ignores_case_and_spaces(text: str, code: str | None) -> None:
    from goalreport.workbook.currencies import iso_code

    assert iso_code(text) == code



def test_a_bad_settings_currency_is_one_problem_and_exports_are_not_checked_against_it(
        tmp_path: Path) -> None:
    """As for Activity: with the Currency cell wrong, amounts are not compared with the
    default USD (a euro team's every deal would be named for a typo in one cell)."""
    rows = export_rows("zoho")
    for row in rows[1:]:
        row[9] = "EUR"
    sheets = base_sheets()
    sheets["Settings"].append(["Currency", "Euro"])
    sheets[ZOHO] = rows
    assert problems_of(write_workbook(tmp_path / "euro.xlsx", sheets)) == (Problem(
        "Settings!B4", "'Euro' is not an ISO 4217 currency code. Write a code such as "
        "USD, EUR, GBP or JPY."),)
