"""The optional Team History sheet (SPEC §3 Credit, Team History): where a rep was when.

Each row says a rep's Team, Manager and Territory from its From date to its To date
(both days counted; a blank From is since ever, a blank To is still). A blank Team,
Manager or Territory leaves that one as the Reps row says; a day no row covers is the
Reps row's too: the Reps row is where the rep is now, and the history need only hold the
places they have left. So a row that covers As Of must agree with the Reps row.

Every row is checked and a bad one is an input problem naming its cell, the value and
the fix: a Rep ID not on Reps, a date that is no date, To before From, two rows of one
rep that overlap, a Team or Territory no rep has (with the near one), a Manager who is
no one in the tree, a row covering As Of that disagrees with the Reps row. With any of
them the history is left out (its deals are not credited to a guessed team).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import date
from itertools import pairwise

from goalreport.core.creditdata import TeamPeriod
from goalreport.core.keys import rep_key
from goalreport.core.org import OrgTree
from goalreport.core.rollup import node_key
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import is_blank, parse_text

#: The Team History columns that name a node, with the Reps column each is compared with.
PLACES = (("team", "Team"), ("manager", "Manager"), ("territory", "Territory"))


def read_team_history(table: Table, reps: RepIndex, tree: OrgTree, as_of: date | None,
                      locale: str, out: Collector) -> tuple[TeamPeriod, ...]:
    """The sheet's periods, sorted by rep and From; () when any row has a problem."""
    before = out.errors_seen
    known = {dimension: _values(reps.by_key.values(), dimension)
             for dimension in ("team", "territory")}
    for manager in tree.managers:
        if manager.territory:
            known["territory"].setdefault(node_key(manager.territory), manager.territory)
    found: list[tuple[TeamPeriod, Row]] = []
    for row in table.rows:
        period = _period(row, reps, tree, known, locale, out)
        if period is not None:
            found.append((period, row))
    _overlaps(found, out)
    for period, row in found:
        _now(period, row, reps, tree, as_of, out)
    if out.errors_seen > before:
        return ()
    return tuple(sorted((p for p, _ in found), key=lambda p: (rep_key(p.rep_id),
                                                               p.start or date.min)))


def _values(reps: Iterable[object], dimension: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for rep in reps:
        value = str(getattr(rep, dimension)).strip()
        if value:
            found.setdefault(node_key(value), value)
    return found


def _period(row: Row, reps: RepIndex, tree: OrgTree, known: dict[str, dict[str, str]],
            locale: str, out: Collector) -> TeamPeriod | None:
    rep_id = reps.resolve(row, out)
    start = row.parse_date("start", locale, out)
    end = row.parse_date("end", locale, out)
    if start is not None and end is not None and end < start:
        out.error(row.cell("end"), f"To {end.isoformat()} is before From "
                  f"{start.isoformat()}. Write the last day the rep was there, on or after "
                  "From (or swap the two dates).", kind="team history dates")
        return None
    text = {key: "" if is_blank(row.values.get(key)) else parse_text(row.values[key])
            for key, _title in PLACES}
    for dimension in ("team", "territory"):
        value = text[dimension]
        if value and node_key(value) not in known[dimension]:
            _unknown(row, dimension, value, known[dimension], out)
            return None
        if value:
            text[dimension] = known[dimension][node_key(value)]  # as the Reps sheet has it
    manager = _manager(row, text["manager"], tree, out) if text["manager"] else ""
    if manager is None:
        return None
    if rep_id is None or (start is None and row.has("start")) or (
            end is None and row.has("end")):
        return None
    if not any(text.values()):
        out.error(row.where, "names no Team, Manager or Territory. Write where the rep was "
                  "from From to To, or delete the row.", kind="team history empty")
        return None
    return TeamPeriod(rep_id, text["team"], manager, text["territory"], start, end, row.where)


def _unknown(row: Row, dimension: str, value: str, known: dict[str, str],
             out: Collector) -> None:
    title = dimension.title()
    close = difflib.get_close_matches(node_key(value), list(known), 1, 0.75)
    near = f" — did you mean {known[close[0]]!r}?" if close else "."
    out.error(row.cell(dimension), f"{title} {value!r} is no rep's {title} on the Reps "
              f"sheet{near} Write a {title} as the Reps sheet writes it.",
              kind=f"team history {dimension}")


def _manager(row: Row, value: str, tree: OrgTree, out: Collector) -> str | None:
    """The key of the manager ``value`` names (by ID, then Name), else None (problem)."""
    key = rep_key(value)
    if key in tree.by_key:
        return key
    named = [m.key for m in tree.managers if rep_key(m.name) == key]
    if len(named) == 1:
        return named[0]
    said = "is two people's name in the manager tree; write their ID" if named else \
        "is no one in the manager tree (Reps' Manager, the Managers sheet)"
    names = [m.manager_id for m in tree.managers][:3]
    some = f" (such as {', '.join(repr(n) for n in names)})" if names and not named else ""
    out.error(row.cell("manager"), f"Manager {value!r} {said}. Write the ID of a manager"
              f"{some}, or add them to the Managers sheet.", kind="team history manager")
    return None


def _overlaps(found: Sequence[tuple[TeamPeriod, Row]], out: Collector) -> None:
    """Two rows of one rep that share a day: a problem on the later row."""
    by_rep: dict[str, list[tuple[TeamPeriod, Row]]] = {}
    for item in found:
        by_rep.setdefault(rep_key(item[0].rep_id), []).append(item)
    for items in by_rep.values():
        items.sort(key=lambda item: item[0].start or date.min)
        for (first, first_row), (second, second_row) in pairwise(items):
            if first.end is None or (second.start or date.min) <= first.end:
                shared = (second.start or date.min)
                day = shared.isoformat() if shared != date.min else "its first day"
                out.error(second_row.cell("start"), f"rep {second.rep_id!r} is in two places "
                          f"on {day}: this row and {first_row.where} overlap. End "
                          f"{first_row.where} the day before this one starts.",
                          kind="team history overlap")


def _now(period: TeamPeriod, row: Row, reps: RepIndex, tree: OrgTree, as_of: date | None,
         out: Collector) -> None:
    """A row covering As Of must agree with the Reps row (where the rep is now)."""
    if as_of is None or not period.covers(as_of):
        return
    rep = reps.by_key[rep_key(period.rep_id)]
    current = {"team": node_key(rep.team), "territory": node_key(rep.territory),
               "manager": tree.rep_managers.get(rep_key(rep.rep_id), "")}
    for dimension, title in PLACES:
        value = getattr(period, dimension)
        if not value or (node_key(value) if dimension != "manager" else value) == \
                current[dimension]:
            continue
        now = getattr(rep, dimension).strip() or "none"
        out.error(row.cell(dimension), f"says rep {rep.rep_id!r} is in {title} "
                  f"{row.values.get(dimension)!r} on As Of {as_of.isoformat()}, but the Reps "
                  f"sheet says {now!r}. The Reps row is where a rep is now: end this row "
                  "before the move, or correct the Reps row.", kind="team history now")
        return
