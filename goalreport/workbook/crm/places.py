"""A won deal's territory and region, when its CRM export says (SPEC §1 CRM exports): a
Salesforce report's Territory and Territory Region, a Pipedrive custom field
``Deal - Territory``, a warehouse table's Region. A deal placed elsewhere than its rep's
own territory or region counts there in that dimension's roll-up (``core.rollup``), and
in its rep's numbers as every deal of theirs does.

``Places`` notes, while an export is read (row by row or in chunks), the values of each
won deal by the deal's cell; ``placed_deals`` keeps those of the deals that survived the
merge (a deal also typed on Activity, or pasted twice, counts once: its place too), and
only where they differ from the rep's own, unless its credits or Team History may take
it elsewhere (a split's other reps, a rep who was in another territory that day). A value no rep has is a warning once per
value: the deals count in a territory of their own, which a typo would make by mistake.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from goalreport.core.keys import rep_key
from goalreport.core.model import Dimension, PlacedDeal, Rep
from goalreport.core.money import cents_to_money
from goalreport.core.rollup import TITLES, node_key, value_of
from goalreport.workbook.deals import Deal
from goalreport.workbook.table import Collector
from goalreport.workbook.values import is_blank, parse_text

#: The export roles that place a deal, and the dimension each is.
PLACE_ROLES: tuple[Dimension, ...] = ("territory", "region")


class Places:
    """One export's won deals' territory and region, by the deal's cell."""

    def __init__(self, cols: Mapping[str, int]):
        self.cols = [(role, cols[role]) for role in PLACE_ROLES if role in cols]
        #: Deal cell → (dimension, value) for each place column with a value.
        self.found: dict[str, list[tuple[Dimension, str]]] = {}

    def note(self, deal: Deal, values: Sequence[Any]) -> None:
        for dimension, index in self.cols:
            raw = values[index] if index < len(values) else None
            if not is_blank(raw):
                self.found.setdefault(deal.where, []).append((dimension, parse_text(raw)))


def placed_deals(deals: Iterable[Deal], places: Sequence[Places], reps: Sequence[Rep],
                 out: Collector, credited: Collection[str] = (),
                 travelled: Collection[str] = ()) -> tuple[PlacedDeal, ...]:
    """The won ``deals`` whose export places them elsewhere than their rep's own node,
    and those in it that may move all the same: ``credited``, the cells of the deals
    credited one by one (their shares may be other reps'), and the deals of
    ``travelled``, the reps (``keys.rep_key``) Team History had in another territory.
    ``core.credit.placements`` then splits them as they are credited."""
    found: dict[str, list[tuple[Dimension, str]]] = {}
    for one in places:
        found.update(one.found)
    if not found:
        return ()
    by_id = {rep.rep_id: rep for rep in reps}
    known = {d: {node_key(value_of(r, d)): value_of(r, d) for r in reps if value_of(r, d)}
             for d in PLACE_ROLES}
    unknown: dict[tuple[Dimension, str], list[Any]] = {}
    kept = []
    for deal in deals:
        for dimension, text in found.get(deal.where, ()):
            rep = by_id.get(deal.rep_id)
            if rep is None or node_key(text) == node_key(value_of(rep, dimension)) and \
                    deal.where not in credited and rep_key(rep.rep_id) not in travelled:
                continue
            kept.append(PlacedDeal(deal.rep_id, deal.day, dimension, text,
                                   cents_to_money(deal.cents), deal.where))
            if node_key(text) not in known[dimension]:
                seen = unknown.setdefault((dimension, node_key(text)), [text, deal.where, 0])
                seen[2] += 1
    for (dimension, key), (text, where, count) in unknown.items():
        title = TITLES[dimension]
        close = difflib.get_close_matches(key, list(known[dimension]), 1, 0.75)
        near = f" — did you mean {known[dimension][close[0]]!r}?" if close else "."
        deals_said = f"{count} won deal{'s' if count != 1 else ''}"
        out.warn(where, f"{title} {text!r} is no rep's {title} on the Reps sheet{near} Its "
                 f"{deals_said} count in a {title.lower()} of their own in the roll-ups. "
                 f"Correct it in the CRM, or give the reps of {text!r} that {title}.",
                 kind=f"unknown deal {dimension}")
    return tuple(kept)
