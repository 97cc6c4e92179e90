"""Targets above the rep: Goals rows naming a territory, region,
segment or manager instead of a rep are that node's own quota, in any shape the Goals
sheet takes; the roll-ups show the own quota, the reps' targets and the difference.

The company: ``company_tree.py``. 2026 has 261 working days (129 by As Of 30 June), so an
amount of 125 × 261 = 32,625 plans exactly 125 a working day and 125 × 129 = 16,125 by
As Of.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
from company_tree import AS_OF, REPS, company_sheets
from conftest import find_problems, format_problems, write_workbook

from goalreport.core.engine import compute
from goalreport.core.results import GroupTotals
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook


def _with_quotas(tmp_path: Path, *rows: list[Any]) -> Path:
    """The company with Territory and Manager columns on Goals and ``rows`` below."""
    sheets = copy.deepcopy(company_sheets())
    goals = sheets["Goals"]
    goals[0] += ["Territory", "Manager"]
    for row in goals[1:]:
        row += [None, None]
    goals.extend(rows)
    return write_workbook(tmp_path / "quotas.xlsx", sheets)


def _row(computation: Any, dimension: str, name: str) -> GroupTotals:
    section = next(s for s in computation.sections if s.dimension == dimension)
    return next(row for row in section.rows if row.name == name)


def test_a_territory_quota_above_its_reps_sum(tmp_path: Path) -> None:
    """North's own quota: 32,625 new + 32,625 repeat = 65,250, planned 250 a working day,
    32,250 by As Of. Its reps R1 and R2 carry 52,200 + 26,100 = 78,300: over-assigned by
    13,050. Won 30,000 + 10,000 = 40,000: 40,000 / 65,250 = 160/261 of North's quota, pace
    40,000 / 32,250."""
    path = _with_quotas(tmp_path, [None, 2026, 32625, 32625, None, "north", None])
    north = _row(compute(read_workbook(path), as_of=AS_OF), "territory", "North")
    assert (north.own_quota, north.annual_target, north.reps_target, north.difference) == (
        Decimal("65250.00"), Decimal("65250.00"), Decimal("78300.00"), Decimal("13050.00"))
    assert (north.expected_to_date, north.actual) == (Decimal("32250.00"), Decimal("40000.00"))
    assert (north.attainment, north.pace) == (Fraction(160, 261), Fraction(40000, 32250))


def test_a_managers_quota_below_their_reps_sum(tmp_path: Path) -> None:
    """Ana Lima's own quota 71,775 + 71,775 = 143,550 (550 a day, 70,950 by As Of); her
    subtree's reps (R1, R2, R3, R5) carry 130,500: under-assigned by 13,050. A manager is
    named by Name or Manager ID; Vera (V1) keeps her reps' sum."""
    path = _with_quotas(tmp_path, [None, 2026, 71775, 71775, None, None, "Ana Lima"])
    computation = compute(read_workbook(path), as_of=AS_OF)
    ana = _row(computation, "manager", "Ana Lima")
    assert (ana.own_quota, ana.reps_target, ana.difference, ana.expected_to_date) == (
        Decimal("143550.00"), Decimal("130500.00"), Decimal("-13050.00"),
        Decimal("70950.00"))
    assert ana.attainment == Fraction(59350, 143550)
    vera = _row(computation, "manager", "Vera Park")
    assert (vera.own_quota, vera.annual_target) == (None, Decimal("208800.00"))


def test_a_node_quota_by_month_follows_its_own_months(tmp_path: Path) -> None:
    """A long monthly Goals sheet with one total (Rep ID, Territory, Month, Quota): each
    rep's year as 12 equal months, and South's own quota 5,000 in each month from January
    to June and 15,000 in each later month (120,000). By 30 June six whole months are
    over: 30,000 planned, whatever the days."""
    sheets = copy.deepcopy(company_sheets())
    goals: list[list[Any]] = [["Rep ID", "Territory", "Month", "Quota"]]
    for rep_id, fields in REPS.items():
        goals += [[rep_id, fields[2] or None, dt.date(2026, m, 1), 2175 * fields[5]]
                  for m in range(1, 13)]
    goals += [[None, "South", dt.date(2026, m, 1), 5000 if m <= 6 else 15000]
              for m in range(1, 13)]
    sheets["Goals"] = goals
    path = write_workbook(tmp_path / "monthly.xlsx", sheets)
    south = _row(compute(read_workbook(path), as_of=AS_OF), "territory", "South")
    # R3 and R4: (1 + 3) × 2,175 × 12 = 104,400.
    assert (south.own_quota, south.reps_target, south.difference) == (
        Decimal("120000.00"), Decimal("104400.00"), Decimal("-15600.00"))
    assert south.expected_to_date == Decimal("30000.00")


def test_a_quota_for_nobodys_territory_names_the_near_one(tmp_path: Path) -> None:
    path = _with_quotas(tmp_path, [None, 2026, 1000, 1000, None, "Nrth", None])
    errors, _ = find_problems(path)
    assert format_problems(errors) == (
        "Goals!F8: Territory 'Nrth' is no rep's Territory on the Reps sheet — did you mean "
        "'North'? Write one of theirs (North, South), or the Rep ID of the rep whose target "
        "this is.")


def test_a_row_naming_two_nodes_is_no_ones(tmp_path: Path) -> None:
    path = _with_quotas(tmp_path, [None, 2026, 1000, 1000, None, "North", "V1"])
    errors, _ = find_problems(path)
    assert format_problems(errors) == (
        "Goals row 8: names Territory 'North' and Manager 'V1' but no rep: a quota is one "
        "rep's, or one territory's, region's, segment's or manager's. Keep one of them, or "
        "write the Rep ID of the rep whose target it is.")


def test_a_reps_row_with_a_territory_stays_the_reps(tmp_path: Path) -> None:
    """A Territory cell beside a Rep ID is a label: the goal is R1's, North has none."""
    sheets = copy.deepcopy(company_sheets())
    goals = sheets["Goals"]
    goals[0].append("Territory")
    for row in goals[1:]:
        row.append("North")
    computation = compute(read_workbook(write_workbook(tmp_path / "l.xlsx", sheets)),
                          as_of=AS_OF)
    assert computation.quotas == ()
    assert computation.results[0].plan.annual_target == Decimal("52200.00")


def test_the_sheet_and_the_summary_show_both_targets(tmp_path: Path) -> None:
    path = _with_quotas(tmp_path, [None, 2026, 32625, 32625, None, "North", None])
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), jobs=1))
    ws = openpyxl.load_workbook(path)["Team Summary"]
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, row in enumerate(cells) if row[0] == "By territory")
    header, north = cells[start + 1], cells[start + 3]
    assert header[:6] == ["Territory", "Reps", "Annual Target", "Own Quota", "Reps' Targets",
                          "Over/Under-Assigned"]
    assert north[:6] == ["North", 2, 65250, 65250, 78300, 13050]
    from test_manager_summaries import pdf_text

    text = pdf_text(tmp_path / "reports" / "2026-06" / "team-summary.pdf")
    assert "North 2 $65,250 $78,300 $13,050 over $40,000 $32,250 61.3% 124.0%" in text


def test_check_says_which_own_quotas_it_read(tmp_path: Path) -> None:
    from goalreport.jobs import check_workbook

    path = _with_quotas(tmp_path, [None, 2026, 32625, 32625, None, "North", None],
                        [None, 2026, 71775, 71775, None, None, "R1"])
    notes = check_workbook(path, today=AS_OF)
    assert [str(n) for n in notes if n.severity == "info"] == [
        ("Goals: own quotas for 1 territory and 1 manager (rows without a Rep ID), each "
        "measured against its own quota beside its reps' targets.")]
