"""The input model: what a goalreport workbook says, once read and validated.

Plain frozen dataclasses, no openpyxl objects. Money is ``Decimal`` (rounded to cents on
read); ratios (close rate, meetings per lead, thresholds, weights) are exact ``Fraction``
so that "1 lead in 3" stays exactly 1/3 and 20 deals need exactly 60 leads.
Activity is aggregated per rep and day while reading: the engine needs sums and counts,
never single rows, and a million rows shrink to a few hundred thousand small records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from itertools import groupby, pairwise
from operator import attrgetter
from typing import Literal

from goalreport.core.commission import CommissionPlan
from goalreport.core.creditdata import Credit, CreditOn, DealCount, TeamPeriod
from goalreport.core.keys import rep_key
from goalreport.core.locales import FALLBACK
from goalreport.core.org import NO_TREE, OrgTree
from goalreport.errors import Problem

#: A revenue type: new or repeat clients, or "total" for a goal without a new/repeat
#: split (Goals gives one amount: every won deal counts against it).
RevenueType = Literal["new", "repeat", "total"]
#: How a rep's time off changes the target (Time Off's Relief, Settings' Default Relief):
#: "none" spreads the same target over fewer days; "prorate" takes off what the days away
#: would have carried.
Relief = Literal["none", "prorate"]
#: A forecast category as Salesforce names them (HubSpot's and Zoho's map onto these):
#: how sure the rep is that an open deal closes by its close date. "omitted" deals are
#: left out of every pipeline figure.
ForecastCategory = Literal["pipeline", "best case", "most likely", "commit", "omitted"]
#: What Landing adds to the money won: the commit forecast, or the weighted pipeline.
Landing = Literal["commit", "weighted"]


#: The revenue types of a goal split into new and repeat clients.
REVENUE_TYPES: tuple[RevenueType, ...] = ("new", "repeat")
#: The one revenue type of a goal without a split.
TOTAL: RevenueType = "total"
#: ``Goal.year`` of goals whose periods name no year (month numbers or names alone): they
#: are the plan of whichever goal year is planned.
ANY_YEAR = 0

#: A roll-up dimension: a Reps column (Team, Territory, Region, Segment) or the manager
#: tree ("manager").
Dimension = Literal["team", "territory", "region", "segment", "manager"]

#: Status names in order from best to worst (SPEC §3).
STATUSES = ("Achieved", "On track", "Slightly behind", "At risk", "Behind")


@dataclass(frozen=True)
class Settings:
    """The Settings sheet, with SPEC §1 defaults for whatever is not given."""

    company: str = ""
    currency: str = "USD"
    locale: str = FALLBACK
    fiscal_year_start: int = 1
    #: Weekdays that are working days, Monday = 0 … Sunday = 6.
    working_days: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    #: ISO 3166 country code for public holidays, e.g. "US"; None for none.
    holiday_country: str | None = None
    #: Subdivision code, e.g. "CA" from "US-CA".
    holiday_subdivision: str | None = None
    #: The date progress is measured at; None means "today" (the CLI decides).
    as_of: date | None = None
    default_close_rate: Fraction = Fraction(1, 3)
    default_meetings_per_lead: Fraction = Fraction(1)
    default_avg_deal_size: Decimal | None = None
    realism_threshold: Fraction = Fraction(3, 2)
    #: Pace at or above which a rep is "On track".
    on_track_pace: Fraction = Fraction(1)
    #: Pace at or above which a rep is "Slightly behind".
    slightly_behind_pace: Fraction = Fraction(9, 10)
    #: Pace at or above which a rep is "At risk"; below it, "Behind".
    at_risk_pace: Fraction = Fraction(3, 4)
    #: CRM export stages that mean won / lost, besides the usual names (Closed Won, …).
    won_stages: tuple[str, ...] = ()
    lost_stages: tuple[str, ...] = ()
    #: Where ``goalreport send`` mails the team summary and the delivery status; "" for none.
    manager_email: str = ""
    #: Relief of a Time Off row that does not say (Settings' Default Relief).
    default_relief: Relief = "none"
    #: CRM export columns named for roles: (role, header as written in Settings).
    crm_columns: tuple[tuple[str, str], ...] = ()
    #: Values of an export's type column that mean a new / a repeat client.
    new_types: tuple[str, ...] = ()
    repeat_types: tuple[str, ...] = ()
    #: Deals of owners who are not reps: "leave out" (a warning each) or "error".
    other_owners: str = "leave out"
    #: Landing = won + commit (the default), or won + weighted pipeline.
    landing: Landing = "commit"
    #: Open pipeline wanted per unit of target still to win (3 for "3×"); None: 1 ÷ the
    #: rep's close rate.
    coverage_target: Fraction | None = None
    #: Settings' Default Plan: the commission plan of every rep whose Reps or Goals row
    #: names none ("" for none).
    default_plan: str = ""
    #: When a won deal counts: "booked" (its close date), "invoiced" or "paid".
    credit_on: CreditOn = "booked"
    #: Split type names (or CRM IDs) that mean a revenue / an overlay split, besides
    #: Revenue and Overlay.
    revenue_split_types: tuple[str, ...] = ()
    overlay_split_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rep:
    rep_id: str
    name: str
    email: str = ""
    team: str = ""
    manager: str = ""
    start_date: date | None = None
    ramp_months: int = 0
    active: bool = True
    #: Where the rep was read, e.g. "Reps row 4", for messages.
    source: str = ""
    #: The rep's user ID in the CRM (Reps' CRM ID column), for exports that name owners
    #: by ID (Salesforce OwnerId, Zoho Deal Owner.id).
    crm_id: str = ""
    #: Reps' Ramp Schedule: the ramp factor of the first, second, … month of tenure
    #: (``25%, 50%, 75%``), instead of the linear Ramp Months; empty for none.
    ramp_schedule: tuple[Fraction, ...] = ()
    #: The commission plan Reps names for the rep (its Plan column), and that cell.
    commission_plan: str = ""
    commission_plan_cell: str = ""
    #: Reps' Territory, Region and Segment: what the roll-ups group by, besides Team.
    territory: str = ""
    region: str = ""
    segment: str = ""


@dataclass(frozen=True)
class PeriodTarget:
    """A month's or a quarter's target as the Goals sheet gives it, placed in its goal
    year: months ``first`` … ``first + months - 1`` counted from the goal year's first
    month (0 is the month Fiscal Year Start names)."""

    first: int
    #: 1 for a month, 3 for a quarter.
    months: int
    #: Amount per revenue type: new and repeat, or total alone for a goal without a split.
    amounts: tuple[tuple[RevenueType, Decimal], ...]
    #: Where it was read ("Goals!D7"), and how the sheet named it ("Q3 2026", "March").
    source: str = ""
    label: str = ""


@dataclass(frozen=True)
class GoalVersion:
    """One version of a rep's goal for a year: the targets in force from ``effective``
    (None: from the start). An annual amount per type, or the periods given."""

    effective: date | None
    #: The year's amount per revenue type (for periods: their sums).
    amounts: tuple[tuple[RevenueType, Decimal], ...]
    #: The months or quarters given, in order; empty for an annual target.
    periods: tuple[PeriodTarget, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class Goal:
    rep_id: str
    #: Calendar year in which the fiscal year starts.
    year: int
    new_target: Decimal
    repeat_target: Decimal
    avg_new_deal_size: Decimal | None = None
    avg_repeat_deal_size: Decimal | None = None
    close_rate: Fraction | None = None
    meetings_per_lead: Fraction | None = None
    focus_hours_per_week: Decimal | None = None
    #: Where the goal was read, e.g. "Goals row 7".
    source: str = ""
    #: The cell a manager should fill to give an average deal size, e.g. "Goals!F7",
    #: or a description such as "an 'Avg Deal Size' column in Goals row 7".
    avg_deal_size_cell: str = ""
    #: False when Goals gives one total (Quota, Target …) without New Share: won deals are
    #: measured against the total; new and repeat business are not judged apart.
    split: bool = True
    #: The Goals sheet's Avg Deal Size (over all deals), for a goal without a split.
    avg_deal_size: Decimal | None = None
    #: Every version of the goal, first in force first (Effective From); empty for the
    #: annual New and Repeat Client Targets above, which are then the one version.
    versions: tuple[GoalVersion, ...] = ()
    #: What is wrong with this rep's goal for this year as a whole (a period given twice),
    #: an input problem only when this year is planned.
    problems: tuple[Problem, ...] = ()
    #: The commission plan Goals names for this rep and year (Commission Plan column),
    #: and that cell; it beats the Reps sheet's.
    commission_plan: str = ""
    commission_plan_cell: str = ""

    @property
    def total_target(self) -> Decimal:
        """The first version's annual target (the plan's, after revisions and relief, is
        ``RepPlan.annual_target``)."""
        return sum((amount for _, amount in self.amounts), Decimal(0))

    @property
    def types(self) -> tuple[RevenueType, ...]:
        """The revenue types the goal sets targets for: new and repeat, or total."""
        return REVENUE_TYPES if self.split else (TOTAL,)

    @property
    def amounts(self) -> tuple[tuple[RevenueType, Decimal], ...]:
        """The first version's annual amount per revenue type."""
        if self.versions:
            return self.versions[0].amounts
        return (("new", self.new_target), ("repeat", self.repeat_target))

    @property
    def all_versions(self) -> tuple[GoalVersion, ...]:
        """``versions``, or the one annual version of today's New and Repeat targets."""
        return self.versions or (GoalVersion(None, self.amounts, (), self.source),)


@dataclass(frozen=True)
class NodeGoal:
    """A Goals row that is not a rep's but a territory's, region's, segment's or
    manager's own quota (SPEC §3 Targets above the rep), in any shape Goals accepts."""

    dimension: Dimension
    #: The node: ``keys.rep_key`` of its name, or the manager's key.
    key: str
    #: As the Reps sheet (or the tree) writes it.
    name: str
    goal: Goal


@dataclass(frozen=True)
class PlacedDeal:
    """A won deal whose CRM export names a territory or region other than its rep's: it
    counts in that node of that dimension's roll-up (and in its rep's numbers, as every
    deal of theirs does). Once credited (``core.credit.placements``), one rep's credit of
    it: that rep, its credit date and its money."""

    rep_id: str
    day: date
    dimension: Dimension
    #: The territory or region as the export writes it.
    value: str
    amount: Decimal
    #: Where the deal was read ("SF export!A7"): its credits say the same.
    where: str = ""
    #: The territory the share leaves when Team History had its rep elsewhere than the
    #: Reps row on its day; "" for the Reps row's node.
    origin: str = ""


class WonTotals:
    """``won`` and ``won_amount`` of a record holding new and repeat wins apart: one day's
    activity here, a window's tally in ``history``. Counts are whole numbers unless a deal
    was split, or paid in parts: then a share of a deal counts as that share."""

    __slots__ = ()
    won_new: DealCount
    won_new_amount: Decimal
    won_repeat: DealCount
    won_repeat_amount: Decimal

    @property
    def won(self) -> DealCount:
        return self.won_new + self.won_repeat

    @property
    def won_amount(self) -> Decimal:
        return self.won_new_amount + self.won_repeat_amount


@dataclass(frozen=True, slots=True)
class DayActivity(WonTotals):
    """Everything one rep logged on one day, summed; won deals on the day they are
    credited (Settings' Credit On), in the rep's share (``Credit``)."""

    rep_id: str
    day: date
    leads: int = 0
    meetings: int = 0
    lost: DealCount = 0
    won_new: DealCount = 0
    won_new_amount: Decimal = Decimal(0)
    won_repeat: DealCount = 0
    won_repeat_amount: Decimal = Decimal(0)
    focus_hours: Decimal = Decimal(0)


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str = ""


@dataclass(frozen=True)
class TimeOff:
    rep_id: str
    start: date
    #: Inclusive.
    end: date
    reason: str = ""
    #: Time Off's Relief; None: Settings' Default Relief.
    relief: Relief | None = None


@dataclass(frozen=True)
class GoalsShape:
    """Which of the shapes a Goals sheet may take was read (SPEC §1), for ``check``."""

    sheet: str
    #: What one amount covers: the year, a month or a quarter.
    period: Literal["year", "month", "quarter"]
    #: "long": a row per rep (and period); "wide": a column per period.
    layout: Literal["long", "wide"] = "long"
    #: How new and repeat are given: "columns" (New and Repeat amounts), "share" (New
    #: Share of one total), "rows" (a Client Type per row) or "none" (one total).
    split: Literal["columns", "share", "rows", "none"] = "columns"
    #: Quarters are calendar quarters (the column says Calendar), not fiscal ones.
    calendar_quarters: bool = False
    #: The money column read, as the sheet names it (empty for several).
    money_column: str = ""


@dataclass(frozen=True)
class OpenDeal:
    """A deal not yet won or lost, from the Pipeline sheet or a CRM export: what the rest
    of the year may bring (SPEC §3 Pipeline)."""

    rep_id: str
    #: In the workbook's Currency, rounded to cents.
    amount: Decimal
    #: When the rep expects it to close.
    close_date: date
    name: str = ""
    stage: str = ""
    #: The deal's own probability of closing (0–1); None: its stage's, else the rep's
    #: close rate.
    probability: Fraction | None = None
    #: The deal's own forecast category; None: its stage's, else "pipeline".
    category: ForecastCategory | None = None
    #: Where it was read ("Pipeline row 5"), and the source ``check`` counts it under
    #: ("Pipeline sheet", "Sheet 'SF export Nov'").
    where: str = ""
    source: str = ""


@dataclass(frozen=True)
class StageDefaults:
    """The Stages sheet's row for a stage: what its deals get when they say nothing."""

    probability: Fraction | None = None
    category: ForecastCategory | None = None


def _no_seasonality() -> Mapping[int, Fraction]:
    # A plain dict, not a MappingProxyType: WorkbookData crosses a process boundary
    # (the bounded reader) and must pickle.
    return {}


@dataclass(frozen=True)
class WorkbookData:
    """A whole validated workbook: the only thing the pure calculations take."""

    settings: Settings
    reps: tuple[Rep, ...]
    goals: tuple[Goal, ...]
    #: Per rep and day, sorted by (rep_id, day). Inactive reps' activity is included.
    activity: tuple[DayActivity, ...] = ()
    #: Month number (1–12) → weight; missing months weigh 1.
    seasonality: Mapping[int, Fraction] = field(default_factory=_no_seasonality)
    holidays: tuple[Holiday, ...] = ()
    time_off: tuple[TimeOff, ...] = ()
    #: Things worth saying that do not stop a run.
    warnings: tuple[Problem, ...] = ()
    #: What was read besides the input sheets, one line each for ``check``: the CRM
    #: exports recognised ("Sheet 'SF export Nov': Salesforce opportunities report, …").
    notes: tuple[Problem, ...] = ()
    #: Rep IDs some of whose won deals came from a CRM export without a deal type, so
    #: new vs repeat was inferred (their reports say so).
    inferred_client_types: tuple[str, ...] = ()
    #: How the Goals sheet gives its targets, for ``check``'s line about it.
    goals_shape: GoalsShape | None = None
    #: Open deals (Pipeline sheet, CRM exports), each once; empty: no pipeline figures.
    open_deals: tuple[OpenDeal, ...] = ()
    #: The Stages sheet: ``keys.stage_key`` of a stage → its probability and category.
    stages: Mapping[str, StageDefaults] = field(default_factory=dict)
    #: The Commission sheet's plans by ``keys.plan_key`` of their names (the key "" for
    #: a sheet without a Plan column: one plan); empty: no commission figures anywhere.
    commission_plans: Mapping[str, CommissionPlan] = field(default_factory=dict)
    #: The overlay part of ``activity`` (overlay splits), per rep and day, sorted like
    #: it: in the rep's own numbers, never in a team's (SPEC §3 Credit).
    overlay: tuple[DayActivity, ...] = ()
    #: Every share of the deals that are split or that count when invoiced or paid, in
    #: the order read; empty when every deal counts whole on its close date.
    credits: tuple[Credit, ...] = ()
    #: The Team History sheet: where reps were when (empty: always their Reps row).
    team_history: tuple[TeamPeriod, ...] = ()
    #: Who reports to whom (Reps' Manager, the Managers sheet), as the reader resolved it.
    org: OrgTree = NO_TREE
    #: Goals rows naming a territory, region, segment or manager instead of a rep.
    node_goals: tuple[NodeGoal, ...] = ()
    #: Won deals a CRM export places in another territory or region than their rep's.
    placed_deals: tuple[PlacedDeal, ...] = ()

    @cached_property
    def activity_by_rep(self) -> Mapping[str, tuple[DayActivity, ...]]:
        """Each rep's days in date order, keyed by ``rep_key``: the activity as the
        calculations take it. Worked out once, from runs of the sorted tuple."""
        return group_by_rep(self.activity)

    @cached_property
    def overlay_by_rep(self) -> Mapping[str, tuple[DayActivity, ...]]:
        """``overlay`` grouped as ``activity_by_rep``."""
        return group_by_rep(self.overlay)

    @cached_property
    def credits_by_rep(self) -> Mapping[str, tuple[Credit, ...]]:
        """``credits`` per rep (``rep_key``), in the order read."""
        found: dict[str, list[Credit]] = {}
        for credit in self.credits:
            found.setdefault(rep_key(credit.rep_id), []).append(credit)
        return {key: tuple(items) for key, items in found.items()}


def group_by_rep(activity: Sequence[DayActivity]) -> dict[str, tuple[DayActivity, ...]]:
    """``activity`` grouped by ``rep_key``, each group in date order. The reader hands the
    records over sorted by (Rep ID, day), so this only cuts the tuple into runs; records
    out of that order (built by hand) are merged and sorted."""
    found: dict[str, tuple[DayActivity, ...]] = {}
    for rep_id, run in groupby(activity, attrgetter("rep_id")):
        key = rep_key(rep_id)
        records = found.get(key, ()) + tuple(run)
        if any(a.day > b.day for a, b in pairwise(records)):
            records = tuple(sorted(records, key=attrgetter("day")))
        found[key] = records
    return found
