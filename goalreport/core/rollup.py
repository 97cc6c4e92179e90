"""Roll-ups (SPEC §4 Team Summary): reps summed by team, territory, region, segment and
up the manager tree, and one manager's subtree as a computation of its own. Pure.

One way of summing serves every dimension (``group_totals``): money is summed over the
node's reps, and attainment and pace are the ratios of those sums (never averages of
ratios). A team is one dimension among the others; Team Summary's first table is the
team dimension with the Total row.

A node's target (the rule of SPEC §3 Targets above the rep): where the Goals sheet
gives the node a quota of its own, the node is measured against that quota (and its
plan to date); the sum of its reps' targets is shown beside it with the difference,
over- or under-assigned, so neither is picked silently. Without one, the node's target
is its reps' targets summed. Attainment is always measured from the node's reps' deals.

Nodes group reps whose value of the dimension is the same ignoring case and runs of
spaces (``keys.rep_key``), shown as first written; reps with none are one row,
"(no territory)". In a manager's subtree a territory's own quota is shown only when
every rep of the territory is in that subtree: a quota for thirty reps is not compared
with the three a manager has.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from goalreport.core.keys import natural_key, rep_key
from goalreport.core.model import STATUSES, Dimension, PlacedDeal, Rep
from goalreport.core.money import to_cents
from goalreport.core.org import OrgTree
from goalreport.core.pipeline import team_pipeline
from goalreport.core.results import (
    Computation,
    GroupTotals,
    Moved,
    NodeQuota,
    RepResult,
    RollUp,
)

#: Team Summary's last row.
TOTAL = "Total"
#: The Reps columns that group reps, coarsest first: the first present with two or more
#: values is the "top dimension" the charts are drawn by.
DIMENSIONS: tuple[Dimension, ...] = ("region", "territory", "segment", "team")
#: How each dimension is named in sheets and reports.
TITLES: dict[Dimension, str] = {"team": "Team", "territory": "Territory", "region": "Region",
                                "segment": "Segment", "manager": "Manager"}
#: The row of reps without a value.
NONE: dict[Dimension, str] = {"team": "(no team)", "territory": "(no territory)",
                              "region": "(no region)", "segment": "(no segment)",
                              "manager": "(no manager)"}
_ZERO = Decimal("0.00")


def value_of(rep: Rep, dimension: Dimension) -> str:
    """The rep's Team, Territory, Region or Segment as written (trimmed)."""
    return str(getattr(rep, dimension)).strip()


def node_key(value: str) -> str:
    """How a node's name is matched (reps' cells, Goals rows): ``keys.rep_key``."""
    return rep_key(value)


class Shift(NamedTuple):
    """What a node gains (or, negative, loses) beyond its reps' sums: deals a CRM export
    places in it, and what reps' Team History periods credit to it (``core.membership``)."""

    actual: Decimal = _ZERO
    target: Decimal = _ZERO
    expected: Decimal = _ZERO
    forecast: Decimal = _ZERO

    def plus(self, other: Shift, sign: int = 1) -> Shift:
        return Shift(*(mine + sign * theirs for mine, theirs in zip(self, other, strict=True)))


NO_SHIFT = Shift()


def _shift(move: Moved) -> Shift:
    """A Team History move as a shift: its forecast gains what was won there."""
    return Shift(move.actual, move.target, move.expected, move.actual)


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction | None:
    return Fraction(to_cents(numerator), to_cents(denominator)) if denominator else None


def group_totals(name: str, results: Sequence[RepResult], quota: NodeQuota | None = None,
                 *, depth: int = 0, key: str = "", moved: Shift = NO_SHIFT) -> GroupTotals:
    """The row of ``results`` summed: measured against ``quota`` when given, else against
    the reps' targets summed (and ``moved``'s). Each rep adds their ``rollup_`` figures:
    overlay credit counts toward its rep's own attainment but in no node's (it would
    count twice); it is summed apart, in ``overlay``. ``moved``: won deals their CRM
    export places in this node rather than in their rep's, and what reps' Team History
    credits to it (in), less what those place elsewhere (out)."""
    reps_target = sum((r.progress.annual_target for r in results), moved.target)
    actual = sum((r.progress.rollup_actual for r in results), moved.actual)
    expected = sum((r.progress.expected_to_date for r in results), moved.expected)
    forecast = sum((r.progress.rollup_forecast for r in results), moved.forecast)
    waiting = [r.progress.rollup_not_yet_credited for r in results]
    target = reps_target
    if quota is not None:
        target, expected = quota.annual, quota.expected_to_date
    counts = dict.fromkeys(STATUSES, 0)
    for r in results:
        counts[r.progress.status] = counts.get(r.progress.status, 0) + 1
    return GroupTotals(
        name=name, reps=len(results), annual_target=target, actual=actual,
        expected_to_date=expected, attainment=_ratio(actual, target),
        pace=_ratio(actual, expected), forecast=forecast, status_counts=counts,
        reps_target=reps_target, own_quota=None if quota is None else quota.annual,
        depth=depth, key=key,
        pipeline=team_pipeline([r.pipeline for r in results if r.pipeline is not None]),
        overlay=sum((r.progress.overlay for r in results), _ZERO),
        not_yet_credited=sum((w for w in waiting if w is not None), _ZERO)
        if any(w is not None for w in waiting) else None)


def _quota_index(quotas: Iterable[NodeQuota]) -> dict[tuple[Dimension, str], NodeQuota]:
    return {(q.dimension, q.key): q for q in quotas}


def dimension_rows(results: Sequence[RepResult], dimension: Dimension,
                   quotas: Iterable[NodeQuota] = (),
                   everyone: Sequence[RepResult] | None = None,
                   placed: Iterable[PlacedDeal] = (), moves: Iterable[Moved] = ()
                   ) -> list[GroupTotals]:
    """One row per value of ``dimension`` among ``results``, in natural order of names
    ("Team 2" before "Team 10"). A node's own quota applies only when all of its reps in
    ``everyone`` (default: ``results``) are in ``results``. A won deal of ``placed``
    (a CRM export naming its territory or region) counts in the node it names, not its
    rep's: a node may then have deals and no reps; so does a rep's Team History period
    (``moves``) what they won there."""
    groups: dict[str, tuple[str, list[RepResult]]] = {}
    for r in results:
        value = value_of(r.rep, dimension)
        groups.setdefault(node_key(value), (value or NONE[dimension], []))[1].append(r)
    sizes: dict[str, int] = {}
    for r in everyone if everyone is not None else results:
        key = node_key(value_of(r.rep, dimension))
        sizes[key] = sizes.get(key, 0) + 1
    index = _quota_index(quotas)
    moved = _moves(results, dimension, placed, groups, moves)
    rows = []
    for key, (name, members) in groups.items():
        quota = index.get((dimension, key)) if key and sizes.get(key) == len(members) else None
        rows.append(group_totals(name, members, quota, key=key,
                                 moved=moved.get(key, NO_SHIFT)))
    rows.sort(key=lambda row: natural_key(row.name))
    return rows


def _moves(results: Sequence[RepResult], dimension: Dimension, placed: Iterable[PlacedDeal],
           groups: dict[str, tuple[str, list[RepResult]]], moves: Iterable[Moved] = ()
           ) -> dict[str, Shift]:
    """Node key → what ``placed`` deals and Team History ``moves`` of ``results``' reps
    move into it (less what they move out); a node they name that no rep has joins
    ``groups`` with no reps."""
    nodes = {rep_key(r.rep.rep_id): node_key(value_of(r.rep, dimension)) for r in results}
    moved: dict[str, Shift] = {}
    found = [(deal.rep_id, deal.dimension, deal.value, Shift(deal.amount), deal.origin)
             for deal in placed]
    found += [(move.rep_id, move.dimension, move.value, _shift(move), "") for move in moves]
    for rep_id, where, value, shift, origin in found:
        source = nodes.get(rep_key(rep_id))
        if source is not None and origin:
            source = node_key(origin)  # where Team History had the rep on its day
        target = node_key(value)
        if where != dimension or source is None or target == source:
            continue
        moved[source] = moved.get(source, NO_SHIFT).plus(shift, -1)
        moved[target] = moved.get(target, NO_SHIFT).plus(shift)
        groups.setdefault(target, (value.strip(), []))
    return moved


def _tree_shifts(moves: Iterable[Moved], tree: OrgTree) -> dict[str, Shift]:
    """Manager key ("" for "(no manager)") → what Team History ``moves`` move into their
    node: a rep's deals of a period under another manager leave every node above the
    rep now that is not above that manager, and join every node above that manager
    that is not above the rep now (a node above both keeps them: counted once)."""
    shifts: dict[str, Shift] = {}
    for move in moves:
        if move.dimension != "manager":
            continue
        rep = rep_key(move.rep_id)
        now = {key for key in tree.by_key if rep in tree.reps_under(key)} or {""}
        then = set(tree.chain(move.value)) | {key for key in now if key
                                             and rep_key(tree.by_key[key].rep_id) == rep}
        shift = _shift(move)
        for key in now - then:
            shifts[key] = shifts.get(key, NO_SHIFT).plus(shift, -1)
        for key in then - now:
            shifts[key] = shifts.get(key, NO_SHIFT).plus(shift)
    return shifts


def team_totals(results: Iterable[RepResult], moves: Iterable[Moved] = ()
                ) -> tuple[GroupTotals, ...]:
    """Team Summary's table: one row per team (natural order; Team History ``moves``
    credit each team what its reps won while in it), then "Total" over all of
    ``results``."""
    everyone = list(results)
    return (*dimension_rows(everyone, "team", moves=moves), group_totals(TOTAL, everyone))


def tree_rows(results: Sequence[RepResult], tree: OrgTree, root: str = "",
              quotas: Iterable[NodeQuota] = (), moves: Iterable[Moved] = ()
              ) -> list[GroupTotals]:
    """One row per manager below ``root`` ("" for the whole tree; else ``root`` first, at
    depth 1), depth first, each over the reps of their subtree among ``results``, with
    what Team History ``moves`` credit to it. For the whole tree, the reps who report to
    no one are a last row, "(no manager)"."""
    shifts = _tree_shifts(moves, tree)
    by_key = {rep_key(r.rep.rep_id): r for r in results}
    order = {key: number for number, key in enumerate(by_key)}
    index = _quota_index(quotas)
    rows = []
    walked = list(tree.walk(root))
    if root:
        walked = [(tree.by_key[root], 0), *walked]
    for manager, depth in walked:
        members = [by_key[k] for k in sorted(tree.reps_under(manager.key) & by_key.keys(),
                                             key=order.__getitem__)]
        rows.append(group_totals(manager.name, members, index.get(("manager", manager.key)),
                                 depth=depth + (1 if root else 0), key=manager.key,
                                 moved=shifts.get(manager.key, NO_SHIFT)))
    if not root:
        placed = tree.rep_managers.keys() | {rep_key(m.rep_id) for m in tree.managers
                                             if m.rep_id}
        alone = [r for key, r in by_key.items() if key not in placed]
        if alone:
            rows.append(group_totals(NONE["manager"], alone, depth=1,
                                     moved=shifts.get("", NO_SHIFT)))
    return rows


def present(results: Sequence[RepResult], dimension: Dimension) -> bool:
    """Whether any rep of ``results`` has a value for ``dimension``."""
    return any(value_of(r.rep, dimension) for r in results)


def sections(results: Sequence[RepResult], tree: OrgTree, quotas: Sequence[NodeQuota] = (),
             *, everyone: Sequence[RepResult] | None = None, root: str = "",
             placed: Sequence[PlacedDeal] = (), moves: Sequence[Moved] = ()
             ) -> tuple[RollUp, ...]:
    """The roll-ups below Team Summary's table: region, territory and segment where a rep
    has one, then the manager tree when there is one (``root``'s subtree in a manager's
    view). Teams are Team Summary's own table (``team_totals``)."""
    found = [RollUp(d, tuple(dimension_rows(results, d, quotas, everyone, placed, moves)))
             for d in DIMENSIONS if d != "team" and present(results, d)]
    if tree and results:
        found.append(RollUp("manager", tuple(tree_rows(results, tree, root, quotas, moves))))
    return tuple(found)


def top_dimension(computation: Computation) -> Dimension:
    """The coarsest dimension with two or more nodes (region, territory, segment, team);
    team when none has: what the charts show above ``chartdata.MAX_REP_BARS`` reps."""
    for dimension in DIMENSIONS:
        if len({node_key(value_of(r.rep, dimension)) for r in computation.results}) > 1:
            return dimension
    return "team"


def top_rows(computation: Computation) -> tuple[Dimension, list[GroupTotals]]:
    """(the top dimension, its rows): the section's when it has one, else the teams."""
    dimension = top_dimension(computation)
    for section in computation.sections:
        if section.dimension == dimension:
            return dimension, list(section.rows)
    return dimension, list(computation.team[:-1])  # the last row is the Total


def node_rank_key(node: GroupTotals) -> tuple[bool, Fraction, tuple[tuple[int, int | str], ...]]:
    """Nodes ranked as reps are: by attainment, best first, ties by name in natural
    order; no attainment (no target) last."""
    return (node.attainment is None, -(node.attainment or Fraction(0)), natural_key(node.name))


def subtree(computation: Computation, key: str) -> Computation:
    """``computation`` cut to manager ``key``'s subtree: their reps only, teams and
    roll-ups over those reps, the tree rooted at them (own quotas of other nodes only
    where the node lies wholly inside). What that manager's summary and digest show."""
    wanted = computation.org.reps_under(key)
    results = tuple(r for r in computation.results if rep_key(r.rep.rep_id) in wanted)
    return replace(computation, results=results,
                   team=team_totals(results, computation.moves),
                   sections=sections(results, computation.org, computation.quotas,
                                     placed=computation.placed, moves=computation.moves,
                                     everyone=computation.results, root=key),
                   scope=key)


def managers_to_report(computation: Computation) -> list[str]:
    """Keys of the managers who get a summary of their own: everyone in the tree with at
    least one active rep in their subtree, in tree order."""
    active = {rep_key(r.rep.rep_id) for r in computation.results}
    return [manager.key for manager, _depth in computation.org.walk()
            if computation.org.reps_under(manager.key) & active]
