"""Goals rows that are a territory's, region's, segment's or manager's own quota (SPEC §3
Targets above the rep), in any shape the Goals sheet takes.

A row with a Rep ID is a rep's, whatever else it says (its Territory is then only a
label). A row with no Rep ID that names one node (a Territory, Region, Segment or
Manager column) is that node's own quota: the node must be one the Reps sheet (or the
manager tree) has, matched as the roll-ups match it. A territory named with its region
is the territory's; any other pair is a problem, since the quota of "North × Enterprise"
is no node's. The rows go through the same reading, placing and building as the reps'
(months, quarters, wide columns, versions by Effective From), filed under a name of
their own ("Territory North"), and are parted from the reps' goals at the end.
"""

from __future__ import annotations

import difflib

from goalreport.core.model import Dimension, Goal, NodeGoal
from goalreport.core.org import OrgTree
from goalreport.core.rollup import TITLES, node_key
from goalreport.workbook.goals.rows import Owner
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.table import Collector, Row
from goalreport.workbook.values import parse_text

#: The Goals columns that name a node, most specific first.
NODE_ROLES: tuple[Dimension, ...] = ("territory", "region", "segment", "manager")


class NodeOwners:
    """The Owner of Goals rows (``rows.Owner``): a rep's row as before, a node's row by
    the name it is filed under; remembers which names are nodes."""

    def __init__(self, reps: RepIndex, org: OrgTree, rep_owner: Owner):
        self.reps, self.org, self.rep_owner = reps, org, rep_owner
        #: Name filed under ("Territory North") → (dimension, node key, name shown).
        self.found: dict[str, tuple[Dimension, str, str]] = {}
        self.values: dict[Dimension, dict[str, str]] = {d: {} for d in NODE_ROLES}
        for rep in reps.by_key.values():
            for dimension in ("territory", "region", "segment"):
                value = str(getattr(rep, dimension)).strip()
                if value:
                    self.values[dimension].setdefault(node_key(value), value)
        for manager in org.managers:
            self.values["manager"].setdefault(manager.key, manager.name)

    def __call__(self, row: Row, out: Collector) -> str | None:
        named = [(d, parse_text(row.values[d])) for d in NODE_ROLES if row.has(d)]
        if row.has("rep_id") or not named:
            return self.rep_owner(row, out)
        if [d for d, _ in named[:2]] == ["territory", "region"]:
            named = [named[0], *named[2:]]  # a territory with the region it lies in
        if len(named) > 1:
            said = " and ".join(f"{TITLES[d]} {text!r}" for d, text in named)
            out.error(row.where, f"names {said} but no rep: a quota is one rep's, or one "
                      "territory's, region's, segment's or manager's. Keep one of them, or "
                      "write the Rep ID of the rep whose target it is.")
            return None
        dimension, text = named[0]
        key = self._key(dimension, text)
        if key is None:
            out.error(row.cell(dimension), self._unknown(dimension, text),
                      kind=f"unknown {dimension}")
            return None
        name = self.values[dimension][key]
        owner = f"{TITLES[dimension]} {name}"
        if node_key(owner) in self.reps.by_key:  # a rep whose ID reads like the node
            out.error(row.cell(dimension), f"{owner!r} is also a Rep ID on the Reps sheet, "
                      "so this quota could be read as that rep's. Give the rep another ID.")
            return None
        self.found[owner] = (dimension, key, name)
        return owner

    def _key(self, dimension: Dimension, text: str) -> str | None:
        key = node_key(text)
        if key in self.values[dimension]:
            return key
        if dimension == "manager":  # a manager by Name as well as by Manager ID
            named = [m.key for m in self.org.managers if node_key(m.name) == key]
            return named[0] if len(named) == 1 else None
        return None

    def _unknown(self, dimension: Dimension, text: str) -> str:
        title = TITLES[dimension]
        known = self.values[dimension]
        if dimension == "manager":
            where = "no manager of the Reps' Manager column or the Managers sheet"
        else:
            where = f"no rep's {title} on the Reps sheet"
        close = difflib.get_close_matches(node_key(text), list(known), 1, 0.75)
        near = f" — did you mean {known[close[0]]!r}?" if close else "."
        some = ", ".join(sorted(known.values())[:5]) or "none yet"
        return (f"{title} {text!r} is {where}{near} Write one of theirs ({some}), or the "
                "Rep ID of the rep whose target this is.")

    def part(self, goals: tuple[Goal, ...]) -> tuple[tuple[Goal, ...], tuple[NodeGoal, ...]]:
        """(the reps' goals, the nodes' own quotas) of ``goals`` as built."""
        reps = tuple(g for g in goals if g.rep_id not in self.found)
        nodes = tuple(NodeGoal(*self.found[g.rep_id], goal=g) for g in goals
                      if g.rep_id in self.found)
        return reps, nodes

