"""Every real-world workbook of the shared corpus keeps every part after a write-back."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import SHARED_CORPUS
from python_calamine import CalamineWorkbook
from writeback_helpers import WHEN, elements, entry, plan_table, summary_table, zip_parts

from goalreport.errors import UnreadableWorkbook
from goalreport.writeback import write_computed_sheets

PRESERVE = SHARED_CORPUS / "preserve"
NAMES = sorted(p.name for p in PRESERVE.iterdir()) if PRESERVE.is_dir() else ["(absent)"]
#: The parts a write-back may change (it adds elements and keeps all others).
CHANGED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
           "xl/styles.xml"}
KEPT_ELEMENTS = {"xl/workbook.xml": ("sheet", "definedName", "workbookPr", "extLst",
                                     "calcPr", "bookViews"),
                 "xl/_rels/workbook.xml.rels": ("Relationship",),
                 "[Content_Types].xml": ("Override", "Default"),
                 "xl/styles.xml": ("numFmt", "font", "fill", "xf", "dxf", "cellStyle")}


def _write(tmp_path: Path, corpus: Path, name: str) -> tuple[Path, Path]:
    source = corpus / "preserve" / name
    path = tmp_path / name
    shutil.copy(source, path)
    with zipfile.ZipFile(source) as archive:
        damaged = archive.testzip()
    if damaged is not None:
        # A part fails its CRC (calamine's issue252: a corrupt relationships part).
        # Refusing is right; the file must be left exactly as it was.
        with pytest.raises(UnreadableWorkbook, match="damaged zip"):
            write_computed_sheets(path, [plan_table()], run_log=entry(), currency="USD",
                                  locale="en_US")
        assert path.read_bytes() == source.read_bytes()
        pytest.skip(f"{name} is damaged ({damaged}); refused and left untouched")
    write_computed_sheets(path, [plan_table(), summary_table()], run_log=entry(),
                          currency="USD", locale="en_US")
    return source, path


@pytest.mark.parametrize("name", NAMES)
def test_every_original_part_survives(corpus, tmp_path, name):
    source, path = _write(tmp_path, corpus, name)
    before, after = zip_parts(source), zip_parts(path)
    for part, data in before.items():
        assert part in after, f"{part} lost"
        if part not in CHANGED:
            assert after[part] == data, f"{part} changed"
    for part, locals_ in KEPT_ELEMENTS.items():
        if part in before:
            for local in locals_:
                for element in elements(before[part], local):
                    assert element in after[part].decode(), f"{part}: {element} lost"
    assert path.suffix == source.suffix
    if "xl/vbaProject.bin" in before:
        assert b"vbaProject" in after["[Content_Types].xml"]
        assert b"macroEnabled" in after["[Content_Types].xml"]


@pytest.mark.parametrize("name", NAMES)
def test_new_sheets_read_back(corpus, tmp_path, name):
    source, path = _write(tmp_path, corpus, name)
    original = CalamineWorkbook.from_path(str(source)).sheet_names
    calamine = CalamineWorkbook.from_path(str(path))
    assert calamine.sheet_names == [*original, "Plan", "Team Summary", "Run Log"]
    rows = calamine.get_sheet_by_name("Plan").to_python()
    assert rows[1][:5] == ["R1", "Ana Lima", 1234.5, 0.25, dt.date(2026, 1, 5)]
    assert rows[2][1] == "=cmd|' /C calc'!A0"
    log = calamine.get_sheet_by_name("Run Log").to_python()
    assert log[1][:4] == [WHEN, "0.1.0", dt.date(2026, 6, 30), "abc123"]

    try:
        openpyxl.load_workbook(source)
    except Exception:  # noqa: BLE001 - a few corpus files are beyond openpyxl itself
        return
    plan = openpyxl.load_workbook(path)["Plan"]
    assert plan["C2"].value == 1234.5 and plan["C2"].number_format == '"$"#,##0.00'
    assert plan["D3"].number_format == "0.0%" and plan["A1"].font.b


@pytest.mark.slow
def test_libreoffice_reads_the_computed_numbers(corpus, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    _, path = _write(tmp_path, corpus, "poi__test-data_spreadsheet_simple-monthly-budget.xlsx")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
         'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
         "--outdir", str(tmp_path / "csv"), str(path)],
        check=False, capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    csv = tmp_path / "csv" / f"{path.stem}-Plan.csv"
    lines = csv.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Rep ID,Rep,Target,Attainment,Week Starting,Deals,Hours,Status"
    # Raw values (the filter's "as shown" is off): numbers came through as numbers; the date
    # cells carry the Locale's short date format (en_US here), which LibreOffice applies.
    assert lines[1] == "R1,Ana Lima,1234.5,25%,01/05/2026,3,7.5,On track"
    assert lines[2].startswith("R2,=cmd|' /C calc'!A0,0.1,90%,02/02/2026,0,,Behind")
    assert lines[3] == "R3,+1,-5,,12/28/2026,12345,2.25,Slightly behind"
    summary = (tmp_path / "csv" / f"{path.stem}-Team Summary.csv").read_text().splitlines()
    assert summary[-1] == "Total,3,15.25"
