"""The jobs behind the commands: load a workbook, compute, write sheets back, render.

Each command in ``cli.py`` is a few lines around one of these functions. Nothing here
prints or exits; failures are raised from ``errors.py``. The clock is passed in.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from goalreport import __version__
from goalreport.errors import InputProblems, Problem
from goalreport.core.model import WorkbookData

if TYPE_CHECKING:
    from goalreport.core.results import Computation

#: Memory and time a workbook may use while it is read (see the README's safety section).
READ_MEMORY_MB = 2048
READ_SECONDS = 120.0


@dataclass(frozen=True)
class JobOptions:
    """What a command asked for. ``today`` and ``now`` are the caller's clock."""

    today: date
    now: datetime
    write_plan: bool = True
    write_progress: bool = True
    render: bool = True
    as_of: date | None = None
    #: First day of the report month given with --month.
    month: date | None = None
    rep_ids: tuple[str, ...] = ()
    out_dir: Path | None = None
    templates_dir: Path | None = None
    jobs: int | None = None
    html: bool = False
    output_workbook: Path | None = None
    #: Native charts on Team Summary (``--no-charts`` leaves them out).
    charts: bool = True


@dataclass
class JobResult:
    """What a job did, for the terminal and for ``--json``."""

    workbook: Path
    as_of: date
    report_month: date
    reps: int
    written_workbook: Path | None = None
    sheets: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    #: Reports that could not be rendered, one line each.
    failures: list[str] = field(default_factory=list)
    #: ``writeback.input_fingerprint`` of the workbook that was read (batch skips on it).
    input_hash: str = ""
    #: The Settings sheet's As Of, so the batch can tell whether a rerun would differ.
    settings_as_of: date | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "workbook": str(self.workbook),
            "written_workbook": str(self.written_workbook) if self.written_workbook else None,
            "as_of": self.as_of.isoformat(),
            "report_month": self.report_month.strftime("%Y-%m"),
            "reps": self.reps,
            "sheets": self.sheets,
            "files": [str(path) for path in self.files],
            "statuses": self.statuses,
            "warnings": [str(w) for w in self.warnings],
            "failures": self.failures,
            "ok": not self.failures,
        }


def last_day(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def resolve_dates(
    settings_as_of: date | None, *, as_of: date | None, month: date | None, today: date
) -> tuple[date, date]:
    """(As Of, first day of the report month) per SPEC §6: --as-of beats Settings; --month
    makes As Of its last day, or today while that month is not over."""
    if as_of is None and month is not None:
        if month > today:
            raise InputProblems([Problem(
                "--month", f"{month:%Y-%m} has not started yet (today is {today}). "
                "Give a month that has begun, or --as-of to plan ahead.")])
        as_of = min(last_day(month), today)
    if as_of is None:
        as_of = settings_as_of or today
    report_month = month or as_of.replace(day=1)
    return as_of, report_month


def load_workbook_data(path: Path) -> WorkbookData:
    """Read and validate ``path`` in a child process with bounded memory and time."""
    from goalreport.workbook.reader import read_workbook
    from goalreport.guard.bounded import bounds_from_env, run_bounded

    memory_mb, seconds = bounds_from_env(READ_MEMORY_MB, READ_SECONDS)
    return run_bounded(read_workbook, path, memory_mb=memory_mb, seconds=seconds)


def check_workbook(path: Path, *, today: date, as_of: date | None = None,
                   month: date | None = None) -> list[Problem]:
    """Every input problem of ``path`` (raised as ``InputProblems``); returns the warnings.

    Runs the engine too, so problems it finds (a rep with no goal, a deal size nobody
    gave) show up in ``check`` and not first in the monthly run.
    """
    from goalreport.writeback import preflight

    foreign = preflight(path, writing=False)
    computation, data = _load_and_compute(path, foreign, as_of=as_of, month=month, today=today)
    return [*data.warnings, *computation.warnings]


def _load_and_compute(
    path: Path, foreign: list[Problem], *, as_of: date | None, month: date | None, today: date
) -> tuple[Computation, WorkbookData]:
    """Read, validate and compute, raising every input problem at once: the reader's, the
    write-back preflight's (``foreign``) and the engine's (a rep with no goal, a deal size
    nobody gives)."""
    from goalreport.core.engine import compute

    try:
        data = load_workbook_data(path)
    except InputProblems as problems:
        raise InputProblems([*problems.problems, *foreign], problems.warnings) from None
    as_of_date, report_month = resolve_dates(
        data.settings.as_of, as_of=as_of, month=month, today=today)
    try:
        computation = compute(data, as_of=as_of_date, report_month=report_month)
    except InputProblems as problems:
        raise InputProblems([*foreign, *problems.problems],
                            [*data.warnings, *problems.warnings]) from None
    if foreign:
        raise InputProblems(foreign, [*data.warnings, *computation.warnings])
    return computation, data


def select_reps(computation: Computation, rep_ids: tuple[str, ...]) -> Computation:
    """The computation limited to ``rep_ids`` (--rep) for rendering; the sheets always
    cover every active rep so that a partial run never drops rows from Plan or Progress."""
    if not rep_ids:
        return computation
    known = {r.rep.rep_id.casefold(): r.rep.rep_id for r in computation.results}
    unknown = [rep_id for rep_id in rep_ids if rep_id.strip().casefold() not in known]
    if unknown:
        choices = ", ".join(sorted(known.values())) or "none"
        raise InputProblems([Problem(
            "--rep", f"{rep_id!r} is not an active rep of this workbook. Active reps: {choices}.")
            for rep_id in unknown])
    wanted = {rep_id.strip().casefold() for rep_id in rep_ids}
    results = tuple(r for r in computation.results if r.rep.rep_id.casefold() in wanted)
    return replace(computation, results=results)


def run_job(
    path: Path, options: JobOptions, progress: Callable[[int, int], None] | None = None
) -> JobResult:
    """plan / report / run: validate, compute, write the computed sheets in one atomic
    write, then render the PDFs."""
    from goalreport.paused_gc import no_gc
    from goalreport.writeback import preflight

    destination = options.output_workbook
    foreign = preflight(path, writing=destination is None)
    # Up to the rendering, the job makes millions of small objects and keeps them all (the
    # workbook, its plans, the sheets): the cyclic GC would only walk them again and again.
    with no_gc():
        result, selected, data = _compute_and_write(path, options, foreign)
    if options.render:
        from goalreport.reports.render import render_reports

        out_dir = options.out_dir or path.parent / "reports"
        rendered = render_reports(
            selected, data.settings, out_dir, templates_dir=options.templates_dir,
            jobs=options.jobs, html=options.html, progress=progress)
        result.files = list(rendered.files)
        result.failures = list(rendered.failures)
    return result


def _compute_and_write(path: Path, options: JobOptions, foreign: list[Problem]
                       ) -> tuple[JobResult, Computation, WorkbookData]:
    """``run_job`` up to the rendering: (result so far, the reps to render, the data)."""
    from goalreport.core.sheets import computed_tables
    from goalreport.writeback import RunLogEntry, input_fingerprint, write_computed_sheets

    destination = options.output_workbook
    computation, data = _load_and_compute(
        path, foreign, as_of=options.as_of, month=options.month, today=options.today)
    as_of, report_month = computation.as_of, computation.report_month
    selected = select_reps(computation, options.rep_ids)
    warnings = [*data.warnings, *computation.warnings]
    result = JobResult(
        workbook=path, as_of=as_of, report_month=report_month,
        reps=len(computation.results), warnings=warnings,
        statuses={r.rep.rep_id: r.progress.status for r in computation.results},
        settings_as_of=data.settings.as_of,
    )

    tables = computed_tables(
        computation, plan=options.write_plan, progress=options.write_progress,
        chart_settings=data.settings if options.charts else None)
    result.input_hash = input_fingerprint(path)
    entry = RunLogEntry(
        when=options.now, version=__version__, as_of=as_of,
        input_hash=result.input_hash, reps=len(computation.results),
        warnings=len(warnings),
    )
    outcome = write_computed_sheets(
        path, tables, run_log=entry, currency=data.settings.currency,
        locale=data.settings.locale, destination=destination)
    result.written_workbook = outcome.path
    result.sheets = [table.name for table in tables] + ["Run Log"]
    return result, selected, data
