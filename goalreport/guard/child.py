"""Run work in a forked child process: its result or its error comes back, its end is read
once. Every process goalreport starts for its own work starts here.

Three callers, each a few lines, and the measurement that justifies each (2 cores, Python
3.11, Linux; ``benchmarks`` and in-process timings):

- **The bounded reader** (``guard/bounded.run_bounded``): reading, checking and planning a
  workbook under a memory cap and a time limit, so that a hostile file ends as one line
  and not as the machine's out-of-memory kill. A fork, a call and the hand-back of nothing
  cost 3 ms; handing back the sample workbook's computed sheets (``loading.Loaded``,
  packed as columns by ``handback``) 1 ms more; reading and planning it take 0.2 s.
- **The batch's job process** (``batch/isolated.run_isolated``): one workbook's whole job,
  so that a crash in a native library (Pango, calamine), an ``os._exit`` or a kill ends
  that workbook alone. A fork of the batch with WeasyPrint loaded costs 5 ms, against
  a job of 1-10 s for one workbook: nothing to win by sharing a process between
  workbooks, and one crash would take all of them.
- **The render workers** (``reports/render``): ``workers`` processes that each render
  chunks of reports, forked once and fed task numbers (the tasks themselves are
  inherited by the fork, never pickled). WeasyPrint holds the GIL, so threads do not
  help: 10 reps and a team summary take 2.4 s in one process and 1.4 s in two. A worker
  keeps its fonts and parsed stylesheet from one report to the next (the first report of
  a process costs 0.1-0.2 s more than the others), which a child per report would lose.

The protocol, one for every child. The child answers with one frame through a pipe (its
length, then a pickle of ``(kind, value)``):

- ``ok``: the result, returned in the parent;
- ``error``: a ``GoalreportError``, raised in the parent as itself (class, message,
  problems);
- ``bug``: any other exception, raised as itself with the child's traceback as a note
  ("Raised in goalreport's <role>: ..."), or a ``RuntimeError`` with that note when it
  cannot be rebuilt in the parent. A ``SystemExit`` in the child comes back this way
  too: only the parent decides when the program ends;
- ``memory``: the child raised ``MemoryError``: ``ChildDied`` with cause ``memory``;
- ``interrupted``: a ``KeyboardInterrupt`` (Ctrl-C) in the child is raised again in the
  parent (the child's exit status is 130, read the same way should the frame be lost).

A child that ends without a frame died, and ``ChildDied`` reads how, in one place
(``_died``): ``wall`` (the parent killed it at its wall-clock limit), ``cpu`` (SIGXCPU:
the CPU-time limit), ``memory`` (SIGKILL or SIGABRT under a memory cap: the kernel's OOM
killer or a native allocation failure), else ``signal`` or ``exit`` with ``how``
("signal SIGSEGV", "exit status 3"). Each caller words its own line from that.

A child closes the pipe ends this module holds for its parent and siblings, so that a
grandchild (the bounded reader and the render workers run inside a batch's job process)
never keeps a pipe open that its parent waits on. Its stdin is ``/dev/null``: no two
processes read one terminal.

Without ``fork`` (Windows) there is one story: every call runs in this process instead,
with the same results and errors (a bug without the child's note), no limits and no
isolation, and a pool runs its tasks one after another.
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
from collections.abc import Callable, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any, Generic, NoReturn, TypeVar

from goalreport.errors import ChildDied, GoalreportError

T = TypeVar("T")
R = TypeVar("R")
MiB = 1024 * 1024
#: The exit status of a child interrupted with Ctrl-C, as a shell reports it.
INTERRUPTED = 130
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
    (``RLIMIT_CPU``, SIGXCPU); ``wall_seconds``: time by the clock, after which the
    parent kills it. Any limit also turns core files off (a hostile file's data)."""

    memory_mb: int | None = None
    cpu_seconds: float | None = None
    wall_seconds: float | None = None

    def any(self) -> bool:
        return (self.memory_mb, self.cpu_seconds, self.wall_seconds) != (None, None, None)


NO_LIMITS = Limits()


@dataclass(frozen=True)
class Answer(Generic[R]):
    """One child's answer to one call: its value, or the exception ``result`` raises."""

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
    with _held_stderr(hold_stderr) as held:
        child = _Child.fork(lambda answers, _tasks: _answer_once(answers, call), limits,
                            None if held is None else held.fileno(), tasks=False)
        answer = child.wait_for_answer(role, limits)
        if held is not None and not isinstance(answer.error, ChildDied | KeyboardInterrupt):
            _replay(held)
    return answer.result()


def run_pool(work: Callable[[T], R], tasks: Sequence[T], workers: int, *,
             role: str = "worker process") -> Generator[tuple[int, Answer[R]], None, None]:
    """``work(task)`` for every task, in up to ``workers`` forked processes, each running
    task after task; yields ``(index of the task, its Answer)`` as they come. A worker
    that dies fails only its task (the Answer raises ``ChildDied``) and another takes its
    place. With one worker, or without fork, the tasks run here, one after another, and
    their errors are raised as they happen. Closing the iterator early lets the busy
    workers finish their task and ends them."""
    workers = min(workers, len(tasks))
    if workers <= 1 or not can_fork():
        for index, task in enumerate(tasks):
            yield index, Answer(work(task))
        return
    pending = list(range(len(tasks)))[::-1]
    children: list[_Child] = []
    with selectors.DefaultSelector() as selector:
        try:
            def start() -> None:
                child = _Child.fork(lambda answers, task_fd: _serve(answers, task_fd, work,
                                                                    tasks), NO_LIMITS, None)
                children.append(child)
                selector.register(child.answers, selectors.EVENT_READ, child)
                child.give(pending.pop())

            for _ in range(workers):
                start()
            while any(child.task is not None for child in children):
                for key, _ in selector.select():
                    child = key.data
                    for frame in child.read():
                        index = child.task
                        assert index is not None
                        child.task = None
                        yield index, _answer_of(frame, role)
                        if pending:
                            child.give(pending.pop())
                        else:
                            child.stop()
                    if child.ended:
                        selector.unregister(child.answers)
                        index, child.task = child.task, None
                        child.close()
                        if index is not None:
                            yield index, Answer(error=child.reap_death(NO_LIMITS))
                            if pending:
                                start()
        finally:
            _end_all(children)


# --- the child ------------------------------------------------------------------------


def _answer_once(answers: int, call: Callable[[], Any]) -> None:
    _write_frame(answers, _outcome(call))


def _serve(answers: int, tasks_fd: int | None, work: Callable[[Any], Any],
           tasks: Sequence[Any]) -> None:
    """A pool worker: read task numbers until the parent closes the pipe, answer each."""
    assert tasks_fd is not None
    while (index := _read_index(tasks_fd)) is not None:
        payload = _outcome(lambda: work(tasks[index]))
        _write_frame(answers, payload)
        if payload[0] == "interrupted":
            return


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


def _read_index(fd: int) -> int | None:
    data = b""
    while len(data) < _HEADER.size:
        chunk = os.read(fd, _HEADER.size - len(data))
        if not chunk:
            return None
        data += chunk
    return int(_HEADER.unpack(data)[0])


def _child_main(serve: Callable[[int, int | None], None], answers: int, tasks: int | None,
                limits: Limits, stderr_fd: int | None) -> NoReturn:  # pragma: no cover
    """Everything a forked child does (its effects are tested); it leaves by os._exit."""
    code = 0
    try:
        if stderr_fd is not None:
            os.dup2(stderr_fd, 2)
            if faulthandler.is_enabled():  # keep a crash dump with the child's other stderr
                faulthandler.enable(file=2)
        try:
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process
        except OSError:
            pass
        _apply_limits(limits)
        serve(answers, tasks)
    except KeyboardInterrupt:
        code = INTERRUPTED
    except BaseException:  # noqa: BLE001 - the child must never return into the caller
        code = 1
    finally:
        try:
            _flush()
        finally:
            os._exit(code)


def _apply_limits(limits: Limits) -> None:
    """Cap address space (on top of what the forked process already maps) and CPU time;
    no core files. Best effort where the platform refuses a limit."""
    if not limits.any():
        return
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows never forks
        return
    caps = [(resource.RLIMIT_CORE, 0)]
    if limits.memory_mb is not None:
        caps.append((resource.RLIMIT_AS, _mapped_bytes() + limits.memory_mb * MiB))
    if limits.cpu_seconds is not None:
        caps.append((resource.RLIMIT_CPU, math.ceil(limits.cpu_seconds) + 1))
    for which, soft in caps:
        _, hard = resource.getrlimit(which)
        # CPU: SIGXCPU at the soft limit, SIGKILL one second later.
        new_hard = soft + 1 if which == resource.RLIMIT_CPU else soft
        if hard != resource.RLIM_INFINITY:
            soft, new_hard = min(soft, hard), min(new_hard, hard)
        try:
            resource.setrlimit(which, (soft, new_hard))
        except (ValueError, OSError):
            continue


def _mapped_bytes() -> int:
    """This process's current virtual size, so the cap counts only new memory."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


# --- the parent -----------------------------------------------------------------------


class _Child:
    """One forked process as its parent sees it: pid, the read end of its answers, the
    write end of its task numbers (pool workers) and the task it is working on."""

    def __init__(self, pid: int, answers: int, tasks: int | None) -> None:
        self.pid, self.answers, self.tasks = pid, answers, tasks
        self.closed = False
        self.task: int | None = None
        self.ended = False
        self.status: int | None = None
        self._parts: list[bytes] = []
        self._have = 0
        self._need: int | None = None

    @classmethod
    def fork(cls, serve: Callable[[int, int | None], None], limits: Limits,
             stderr_fd: int | None, *, tasks: bool = True) -> _Child:
        _flush()
        answer_read, answer_write = os.pipe()
        task_read, task_write = os.pipe() if tasks else (None, None)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            own = {answer_write, task_read} - {None}
            for fd in _HELD | {answer_read, task_write} - {None}:
                _close(fd)
            _HELD.clear()
            _HELD.update(fd for fd in own if fd is not None)
            _child_main(serve, answer_write, task_read, limits, stderr_fd)
        os.close(answer_write)
        if task_read is not None:
            os.close(task_read)
        _HELD.update(fd for fd in (answer_read, task_write) if fd is not None)
        return cls(pid, answer_read, task_write)

    def give(self, index: int) -> None:
        assert self.tasks is not None
        self.task = index
        os.write(self.tasks, _HEADER.pack(index))

    def stop(self) -> None:
        """No more tasks: the worker leaves when it reads the end of its task pipe."""
        if self.tasks is not None:
            _close(self.tasks)
            self.tasks = None

    def read(self) -> list[memoryview]:
        """The frames that are complete after one read; ``ended`` at the end of the pipe."""
        chunk = os.read(self.answers, 1 << 20)
        if not chunk:
            self.ended = True
            return []
        self._parts.append(chunk)
        self._have += len(chunk)
        frames: list[memoryview] = []
        while True:
            if self._need is None:
                if self._have < _HEADER.size:
                    return frames
                self._parts = [b"".join(self._parts)]
                self._need = int(_HEADER.unpack_from(self._parts[0])[0])
            end = _HEADER.size + self._need
            if self._have < end:
                return frames
            data = self._parts[0] if len(self._parts) == 1 else b"".join(self._parts)
            frames.append(memoryview(data)[_HEADER.size:end])
            rest = data[end:]
            self._parts, self._have, self._need = ([rest] if rest else []), len(rest), None

    def wait_for_answer(self, role: str, limits: Limits) -> Answer[Any]:
        """The one answer of a ``run_in_child`` child, killing it at the wall limit."""
        deadline = None if limits.wall_seconds is None else \
            time.monotonic() + limits.wall_seconds
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(self.answers, selectors.EVENT_READ)
                while True:
                    timeout = None if deadline is None else deadline - time.monotonic()
                    if timeout is not None and timeout <= 0:
                        self.kill()
                        return Answer(error=_died(self.wait(), limits, timed_out=True))
                    if not selector.select(timeout):
                        continue
                    frames = self.read()
                    if frames:
                        self.wait()
                        return _answer_of(frames[0], role)
                    if self.ended:
                        return Answer(error=self.reap_death(limits))
        finally:
            self.close()
            if self.status is None:  # interrupted in the parent: never leave the child behind
                self.kill()
                self.wait()

    def reap_death(self, limits: Limits) -> BaseException:
        """What ended a child that gave no answer (``ChildDied``, or Ctrl-C)."""
        return _died(self.wait(), limits, timed_out=False)

    def kill(self) -> None:
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

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


def _end_all(children: list[_Child]) -> None:
    """Let every worker finish its task and leave, then reap it; on a second Ctrl-C (or
    anything else while waiting), kill those left."""
    for child in children:
        child.close()
    try:
        for child in children:
            child.wait()
    finally:
        for child in children:
            child.kill()
            child.wait()


def _answer_of(frame: memoryview, role: str) -> Answer[Any]:
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


def _close(fd: int | None) -> None:
    if fd is None:
        return
    _HELD.discard(fd)
    try:
        os.close(fd)
    except OSError:
        pass


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass


@contextmanager
def _held_stderr(hold: bool) -> Iterator[IO[bytes] | None]:
    if not hold:
        yield None
        return
    with tempfile.TemporaryFile() as held:
        yield held


def _replay(held: IO[bytes]) -> None:
    """Pass on what the child wrote to stderr (library warnings), as if run in-process."""
    held.seek(0)
    text = held.read().decode("utf-8", "replace")
    if text:
        sys.stderr.write(text)
