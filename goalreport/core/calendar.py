"""The goal-year calendar (SPEC §2): fiscal year bounds and rep working days.

Pure: public holidays come from the ``holidays`` package, which is data, not I/O. The
company calendar (Working Days minus Holidays-sheet days minus public holidays) is built
once per date range and cached; a rep's working days are that calendar minus the rep's own
exceptions (days before the Start Date, Time Off), so 2,000 reps cost 2,000 cheap filters.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays as _holidays

from goalreport.core.model import Holiday, Rep, Settings, TimeOff
from goalreport.errors import InputProblems, Problem

ONE_DAY = timedelta(days=1)


def fiscal_year_bounds(year: int, fiscal_start: int) -> tuple[date, date]:
    """(first day, last day inclusive) of goal year ``year`` whose fiscal year starts in
    month ``fiscal_start``: the 1st of that month of ``year`` to the day before it in
    ``year + 1``."""
    if not 1 <= fiscal_start <= 12:
        raise ValueError(f"fiscal start month must be 1-12, not {fiscal_start!r}")
    start = date(year, fiscal_start, 1)
    return start, date(year + 1, fiscal_start, 1) - ONE_DAY


def goal_year_of(day: date, fiscal_start: int) -> int:
    """The goal year (the calendar year its fiscal year starts in) that ``day`` falls in."""
    return day.year if day.month >= fiscal_start else day.year - 1


def month_starts(year_start: date) -> tuple[date, ...]:
    """The first day of each of the twelve months of a goal year starting on ``year_start``."""
    return tuple(add_months(year_start, i) for i in range(12))


def add_months(month: date, count: int) -> date:
    """The first day of the month ``count`` months after the month of ``month``."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of the month holding ``month``."""
    return month.replace(day=_stdlib_calendar.monthrange(month.year, month.month)[1])


def first_weekday(working_days: Iterable[int]) -> int:
    """The weekday a team's week starts on (0 = Monday): the first working day after the
    team's weekend, the longest run of days off in Working Days. Monday for Mon–Fri,
    Sunday for Sun–Thu, Tuesday for Tue–Sat. With no day off (or no working day) weeks
    start on Monday; between weekends of equal length, the one followed by the earlier
    day in Monday-to-Sunday order counts (Mon–Wed + Fri–Sat: off Thu and Sun → Monday)."""
    working = frozenset(working_days)
    if not working or len(working) == 7:
        return 0
    best: tuple[int, int] | None = None  # (−run length, weekday after it, Monday first)
    for start in range(7):
        # A run of days off starts where the day before is a working day.
        if start in working or (start - 1) % 7 not in working:
            continue
        length = 0
        while (start + length) % 7 not in working:
            length += 1
        candidate = (-length, (start + length) % 7)
        if best is None or candidate < best:
            best = candidate
    assert best is not None  # some day is off and some day works: a run exists
    return best[1]


def week_start(day: date, first: int = 0) -> date:
    """The first day of the week holding ``day`` for weeks starting on weekday ``first``
    (0 = Monday; see ``first_weekday``)."""
    return day - timedelta(days=(day.weekday() - first) % 7)


@lru_cache(maxsize=64)
def public_holidays(country: str, subdivision: str | None, years: tuple[int, ...]) -> frozenset[date]:
    """Public holidays (observed days included) of ``country``/``subdivision`` in ``years``.

    Cached: it is pure data and the same for every rep. An unknown country or subdivision
    is an input problem pointing at Settings.
    """
    try:
        found = _holidays.country_holidays(country, subdiv=subdivision, years=list(years))
    except NotImplementedError:
        place = f"{country}-{subdivision}" if subdivision else country
        raise InputProblems([Problem(
            "Settings!Holiday Country",
            f"{place!r} is not a country (or subdivision) with known public holidays. "
            "Write an ISO code such as 'US', 'GB' or 'US-CA', or leave it empty.")]) from None
    return frozenset(found.keys())


@lru_cache(maxsize=64)
def _company_days(
    start: date, end: date, weekdays: frozenset[int], country: str | None,
    subdivision: str | None, closed: frozenset[date],
) -> tuple[date, ...]:
    public: frozenset[date] = frozenset()
    if country:
        public = public_holidays(country, subdivision, tuple(range(start.year, end.year + 1)))
    days = []
    day = start
    while day <= end:
        if day.weekday() in weekdays and day not in closed and day not in public:
            days.append(day)
        day += ONE_DAY
    return tuple(days)


def company_working_days(
    start: date, end: date, settings: Settings, holidays: Iterable[Holiday] = ()
) -> tuple[date, ...]:
    """Days from ``start`` to ``end`` inclusive that are on the Working Days and are neither
    a Holidays-sheet day nor a public holiday of the Holiday Country. Sorted."""
    closed = frozenset(h.day for h in holidays if start <= h.day <= end)
    return _company_days(
        start, end, settings.working_days, settings.holiday_country,
        settings.holiday_subdivision, closed)


def time_off_days(time_off: Iterable[TimeOff], start: date, end: date) -> frozenset[date]:
    """Every day from ``start`` to ``end`` covered by one of the ``time_off`` ranges."""
    days: set[date] = set()
    for absence in time_off:
        day = max(absence.start, start)
        last = min(absence.end, end)
        while day <= last:
            days.add(day)
            day += ONE_DAY
    return frozenset(days)


def rep_working_days(
    company_days: Sequence[date], rep: Rep, time_off: Iterable[TimeOff] = ()
) -> tuple[date, ...]:
    """The rep's working days among ``company_days`` (sorted): none before the Start Date,
    none on the rep's Time Off. ``time_off`` may hold other reps' absences; they are ignored."""
    if not company_days:
        return ()
    key = rep.rep_id.strip().casefold()
    own = [t for t in time_off if t.rep_id.strip().casefold() == key]
    away = time_off_days(own, company_days[0], company_days[-1]) if own else frozenset()
    start = rep.start_date
    if start is None and not away:
        return tuple(company_days)
    return tuple(
        day for day in company_days
        if (start is None or day >= start) and day not in away)


@dataclass(frozen=True)
class GoalYear:
    """A goal year's bounds, months and company working days, built once for all reps."""

    year: int
    start: date
    #: Inclusive.
    end: date
    months: tuple[date, ...]
    company_days: tuple[date, ...]


def goal_year(year: int, settings: Settings, holidays: Iterable[Holiday] = ()) -> GoalYear:
    """The calendar of goal ``year`` under ``settings`` (fiscal start, working days, holidays)."""
    start, end = fiscal_year_bounds(year, settings.fiscal_year_start)
    return GoalYear(
        year=year, start=start, end=end, months=month_starts(start),
        company_days=company_working_days(start, end, settings, holidays))


@lru_cache(maxsize=16)
def regional_holidays(country: str, start: date, end: date, weekdays: frozenset[int]
                      ) -> dict[str, tuple[tuple[date, str], ...]]:
    """For a country given without a region: what each region's public holidays add to
    the country's own between ``start`` and ``end`` on ``weekdays`` (GB 2026: GB-ENG adds
    Easter Monday and the Late Summer Bank Holiday). Pure data from ``holidays``.

    Empty unless the regions differ in a way that matters: a day off that at least a third
    of the regions keep is missing country-wide (GB, DE, CH, ES, AU, CA), or the typical
    region keeps ``TYPICAL_EXTRA_DAYS`` or more extra days (IN). A country whose
    country-wide list is what nearly all regions share (US federal holidays, FR, IT) is
    left alone: a warning on every such workbook would be noise."""
    years = list(range(start.year, end.year + 1))
    national = _holidays.country_holidays(country, years=years)
    extras: dict[str, tuple[tuple[date, str], ...]] = {}
    for region in national.subdivisions:
        local = _holidays.country_holidays(country, subdiv=region, years=years)
        added = tuple(sorted((day, name) for day, name in local.items()
                             if start <= day <= end and day.weekday() in weekdays
                             and day not in national))
        if added:
            extras[f"{country}-{region}"] = added
    regions = len(national.subdivisions)
    kept: dict[date, int] = {}
    for added in extras.values():
        for day, _name in added:
            kept[day] = kept.get(day, 0) + 1
    per_region = sorted([len(added) for added in extras.values()]
                        + [0] * (regions - len(extras)))
    typical = per_region[(len(per_region) - 1) // 2] if per_region else 0
    if max(kept.values(), default=0) * 3 >= regions or typical >= TYPICAL_EXTRA_DAYS:
        return extras
    return {}


#: Extra days off of the typical (median) region that make a region worth naming.
TYPICAL_EXTRA_DAYS = 3


def goal_year_span(year: int, fiscal_start: int) -> str:
    """Goal year 2026 from April as 'April 2026 – March 2027', for messages that must
    never name a fiscal year as a bare calendar year."""
    first, last = fiscal_year_bounds(year, fiscal_start)
    if first.year == last.year:
        return f"{first:%B} – {last:%B} {last.year}"
    return f"{first:%B %Y} – {last:%B %Y}"
