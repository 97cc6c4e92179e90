"""What progress means for the rep (SPEC §3): re-assess, achievements, suggestions.

Choices where the SPEC is silent:
- Re-assess uses the 90 days ending on As Of (clipped to the year end) and the rep's
  working days in them. With no revenue in that window while something is still needed,
  the ratio is infinite: flagged, ratio blank, suggested goal = Actual (the recent pace
  supports nothing more). Nothing is flagged once the goal is reached or the year is over.
- The weekly streak counts completed weeks (their last in-year day on or before As Of)
  back from the latest; weeks with a zero target (time off, holidays) are skipped, they
  neither break nor extend the streak.
- Suggestions list every funnel stage below its objective to date, worst first (the first
  one is "the stage furthest below"). On track or achieved: one positive note. Nothing
  expected yet: none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from math import ceil

from goalreport.core.assumptions import Funnel
from goalreport.core.history import window_tally
from goalreport.core.model import TOTAL, DayActivity, RevenueType, Settings
from goalreport.core.money import ZERO, money
from goalreport.core.phrases import Count, Money, Number, Percent, Phrase
from goalreport.core.planning import objectives
from goalreport.core.results import Achievements, FunnelActuals, Reassess, RepPlan, Suggestion

#: SPEC §3: re-assess once this many working days have elapsed.
REASSESS_AFTER_DAYS = 30
#: SPEC §3: the recent window for the average revenue per working day.
RECENT_DAYS = 90
MILESTONES = (25, 50, 75, 100)


@dataclass(frozen=True)
class Measured:
    """The numbers of one rep's progress the insights are drawn from (exact)."""

    plan: RepPlan
    #: The rep's records from the year start to ``end``.
    year_days: Sequence[DayActivity]
    #: As Of clipped to the year end.
    end: date
    started: bool
    actual: Fraction
    actual_new: Fraction
    actual_repeat: Fraction
    #: Expected to date per revenue type of the plan (new and repeat, or total).
    expected: dict[RevenueType, Fraction]
    elapsed: int
    remaining: int
    gap: Fraction
    needed_per_day: Fraction | None
    funnel: FunnelActuals
    status: str
    settings: Settings


def reassess(m: Measured, days: Sequence[DayActivity], working_days_90: int) -> Reassess:
    """SPEC §3 re-assess: flagged when needed per working day is more than Realism
    Threshold × the rep's average revenue per working day over the last 90 days."""
    recent = window_tally(days, m.end, RECENT_DAYS) if m.started else None
    earned = Fraction(recent.won_amount) if recent else ZERO
    average = earned / working_days_90 if working_days_90 else ZERO
    avg_money = money(average)
    threshold = m.settings.realism_threshold
    if m.elapsed < REASSESS_AFTER_DAYS:
        return Reassess(None, avg_money, False, None, Phrase.of(
            "Re-assessed after {after} working days; {elapsed} so far.",
            after=REASSESS_AFTER_DAYS, elapsed=m.elapsed))
    if m.gap == 0:
        return Reassess(ZERO, avg_money, False, None, Phrase("Goal reached."))
    if not m.remaining or m.needed_per_day is None:
        return Reassess(None, avg_money, False, None, Phrase("The goal year is over."))
    needed = Money(m.needed_per_day, daily=True)
    if average == 0:
        if m.actual == 0:
            return Reassess(None, avg_money, True, money(m.actual), Phrase.of(
                "Nothing has been won this goal year, and {needed} is needed every working "
                "day to reach the goal. Talk with your manager about re-setting it.",
                needed=needed))
        return Reassess(None, avg_money, True, money(m.actual), Phrase.of(
            "Nothing was won in the last {days} days, yet {needed} is needed every working "
            "day to reach the goal. Talk with your manager about re-setting it; at the recent "
            "pace the year ends at {actual}.", days=RECENT_DAYS, needed=needed,
            actual=Money(m.actual)))
    ratio = m.needed_per_day / average
    recent_day = Money(average, daily=True)
    if ratio <= threshold:
        return Reassess(ratio, avg_money, False, None, Phrase.of(
            "{needed} needed per working day against {recent} earned per working day over "
            "the last {days} days: still realistic.", needed=needed, recent=recent_day,
            days=RECENT_DAYS))
    suggested = m.actual + average * m.remaining * threshold
    return Reassess(ratio, avg_money, True, money(suggested), Phrase.of(
        "{needed} is needed per working day, {ratio} times the {recent} earned per working "
        "day over the last {days} days. A realistic goal would be {suggested}.",
        needed=needed, ratio=Number(ratio), recent=recent_day, days=RECENT_DAYS,
        suggested=Money(suggested)))


def achievements(m: Measured) -> Achievements:
    """Milestone dates, best month, current weekly streak, first deal of the year."""
    target = m.plan.annual_target
    reached: dict[int, date | None] = {p: None for p in MILESTONES}
    #: (milestone, amount × 100 that reaches it) of the milestones not reached yet.
    pending = [(p, target * p) for p in MILESTONES] if target > 0 else []
    running = Decimal(0)
    first_deal = None
    by_month: dict[date, Decimal] = {}
    for record in m.year_days:
        if not record.won_new + record.won_repeat:
            continue
        day = record.day
        first_deal = first_deal or day
        amount = record.won_new_amount + record.won_repeat_amount
        running += amount
        key = day.replace(day=1)
        by_month[key] = by_month.get(key, Decimal(0)) + amount
        if pending:
            hundredfold = running * 100
            while pending and hundredfold >= pending[0][1]:
                reached[pending.pop(0)[0]] = day
    best = None
    for month, amount in sorted(by_month.items()):
        if amount > 0 and (best is None or amount > best[1]):
            best = (month, amount)
    return Achievements(
        milestones=tuple(reached.items()), best_month=best,
        weekly_streak=_weekly_streak(m), first_deal=first_deal)


def _weekly_streak(m: Measured) -> int:
    plan = m.plan
    if not m.started or not plan.weeks:
        return 0
    first = plan.weeks[0].week_start
    won = [Decimal(0)] * len(plan.weeks)
    for record in m.year_days:
        if record.won_new_amount or record.won_repeat_amount:  # only compared, so skip 0
            won[(record.day - first).days // 7] += record.won_amount
    streak = 0
    for i in range(len(plan.weeks) - 1, -1, -1):
        week = plan.weeks[i]
        if min(week.week_start + timedelta(days=6), plan.year_end) > m.end:
            continue
        if week.target == 0:
            continue
        if won[i] < week.target:
            break
        streak += 1
    return streak


def _funnel(plan: RepPlan) -> Funnel:
    return Funnel(plan.avg_deal_size, plan.close_rate, plan.meetings_per_lead)


#: A stage is named only when it is more than 5 % below its objective: a deal size a cent
#: under plan, or 99 leads of 100, is noise, not something to work on.
SHORTFALL = Fraction(95, 100)


def suggestions(m: Measured) -> tuple[Suggestion, ...]:
    """SPEC §3 suggestions from the measured funnel against its objectives to date."""
    expected_total = sum(m.expected.values(), ZERO)
    if expected_total == 0:
        return ()
    if m.status in ("Achieved", "On track"):
        done = "You reached your goal" if m.status == "Achieved" else "You are on track"
        return (Suggestion("keep going", Phrase.of(
            done + ": {actual} won so far. Keep logging every lead and meeting, and keep "
            "your weekly focus time.", actual=Money(m.actual))),)
    plan, f = m.plan, m.funnel
    funnel = _funnel(plan)
    expected = objectives(m.expected, funnel)
    actual: dict[RevenueType, Fraction] = {
        "new": m.actual_new, "repeat": m.actual_repeat, TOTAL: m.actual}
    gaps = {t: max(Fraction(target) - actual[t], ZERO) for t, target in plan.targets.items()}
    still = objectives(gaps, funnel)
    weeks_left = weeks_remaining(m.remaining, m.settings)

    def weekly(count: Fraction, what: str) -> tuple[str, dict[str, Count | Number]]:
        """"about 5.3 leads a week for the rest of the year", or the total when less
        than a week is left ("6 more leads")."""
        if weeks_left is None or weeks_left < 1:
            total = ceil(count)
            return "{count} more " + (what.rstrip("s") if total == 1 else what), {
                "count": Count(total)}
        return "about {count} " + what + " a week for the rest of the year", {
            "count": Number(count / weeks_left)}

    # (ratio to objective, tie order, stage, sentence): sentences are built only for the
    # stages that fall short.
    found: list[tuple[Fraction, int, str, Callable[[], Phrase]]] = []

    def leads() -> Phrase:
        need, values = weekly(still.leads, "leads")
        return Phrase.of(
            "Too few leads: {logged} logged so far against {planned} the plan needs by now. "
            "Find new leads: the gap closes with " + need + ".", logged=Count(f.leads),
            planned=Count(expected.leads_shown), **values)

    def meetings() -> Phrase:
        need, values = weekly(still.meetings, "meetings")
        advice = ("Meet every lead" if plan.meetings_per_lead.value >= 1
                  else "Book a meeting with more of your leads")
        return Phrase.of(
            "Too few meetings: {held} held against {planned} the plan needs by now. "
            + advice + ": the gap closes with " + need + ".", held=Count(f.meetings),
            planned=Count(expected.meetings_shown), **values)

    if expected.leads > 0:
        found.append((f.leads / expected.leads, 0, "leads", leads))
    if expected.meetings > 0:
        found.append((f.meetings / expected.meetings, 1, "meetings", meetings))
    assumed_rate = plan.close_rate.value
    own_rate = f.close_rate

    def close_rate() -> Phrase:
        assert own_rate is not None
        rate = Phrase.of("Low close rate: you won {won} of {leads} " + _plural(f.leads, "lead")
                         + " ({own}) against the "
                         "{assumed} the plan counts on. Qualify leads before you meet them and "
                         "follow up every proposal", won=Count(f.won), leads=Count(f.leads),
                         own=Percent(own_rate), assumed=Percent(assumed_rate))
        if own_rate == 0:
            return Phrase(rate.template + ".", rate.values)
        need, values = weekly(still.deals / own_rate, "leads")
        return Phrase(rate.template + "; at your rate you need " + need + ".",
                      rate.values + tuple(values.items()))

    if own_rate is not None and assumed_rate > 0:
        found.append((own_rate / assumed_rate, 2, "close rate", close_rate))
    planned_size = expected_total / expected.deals if expected.deals else None
    own_size = f.avg_deal_size

    def deal_size() -> Phrase:
        assert own_size is not None and planned_size is not None
        need, values = weekly(m.gap / Fraction(own_size), "deals")
        return Phrase.of(
            "Small deals: your won deals average {own} against {planned} in the plan. Offer "
            "larger packages and add-ons; at your size you need " + need + ".",
            own=Money(own_size), planned=Money(planned_size), **values)

    if own_size and planned_size:  # a size of $0 (deals worth nothing) says nothing
        found.append((Fraction(own_size) / planned_size, 3, "deal size", deal_size))
    # Repeat against new only when the goal splits them: without a split neither has a
    # target of its own, so neither can lag.
    expected_new, expected_repeat = m.expected.get("new", ZERO), m.expected.get("repeat", ZERO)
    if expected_new > 0 and expected_repeat > 0 and m.actual_new > 0:
        new_pace = m.actual_new / expected_new
        repeat_pace = m.actual_repeat / expected_repeat
        found.append((repeat_pace / new_pace, 4, "repeat business", lambda: Phrase.of(
            "Repeat business is lagging new: {repeat} from repeat clients against {planned} "
            "planned by now, while new clients gave {new} of {new_planned}. Call your past "
            "clients: {gap} is still needed from them.", repeat=Money(m.actual_repeat),
            planned=Money(expected_repeat), new=Money(m.actual_new),
            new_planned=Money(expected_new), gap=Money(gaps["repeat"]))))
    planned_hours = f.focus_hours_planned
    if planned_hours:
        found.append((Fraction(f.focus_hours) / Fraction(planned_hours), 5, "focus time",
                      lambda: Phrase.of(
            "Focus time skipped: {logged} " + _plural(f.focus_hours, "hour")
            + " logged against {planned} planned ({weekly} a "
            "week). Block the time in your calendar and keep it sacred.",
            logged=Number(f.focus_hours, hours=True), planned=Number(planned_hours, hours=True),
            weekly=Number(plan.goal.focus_hours_per_week or 0, hours=True))))
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        Suggestion(stage, write()) for ratio, _, stage, write in found if ratio < SHORTFALL)


def _plural(count: int | Decimal, word: str) -> str:
    """``word`` for one, ``word + "s"`` for zero or many ("1 lead", "0 leads")."""
    return word if count == 1 else word + "s"


def weeks_remaining(remaining_days: int, settings: Settings) -> Fraction | None:
    """Remaining working days in weeks of the team's Working Days; None when none left."""
    per_week = max(len(settings.working_days), 1)
    return Fraction(remaining_days, per_week) if remaining_days else None
