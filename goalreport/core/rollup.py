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

from goalreport.core.keys import natural_key, rep_key
from goalreport.core.model import STATUSES, Dimension, PlacedDeal, Rep
from goalreport.core.money import to_cents
from goalreport.core.org import OrgTree
from goalreport.core.pipeline import team_pipeline
from goalreport.core.results import (
    Computation,
    GroupTotals,
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


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction | None:
    return Fraction(to_cents(numerator), to_cents(denominator)) if denominator else None


def group_totals(name: str, results: Sequence[RepResult], quota: NodeQuota | None = None,
                 *, depth: int = 0, key: str = "", moved: Decimal = _ZERO) -> GroupTotals:
    """The row of ``results`` summed: measured against ``quota`` when given, else against
    the reps' targets summed. ``moved``: won deals their CRM export places in this node
    rather than in their rep's (in), less those it places elsewhere (out)."""
    reps_target = sum((r.progress.annual_target for r in results), _ZERO)
    actual = sum((r.progress.actual for r in results), moved)
    expected = sum((r.progress.expected_to_date for r in results), _ZERO)
    forecast = sum((r.progress.forecast for r in results), _ZERO)
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
        pipeline=team_pipeline([r.pipeline for r in results if r.pipeline is not None]))


def _quota_index(quotas: Iterable[NodeQuota]) -> dict[tuple[Dimension, str], NodeQuota]:
    return {(q.dimension, q.key): q for q in quotas}


def dimension_rows(results: Sequence[RepResult], dimension: Dimension,
                   quotas: Iterable[NodeQuota] = (),
                   everyone: Sequence[RepResult] | None = None,
                   placed: Iterable[PlacedDeal] = ()) -> list[GroupTotals]:
    """One row per value of ``dimension`` among ``results``, in natural order of names
    ("Team 2" before "Team 10"). A node's own quota applies only when all of its reps in
    ``everyone`` (default: ``results``) are in ``results``. A won deal of ``placed``
    (a CRM export naming its territory or region) counts in the node it names, not its
    rep's: a node may then have deals and no reps."""
    groups: dict[str, tuple[str, list[RepResult]]] = {}
    for r in results:
        value = value_of(r.rep, dimension)
        groups.setdefault(node_key(value), (value or NONE[dimension], []))[1].append(r)
    sizes: dict[str, int] = {}
    for r in everyone if everyone is not None else results:
        key = node_key(value_of(r.rep, dimension))
        sizes[key] = sizes.get(key, 0) + 1
    index = _quota_index(quotas)
    moved = _moves(results, dimension, placed, groups)
    rows = []
    for key, (name, members) in groups.items():
        quota = index.get((dimension, key)) if key and sizes.get(key) == len(members) else None
        rows.append(group_totals(name, members, quota, key=key,
                                 moved=moved.get(key, _ZERO)))
    rows.sort(key=lambda row: natural_key(row.name))
    return rows


def _moves(results: Sequence[RepResult], dimension: Dimension, placed: Iterable[PlacedDeal],
           groups: dict[str, tuple[str, list[RepResult]]]) -> dict[str, Decimal]:
    """Node key → what ``placed`` deals of ``results``' reps move into it (less what they
    move out); a node they name that no rep has joins ``groups`` with no reps."""
    nodes = {rep_key(r.rep.rep_id): node_key(value_of(r.rep, dimension)) for r in results}
    moved: dict[str, Decimal] = {}
    for deal in placed:
        source = nodes.get(rep_key(deal.rep_id))
        target = node_key(deal.value)
        if deal.dimension != dimension or source is None or target == source:
            continue
        moved[source] = moved.get(source, _ZERO) - deal.amount
        moved[target] = moved.get(target, _ZERO) + deal.amount
        groups.setdefault(target, (deal.value.strip(), []))
    return moved


def team_totals(results: Iterable[RepResult]) -> tuple[GroupTotals, ...]:
    """Team Summary's table: one row per team (natural order), then "Total" over all of
    ``results``."""
    everyone = list(results)
    return (*dimension_rows(everyone, "team"), group_totals(TOTAL, everyone))


def tree_rows(results: Sequence[RepResult], tree: OrgTree, root: str = "",
              quotas: Iterable[NodeQuota] = ()) -> list[GroupTotals]:
    """One row per manager below ``root`` ("" for the whole tree; else ``root`` first, at
    depth 1), depth first, each over the reps of their subtree among ``results``. For
    the whole tree, the reps who report to no one are a last row, "(no manager)"."""
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
                                 depth=depth + (1 if root else 0), key=manager.key))
    if not root:
        placed = tree.rep_managers.keys() | {rep_key(m.rep_id) for m in tree.managers
                                             if m.rep_id}
        alone = [r for key, r in by_key.items() if key not in placed]
        if alone:
            rows.append(group_totals(NONE["manager"], alone, depth=1))
    return rows


def present(results: Sequence[RepResult], dimension: Dimension) -> bool:
    """Whether any rep of ``results`` has a value for ``dimension``."""
    return any(value_of(r.rep, dimension) for r in results)


def sections(results: Sequence[RepResult], tree: OrgTree, quotas: Sequence[NodeQuota] = (),
             *, everyone: Sequence[RepResult] | None = None, root: str = "",
             placed: Sequence[PlacedDeal] = ()) -> tuple[RollUp, ...]:
    """The roll-ups below Team Summary's table: region, territory and segment where a rep
    has one, then the manager tree when there is one (``root``'s subtree in a manager's
    view). Teams are Team Summary's own table (``team_totals``)."""
    found = [RollUp(d, tuple(dimension_rows(results, d, quotas, everyone, placed)))
             for d in DIMENSIONS if d != "team" and present(results, d)]
    if tree and results:
        found.append(RollUp("manager", tuple(tree_rows(results, tree, root, quotas))))
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
    return replace(computation, results=results, team=team_totals(results),
                   sections=sections(results, computation.org, computation.quotas,
                                     placed=computation.placed,
                                     everyone=computation.results, root=key),
                   scope=key)


def managers_to_report(computation: Computation) -> list[str]:
    """Keys of the managers who get a summary of their own: everyone in the tree with at
    least one active rep in their subtree, in tree order."""
    active = {rep_key(r.rep.rep_id) for r in computation.results}
    return [manager.key for manager, _depth in computation.org.walk()
            if computation.org.reps_under(manager.key) & active]
