"""Teams by date (SPEC §3 Credit, Team History): what a rep's past places take from the
node they are in now. Pure.

A rep's own figures never change when they move. A roll-up node, though, is credited
with what the rep won while they were in it: for each Team History period whose Team,
Manager or Territory differs from the rep's Reps row, the rep's revenue credited on the
period's days (their credit dates, Settings' Credit On; overlay credit counts in no
node), their target of those days and its part to As Of move from the node the Reps row
puts them in to the node of the period (``Moved``). ``core.rollup`` adds the moves to
its sums, so every node's total, and the company's, still counts each deal once.

The period's target is the rep's exact daily targets of its days (the plan's), rounded
to the cent once per period; the node left is lowered by the same cents, so nothing is
lost or made. A node's forecast gains what was won in it (the run rate of the rest of
the year stays with the node the rep is in now). Reps, status counts, the pipeline and
what is booked but not yet credited stay with the Reps row's node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from goalreport.core.creditdata import TeamPeriod
from goalreport.core.history import EMPTY, Tally, in_range, tally
from goalreport.core.keys import rep_key
from goalreport.core.model import DayActivity, Dimension, PlacedDeal, Rep, WorkbookData
from goalreport.core.money import money
from goalreport.core.org import OrgTree
from goalreport.core.results import Moved, RepResult

_ZERO = Decimal("0.00")


def history_moves(results: Sequence[RepResult], history: Sequence[TeamPeriod],
                  as_of: date, revenue: Mapping[str, Sequence[DayActivity]],
                  overlay: Mapping[str, Sequence[DayActivity]], tree: OrgTree
                  ) -> tuple[Moved, ...]:
    """The moves of ``results``' reps' ``history`` periods. ``revenue`` and ``overlay``:
    each rep's records by ``rep_key`` (``WorkbookData.activity_by_rep`` and
    ``overlay_by_rep``), won deals on their credit dates."""
    periods: dict[str, list[TeamPeriod]] = {}
    for period in history:
        periods.setdefault(rep_key(period.rep_id), []).append(period)
    moves: list[Moved] = []
    for result in results:
        key = rep_key(result.rep.rep_id)
        for period in periods.get(key, ()):
            places = _places(result, period, tree)
            if not places:
                continue
            actual, target, expected = _share(result, period, as_of, revenue.get(key, ()),
                                              overlay.get(key, ()))
            moves.extend(Moved(result.rep.rep_id, dimension, value, actual, target, expected,
                               source=period.source)
                         for dimension, value in places)
    return tuple(moves)


def placed_origins(placed: Sequence[PlacedDeal], history: Sequence[TeamPeriod],
                   reps: Sequence[Rep]) -> list[PlacedDeal]:
    """``placed`` (one rep's credit each), a territory's share marked with the territory
    Team History had its rep in on its day when that is not the Reps row's: the node the
    share leaves, which ``history_moves`` credited with it (else it would count twice)."""
    periods: dict[str, list[TeamPeriod]] = {}
    for period in history:
        if period.territory:
            periods.setdefault(rep_key(period.rep_id), []).append(period)
    if not periods:
        return list(placed)
    home = {rep_key(rep.rep_id): rep_key(rep.territory) for rep in reps}
    found = []
    for deal in placed:
        key = rep_key(deal.rep_id)
        then = next((p.territory for p in periods.get(key, ()) if p.covers(deal.day)), "")
        if deal.dimension == "territory" and then and rep_key(then) != home.get(key):
            deal = replace(deal, origin=then)
        found.append(deal)
    return found


def _places(result: RepResult, period: TeamPeriod, tree: OrgTree
            ) -> list[tuple[Dimension, str]]:
    """(dimension, value) of the period's places that differ from the Reps row's."""
    rep = result.rep
    found: list[tuple[Dimension, str]] = []
    dimensions: tuple[Dimension, ...] = ("team", "territory")
    for dimension in dimensions:
        value = getattr(period, dimension)
        if value and rep_key(value) != rep_key(getattr(rep, dimension)):
            found.append((dimension, value))
    if period.manager and period.manager != tree.rep_managers.get(rep_key(rep.rep_id), ""):
        found.append(("manager", period.manager))
    return found


def _share(result: RepResult, period: TeamPeriod, as_of: date,
           revenue: Sequence[DayActivity], overlay: Sequence[DayActivity]
           ) -> tuple[Decimal, Decimal, Decimal]:
    """(revenue credited, target, target to As Of) of the rep on the period's days of
    their goal year."""
    plan = result.plan
    start = max(period.start or plan.year_start, plan.year_start)
    end = min(period.end or plan.year_end, plan.year_end)
    last = min(end, as_of)
    won = sum((r.won_amount for r in revenue if start <= r.day <= last), Decimal(0)) - \
        sum((r.won_amount for r in overlay if start <= r.day <= last), Decimal(0))
    target = sum((t for day, t in plan.daily_targets if start <= day <= end), Fraction(0))
    expected = sum((t for day, t in plan.daily_targets if start <= day <= last), Fraction(0))
    return money(Fraction(won)), money(target), money(expected)


def team_pools(data: WorkbookData, as_of: date, days: int, pooled: Mapping[str, Tally],
               team_key: Callable[[Rep], str]) -> dict[str, Tally]:
    """Each team's history over the ``days`` up to ``as_of`` (what a rep's funnel falls
    back on, SPEC §2): every rep's ``pooled`` tally (their history less overlay shares)
    in the team the Reps row names, except the days a Team History period puts them in
    another team, which count in that one."""
    periods: dict[str, list[TeamPeriod]] = {}
    for period in data.team_history:
        if period.team:
            periods.setdefault(rep_key(period.rep_id), []).append(period)
    teams: dict[str, Tally] = {}
    for member in data.reps:
        key = rep_key(member.rep_id)
        name = team_key(member)
        moved = [p for p in periods.get(key, ()) if p.team.strip().casefold() != name]
        if not moved:
            if name:
                teams[name] = teams.get(name, EMPTY) + pooled.get(key, EMPTY)
            continue
        records = data.activity_by_rep.get(key, ())
        overlay = data.overlay_by_rep.get(key, ())
        day = as_of - timedelta(days=days - 1)
        for period in sorted(moved, key=lambda p: p.start or date.min):
            first = max(period.start or date.min, day)
            last = min(period.end or date.max, as_of)
            if first > last:
                continue
            spans = [(name, day, first - timedelta(days=1)),
                     (period.team.strip().casefold(), first, last)]
            for team, low, high in spans:
                if team and low <= high:
                    teams[team] = teams.get(team, EMPTY) + _pooled(records, overlay, low, high)
            day = last + timedelta(days=1)
        if name and day <= as_of:
            teams[name] = teams.get(name, EMPTY) + _pooled(records, overlay, day, as_of)
    return teams


def _pooled(records: Sequence[DayActivity], overlay: Sequence[DayActivity], start: date,
            end: date) -> Tally:
    """A rep's tally from ``start`` to ``end``, less its overlay shares."""
    return tally(in_range(records, start, end)).without(tally(in_range(overlay, start, end)))


__all__ = ["history_moves", "placed_origins", "team_pools"]
