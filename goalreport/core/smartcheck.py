"""The SMART check (SPEC §2): is each rep's goal specific, measurable, achievable,
realistic and timed? Each item passes or warns, with a reason a rep understands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.calendar import GoalYear
from goalreport.core.history import HISTORY_DAYS, MEASURABLE_DAYS, Tally
from goalreport.core.model import TOTAL, RevenueType, Settings
from goalreport.core.phrases import Count, Day, Money, Number, Percent, Phrase, Value
from goalreport.core.results import Objectives, SmartItem

#: An assumed close rate above this is unrealistic whatever the history says.
MAX_REALISTIC_CLOSE_RATE = Fraction(9, 10)
#: Leads needed in the history window before the close rate is compared with it.
MIN_LEADS_FOR_RATE = 10


def specific(targets: Mapping[RevenueType, Decimal]) -> SmartItem:
    """The year's targets (the plan's: new and repeat, or one total) are given."""
    if sum(targets.values(), Decimal(0)) <= 0:
        return SmartItem("Specific", False, Phrase(
            "The goal has no target: give a new-client or repeat-client target greater "
            "than 0."))
    if TOTAL in targets:
        return SmartItem("Specific", True, Phrase.of(
            "{total} from all clients, new and repeat together.",
            total=Money(targets[TOTAL])))
    return SmartItem("Specific", True, Phrase.of(
        "{new} from new clients and {repeat} from repeat clients.",
        new=Money(targets["new"]), repeat=Money(targets["repeat"])))


def measurable(recent: Tally, as_of: date) -> SmartItem:
    """Activity is being logged: anything logged in the 90 days up to As Of, said as what
    was logged ("You logged 21 leads, 45 meetings and 10 closed deals in the last 90
    days.")."""
    if recent.first_day is None:
        return SmartItem("Measurable", False, Phrase.of(
            "Nothing was logged in the {days} days up to {as_of}: log every lead, meeting "
            "and closed sale so progress can be measured.", days=MEASURABLE_DAYS,
            as_of=Day(as_of)))
    closed = recent.won_new + recent.won_repeat + recent.lost
    logged = [(name, value, f"{{{name}}} {word}{'' if amount == 1 else 's'}")
              for name, value, word, amount in (
                  ("leads", Count(recent.leads), "lead", recent.leads),
                  ("meetings", Count(recent.meetings), "meeting", recent.meetings),
                  ("closed", Count(closed), "closed deal", closed),
                  ("hours", Number(recent.focus_hours, hours=True), "focus hour",
                   recent.focus_hours))
              if amount]
    if not logged:
        return SmartItem("Measurable", True, Phrase.of(
            "Activity was logged in the last {days} days.", days=MEASURABLE_DAYS))
    items = [text for _, _, text in logged]
    listed = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return SmartItem("Measurable", True, Phrase.of(
        "You logged " + listed + " in the last {days} days.", days=MEASURABLE_DAYS,
        **{name: value for name, value, _ in logged}))


def achievable(
    annual: Objectives, working_days: int, history: Tally, settings: Settings, as_of: date
) -> SmartItem:
    """Required leads per week ≤ Realism Threshold × leads logged per week.

    Required per week = leads needed ÷ (rep working days ÷ working days per week). Logged
    per week = leads in the 365 days up to As Of ÷ weeks from the first activity logged in
    that window to As Of (at least one week). Without history it passes: nothing to compare.
    """
    if working_days == 0:
        return SmartItem("Achievable", False, Phrase(
            "You have no working days in this goal year (start date, time off and holidays "
            "leave none), so the target cannot be reached."))
    per_week = max(len(settings.working_days), 1)
    required = annual.leads / Fraction(working_days, per_week)
    if history.first_day is None:
        return SmartItem("Achievable", True, Phrase.of(
            "The plan needs {required} leads a week; there is no logged history yet to "
            "compare with.", required=Number(required)))
    weeks = max(Fraction((as_of - history.first_day).days + 1, 7), Fraction(1))
    logged = Fraction(history.leads) / weeks
    limit = settings.realism_threshold * logged
    values: dict[str, Value] = {"required": Number(required), "logged": Number(logged),
                                "days": HISTORY_DAYS}
    if history.leads == 0:
        text = "The plan needs {required} leads a week; you logged none in the last {days} days"
    else:
        text = ("The plan needs {required} leads a week; you logged {logged} a week in the "
                "last {days} days")
    if required <= limit:
        return SmartItem("Achievable", True, Phrase.of(text + ".", **values))
    return SmartItem("Achievable", False, Phrase.of(text + (
        ", and more than {threshold} times that is a stretch. " if history.leads else ". ")
        + "Plan how to find more leads, or re-assess the goal.",
        threshold=Number(settings.realism_threshold), **values))


def realistic(close_rate: Fraction, history: Tally, settings: Settings) -> SmartItem:
    """Assumed close rate ≤ 90 %, and ≤ Realism Threshold × the rep's own rate over the
    history window when it has at least 10 leads."""
    assumed = Percent(close_rate)
    if close_rate > MAX_REALISTIC_CLOSE_RATE:
        return SmartItem("Realistic", False, Phrase.of(
            "The plan assumes you close {assumed} of leads; few people close more than "
            "{most}. Plan on a lower close rate.", assumed=assumed,
            most=Percent(MAX_REALISTIC_CLOSE_RATE)))
    if history.leads >= MIN_LEADS_FOR_RATE:
        own = Fraction(history.won, history.leads)
        if close_rate > settings.realism_threshold * own:
            return SmartItem("Realistic", False, Phrase.of(
                "The plan assumes you close {assumed} of leads, but you closed {won} of "
                "{leads} ({own}) in the last {days} days. Plan on more leads or work on "
                "closing.", assumed=assumed, won=Count(history.won),
                leads=Count(history.leads), own=Percent(own), days=HISTORY_DAYS))
        return SmartItem("Realistic", True, Phrase.of(
            "The plan assumes you close {assumed} of leads; you closed {own} in the last "
            "{days} days.", assumed=assumed, own=Percent(own), days=HISTORY_DAYS))
    return SmartItem("Realistic", True, Phrase.of(
        "The plan assumes you close {assumed} of leads (not enough history yet to "
        "compare).", assumed=assumed))


def timed(year: GoalYear) -> SmartItem:
    return SmartItem("Timed", True, Phrase.of(
        "Goal year {year}: {start} – {end}.", year=str(year.year), start=Day(year.start),
        end=Day(year.end)))


def smart_check(
    targets: Mapping[RevenueType, Decimal], annual: Objectives, working_days: int, close_rate: Fraction, history: Tally,
    recent: Tally, settings: Settings, year: GoalYear, as_of: date,
) -> tuple[SmartItem, ...]:
    """The five SMART items in order."""
    return (
        specific(targets),
        measurable(recent, as_of),
        achievable(annual, working_days, history, settings, as_of),
        realistic(close_rate, history, settings),
        timed(year),
    )
