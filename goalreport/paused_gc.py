"""Pause the cyclic garbage collector while a phase allocates many acyclic objects.

Reading a large workbook and computing its plans create hundreds of thousands of small
objects (records, Fractions, Decimals) and no reference cycles. Each of them counts towards
the collector's thresholds, so it would walk every object still alive (the whole workbook)
again and again: about a third of the compute time on 2,000 reps. Reference counting still
frees everything as usual; the collector runs again, as before, once the phase is over.

Entered in one place per job, ``jobs.run_job`` and ``jobs.check_workbook``, around reading
(the forked reading child inherits the paused GC), computing and the write-back; never
inside the reader, the engine or the hand-back.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_gc() -> Iterator[None]:
    """Within the block, no cyclic garbage collection; restored (if it was on) after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
