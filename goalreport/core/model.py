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

from goalreport.core.keys import rep_key
from goalreport.core.locales import FALLBACK
from goalreport.errors import Problem

RevenueType = Literal["new", "repeat"]


REVENUE_TYPES: tuple[RevenueType, ...] = ("new", "repeat")

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

    @property
    def total_target(self) -> Decimal:
        return self.new_target + self.repeat_target


class WonTotals:
    """``won`` and ``won_amount`` of a record holding new and repeat wins apart: one day's
    activity here, a window's tally in ``history``."""

    __slots__ = ()
    won_new: int
    won_new_amount: Decimal
    won_repeat: int
    won_repeat_amount: Decimal

    @property
    def won(self) -> int:
        return self.won_new + self.won_repeat

    @property
    def won_amount(self) -> Decimal:
        return self.won_new_amount + self.won_repeat_amount


@dataclass(frozen=True, slots=True)
class DayActivity(WonTotals):
    """Everything one rep logged on one day, summed."""

    rep_id: str
    day: date
    leads: int = 0
    meetings: int = 0
    lost: int = 0
    won_new: int = 0
    won_new_amount: Decimal = Decimal(0)
    won_repeat: int = 0
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

    @cached_property
    def activity_by_rep(self) -> Mapping[str, tuple[DayActivity, ...]]:
        """Each rep's days in date order, keyed by ``rep_key``: the activity as the
        calculations take it. Worked out once, from runs of the sorted tuple."""
        return group_by_rep(self.activity)


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
