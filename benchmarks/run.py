"""Benchmark goalreport at the size of a large sales organisation (``make bench``).

    python benchmarks/run.py [--sizes S,M,L] [--quick] [--regenerate]

For each size: the phases in-process (``phases.py``, one fresh interpreter per size),
then the real commands as subprocesses, each on a fresh copy of the workbook, with wall
time and peak RSS: ``goalreport plan``; baseline (a), the afternoon openpyxl script
(S and M: on L it would need minutes and gigabytes); on S ``goalreport run --html``,
baseline (b) rendering those same HTML reports one by one with WeasyPrint, and
``goalreport run`` (the monthly job, no HTML) to compare with it. Prints a Markdown
report, writes it to ``benchmarks/results/latest.md`` and says PASS/FAIL per target.
Commands are run once each, or ``--repeat N`` times keeping the fastest (the usual
estimator when other work shares the machine); phases run once.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import SIZES, generate
from measure import Measured, load_average, machine, run_measured

DATA = HERE / "data"
RESULTS = HERE / "results" / "latest.md"
#: Reps rendered in the render phase: every rep on the small sizes, a sample on M and L
#: (render time grows linearly with reps; the sample gives the rate per report).
RENDER_CAP = {"quick": 0, "S": 0, "M": 10, "L": 10}
BASELINE_A_SIZES = {"quick", "S", "M"}
RENDER_SIZES = {"quick", "S"}
L_PLAN_SECONDS, L_PLAN_MB = 20.0, 1024.0
M_PLAN_SPEEDUP, S_RUN_SPEEDUP = 10.0, 1.5
#: `send`'s CPU per message (send_cost.py) at the team size of each benchmark size, and
#: its targets: within 2× of a plain smtplib script, and flat in the team's size.
SEND_REPS = {"quick": 5, "S": 50, "L": 2_000}
SEND_RATIO, SEND_GROWTH = 2.0, 1.25


@dataclass
class SizeResult:
    """Everything measured on one workbook size."""

    size: str
    phases: list[dict[str, Any]] = field(default_factory=list)
    phase_error: str | None = None
    commands: dict[str, Measured] = field(default_factory=dict)
    #: ``send_cost.measure`` of this size's team, when measured.
    send: dict[str, float] | None = None


def goalreport(*args: str) -> list[str]:
    return [sys.executable, "-m", "goalreport", *args]


def fresh_copy(source: Path, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}{source.suffix}"
    shutil.copyfile(source, target)
    return target


def workbook_for(size: str, regenerate: bool, shared_strings: bool = False) -> Path:
    """The generated workbook of ``size`` in benchmarks/data/, made when missing.

    The file name carries a hash of generate.py, so a changed generator never measures a
    workbook an older one left behind (a cached quick.xlsx once still had free-text
    managers the manager tree refuses)."""
    recipe = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]
    path = DATA / f"{size}{'-sst' if shared_strings else ''}-{recipe}.xlsx"
    if regenerate or not path.exists():
        print(f"generating {path} ...", file=sys.stderr, flush=True)
        generate(size, path, shared_strings=shared_strings)
    return path


def bench_size(size: str, workbook: Path, work: Path, jobs: int | None, repeat: int = 1
               ) -> SizeResult:
    """Measure one size: phases, then the end-to-end commands (best of ``repeat``)."""
    result = SizeResult(size)

    def say(what: str) -> None:
        print(f"[{size}] {what}", file=sys.stderr, flush=True)

    say("phases")
    phase_args = [sys.executable, str(HERE / "phases.py"), str(workbook),
                  "--out", str(work / "phases"), "--render-cap", str(RENDER_CAP[size])]
    if jobs:
        phase_args += ["--jobs", str(jobs)]
    measured = run_measured(phase_args)
    try:
        report = json.loads(measured.stdout.strip().splitlines()[-1])
        result.phases, result.phase_error = report["phases"], report["error"]
    except (IndexError, ValueError, KeyError):
        result.phase_error = f"phases.py failed: {tail(measured.stderr)}"
    if result.phase_error:
        say(f"phase error: {result.phase_error}")

    def best(key: str, label: str, build: Callable[[int], list[str]]) -> None:
        """Run a command ``repeat`` times (``build(n)`` prepares a fresh copy and gives
        its arguments); keep the fastest run and the largest peak memory."""
        runs = []
        for n in range(repeat):
            say(label + (f" ({n + 1}/{repeat})" if repeat > 1 else ""))
            runs.append(run_measured(build(n)))
            if not runs[-1].ok:
                break
        fastest = min(runs, key=lambda m: (not m.ok, m.seconds))
        result.commands[key] = replace(fastest, peak_mb=max(m.peak_mb for m in runs))

    def copy_of(folder: str, n: int) -> Path:
        return fresh_copy(workbook, work / folder / str(n), size)

    best("plan", "goalreport plan",
         lambda n: goalreport("plan", str(copy_of("plan", n)), "--quiet"))
    if size in BASELINE_A_SIZES:
        best("baseline_a", "baseline (a) script",
             lambda n: [sys.executable, str(HERE / "baseline_script.py"), str(workbook),
                        str(work / f"baseline_a-{n}.xlsx")])
    if size in RENDER_SIZES:
        job = ["--jobs", str(jobs)] if jobs else []
        reports = work / "run_html" / "reports"
        best("run_html", "goalreport run --html",
             lambda n: goalreport("run", str(copy_of("run_html", n)), "--out", str(reports),
                                  "--html", "--quiet", *job))
        if result.commands["run_html"].ok:  # baseline (b) renders the HTML it wrote
            best("baseline_b", "baseline (b) render",
                 lambda n: [sys.executable, str(HERE / "baseline_render.py"), str(reports),
                            str(work / f"baseline_b-{n}")])
        best("run", "goalreport run",
             lambda n: goalreport("run", str(copy_of("run", n)), "--out",
                                  str(work / "run" / f"reports-{n}"), "--quiet", *job))
    if size in SEND_REPS:
        say(f"goalreport send, {SEND_REPS[size]:,} messages vs a plain smtplib script")
        from send_cost import measure

        result.send = measure(SEND_REPS[size], max(repeat, 2))
    return result


def tail(text: str, lines: int = 3) -> str:
    return " | ".join(text.strip().splitlines()[-lines:]) or "(no output)"


# --- the report -------------------------------------------------------------------------

COMMAND_LABELS = {
    "plan": "goalreport plan",
    "baseline_a": "baseline (a): openpyxl script",
    "run_html": "goalreport run --html",
    "baseline_b": "baseline (b): WeasyPrint, one HTML at a time",
    "run": "goalreport run",
}


def size_label(size: str) -> str:
    spec = SIZES[size]
    return f"{size} ({spec.reps:,} reps, {spec.rows:,} rows)"


def phase_table(results: list[SizeResult]) -> list[str]:
    names: list[str] = []
    for result in results:
        names += [p["name"] for p in result.phases if p["name"] not in names]
    lines = ["| phase | " + " | ".join(size_label(r.size) for r in results) + " |",
             "|---|" + "---:|" * len(results)]
    for name in names:
        cells = []
        for result in results:
            found = next((p for p in result.phases if p["name"] == name), None)
            cells.append(f"{found['seconds']:.2f} s / {found['peak_mb']:.0f} MB"
                         if found else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    for result in results:
        for p in result.phases:
            if p["detail"]:
                lines.append(f"- {result.size} {p['name']}: {p['detail']}")
        if result.phase_error:
            lines.append(f"- {result.size}: **stopped** — {result.phase_error}")
    return lines


def command_table(results: list[SizeResult]) -> list[str]:
    lines = ["| size | command | time | peak RSS | exit |", "|---|---|---:|---:|---:|"]
    for result in results:
        for key, m in result.commands.items():
            note = "" if m.ok else f" ({tail(m.stderr, 2)})"
            lines.append(f"| {result.size} | {COMMAND_LABELS[key]} | {m.seconds:.2f} s | "
                         f"{m.peak_mb:.0f} MB | {m.returncode}{note} |")
    return lines


def ratio(slow: Measured | None, fast: Measured | None) -> float | None:
    if slow is None or fast is None or not (slow.ok and fast.ok) or fast.seconds <= 0:
        return None
    return slow.seconds / fast.seconds


def speedups(results: list[SizeResult]) -> list[str]:
    lines = ["| size | comparison | baseline | goalreport | speed-up |",
             "|---|---|---:|---:|---:|"]
    for result in results:
        c = result.commands
        for base, ours, label in (("baseline_a", "plan", "script (a) vs `plan`"),
                                  ("baseline_b", "run", "WeasyPrint loop (b) vs `run`"),
                                  ("baseline_b", "run_html", "WeasyPrint loop (b) vs `run --html`")):
            if base in c and ours in c:
                r = ratio(c[base], c[ours])
                lines.append(f"| {result.size} | {label} | {c[base].seconds:.2f} s | "
                             f"{c[ours].seconds:.2f} s | "
                             f"{f'{r:.1f}×' if r is not None else 'failed'} |")
    return lines


def targets(results: list[SizeResult]) -> list[tuple[str, str, bool]]:
    """(target, measured, passed) for each target whose size was benchmarked."""
    by_size = {r.size: r for r in results}
    checks = []
    if "L" in by_size and "plan" in by_size["L"].commands:
        m = by_size["L"].commands["plan"]
        checks.append((f"L `goalreport plan` ≤ {L_PLAN_SECONDS:.0f} s",
                       f"{m.seconds:.1f} s", m.ok and m.seconds <= L_PLAN_SECONDS))
        checks.append((f"L `goalreport plan` peak ≤ {L_PLAN_MB:.0f} MB",
                       f"{m.peak_mb:.0f} MB", m.ok and m.peak_mb <= L_PLAN_MB))
    if "M" in by_size:
        c = by_size["M"].commands
        r = ratio(c.get("baseline_a"), c.get("plan"))
        checks.append((f"M `plan` ≥ {M_PLAN_SPEEDUP:.0f}× faster than baseline (a)",
                       f"{r:.1f}×" if r else "failed", r is not None and r >= M_PLAN_SPEEDUP))
    if "S" in by_size:
        c = by_size["S"].commands
        r = ratio(c.get("baseline_b"), c.get("run"))
        checks.append((f"S `run` ≥ {S_RUN_SPEEDUP}× faster than baseline (b)",
                       f"{r:.2f}×" if r else "failed", r is not None and r >= S_RUN_SPEEDUP))
    sent = {r.size: r.send for r in results if r.send}
    for size, cost in sent.items():
        checks.append(((f"{size} `send` CPU per message ≤ {SEND_RATIO:.0f}× a plain smtplib "
                       "script"), f"{cost['ratio']:.2f}×", cost["ratio"] <= SEND_RATIO))
    if "S" in sent and "L" in sent:
        growth = sent["L"]["goalreport_ms"] / sent["S"]["goalreport_ms"]
        checks.append((f"`send` per message at L ≤ {SEND_GROWTH}× at S (flat in team size)",
                       f"{growth:.2f}×", growth <= SEND_GROWTH))
    return checks


def send_table(results: list[SizeResult]) -> list[str]:
    from send_cost import table

    rows = [r.send for r in results if r.send]
    return table(rows) if rows else ["(not measured)"]


def markdown(results: list[SizeResult], load_before: str, shared_strings: bool = False,
             repeat: int = 1) -> str:
    info = machine()
    lines = ["# goalreport benchmarks", "",
             (f"Machine: {info['CPU']}, {info['Cores']} cores, {info['RAM']} RAM, "
              f"Python {info['Python']}, {info['OS']}. Date: {info['Date']}. "
              f"Load average before / after: {load_before} / {info['Load']} (anything above "
              "0 means other work shared the CPU and the times are pessimistic)."), "",
             ("Workbooks from `benchmarks/generate.py` (seed 2026, strings "
              f"{'in a shared-string table' if shared_strings else 'inline'}). Times are wall "
              f"clock, best of {repeat} for commands; memory is peak RSS (largest process of "
              "the tree)."), "",
             "## Phases, in-process (time / peak RSS of the phase)", "",
             *phase_table(results), "", "## End-to-end commands (fresh copy each)", "",
             *command_table(results), "", "## Speed-ups", "", *speedups(results), "",
             "## Sending: CPU per message (benchmarks/send_cost.py)", "",
             *send_table(results), "",
             "## Targets", "", "| target | measured | result |", "|---|---:|---|"]
    for name, value, passed in targets(results):
        lines.append(f"| {name} | {value} | {'PASS' if passed else 'FAIL'} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L",
                        help="comma-separated sizes from: " + ", ".join(SIZES))
    parser.add_argument("--quick", action="store_true",
                        help="only the tiny size (5 reps, 500 rows): a smoke run")
    parser.add_argument("--regenerate", action="store_true",
                        help="rebuild the workbooks in benchmarks/data/")
    parser.add_argument("--shared-strings", action="store_true",
                        help="use workbooks with a shared-string table, as Excel saves them")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run each command this many times and keep the fastest "
                             "(robust against other work on the machine)")
    parser.add_argument("--jobs", type=int, help="render processes (default: goalreport's)")
    parser.add_argument("--strict", action="store_true",
                        help="exit 1 when a target fails too (by default only on errors)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help=f"where to write the Markdown (default {RESULTS})")
    args = parser.parse_args(argv)
    sizes = ["quick"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")

    results = []
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="goalreport-bench-") as tmp:
        for size in sizes:
            workbook = workbook_for(size, args.regenerate, args.shared_strings)
            results.append(bench_size(size, workbook, Path(tmp) / size, args.jobs,
                                      max(1, args.repeat)))
    text = markdown(results, load_before, args.shared_strings, max(1, args.repeat))
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(text, encoding="utf-8")
    print(text)
    print(f"(written to {args.results})", file=sys.stderr)
    failed = any(r.phase_error for r in results) or any(
        not m.ok for r in results for m in r.commands.values())
    if args.strict:
        failed = failed or not all(passed for _, _, passed in targets(results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
