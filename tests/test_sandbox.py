"""run_bounded: results come back, errors keep their class, memory and time are capped."""

from __future__ import annotations

import os
import pickle
import signal
import sys
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import openpyxl
import pytest

from goalreport.errors import (
    BatchLocked,
    GoalreportError,
    InputProblems,
    Problem,
    RenderError,
    TemplateError,
    UnreadableWorkbook,
    WorkbookBusy,
    WriteRefused,
)
from goalreport.guard.bounded import bounds_from_env, run_bounded


@pytest.fixture(autouse=True)
def no_operator_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOALREPORT_READ_MEMORY_MB", raising=False)
    monkeypatch.delenv("GOALREPORT_READ_SECONDS", raising=False)


def allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def sleep_then(seconds: float, value: str) -> str:
    time.sleep(seconds)
    return value


def raise_it(error: BaseException) -> None:
    raise error


def own_pid() -> int:
    return os.getpid()


def test_result_comes_back() -> None:
    result = run_bounded(dict, total=Decimal("1000.50"), rate=Fraction(1, 3))
    assert result == {"total": Decimal("1000.50"), "rate": Fraction(1, 3)}


def test_runs_in_a_child_and_inline_when_unbounded() -> None:
    assert run_bounded(own_pid) != os.getpid()
    assert run_bounded(own_pid, memory_mb=None, seconds=None) == os.getpid()


def test_allocating_past_the_cap_is_an_unreadable_workbook() -> None:
    assert run_bounded(allocate, 20, memory_mb=100) == 20 * 1024 * 1024
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(allocate, 400, memory_mb=100, label="huge.xlsx")
    assert str(caught.value) == (
        "huge.xlsx: reading it needed more than 100 MB of memory; the file is too large or "
        "malformed. If it is a genuine workbook, raise GOALREPORT_READ_MEMORY_MB.")


def test_waiting_counts_against_the_clock_limit_not_the_cpu_limit() -> None:
    """A busy cron host: the reader waits for the CPU, using none of its own. Counting the
    clock, a valid 2,000-rep workbook failed with "took longer than 120 s" after 20 s of
    CPU; now 1.5 s asleep under a 0.5 s CPU limit is fine (the clock limit is 10 times
    longer), and only a child that hangs past that is stopped."""
    assert run_bounded(sleep_then, 1.5, "awake", seconds=0.5) == "awake"
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(sleep_then, 60, "never", seconds=0.3, label="hung.xlsx")
    assert str(caught.value) == (
        "hung.xlsx: reading it did not finish within 3 s although it was not using its 0.3 s "
        "of CPU time: it hung. Run it again when the machine is less busy, or raise "
        "GOALREPORT_READ_SECONDS.")


def test_working_past_the_cpu_limit_is_an_unreadable_workbook() -> None:
    """RLIMIT_CPU counts whole seconds (the limit is rounded up, plus one): the clock
    limit, ten times the CPU limit, leaves a busy loop time to reach it."""
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(spin, seconds=1, label="slow.xlsx")
    assert str(caught.value) == (
        "slow.xlsx: reading it needed more than 1 s of CPU time; the file is too large or "
        "malformed. If it is a genuine workbook, raise GOALREPORT_READ_SECONDS.")


def spin() -> None:
    while True:
        pass


def test_label_defaults_to_the_file_name_of_the_first_argument(tmp_path: Path) -> None:
    with pytest.raises(UnreadableWorkbook, match=r"^sleepy\.xlsx: reading it did not finish"):
        run_bounded(_sleep_for_path, tmp_path / "sleepy.xlsx", seconds=0.2)


def _sleep_for_path(path: Path) -> None:
    time.sleep(30)


@pytest.mark.parametrize("error", [
    InputProblems([Problem("Goals!D7", "'abc' is not a number; write 1000")],
                  [Problem("Reps row 3", "no email", "warning")]),
    UnreadableWorkbook("book.xlsx: is empty (0 bytes)."),
    WorkbookBusy("book.xlsx is open in Excel"),
    WriteRefused("cannot replace book.xlsx"),
    TemplateError("rep.html line 3: 'nme' is undefined"),
    RenderError("no pango"),
    BatchLocked("another batch holds the lock"),
    GoalreportError("plain"),
], ids=lambda error: type(error).__name__)
def test_goalreport_errors_come_back_as_themselves(error: GoalreportError) -> None:
    with pytest.raises(type(error)) as caught:
        run_bounded(raise_it, error)
    back = caught.value
    assert type(back) is type(error)
    assert str(back) == str(error)
    assert back.exit_code == error.exit_code
    assert getattr(back, "problems", None) == getattr(error, "problems", None)
    assert getattr(back, "warnings", None) == getattr(error, "warnings", None)


def test_input_problems_pickle_with_their_message() -> None:
    error = InputProblems([Problem("A1", "x"), Problem("A2", "y")])
    back = pickle.loads(pickle.dumps(error))
    assert str(back) == "2 input problems"
    assert back.problems == error.problems


def test_a_bug_in_the_child_comes_back_as_itself_with_its_traceback() -> None:
    with pytest.raises(KeyError) as caught:
        run_bounded(raise_it, KeyError("Rep ID"))
    notes = "".join(getattr(caught.value, "__notes__", []))
    assert "sandboxed reader" in notes and "raise_it" in notes


def test_an_exception_that_cannot_be_rebuilt_still_comes_back() -> None:
    from defusedxml import EntitiesForbidden

    with pytest.raises(RuntimeError) as caught:
        run_bounded(raise_it, EntitiesForbidden("a", "b", None, None, None, None))
    assert "EntitiesForbidden" in "".join(caught.value.__notes__)


def test_a_child_killed_by_a_signal_is_an_unreadable_workbook() -> None:
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(_segfault, label="crash.xlsx")
    assert str(caught.value) == (
        "crash.xlsx: the reader crashed on it (signal SIGSEGV); the file is probably "
        "malformed. Open it in Excel, save it again, and run again.")


def _segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)
    time.sleep(5)


def test_native_allocation_failure_in_calamine_is_bounded(tmp_path: Path) -> None:
    """A sheet claiming cells at A1 and XFD1048576: calamine allocates the whole grid."""
    path = tmp_path / "grid.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "x"
    workbook.active["XFD1048576"] = "y"
    workbook.save(path)
    with pytest.raises(UnreadableWorkbook, match=r"^grid\.xlsx: reading it needed more than "
                                                 r"256 MB of memory"):
        run_bounded(_read_with_calamine, path, memory_mb=256, seconds=30)


def _read_with_calamine(path: Path) -> int:
    import python_calamine

    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return len(workbook.get_sheet_by_index(0).to_python())


def test_child_stderr_is_passed_on(capfd: pytest.CaptureFixture[str]) -> None:
    run_bounded(_warn, "careful")
    assert "careful" in capfd.readouterr().err


def _warn(text: str) -> None:
    print(text, file=sys.stderr)


def test_bounds_from_environment() -> None:
    assert bounds_from_env(1024, 60, {}) == (1024, 60)
    assert bounds_from_env(1024, 60, {"GOALREPORT_READ_MEMORY_MB": "4096",
                                      "GOALREPORT_READ_SECONDS": "off"}) == (4096, None)
    with pytest.raises(GoalreportError, match=r"GOALREPORT_READ_SECONDS='soon' is not a"):
        bounds_from_env(1024, 60, {"GOALREPORT_READ_SECONDS": "soon"})


def test_environment_overrides_the_callers_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOALREPORT_READ_MEMORY_MB", "50")
    with pytest.raises(UnreadableWorkbook, match="needed more than 50 MB"):
        run_bounded(allocate, 200, memory_mb=4096)
