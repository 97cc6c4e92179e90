"""Write-back of computed sheets into small workbooks built on disk."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from writeback_helpers import WHEN, entry, plan_table, summary_table, zip_parts

from goalreport.errors import InputProblems, WriteRefused
from goalreport.ooxml.package import inspect_package
from goalreport.writeback import input_fingerprint, write_computed_sheets
from goalreport.writeback.structure import structure_problems
from goalreport.writeback.styles import money_format


def write(path: Path, tables=None, when: dt.datetime = WHEN, **options):
    tables = [plan_table(), summary_table()] if tables is None else tables
    return write_computed_sheets(path, tables, run_log=entry(when), currency="USD",
                                 locale="en_US", **options)


def test_values_read_back_as_numbers_dates_and_text(make_workbook):
    path = make_workbook()
    outcome = write(path)
    assert outcome.added == ("Plan", "Team Summary", "Run Log")
    sheet = openpyxl.load_workbook(path)["Plan"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Rep ID", "Rep", "Target", "Attainment", "Week Starting", "Deals",
                       "Hours", "Status")
    assert rows[1] == ("R1", "Ana Lima", 1234.5, 0.25, dt.datetime(2026, 1, 5), 3, 7.5,
                       "On track")
    assert rows[2][1] == "=cmd|' /C calc'!A0" and sheet["B3"].data_type == "s"
    assert rows[3][1:3] == ("+1", -5) and rows[3][5:7] == (12345, 2.25)
    assert rows[4][1] == "@SUM(A1:A2) & <b>" and rows[4][4] is None and rows[4][3] == 1.5
    assert sheet["C2"].number_format == '"$"#,##0.00'
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].number_format == r"m\/d\/yyyy"  # en_US short date, 4-digit year
    assert sheet["F2"].number_format == "#,##0"

    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Plan").to_python()
    assert calamine[1][:6] == ["R1", "Ana Lima", 1234.5, 0.25, dt.date(2026, 1, 5), 3.0]
    assert calamine[2][1] == "=cmd|' /C calc'!A0"


def test_formatting_header_filter_status_total(make_workbook):
    path = make_workbook()
    write(path)
    book = openpyxl.load_workbook(path)
    plan = book["Plan"]
    assert plan["A1"].font.b and not plan["A2"].font.b
    assert plan.freeze_panes == "A2"
    assert plan.auto_filter.ref == "A1:H5"
    fills = {plan[f"H{row}"].value: plan[f"H{row}"].fill.fgColor.rgb for row in range(2, 6)}
    assert fills == {"On track": "FFC6EFCE", "Behind": "FFFFC7CE",
                     "Slightly behind": "FFFFEB9C", "Achieved": "FFC6EFCE"}
    assert 12 < plan.column_dimensions["B"].width <= 60
    summary = book["Team Summary"]
    assert summary["A4"].value == "Total" and summary["A4"].font.b and summary["C4"].font.b
    assert not summary["A3"].font.b
    assert summary["C4"].number_format == '"$"#,##0.00'


def test_run_log_newest_first_and_rerun_replaces_in_place(make_workbook):
    path = make_workbook()
    write(path)
    styles_before = zip_parts(path)["xl/styles.xml"]
    book = openpyxl.load_workbook(path)
    book.move_sheet("Plan", offset=-2)  # the user reorders tabs; openpyxl keeps our marker
    book.save(path)
    order = openpyxl.load_workbook(path).sheetnames

    later = WHEN + dt.timedelta(days=31)
    outcome = write(path, when=later)
    assert outcome.replaced == ("Plan", "Team Summary", "Run Log") and outcome.added == ()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == order
    log = list(book["Run Log"].iter_rows(values_only=True))
    assert log[0] == ("When", "goalreport Version", "As Of", "Input Hash", "Reps", "Warnings",
                      "Plan Changes", "Deal Files")
    assert [row[0] for row in log[1:]] == [later, WHEN]
    assert log[2][1:] == ("0.1.0", dt.datetime(2026, 6, 30), "abc123", 4, 1, None, None)

    # openpyxl rewrote styles.xml in its own words; from then on reruns reuse our entries.
    resaved_styles = zip_parts(path)["xl/styles.xml"]
    write(path, when=later + dt.timedelta(days=1))
    assert zip_parts(path)["xl/styles.xml"] == resaved_styles
    assert styles_before != resaved_styles


def test_rerun_does_not_grow_styles(make_workbook):
    path = make_workbook()
    write(path)
    first = zip_parts(path)
    write(path, when=WHEN + dt.timedelta(hours=1))
    second = zip_parts(path)
    assert second["xl/styles.xml"] == first["xl/styles.xml"]
    workbook = second["xl/workbook.xml"].decode()
    assert workbook.count('name="Plan"') == 1 and workbook.count('"_goalreport"') == 3
    assert len(second) == len(first)
    assert openpyxl.load_workbook(path).sheetnames.count("Plan") == 1


def test_users_own_plan_sheet_is_refused_and_file_untouched(make_workbook):
    sheets = {"Reps": [["Rep ID"], ["R1"]], "plan ": [["my notes"]]}
    path = make_workbook(sheets)
    sheets["PLAN"] = sheets.pop("plan ")
    path = make_workbook(sheets, name="mine.xlsx")
    before = path.read_bytes()
    problems = structure_problems(inspect_package(path), writing=True)
    assert [p.where for p in problems] == ["PLAN sheet"]
    assert "was not made by goalreport" in problems[0].message
    assert "'My PLAN'" in problems[0].message
    with pytest.raises(InputProblems) as raised:
        write(path)
    assert raised.value.problems == tuple(problems)
    assert path.read_bytes() == before


def test_destination_leaves_source_untouched(make_workbook, tmp_path):
    path = make_workbook()
    before = path.read_bytes()
    copy = tmp_path / "out" / "copy.xlsx"
    copy.parent.mkdir()
    outcome = write(path, destination=copy)
    assert outcome.path == copy and outcome.backup is None
    assert path.read_bytes() == before
    assert "Plan" in openpyxl.load_workbook(copy).sheetnames


def test_fingerprint_ignores_goalreport_sheets_but_sees_user_edits(make_workbook):
    path = make_workbook()
    original = input_fingerprint(path)
    write(path)
    assert input_fingerprint(path) == original
    write(path, tables=[plan_table()], when=WHEN + dt.timedelta(days=1))
    assert input_fingerprint(path) == original
    book = openpyxl.load_workbook(path)
    book["Reps"]["B2"] = "Ana Souza"
    book.save(path)
    assert input_fingerprint(path) != original


def test_structure_protected_workbook_is_refused(make_workbook):
    path = make_workbook()
    book = openpyxl.load_workbook(path)
    book.security.lockStructure = True
    book.save(path)
    before = path.read_bytes()
    with pytest.raises(WriteRefused, match="structure protected.*Protect Workbook"):
        structure_problems(inspect_package(path), writing=True)
    assert [p.where for p in structure_problems(inspect_package(path), writing=False)] == [
        "Workbook structure"]
    with pytest.raises(WriteRefused):
        write(path)
    assert path.read_bytes() == before


def test_corpus_structure_protected_file_is_refused(corpus, tmp_path):
    source = corpus / "hostile" / \
        "poi__test-data_spreadsheet_workbookProtection_workbook_structure_protected.xlsx"
    path = tmp_path / "protected.xlsx"
    shutil.copy(source, path)
    with pytest.raises(WriteRefused, match="structure protected"):
        write(path)
    assert path.read_bytes() == source.read_bytes()


def test_date1904_workbook_gets_right_dates(make_workbook):
    path = make_workbook()
    book = openpyxl.load_workbook(path)
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    write(path)
    sheet = openpyxl.load_workbook(path)["Plan"]
    assert sheet["E2"].value == dt.datetime(2026, 1, 5)


def _rewrite_part(path: Path, name: str, data: bytes | None) -> None:
    parts = zip_parts(path)
    if data is None:
        parts.pop(name)
    else:
        parts[name] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, content in parts.items():
            archive.writestr(part, content)


def test_prefixed_workbook_without_styles_or_docprops(make_workbook):
    """A writer that uses an ``x:`` prefix and an absolute sheet path, with no styles.xml
    and no docProps: the sheets still land, with formats."""
    path = make_workbook({"Reps": [["Rep ID"], ["R1"]]})
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook = (f'<x:workbook xmlns:x="{main}" xmlns:r="{rel}"><x:sheets>'
                '<x:sheet name="Reps" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="/xl/worksheets/sheet1.xml"/>'
            '</Relationships>')
    _rewrite_part(path, "xl/workbook.xml", workbook.encode())
    _rewrite_part(path, "xl/_rels/workbook.xml.rels", rels.encode())
    _rewrite_part(path, "xl/styles.xml", None)
    for part in ("docProps/app.xml", "docProps/core.xml"):
        _rewrite_part(path, part, None)
    write(path)
    parts = zip_parts(path)
    assert b"<x:sheet name=\"Plan\"" in parts["xl/workbook.xml"]
    assert b"<x:definedName name=\"_goalreport\"" in parts["xl/workbook.xml"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Reps", "Plan", "Team Summary", "Run Log"]
    assert book["Plan"]["C2"].number_format == '"$"#,##0.00'
    assert book["Reps"]["A2"].value == "R1"
    write(path, when=WHEN + dt.timedelta(days=1))  # ownership survives the prefix
    assert openpyxl.load_workbook(path).sheetnames == ["Reps", "Plan", "Team Summary", "Run Log"]


@pytest.mark.parametrize(("currency", "locale", "expected"), [
    ("USD", "en_US", '"$"#,##0.00'),
    ("EUR", "de_DE", '#,##0.00"\xa0€"'),
    ("JPY", "ja_JP", '"￥"#,##0'),
    ("EUR", "nl_NL", '"€\xa0"#,##0.00;"€\xa0"-#,##0.00'),
    ("GBP", "xx_YY", '"£"#,##0.00'),
])
def test_money_format_follows_currency_and_locale(currency, locale, expected):
    assert money_format(currency, locale) == expected
