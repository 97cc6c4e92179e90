"""The jobs behind the commands: load a workbook, compute, write sheets back, render.

Each command in ``cli.py`` is a few lines around one of these functions. Nothing here
prints or exits; failures are raised from ``errors.py``. The clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from goalreport import __version__
from goalreport.core.calendar import month_end
from goalreport.core.model import WorkbookData, rep_key
from goalreport.errors import InputProblems, Problem, WorkbookChanged

if TYPE_CHECKING:
    from goalreport.core.results import Computation
    from goalreport.delivery.deliver import DeliveryReport, SendOptions
    from goalreport.guard.handback import PackedWorkbook
    from goalreport.guard.safefs import FileIdentity, OpenedWorkbook

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
    #: What was computed (every active rep) and read, for ``--send`` after the job.
    computation: Computation | None = field(default=None, repr=False, compare=False)
    data: WorkbookData | None = field(default=None, repr=False, compare=False)
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


def check_workbook(path: Path, *, today: date, as_of: date | None = None,
                   month: date | None = None, deals: tuple[Path, ...] = ()) -> list[Problem]:
    """Every input problem of ``path`` (raised as ``InputProblems``); returns the "info"
    lines (CRM exports recognised) and the warnings.

    Runs the engine too, so problems it finds (a rep with no goal, a deal size nobody
    gave) show up in ``check`` and not first in the monthly run.
    """
    from goalreport.guard.safefs import open_workbook
    from goalreport.paused_gc import no_gc
    from goalreport.workbook.problemlist import condense
    from goalreport.writeback import preflight

    with open_workbook(path) as opened, no_gc():  # the GC pause as in run_job
        foreign = preflight(path, writing=False, read_from=opened.view)
        computation, data = _load_and_compute(
            opened.view, foreign, as_of=as_of, month=month, today=today, deals=deals)
    return [*data.notes, *condense([*data.warnings, *computation.warnings])]


def _load_and_compute(
    path: Path, foreign: list[Problem], *, as_of: date | None, month: date | None, today: date,
    deals: tuple[Path, ...] = ()) -> tuple[Computation, WorkbookData]:
    """Read, validate and compute, raising every input problem at once: the reader's, the
    write-back preflight's (``foreign``) and the engine's (a rep with no goal, a deal size
    nobody gives)."""
    from goalreport.core.engine import compute
    from goalreport.workbook.activity import history_warnings
    from goalreport.workbook.problemlist import condense

    data, cell_problems, read_warnings = read_bounded(path, deals)
    if data is None:
        raise InputProblems(condense([*cell_problems, *foreign]), condense(read_warnings))
    as_of_date, report_month = resolve_dates(
        data.settings.as_of, as_of=as_of, month=month, today=today)
    warnings = [*read_warnings, *history_warnings(data, as_of_date)]
    try:  # run even when cells have problems, so that a missing goal shows in the same run
        computation = compute(data, as_of=as_of_date, report_month=report_month)
        if data.inferred_client_types:
            computation = replace(computation,
                                  inferred_client_types=data.inferred_client_types)
    except InputProblems as problems:
        raise InputProblems(condense([*foreign, *cell_problems, *problems.problems]),
                            condense([*warnings, *problems.warnings])) from None
    if foreign or cell_problems:
        raise InputProblems(condense([*foreign, *cell_problems]),
                            condense([*warnings, *computation.warnings]))
    return computation, replace(data, warnings=tuple(warnings))


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
    from goalreport.writeback import preflight

    path = opened.path
    destination = options.output_workbook
    foreign = preflight(path, writing=destination is None, read_from=opened.view)
    # Up to the rendering, the job makes millions of small objects and keeps them all (the
    # workbook, its plans, the sheets): the cyclic GC would only walk them again and again.
    with no_gc():
        result, selected, data = _compute_and_write(opened, options, foreign)
    if options.render:
        from goalreport.reports.render import render_reports

        rendered = render_reports(
            selected, data.settings, report_dir(path, options),
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


def _compute_and_write(opened: OpenedWorkbook, options: JobOptions, foreign: list[Problem]
                       ) -> tuple[JobResult, Computation, WorkbookData]:
    """``run_job`` up to the rendering: (result so far, the reps to render, the data)."""
    from goalreport.core.sheets import computed_tables
    from goalreport.reports.formatting import Formatter
    from goalreport.writeback import RunLogEntry, input_fingerprint, write_computed_sheets

    path = opened.path
    destination = options.output_workbook
    computation, data = _load_and_compute(
        opened.view, foreign, as_of=options.as_of, month=options.month, today=options.today,
        deals=options.deals)
    as_of, report_month = computation.as_of, computation.report_month
    selected = select_reps(computation, options.rep_ids)
    from goalreport.workbook.problemlist import condense

    warnings = condense([*data.warnings, *computation.warnings])
    result = JobResult(
        workbook=path, as_of=as_of, report_month=report_month,
        reps=len(computation.results), warnings=warnings,
        statuses={r.rep.rep_id: r.progress.status for r in computation.results},
        settings_as_of=data.settings.as_of, computation=computation, data=data,
    )

    if options.render:  # a planted link there fails the job before the workbook is written
        from goalreport.reports.render import check_report_folder

        check_report_folder(report_dir(path, options), report_month, report_root(path, options))
    tables = computed_tables(
        computation, plan=options.write_plan, progress=options.write_progress,
        say=Formatter(data.settings.locale, data.settings.currency).say,
        chart_settings=data.settings if options.charts else None)
    result.input_hash = input_fingerprint(opened.view)
    entry = RunLogEntry(
        when=options.now, version=__version__, as_of=as_of,
        input_hash=result.input_hash, reps=len(computation.results),
        warnings=len(warnings),
    )
    outcome = write_computed_sheets(
        opened, tables, run_log=entry, currency=data.settings.currency,
        locale=data.settings.locale, destination=destination)
    result.written_workbook = outcome.path
    result.backup, result.notes = outcome.backup, list(outcome.notes)
    if outcome.written is not None:
        st = outcome.written
        result.written_snapshot = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    result.sheets = [table.name for table in tables] + ["Run Log"]
    return result, selected, data


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

    if done is not None and done.computation is not None and done.data is not None:
        computation, data = done.computation, done.data
    else:
        from goalreport.guard.safefs import open_workbook

        with open_workbook(path) as opened:  # no link, a regular file, read once
            computation, data = _load_and_compute(
                opened.view, [], as_of=options.as_of, month=options.month,
                today=options.today, deals=options.deals)
    select_reps(computation, sending.rep_ids)  # an unknown --rep is an input problem
    out_dir = options.out_dir or path.parent / "reports"
    folder = out_dir / f"{computation.report_month:%Y-%m}"
    reps, team = stale_reports(computation, folder, path.stat().st_mtime_ns, sending.rep_ids)
    if reps:
        subset = replace(computation, results=tuple(reps))
        stems = report_stems(computation)
        if report_filenames([(r.rep.rep_id, r.rep.name) for r in reps]) != \
                [stems[r.rep.rep_id] for r in reps]:
            subset = computation  # names that collide are numbered over every rep
        render_reports(subset, data.settings, out_dir, jobs=options.jobs, html=options.html,
                       templates_dir=options.templates_dir)
    elif team:
        render_team_summary(computation, data.settings, out_dir, html=options.html,
                            templates_dir=options.templates_dir)
    return deliver(computation, data.settings, folder.resolve(), sending, now=options.now,
                   templates_dir=options.templates_dir)
