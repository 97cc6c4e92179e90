"""The one entry point of the calculations: a validated workbook in, plans, progress and
team totals out (SPEC §2, §3). Pure: As Of is passed in, nothing is read or printed.

Choices where the SPEC is silent:
- The goal year is the fiscal year holding As Of.
- Rep IDs match between sheets by ``keys.rep_key``: case ignored, spaces trimmed and
  collapsed.
- Activity comes grouped by rep (``WorkbookData.activity_by_rep``); nothing here regroups it.
- ``rep_ids`` limits the reps computed, and the team totals then cover only those reps.
  Team history (for deal sizes) always pools every rep, active or not, filtered or not.
- History windows are the 365 (or 90) days ending on As Of, As Of included.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from fractions import Fraction

from goalreport.core.assumptions import TeamHistory, resolve_funnel
from goalreport.core.calendar import (
    GoalYear,
    company_working_days,
    goal_year,
    goal_year_of,
    goal_year_span,
    month_end,
    rep_working_days,
)
from goalreport.core.commission import commission_note, rep_figures
from goalreport.core.credit import placements
from goalreport.core.goalshape import shape_note
from goalreport.core.history import EMPTY, HISTORY_DAYS, MEASURABLE_DAYS, window_tally
from goalreport.core.insights import RECENT_DAYS
from goalreport.core.keys import rep_key
from goalreport.core.membership import history_moves, placed_origins, team_pools
from goalreport.core.model import (
    ANY_YEAR,
    Goal,
    NodeGoal,
    OpenDeal,
    PlacedDeal,
    Rep,
    Settings,
    TimeOff,
    WorkbookData,
)
from goalreport.core.money import cents_money, cents_to_money
from goalreport.core.pipeline import pipeline_note, rep_pipeline
from goalreport.core.planning import PlanInputs, day_layout, first_week, month_weights, plan_rep
from goalreport.core.progress import ProgressInputs, RepCredit, measure
from goalreport.core.results import Computation, NodeQuota, RepResult
from goalreport.core.rollup import sections, team_totals
from goalreport.core.targets import MonthDays, month_targets
from goalreport.errors import InputProblems, Problem


def _team_key(rep: Rep) -> str:
    return rep.team.strip().casefold()


def compute(
    data: WorkbookData, *, as_of: date, report_month: date | None = None,
    rep_ids: Collection[str] | None = None,
) -> Computation:
    """Plan and measure every active rep (or those in ``rep_ids``) as of ``as_of``.

    Raises ``InputProblems`` listing every active rep without a goal for the goal year
    and every deal size needed that no source gives; raises ``InputProblems`` too for a
    Holiday Country the holidays package does not know.
    """
    settings = data.settings
    year = goal_year(goal_year_of(as_of, settings.fiscal_year_start), settings, data.holidays)
    month = (report_month or as_of).replace(day=1)
    activity = data.activity_by_rep
    goals: dict[tuple[str, int], Goal] = {}
    for given in data.goals:
        goals.setdefault((rep_key(given.rep_id), given.year), given)
    time_off: dict[str, list[TimeOff]] = {}
    for absence in data.time_off:
        time_off.setdefault(rep_key(absence.rep_id), []).append(absence)
    wanted = {rep_key(rep_id) for rep_id in rep_ids} if rep_ids is not None else None
    reps = [rep for rep in data.reps
            if rep.active and (wanted is None or rep_key(rep.rep_id) in wanted)]

    history = {key: window_tally(records, as_of, HISTORY_DAYS) for key, records in activity.items()}
    overlay = data.overlay_by_rep
    # A team's and the workbook's history count each deal once: overlay shares are left out.
    pooled = {key: tally.without(window_tally(overlay[key], as_of, HISTORY_DAYS))
              if key in overlay else tally for key, tally in history.items()}
    everyone = sum(pooled.values(), EMPTY)
    teams = team_pools(data, as_of, HISTORY_DAYS, pooled, _team_key)

    plan_inputs = PlanInputs(settings, data.seasonality, year, as_of)
    progress_inputs = ProgressInputs(settings, data.seasonality, as_of, month)
    end = min(as_of, year.end)
    recent_company = company_working_days(
        end - timedelta(days=RECENT_DAYS - 1), end, settings, data.holidays)

    deals: dict[str, list[OpenDeal]] = {}
    for deal in data.open_deals:
        deals.setdefault(rep_key(deal.rep_id), []).append(deal)

    problems: list[Problem] = []
    warnings: list[Problem] = []
    results: list[RepResult] = []
    label = f"goal year {year.year} ({goal_year_span(year.year, settings.fiscal_year_start)})"
    for rep in reps:
        key = rep_key(rep.rep_id)
        goal = goals.get((key, year.year)) or goals.get((key, ANY_YEAR))
        if goal is None:
            problems.append(Problem(rep.source or "Reps sheet", (
                f"active rep {rep.rep_id!r} ({rep.name}) has no goal for {year.year} "
                f"({year.start.isoformat()} to {year.end.isoformat()}): add a Goals row with "
                f"Rep ID {rep.rep_id!r} and Year {year.year}, or set Active to 'no'.")))
            continue
        if goal.problems:
            problems.extend(goal.problems)
            continue
        absences = time_off.get(key, [])
        days = rep_working_days(year.company_days, rep, absences)
        targets = month_targets(rep, goal, _month_days(rep, days, absences, year, data),
                                as_of, label)
        if targets.problems:
            problems.extend(targets.problems)
            continue
        records = activity.get(key, ())
        own_history = history.get(key, EMPTY)
        team = TeamHistory(rep.team.strip(), teams.get(_team_key(rep), EMPTY), everyone)
        funnel = resolve_funnel(rep, goal, own_history, team, settings, as_of, targets.annual())
        if isinstance(funnel, list):
            problems.extend(funnel)
            continue
        recent = window_tally(records, as_of, MEASURABLE_DAYS)
        plan, plan_warnings = plan_rep(rep, goal, days, targets, funnel, own_history, recent,
                                       plan_inputs)
        warnings.extend(plan_warnings)
        working_90 = len(rep_working_days(recent_company, rep, absences))
        credit = RepCredit(overlay.get(key, ()), data.credits_by_rep.get(key, ())) \
            if data.credits else None
        progress = measure(plan, records, progress_inputs, working_90, credit)
        pipeline = rep_pipeline(plan, progress, deals.get(key, ()), data.stages, settings,
                                as_of, month) if data.open_deals else None
        commission, unpaid = rep_figures(
            data.commission_plans, _named_plans(data, rep, goal), rep.rep_id,
            progress.annual_target, progress.actual, progress.forecast,
            pipeline.year.landing if pipeline else None)
        warnings.extend((unpaid,) if unpaid else ())
        results.append(RepResult(plan, progress, pipeline, commission))

    quotas, quota_problems = _node_quotas(data, year, as_of, label)
    problems.extend(quota_problems)
    if problems:
        raise InputProblems(problems, warnings)
    notes: tuple[Problem, ...] = (shape_note(data.goals_shape, data.goals, year.year,
                                             settings),) \
        if data.goals_shape is not None and not _todays_shape(data) else ()
    if quotas:
        notes += (_quotas_note(quotas),)
    if data.open_deals:
        computed = {rep_key(r.rep.rep_id) for r in results}
        notes += (pipeline_note([d for d in data.open_deals if rep_key(d.rep_id) in computed],
                                [r.pipeline for r in results if r.pipeline], as_of),)
    if data.commission_plans:
        notes += (commission_note(data.commission_plans, [r.commission for r in results]),)
    placed = _placed(data, results, as_of)
    moves = history_moves(results, data.team_history, as_of, activity, overlay, data.org) \
        if data.team_history else ()
    return Computation(
        as_of=as_of, report_month=month, goal_year=year.year, results=tuple(results),
        team=team_totals(results, moves), warnings=tuple(warnings), notes=notes,
        credit_on=settings.credit_on, has_overlay=bool(data.overlay),
        sections=sections(results, data.org, quotas, placed=placed, moves=moves),
        org=data.org, quotas=tuple(quotas), placed=placed, moves=moves)


def _node_quotas(data: WorkbookData, year: GoalYear, as_of: date, label: str
                 ) -> tuple[list[NodeQuota], list[Problem]]:
    """The own quotas of territories, regions, segments and managers for the goal year
    (SPEC §3 Targets above the rep): each planned as a rep would be who works every
    company working day (seasonality weighs the months; no ramp, no time off), so its
    plan to date follows the company calendar."""
    chosen: dict[tuple[str, str], NodeGoal] = {}
    for node in data.node_goals:
        if node.goal.year == year.year or (node.goal.year == ANY_YEAR
                                           and (node.dimension, node.key) not in chosen):
            chosen[(node.dimension, node.key)] = node
    end = min(as_of, year.end)
    elapsed = [sum(1 for day in year.company_days if day <= end and
                   (day.year, day.month) == (first.year, first.month)) for first in year.months]
    quotas: list[NodeQuota] = []
    problems: list[Problem] = []
    for node in chosen.values():
        if node.goal.problems:
            problems.extend(node.goal.problems)
            continue
        owner = Rep(rep_id=node.goal.rep_id, name=node.name, source=node.goal.source)
        days = _month_days(owner, year.company_days, [], year, data)
        targets = month_targets(owner, node.goal, days, as_of, label)
        if targets.problems:
            problems.extend(targets.problems)
            continue
        expected = sum((Fraction(sum(cents) * done, planned) for cents, done, planned
                        in zip(targets.cents, elapsed, days.planned_days, strict=True)
                        if planned), Fraction(0))
        quotas.append(NodeQuota(node.dimension, node.key,
                                cents_to_money(sum(targets.annual().values())),
                                cents_money(expected), node.goal.source))
    return quotas, problems


def _placed(data: WorkbookData, results: list[RepResult], as_of: date
            ) -> tuple[PlacedDeal, ...]:
    """The placed deals as the reps computed are credited with them (SPEC §3 Credit: one
    placement per revenue credit, on its credit date, from the territory the rep was in
    then), dated in the rep's goal year up to As Of: what their actual counts."""
    if not data.placed_deals:
        return ()
    years = {rep_key(r.rep.rep_id): (r.plan.year_start, min(as_of, r.plan.year_end))
             for r in results}
    credited = placements(data.placed_deals, data.credits)
    return tuple(placed_origins(
        [deal for deal in credited if (span := years.get(rep_key(deal.rep_id)))
         and span[0] <= deal.day <= span[1]], data.team_history, data.reps))


def _quotas_note(quotas: list[NodeQuota]) -> Problem:
    """``check``'s line about the own quotas read: "Goals: own quotas for 3 regions, 2
    territories and 3 managers (rows without a Rep ID), each measured against its own
    quota beside its reps' targets."."""
    counts: dict[str, int] = {}
    for quota in quotas:
        counts[quota.dimension] = counts.get(quota.dimension, 0) + 1
    plural = {"territory": "territories"}
    parts = [f"{n} {d if n == 1 else plural.get(d, d + 's')}" for d, n in counts.items()]
    said = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return Problem("Goals", f"own quotas for {said} (rows without a Rep ID), each measured "
                   "against its own quota beside its reps' targets.", "info")


def _named_plans(data: WorkbookData, rep: Rep, goal: Goal) -> tuple[tuple[str, str], ...]:
    """Where a rep's commission plan may be named, first first: the Goals row, the Reps
    row, Settings' Default Plan."""
    return ((goal.commission_plan, goal.commission_plan_cell),
            (rep.commission_plan, rep.commission_plan_cell),
            (data.settings.default_plan, "Settings' Default Plan"))


def _todays_shape(data: WorkbookData) -> bool:
    """Today's annual New and Repeat Client Targets without revisions: nothing new to say
    about them, so ``check`` reads as it always did."""
    shape = data.goals_shape
    return shape is not None and shape.period == "year" and shape.split == "columns" and \
        not any(goal.versions for goal in data.goals)


def _month_days(rep: Rep, days: tuple[date, ...], absences: list[TimeOff], year: GoalYear,
                data: WorkbookData) -> MonthDays:
    """The rep's year month by month for the targets: the weights and days it is planned
    over count prorated time off as working days (relief: SPEC §2), the days present do
    not."""
    settings: Settings = data.settings
    kept = [a for a in absences if (a.relief or settings.default_relief) == "none"]
    planned = days if len(kept) == len(absences) else \
        rep_working_days(year.company_days, rep, kept)
    week = first_week(year.start, settings)
    planned_days = day_layout(planned, year.months, week).per_month
    present_days = planned_days if planned is days else \
        day_layout(days, year.months, week).per_month
    start = rep.start_date
    return MonthDays(
        months=year.months,
        weights=month_weights(rep, year.months, planned_days, data.seasonality),
        planned_days=planned_days, present_days=present_days,
        before_start=tuple(start is not None and month_end(m) < start for m in year.months))
