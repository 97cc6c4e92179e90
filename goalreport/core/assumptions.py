"""Funnel assumptions (SPEC §2): average deal size, close rate, meetings per lead.

Each comes from the first source that has it — the Goals sheet, the rep's own history over
the 365 days before As Of (As Of included), the team's history, the Settings default — and
records which one, so a rep can see why the plan asks for 60 leads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.credit import count_text
from goalreport.core.history import HISTORY_DAYS, Tally
from goalreport.core.model import TOTAL, Goal, Rep, RevenueType, Settings
from goalreport.core.results import Assumption
from goalreport.errors import Problem

#: Won deals of a type needed before their mean is trusted as a deal size.
MIN_DEALS = 3
#: Leads needed before a rep's own close rate or meetings per lead is trusted.
MIN_LEADS = 10


@dataclass(frozen=True)
class TeamHistory:
    """History pooled over the rep's own team and over every rep of the workbook (active
    or not), both over the same 365-day window."""

    team_name: str
    team: Tally
    everyone: Tally


@dataclass(frozen=True)
class Funnel:
    avg_deal_size: dict[RevenueType, Assumption]
    close_rate: Assumption
    meetings_per_lead: Assumption


def _window(as_of: date) -> str:
    return f"the {HISTORY_DAYS} days up to {as_of.isoformat()}"


def avg_deal_size(
    rep: Rep, goal: Goal, revenue_type: RevenueType, history: Tally, team: TeamHistory,
    settings: Settings, as_of: date, target: Fraction | int | None = None,
) -> Assumption | Problem:
    """ADS(r, t): Goals column → rep's mean won amount (≥ 3 deals) → the rep's Team's mean
    (≥ 3 deals) → every rep's mean (≥ 3 deals) → Default Avg Deal Size → a problem.

    "The whole team" is read as the rep's own Team when it has enough deals, else the whole
    workbook. A type without target that no source covers gets value 0 with source
    "not needed" instead of a problem: no deals of that type are planned. ``target``: the
    plan's target of the type (default: the goal's first version). For ``total`` (a goal
    without a split) every won deal counts: the mean is over all of them.
    """
    given = {"new": goal.avg_new_deal_size, "repeat": goal.avg_repeat_deal_size,
             TOTAL: goal.avg_deal_size}[revenue_type]
    if given is not None and given > 0:
        return Assumption(Fraction(given), "goal sheet", f"{goal.source or 'Goals sheet'}")
    label = "won deals" if revenue_type == TOTAL else f"won {revenue_type}-client deals"
    count, amount = history.won_of(revenue_type)
    if count >= MIN_DEALS:
        mean = Fraction(amount) / count
        return Assumption(mean, "history",
                          f"mean of {count_text(count)} {label} by {rep.name or rep.rep_id} "
                          f"in {_window(as_of)}")
    pools = []
    if team.team_name:
        pools.append((team.team, f"team {team.team_name}"))
    pools.append((team.everyone, "all reps"))
    for pool, who in pools:
        count, amount = pool.won_of(revenue_type)
        if count >= MIN_DEALS:
            return Assumption(Fraction(amount) / count, "team",
                              f"mean of {count_text(count)} {label} by {who} in "
                              f"{_window(as_of)}")
    if settings.default_avg_deal_size is not None and settings.default_avg_deal_size > 0:
        return Assumption(Fraction(settings.default_avg_deal_size), "default",
                          "Settings: Default Avg Deal Size")
    if target is None:
        target = Fraction(dict(goal.amounts).get(revenue_type, Decimal(0)))
    if target == 0:
        return Assumption(Fraction(0), "not needed", f"no {revenue_type}-client target")
    column = {"new": "Avg New Deal Size", "repeat": "Avg Repeat Deal Size",
              TOTAL: "Avg Deal Size"}[revenue_type]
    cell = goal.avg_deal_size_cell
    if "!" in cell:  # the Goals sheet has a deal size column: name the empty cell
        where, fix = cell, f"Fill in {cell} for this goal"
    else:
        where = goal.source or "Goals sheet"
        fix = "Add an 'Avg Deal Size' column to Goals and fill it in" if \
            revenue_type == TOTAL else \
            f"Add an 'Avg Deal Size' (or '{column}') column to Goals and fill it in"
    kind = "" if revenue_type == TOTAL else f"{revenue_type}-client "
    return Problem(where, (
        f"no average {kind}deal size for rep {rep.rep_id!r} ({rep.name}): "
        f"the goal gives none and fewer than {MIN_DEALS} {label} were logged in "
        f"{_window(as_of)} by the rep, the team or anyone. {fix}, e.g. 1000, "
        "or set 'Default Avg Deal Size' in Settings."))


def close_rate(goal: Goal, history: Tally, settings: Settings, as_of: date) -> Assumption:
    """CR(r): Goals column → won ÷ leads over the window when ≥ 10 leads and at least one
    deal won (a rate of 0 would need infinite leads), capped at 1 → Default Close Rate."""
    if goal.close_rate is not None and goal.close_rate > 0:
        return Assumption(min(goal.close_rate, Fraction(1)), "goal sheet",
                          goal.source or "Goals sheet")
    if history.leads >= MIN_LEADS and history.won > 0:
        rate = min(Fraction(history.won, history.leads), Fraction(1))
        return Assumption(rate, "history",
                          f"{count_text(history.won)} won from {history.leads} leads in "
                          f"{_window(as_of)}")
    return Assumption(settings.default_close_rate, "default", "Settings: Default Close Rate")


def meetings_per_lead(goal: Goal, history: Tally, settings: Settings, as_of: date) -> Assumption:
    """MPL(r): Goals column → meetings ÷ leads over the window when ≥ 10 leads and at least
    one meeting → Default Meetings per Lead."""
    if goal.meetings_per_lead is not None and goal.meetings_per_lead > 0:
        return Assumption(goal.meetings_per_lead, "goal sheet", goal.source or "Goals sheet")
    if history.leads >= MIN_LEADS and history.meetings > 0:
        return Assumption(Fraction(history.meetings, history.leads), "history",
                          f"{history.meetings} meetings for {history.leads} leads in "
                          f"{_window(as_of)}")
    return Assumption(settings.default_meetings_per_lead, "default",
                      "Settings: Default Meetings per Lead")


def resolve_funnel(
    rep: Rep, goal: Goal, history: Tally, team: TeamHistory, settings: Settings, as_of: date,
    targets: Mapping[RevenueType, Fraction | int] | None = None,
) -> Funnel | list[Problem]:
    """All three assumptions for a rep, or the problems that stop them being known.
    ``targets``: the plan's year target per revenue type (default: the goal's)."""
    sizes: dict[RevenueType, Assumption] = {}
    problems = []
    for revenue_type in goal.types:
        target = targets.get(revenue_type, 0) if targets is not None else None
        found = avg_deal_size(rep, goal, revenue_type, history, team, settings, as_of, target)
        if isinstance(found, Problem):
            problems.append(found)
        else:
            sizes[revenue_type] = found
    if problems:
        return problems
    return Funnel(sizes, close_rate(goal, history, settings, as_of),
                  meetings_per_lead(goal, history, settings, as_of))

