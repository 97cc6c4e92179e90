"""Lossless write-back, seen by another program (issue "Lossless write-back"): after
``goalreport run`` on the sample workbook, LibreOffice reads every computed number as
goalreport computed it, and the input sheets exactly as it reads the original.

LibreOffice exports every sheet to CSV with raw values ("as shown" off): money and counts
come out as plain numbers, percents as ``12.3456789%`` (15 significant digits), dates
(and Plan's Month, a real date) in LibreOffice's own MM/DD/YYYY.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO

from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.core.sheets import computed_tables
from goalreport.core.tables import Column, SheetTable
from goalreport.loading import resolve_dates
from goalreport.workbook.reader import read_workbook
from goalreport.workbook.schema import SHEETS
from goalreport.writeback.sheetlayout import sheet_layout

pytestmark = pytest.mark.slow  # every test here is slow (see pyproject)

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
AS_OF = date(2026, 10, 31)
#: LibreOffice's CSV filter: comma, double quote, UTF-8, from row 1, raw values (not as
#: shown), formulas as results, every sheet (-1) to its own file.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
CENT = Decimal("0.01")


def _to_csv(soffice: str, tmp_path: Path, *books: Path) -> Path:
    out = tmp_path / "csv"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless",
         "--convert-to", CSV_FILTER, "--outdir", str(out), *map(str, books)],
        check=False, capture_output=True, text=True, timeout=240,
        env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    return out


def _rows(folder: Path, book: str, sheet: str) -> list[list[str]]:
    with (folder / f"{book}-{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _matches(column: Column, value: Any, shown: str) -> bool:
    """Whether LibreOffice's raw ``shown`` is goalreport's ``value`` for this column kind."""
    if value is None:
        return shown == ""
    if column.kind == "money":
        return Decimal(shown).quantize(CENT) == Decimal(value).quantize(CENT)
    if column.kind == "percent":
        assert shown.endswith("%"), shown
        return abs(Fraction(shown[:-1]) / 100 - Fraction(value)) < Fraction(1, 10**9)
    if column.kind == "integer":
        return int(shown) == value
    if column.kind == "number":
        return abs(Fraction(shown) - Fraction(str(value))) < Fraction(1, 10**9)
    if column.kind in ("date", "month"):  # a real date, in LibreOffice's own (en-US) form
        return shown == f"{value:%m/%d/%Y}"
    return shown == str(value)


def _differences(table: SheetTable, rows: list[list[str]]) -> list[str]:
    """Every cell where LibreOffice disagrees with the table or its chart-data blocks
    (where ``sheet_layout`` puts them), as 'Sheet row N Column'."""
    found = []
    layout = sheet_layout(table)
    header = rows[0][:len(table.columns)]  # the roll-ups below may be wider
    if header != [column.name for column in table.columns] or any(rows[0][len(header):]):
        found.append(f"{table.name} header: {rows[0]}")
    if len(rows) != max(layout.last_row, len(table.rows) + 1):
        found.append(f"{table.name}: {len(rows) - 1} rows, expected {layout.last_row - 1}")
    parts = [(table.name, table.columns, table.rows, 2)]
    for block, place in zip((*table.sections, *table.blocks),
                            (*layout.sections, *layout.blocks), strict=True):
        if rows[place.title_row - 1][0] != block.title:
            found.append(f"{table.name} row {place.title_row}: {rows[place.title_row - 1]}")
        if rows[place.header_row - 1][:len(block.columns)] != [c.name for c in block.columns]:
            found.append(f"{table.name} row {place.header_row}: {rows[place.header_row - 1]}")
        parts.append((block.title, block.columns, block.rows, place.first_data_row()))
    for name, columns, expected_rows, first in parts:
        shown_rows = rows[first - 1:first - 1 + len(expected_rows)]
        for number, (expected, shown) in enumerate(zip(expected_rows, shown_rows,
                                                       strict=True), first):
            padded = shown + [""] * (len(columns) - len(shown))
            for column, value, text in zip(columns, expected, padded[:len(columns)],
                                           strict=True):
                if not _matches(column, value, text):
                    found.append(f"{name} row {number} {column.name}: LibreOffice "
                                 f"{text!r}, goalreport {value!r}")
    return found


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SheetTable]]:
    """The sample, run with --as-of, and an untouched copy, both converted to CSV; and the
    tables goalreport computes for it in-process."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    if not SAMPLE.exists():
        pytest.skip(f"sample workbook not built: {SAMPLE}")
    tmp_path = tmp_path_factory.mktemp("libreoffice")
    written, original = tmp_path / "written.xlsx", tmp_path / "original.xlsx"
    shutil.copyfile(SAMPLE, written)
    shutil.copyfile(SAMPLE, original)
    result = subprocess.run(
        [sys.executable, "-m", "goalreport", "run", str(written), "--as-of", AS_OF.isoformat(),
         "--out", str(tmp_path / "reports"), "--quiet"],
        check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr

    data = read_workbook(original)
    as_of, month = resolve_dates(data.settings.as_of, as_of=AS_OF, month=None,
                                          today=AS_OF)
    tables = computed_tables(compute(data, as_of=as_of, report_month=month),
                             say=Formatter(data.settings.locale, data.settings.currency).say,
                             chart_settings=data.settings)
    return _to_csv(soffice, tmp_path, written, original), tables


def test_libreoffice_reads_every_computed_number(converted) -> None:
    folder, tables = converted
    assert [t.name for t in tables] == ["Plan", "Weekly Plan", "Progress", "Team Summary"]
    assert len(tables[3].blocks) == 2  # the charts' data, checked cell by cell too
    differences = [d for table in tables
                   for d in _differences(table, _rows(folder, "written", table.name))]
    assert not differences, "\n".join(differences[:40])
    progress = _rows(folder, "written", "Progress")
    assert {row[3] for row in progress[1:]} == {"10/31/2026"}


def test_input_sheets_come_through_unchanged(converted) -> None:
    folder, _ = converted
    originals = sorted(p.name.removeprefix("original-") for p in folder.glob("original-*.csv"))
    # The sample has no open deals and no commission plans: no Pipeline, Stages or
    # Commission sheet (and nothing of them).
    inputs = {f"{spec.title}.csv" for spec in SHEETS
              if spec.key not in ("pipeline", "stages", "commission")}
    assert inputs <= set(originals), originals
    for name in originals:
        before = (folder / f"original-{name}").read_bytes()
        after = (folder / f"written-{name}").read_bytes()
        assert after == before, f"{name} differs after the write-back"
    written = sorted(p.name.removeprefix("written-") for p in folder.glob("written-*.csv"))
    computed = ["Plan.csv", "Progress.csv", "Run Log.csv", "Team Summary.csv",
                "Weekly Plan.csv"]
    assert written == sorted([*originals, *computed])
