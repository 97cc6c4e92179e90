"""Exact money arithmetic: cents as integers, ratios as Fractions, one rounding rule.

Results show money rounded to cents with ROUND_HALF_UP (halves away from zero, as a
spreadsheet does), except where amounts must add up exactly to a total: those are split by
the largest-remainder method.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

ZERO = Fraction(0)


def to_cents(amount: Decimal) -> int:
    """``amount`` (already rounded to cents on read) as an integer number of cents."""
    return round_half_up(Fraction(amount) * 100)


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
    weight_sum = sum((Fraction(w) for w in weights), ZERO)
    if any(w < 0 for w in weights):
        raise ValueError("weights must not be negative")
    if weight_sum == 0:
        return tuple(0 for _ in weights)
    parts = []
    remainders = []
    for index, weight in enumerate(weights):
        share = Fraction(total) * Fraction(weight) / weight_sum
        floor = share.numerator // share.denominator
        parts.append(floor)
        remainders.append((-(share - floor), index))
    left = total - sum(parts)
    for _, index in sorted(remainders)[:left]:
        parts[index] += 1
    return tuple(parts)


def show_money(value: Decimal | Fraction | int, currency: str = "USD", locale: str = "en_US") -> str:
    """``value`` rounded to cents and written for people, e.g. "$1,000.50", for the
    reasons and suggestions the engine writes. Falls back to en_US for an unknown locale."""
    from babel.core import UnknownLocaleError
    from babel.numbers import format_currency

    amount = value if isinstance(value, Decimal) else money(Fraction(value))
    try:
        return format_currency(amount, currency, locale=locale)
    except (UnknownLocaleError, ValueError):
        return format_currency(amount, currency, locale="en_US")
