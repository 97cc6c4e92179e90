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
from typing import TYPE_CHECKING, Any

from goalreport import __version__
from goalreport.core.model import Settings, WorkbookData
from goalreport.errors import InputProblems, Problem, UnreadableWorkbook

if TYPE_CHECKING:
    from goalreport.core.results import Computation
    from goalreport.core.tables import SheetTable
    from goalreport.writeback.package import PackageInfo
    from goalreport.writeback.writer import PreviousLog

#: Memory and time a workbook may use while it is read and computed (see docs/safety.md).
READ_MEMORY_MB = 2048
READ_SECONDS = 120.0
#: Most active reps a workbook may have: each costs a plan, a report and its time.
MAX_REPS = 20_000
MAX_REPS_VARIABLE = "GOALREPORT_MAX_REPS"


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


@dataclass(frozen=True)
class _Request:
    """What the bounded child is asked to do besides reading and computing."""

    writing: bool
    as_of: date | None
    month: date | None
    today: date
    #: Build the computed sheets (plan, progress), or None for none (``check``).
    tables: tuple[bool, bool] | None = None
    #: Hand back the computation of the reps to render: ``rep_ids`` (--rep), all when empty.
    render: bool = False
    rep_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Loaded:
    """What the bounded child hands back: what the write-back and the reports need, not
    the workbook's data, and the computation only when reports are rendered. The computed
    sheets travel as columns (``guard.handback.pack_rows``): for ``plan`` that is less to
    hand back than the workbook's data was."""

    settings: Settings
    as_of: date
    report_month: date
    #: Active reps and their statuses.
    statuses: dict[str, str]
    #: The reader's warnings, then the engine's.
    warnings: tuple[Problem, ...]
    #: The package structure, read once inside the bounds after the container check.
    package: PackageInfo
    tables: tuple[SheetTable, ...] = ()
    #: The reps to render (``select_reps``), when asked for.
    selected: Computation | None = None
    #: The workbook's earlier Run Log rows (``writeback.previous_run_log``), with the tables.
    previous_log: PreviousLog | None = None

    def __reduce__(self) -> tuple[object, ...]:
        from goalreport.guard.handback import pack_rows

        state = {name: getattr(self, name) for name in self.__dataclass_fields__}
        state["tables"] = tuple((replace(t, rows=()), pack_rows(t.rows)) for t in self.tables)
        return _rebuild_loaded, (state,)


def _rebuild_loaded(state: dict[str, Any]) -> Loaded:
    from goalreport.guard.handback import unpack_rows

    state["tables"] = tuple(replace(t, rows=unpack_rows(rows)) for t, rows in state["tables"])
    return Loaded(**state)


def check_workbook(path: Path, *, today: date, as_of: date | None = None,
                   month: date | None = None) -> list[Problem]:
    """Every input problem of ``path`` (raised as ``InputProblems``); returns the warnings.

    Runs the engine too, so problems it finds (a rep with no goal, a deal size nobody
    gave) show up in ``check`` and not first in the monthly run.
    """
    loaded = _load_bounded(path, _Request(writing=False, as_of=as_of, month=month, today=today))
    return list(loaded.warnings)


def _load_bounded(path: Path, request: _Request) -> Loaded:
    """Read, validate and compute in one child process with bounded memory and time
    (GOALREPORT_READ_MEMORY_MB / GOALREPORT_READ_SECONDS), so neither a hostile file nor
    a huge team can exhaust the machine; raises every input problem at once."""
    from goalreport.guard.bounded import bounds_from_env, run_bounded

    memory_mb, seconds = bounds_from_env(READ_MEMORY_MB, READ_SECONDS)
    return run_bounded(_read_and_compute, path, request, memory_mb=memory_mb,
                       seconds=seconds, doing="reading and planning it")


def _read_and_compute(path: Path, request: _Request) -> Loaded:
    """The bounded child's work: the container check and the reading (``read_workbook``),
    then the package structure (once, for the fingerprint and the writer), the rep limit,
    the engine and the computed sheets. Problems come together: the reader's, the
    structure's (a user's sheet with a computed sheet's name) and the engine's."""
    from goalreport.core.engine import compute
    from goalreport.core.sheets import computed_tables
    from goalreport.workbook.reader import read_workbook
    from goalreport.writeback.package import inspect_package
    from goalreport.writeback.writer import previous_run_log, structure_problems

    writing = request.writing
    try:
        data = read_workbook(path)
    except InputProblems as problems:
        foreign = structure_problems(inspect_package(path), writing=writing)
        raise InputProblems([*problems.problems, *foreign], problems.warnings) from None
    package = inspect_package(path)
    foreign = structure_problems(package, writing=writing)
    check_rep_count(path, sum(rep.active for rep in data.reps))
    as_of, report_month = resolve_dates(
        data.settings.as_of, as_of=request.as_of, month=request.month, today=request.today)
    try:
        computation = compute(data, as_of=as_of, report_month=report_month)
    except InputProblems as problems:
        raise InputProblems([*foreign, *problems.problems],
                            [*data.warnings, *problems.warnings]) from None
    warnings = (*data.warnings, *computation.warnings)
    if foreign:
        raise InputProblems(foreign, warnings)
    selected = select_reps(computation, request.rep_ids) if request.render else None
    tables: tuple[SheetTable, ...] = ()
    previous_log: PreviousLog | None = None
    if request.tables is not None:
        tables = tuple(computed_tables(
            computation, plan=request.tables[0], progress=request.tables[1]))
        previous_log = previous_run_log(path, package)
    return Loaded(
        settings=data.settings, as_of=as_of, report_month=report_month,
        statuses={r.rep.rep_id: r.progress.status for r in computation.results},
        warnings=warnings, package=package, tables=tables, selected=selected,
        previous_log=previous_log)


def check_rep_count(path: Path, active: int) -> None:
    """Refuse more active reps than GOALREPORT_MAX_REPS (default ``MAX_REPS``, 'off' for
    no limit): each costs a plan and a report, so 60,000 would run for hours."""
    import os

    from goalreport.guard.bounded import env_number

    limit = env_number(os.environ, MAX_REPS_VARIABLE, MAX_REPS)
    if limit is not None and active > limit:
        raise UnreadableWorkbook(
            f"{path.name}: has {active:,} active reps, more than the {int(limit):,} goalreport "
            f"plans in one run; refusing it. If the team is really that large, raise "
            f"{MAX_REPS_VARIABLE} (or split the workbook by region).")


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
    from goalreport.writeback.safewrite import ensure_not_busy

    if options.output_workbook is None:
        ensure_not_busy(path)  # before any work; the write checks again
    # Up to the rendering, the job makes millions of small objects and keeps them all (the
    # workbook, its plans, the sheets): the cyclic GC would only walk them again and again.
    with no_gc():
        result, selected, settings = _compute_and_write(path, options)
    if options.render and selected is not None:
        from goalreport.reports.render import render_reports

        out_dir = options.out_dir or path.parent / "reports"
        rendered = render_reports(
            selected, settings, out_dir, templates_dir=options.templates_dir,
            jobs=options.jobs, html=options.html, progress=progress)
        result.files = list(rendered.files)
        result.failures = list(rendered.failures)
    return result


def _compute_and_write(path: Path, options: JobOptions
                       ) -> tuple[JobResult, Computation | None, Settings]:
    """``run_job`` up to the rendering: (result so far, the reps to render, the settings)."""
    from goalreport.writeback import RunLogEntry, input_fingerprint, write_computed_sheets

    destination = options.output_workbook
    loaded = _load_bounded(path, _Request(
        writing=destination is None, as_of=options.as_of, month=options.month,
        today=options.today, tables=(options.write_plan, options.write_progress),
        render=options.render, rep_ids=options.rep_ids))
    settings, tables = loaded.settings, loaded.tables
    reps = len(loaded.statuses)
    result = JobResult(
        workbook=path, as_of=loaded.as_of, report_month=loaded.report_month,
        reps=reps, warnings=list(loaded.warnings), statuses=loaded.statuses,
        settings_as_of=settings.as_of,
    )
    result.input_hash = input_fingerprint(path, loaded.package)
    entry = RunLogEntry(
        when=options.now, version=__version__, as_of=loaded.as_of,
        input_hash=result.input_hash, reps=reps, warnings=len(loaded.warnings),
    )
    outcome = write_computed_sheets(
        path, tables, run_log=entry, currency=settings.currency,
        locale=settings.locale, destination=destination, info=loaded.package,
        previous_log=loaded.previous_log)
    result.written_workbook = outcome.path
    result.sheets = [table.name for table in tables] + ["Run Log"]
    return result, loaded.selected, settings
