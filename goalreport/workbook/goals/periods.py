"""Months and quarters as quota sheets name them, and where each falls in a goal year.

A period is read from a header (``Jan``, ``2026-03``, a real date, ``Q1 2026``) or a cell
(the same, a month or quarter number, a first-of-month date, a quarter's start date) and
placed in its goal year: (goal year, first month counted from Fiscal Year Start, 1 or 3
months). The rules (SPEC §1):

- a month with a year (``Mar 2026``, a date) is that calendar month;
- a quarter is a fiscal quarter of the goal year (``2026-Q1``, ``FY2026 Q1``: Q1 starts in
  Fiscal Year Start's month) unless its column says Calendar (``CalendarQuarter``);
- a month or quarter without a year takes the row's Year column, else it belongs to
  whichever goal year is planned (``ANY_YEAR``);
- a date in a quarter column is the quarter holding it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from goalreport.core.calendar import add_months
from goalreport.core.model import ANY_YEAR
from goalreport.workbook.dates import month_from_word, parse_date
from goalreport.workbook.values import ValueProblem, parse_text, quote

Kind = Literal["month", "quarter"]


@dataclass(frozen=True)
class Label:
    """A month or quarter as written: its number and the year it names, if any."""

    kind: Kind
    #: Month 1–12 or quarter 1–4.
    number: int
    year: int | None = None
    #: A date it came from (a first-of-month check needs the day).
    day: date | None = None


@dataclass(frozen=True)
class Placed:
    """A period placed in its goal year."""

    goal_year: int
    #: Its first month, counted from the goal year's first month (0–11).
    first: int
    #: 1 for a month, 3 for a quarter.
    months: int
    #: How messages name it: "March 2026", "Q3 2026".
    label: str


_YEAR = r"(\d{4}|'?\d{2})"
_QUARTER_FIRST = re.compile(
    r"(?:fy\s*)?(?P<year>\d{4})\s*[-/ ]?\s*q(?:tr|uarter)?\s*(?P<q>[1-4])", re.IGNORECASE)
_QUARTER_THEN_YEAR = re.compile(
    r"q(?:tr|uarter)?\s*(?P<q>[1-4])(?:\s*[-/ ,]?\s*(?:fy\s*)?(?P<year>" + _YEAR[1:-1] + r"))?",
    re.IGNORECASE)
_SHORT_FY = re.compile(r"fy\s*'?(?P<year>\d{2})\s*[-/ ]?\s*q(?P<q>[1-4])", re.IGNORECASE)
_YEAR_MONTH = re.compile(r"(?P<year>\d{4})\s*[-/.]\s*(?P<month>\d{1,2})")
_MONTH_YEAR = re.compile(r"(?P<month>\d{1,2})\s*[-/.]\s*(?P<year>\d{4})")
_WORD_YEAR = re.compile(r"(?P<word>[^\W\d_]+)\.?\s*[-/ ,]?\s*(?P<year>" + _YEAR[1:-1] + r")")
_YEAR_WORD = re.compile(r"(?P<year>\d{4})\s*[-/ ]?\s*(?P<word>[^\W\d_]+)\.?")


def _year(text: str) -> int:
    digits = text.lstrip("'")
    return 2000 + int(digits) if len(digits) == 2 else int(digits)


def parse_label(value: Any, locale: str) -> Label | None:
    """The month or quarter ``value`` names (a header or a cell), else None. Plain
    numbers are not labels: a Month or Quarter column reads them (``read_number``)."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Label("month", value.month, value.year, value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    for pattern in (_QUARTER_FIRST, _SHORT_FY, _QUARTER_THEN_YEAR):
        if match := pattern.fullmatch(text):
            year = match.group("year")
            return Label("quarter", int(match.group("q")), _year(year) if year else None)
    if match := _YEAR_MONTH.fullmatch(text):
        month = int(match.group("month"))
        return Label("month", month, int(match.group("year"))) if 1 <= month <= 12 else None
    if match := _MONTH_YEAR.fullmatch(text):
        month = int(match.group("month"))
        return Label("month", month, int(match.group("year"))) if 1 <= month <= 12 else None
    for pattern in (_WORD_YEAR, _YEAR_WORD):
        if match := pattern.fullmatch(text):
            named = month_from_word(match.group("word"), locale)
            if named is not None:
                return Label("month", named, _year(match.group("year")))
    if re.fullmatch(r"[^\W\d_]+\.?", text):
        named = month_from_word(text, locale)
        if named is not None:
            return Label("month", named)
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}( 00:00:00)?", text):
        try:
            day = parse_date(text, locale)
        except ValueProblem:
            return None
        return Label("month", day.month, day.year, day)
    return None


def read_cell(value: Any, kind: Kind | None, locale: str, *, dates: bool = False) -> Label:
    """A Month, Quarter or Period cell as a label: a label (``parse_label``), a number (a
    month 1–12, a quarter 1–4: ``kind`` says which), or with ``dates`` a date in any form
    the reader knows (a date column: Quota Start Date, Quarter Start)."""
    if isinstance(value, bool):
        raise ValueProblem(f"{quote(value)} is not a {kind or 'period'}. {_FIX[kind]}")
    if dates:
        try:
            day = parse_date(value, locale)
        except ValueProblem:
            raise ValueProblem(f"{quote(value)} is not a date. Write the first day of the "
                               "period, such as 2026-04-01.") from None
        return Label("month", day.month, day.year, day)
    number: int | None = None
    if isinstance(value, int | float) and float(value).is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is not None:
        top = 12 if kind == "month" else 4
        if kind is not None and 1 <= number <= top:
            return Label(kind, number)
        raise ValueProblem(f"{quote(value)} is not a {kind or 'month or quarter'}"
                           + (f": write 1 to {top}" if kind else "") + f". {_FIX[kind]}")
    label = parse_label(value, locale)
    if label is None and isinstance(value, str) and any(ch.isdigit() for ch in value):
        try:  # a date in the Locale's order ('3/1/2026'): its month
            day = parse_date(value, locale)
            label = Label("month", day.month, day.year, day)
        except ValueProblem:
            label = None
    if label is None or (kind is not None and label.kind != kind and not (
            kind == "quarter" and label.day is not None)):
        shown = parse_text(value) if isinstance(value, str) else value
        raise ValueProblem(f"{quote(shown)} is not a {kind or 'month or quarter'}. {_FIX[kind]}")
    return label


_FIX: dict[Kind | None, str] = {
    "month": "Write a month such as 2026-03, Mar 2026, March or 3, or its first day.",
    "quarter": "Write a quarter such as 2026-Q1, Q1 2026, FY2026 Q1 or 1, or its first day.",
    None: "Write a month such as 2026-03 or a quarter such as 2026-Q1.",
}


def goal_year_of(year: int, month: int, fiscal_start: int) -> tuple[int, int]:
    """(goal year, month index in it) of calendar month ``month`` of ``year``."""
    return (year if month >= fiscal_start else year - 1), (month - fiscal_start) % 12


def place(label: Label, fiscal_start: int, *, year: int | None, year_calendar: bool,
          calendar_quarter: bool, quarter_dates: bool = False) -> Placed:
    """Where ``label`` falls. ``year``: the row's Year column (None without one);
    ``year_calendar``: that year is a calendar year (a Month then is that calendar
    month); ``calendar_quarter``: quarters are calendar quarters; ``quarter_dates``: a
    date names the quarter holding it."""
    if label.kind == "month" and label.day is not None and quarter_dates:
        assert label.year is not None
        start = label.year * 12 + label.number - 1 - (label.number - fiscal_start) % 3
        goal, index = goal_year_of(start // 12, start % 12 + 1, fiscal_start)
        return Placed(goal, index, 3, _quarter_name(index // 3 + 1, goal))
    if label.kind == "month":
        if label.year is not None:
            goal, index = goal_year_of(label.year, label.number, fiscal_start)
            return Placed(goal, index, 1, f"{date(label.year, label.number, 1):%B %Y}")
        index = (label.number - fiscal_start) % 12
        if year is None:
            return Placed(ANY_YEAR, index, 1, f"{date(2000, label.number, 1):%B}")
        if year_calendar:
            goal, index = goal_year_of(year, label.number, fiscal_start)
            return Placed(goal, index, 1, f"{date(year, label.number, 1):%B %Y}")
        first = add_months(date(year, fiscal_start, 1), index)
        return Placed(year, index, 1, f"{first:%B %Y}")
    named = label.year if label.year is not None else year
    if calendar_quarter:
        if named is None:
            raise ValueProblem("a calendar quarter needs its year. Write it as 2026-Q1, or "
                               "add a Calendar Year column.")
        month = 3 * (label.number - 1) + 1
        if (month - fiscal_start) % 3:
            raise ValueProblem(
                f"calendar Q{label.number} {named} does not fit the goal year's quarters, "
                f"which start in {date(2000, fiscal_start, 1):%B} (Settings Fiscal Year "
                "Start). Give months, or fiscal quarters.")
        goal, index = goal_year_of(named, month, fiscal_start)
        return Placed(goal, index, 3, f"Q{label.number} {named}")
    goal = named if named is not None else ANY_YEAR
    return Placed(goal, 3 * (label.number - 1), 3, _quarter_name(label.number, goal))


def _quarter_name(number: int, goal: int) -> str:
    return f"Q{number} {goal}" if goal != ANY_YEAR else f"Q{number}"
