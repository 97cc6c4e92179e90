"""guard/child.py: the one way goalreport runs work in a forked child.

How a child ended is read in one place; the callers' own lines (the bounded reader's in
test_sandbox.py, the batch's in test_shared_inbox.py) are built on that reading. The
render pool's workers go through the same protocol.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
import report_fixtures as fx
from pypdf import PdfReader

from goalreport.errors import ChildDied, InputProblems, Problem
from goalreport.guard.child import Limits, run_in_child, run_pool
from goalreport.reports import render


def kill_self(number: int) -> None:
    os.kill(os.getpid(), number)
    time.sleep(5)


def spin() -> None:
    while True:
        pass


def test_a_result_comes_back_from_another_process() -> None:
    assert run_in_child(os.getpid) != os.getpid()
    assert run_in_child(lambda: {"total": 1.5, "rows": [(1, "a")]}) == \
        {"total": 1.5, "rows": [(1, "a")]}


def test_a_goalreport_error_comes_back_as_itself() -> None:
    error = InputProblems([Problem("Goals!D7", "'abc' is not a number; write 1000")])

    def fail() -> None:
        raise error

    with pytest.raises(InputProblems) as caught:
        run_in_child(fail)
    assert caught.value.problems == error.problems


def test_a_bug_comes_back_as_itself_with_the_childs_traceback_as_a_note() -> None:
    def buggy() -> None:
        {}["Rep ID"]

    with pytest.raises(KeyError) as caught:
        run_in_child(buggy, role="job process")
    notes = "".join(caught.value.__notes__)
    assert notes.startswith("Raised in goalreport's job process:\nTraceback")
    assert "in buggy" in notes


def test_only_the_parent_ends_the_program() -> None:
    with pytest.raises(RuntimeError) as caught:
        run_in_child(lambda: sys.exit(2))
    assert str(caught.value) == "SystemExit(2) raised in a child process"


def test_ctrl_c_in_the_child_is_ctrl_c_in_the_parent() -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_in_child(interrupted)
    with pytest.raises(KeyboardInterrupt):  # the same reading when only the status says it
        run_in_child(lambda: os._exit(130))


@pytest.mark.parametrize(("call", "limits", "expected"), [
    (lambda: kill_self(signal.SIGSEGV), Limits(), ("signal", "signal SIGSEGV")),
    (lambda: os._exit(3), Limits(), ("exit", "exit status 3")),
    (lambda: kill_self(signal.SIGKILL), Limits(), ("signal", "signal SIGKILL")),
    # Under a memory cap, SIGKILL is the kernel's OOM killer and SIGABRT a native
    # allocation that failed (Rust's and C++'s reaction to it).
    (lambda: kill_self(signal.SIGKILL), Limits(memory_mb=4096), ("memory", "signal SIGKILL")),
    (lambda: kill_self(signal.SIGABRT), Limits(memory_mb=4096), ("memory", "signal SIGABRT")),
    (lambda: bytearray(400 * 1024 * 1024), Limits(memory_mb=100), ("memory", "out of memory")),
], ids=["segfault", "exit", "killed", "oom-killed", "aborted", "MemoryError"])
def test_how_a_child_ended_is_read_once(call, limits: Limits,  # type: ignore[no-untyped-def]
                                        expected: tuple[str, str]) -> None:
    with pytest.raises(ChildDied) as caught:
        run_in_child(call, limits=limits)
    assert (caught.value.cause, caught.value.how) == expected


@pytest.mark.slow
def test_cpu_time_and_wall_time_are_separate_limits() -> None:
    """Sleeping uses no CPU: a CPU limit lets it finish, a wall-clock limit does not. A
    busy loop runs into the CPU limit (SIGXCPU at the next whole second after it)."""
    assert run_in_child(lambda: time.sleep(1.5) or "slept",
                        limits=Limits(cpu_seconds=0.5)) == "slept"
    with pytest.raises(ChildDied) as caught:
        run_in_child(lambda: time.sleep(30), limits=Limits(cpu_seconds=30, wall_seconds=0.3))
    assert caught.value.cause == "wall"
    with pytest.raises(ChildDied) as caught:
        run_in_child(spin, limits=Limits(cpu_seconds=0.5, wall_seconds=60))
    assert (caught.value.cause, caught.value.how) == ("cpu", "signal SIGXCPU")


def test_held_stderr_is_passed_on_only_with_an_answer(capfd: pytest.CaptureFixture[str]) -> None:
    def say_then(end: str) -> None:
        os.write(2, b"the library's words\n")  # as a native library writes
        if end == "crash":
            kill_self(signal.SIGSEGV)

    run_in_child(lambda: say_then("answer"), hold_stderr=True)
    assert "the library's words" in capfd.readouterr().err
    with pytest.raises(ChildDied):
        run_in_child(lambda: say_then("crash"), hold_stderr=True)
    assert "the library's words" not in capfd.readouterr().err


def test_a_pool_answers_every_task_in_other_processes() -> None:
    tasks = list(range(7))
    with closing(run_pool(lambda n: (n * n, os.getpid()), tasks, 3)) as answers:
        got = {index: answer.result() for index, answer in answers}
    assert {index: square for index, (square, _) in got.items()} == \
        {n: n * n for n in tasks}
    pids = {pid for _, pid in got.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 3
    for pid in pids:  # every worker was reaped, none left behind
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_pool_of_one_runs_here() -> None:
    assert [(i, a.result()) for i, a in run_pool(lambda n: os.getpid(), [1, 2], 1)] == \
        [(0, os.getpid()), (1, os.getpid())]


def test_a_dead_worker_fails_its_task_alone_and_is_replaced() -> None:
    def work(n: int) -> int:
        if n == 2:
            kill_self(signal.SIGSEGV)
        return n + 100

    with closing(run_pool(work, list(range(6)), 2)) as answers:
        outcome = {}
        for index, answer in answers:
            try:
                outcome[index] = answer.result()
            except ChildDied as death:
                outcome[index] = death.how
    assert outcome == {0: 100, 1: 101, 2: "signal SIGSEGV", 3: 103, 4: 104, 5: 105}


def test_a_pool_inside_a_child_ends() -> None:
    """A batch's job process renders with a pool: each worker closes the pipe ends of its
    parent and siblings, or the workers would wait for each other's end for ever (the
    wall limit turns that into a failure here instead of a hang)."""
    def nested() -> list[int]:
        with closing(run_pool(lambda n: n * 2, list(range(5)), 2)) as answers:
            return sorted(answer.result() for _, answer in answers)

    assert run_in_child(nested, limits=Limits(wall_seconds=60)) == [0, 2, 4, 6, 8]


@pytest.mark.slow
def test_a_rendering_worker_that_dies_fails_only_its_reports(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Was: the process pool broke and failed every report still to render."""
    real = render._Worker.render

    def crash_on_ben(self, item, task):  # type: ignore[no-untyped-def]
        if item.result is not None and item.result.rep.rep_id == "R2":
            kill_self(signal.SIGSEGV)  # as Pango would
        return real(self, item, task)

    monkeypatch.setattr(render._Worker, "render", crash_on_ben)
    outcome = render.render_reports(fx.computation(), fx.settings(), tmp_path, jobs=2)
    assert outcome.failures == (
        "R2 (Ben Okafor): the rendering process failed (signal SIGSEGV)",)
    folder = tmp_path / "2026-10"
    assert sorted(path.name for path in outcome.files) == \
        ["R1-Ana-Lima.pdf", "R3-Chloé-Martin.pdf", "team-summary.pdf"]
    for path in outcome.files:
        assert path.parent == folder and len(PdfReader(path).pages) >= 1


def test_without_fork_everything_runs_here_with_the_same_answers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The one story for Windows: no child, no limits, the same results and errors."""
    from goalreport.guard import child

    monkeypatch.setattr(child, "can_fork", lambda: False)
    assert run_in_child(os.getpid, limits=Limits(memory_mb=1, wall_seconds=0.1)) == os.getpid()
    with pytest.raises(InputProblems):
        run_in_child(lambda: (_ for _ in ()).throw(InputProblems([Problem("A1", "x")])))
    assert [(i, a.result()) for i, a in run_pool(lambda n: (n, os.getpid()), [5, 6], 4)] == \
        [(0, (5, os.getpid())), (1, (6, os.getpid()))]
