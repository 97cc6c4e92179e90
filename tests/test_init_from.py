"""``goalreport init team.xlsx --from quotas.csv``: a workbook started from the quota table
itself: Goals is the table as it came, Reps lists its reps, and what was
taken and guessed is said. Tables: tests/quota_tables/README.md.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner

from goalreport.cli import cli

TABLES = Path(__file__).parent / "quota_tables"


def _init(*args: str):
    return CliRunner().invoke(cli, ["init", *args], catch_exceptions=False)


def test_init_from_a_csv_says_what_it_took_and_guessed(tmp_path):
    target = tmp_path / "team.xlsx"
    result = _init(str(target), "--from", str(TABLES / "revops_quotas.csv"))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        (f"Wrote {target} from revops_quotas.csv: Goals is the table as it came (187 rows), "
        "Reps lists its 25 reps (from the column 'rep_id')."),
        "Guessed: Currency EUR, from the column 'quota_eur'.",
        ("Guessed: Fiscal Year Start 1 (January): the quarters' start dates say the goal year "
        "starts then."),
        ("Guessed: Goal years 2024–2026; a run plans the one holding As Of (Settings' As Of, or "
        "today)."),
        ("Next: give each rep a Name, Email and Team (and a Start Date for new reps) on Reps; in "
        "Settings set Company, Holiday Country and a Default Avg Deal Size (until Activity has "
        f"the history to learn it); log Activity; then run 'goalreport check {target}': it "
        "says how it read the Goals.")]
    workbook = openpyxl.load_workbook(target)
    goals = [[c.value for c in row] for row in workbook["Goals"].iter_rows()]
    assert goals[0] == ["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"]
    assert goals[1] == ["005A0000", "2024-Q2", "2024-04-01", 1, 221000]  # as it came
    reps = [[c.value for c in row[:2]] for row in workbook["Reps"].iter_rows()]
    assert reps[:3] == [["Rep ID", "Name"], ["005A0000", "005A0000"], ["005A0001", "005A0001"]]
    assert len(reps) == 26
    settings = {row[0].value: row[1].value for row in workbook["Settings"].iter_rows(min_row=2)}
    assert (settings["Currency"], settings["Fiscal Year Start"]) == ("EUR", 1)


def test_init_from_a_sheet_of_an_xlsx(tmp_path):
    source = tmp_path / "quotas.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book["Notes"].append(["Quotas for next year, see the other tab"])
    sheet = book.create_sheet("FY26 quotas")
    sheet.append(["Sales Rep", "Quarter", "Year", "Target"])
    for q in (1, 2, 3, 4):
        sheet.append(["Ana", f"Q{q}", 2026, 25000 * q])
    book.save(source)
    target = tmp_path / "team.xlsx"
    result = _init(str(target), "--from", str(source), "--sheet", "FY26 quotas")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        f"Wrote {target} from quotas.xlsx: Goals is the table as it came (4 rows), Reps lists "
        "its 1 rep (from the column 'Sales Rep').")
    # Without --sheet, the first sheet that reads as a quota table is taken.
    other = tmp_path / "other.xlsx"
    assert _init(str(other), "--from", str(source)).exit_code == 0
    assert openpyxl.load_workbook(other)["Goals"]["A1"].value == "Sales Rep"


def test_init_from_a_table_that_names_no_rep_is_one_line(tmp_path):
    # A region target table (codehub-learn/intersalonica-business-intelligence-with-Python,
    # data/sales_targets.csv): its header only.
    source = tmp_path / "regions.csv"
    source.write_text("Year,Month,Region,Channel,TargetRevenue,TargetProfit\n"
                      "2023,1,North,Online,235708.93,30695.78\n", encoding="utf-8")
    result = _init(str(tmp_path / "t.xlsx"), "--from", str(source))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: regions.csv is not a quota table goalreport can read: the column 'Rep ID' is "
        "missing from the header row (found 'Year', 'Month', 'Region', 'Channel', "
        "'TargetRevenue', 'TargetProfit'). Add it to the header row. Accepted names: 'Rep ID' "
        "(or 'ID', 'Salesperson', 'Owner').\n")
    assert not (tmp_path / "t.xlsx").exists()


def test_init_from_two_currencies_asks_which_one(tmp_path):
    result = _init(str(tmp_path / "t.xlsx"), "--from", str(TABLES / "erp_sales_targets.csv"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: erp_sales_targets.csv is not a quota table goalreport can read: the columns "
        "'target_amount_vnd' and 'target_amount_usd' could each be the target to plan. Keep "
        "one of them (delete or rename the others), so no number is read as something it is "
        "not.\n")


def test_sheet_without_from_is_a_usage_error(tmp_path):
    result = _init(str(tmp_path / "t.xlsx"), "--sheet", "Quotas")
    assert result.exit_code == 2
    assert "--sheet goes with --from" in result.stderr


def test_the_template_instructions_describe_the_goals_shapes(tmp_path):
    target = tmp_path / "blank.xlsx"
    assert _init(str(target)).exit_code == 0
    lines = [row[0].value for row in openpyxl.load_workbook(target)["Instructions"].iter_rows()
             if row[0].value]
    shapes = next(line for line in lines if line.startswith("Goals in the shape you keep them"))
    assert "Effective From" in shapes and "--from quotas.csv" in shapes
    columns = [row[0].value.strip() for row in openpyxl.load_workbook(target)["Instructions"]
               .iter_rows() if row[0].value and row[0].value.startswith("  ")]
    assert {"Ramp Schedule", "Relief", "Default Relief"} <= set(columns)
