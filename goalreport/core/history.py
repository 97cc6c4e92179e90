"""Sums of logged activity over a date range: the rep's and the team's history.

The funnel assumptions (SPEC §2), the SMART check and the progress funnel (SPEC §3) all
need the same few sums over a window of days; this computes them in one pass over a rep's
day records. Money is summed as ``Decimal`` (exact for cents).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from goalreport.core.model import DayActivity, DealCount, WonTotals

#: SPEC §2: assumptions from history look at the 365 days before As Of.
HISTORY_DAYS = 365
#: Activity in this many days before As Of counts as "activity is being logged".
MEASURABLE_DAYS = 90


@dataclass(frozen=True)
class Tally(WonTotals):
    """What was logged over some days, summed. ``first_day`` is the first day with any
    activity logged, None when nothing was."""

    leads: int = 0
    meetings: int = 0
    lost: DealCount = 0
    won_new: DealCount = 0
    won_new_amount: Decimal = Decimal(0)
    won_repeat: DealCount = 0
    won_repeat_amount: Decimal = Decimal(0)
    focus_hours: Decimal = Decimal(0)
    first_day: date | None = None

    def won_of(self, revenue_type: str) -> tuple[DealCount, Decimal]:
        """(count, amount) of won deals of ``revenue_type`` ("new", "repeat", or "total"
        for all of them)."""
        if revenue_type == "new":
            return self.won_new, self.won_new_amount
        if revenue_type == "total":
            return self.won, self.won_amount
        return self.won_repeat, self.won_repeat_amount

    def __add__(self, other: Tally) -> Tally:
        firsts = [d for d in (self.first_day, other.first_day) if d is not None]
        return Tally(
            leads=self.leads + other.leads, meetings=self.meetings + other.meetings,
            lost=self.lost + other.lost, won_new=self.won_new + other.won_new,
            won_new_amount=self.won_new_amount + other.won_new_amount,
            won_repeat=self.won_repeat + other.won_repeat,
            won_repeat_amount=self.won_repeat_amount + other.won_repeat_amount,
            focus_hours=self.focus_hours + other.focus_hours,
            first_day=min(firsts) if firsts else None,
        )

    def without(self, overlay: Tally) -> Tally:
        """This tally less its ``overlay`` part (won and lost shares of overlay splits):
        what it adds to a team's or the workbook's history, where an overlay never
        counts (SPEC §3 Credit)."""
        if overlay == EMPTY:
            return self
        return Tally(
            leads=self.leads, meetings=self.meetings, lost=self.lost - overlay.lost,
            won_new=self.won_new - overlay.won_new,
            won_new_amount=self.won_new_amount - overlay.won_new_amount,
            won_repeat=self.won_repeat - overlay.won_repeat,
            won_repeat_amount=self.won_repeat_amount - overlay.won_repeat_amount,
            focus_hours=self.focus_hours, first_day=self.first_day)


EMPTY = Tally()


def in_range(days: Sequence[DayActivity], start: date, end: date) -> Sequence[DayActivity]:
    """The records of ``days`` (sorted by day, one rep) dated ``start`` to ``end`` inclusive."""
    low = bisect_left(days, start, key=_day)
    return days[low:bisect_right(days, end, lo=low, key=_day)]


def _day(record: DayActivity) -> date:
    return record.day


def tally(days: Iterable[DayActivity]) -> Tally:
    """Sum ``days`` into one ``Tally``."""
    leads = meetings = 0
    lost: DealCount = 0
    won_new: DealCount = 0
    won_repeat: DealCount = 0
    new_amount = repeat_amount = hours = Decimal(0)
    first: date | None = None
    for d in days:
        if first is None or d.day < first:
            first = d.day
        leads += d.leads
        meetings += d.meetings
        lost += d.lost
        if d.won_new:
            won_new += d.won_new
            new_amount += d.won_new_amount
        if d.won_repeat:
            won_repeat += d.won_repeat
            repeat_amount += d.won_repeat_amount
        if d.focus_hours:
            hours += d.focus_hours
    return Tally(leads, meetings, lost, won_new, new_amount, won_repeat, repeat_amount,
                 hours, first)


def window_tally(days: Sequence[DayActivity], end: date, length: int) -> Tally:
    """The ``length`` days ending on ``end`` inclusive: (end − length, end]."""
    return tally(in_range(days, end - timedelta(days=length - 1), end))
