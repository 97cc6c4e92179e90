"""`goalreport init`: the template workbook (SPEC §6)."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from goalreport.errors import InputProblems, WriteRefused
from goalreport.workbook.reader import read_workbook
from goalreport.workbook.schema import SETTING_SPECS
from goalreport.workbook.template import write_template


def test_blank_template_asks_for_reps_and_goals(tmp_path):
    path = tmp_path / "team.xlsx"
    write_template(path)
    with pytest.raises(InputProblems) as raised:
        read_workbook(path)
    assert [str(p) for p in raised.value.problems] == [
        ("Reps sheet: has no reps yet. Add one row per rep below the header, with at least a "
        "Rep ID and a Name."),
        ("Goals sheet: has no goals yet. Add one row per rep and year below the header: Rep "
        "ID, Year, New Client Target, Repeat Client Target."),
    ]


def test_example_template_reads_back_cleanly(tmp_path):
    path = tmp_path / "example.xlsx"
    write_template(path, example=True)
    data = read_workbook(path)
    assert [(r.rep_id, r.start_date, r.ramp_months) for r in data.reps] == [
        ("R1", date(2025, 1, 6), 0), ("R2", date(2026, 3, 2), 2)]
    assert data.warnings == ()
    assert data.settings.company == "Example Co"
    assert len(data.activity) == 6
    assert data.time_off[0].end == date(2026, 8, 14)
    # The Pipeline and Stages sheets are there, empty: no pipeline figures anywhere.
    assert (data.open_deals, data.stages) == ((), {})
    # Both reps report to Sam Boss, a manager of the Managers sheet.
    assert [(m.manager_id, m.name, m.email) for m in data.org.managers] == [
        ("M1", "Sam Boss", "sam.boss@example.com")]
    assert data.org.reps_under("m1") == {"r1", "r2"}
    assert [rep.territory for rep in data.reps] == ["Northeast", "Pacific Northwest"]


def test_template_layout(tmp_path):
    path = tmp_path / "team.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Instructions", "Reps", "Managers", "Goals", "Activity",
                               "Settings", "Seasonality", "Holidays", "Time Off", "Pipeline",
                               "Stages"]
    assert [c.value for c in book["Pipeline"][1]] == [
        "Rep ID", "Deal", "Stage", "Amount", "Close Date", "Probability", "Forecast Category"]
    assert [c.value for c in book["Stages"][1]] == ["Stage", "Probability",
                                                     "Forecast Category"]
    settings = book["Settings"]
    names = [settings.cell(row, 1).value for row in range(2, 2 + len(SETTING_SPECS))]
    assert names == [spec.title for spec in SETTING_SPECS]
    assert settings["B3"].value == "USD"
    assert book["Activity"]["A1"].value == "Date"
    assert book["Activity"].freeze_panes == "A2"
    assert book["Activity"].column_dimensions["A"].width >= 12


def test_template_has_dropdowns_and_date_formats(tmp_path):
    path = tmp_path / "team.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    lists = {
        (sheet, str(dv.sqref)): dv.formula1
        for sheet in ("Reps", "Activity", "Pipeline", "Stages")
        for dv in book[sheet].data_validations.dataValidation if dv.type == "list"
    }
    categories = '"Pipeline,Best Case,Most Likely,Commit,Omitted"'
    assert lists == {("Reps", "H2:H5001"): '"yes,no"',
                     ("Activity", "C2:C5001"): '"lead,meeting,won,lost,focus"',
                     ("Activity", "E2:E5001"): '"new,repeat"',
                     ("Pipeline", "G2:G5001"): categories, ("Stages", "C2:C5001"): categories}
    assert book["Activity"].column_dimensions["A"].number_format == "yyyy-mm-dd"


def test_refuses_to_overwrite(tmp_path):
    path = tmp_path / "team.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(WriteRefused) as raised:
        write_template(path)
    assert str(raised.value) == (
        f"{path} already exists; goalreport init never overwrites a file. Give a new file "
        "name, or move the old file away first.")
    assert path.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.xlsx"]


def test_refuses_other_extensions_and_missing_folders(tmp_path):
    with pytest.raises(WriteRefused, match=r"must be an \.xlsx file"):
        write_template(tmp_path / "team.xls")
    with pytest.raises(WriteRefused, match="is not a folder"):
        write_template(tmp_path / "nowhere" / "team.xlsx")
