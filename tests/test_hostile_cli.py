"""Hostile, broken and foreign workbooks through the real command (issue "Hostile and
broken files"): every file of the shared corpus ends in exit status 1 with one clear
line, in bounded time and memory, with nothing written and the file left byte-identical.

Each call runs in a child of a tiny wrapper that reports the peak resident memory of
its descendants (``RUSAGE_CHILDREN`` takes in the sandboxed reader's fork too). The
calls of a test run two at a time to keep the file's runtime modest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

#: Peak resident memory one call may use, in KiB (``ru_maxrss`` unit on Linux).
MAX_RSS_KIB = 1024 * 1024
#: Hang guard per call (seconds); calls take about a second.
HANG_GUARD = 30
DAMAGED = {"calamine__tests_issue252.xlsx"}

_WRAPPER = """
import os, resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as out:
    out.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


@dataclass
class Call:
    name: str
    command: str
    returncode: int
    stderr: str
    stdout: str
    peak_kib: int
    left: list[str]
    temp_left: list[str]
    unchanged: bool


def _goalreport(tmp_path: Path, source: Path, command: str) -> Call:
    """``goalreport COMMAND COPY`` on a fresh copy of ``source`` alone in its folder (the
    working directory, and the reports folder for ``run``), with a private TMPDIR."""
    base = tmp_path / f"{command}-{source.name}"
    work, temp = base / "work", base / "tmp"
    work.mkdir(parents=True)
    temp.mkdir()
    copy = work / source.name
    shutil.copyfile(source, copy)
    extra = ["--out", str(work / "reports")] if command == "run" else []
    rss = base / "peak-rss"
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, str(rss),
         sys.executable, "-m", "goalreport", command, str(copy), *extra],
        check=False, capture_output=True, text=True, cwd=work, timeout=HANG_GUARD,
        env={**os.environ, "TMPDIR": str(temp)})
    return Call(
        name=source.name, command=command, returncode=result.returncode,
        stderr=result.stderr, stdout=result.stdout, peak_kib=int(rss.read_text()),
        left=sorted(p.name for p in work.iterdir()),
        temp_left=sorted(p.name for p in temp.iterdir()),
        unchanged=copy.read_bytes() == source.read_bytes())


def _run_all(tmp_path: Path, files: Iterable[Path], commands: Iterable[str]) -> list[Call]:
    jobs = [(source, command) for source in files for command in commands]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: _goalreport(tmp_path, *job), jobs))


def _faults(call: Call, message_ok: Callable[[str], bool]) -> list[str]:
    """What is wrong with one call's outcome, as readable lines (empty: all good)."""
    faults = []
    lines = call.stderr.splitlines()
    if call.returncode != 1:
        faults.append(f"exit status {call.returncode}")
    if "Traceback" in call.stderr:
        faults.append("a traceback")
    if len(lines) != 1:
        faults.append(f"{len(lines)} lines on stderr")
    elif not lines[0].startswith("Error: ") or not message_ok(lines[0]):
        faults.append(f"unexpected message {lines[0]!r}")
    if call.peak_kib > MAX_RSS_KIB:
        faults.append(f"peak memory {call.peak_kib // 1024} MB")
    if call.left != [call.name]:
        faults.append(f"folder holds {call.left}")
    if call.temp_left:
        faults.append(f"temp files left: {call.temp_left}")
    if not call.unchanged:
        faults.append("the file changed")
    if call.stdout:
        faults.append(f"stdout: {call.stdout[:200]!r}")
    return [f"{call.command} {call.name}: {fault}\n    {call.stderr[:400]}" for fault in faults]


def _names_file(call: Call) -> bool:
    """A one-line message about a file names it, so a cron log says which one failed."""
    return call.name in call.stderr


@pytest.mark.slow
def test_every_hostile_file_is_refused_in_one_line(corpus: Path, tmp_path: Path) -> None:
    files = sorted((corpus / "hostile").iterdir())
    assert files, "the hostile corpus is empty"
    calls = _run_all(tmp_path, files, ("check", "run"))
    faults = [fault for call in calls
              for fault in _faults(call, lambda line, call=call: _names_file(call))]
    assert not faults, "\n".join(faults)


@pytest.mark.slow
def test_every_foreign_workbook_is_refused_as_not_goalreports(corpus: Path,
                                                              tmp_path: Path) -> None:
    files = sorted((corpus / "preserve").iterdir())
    assert files, "the preserve corpus is empty"
    calls = _run_all(tmp_path, files, ("check", "run"))

    def expected(call: Call) -> Callable[[str], bool]:
        if call.name in DAMAGED:  # the container check speaks before any XML is parsed
            return lambda line: line == (
                f"Error: {call.name}: is damaged or incomplete (part "
                "'xl/_rels/workbook.xml.rels' holds 699 bytes, not the 697 declared). If it "
                "is still being copied, wait and run again; otherwise open it in Excel and "
                "save it again, or restore it from a backup.")
        return lambda line: line.startswith(
            f"Error: {call.name} is not a goalreport workbook: it has no Reps, Goals or "
            "Activity sheet (its sheets: ") and line.endswith(
            "). Run 'goalreport init NEW.xlsx' for a template, or add those sheets.")

    faults = [fault for call in calls for fault in _faults(call, expected(call))]
    assert not faults, "\n".join(faults)


def test_not_a_goalreport_workbook_names_its_sheets(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "preserve" / "poi__test-data_spreadsheet_right-to-left.xlsx"
    if not source.exists():
        pytest.skip(f"{source.name} is not in the corpus")
    (call,) = _run_all(tmp_path, [source], ["check"])
    assert call.stderr == (
        f"Error: {source.name} is not a goalreport workbook: it has no Reps, Goals or "
        "Activity sheet (its sheets: 'English', 'عربى'). Run 'goalreport init NEW.xlsx' "
        "for a template, or add those sheets.\n")
