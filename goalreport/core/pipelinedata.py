"""What the pipeline calculations produce (``core.pipeline``; SPEC §3 Pipeline): per
period, per month of close and per rep, then per team. Money is ``Decimal`` in cents,
each figure a sum of per-deal cents, so the reps' figures add up to the team's and the
months' to the year's; ratios are exact ``Fraction``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Literal

PeriodName = Literal["month", "quarter", "year"]


@dataclass(frozen=True)
class PipelinePeriod:
    """The pipeline figures of one period (the report month, its quarter, the goal year)
    as of As Of: what was won in it, and the open deals closing from As Of to its end.
    Money sums are summable across reps (the team's are the reps' sums)."""

    name: PeriodName
    start: date
    #: Inclusive.
    end: date
    #: The plan's target of the period (its months' targets).
    target: Decimal
    #: Won in the period up to As Of (Salesforce's Closed).
    won: Decimal
    #: Open deals closing from As Of to ``end`` (not omitted), and their amounts.
    deals: int
    open: Decimal
    #: Σ amount × probability, each deal rounded half up to the cent.
    weighted: Decimal
    #: Cumulative, as Salesforce shows them: won + open Commit; Commit + open Most Likely
    #: and Best Case.
    commit: Decimal
    best_case: Decimal
    #: Won + commit, or won + weighted (Settings' Landing).
    landing: Decimal

    @property
    def landing_gap(self) -> Decimal:
        """Target − landing: how far the landing falls short (negative: beyond target)."""
        return self.target - self.landing


@dataclass(frozen=True)
class MonthPipeline:
    """One month of close of a rep's open deals, beside what the month still needs."""

    month: date
    deals: int
    open: Decimal
    weighted: Decimal
    commit: Decimal
    #: The month's target less what it won so far (never below 0); None for a month
    #: outside the goal year.
    remaining_target: Decimal | None


@dataclass(frozen=True)
class SlippedDeal:
    """An open deal whose close date has already passed: in its own bucket."""

    name: str
    stage: str
    amount: Decimal
    close_date: date
    where: str


@dataclass(frozen=True)
class RepPipeline:
    """What a rep's open deals say about the rest of the year (SPEC §3 Pipeline)."""

    #: The report month, its fiscal quarter and the goal year, in that order.
    periods: tuple[PipelinePeriod, ...]
    #: The target still to win (Progress' Gap).
    to_win: Decimal
    #: Open pipeline closing by the year end ÷ ``to_win``; None when nothing is left to win.
    coverage: Fraction | None
    #: 1 ÷ close rate, or Settings' Coverage Target ("settings").
    coverage_target: Fraction
    coverage_target_source: Literal["close rate", "settings"]
    #: Coverage target × to_win (rounded half up to cents): the pipeline wanted.
    required: Decimal
    #: max(0, required − open pipeline closing by the year end).
    needed: Decimal
    #: ``needed`` in leads (÷ the plan's average deal size) and the deals they win
    #: (× close rate), exact; None without a deal size.
    needed_leads: Fraction | None
    needed_deals: Fraction | None
    #: Open deals whose close date is before As Of, largest first.
    slipped: tuple[SlippedDeal, ...]
    slipped_amount: Decimal
    #: Open deals closing outside the goal year (after its end, or before it starts).
    outside: int
    outside_amount: Decimal
    #: Deals whose forecast category is Omitted, left out of every figure.
    omitted: int
    omitted_amount: Decimal
    #: By month of close: the months from As Of's to the year end, then later months
    #: holding deals.
    months: tuple[MonthPipeline, ...]
    #: Where the deals' probabilities came from: "own", "stage", "close rate" → deals.
    sources: dict[str, int]
    #: The overlay credit (overlay splits) in each period's ``won``: the rep's own, which
    #: a team's sums leave out so each deal counts once; empty without any.
    overlay_won: tuple[Decimal, ...] = ()

    @property
    def year(self) -> PipelinePeriod:
        return self.periods[-1]


@dataclass(frozen=True)
class TeamPipeline:
    """A team's pipeline: the sums of its reps' money; coverage from those sums."""

    periods: tuple[PipelinePeriod, ...]
    to_win: Decimal
    required: Decimal
    #: Σ of each rep's needed (one rep's surplus does not fill another's shortfall).
    needed: Decimal
    slipped: int
    slipped_amount: Decimal

    @property
    def year(self) -> PipelinePeriod:
        return self.periods[-1]

    @property
    def coverage(self) -> Fraction | None:
        return Fraction(self.year.open) / Fraction(self.to_win) if self.to_win else None

    @property
    def coverage_target(self) -> Fraction | None:
        return Fraction(self.required) / Fraction(self.to_win) if self.to_win else None
