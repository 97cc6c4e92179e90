"""Reading a CRM deals export (``--deals``) against Python's csv module reading it.

    python benchmarks/crm_read.py [--rows 10000,100000,1000000] [--repeat 3]

For each size a HubSpot deals export is written (seeded; 9 columns as HubSpot writes them:
Record ID, Deal Name, Deal Stage, Close Date, Deal owner, Amount, Deal Type, Associated
Company, Pipeline; half won, a quarter lost, a quarter open, 20 owners), then each of two
measurements runs in a fresh interpreter, so its peak RSS is its own:

- ``csv``: ``csv.reader`` over the file opened as text, every row taken (the floor: what
  reading the file costs at all);
- ``goalreport``: the CRM reader's whole work on it: find the header, recognise the
  export, read every row to deals, join them (``crm.sources.export_files`` and
  ``join_exports``, as ``check --deals`` does once the workbook is read), with the
  cyclic garbage collector paused as goalreport's jobs pause it while they read.

Prints a Markdown table of CPU seconds, the ratio to the csv module and the peak RSS, and
PASS/FAIL against the targets (at most 3x the csv module's CPU, under 400 MB at 1M rows).
The ratio is of CPU time (``time.process_time``), which a busy machine disturbs less than
wall time; run it alone all the same. It is also the ``crm`` part of ``make bench``.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OWNERS = [f"Rep {chr(65 + i)}{chr(97 + i)} Owner" for i in range(20)]
STAGES = ["Closed won", "Closed won", "Closed lost", "Contract sent"]
TYPES = ["New Business", "Existing Business", ""]
RATIO_TARGET, MEMORY_TARGET_MB = 3.0, 400.0


def write_export(path: Path, rows: int, seed: int = 24) -> Path:
    """A HubSpot deals export of ``rows`` deals."""
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner",
                      "Amount", "Deal Type", "Associated Company (Primary)", "Pipeline"])
        for n in range(rows):
            day = start + timedelta(days=rng.randrange(300))
            client = f"Client {rng.randrange(rows // 4 + 1)} Ltd"
            out.writerow([9_000_000_000 + n, f"{client} - deal {n}", rng.choice(STAGES),
                          f"{day.isoformat()} {rng.randrange(8, 18):02d}:{rng.randrange(60):02d}",
                          rng.choice(OWNERS), f"{rng.randrange(500, 50_000)}.{rng.randrange(100):02d}",
                          rng.choice(TYPES), client, "Sales Pipeline"])
    return path


def measure_csv(path: Path) -> float:
    started = time.process_time()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _row in csv.reader(handle):
            pass
    return time.process_time() - started


def measure_goalreport(path: Path) -> float:
    import goalreport.guard.container  # noqa: F401  (imported, not timed: not reading)
    from goalreport.core.model import Rep, Settings
    from goalreport.paused_gc import no_gc
    from goalreport.workbook.crm.sources import export_files, join_exports
    from goalreport.workbook.deals import DayTally
    from goalreport.workbook.table import Collector

    reps = [Rep(f"R{i}", name) for i, name in enumerate(OWNERS)]
    # Once on a small export first: the imports and locale data it loads are not reading.
    small = path.with_name("crm-warm-up.csv")
    if not small.exists():
        write_export(small, 50)
    join_exports(export_files([small], Collector()), DayTally(), [], reps, Settings(),
                 "Activity", Collector())
    started = time.process_time()
    with no_gc():  # as goalreport reads (jobs.check_workbook, jobs.run_job)
        out = Collector()
        exports = export_files([path], out)
        notes, _inferred = join_exports(exports, DayTally(), [], reps, Settings(),
                                        "Activity", out)
    seconds = time.process_time() - started
    assert not out.problems, out.problems[:3]
    assert notes and " won, " in notes[0].message, notes
    return seconds


def child(kind: str, path: Path) -> None:
    seconds = measure_csv(path) if kind == "csv" else measure_goalreport(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


def run(kind: str, path: Path, repeat: int) -> dict[str, float]:
    """Fastest CPU time and largest peak RSS of ``repeat`` fresh interpreters."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                              capture_output=True, text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return {"seconds": min(r["seconds"] for r in runs),
            "peak_mb": max(r["peak_mb"] for r in runs)}


def report(sizes: list[int], repeat: int) -> tuple[list[str], bool]:
    from measure import load_average, machine

    lines = [f"Machine: {machine()}; load before: {load_average()}.", "",
             ("| rows | csv module (s) | goalreport (s) | ratio | csv peak (MB) | "
             "goalreport peak (MB) | target |"),
             "|---:|---:|---:|---:|---:|---:|---|"]
    ok = True
    for rows in sizes:
        path = DATA / f"crm-hubspot-{rows}.csv"
        if not path.exists():
            print(f"writing {path} ...", file=sys.stderr, flush=True)
            write_export(path, rows)
        floor, ours = run("csv", path, repeat), run("goalreport", path, repeat)
        ratio = ours["seconds"] / floor["seconds"]
        passed = ratio <= RATIO_TARGET and (rows < 1_000_000
                                            or ours["peak_mb"] < MEMORY_TARGET_MB)
        ok &= passed
        lines.append(f"| {rows:,} | {floor['seconds']:.2f} | {ours['seconds']:.2f} | "
                     f"{ratio:.2f}x | {floor['peak_mb']:.0f} | {ours['peak_mb']:.0f} | "
                     f"{'PASS' if passed else 'FAIL'} |")
    lines.append(f"\nLoad after: {load_average()}. Targets: at most {RATIO_TARGET:g}x the "
                 f"csv module's CPU; under {MEMORY_TARGET_MB:g} MB at 1,000,000 rows.")
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
        return 0
    sys.path.insert(0, str(HERE))
    lines, ok = report([int(n) for n in args.rows.split(",")], args.repeat)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
