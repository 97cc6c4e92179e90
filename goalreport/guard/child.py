"""Run work in a forked child: its result or its error comes back, its end is read once.
Every process goalreport forks for its own work is forked here.

Three callers, a few lines each, and the measurement that justifies each (the sample
workbook, 2 cores; CPU seconds of the process and its children, which a loaded machine
moves far less than the clock):

- **The bounded reader** (``guard/bounded``): reading, checking and planning a workbook
  under a memory cap and time limits, so that a hostile file ends as one line and not as
  the machine's out-of-memory kill. A fork with an empty answer costs 3 ms; handing back
  the sheets and the computation (``loading.Loaded``, packed by ``handback``) 27 ms more:
  reading and planning take 84 ms in the child against 55 ms in-process.
- **The batch's job process** (``batch/isolated``): one workbook's whole job, so that a
  crash in a native library (Pango, calamine), an ``os._exit`` or a kill ends that
  workbook alone. A fork of a process with WeasyPrint loaded costs 12 ms, against 4.6 s
  for the sample's ``goalreport run``: there is nothing to save by sharing a process.
- **The render workers** (``reports/render``, ``run_pool``): forked once and fed task
  numbers (the tasks are inherited by the fork, never pickled). WeasyPrint holds the GIL,
  so threads would not help; the README's benchmark renders 49 reps 1.9 times as fast as
  one document at a time. A worker keeps its fonts and parsed stylesheet from one report
  to the next: the sample's 9 reports take 3.3 s in one worker and 3.8-4.8 s with a
  child for each, which is why the pool's workers take task after task.

One protocol for every child: it answers each task with one frame through a pipe (a
length, then a pickle of ``(kind, value)``). ``ok``: the result; ``error``: a
``GoalreportError``, raised in the parent as itself; ``bug``: any other exception, raised
as itself with the child's traceback as a note ("Raised in goalreport's <role>: ..."), or
a ``RuntimeError`` with that note when it cannot be rebuilt (a ``SystemExit`` too: only
the parent ends the program); ``memory``: ``MemoryError``; ``interrupted``: Ctrl-C, raised
again in the parent (as is an exit status of 130).

A child that ends without a frame died, and ``_died`` reads how, in one place, as
``ChildDied``: ``wall`` (killed at its wall-clock limit), ``cpu`` (SIGXCPU: its CPU-time
limit), ``memory`` (``MemoryError``, or SIGKILL or SIGABRT under a memory cap: the
kernel's OOM killer, a native allocation failure), else ``signal`` or ``exit``, with
``how`` ("signal SIGSEGV", "exit status 3"). Each caller words its own line from that.

A new child closes the pipe ends this module holds for its parent and siblings, so that
no grandchild (the reader and the render workers run inside a batch's job process) keeps
open a pipe that another process waits on; its stdin is ``/dev/null``.

Without ``fork`` (Windows), one story: every call runs in this process, with the same
results and errors (a bug without the child's note), no limits and no isolation; a pool
runs its tasks one after another.
"""

from __future__ import annotations

import faulthandler
import math
import os
import pickle
import selectors
import signal
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Generator, Sequence
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from typing import IO, Any, Generic, NoReturn, TypeVar

from goalreport.errors import ChildDied, GoalreportError

T = TypeVar("T")
R = TypeVar("R")
#: The exit status of a child interrupted with Ctrl-C, as a shell reports it.
INTERRUPTED = 130
#: Frames and task numbers start with this: a length, or the number itself.
_HEADER = struct.Struct("<Q")
#: The pipe ends this module holds in this process (its own as a child, its children's as
#: a parent); a new child closes all of them but the two it is given.
_HELD: set[int] = set()


def can_fork() -> bool:
    """Whether children are real processes here (not on Windows)."""
    return hasattr(os, "fork")


@dataclass(frozen=True)
class Limits:
    """What a child may use; ``None`` is no limit. ``memory_mb``: address space on top of
    what the forked child already maps; ``cpu_seconds``: the child's own CPU time
    (``RLIMIT_CPU``, SIGXCPU); ``wall_seconds``: time by the clock for one task, after
    which the parent kills it. Any limit also turns core files off (a hostile file's)."""

    memory_mb: int | None = None
    cpu_seconds: float | None = None
    wall_seconds: float | None = None


NO_LIMITS = Limits()


@dataclass(frozen=True)
class Answer(Generic[R]):
    """One child's answer to one task: its value, or the exception ``result`` raises."""

    value: R | None = None
    error: BaseException | None = None

    def result(self) -> R:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def run_in_child(call: Callable[[], T], *, limits: Limits = NO_LIMITS,
                 role: str = "child process", hold_stderr: bool = False) -> T:
    """``call()`` in a forked child under ``limits``; its result, or its error raised as
    the module docstring says (``ChildDied`` when it died or ran out of memory or time).

    ``role`` names the child in a bug's note. ``hold_stderr``: what the child writes to
    stderr is held and passed on only when it answers (a result or an error), so that a
    child that runs out of memory or time or crashes leaves its caller's one line and not
    a library's dying words. Without fork: ``call()`` in this process."""
    if not can_fork():
        return call()
    with tempfile.TemporaryFile() if hold_stderr else nullcontext() as held:
        answers = _answers(lambda _: call(), [None], 1, limits, role, held)
        try:
            _, answer = next(answers)
        finally:
            answers.close()
        if held and not isinstance(answer.error, ChildDied | KeyboardInterrupt):
            _replay(held)
    return answer.result()


def run_pool(work: Callable[[T], R], tasks: Sequence[T], workers: int, *,
             role: str = "worker process") -> Generator[tuple[int, Answer[R]], None, None]:
    """``work(task)`` for every task, in up to ``workers`` forked processes, each running
    task after task; yields ``(index of the task, its Answer)`` as they come. A worker
    that dies fails only its task (the Answer raises ``ChildDied``) and another takes its
    place. With one worker, or without fork, the tasks run here, one after another, and
    their errors are raised as they happen. Closing it early lets the busy workers finish
    their task; an exception in here (Ctrl-C) kills them."""
    workers = min(workers, len(tasks))
    if workers <= 1 or not can_fork():
        for index, task in enumerate(tasks):
            yield index, Answer(work(task))
        return
    yield from _answers(work, tasks, workers, NO_LIMITS, role, None)


# --- the parent -----------------------------------------------------------------------


def _answers(work: Callable[[Any], Any], tasks: Sequence[Any], workers: int, limits: Limits,
             role: str, stderr: IO[bytes] | None) -> Generator[tuple[int, Answer[Any]], None, None]:
    """The one parent loop: fork the workers, give each a task number at a time, and turn
    each frame, or each death, into the Answer for its task."""
    pending = list(range(len(tasks)))[::-1]
    children: list[_Child] = []
    with selectors.DefaultSelector() as selector:

        def start() -> None:
            children.append(child := _Child.fork(work, tasks, limits, stderr))
            selector.register(child.answers, selectors.EVENT_READ, child)
            child.give(pending.pop(), limits.wall_seconds)

        try:
            for _ in range(workers):
                start()
            while busy := [child for child in children if child.task is not None]:
                deadlines = [c.deadline for c in busy if c.deadline is not None]
                timeout = None if not deadlines else max(0.0, min(deadlines) - time.monotonic())
                events = selector.select(timeout)
                for child in busy:
                    child.kill_if_overdue()  # its end of pipe follows
                for key, _ in events:
                    child = key.data
                    frame = child.read()
                    if frame is not None:
                        index, child.task = child.task, None
                        yield index, _answer_of(frame, role)
                        if pending:
                            child.give(pending.pop(), limits.wall_seconds)
                        else:
                            child.stop()
                    else:
                        selector.unregister(child.answers)
                        index, child.task = child.task, None
                        child.close()
                        if index is not None:
                            yield index, Answer(error=_died(child.wait(), limits,
                                                            timed_out=child.overdue))
                            if pending:
                                start()
        except BaseException as error:  # closed early (GeneratorExit), or Ctrl-C here
            _end_all(children, kill=not isinstance(error, GeneratorExit))
            raise
        _end_all(children, kill=False)


class _Child:
    """One forked worker as its parent sees it: pid, the read end of its answers, the
    write end of its task numbers, the task it is working on and its deadline."""

    def __init__(self, pid: int, answers: int, tasks: int) -> None:
        self.pid, self.answers, self.tasks = pid, answers, tasks
        self.task: int | None = None
        self.deadline: float | None = None
        self.overdue = self.closed = False
        self.status: int | None = None

    @classmethod
    def fork(cls, work: Callable[[Any], Any], tasks: Sequence[Any], limits: Limits,
             stderr: IO[bytes] | None) -> _Child:
        _flush()
        answer_read, answer_write = os.pipe()
        task_read, task_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            for fd in _HELD | {answer_read, task_write}:
                _close(fd)
            _HELD.update((answer_write, task_read))
            _child_main(answer_write, task_read, work, tasks, limits, stderr)
        os.close(answer_write)
        os.close(task_read)
        _HELD.update((answer_read, task_write))
        return cls(pid, answer_read, task_write)

    def give(self, index: int, wall_seconds: float | None) -> None:
        self.task = index
        self.deadline = None if wall_seconds is None else time.monotonic() + wall_seconds
        os.write(self.tasks, _HEADER.pack(index))

    def kill_if_overdue(self) -> None:
        if self.deadline is not None and time.monotonic() >= self.deadline:
            self.overdue, self.deadline = True, None
            self.kill()

    def stop(self) -> None:
        """No more tasks: the worker leaves when it reads the end of its task pipe."""
        if self.tasks >= 0:
            _close(self.tasks)
            self.tasks = -1

    def read(self) -> bytes | None:
        """The worker's next frame; None at the end of its pipe. Once its length has
        come, the rest follows: the worker writes the frame in one go."""
        head = _read_exactly(self.answers, _HEADER.size)
        return None if head is None else _read_exactly(self.answers, _HEADER.unpack(head)[0])

    def kill(self) -> None:
        if self.status is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)

    def wait(self) -> int:
        if self.status is None:
            self.status = os.waitpid(self.pid, 0)[1]
        return self.status

    def close(self) -> None:
        """Close the parent's ends (once: a closed number may be reused at once)."""
        self.stop()
        if not self.closed:
            self.closed = True
            _close(self.answers)


def _end_all(children: list[_Child], *, kill: bool) -> None:
    """Close the workers' pipes (each leaves after its task; ``kill``: at once) and reap
    them; anything while waiting (a second Ctrl-C) kills those left."""
    for child in children:
        child.close()
        if kill:
            child.kill()
    try:
        for child in children:
            child.wait()
    finally:
        for child in children:
            child.kill()
            child.wait()


def _answer_of(frame: bytes, role: str) -> Answer[Any]:
    """A frame as the value it carries or the exception to raise for it."""
    try:
        kind, value = pickle.loads(frame)
    except Exception as error:  # noqa: BLE001 - a result that pickles but cannot be rebuilt
        error.add_note(f"Raised in goalreport's {role}: its answer could not be unpickled")
        return Answer(error=error)
    if kind == "ok":
        return Answer(value)
    if kind == "error":
        return Answer(error=value)
    if kind == "memory":
        return Answer(error=ChildDied("memory", "out of memory"))
    if kind == "interrupted":
        return Answer(error=KeyboardInterrupt())
    bug, child_traceback = value
    if bug is None:
        bug = RuntimeError(f"the {role} returned something unpicklable")
    bug.add_note(f"Raised in goalreport's {role}:\n{child_traceback}")
    return Answer(error=bug)


def _died(status: int, limits: Limits, *, timed_out: bool) -> BaseException:
    """The one reading of a child's wait status when it gave no answer."""
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == INTERRUPTED:
        return KeyboardInterrupt()
    number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if number:
        try:
            how = f"signal {signal.Signals(number).name}"
        except ValueError:
            how = f"signal {number}"
    else:
        how = f"exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
    if timed_out:
        return ChildDied("wall", how, number)
    if number == signal.SIGXCPU:
        return ChildDied("cpu", how, number)
    if limits.memory_mb is not None and number in (signal.SIGKILL, signal.SIGABRT):
        return ChildDied("memory", how, number)  # the OOM killer, or a native allocation
    return ChildDied("signal" if number else "exit", how, number)


def _replay(held: IO[bytes]) -> None:
    """Pass on what the child wrote to stderr (library warnings), as if run in-process."""
    held.seek(0)
    if text := held.read().decode("utf-8", "replace"):
        sys.stderr.write(text)


# --- the child ------------------------------------------------------------------------


def _child_main(answers: int, task_fd: int, work: Callable[[Any], Any], tasks: Sequence[Any],
                limits: Limits, stderr: IO[bytes] | None) -> NoReturn:  # pragma: no cover
    """Everything a forked child does (its effects are tested): read task numbers until
    the parent closes the pipe, answer each with one frame, and leave by os._exit."""
    code = 0
    try:
        if stderr is not None:
            os.dup2(stderr.fileno(), 2)
            if faulthandler.is_enabled():  # keep a crash dump with the child's other stderr
                faulthandler.enable(file=2)
        with suppress(OSError):
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process
        _apply_limits(limits)
        while (number := _read_exactly(task_fd, _HEADER.size)) is not None:
            payload = _outcome(lambda: work(tasks[_HEADER.unpack(number)[0]]))
            _write_frame(answers, payload)
            if payload[0] == "interrupted":
                code = INTERRUPTED
                break
    except KeyboardInterrupt:
        code = INTERRUPTED
    except BaseException:  # noqa: BLE001 - the child must never return into the caller
        code = 1
    finally:
        try:
            _flush()
        finally:
            os._exit(code)


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except MemoryError:
        return "memory", None
    except GoalreportError as error:
        return "error", error
    except KeyboardInterrupt:
        return "interrupted", None
    except BaseException as error:  # noqa: BLE001 - a bug (or SystemExit): carried back
        if not isinstance(error, Exception):  # only the parent ends the program
            error = RuntimeError(f"{error!r} raised in a child process")
        return "bug", (error, traceback.format_exc())


def _write_frame(fd: int, payload: tuple[str, Any]) -> None:
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
        if payload[0] != "ok":
            pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
    except MemoryError:
        data = pickle.dumps(("memory", None))
    except Exception:  # noqa: BLE001 - an unpicklable result or exception
        data = pickle.dumps(("bug", (None, traceback.format_exc())))
    for part in (_HEADER.pack(len(data)), data):
        view = memoryview(part)
        while view:
            view = view[os.write(fd, view):]


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``; None when the pipe ends before them."""
    parts, have = [], 0
    while have < size:
        chunk = os.read(fd, min(size - have, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def _apply_limits(limits: Limits) -> None:
    """Cap address space (on top of what the forked process already maps) and CPU time;
    no core files. Best effort where the platform refuses a limit."""
    if limits == NO_LIMITS:
        return
    import resource

    caps = [(resource.RLIMIT_CORE, 0)]
    if limits.memory_mb is not None:
        caps.append((resource.RLIMIT_AS, _mapped_bytes() + (limits.memory_mb << 20)))
    if limits.cpu_seconds is not None:
        caps.append((resource.RLIMIT_CPU, math.ceil(limits.cpu_seconds) + 1))
    for which, soft in caps:
        _, hard = resource.getrlimit(which)
        # CPU: SIGXCPU at the soft limit, SIGKILL one second later.
        new_hard = soft + 1 if which == resource.RLIMIT_CPU else soft
        if hard != resource.RLIM_INFINITY:
            soft, new_hard = min(soft, hard), min(new_hard, hard)
        with suppress(ValueError, OSError):
            resource.setrlimit(which, (soft, new_hard))


def _mapped_bytes() -> int:
    """This process's current virtual size, so the cap counts only new memory."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _close(fd: int) -> None:
    _HELD.discard(fd)
    with suppress(OSError):
        os.close(fd)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError, AttributeError):
            stream.flush()
