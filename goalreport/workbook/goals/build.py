"""The placed amounts of the Goals sheet grouped into one ``Goal`` per rep and goal year
(SPEC §1): versions by Effective From, each an annual amount or its periods.

- An annual row is one version; two for one rep and year with the same Effective From
  (or none) are an input problem, as one goal given twice always was.
- Period rows sharing a rep, goal year and Effective From are one version. A period given
  twice, or a new-client amount without its repeat-client one (Client Type rows), is a
  problem of that rep's goal year, raised when that year is planned: last year's slip does
  not stop this year's plan.
- New Share splits a total: new = total × share rounded to cents, repeat = the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.keys import plan_key
from goalreport.core.model import REVENUE_TYPES, TOTAL, Goal, GoalVersion, PeriodTarget, RevenueType
from goalreport.core.money import cents_to_money, round_half_up, to_cents
from goalreport.errors import Problem
from goalreport.workbook.goals.fields import Targets
from goalreport.workbook.goals.layout import Layout, Split
from goalreport.workbook.goals.periods import Placed
from goalreport.workbook.goals.rows import Raw
from goalreport.workbook.table import Collector


@dataclass
class _Version:
    effective: date | None
    raws: list[tuple[Raw, Placed | None]]


def _split(raw: Raw, split: Split) -> dict[RevenueType, Decimal]:
    """The raw's amounts per type: New Share splits a total."""
    if split == "share" and raw.share is not None:
        total = raw.amounts[TOTAL]
        new = cents_to_money(round_half_up(Fraction(to_cents(total)) * raw.share))
        return {"new": new, "repeat": total - new}
    return dict(raw.amounts)


def build_goals(placed: Sequence[tuple[Raw, Placed | None]], layout: Layout, split: Split,
                out: Collector) -> tuple[tuple[Goal, ...], list[Targets]]:
    """One goal per rep and goal year, in sheet order, and the annual targets for the
    thousands warning."""
    types = (TOTAL,) if split == "none" else REVENUE_TYPES
    groups: dict[tuple[str, int], dict[date | None, _Version]] = {}
    for raw, where in placed:
        year = where.goal_year if where is not None else raw.year
        assert year is not None
        versions = groups.setdefault((raw.rep_id, year), {})
        versions.setdefault(raw.effective, _Version(raw.effective, [])).raws.append((raw, where))
    goals: list[Goal] = []
    annual: list[Targets] = []
    for (rep_id, year), versions in groups.items():
        ordered = sorted(versions.values(), key=lambda v: (v.effective is not None,
                                                           v.effective or date.min))
        if layout.period == "year":
            goal = _annual(rep_id, year, ordered, types, split, layout, out, annual)
        else:
            goal = _periods(rep_id, year, ordered, types, split)
        if goal is not None:
            plan, cell = _one_plan(rep_id, year, ordered, out)
            goals.append(replace(goal, commission_plan=plan, commission_plan_cell=cell)
                         if plan != goal.commission_plan else goal)
    return tuple(goals), annual


def _one_plan(rep_id: str, year: int, ordered: list[_Version], out: Collector
              ) -> tuple[str, str]:
    """The commission plan the rep's rows of a goal year name (and its cell): one plan
    per rep and goal year, given on one row or on each; two different ones are a problem
    (the first is kept, so the rep is not also said to lack a plan)."""
    found = ("", "")
    for version in ordered:
        for raw, _ in version.raws:
            plan, cell = raw.details.get("commission_plan", ""), \
                raw.details.get("commission_plan_cell", "")
            if not plan:
                continue
            if not found[0]:
                found = (plan, cell)
            elif plan_key(plan) != plan_key(found[0]):
                out.error(cell, f"Commission Plan {plan!r} differs from {found[0]!r} "
                          f"({found[1]}) for rep {rep_id!r} in goal year {year}. A rep has one "
                          "plan a goal year: write the same plan on each of its rows, or on "
                          "one.", kind="two commission plans")
                out.flawed_reps.add(rep_id)
    return found


def _annual(rep_id: str, year: int, ordered: list[_Version], types: tuple[RevenueType, ...],
            split: Split, layout: Layout, out: Collector, annual: list[Targets]) -> Goal | None:
    """Annual rows: each is a version (today's shape: the one version, as before)."""
    made: list[GoalVersion] = []
    first_raw: Raw | None = None
    for version in ordered:
        raw = version.raws[0][0]
        for again, _ in version.raws[1:]:
            since = f" from {version.effective.isoformat()}" if version.effective else ""
            keep = "year and Effective From" if layout.split != "columns" or \
                version.effective else "year"
            out.error(again.row.where, f"a second goal for {rep_id!r} in {year}{since} (the "
                      f"first is in {raw.row.where}). Keep one row per rep and {keep}.")
        amounts = _split(raw, split)
        if not any(amounts.values()):
            out.flawed_reps.add(rep_id)
            if layout.split == "columns":
                out.error(raw.row.where, "both targets are 0, so there is nothing to plan. "
                          "Write the year's New Client Target and Repeat Client Target (one "
                          "may be 0).")
            else:
                out.error(raw.cell, "the target is 0, so there is nothing to plan. Write "
                          "the year's target.")
            return None
        first_raw = first_raw or raw
        made.append(GoalVersion(version.effective, tuple((t, amounts.get(t, Decimal(0)))
                                                         for t in types), (), raw.row.where))
    assert first_raw is not None
    goal = _goal(rep_id, year, made, types, first_raw.details,
                 classic=layout.split == "columns" and all(v.effective is None for v in made))
    size = goal.avg_deal_size
    if layout.split == "columns":
        targets = [(first_raw.row.cell("new_target"), "New Client Target", goal.new_target,
                    goal.avg_new_deal_size),
                   (first_raw.row.cell("repeat_target"), "Repeat Client Target",
                    goal.repeat_target, goal.avg_repeat_deal_size)]
    else:
        assert layout.money is not None
        targets = [(first_raw.cell, layout.money.title, goal.total_target, size)]
    annual.append((goal, targets))
    return goal


def _periods(rep_id: str, year: int, ordered: list[_Version], types: tuple[RevenueType, ...],
             split: Split) -> Goal:
    """Period rows: one version per Effective From, its periods in order."""
    made: list[GoalVersion] = []
    problems: list[Problem] = []
    for version in ordered:
        periods: dict[tuple[int, int], dict[RevenueType, Decimal]] = {}
        info: dict[tuple[int, int], tuple[str, str]] = {}
        months: dict[tuple[int, RevenueType], str] = {}
        given: set[RevenueType] = set()
        for raw, where in version.raws:
            assert where is not None
            key = (where.first, where.months)
            amounts = _split(raw, split)
            for revenue_type, amount in amounts.items():
                given.add(revenue_type)
                clash = next((months[(m, revenue_type)] for m in range(
                    where.first, where.first + where.months) if (m, revenue_type) in months),
                    None)
                if clash is not None:
                    problems.append(Problem(raw.row.where, (
                        f"a second target for {where.label} for rep {rep_id!r} (the first is "
                        f"in {clash}). Keep one row per rep and "
                        f"{'quarter' if where.months == 3 else 'month'}"
                        + (" and client type." if split == "rows" else ".")),
                        kind="period twice"))
                    continue
                for m in range(where.first, where.first + where.months):
                    months[(m, revenue_type)] = raw.row.where
                periods.setdefault(key, {})[revenue_type] = amount
            info.setdefault(key, (raw.cell, where.label))
        for key, amounts in periods.items():
            lacking = [t for t in given if t not in amounts]
            if lacking:
                problems.append(Problem(info[key][0], (
                    f"{info[key][1]} of rep {rep_id!r} has a "
                    f"{'new' if 'new' in amounts else 'repeat'}-client target but no "
                    f"{lacking[0]}-client one. Add a {lacking[0]} row for it (0 for none)."),
                    kind="client type missing"))
        targets = tuple(PeriodTarget(first, count, tuple(
            (t, amounts.get(t, Decimal(0))) for t in types), info[(first, count)][0],
            info[(first, count)][1]) for (first, count), amounts in sorted(periods.items()))
        totals = tuple((t, sum((dict(p.amounts)[t] for p in targets), Decimal(0)))
                       for t in types)
        made.append(GoalVersion(version.effective, totals, targets,
                                version.raws[0][0].row.where))
    return _goal(rep_id, year, made, types, ordered[0].raws[0][0].details,
                 problems=tuple(problems))


def _goal(rep_id: str, year: int, versions: list[GoalVersion], types: tuple[RevenueType, ...],
          details: dict[str, Any], *, classic: bool = False,
          problems: tuple[Problem, ...] = ()) -> Goal:
    """The ``Goal``: today's shape keeps no versions, exactly as it always read."""
    amounts = dict(versions[0].amounts)
    split = TOTAL not in types
    new = amounts.get("new", Decimal(0)) if split else amounts.get(TOTAL, Decimal(0))
    details = dict(details)
    details["source"] = versions[0].source or details.get("source", "")
    return Goal(rep_id=rep_id, year=year, new_target=new,
                repeat_target=amounts.get("repeat", Decimal(0)), split=split,
                versions=() if classic else tuple(versions), problems=problems, **details)
