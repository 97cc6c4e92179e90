"""A deal a CRM export places in another territory moves what its reps are credited with
(SPEC §3 Credit), not its whole amount on its close date: each revenue credit leaves its
own rep's node on its credit date for the node the export names; overlay credit moves
nowhere (it is in no node's actual); what is not yet paid by As Of moves nothing; and the
share leaves the node Team History had the rep in on that day.

Headers: the Salesforce opportunities report of ``crm_exports.py`` with the column a
report on opportunities adds for Sales Territories, "Territory Name" (Salesforce field
reference, Territory2:
https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-territory2.html),
as tests/test_deal_places.py; "Paid Date" and "Paid Amount" are custom opportunity
fields as docs/crm-exports.md lists them (a report shows a custom field by its label).

Ana Lima (R1) sells in North, Ben Ode (R2) in South, Cy Moss (R3) in West. As Of 30 June
2026; the goal year is 2026.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from conftest import find_problems, write_workbook
from crm_exports import EXPORTS, D, base_sheets, salesforce_report

from goalreport.core.engine import compute
from goalreport.core.results import Computation
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook

AS_OF = dt.date(2026, 6, 30)
SHEET, HEADER, _ROW, _TITLE = EXPORTS["salesforce_report"]
ZERO = Decimal("0.00")


def _sheets(deals: list[tuple[D, str | None, Any, Any]], *, credit_on: str = "booked",
            splits: list[list[Any]] | None = None,
            history: list[list[Any]] | None = None) -> dict[str, list[list[Any]]]:
    """The three reps, and the Salesforce report with Territory Name, Paid Date and Paid
    Amount: each deal with its territory, paid date and paid amount."""
    sheets = base_sheets()
    sheets["Reps"][0].append("Territory")
    sheets["Reps"][1].append("North")
    sheets["Reps"][2].append("South")
    sheets["Reps"].append(["R3", "Cy Moss", "cy@acme.test", "East", "0055g00000CyMoAAA",
                           "West"])
    sheets["Goals"].append(["R3", 2026, 10000, 0, 1000])
    sheets["Settings"].append(["Credit On", credit_on])
    sheets[SHEET] = [[*HEADER, "Territory Name", "Paid Date", "Paid Amount"],
                     *([*salesforce_report(deal), place, paid_on, paid]
                       for deal, place, paid_on, paid in deals)]
    if splits is not None:
        sheets["Splits"] = splits
    if history is not None:
        sheets["Team History"] = history
    return sheets


def _computed(path: Path) -> Computation:
    errors, _warnings = find_problems(path)
    assert errors == []
    return compute(read_workbook(path), as_of=AS_OF)


def _territories(computation: Computation) -> dict[str, tuple[int, Decimal, Decimal]]:
    section = next(s for s in computation.sections if s.dimension == "territory")
    return {row.name: (row.reps, row.actual, row.overlay) for row in section.rows}


def _own(computation: Computation) -> dict[str, Decimal]:
    return {r.rep.rep_id: r.progress.actual for r in computation.results}


ANA_WEST = D("1001", "Ana Lima", dt.date(2026, 3, 5), "Zeta Corp", "won", 1200, "new")
ANA_NORTH = D("1002", "Ana Lima", dt.date(2026, 4, 10), "Zeta Corp", "won", 800, "repeat")
BEN_SOUTH = D("1004", "Ben Ode", dt.date(2026, 5, 20), "Yak Ltd", "won", 2500.5, "new")
#: The Splits sheet's Deal ID is the report's Opportunity ID (``salesforce_report``).
SPLIT_60_40 = [["Deal ID", "Rep ID", "Split %", "Split Type"],
               ["0065g00001001AAA", "R1", "60%", "Revenue"],
               ["0065g00001001AAA", "R2", "40%", "Revenue"],
               ["0065g00001001AAA", "R3", "20%", "Overlay"]]


def test_a_split_deal_placed_elsewhere_moves_each_revenue_share(tmp_path: Path) -> None:
    # Ana's 1,200 of 5 March, placed in West, split 60/40 with Ben and 20 % overlay to Cy:
    # Ana 720, Ben 480, Cy 240 overlay. Own actuals: Ana 720 + 800 = 1,520; Ben 480 +
    # 2,500.50 = 2,980.50; Cy 240 (his overlay).
    # Territories: North 1,520 − Ana's 720 = 800 (not 1,520 − 1,200 = 320); South
    # 2,980.50 − Ben's 480 = 2,500.50; West 720 + 480 = 1,200, Cy's 240 overlay beside it
    # and in no actual. They add up to the 4,500.50 won.
    path = write_workbook(tmp_path / "split.xlsx", _sheets(
        [(ANA_WEST, "West", None, None), (ANA_NORTH, None, None, None),
         (BEN_SOUTH, "South", None, None)], splits=SPLIT_60_40))
    computation = _computed(path)
    assert _own(computation) == {"R1": Decimal("1520.00"), "R2": Decimal("2980.50"),
                                 "R3": Decimal("240.00")}
    overlay = Decimal("240.00")
    assert _territories(computation) == {"North": (1, Decimal("800.00"), ZERO),
                                         "South": (1, Decimal("2500.50"), ZERO),
                                         "West": (1, Decimal("1200.00"), overlay)}
    # Team Summary, read back cell by cell: the same numbers under "By territory".
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), write_plan=False,
                             render=False))
    sheet = openpyxl.load_workbook(path, data_only=True)["Team Summary"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(cells) if row[0] == "By territory")
    header = cells[start + 1]
    assert header[0] == "Territory"
    actual = header.index("Actual")
    assert [(row[0], row[actual]) for row in cells[start + 2:start + 5]] == [
        ("North", 800), ("South", 2500.5), ("West", 1200)]
    # The Total row of the teams counts each deal once: 4,500.50 (Cy's overlay beside).
    team_actual = cells[0].index("Actual")
    total = next(row for row in cells if row[0] == "Total")
    assert total[team_actual] == 4500.5


def test_credit_on_paid_moves_only_what_is_paid_by_as_of(tmp_path: Path) -> None:
    # Credit On paid, every deal placed in West:
    # - Ana's 1,200 of 5 March, 300 paid on 15 May: 300 moves (North → West).
    # - Ana's 800 of 10 April, not paid: moves nothing (it counts in no one's actual).
    # - Ben's 2,500.50 of 20 May, paid on 15 July, after As Of: moves nothing.
    # - Ana's 1,000 won on 20 December 2025 (the year before), paid on 15 January 2026:
    #   it counts in 2026, on its paid date, so it moves too (North → West).
    # Own actuals: Ana 300 + 1,000 = 1,300, Ben 0, Cy 0. North 1,300 − 1,300 = 0; South
    # 0; West 1,300. Booked, not yet paid stays in the Reps row's node: North 900 + 800 =
    # 1,700, South 2,500.50.
    last_year = D("0999", "Ana Lima", dt.date(2025, 12, 20), "Wolf AG", "won", 1000, "new")
    path = write_workbook(tmp_path / "paid.xlsx", _sheets(
        [(ANA_WEST, "West", dt.date(2026, 5, 15), 300), (ANA_NORTH, "West", None, None),
         (BEN_SOUTH, "West", dt.date(2026, 7, 15), None),
         (last_year, "West", dt.date(2026, 1, 15), None)], credit_on="paid"))
    computation = _computed(path)
    assert _own(computation) == {"R1": Decimal("1300.00"), "R2": ZERO, "R3": ZERO}
    assert _territories(computation) == {"North": (1, ZERO, ZERO), "South": (1, ZERO, ZERO),
                                         "West": (1, Decimal("1300.00"), ZERO)}
    section = next(s for s in computation.sections if s.dimension == "territory")
    assert {row.name: row.not_yet_credited for row in section.rows} == {
        "North": Decimal("1700.00"), "South": Decimal("2500.50"), "West": ZERO}


def test_a_split_share_paid_in_part_moves_from_each_reps_node(tmp_path: Path) -> None:
    # Credit On paid, Ana's 1,200 placed in West and split 60/40 (+ 20 % overlay), 500
    # paid on 15 May: 5/12 of each share counts, Ana 300, Ben 200, Cy 100 overlay. North
    # 300 − 300 = 0; South 200 − 200 = 0; West 300 + 200 = 500, Cy's 100 beside it.
    path = write_workbook(tmp_path / "part.xlsx", _sheets(
        [(ANA_WEST, "West", dt.date(2026, 5, 15), 500)], credit_on="paid",
        splits=SPLIT_60_40))
    computation = _computed(path)
    assert _own(computation) == {"R1": Decimal("300.00"), "R2": Decimal("200.00"),
                                 "R3": Decimal("100.00")}
    assert _territories(computation) == {"North": (1, ZERO, ZERO), "South": (1, ZERO, ZERO),
                                         "West": (1, Decimal("500.00"), Decimal("100.00"))}


HISTORY = [["Rep ID", "Team", "Manager", "Territory", "From", "To"],
           ["R1", None, None, "South", dt.date(2026, 1, 1), dt.date(2026, 3, 31)]]


def test_a_placed_deal_leaves_the_territory_team_history_had_its_rep_in(
        tmp_path: Path) -> None:
    # Team History: Ana was in South until 31 March. Her 1,200 of 5 March is placed in
    # West; her 800 of 10 April is North's. The history moves what she won by 31 March,
    # 1,200, from North to South; the placement moves it on from South (where she was on
    # 5 March) to West. North 2,000 − 1,200 = 800; South 2,500.50 + 1,200 − 1,200 =
    # 2,500.50; West 1,200 (not North −400 and South 3,700.50: counted twice).
    # Both ways of reading the export: the fast path, and row by row (amount as text).
    for text in (False, True):
        west = (ANA_WEST, "West", None, None)
        sheets = _sheets([west, (ANA_NORTH, None, None, None), (BEN_SOUTH, None, None, None)],
                         history=HISTORY)
        if text:
            sheets[SHEET][1][5] = "$1,200.00"
        path = write_workbook(tmp_path / f"history-{text}.xlsx", sheets)
        computation = _computed(path)
        assert {name: actual for name, (_n, actual, _o) in _territories(computation).items()
                } == {"North": Decimal("800.00"), "South": Decimal("2500.50"),
                      "West": Decimal("1200.00")}, text


def test_a_split_share_leaves_the_node_its_own_rep_was_in(tmp_path: Path) -> None:
    # Team History puts Ben in West until 31 March. Ana's 1,200 of 5 March, placed in
    # West, split 60/40: Ana's 720 leaves North (hers) for West; Ben's 480 is in West
    # already (the history moved it there from South), so it stays. North 1,520 − 720 =
    # 800; South 2,980.50 − 480 (history) = 2,500.50; West 480 (history) + 720 = 1,200
    # (not North 1,520 − 1,200 = 320 and West 1,680: Ben's share counted twice).
    history = [HISTORY[0], ["R2", None, None, "West", dt.date(2026, 1, 1),
                            dt.date(2026, 3, 31)]]
    path = write_workbook(tmp_path / "split-history.xlsx", _sheets(
        [(ANA_WEST, "West", None, None), (ANA_NORTH, None, None, None),
         (BEN_SOUTH, None, None, None)], splits=SPLIT_60_40, history=history))
    assert {name: actual for name, (_n, actual, _o) in _territories(_computed(path)).items()
            } == {"North": Decimal("800.00"), "South": Decimal("2500.50"),
                  "West": Decimal("1200.00")}


def test_a_deal_placed_in_its_reps_own_territory_while_history_had_them_away(
        tmp_path: Path) -> None:
    # Ana was in South until 31 March (Team History), so the history moves her 1,200 of
    # 5 March from North to South; but the export places that deal in North, her Reps
    # row's territory: it comes back from South. North 2,000; South 2,500.50.
    path = write_workbook(tmp_path / "home.xlsx", _sheets(
        [(ANA_WEST, "North", None, None), (ANA_NORTH, None, None, None),
         (BEN_SOUTH, None, None, None)], history=HISTORY))
    assert {name: actual for name, (_n, actual, _o) in _territories(_computed(path)).items()
            } == {"North": Decimal("2000.00"), "South": Decimal("2500.50"),
                  "West": ZERO}
