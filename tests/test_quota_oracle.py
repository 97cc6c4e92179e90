"""Real quota tables, pasted as they come, through the command line: every month and
quarter goalreport writes on the Plan sheet must be the table's own number to the cent
(each month and quarter equals the manager's own number to the cent). The tables and their sources: tests/quota_tables/README.md.

The only edits are the ones a manager makes to any new workbook: Settings (As Of, a
Default Avg Deal Size while there is no history), and on Reps the Start Date of a rep
hired in the year and Active = no for a rep who left (their quarters stop).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from quota_books import book

from goalreport.cli import cli

TABLES = Path(__file__).parent / "quota_tables"


def _rows(name: str) -> list[list[str]]:
    with (TABLES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _typed(cell: str) -> object:
    try:
        return float(cell) if "." in cell else int(cell)
    except ValueError:
        return cell


def _plan(path: Path, as_of: str) -> dict[str, list[Decimal]]:
    """Rep ID → its twelve Total Target cells as written on the Plan sheet."""
    result = CliRunner().invoke(cli, ["plan", str(path), "--as-of", as_of],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(path)["Plan"]
    header = [cell.value for cell in sheet[1]]
    rep, total = header.index("Rep ID"), header.index("Total Target")
    found: dict[str, list[Decimal]] = defaultdict(list)
    for row in sheet.iter_rows(min_row=2, values_only=True):
        found[str(row[rep])].append(Decimal(str(row[total])).quantize(Decimal("0.01")))
    return dict(found)


def _quarters(months: list[Decimal]) -> list[Decimal]:
    return [sum(months[q * 3:q * 3 + 3], Decimal(0)) for q in range(4)]


def test_revops_quarterly_quotas_in_eur(tmp_path):
    # rep_id, fiscal_quarter, quota_start_date, ramp_pct, quota_eur: 25 reps, 2024-Q2 …
    # 2026-Q4, new hires ramping. Goal year 2026.
    header, *rows = _rows("revops_quotas.csv")
    quarters: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for rep, quarter, _start, _ramp, amount in rows:
        quarters[rep][quarter] = Decimal(amount)
    in_2026 = {rep: [q for q in given if q.startswith("2026")] for rep, given in quarters.items()}
    left = sorted(rep for rep, given in in_2026.items() if given in ([], ["2026-Q1"]))
    hired = {rep: min(r[2] for r in rows if r[0] == rep and r[1].startswith("2026"))
             for rep, given in in_2026.items() if rep not in left and len(given) < 4}
    assert left == ["005A0001", "005A0013", "005A0019", "005A0021"]
    assert hired == {"005A0022": "2026-04-01"}
    reps = [["Rep ID", "Name", "Start Date", "Active"],
            *[[rep, f"Rep {rep}", dt.date.fromisoformat(hired[rep]) if rep in hired else None,
               "no" if rep in left else "yes"] for rep in quarters]]
    path = book(tmp_path / "revops.xlsx", [header, *[[_typed(c) for c in r] for r in rows]],
                reps=reps, settings={"Currency": "EUR", "Default Avg Deal Size": 10000})
    plan = _plan(path, "2026-05-15")
    assert sorted(plan) == sorted(rep for rep in quarters if rep not in left)
    for rep, months in plan.items():
        source = [quarters[rep].get(f"2026-Q{q}", Decimal(0)) for q in (1, 2, 3, 4)]
        assert _quarters(months) == [s.quantize(Decimal("0.01")) for s in source], rep


def test_bi_tutorial_monthly_targets_without_a_year(tmp_path):
    # salesperson, month, month_name, target: eight reps × twelve months, no year.
    header, *rows = _rows("bi_sales_targets.csv")
    path = book(tmp_path / "bi.xlsx", [header, *[[_typed(c) for c in r] for r in rows]],
                settings={"Default Avg Deal Size": 10000})
    plan = _plan(path, "2026-05-15")
    for rep in {r[0] for r in rows}:
        assert plan[rep] == [Decimal(r[3]).quantize(Decimal("0.01")) for r in rows
                             if r[0] == rep], rep


def test_adventureworks_calendar_quarters(tmp_path):
    # AdventureWorksDW FactSalesQuota, 2012: 17 employees, three first given in Q4 2012.
    header, *rows = _rows("adventureworks_factsalesquota_2012.csv")
    first = {r[1]: int(r[4]) for r in reversed(rows)}
    reps = [["Rep ID", "Name", "Start Date"],
            *[[rep, f"Employee {rep}", dt.date(2012, 3 * q - 2, 1) if q > 1 else None]
              for rep, q in sorted(first.items())]]
    path = book(tmp_path / "aw.xlsx", [header, *[[_typed(c) for c in r] for r in rows]],
                reps=reps, settings={"Default Avg Deal Size": 10000})
    plan = _plan(path, "2012-08-15")
    for rep in first:
        source = {int(r[4]): Decimal(r[5]) for r in rows if r[1] == rep}
        assert _quarters(plan[rep]) == [source.get(q, Decimal(0)).quantize(Decimal("0.01"))
                                        for q in (1, 2, 3, 4)], rep


def test_erp_monthly_targets_in_the_workbooks_currency(tmp_path):
    # year_month, target_amount_vnd and target_amount_usd: a USD workbook reads the USD
    # column (the other is named in a warning); September's target is the larger one.
    header, *rows = _rows("erp_sales_targets.csv")
    path = book(tmp_path / "erp.xlsx", [header, *[[_typed(c) for c in r] for r in rows]],
                reps=[["Rep ID", "Name"], ["전체팀", "The whole team"]],
                settings={"Default Avg Deal Size": 10000})
    plan = _plan(path, "2025-10-31")
    by_month = {r[1]: Decimal(r[5]).quantize(Decimal("0.01")) for r in rows}
    assert plan["전체팀"] == [by_month[f"2025-{m:02d}"] for m in range(1, 13)]


@pytest.mark.parametrize("table", ["revops_quotas.csv", "bi_sales_targets.csv"])
def test_init_from_the_table_and_pasting_it_plan_the_same(tmp_path, table):
    """``init --from`` and a paste into Goals read the table by the same rules."""
    seeded = tmp_path / "seeded.xlsx"
    result = CliRunner().invoke(cli, ["init", str(seeded), "--from", str(TABLES / table)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    header, *rows = _rows(table)
    workbook = openpyxl.load_workbook(seeded)
    settings = workbook["Settings"]
    currency = next(r[1].value for r in settings.iter_rows() if r[0].value == "Currency")
    # A manager's edits: the deal size, and (RevOps) the reps who left or joined in 2026.
    settings.append(["Default Avg Deal Size", 10000])
    paste_reps = [["Rep ID", "Name"]]
    for row in workbook["Reps"].iter_rows(min_row=2):
        paste_reps.append([row[0].value, row[1].value])
        if row[0].value in ("005A0001", "005A0013", "005A0019", "005A0021"):
            row[7].value = "no"
        if row[0].value == "005A0022":
            row[5].value = dt.datetime(2026, 4, 1)
    workbook.save(seeded)
    pasted = book(tmp_path / "pasted.xlsx", [header, *[[_typed(c) for c in r] for r in rows]],
                  reps=[["Rep ID", "Name", "Start Date", "Active"],
                        *[[rep, name, dt.date(2026, 4, 1) if rep == "005A0022" else None,
                           "no" if rep in ("005A0001", "005A0013", "005A0019", "005A0021")
                           else "yes"] for rep, name in paste_reps[1:]]],
                  settings={"Currency": currency, "Default Avg Deal Size": 10000})
    assert _plan(seeded, "2026-05-15") == _plan(pasted, "2026-05-15")
