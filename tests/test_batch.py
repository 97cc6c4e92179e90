"""``goalreport batch`` end to end: the installed command run as cron would run it, on a
real inbox folder holding a good workbook and the files a cron job meets sooner or later."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from goalreport import __version__
from goalreport.batch.runner import run_batch
from goalreport.batch.state import same_run
from goalreport.jobs import JobOptions
from tests.conftest import REPO, identity_of, minimal_sheets, write_workbook

GOALREPORT = Path(sys.executable).with_name("goalreport")
SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
COMPUTED = ("Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log")
HOSTILE = "poi__test-data_spreadsheet_poc-xmlbomb.xlsx"
#: As Of fixed so that nothing depends on today's date.
DATES = ["--as-of", "2026-06-30"]


def batch(inbox: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run the installed command the way cron does: no terminal, output captured."""
    return subprocess.run(
        [str(GOALREPORT), "batch", str(inbox), "--settle", "0", "--jobs", "1", *DATES, *args],
        check=False, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def start_batch(inbox: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(GOALREPORT), "batch", str(inbox), "--settle", "0", "--jobs", "1", *DATES, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)


def good_workbook(path: Path) -> Path:
    """The bundled sample when it exists, else the smallest valid workbook."""
    if SAMPLE.is_file():
        shutil.copyfile(SAMPLE, path)
        return path
    return write_workbook(path, minimal_sheets())


def broken_workbook(path: Path) -> Path:
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"  # New Client Target
    return write_workbook(path, sheets)


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def computed_sheets(path: Path) -> list[str]:
    """The computed sheets of a workbook that openpyxl can open, in workbook order."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return [name for name in book.sheetnames if name in COMPUTED]
    finally:
        book.close()


def run_log_rows(path: Path) -> int:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sum(1 for row in book["Run Log"].iter_rows(min_row=2) if row[0].value)
    finally:
        book.close()


def statuses(manifest: dict) -> dict[str, str]:
    return {item["name"]: item["status"] for item in manifest["workbooks"]}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.mark.slow
def test_good_workbook_done_bad_files_reported_and_untouched(inbox: Path) -> None:
    good = good_workbook(inbox / "acme.xlsx")
    broken = broken_workbook(inbox / "broken.xlsx")
    busy = good_workbook(inbox / "busy.xlsx")
    (inbox / "~$busy.xlsx").write_bytes(b"\x0cSomeone")
    old = inbox / "legacy.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000))
    notes = inbox / "notes.txt"
    notes.write_text("quota notes\n")
    untouched = [broken, busy, old, notes, inbox / "~$busy.xlsx"]
    before = {path: fingerprint(path) for path in untouched}

    done = batch(inbox, "--json")

    assert done.returncode == 1, done.stderr
    manifest = json.loads(done.stdout)
    assert statuses(manifest) == {"acme.xlsx": "done", "broken.xlsx": "failed",
                                  "busy.xlsx": "not ready", "legacy.xls": "failed"}
    assert manifest["counts"] == {"done": 1, "skipped": 0, "not ready": 1, "failed": 2}
    assert manifest["exit_code"] == 1 and manifest["finished"] is not None
    assert manifest["ignored"] == [{"name": "notes.txt",
                                    "why": "not a workbook (.xlsx or .xlsm)"}]
    items = {item["name"]: item for item in manifest["workbooks"]}

    acme = items["acme.xlsx"]
    assert acme["as_of"] == "2026-06-30" and acme["report_month"] == "2026-06"
    folder = inbox / "reports" / f"acme-{identity_of(good)[:8]}"
    assert acme["report_dir"] == str(folder)
    assert acme["files"] and all(Path(f).is_file() for f in acme["files"])
    assert all(Path(f).parent == folder / "2026-06" for f in acme["files"])
    assert any(f.endswith(".pdf") for f in acme["files"])
    assert computed_sheets(good) == list(COMPUTED)

    assert items["broken.xlsx"]["why"].endswith("nothing was written")
    assert any("Goals" in p and "'lots'" in p for p in items["broken.xlsx"]["problems"])
    assert "'~$busy.xlsx'" in items["busy.xlsx"]["why"]
    assert "save it as .xlsx" in items["legacy.xls"]["why"]
    for path, print_before in before.items():
        assert fingerprint(path) == print_before, path

    reports = inbox / "reports"
    assert json.loads((reports / "last-run.json").read_text()) == manifest
    runs = list((reports / "runs").iterdir())
    assert len(runs) == 1 and json.loads(runs[0].read_text()) == manifest
    state = json.loads((reports / ".goalreport-state.json").read_text())
    assert list(state["workbooks"]) == ["acme.xlsx"]
    # Cron's log: one timestamped line per workbook, no traceback.
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert any(" ERROR [2/4] 'broken.xlsx': failed: " in line for line in lines)
    assert all(line[:4].isdigit() and " goalreport[" in line for line in lines)


def test_hostile_files_fail_with_one_line_and_stay_byte_identical(inbox: Path,
                                                                  corpus: Path) -> None:
    names = [HOSTILE, "pycalamine__tests_data_password.xlsx", "pycalamine__tests_data_empty_file.xlsx"]
    for name in names:
        shutil.copyfile(corpus / "hostile" / name, inbox / name)
    before = {name: fingerprint(inbox / name) for name in names}

    done = batch(inbox, "--json")

    assert done.returncode == 1, done.stderr
    items = json.loads(done.stdout)["workbooks"]
    assert [(item["name"], item["status"]) for item in items] == \
        sorted((name, "failed") for name in names)
    for item in items:
        assert item["why"] and "\n" not in item["why"] and item["detail"] is None
        assert fingerprint(inbox / item["name"]) == before[item["name"]]
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_unchanged_workbook_is_skipped_untouched_and_redone_on_change_or_force(
        inbox: Path) -> None:
    good = write_workbook(inbox / "team.xlsx", minimal_sheets())
    first = batch(inbox, "--json")
    assert first.returncode == 0, first.stderr
    after_first = fingerprint(good)
    files = json.loads(first.stdout)["workbooks"][0]["files"]
    assert files

    second = batch(inbox, "--json")
    assert second.returncode == 0, second.stderr
    item = json.loads(second.stdout)["workbooks"][0]
    assert item["status"] == "skipped"
    assert item["why"].startswith("unchanged since its last run on ")
    assert item["files"] == files
    assert fingerprint(good) == after_first

    forced = batch(inbox, "--force", "--json")
    assert forced.returncode == 0, forced.stderr
    assert statuses(json.loads(forced.stdout)) == {"team.xlsx": "done"}
    assert fingerprint(good) != after_first
    assert computed_sheets(good) == list(COMPUTED)
    assert run_log_rows(good) == 2

    book = openpyxl.load_workbook(good)
    book["Activity"].append([dt.date(2026, 3, 2), "R1", "won", "Beta", "repeat", 250, None])
    book.save(good)
    changed = batch(inbox, "--json")
    assert statuses(json.loads(changed.stdout)) == {"team.xlsx": "done"}
    assert computed_sheets(good) == list(COMPUTED)
    assert run_log_rows(good) == 3


def entry(**changes: object) -> dict[str, object]:
    """A state entry as a run with --as-of 2026-06-30 leaves it."""
    return {"version": __version__,
            "options": {"html": False, "templates": None, "charts": True, "pdf_tags": True},
            "settings_as_of": None, "as_of": "2026-06-30", "report_month": "2026-06",
            **changes}


def job(**changes: object) -> JobOptions:
    base = JobOptions(today=dt.date(2026, 11, 27), now=dt.datetime(2026, 11, 27, 1, 0),
                      as_of=dt.date(2026, 6, 30))
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(("last", "options", "same"), [
    (entry(), job(), True),
    (entry(), job(as_of=dt.date(2026, 7, 31)), False),
    (entry(version="0.0.1"), job(), False),
    (entry(), job(html=True), False),
    (entry(), job(charts=False), False),
    (entry(), job(pdf_tags=False), False),
    # A run from before the charts existed is redone once, so the workbook gets them.
    (entry(options={"html": False, "templates": None}), job(), False),
    # No dates asked: As Of is today, so a nightly run measures progress anew each day...
    (entry(as_of="2026-11-26", report_month="2026-11"), job(as_of=None), False),
    (entry(as_of="2026-11-27", report_month="2026-11"), job(as_of=None), True),
    # ...unless the workbook's Settings fix As Of.
    (entry(settings_as_of="2026-09-30", as_of="2026-09-30", report_month="2026-09"),
     job(as_of=None), True),
    # A month that is over has a fixed As Of, its last day; the current one moves daily.
    (entry(as_of="2026-10-31", report_month="2026-10"),
     job(as_of=None, month=dt.date(2026, 10, 1)), True),
    (entry(as_of="2026-11-26", report_month="2026-11"),
     job(as_of=None, month=dt.date(2026, 11, 1)), False),
])
def test_same_run_decides_what_an_unchanged_workbook_may_skip(
        last: dict[str, object], options: JobOptions, same: bool) -> None:
    assert (same_run(last, options) is not None) is same


@pytest.mark.slow
def test_two_batches_at_once_one_works_the_other_exits_3(inbox: Path) -> None:
    books = [write_workbook(inbox / f"team{n}.xlsx", minimal_sheets()) for n in range(2)]
    first = start_batch(inbox)
    lock = inbox / ".goalreport.lock"
    while first.poll() is None and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.02)
    second = batch(inbox)
    _out, err = first.communicate(timeout=300)

    assert first.returncode == 0, err
    assert second.returncode == 3
    assert second.stderr == (f"Error: another goalreport batch is already running on {inbox} "
                             f"(pid {first.pid}); this run did nothing\n")
    for book in books:
        assert computed_sheets(book) == list(COMPUTED)
    assert len(list((inbox / "reports" / "runs").iterdir())) == 1


@pytest.mark.slow
def test_run_killed_mid_way_is_completed_by_the_next_run(inbox: Path) -> None:
    books = [write_workbook(inbox / f"team{n}.xlsx", minimal_sheets()) for n in range(2)]
    state = inbox / "reports" / ".goalreport-state.json"
    killed = start_batch(inbox)
    while killed.poll() is None and not state.exists():  # the first workbook is done
        time.sleep(0.01)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=60)
    interrupted = json.loads((inbox / "reports" / "last-run.json").read_text())

    again = batch(inbox, "--json")
    assert again.returncode == 0, again.stderr
    manifest = json.loads(again.stdout)
    assert statuses(manifest)["team0.xlsx"] == "skipped"
    assert statuses(manifest)["team1.xlsx"] in {"done", "skipped"}
    if interrupted["finished"] is None:  # killed while working on team1.xlsx
        assert statuses(manifest)["team1.xlsx"] == "done"
    for book in books:
        assert computed_sheets(book) == list(COMPUTED)
        assert run_log_rows(book) >= 1
    leftovers = [name for name in os.listdir(inbox) if name.endswith(".tmp")]
    leftovers += [name for name in os.listdir(inbox / "reports") if name.endswith(".tmp")]
    assert leftovers == []
    assert len(list((inbox / "reports" / "runs").iterdir())) == 2


def test_stop_request_ends_the_run_between_workbooks(inbox: Path) -> None:
    books = [write_workbook(inbox / f"team{n}.xlsx", minimal_sheets()) for n in range(2)]
    before = [fingerprint(book) for book in books]
    lines: list[str] = []
    options = JobOptions(today=dt.date(2026, 11, 27), now=dt.datetime(2026, 11, 27, 1, 0))

    manifest = run_batch(inbox, None, options, settle_seconds=0, stop=lambda: True,
                         log=lambda level, message: lines.append(f"{level} {message}"))

    assert manifest.interrupted and manifest.exit_code == 1 and manifest.items == []
    assert "error stopped before 'team0.xlsx' as asked (stop requested); the next run does " \
           "the rest" in lines
    assert [fingerprint(book) for book in books] == before
    last = json.loads((inbox / "reports" / "last-run.json").read_text())
    assert last["interrupted"] is True and last["finished"] == manifest.to_json()["finished"]
