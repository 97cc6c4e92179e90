"""What the pure calculations produce: plans (SPEC §2), progress (SPEC §3), team totals.

Money is ``Decimal`` rounded to cents; ratios are exact ``Fraction`` (None where the
SPEC says "blank"); counts needed are exact and shown rounded up via the ``*_shown``
properties. Sheets and reports read these and nothing else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from goalreport.core.commission import RepCommission
from goalreport.core.model import (
    TOTAL,
    CreditOn,
    DealCount,
    Dimension,
    Goal,
    PlacedDeal,
    Rep,
    RevenueType,
)
from goalreport.core.org import NO_TREE, OrgTree
from goalreport.core.phrases import Phrase
from goalreport.core.pipelinedata import RepPipeline, TeamPipeline
from goalreport.core.targets import PlanChange
from goalreport.errors import Problem

#: "not needed": no source gave an average deal size, and the type has no target.
AssumptionSource = Literal["goal sheet", "history", "team", "default", "not needed"]


@dataclass(frozen=True)
class Assumption:
    """A funnel assumption and where it came from."""

    value: Fraction
    source: AssumptionSource
    #: In words, e.g. "mean of 7 won new deals in the 365 days before 2026-06-30".
    detail: str = ""


@dataclass(frozen=True)
class Objectives:
    """Deals, leads and meetings a period's target needs, exactly."""

    deals: Fraction
    leads: Fraction
    meetings: Fraction

    @property
    def deals_shown(self) -> int:
        return math.ceil(self.deals)

    @property
    def leads_shown(self) -> int:
        return math.ceil(self.leads)

    @property
    def meetings_shown(self) -> int:
        return math.ceil(self.meetings)


class ByType:
    """``new_target``, ``repeat_target`` and ``total_target`` of a record holding its
    targets per revenue type: new and repeat, or total alone without a split (then the
    new and repeat targets are None: nothing is judged apart)."""

    __slots__ = ()
    targets: dict[RevenueType, Decimal]

    @property
    def new_target(self) -> Decimal | None:
        return self.targets.get("new")

    @property
    def repeat_target(self) -> Decimal | None:
        return self.targets.get("repeat")

    @property
    def total_target(self) -> Decimal:
        return sum(self.targets.values(), Decimal(0))

    @property
    def split(self) -> bool:
        return TOTAL not in self.targets


@dataclass(frozen=True)
class MonthPlan(ByType):
    #: First day of the month.
    month: date
    working_days: int
    #: The month's target per revenue type (``ByType``).
    targets: dict[RevenueType, Decimal]
    #: Total target ÷ working days (0 when there are none), rounded to cents for display.
    daily_target: Decimal
    objectives: Objectives

    @property
    def label(self) -> str:
        return f"{self.month.year:04d}-{self.month.month:02d}"


@dataclass(frozen=True)
class WeekPlan:
    #: The Monday the week starts on (may fall before the goal year starts).
    week_start: date
    #: Rep working days of this week inside the goal year.
    working_days: int
    target: Decimal
    objectives: Objectives


@dataclass(frozen=True)
class SmartItem:
    #: "Specific", "Measurable", "Achievable", "Realistic" or "Timed".
    name: str
    passed: bool
    #: Why, in words a rep understands.
    reason: Phrase


@dataclass(frozen=True)
class RepPlan(ByType):
    """SPEC §2 for one rep and goal year."""

    rep: Rep
    goal: Goal
    #: The year's target per revenue type: the sum of the months (``ByType``), which is
    #: the goal's after revisions in force and relief for time off.
    targets: dict[RevenueType, Decimal]
    year_start: date
    #: Inclusive: the day before the next fiscal year starts.
    year_end: date
    months: tuple[MonthPlan, ...]
    weeks: tuple[WeekPlan, ...]
    #: Exact daily target of every rep working day of the year, in date order.
    daily_targets: tuple[tuple[date, Fraction], ...]
    avg_deal_size: dict[RevenueType, Assumption]
    close_rate: Assumption
    meetings_per_lead: Assumption
    annual_objectives: Objectives
    smart: tuple[SmartItem, ...]
    #: What moved the plan from the first version's target: revisions, relief.
    changes: tuple[PlanChange, ...] = ()

    @property
    def working_days(self) -> int:
        return len(self.daily_targets)

    @property
    def annual_target(self) -> Decimal:
        return self.total_target


@dataclass(frozen=True)
class FunnelActuals:
    """What a rep logged over a period (a split deal counts as the rep's share of it)."""

    leads: int
    meetings: int
    won: DealCount
    lost: DealCount
    won_amount: Decimal
    #: won ÷ leads; None without leads.
    close_rate: Fraction | None
    #: won amount ÷ won; None without deals.
    avg_deal_size: Decimal | None
    focus_hours: Decimal
    #: Focus Hours per Week × weeks in the period; None when the goal sets no focus hours.
    focus_hours_planned: Decimal | None


@dataclass(frozen=True)
class MonthProgress(ByType):
    month: date
    #: The month's target per revenue type (``ByType``).
    targets: dict[RevenueType, Decimal]
    new_actual: Decimal
    repeat_actual: Decimal

    @property
    def label(self) -> str:
        return f"{self.month.year:04d}-{self.month.month:02d}"


@dataclass(frozen=True)
class Reassess:
    #: Needed per working day ÷ average revenue per working day over the last 90 days.
    ratio: Fraction | None
    avg_per_working_day_90: Decimal
    flagged: bool
    #: Actual + that average × remaining working days × Realism Threshold, when flagged.
    suggested_goal: Decimal | None
    reason: Phrase


@dataclass(frozen=True)
class Achievements:
    #: (25, date) … (100, date); date None when not reached.
    milestones: tuple[tuple[int, date | None], ...]
    #: (first day of month, amount) of the best month so far; None without deals.
    best_month: tuple[date, Decimal] | None
    #: Consecutive completed weeks, back from As Of, whose weekly target was met.
    weekly_streak: int
    first_deal: date | None


@dataclass(frozen=True)
class Suggestion:
    #: "leads", "close rate", "deal size", "repeat business", "focus time" …
    stage: str
    message: Phrase


@dataclass(frozen=True)
class Progress:
    """SPEC §3 for one rep as of a date."""

    rep_id: str
    as_of: date
    annual_target: Decimal
    actual: Decimal
    actual_new: Decimal
    actual_repeat: Decimal
    expected_to_date: Decimal
    attainment: Fraction | None
    pace: Fraction | None
    forecast: Decimal
    gap: Decimal
    elapsed_working_days: int
    remaining_working_days: int
    needed_per_working_day: Decimal | None
    needed_per_week: Decimal | None
    #: The catch-up plan: remaining months and what each needs, through the plan weights.
    catch_up: tuple[tuple[date, Decimal], ...]
    status: str
    funnel_year: FunnelActuals
    funnel_month: FunnelActuals
    reassess: Reassess
    achievements: Achievements
    suggestions: tuple[Suggestion, ...]
    months: tuple[MonthProgress, ...]
    #: Cumulative plan at each month end of the year (and the year end).
    cumulative_plan: tuple[tuple[date, Decimal], ...]
    #: Cumulative actual at each month end up to As Of, then at As Of.
    cumulative_actual: tuple[tuple[date, Decimal], ...]
    #: Overlay credit in ``actual`` (overlay splits: the rep's own, in no roll-up), its
    #: part of ``forecast``, and its cumulative series beside ``cumulative_actual``.
    overlay: Decimal = Decimal("0.00")
    overlay_forecast: Decimal = Decimal("0.00")
    overlay_cumulative: tuple[tuple[date, Decimal], ...] = ()
    #: Won deals booked by As Of that do not count yet (Credit On invoiced or paid: not
    #: yet invoiced or paid), the rep's shares; None when deals count when booked.
    not_yet_credited: Decimal | None = None
    #: How many deals those shares are of, and the overlay part of them.
    not_yet_credited_deals: int = 0
    not_yet_credited_overlay: Decimal = Decimal("0.00")

    @property
    def rollup_actual(self) -> Decimal:
        """What the rep adds to a team's (or any roll-up's) actual: ``actual`` less overlay
        credit, so a deal never counts twice."""
        return self.actual - self.overlay

    @property
    def rollup_forecast(self) -> Decimal:
        return self.forecast - self.overlay_forecast

    @property
    def rollup_cumulative_actual(self) -> tuple[tuple[date, Decimal], ...]:
        if not self.overlay_cumulative:
            return self.cumulative_actual
        overlay = dict(self.overlay_cumulative)
        return tuple((day, value - overlay.get(day, Decimal(0)))
                     for day, value in self.cumulative_actual)

    @property
    def rollup_not_yet_credited(self) -> Decimal | None:
        if self.not_yet_credited is None:
            return None
        return self.not_yet_credited - self.not_yet_credited_overlay


@dataclass(frozen=True)
class RepResult:
    plan: RepPlan
    progress: Progress
    #: None when the workbook has no open deals (no pipeline figures anywhere).
    pipeline: RepPipeline | None = None
    #: None for a rep without a commission plan (and in a workbook without a Commission
    #: sheet): no commission figure anywhere.
    commission: RepCommission | None = None

    @property
    def rep(self) -> Rep:
        return self.plan.rep


@dataclass(frozen=True)
class GroupTotals:
    """One row of a roll-up (SPEC §4 Team Summary): the reps of one team, territory,
    region or segment, of one manager's subtree, or all of them (name "Total").
    Attainment and pace come from the summed money, never from averaged ratios."""

    name: str
    reps: int
    #: What the row is measured against: its own quota where Goals gives one, else its
    #: reps' targets summed (``reps_target``).
    annual_target: Decimal
    actual: Decimal
    #: The plan to date of ``annual_target``: its own quota's, or the reps' summed.
    expected_to_date: Decimal
    attainment: Fraction | None
    pace: Fraction | None
    #: The reps' run-rate forecasts summed.
    forecast: Decimal
    #: Status name (model.STATUSES) → number of reps.
    status_counts: dict[str, int]
    #: The reps' pipeline summed (landing, coverage); None without open deals.
    pipeline: TeamPipeline | None = None
    #: Overlay credit of the reps (shown beside ``actual``, never in it), and what they
    #: booked that does not count yet (None when deals count when booked).
    overlay: Decimal = Decimal("0.00")
    not_yet_credited: Decimal | None = None
    #: The reps' annual targets summed.
    reps_target: Decimal = Decimal("0.00")
    #: The node's own quota (a Goals row naming it), None when it has none.
    own_quota: Decimal | None = None
    #: In the manager tree: the depth (1 at the top) and the manager's key; 0 and ""
    #: elsewhere.
    depth: int = 0
    key: str = ""

    @property
    def difference(self) -> Decimal | None:
        """Reps' targets − own quota: over-assigned (the reps carry more than the node's
        quota) when positive, under-assigned when negative; None without an own quota."""
        return None if self.own_quota is None else self.reps_target - self.own_quota


@dataclass(frozen=True)
class Moved:
    """What one Team History period of a rep takes from the node the Reps row puts them
    in to the node they were in then (``core.membership``): the revenue credited on its
    days, its target and its target to As Of."""

    rep_id: str
    #: "team", "territory" or "manager".
    dimension: Dimension
    #: The team or territory as written, or the manager's key.
    value: str
    actual: Decimal
    target: Decimal
    expected: Decimal
    #: Where it was read ("Team History row 3").
    source: str = ""


@dataclass(frozen=True)
class RollUp:
    """One section of the roll-ups: every node of one dimension, in order (natural order
    of names; the tree depth first), without the Total row (Team Summary's)."""

    dimension: Dimension
    rows: tuple[GroupTotals, ...]


@dataclass(frozen=True)
class NodeQuota:
    """A node's own quota: a Goals row naming a territory, region, segment or manager
    instead of a rep (SPEC §3 Targets above the rep)."""

    dimension: Dimension
    #: The node: ``keys.rep_key`` of the territory, region or segment name, or the
    #: manager's key.
    key: str
    annual: Decimal
    #: Its plan to date, as of the computation's As Of.
    expected_to_date: Decimal
    #: Where it was read: "Goals row 7".
    source: str = ""


@dataclass(frozen=True)
class Computation:
    """Everything ``engine.compute`` found for one workbook as of one date."""

    as_of: date
    #: First day of the report month.
    report_month: date
    #: The goal year (calendar year its fiscal year starts in) holding As Of.
    goal_year: int
    #: Active reps only, in workbook order.
    results: tuple[RepResult, ...]
    #: One row per team sorted by name, then the "Total" row.
    team: tuple[GroupTotals, ...]
    #: Things worth saying that do not stop a run (e.g. a rep with no working days).
    warnings: tuple[Problem, ...] = ()
    #: Rep IDs whose new vs repeat split was partly inferred (``WorkbookData``'s).
    inferred_client_types: tuple[str, ...] = ()
    #: Lines for ``check`` about what was read (which shape the Goals sheet has).
    notes: tuple[Problem, ...] = ()
    #: Settings' Credit On, and whether any deal has overlay splits (the sheets show
    #: their columns only then).
    credit_on: CreditOn = "booked"
    has_overlay: bool = False
    #: The roll-ups below Team Summary's table: one per dimension present, then the
    #: manager tree (``core.rollup``).
    sections: tuple[RollUp, ...] = ()
    #: The manager tree, and the own quotas of nodes, for per-manager views.
    org: OrgTree = NO_TREE
    quotas: tuple[NodeQuota, ...] = ()
    #: Won deals in the goal year to As Of that count in another territory or region than
    #: their rep's (``WorkbookData.placed_deals``).
    placed: tuple[PlacedDeal, ...] = ()
    #: What reps' Team History periods move between nodes (``core.membership``).
    moves: tuple[Moved, ...] = ()
    #: The manager whose subtree this is (``rollup.subtree``); "" for the whole company.
    scope: str = ""
