"""What ``team_summary.html`` shows, computed and formatted ahead of time (pure, no I/O).

The manager's view: team totals, the status mix, the team's cumulative chart and every
rep ranked by attainment (ties in natural name order: "Rep 2" before "Rep 10").
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.formatting import Formatter
from goalreport.core.model import STATUSES, Settings
from goalreport.core.results import Computation, RepResult
from goalreport.core.team import rank_key, team_series
from goalreport.reports.charts import DEFAULT_PALETTE, Palette, cumulative_chart
from goalreport.reports.commission_context import team_commission_context
from goalreport.reports.context import (
    bar_width,
    base_context,
    cumulative_description,
    ratio_text,
    status_class,
)
from goalreport.reports.credit_notes import credit_notes
from goalreport.reports.pipeline_context import team_pipeline_context
from goalreport.reports.rollup_context import rollup_context


def _team_chart(ranked: list[RepResult], computation: Computation, fmt: Formatter,
                palette: Palette) -> Any:
    """The team's cumulative actual against plan, the same chart as a rep's, summed."""
    if not ranked:
        return ""
    forecast = sum((r.progress.rollup_forecast for r in ranked), Decimal(0))
    target = sum((r.progress.annual_target for r in ranked), Decimal(0))
    actual = sum((r.progress.rollup_actual for r in ranked), Decimal(0))
    expected = sum((r.progress.expected_to_date for r in ranked), Decimal(0))
    return cumulative_chart(
        team_series(ranked, "cumulative_plan"), team_series(ranked, "rollup_cumulative_actual"),
        year_start=min(r.plan.year_start for r in ranked),
        year_end=max(r.plan.year_end for r in ranked), as_of=computation.as_of,
        forecast=forecast, target=target, fmt=fmt,
        description=cumulative_description(actual, expected, forecast, target, fmt),
        c=palette)


def team_context(computation: Computation, settings: Settings,
                 *, company: str | None = None,
                 palette: Palette = DEFAULT_PALETTE) -> dict[str, Any]:
    """Everything ``team_summary.html`` shows: reps ranked by attainment (each with a bar
    width for the attainment bar, 0–100 % of the goal, full when achieved), team totals,
    how many reps have each status, the team's cumulative chart (the reps' series summed)
    and the reps whose goals should be re-assessed.

    The ranking is a table with one bar per row rather than one chart of every rep, so
    the summary splits cleanly across pages for any team size."""
    fmt = Formatter(settings.locale, settings.currency)
    ranked = sorted(computation.results, key=rank_key)
    context = base_context(computation, settings, fmt, settings.company
                           if company is None else company)
    rows = []
    for rank, result in enumerate(ranked, start=1):
        progress = result.progress
        rows.append({
            "rank": str(rank), "id": result.rep.rep_id, "name": result.rep.name,
            "team": result.rep.team, "target": fmt.money_whole(progress.annual_target),
            "actual": fmt.money_whole(progress.actual),
            "attainment": fmt.percent(progress.attainment), "pace": fmt.percent(progress.pace),
            "forecast": fmt.money_whole(progress.forecast), "gap": fmt.money_whole(progress.gap),
            "status": progress.status, "status_class": status_class(progress.status),
            "reassess": progress.reassess.flagged,
            "bar_width": bar_width(progress.attainment),
        })
    teams = [{
        "team": totals.name, "is_total": index == len(computation.team) - 1,
        "reps": str(totals.reps),
        "target": fmt.money_whole(totals.annual_target), "actual": fmt.money_whole(totals.actual),
        "expected": fmt.money_whole(totals.expected_to_date),
        "attainment": fmt.percent(totals.attainment), "pace": fmt.percent(totals.pace),
        "forecast": fmt.money_whole(totals.forecast),
        "counts": [str(totals.status_counts.get(status, 0)) for status in STATUSES],
    } for index, totals in enumerate(computation.team)]
    reassess = [{"name": r.rep.name, "id": r.rep.rep_id, "team": r.rep.team,
                 "suggested_goal": (fmt.money_whole(r.progress.reassess.suggested_goal)
                                    if r.progress.reassess.suggested_goal else fmt.BLANK),
                 "current_goal": fmt.money_whole(r.progress.annual_target),
                 "needed": fmt.money_daily(r.progress.needed_per_working_day),
                 "average_90": fmt.money_daily(r.progress.reassess.avg_per_working_day_90),
                 "ratio": ratio_text(r.progress.reassess.ratio, fmt),
                 "reason": fmt.say(r.progress.reassess.reason)}
                for r in ranked if r.progress.reassess.flagged]
    counts = [(status, sum(r.progress.status == status for r in ranked))
              for status in STATUSES]
    manager = computation.org.by_key.get(computation.scope) if computation.scope else None
    whose = f"{manager.name}'s team" if manager else "Team"
    context.update(rollup_context(computation, settings, fmt))
    own = next((row.own_quota for section in computation.sections if manager
                for row in section.rows[:1] if section.dimension == "manager"), None)
    context.update({
        "kind": "team",
        "scope": {"name": manager.name, "id": manager.manager_id} if manager else None,
        # A manager with a quota of their own sees it beside their reps' targets.
        "own_quota": fmt.money_whole(own) if own is not None else None,
        "heading": "Team summary" if manager is None else f"{manager.name}'s team",
        "title": f"{whose} summary — {context['report_month']}",
        "subject": f"Sales team summary for {context['report_month']}, as of {context['as_of']}"
        if manager is None else
        f"{manager.name}'s team for {context['report_month']}, as of {context['as_of']}",
        "rep_count": f"{fmt.count(len(rows))} rep{'' if len(rows) == 1 else 's'}",
        "statuses": [{"name": status, "class": status_class(status)} for status in STATUSES],
        "reps": rows,
        "teams": teams,
        "status_counts": [
            {"name": status, "class": status_class(status), "count": str(count),
             "share": fmt.percent(Fraction(count, len(ranked))) if ranked else fmt.BLANK,
             "width": bar_width(Fraction(count, len(ranked)) if ranked else None)}
            for status, count in counts],
        "reassess": reassess,
        "full_percent": fmt.percent_whole(1),
        "chart": _team_chart(ranked, computation, fmt, palette),
        "pipeline": team_pipeline_context(computation, fmt, settings),
        "commission": team_commission_context(computation, fmt),
        "credit_notes": credit_notes(
            computation.team[-1].overlay, computation.team[-1].not_yet_credited,
            0, settings, fmt, team=True) if computation.team else [],
    })
    return context
