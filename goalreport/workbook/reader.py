"""Read and validate a goalreport workbook (SPEC §1, §7): ``read_workbook`` and friends.

Everything wrong is collected and raised at once as ``InputProblems``; files that cannot
be opened at all raise ``UnreadableWorkbook``. Warnings (things worth saying that do not
stop a run) travel on ``WorkbookData.warnings`` or on the ``InputProblems``.

What is a warning rather than an error:
- activity of an inactive rep in the report month or later (``loading`` says so: the
  reader does not know the report month);
- activity outside every goal year of its rep (it counts in history only);
- an active rep with no goal (the engine decides whether the year it needs is missing);
- unknown setting names, a second sheet or column matching the same name;
- Ramp Months given without a Start Date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from fractions import Fraction
from pathlib import Path

from goalreport.core.calendar import goal_year_of
from goalreport.core.creditdata import TeamPeriod
from goalreport.core.keys import rep_key
from goalreport.core.model import (
    ANY_YEAR,
    Credit,
    DayActivity,
    Goal,
    Holiday,
    NodeGoal,
    OpenDeal,
    PlacedDeal,
    Settings,
    TimeOff,
    WorkbookData,
)
from goalreport.core.org import OrgTree
from goalreport.errors import InputProblems, Problem, UnreadableWorkbook
from goalreport.workbook.activity import read_activity
from goalreport.workbook.commission import check_plan_names, read_commission
from goalreport.workbook.crediting import CreditStep, splits_sheet
from goalreport.workbook.crm.merge import infer_activity_types
from goalreport.workbook.crm.sources import (
    export_files,
    export_sheets,
    join_exports,
    named_columns,
    read_rates,
)
from goalreport.workbook.deals import Deal
from goalreport.workbook.goals import read_goals
from goalreport.workbook.inputsheets import (
    RepIndex,
    read_holidays,
    read_reps,
    read_seasonality,
    read_time_off,
)
from goalreport.workbook.managers import read_tree
from goalreport.workbook.opendeals import pasted_export, read_open_deals
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import (
    ACTIVITY,
    EXCHANGE_RATES,
    HOLIDAYS,
    MANAGERS,
    REPS,
    SEASONALITY,
    SHEETS,
    TEAM_HISTORY,
    TIME_OFF,
)
from goalreport.workbook.settings import holiday_region_warning, read_settings
from goalreport.workbook.table import Collector, find_sheet, read_table
from goalreport.workbook.teamhistory import read_team_history

SUFFIXES = (".xlsx", ".xlsm")


def read_workbook(path: Path, deals: Sequence[Path] = ()) -> WorkbookData:
    """The validated contents of ``path`` (with the CRM exports in ``deals`` files).

    Raises ``UnreadableWorkbook`` when the file cannot be opened as a workbook, and
    ``InputProblems`` (with every problem, and the warnings) when its contents are wrong.
    """
    data, out = _read(Path(path), deals)
    if out.problems or data is None:
        raise InputProblems(out.problems, out.warnings)
    return data


def read_for_check(path: Path, deals: Sequence[Path] = (),
                   allowed_domains: tuple[str, ...] = (),
                   as_of: Callable[[date | None], date] | None = None
                   ) -> tuple[WorkbookData | None, tuple[Problem, ...], tuple[Problem, ...]]:
    """(data, problems, warnings) of ``path`` (and the ``deals`` exports), so that
    ``check`` can run the engine even when cells have problems and list a missing goal in
    the same run. With problems, ``data`` holds only the sound rows (and no rep whose Goals
    row has a problem), or is None when Settings, the Reps sheet or a required sheet could
    not be read. ``allowed_domains``: the domains the reports may be mailed to (a run
    that sends); an Email elsewhere is a problem. ``as_of`` gives the run's As Of from
    Settings' (meetings of an export without a done flag count when held by then). Raises
    ``UnreadableWorkbook`` only."""
    data, out = _read(Path(path), deals, allowed_domains, as_of)
    return data, tuple(out.problems), tuple(out.warnings)


def _team_history(book: Book, index: RepIndex, org: OrgTree, as_of: date | None, locale: str,
                  out: Collector) -> tuple[TeamPeriod, ...]:
    """The Team History sheet's periods; () without one (SPEC §3 Credit)."""
    name = find_sheet(book, TEAM_HISTORY, out)
    table = read_table(book, TEAM_HISTORY, name, out) if name else None
    return read_team_history(table, index, org, as_of, locale, out) if table else ()


def _read(path: Path, deals: Sequence[Path] = (), allowed_domains: tuple[str, ...] = (),
          as_of: Callable[[date | None], date] | None = None
          ) -> tuple[WorkbookData | None, Collector]:
    from goalreport.guard.container import check_container

    if path.suffix.lower() not in SUFFIXES:
        hint = " Open it in Excel and save it as .xlsx." if path.suffix.lower() in {
            ".xls", ".ods", ".csv", ".xlsb", ".numbers"} else ""
        raise UnreadableWorkbook(f"{path.name}: goalreport reads .xlsx and .xlsm workbooks, "
                                 f"not {path.suffix or 'files without an extension'}.{hint}")
    check_container(path)
    book = Book(path)
    out = Collector(allowed_domains=allowed_domains)
    sheets = {spec.key: find_sheet(book, spec, out) for spec in SHEETS}
    if sheets["activity"]:
        book.prefetch(sheets["activity"])  # the big one loads while the others are read
    missing = [spec.title for spec in SHEETS if spec.required and sheets[spec.key] is None]
    if missing and len(missing) == sum(spec.required for spec in SHEETS):
        raise UnreadableWorkbook(_not_goalreport(path, book.sheet_names))
    if missing:
        names = " and ".join([", ".join(repr(n) for n in missing[:-1]), repr(missing[-1])]
                             if len(missing) > 1 else [repr(missing[0])])
        plural = "sheets" if len(missing) > 1 else "sheet"
        found = ", ".join(repr(n) for n in book.sheet_names) or "none"
        out.error("Workbook", f"the {plural} {names} {'are' if len(missing) > 1 else 'is'} "
                  f"missing (sheets found: {found}). Add {'them' if len(missing) > 1 else 'it'}"
                  ", or run `goalreport init` for a template with every sheet.")

    before = out.errors_seen
    settings = read_settings(book, sheets["settings"], out)
    settings_problems = out.errors_seen > before
    locale = settings.locale
    currency = None if "currency" in out.unsure else settings.currency

    reps_table = read_table(book, REPS, sheets["reps"], out) if sheets["reps"] else None
    index = read_reps(reps_table, locale, out) if reps_table else RepIndex((), False)
    reps = tuple(index.by_key.values())
    managers = read_table(book, MANAGERS, sheets["managers"], out) \
        if sheets["managers"] else None
    org = read_tree(managers, index, out)

    if pasted_export(book, sheets["pipeline"]):
        sheets["pipeline"] = None  # a CRM export pasted into a sheet named Pipeline
    # CRM exports pasted as sheets or given as --deals files (see workbook/crm/).
    rates_sheet = find_sheet(book, EXCHANGE_RATES, out)
    split_sheet = splits_sheet(book, out)
    named = named_columns(settings)
    exports = [*export_sheets(book, [*sheets.values(), rates_sheet, split_sheet], named),
               *export_files(deals, out, named)]
    # Split deals and Credit On (see workbook/crediting.py): the splits first.
    credit = CreditStep(settings)
    credit.read_splits(book, split_sheet, [e for e in exports if e.format.splits], index,
                       reps, out, _as_of(as_of, settings))
    exports = [export for export in exports if not export.format.splits]
    # A pasted export named like an input sheet ("Activities") is not a second one.
    pasted = {f"{export.name} sheet" for export in exports}
    out.warnings[:] = [w for w in out.warnings
                       if not (w.where in pasted and w.message.startswith("is also read as"))]
    typed: list[Deal] | None = [] if exports else None
    pasted_open: list[OpenDeal] = []  # the exports' open deals, for the pipeline
    notes: tuple[Problem, ...] = ()
    inferred: tuple[str, ...] = ()
    placed: tuple[PlacedDeal, ...] = ()

    goals: tuple[Goal, ...] = ()
    goals_shape = None
    node_goals: tuple[NodeGoal, ...] = ()
    if sheets["goals"]:
        goals, goals_shape, node_goals = read_goals(book, sheets["goals"], index, settings,
                                                    out, currency, org)
    holiday_region_warning(settings, _goal_year(settings, goals), out)
    activity: tuple[DayActivity, ...] = ()
    # No goal splits new and repeat clients: nothing is judged by client type, so a won
    # row may leave Client Type empty (new or repeat is then inferred, and said).
    untyped: list[Deal] | None = [] if goals and not any(g.split for g in goals) else None
    if untyped is not None and typed is None:
        typed = []  # every Activity deal: the clients' first wins
    overlay: tuple[DayActivity, ...] = ()
    credits: tuple[Credit, ...] = ()
    # Before the exports: a deal placed in its rep's territory moves all the same when
    # Team History had the rep elsewhere that day.
    team_history = _team_history(book, index, org, _as_of(as_of, settings), locale, out)
    if sheets["activity"] and (table := read_table(book, ACTIVITY, sheets["activity"], out)):
        intake = credit.start(locale, currency, out)
        tally = read_activity(table, index, locale, out, typed, currency, untyped, intake)
        if exports:
            rates = read_rates(book, rates_sheet, locale, currency, out)
            held_by = _as_of(as_of, settings)
            notes, inferred, placed = join_exports(
                exports, tally, typed or [], reps, settings, table.name, out, rates,
                held_by, pasted_open, untyped or (), intake, credit.found,
                {rep_key(p.rep_id) for p in team_history if p.territory})
        elif untyped:
            inferred = infer_activity_types(untyped, typed or [], tally,
                                            intake.divert if intake is not None else None)
        if untyped:
            notes = (_inferred_note(table.name, len(untyped)), *notes)
        credit.said_owners(reps, out, bool(exports))
        columns = set(table.columns).union(*(export.cols for export in exports))
        credits, overlay = credit.finish(tally, out, columns)
        notes += tuple(credit.notes)
        activity = tally.records()
    seasonality: dict[int, Fraction] = {}
    if sheets["seasonality"] and (
            table := read_table(book, SEASONALITY, sheets["seasonality"], out)):
        seasonality = read_seasonality(table, locale, out)
    holidays: tuple[Holiday, ...] = ()
    if sheets["holidays"] and (table := read_table(book, HOLIDAYS, sheets["holidays"], out)):
        holidays = read_holidays(table, locale, out)
    time_off: tuple[TimeOff, ...] = ()
    if sheets["time_off"] and (table := read_table(book, TIME_OFF, sheets["time_off"], out)):
        time_off = read_time_off(table, index, locale, out)

    open_deals, stages, pipeline_notes = read_open_deals(
        book, sheets["pipeline"], sheets["stages"], index, settings, out, pasted_open)
    plans, flawed_plans = read_commission(book, sheets["commission"], locale, currency, out)
    check_plan_names(plans, flawed_plans, sheets["commission"], reps, goals, settings, out)

    out.finish(book)
    if out.problems:
        if missing or not index.checked or settings_problems:
            return None, out  # the goal year or the reps are not known: nothing to check
        # For check: the sound rows, less the reps whose goal rows have problems (their
        # goals are not missing, they are already reported).
        reps = tuple(rep for rep in reps if rep.rep_id not in out.flawed_reps)
    data = WorkbookData(
        settings=settings, reps=reps, goals=goals, activity=activity,
        # A plain dict (not the model's default MappingProxyType) so that WorkbookData
        # pickles across the sandbox process boundary.
        seasonality=dict(seasonality), holidays=holidays, time_off=time_off,
        warnings=tuple(out.warnings), notes=(*notes, *pipeline_notes),
        inferred_client_types=inferred, goals_shape=goals_shape,
        open_deals=tuple(open_deals), stages=stages, overlay=overlay, credits=credits,
        org=org, node_goals=node_goals, placed_deals=placed, commission_plans=plans,
        team_history=team_history,
    )
    return data, out


def _as_of(as_of: Callable[[date | None], date] | None, settings: Settings) -> date | None:
    """The run's As Of when the caller knows it, else Settings'."""
    if as_of is None:
        return settings.as_of
    try:
        return as_of(settings.as_of)
    except InputProblems:  # a --month not begun: said by the caller
        return settings.as_of


def _inferred_note(sheet: str, count: int) -> Problem:
    """check's line for Activity's won rows left without a Client Type."""
    rows = f"{count} won row{'s' if count != 1 else ''}"
    return Problem(f"Sheet {sheet!r}", f"{rows} without a Client Type: made repeat when the "
                   "same client won on an earlier day, else new (no goal splits new and "
                   "repeat clients, so this is shown but not judged).", "info")


def _goal_year(settings: Settings, goals: tuple[Goal, ...]) -> int | None:
    """The goal year As Of falls in, else the latest on the Goals sheet (no clock here)."""
    if settings.as_of is not None:
        return goal_year_of(settings.as_of, settings.fiscal_year_start)
    return max((goal.year for goal in goals if goal.year != ANY_YEAR), default=None)


def _not_goalreport(path: Path, sheet_names: Iterable[str]) -> str:
    """One line for a workbook with none of the required input sheets: most likely the
    wrong file (a budget, an export), so listing each missing sheet and column would
    only bury the point."""
    names = [repr(name) for name in sheet_names]
    found = ", ".join(names[:5]) + (", …" if len(names) > 5 else "") or "none"
    return (f"{path.name} is not a goalreport workbook: it has no Reps, Goals or Activity "
            f"sheet (its sheets: {found}). Run 'goalreport init NEW.xlsx' for a template, "
            "or add those sheets.")


__all__ = ["read_for_check", "read_workbook"]
