"""``check``'s line about the Goals sheet: which shape was read and what it gives for the
goal year, naming the months each quarter covers so the quarter rule is never silent
("Goals: quarterly quotas per rep ('quota_eur'), 12 reps × 4 quarters of 2026 (Q1 =
Jan–Mar 2026, …)."). Pure."""

from __future__ import annotations

from collections.abc import Sequence

from goalreport.core.calendar import add_months, fiscal_year_bounds, goal_year_span
from goalreport.core.keys import rep_key
from goalreport.core.model import ANY_YEAR, Goal, GoalsShape, Settings
from goalreport.errors import Problem

_PERIOD = {"year": "annual", "month": "monthly", "quarter": "quarterly"}
_SPLIT = {"columns": "new and repeat targets apart", "share": "split into new and repeat "
          "by New Share", "rows": "new and repeat targets apart (Client Type rows)",
          "none": "no new/repeat split: every won deal counts against the total"}


def shape_note(shape: GoalsShape, goals: Sequence[Goal], year: int,
               settings: Settings) -> Problem:
    """One "info" line naming the shape, the reps and periods of goal ``year``, and the
    months of each quarter."""
    fiscal = settings.fiscal_year_start
    mine = [g for g in goals if g.year in (year, ANY_YEAR)]
    reps = len({rep_key(g.rep_id) for g in mine})
    column = f" ({shape.money_column!r})" if shape.money_column else ""
    if shape.period == "year" and shape.split == "columns":
        what = "annual New and Repeat Client Targets per rep"
    elif shape.period == "year":
        what = f"one annual target per rep{column}"
    else:
        what = f"{_PERIOD[shape.period]} quotas per rep{column}"
        if shape.layout == "wide":
            what += f", one column per {shape.period}"
    span = str(year) if fiscal == 1 else f"goal year {year} ({goal_year_span(year, fiscal)})"
    who = f"{reps} rep{'s' if reps != 1 else ''}"
    if shape.period == "year":
        counted = f"{who} for {span}"
    else:
        periods = max((len(g.all_versions[0].periods) for g in mine), default=0)
        unit = shape.period + ("s" if periods != 1 else "")
        counted = f"{who} × {periods} {unit} of {span}"
    quarters = f" ({_quarters(year, fiscal, shape.calendar_quarters)})" \
        if shape.period == "quarter" else ""
    split = "" if shape.period == "year" and shape.split == "columns" else \
        f"; {_SPLIT[shape.split]}"
    revised = sum(len(g.all_versions) > 1 for g in mine)
    extra = f"; {revised} rep{'s' if revised != 1 else ''} with a revised target" \
        if revised else ""
    return Problem(shape.sheet, f"{what}, {counted}{quarters}{split}{extra}.", "info")


def _quarters(year: int, fiscal: int, calendar: bool) -> str:
    """'Q1 = Apr–Jun 2026, Q2 = Jul–Sep 2026, …' for goal ``year``."""
    start, _ = fiscal_year_bounds(year, fiscal)
    parts = []
    for q in range(4):
        first = add_months(start, 3 * q)
        last = add_months(first, 2)
        number = (first.month - 1) // 3 + 1 if calendar else q + 1
        label = f"Q{number} {first.year}" if calendar else f"Q{number}"
        parts.append(f"{label} = {first:%b}–{last:%b %Y}")
    return ("calendar quarters: " if calendar else "") + ", ".join(parts)
