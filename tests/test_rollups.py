"""Roll-ups by hand-worked example: the manager tree (a rep who manages, three
levels of managers), territories and regions (reps with none), teams summed the same
way, a node's own quota against its reps' sum, and a manager's subtree.

The company and its numbers: ``company_tree.py`` (expected to date = 12,900 per 26,100
of target at As Of 2026-06-30).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
from company_tree import AS_OF, company_workbook

from goalreport.core.engine import compute
from goalreport.core.results import GroupTotals, NodeQuota
from goalreport.core.rollup import dimension_rows, subtree, team_totals, top_dimension
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook


def _computation(tmp_path: Path):
    return compute(read_workbook(company_workbook(tmp_path / "tree.xlsx")), as_of=AS_OF)


def _money(row: GroupTotals) -> tuple[str, int, Decimal, Decimal, Decimal]:
    return (row.name, row.reps, row.annual_target, row.actual, row.expected_to_date)


def test_the_manager_tree_sums_each_subtree(tmp_path: Path) -> None:
    tree = next(s for s in _computation(tmp_path).sections if s.dimension == "manager")
    assert [(row.name, row.depth) for row in tree.rows] == [
        ("Vera Park", 1), ("Ana Lima", 2), ("Ben Ode", 3), ("Omar Haddad", 2),
        ("(no manager)", 1)]
    vera, ana, ben, omar, alone = tree.rows
    # Vera: R1–R5. Targets 52,200 + 26,100 + 26,100 + 78,300 + 26,100 = 208,800; won
    # 30,000 + 10,000 + 12,900 + 20,000 + 6,450 = 79,350; expected 8 × 12,900 = 103,200.
    assert _money(vera) == ("Vera Park", 5, Decimal("208800.00"), Decimal("79350.00"),
                            Decimal("103200.00"))
    assert (vera.attainment, vera.pace) == (Fraction(7935000, 20880000),
                                            Fraction(7935000, 10320000))
    # Ana manages and sells: her own R1 with R2, R3 and (through Ben) R5.
    assert _money(ana) == ("Ana Lima", 4, Decimal("130500.00"), Decimal("59350.00"),
                           Decimal("64500.00"))
    # Ben, a rep too, and Eva below him: the third level.
    assert _money(ben) == ("Ben Ode", 2, Decimal("52200.00"), Decimal("16450.00"),
                           Decimal("25800.00"))
    assert _money(omar) == ("Omar Haddad", 1, Decimal("78300.00"), Decimal("20000.00"),
                            Decimal("38700.00"))
    assert _money(alone) == ("(no manager)", 1, Decimal("52200.00"), Decimal("0.00"),
                             Decimal("25800.00"))
    # Statuses by pace: R1 1.16 on track, R2 0.775 at risk, R3 1.0 on track, R5 0.5
    # behind.
    assert ana.status_counts == {"Achieved": 0, "On track": 2, "Slightly behind": 0,
                                 "At risk": 1, "Behind": 1}


def test_territories_and_regions_count_every_rep_once(tmp_path: Path) -> None:
    computation = _computation(tmp_path)
    by = {s.dimension: s.rows for s in computation.sections}
    assert list(by) == ["region", "territory", "manager"]  # no rep has a Segment
    # Eva (R5) and Femi (R6) have no territory: their row, first in natural order.
    assert [_money(row) for row in by["territory"]] == [
        ("(no territory)", 2, Decimal("78300.00"), Decimal("6450.00"), Decimal("38700.00")),
        ("North", 2, Decimal("78300.00"), Decimal("40000.00"), Decimal("38700.00")),
        ("South", 2, Decimal("104400.00"), Decimal("32900.00"), Decimal("51600.00"))]
    assert [_money(row) for row in by["region"]] == [
        ("(no region)", 1, Decimal("26100.00"), Decimal("6450.00"), Decimal("12900.00")),
        ("AMER", 2, Decimal("130500.00"), Decimal("20000.00"), Decimal("64500.00")),
        ("EMEA", 3, Decimal("104400.00"), Decimal("52900.00"), Decimal("51600.00"))]
    total = computation.team[-1]
    for rows in (by["territory"], by["region"], computation.team[:-1]):
        assert sum(row.annual_target for row in rows) == total.annual_target == \
            Decimal("261000.00")
        assert sum(row.actual for row in rows) == total.actual == Decimal("79350.00")
    assert top_dimension(computation) == "region"


def test_teams_are_one_dimension_summed_the_same_way(tmp_path: Path) -> None:
    computation = _computation(tmp_path)
    # Alpha: R1–R3 (k = 2 + 1 + 1), 104,400, 52,900 won, 4 × 12,900 expected; Beta:
    # R4–R6 (k = 3 + 1 + 2), 156,600, 26,450 won, 6 × 12,900 expected.
    assert [_money(row) for row in computation.team] == [
        ("Alpha", 3, Decimal("104400.00"), Decimal("52900.00"), Decimal("51600.00")),
        ("Beta", 3, Decimal("156600.00"), Decimal("26450.00"), Decimal("77400.00")),
        ("Total", 6, Decimal("261000.00"), Decimal("79350.00"), Decimal("129000.00"))]
    assert list(computation.team[:-1]) == dimension_rows(computation.results, "team")
    assert computation.team == team_totals(computation.results)


def test_a_team_spelt_two_ways_is_one_team(tmp_path: Path) -> None:
    from enginedata import data, goal, rep

    workbook = data(reps=(rep("R1", team="East"), rep("R2", team=" east "),
                          rep("R3", team="West")),
                    goals=(goal("R1"), goal("R2"), goal("R3")))
    team = compute(workbook, as_of=AS_OF).team
    assert [(row.name, row.reps) for row in team] == [("East", 2), ("West", 1),
                                                      ("Total", 3)]


def test_a_territory_quota_that_differs_from_its_reps_sum(tmp_path: Path) -> None:
    """North's own quota is 70,000; its reps (R1, R2) carry 52,200 + 26,100 = 78,300:
    over-assigned by 8,300. North is measured against its own 70,000 and that quota's
    plan to date (given as 35,000 here); the reps' targets stay beside it."""
    computation = _computation(tmp_path)
    north = NodeQuota("territory", "north", Decimal("70000.00"), Decimal("35000.00"))
    rows = dimension_rows(computation.results, "territory", [north])
    row = next(r for r in rows if r.name == "North")
    assert (row.annual_target, row.own_quota, row.reps_target, row.difference) == (
        Decimal("70000.00"), Decimal("70000.00"), Decimal("78300.00"), Decimal("8300.00"))
    assert (row.expected_to_date, row.actual) == (Decimal("35000.00"), Decimal("40000.00"))
    assert (row.attainment, row.pace) == (Fraction(40000, 70000), Fraction(40000, 35000))
    under = NodeQuota("territory", "south", Decimal("110000.00"), Decimal("55000.00"))
    south = next(r for r in dimension_rows(computation.results, "territory", [under])
                 if r.name == "South")
    assert south.difference == Decimal("-5600.00")  # under-assigned: 104,400 − 110,000
    # Without a quota a node has no difference: its target is its reps'.
    assert next(r for r in rows if r.name == "South").difference is None


def test_a_managers_subtree_holds_their_reps_only(tmp_path: Path) -> None:
    computation = _computation(tmp_path)
    north = NodeQuota("territory", "north", Decimal("70000.00"), Decimal("35000.00"))
    ben = subtree(replace(computation, quotas=(north,)), "r2")
    assert [r.rep.rep_id for r in ben.results] == ["R2", "R5"]
    assert ben.scope == "r2"
    assert [_money(row) for row in ben.team] == [
        ("Alpha", 1, Decimal("26100.00"), Decimal("10000.00"), Decimal("12900.00")),
        ("Beta", 1, Decimal("26100.00"), Decimal("6450.00"), Decimal("12900.00")),
        ("Total", 2, Decimal("52200.00"), Decimal("16450.00"), Decimal("25800.00"))]
    by = {s.dimension: s.rows for s in ben.sections}
    # North has R1 outside Ben's subtree: its quota is not set against Ben's one rep.
    north_row = next(r for r in by["territory"] if r.name == "North")
    assert (north_row.reps, north_row.own_quota, north_row.annual_target) == (
        1, None, Decimal("26100.00"))
    assert [(row.name, row.depth, row.reps) for row in by["manager"]] == [("Ben Ode", 1, 2)]


def test_team_summary_sheet_has_a_section_per_dimension_and_the_tree(tmp_path: Path) -> None:
    path = company_workbook(tmp_path / "tree.xlsx")
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), write_plan=False,
                             render=False))
    ws = openpyxl.load_workbook(path)["Team Summary"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    titles = [row[0] for row in cells if row[0] in ("By region", "By territory",
                                                     "Manager tree")]
    assert titles == ["By region", "By territory", "Manager tree"]
    start = next(i for i, row in enumerate(cells) if row[0] == "Manager tree")
    header = cells[start + 1]
    assert header[:9] == ["Manager", "Manager ID", "Level", "Reports To", "Reps",
                          "Annual Target", "Own Quota", "Reps' Targets",
                          "Over/Under-Assigned"]
    rows = cells[start + 2:start + 7]
    assert [row[:6] for row in rows] == [
        ["Vera Park", "V1", 1, None, 5, 208800],
        ["Ana Lima", "R1", 2, "Vera Park", 4, 130500],
        ["Ben Ode", "R2", 3, "Ana Lima", 2, 52200],
        ["Omar Haddad", "M2", 2, "Vera Park", 1, 78300],
        ["(no manager)", None, 1, None, 1, 52200]]
    actual = header.index("Actual")
    assert [row[actual] for row in rows] == [79350, 59350, 16450, 20000, 0]
    assert ws.cell(start + 3, header.index("Attainment") + 1).number_format == "0.0%"


def test_a_deal_placed_in_another_territory_counts_there_once(tmp_path: Path) -> None:
    """A CRM export places one of Ana's (R1) March deals, 10,000, in South, and Eva's
    (R5, no territory) 6,450 in East, where no rep is. North: 40,000 − 10,000; South:
    32,900 + 10,000; (no territory): 6,450 − 6,450; East: 6,450 and no reps. The
    territories still add up to the 79,350 won; regions and the reps' own numbers are
    untouched."""
    from goalreport.core.model import PlacedDeal
    from goalreport.core.rollup import sections

    computation = _computation(tmp_path)
    placed = (PlacedDeal("R1", dt.date(2026, 3, 2), "territory", "South", Decimal(10000)),
              PlacedDeal("R5", dt.date(2026, 3, 2), "territory", "East", Decimal(6450)))
    rows = {row.name: row for row in dimension_rows(computation.results, "territory",
                                                    placed=placed)}
    assert {name: (row.reps, row.actual) for name, row in rows.items()} == {
        "(no territory)": (2, Decimal("0.00")), "East": (0, Decimal("6450.00")),
        "North": (2, Decimal("30000.00")), "South": (2, Decimal("42900.00"))}
    assert rows["East"].attainment is None  # no reps, no target
    assert sum(row.actual for row in rows.values()) == Decimal("79350.00")
    by = {s.dimension: s.rows for s in sections(computation.results, computation.org,
                                                placed=placed)}
    assert [row.actual for row in by["region"]] == [r.actual for r in dimension_rows(
        computation.results, "region")]
    ben = subtree(replace(computation, placed=placed), "r2")
    ben_rows = {row.name: row.actual for s in ben.sections if s.dimension == "territory"
                for row in s.rows}
    assert ben_rows == {"(no territory)": Decimal("0.00"), "East": Decimal("6450.00"),
                        "North": Decimal("10000.00")}
