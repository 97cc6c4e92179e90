"""Safe writing: Excel's lock file, backups and their rotation, kill -9 mid-write,
no temp litter, file mode kept."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from writeback_helpers import WHEN, entry, plan_table

from goalreport.core.tables import Column, SheetTable
from goalreport.errors import WorkbookBusy
from goalreport.ooxml.package import inspect_package
from goalreport.writeback import write_computed_sheets
from goalreport.writeback.safewrite import ensure_not_busy, owner_files
from goalreport.writeback.structure import structure_problems

REPO = Path(__file__).resolve().parent.parent


def write(path: Path, when: dt.datetime = WHEN, **options):
    return write_computed_sheets(path, [plan_table()], run_log=entry(when), currency="USD",
                                 locale="en_US", **options)


@pytest.mark.parametrize("owner", ["~$book.xlsx", "~$ook.xlsx", "~$ok.xlsx"])
def test_excel_owner_file_blocks_the_write(make_workbook, owner):
    path = make_workbook()
    (path.parent / owner).write_bytes(b"\x05Excel user")
    before = path.read_bytes()
    assert owner_files(path) == [path.parent / owner]
    with pytest.raises(WorkbookBusy, match=r"open in Excel .*Close it in Excel and run again"):
        ensure_not_busy(path)
    assert structure_problems(inspect_package(path), writing=False) == []  # check goes on
    with pytest.raises(WorkbookBusy):
        write(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == sorted(["book.xlsx", owner])


def test_backups_are_made_and_rotated(make_workbook):
    path = make_workbook()
    versions = []
    for day in range(7):
        versions.append(path.read_bytes())
        outcome = write(path, when=WHEN + dt.timedelta(days=day))
        assert outcome.backup is not None and outcome.backup.read_bytes() == versions[-1]
    folder = path.parent / ".goalreport-backups"
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [f"book.202607{day:02d}-180500.xlsx" for day in range(2, 7)]
    assert (folder / "book.20260706-180500.xlsx").read_bytes() == versions[-1]


def test_same_second_backups_do_not_overwrite(make_workbook):
    path = make_workbook()
    first, second = write(path), write(path)
    assert first.backup != second.backup and first.backup.exists() and second.backup.exists()


def test_mode_is_kept_and_no_temp_left(make_workbook):
    path = make_workbook()
    path.chmod(0o640)
    write(path)
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in path.parent.iterdir()) == [".goalreport-backups", "book.xlsx"]


def test_failure_mid_write_leaves_original_and_no_litter(make_workbook):
    path = make_workbook()
    before = path.read_bytes()
    broken = SheetTable("Plan", (Column("Rep ID"),), (("R1",), object()))  # not a row
    with pytest.raises(TypeError):
        write_computed_sheets(path, [broken], run_log=entry(), currency="USD", locale="en_US")
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["book.xlsx"]


_WRITER = """
import datetime as dt, sys
from decimal import Decimal
from pathlib import Path
sys.path.insert(0, {tests!r})
from writeback_helpers import entry
from goalreport.core.tables import Column, SheetTable
from goalreport.writeback import write_computed_sheets
rows = tuple((f"R{{i}}", f"Rep name {{i}}", Decimal(i) / 7, i) for i in range(3_000_000))
table = SheetTable("Weekly Plan", (Column("Rep ID"), Column("Rep"), Column("Target", "money"),
                   Column("N", "integer")), rows)
write_computed_sheets(Path(sys.argv[1]), [table], run_log=entry(), currency="USD",
                      locale="en_US")
"""


@pytest.mark.slow
def test_kill_minus_9_during_write_leaves_original_intact(make_workbook):
    path = make_workbook()
    before = path.read_bytes()
    script = _WRITER.format(tests=str(REPO / "tests"))
    child = subprocess.Popen([sys.executable, "-c", script, str(path)], cwd=REPO,
                             env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 120
        temps: list[Path] = []
        while not temps and time.monotonic() < deadline and child.poll() is None:
            temps = [p for p in path.parent.iterdir()
                     if p.name.startswith(".goalreport-") and p.stat().st_size > 0]
            time.sleep(0.05)
        assert temps, "the writer never started writing its temp file"
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert path.read_bytes() == before
    assert openpyxl.load_workbook(path).sheetnames == ["Reps", "Goals", "Activity", "Settings"]
    # The next run sweeps the dead run's temp file away.
    write(path)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".goalreport-book")]
    assert "Plan" in openpyxl.load_workbook(path).sheetnames
