"""Exact money arithmetic: cents as integers, ratios as Fractions, one rounding rule.

Results show money rounded to cents with ROUND_HALF_UP (halves away from zero, as a
spreadsheet does), except where amounts must add up exactly to a total: those are split by
the largest-remainder method.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from math import lcm

from goalreport.core.locales import babel_locale

ZERO = Fraction(0)


def to_cents(amount: Decimal) -> int:
    """``amount`` as an integer number of cents (rounded half up if it has more places)."""
    return int(amount.scaleb(2).to_integral_value(ROUND_HALF_UP))


def round_half_up(value: Fraction) -> int:
    """``value`` rounded to the nearest integer, halves away from zero."""
    whole, rest = divmod(abs(value.numerator), value.denominator)
    if 2 * rest >= value.denominator:
        whole += 1
    return whole if value >= 0 else -whole


def money(value: Fraction | int) -> Decimal:
    """An exact amount in dollars (or any currency unit) rounded half up to cents."""
    return cents_to_money(round_half_up(Fraction(value) * 100))


def cents_money(value: Fraction | int) -> Decimal:
    """An exact amount in cents rounded half up to whole cents, as money."""
    return cents_to_money(round_half_up(Fraction(value)))


def cents_to_money(cents: int) -> Decimal:
    """Integer cents as a ``Decimal`` with two places."""
    return Decimal(cents).scaleb(-2)


def largest_remainder(total: int, weights: Sequence[Fraction | int]) -> tuple[int, ...]:
    """Split the integer ``total`` in proportion to ``weights`` so the parts add up to it.

    Each part is its exact share rounded down; the units left over go one each to the
    parts with the largest fractional remainders, the earlier part first on a tie. Every
    part is therefore its exact share rounded down or up. All weights zero (or none) →
    all parts zero, and the total is not distributed: the caller decides what that means.
    """
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    denominator = lcm(*(Fraction(w).denominator for w in weights)) if weights else 1
    return largest_remainder_int(
        total, [int(w * denominator) if isinstance(w, int) else
                w.numerator * (denominator // w.denominator) for w in weights])


def largest_remainder_int(total: int, weights: Sequence[int]) -> tuple[int, ...]:
    """``largest_remainder`` for integer weights, in integer arithmetic only."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return tuple(0 for _ in weights)
    parts = []
    remainders = []
    for index, weight in enumerate(weights):
        part, rest = divmod(total * weight, weight_sum)
        parts.append(part)
        remainders.append((-rest, index))
    left = total - sum(parts)
    for _, index in sorted(remainders)[:left]:
        parts[index] += 1
    return tuple(parts)


def show_money(value: Decimal | Fraction | int, currency: str = "USD", locale: str = "en_US") -> str:
    """``value`` rounded to cents and written for people, e.g. "$1,000.50", for the
    reasons and suggestions the engine writes. An unknown locale falls back to en_US."""
    amount = value if isinstance(value, Decimal) else money(Fraction(value))
    shape = _money_shape(currency, locale)
    if shape is None or amount < 0:
        from babel.numbers import format_currency

        return format_currency(amount, currency, locale=babel_locale(locale))
    prefix, group, point, suffix = shape
    whole, cents = divmod(to_cents(amount), 100)
    return f"{prefix}{whole:,}".replace(",", group) + f"{point}{cents:02d}{suffix}"


_SAMPLE = re.compile(r"^(\D*)1(\D+)234(\D+)567(\D+)89(\D*)$")


@lru_cache(maxsize=64)
def _money_shape(currency: str, locale: str) -> tuple[str, str, str, str] | None:
    """(prefix, group separator, decimal point, suffix) of the locale's currency format,
    read once from Babel's rendering of a sample (Babel is slow per call). None when the
    format is not plain thousands grouping with two decimals; Babel then formats."""
    from babel.numbers import format_currency

    sample = format_currency(Decimal("1234567.89"), currency, locale=babel_locale(locale))
    match = _SAMPLE.match(sample)
    if match is None or match[2] != match[3]:
        return None
    return match[1], match[2], match[4], match[5]
