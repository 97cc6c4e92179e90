"""Split deals in every roll-up: a split's revenue lands in each credited rep's team,
territory, region, segment and manager-tree node; overlay credit counts toward its
rep's own attainment and in no node's total (never twice), shown apart.

D1, $12,000, won by Ana (R1) on 10 March 2026, Credit On booked: revenue 60 % Ana
($7,200), 40 % Ben ($4,800); overlay 20 % Cy ($2,400), Cy being a sales engineer in
another territory under another manager.

    Vera (V1)
    ├── Mia (M1): Ana (R1, East, North), Ben (R2, East, South)
    └── Max (M2): Cy (R3, West, North)
All three in region EMEA, segment SMB.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from quota_books import book

from goalreport.core.engine import compute
from goalreport.workbook.reader import read_workbook

D = dt.date
REPS = [["Rep ID", "Name", "Team", "Manager", "Territory", "Region", "Segment"],
        ["R1", "Ana Lima", "East", "M1", "North", "EMEA", "SMB"],
        ["R2", "Ben Ode", "East", "M1", "South", "EMEA", "SMB"],
        ["R3", "Cy Moss", "West", "M2", "North", "EMEA", "SMB"]]
MANAGERS = [["Manager ID", "Name", "Reports To"], ["V1", "Vera Park", None],
            ["M1", "Mia Chen", "V1"], ["M2", "Max Roy", "V1"]]
GOALS = [["Rep ID", "Year", "New Client Target", "Repeat Client Target", "Avg Deal Size"],
         *([rep, 2026, 100000, 0, 10000] for rep in ("R1", "R2", "R3"))]
ACTIVITY = [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Deal ID"],
            [D(2026, 3, 10), "R1", "won", "Acme", "new", 12000, "D1"]]
SPLITS = [["Deal ID", "Rep ID", "Split %", "Split Type"], ["D1", "R1", "60%", "Revenue"],
          ["D1", "R2", "40%", "Revenue"], ["D1", "R3", "20%", "Overlay"]]


def test_split_revenue_in_each_reps_nodes_and_overlay_in_none(tmp_path: Path) -> None:
    path = book(tmp_path / "t.xlsx", GOALS, reps=REPS, activity=ACTIVITY[1:],
                settings={"Company": "Acme", "As Of": D(2026, 6, 30)},
                extra={"Splits": SPLITS, "Activity": ACTIVITY, "Managers": MANAGERS})
    computation = compute(read_workbook(path), as_of=D(2026, 6, 30))
    own = {r.rep.rep_id: (r.progress.actual, r.progress.overlay) for r in computation.results}
    # Each rep's own actual holds their share, Cy's his overlay 2,400.
    assert own == {"R1": (Decimal("7200.00"), Decimal("0.00")),
                   "R2": (Decimal("4800.00"), Decimal("0.00")),
                   "R3": (Decimal("2400.00"), Decimal("2400.00"))}
    nodes = {(s.dimension, row.name): (row.actual, row.overlay)
             for s in computation.sections for row in s.rows}
    nodes.update({("team", row.name): (row.actual, row.overlay) for row in computation.team})
    zero, overlay = Decimal("0.00"), Decimal("2400.00")
    assert nodes == {
        # Teams: East 7,200 + 4,800; West's Cy only has overlay, in no total.
        ("team", "East"): (Decimal("12000.00"), zero), ("team", "West"): (zero, overlay),
        ("team", "Total"): (Decimal("12000.00"), overlay),
        # North: Ana's 7,200 (Cy's overlay beside it); South: Ben's 4,800.
        ("territory", "North"): (Decimal("7200.00"), overlay),
        ("territory", "South"): (Decimal("4800.00"), zero),
        ("region", "EMEA"): (Decimal("12000.00"), overlay),
        ("segment", "SMB"): (Decimal("12000.00"), overlay),
        # The tree: Mia's reps hold the deal; Max's Cy only overlay; Vera above both
        # counts the deal once, 12,000, not 14,400.
        ("manager", "Vera Park"): (Decimal("12000.00"), overlay),
        ("manager", "Mia Chen"): (Decimal("12000.00"), zero),
        ("manager", "Max Roy"): (zero, overlay)}
