"""Run one function in a forked child with a memory cap and a time limit (SPEC §7).

A pathological workbook must end as one line of ``UnreadableWorkbook`` for that file, not
as an out-of-memory kill of the whole batch. ``run_bounded`` forks (a few milliseconds),
caps the child's address space and CPU time with ``setrlimit``, and sends the result back
through a pipe as a pickle. ``GoalreportError``s raised in the child are raised again in
the parent as themselves; running out of memory or time becomes ``UnreadableWorkbook``.

Operators can change the bounds without code: ``GOALREPORT_READ_MEMORY_MB`` and
``GOALREPORT_READ_SECONDS`` override the caller's values; ``0`` or ``off`` turns a bound
off. On systems without ``fork`` (Windows) the function runs in-process, unbounded.
"""

from __future__ import annotations

import faulthandler
import math
import os
import pickle
import selectors
import signal
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from goalreport.errors import GoalreportError, UnreadableWorkbook

T = TypeVar("T")
MiB = 1024 * 1024
MEMORY_VARIABLE = "GOALREPORT_READ_MEMORY_MB"
SECONDS_VARIABLE = "GOALREPORT_READ_SECONDS"
#: Exit status of a child that was interrupted (Ctrl-C); the parent sees it too.
_INTERRUPTED = 130


def run_bounded(fn: Callable[..., T], *args: Any, memory_mb: int | None = 1024,
                seconds: float | None = 60, label: str | None = None,
                doing: str = "reading it", **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` run in a child limited to ``memory_mb`` MB more memory than
    the parent uses and ``seconds`` of time; ``None`` lifts a bound (both ``None``: run
    in-process). ``label`` names the file in messages (default: the first argument);
    ``doing`` says what took too long or too much ("reading it").

    Raises what ``fn`` raises when it is a ``GoalreportError``; ``UnreadableWorkbook`` when
    the child runs out of memory or time or dies from a signal; other exceptions from the
    child are raised again as themselves with the child's traceback as a note (they are
    bugs, shown under --debug).
    """
    memory_mb, seconds = bounds_from_env(memory_mb, seconds)
    if (memory_mb is None and seconds is None) or not hasattr(os, "fork"):
        return fn(*args, **kwargs)
    name = label if label is not None else _label(args)
    with tempfile.TemporaryFile() as stderr:
        outcome = _fork_and_wait(fn, args, kwargs, memory_mb, seconds, stderr)
        return _settle(outcome, name, memory_mb, seconds, stderr, doing)


def bounds_from_env(memory_mb: int | None, seconds: float | None,
                    environ: Mapping[str, str] | None = None) -> tuple[int | None, float | None]:
    """The bounds after GOALREPORT_READ_MEMORY_MB / GOALREPORT_READ_SECONDS overrides.

    Raises ``GoalreportError`` naming the variable when its value is not a number.
    """
    env = os.environ if environ is None else environ
    memory = env_number(env, MEMORY_VARIABLE, memory_mb)
    limit = env_number(env, SECONDS_VARIABLE, seconds)
    return (None if memory is None else max(1, int(memory))), limit


def env_number(env: Mapping[str, str], name: str, default: float | None, *,
               off: bool = True, unit: str = "", example: str | None = None) -> float | None:
    """A positive number from variable ``name``: ``default`` when unset, and with ``off``
    None for '0'/'off' (no bound). Raises ``GoalreportError`` naming the variable
    otherwise, with ``example`` (default: ``default``) as a number to write. The one
    reader of goalreport's numeric environment variables (limits and bounds)."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if off and raw.lower() in ("0", "off", "none", "no"):
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < math.inf:
        shown = example or f"{default if default is not None else 1024:g}"
        raise GoalreportError(
            f"{name}={raw!r} is not a positive number; set it to a number"
            f"{' of ' + unit if unit else ''} such as {shown}"
            f"{', to ' + repr('off') + ',' if off else ''} or unset it.")
    return value


def _label(args: tuple[Any, ...]) -> str:
    if args and isinstance(args[0], str | os.PathLike):
        return os.path.basename(os.fspath(args[0]))  # type: ignore[arg-type]
    return "the workbook"


# --- the child ------------------------------------------------------------------------


def _fork_and_wait(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any],
                   memory_mb: int | None, seconds: float | None,
                   stderr: Any) -> tuple[str, Any, int]:
    """(kind, value, wait status) of a child running ``fn``; kind is 'ok', 'error',
    'memory', 'crash', 'timeout' or 'died'."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):
            pass
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; its effects are tested
        os.close(read_end)
        _child(write_end, fn, args, kwargs, memory_mb, seconds, stderr.fileno())
    os.close(write_end)
    reaped = False
    try:
        data, finished = _read_all(read_end, seconds)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        reaped = True
    finally:
        os.close(read_end)
        if not reaped:  # interrupted in the parent (Ctrl-C): never leave the child behind
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    if not finished:
        return "timeout", None, status
    if not data:
        return "died", None, status
    try:
        kind, value = pickle.loads(data)
    except Exception as error:  # noqa: BLE001 - a result that pickles but cannot be rebuilt
        return "crash", (error, "the sandboxed call's result could not be unpickled"), status
    return kind, value, status


def _child(write_end: int, fn: Callable[..., Any], args: tuple[Any, ...],
           kwargs: dict[str, Any], memory_mb: int | None, seconds: float | None,
           stderr_fd: int) -> None:  # pragma: no cover - runs in the child
    """Run ``fn`` under the limits, write the pickled outcome, and leave with os._exit."""
    code = 0
    try:
        os.dup2(stderr_fd, 2)
        if faulthandler.is_enabled():  # keep a crash dump with the child's other stderr
            faulthandler.enable(file=2)
        _apply_limits(memory_mb, seconds)
        try:
            payload: tuple[str, Any] = ("ok", fn(*args, **kwargs))
        except MemoryError:
            payload = ("memory", None)
        except GoalreportError as error:
            payload = ("error", error)
        except KeyboardInterrupt:
            os._exit(_INTERRUPTED)
        except BaseException as error:  # noqa: BLE001 - a bug: carried to the parent
            payload = ("crash", (error, traceback.format_exc()))
        try:
            data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            if payload[0] != "ok":
                pickle.loads(data)  # some exceptions pickle but cannot be rebuilt
        except MemoryError:
            data = pickle.dumps(("memory", None))
        except Exception:  # noqa: BLE001 - an unpicklable result or exception
            data = pickle.dumps(("crash", (None, traceback.format_exc())))
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
    except BaseException:  # noqa: BLE001 - the child must never return into the caller
        code = 1
    finally:
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)


def _apply_limits(memory_mb: int | None, seconds: float | None) -> None:
    """Cap address space (on top of what the forked process already maps) and CPU time;
    no core files. Best effort where the platform refuses a limit."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows never forks
        return
    limits = [(resource.RLIMIT_CORE, 0)]
    if memory_mb is not None:
        limits.append((resource.RLIMIT_AS, _mapped_bytes() + memory_mb * MiB))
    if seconds is not None:
        limits.append((resource.RLIMIT_CPU, math.ceil(seconds) + 1))
    for which, soft in limits:
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


def _read_all(fd: int, seconds: float | None) -> tuple[bytes, bool]:
    """Everything the child writes, and whether it finished within ``seconds``."""
    deadline = None if seconds is None else time.monotonic() + seconds
    chunks: list[bytes] = []
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while True:
            timeout = None if deadline is None else deadline - time.monotonic()
            if timeout is not None and timeout <= 0:
                return b"".join(chunks), False
            if not selector.select(timeout):
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks), True
            chunks.append(chunk)


def _settle(outcome: tuple[str, Any, int], name: str, memory_mb: int | None,
            seconds: float | None, stderr: Any, doing: str = "reading it") -> Any:
    """Turn the child's outcome into a return value or the right exception."""
    kind, value, status = outcome
    too_slow = UnreadableWorkbook(
        f"{name}: {doing} took longer than {seconds:g} s; the file is too large or "
        f"malformed. If it is a genuine workbook, raise {SECONDS_VARIABLE}.")
    too_big = UnreadableWorkbook(
        f"{name}: {doing} needed more than {memory_mb} MB of memory; the file is too "
        f"large or malformed. If it is a genuine workbook, raise {MEMORY_VARIABLE}.")
    if kind in ("ok", "error", "crash"):
        _replay(stderr)
    if kind == "ok":
        return value
    if kind == "error":
        raise value
    if kind == "memory":
        raise too_big
    if kind == "timeout":
        raise too_slow
    if kind == "crash":
        error, child_traceback = value
        if error is None:
            error = RuntimeError("the sandboxed reader returned something unpicklable")
        error.add_note("Raised in goalreport's sandboxed reader:\n" + child_traceback)
        raise error
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == _INTERRUPTED:
        raise KeyboardInterrupt
    number = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    if number == signal.SIGXCPU:
        raise too_slow
    if memory_mb is not None and number in (signal.SIGKILL, signal.SIGABRT):
        raise too_big  # the kernel's OOM killer, or a native allocation failure
    how = f"signal {signal.Signals(number).name}" if number else \
        f"exit status {os.WEXITSTATUS(status) if os.WIFEXITED(status) else status}"
    raise UnreadableWorkbook(
        f"{name}: the reader crashed on it ({how}); the file is probably malformed. Open it "
        "in Excel, save it again, and run again.")


def _replay(stderr: Any) -> None:
    """Pass on what the child wrote to stderr (library warnings), as if run in-process."""
    stderr.seek(0)
    text = stderr.read().decode("utf-8", "replace")
    if text:
        sys.stderr.write(text)
