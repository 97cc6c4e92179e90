"""Pure parsers for cell values as people really type them (SPEC §1).

Each parser takes what python-calamine returned for a cell (str, float, int, bool, date,
datetime) and returns the value, or raises ``ValueProblem`` whose message quotes the bad
value and says what to write instead. The caller prefixes the cell name. No I/O, no clock.

Dates have their own module, ``dates.py``, built on the helpers here.

Choices worth knowing:
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

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from babel.numbers import get_decimal_symbol

from goalreport.core.locales import babel_locale
from goalreport.workbook.currencies import (
    currency_codes,
    currency_in,
    foreign_currency,
    strip_currency,
)

CENT = Decimal("0.01")

#: Amounts of money and quantities must stay below this (10^15, Excel's 15 significant
#: digits): beyond it a cell is a typo or junk, and cents could no longer be kept exactly.
MAX_AMOUNT = Decimal(10) ** 15
TOO_LARGE = "is too large: amounts must be below 1,000,000,000,000,000."

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
    "ValueProblem",
    "currency_codes",
    "currency_in",
    "is_blank",
    "parse_decimal_amount",
    "parse_email",
    "parse_int",
    "parse_mailbox",
    "parse_money",
    "parse_number",
    "parse_ratio",
    "parse_text",
    "parse_yes_no",
    "quote",
    "same_person",
]


# ---------------------------------------------------------------- email addresses

#: A plain address: dot-atoms of letters (any script: RFC 6531 allows them), digits and
#: RFC 5322's specials, and a domain of at least two labels ending in a letter label.
_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}")


def domain_key(domain: str) -> str:
    """A mail domain as compared: lower case, IDNA (punycode) for non-ASCII labels, so
    ``Exämple.com`` and ``xn--exmple-cua.com`` are one. Raises ``UnicodeError``."""
    return domain.strip().rstrip(".").encode("idna").decode("ascii").lower()


def check_domain(address: str, allowed: tuple[str, ...], value: Any) -> str:
    """``address`` when ``allowed`` is empty or holds its domain, else ``ValueProblem``
    naming the operator's list: inbox writers choose the addresses, the operator the
    domains goalreport may mail from the company's sender."""
    if not allowed:
        return address
    try:
        key = domain_key(address.rpartition("@")[2])
    except UnicodeError:
        key = ""
    if key in allowed:
        return address
    raise ValueProblem(
        f"{quote(value)} is outside the domains goalreport may mail ({', '.join(allowed)}: "
        "GOALREPORT_SMTP_ALLOWED_DOMAINS, set by whoever runs goalreport). Write an address "
        "at one of them, or ask them to allow its domain.")


#: ``Olivia Bennett <olivia@uk.example.com>``, ``"Bennett, Olivia" <…>``: RFC 5322's
#: name-addr, as Outlook and other mail programs copy an address with its display name.
_NAMED = re.compile(r'(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>')


def parse_mailbox(value: Any) -> tuple[str, str]:
    """(display name, address) of one mailbox: a plain address (``ana@example.com``,
    ``chloé@example.com``), one in angle brackets or after ``mailto:``, or one with its
    display name as mail programs copy it (``Olivia Bennett <olivia@uk.example.com>``;
    the name may be quoted, and is "" when there is none). Several addresses or anything
    else is refused rather than guessed at: goalreport mails each rep's own numbers to
    this address."""
    text = parse_text(value)
    bare = text.removeprefix("mailto:").removeprefix("MAILTO:").strip()
    name = ""
    named = _NAMED.fullmatch(bare)
    if named:
        name = named["name"].strip().strip('"').strip()
        bare = named["address"].strip().removeprefix("mailto:").removeprefix("MAILTO:")
        if "@" in name and name.casefold() != bare.casefold():
            bare = ""  # "ana@x.com <ben@y.com>": two addresses, not a name
        name = "" if "@" in name else name  # "ana@x.com <ana@x.com>": no name given
    if _EMAIL.fullmatch(bare) and len(bare) <= 254 and len(bare.partition("@")[0]) <= 64:
        return name, bare
    several = text.count("@") > 1 or (not named and any(mark in text for mark in ",;"))
    why = "holds more than one address: write one address per cell" if several else \
        "is not an email address: write one address such as ana@example.com"
    raise ValueProblem(f"{quote(value)} {why}, or leave it empty.")


def parse_email(value: Any) -> str:
    """The address of ``parse_mailbox``; a display name is left out (the address is
    where mail goes; the Reps sheet compares the name with the rep's Name)."""
    return parse_mailbox(value)[1]


def same_person(display_name: str, name: str) -> bool:
    """Whether an address's display name names the rep of ``name``: the words of one are
    all among the other's, ignoring case, accents, punctuation, order and a bracketed
    remark ("Bennett, Olivia", "Olivia Bennett (Sales UK)" are Olivia Bennett)."""
    def words(text: str) -> set[str]:
        plain = unicodedata.normalize("NFKD", re.sub(r"\([^)]*\)", " ", text))
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
        return set(re.findall(r"\w+", plain))

    shown, own = words(display_name), words(name)
    return bool(shown and own) and (shown <= own or own <= shown)
