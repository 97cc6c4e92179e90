"""What the reports say about commission, formatted ahead of time (pure, no I/O).

A rep's report gets ``commission`` (None for a rep without a plan, and in a workbook
without a Commission sheet: then the report says nothing about commission): earned to
date and the current rate, the money still to win to reach the next tier and what that
tier pays ("$18,400.00 more to reach the 5% tier and a $10,000.00 bonus"), the payout at
the run-rate forecast and, with open deals, at the landing. The team summary gets the
total of its reps on a plan. Both say the figures are an estimate from the workbook, not
payroll. Amounts are shown to the cent, as the core rounded them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from goalreport.core.commission import Band, RepCommission
from goalreport.core.formatting import Formatter
from goalreport.core.results import Computation, RepResult
from goalreport.reports.pipeline_context import _shorten

ESTIMATE = ("An estimate from the workbook, not payroll: on your credited revenue, "
            "rounded to the cent once.")
TEAM_ESTIMATE = "An estimate from the workbook, not payroll."
#: Tier and plan names longer than these are shortened on the report (page fit).
TIER_NAME = 24
PLAN_NAME = 40


def _tier(band: Band, fmt: Formatter) -> str:
    """'the 5% tier', 'the 5% tier (Gold)'."""
    name = f" ({_shorten(band.name, TIER_NAME)})" if band.name else ""
    return f"the {fmt.percent_fine(band.rate)} tier{name}"


def _next_words(commission: RepCommission, fmt: Formatter) -> str:
    tier = commission.next_tier
    if commission.to_date.capped:
        return f"You have reached the plan's cap of {fmt.money(commission.plan.cap)}."
    if tier is None:
        return "You are in the plan's top tier."
    bonus = f" and a {fmt.money(tier.band.bonus)} bonus" if tier.band.bonus else ""
    on_all = " (on all your revenue)" if commission.plan.basis == "retroactive" else ""
    return (f"{fmt.money(tier.to_win)} more to reach {_tier(tier.band, fmt)}{on_all}"
            f"{bonus}: {fmt.money(tier.earned)} then.")


def rep_commission_context(result: RepResult, fmt: Formatter) -> dict[str, Any] | None:
    """The commission box of a rep's report; None for a rep without a plan."""
    commission = result.commission
    if commission is None:
        return None
    plan = commission.plan
    basis = ("each tier's rate on the revenue inside it" if plan.basis == "marginal"
             else "the tier reached pays its rate on all revenue")
    at = (f"At the run-rate forecast ({fmt.money_whole(commission.at_forecast.revenue)}): "
          f"{fmt.money(commission.at_forecast.amount)}")
    if commission.at_landing is not None:
        at += (f"; at the landing ({fmt.money_whole(commission.at_landing.revenue)}): "
               f"{fmt.money(commission.at_landing.amount)}")
    return {
        "earned": fmt.money(commission.earned),
        "rate": fmt.percent_fine(commission.rate),
        "plan": f"Plan {_shorten(plan.name, PLAN_NAME)} ({plan.basis}: {basis})" if plan.name
        else
        f"The Commission sheet's plan ({plan.basis}: {basis})",
        "tier": f" ({_shorten(commission.band.name, TIER_NAME)})" if commission.band.name
        else "",
        "next": _next_words(commission, fmt),
        "at": at + ".",
        "estimate": ESTIMATE,
    }


def team_commission_context(computation: Computation, fmt: Formatter
                            ) -> dict[str, Any] | None:
    """The team summary's commission line: what its reps on a plan earned to date and
    would at the forecast and the landing, summed; None when none of them has a plan."""
    found = [r.commission for r in computation.results if r.commission is not None]
    if not found:
        return None
    landings = [c.at_landing.amount for c in found if c.at_landing is not None]
    return {
        "reps": f"{fmt.count(len(found))} rep{'' if len(found) == 1 else 's'} on a plan",
        "earned": fmt.money(sum((c.earned for c in found), Decimal(0))),
        "forecast": fmt.money(sum((c.at_forecast.amount for c in found), Decimal(0))),
        "landing": fmt.money(sum(landings, Decimal(0))) if landings else None,
        "estimate": TEAM_ESTIMATE,
    }
