"""Dates as people really type them in cells (SPEC §1): date cells, Excel serial numbers,
ISO text, numeric text in the Locale's order, and text with a month name.

Like the other parsers in ``values.py``, each takes what python-calamine returned for a
cell and returns the value or raises ``ValueProblem``. No I/O, no clock.

Choices worth knowing:
- Numeric text dates (``03/05/2026``) follow the workbook Locale's short date order
  (en_US month first, en_GB/de/fr day first); ISO ``2026-03-05`` always works.
- A plain number in a date column is an Excel serial date only between 1950 and 2100;
  anything else is far more likely a typo than a sales date.
- Numeric text that is a real date only in the other day/month order is an
  ``OtherOrderDate`` (``dateorder.py`` reports it per column).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

from babel.dates import get_date_format, get_month_names

from goalreport.core.locales import babel_locale
from goalreport.workbook.values import ValueProblem, parse_text, quote

EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers outside these dates are not read as dates (see module docstring).
SERIAL_MIN, SERIAL_MAX = date(1950, 1, 1), date(2100, 12, 31)
DATE_FIX = "Write it as a date cell or as text like 2026-03-05."


@lru_cache(maxsize=32)
def _date_order(locale: str) -> str:
    """'MDY', 'DMY' or 'YMD' from the locale's short date pattern."""
    pattern = get_date_format("short", locale=babel_locale(locale)).pattern
    positions = {letter: pattern.find(letter) for letter in "dMy"}
    return "".join(
        {"d": "D", "M": "M", "y": "Y"}[k] for k in sorted(positions, key=positions.__getitem__)
    )


@lru_cache(maxsize=32)
def _month_words(locale: str) -> dict[str, int]:
    """Month names and abbreviations (English and the locale's) → month number."""
    words: dict[str, int] = {}
    for loc in ("en", locale):
        widths: tuple[Literal["wide", "abbreviated"], ...] = ("wide", "abbreviated")
        contexts: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")
        for width in widths:
            for context in contexts:
                for number, name in _names(width, context, loc).items():
                    words[name.casefold().rstrip(".")] = number
    words["sept"] = 9
    return words


def _names(width: Literal["wide", "abbreviated"], context: Literal["format", "stand-alone"],
           locale: str) -> dict[int, str]:
    return dict(get_month_names(width, context, locale=babel_locale(locale)))


def date_order(locale: str) -> str:
    """'MDY', 'DMY' or 'YMD': the order in which the Locale writes numeric dates."""
    return _date_order(locale)


def month_from_word(word: str, locale: str = "en_US") -> int | None:
    """'March', 'mar', 'März' → 3; None when not a month name."""
    return _month_words(locale).get(word.strip().casefold().rstrip("."))


def _real_date(year: int, month: int, day: int, shown: str) -> date:
    if not 1 <= month <= 12:
        raise ValueProblem(f"{quote(shown)} is not a real date: there is no month {month}. {DATE_FIX}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueProblem(
            f"{quote(shown)} is not a real date: {calendar.month_name[month]} {year} has {days} days. "
            f"{DATE_FIX}")
    return date(year, month, day)


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if len(text) <= 2 else year


_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NUMERIC = re.compile(r"(\d{1,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})\.?"
                      r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_ORDER_NAMES = {"MDY": "month/day/year", "DMY": "day/month/year", "YMD": "year-month-day"}


def parse_date(value: Any, locale: str = "en_US") -> date:
    """A date cell, an Excel serial number, ISO text, locale-ordered numeric text or text
    with a month name (``5 Mar 2026``, ``March 5, 2026``)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise ValueProblem(f"{quote(value)} is not a date. {DATE_FIX}")
    if isinstance(value, int | float):
        return _serial_date(value, value)
    text = parse_text(value)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _serial_date(float(text), text)
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
        return _real_date(year, month, day, text)
    if match := _NUMERIC.fullmatch(text):
        order = _date_order(locale)
        a, b, c = match.groups()
        if order == "YMD" and len(a) == 4:
            return _real_date(int(a), int(b), int(c), text)
        if len(a) > 2:
            raise ValueProblem(f"{text!r} is not a date. {DATE_FIX}")
        month, day = (int(a), int(b)) if order == "MDY" else (int(b), int(a))
        if not 1 <= month <= 12:
            if other_order_only(text, locale):
                raise OtherOrderDate(
                    f"{text!r} is not a date in {locale} ({_ORDER_NAMES.get(order, order)}): "
                    f"there is no month {month}. {DATE_FIX}")
            raise ValueProblem(
                f"{text!r} is not a date in {locale} ({_ORDER_NAMES.get(order, order)}): "
                f"there is no month {month}. {DATE_FIX}")
        return _real_date(_year(c), month, day, text)
    return _worded_date(text, locale)


class OtherOrderDate(ValueProblem):
    """Numeric text that is a real date only in the other day/month order than the
    Locale's (``01/13/2026`` in en_GB): the reader reports it per column with the text
    dates beside it that read both ways (see ``workbook/dateorder.py``)."""


def date_readings(text: str, locale: str) -> tuple[bool, bool] | None:
    """(a real date in the Locale's order, a real date in the other order) for numeric
    text such as ``07/01/2026``; None for anything else (ISO, worded, YMD locales)."""
    match = _NUMERIC.fullmatch(text)
    order = _date_order(locale)
    if match is None or order == "YMD" or len(match.group(1)) > 2:
        return None
    a, b, c = (int(g) if i < 2 else _year(g) for i, g in enumerate(match.groups()))
    return _valid(a, b, c, order == "MDY"), _valid(a, b, c, order != "MDY")


def other_order_only(text: str, locale: str) -> bool:
    """True for numeric text that is a date only in the order the Locale does not use."""
    readings = date_readings(text, locale)
    return readings is not None and not readings[0] and readings[1]


def _valid(a: int, b: int, year: int, month_first: bool) -> bool:
    month, day = (a, b) if month_first else (b, a)
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1] and \
        1 <= year <= 9999


def _serial_date(number: float, shown: Any) -> date:
    try:
        day = EXCEL_EPOCH + timedelta(days=int(number))
    except (OverflowError, ValueError):
        day = date.min
    if not SERIAL_MIN <= day <= SERIAL_MAX:
        raise ValueProblem(f"{quote(shown)} is a number, not a date. {DATE_FIX}")
    return day


def _worded_date(text: str, locale: str) -> date:
    tokens = [t for t in re.split(r"[\s,/.\-]+", text) if t]
    month = day = year = None
    for token in tokens:
        found = month_from_word(token, locale)
        if found is not None and month is None:
            month = found
            continue
        digits = re.fullmatch(r"(\d{1,4})(?:st|nd|rd|th)?", token.casefold())
        if digits is None:
            if token.casefold().rstrip(".") in _WEEKDAYS:
                continue
            raise ValueProblem(f"{text!r} is not a date. {DATE_FIX}")
        number = digits.group(1)
        if len(number) == 4 and year is None:
            year = int(number)
        elif day is None and len(number) <= 2:
            day = int(number)
        elif year is None and len(number) == 2:
            year = _year(number)
        else:
            raise ValueProblem(f"{text!r} is not a date. {DATE_FIX}")
    if month is None or day is None or year is None:
        raise ValueProblem(f"{text!r} is not a date. {DATE_FIX}")
    return _real_date(year, month, day, text)


_WEEKDAYS = frozenset(
    name.casefold() for name in (*calendar.day_name, *calendar.day_abbr, "tues", "thur", "thurs"))
