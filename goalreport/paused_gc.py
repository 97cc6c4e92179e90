"""Pause the cyclic garbage collector while a phase allocates many acyclic objects.

Reading a large workbook and computing its plans create hundreds of thousands of small
objects (records, Fractions, Decimals) and no reference cycles. Each of them counts towards
the collector's thresholds, so it would walk every object still alive (the whole workbook)
again and again: about a third of the compute time on 2,000 reps. Reference counting still
frees everything as usual; the collector runs again, as before, once the phase is over.

Entered only in ``jobs.py``, once per job, in each of the three places a job reads a
workbook: ``run_job`` (around reading, computing and the write-back), ``check_workbook``
and ``send_job`` (when it has no computation handed to it and reads the workbook again).
The forked reading child inherits the paused GC. Never inside the reader, the engine or
the hand-back (tests/test_layout.py checks who imports this module).
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
