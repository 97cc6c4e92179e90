"""The commands on real workbooks (SPEC §6), through click's CliRunner with exact output.

Only ``python -m goalreport`` runs as a subprocess: there the process is the point.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import REPO, minimal_sheets, write_workbook

from goalreport.cli import cli

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
SAMPLE_REPS = "R01, R02, R03, R04, R05, R06, R07, R08, R09"
#: The sample keeps a rep who left (R10, Active = no) with their past activity: normal,
#: so its runs print no warning (a first run teaches a manager to read them).
SAMPLE_WARNING = ""


def goalreport(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="goalreport",
                              catch_exceptions=False)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    if not SAMPLE.exists():
        pytest.skip(f"sample workbook not built: {SAMPLE} (make sample)")
    copy = tmp_path / SAMPLE.name
    shutil.copyfile(SAMPLE, copy)
    return copy


def test_python_dash_m_runs_the_cli() -> None:
    from goalreport import __version__

    result = subprocess.run([sys.executable, "-m", "goalreport", "--version"],
                            capture_output=True, text=True, timeout=120, check=False)
    assert (result.returncode, result.stdout, result.stderr) == (
        0, f"goalreport, version {__version__}\n", "")


def test_usage_error_exits_2(tmp_path: Path) -> None:
    result = goalreport("plan", tmp_path / "x.xlsx", "--month", "October")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: goalreport plan [OPTIONS] WORKBOOK\n"
        "Try 'goalreport plan --help' for help.\n\n"
        "Error: Invalid value for '--month': 'October' is not a month. Write it as YYYY-MM, "
        "e.g. 2026-10.\n")


def test_check_clean_workbook(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "team.xlsx", minimal_sheets())
    result = goalreport("check", book)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == f"{book}: no problems found.\n"


def test_check_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"  # New Client Target at C2
    sheets["Activity"][2][1] = "R9"  # unknown rep at B3
    book = write_workbook(tmp_path / "team.xlsx", sheets)
    before = book.read_bytes()
    result = goalreport("check", book)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Goals!C2: 'lots' is not an amount of money. Write a number such as 1000 or "
        "$1,000.50.\n"
        "Error: Activity!B3: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps "
        "sheet (R1), or add the rep there.\n"
        "2 input problems. Fix them and run check again.\n")
    assert book.read_bytes() == before


def test_not_a_workbook_is_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("just some text, not a workbook\n")
    result = goalreport("run", bogus)
    assert result.exit_code == 1
    assert result.stderr == ("Error: notes.xlsx: is a text file (CSV or similar), not an Excel "
                             "workbook. Open it in Excel and save it as 'Excel Workbook "
                             "(.xlsx)', and run again.\n")
    assert bogus.read_text() == "just some text, not a workbook\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.xlsx"]


@pytest.mark.slow
def test_run_on_the_sample(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = goalreport("run", sample, "--out", out, "--json", "--jobs", "2")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["ok"] is True
    assert summary["as_of"] == "2026-10-31"
    assert summary["sheets"] == ["Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log"]
    assert result.stderr == SAMPLE_WARNING + (
        f"{sample}: wrote Plan, Weekly Plan, Progress, Team Summary, Run Log for 9 reps as of "
        "2026-10-31; 12 report files.\n")  # 9 reps, the team and its two managers

    wb = openpyxl.load_workbook(sample, read_only=True)
    for name in summary["sheets"]:
        assert name in wb.sheetnames
    progress = list(wb["Progress"].iter_rows(values_only=True))
    assert [row[0] for row in progress[1:]] == list(summary["statuses"])
    assert {row[12] for row in progress[1:]} == set(summary["statuses"].values())

    pdfs = sorted(path.name for path in (out / "2026-10").glob("*.pdf"))
    assert "team-summary.pdf" in pdfs
    assert len(pdfs) == summary["reps"] + 3  # the team summary, Maya's and Omar's
    assert sorted(Path(f).name for f in summary["files"]) == pdfs
    backups = list((sample.parent / ".goalreport-backups").iterdir())
    assert summary["backup"] == str(backups[0]) and len(backups) == 1
    assert summary["notes"] == []


def test_output_workbook_leaves_original_untouched(sample: Path, tmp_path: Path) -> None:
    before = sample.read_bytes()
    copy = tmp_path / "copy.xlsx"
    result = goalreport("plan", sample, "--output-workbook", copy, "--verbose")
    assert result.exit_code == 0
    # Nothing was replaced, so no backup is mentioned.
    assert result.stderr == SAMPLE_WARNING + f"{copy}: wrote Plan, Weekly Plan, Run Log for 9 reps as of " \
                            "2026-10-31.\n"
    assert sample.read_bytes() == before
    assert {"Plan", "Weekly Plan", "Run Log"} <= set(openpyxl.load_workbook(copy).sheetnames)


@pytest.mark.slow
def test_rep_option_renders_only_that_rep(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    first_rep = str(openpyxl.load_workbook(sample, read_only=True)["Reps"]["A2"].value).strip()
    # --rep matches as Rep IDs do everywhere: case ignored, spaces trimmed and collapsed.
    result = goalreport("report", sample, "--out", out, "--rep", f" {first_rep.lower()} ")
    assert result.exit_code == 0, result.stderr
    pdfs = sorted(path.name for path in (out / "2026-10").glob("*.pdf"))
    assert len(pdfs) == 2 and "team-summary.pdf" in pdfs
    assert any(name.startswith(first_rep) for name in pdfs)


def test_unknown_rep_option_is_an_input_problem(sample: Path, tmp_path: Path) -> None:
    before = sample.read_bytes()
    result = goalreport("report", sample, "--out", tmp_path / "r", "--rep", "NOPE")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: --rep: 'NOPE' is not an active rep of this workbook. Active reps: "
        f"{SAMPLE_REPS}.\n1 input problem; nothing was written. Fix them and run again.\n")
    assert sample.read_bytes() == before


def test_init_then_check(tmp_path: Path) -> None:
    book = tmp_path / "new.xlsx"
    made = goalreport("init", book, "--example")
    assert (made.exit_code, made.stderr) == (0, (
        f"Wrote {book}. Fill in Reps, Goals and Activity, then run 'goalreport check "
        f"{book}'.\n"))
    result = goalreport("check", book)
    assert (result.exit_code, result.stderr) == (0, f"{book}: no problems found.\n")
    before = book.read_bytes()
    again = goalreport("init", book)
    assert again.exit_code == 1
    assert again.stderr == (f"Error: {book} already exists; goalreport init never overwrites "
                            "a file. Give a new file name, or move the old file away first.\n")
    assert book.read_bytes() == before


def test_json_failure_is_json_on_stdout(tmp_path: Path) -> None:
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"
    book = write_workbook(tmp_path / "team.xlsx", sheets)
    result = goalreport("run", book, "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["ok"] is False
    assert summary["error"] == "1 input problem"
    assert [p.split(":")[0] for p in summary["problems"]] == ["Goals!C2"]

    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("not a workbook")
    result = goalreport("plan", bogus, "--json")
    assert result.exit_code == 1
    failure = json.loads(result.stdout)
    assert (failure["ok"], failure["problems"], failure["warnings"]) == (False, [], [])
    assert failure["error"] == ("notes.xlsx: is a text file (CSV or similar), not an Excel "
                                "workbook. Open it in Excel and save it as 'Excel Workbook "
                                "(.xlsx)', and run again.")


def _break_run_log(book: Path) -> None:
    """Rewrite ``book`` with its Run Log sheet's XML cut short (a damaged part)."""
    with zipfile.ZipFile(book) as archive:
        entries = [(info, archive.read(info.filename)) for info in archive.infolist()]
        sheets = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet name="Run Log"[^>]*r:id="(\w+)"', sheets)[1]  # type: ignore[index]
    target = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*/>', rels)[0]  # type: ignore[index]
    part = "xl/" + re.search(r'Target="/?(?:xl/)?([^"]+)"', target)[1]  # type: ignore[index]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, b"<worksheet><sheetData><row" if info.filename == part
                             else data)


def test_verbose_shows_the_backup_and_notes_always_show(tmp_path: Path) -> None:
    """The write-back's backup path (with --verbose) and its notes (always, unless
    --quiet): an unreadable Run Log starts afresh, and the manager is told."""
    book = write_workbook(tmp_path / "team.xlsx", minimal_sheets())
    summary = f"{book}: wrote Plan, Weekly Plan, Run Log for 1 reps as of 2026-06-30.\n"
    first = goalreport("plan", book, "--verbose")
    backups = tmp_path / ".goalreport-backups"
    [kept] = backups.iterdir()
    assert first.stderr == f"kept the previous version as {kept}\n" + summary

    _break_run_log(book)
    second = goalreport("plan", book, "--json")
    note = json.loads(second.stdout)["notes"]
    assert len(note) == 1 and note[0].startswith("The old Run Log could not be read (")
    assert note[0].endswith("); it starts afresh.")
    assert second.stderr == f"Note: {note[0]}\n" + summary
    assert goalreport("plan", book, "--quiet").stderr == ""
