"""Run one workbook's job in a child process, so that nothing it does can stop the batch.

A crash inside a native library (WeasyPrint's Pango, python-calamine), an ``os._exit`` or
a kill of one job ends that child only: the batch records the workbook as failed and goes
on with the next. The child is forked (the job's arguments need no pickling, the forked
render workers and the bounded reader work inside it as they do in a plain ``run``);
the result, or the error it raised, comes back as a pickle through a pipe.

This is not ``guard/bounded.py``: that one caps memory and time for reading a hostile
file; this one only isolates a whole job, with no limits of its own.
"""

from __future__ import annotations

import multiprocessing
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from goalreport.errors import GoalreportError, JobBug, JobCrashed

T = TypeVar("T")


def run_isolated(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a forked child. Raises what ``fn`` raised when it is a
    ``GoalreportError`` (or ``KeyboardInterrupt``), ``JobBug`` for any other exception,
    and ``JobCrashed`` when the child died without an answer."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, fn, args, kwargs),
                            name="goalreport-job", daemon=False)
    child.start()
    send.close()
    try:
        try:
            kind, value = receive.recv()
        except (EOFError, OSError):
            kind, value = "died", None
        child.join()
    finally:
        receive.close()
        if child.is_alive():  # interrupted while waiting: never leave the child behind
            child.kill()
            child.join()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "error":
        raise value
    if kind == "interrupted":
        raise KeyboardInterrupt
    if kind == "bug":
        raise JobBug(*value)
    raise JobCrashed(_death(child.exitcode))


def _death(code: int | None) -> str:
    """One line for a job process that ended without an answer (its exit code)."""
    number = -code if code is not None and code < 0 else None
    try:
        how = f"signal {signal.Signals(number).name}" if number else f"exit status {code}"
    except ValueError:
        how = f"signal {number}"
    if number in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        return (f"the job was stopped ({how}); the workbook is as it was or fully written, "
                "and the next run does it again.")
    return (f"the job crashed ({how}) and wrote nothing further; the other workbooks were "
            "not affected. Run it on its own with 'goalreport run' and --debug to see why.")


def _child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...],
           kwargs: dict[str, Any]) -> None:  # pragma: no cover - runs in the child
    try:
        payload: tuple[str, Any] = ("ok", fn(*args, **kwargs))
    except GoalreportError as error:
        payload = ("error", error)
    except KeyboardInterrupt:
        payload = ("interrupted", None)
    except BaseException as error:  # noqa: BLE001 - a bug: carried to the batch as text
        payload = ("bug", (type(error).__name__, str(error), traceback.format_exc()))
    try:
        send.send(payload)
    except Exception:  # noqa: BLE001 - an unpicklable result or error
        send.send(("bug", ("PicklingError", "the job's result could not be sent back",
                           traceback.format_exc())))
    finally:
        send.close()
