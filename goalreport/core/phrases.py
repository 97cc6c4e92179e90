"""Sentences the engine writes for people, kept as a template and typed values (pure).

The engine decides *what* to say (which case: zero, one, many, missing); how each value
looks — money, dates, percents, counts and hours in the workbook's Currency and Locale —
is decided in one place, ``core.formatting.Formatter.say``. So "£130,000 from new
clients" and "seit 03.08.2026" need no Babel call in the core, and a sentence costs
nothing until someone reads it (2,000 reps' suggestions are built, few are shown).

``str(phrase)`` is a plain rendering (no currency symbol, ISO dates) for logs and tests
that do not care about the locale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Money:
    """An amount of the workbook's Currency: whole units, as in the headlines. ``daily``
    amounts (a target per working day) keep their cents when under 100 units, where
    rounding would change what a rep aims for."""

    amount: Decimal | Fraction | int
    daily: bool = False


@dataclass(frozen=True)
class Day:
    """A date, in the Locale's medium format ("3 Aug 2026", "Aug 3, 2026")."""

    value: date


@dataclass(frozen=True)
class Month:
    """A month (its first day), abbreviated with its year as the Locale writes it
    ("Jan 2026", "Jan. 2026"): a chart's month labels."""

    value: date


@dataclass(frozen=True)
class Percent:
    """A share (0.95 → "95%"), whole percent in the Locale's pattern."""

    value: Fraction | Decimal | float


@dataclass(frozen=True)
class Number:
    """A measured or planned quantity with one decimal ("5.3", "5,3"); ``hours`` drop a
    trailing ".0" ("12", "12.5")."""

    value: Fraction | Decimal | int
    hours: bool = False


@dataclass(frozen=True)
class Count:
    """A whole count with grouping ("1,234"), or a share of deals ("2.5": a split deal
    counts as the rep's share)."""

    value: int | Fraction


Value = Money | Day | Month | Percent | Number | Count | str | int


@dataclass(frozen=True)
class Phrase:
    """``template`` (``str.format`` fields) and the values that fill it."""

    template: str
    values: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, template: str, **values: Value) -> Phrase:
        return cls(template, tuple(values.items()))

    def fill(self, show: Any) -> str:
        """The sentence with each value passed through ``show`` (a value → text)."""
        if not self.values:
            return self.template
        return self.template.format(**{name: show(value) for name, value in self.values})

    def headed(self) -> tuple[str, Phrase]:
        """(heading, rest): the literal words before the first ": " ("Too few leads") and
        the sentence after them, so a report can set the heading in bold instead of
        writing a label of its own before it; ("", self) when the sentence has none."""
        head, colon, rest = self.template.partition(": ")
        if not colon or "{" in head or not head.strip():
            return "", self
        return head, Phrase(rest, self.values)

    def __str__(self) -> str:
        return self.fill(_plain)


def _plain(value: Value) -> str:
    if isinstance(value, Money):
        return f"{float(value.amount):,.2f}" if value.daily else f"{float(value.amount):,.0f}"
    if isinstance(value, Day):
        return value.value.isoformat()
    if isinstance(value, Month):
        return f"{value.value.year:04d}-{value.value.month:02d}"
    if isinstance(value, Percent):
        return f"{float(value.value):.0%}"
    if isinstance(value, Number):
        return f"{float(value.value):.1f}"
    if isinstance(value, Count):
        count = Fraction(value.value)
        if count.denominator == 1:
            return f"{count.numerator:,}"
        return f"{float(count):,.2f}".rstrip("0").rstrip(".")
    return str(value)


#: Writes a sentence as text: ``core.formatting.Formatter.say`` in the workbook's
#: Locale, or ``str`` for the plain, locale-free rendering.
Say = Callable[[Phrase], str]
