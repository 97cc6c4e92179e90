"""Computed sheets show dates the way the workbook's Locale writes them, and Plan's Month
is a real date shown as month and year, so it sorts and filters as a date. Read back
cell by cell (openpyxl, calamine) and as LibreOffice shows them."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import minimal_sheets
from python_calamine import CalamineWorkbook

from goalreport.cli import cli
from goalreport.writeback.styles import excel_date_code

#: LibreOffice's CSV filter with "save cell contents as shown" on, every sheet.
AS_SHOWN = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"


def planned(make_workbook, locale: str, currency: str) -> Path:
    sheets = minimal_sheets()
    sheets["Settings"] += [["Locale", locale], ["Currency", currency]]
    path = make_workbook(sheets, name=f"{locale}.xlsx")
    result = CliRunner().invoke(cli, ["plan", str(path), "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(("pattern", "code"), [
    ("M/d/yy", r"m\/d\/yyyy"), ("dd.MM.yy", r"dd\.mm\.yyyy"), ("dd/MM/y", r"dd\/mm\/yyyy"),
    ("MMMM y", "mmmm yyyy"), ("y年M月", 'yyyy"年"m"月"'), ("d 'de' MMMM", 'd "de" mmmm'),
    ("EEE d MMM", None)])
def test_babel_patterns_become_excel_codes(pattern: str, code: str | None) -> None:
    assert excel_date_code(pattern) == code


@pytest.mark.parametrize(("locale", "currency", "date_code"), [
    ("en_GB", "GBP", r"dd\/mm\/yyyy"), ("de_DE", "EUR", r"dd\.mm\.yyyy"),
    ("en_US", "USD", r"m\/d\/yyyy")])
def test_dates_follow_the_locale_and_month_is_a_date(make_workbook, locale: str,
                                                     currency: str, date_code: str) -> None:
    path = planned(make_workbook, locale, currency)
    book = openpyxl.load_workbook(path)
    plan, weekly = book["Plan"], book["Weekly Plan"]
    assert plan["D1"].value == "Month"
    assert [plan[f"D{row}"].value for row in (2, 13)] == [dt.datetime(2026, 1, 1),
                                                          dt.datetime(2026, 12, 1)]
    assert plan["D2"].number_format == "mmmm yyyy"
    assert weekly["C1"].value == "Week Starting"
    assert weekly["C2"].value == dt.datetime(2025, 12, 29)  # the Monday of 1 Jan's week
    assert weekly["C2"].number_format == date_code
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Plan").to_python()
    assert calamine[1][3] == dt.date(2026, 1, 1)  # a date, not the text "2026-01"


@pytest.mark.slow
def test_libreoffice_shows_the_locales_dates(make_workbook, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = planned(make_workbook, "en_GB", "GBP")
    out = tmp_path / "csv"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", AS_SHOWN, "--outdir", str(out), str(path)],
        check=False, capture_output=True, text=True, timeout=240,
        env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr

    def rows(sheet: str) -> list[list[str]]:
        with (out / f"en_GB-{sheet}.csv").open(encoding="utf-8", newline="") as handle:
            return list(csv.reader(handle))

    plan, weekly = rows("Plan"), rows("Weekly Plan")
    assert [row[3] for row in plan[1:4]] == ["January 2026", "February 2026", "March 2026"]
    assert [row[2] for row in weekly[1:3]] == ["29/12/2025", "05/01/2026"]
