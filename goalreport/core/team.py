"""The team's series and ranking, for the team report and Team Summary's charts. Team
totals are one roll-up among the others: ``core.rollup.team_totals``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.keys import natural_key
from goalreport.core.results import RepResult


def team_series(results: Iterable[RepResult], attribute: str) -> list[tuple[date, Decimal]]:
    """A cumulative series (``"cumulative_plan"``, or ``"rollup_cumulative_actual"``: the
    actual without overlay credit, which no team counts) of each rep's progress summed
    over reps, date by date (a rep without a point on a date, e.g. one who started later,
    adds nothing there). Drawn by the team report and the Team Summary sheet's chart."""
    totals: dict[date, Decimal] = {}
    for result in results:
        for day, value in getattr(result.progress, attribute):
            totals[day] = totals.get(day, Decimal(0)) + value
    return sorted(totals.items())


def rank_key(result: RepResult) -> tuple[bool, Fraction, tuple[tuple[int, int | str], ...]]:
    """Reps ranked by attainment, best first, ties by name in natural order; no attainment
    (no target) last. The team report's ranking and the Team Summary chart use the same
    order."""
    attainment = result.progress.attainment
    return (attainment is None, -(attainment or Fraction(0)), natural_key(result.rep.name))
