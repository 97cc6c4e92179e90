"""Time each phase of goalreport in one process, with the peak memory of each phase.

    python benchmarks/phases.py WORKBOOK --out DIR [--render-cap N] [--jobs N]

Run by ``run.py`` in a fresh interpreter per workbook. Prints one JSON object on stdout:
``{"phases": [{"name", "seconds", "peak_mb", "detail"}...], "error": ...}``.
The phases are the library calls behind ``goalreport run``, made directly (reading runs
here, without the sandbox child the CLI uses, so its cost is the reader's own; the GC is
paused from read to write-back, as ``jobs.run_job`` does):
read + validate (``read_workbook``), compute (plan + progress), tables (the computed
sheets as data), write-back (to a copy in DIR, the original untouched) and render
(the first N reps' PDFs plus the team summary; N = 0 renders every rep, N < 0 none).
Each phase's peak RSS is measured on its own by resetting the kernel's high-water mark
before it, so it includes what earlier phases still hold (the data, the computation).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import peak_rss_mb, reset_peak_rss


@dataclass
class Recorder:
    """Runs phases one after another, recording time and peak RSS of each."""

    phases: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None

    def phase(self, name: str, work: Callable[[], Any], detail: Callable[[Any], str]
              | None = None) -> Any:
        if self.error is not None:
            return None
        reset_peak_rss()
        started = time.perf_counter()
        try:
            value = work()
        except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure
            self.error = f"{name}: {type(exc).__name__}: {exc}"
            traceback.print_exc()
            return None
        seconds = time.perf_counter() - started
        self.phases.append({"name": name, "seconds": round(seconds, 3),
                            "peak_mb": round(peak_rss_mb(), 1),
                            "detail": detail(value) if detail else ""})
        return value


def _imports() -> None:
    from goalreport import writeback  # noqa: F401
    from goalreport.core import engine, sheets  # noqa: F401
    from goalreport.workbook import reader  # noqa: F401


def run_phases(workbook: Path, out_dir: Path, render_cap: int, jobs: int | None
               ) -> Recorder:
    """Every phase of one workbook, in order; stops at the first failure."""
    rec = Recorder()
    rec.phase("import", _imports)
    from goalreport import __version__
    from goalreport.core.engine import compute
    from goalreport.core.sheets import computed_tables
    from goalreport.loading import resolve_dates, select_reps
    from goalreport.paused_gc import no_gc
    from goalreport.workbook.reader import read_workbook
    from goalreport.writeback import RunLogEntry, write_computed_sheets

    # As in jobs.run_job, the GC is paused from the read to the write-back.
    with no_gc():
        data = rec.phase("read", lambda: read_workbook(workbook),
                         lambda d: f"{len(d.reps)} reps, {len(d.activity):,} rep-days")
        if data is None:
            return rec
        today = datetime.now().date()
        as_of, month = resolve_dates(data.settings.as_of, as_of=None, month=None, today=today)
        computation = rec.phase("compute", lambda: compute(data, as_of=as_of, report_month=month),
                                lambda c: f"{len(c.results)} active reps")
        tables = rec.phase("tables", lambda: computed_tables(computation),
                           lambda ts: ", ".join(f"{t.name} {len(t.rows):,}" for t in ts))
        out_dir.mkdir(parents=True, exist_ok=True)

        def write_back() -> Any:
            from goalreport.writeback.basis import read_write_basis

            basis = read_write_basis(workbook)  # read once, as the job's bounded child does
            entry = RunLogEntry(when=datetime.now().astimezone(), version=__version__,
                                as_of=as_of, input_hash=basis.input_hash,
                                reps=len(computation.results), warnings=0)
            return write_computed_sheets(
                workbook, tables, run_log=entry, currency=data.settings.currency,
                locale=data.settings.locale, destination=out_dir / f"written-{workbook.name}",
                basis=basis)

        rec.phase("write-back", write_back)
    if render_cap < 0 or rec.error:
        return rec
    from goalreport.reports.render import render_reports

    selected = computation
    if render_cap > 0:
        ids = tuple(r.rep.rep_id for r in computation.results[:render_cap])
        selected = select_reps(computation, ids)
    rec.phase(
        "render",
        lambda: render_reports(selected, data.settings, out_dir / "reports", jobs=jobs),
        lambda r: f"{len(selected.results)} reps + team: {len(r.files)} files, "
                  f"{len(r.failures)} failures")
    return rec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--render-cap", type=int, default=-1)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    rec = Recorder()
    try:
        rec = run_phases(args.workbook, args.out, args.render_cap, args.jobs)
    except Exception as exc:  # noqa: BLE001 - e.g. a module that has not landed yet
        traceback.print_exc()
        rec.error = f"setup: {type(exc).__name__}: {exc}"
    print(json.dumps({"phases": rec.phases, "error": rec.error}))
    return 0 if rec.error is None else 1


if __name__ == "__main__":
    sys.exit(main())
