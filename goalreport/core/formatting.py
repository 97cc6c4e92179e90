"""Numbers, money, percents and dates as the workbook's Currency and Locale say (Babel).

A ``Formatter`` is bound to one locale and currency so that templates and charts never
need to know either. An unknown locale falls back to en_US rather than failing a whole
run: the reader validates Locale, and this keeps rendering robust if it did not.
"""

from __future__ import annotations

import re
from datetime import date as Date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, get_month_names
from babel.numbers import (
    format_compact_currency,
    format_currency,
    format_decimal,
    format_percent,
)

from goalreport.core import phrases
from goalreport.core.locales import babel_locale

#: Territories whose paper is US Letter (CLDR measurementData paperSize "US-Letter").
LETTER_TERRITORIES = frozenset(
    {"US", "CA", "MX", "PH", "CL", "CO", "CR", "GT", "PA", "PR", "SV", "VE", "NI", "DO", "BZ"}
)

Number = Decimal | Fraction | int | float


def page_size_for(locale: Locale) -> str:
    """CSS ``@page`` size: Letter where people print on Letter, else A4."""
    return "Letter" if (locale.territory or "") in LETTER_TERRITORIES else "A4"


def _decimal(value: Number) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


#: A locale's month abbreviations are cut to one width when at least this many of the
#: twelve already have it (en_GB: eleven of three letters, and "Sept").
SAME_WIDTH = 9


@lru_cache(maxsize=64)
def _axis_months(locale: str) -> tuple[str, ...]:
    """The twelve abbreviated month names of ``locale`` for an axis. Where all but a few
    have one width of three or more and the longer ones, cut to it, are still the start
    of their month's name and still tell the months apart ("Sept" → "Sep"), they are cut;
    otherwise (fr: "janv.", "mars", "juil."; ja: "9月", "10月") the locale's own
    abbreviations stay."""
    short = [format_skeleton("MMM", Date(2026, month, 1), locale=locale)
             for month in range(1, 13)]
    full = list(get_month_names("wide", "stand-alone", locale=locale).values())
    widths = [len(name) for name in short]
    width = max(set(widths), key=lambda w: (widths.count(w), -w))
    if width < 3 or widths.count(width) < SAME_WIDTH or min(widths) < width:
        return tuple(short)
    cut = [name[:width] for name in short]
    if len(set(cut)) < 12 or not all(
            name.casefold().startswith(c.casefold()) for c, name in zip(cut, full, strict=True)):
        return tuple(short)
    return tuple(cut)


class Formatter:
    """Formats values for one locale and currency. Blank values (None) become an en dash."""

    BLANK = "–"

    def __init__(self, locale: str, currency: str) -> None:
        self.locale = babel_locale(locale)
        self.currency = (currency or "USD").strip().upper()
        self.page_size = page_size_for(self.locale)
        base = self.locale.percent_formats[None].pattern
        self._percent_pattern = base.replace("#,##0", "#,##0.0", 1)
        self._fine_percent_pattern = base.replace("#,##0", "#,##0.###", 1)
        money = self.locale.currency_formats["standard"].pattern.split(";")[0]
        self._whole_money_pattern = re.sub(r"\.0+", "", money)

    @property
    def lang(self) -> str:
        """The language tag for ``<html lang>``, e.g. ``de-DE``."""
        return str(self.locale).replace("_", "-")

    def money(self, value: Number | None) -> str:
        """Full amount with cents as the locale writes it: ``$1,234.50``, ``1.234,50 €``."""
        if value is None:
            return self.BLANK
        return format_currency(_decimal(value), self.currency, locale=self.locale)

    def money_whole(self, value: Number | None) -> str:
        """Rounded to whole units for headline and table figures: ``$1,235``."""
        if value is None:
            return self.BLANK
        amount = _decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return format_currency(amount, self.currency, format=self._whole_money_pattern,
                               locale=self.locale, currency_digits=False)

    def money_compact(self, value: Number) -> str:
        """Short axis label: ``$250K``, ``$1.2M``."""
        amount = _decimal(value)
        compact = format_compact_currency(amount, self.currency, locale=self.locale,
                                          fraction_digits=1)
        if abs(amount) >= 1000 and not any(ch.isalpha() for ch in compact.replace(
                self.locale.currency_symbols.get(self.currency, self.currency), "")):
            # Some locales (de) have no short form for thousands: group the digits.
            return self.money_whole(amount)
        return compact

    def percent_whole(self, value: Number | None) -> str:
        """Whole percent in the locale's pattern: ``95%`` (en), ``95 %`` (de)."""
        if value is None:
            return self.BLANK
        return format_percent(_decimal(value), locale=self.locale)

    def percent(self, value: Number | None) -> str:
        """One decimal: ``87.5%`` (en_US), ``87,5 %`` (de_DE)."""
        if value is None:
            return self.BLANK
        return format_percent(_decimal(value), self._percent_pattern, locale=self.locale)

    def percent_fine(self, value: Number | None) -> str:
        """As many decimals as it has, up to three: ``5%``, ``2.5%``, ``0.25%`` (a
        commission rate, never rounded to a rate the plan does not pay)."""
        if value is None:
            return self.BLANK
        return format_percent(_decimal(value), self._fine_percent_pattern, locale=self.locale)

    def count(self, value: Number | None) -> str:
        """A whole number with grouping: ``1,234``; a share of deals (a split deal counts
        as the rep's share) with up to two decimals: ``2.5``, ``0.33``."""
        if value is None:
            return self.BLANK
        if isinstance(value, Fraction) and value.denominator != 1:
            return format_decimal(_decimal(value), format="#,##0.##", locale=self.locale)
        return format_decimal(_decimal(value).quantize(Decimal(1)), locale=self.locale)

    def count_shown(self, value: Decimal | None) -> str:
        """A count as the core rounded it (``core.monthweeks``): whole (``12``) or with
        its one decimal (``0.8``, ``0,8``)."""
        if value is None:
            return self.BLANK
        exponent = value.as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            return format_decimal(value, format="#,##0.0", locale=self.locale)
        return self.count(value)

    def count_of(self, value: Decimal, noun: str) -> str:
        """A ``count_shown`` with its noun: "1 deal", "0.8 deals", "3 deals" (a figure
        with a decimal takes the plural)."""
        return f"{self.count_shown(value)} {noun}{'' if str(value) == '1' else 's'}"

    def rate(self, value: Number | None) -> str:
        """A small per-day rate with one decimal: ``0.4``."""
        if value is None:
            return self.BLANK
        return format_decimal(_decimal(value), format="#,##0.0", locale=self.locale)

    def hours(self, value: Number | None) -> str:
        """Hours with at most one decimal: ``12.5``."""
        if value is None:
            return self.BLANK
        return format_decimal(_decimal(value), format="#,##0.#", locale=self.locale)

    def money_daily(self, value: Number | None) -> str:
        """A per-day amount: whole units from 100 up or when there are no cents, cents
        below 100 where rounding would change the aim (``$12.50``, ``$1,694``, ``$0``)."""
        if value is None:
            return self.BLANK
        cents = _decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if abs(cents) < 100 and cents != cents.to_integral_value():
            return self.money(cents)
        return self.money_whole(cents)

    def say(self, text: phrases.Phrase | str) -> str:
        """A sentence of the engine (``core.phrases``) with its values in this locale."""
        return text if isinstance(text, str) else text.fill(self._show)

    def _show(self, value: object) -> str:
        if isinstance(value, phrases.Money):
            return self.money_daily(value.amount) if value.daily else \
                self.money_whole(value.amount)
        if isinstance(value, phrases.Day):
            return self.date(value.value)
        if isinstance(value, phrases.Month):
            return self.month_year_short(value.value)
        if isinstance(value, phrases.Percent):
            return self.percent_whole(value.value)
        if isinstance(value, phrases.Count):
            return self.count(value.value)
        if isinstance(value, phrases.Number):
            return self.hours(value.value) if value.hours else self.rate(value.value)
        return str(value)

    def date(self, value: Date | None) -> str:
        """Medium date: ``Oct 31, 2026`` / ``31.10.2026``."""
        if value is None:
            return self.BLANK
        return format_date(value, "medium", locale=self.locale)

    def short_date(self, value: Date) -> str:
        """Day and month only, for week rows: ``Oct 5``."""
        return format_skeleton("MMMd", value, locale=self.locale)

    def day_range(self, first: Date, last: Date) -> str:
        """Days without the year, for the part of a week in a month: ``Dec 1 – 4``,
        ``1–4 Dec``, ``1.–4. Dez.``; one day alone when ``first`` is ``last``."""
        return format_interval(first, last, "MMMd", locale=self.locale)

    def month(self, value: Date) -> str:
        """Month and year: ``October 2026`` / ``Oktober 2026``."""
        return format_skeleton("yMMMM", value, locale=self.locale)

    def month_name(self, value: Date) -> str:
        """The month alone: ``December`` / ``Dezember``."""
        return format_date(value, "LLLL", locale=self.locale)

    def month_year_short(self, value: Date) -> str:
        """Abbreviated month and year, the month as on the axes: ``Sep 2026`` (en_GB's
        own is "Sept 2026", de_DE's "Sept. 2026"), ``2026年9月``."""
        pattern = self.locale.datetime_skeletons["yMMM"].pattern
        month = "'" + self.month_short(value).replace("'", "''") + "'"
        return format_date(value, re.sub(r"(?<!')\b[ML]{3}\b(?!')", month, pattern, count=1),
                           locale=self.locale)

    def month_short(self, value: Date) -> str:
        """Abbreviated month for chart axes, all twelve of one width where the locale
        nearly has it: ``Oct``; en_GB's ``Sept`` is ``Sep`` beside ``Aug`` and ``Oct``."""
        return _axis_months(str(self.locale))[value.month - 1]
