"""What the report templates show, computed and formatted ahead of time (pure, no I/O).

Templates only place strings: every number is already formatted for the workbook's
Locale and Currency here, so a template override cannot get a figure wrong and the
golden-file test pins the words a rep reads. Charts arrive as ready ``Markup`` SVG.

Choices the SPEC leaves open (also in the README):
- Counts needed below 10 keep one decimal, rounded up to the tenth, larger ones are
  rounded up (``core.monthweeks``), so no deal-and-lead pair contradicts the close rate;
  per-day deals, leads and meetings have one decimal. Next month's weeks show their days
  in that month and shares of its figures that add up to them.
- Objectives to date for the funnel are the annual objectives × expected-to-date ÷ annual
  target: the new/repeat mix is the same every month, so this is exact up to cents.
- The next month's plan is the original plan; the catch-up amount for that month is shown
  beside it when the rep is behind.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.calendar import add_months
from goalreport.core.formatting import Formatter
from goalreport.core.model import DealCount, Settings
from goalreport.core.monthweeks import MonthWeek, month_weeks, shown_count
from goalreport.core.phrases import Phrase
from goalreport.core.results import (
    Assumption,
    Computation,
    FunnelActuals,
    MonthPlan,
    Objectives,
    RepResult,
)
from goalreport.reports.charts import (
    DEFAULT_PALETTE,
    Palette,
    cumulative_chart,
    monthly_chart,
)
from goalreport.reports.commission_context import rep_commission_context
from goalreport.reports.credit_notes import credit_notes
from goalreport.reports.pipeline_context import rep_pipeline_context

SOURCE_WORDS = {"goal sheet": "goal sheet", "history": "your history", "team": "team",
                "default": "default"}


#: Suggestions written out in full on a rep's report (worst first); the others are named.
TOP_SUGGESTIONS = 3
#: A rep name longer than this is set smaller in the masthead.
LONG_NAME = 28
#: The running header shows at most this many characters of the name.
RUNNING_NAME = 40


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def status_class(status: str) -> str:
    """CSS class for a status badge: ``On track`` → ``status-on-track``."""
    return "status-" + "-".join(status.lower().split())


def _ratio(numerator: Decimal, denominator: Decimal) -> Fraction | None:
    if denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


#: The funnel's note when new vs repeat came partly from a CRM export without a type
#: (a deal is repeat when its client won before; see docs/crm-exports.md). Short: the
#: source column does not wrap.
INFERRED_NOTE = "new/repeat inferred from the clients' earlier wins"


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
    return {"deals": _needed(objectives.deals, fmt), "leads": _needed(objectives.leads, fmt),
            "meetings": _needed(objectives.meetings, fmt)}


def _needed(count: Fraction, fmt: Formatter) -> str:
    """A count needed as the rep reads it: one decimal below 10 (``core.monthweeks``)."""
    return fmt.count_shown(shown_count(count))


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
    days = month.working_days
    weeks = []
    for part in month_weeks(plan, month):
        weeks.append({
            "starting": fmt.short_date(part.week.week_start),
            "starting_iso": part.week.week_start.isoformat(),
            "spans_months": part.spans_months,
            # A week running into another month says which of its days are this one's.
            "days_here": _days_here(part, first, fmt) if part.spans_months else "",
            "working_days": str(len(part.days)),
            "target": fmt.money_whole(part.target),
            "deals": fmt.count_shown(part.deals), "leads": fmt.count_shown(part.leads),
            "meetings": fmt.count_shown(part.meetings),
        })
    catch_up = next((amount for day, amount in progress.catch_up if day == first), None)
    return {
        "label": fmt.month(first),
        "ends_year": False,
        "message": "",
        "working_days": str(days),
        "target": fmt.money_whole(month.total_target),
        "mix": (f"new {fmt.money_whole(month.new_target)} · "
                f"repeat {fmt.money_whole(month.repeat_target)}"
                if month.split else "new and repeat together"),
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


def _days_here(part: MonthWeek, first: date, fmt: Formatter) -> str:
    """The note of a week that spans two months: "Dec 1 – 4 in December" for one that
    started in the month before, "the rest in December" for one that runs into the next."""
    if part.week.week_start < first:
        return f"{fmt.day_range(part.days[0], part.days[-1])} in {fmt.month_name(first)}"
    return f"the rest in {fmt.month_name(add_months(first, 1))}"


def _funnel(result: RepResult, computation: Computation, fmt: Formatter) -> dict[str, Any]:
    plan, progress = result.plan, result.progress
    year, month = progress.funnel_year, progress.funnel_month
    share = _ratio(progress.expected_to_date, progress.annual_target) or Fraction(0)
    to_date = plan.annual_objectives
    month_plan = _month_plan(plan.months, computation.report_month)
    month_obj = month_plan.objectives if month_plan else None

    def count_row(label: str, month_value: DealCount, year_value: DealCount, field: str
                  ) -> dict[str, str]:
        return {
            "stage": label,
            "month": fmt.count(month_value),
            "month_objective": _needed(getattr(month_obj, field), fmt) if month_obj else fmt.BLANK,
            "year": fmt.count(year_value),
            "objective": _needed(getattr(to_date, field) * share, fmt),
            "source": "",
        }

    def mpl(funnel: FunnelActuals) -> Fraction | None:
        return Fraction(funnel.meetings, funnel.leads) if funnel.leads else None

    ads = plan.avg_deal_size
    if plan.split:
        size_objective = (f"new {fmt.money_whole(ads['new'].value)} · "
                          f"repeat {fmt.money_whole(ads['repeat'].value)}")
        size_source = (_source(ads["new"], fmt) if ads["new"].source == ads["repeat"].source
                       else f"new: {_source(ads['new'], fmt)}; "
                            f"repeat: {_source(ads['repeat'], fmt)}")
        sizes = [("Average new deal", ads["new"]), ("Average repeat deal", ads["repeat"])]
    else:  # one target: one deal size over all won deals
        size_objective = f"all deals {fmt.money_whole(ads['total'].value)}"
        size_source = _source(ads["total"], fmt)
        sizes = [("Average deal", ads["total"])]
    rows = [
        count_row("Leads", month.leads, year.leads, "leads"),
        count_row("Meetings", month.meetings, year.meetings, "meetings"),
        {**count_row("Deals won", month.won, year.won, "deals"),
         "source": INFERRED_NOTE if result.rep.rep_id in computation.inferred_client_types
         else ""},
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
         "objective": size_objective, "source": size_source},
    ]
    assumptions = [
        {"name": "Close rate", "value": fmt.percent(plan.close_rate.value),
         "source": _source(plan.close_rate, fmt, close_rate=True),
         "detail": plan.close_rate.detail},
        {"name": "Meetings per lead", "value": fmt.rate(plan.meetings_per_lead.value),
         "source": _source(plan.meetings_per_lead, fmt), "detail": plan.meetings_per_lead.detail},
        *({"name": name, "value": fmt.money_whole(size.value),
           "source": _source(size, fmt), "detail": size.detail} for name, size in sizes),
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


def streak_sentence(weeks: int) -> str | None:
    """The weekly streak in words: none → nothing to say."""
    if weeks <= 0:
        return None
    if weeks == 1:
        return "Weekly target met last week."
    return f"Weekly target met {weeks} weeks in a row."


def _achievements(result: RepResult, fmt: Formatter) -> dict[str, Any]:
    found = result.progress.achievements
    milestones = [{"percent": fmt.percent_whole(Fraction(percent, 100)),
                   "reached": day is not None, "date": fmt.date(day) if day else "not yet"}
                  for percent, day in found.milestones]
    items: list[str] = []
    if found.first_deal:
        items.append(f"First deal of the year on {fmt.date(found.first_deal)}.")
    reached = [f"{m['percent']} on {m['date']}" for m in milestones if m["reached"]]
    if reached:  # one line for all milestones: the report has two pages
        items.append(f"Reached {reached[0].replace(' on ', ' of the goal on ', 1)}"
                     + "".join(f"; {more}" for more in reached[1:]) + ".")
    if found.best_month:
        month, amount = found.best_month
        items.append(f"Best month: {fmt.month(month)} with {fmt.money_whole(amount)}.")
    streak = streak_sentence(found.weekly_streak)
    if streak:
        items.append(streak)
    return {"milestones": milestones, "list": items,
            "streak": str(found.weekly_streak)}


def ratio_text(ratio: Fraction | None, fmt: Formatter) -> str:
    """Needed ÷ earned as "2.1×"; with nothing earned there is no ratio to show."""
    return "nothing earned" if ratio is None else f"{fmt.rate(ratio)}×"


def _reassess(result: RepResult, fmt: Formatter) -> dict[str, Any] | None:
    found = result.progress.reassess
    if not found.flagged:
        return None
    suggested = found.suggested_goal
    return {
        "ratio": ratio_text(found.ratio, fmt),
        "average_90": fmt.money_daily(found.avg_per_working_day_90),
        "needed": fmt.money_daily(result.progress.needed_per_working_day),
        "suggested_goal": fmt.money_whole(suggested),
        "current_goal": fmt.money_whole(result.progress.annual_target),
        "reason": fmt.say(found.reason),
        # A realistic goal of nothing is not advice: the reason says to talk it over.
        "has_suggestion": bool(suggested) and found.ratio is not None,
    }


def _headline(result: RepResult, fmt: Formatter) -> dict[str, Any]:
    progress, plan = result.progress, result.plan
    forecast_share = _ratio(progress.forecast, progress.annual_target)
    return {
        "target": fmt.money_whole(progress.annual_target),
        # Without a split new and repeat business are shown, but have no target apart.
        "new_target": fmt.money_whole(plan.new_target),
        "repeat_target": fmt.money_whole(plan.repeat_target),
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
        "attainment_width": bar_width(progress.attainment),
        "expected_width": bar_width(_ratio(progress.expected_to_date, progress.annual_target)),
    }


def bar_width(share: Fraction | None) -> str:
    """A CSS width in percent, clamped to 0–100, for the progress bar."""
    value = min(max(float(share or 0), 0.0), 1.0) * 100
    return f"{value:.1f}%"


def goal_year_label(start: date, end: date, fmt: Formatter) -> str:
    """``2026`` for a calendar goal year, else ``April 2026 – March 2027``."""
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return str(start.year)
    return f"{fmt.month(start)} – {fmt.month(end.replace(day=1))}"


def rep_context(result: RepResult, computation: Computation, settings: Settings,
                *, company: str | None = None,
                palette: Palette = DEFAULT_PALETTE) -> dict[str, Any]:
    """Everything ``rep_report.html`` shows for one rep, formatted; charts in ``palette``
    (the stylesheet's colours)."""
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
    headline = _headline(result, fmt)
    pipeline = rep_pipeline_context(result, settings, fmt)  # None: no open deals
    commission = rep_commission_context(result, fmt)  # None: no plan
    # Page 1 makes room for the pipeline and commission sections by shorter charts (the
    # cumulative one gives more: its axis has fewer steps).
    shorter = 40 if pipeline else 0
    cumulative_height = 200 - shorter - (65 if commission else 0)
    monthly_height = 180 - shorter - (55 if commission else 0)
    context.update({
        "kind": "rep",
        # Page fit (docs/reports.md): long names and amounts take a smaller size, the
        # running header a shortened name, and the top suggestions are shown in full.
        "name_long": len(rep.name) > LONG_NAME,
        "running_name": _shorten(rep.name, RUNNING_NAME),
        "kpis_long": max(len(headline[k]) for k in ("actual", "forecast", "gap")) > 9,
        "title": f"{rep.name} — progress report, {context['report_month']}",
        "subject": f"Sales progress report for {context['report_month']}, as of "
                   f"{context['as_of']}",
        "rep": {"id": rep.rep_id, "name": rep.name, "team": rep.team,
                "manager": rep.manager, "email": rep.email},
        "goal_year": goal_year_label(plan.year_start, plan.year_end, fmt),
        "headline": headline,
        "month_summary": {
            "target": fmt.money_whole(month_target), "actual": fmt.money_whole(month_actual),
            "attainment": fmt.percent(_ratio(month_actual, month_target)),
        },
        "charts": {
            "cumulative": cumulative_chart(
                progress.cumulative_plan, progress.cumulative_actual,
                year_start=plan.year_start, year_end=plan.year_end, as_of=progress.as_of,
                forecast=progress.forecast, target=progress.annual_target, fmt=fmt,
                description=cumulative_description(
                    progress.actual, progress.expected_to_date, progress.forecast,
                    progress.annual_target, fmt), c=palette, height=cumulative_height),
            "monthly": monthly_chart(
                [(m.month, m.targets.get("new", m.total_target),
                  m.targets.get("repeat", Decimal(0)), m.new_actual, m.repeat_actual)
                 for m in progress.months], as_of=progress.as_of, fmt=fmt, c=palette,
                split=plan.split, pipeline=pipeline["chart_pipeline"] if pipeline else None,
                height=monthly_height),
        },
        "pipeline": pipeline,
        "commission": commission,
        "next_month": _next_month(result, computation, fmt),
        "catch_up": [{"month": fmt.month(day), "amount": fmt.money_whole(amount)}
                     for day, amount in progress.catch_up],
        "funnel": _funnel(result, computation, fmt),
        "focus": _focus(result, fmt),
        "achievements": _achievements(result, fmt),
        "suggestions": [_suggestion(s.stage, s.message, fmt)
                        for s in progress.suggestions[:TOP_SUGGESTIONS]],
        "more_suggestions": [s.stage for s in progress.suggestions[TOP_SUGGESTIONS:]],
        "reassess": _reassess(result, fmt),
        "smart": [{"name": item.name, "passed": item.passed, "reason": fmt.say(item.reason)}
                  for item in plan.smart],
        "plan_changes": [fmt.say(change.phrase) for change in plan.changes],
        "credit_notes": credit_notes(progress.overlay, progress.not_yet_credited,
                                     progress.not_yet_credited_deals, settings, fmt),
    })
    return context


def _suggestion(stage: str, message: Phrase | str, fmt: Formatter) -> dict[str, str]:
    """A suggestion as the report lists it: its own heading in bold ("Too few leads"),
    then the rest of the sentence; never a label of ours before its heading. A sentence
    without a heading is headed by its stage ("Leads")."""
    heading, rest = (message if isinstance(message, Phrase) else Phrase(message)).headed()
    return {"stage": stage, "heading": heading or stage[:1].upper() + stage[1:],
            "message": fmt.say(rest),
            "text": fmt.say(message)}


def cumulative_description(actual: Decimal, expected: Decimal, forecast: Decimal,
                           target: Decimal, fmt: Formatter) -> str:
    """The cumulative chart's text alternative: what it shows, in figures."""
    return (f"Cumulative actual against plan: actual {fmt.money_whole(actual)} against a plan "
            f"of {fmt.money_whole(expected)} to date; forecast {fmt.money_whole(forecast)} "
            f"by the year end, for a target of {fmt.money_whole(target)}.")
