"""A shared inbox cannot reach outside itself, and one hostile or broken workbook there
cannot stop the batch (the sections are numbered by attack, the tests after them).

The cron job may run with more rights than the managers who drop files into the inbox.
Each test first plants what such a manager could plant (real symlinks, hard links, a
FIFO, a nested state file, a name with a newline) and checks that nothing outside the
inbox and its reports is read, written or deleted, with one clear line for the manager.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from writeback_helpers import WHEN, entry, plan_table

from goalreport.batch import runner, workbook_job
from goalreport.batch.runner import run_batch
from goalreport.errors import UnsafePath, WorkbookBusy
from goalreport.guard.safefs import open_workbook
from goalreport.guard.snapshot import Snapshot
from goalreport.jobs import JobOptions
from goalreport.writeback import write_computed_sheets
from tests.conftest import minimal_sheets, write_workbook

GOALREPORT = Path(sys.executable).with_name("goalreport")
QUICK = JobOptions(today=dt.date(2026, 7, 1), now=dt.datetime(2026, 7, 1, 1, 30),
                   as_of=dt.date(2026, 6, 30), render=False)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder the managers must not reach, with a file they must not change."""
    folder = tmp_path / "private"
    folder.mkdir()
    (folder / "victim.txt").write_text("precious\n")
    return folder


def batch(inbox: Path, options: JobOptions = QUICK, **kwargs) -> tuple[runner.BatchManifest,
                                                                       list[str]]:
    lines: list[str] = []
    manifest = run_batch(inbox, kwargs.pop("out_dir", None), options,
                         settle_seconds=kwargs.pop("settle_seconds", 0),
                         log=lambda level, message: lines.append(f"{level} {message}"), **kwargs)
    return manifest, lines


def items(manifest: runner.BatchManifest) -> dict[str, tuple[str, str]]:
    return {item.name: (item.status, item.why) for item in manifest.items}


def tree(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: file bytes, or where a link points."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = "-> " + os.readlink(path)
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


# --- 1. the lock ------------------------------------------------------------------------


@pytest.mark.parametrize("plant", ["symlink", "hardlink"])
def test_1_lock_planted_as_a_link_is_refused_and_its_target_untouched(
        inbox: Path, outside: Path, plant: str) -> None:
    victim = outside / "victim.txt"
    getattr(os, plant if plant == "symlink" else "link")(victim, inbox / ".goalreport.lock")
    write_workbook(inbox / "team.xlsx", minimal_sheets())

    with pytest.raises(UnsafePath) as refused:
        batch(inbox)

    lock = str(inbox / ".goalreport.lock")
    assert str(refused.value) == (
        f"{lock!r} is a symbolic link: goalreport opens only plain files there, never "
        "through a link. Replace it with the file itself, or remove it, and run again."
        if plant == "symlink" else
        f"{lock!r} is a second name (a hard link) of another file; goalreport does not "
        "write into it. Remove it and run again.")
    assert victim.read_text() == "precious\n"
    assert not (inbox / "reports").exists()


# --- 2. the backups ---------------------------------------------------------------------


def test_2_backups_folder_planted_as_a_link_fails_that_run_and_touches_nothing_there(
        inbox: Path, outside: Path) -> None:
    for day in range(1, 8):  # named like backups: the old rotation deleted all but five
        (outside / f"team.202601{day:02d}-000000.xlsx").write_bytes(b"someone's file")
    os.symlink(outside, inbox / ".goalreport-backups")
    book = write_workbook(inbox / "team.xlsx", minimal_sheets())
    before, outside_before = book.read_bytes(), tree(outside)

    manifest, _ = batch(inbox)

    status, why = items(manifest)["team.xlsx"]
    assert status == "failed"
    assert why == (f"{str(inbox / '.goalreport-backups')!r} is a symbolic link: goalreport "
                   "makes this folder itself and does not follow links there (someone who can "
                   "write to its folder may have planted it). Remove it and run again.")
    assert book.read_bytes() == before  # nothing written without its backup
    assert tree(outside) == outside_before


def test_2_a_dangling_link_with_the_next_backup_name_is_skipped_not_written_through(
        make_workbook, tmp_path: Path) -> None:
    book = make_workbook()
    target = tmp_path / "anywhere" / "planted.bin"
    target.parent.mkdir()
    backups = book.parent / ".goalreport-backups"
    backups.mkdir()
    predictable = f"book.{WHEN:%Y%m%d-%H%M%S}.xlsx"
    os.symlink(target, backups / predictable)
    old = book.read_bytes()

    outcome = write_computed_sheets(book, [plan_table()], run_log=entry(WHEN),
                                    currency="USD", locale="en_US")

    assert not target.exists()  # the old code's copy wrote the workbook's bytes there
    assert os.readlink(backups / predictable) == str(target)
    assert outcome.backup == backups / f"book.{WHEN:%Y%m%d-%H%M%S}-2.xlsx"
    assert outcome.backup.read_bytes() == old


# --- 3. the reports folders -------------------------------------------------------------


@pytest.mark.parametrize("planted", ["reports", "reports/runs"])
def test_3_reports_or_runs_folder_planted_as_a_link_stops_the_batch_with_one_line(
        inbox: Path, outside: Path, planted: str) -> None:
    for number in range(450):  # the old pruning kept only 400 of these
        (outside / f"{number:03d}.json").write_text("{}")
    if planted == "reports/runs":
        (inbox / "reports").mkdir()
    os.symlink(outside, inbox / planted)
    write_workbook(inbox / "team.xlsx", minimal_sheets())
    outside_before = tree(outside)

    with pytest.raises(UnsafePath, match=re.escape(f"{str(inbox / planted)!r} is a symbolic "
                                                   "link: goalreport makes this folder")):
        batch(inbox)

    assert tree(outside) == outside_before


def test_3_planted_temp_links_are_removed_without_touching_their_targets(
        inbox: Path, outside: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          check=True, capture_output=True, text=True).stdout.strip()
    reports = inbox / "reports"
    (reports / "runs").mkdir(parents=True)
    planted = [reports / f".goalreport-last-run.json.{dead}.00112233445566aa.tmp",
               reports / "runs" / f".goalreport-x.json.{dead}.00112233445566aa.tmp"]
    for link in planted:
        os.symlink(outside / "victim.txt", link)
    write_workbook(inbox / "team.xlsx", minimal_sheets())

    manifest, _ = batch(inbox)

    assert items(manifest)["team.xlsx"][0] == "done"
    assert not any(os.path.lexists(link) for link in planted)
    assert (outside / "victim.txt").read_text() == "precious\n"
    names = os.listdir(reports) + os.listdir(reports / "runs")
    assert not [name for name in names if name.endswith(".tmp")]


def test_3_a_workbooks_report_folder_that_is_a_link_or_someone_elses_fails_only_it(
        inbox: Path, outside: Path) -> None:
    """Reports are rendered here (one rep each): the folder check is in the renderer. The
    workbooks were run before, so their identities, and their folders, are known."""
    ids = {"east": "e" * 32, "west": "a" * 32, "north": "b" * 32}
    for name, identity in ids.items():
        write_workbook(inbox / f"{name}.xlsx", minimal_sheets(), identity=identity)
    west, north = inbox / "reports" / "west-aaaaaaaa", inbox / "reports" / "north-bbbbbbbb"
    west.mkdir(parents=True)
    os.symlink(outside, west / "2026-06")
    os.chmod(inbox, 0o777)  # shared: the managers may write here
    north.mkdir()
    os.chown(north, 65534, 65534)
    os.chmod(inbox / "reports", 0o777)
    before = {name: (inbox / f"{name}.xlsx").read_bytes() for name in ("west", "north")}

    manifest, _ = batch(inbox, replace(QUICK, render=True, jobs=1))

    found = items(manifest)
    assert found["east.xlsx"][0] == "done"
    assert found["west.xlsx"] == ("failed", (
        f"{str(west / '2026-06')!r} is a symbolic link: goalreport "
        "makes this folder itself and does not follow links there (someone who can write to "
        "its folder may have planted it). Remove it and run again."))
    owner = "root" if os.geteuid() == 0 else str(os.geteuid())
    assert found["north.xlsx"][0] == "failed"
    assert found["north.xlsx"][1].startswith(
        f"{str(north)!r} belongs to nobody, not to {owner} who runs "
        "goalreport")
    assert tree(outside) == {"victim.txt": b"precious\n"}
    for name, data in before.items():  # refused before the workbook was written
        assert (inbox / f"{name}.xlsx").read_bytes() == data


# --- 4. a workbook swapped for a link after the scan ----------------------------------


def test_4_workbook_swapped_for_a_link_after_the_scan_is_refused(
        inbox: Path, outside: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private = write_workbook(outside / "salaries.xlsx", minimal_sheets())
    private_before = private.read_bytes()
    write_workbook(inbox / "team.xlsx", minimal_sheets())
    job = workbook_job.run_job

    def swap_then_run(path: Path, options: JobOptions, **kwargs):  # type: ignore[no-untyped-def]
        staged = inbox / ".staged"
        os.symlink(private, staged)
        os.replace(staged, path)  # after every check the batch made
        return job(path, options, **kwargs)

    monkeypatch.setattr(workbook_job, "run_job", swap_then_run)
    manifest, _ = batch(inbox)

    assert items(manifest)["team.xlsx"] == ("failed", (
        f"{str(inbox / 'team.xlsx')!r} is a symbolic link: goalreport opens only plain "
        "files there, never through a link. Replace it with the file itself, or remove it, "
        "and run again."))
    assert private.read_bytes() == private_before
    assert not (inbox / ".goalreport-backups").exists()
    assert sorted(os.listdir(inbox)) == [".goalreport.lock", "reports", "team.xlsx"]


def test_4_open_workbook_reads_only_the_scanned_regular_file(inbox: Path) -> None:
    book = write_workbook(inbox / "team.xlsx", minimal_sheets())
    seen = Snapshot.of(book)
    with open_workbook(book, seen) as opened:
        os.replace(write_workbook(inbox / "other.xlsx", minimal_sheets()), book)
        assert opened.view.name == "team.xlsx"
        assert os.stat(opened.view).st_ino == seen.inode  # still the file that was opened
    with pytest.raises(WorkbookBusy, match="^team.xlsx changed while it was being checked$"):
        open_workbook(book, seen)
    os.mkfifo(inbox / "pipe.xlsx")  # a FIFO must be refused at once, not hang the open
    with pytest.raises(UnsafePath, match="pipe.xlsx' is not a regular file"):
        open_workbook(inbox / "pipe.xlsx")


# --- 5. the state file ------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"[" * 200_000, b"{" * 10 + b"\xff", b" " * (33 << 20)],
                         ids=["deeply nested", "not utf-8", "over 32 MiB"])
def test_5_a_damaged_state_file_means_start_afresh_with_a_warning(
        inbox: Path, content: bytes) -> None:
    (inbox / "reports").mkdir()
    state = inbox / "reports" / ".goalreport-state.json"
    state.write_bytes(content)
    write_workbook(inbox / "team.xlsx", minimal_sheets())

    manifest, lines = batch(inbox)

    assert items(manifest)["team.xlsx"][0] == "done"
    warnings = [line for line in lines if line.startswith(f"warning {state} is unreadable (")]
    assert len(warnings) == 1 and warnings[0].endswith("); every workbook is redone")
    assert list(json.loads(state.read_text())["workbooks"]) == ["team.xlsx"]


# --- 6. names in logs and manifests ----------------------------------------------------


def test_6_a_newline_in_a_file_name_cannot_forge_a_log_line(inbox: Path) -> None:
    forged = "x.xlsx\n2026-07-01T01:30:00+0000 goalreport[1] INFO \u202eevil.xlsx: done"
    sheets = minimal_sheets()
    sheets["Goals"][1][2] = "lots"  # fails fast: no rendering needed
    write_workbook(inbox / "plain.xlsx", sheets)
    os.rename(inbox / "plain.xlsx", inbox / (forged + ".xlsx"))

    done = subprocess.run([str(GOALREPORT), "batch", str(inbox), "--settle", "0",
                           "--as-of", "2026-06-30"], check=False, capture_output=True,
                          text=True, timeout=300, stdin=subprocess.DEVNULL)

    lines = done.stderr.splitlines()
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} goalreport\[\d+\] [A-Z]+ ")
    assert lines and all(stamp.match(line) for line in lines), done.stderr
    assert sum(" INFO [1/1]" in line or " ERROR [1/1]" in line for line in lines) == 1
    shown = repr(forged + ".xlsx")
    assert any(f"ERROR [1/1] {shown}: failed: " in line for line in lines)
    raw = (inbox / "reports" / "last-run.json").read_text(encoding="utf-8")
    assert "\u202e" not in raw and "\\u202e" in raw and "x.xlsx\\n2026" in raw
    assert json.loads(raw)["workbooks"][0]["name"] == forged + ".xlsx"


# --- 12. one job's crash never stops the others ---------------------------------------

CRASH_ONE = """
import datetime as dt, json, os, signal, sys
from pathlib import Path
from goalreport.batch import runner, workbook_job
from goalreport.jobs import JobOptions

job = workbook_job.run_job
def crash_on_a(path, options, **kwargs):
    if path.name == "a.xlsx":
        os.kill(os.getpid(), signal.SIGSEGV)  # a real segmentation fault signal
    return job(path, options, **kwargs)
workbook_job.run_job = crash_on_a
options = JobOptions(today=dt.date(2026, 7, 1), now=dt.datetime(2026, 7, 1),
                     as_of=dt.date(2026, 6, 30), render=False)
manifest = runner.run_batch(Path(sys.argv[1]), None, options, settle_seconds=0)
print(json.dumps({i.name: [i.status, i.why] for i in manifest.items}))
"""


def test_12_a_job_that_crashes_fails_alone_and_the_batch_goes_on(inbox: Path) -> None:
    for name in ("a", "b"):
        write_workbook(inbox / f"{name}.xlsx", minimal_sheets())

    done = subprocess.run([sys.executable, "-c", CRASH_ONE, str(inbox)], check=False,
                          capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr  # the old batch died here with SIGSEGV
    outcome = json.loads(done.stdout)
    assert outcome["a.xlsx"] == ["failed", (
        "the job crashed (signal SIGSEGV) and wrote nothing further; the other workbooks were "
        "not affected. Run it on its own with 'goalreport run' and --debug to see why.")]
    assert outcome["b.xlsx"][0] == "done"


CRASH_WHILE_MAILING = """
import datetime as dt, json, os, signal, sys
from pathlib import Path
from goalreport.batch import runner
from goalreport.delivery.outcome import SendOptions
from goalreport.jobs import JobOptions
from goalreport.reports import render

real = render.render_reports
def crash_on_a(computation, settings, out_dir, **kwargs):
    if out_dir.name.startswith("a-"):
        os.kill(os.getpid(), signal.SIGSEGV)  # as Pango does on a font it cannot handle
    return real(computation, settings, out_dir, **kwargs)
render.render_reports = crash_on_a
# No PDFs from the job: the mail renders every report it attaches.
options = JobOptions(today=dt.date(2026, 7, 1), now=dt.datetime(2026, 7, 1),
                     as_of=dt.date(2026, 6, 30), render=False, jobs=1)
manifest = runner.run_batch(Path(sys.argv[1]), None, options, settle_seconds=0,
                            send=SendOptions(dry_run=True))
print(json.dumps({i.name: [i.status, i.why, i.delivery] for i in manifest.items}))
"""


@pytest.mark.slow
def test_12_a_crash_while_rendering_for_the_mail_fails_that_workbook_alone(inbox: Path
                                                                           ) -> None:
    """The reports a workbook's mail needs are rendered in its own job process too."""
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Email", "Team"],
                      ["R1", "Ana Lima", "ana@example.com", "East"]]
    sheets["Settings"].append(["Manager Email", "boss@example.com"])
    for name in ("a", "b"):
        write_workbook(inbox / f"{name}.xlsx", sheets, identity=name * 32)

    done = subprocess.run([sys.executable, "-c", CRASH_WHILE_MAILING, str(inbox)],
                          check=False, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr  # the old batch died here: it rendered itself
    outcome = json.loads(done.stdout)
    assert outcome["a.xlsx"] == ["failed", (
        "the job crashed (signal SIGSEGV) and wrote nothing further; the other workbooks were "
        "not affected. Run it on its own with 'goalreport run' and --debug to see why."),
        None]
    status, _, delivery = outcome["b.xlsx"]
    assert status == "done" and delivery["ok"] is True
    outbox = inbox / "reports" / "b-bbbbbbbb" / "2026-06" / "outbox"
    assert {d["file"]: d["state"] for d in delivery["deliveries"]} == {
        "R1-Ana-Lima.pdf": "would send", "team-summary.pdf": "would send"}
    assert sorted(p.name for p in outbox.iterdir()) == ["R1-Ana-Lima.eml",
                                                        "team-summary.eml"]


# --- 13. the batch knows its own write ------------------------------------------------


def test_13_the_batchs_own_write_is_not_someone_elses_fresh_change(inbox: Path) -> None:
    book = write_workbook(inbox / "team.xlsx", minimal_sheets())
    def settled() -> float:  # the clock of a run long after the file was made
        return time.time() + 60

    first, _ = batch(inbox, settle_seconds=5, clock=settled)
    again, _ = batch(inbox, settle_seconds=5)  # at once: our write is a second old

    assert items(first)["team.xlsx"][0] == "done"
    status, why = items(again)["team.xlsx"]
    assert status == "skipped" and why.startswith("unchanged since its last run")

    os.utime(book)  # someone else touches it: that change must settle
    later, _ = batch(inbox, settle_seconds=5)
    status, why = items(later)["team.xlsx"]
    assert status == "not ready" and "settle time 5 s" in why


def test_4_by_hand_a_link_to_a_workbook_is_one_line_and_nothing_is_written(
        tmp_path: Path) -> None:
    real = write_workbook(tmp_path / "real.xlsx", minimal_sheets())
    before = real.read_bytes()
    os.symlink(real, tmp_path / "team.xlsx")

    done = subprocess.run([str(GOALREPORT), "plan", str(tmp_path / "team.xlsx")],
                          check=False, capture_output=True, text=True, timeout=120)

    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {str(tmp_path / 'team.xlsx')!r} is a symbolic link: goalreport opens only "
        "plain files there, never through a link. Replace it with the file itself, or "
        "remove it, and run again.\n")
    assert real.read_bytes() == before and os.path.islink(tmp_path / "team.xlsx")


def test_4_view_folders_of_killed_runs_are_swept(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A run killed with SIGKILL cannot remove its private view folder; the next one does
    (only this user's folders of processes that are gone)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          check=True, capture_output=True, text=True).stdout.strip()
    stale = temp / f"goalreport-view-{dead}-abc123"
    live = temp / f"goalreport-view-{os.getpid()}-def456"
    for folder in (stale, live):
        folder.mkdir()
        os.symlink("/proc/self/fd/4", folder / "book.xlsx")
    book = write_workbook(tmp_path / "book.xlsx", minimal_sheets())

    with open_workbook(book) as opened:
        assert opened.view.parent.parent == temp
    assert not stale.exists() and live.exists()
    assert sorted(p.name for p in temp.iterdir()) == [live.name]
