"""Roll-ups with open deals: each territory, region and manager gains
its reps' landing and coverage, summed as a team's, in the Team Summary sheet and the
team summary's tables; a manager's PDF shows their subtree's.

``company_tree.py``'s company with three open deals closing by the year end:

    R1 Ana   26,100 Commit     target 52,200, won 30,000: to win 22,200
    R3 Chloé  6,600 Best Case  target 26,100, won 12,900: to win 13,200
    R4 Dev   40,000 Pipeline   target 78,300, won 20,000: to win 58,300

Landing is won + Commit (Settings' default), so only Ana's deal lands. North (R1, R2:
to win 22,200 + 16,100): landing 56,100 + 10,000 = 66,100, coverage 26,100 ÷ 38,300 =
0.68×. South (R3, R4): landing 12,900 + 20,000 = 32,900, coverage 46,600 ÷ 71,500 =
0.65×. Ana's subtree (R1, R2, R3, R5: to win 22,200 + 16,100 + 13,200 + 19,650 =
71,150): landing 56,100 + 10,000 + 12,900 + 6,450 = 85,450, coverage 32,700 ÷ 71,150.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest
from company_tree import AS_OF, company_sheets
from conftest import write_workbook
from pypdf import PdfReader

from goalreport.core.engine import compute
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook

HEADER = ["Rep ID", "Opportunity Name", "Stage", "Amount", "Close Date",
          "Probability (%)", "Forecast Category"]
DEALS = [["R1", "Globex", "Negotiation", 26100, dt.date(2026, 10, 15), 60, "Commit"],
         ["R3", "Initech", "Proposal", 6600, dt.date(2026, 11, 20), 40, "Best Case"],
         ["R4", "Umbrella", "Discovery", 40000, dt.date(2026, 12, 1), 10, "Pipeline"]]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sheets = company_sheets()
    sheets["Pipeline"] = [HEADER, *DEALS]
    return write_workbook(tmp_path_factory.mktemp("pipe") / "tree.xlsx", sheets)


def _sections(book: Path):
    computation = compute(read_workbook(book), as_of=AS_OF)
    return {s.dimension: {row.name: row for row in s.rows} for s in computation.sections}


def test_each_node_sums_its_reps_pipeline(book: Path) -> None:
    by = _sections(book)
    north, south = by["territory"]["North"].pipeline, by["territory"]["South"].pipeline
    ana = by["manager"]["Ana Lima"].pipeline
    assert north is not None and south is not None and ana is not None
    assert (north.year.landing, north.to_win, north.year.open) == (
        Decimal("66100.00"), Decimal("38300.00"), Decimal("26100.00"))
    assert north.coverage == Fraction(26100, 38300)
    assert (south.year.landing, south.coverage) == (Decimal("32900.00"),
                                                    Fraction(46600, 71500))
    assert (ana.year.landing, ana.to_win) == (Decimal("85450.00"), Decimal("71150.00"))
    assert ana.coverage == Fraction(32700, 71150)


def test_team_summary_sheet_gains_landing_and_coverage_per_node(book: Path) -> None:
    run_job(book, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), write_plan=False,
                             render=False))
    cells = [[c.value for c in row] for row in openpyxl.load_workbook(book)[
        "Team Summary"].iter_rows()]
    start = next(i for i, row in enumerate(cells) if row[0] == "By territory")
    header = cells[start + 1]
    landing, coverage = header.index("Landing"), header.index("Coverage")
    rows = {row[0]: row for row in cells[start + 2:start + 5]}
    assert rows["North"][landing] == 66100
    assert rows["North"][coverage] == pytest.approx(26100 / 38300)
    assert rows["South"][landing] == 32900


def test_the_pdfs_show_landing_and_coverage_per_node(book: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    run_job(book, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), write_plan=False,
                             out_dir=out, jobs=1))
    out = out / "2026-06"
    company = " ".join(page.extract_text() for page in
                       PdfReader(out / "team-summary.pdf").pages)
    assert "Landing" in company and "Coverage" in company
    assert "$66,100" in company and "0.7×" in company  # North: 26,100 ÷ 38,300
    ana = " ".join(page.extract_text() for page in
                   PdfReader(next(out.glob("team-summary-R1-*.pdf"))).pages)
    assert "$85,450" in ana and "0.5×" in ana  # 32,700 ÷ 71,150
    assert "Umbrella" not in ana and "Dev Patel" not in ana  # R4 is Omar's
