"""Problem lists stay short however big the workbook: every kind of
problem is summed up after the first few, on the terminal, in --json and in the batch
manifest, and the terminal lists them sorted by sheet, row and column."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from british_team import activity_row, british_sheets

pytestmark = pytest.mark.slow  # every test here is slow (see pyproject)

REPS = 100_000


def goalreport(*args: object) -> subprocess.CompletedProcess[str]:
    """The CLI, with the rep limit off: 100,000 reps are the point here, and the limit
    (GOALREPORT_MAX_REPS, tests/test_bounds.py) would refuse them first."""
    return subprocess.run([sys.executable, "-m", "goalreport", *map(str, args)],
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "GOALREPORT_MAX_REPS": "off"})


@pytest.fixture(scope="module")
def no_goals(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 active reps, one goal: 99,999 reps with no goal."""
    path = tmp_path_factory.mktemp("big") / "big.xlsx"
    book = openpyxl.Workbook(write_only=True)
    reps = book.create_sheet("Reps")
    reps.append(["Rep ID", "Name"])
    for number in range(1, REPS + 1):
        reps.append([f"R{number}", f"Rep {number}"])
    goals = book.create_sheet("Goals")
    goals.append(["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                  "Avg Deal Size"])
    goals.append(["R1", 2026, 1000, 1000, 100])
    activity = book.create_sheet("Activity")
    activity.append(["Date", "Rep ID", "Type"])
    activity.append([dt.date(2026, 2, 3), "R1", "lead"])
    settings = book.create_sheet("Settings")
    settings.append(["As Of", dt.date(2026, 6, 30)])
    book.save(path)
    return path


def test_check_of_100000_reps_with_no_goal_prints_a_few_lines(no_goals: Path) -> None:
    result = goalreport("check", no_goals)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    no_goal = ("Error: Reps row {row}: active rep 'R{rep}' (Rep {rep}) has no goal for 2026 "
               "(2026-01-01 to 2026-12-31): add a Goals row with Rep ID 'R{rep}' and Year "
               "2026, or set Active to 'no'.")
    assert lines == [
        *(no_goal.format(row=row, rep=row - 1) for row in range(3, 8)),
        ("Error: Reps rows 8-100001: 99,994 more rows with the same kind of problem as Reps "
         "row 3 above."),
        "99,999 input problems. Fix them and run check again.",
    ]


def test_batch_manifest_and_json_stay_small(no_goals: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "big.xlsx").write_bytes(no_goals.read_bytes())
    batch = goalreport("batch", inbox, "--settle", 0, "--json")
    assert batch.returncode == 1, batch.stderr
    manifest = inbox / "reports" / "last-run.json"
    assert manifest.stat().st_size < 10_000
    item = json.loads(manifest.read_text())["workbooks"][0]
    assert item["problems"][-1] == ("Reps rows 8-100001: 99,994 more rows with the same kind "
                                    "of problem as Reps row 3 above.")
    assert len(item["problems"]) == 6
    assert json.loads(batch.stdout) == json.loads(manifest.read_text())


def test_check_output_is_sorted_by_sheet_row_and_column(make_workbook) -> None:
    """The one sorted path is what the user sees (not only what tests call)."""
    sheets = british_sheets()
    activity_row(sheets, 9)[2] = "coffee"
    activity_row(sheets, 4)[0] = "soon"
    sheets["Goals"][2][3] = "many"
    sheets["Time Off"] = [["Rep ID", "From", "To"], ["R99", dt.date(2026, 5, 4),
                                                    dt.date(2026, 5, 5)]]
    sheets["Reps"][3][1] = None
    result = goalreport("check", make_workbook(sheets))
    assert [line.split(":")[1] for line in result.stderr.splitlines()[:-1]] == [
        " Reps!B4", " Goals!D3", " Activity!A4", " Activity!C9", " Time Off!A2"]


def test_quiet_check_prints_errors_only(make_workbook) -> None:
    sheets = british_sheets()
    sheets["Settings"].append(["Favourite Colour", "blue"])  # a warning
    clean = goalreport("check", "-q", make_workbook(sheets))
    assert (clean.returncode, clean.stderr) == (0, "")
    loud = goalreport("check", make_workbook(sheets, "loud.xlsx"))
    assert loud.stderr.startswith("Warning: Settings!A8: 'Favourite Colour' is not a setting")
    sheets["Goals"][2][3] = "many"
    broken = goalreport("check", "--quiet", make_workbook(sheets, "broken.xlsx"))
    assert broken.returncode == 1
    assert broken.stderr == (
        "Error: Goals!D3: 'many' is not an amount of money. Write a number such as 1000 or "
        "$1,000.50.\n1 input problem. Fix it and run check again.\n")
