"""`check` names every cell with a problem, so that no second run is needed: a condensed
line names its cells as ranges (up to 100 per line), and when there are more (thousands of
scattered cells) every one is written, range by range, to ``<stem>-problems.csv`` beside
the workbook. The long lists ended in "… and 8 more cells" before."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from click.testing import CliRunner
from conftest import minimal_sheets, write_workbook

from goalreport.cli import cli
from goalreport.errors import Problem
from goalreport.workbook.problemlist import problems_csv


def _bad_dates(tmp_path: Path, count: int) -> Path:
    """``count`` Activity rows whose Date is not a date, every other row (rows 3, 5, 7 …),
    so that each is a range of its own; a good row between them."""
    sheets = minimal_sheets()
    rows = sheets["Activity"][:1]
    for number in range(count):
        rows.append([dt.date(2026, 2, 3), "R1", "lead", "Acme", None, None, None])
        rows.append([f"soon {number}", "R1", "lead", "Acme", None, None, None])
    sheets["Activity"] = rows
    return write_workbook(tmp_path / "team.xlsx", sheets)


def test_twenty_scattered_cells_are_all_named_on_the_line(tmp_path: Path) -> None:
    book = _bad_dates(tmp_path, 20)
    result = CliRunner().invoke(cli, ["check", str(book)], catch_exceptions=False)
    assert result.exit_code == 1
    rest = [line for line in result.output.splitlines() if "more cells" in line]
    # Rows 3, 5, … 41 are bad; the first 5 are shown in full (rows 3–11), the other 15
    # (rows 13, 15, … 41) named on one line.
    assert rest == ["Error: Activity!" + ", ".join(f"A{row}" for row in range(13, 42, 2))
                    + ": 15 more cells with the same kind of problem as Activity!A3 above."]
    assert not (tmp_path / "team-problems.csv").exists()


def test_thousands_of_scattered_cells_are_all_in_a_csv_beside_the_workbook(
        tmp_path: Path) -> None:
    book = _bad_dates(tmp_path, 2000)
    book.chmod(0o640)
    result = CliRunner().invoke(cli, ["check", str(book)], catch_exceptions=False)
    assert result.exit_code == 1
    listed = tmp_path / "team-problems.csv"
    assert result.output.splitlines()[0] == (
        f"{listed}: lists every cell with a problem, range by range (the lines below name "
        "the first ranges of each kind only).")
    rows = list(csv.reader(io.StringIO(listed.read_text(encoding="utf-8"))))
    assert rows[0] == ["Where", "Severity", "Problem"]
    places = [row[0] for row in rows[1:]]
    # 2,000 bad cells, rows 3, 5, … 4001: the 5 shown in full, then 1,995 one range each.
    assert places == [f"Activity!A{row}" for row in range(3, 4002, 2)]
    first = rows[1][2]
    assert rows[-1][2] == f"the same kind of problem as Activity!A3: {first}"
    assert listed.stat().st_mode & 0o777 == 0o640  # as readable as the workbook, no more


def test_the_csv_never_holds_a_formula() -> None:
    """A cell's text is quoted in the messages; a place or message that a spreadsheet
    would take for a formula is prefixed with an apostrophe."""
    problems = [Problem("=HYPERLINK(\"http://x\")!A1", "-2+3 is not a date", "error"),
                Problem("Activity!A4:A9", "6 more cells with the same kind of problem as "
                        "=HYPERLINK(\"http://x\")!A1 above.",
                        places=tuple(f"Activity!A{n}" for n in range(200)), count=200)]
    text = problems_csv(problems)
    assert text is not None
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["'=HYPERLINK(\"http://x\")!A1", "error", "'-2+3 is not a date"]
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
