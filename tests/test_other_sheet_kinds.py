"""Excel 4 macro sheets and dialog sheets are left alone.

python-calamine refuses a whole workbook that lists a macro sheet ("Unrecognized
sheet:type"), so such a workbook could not be read at all. goalreport reads only the
sheets it needs, and the write-back keeps the other sheets byte for byte.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from test_safety import rezip
from writeback_helpers import zip_parts

from goalreport.jobs import JobOptions, check_workbook, run_job

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MACRO_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<xm:macrosheet xmlns="{MAIN}" xmlns:r="{RELS}" '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><dimension ref="A1:A2"/>'
    '<sheetData><row r="1"><c r="A1" t="str"><f>NOW()</f><v>x</v></c></row>'
    '<row r="2"><c r="A2" t="b"><f>RETURN()</f><v>1</v></c></row></sheetData></xm:macrosheet>')
DIALOG_SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<dialogsheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheetViews><sheetView workbookViewId="0"/>'
    '</sheetViews><sheetFormatPr defaultRowHeight="15"/><pageMargins left="0.7" right="0.7" '
    'top="0.75" bottom="0.75" header="0.3" footer="0.3"/></dialogsheet>')


def with_macro_and_dialog_sheets(path: Path) -> Path:
    """``path`` as a macro-enabled workbook with a hidden Excel 4 macro sheet and a
    dialog sheet between the input sheets and the end, as Excel lists them."""
    parts = zip_parts(path)
    workbook = parts["xl/workbook.xml"].decode().replace(
        "</sheets>", '<sheet name="Macro1" sheetId="20" state="hidden" r:id="rId90"/>'
                     '<sheet name="Dialog1" sheetId="21" r:id="rId91"/></sheets>')
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace(
        "</Relationships>",
        '<Relationship Id="rId90" Type="http://schemas.microsoft.com/office/2006/relationships/'
        'xlMacrosheet" Target="macrosheets/sheet1.xml"/>'
        f'<Relationship Id="rId91" Type="{RELS}/dialogsheet" Target="dialogsheets/sheet1.xml"/>'
        "</Relationships>")
    types = parts["[Content_Types].xml"].decode().replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        "</Types>",
        '<Override PartName="/xl/macrosheets/sheet1.xml" '
        'ContentType="application/vnd.ms-excel.macrosheet+xml"/>'
        '<Override PartName="/xl/dialogsheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml"/></Types>')
    return rezip(path, path.with_suffix(".xlsm"),
                 {"xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                  "[Content_Types].xml": types.encode()},
                 {"xl/macrosheets/sheet1.xml": MACRO_SHEET.encode(),
                  "xl/dialogsheets/sheet1.xml": DIALOG_SHEET.encode()})


def stored(path: Path, name: str) -> tuple[int, int, bytes]:
    """(CRC, compressed size, compressed bytes) of a zip entry, exactly as stored."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    with open(path, "rb") as handle:
        handle.seek(info.header_offset + 26)
        skip = int.from_bytes(handle.read(2), "little") + int.from_bytes(handle.read(2), "little")
        handle.seek(skip, 1)
        return info.CRC, info.compress_size, handle.read(info.compress_size)


def test_macro_and_dialog_sheets_are_read_past_and_written_back_untouched(make_workbook):
    path = with_macro_and_dialog_sheets(make_workbook())
    assert check_workbook(path, today=date(2026, 11, 1)) == []  # was: "Unrecognized sheet"
    before = {name: stored(path, name)
              for name in ("xl/macrosheets/sheet1.xml", "xl/dialogsheets/sheet1.xml")}
    options = JobOptions(today=date(2026, 7, 1), now=datetime(2026, 7, 1, 9), render=False)
    run_job(path, options)
    second = run_job(path, JobOptions(today=date(2026, 7, 2), now=datetime(2026, 7, 2, 9),
                                      render=False))
    assert second.sheets == ["Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log"]
    for name, entry in before.items():
        assert stored(path, name) == entry, name
    parts = zip_parts(path)
    workbook = parts["xl/workbook.xml"].decode()
    assert '<sheet name="Macro1" sheetId="20" state="hidden" r:id="rId90"/>' in workbook
    assert '<sheet name="Dialog1" sheetId="21" r:id="rId91"/>' in workbook
    # Tab positions count the macro and dialog sheets: Plan is the 7th sheet (index 6).
    assert '<definedName name="_goalreport" localSheetId="6" hidden="1">' in workbook
    assert b"application/vnd.ms-excel.macrosheet+xml" in parts["[Content_Types].xml"]
    # The second run read the first run's Run Log (calamine opens this workbook too).
    from goalreport.ooxml.calamine import open_calamine

    log = open_calamine(path).get_sheet_by_name("Run Log").to_python()
    assert [row[0] for row in log[1:]] == [datetime(2026, 7, 2, 9), datetime(2026, 7, 1, 9)]


@pytest.mark.slow
def test_libreoffice_opens_the_written_workbook_with_every_sheet(make_workbook, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = with_macro_and_dialog_sheets(make_workbook())
    run_job(path, JobOptions(today=date(2026, 7, 1), now=datetime(2026, 7, 1, 9),
                             render=False, write_progress=False))
    out = tmp_path / "csv"
    # Filter options ending in -1: one CSV per sheet, named book-<sheet>.csv.
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", every_sheet, "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180)
    sheets = sorted(p.name.removeprefix("book-").removesuffix(".csv") for p in out.iterdir())
    assert sheets == sorted(["Reps", "Goals", "Activity", "Settings", "Macro1", "Dialog1",
                             "Plan", "Weekly Plan", "Run Log"])
    plan = (out / "book-Plan.csv").read_text().splitlines()
    assert plan[0].startswith("Rep ID,Rep,Team,Month,") and plan[1].startswith("R1,Ana Lima,")
    assert len(plan) == 13  # the header and twelve months
