"""Team totals (SPEC §4 Team Summary) from the reps' results."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.model import STATUSES
from goalreport.core.money import to_cents
from goalreport.core.pipeline import team_pipeline
from goalreport.core.results import RepResult, TeamTotals

#: Team Summary's last row.
TOTAL = "Total"
#: The row for reps whose Team is empty.
NO_TEAM = "(no team)"


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads numbers as numbers, case-insensitively: "Team 2" before
    "Team 10" (a manager's list of teams or reps, not a dictionary)."""
    return tuple((1, int(part)) if part.isdigit() else (0, part)
                 for part in _DIGITS.split(name.casefold()) if part) + ((0, name),)


def _totals(name: str, results: Sequence[RepResult]) -> TeamTotals:
    """Each rep adds their ``rollup_`` figures: a deal's overlay credit counts toward its
    rep's own attainment but never in a team's (it would count twice)."""
    target = sum((r.progress.annual_target for r in results), Decimal("0.00"))
    actual = sum((r.progress.rollup_actual for r in results), Decimal("0.00"))
    expected = sum((r.progress.expected_to_date for r in results), Decimal("0.00"))
    forecast = sum((r.progress.rollup_forecast for r in results), Decimal("0.00"))
    waiting = [r.progress.rollup_not_yet_credited for r in results]
    counts = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.progress.status] = counts.get(r.progress.status, 0) + 1
    return TeamTotals(
        team=name, reps=len(results), annual_target=target, actual=actual,
        expected_to_date=expected,
        attainment=Fraction(to_cents(actual), to_cents(target)) if target else None,
        pace=Fraction(to_cents(actual), to_cents(expected)) if expected else None,
        forecast=forecast, status_counts=counts,
        pipeline=team_pipeline([r.pipeline for r in results if r.pipeline is not None]),
        overlay=sum((r.progress.overlay for r in results), Decimal("0.00")),
        not_yet_credited=sum((w for w in waiting if w is not None), Decimal("0.00"))
        if any(w is not None for w in waiting) else None,
    )


def team_totals(results: Iterable[RepResult]) -> tuple[TeamTotals, ...]:
    """One row per team, sorted by name (naturally: Team 2 before Team 10), then the "Total" row over
    all of ``results``. Attainment = actual ÷ target, pace = actual ÷ expected to date, of
    the summed money (blank when the divisor is 0). Reps without a Team are grouped as
    "(no team)"."""
    everyone = list(results)
    teams: dict[str, list[RepResult]] = {}
    for r in everyone:
        teams.setdefault(r.rep.team.strip() or NO_TEAM, []).append(r)
    rows = [_totals(name, teams[name]) for name in sorted(teams, key=natural_key)]
    rows.append(_totals(TOTAL, everyone))
    return tuple(rows)


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
