"""The installed command, run as a real subprocess on real workbooks (SPEC §6)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO, minimal_sheets, write_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"


def goalreport(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "goalreport", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=600, check=False,
    )


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    if not SAMPLE.exists():
        pytest.skip(f"sample workbook not built: {SAMPLE}")
    copy = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, copy)
    return copy


def test_version() -> None:
    from goalreport import __version__

    result = goalreport("--version")
    assert result.returncode == 0
    assert result.stdout == f"goalreport, version {__version__}\n"


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = goalreport("plan", tmp_path / "x.xlsx", "--month", "October")
    assert result.returncode == 2
    assert "'October' is not a month. Write it as YYYY-MM, e.g. 2026-10." in result.stderr


def test_check_clean_workbook(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "team.xlsx", minimal_sheets())
    result = goalreport("check", book)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("team.xlsx: no problems found.\n")


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"  # New Client Target at C2
    sheets["Activity"][2][1] = "R9"  # unknown rep at B3
    book = write_workbook(tmp_path / "team.xlsx", sheets)
    before = book.read_bytes()
    result = goalreport("check", book)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("Error: Goals!C2: 'lots'") for line in lines), lines
    assert any(line.startswith("Error: Activity!B3: Rep ID 'R9' is not on the Reps sheet.") for line in lines), lines
    assert lines[-1] == "2 input problems; nothing was written. Fix them and run again."
    assert "Traceback" not in result.stderr
    assert book.read_bytes() == before


def test_not_a_workbook_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("just some text, not a workbook\n")
    result = goalreport("run", bogus)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert bogus.read_text() == "just some text, not a workbook\n"


def test_run_on_the_sample(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = goalreport("run", sample, "--out", out, "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert summary["as_of"] == "2026-10-31"
    assert summary["sheets"] == ["Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log"]

    wb = openpyxl.load_workbook(sample, read_only=True)
    for name in summary["sheets"]:
        assert name in wb.sheetnames
    progress = list(wb["Progress"].iter_rows(values_only=True))
    assert [row[0] for row in progress[1:]] == list(summary["statuses"])
    assert {row[12] for row in progress[1:]} == set(summary["statuses"].values())

    pdfs = sorted(path.name for path in (out / "2026-10").glob("*.pdf"))
    assert "team-summary.pdf" in pdfs
    assert len(pdfs) == summary["reps"] + 1
    assert sorted(Path(f).name for f in summary["files"]) == pdfs


def test_output_workbook_leaves_original_untouched(sample: Path, tmp_path: Path) -> None:
    before = sample.read_bytes()
    copy = tmp_path / "copy.xlsx"
    result = goalreport("plan", sample, "--output-workbook", copy)
    assert result.returncode == 0, result.stderr
    assert sample.read_bytes() == before
    assert {"Plan", "Weekly Plan", "Run Log"} <= set(openpyxl.load_workbook(copy).sheetnames)


def test_rep_option_renders_only_that_rep(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first_rep = str(openpyxl.load_workbook(sample, read_only=True)["Reps"]["A2"].value).strip()
    result = goalreport("report", sample, "--out", out, "--rep", first_rep)
    assert result.returncode == 0, result.stderr
    pdfs = sorted(path.name for path in (out / "2026-10").glob("*.pdf"))
    assert len(pdfs) == 2 and "team-summary.pdf" in pdfs
    assert any(name.startswith(first_rep) for name in pdfs)


def test_unknown_rep_option_is_an_input_problem(sample: Path, tmp_path: Path) -> None:
    before = sample.read_bytes()
    result = goalreport("report", sample, "--out", tmp_path / "r", "--rep", "NOPE")
    assert result.returncode == 1
    assert "Error: --rep: 'NOPE' is not an active rep of this workbook." in result.stderr
    assert sample.read_bytes() == before


def test_init_then_check(tmp_path: Path) -> None:
    book = tmp_path / "new.xlsx"
    assert goalreport("init", book, "--example").returncode == 0
    result = goalreport("check", book)
    assert result.returncode == 0, result.stderr
    again = goalreport("init", book)
    assert again.returncode == 1
    assert "Traceback" not in again.stderr


def test_json_failure_is_json_on_stdout(tmp_path: Path) -> None:
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"
    book = write_workbook(tmp_path / "team.xlsx", sheets)
    result = goalreport("run", book, "--json")
    assert result.returncode == 1
    summary = json.loads(result.stdout)
    assert summary["ok"] is False
    assert summary["error"] == "1 input problem"
    assert [p.split(":")[0] for p in summary["problems"]] == ["Goals!C2"]

    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("not a workbook")
    result = goalreport("plan", bogus, "--json")
    assert result.returncode == 1
    failure = json.loads(result.stdout)
    assert (failure["ok"], failure["problems"], failure["warnings"]) == (False, [], [])
    assert "notes.xlsx" in failure["error"]
