"""Which currency a money text is written in: ``'$6,800'`` in an en_GB workbook is dollars,
not pounds, and counting it as pounds would be a number the manager did not mean. Pure:
Babel's locale data, no I/O.

``currency_in`` is the one place that answers it, for Activity and the other sheets
(``values.parse_money``) and for CRM exports (``crm.terms``) alike; ``iso_code`` is the one
place an ISO 4217 code is read (Settings Currency, a CRM currency column), and
``foreign_currency`` the one message. The rule for symbols several currencies share is in
docs/input.md.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.core import UnknownLocaleError
from babel.numbers import get_territory_currencies, list_currencies

from goalreport.core.locales import FALLBACK

#: What a money text in another currency is told to do (Activity, Goals, Settings).
CONVERT_FIX = "Convert it, or change Currency."


@lru_cache(maxsize=1)
def currency_codes() -> frozenset[str]:
    return frozenset(code.upper() for code in list_currencies())


def iso_code(text: str) -> str | None:
    """The ISO 4217 code ``text`` is, ignoring case and spaces (``'usd '`` → ``'USD'``);
    None when it is not one (``'US Dollar'``)."""
    code = text.strip().upper()
    return code if code in currency_codes() else None


def not_a_code(shown: str) -> str:
    """The message for a currency cell that is not an ISO 4217 code."""
    return (f"{shown!r} is not an ISO 4217 currency code. Write a code such as USD, EUR, "
            "GBP or JPY.")


def stated_currency(text: str, locale: str, currency: str | None) -> tuple[str, ...] | None:
    """The currency a currency cell (a CRM export's currency column) names: its ISO code
    (``' usd '``), else the sign or code written in it (``'€'``, ``'US Dollar (USD)'``, read
    as ``currency_in`` reads money); ``()`` when empty; None when it names none
    (``'Euro'``, ``'US Dollar'``)."""
    if not text.strip():
        return ()
    code = iso_code(text)
    return (code,) if code else currency_in(text, locale, currency) or None


#: Symbols several currencies share. The Locale settles which one is meant where it writes
#: one of them with that symbol (en_US: $ is USD, en_CA: $ is CAD, sv_SE: kr is SEK);
#: otherwise the workbook's Currency when it is one of them, else the usual reading, else
#: any of them (see docs/input.md).
SHARED_SYMBOLS: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "ARS", "CLP", "COP"),
    "kr": ("SEK", "NOK", "DKK", "ISK"), "kr.": ("DKK", "ISK", "SEK", "NOK"),
    "¥": ("JPY", "CNY"), "£": ("GBP", "EGP", "GIP", "FKP"), "fr.": ("CHF",), "fr": ("CHF",),
}
#: How a shared symbol is read when neither the Locale nor the Currency settles it.
USUAL_READING = {"$": "USD", "¥": "JPY", "£": "GBP"}
#: Marks read as one currency wherever they are written (besides English's own symbols).
OTHER_SYMBOLS = {"€": "EUR", "₹": "INR", "₽": "RUB", "₩": "KRW", "₺": "TRY", "₪": "ILS",
                 "₫": "VND", "₱": "PHP", "฿": "THB", "₴": "UAH", "₦": "NGN", "zł": "PLN",
                 "kč": "CZK", "ft": "HUF", "r$": "BRL", "us$": "USD", "au$": "AUD",
                 "c$": "CAD", "nz$": "NZD", "hk$": "HKD", "s$": "SGD", "mx$": "MXN",
                 "nt$": "TWD", "cn¥": "CNY", "jp¥": "JPY", "rs": "INR", "rs.": "INR"}
_SCALES = frozenset({"k", "m", "mm", "mn"})
_MARKS = re.compile(r"(?P<pre>[^\d\s+\-.,()]+)?\s*(?P<body>.*?)\s*(?P<post>[^\d\s+\-.,()]+\.?)?")


@lru_cache(maxsize=32)
def _locale_symbols(locale: str) -> tuple[dict[str, tuple[str, ...]], str | None]:
    """(symbol → codes the locale writes with it, the locale territory's currency)."""
    try:
        parsed = Locale.parse(locale)
    except (UnknownLocaleError, ValueError, TypeError):
        return {}, None
    found: dict[str, list[str]] = {}
    for code, symbol in parsed.currency_symbols.items():
        if symbol != code:
            found.setdefault(symbol.casefold(), []).append(code)
    home = get_territory_currencies(parsed.territory)[:1] if parsed.territory else []
    return {k: tuple(v) for k, v in found.items()}, (home[0] if home else None)


def _codes_of(mark: str, locale: str, currency: str | None) -> tuple[str, ...]:
    mark = mark.replace("￥", "¥").casefold()
    if code := iso_code(mark):
        return (code,)
    by_locale, home = _locale_symbols(locale)
    if mark in by_locale:
        codes = by_locale[mark]
        pick = currency if currency in codes else home if home in codes else codes[0]
        return (pick,)
    if mark in SHARED_SYMBOLS:
        codes = SHARED_SYMBOLS[mark]
        if currency in codes:
            return (currency,)
        return (USUAL_READING[mark],) if mark in USUAL_READING else codes
    return (OTHER_SYMBOLS[mark],) if mark in OTHER_SYMBOLS else ()


def currency_in(text: str, locale: str = FALLBACK, currency: str | None = None
                ) -> tuple[str, ...]:
    """The ISO 4217 codes a money text is written in: ``()`` when it names no currency,
    one code when it is clear (``'$6,800'`` in en_US → ``('USD',)``, ``'EUR 500'`` →
    ``('EUR',)``), several when a shared symbol stays open (``'500 kr'`` in en_GB with
    Currency GBP → SEK, NOK, DKK or ISK).

    A shared symbol follows the Locale (the currency the Locale writes with it), then the
    workbook's ``currency`` when it is one of those sharing it, then its usual reading.
    Used by ``parse_money`` to refuse money in a currency the workbook does not count."""
    text = text.strip().lstrip("-\u2212+( ").rstrip(") -")
    match = _MARKS.fullmatch(text)
    if match is None:
        return ()
    found: list[str] = []
    for part in (match.group("pre"), match.group("post")):
        if part and part.casefold() not in _SCALES:
            found.extend(code for code in _codes_of(part, locale, currency) if code not in found)
    return tuple(found)


def strip_currency(text: str) -> str:
    """Drop currency symbols and ISO codes: '$1,200', 'USD 1,200', '1 000,50 €', 'US$5'."""
    had_symbol = any(unicodedata.category(ch) == "Sc" for ch in text)
    text = "".join(" " if unicodedata.category(ch) == "Sc" else ch for ch in text).strip()
    codes = currency_codes()
    match = re.fullmatch(r"([^\W\d_]{1,3}\.?)?\s*(.*?)\s*([^\W\d_]{1,3}\.?)?", text)
    if match is None:
        return text
    prefix, body, suffix = match.groups()
    scale = ""
    if suffix and suffix.casefold() in {"k", "m", "mm", "mn"}:
        scale, suffix = suffix, None
    for part in (prefix, suffix):
        if part and part.upper() not in codes and not (had_symbol and len(part) <= 2) and \
                part.casefold() not in SHARED_SYMBOLS and part.casefold() not in OTHER_SYMBOLS:
            return text
    return f"{body}{scale}"


def foreign_currency(shown: str, locale: str, currency: str, *, codes: tuple[str, ...] = (),
                     said: str = "", fix: str = CONVERT_FIX) -> str | None:
    """The problem message when money text ``shown`` is written in another currency than
    ``currency`` (the workbook's), else None: "'$6,800' is in USD; this workbook counts
    GBP (Settings Currency). Convert it, or change Currency."

    ``codes`` are the currencies another cell states for it (a CRM currency column, named
    by ``said``: " (Deals!J2 says 'EUR')"); without them, the text itself is read."""
    if not codes:
        if number_only(shown):
            return None
        codes = currency_in(shown, locale, currency)
    if not codes or currency in codes:
        return None
    what = codes[0] if len(codes) == 1 else f"{', '.join(codes[:-1])} or {codes[-1]}"
    return (f"{shown!r} is in {what}{said}; this workbook counts {currency} (Settings "
            f"Currency). {fix}")


def number_only(text: str) -> bool:
    """True for text made of digits, spaces and number punctuation only (no currency)."""
    return not text.strip("0123456789 .,+-()\u2212\u00a0\u202f'")


__all__ = ["CONVERT_FIX", "OTHER_SYMBOLS", "SHARED_SYMBOLS", "USUAL_READING", "currency_codes",
           "currency_in", "foreign_currency", "iso_code", "not_a_code", "number_only",
           "stated_currency", "strip_currency"]
