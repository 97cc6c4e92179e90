"""Measuring tools for the benchmarks: wall time and peak memory of a subprocess, the
machine description, and peak-RSS bookkeeping inside a process.

Peak memory is the peak resident set size (RSS) the kernel records, not tracemalloc,
which misses what C libraries (calamine, lxml, WeasyPrint) allocate. For a command it is
``ru_maxrss`` from ``os.wait4`` on that one child: Linux reports the largest RSS of the
child and of every descendant it waited for (goalreport's reading sandbox, the render
processes), so it is the largest single process of the tree, not their sum.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

PROC_STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")


@dataclass(frozen=True)
class Measured:
    """One finished command: how long, how much memory, how it ended."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def run_measured(args: list[str], *, cwd: Path | None = None,
                 env: dict[str, str] | None = None) -> Measured:
    """Run ``args`` to completion; wall time and the peak RSS of its process tree."""
    started = time.perf_counter()
    with subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True) as proc:
        # Read the pipes to the end first (a full pipe would block the child), then reap
        # the child with wait4 to get its own resource usage.
        stdout, stderr = _drain(proc)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(seconds, usage.ru_maxrss / 1024, proc.returncode, stdout, stderr)


def _drain(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """Both pipes read to EOF without reaping the child (``communicate`` would reap it)."""
    import threading

    chunks: dict[str, str] = {}

    def read(name: str, stream: object) -> None:
        chunks[name] = stream.read()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=read, args=(name, stream))
               for name, stream in (("out", proc.stdout), ("err", proc.stderr))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return chunks.get("out", ""), chunks.get("err", "")


def peak_rss_mb() -> float:
    """This process's peak RSS since start or since the last ``reset_peak_rss``."""
    match = re.search(r"VmHWM:\s+(\d+) kB", PROC_STATUS.read_text())
    return int(match.group(1)) / 1024 if match else float("nan")


def reset_peak_rss() -> bool:
    """Restart the peak-RSS counter (Linux ``clear_refs`` 5) so the next phase is measured
    on its own; False where the kernel does not allow it (the peak is then cumulative)."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


def load_average() -> str:
    """The 1-minute load average: other work on the machine skews every timing."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def machine() -> dict[str, str]:
    """CPU model, cores, RAM, Python and the date: the header of every results table."""
    cpu = "unknown CPU"
    try:
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1).strip() if found else platform.processor() or cpu
    except OSError:
        pass
    ram = "unknown"
    try:
        found = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        ram = f"{int(found.group(1)) / 1024 / 1024:.1f} GiB" if found else ram
    except OSError:
        pass
    return {
        "Load": load_average(),
        "CPU": cpu,
        "Cores": str(len(os.sched_getaffinity(0))),
        "RAM": ram,
        "Python": sys.version.split()[0],
        "OS": f"{platform.system()} {platform.release()}",
        "Date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
    }
