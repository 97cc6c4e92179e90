"""Commission (SPEC §3 Commission): what a rep's credited revenue pays under a tiered plan
of the Commission sheet, to date, at the run-rate forecast and at the landing. Pure: a
plan, the annual target and amounts of money in, ``RepCommission`` out. An estimate
from the workbook, not payroll: the reports say so.

The rules, each written down in the contract (§3 Commission):

- **Attainment** is revenue ÷ the plan's annual target (after revisions and relief), as
  Progress' Attainment is: the revenue credited to date (Actual), the forecast, the
  landing. A band holds attainment from its From (included) to its To (excluded); a
  plan's bands start at 0 %, follow one another without gap or overlap, and the last is
  open-ended (the reader checks all this).
- A band's **threshold** is the least whole-cent revenue whose attainment reaches its
  From: ⌈From × target⌉ cents. "Attainment ≥ From" and "revenue ≥ threshold" are then one
  test, and each cent of revenue lies in one band: the cent taking revenue from *r* to
  *r* + 1 cent is in the band holding attainment *r* ÷ target.
- **Marginal**: each band pays its rate on the revenue inside it (from its threshold to
  the next one's). **Retroactive**: the band reached (the one holding the attainment)
  pays its rate on all the revenue.
- A band's **bonus** is paid once attainment reaches its From, under either basis, and
  stays paid: reaching 100 % of a plan with bonuses at 70 % and 100 % pays both (a bonus
  on the band from 0 % is paid from the first day).
- The **cap** bounds what the plan pays in all, rate pay plus bonuses.
- **Rounding**: rate pay is exact (a fraction of a cent); rate pay plus bonuses, capped,
  is rounded half up to the cent, once per figure.
- The **current rate** is the reached band's. The **next tier** is the band reached at
  the next threshold above the revenue (past any band empty at this target): the revenue
  still to win is that threshold − the revenue, and reaching it pays its rate (on the
  revenue inside it, or on all revenue when retroactive) and its bonus. In the top band,
  or once the cap is reached, there is no next tier.
- A negative revenue (credit notes beyond the wins) earns nothing; a rep on a plan with
  no target gets no figures (``rep_figures`` says why).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import ceil
from typing import Literal

from goalreport.core.keys import plan_key
from goalreport.core.money import cents_money, cents_to_money, to_cents
from goalreport.errors import Problem

#: How a plan's rates apply: "marginal" (each band on the revenue inside it) or
#: "retroactive" (the band reached on all revenue).
Basis = Literal["marginal", "retroactive"]


@dataclass(frozen=True)
class Band:
    """One row of a plan: from ``start`` to ``end`` attainment (1 is 100 %) it pays
    ``rate`` of revenue, and ``bonus`` once ``start`` is reached."""

    start: Fraction
    #: Where the next band starts; None for the last, open-ended band.
    end: Fraction | None
    #: A share of revenue (0.05 for 5 %).
    rate: Fraction
    bonus: Decimal = Decimal("0.00")
    #: The Tier column ("Gold", "Tier 3"), "" when the sheet names none.
    name: str = ""
    #: Where it was read ("Commission row 4").
    where: str = ""


@dataclass(frozen=True)
class CommissionPlan:
    """A plan of the Commission sheet: its bands in order, from 0 % to open-ended."""

    name: str
    basis: Basis
    bands: tuple[Band, ...]
    #: The most the plan pays (rate pay plus bonuses); None for no cap.
    cap: Decimal | None = None
    #: Where its first row was read ("Commission row 2").
    where: str = ""


@dataclass(frozen=True)
class Payout:
    """What a plan pays for one amount of revenue."""

    revenue: Decimal
    #: The index of the band reached (the band holding the attainment).
    band: int
    #: Rate pay in cents, exact, before the cap.
    rate_pay: Fraction
    #: The bonuses of the bands reached, before the cap.
    bonuses: Decimal
    #: Rate pay + bonuses, capped, rounded half up to the cent.
    amount: Decimal
    #: Rate pay + bonuses reached the cap (``amount`` is the cap).
    capped: bool


@dataclass(frozen=True)
class NextTier:
    """The next tier above the band reached, and what reaching it means."""

    band: Band
    #: Revenue still to win to reach it (its threshold − the revenue).
    to_win: Decimal
    #: What the plan pays at that revenue.
    earned: Decimal


@dataclass(frozen=True)
class RepCommission:
    """A rep's commission figures (SPEC §3 Commission)."""

    plan: CommissionPlan
    #: Where the rep's plan was named ("Reps!F4", "Goals!H7", "Settings!B21"); "" for the
    #: one plan of a Commission sheet without a Plan column.
    named_in: str
    to_date: Payout
    #: None in the top band or once the cap is reached.
    next_tier: NextTier | None
    at_forecast: Payout
    #: At the goal year's landing; None without open deals in the workbook.
    at_landing: Payout | None

    @property
    def band(self) -> Band:
        """The band reached to date."""
        return self.plan.bands[self.to_date.band]

    @property
    def rate(self) -> Fraction:
        """The current rate: the reached band's."""
        return self.band.rate

    @property
    def earned(self) -> Decimal:
        return self.to_date.amount


def thresholds(plan: CommissionPlan, target_cents: int) -> tuple[int, ...]:
    """Each band's threshold: the least whole-cent revenue whose attainment reaches its
    From (⌈From × target⌉; 0 for the first band)."""
    return tuple(ceil(band.start * target_cents) for band in plan.bands)


def payout(plan: CommissionPlan, target_cents: int, revenue_cents: int) -> Payout:
    """What ``plan`` pays for ``revenue_cents`` of revenue against an annual target of
    ``target_cents`` (both whole cents)."""
    edges = thresholds(plan, target_cents)
    revenue = revenue_cents
    revenue_cents = max(revenue_cents, 0)  # credit notes beyond the wins earn nothing
    reached = max(i for i, edge in enumerate(edges) if edge <= revenue_cents)
    if plan.basis == "marginal":
        uppers = (*edges[1:], None)
        rate_pay = sum((band.rate * ((revenue_cents if upper is None else
                                      min(revenue_cents, upper)) - edge)
                        for band, edge, upper in zip(plan.bands, edges, uppers, strict=True)
                        if revenue_cents > edge), Fraction(0))
    else:
        rate_pay = plan.bands[reached].rate * revenue_cents
    bonus_cents = sum(to_cents(band.bonus) for band in plan.bands[:reached + 1])
    total = rate_pay + bonus_cents
    cap = to_cents(plan.cap) if plan.cap is not None else None
    capped = cap is not None and total >= cap
    return Payout(revenue=cents_to_money(revenue), band=reached, rate_pay=rate_pay,
                  bonuses=cents_to_money(bonus_cents),
                  amount=cents_money(cap if capped and cap is not None else total),
                  capped=capped)


def rep_commission(plan: CommissionPlan, named_in: str, target: Decimal, actual: Decimal,
                   forecast: Decimal, landing: Decimal | None) -> RepCommission:
    """The figures of a rep on ``plan``: to date (``actual``), the next tier, at the
    run-rate ``forecast`` and at the ``landing`` (None: no open deals)."""
    target_cents = to_cents(target)
    to_date = payout(plan, target_cents, to_cents(actual))
    next_tier = None
    if to_date.band + 1 < len(plan.bands) and not to_date.capped:
        # The band reached at the next threshold: past one that is empty at this target
        # (bands from 1 % and 2 % of a 1-cent target both start at 1 cent).
        edge = thresholds(plan, target_cents)[to_date.band + 1]
        there = payout(plan, target_cents, edge)
        next_tier = NextTier(plan.bands[there.band], cents_to_money(edge - to_cents(actual)),
                             there.amount)
    return RepCommission(
        plan=plan, named_in=named_in, to_date=to_date, next_tier=next_tier,
        at_forecast=payout(plan, target_cents, to_cents(forecast)),
        at_landing=payout(plan, target_cents, to_cents(landing)) if landing is not None
        else None)


def rep_figures(plans: Mapping[str, CommissionPlan], named: Sequence[tuple[str, str]],
                rep: str, target: Decimal, actual: Decimal, forecast: Decimal,
                landing: Decimal | None) -> tuple[RepCommission | None, Problem | None]:
    """A rep's commission figures on the plan ``named`` gives (see ``plan_of``), or None
    without a plan; a rep on a plan with no target gets none either, and a warning: its
    bands are shares of the target, so no attainment and no tier can be told."""
    found = plan_of(plans, named) if plans else None
    if found is None:
        return None, None
    plan, named_in = found
    if to_cents(target) <= 0:
        return None, Problem(named_in or plan.where, (
            f"rep {rep!r} is on the commission plan {plan.name!r} but has no target this "
            "goal year: the plan's bands are shares of the target, so no commission is "
            "shown. Give the rep a target, or leave the plan out."), "warning",
            kind="plan without target")
    return rep_commission(plan, named_in, target, actual, forecast, landing), None


def plan_of(plans: Mapping[str, CommissionPlan], named: Sequence[tuple[str, str]]
            ) -> tuple[CommissionPlan, str] | None:
    """The rep's plan and where it was named: the first of ``named`` ((name, cell):
    the Goals row's, the Reps row's, Settings' Default Plan) that names one, else the
    one plan of a sheet without a Plan column (key ""); None for no plan."""
    for name, cell in named:
        if name:
            plan = plans.get(plan_key(name))
            return (plan, cell) if plan is not None else None
    plan = plans.get("")
    return (plan, "") if plan is not None else None


def percent_text(share: Fraction) -> str:
    """A share as check writes it: 1/40 → '2.5%', 6/5 → '120%' (up to 3 decimals)."""
    text = f"{float(share * 100):.3f}".rstrip("0").rstrip(".")
    return f"{text}%"


def commission_note(plans: Mapping[str, CommissionPlan],
                    found: Sequence[RepCommission | None]) -> Problem:
    """``check``'s line about the Commission sheet: each plan with its basis, bands and
    cap and how many of the reps computed are on it, and how many have no plan."""
    counts: dict[str, int] = {}
    for commission in found:
        if commission is not None:
            key = plan_key(commission.plan.name)
            counts[key] = counts.get(key, 0) + 1
    parts = []
    for key, plan in plans.items():
        top = plan.bands[-1].start
        cap = f", a cap of {plan.cap:,.2f}" if plan.cap is not None else ""
        reps = counts.get(key, 0)
        bands = len(plan.bands)
        parts.append(f"{plan.name!r} ({plan.basis}, {bands} band{'s' if bands != 1 else ''}"
                     f"{f' from 0% to {percent_text(top)} and above' if bands > 1 else ''}{cap}) "
                     f"for {reps} rep{'s' if reps != 1 else ''}")
    without = sum(1 for commission in found if commission is None)
    text = f"{len(plans)} plan{'s' if len(plans) != 1 else ''}: " + "; ".join(parts)
    if without:
        text += (f"; {without} rep{'s' if without != 1 else ''} without a plan (no "
                 "commission shown)")
    return Problem("Commission", text + ". Commission is an estimate from the workbook, "
                   "not payroll.", "info")
