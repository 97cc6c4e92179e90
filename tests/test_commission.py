"""Commission worked by hand (goalreport/core/commission.py): marginal and retroactive
plans, a bonus crossed exactly on a band's edge, a cap, a decelerator, the next tier,
a zero target, rounding to the cent. Amounts are money; ``payout`` takes whole cents.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from goalreport.core.commission import (
    Band,
    CommissionPlan,
    payout,
    plan_of,
    rep_commission,
    rep_figures,
)
from goalreport.core.keys import plan_key


def plan(basis: str, *bands: tuple[str, str, str], cap: str | None = None,
         name: str = "AE") -> CommissionPlan:
    """Bands as (From %, Rate %, Bonus) texts, in order."""
    starts = [Fraction(b[0]) / 100 for b in bands]
    return CommissionPlan(name, basis, tuple(  # type: ignore[arg-type]
        Band(start, starts[i + 1] if i + 1 < len(starts) else None, Fraction(b[1]) / 100,
             Decimal(b[2]))
        for i, (start, b) in enumerate(zip(starts, bands, strict=True))),
        Decimal(cap) if cap is not None else None)


#: The table commission was asked for: 0–70 % 2 %, 70–100 % 4 % + 5,000, 100–120 % 5 %
#: + 10,000, above 120 % 8 % + 20,000.
ASKED = (("0", "2", "0"), ("70", "4", "5000"), ("100", "5", "10000"), ("120", "8", "20000"))
TARGET = 10_000_000  # 100,000.00 in cents


def paid(p: CommissionPlan, revenue: str, target: int = TARGET) -> Decimal:
    return payout(p, target, int(Decimal(revenue) * 100)).amount


def test_marginal_pays_each_band_on_the_revenue_inside_it() -> None:
    # 110,000 (110 %): 70,000 × 2 % = 1,400; 30,000 × 4 % = 1,200; 10,000 × 5 % = 500;
    # bonuses 5,000 + 10,000. 1,400 + 1,200 + 500 + 15,000 = 18,100.
    assert paid(plan("marginal", *ASKED), "110000") == Decimal("18100.00")
    # 50,000 (50 %): 2 % of it, 1,000; no bonus.
    assert paid(plan("marginal", *ASKED), "50000") == Decimal("1000.00")
    # 150,000 (150 %): 1,400 + 1,200 + 20,000 × 5 % = 1,000 + 30,000 × 8 % = 2,400,
    # + 35,000 of bonuses = 41,000.
    assert paid(plan("marginal", *ASKED), "150000") == Decimal("41000.00")


def test_retroactive_pays_the_band_reached_on_all_revenue() -> None:
    # 110,000: 5 % × 110,000 = 5,500 + 15,000 = 20,500. 50,000: 2 % = 1,000.
    # 150,000: 8 % × 150,000 = 12,000 + 35,000 = 47,000.
    retro = plan("retroactive", *ASKED)
    assert paid(retro, "110000") == Decimal("20500.00")
    assert paid(retro, "50000") == Decimal("1000.00")
    assert paid(retro, "150000") == Decimal("47000.00")


def test_a_bonus_crossed_exactly_on_the_edge() -> None:
    """70,000.00 is 70 % exactly: the 4 % band and its 5,000 bonus are reached; a cent
    less is not. Marginal at 70,000: 1,400 + 5,000 = 6,400; at 69,999.99: 2 % =
    1,399.9998 → 1,400.00. Retroactive at 70,000: 4 % × 70,000 = 2,800 + 5,000 = 7,800."""
    marginal, retro = plan("marginal", *ASKED), plan("retroactive", *ASKED)
    assert paid(marginal, "70000") == Decimal("6400.00")
    assert paid(marginal, "69999.99") == Decimal("1400.00")
    assert paid(retro, "70000") == Decimal("7800.00")
    assert paid(retro, "69999.99") == Decimal("1400.00")
    on_edge = rep_commission(marginal, "", Decimal(100000), Decimal(70000), Decimal(0), None)
    assert on_edge.rate == Fraction(4, 100)
    below = rep_commission(marginal, "", Decimal(100000), Decimal("69999.99"), Decimal(0),
                           None)
    assert below.rate == Fraction(2, 100)
    assert below.next_tier is not None
    assert below.next_tier.to_win == Decimal("0.01")
    assert below.next_tier.band.bonus == Decimal(5000)
    assert below.next_tier.earned == Decimal("6400.00")


def test_an_edge_between_two_cents_is_reached_at_the_cent_above() -> None:
    """Target 33,333.33: 70 % of it is 23,333.331 — 23,333.33 is 69.99999 % (not
    reached), 23,333.34 is reached. Marginal at 23,333.34: 2 % × 23,333.34 = 466.6668
    (the 70 % threshold falls at the cent 23,333.34, so all of it is below the band)
    + 5,000 = 5,466.67."""
    target = 3_333_333
    marginal = plan("marginal", *ASKED)
    assert paid(marginal, "23333.33", target) == Decimal("466.67")
    assert paid(marginal, "23333.34", target) == Decimal("5466.67")


def test_a_cap_bounds_rate_pay_and_bonuses() -> None:
    # 150,000 marginal pays 41,000 uncapped; a cap of 30,000 pays 30,000 and there is
    # no next tier to win. 110,000 pays 18,100, under the cap.
    capped = plan("marginal", *ASKED, cap="30000")
    assert paid(capped, "150000") == Decimal("30000.00")
    assert paid(capped, "110000") == Decimal("18100.00")
    at_cap = rep_commission(capped, "", Decimal(100000), Decimal(150000), Decimal(0), None)
    assert at_cap.to_date.capped and at_cap.next_tier is None
    # Below the cap the next tier's pay is capped too: at 120,000, 1,400 + 1,200 + 1,000
    # + 35,000 = 38,600 → 30,000.
    under = rep_commission(capped, "", Decimal(100000), Decimal(110000), Decimal(0), None)
    assert under.next_tier is not None and under.next_tier.earned == Decimal("30000.00")
    assert under.next_tier.to_win == Decimal("10000.00")


def test_a_decelerator_is_a_low_band_below_a_floor() -> None:
    """1 % below 50 % of a 200,000 target, 6 % from it. Marginal: 80,000 (40 %) pays
    800; 150,000 (75 %) pays 100,000 × 1 % + 50,000 × 6 % = 4,000. Retroactive: 800, and
    6 % × 150,000 = 9,000."""
    bands = (("0", "1", "0"), ("50", "6", "0"))
    target = 20_000_000
    assert paid(plan("marginal", *bands), "80000", target) == Decimal("800.00")
    assert paid(plan("marginal", *bands), "150000", target) == Decimal("4000.00")
    assert paid(plan("retroactive", *bands), "80000", target) == Decimal("800.00")
    assert paid(plan("retroactive", *bands), "150000", target) == Decimal("9000.00")


def test_a_floor_that_pays_nothing() -> None:
    # 0 % below 80 %: 70,000 of 100,000 pays nothing; 90,000 pays 10,000 × 5 % = 500.
    floor = plan("marginal", ("0", "0", "0"), ("80", "5", "0"))
    assert paid(floor, "70000") == Decimal("0.00")
    assert paid(floor, "90000") == Decimal("500.00")


def test_rounding_is_half_up_to_the_cent_once() -> None:
    """2.5 % of 0.20 is 0.5 cents → 1 cent; of 12.30, 30.75 cents → 31; of 12.34, 30.85
    → 31. Marginal across bands, rounded once: 1.2 % of 0.50 (0.6 cents) in each of two
    bands = 1.2 cents → 1 cent, where rounding each band first would give 1 + 1 = 2."""
    flat = plan("marginal", ("0", "2.5", "0"))
    assert paid(flat, "0.20") == Decimal("0.01")
    assert paid(flat, "12.30") == Decimal("0.31")
    assert paid(flat, "12.34") == Decimal("0.31")
    two = plan("marginal", ("0", "1.2", "0"), ("50", "1.2", "0"))
    assert paid(two, "1.00", target=100) == Decimal("0.01")


def test_the_next_tier_and_what_it_pays() -> None:
    # At 81,600 of 100,000 (marginal): 18,400 more to reach 100 % and the 5 % tier with
    # its 10,000 bonus; there: 1,400 + 1,200 + 15,000 = 17,600.
    figures = rep_commission(plan("marginal", *ASKED), "Reps!E2", Decimal(100000),
                             Decimal(81600), Decimal(120000), Decimal(95000))
    assert figures.rate == Fraction(4, 100)
    tier = figures.next_tier
    assert tier is not None
    assert (tier.to_win, tier.band.rate, tier.band.bonus, tier.earned) == (
        Decimal("18400.00"), Fraction(5, 100), Decimal(10000), Decimal("17600.00"))
    # Forecast 120,000 (120 % reached): 1,400 + 1,200 + 1,000 + 0 at 8 % + the bonuses
    # 5,000 + 10,000 + 20,000 = 38,600. Landing 95,000: 1,400 + 25,000 × 4 % + 5,000.
    assert figures.at_forecast.amount == Decimal("38600.00")
    assert figures.at_landing is not None
    assert figures.at_landing.amount == Decimal("7400.00")
    # In the top band there is no next tier.
    top = rep_commission(plan("marginal", *ASKED), "", Decimal(100000), Decimal(130000),
                         Decimal(0), None)
    assert top.next_tier is None and top.rate == Fraction(8, 100)


def test_negative_revenue_earns_nothing() -> None:
    # Credit notes beyond the wins: no commission, never a negative one.
    assert paid(plan("retroactive", *ASKED), "-500") == Decimal("0.00")
    assert paid(plan("marginal", *ASKED), "-500") == Decimal("0.00")


def test_a_rep_without_a_plan_or_without_a_target() -> None:
    plans = {plan_key("AE"): plan("marginal", *ASKED)}
    none, said = rep_figures(plans, (("", ""), ("", ""), ("", "")), "R1", Decimal(100000),
                             Decimal(1), Decimal(1), None)
    assert none is None and said is None
    # Goals beats Reps beats Settings' Default Plan; names match as Rep IDs do.
    assert plan_of(plans, (("", ""), ("ae ", "Reps!E2"), ("x", "Settings"))) == (
        plans["ae"], "Reps!E2")
    zero, warning = rep_figures(plans, (("AE", "Goals!F2"),), "R1", Decimal(0),
                                Decimal(500), Decimal(500), None)
    assert zero is None and warning is not None
    assert (warning.where, warning.severity, warning.message) == ("Goals!F2", "warning", (
        "rep 'R1' is on the commission plan 'AE' but has no target this goal year: the "
        "plan's bands are shares of the target, so no commission is shown. Give the rep "
        "a target, or leave the plan out."))
