"""The jobs behind the commands: load a workbook, compute, write sheets back, render.

Each command in ``cli/`` is a few lines around one of these functions. The reading and
computing happen in a bounded child (``loading.load_bounded``); this module opens the
workbook, pauses the GC around the job, writes the sheets and renders. Nothing here
prints or exits; failures are raised from ``errors.py``. The clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from goalreport import __version__
from goalreport.core.model import Settings
from goalreport.errors import Problem, WorkbookChanged
from goalreport.guard.snapshot import Snapshot
from goalreport.loading import ReadRequest, load_bounded, select_reps

if TYPE_CHECKING:
    from goalreport.core.results import Computation
    from goalreport.delivery.deliver import ReportSet
    from goalreport.delivery.outcome import DeliveryReport, SendOptions
    from goalreport.guard.access import Access
    from goalreport.guard.safefs import OpenedWorkbook
    from goalreport.lastrun import DealFile
    from goalreport.loading import Loaded


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
    #: The identity a workbook that has none is given when written (the batch's, which
    #: chose its report folder by it); None: a new one.
    identity: str | None = None
    #: Give the workbook a new identity even when it has one (``run --new-identity``: a
    #: copy made to start a workbook of its own).
    new_identity: bool = False
    #: The domains the reports may be mailed to, when the run sends (mail settings): an
    #: active rep's Email or the Manager Email elsewhere is an input problem.
    allowed_domains: tuple[str, ...] = ()


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
    #: The workbook goalreport wrote, as ``stat`` saw it once in place, so that a batch
    #: does not mistake its own write for someone's fresh change.
    written_snapshot: Snapshot | None = None
    #: The identity the workbook carries (``writeback.identity``).
    identity: str = ""
    #: Where its reports of the month are and what they were made from, for ``--send``.
    reports: ReportSet | None = field(default=None, repr=False, compare=False)

    def handed_back(self) -> JobResult:
        """This result as a batch's job process returns it: without the computation (every
        active rep's plan and progress, large), which is used, mail included, in that
        process (``batch/workbook_job.py``)."""
        return replace(self, computation=None)

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


def check_workbook(path: Path, *, today: date, as_of: date | None = None,
                   month: date | None = None, deals: tuple[Path, ...] = ()) -> list[Problem]:
    """Every input problem of ``path`` (raised as ``InputProblems``); returns the "info"
    lines (CRM exports recognised) and the warnings.

    Runs the engine too, so problems it finds (a rep with no goal, a deal size nobody
    gave) show up in ``check`` and not first in the monthly run. When a condensed line
    cannot name all its cells, every problem is written to ``<stem>-problems.csv`` beside
    the workbook (as readable as the workbook), and an "info" line says so.
    """
    from goalreport.errors import InputProblems
    from goalreport.guard.access import Access
    from goalreport.guard.safefs import open_workbook
    from goalreport.paused_gc import no_gc

    with open_workbook(path) as opened, no_gc():  # the child inherits the pause (run_job)
        access = Access.of(opened.stat)
        try:
            loaded = load_bounded(opened.view, ReadRequest(
                writing=False, as_of=as_of, month=month, today=today, deals=deals))
        except InputProblems as error:
            listed = _problems_file(opened, [*error.problems, *error.warnings], access)
            if listed is None:
                raise
            raise InputProblems([listed, *error.problems], error.warnings) from None
        found = [*loaded.notes, *loaded.warnings]
        listed = _problems_file(opened, list(loaded.warnings), access)
    return found if listed is None else [listed, *found]


def _problems_file(opened: OpenedWorkbook, problems: list[Problem], access: Access
                   ) -> Problem | None:
    """Write every one of ``problems`` to ``<stem>-problems.csv`` beside the workbook when
    their lines cannot name all their cells; the "info" line saying where, else None."""
    from goalreport.workbook.problemlist import problems_csv

    text = problems_csv(problems)
    if text is None:
        return None
    name = f"{opened.path.stem}-problems.csv"
    where = opened.path.parent / name
    try:
        opened.folder.write_atomic(name, text.encode("utf-8"), access=access)
    except OSError as error:
        return Problem(str(where), f"could not be written ({error.strerror}); the lines "
                       "below name the first cells of each kind only.", "info")
    return Problem(str(where), "lists every cell with a problem, range by range (the lines "
                   "below name the first ranges of each kind only).", "info")


def run_job(
    path: Path, options: JobOptions, progress: Callable[[int, int], None] | None = None,
    *, expect: Snapshot | None = None,
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
    if options.render and selected is not None and result.reports is not None:
        from goalreport.reports.render import render_reports

        reports = result.reports
        rendered = render_reports(
            selected, settings, report_dir(path, options),
            templates_dir=options.templates_dir, jobs=options.jobs, html=options.html,
            progress=progress, out_root=report_root(path, options), pdf_tags=options.pdf_tags,
            stamp=reports.stamp, access=reports.access, stems=dict(reports.stems),
            managers=not options.rep_ids)
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
    from goalreport.guard.access import Access
    from goalreport.lastrun import deal_files, deal_files_cell
    from goalreport.writeback import RunLogEntry, write_computed_sheets

    path = opened.path
    destination = options.output_workbook
    access = Access.of(opened.stat)
    deals = deal_files(options.deals)
    loaded = load_bounded(opened.view, ReadRequest(
        writing=destination is None, as_of=options.as_of, month=options.month,
        today=options.today, tables=(options.write_plan, options.write_progress),
        render=options.render, rep_ids=options.rep_ids, deals=options.deals,
        charts=options.charts, allowed_domains=options.allowed_domains))
    settings, tables = loaded.settings, loaded.tables
    result = JobResult(
        workbook=path, as_of=loaded.as_of, report_month=loaded.report_month,
        reps=len(loaded.statuses), warnings=list(loaded.warnings), statuses=loaded.statuses,
        settings_as_of=settings.as_of, computation=loaded.selected, settings=settings,
    )
    if options.render:  # a planted link there fails the job before the workbook is written
        from goalreport.reports.render import check_report_folder

        check_report_folder(report_dir(path, options), loaded.report_month,
                            report_root(path, options), access)
    assert loaded.basis is not None  # read with the tables, which a write always asks for
    result.input_hash = loaded.basis.input_hash
    entry = RunLogEntry(
        when=options.now, version=__version__, as_of=loaded.as_of,
        input_hash=result.input_hash, reps=result.reps, warnings=len(loaded.warnings),
        plan_changes=loaded.plan_changes,
        deal_files=deal_files_cell(deals),
    )
    outcome = write_computed_sheets(
        opened, tables, run_log=entry, currency=settings.currency,
        locale=settings.locale, destination=destination, basis=loaded.basis,
        identity=options.identity, new_identity=options.new_identity)
    result.written_workbook, result.identity = outcome.path, outcome.identity
    if options.render:
        result.reports = report_set(path, options, loaded, outcome.identity,
                                    stamp_inputs(result.input_hash, deals), access)
    result.backup, result.notes = outcome.backup, list(outcome.notes)
    if outcome.written is not None:
        result.written_snapshot = Snapshot.from_stat(outcome.written)
    result.sheets = [table.name for table in tables] + ["Run Log"]
    return result, loaded.selected, settings


def stamp_inputs(fingerprint: str, deals: tuple[DealFile, ...]) -> str:
    """The inputs' hash written into each report: the workbook's input fingerprint and
    each deals file's size and SHA-256."""
    from goalreport.reports.stamp import combined_inputs

    return combined_inputs(fingerprint, [(f.size, f.sha256) for f in deals])


def report_set(path: Path, options: JobOptions, loaded: Loaded, identity: str, inputs: str,
               access: Access) -> ReportSet:
    """Where the reports of ``loaded``'s month are and what they are made from."""
    from goalreport.delivery.deliver import ReportSet
    from goalreport.reports.stamp import Stamp

    assert loaded.stems is not None  # handed back whenever reports are rendered
    return ReportSet(folder=report_dir(path, options) / f"{loaded.report_month:%Y-%m}",
                     root=report_root(path, options), stamp=Stamp(identity, inputs, loaded.as_of),
                     stems=loaded.stems, access=access)


def send_job(path: Path, options: JobOptions, sending: SendOptions,
             done: JobResult | None = None) -> DeliveryReport:
    """``send``, ``run --send``, ``batch --send``: mail the report month's PDFs under
    ``out_dir/<YYYY-MM>/``. A PDF that is missing, or not this rep's report for this As Of
    and these inputs (its stamp), is rendered first by the code ``report`` uses; the
    workbook itself is not written, so ``send`` refuses when its sheets would not show what
    the reports say (``lastrun.py``). ``done`` is the job just run on ``path``, whose
    computation is reused instead of reading the workbook again."""
    import os

    from goalreport.delivery.deliver import deliver, open_month, stale_reports
    from goalreport.delivery.mailconfig import load_settings
    from goalreport.delivery.summaries import stale_summaries, summaries
    from goalreport.reports.render import render_reports, render_team_summary

    notes: list[str] = []
    # Unusable mail settings stop the run before the workbook is even read.
    load_settings(os.environ, sending.smtp_config, need_server=not sending.dry_run)
    if done is not None and done.computation is not None and done.settings is not None \
            and done.reports is not None:
        computation, settings, reports = done.computation, done.settings, done.reports
    else:
        computation, settings, reports, notes = load_for_send(path, options)
    select_reps(computation, sending.rep_ids)  # an unknown --rep is an input problem
    reps, team = stale_reports(computation, reports, sending)
    out_dir, root = report_dir(path, options), report_root(path, options)
    if reps:
        render_reports(replace(computation, results=tuple(reps)), settings, out_dir,
                       jobs=options.jobs, stems=dict(reports.stems), html=options.html,
                       templates_dir=options.templates_dir, pdf_tags=options.pdf_tags,
                       out_root=root, stamp=reports.stamp, access=reports.access,
                       managers=False, team=False)  # a summary of these few would be wrong
    managers: list[str] = []
    if sending.everyone:
        with open_month(reports) as month:
            managers = stale_summaries(summaries(computation), month, reports.stamp)
    if team or managers:
        render_team_summary(computation, settings, out_dir, html=options.html,
                            templates_dir=options.templates_dir, pdf_tags=options.pdf_tags,
                            out_root=root, stamp=reports.stamp, access=reports.access,
                            team=team, managers=managers)
    report = deliver(computation, settings, reports, sending, now=options.now,
                     templates_dir=options.templates_dir)
    report.notes = notes
    return report


def load_for_send(path: Path, options: JobOptions
                   ) -> tuple[Computation, Settings, ReportSet, list[str]]:
    """The workbook as ``send`` needs it, checked to be what its sheets show: read with
    the As Of and the deals files of its last run (``lastrun.py``), raising one line when
    they cannot be the same."""
    from goalreport.errors import GoalreportError
    from goalreport.guard.access import Access
    from goalreport.guard.safefs import open_workbook
    from goalreport.lastrun import LastRun, check_same_run, deal_files, same_deals
    from goalreport.paused_gc import no_gc

    given = deal_files(options.deals)
    with open_workbook(path) as opened, no_gc():  # no link, a regular file, read once
        request = ReadRequest(writing=False, as_of=options.as_of, month=options.month,
                              today=options.today, render=True, deals=options.deals,
                              last_run=True, allowed_domains=options.allowed_domains)
        loaded = load_bounded(opened.view, request)
        fingerprint = loaded.input_hash or ""  # asked for with last_run, inside the bounds
        last = LastRun.of(loaded.last_run) if loaded.last_run else None
        check_same_run(path.name, last, fingerprint, loaded.as_of)
        assert last is not None
        deals, note = same_deals(path.name, last, given)
        if note is not None:  # the run's own files, read where it read them
            loaded = load_bounded(opened.view, replace(request, deals=deals))
        access = Access.of(opened.stat)
    identity = loaded.identity
    if identity is None:
        raise GoalreportError(
            f"{path.name} has no identity yet (it was last run by an older goalreport): "
            f"run 'goalreport run {path.name} --send' once, so that what is sent of it is "
            "recorded wherever the file goes.")
    assert loaded.selected is not None  # render=True hands back every active rep
    reports = report_set(path, options, loaded, identity,
                         stamp_inputs(fingerprint, last.deal_files), access)
    return loaded.selected, loaded.settings, reports, [note] if note else []


def digest_job(path: Path, options: JobOptions, sending: SendOptions) -> DeliveryReport:
    """``digest`` and ``batch --digest``: this week's pace digest to each manager and to
    the Manager Email (``delivery/digestsend.py``), measured as of As Of (``--as-of``,
    Settings' As Of, else today) from the workbook as it is now; no PDF, nothing
    written. Reps without last week's digest in the record are compared with the same
    workbook a week earlier, measured in the same bounded child."""
    import os

    from goalreport.delivery.digestsend import send_digests
    from goalreport.delivery.mailconfig import load_settings
    from goalreport.errors import GoalreportError
    from goalreport.guard.access import Access
    from goalreport.guard.safefs import open_workbook
    from goalreport.paused_gc import no_gc

    load_settings(os.environ, sending.smtp_config, need_server=not sending.dry_run)
    with open_workbook(path) as opened, no_gc():
        loaded = load_bounded(opened.view, ReadRequest(
            writing=False, as_of=options.as_of, month=options.month, today=options.today,
            render=True, deals=options.deals, compare_week=True,
            allowed_domains=options.allowed_domains))
        access = Access.of(opened.stat)
    if loaded.identity is None:
        raise GoalreportError(
            f"{path.name} has no identity yet: run 'goalreport run {path.name}' once, so "
            "that the digests sent of it are recorded wherever the file goes.")
    assert loaded.selected is not None  # render=True hands back every active rep
    reports = report_set(path, options, loaded, loaded.identity, "", access)
    return send_digests(loaded.selected, loaded.settings, reports, sending, now=options.now,
                        before=loaded.before, templates_dir=options.templates_dir)
