"""Pure parsers for cell values as people really type them (SPEC §1).

Each parser takes what python-calamine returned for a cell (str, float, int, bool, date,
datetime) and returns the value, or raises ``ValueProblem`` whose message quotes the bad
value and says what to write instead. The caller prefixes the cell name. No I/O, no clock.

Choices worth knowing:
- Numeric text dates (``03/05/2026``) follow the workbook Locale's short date order
  (en_US month first, en_GB/de/fr day first); ISO ``2026-03-05`` always works.
- A plain number in a date column is an Excel serial date only between 1950 and 2100;
  anything else is far more likely a typo than a sales date.
- Money may not be negative; ``(100)`` is read as negative. ``k``/``M`` suffixes are read
  as thousands/millions (``$1.2M``).
- Money written in another currency than the workbook's Currency is a problem, never a
  number (``currencies.py`` decides which currency a text is in: ``currency_in``).
- Money and quantities (hours) must be below 10^15: a larger cell is a typo or junk, and
  Decimal could no longer keep its cents.
- Ratios: ``33%``, ``0.33``, ``1/3`` and ``1 in 3``; where the value must lie in 0–1,
  a plain number above 1 (``33``) is read as a percent.
"""

from __future__ import annotations

import calendar
import math
import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any, Literal

from babel.dates import get_date_format, get_month_names
from babel.numbers import get_decimal_symbol

from goalreport.core.locales import babel_locale
from goalreport.workbook.currencies import (
    currency_codes,
    currency_in,
    foreign_currency,
    strip_currency,
)

CENT = Decimal("0.01")
EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers outside these dates are not read as dates (see module docstring).
SERIAL_MIN, SERIAL_MAX = date(1950, 1, 1), date(2100, 12, 31)

#: Amounts of money and quantities must stay below this (10^15, Excel's 15 significant
#: digits): beyond it a cell is a typo or junk, and cents could no longer be kept exactly.
MAX_AMOUNT = Decimal(10) ** 15
TOO_LARGE = "is too large: amounts must be below 1,000,000,000,000,000."

DATE_FIX = "Write it as a date cell or as text like 2026-03-05."
MONEY_FIX = "Write a number such as 1000 or $1,000.50."
YES_WORDS = frozenset({"yes", "y", "true", "1", "x", "active", "on"})
NO_WORDS = frozenset({"no", "n", "false", "0", "inactive", "off"})


class ValueProblem(ValueError):
    """A cell value that cannot be read; ``message`` is ready to follow ``Sheet!A1: ``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def quote(value: Any) -> str:
    """A cell value as quoted in messages: text as ``'abc'``, whole numbers without
    ``.0`` (``-500``), dates as ``'2026-03-05'``."""
    if isinstance(value, str | date):
        return repr(parse_text(value))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return repr(int(value))
    return repr(value)


def is_blank(value: Any) -> bool:
    """True for an empty cell, None, or text that is only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    """Cell → stripped text; whole numbers lose their ``.0`` (an ID typed as 101)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


# ---------------------------------------------------------------- dates


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


# ---------------------------------------------------------------- numbers


@lru_cache(maxsize=32)
def _decimal_symbol(locale: str) -> str:
    return get_decimal_symbol(babel_locale(locale))


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")


def _number_text(text: str, locale: str) -> str:
    """'1.000,50' / '1,000.50' / '1 000,50' → '1000.50' (a plain decimal string)."""
    text = _SPACES.sub("", text)
    if "." in text and "," in text:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif "," in text or "." in text:
        mark = "," if "," in text else "."
        head, _, tail = text.rpartition(mark)
        if text.count(mark) > 1:
            decimal_mark = "" if re.fullmatch(r"\d{3}", tail) else mark
        elif len(tail) == 3 and head.lstrip("+-").isdigit():
            # "1,000" or "1.000": grouping unless this mark is the locale's decimal point.
            decimal_mark = mark if mark == _decimal_symbol(locale) else ""
        else:
            decimal_mark = mark
    else:
        decimal_mark = ""
    group_mark = {",": ".", ".": ","}.get(decimal_mark, ",.")
    for mark in group_mark:
        text = text.replace(mark, "")
    return text.replace(decimal_mark, ".") if decimal_mark else text


def parse_money(value: Any, locale: str = "en_US", currency: str | None = None) -> Decimal:
    """A money cell → Decimal rounded to cents; never negative. With ``currency`` (the
    workbook's Currency), text naming another currency is a problem, not a number."""
    if isinstance(value, bool | date):
        raise ValueProblem(f"{quote(value)} is not an amount of money. {MONEY_FIX}")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem(f"{quote(value)} is not an amount of money. {MONEY_FIX}")
        amount = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        shown: Any = value
    else:
        shown = parse_text(value)
        text = shown.replace("\u2212", "-")
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()").strip()
        body = strip_currency(text)
        scale = Decimal(1)
        suffix = re.search(r"(k|mm|mn|m)$", body, re.IGNORECASE)
        if suffix:
            scale = Decimal(1000) if suffix.group(1).casefold() == "k" else Decimal(1_000_000)
            body = body[: suffix.start()].strip()
        body = body.strip()
        if body.endswith("-") or body.startswith("-"):
            negative = True
            body = body.strip("-").strip()
        number = _number_text(body.lstrip("+"), locale)
        if not re.fullmatch(r"\d+(\.\d*)?|\.\d+", number):
            raise ValueProblem(f"{quote(shown)} is not an amount of money. {MONEY_FIX}")
        amount = Decimal(number) * scale * (-1 if negative else 1)
        if currency is not None and (foreign := foreign_currency(shown, locale, currency)):
            raise ValueProblem(foreign)
    if not amount.is_finite():
        raise ValueProblem(f"{quote(shown)} is not an amount of money. {MONEY_FIX}")
    if amount < 0:
        raise ValueProblem(f"{quote(shown)} is negative. Money must be 0 or more: {MONEY_FIX[0].lower()}{MONEY_FIX[1:]}")
    if amount >= MAX_AMOUNT:
        raise ValueProblem(f"{quote(shown)} {TOO_LARGE} {MONEY_FIX}")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_number(value: Any, locale: str = "en_US", *, what: str = "a number",
                 example: str = "1.5") -> Fraction:
    """Any number (plain, locale text, ``3/2``) as an exact Fraction; float noise snapped."""
    if isinstance(value, bool | date) or is_blank(value):
        raise ValueProblem(f"{quote(value)} is not {what}. Write a number such as {example}.")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueProblem(f"{quote(value)} is not {what}. Write a number such as {example}.")
        return Fraction(repr(value)).limit_denominator(10**6)
    text = parse_text(value)
    if match := re.fullmatch(r"(\d+)\s*(?:/|in)\s*(\d+)", text, re.IGNORECASE):
        if int(match.group(2)) == 0:
            raise ValueProblem(f"{text!r} divides by zero. Write a number such as {example}.")
        return Fraction(int(match.group(1)), int(match.group(2)))
    number = _number_text(text, locale)
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", number):
        raise ValueProblem(f"{text!r} is not {what}. Write a number such as {example}.")
    return Fraction(number)


def parse_ratio(value: Any, locale: str = "en_US", *, percent_above: int | None = 1,
                what: str = "a rate", example: str = "30% or 0.3") -> Fraction:
    """``33%``, ``0.33``, ``1/3``, ``1 in 3``; a plain number above ``percent_above``
    (``33``) is read as a percent. Never negative."""
    text = parse_text(value) if isinstance(value, str) else None
    if text is not None and text.endswith("%"):
        ratio = parse_number(text[:-1].strip(), locale, what=what, example=example) / 100
        shown: Any = text
    else:
        try:
            ratio = parse_number(value, locale, what=what, example=example)
        except ValueProblem:
            raise ValueProblem(
                f"{quote(value)} is not {what}. "
                f"Write a number such as {example}.") from None
        shown = text if text is not None else value
        if percent_above is not None and ratio > percent_above and ratio <= 100:
            ratio /= 100
    if ratio < 0:
        raise ValueProblem(f"{quote(shown)} is negative. Write a number such as {example}.")
    return ratio


def parse_int(value: Any, *, what: str = "a whole number", example: str = "3") -> int:
    """A whole number, given as a number cell or as text (``3``, ``3.0``)."""
    try:
        number = parse_number(value, what=what, example=example)
    except ValueProblem:
        raise ValueProblem(
            f"{quote(value)} is not {what}. "
            f"Write a whole number such as {example}.") from None
    if number.denominator != 1:
        shown = parse_text(value) if isinstance(value, str) else value
        raise ValueProblem(f"{quote(shown)} is not {what}. Write a whole number such as {example}.")
    return int(number)


def parse_yes_no(value: Any) -> bool:
    """yes/no, y/n, true/false, 1/0, x, active/inactive (any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    word = parse_text(value).casefold()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    shown = parse_text(value) if isinstance(value, str) else value
    raise ValueProblem(f"{quote(shown)} is not yes or no. Write yes or no.")


def parse_decimal_amount(value: Any, locale: str = "en_US", *, what: str = "a number",
                         example: str = "2") -> Decimal:
    """A non-negative quantity such as hours, as Decimal (two places kept)."""
    number = parse_number(value, locale, what=what, example=example)
    if number < 0:
        shown = parse_text(value) if isinstance(value, str) else value
        raise ValueProblem(f"{quote(shown)} is negative. Write a number such as {example}.")
    if number >= MAX_AMOUNT:
        shown = parse_text(value) if isinstance(value, str) else value
        raise ValueProblem(f"{quote(shown)} {TOO_LARGE} Write a number such as {example}.")
    return (Decimal(number.numerator) / Decimal(number.denominator)).quantize(
        CENT, rounding=ROUND_HALF_UP)


__all__ = [
    "OtherOrderDate",
    "ValueProblem",
    "currency_codes",
    "currency_in",
    "date_order",
    "date_readings",
    "is_blank",
    "month_from_word",
    "parse_date",
    "parse_decimal_amount",
    "parse_int",
    "parse_money",
    "parse_number",
    "parse_ratio",
    "parse_text",
    "parse_yes_no",
    "quote",
]


# ---------------------------------------------------------------- email addresses

#: A plain address: dot-atoms of letters (any script: RFC 6531 allows them), digits and
#: RFC 5322's specials, and a domain of at least two labels ending in a letter label.
_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}")


def parse_email(value: Any) -> str:
    """One plain email address (``ana@example.com``, ``chloé@example.com``;
    ``<ana@example.com>`` and ``mailto:`` are unwrapped). Several addresses, a display name or anything else is refused rather
    than guessed at: goalreport mails each rep's own numbers to this address."""
    text = parse_text(value)
    bare = text.removeprefix("mailto:").removeprefix("MAILTO:").strip()
    if bare.startswith("<") and bare.endswith(">"):
        bare = bare[1:-1].strip()
    if _EMAIL.fullmatch(bare) and len(bare) <= 254 and len(bare.partition("@")[0]) <= 64:
        return bare
    several = any(mark in text for mark in (",", ";")) or text.count("@") > 1
    why = "holds more than one address: write one address per cell" if several else \
        "is not an email address: write one address such as ana@example.com"
    raise ValueProblem(f"{quote(value)} {why}, or leave it empty.")
