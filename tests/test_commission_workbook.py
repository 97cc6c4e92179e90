"""Commission from a workbook to its sheets and reports: the Commission sheet, a rep's
Plan on Reps and on Goals, the Progress columns read back cell by cell, the rep's and
the manager's PDFs, and ``check``.

The workbook, worked by hand: R1, R2 and R3 each have 100,000 new + 100,000 repeat =
200,000 for 2026. As Of Tuesday 20 October 2026: 209 Mon–Fri working days gone, 52 left,
so the run-rate forecast is actual × 261 ÷ 209. R1 (Reps Plan "AE") won 150,000; R2
names no plan; R3 (Goals Commission Plan " flat", as typed) won 90,000. R1 has one open
Commit deal of 20,000 closing in November: its landing (won + commit) is 170,000.

Plan AE is the tier table commission was asked for (0–70 % 2 %, 70–100 % 4 % + 5,000,
100–120 % 5 % + 10,000, above 8 % + 20,000), marginal; Flat is retroactive, 1 % below a
floor of 50 % (a decelerator), 6 % from it, capped at 3,000.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from quota_books import book
from test_pipeline_workbook import pdf, rows, run

from goalreport.core.engine import compute
from goalreport.workbook.reader import read_workbook

D = dt.date
COMMISSION = [
    ["Plan", "Tier", "From", "To", "Rate", "Bonus", "Basis", "Cap"],
    ["AE", "Base", "0%", "70%", "2%", None, "marginal", None],
    [None, "Mid", "70%", "100%", "4%", 5000, None, None],
    [None, "Gold", "100%", "120%", "5%", 10000, None, None],
    [None, "Top", "120%", None, "8%", 20000, None, None],
    ["Flat", None, 0, 0.5, "1%", None, "retroactive", 3000],
    [None, None, 0.5, None, "6%", None, None, None],
]


def sheets(commission: list[list[Any]] | None = COMMISSION) -> dict[str, list[list[Any]]]:
    found = {
        "Reps": [["Rep ID", "Name", "Email", "Team", "Plan"], ["R1", "Ana Lima", "", "East", "AE"],
                 ["R2", "Ben Ode", "", "East", None], ["R3", "Cai Wu", "", "East", None]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size", "Commission Plan"],
                  ["R1", 2026, 100000, 100000, 10000, None],
                  ["R2", 2026, 100000, 100000, 10000, None],
                  ["R3", 2026, 100000, 100000, 10000, " flat"]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     [D(2026, 3, 2), "R1", "won", "Zeta", "repeat", 150000],
                     [D(2026, 6, 1), "R3", "won", "Yak", "new", 90000]],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", D(2026, 10, 20)]],
        "Pipeline": [["Rep ID", "Opportunity Name", "Stage", "Amount", "Close Date",
                      "Probability (%)", "Forecast Category"],
                     ["R1", "A", "Negotiation", 20000, D(2026, 11, 16), 60, "Commit"]],
    }
    if commission is not None:
        found["Commission"] = commission
    return found


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    return run(tmp_path_factory.mktemp("commission"), sheets())


COLUMNS = ("Commission Plan", "Commission Earned", "Commission Rate", "To Next Tier",
           "Next Tier Rate", "Next Tier Bonus", "Commission at Forecast",
           "Commission at Landing")


@pytest.mark.slow
def test_progress_gains_the_commission_columns_at_its_end(ran):
    path, _reports, _check = ran
    header, r1, r2, r3 = rows(path, "Progress")
    assert header[-8:] == COLUMNS
    forecast = dict(zip(header, r1, strict=True))["Forecast"]
    # 150,000 × 261 ÷ 209 = 187,320.574… → 187,320.57.
    assert forecast == 187320.57
    # R1, marginal, 75 %: 140,000 × 2 % = 2,800 + 10,000 × 4 % = 400, + the 5,000 bonus
    # at 70 % = 8,200. Next tier 100 % = 200,000: 50,000 to win, 5 % and 10,000; there
    # it has earned 2,800 + 60,000 × 4 % + 15,000 = 20,200 (not shown: the PDF says it).
    # Forecast 187,320.57: 2,800 + 47,320.57 × 4 % (1,892.8228) + 5,000 = 9,692.82.
    # Landing 170,000: 2,800 + 30,000 × 4 % + 5,000 = 9,000.
    assert r1[-8:] == ("AE", 8200, 0.04, 50000, 0.05, 10000, 9692.82, 9000)
    # R2 names no plan: every commission cell empty.
    assert r2[-8:] == (None,) * 8
    # R3, retroactive, 45 %: 1 % × 90,000 = 900. Next tier from 50 % = 100,000: 10,000
    # to win, 6 % on all revenue, no bonus. Forecast 90,000 × 261 ÷ 209 = 112,392.34:
    # 6 % of it is 6,743.54, capped at 3,000. Landing = won, 90,000: 900.
    assert r3[-8:] == ("Flat", 900, 0.01, 10000, 0.06, 0, 3000, 900)


@pytest.mark.slow
def test_commission_cells_are_money_and_fine_percents(ran):
    path, _reports, _check = ran
    sheet = openpyxl.load_workbook(path)["Progress"]
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, header.index("Commission Rate") + 1).number_format == "0.0##%"
    assert sheet.cell(2, header.index("Commission Earned") + 1).number_format == \
        '"$"#,##0.00'


@pytest.mark.slow
def test_the_reps_report_says_what_the_rep_earns_and_the_next_tier(ran):
    _path, reports, _check = ran
    text = pdf(next(reports.glob("R1-*.pdf")))
    assert ("COMMISSION (ESTIMATE) $8,200.00 earned to date; your current rate is 4% (Mid). "
            "$50,000.00 more to reach the 5% tier (Gold) and a $10,000.00 bonus: $20,200.00 "
            "then. At the run-rate forecast ($187,321): $9,692.82; at the landing "
            "($170,000): $9,000.00.") in text
    assert "An estimate from the workbook, not payroll" in text
    assert "Plan AE (marginal: each tier's rate on the revenue inside it)" in text
    capped = pdf(next(reports.glob("R3-*.pdf")))
    assert ("$900.00 earned to date; your current rate is 1%. $10,000.00 more to reach the "
            "6% tier (on all your revenue): $3,000.00 then. At the run-rate forecast "
            "($112,392): $3,000.00; at the landing ($90,000): $900.00.") in capped


@pytest.mark.slow
def test_a_rep_without_a_plan_sees_no_commission(ran):
    _path, reports, _check = ran
    text = pdf(next(reports.glob("R2-*.pdf")))
    assert "ommission" not in text


@pytest.mark.slow
def test_the_team_summary_totals_the_estimate(ran):
    _path, reports, _check = ran
    text = pdf(reports / "team-summary.pdf")
    # Earned 8,200 + 900; forecast 9,692.82 + 3,000; landing 9,000 + 900.
    assert ("Commission (2 reps on a plan): $9,100.00 earned to date, $12,692.82 at the "
            "run-rate forecast, $9,900.00 at the landing. An estimate from the workbook, "
            "not payroll.") in text


@pytest.mark.slow
def test_check_lists_the_plans(ran):
    _path, _reports, check = ran
    assert check.exit_code == 0, check.output
    assert ("Commission: 2 plans: 'AE' (marginal, 4 bands from 0% to 120% and above) for 1 rep; "
            "'Flat' (retroactive, 2 bands from 0% to 50% and above, a cap of 3,000.00) for 1 rep; "
            "1 rep without a plan (no commission shown). Commission is an estimate from the "
            "workbook, not payroll.") in check.stderr.splitlines()


@pytest.mark.slow
def test_the_reps_page_looks_right(ran, tmp_path):
    """The commission box renders on the report's second page (looked at as a PNG)."""
    _path, reports, _check = ran
    report = next(reports.glob("R1-*.pdf"))
    assert len(PdfReader(report).pages) == 2
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "2", "-l", "2", str(report),
                    str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


@pytest.mark.slow
def test_without_a_commission_sheet_progress_is_as_before(tmp_path):
    path, _reports, check = run(tmp_path, sheets(commission=None))
    header = rows(path, "Progress")[0]
    assert not any("Commission" in str(title) for title in header)
    # The Reps Plan cell names a plan no sheet defines: a warning, not a problem.
    assert ("Warning: Reps!E2: names the commission plan 'AE', but the workbook has no "
            "Commission sheet, so no commission is shown. Add a Commission sheet (Plan, "
            "From, To, Rate, Bonus, Basis, Cap), or leave the plan out.") in \
        check.stderr.splitlines()


# A split deal (the credit rules: tests/test_credit_workbook.py). D1, 120,000, won by
# R1 on 10 March: revenue 60 % R1, 40 % R2; overlay 20 % R3 (a sales engineer). D2,
# 50,000, won by R2 on 1 April, whole. Plan AE: marginal, 5 % to 100 % of target, 10 %
# above and a 1,000 bonus at 100 %; plan SE: 2 % of all revenue.
SPLIT_COMMISSION = [["Plan", "From", "Rate", "Bonus", "Basis"],
                    ["AE", "0%", "5%", None, "marginal"], ["AE", "100%", "10%", 1000, None],
                    ["SE", "0%", "2%", None, None]]
SPLIT_ACTIVITY = [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Deal ID",
                   "Paid Date", "Paid Amount"],
                  [D(2026, 3, 10), "R1", "won", "Acme", "new", 120000, "D1", D(2026, 5, 5),
                   60000],
                  [D(2026, 4, 1), "R2", "won", "Beta", "new", 50000, "D2", D(2026, 4, 20),
                   None]]
SPLITS = [["Deal ID", "Rep ID", "Split %", "Split Type"], ["D1", "R1", "60%", "Revenue"],
          ["D1", "R2", "40%", "Revenue"], ["D1", "R3", "20%", "Overlay"]]


def _split_figures(tmp_path: Path, credit_on: str) -> dict[str, Any]:
    path = book(tmp_path / f"{credit_on}.xlsx",
                [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                  "Avg Deal Size", "Commission Plan"],
                 ["R1", 2026, 100000, 0, 10000, "AE"], ["R2", 2026, 100000, 0, 10000, "AE"],
                 ["R3", 2026, 50000, 0, 10000, "SE"]],
                reps=[["Rep ID", "Name", "Team"], ["R1", "Ana Lima", "East"],
                      ["R2", "Ben Ode", "East"], ["R3", "Cy Moss", "West"]],
                settings={"As Of": D(2026, 6, 30), "Credit On": credit_on},
                extra={"Activity": SPLIT_ACTIVITY, "Splits": SPLITS,
                       "Commission": SPLIT_COMMISSION})
    found = compute(read_workbook(path), as_of=D(2026, 6, 30))
    return {r.rep.rep_id: r.commission for r in found.results}


def test_a_split_deal_pays_each_rep_on_their_credited_share(tmp_path):
    """Booked: R1 is credited 60 % of D1, 72,000 (72 %): 5 % = 3,600.00 — not the
    6,000 + 2,000 + 1,000 the whole deal would pay. R2: 48,000 + 50,000 = 98,000 → 4,900.00,
    2,000 short of the 10 % tier and its 1,000 bonus. R3's overlay share, 24,000 at 2 %:
    480.00."""
    figures = _split_figures(tmp_path, "booked")
    assert figures["R1"].earned == Decimal("3600.00")
    assert figures["R2"].earned == Decimal("4900.00")
    tier = figures["R2"].next_tier
    assert (tier.to_win, tier.band.rate, tier.band.bonus) == (
        Decimal("2000.00"), Fraction(1, 10), Decimal(1000))
    assert figures["R3"].earned == Decimal("480.00")


def test_credit_on_paid_pays_on_what_was_paid(tmp_path):
    """Credit On paid: half of D1 (60,000 of 120,000) was paid on 5 May, so R1 is
    credited 36,000 → 1,800.00; R2 24,000 + D2's 50,000 (paid in full) = 74,000 →
    3,700.00; R3 12,000 → 240.00."""
    figures = _split_figures(tmp_path, "paid")
    assert {rep: c.earned for rep, c in figures.items()} == {
        "R1": Decimal("1800.00"), "R2": Decimal("3700.00"), "R3": Decimal("240.00")}
