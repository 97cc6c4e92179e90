"""The files side of a batch: what counts as a workbook, when one is ready, the lock,
atomic JSON. Real files in tmp_path; the lock is also tested against a real second run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goalreport.batch.identities import place
from goalreport.batch.inbox import (
    LOCK_NAME,
    STALE_AFTER_SECONDS,
    Snapshot,
    check_ready,
    inbox_lock,
    owner_files,
    remove_stale_temps,
    scan_inbox,
)
from goalreport.errors import BatchLocked
from goalreport.guard.safefs import Folder
from goalreport.guard.statefile import write_json_atomic

GOALREPORT = Path(sys.executable).with_name("goalreport")
#: The smallest complete zip: an end-of-central-directory record and nothing else.
EMPTY_ZIP = b"PK\x05\x06" + bytes(18)


def touch(path: Path, data: bytes = EMPTY_ZIP) -> Path:
    path.write_bytes(data)
    return path


def later(seconds: float) -> float:
    """The clock ``seconds`` from now: a file's ctime cannot be set back, so the tests
    move the clock forward instead."""
    return time.time() + seconds


def names_in(folder: Path) -> set[str]:
    return {name.casefold() for name in os.listdir(folder)}


def test_scan_takes_workbooks_directly_in_the_inbox(tmp_path: Path) -> None:
    for name in ["b.xlsx", "A.XLSM", "~$b.xlsx", "~tmp123.xlsx", ".hidden.xlsx", "c.xlsx.tmp",
                 "book.TMP", "notes.txt", "export.csv", "old.xls", "calc.ods"]:
        touch(tmp_path / name)
    (tmp_path / "reports").mkdir()
    touch(tmp_path / "reports" / "nested.xlsx")
    (tmp_path / "link.xlsx").symlink_to(tmp_path / "b.xlsx")

    with Folder.open(tmp_path) as inbox:
        candidates, ignored = scan_inbox(inbox)

    assert [c.name for c in candidates] == ["A.XLSM", "b.xlsx", "calc.ods", "link.xlsx",
                                            "old.xls"]
    unsupported = {c.name: c.unsupported for c in candidates}
    assert unsupported["A.XLSM"] is None and unsupported["b.xlsx"] is None
    assert "save it as .xlsx" in str(unsupported["old.xls"])
    assert "OpenDocument" in str(unsupported["calc.ods"])
    assert "symbolic link" in str(unsupported["link.xlsx"])
    assert [(i.name, i.why) for i in ignored] == [
        ("export.csv", "not a workbook (.xlsx or .xlsm)"),
        ("notes.txt", "not a workbook (.xlsx or .xlsm)"),
    ]


@pytest.mark.parametrize("owner", [
    "~$quarterly-goals.xlsx",     # Excel
    "~$arterly-goals.xlsx",       # Office's shortened form for long names
    ".~lock.quarterly-goals.xlsx#",  # LibreOffice
])
def test_workbook_open_in_a_spreadsheet_program_is_not_ready(tmp_path: Path, owner: str) -> None:
    book = touch(tmp_path / "quarterly-goals.xlsx")
    touch(tmp_path / owner, b"owner")

    assert owner_files(book, names_in(tmp_path)) == [owner]
    verdict = check_ready(book, Snapshot.of(book), names_in(tmp_path), now=later(60),
                          settle_seconds=5)
    assert verdict.status == "not ready"
    assert repr(owner) in verdict.why


def test_owner_file_left_for_over_a_day_is_a_failure_someone_must_see(tmp_path: Path) -> None:
    book = touch(tmp_path / "team.xlsx")
    touch(tmp_path / "~$team.xlsx", b"owner")

    verdict = check_ready(book, Snapshot.of(book), names_in(tmp_path),
                          now=later(STALE_AFTER_SECONDS + 3600),
                          settle_seconds=5)
    assert verdict.status == "failed"
    assert verdict.why.startswith("open in a spreadsheet program for 25 hours")
    assert "delete '~$team.xlsx' if nobody has it open" in verdict.why


def test_recently_changed_workbook_waits_for_the_settle_time(tmp_path: Path) -> None:
    book = touch(tmp_path / "team.xlsx")
    snapshot = Snapshot.of(book)
    now = snapshot.changed_at + 2

    waiting = check_ready(book, snapshot, set(), now=now, settle_seconds=5)
    assert waiting.status == "not ready"
    assert waiting.why.startswith("changed 2.0 s ago (settle time 5 s)")
    assert check_ready(book, snapshot, set(), now=now + 3.5, settle_seconds=5).status == "ready"
    assert check_ready(book, snapshot, set(), now=now, settle_seconds=0).status == "ready"


def test_zip_without_its_end_record_is_still_being_copied(tmp_path: Path) -> None:
    partial = b"PK\x03\x04" + b"\x00" * 5000
    book = touch(tmp_path / "copying.xlsx", partial)
    verdict = check_ready(book, Snapshot.of(book), set(), now=later(60), settle_seconds=5)
    assert verdict.status == "not ready"
    assert verdict.why.startswith("incomplete: the zip has no end record yet")

    verdict = check_ready(book, Snapshot.of(book), set(), now=later(STALE_AFTER_SECONDS + 60),
                          settle_seconds=5)
    assert verdict.status == "failed"
    assert "Copy the workbook into the inbox again" in verdict.why


def test_files_that_are_no_zip_at_all_are_left_to_the_reader(tmp_path: Path) -> None:
    """An encrypted workbook or a text file is not "being copied": the run reports it."""
    for name, data in [("empty.xlsx", b""), ("text.xlsx", b"Rep ID,Name\n"),
                       ("secret.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))]:
        book = touch(tmp_path / name, data)
        assert check_ready(book, Snapshot.of(book), set(), now=later(60),
                           settle_seconds=5).status == "ready"


def test_snapshots_differ_when_the_file_changes(tmp_path: Path) -> None:
    book = touch(tmp_path / "team.xlsx")
    before = Snapshot.of(book)
    with book.open("ab") as handle:
        handle.write(b"more")
    assert Snapshot.of(book) != before
    assert Snapshot.of(book) == Snapshot.of(book)


def test_report_folders_follow_each_workbooks_identity_alone() -> None:
    """east.xlsx and east.xlsm are two workbooks: two identities, two folders, whatever
    else is in the inbox; a file named like another's old folder ("east-xlsx.xlsx",
    "runs.xlsx") gets its own."""
    from goalreport.batch.inbox import Candidate

    ids = {"east.xlsx": "3f2a9c1d" + "0" * 24, "east.xlsm": "77aa0b12" + "1" * 24,
           "east-xlsx.xlsx": "0c0ffee0" + "2" * 24, "runs.xlsx": "abcdef01" + "3" * 24}
    candidates = [Candidate(Path("/in") / n) for n in ids]
    placed = place(candidates, {}, read=lambda c: ids[c.name])
    assert {n: p.folder for n, p in placed.items()} == {
        "east.xlsx": "east-3f2a9c1d", "east.xlsm": "east-77aa0b12",
        "east-xlsx.xlsx": "east-xlsx-0c0ffee0", "runs.xlsx": "runs-abcdef01"}
    alone = place(candidates[:1], {}, read=lambda c: ids[c.name])
    assert alone["east.xlsx"] == placed["east.xlsx"]
    assert all(p.refused is None for p in placed.values())


def test_a_copy_is_refused_and_the_known_workbook_goes_on() -> None:
    from goalreport.batch.inbox import Candidate

    same = "3f2a9c1d" + "0" * 24
    candidates = [Candidate(Path("/in") / n) for n in ("east.xlsx", "zz-copy.xlsx")]
    placed = place(candidates, {"east.xlsx": {"identity": same}}, read=lambda c: same)
    assert placed["east.xlsx"].refused is None
    assert placed["zz-copy.xlsx"].refused == (
        "carries the goalreport identity of 'east.xlsx' (it is a copy of it, or made to look "
        "like one; or its identity names the same report folder): goalreport does not run "
        "it, so that nobody is mailed twice and 'east.xlsx' keeps its reports. If it is a "
        "workbook of its own, give it an identity of its own with 'goalreport run FILE "
        "--new-identity', or remove it.")
    neither = place(candidates, {}, read=lambda c: same)
    assert all(p.refused and "runs none of them" in p.refused for p in neither.values())


def test_second_holder_of_the_lock_is_refused_with_the_first_ones_pid(tmp_path: Path) -> None:
    inbox = Folder.open(tmp_path)
    with inbox_lock(inbox):
        assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
        with pytest.raises(BatchLocked) as refused, inbox_lock(inbox):
            pass  # pragma: no cover - never reached
        assert str(refused.value) == (f"another goalreport batch is already running on "
                                      f"{tmp_path} (pid {os.getpid()}); this run did nothing")
    with inbox_lock(inbox):  # released on exit
        pass
    inbox.close()


def test_batch_command_exits_3_and_touches_nothing_while_the_lock_is_held(tmp_path: Path
                                                                           ) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    touch(inbox / "team.xlsx")
    with Folder.open(inbox) as folder, inbox_lock(folder):
        done = subprocess.run([str(GOALREPORT), "batch", str(inbox), "--settle", "0"],
                              check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stdout == ""
    assert done.stderr == (f"Error: another goalreport batch is already running on {inbox} "
                           f"(pid {os.getpid()}); this run did nothing\n")
    assert sorted(os.listdir(inbox)) == [LOCK_NAME, "team.xlsx"]


def test_json_is_replaced_whole_and_stale_temps_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "state.json"
    folder = Folder.open(tmp_path)
    write_json_atomic(folder, "state.json", {"a": 1})
    write_json_atomic(folder, "state.json", {"a": 2, "name": "Zoë"})
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": 2, "name": "Zoë"}
    assert sorted(os.listdir(tmp_path)) == ["state.json"]

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          check=True, capture_output=True, text=True).stdout.strip()
    stale = touch(tmp_path / f".goalreport-state.json.{dead}.0123456789abcdef.tmp", b'{"a": ')
    alive = touch(tmp_path / f".goalreport-state.json.{os.getpid()}.0123456789abcdef.tmp")
    foreign = touch(tmp_path / ".somebody-else.tmp", b"keep")
    assert remove_stale_temps(folder) == [stale.name]
    assert foreign.exists() and target.exists() and alive.exists()
    folder.close()


HOLD_AND_FORK = """
import os, sys, time
from pathlib import Path
from goalreport.batch.inbox import inbox_lock
from goalreport.guard.safefs import Folder
with inbox_lock(Folder.open(Path(sys.argv[1]))):
    child = os.fork()
    if child == 0:
        time.sleep(60)
        os._exit(0)
    print(child, flush=True)
    time.sleep(60)
"""


def test_lock_dies_with_the_batch_even_while_its_forked_child_lives(tmp_path: Path) -> None:
    """A SIGKILLed batch must not leave the inbox locked by its bounded reader child."""
    holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_FORK, str(tmp_path)],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    child = int(holder.stdout.readline())
    try:
        with pytest.raises(BatchLocked, match=f"pid {holder.pid}"), \
                inbox_lock(Folder.open(tmp_path)):
            pass  # pragma: no cover - never reached
        holder.kill()
        holder.wait(timeout=30)
        with inbox_lock(Folder.open(tmp_path)):
            assert (tmp_path / LOCK_NAME).read_text() == f"{os.getpid()}\n"
    finally:
        holder.kill()
        os.kill(child, signal.SIGKILL)
