"""Smoke test of the benchmark kit: the generator, the baselines and the runner work on
the tiny size. No timings are asserted; the benchmarks measure, tests only check."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate
from measure import run_measured


@pytest.fixture(scope="module")
def quick_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate.generate("quick", tmp_path_factory.mktemp("bench") / "quick.xlsx")


def sheet_rows(path: Path, name: str) -> list[tuple[object, ...]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return [row for row in wb[name].iter_rows(values_only=True)]
    finally:
        wb.close()


def test_generator_writes_every_sheet_at_the_requested_size(quick_book: Path) -> None:
    wb = openpyxl.load_workbook(quick_book, read_only=True)
    assert wb.sheetnames == ["Reps", "Goals", "Activity", "Settings", "Seasonality",
                             "Holidays", "Time Off"]
    wb.close()
    assert len(sheet_rows(quick_book, "Reps")) == 1 + 5
    assert len(sheet_rows(quick_book, "Goals")) == 1 + 5
    assert len(sheet_rows(quick_book, "Activity")) == 1 + 500
    assert len(sheet_rows(quick_book, "Seasonality")) == 1 + 12
    settings = dict(sheet_rows(quick_book, "Settings")[1:])
    assert settings["As Of"] == datetime(2026, 10, 31)
    assert settings["Holiday Country"] == "US"


def test_generated_activity_is_valid_and_in_date_order(quick_book: Path) -> None:
    header, *rows = sheet_rows(quick_book, "Activity")
    assert header[:7] == ("Date", "Rep ID", "Type", "Client", "Client Type", "Amount",
                          "Hours")
    known = {"lead", "meeting", "won", "lost", "focus", *generate.SYNONYMS.values()}
    days = [row[0] for row in rows]
    assert all(isinstance(d, datetime) for d in days)
    assert days == sorted(days)
    assert date(2026, 1, 1) <= days[0].date() and days[-1].date() <= date(2026, 10, 31)
    assert all(d.weekday() < 5 for d in days)
    assert {row[2] for row in rows} <= known
    won = [row for row in rows if row[2] in ("won", "Closed Won")]
    assert won and all(row[4] in ("new", "repeat") and row[5] > 0 for row in won)
    focus = [row for row in rows if row[2] in ("focus", "Planning")]
    assert all(row[6] > 0 for row in focus)


def test_generator_is_deterministic(tmp_path: Path, quick_book: Path) -> None:
    again = generate.generate("quick", tmp_path / "again.xlsx")
    assert sheet_rows(again, "Activity") == sheet_rows(quick_book, "Activity")
    other = generate.generate("quick", tmp_path / "other.xlsx", seed=7)
    assert sheet_rows(other, "Activity") != sheet_rows(quick_book, "Activity")


def test_generated_workbook_reads_without_problems(quick_book: Path) -> None:
    from goalreport.workbook.reader import read_workbook

    data = read_workbook(quick_book)
    assert len(data.reps) == 5
    assert len(data.goals) == 5
    assert data.settings.as_of == date(2026, 10, 31)
    # Every logged row is counted once, synonyms included.
    canonical = {v: k for k, v in generate.SYNONYMS.items()}
    rows = sheet_rows(quick_book, "Activity")[1:]
    kinds = [canonical.get(row[2], row[2]) for row in rows]
    assert sum(d.leads for d in data.activity) == kinds.count("lead")
    assert sum(d.meetings for d in data.activity) == kinds.count("meeting")
    assert sum(d.won for d in data.activity) == kinds.count("won")
    assert sum(d.lost for d in data.activity) == kinds.count("lost")
    won_amount = sum(Decimal(str(row[5])) for row, kind in zip(rows, kinds) if kind == "won")
    assert sum(d.won_amount for d in data.activity) == won_amount


def test_baseline_script_adds_plan_sheets(tmp_path: Path, quick_book: Path) -> None:
    out = tmp_path / "baseline.xlsx"
    done = subprocess.run([sys.executable, str(BENCH / "baseline_script.py"),
                           str(quick_book), str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    plan = sheet_rows(out, "Plan")
    assert plan[0][:3] == ("Rep ID", "Rep", "Month")
    assert len(plan) == 1 + 5 * 12
    assert len(sheet_rows(out, "Weekly Plan")) == 1 + 5 * 53
    # The input sheets are still there.
    assert len(sheet_rows(out, "Activity")) == 1 + 500


def test_measured_peak_memory_includes_grandchildren() -> None:
    code = ("import subprocess, sys; subprocess.run([sys.executable, '-c', "
            "'x = bytearray(150 * 1024 * 1024); x[::4096] = b\"1\" * len(x[::4096])'])")
    measured = run_measured([sys.executable, "-c", code])
    assert measured.ok
    assert measured.peak_mb >= 150


@pytest.mark.slow
def test_runner_quick_writes_a_results_table(tmp_path: Path) -> None:
    results = tmp_path / "latest.md"
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--jobs", "1",
                           "--results", str(results)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    text = results.read_text(encoding="utf-8")
    assert "Machine:" in text and "cores" in text and "Load average" in text
    for phase in ("| read |", "| compute |", "| tables |", "| write-back |", "| render |"):
        assert phase in text
    for command in ("goalreport plan", "baseline (a)", "goalreport run --html",
                    "baseline (b)", "| quick | goalreport run |"):
        assert command in text
    assert "## Sending: CPU per message" in text
    assert "| 5 | 6 | " in text  # 5 reps, 6 messages with the manager's: measured
    assert "`send` CPU per message ≤ 2× a plain smtplib script" in text
    assert "failed" not in text
