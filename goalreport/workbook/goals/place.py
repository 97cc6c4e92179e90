"""Each amount's period placed in its goal year, and the period cells of a row checked
against each other (SPEC §1): a quarter's start date must fall in the quarter its label
names, a month in its quarter, a Year column must agree with a period that names its
own year. A disagreement is an input problem naming both cells, never a guess.

A column of dates (Quota Date, Period Start) gives quarters when no rep and year has two
dates in one quarter or more than four, else months. Quarter start dates that are all
first days of months must start the goal year's quarters (Fiscal Year Start), so that a
table of February, May, August and November quarters is never read as calendar ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

from goalreport.core.calendar import add_months, goal_year_span
from goalreport.core.keys import rep_key
from goalreport.core.model import ANY_YEAR
from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.goals.header import GoalsHeader
from goalreport.workbook.goals.layout import Layout, plain_year
from goalreport.workbook.goals.periods import Label, Placed, goal_year_of, place
from goalreport.workbook.goals.rows import Raw
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem

Period = Literal["year", "month", "quarter"]


def span(placed: Placed, fiscal_start: int) -> str:
    """'April – June 2026', 'March 2026', 'April – June' (any year) for messages."""
    year = placed.goal_year if placed.goal_year != ANY_YEAR else 2000
    first = add_months(date(year, fiscal_start, 1), placed.first)
    last = add_months(first, placed.months - 1)
    tail = f" {last.year}" if placed.goal_year != ANY_YEAR else ""
    if placed.months == 1:
        return f"{first:%B}" + (f" {first.year}" if tail else "")
    return f"{first:%B}{f' {first.year}' if tail and first.year != last.year else ''} – " \
           f"{last:%B}{tail}"


def _dates_are_quarters(raws: Sequence[Raw], fiscal_start: int) -> bool:
    """A date column gives quarters unless one rep and year has two dates in one quarter
    or more than four dates."""
    seen: dict[tuple[str, date | None, int], set[int]] = {}
    for raw in raws:
        label = raw.label
        if label is None or label.day is None or label.year is None:
            continue
        goal, index = goal_year_of(label.year, label.number, fiscal_start)
        quarters = seen.setdefault((rep_key(raw.rep_id), raw.effective, goal), set())
        if index // 3 in quarters:
            return False
        quarters.add(index // 3)
    return True


def place_all(raws: list[Raw], header: GoalsHeader, layout: Layout, fiscal_start: int,
              out: Collector) -> tuple[list[tuple[Raw, Placed | None]], Period]:
    """The sound amounts with their places, and the sheet's period ("year", "month",
    "quarter"); problems go to ``out`` and their reps to ``out.flawed_reps``."""
    if layout.period == "year":
        return [(raw, None) for raw in raws], "year"
    quarter_dates = layout.period == "quarter" or (
        layout.period is None and _dates_are_quarters(raws, fiscal_start))
    if quarter_dates and not _quarter_starts_fit(raws, header, fiscal_start, out):
        for raw in raws:
            out.flawed_reps.add(raw.rep_id)
        return [], "quarter"
    year_calendar = header.calendar_year or (not header.fiscal_year and fiscal_start == 1)
    calendar_quarter = header.calendar_quarter or header.calendar_year
    plain_year_said = False
    wrong_years: list[tuple[Raw, Placed, int]] = []
    placed: list[tuple[Raw, Placed | None]] = []
    kinds: set[int] = set()
    for raw in raws:
        label = raw.label
        assert label is not None
        if (label.kind == "month" and label.year is None and raw.year is not None
                and not header.calendar_year and not header.fiscal_year and fiscal_start != 1):
            if not plain_year_said:
                out.error(cell_name(raw.row.sheet, header.row, header.columns["year"]),
                          plain_year(header, fiscal_start))
                plain_year_said = True
            out.flawed_reps.add(raw.rep_id)
            continue
        try:
            where = place(label, fiscal_start, year=raw.year, year_calendar=year_calendar,
                          calendar_quarter=calendar_quarter,
                          quarter_dates=quarter_dates and label.day is not None)
        except ValueProblem as problem:
            out.error(raw.label_cell, problem.message, kind="period")
            out.flawed_reps.add(raw.rep_id)
            continue
        said = _year_said(raw, where, header, calendar_quarter)
        if said is not None and said != raw.year:
            wrong_years.append((raw, where, said))  # one cause: the other checks wait
            out.flawed_reps.add(raw.rep_id)
            continue
        if not _agrees(raw, where, fiscal_start, year_calendar, calendar_quarter, out):
            out.flawed_reps.add(raw.rep_id)
            continue
        kinds.add(where.months)
        placed.append((raw, where))
    if raws:
        year_problems(wrong_years, header, raws[0].row.sheet, fiscal_start, out)
    return placed, "quarter" if kinds == {3} else "month"


def _quarter_starts_fit(raws: Sequence[Raw], header: GoalsHeader, fiscal_start: int,
                        out: Collector) -> bool:
    """Quarter start dates that are all first days of months must start the goal year's
    quarters; else one problem, on the first that does not."""
    dates = [raw for raw in raws if raw.label is not None and raw.label.day is not None]
    if not dates or any(raw.label.day.day != 1 for raw in dates if raw.label and raw.label.day):
        return True
    wrong = next((raw for raw in dates if raw.label and (raw.label.number - fiscal_start) % 3),
                 None)
    if wrong is None:
        return True
    assert wrong.label is not None and wrong.label.day is not None
    month = wrong.label.number
    starts = ", ".join(f"{date(2000, (fiscal_start - 1 + 3 * k) % 12 + 1, 1):%B}"
                       for k in range(4))
    candidates = [(month - 1 + 3 * k) % 12 + 1 for k in range(4)]
    offer = " or ".join(f"{m} ({date(2000, m, 1):%B})" for m in sorted(candidates))
    out.error(wrong.label_cell, (
        f"{wrong.label.day.isoformat()} starts a quarter, but the goal year's quarters start "
        f"in {starts} (Settings Fiscal Year Start {fiscal_start}). If your quarters start "
        f"in {date(2000, month, 1):%B}, set Fiscal Year Start to {offer}: the month your "
        "goal year starts in."), kind="quarter start")
    return False


def _year_said(raw: Raw, where: Placed, header: GoalsHeader, calendar_quarter: bool
               ) -> int | None:
    """The year the row's Year column should say for its period, when the period names
    its own year (None: nothing to check)."""
    label = raw.label
    if raw.year is None or label is None or label.year is None:
        return None
    if label.kind == "quarter" and not calendar_quarter:
        return where.goal_year
    return label.year if header.calendar_year else where.goal_year


def year_problems(wrong: list[tuple[Raw, Placed, int]], header: GoalsHeader, sheet: str,
                  fiscal_start: int, out: Collector) -> None:
    """A Year column that disagrees with the periods' own years: one problem when it is
    off by the same number of years throughout (a fiscal year named by the year it ends
    in), else one per cell."""
    if not wrong:
        return
    title = header.titles[header.columns["year"]]
    offsets = {raw.year - said for raw, _where, said in wrong if raw.year is not None}
    raw, where, said = wrong[0]
    span = goal_year_span(where.goal_year, fiscal_start)
    if len(offsets) == 1 and len(wrong) > 1:
        offset = offsets.pop()
        out.error(cell_name(sheet, header.row, header.columns["year"]), (
            f"{title!r} names every goal year {abs(offset)} year{'s' if abs(offset) != 1 else ''}"
            f" {'later' if offset > 0 else 'earlier'} than its periods do ({raw.year} for "
            f"{where.label}, in goal year {said}: {span}). goalreport names a goal year by "
            "the calendar year it starts in: delete the column (the periods say the year), "
            f"or write the years so."), kind="year disagrees")
        return
    for raw, where, said in wrong:
        out.error(raw.row.cell("year"), (
            f"{title} {raw.year}, but {where.label} is in goal year {said} "
            f"({goal_year_span(where.goal_year, fiscal_start)}): goalreport names a goal year "
            f"by the calendar year it starts in. Write {said}, or delete the column: the "
            "periods say the year."), kind="year disagrees")


def _agrees(raw: Raw, where: Placed, fiscal_start: int, year_calendar: bool,
            calendar_quarter: bool, out: Collector) -> bool:
    """The row's other period cells say the same as its period."""
    ok = True
    for role, (cell, other) in raw.also.items():
        try:
            there = place(other, fiscal_start, year=raw.year, year_calendar=year_calendar,
                          calendar_quarter=calendar_quarter,
                          quarter_dates=where.months == 3 and other.day is not None)
        except ValueProblem as problem:
            out.error(cell, problem.message, kind="period")
            ok = False
            continue
        inside = there.goal_year in (where.goal_year, ANY_YEAR) and \
            where.first <= there.first and there.first + there.months <= where.first + where.months
        if there.goal_year == ANY_YEAR or where.goal_year == ANY_YEAR:
            inside = where.first <= there.first < where.first + where.months
        if not inside:
            out.error(cell, (
                f"{there.label} ({span(there, fiscal_start)}), but {raw.label_cell} says "
                f"{where.label} ({span(where, fiscal_start)}). Fix the one that is wrong"
                + (", or Settings Fiscal Year Start." if 3 in (where.months, there.months)
                   else ".")), kind=f"{role} disagrees")
            ok = False
    return ok


__all__ = ["Label", "place_all", "span"]
