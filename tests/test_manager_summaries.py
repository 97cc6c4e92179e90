"""Each manager's own summary PDF: exactly the reps of their subtree, read back
from the PDF's text; the company's team summary keeps everyone and gains the roll-ups.

The company: ``company_tree.py`` (Vera Park over Ana Lima over Ben Ode; Omar Haddad under
Vera; Femi Adeyemi under no one).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from company_tree import AS_OF, REPS, company_workbook
from pypdf import PdfReader

from goalreport.jobs import JobOptions, run_job

NAMES = {rep_id: fields[0] for rep_id, fields in REPS.items()}
#: Whose reps each summary holds.
SUBTREES = {
    "team-summary-V1-Vera-Park.pdf": {"R1", "R2", "R3", "R4", "R5"},
    "team-summary-R1-Ana-Lima.pdf": {"R1", "R2", "R3", "R5"},
    "team-summary-R2-Ben-Ode.pdf": {"R2", "R5"},
    "team-summary-M2-Omar-Haddad.pdf": {"R4"},
}


def pdf_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or ""
                                        for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = company_workbook(tmp_path_factory.mktemp("tree") / "tree.xlsx")
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), jobs=2))
    return path.parent / "reports" / "2026-06"


def test_every_manager_gets_a_summary_file(folder: Path) -> None:
    assert sorted(p.name for p in folder.glob("team-summary*.pdf")) == sorted(
        [*SUBTREES, "team-summary.pdf"])


@pytest.mark.parametrize(("name", "reps"), SUBTREES.items())
def test_a_managers_summary_holds_exactly_their_subtree(folder: Path, name: str,
                                                        reps: set[str]) -> None:
    text = pdf_text(folder / name)
    shown = {rep_id for rep_id, rep in NAMES.items() if rep in text}
    assert shown == reps
    count = len(reps)
    assert f"· {count} rep{'s' if count != 1 else ''}" in text


def test_bens_summary_reads_his_numbers(folder: Path) -> None:
    """Ben (R2, 26,100, won 10,000) and Eva (R5, 26,100, won 6,450): 52,200 of target,
    16,450 won (31.5 %), 25,800 planned to date (pace 63.8 %)."""
    text = pdf_text(folder / "team-summary-R2-Ben-Ode.pdf")
    assert "Ben Ode's team" in text
    assert "$16,450 of $52,200 target" in text
    assert "31.5%" in text and "63.8%" in text
    assert "Vera Park" not in text and "Ana Lima" not in text


def test_the_company_summary_has_every_rep_and_the_roll_ups(folder: Path) -> None:
    text = pdf_text(folder / "team-summary.pdf")
    assert all(name in text for name in NAMES.values())
    for heading in ("ATTAINMENT BY REGION", "TEAMS", "REGIONS", "TERRITORIES", "MANAGERS"):
        assert heading in text
    # Vera's subtree row: 5 reps, $208,800, $79,350 won, $103,200 planned, 38.0 %, 76.9 %.
    assert "Vera Park V1 · Europe and Americas 5 $208,800 $79,350 $103,200 38.0% 76.9%" \
        in text
    assert "(no manager) 1 $52,200 $0 $25,800 0.0% 0.0%" in text
    assert "(no territory) 2 $78,300 $6,450 $38,700 8.2% 16.7%" in text


def test_rep_runs_render_no_manager_summaries(tmp_path: Path) -> None:
    """--rep renders a few reps: a manager's summary of those would leave reps out."""
    path = company_workbook(tmp_path / "tree.xlsx")
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 7, 1, 9), jobs=1,
                             rep_ids=("R2",)))
    assert sorted(p.name for p in (tmp_path / "reports" / "2026-06").glob("*.pdf")) == [
        "R2-Ben-Ode.pdf", "team-summary.pdf"]
