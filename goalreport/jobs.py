"""The jobs behind the commands: load a workbook, compute, write sheets back, render.

Each command in ``cli.py`` is a few lines around one of these functions. Nothing here
prints or exits; failures are raised from ``errors.py``. The clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goalreport import __version__
from goalreport.core.calendar import month_end
from goalreport.core.model import Settings, WorkbookData, rep_key
from goalreport.errors import InputProblems, Problem, UnreadableWorkbook, WorkbookChanged

if TYPE_CHECKING:
    from goalreport.core.results import Computation
    from goalreport.core.tables import SheetTable
    from goalreport.delivery.deliver import DeliveryReport, SendOptions
    from goalreport.guard.handback import PackedWorkbook
    from goalreport.guard.safefs import FileIdentity, OpenedWorkbook
    from goalreport.writeback.package import PackageInfo
    from goalreport.writeback.runlog import PreviousLog

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
    #: CRM deal exports (CSV or XLSX) read with the workbook (--deals).
    deals: tuple[Path, ...] = ()
    #: The part of ``out_dir`` the operator named (followed even if a link); the folders
    #: below it are goalreport's own and never followed. Default: ``out_dir`` when given,
    #: else the workbook's folder (so the default ``reports`` is goalreport's own).
    out_root: Path | None = None
    #: Tag PDFs for screen readers (``--no-pdf-tags`` switches it off).
    pdf_tags: bool = True
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
    #: Where the previous version of the workbook was kept (None: nothing replaced).
    backup: Path | None = None
    #: What the write-back had to say, e.g. that an unreadable Run Log started afresh.
    notes: list[str] = field(default_factory=list)
    #: What was computed for the reports (every active rep, or --rep's) and the
    #: workbook's Settings, for ``--send`` after the job.
    computation: Computation | None = field(default=None, repr=False, compare=False)
    settings: Settings | None = field(default=None, repr=False, compare=False)
    #: (inode, size, mtime_ns, ctime_ns) of the workbook goalreport wrote, so that a
    #: batch does not mistake its own write for someone's fresh change.
    written_snapshot: tuple[int, int, int, int] | None = None

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
            "backup": str(self.backup) if self.backup else None,
            "notes": self.notes,
            "ok": not self.failures,
        }


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
        as_of = min(month_end(month), today)
    if as_of is None:
        as_of = settings_as_of or today
    report_month = month or as_of.replace(day=1)
    return as_of, report_month


def load_workbook_data(path: Path, deals: tuple[Path, ...] = ()) -> WorkbookData:
    """The validated data of ``path`` and the ``deals`` exports, read in the bounded child
    (``read_bounded``); ``InputProblems`` with every cell problem when there are any."""
    from goalreport.workbook.problemlist import condense

    data, problems, warnings = read_bounded(path, deals)
    if problems or data is None:
        raise InputProblems(condense(problems), condense(warnings))
    return data


def read_bounded(path: Path, deals: tuple[Path, ...] = ()
                 ) -> tuple[WorkbookData | None, tuple[Problem, ...], tuple[Problem, ...]]:
    """``reader.read_for_check`` of ``path`` (an ``OpenedWorkbook.view``) and the ``deals``
    exports in a child process with bounded memory and time: (data, problems, warnings);
    the data comes back through ``guard.handback``. Call it with the GC paused
    (``no_gc``): the forked child inherits that, and the parent rebuilds hundreds of
    thousands of records."""
    from goalreport.guard.bounded import bounds_from_env, run_bounded
    from goalreport.guard.handback import unpack_workbook

    memory_mb, seconds = bounds_from_env(READ_MEMORY_MB, READ_SECONDS)
    packed, problems, warnings = run_bounded(read_for_handback, path, tuple(deals),
                                             memory_mb=memory_mb, seconds=seconds)
    return (None if packed is None else unpack_workbook(packed)), problems, warnings


def read_for_handback(path: Path, deals: tuple[Path, ...] = ()
                      ) -> tuple[PackedWorkbook | None, tuple[Problem, ...],
                                 tuple[Problem, ...]]:
    """The bounded child's work: read and validate ``path``, packed for the trip back."""
    from goalreport.guard.handback import pack_workbook
    from goalreport.workbook.reader import read_for_check

    data, problems, warnings = read_for_check(path, deals)
    return (None if data is None else pack_workbook(data)), problems, warnings


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
    #: CRM deal exports read with the workbook (--deals).
    deals: tuple[Path, ...] = ()
    #: Native charts on Team Summary (--no-charts: none).
    charts: bool = True


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
    #: What the reader recognised (CRM exports), for ``check``.
    notes: tuple[Problem, ...]
    #: The package structure, read once inside the bounds after the container check.
    package: PackageInfo
    tables: tuple[SheetTable, ...] = ()
    #: The reps to render (``select_reps``), when asked for.
    selected: Computation | None = None
    #: The workbook's earlier Run Log rows (``writeback.runlog.previous_run_log``), with the tables.
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
                   month: date | None = None, deals: tuple[Path, ...] = ()) -> list[Problem]:
    """Every input problem of ``path`` (raised as ``InputProblems``); returns the "info"
    lines (CRM exports recognised) and the warnings.

    Runs the engine too, so problems it finds (a rep with no goal, a deal size nobody
    gave) show up in ``check`` and not first in the monthly run.
    """
    from goalreport.guard.safefs import open_workbook
    from goalreport.paused_gc import no_gc

    with open_workbook(path) as opened, no_gc():  # the child inherits the pause (run_job)
        loaded = load_bounded(opened.view, _Request(
            writing=False, as_of=as_of, month=month, today=today, deals=deals))
    return [*loaded.notes, *loaded.warnings]


def load_bounded(path: Path, request: _Request) -> Loaded:
    """Read, validate and compute in one child process with bounded memory and time
    (GOALREPORT_READ_MEMORY_MB / GOALREPORT_READ_SECONDS), so neither a hostile file nor
    a huge team can exhaust the machine; raises every input problem at once. ``path`` is
    an ``OpenedWorkbook.view``."""
    from goalreport.guard.bounded import bounds_from_env, run_bounded

    memory_mb, seconds = bounds_from_env(READ_MEMORY_MB, READ_SECONDS)
    return run_bounded(_read_and_compute, path, request, memory_mb=memory_mb,
                       seconds=seconds, doing="reading and planning it")


def _read_and_compute(path: Path, request: _Request) -> Loaded:
    """The bounded child's work: the container check and the reading (``read_for_check``,
    with the CRM exports), then the package structure (once, for the fingerprint and the
    writer), the rep limit, the engine and the computed sheets. Problems come together:
    the reader's, the structure's (a user's sheet with a computed sheet's name) and the
    engine's (a rep with no goal, a deal size nobody gives): the engine runs on the sound
    rows even when cells have problems, so that ``check`` lists everything in one run."""
    from goalreport.core.engine import compute
    from goalreport.core.sheets import computed_tables
    from goalreport.reports.formatting import Formatter
    from goalreport.workbook.activity import history_warnings
    from goalreport.workbook.problemlist import condense
    from goalreport.workbook.reader import read_for_check
    from goalreport.writeback.package import inspect_package
    from goalreport.writeback.runlog import previous_run_log
    from goalreport.writeback.structure import structure_problems

    data, cell_problems, read_warnings = read_for_check(path, request.deals)
    package = inspect_package(path)
    foreign = structure_problems(package, writing=request.writing)
    if data is None:
        raise InputProblems(condense([*cell_problems, *foreign]), condense(read_warnings))
    check_rep_count(path, sum(rep.active for rep in data.reps))
    as_of, report_month = resolve_dates(
        data.settings.as_of, as_of=request.as_of, month=request.month, today=request.today)
    warnings = [*read_warnings, *history_warnings(data, as_of)]
    try:
        computation = compute(data, as_of=as_of, report_month=report_month)
    except InputProblems as problems:
        raise InputProblems(condense([*foreign, *cell_problems, *problems.problems]),
                            condense([*warnings, *problems.warnings])) from None
    if foreign or cell_problems:
        raise InputProblems(condense([*foreign, *cell_problems]),
                            condense([*warnings, *computation.warnings]))
    if data.inferred_client_types:
        computation = replace(computation, inferred_client_types=data.inferred_client_types)
    selected = select_reps(computation, request.rep_ids) if request.render else None
    tables: tuple[SheetTable, ...] = ()
    previous_log: PreviousLog | None = None
    if request.tables is not None:
        tables = tuple(computed_tables(
            computation, plan=request.tables[0], progress=request.tables[1],
            say=Formatter(data.settings.locale, data.settings.currency).say,
            chart_settings=data.settings if request.charts else None))
        previous_log = previous_run_log(path, package)
    return Loaded(
        settings=data.settings, as_of=as_of, report_month=report_month,
        statuses={r.rep.rep_id: r.progress.status for r in computation.results},
        warnings=tuple(condense([*warnings, *computation.warnings])), notes=data.notes,
        package=package, tables=tables, selected=selected, previous_log=previous_log)


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
    known = {rep_key(r.rep.rep_id): r.rep.rep_id for r in computation.results}
    unknown = [rep_id for rep_id in rep_ids if rep_key(rep_id) not in known]
    if unknown:
        choices = ", ".join(sorted(known.values())) or "none"
        raise InputProblems([Problem(
            "--rep", f"{rep_id!r} is not an active rep of this workbook. Active reps: {choices}.")
            for rep_id in unknown])
    wanted = {rep_key(rep_id) for rep_id in rep_ids}
    results = tuple(r for r in computation.results if rep_key(r.rep.rep_id) in wanted)
    return replace(computation, results=results)


def run_job(
    path: Path, options: JobOptions, progress: Callable[[int, int], None] | None = None,
    *, expect: FileIdentity | None = None,
) -> JobResult:
    """plan / report / run: validate, compute, write the computed sheets in one atomic
    write, then render the PDFs.

    The workbook is opened once (``safefs.open_workbook``; ``expect``: what the batch's
    scan saw) and read only through that descriptor. When a new version replaces it while
    the job works (a manager saves in Excel), nothing is written and the job is redone
    once on the new version; a second change raises ``WorkbookChanged``.
    """
    from goalreport.guard.safefs import changed_message, open_workbook

    for attempt in (1, 2):
        try:
            with open_workbook(path, expect if attempt == 1 else None) as opened:
                return _run_opened(opened, options, progress)
        except WorkbookChanged:
            if attempt == 2:
                raise WorkbookChanged(changed_message(path.name)) from None
    raise AssertionError("unreachable")


def _run_opened(opened: OpenedWorkbook, options: JobOptions,
                progress: Callable[[int, int], None] | None) -> JobResult:
    from goalreport.paused_gc import no_gc
    from goalreport.writeback.safewrite import ensure_not_busy

    path = opened.path
    if options.output_workbook is None:
        ensure_not_busy(path)  # before any work; the write checks again
    # Up to the rendering, the job makes millions of small objects and keeps them all (the
    # workbook, its plans, the sheets): the cyclic GC would only walk them again and again.
    # The bounded child that reads and computes inherits the pause.
    with no_gc():
        result, selected, settings = _compute_and_write(opened, options)
    if options.render and selected is not None:
        from goalreport.reports.render import render_reports

        rendered = render_reports(
            selected, settings, report_dir(path, options),
            templates_dir=options.templates_dir, jobs=options.jobs, html=options.html,
            progress=progress, out_root=report_root(path, options), pdf_tags=options.pdf_tags)
        result.files = list(rendered.files)
        result.failures = list(rendered.failures)
    return result


def report_dir(path: Path, options: JobOptions) -> Path:
    """Where the reports of ``path`` go: --out, else ``reports`` beside the workbook."""
    return options.out_dir or path.parent / "reports"


def report_root(path: Path, options: JobOptions) -> Path:
    """The part of ``report_dir`` the operator named (see ``JobOptions.out_root``)."""
    return options.out_root or options.out_dir or path.parent


def _compute_and_write(opened: OpenedWorkbook, options: JobOptions
                       ) -> tuple[JobResult, Computation | None, Settings]:
    """``run_job`` up to the rendering: (result so far, the reps to render, the settings)."""
    from goalreport.writeback import RunLogEntry, input_fingerprint, write_computed_sheets

    path = opened.path
    destination = options.output_workbook
    loaded = load_bounded(opened.view, _Request(
        writing=destination is None, as_of=options.as_of, month=options.month,
        today=options.today, tables=(options.write_plan, options.write_progress),
        render=options.render, rep_ids=options.rep_ids, deals=options.deals,
        charts=options.charts))
    settings, tables = loaded.settings, loaded.tables
    result = JobResult(
        workbook=path, as_of=loaded.as_of, report_month=loaded.report_month,
        reps=len(loaded.statuses), warnings=list(loaded.warnings), statuses=loaded.statuses,
        settings_as_of=settings.as_of, computation=loaded.selected, settings=settings,
    )
    if options.render:  # a planted link there fails the job before the workbook is written
        from goalreport.reports.render import check_report_folder

        check_report_folder(report_dir(path, options), loaded.report_month,
                            report_root(path, options))
    result.input_hash = input_fingerprint(opened.view, loaded.package)
    entry = RunLogEntry(
        when=options.now, version=__version__, as_of=loaded.as_of,
        input_hash=result.input_hash, reps=result.reps, warnings=len(loaded.warnings),
    )
    outcome = write_computed_sheets(
        opened, tables, run_log=entry, currency=settings.currency,
        locale=settings.locale, destination=destination, info=loaded.package,
        previous_log=loaded.previous_log)
    result.written_workbook = outcome.path
    result.backup, result.notes = outcome.backup, list(outcome.notes)
    if outcome.written is not None:
        st = outcome.written
        result.written_snapshot = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    result.sheets = [table.name for table in tables] + ["Run Log"]
    return result, loaded.selected, settings


def send_job(path: Path, options: JobOptions, sending: SendOptions,
             done: JobResult | None = None) -> DeliveryReport:
    """``send``, ``run --send``, ``batch --send``: mail the report month's PDFs under
    ``out_dir/<YYYY-MM>/``. Missing PDFs, and PDFs older than the workbook (its computed
    sheets or data changed since), are rendered first by the code ``report`` uses; the
    workbook itself is not written. ``done`` is the job just run on ``path``, whose
    computation is reused instead of reading the workbook again."""
    from goalreport.delivery.deliver import deliver, report_stems, stale_reports
    from goalreport.reports.filenames import report_filenames
    from goalreport.reports.render import render_reports, render_team_summary

    if done is not None and done.computation is not None and done.settings is not None:
        computation, settings = done.computation, done.settings
    else:
        from goalreport.guard.safefs import open_workbook
        from goalreport.paused_gc import no_gc

        with open_workbook(path) as opened, no_gc():  # no link, a regular file, read once
            loaded = load_bounded(opened.view, _Request(
                writing=False, as_of=options.as_of, month=options.month,
                today=options.today, render=True, deals=options.deals))
        assert loaded.selected is not None  # render=True hands back every active rep
        computation, settings = loaded.selected, loaded.settings
    select_reps(computation, sending.rep_ids)  # an unknown --rep is an input problem
    out_dir = report_dir(path, options)
    folder = out_dir / f"{computation.report_month:%Y-%m}"
    reps, team = stale_reports(computation, folder, path.stat().st_mtime_ns, sending.rep_ids)
    if reps:
        subset = replace(computation, results=tuple(reps))
        stems = report_stems(computation)
        if report_filenames([(r.rep.rep_id, r.rep.name) for r in reps]) != \
                [stems[r.rep.rep_id] for r in reps]:
            subset = computation  # names that collide are numbered over every rep
        render_reports(subset, settings, out_dir, jobs=options.jobs, html=options.html,
                       templates_dir=options.templates_dir, out_root=report_root(path, options),
                       pdf_tags=options.pdf_tags)
    elif team:
        render_team_summary(computation, settings, out_dir, html=options.html,
                            templates_dir=options.templates_dir, pdf_tags=options.pdf_tags)
    return deliver(computation, settings, folder.resolve(), sending, now=options.now,
                   templates_dir=options.templates_dir)
