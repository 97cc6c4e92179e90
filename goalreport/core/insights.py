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

from goalreport.core.assumptions import Funnel
from goalreport.core.history import window_tally
from goalreport.core.model import DayActivity, Settings
from goalreport.core.money import ZERO, money, show_money
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
    expected_new: Fraction
    expected_repeat: Fraction
    elapsed: int
    remaining: int
    gap: Fraction
    needed_per_day: Fraction | None
    funnel: FunnelActuals
    status: str
    settings: Settings

    def show(self, amount: Fraction | Decimal) -> str:
        return show_money(amount if isinstance(amount, Decimal) else money(amount),
                          self.settings.currency, self.settings.locale)


def reassess(m: Measured, days: Sequence[DayActivity], working_days_90: int) -> Reassess:
    """SPEC §3 re-assess: flagged when needed per working day is more than Realism
    Threshold × the rep's average revenue per working day over the last 90 days."""
    recent = window_tally(days, m.end, RECENT_DAYS) if m.started else None
    earned = Fraction(recent.won_amount) if recent else ZERO
    average = earned / working_days_90 if working_days_90 else ZERO
    avg_money = money(average)
    threshold = m.settings.realism_threshold
    if m.elapsed < REASSESS_AFTER_DAYS:
        return Reassess(None, avg_money, False, None, (
            f"Re-assessed after {REASSESS_AFTER_DAYS} working days; {m.elapsed} so far."))
    if m.gap == 0:
        return Reassess(ZERO, avg_money, False, None, "Goal reached.")
    if not m.remaining or m.needed_per_day is None:
        return Reassess(None, avg_money, False, None, "The goal year is over.")
    needed = m.needed_per_day
    if average == 0:
        return Reassess(None, avg_money, True, money(m.actual), (
            f"Nothing was won in the last {RECENT_DAYS} days, yet {m.show(needed)} is needed "
            f"every working day to reach the goal. Talk with your manager about re-setting "
            f"it; at the recent pace the year ends at {m.show(m.actual)}."))
    ratio = needed / average
    if ratio <= threshold:
        return Reassess(ratio, avg_money, False, None, (
            f"{m.show(needed)} needed per working day against {m.show(average)} earned per "
            f"working day over the last {RECENT_DAYS} days: still realistic."))
    suggested = m.actual + average * m.remaining * threshold
    return Reassess(ratio, avg_money, True, money(suggested), (
        f"{m.show(needed)} is needed per working day, {float(ratio):.1f} times the "
        f"{m.show(average)} earned per working day over the last {RECENT_DAYS} days. "
        f"A realistic goal would be {m.show(suggested)}."))


def achievements(m: Measured) -> Achievements:
    """Milestone dates, best month, current weekly streak, first deal of the year."""
    target = m.plan.goal.total_target
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


def _pct(value: Fraction) -> str:
    return f"{float(value):.0%}"


#: A stage is named only when it is more than 5 % below its objective: a deal size a cent
#: under plan, or 99 leads of 100, is noise, not something to work on.
SHORTFALL = Fraction(95, 100)


def suggestions(m: Measured) -> tuple[Suggestion, ...]:
    """SPEC §3 suggestions from the measured funnel against its objectives to date."""
    if m.expected_new + m.expected_repeat == 0:
        return ()
    if m.status in ("Achieved", "On track"):
        done = "You reached your goal" if m.status == "Achieved" else "You are on track"
        return (Suggestion("keep going", (
            f"{done}: {m.show(m.actual)} won so far. Keep logging every lead and meeting, "
            "and keep your weekly focus time."),),)
    plan, f = m.plan, m.funnel
    funnel = _funnel(plan)
    expected = objectives({"new": m.expected_new, "repeat": m.expected_repeat}, funnel)
    gap_new = max(Fraction(plan.goal.new_target) - m.actual_new, ZERO)
    gap_repeat = max(Fraction(plan.goal.repeat_target) - m.actual_repeat, ZERO)
    still = objectives({"new": gap_new, "repeat": gap_repeat}, funnel)
    per_week = max(len(m.settings.working_days), 1)
    weeks_left = Fraction(m.remaining, per_week) if m.remaining else None

    def weekly(count: Fraction) -> str:
        if weeks_left is None:
            return f"{float(count):.0f} in all"
        return f"about {float(count / weeks_left):.1f} a week for the rest of the year"

    # (ratio to objective, tie order, stage, message): messages are written only for the
    # stages that fall short, since formatting money is the slow part for 2,000 reps.
    found: list[tuple[Fraction, int, str, Callable[[], str]]] = []
    if expected.leads > 0:
        found.append((f.leads / expected.leads, 0, "leads", lambda: (
            f"Too few leads: {f.leads} logged so far against {expected.leads_shown} the plan "
            f"needs by now. Find new leads: {weekly(still.leads)} closes the gap.")))
    if expected.meetings > 0:
        found.append((f.meetings / expected.meetings, 1, "meetings", lambda: (
            f"Too few meetings: {f.meetings} held against {expected.meetings_shown} the plan "
            f"needs by now. Meet every lead: {weekly(still.meetings)} closes the gap.")))
    assumed_rate = plan.close_rate.value
    own_rate = f.close_rate
    if own_rate is not None and assumed_rate > 0:
        found.append((own_rate / assumed_rate, 2, "close rate", lambda: (
            f"Low close rate: you won {f.won} of {f.leads} leads ({_pct(own_rate)}) against "
            f"the {_pct(assumed_rate)} the plan counts on. Qualify leads before you meet them "
            "and follow up every proposal; at your rate the rest of the year needs "
            f"{weekly(still.deals / own_rate) if own_rate else 'many more leads'}.")))
    planned_size = (m.expected_new + m.expected_repeat) / expected.deals if expected.deals else None
    own_size = f.avg_deal_size
    if own_size is not None and planned_size:
        found.append((Fraction(own_size) / planned_size, 3, "deal size", lambda: (
            f"Small deals: your won deals average {m.show(own_size)} against "
            f"{m.show(planned_size)} in the plan. Offer larger packages and add-ons; at your "
            f"size the rest of the year needs {weekly(m.gap / Fraction(own_size))} deals.")))
    if m.expected_new > 0 and m.expected_repeat > 0 and m.actual_new > 0:
        new_pace = m.actual_new / m.expected_new
        repeat_pace = m.actual_repeat / m.expected_repeat
        found.append((repeat_pace / new_pace, 4, "repeat business", lambda: (
            f"Repeat business is lagging new: {m.show(m.actual_repeat)} from repeat clients "
            f"against {m.show(m.expected_repeat)} planned by now, while new clients gave "
            f"{m.show(m.actual_new)} of {m.show(m.expected_new)}. Call your past clients: "
            f"{m.show(gap_repeat)} is still needed from them.")))
    planned_hours = f.focus_hours_planned
    if planned_hours:
        found.append((Fraction(f.focus_hours) / Fraction(planned_hours), 5, "focus time", lambda: (
            f"Focus time skipped: {f.focus_hours} hours logged against {planned_hours} "
            f"planned ({plan.goal.focus_hours_per_week} a week). Block the time in your "
            "calendar and keep it sacred.")))
    found.sort(key=lambda item: (item[0], item[1]))
    return tuple(
        Suggestion(stage, write()) for ratio, _, stage, write in found if ratio < SHORTFALL)
