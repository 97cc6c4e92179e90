"""The SMART check (SPEC §2): is each rep's goal specific, measurable, achievable,
realistic and timed? Each item passes or warns, with a reason a rep understands."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from goalreport.core.calendar import GoalYear
from goalreport.core.history import HISTORY_DAYS, MEASURABLE_DAYS, Tally
from goalreport.core.model import Goal, Settings
from goalreport.core.money import show_money
from goalreport.core.results import Objectives, SmartItem

#: An assumed close rate above this is unrealistic whatever the history says.
MAX_REALISTIC_CLOSE_RATE = Fraction(9, 10)
#: Leads needed in the history window before the close rate is compared with it.
MIN_LEADS_FOR_RATE = 10


def _pct(value: Fraction) -> str:
    return f"{float(value):.0%}"


def _num(value: Fraction) -> str:
    return f"{float(value):.1f}"


def specific(goal: Goal, settings: Settings) -> SmartItem:
    if goal.total_target <= 0:
        return SmartItem("Specific", False, "The goal has no target: give a new-client or "
                         "repeat-client target greater than 0.")
    return SmartItem("Specific", True, (
        f"{show_money(goal.new_target, settings.currency, settings.locale)} from new clients "
        f"and {show_money(goal.repeat_target, settings.currency, settings.locale)} from "
        "repeat clients."))


def measurable(recent: Tally, as_of: date) -> SmartItem:
    """Activity is being logged: anything logged in the 90 days up to As Of."""
    if recent.first_day is None:
        return SmartItem("Measurable", False, (
            f"Nothing was logged in the {MEASURABLE_DAYS} days up to {as_of.isoformat()}: "
            "log every lead, meeting and closed sale so progress can be measured."))
    return SmartItem("Measurable", True, (
        f"Activity is being logged (since {recent.first_day.isoformat()} in the last "
        f"{MEASURABLE_DAYS} days)."))


def achievable(
    annual: Objectives, working_days: int, history: Tally, settings: Settings, as_of: date
) -> SmartItem:
    """Required leads per week ≤ Realism Threshold × leads logged per week.

    Required per week = leads needed ÷ (rep working days ÷ working days per week). Logged
    per week = leads in the 365 days up to As Of ÷ weeks from the first activity logged in
    that window to As Of (at least one week). Without history it passes: nothing to compare.
    """
    if working_days == 0:
        return SmartItem("Achievable", False, (
            "You have no working days in this goal year (start date, time off and holidays "
            "leave none), so the target cannot be reached."))
    per_week = max(len(settings.working_days), 1)
    required = annual.leads / Fraction(working_days, per_week)
    if history.first_day is None:
        return SmartItem("Achievable", True, (
            f"The plan needs {_num(required)} leads a week; there is no logged history yet "
            "to compare with."))
    weeks = max(Fraction((as_of - history.first_day).days + 1, 7), Fraction(1))
    logged = Fraction(history.leads) / weeks
    limit = settings.realism_threshold * logged
    text = (f"The plan needs {_num(required)} leads a week; you logged {_num(logged)} a week "
            f"in the last {HISTORY_DAYS} days")
    if required <= limit:
        return SmartItem("Achievable", True, text + ".")
    return SmartItem("Achievable", False, text + (
        f", and more than {_num(settings.realism_threshold)} times that is a stretch. "
        "Plan how to find more leads, or re-assess the goal."))


def realistic(close_rate: Fraction, history: Tally, settings: Settings) -> SmartItem:
    """Assumed close rate ≤ 90 %, and ≤ Realism Threshold × the rep's own rate over the
    history window when it has at least 10 leads."""
    if close_rate > MAX_REALISTIC_CLOSE_RATE:
        return SmartItem("Realistic", False, (
            f"The plan assumes you close {_pct(close_rate)} of leads; few people close more "
            f"than {_pct(MAX_REALISTIC_CLOSE_RATE)}. Plan on a lower close rate."))
    if history.leads >= MIN_LEADS_FOR_RATE:
        own = Fraction(history.won, history.leads)
        if close_rate > settings.realism_threshold * own:
            return SmartItem("Realistic", False, (
                f"The plan assumes you close {_pct(close_rate)} of leads, but you closed "
                f"{history.won} of {history.leads} ({_pct(own)}) in the last {HISTORY_DAYS} "
                "days. Plan on more leads or work on closing."))
        return SmartItem("Realistic", True, (
            f"The plan assumes you close {_pct(close_rate)} of leads; you closed "
            f"{_pct(own)} in the last {HISTORY_DAYS} days."))
    return SmartItem("Realistic", True, (
        f"The plan assumes you close {_pct(close_rate)} of leads (not enough history yet "
        "to compare)."))


def timed(year: GoalYear) -> SmartItem:
    return SmartItem("Timed", True, (
        f"Goal year {year.year}: {year.start.isoformat()} to {year.end.isoformat()}."))


def smart_check(
    goal: Goal, annual: Objectives, working_days: int, close_rate: Fraction, history: Tally,
    recent: Tally, settings: Settings, year: GoalYear, as_of: date,
) -> tuple[SmartItem, ...]:
    """The five SMART items in order."""
    return (
        specific(goal, settings),
        measurable(recent, as_of),
        achievable(annual, working_days, history, settings, as_of),
        realistic(close_rate, history, settings),
        timed(year),
    )
