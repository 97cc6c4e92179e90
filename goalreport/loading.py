"""The job's first step: read, check and compute a workbook in one bounded child.

``load_bounded`` runs ``_read_and_compute`` in ``guard.bounded``'s child (memory and time
limits): the container check and the reading, the package structure, the rep limit, the
engine, the computed sheets and, when they are to be written, the writer's basis. What
comes back (``Loaded``) is what the write-back and the reports need, never the workbook's
data. ``jobs`` calls it for check, plan, report, run and send.

The reader (``workbook.reader``) reads cells only. What the writer needs from the file
(the structure, the fingerprint, the old Run Log: ``writeback.basis``) is read here,
beside it, because this is where the workbook is read inside the bounds: the package's
parts are read once, and the main process goes from this child straight to the write.

This lives beside ``jobs`` and not in ``guard/``: it is the job's own work, reaching into
the reader, the engine, the sheet builders and the write-back's structure checks, while
``guard`` only bounds and checks files and knows nothing of what runs inside its child.
Nothing here prints or exits; the clock is passed in (``ReadRequest.today``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goalreport.core.calendar import month_end
from goalreport.core.digest import week_before
from goalreport.core.keys import rep_key
from goalreport.core.model import Settings
from goalreport.errors import InputProblems, Problem, UnreadableWorkbook

if TYPE_CHECKING:
    from goalreport.core.digest import RepSnapshot
    from goalreport.core.model import WorkbookData
    from goalreport.core.results import Computation
    from goalreport.core.tables import SheetTable
    from goalreport.writeback.basis import WriteBasis

#: Memory and time a workbook may use while it is read and computed (see docs/safety.md).
READ_MEMORY_MB = 2048
READ_SECONDS = 120.0
#: Most active reps a workbook may have: each costs a plan, a report and its time.
MAX_REPS = 20_000
MAX_REPS_VARIABLE = "GOALREPORT_MAX_REPS"


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


@dataclass(frozen=True)
class ReadRequest:
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
    #: Hand back the Run Log's newest row, and take its As Of when none is asked for
    #: (``send``: the reports must say what the workbook's sheets say).
    last_run: bool = False
    #: The domains the reports may be mailed to (a run that sends, when the operator set
    #: them): an active rep's Email or the Manager Email elsewhere is an input problem.
    allowed_domains: tuple[str, ...] = ()
    #: Also measure every rep a week before As Of, for the digest's comparison when no
    #: digest was sent the week before (``Loaded.before``).
    compare_week: bool = False


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
    tables: tuple[SheetTable, ...] = ()
    #: The reps to render (``select_reps``), when asked for.
    selected: Computation | None = None
    #: ``keys.rep_key`` → what a digest a week before As Of would have said
    #: of the rep (empty when that date cannot be measured: another goal year without
    #: goals).
    before: dict[str, RepSnapshot] = field(default_factory=dict)
    #: What the write-back needs of the file (``writeback.basis``), with the tables.
    basis: WriteBasis | None = None
    #: What changed the reps' plans (revisions, relief), for the Run Log.
    plan_changes: str = ""
    #: Rep key → the stem of the rep's report, numbered over every active rep (with render).
    stems: dict[str, str] | None = None
    #: The identity the workbook carries (``writeback.identity``), None when it has none.
    identity: str | None = None
    #: With ``ReadRequest.last_run`` (``send``): the Run Log's newest row, and the input
    #: fingerprint to compare with its Input Hash.
    last_run: tuple[object, ...] | None = None
    input_hash: str | None = None

    def __reduce__(self) -> tuple[object, ...]:
        from goalreport.guard.handback import pack_rows

        state = {name: getattr(self, name) for name in self.__dataclass_fields__}
        state["tables"] = tuple((replace(t, rows=()), pack_rows(t.rows)) for t in self.tables)
        return _rebuild_loaded, (state,)


def _rebuild_loaded(state: dict[str, Any]) -> Loaded:
    from goalreport.guard.handback import unpack_rows

    state["tables"] = tuple(replace(t, rows=unpack_rows(rows)) for t, rows in state["tables"])
    return Loaded(**state)


def load_bounded(path: Path, request: ReadRequest) -> Loaded:
    """Read, validate and compute in one child process with bounded memory and time
    (GOALREPORT_READ_MEMORY_MB / GOALREPORT_READ_SECONDS), so neither a hostile file nor
    a huge team can exhaust the machine; raises every input problem at once. ``path`` is
    an ``OpenedWorkbook.view``."""
    from goalreport.guard.bounded import bounds_from_env, run_bounded

    memory_mb, seconds = bounds_from_env(READ_MEMORY_MB, READ_SECONDS)
    return run_bounded(_read_and_compute, path, request, memory_mb=memory_mb,
                       seconds=seconds, doing="reading and planning it")


def _read_and_compute(path: Path, request: ReadRequest) -> Loaded:
    """The bounded child's work: the container check and the reading (``read_for_check``,
    with the CRM exports), then the package structure (once: its problems are the
    input's, and the writer splices into it), the rep limit, the engine, the computed
    sheets and the rest of the writer's basis. Problems come together:
    the reader's, the structure's (a user's sheet with a computed sheet's name) and the
    engine's (a rep with no goal, a deal size nobody gives): the engine runs on the sound
    rows even when cells have problems, so that ``check`` lists everything in one run."""
    from goalreport.core.engine import compute
    from goalreport.core.formatting import Formatter
    from goalreport.core.pipelinesheets import PIPELINE_BY_MONTH
    from goalreport.core.sheets import computed_tables, run_log_changes
    from goalreport.ooxml.package import inspect_package
    from goalreport.reports.filenames import report_stems
    from goalreport.workbook.activity import history_warnings, inactive_activity_warnings
    from goalreport.workbook.problemlist import condense
    from goalreport.workbook.reader import read_for_check
    from goalreport.writeback.basis import read_write_basis
    from goalreport.writeback.fingerprint import input_fingerprint
    from goalreport.writeback.identity import workbook_identity
    from goalreport.writeback.runlog import newest_row
    from goalreport.writeback.structure import structure_problems

    data, cell_problems, read_warnings = read_for_check(
        path, request.deals, request.allowed_domains, lambda settings_as_of: resolve_dates(
            settings_as_of, as_of=request.as_of, month=request.month, today=request.today)[0])
    package = inspect_package(path)
    foreign = structure_problems(package, writing=request.writing)
    if data is None:
        raise InputProblems(condense([*cell_problems, *foreign]), condense(read_warnings))
    check_rep_count(path, sum(rep.active for rep in data.reps))
    last_run = newest_row(path, package) if request.last_run else None
    asked = request.as_of
    if request.last_run and asked is None and request.month is None and last_run:
        asked = last_run[2] if isinstance(last_run[2], date) else None
    try:  # a --month not yet begun is listed with the cell problems, not instead of them
        as_of, report_month = resolve_dates(
            data.settings.as_of, as_of=asked, month=request.month, today=request.today)
    except InputProblems as problems:
        raise InputProblems(condense([*foreign, *cell_problems, *problems.problems]),
                            condense(read_warnings)) from None
    warnings = [*read_warnings, *history_warnings(data, as_of),
                *inactive_activity_warnings(data, report_month)]
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
    stems = report_stems([(r.rep.rep_id, r.rep.name) for r in computation.results]) \
        if request.render else None
    before = _before(data, week_before(as_of) if request.compare_week else None,
                     report_month)
    tables: tuple[SheetTable, ...] = ()
    basis: WriteBasis | None = None
    say = Formatter(data.settings.locale, data.settings.currency).say
    if request.tables is not None:
        earlier = package.sheet_named(PIPELINE_BY_MONTH)
        tables = tuple(computed_tables(
            computation, plan=request.tables[0], progress=request.tables[1], say=say,
            chart_settings=data.settings if request.charts else None,
            pipeline_sheet=earlier is not None and earlier.index in package.owned_indexes))
        basis = read_write_basis(path, package)
    return Loaded(
        settings=data.settings, as_of=as_of, report_month=report_month,
        statuses={r.rep.rep_id: r.progress.status for r in computation.results},
        warnings=tuple(condense([*warnings, *computation.warnings])),
        notes=(*data.notes, *computation.notes), tables=tables, selected=selected,
        basis=basis, plan_changes=run_log_changes(computation.results, say), stems=stems,
        identity=workbook_identity(package), last_run=last_run,
        input_hash=input_fingerprint(path, package) if request.last_run else None,
        before=before)


def _before(data: WorkbookData, as_of: date | None, report_month: date
            ) -> dict[str, RepSnapshot]:
    """Every rep as a digest as of ``as_of`` would have shown them ({} for no date, or a
    date the workbook cannot be measured at: a goal year without goals)."""
    from goalreport.core.digest import snapshots
    from goalreport.core.engine import compute  # a second engine run, inside the bounds

    if as_of is None:
        return {}
    try:
        return snapshots(compute(data, as_of=as_of, report_month=report_month))
    except InputProblems:
        return {}


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
