"""What the report templates show, computed and formatted ahead of time (pure, no I/O).

Templates only place strings: every number is already formatted for the workbook's
Locale and Currency here, so a template override cannot get a figure wrong and the
golden-file test pins the words a rep reads. Charts arrive as ready ``Markup`` SVG.

Choices the SPEC leaves open (also in the README):
- Per-period counts (month, week) are rounded up as SPEC §2 says; per-day deals, leads
  and meetings are shown with one decimal, since rounding 0.3 leads a day up to 1 would
  triple the ask.
- Objectives to date for the funnel are the annual objectives × expected-to-date ÷ annual
  target: the new/repeat mix is the same every month, so this is exact up to cents.
- The next month's plan is the original plan; the catch-up amount for that month is shown
  beside it when the rep is behind.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.model import STATUSES, Settings
from goalreport.core.results import (
    Assumption,
    Computation,
    FunnelActuals,
    MonthPlan,
    Objectives,
    RepResult,
)
from goalreport.core.team import rank_key as _rank_key
from goalreport.core.team import team_series as _team_series
from goalreport.reports.charts import cumulative_chart, monthly_chart
from goalreport.reports.formatting import Formatter

SOURCE_WORDS = {"goal sheet": "goal sheet", "history": "your history", "team": "team",
                "default": "default"}


def status_class(status: str) -> str:
    """CSS class for a status badge: ``On track`` → ``status-on-track``."""
    return "status-" + "-".join(status.lower().split())


def add_months(day: date, months: int) -> date:
    """First day of the month ``months`` after the month of ``day``."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def _source(assumption: Assumption, fmt: Formatter, *, close_rate: bool = False) -> str:
    words = SOURCE_WORDS.get(assumption.source, assumption.source)
    if assumption.source == "default" and close_rate:
        value = assumption.value
        shown = f"1 in {value.denominator}" if value.numerator == 1 else fmt.percent(value)
        return f"default: {shown}"
    return words


def base_context(computation: Computation, settings: Settings, fmt: Formatter,
                 company: str) -> dict[str, Any]:
    """What every page needs: company, dates, page size, language."""
    return {
        "company": company,
        "lang": fmt.lang,
        "page_size": fmt.page_size,
        "currency": fmt.currency,
        "report_month": fmt.month(computation.report_month),
        "report_month_iso": f"{computation.report_month:%Y-%m}",
        "as_of": fmt.date(computation.as_of),
        "as_of_iso": computation.as_of.isoformat(),
    }


def _objectives(objectives: Objectives, fmt: Formatter) -> dict[str, str]:
    return {"deals": fmt.count_up(objectives.deals), "leads": fmt.count_up(objectives.leads),
            "meetings": fmt.count_up(objectives.meetings)}


def _month_plan(plan: tuple[MonthPlan, ...], first: date) -> MonthPlan | None:
    return next((m for m in plan if m.month == first), None)


def _next_month(result: RepResult, computation: Computation, fmt: Formatter) -> dict[str, Any]:
    plan, progress = result.plan, result.progress
    first = add_months(computation.report_month, 1)
    month = _month_plan(plan.months, first) if first <= plan.year_end else None
    if month is None:
        return {"label": fmt.month(first), "ends_year": True,
                "message": f"Your goal year ends on {fmt.date(plan.year_end)}. "
                           "Next month's plan comes with next year's goals.",
                "weeks": []}
    last = month_end(first)
    days = month.working_days
    working = {day for day, _ in plan.daily_targets if first <= day <= last}
    weeks = []
    for week in plan.weeks:
        in_month = sum(week.week_start + timedelta(days=i) in working for i in range(7))
        if in_month:
            spans = in_month < week.working_days
            weeks.append({
                "starting": fmt.short_date(week.week_start),
                "starting_iso": week.week_start.isoformat(),
                "spans_months": spans,
                "working_days": str(week.working_days),
                "target": fmt.money_whole(week.target),
                **_objectives(week.objectives, fmt),
            })
    catch_up = next((amount for day, amount in progress.catch_up if day == first), None)
    return {
        "label": fmt.month(first),
        "ends_year": False,
        "message": "",
        "working_days": str(days),
        "target": fmt.money_whole(month.total_target),
        "new_target": fmt.money_whole(month.new_target),
        "repeat_target": fmt.money_whole(month.repeat_target),
        "catch_up": (fmt.money_whole(catch_up)
                     if catch_up is not None and catch_up > month.total_target else None),
        **_objectives(month.objectives, fmt),
        "daily": {
            "target": fmt.money(month.daily_target),
            "deals": fmt.rate(month.objectives.deals / days) if days else fmt.BLANK,
            "leads": fmt.rate(month.objectives.leads / days) if days else fmt.BLANK,
            "meetings": fmt.rate(month.objectives.meetings / days) if days else fmt.BLANK,
        },
        "weeks": weeks,
    }


def _funnel(result: RepResult, computation: Computation, fmt: Formatter) -> dict[str, Any]:
    plan, progress = result.plan, result.progress
    year, month = progress.funnel_year, progress.funnel_month
    share = _ratio(progress.expected_to_date, progress.annual_target) or Fraction(0)
    to_date = plan.annual_objectives
    month_plan = _month_plan(plan.months, computation.report_month)
    month_obj = month_plan.objectives if month_plan else None

    def count_row(label: str, month_value: int, year_value: int, field: str) -> dict[str, str]:
        return {
            "stage": label,
            "month": fmt.count(month_value),
            "month_objective": fmt.count_up(getattr(month_obj, field)) if month_obj else fmt.BLANK,
            "year": fmt.count(year_value),
            "objective": fmt.count_up(getattr(to_date, field) * share),
            "source": "",
        }

    def mpl(funnel: FunnelActuals) -> Fraction | None:
        return Fraction(funnel.meetings, funnel.leads) if funnel.leads else None

    ads = plan.avg_deal_size
    rows = [
        count_row("Leads", month.leads, year.leads, "leads"),
        count_row("Meetings", month.meetings, year.meetings, "meetings"),
        count_row("Deals won", month.won, year.won, "deals"),
        {"stage": "Deals lost", "month": fmt.count(month.lost), "month_objective": "",
         "year": fmt.count(year.lost), "objective": "", "source": ""},
        {"stage": "Close rate (won ÷ leads)", "month": fmt.percent(month.close_rate),
         "month_objective": "", "year": fmt.percent(year.close_rate),
         "objective": fmt.percent(plan.close_rate.value),
         "source": _source(plan.close_rate, fmt, close_rate=True)},
        {"stage": "Meetings per lead", "month": fmt.rate(mpl(month)), "month_objective": "",
         "year": fmt.rate(mpl(year)), "objective": fmt.rate(plan.meetings_per_lead.value),
         "source": _source(plan.meetings_per_lead, fmt)},
        {"stage": "Average deal size", "month": fmt.money_whole(month.avg_deal_size),
         "month_objective": "", "year": fmt.money_whole(year.avg_deal_size),
         "objective": (f"new {fmt.money_whole(ads['new'].value)} · "
                       f"repeat {fmt.money_whole(ads['repeat'].value)}"),
         "source": (_source(ads["new"], fmt) if ads["new"].source == ads["repeat"].source
                    else f"new: {_source(ads['new'], fmt)}; "
                         f"repeat: {_source(ads['repeat'], fmt)}")},
    ]
    assumptions = [
        {"name": "Close rate", "value": fmt.percent(plan.close_rate.value),
         "source": _source(plan.close_rate, fmt, close_rate=True),
         "detail": plan.close_rate.detail},
        {"name": "Meetings per lead", "value": fmt.rate(plan.meetings_per_lead.value),
         "source": _source(plan.meetings_per_lead, fmt), "detail": plan.meetings_per_lead.detail},
        {"name": "Average new deal", "value": fmt.money_whole(ads["new"].value),
         "source": _source(ads["new"], fmt), "detail": ads["new"].detail},
        {"name": "Average repeat deal", "value": fmt.money_whole(ads["repeat"].value),
         "source": _source(ads["repeat"], fmt), "detail": ads["repeat"].detail},
    ]
    return {"rows": rows, "assumptions": assumptions,
            "annual": _objectives(plan.annual_objectives, fmt)}


def _focus(result: RepResult, fmt: Formatter) -> dict[str, Any]:
    progress, goal = result.progress, result.plan.goal
    year, month = progress.funnel_year, progress.funnel_month
    planned = year.focus_hours_planned
    share = _ratio(year.focus_hours, planned) if planned else None
    return {
        "per_week": fmt.hours(goal.focus_hours_per_week) if goal.focus_hours_per_week else None,
        "year_hours": fmt.hours(year.focus_hours),
        "year_planned": fmt.hours(planned) if planned is not None else None,
        "month_hours": fmt.hours(month.focus_hours),
        "month_planned": (fmt.hours(month.focus_hours_planned)
                          if month.focus_hours_planned is not None else None),
        "share": fmt.percent(share) if share is not None else None,
        "kept": share is not None and share >= 1,
    }


def _achievements(result: RepResult, fmt: Formatter) -> dict[str, Any]:
    found = result.progress.achievements
    milestones = [{"percent": f"{percent}%", "reached": day is not None,
                   "date": fmt.date(day) if day else "not yet"}
                  for percent, day in found.milestones]
    items: list[str] = []
    if found.first_deal:
        items.append(f"First deal of the year on {fmt.date(found.first_deal)}.")
    for milestone in milestones:
        if milestone["reached"]:
            items.append(f"Reached {milestone['percent']} of the goal on {milestone['date']}.")
    if found.best_month:
        month, amount = found.best_month
        items.append(f"Best month: {fmt.month(month)} with {fmt.money_whole(amount)}.")
    if found.weekly_streak:
        weeks = found.weekly_streak
        items.append(f"Weekly target met {weeks} week{'s' if weeks != 1 else ''} in a row.")
    return {"milestones": milestones, "list": items,
            "streak": str(found.weekly_streak)}


def _reassess(result: RepResult, fmt: Formatter) -> dict[str, Any] | None:
    found = result.progress.reassess
    if not found.flagged:
        return None
    return {
        "ratio": fmt.rate(found.ratio) if found.ratio is not None else fmt.BLANK,
        "average_90": fmt.money_whole(found.avg_per_working_day_90),
        "needed": fmt.money_whole(result.progress.needed_per_working_day),
        "suggested_goal": fmt.money_whole(found.suggested_goal),
        "current_goal": fmt.money_whole(result.progress.annual_target),
        "reason": found.reason,
    }


def _headline(result: RepResult, fmt: Formatter) -> dict[str, Any]:
    progress, goal = result.progress, result.plan.goal
    forecast_share = _ratio(progress.forecast, progress.annual_target)
    return {
        "target": fmt.money_whole(progress.annual_target),
        "new_target": fmt.money_whole(goal.new_target),
        "repeat_target": fmt.money_whole(goal.repeat_target),
        "actual": fmt.money_whole(progress.actual),
        "new_actual": fmt.money_whole(progress.actual_new),
        "repeat_actual": fmt.money_whole(progress.actual_repeat),
        "expected": fmt.money_whole(progress.expected_to_date),
        "attainment": fmt.percent(progress.attainment),
        "pace": fmt.percent(progress.pace),
        "status": progress.status,
        "status_class": status_class(progress.status),
        "forecast": fmt.money_whole(progress.forecast),
        "forecast_attainment": fmt.percent(forecast_share),
        "gap": fmt.money_whole(progress.gap),
        "needed_per_day": fmt.money_whole(progress.needed_per_working_day),
        "needed_per_week": fmt.money_whole(progress.needed_per_week),
        "elapsed_days": str(progress.elapsed_working_days),
        "remaining_days": str(progress.remaining_working_days),
        "attainment_width": _bar_width(progress.attainment),
        "expected_width": _bar_width(_ratio(progress.expected_to_date, progress.annual_target)),
    }


def _bar_width(share: Fraction | None) -> str:
    """A CSS width in percent, clamped to 0–100, for the progress bar."""
    value = min(max(float(share or 0), 0.0), 1.0) * 100
    return f"{value:.1f}%"


def goal_year_label(start: date, end: date, fmt: Formatter) -> str:
    """``2026`` for a calendar goal year, else ``April 2026 – March 2027``."""
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return str(start.year)
    return f"{fmt.month(start)} – {fmt.month(end.replace(day=1))}"


def rep_context(result: RepResult, computation: Computation, settings: Settings,
                *, company: str | None = None) -> dict[str, Any]:
    """Everything ``rep_report.html`` shows for one rep, formatted."""
    fmt = Formatter(settings.locale, settings.currency)
    plan, progress, rep = result.plan, result.progress, result.rep
    report_plan = _month_plan(plan.months, computation.report_month)
    report_progress = next((m for m in progress.months if m.month == computation.report_month),
                           None)
    month_actual = (report_progress.new_actual + report_progress.repeat_actual
                    if report_progress else Decimal(0))
    month_target = report_plan.total_target if report_plan else Decimal(0)
    context = base_context(computation, settings, fmt, settings.company
                           if company is None else company)
    context.update({
        "kind": "rep",
        "title": f"{rep.name} — progress report, {context['report_month']}",
        "subject": f"Sales progress report for {context['report_month']}, as of "
                   f"{context['as_of']}",
        "rep": {"id": rep.rep_id, "name": rep.name, "team": rep.team,
                "manager": rep.manager, "email": rep.email},
        "goal_year": goal_year_label(plan.year_start, plan.year_end, fmt),
        "headline": _headline(result, fmt),
        "month_summary": {
            "target": fmt.money_whole(month_target), "actual": fmt.money_whole(month_actual),
            "attainment": fmt.percent(_ratio(month_actual, month_target)),
        },
        "charts": {
            "cumulative": cumulative_chart(
                progress.cumulative_plan, progress.cumulative_actual,
                year_start=plan.year_start, year_end=plan.year_end, as_of=progress.as_of,
                forecast=progress.forecast, target=progress.annual_target, fmt=fmt),
            "monthly": monthly_chart(
                [(m.month, m.new_target, m.repeat_target, m.new_actual, m.repeat_actual)
                 for m in progress.months], as_of=progress.as_of, fmt=fmt),
        },
        "next_month": _next_month(result, computation, fmt),
        "catch_up": [{"month": fmt.month(day), "amount": fmt.money_whole(amount)}
                     for day, amount in progress.catch_up],
        "funnel": _funnel(result, computation, fmt),
        "focus": _focus(result, fmt),
        "achievements": _achievements(result, fmt),
        "suggestions": [{"stage": s.stage, "message": s.message} for s in progress.suggestions],
        "reassess": _reassess(result, fmt),
        "smart": [{"name": item.name, "passed": item.passed, "reason": item.reason}
                  for item in plan.smart],
    })
    return context


def _team_chart(ranked: list[RepResult], computation: Computation, fmt: Formatter) -> Any:
    """The team's cumulative actual against plan, the same chart as a rep's, summed."""
    if not ranked:
        return ""
    return cumulative_chart(
        _team_series(ranked, "cumulative_plan"), _team_series(ranked, "cumulative_actual"),
        year_start=min(r.plan.year_start for r in ranked),
        year_end=max(r.plan.year_end for r in ranked), as_of=computation.as_of,
        forecast=sum((r.progress.forecast for r in ranked), Decimal(0)),
        target=sum((r.progress.annual_target for r in ranked), Decimal(0)), fmt=fmt)


def team_context(computation: Computation, settings: Settings,
                 *, company: str | None = None) -> dict[str, Any]:
    """Everything ``team_summary.html`` shows: reps ranked by attainment (each with a bar
    width for the attainment bar, 0–100 % of the goal, full when achieved), team totals,
    how many reps have each status, the team's cumulative chart (the reps' series summed)
    and the reps whose goals should be re-assessed.

    The ranking is a table with one bar per row rather than one chart of every rep, so
    the summary splits cleanly across pages for any team size."""
    fmt = Formatter(settings.locale, settings.currency)
    ranked = sorted(computation.results, key=_rank_key)
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
            "bar_width": _bar_width(progress.attainment),
        })
    teams = [{
        "team": totals.team or "(no team)", "is_total": index == len(computation.team) - 1
        and totals.team == "Total", "reps": str(totals.reps),
        "target": fmt.money_whole(totals.annual_target), "actual": fmt.money_whole(totals.actual),
        "expected": fmt.money_whole(totals.expected_to_date),
        "attainment": fmt.percent(totals.attainment), "pace": fmt.percent(totals.pace),
        "forecast": fmt.money_whole(totals.forecast),
        "counts": [str(totals.status_counts.get(status, 0)) for status in STATUSES],
    } for index, totals in enumerate(computation.team)]
    reassess = [{"name": r.rep.name, "id": r.rep.rep_id, "team": r.rep.team,
                 "suggested_goal": fmt.money_whole(r.progress.reassess.suggested_goal),
                 "current_goal": fmt.money_whole(r.progress.annual_target),
                 "needed": fmt.money_whole(r.progress.needed_per_working_day),
                 "average_90": fmt.money_whole(r.progress.reassess.avg_per_working_day_90),
                 "ratio": (fmt.rate(r.progress.reassess.ratio)
                           if r.progress.reassess.ratio is not None else fmt.BLANK),
                 "reason": r.progress.reassess.reason}
                for r in ranked if r.progress.reassess.flagged]
    counts = [(status, sum(r.progress.status == status for r in ranked))
              for status in STATUSES]
    context.update({
        "kind": "team",
        "title": f"Team summary — {context['report_month']}",
        "subject": f"Sales team summary for {context['report_month']}, as of {context['as_of']}",
        "rep_count": str(len(rows)),
        "statuses": [{"name": status, "class": status_class(status)} for status in STATUSES],
        "reps": rows,
        "teams": teams,
        "status_counts": [
            {"name": status, "class": status_class(status), "count": str(count),
             "share": fmt.percent(Fraction(count, len(ranked))) if ranked else fmt.BLANK,
             "width": _bar_width(Fraction(count, len(ranked)) if ranked else None)}
            for status, count in counts if count],
        "reassess": reassess,
        "chart": _team_chart(ranked, computation, fmt),
    })
    return context
