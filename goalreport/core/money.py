"""Exact money arithmetic: cents as integers, ratios as Fractions, one rounding rule.

Results show money rounded to cents with ROUND_HALF_UP (halves away from zero, as a
spreadsheet does), except where amounts must add up exactly to a total: those are split by
the largest-remainder method. Showing money to people is ``core.formatting.Formatter``'s
job (the engine's sentences carry amounts as ``core.phrases.Money``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from math import lcm

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
