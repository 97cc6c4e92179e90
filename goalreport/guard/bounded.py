"""Run one function in a forked child with a memory cap and a time limit (SPEC §7).

A pathological workbook must end as one line of ``UnreadableWorkbook`` for that file, not
as an out-of-memory kill of the whole batch. ``run_bounded`` runs the function through
``guard/child.run_in_child`` (the fork, the limits, the hand-back and the one reading of
how a child ended are there) and words the end: running out of memory or time, or dying
from a signal, becomes ``UnreadableWorkbook`` naming the file and the variable to raise.
``GoalreportError``s raised in the child are raised again in the parent as themselves.

Operators can change the bounds without code: ``GOALREPORT_READ_MEMORY_MB`` and
``GOALREPORT_READ_SECONDS`` override the caller's values; ``0`` or ``off`` turns a bound
off. ``GOALREPORT_READ_SECONDS`` limits the child's CPU time: on a busy cron host a valid
2,000-rep workbook that needs 20 s of CPU may take far longer by the clock, and that is
not its fault. The clock limit is ``WALL_FACTOR`` times longer, only for a child that
hangs without working (``child.Limits`` keeps the two apart). With both bounds off, or on systems without
``fork`` (Windows), the function runs in-process, unbounded.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, TypeVar

from goalreport.errors import ChildDied, GoalreportError, UnreadableWorkbook
from goalreport.guard.child import Limits, run_in_child

T = TypeVar("T")
MEMORY_VARIABLE = "GOALREPORT_READ_MEMORY_MB"
SECONDS_VARIABLE = "GOALREPORT_READ_SECONDS"
#: The clock limit, as a multiple of the CPU limit: 120 s of CPU, 20 minutes by the clock.
WALL_FACTOR = 10


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
    call = partial(fn, *args, **kwargs)
    if memory_mb is None and seconds is None:
        return call()
    limits = Limits(memory_mb=memory_mb, cpu_seconds=seconds,
                    wall_seconds=None if seconds is None else seconds * WALL_FACTOR)
    try:
        return run_in_child(call, limits=limits, role="sandboxed reader", hold_stderr=True)
    except ChildDied as death:
        name = label if label is not None else _label(args)
        raise _unreadable(death, name, limits, doing) from None


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


def _unreadable(death: ChildDied, name: str, limits: Limits,
               doing: str = "reading it") -> UnreadableWorkbook:
    """The one line for a bounded child that ran out of memory or time, or crashed."""
    if death.cause == "cpu":
        return UnreadableWorkbook(
            f"{name}: {doing} needed more than {limits.cpu_seconds:g} s of CPU time; the "
            f"file is too large or malformed. If it is a genuine workbook, raise "
            f"{SECONDS_VARIABLE}.")
    if death.cause == "wall":
        return UnreadableWorkbook(
            f"{name}: {doing} did not finish within {limits.wall_seconds:g} s although it "
            f"was not using its {limits.cpu_seconds:g} s of CPU time: it hung. Run it again "
            f"when the machine is less busy, or raise {SECONDS_VARIABLE}.")
    if death.cause == "memory":
        return UnreadableWorkbook(
            f"{name}: {doing} needed more than {limits.memory_mb} MB of memory; the file is "
            f"too large or malformed. If it is a genuine workbook, raise {MEMORY_VARIABLE}.")
    return UnreadableWorkbook(
        f"{name}: the reader crashed on it ({death.how}); the file is probably malformed. "
        "Open it in Excel, save it again, and run again.")
