"""Who is credited with a deal, how much and when (core.credit), by hand-worked examples.

Each test writes its working in a comment; the numbers are the rules of contract §3
Credit: revenue splits divide a deal to the cent by largest remainder, an overlay share
is rounded half up on its own, a deal counts in the funnel in the same shares, and under
Credit On invoiced or paid a won deal counts on its Invoiced Date or as it is paid.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from enginedata import data, goal, rep

from goalreport.core.credit import (
    BookedDeal,
    Split,
    count_text,
    credit_deals,
    not_yet_credited,
)
from goalreport.core.engine import compute
from goalreport.core.model import Credit, DayActivity, Settings
from goalreport.workbook.deals import DayTally

MAR, APR, MAY = dt.date(2026, 3, 10), dt.date(2026, 4, 2), dt.date(2026, 5, 5)


def won(cents: int, deal_id: str = "D1", rep_id: str = "R1", day: dt.date = MAR,
        **fields: object) -> BookedDeal:
    return BookedDeal(rep_id, day, "won", "new", cents, deal_id, "Activity row 2",
                      **fields)  # type: ignore[arg-type]


def shares(credits: list[Credit]) -> list[tuple[str, int, Fraction, bool, dt.date | None]]:
    return [(c.rep_id, c.cents, c.share, c.overlay, c.day) for c in credits]


def test_a_50_50_revenue_split() -> None:
    # $10,000.01 split 50/50: 500,000.5 cents each. Floors 500,000 + 500,000 leave 1 cent;
    # the remainders tie (.5 and .5), so it goes to the split read first. Each is half a
    # deal.
    credits = credit_deals([won(1_000_001)], {"d1": [Split("R1", Fraction(1, 2), False),
                                                     Split("R2", Fraction(1, 2), False)]},
                           "booked")
    assert shares(credits) == [("R1", 500_001, Fraction(1, 2), False, MAR),
                               ("R2", 500_000, Fraction(1, 2), False, MAR)]
    assert sum(c.cents for c in credits) == 1_000_001


def test_a_60_40_split_with_a_20_percent_overlay() -> None:
    # $12,345.67 = 1,234,567 cents. 60 %: 740,740.2; 40 %: 493,826.8. Floors 740,740 +
    # 493,826 = 1,234,566 leave 1 cent, which goes to the larger remainder (.8): R2 gets
    # 493,827. The revenue shares add up to the deal. The 20 % overlay is 246,913.4 cents,
    # rounded half up to 246,913 on its own, on top.
    splits = {"d1": [Split("R1", Fraction(3, 5), False), Split("R2", Fraction(2, 5), False),
                     Split("R3", Fraction(1, 5), True)]}
    credits = credit_deals([won(1_234_567)], splits, "booked")
    assert shares(credits) == [("R1", 740_740, Fraction(3, 5), False, MAR),
                               ("R2", 493_827, Fraction(2, 5), False, MAR),
                               ("R3", 246_913, Fraction(1, 5), True, MAR)]
    assert sum(c.cents for c in credits if not c.overlay) == 1_234_567


def test_overlay_counts_for_its_rep_and_in_no_team_total() -> None:
    # The deal above through the engine: R1 and R2 (team East) hold $7,407.40 and
    # $4,938.27; R3 (team East too) holds the $2,469.13 overlay. Each rep's Actual is
    # their own credit; East's Actual is the deal once, $12,345.67, not $14,814.80.
    splits = {"d1": [Split("R1", Fraction(3, 5), False), Split("R2", Fraction(2, 5), False),
                     Split("R3", Fraction(1, 5), True)]}
    credits = credit_deals([won(1_234_567)], splits, "booked")
    tally, overlay = DayTally(), DayTally()
    tally.add_credits(credits)
    overlay.add_credits(credits, overlay=True)
    reps = tuple(rep(r, team="East") for r in ("R1", "R2", "R3"))
    workbook = data(reps, tuple(goal(r, new="50000", repeat="0") for r in ("R1", "R2", "R3")),
                    tally.records(), overlay=overlay.records(), credits=tuple(credits))
    found = compute(workbook, as_of=dt.date(2026, 6, 30))
    actual = {r.rep.rep_id: r.progress.actual for r in found.results}
    assert actual == {"R1": Decimal("7407.40"), "R2": Decimal("4938.27"),
                      "R3": Decimal("2469.13")}
    east, total = found.team
    assert (east.name, east.actual, east.overlay) == ("East", Decimal("12345.67"),
                                                      Decimal("2469.13"))
    assert total.actual == Decimal("12345.67")
    # The forecast likewise. 2026 has 261 working days (Mon-Fri), 129 of them by 30 June:
    # a rep's run rate is actual x 261 / 129. R1 $14,987.07, R2 $9,991.38, R3 $4,995.68
    # (their own); East's is R1's and R2's, $24,978.45, without R3's overlay.
    forecast = {r.rep.rep_id: r.progress.forecast for r in found.results}
    assert forecast == {"R1": Decimal("14987.07"), "R2": Decimal("9991.38"),
                        "R3": Decimal("4995.68")}
    assert east.forecast == Decimal("24978.45")


def test_revenue_splits_that_add_up_to_90_percent_are_refused(make_workbook) -> None:
    # Checked where the splits are read: see test_credit_workbook for the message. Here:
    # the sum rule itself, 50 % + 40 % = 90 %.
    from goalreport.workbook.splits import SplitBook, SplitRow
    from goalreport.workbook.table import Collector

    book = SplitBook()
    book.add([SplitRow("D1", "R1", Fraction(1, 2), False, "Splits!C2"),
              SplitRow("D1", "R2", Fraction(2, 5), False, "Splits!C3"),
              SplitRow("D1", "R3", Fraction(1, 5), True, "Splits!C4")], typed=True)
    out = Collector()
    assert book.checked({"d1"}, out) == {}
    assert [str(p) for p in out.problems] == [
        ("Splits!C2: the revenue splits of deal 'D1' (Splits!C2, Splits!C3) add up to 90%, "
        "not 100%. Make them add up to 100% (a share on top of the revenue is an overlay "
        "split).")]


def test_a_partial_payment_counts_as_it_is_paid() -> None:
    # $12,000 booked on 10 March; $5,000 paid on 5 May. Under Credit On paid, May holds
    # $5,000, which is 5/12 of the deal in the funnel; $7,000 (7/12) waits, dated None.
    credits = credit_deals([won(1_200_000, payments=((MAY, 500_000),))], {}, "paid")
    assert shares(credits) == [("R1", 500_000, Fraction(5, 12), False, MAY),
                               ("R1", 700_000, Fraction(7, 12), False, None)]
    assert not_yet_credited(credits, dt.date(2026, 4, 30)) == (1_200_000, 1)
    assert not_yet_credited(credits, dt.date(2026, 5, 31)) == (700_000, 1)
    # The rest paid on 1 July (a Paid Date alone pays what is left): all of it counts.
    paid = credit_deals([won(1_200_000, payments=((MAY, 500_000), (dt.date(2026, 7, 1),
                                                                    None)))], {}, "paid")
    assert [(c.cents, c.share, c.day) for c in paid] == [
        (500_000, Fraction(5, 12), MAY), (700_000, Fraction(7, 12), dt.date(2026, 7, 1))]


def test_payments_of_a_split_deal_add_up_to_each_split() -> None:
    # $100.01 split 50/50 paid $50.00 then the rest. Each payment's parts are the split of
    # what was paid so far less what was credited before: after $50.00, 2,500/2,500;
    # after $100.01, 5,001/5,000 (the tie's cent to R1). Credited: R1 2,500 + 2,501,
    # R2 2,500 + 2,500: each rep's whole split of the deal, never a cent more or less.
    splits = {"d1": [Split("R1", Fraction(1, 2), False), Split("R2", Fraction(1, 2), False)]}
    credits = credit_deals([won(10_001, payments=((MAY, 5_000), (dt.date(2026, 6, 1), None)))],
                           splits, "paid")
    assert [(c.rep_id, c.cents) for c in credits] == [("R1", 2_500), ("R2", 2_500),
                                                      ("R1", 2_501), ("R2", 2_500)]


def _actual(credit_on: str, as_of: dt.date) -> tuple[Decimal, Decimal | None]:
    """(Actual, booked not yet credited) of one $10,000 deal booked on 10 March, invoiced
    on 2 April and paid on 5 May, under ``credit_on``."""
    deal = won(1_000_000, invoiced=APR, payments=((MAY, None),))
    credits = credit_deals([deal], {}, credit_on)  # type: ignore[arg-type]
    tally = DayTally()
    tally.add_credits(credits)
    workbook = data(activity=tally.records(), credits=tuple(credits),
                    settings=Settings(credit_on=credit_on))  # type: ignore[arg-type]
    progress = compute(workbook, as_of=as_of).results[0].progress
    return progress.actual, progress.not_yet_credited


def test_a_deal_booked_in_march_and_paid_in_may_under_each_credit_on() -> None:
    # booked: counts from 10 March. invoiced: from 2 April (booked, not yet invoiced at
    # the end of March). paid: from 5 May (waiting at the end of March and of April).
    end = {3: dt.date(2026, 3, 31), 4: dt.date(2026, 4, 30), 5: dt.date(2026, 5, 31)}
    ten, zero = Decimal("10000.00"), Decimal("0.00")
    assert [_actual("booked", end[m]) for m in (3, 4, 5)] == [(ten, None)] * 3
    assert [_actual("invoiced", end[m]) for m in (3, 4, 5)] == [
        (zero, ten), (ten, zero), (ten, zero)]
    assert [_actual("paid", end[m]) for m in (3, 4, 5)] == [
        (zero, ten), (zero, ten), (ten, zero)]


def test_the_funnel_averages_with_split_deals() -> None:
    # R1 won $10,000 alone and half of a $20,000 deal ($10,000, half a deal), from 6
    # leads. Deals won 1.5; average deal size $20,000 / 1.5 = $13,333.33 (the average size
    # of the deals R1 took part in, weighted by R1's share); close rate 1.5 / 6 = 25 %.
    # Counting the split deal whole would give $10,000 (ERPNext's old mistake: $20,000 /
    # 2), or $15,000 with its full amount.
    split = credit_deals([won(2_000_000, "D2", day=dt.date(2026, 2, 3))],
                         {"d2": [Split("R1", Fraction(1, 2), False),
                                 Split("R2", Fraction(1, 2), False)]}, "booked")
    tally = DayTally()
    tally.add_credits(split)
    days = [*tally.records(),
            DayActivity("R1", dt.date(2026, 1, 15), leads=6, won_new=1,
                        won_new_amount=Decimal("10000.00"))]
    workbook = data((rep("R1"), rep("R2")), (goal("R1"), goal("R2")), tuple(days),
                    credits=tuple(split))
    results = compute(workbook, as_of=dt.date(2026, 6, 30)).results
    funnel = results[0].progress.funnel_year
    assert funnel.won == Fraction(3, 2)
    assert funnel.avg_deal_size == Decimal("13333.33")
    assert funnel.close_rate == Fraction(1, 4)
    assert results[1].progress.funnel_year.won == Fraction(1, 2)
    assert results[1].progress.funnel_year.avg_deal_size == Decimal("20000.00")


def test_overlay_only_splits_leave_the_revenue_with_the_owner() -> None:
    # A deal with a 10 % overlay and no revenue split: its owner keeps all of it.
    credits = credit_deals([won(50_000)], {"d1": [Split("R3", Fraction(1, 10), True)]},
                           "booked")
    assert shares(credits) == [("R1", 50_000, Fraction(1), False, MAR),
                               ("R3", 5_000, Fraction(1, 10), True, MAR)]


def test_a_date_before_the_close_date_counts_on_the_close_date() -> None:
    # Paid (a deposit) on 1 March, won on 10 March: it counts when it is won.
    credits = credit_deals([won(1_000, payments=((dt.date(2026, 3, 1), None),))], {}, "paid")
    assert [c.day for c in credits] == [MAR]


def test_deal_counts_in_words() -> None:
    assert [count_text(n) for n in (3, Fraction(5, 2), Fraction(1, 3), Fraction(1200))] == [
        "3", "2.5", "0.33", "1,200"]


def test_a_deal_worth_nothing_is_no_deal_size_to_divide_by() -> None:
    # A won deal of $0 (an Amount of 0 is allowed), or an overlay share of a one-cent deal
    # (20 % of 1 cent rounds to 0): the rep's average deal size is $0. The deal-size
    # suggestion compared it with the plan and divided the gap by it: a ZeroDivisionError
    # (a traceback) on the old code. A size of $0 says nothing about deal sizes.
    days = (DayActivity("R1", dt.date(2026, 2, 3), leads=10, won_new=1,
                        won_new_amount=Decimal(0)),)
    result = compute(data(goals=(goal(new="100000", repeat="0"),), activity=days),
                     as_of=dt.date(2026, 6, 30)).results[0]
    assert result.progress.status == "Behind"
    assert result.progress.funnel_year.avg_deal_size == Decimal("0.00")
    assert "deal size" not in [s.stage for s in result.progress.suggestions]
