"""Nothing unbounded runs outside the bounds: a hostile structure part, a huge team or
its planning once cost gigabytes and minutes in the main process before any limit spoke.

Each attack runs ``check_workbook`` in a fresh interpreter that reports its peak memory
(its own, and with ``resource`` the bounded child it waits for) and its CPU time, so the
numbers are those of the job alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from test_safety import rezip
from writeback_helpers import zip_parts

from goalreport import jobs
from goalreport.errors import GoalreportError, UnreadableWorkbook
from goalreport.guard.bounded import run_bounded
from goalreport.ooxml import xmledit
from goalreport.workbook.reader import read_workbook

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import json, resource, sys
from datetime import date
from pathlib import Path
from goalreport.errors import GoalreportError
from goalreport.jobs import check_workbook
try:
    check_workbook(Path(sys.argv[1]), today=date(2026, 11, 1))
    message = "ok"
except GoalreportError as error:
    message = str(error)
# This process's own high-water mark comes from its memory map (VmHWM): ru_maxrss of
# RUSAGE_SELF would carry over the peak of the process that started it (exec keeps it).
with open("/proc/self/status") as status:
    own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
peak = max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
# CPU seconds, its own and the bounded child's: unlike the clock, a loaded machine does
# not move them.
cpu = sum(usage.ru_utime + usage.ru_stime for usage in
          map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))
print(json.dumps({"message": message, "peak_mb": peak / 1024, "cpu_seconds": cpu}))
"""


def probe(path: Path, **env: str) -> dict[str, object]:
    """``check_workbook(path)`` in a fresh interpreter: message, peak MB and CPU seconds."""
    done = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                          text=True, timeout=600, cwd=REPO, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO), **env})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture(autouse=True)
def default_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GOALREPORT_READ_MEMORY_MB", "GOALREPORT_READ_SECONDS", "GOALREPORT_MAX_REPS",
                 "GOALREPORT_MAX_STRUCTURE_MB"):
        monkeypatch.delenv(name, raising=False)


def with_workbook_xml(path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    text = zip_parts(path)["xl/workbook.xml"].decode()
    return rezip(path, path.with_name("hostile.xlsx"), {"xl/workbook.xml": edit(text)})


# --- the structure is parsed after the container check, inside the bounds ------------


def test_60_mib_of_empty_elements_in_workbook_xml_is_refused_cheaply(make_workbook):
    """Was: preflight parsed workbook.xml with ElementTree in the main process first,
    1.4-2.9 GB and up to 28 s before the zip limits refused the file."""
    padding = b"<a/>" * (60 * 1024 * 1024 // 4)
    path = with_workbook_xml(
        make_workbook(), lambda t: t.encode().replace(b"<sheets>", padding + b"<sheets>"))
    assert path.stat().st_size < 200_000
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/workbook.xml")
    ratio = info.file_size / info.compress_size
    outcome = probe(path)
    assert outcome["message"] == (
        f"hostile.xlsx: part 'xl/workbook.xml' is compressed {ratio:,.0f} to 1, far more than a real "
        "workbook part; refusing it as a possible zip bomb. If the file is genuine, lower "
        "GOALREPORT_MIN_INFLATE_RATIO.")
    assert outcome["peak_mb"] < 200, outcome
    assert outcome["cpu_seconds"] < 10, outcome


def test_a_structure_part_over_its_cap_is_refused_naming_the_variable(make_workbook):
    # Random text compresses about 2 to 1, so the zip ratio lets it through.
    junk = b"<!--" + os.urandom(1024 * 1024).hex().encode() + b"-->"
    path = with_workbook_xml(make_workbook(),
                             lambda t: t.encode().replace(b"<sheets>", junk + b"<sheets>"))
    outcome = probe(path, GOALREPORT_MAX_STRUCTURE_MB="1")
    assert outcome["message"] == (
        "hostile.xlsx: part 'xl/workbook.xml' unpacks to more than 1 MB, far more than the "
        "structure of any real workbook; refusing it as damaged or hostile. If the file is "
        "genuine, raise GOALREPORT_MAX_STRUCTURE_MB.")
    assert probe(path)["message"] == "ok"  # the default cap (32 MB) lets it through


def test_the_main_process_never_parses_a_structure_part(make_workbook, monkeypatch):
    """The structure is read once, in the bounded child, and handed to the fingerprint
    and the writer; so is the old Run Log. The main process tokenizes no part of the
    package and opens no sheet itself (the spies see only its own calls)."""
    from goalreport.ooxml import calamine

    parsed: list[str] = []
    original = xmledit.Outline.of.__func__  # type: ignore[attr-defined]

    def spy(cls, document, names=None, part="the XML part"):  # type: ignore[no-untyped-def]
        parsed.append(part)
        return original(cls, document, names, part)

    def no_calamine(path):  # type: ignore[no-untyped-def]
        parsed.append(f"calamine {path}")
        return opener(path)

    opener = calamine.open_calamine
    path = make_workbook()
    options = jobs.JobOptions(today=date(2026, 7, 1), now=datetime(2026, 7, 1, 9),
                              render=False)
    jobs.run_job(path, options)  # makes the Run Log the second run reads
    monkeypatch.setattr(xmledit.Outline, "of", classmethod(spy))
    monkeypatch.setattr(calamine, "open_calamine", no_calamine)
    result = jobs.run_job(path, options)
    assert result.sheets == ["Plan", "Weekly Plan", "Progress", "Team Summary", "Run Log"]
    assert [p for p in parsed if p != "the XML part"] == []
    log = calamine.open_calamine(path).get_sheet_by_name("Run Log").to_python()
    assert len(log) == 3  # the header and both runs: the child read the first run's row


def test_the_fingerprint_is_taken_in_the_child_not_by_reading_the_parts_again(
        make_workbook, monkeypatch):
    """The bounded child has the structure and the file in hand, so it fingerprints the
    input there; the main process used to read every part once more to hash it."""
    from goalreport import writeback
    from goalreport.writeback import basis, fingerprint

    path = make_workbook()
    expected = writeback.input_fingerprint(path)  # before the run: its sheets are not input
    calls: list[Path] = []
    original = fingerprint.input_fingerprint

    def spy(where, info=None):  # type: ignore[no-untyped-def]
        calls.append(where)
        return original(where, info)

    for module in (writeback, fingerprint, basis):
        monkeypatch.setattr(module, "input_fingerprint", spy)
    result = jobs.run_job(path, jobs.JobOptions(today=date(2026, 7, 1),
                                                now=datetime(2026, 7, 1, 9), render=False))
    assert calls == []  # the spy is inherited by the child, but its list is the child's
    assert result.input_hash == expected == original(path)
    log = zip_parts(path)
    assert any(expected.encode() in data for name, data in log.items()
               if name.startswith("xl/worksheets/"))  # the Run Log's Input Hash


@pytest.mark.slow
def test_an_unchecked_file_gets_its_structure_read_in_a_bounded_child(make_workbook,
                                                                     monkeypatch):
    """The batch's unchanged-workbook check fingerprints files nobody checked yet: two
    million defined names (under the size cap) exhaust the child's bound, not the batch."""
    from goalreport.writeback import input_fingerprint

    padding = b"<definedName/>" * (30 * 1024 * 1024 // 14)
    path = with_workbook_xml(
        make_workbook(), lambda t: t.encode().replace(b"<definedNames />", b"<definedNames>"
                                                      + padding + b"</definedNames>"))
    monkeypatch.setenv("GOALREPORT_READ_MEMORY_MB", "200")
    with pytest.raises(UnreadableWorkbook) as raised:
        input_fingerprint(path)
    assert str(raised.value) == (
        "hostile.xlsx: reading it needed more than 200 MB of memory; the file is too large or "
        "malformed. If it is a genuine workbook, raise GOALREPORT_READ_MEMORY_MB.")


# --- the rep limit, and the compute inside the bounds ---------------------------------


def many_reps(path: Path, count: int) -> Path:
    """A valid workbook with ``count`` active reps, each with a goal."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    reps = book.add_worksheet("Reps")
    reps.write_row(0, 0, ["Rep ID", "Name", "Team"])
    for row in range(1, count + 1):
        reps.write_row(row, 0, [f"R{row}", f"Rep {row}", "East"])
    goals = book.add_worksheet("Goals")
    goals.write_row(0, 0, ["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                           "Avg Deal Size"])
    for row in range(1, count + 1):
        goals.write_row(row, 0, [f"R{row}", 2026, 12000, 6000, 500])
    activity = book.add_worksheet("Activity")
    activity.write_row(0, 0, ["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"])
    activity.write_row(1, 0, ["2026-02-03", "R1", "won", "Acme", "new", 500])
    settings = book.add_worksheet("Settings")
    settings.write_row(0, 0, ["Setting", "Value"])
    settings.write_row(1, 0, ["As Of", "2026-06-30"])
    book.close()
    return path


@pytest.mark.slow
def test_60000_reps_are_refused_with_the_count_and_the_variable(tmp_path):
    """Was: 4 GB and 107 s of planning in the main process, then 60,000 PDFs."""
    path = many_reps(tmp_path / "huge-team.xlsx", 60_000)
    outcome = probe(path)
    assert outcome["message"] == (
        "huge-team.xlsx: has 60,000 active reps, more than the 20,000 goalreport plans in one "
        "run; refusing it. If the team is really that large, raise GOALREPORT_MAX_REPS (or "
        "split the workbook by region).")
    assert outcome["peak_mb"] < 600, outcome
    assert outcome["cpu_seconds"] < 60, outcome


@pytest.mark.slow
def test_the_planning_runs_inside_the_memory_bound(tmp_path, monkeypatch):
    """Was: the plans were computed in the main process, with no bound at all. Reading
    12,000 reps fits in 250 MB; planning them does not (about 800 MB)."""
    path = many_reps(tmp_path / "big-team.xlsx", 12_000)
    monkeypatch.setenv("GOALREPORT_READ_MEMORY_MB", "250")
    reps = run_bounded(lambda: len(read_workbook(path).reps), memory_mb=250)
    assert reps == 12_000  # the reading alone fits
    outcome = probe(path, GOALREPORT_READ_MEMORY_MB="250")
    assert outcome["message"] == (
        "big-team.xlsx: reading and planning it needed more than 250 MB of memory; the file is "
        "too large or malformed. If it is a genuine workbook, raise GOALREPORT_READ_MEMORY_MB.")
    assert outcome["peak_mb"] < 450, outcome


def test_the_limit_counts_active_reps_and_can_be_changed(tmp_path, monkeypatch):
    path = many_reps(tmp_path / "team.xlsx", 3)
    monkeypatch.setenv("GOALREPORT_MAX_REPS", "2")
    with pytest.raises(UnreadableWorkbook, match=r"^team\.xlsx: has 3 active reps, more than "
                                                 r"the 2 goalreport plans"):
        jobs.check_workbook(path, today=date(2026, 11, 1))
    monkeypatch.setenv("GOALREPORT_MAX_REPS", "3")
    jobs.check_workbook(path, today=date(2026, 11, 1))
    monkeypatch.setenv("GOALREPORT_MAX_REPS", "many")
    with pytest.raises(GoalreportError) as raised:
        jobs.check_workbook(path, today=date(2026, 11, 1))
    assert str(raised.value) == ("GOALREPORT_MAX_REPS='many' is not a positive number; set it "
                                 "to a number such as 20000, to 'off', or unset it.")


def test_a_bad_structure_limit_names_the_variable(make_workbook, monkeypatch):
    monkeypatch.setenv("GOALREPORT_MAX_STRUCTURE_MB", "lots")
    with pytest.raises(GoalreportError) as raised:
        jobs.check_workbook(make_workbook(), today=date(2026, 11, 1))
    assert str(raised.value) == ("GOALREPORT_MAX_STRUCTURE_MB='lots' is not a positive number; "
                                 "set it to a number of megabytes such as 32 or unset it.")
