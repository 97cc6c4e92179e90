"""The rep's focus blocks for next month as an iCalendar file (pure: no I/O, no clock).

"Set time aside each week and keep it sacred": each week of the rep's plan gets its
Focus Hours per Week (2 hours when the goal gives none) as blocks of at most 4 hours,
from 09:00, on the first of the rep's working days of that week — working days from the
plan itself, so weekends, holidays, Time Off and days before the Start Date are skipped.
A week that spans two months keeps its blocks on the same days in both months' files, so
nothing is booked twice. Each block is titled with that week's objective: its money,
deals, leads and meetings are the sums of its parts in the reports' month plans
(``core.monthweeks``), with one decimal when small, so "0.7 deals from 2.1 leads" never
reads as "1 deal from 1 lead" against a report built on closing one lead in three.

Times are floating (no time zone): 09:00 wherever the rep's calendar is, which Outlook,
Google Calendar and Apple Calendar all import as local time. UIDs are derived from the
company, rep and day, so importing a newer file updates the blocks instead of adding a
second set.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from icalendar import Calendar, Event

from goalreport.core.calendar import add_months, month_end, week_start
from goalreport.core.formatting import Formatter
from goalreport.core.keys import rep_key
from goalreport.core.monthweeks import week_figures
from goalreport.core.results import RepResult, WeekPlan

DEFAULT_FOCUS_HOURS = Decimal(2)
MAX_BLOCK_HOURS = Decimal(4)
MAX_DAY_HOURS = Decimal(8)
START = time(9, 0)
PRODID = "-//goalreport//Focus blocks//EN"


@dataclass(frozen=True)
class FocusBlock:
    day: date
    start: datetime
    end: datetime
    title: str
    description: str
    uid: str


def focus_blocks(result: RepResult, report_month: date, fmt: Formatter, *,
                 company: str = "") -> tuple[FocusBlock, ...]:
    """The rep's focus blocks in the month after ``report_month`` (none after the goal
    year ends)."""
    plan = result.plan
    first = add_months(report_month, 1)
    last = month_end(first)
    if first > plan.year_end:
        return ()
    # The team's weeks, as the Weekly Plan has them (they start after its weekend).
    weekday = plan.weeks[0].week_start.weekday() if plan.weeks else 0
    weeks: dict[date, list[date]] = {}
    for day, _ in plan.daily_targets:
        if week_start(first, weekday) <= day <= last + timedelta(days=6):
            weeks.setdefault(week_start(day, weekday), []).append(day)
    plans = {week.week_start: week for week in plan.weeks}
    hours = plan.goal.focus_hours_per_week or DEFAULT_FOCUS_HOURS
    blocks = []
    for starting, days in sorted(weeks.items()):
        week = plans.get(starting)
        if week is None or week.target <= 0:
            continue
        count = min(math.ceil(hours / MAX_BLOCK_HOURS), len(days))
        length = min(hours / count, MAX_DAY_HOURS)
        minutes = int((length * 60).to_integral_value())
        said: tuple[str, str] | None = None  # the week's words, the same on each of its days
        for index, day in enumerate(days[:count]):
            if first <= day <= last:
                if said is None:
                    target, *counts = week_figures(plan, week)
                    said = (_title(counts, fmt),
                            _description(week, target, counts, fmt, company))
                start = datetime.combine(day, START)
                blocks.append(FocusBlock(
                    day=day, start=start, end=start + timedelta(minutes=minutes),
                    title=said[0], description=said[1],
                    uid=_uid(company, result.rep.rep_id, day, index)))
    return tuple(blocks)


def _title(counts: list[Decimal], fmt: Formatter) -> str:
    deals, leads, meetings = counts
    return (f"Focus time: {fmt.count_of(deals, 'deal')}, {fmt.count_of(leads, 'lead')}, "
            f"{fmt.count_of(meetings, 'meeting')} this week")


def _description(week: WeekPlan, target: int, counts: list[Decimal], fmt: Formatter,
                 company: str) -> str:
    deals, leads, meetings = counts
    return (f"Week of {fmt.date(week.week_start)}: {fmt.money_whole(target)} to win — "
            f"{fmt.count_of(deals, 'deal')} from {fmt.count_of(leads, 'lead')} and "
            f"{fmt.count_of(meetings, 'meeting')}.\n"
            "Set this time aside each week and keep it sacred: follow up leads, book "
            "meetings, close deals.\n"
            f"From your {company + ' ' if company else ''}sales plan (goalreport).")


def _uid(company: str, rep_id: str, day: date, index: int) -> str:
    key = "\x00".join((company.strip().casefold(), rep_key(rep_id),
                       day.isoformat(), str(index)))
    return f"focus-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@goalreport"


def calendar_bytes(blocks: tuple[FocusBlock, ...], *, name: str, now: datetime) -> bytes:
    """An RFC 5545 calendar (METHOD:PUBLISH) of ``blocks``; ``now`` stamps them."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    stamp = now.astimezone(UTC).replace(microsecond=0)
    for block in blocks:
        event = Event()
        event.add("uid", block.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", block.start)
        event.add("dtend", block.end)
        event.add("summary", block.title)
        event.add("description", block.description)
        event.add("transp", "OPAQUE")
        event.add("categories", ["Focus time"])
        calendar.add_component(event)
    return calendar.to_ical()
