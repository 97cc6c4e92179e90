"""Run one workbook's job in a child process, so that nothing it does can stop the batch.

A crash inside a native library (WeasyPrint's Pango, python-calamine), an ``os._exit`` or
a kill of one job ends that child only: the batch records the workbook as failed and goes
on with the next. The child is a fork (``guard/child.run_in_child``: the job's arguments
need no pickling, and the render workers and the bounded reader work inside it as they
do in a plain ``run``); its result, or the error it raised, comes back as a pickle. This
module only words how a job process ended; it sets no limits of its own.
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from goalreport.errors import ChildDied, JobCrashed
from goalreport.guard.child import run_in_child

T = TypeVar("T")


def run_isolated(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args, **kwargs)`` in a forked child. Raises what ``fn`` raised (a bug with
    the child's traceback as a note), ``KeyboardInterrupt`` when the child was
    interrupted, and ``JobCrashed`` when it died without an answer."""
    try:
        return run_in_child(partial(fn, *args, **kwargs), role="job process")
    except ChildDied as death:
        raise JobCrashed(_death(death)) from None


def _death(death: ChildDied) -> str:
    """One line for a job process that ended without an answer."""
    if death.signal in (signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        return (f"the job was stopped ({death.how}); the workbook is as it was or fully "
                "written, and the next run does it again.")
    return (f"the job crashed ({death.how}) and wrote nothing further; the other workbooks "
            "were not affected. Run it on its own with 'goalreport run' and --debug to see "
            "why.")
