"""The computed sheets of SPEC §4 as neutral tables, built from the engine's results.

Pure: no openpyxl, no files. Column names and order are the contract; extra columns
come after the contracted ones. Counts of deals, leads and meetings are shown rounded up.
Plan's Month is a real date (the first of the month) shown as month and year, so it
sorts and filters as a date; the write-back picks each date format from the Locale.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from goalreport.core.chartdata import team_summary_charts
from goalreport.core.commissionsheets import (
    commission_cells,
    commission_columns,
    has_commission,
)
from goalreport.core.credit import AWAITED
from goalreport.core.model import STATUSES, CreditOn, DealCount, Settings
from goalreport.core.money import round_half_up
from goalreport.core.phrases import Say
from goalreport.core.pipelinesheets import (
    PROGRESS_PIPELINE_COLUMNS,
    TEAM_PIPELINE_COLUMNS,
    has_pipeline,
    pipeline_by_month_table,
    progress_cells,
    team_cells,
)
from goalreport.core.results import Computation, GroupTotals, RepResult, RollUp
from goalreport.core.rollup import TITLES
from goalreport.core.tables import Column, SheetBlock, SheetTable

PLAN_COLUMNS = (
    Column("Rep ID"), Column("Rep"), Column("Team"), Column("Month", "month"),
    Column("Working Days", "integer"), Column("New Target", "money"),
    Column("Repeat Target", "money"), Column("Total Target", "money"),
    Column("Daily Target", "money"), Column("Deals Needed", "integer"),
    Column("Leads Needed", "integer"), Column("Meetings Needed", "integer"),
)

WEEKLY_PLAN_COLUMNS = (
    Column("Rep ID"), Column("Rep"), Column("Week Starting", "date"),
    Column("Working Days", "integer"), Column("Target", "money"),
    Column("Deals Needed", "integer"), Column("Leads Needed", "integer"),
    Column("Meetings Needed", "integer"),
)

PROGRESS_COLUMNS = (
    Column("Rep ID"), Column("Rep"), Column("Team"), Column("As Of", "date"),
    Column("Annual Target", "money"), Column("Actual", "money"),
    Column("Expected to Date", "money"), Column("Attainment", "percent"),
    Column("Pace", "percent"), Column("Forecast", "money"), Column("Gap", "money"),
    Column("Needed per Working Day", "money"), Column("Status", "status"),
    Column("New Actual", "money"), Column("Repeat Actual", "money"),
    Column("Leads", "integer"), Column("Meetings", "integer"),
    Column("Deals Won", "integer"), Column("Close Rate", "percent"),
    Column("Avg Deal Size", "money"), Column("Focus Hours", "number"),
    Column("Re-assess"),
    # Beyond the contract: what the re-assessment suggests, as a number to sort by; what
    # changed the plan (a revision in force or coming, relief for time off).
    Column("Suggested Goal", "money"), Column("Plan Changes"),
)

TEAM_SUMMARY_COLUMNS = (
    Column("Team"), Column("Reps", "integer"), Column("Annual Target", "money"),
    Column("Actual", "money"), Column("Expected to Date", "money"),
    Column("Attainment", "percent"), Column("Pace", "percent"), Column("Forecast", "money"),
    Column("Achieved", "integer"), Column("On Track", "integer"),
    Column("Slightly Behind", "integer"), Column("At Risk", "integer"),
    Column("Behind", "integer"),
)


def plan_table(results: Sequence[RepResult]) -> SheetTable:
    rows = []
    for result in results:
        rep = result.rep
        for month in result.plan.months:
            goal = month.objectives
            rows.append((
                rep.rep_id, rep.name, rep.team, month.month, month.working_days,
                month.new_target, month.repeat_target, month.total_target,
                month.daily_target, goal.deals_shown, goal.leads_shown, goal.meetings_shown,
            ))
    return SheetTable("Plan", PLAN_COLUMNS, tuple(rows))


def weekly_plan_table(results: Sequence[RepResult]) -> SheetTable:
    rows = []
    for result in results:
        rep = result.rep
        for week in result.plan.weeks:
            goal = week.objectives
            rows.append((
                rep.rep_id, rep.name, week.week_start, week.working_days, week.target,
                goal.deals_shown, goal.leads_shown, goal.meetings_shown,
            ))
    return SheetTable("Weekly Plan", WEEKLY_PLAN_COLUMNS, tuple(rows))




def plan_changes(result: RepResult, say: Say = str) -> str:
    """What changed the rep's plan, in words ("target revised on Jul 1, 2026: $240,000 →
    $200,000; target reduced by $4,615 for 10 days of leave"); "" for nothing."""
    return "; ".join(say(change.phrase) for change in result.plan.changes)


#: Reps whose plan changes a Run Log row names; the rest are counted.
RUN_LOG_CHANGES = 20


def run_log_changes(results: Sequence[RepResult], say: Say = str) -> str:
    """What changed the plans, for the Run Log: "R1: target revised on …; R3: target
    reduced by … for 10 days of leave" (the first ``RUN_LOG_CHANGES`` reps, then a count)."""
    changed = [(r.rep.rep_id, plan_changes(r, say)) for r in results if r.plan.changes]
    shown = "; ".join(f"{rep_id}: {text}" for rep_id, text in changed[:RUN_LOG_CHANGES])
    rest = len(changed) - RUN_LOG_CHANGES
    return shown + (f"; and {rest} more rep{'s' if rest != 1 else ''}" if rest > 0 else "")


def _reassess_text(result: RepResult, say: Say) -> str:
    reassess = result.progress.reassess
    return say(reassess.reason) if reassess.flagged else ""


def credit_columns(credit_on: CreditOn, overlay: bool) -> tuple[Column, ...]:
    """The columns a workbook with overlay splits, or with Credit On invoiced or paid,
    adds at the end of Progress and Team Summary (none otherwise, so a workbook without
    them reads as it always did)."""
    found: tuple[Column, ...] = (Column("Overlay Credit", "money"),) if overlay else ()
    if credit_on != "booked":
        found += (Column(f"Booked, Not Yet {AWAITED[credit_on].title()}", "money"),)
    return found


def _credit_cells(overlay: Decimal, waiting: Decimal | None, credit_on: CreditOn,
                  has_overlay: bool) -> tuple[object, ...]:
    return ((overlay,) if has_overlay else ()) + ((waiting,) if credit_on != "booked" else ())


def _deals(count: DealCount) -> DealCount | Decimal:
    """A deal count for a cell: whole, or a share of deals to two places."""
    if isinstance(count, Fraction) and count.denominator != 1:
        return Decimal(round_half_up(count * 100)).scaleb(-2)
    return int(count)


def progress_table(results: Sequence[RepResult], say: Say = str,
                   credit_on: CreditOn = "booked", overlay: bool = False) -> SheetTable:
    """One row per rep; the pipeline columns at the end when there are open deals, then
    the credit columns (``credit_columns``), then the commission columns when a rep has
    a commission plan. With split deals a rep's Deals Won may be a
    share ("2.5")."""
    pipeline = has_pipeline(results)
    commission = has_commission(results)
    rows = []
    for result in results:
        rep, p = result.rep, result.progress
        funnel = p.funnel_year
        rows.append((
            rep.rep_id, rep.name, rep.team, p.as_of, p.annual_target, p.actual,
            p.expected_to_date, p.attainment, p.pace, p.forecast, p.gap,
            p.needed_per_working_day, p.status, p.actual_new, p.actual_repeat,
            funnel.leads, funnel.meetings, _deals(funnel.won), funnel.close_rate,
            funnel.avg_deal_size, funnel.focus_hours, _reassess_text(result, say),
            p.reassess.suggested_goal if p.reassess.flagged else None,
            plan_changes(result, say),
            *(progress_cells(result.pipeline) if pipeline else ()),
            *_credit_cells(p.overlay, p.not_yet_credited, credit_on, overlay),
            *(commission_cells(result.commission, pipeline) if commission else ()),
        ))
    columns: tuple[Column, ...] = PROGRESS_COLUMNS
    if any(isinstance(row[17], Decimal) for row in rows):  # shares of deals: not whole
        columns = tuple(replace(c, kind="number") if c.name == "Deals Won" else c
                        for c in columns)
    columns += (PROGRESS_PIPELINE_COLUMNS if pipeline else ()) + credit_columns(
        credit_on, overlay) + (commission_columns(pipeline) if commission else ())
    return SheetTable("Progress", columns, tuple(rows))


def _team_row(totals: GroupTotals, pipeline: bool, credit_on: CreditOn = "booked",
              overlay: bool = False) -> tuple[object, ...]:
    counts = [totals.status_counts.get(status, 0) for status in STATUSES]
    return (
        totals.name, totals.reps, totals.annual_target, totals.actual,
        totals.expected_to_date, totals.attainment, totals.pace, totals.forecast, *counts,
        *(team_cells(totals.pipeline) if pipeline else ()),
        *_credit_cells(totals.overlay, totals.not_yet_credited, credit_on, overlay),
    )


#: A roll-up section's columns after its node's name (and, for the tree, its place):
#: the target measured against, then both targets and their difference (SPEC §3
#: Targets above the rep), then as Team Summary's table.
_NODE_COLUMNS = (
    Column("Reps", "integer"), Column("Annual Target", "money"), Column("Own Quota", "money"),
    Column("Reps' Targets", "money"), Column("Over/Under-Assigned", "money"),
    Column("Actual", "money"), Column("Expected to Date", "money"),
    Column("Attainment", "percent"), Column("Pace", "percent"), Column("Forecast", "money"),
    *TEAM_SUMMARY_COLUMNS[-len(STATUSES):],
)
_TREE_COLUMNS = (Column("Manager"), Column("Manager ID"), Column("Level", "integer"),
                 Column("Reports To"))


def _node_row(totals: GroupTotals, pipeline: bool, credit: tuple[CreditOn, bool]
              ) -> tuple[object, ...]:
    counts = [totals.status_counts.get(status, 0) for status in STATUSES]
    return (totals.reps, totals.annual_target, totals.own_quota, totals.reps_target,
            totals.difference, totals.actual, totals.expected_to_date, totals.attainment,
            totals.pace, totals.forecast, *counts,
            *(team_cells(totals.pipeline) if pipeline else ()),
            *_credit_cells(totals.overlay, totals.not_yet_credited, *credit))


def section_block(section: RollUp, computation: Computation, pipeline: bool = False
                  ) -> SheetBlock:
    """One roll-up as a block of Team Summary: a row per node (the tree's with its
    manager's ID, level and whom they report to); landing and coverage at the end with
    open deals, then the credit columns."""
    title = TITLES[section.dimension]
    credit = (computation.credit_on, computation.has_overlay)
    columns = _NODE_COLUMNS + (TEAM_PIPELINE_COLUMNS if pipeline else ()) + \
        credit_columns(*credit)
    if section.dimension != "manager":
        return SheetBlock(f"By {title.lower()}", (Column(title), *columns),
                          tuple((row.name, *_node_row(row, pipeline, credit)) for row in section.rows))
    org = computation.org.by_key
    rows = []
    for row in section.rows:
        manager = org.get(row.key)
        boss = org.get(manager.reports_to) if manager else None
        rows.append((row.name, manager.manager_id if manager else None, row.depth,
                     boss.name if boss else None, *_node_row(row, pipeline, credit)))
    return SheetBlock("Manager tree", (*_TREE_COLUMNS, *columns), tuple(rows))


def team_summary_table(computation: Computation) -> SheetTable:
    """Team Summary: a row per team and the Total, then one roll-up per dimension
    present and the manager tree; landing and coverage at the end with open deals, then
    the credit columns. A node's Actual and Forecast leave overlay credit out (its own
    column shows it), so each deal counts once."""
    team = computation.team
    credit = (computation.credit_on, computation.has_overlay)
    pipeline = any(totals.pipeline is not None for totals in team)
    rows = tuple(_team_row(totals, pipeline, *credit) for totals in team)
    columns = TEAM_SUMMARY_COLUMNS + (TEAM_PIPELINE_COLUMNS if pipeline else ()) + \
        credit_columns(*credit)
    return SheetTable("Team Summary", columns, rows, total_row=True,
                      sections=tuple(section_block(s, computation, pipeline)
                                     for s in computation.sections))


def computed_tables(
    computation: Computation, *, plan: bool = True, progress: bool = True, say: Say = str,
    chart_settings: Settings | None = None, pipeline_sheet: bool = False,
) -> list[SheetTable]:
    """The sheets a command writes: ``plan`` → Plan, Weekly Plan; ``progress`` → Progress,
    Team Summary (and Pipeline by Month when there are open deals). (Run Log is kept by the write-back itself.) ``say`` writes the
    re-assess sentences; the default is the plain, locale-free rendering. With
    ``chart_settings`` (the workbook's Settings: a team's bar follows its pace thresholds),
    Team Summary also carries its charts and their data blocks (``chartdata``); None
    leaves them out. ``pipeline_sheet``: the workbook has a Pipeline by Month of an
    earlier run, written again (with its header only) when there are no open deals now,
    so that it never shows figures that are gone."""
    tables: list[SheetTable] = []
    if plan:
        tables += [plan_table(computation.results), weekly_plan_table(computation.results)]
    if progress:
        summary = team_summary_table(computation)
        if chart_settings is not None:
            blocks, charts = team_summary_charts(computation, chart_settings, say)
            summary = replace(summary, blocks=blocks, charts=charts)
        tables += [progress_table(computation.results, say, computation.credit_on,
                                  computation.has_overlay), summary]
        if has_pipeline(computation.results) or pipeline_sheet:
            tables.append(pipeline_by_month_table(computation.results))
    return tables
