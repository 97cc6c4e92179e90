"""A manager saves a new version of the workbook while goalreport works on the old one.

Excel and LibreOffice save by writing a temporary file and renaming it over the original;
the tests do exactly that (``os.replace``) at a real seam of the job: right after the
bounded reader returned the data (``jobs.load_bounded``), before the computed sheets
are written. Nothing computed from the old data may end up in the new file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest

from goalreport import jobs
from goalreport.errors import WorkbookChanged
from goalreport.jobs import JobOptions, run_job
from tests.conftest import minimal_sheets, write_workbook

OPTIONS = JobOptions(today=dt.date(2026, 7, 1), now=dt.datetime(2026, 7, 1, 9, 0),
                     render=False, as_of=dt.date(2026, 6, 30))


def team(path: Path, reps: list[tuple[str, str]]) -> Path:
    """A valid workbook with these (Rep ID, Name) reps, each with a goal."""
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Team"], *[[rid, name, "East"] for rid, name in reps]]
    sheets["Goals"] = [sheets["Goals"][0], *[[rid, 2026, 1000, 1000, 100] for rid, _ in reps]]
    for row in sheets["Activity"][1:]:
        row[1] = reps[0][0]
    return write_workbook(path, sheets)


def plan_reps(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return sorted({row[0] for row in book["Plan"].iter_rows(min_row=2, values_only=True)
                       if row[0]})
    finally:
        book.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_new_versions(monkeypatch: pytest.MonkeyPatch, path: Path,
                      versions: list[Path]) -> list[int]:
    """After each read, rename the next of ``versions`` over ``path`` (as Excel saves).
    Returns the number of reps each read saw."""
    read = jobs.load_bounded
    seen: list[int] = []

    def read_then_save(view: Path, *args):  # type: ignore[no-untyped-def]
        data = read(view, *args)
        seen.append(len(data.statuses))
        if versions:
            os.replace(versions.pop(0), path)
        return data

    monkeypatch.setattr(jobs, "load_bounded", read_then_save)
    return seen


def edit_in_place_after_the_first_read(monkeypatch: pytest.MonkeyPatch, path: Path,
                                       body: bytes) -> list[int]:
    """After the first read, overwrite ``path`` in place with ``body`` (same inode; the
    caller makes it the same size) and restore its mtime, as ``cp`` and a careful tool do.
    Returns the number of reps each read saw."""
    read = jobs.load_bounded
    seen: list[int] = []

    def read_then_edit(view: Path, *args):  # type: ignore[no-untyped-def]
        data = read(view, *args)
        seen.append(len(data.statuses))
        if len(seen) == 1:
            before = path.stat()
            with open(path, "r+b") as handle:  # same inode, same size
                handle.write(body)
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same mtime
            after = path.stat()
            assert (after.st_ino, after.st_size, after.st_mtime_ns) == \
                (before.st_ino, before.st_size, before.st_mtime_ns)
        return data

    monkeypatch.setattr(jobs, "load_bounded", read_then_edit)
    return seen


def test_a_version_saved_mid_run_is_not_overwritten_and_the_job_is_redone_on_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = team(tmp_path / "team.xlsx", [(f"R{n}", f"Old Rep {n}") for n in range(1, 6)])
    new = team(tmp_path / "saving.xlsx", [("N1", "New Ana"), ("N2", "New Bo")])
    new_input = _input_cells(new)
    seen = save_new_versions(monkeypatch, path, [new])

    result = run_job(path, OPTIONS)

    assert plan_reps(path) == ["N1", "N2"]  # nothing of the old five reps was spliced in
    assert seen == [5, 2]  # read the old version, then once more the new one
    assert result.reps == 2 and sorted(result.statuses) == ["N1", "N2"]
    assert _input_cells(path) == new_input  # the manager's edit is all there
    backups = list((tmp_path / ".goalreport-backups").iterdir())
    assert len(backups) == 1 and _input_cells(backups[0]) == new_input


def test_a_second_change_stops_the_job_with_one_line_and_writes_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = team(tmp_path / "team.xlsx", [("R1", "Ana"), ("R2", "Bo"), ("R3", "Cy")])
    second = team(tmp_path / "second.xlsx", [("N1", "New Ana")])
    third = team(tmp_path / "third.xlsx", [("T1", "Third Ana"), ("T2", "Third Bo")])
    third_digest = digest(third)
    save_new_versions(monkeypatch, path, [second, third])

    with pytest.raises(WorkbookChanged) as stopped:
        run_job(path, OPTIONS)

    assert str(stopped.value) == ("team.xlsx changed while goalreport was working; nothing "
                                  "written — run again")
    assert digest(path) == third_digest  # the latest save, byte for byte
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.xlsx"]  # no temp, no backup


def test_an_edit_in_place_with_the_same_size_and_mtime_is_caught_by_the_content(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``cp`` over the file keeps its inode, and a tool may even restore size and mtime:
    the content fingerprint, taken on the open file the copy is made from, still
    differs, and the job is redone on the edited workbook."""
    path = team(tmp_path / "team.xlsx", [("R1", "Ana"), ("R2", "Bob")])
    edited = team(tmp_path / "edited.xlsx", [("R1", "Ana"), ("R9", "Bob")])
    same_size(path, edited)
    seen = edit_in_place_after_the_first_read(monkeypatch, path, edited.read_bytes())
    result = run_job(path, OPTIONS)

    assert seen == [2, 2]
    assert sorted(result.statuses) == ["R1", "R9"] and plan_reps(path) == ["R1", "R9"]


def test_an_edit_in_place_that_moves_the_parts_is_caught_too_not_called_a_broken_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same in-place edit (same inode, size and mtime), but with a longer rep name:
    every part after the Reps sheet now starts elsewhere, so copying them at the offsets
    read before fails. That failure is the edit, and the job is redone on the new version
    (it was: "could not copy team.xlsx: bad local header for xl/theme/theme1.xml")."""
    path = team(tmp_path / "team.xlsx", [("R1", "Ana"), ("R2", "Bob")])
    edited = team(tmp_path / "edited.xlsx", [("R1", "Ana"), ("R9", "Roberta Fernández")])
    same_size(path, edited)
    body = edited.read_bytes()
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(edited) as after:
        moved = {i.filename for i in before.infolist()} == {i.filename for i in after.infolist()} \
            and any(before.getinfo(i.filename).header_offset != i.header_offset
                    for i in after.infolist())
    assert moved  # the premise: the parts are no longer where the first read found them
    seen = edit_in_place_after_the_first_read(monkeypatch, path, body)
    result = run_job(path, OPTIONS)

    assert seen == [2, 2]
    assert sorted(result.statuses) == ["R1", "R9"] and plan_reps(path) == ["R1", "R9"]
    assert _input_cells(path)["Reps"][2] == ("R9", "Roberta Fernández", "East")


def same_size(*paths: Path) -> None:
    """Pad the smaller workbooks with a zip comment so that all have the same size."""
    largest = max(p.stat().st_size for p in paths)
    for path in paths:
        missing = largest - path.stat().st_size
        if missing:
            with zipfile.ZipFile(path, "a") as archive:
                archive.comment = b"x" * missing
    assert len({p.stat().st_size for p in paths}) == 1


def _input_cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {name: [tuple(row) for row in book[name].iter_rows(values_only=True)]
                for name in ("Reps", "Goals", "Activity", "Settings")}
    finally:
        book.close()
