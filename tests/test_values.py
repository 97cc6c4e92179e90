"""Cell values as people type them (SPEC §1): dates, money, ratios, yes/no, text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from goalreport.workbook.dates import parse_date
from goalreport.workbook.values import (
    ValueProblem,
    parse_int,
    parse_money,
    parse_ratio,
    parse_text,
    parse_yes_no,
    quote,
)


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (date(2026, 3, 5), "en_US", date(2026, 3, 5)),
    (datetime(2026, 3, 5, 14, 30), "en_US", date(2026, 3, 5)),
    (46086.0, "en_US", date(2026, 3, 5)),
    (46086, "en_US", date(2026, 3, 5)),
    ("46086", "en_US", date(2026, 3, 5)),
    ("2026-03-05", "de_DE", date(2026, 3, 5)),
    (" 2026-03-05 10:15:00 ", "en_US", date(2026, 3, 5)),
    ("2026/3/5", "en_GB", date(2026, 3, 5)),
    ("03/05/2026", "en_US", date(2026, 3, 5)),
    ("03/05/2026", "en_GB", date(2026, 5, 3)),
    ("05/03/2026", "fr_FR", date(2026, 3, 5)),
    ("5.3.2026", "de_DE", date(2026, 3, 5)),
    ("3/5/26", "en_US", date(2026, 3, 5)),
    ("5 Mar 2026", "en_US", date(2026, 3, 5)),
    ("March 5, 2026", "en_GB", date(2026, 3, 5)),
    ("Thu, 5th March 2026", "en_GB", date(2026, 3, 5)),
    ("5. März 2026", "de_DE", date(2026, 3, 5)),
    ("29/02/2028", "en_GB", date(2028, 2, 29)),
])
def test_dates(value, locale, expected):
    assert parse_date(value, locale) == expected


@pytest.mark.parametrize(("value", "locale", "message"), [
    ("2026-02-30", "en_US", "'2026-02-30' is not a real date: February 2026 has 28 days."),
    ("29/02/2026", "en_GB", "'29/02/2026' is not a real date: February 2026 has 28 days."),
    ("2026-13-01", "en_US", "'2026-13-01' is not a real date: there is no month 13."),
    ("13/05/2026", "en_US",
     "'13/05/2026' is not a date in en_US (month/day/year): there is no month 13."),
    ("next Tuesday", "en_US", "'next Tuesday' is not a date."),
    (2026, "en_US", "2026 is a number, not a date."),
    (True, "en_US", "True is not a date."),
])
def test_impossible_dates_say_why(value, locale, message):
    with pytest.raises(ValueProblem) as raised:
        parse_date(value, locale)
    assert raised.value.message == (
        f"{message} Write it as a date cell or as text like 2026-03-05.")


@pytest.mark.parametrize(("value", "locale", "expected"), [
    (1000, "en_US", "1000.00"),
    (1000.505, "en_US", "1000.51"),
    (0.1 + 0.2, "en_US", "0.30"),
    ("1200", "en_US", "1200.00"),
    ("$1,000.50", "en_US", "1000.50"),
    ("USD 1,200", "en_US", "1200.00"),
    ("1,200 USD", "en_US", "1200.00"),
    ("US$5", "en_US", "5.00"),
    ("1 000,50 €", "fr_FR", "1000.50"),
    ("1\u202f000,50\u00a0€", "fr_FR", "1000.50"),
    ("1.000,50", "de_DE", "1000.50"),
    ("1.200", "de_DE", "1200.00"),
    ("1,200", "en_US", "1200.00"),
    ("12,50", "en_US", "12.50"),
    ("1'234.50", "de_CH", "1234.50"),
    ("£2,500,000", "en_GB", "2500000.00"),
    ("$1.2M", "en_US", "1200000.00"),
    ("15k", "en_US", "15000.00"),
    ("0", "en_US", "0.00"),
])
def test_money(value, locale, expected):
    assert parse_money(value, locale) == Decimal(expected)


@pytest.mark.parametrize(("value", "message"), [
    ("(100)", ("'(100)' is negative. Money must be 0 or more: write a number such as 1000 "
              "or $1,000.50.")),
    (-5.0, ("-5 is negative. Money must be 0 or more: write a number such as 1000 or "
           "$1,000.50.")),
    ("abc", "'abc' is not an amount of money. Write a number such as 1000 or $1,000.50."),
    ("1.2.3", "'1.2.3' is not an amount of money. Write a number such as 1000 or $1,000.50."),
    ("12 kg", "'12 kg' is not an amount of money. Write a number such as 1000 or $1,000.50."),
    (True, "True is not an amount of money. Write a number such as 1000 or $1,000.50."),
    (date(2026, 1, 1), ("'2026-01-01' is not an amount of money. Write a number such as 1000 "
                       "or $1,000.50.")),
])
def test_bad_money(value, message):
    with pytest.raises(ValueProblem) as raised:
        parse_money(value)
    assert raised.value.message == message


@pytest.mark.parametrize(("value", "expected"), [
    ("33%", Fraction(33, 100)),
    ("0.33", Fraction(33, 100)),
    ("33", Fraction(33, 100)),
    (33, Fraction(33, 100)),
    (0.33, Fraction(33, 100)),
    (0.3, Fraction(3, 10)),
    (0.333333333333333, Fraction(1, 3)),
    ("1/3", Fraction(1, 3)),
    ("1 in 3", Fraction(1, 3)),
    ("12.5 %", Fraction(1, 8)),
    (1, Fraction(1)),
])
def test_ratios(value, expected):
    assert parse_ratio(value) == expected


def test_ratio_in_a_locale_with_decimal_comma():
    assert parse_ratio("33,5%", "de_DE") == Fraction(67, 200)


def test_ratio_above_one_is_kept_where_it_may_be():
    assert parse_ratio("1.5", percent_above=None) == Fraction(3, 2)
    assert parse_ratio("150%", percent_above=None) == Fraction(3, 2)


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "'abc' is not a rate. Write a number such as 30% or 0.3."),
    ("-0.3", "'-0.3' is negative. Write a number such as 30% or 0.3."),
    ("1/0", "'1/0' is not a rate. Write a number such as 30% or 0.3."),
])
def test_bad_ratios(value, message):
    with pytest.raises(ValueProblem) as raised:
        parse_ratio(value)
    assert raised.value.message == message


def test_integers():
    assert [parse_int(v) for v in (3, 3.0, "3", " 3.0 ")] == [3, 3, 3, 3]
    with pytest.raises(ValueProblem) as raised:
        parse_int("3.5")
    assert raised.value.message == "'3.5' is not a whole number. Write a whole number such as 3."


@pytest.mark.parametrize(("value", "expected"), [
    ("yes", True), ("Y", True), ("TRUE", True), ("1", True), ("x", True), ("Active", True),
    (True, True), (1.0, True), ("no", False), ("n", False), ("False", False), ("0", False),
    ("inactive", False), (False, False), (0, False),
])
def test_yes_no(value, expected):
    assert parse_yes_no(value) is expected


def test_yes_no_rejects_anything_else():
    with pytest.raises(ValueProblem) as raised:
        parse_yes_no("maybe")
    assert raised.value.message == "'maybe' is not yes or no. Write yes or no."


def test_text_strips_and_drops_the_dot_zero_of_ids():
    assert parse_text("  R 1  ") == "R 1"
    assert parse_text(101.0) == "101"
    assert parse_text(None) == ""
    assert quote(" abc ") == "'abc'"
    assert quote(-500.0) == "-500"


@settings(max_examples=60)
@given(st.decimals(min_value=0, max_value=10**9, places=2))
def test_money_written_any_common_way_reads_back(amount):
    us = f"${amount:,.2f}"
    german = f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") + " €"
    assert parse_money(us, "en_US") == amount
    assert parse_money(german, "de_DE") == amount
    assert parse_money(float(amount), "en_US") == amount


@settings(max_examples=60)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_written_any_common_way_read_back(day):
    assert parse_date(day.isoformat(), "en_US") == day
    assert parse_date(f"{day.month}/{day.day}/{day.year}", "en_US") == day
    assert parse_date(f"{day.day}/{day.month}/{day.year}", "en_GB") == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", "de_DE") == day
    assert parse_date(float((day - date(1899, 12, 30)).days), "en_US") == day
