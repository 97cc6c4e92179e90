"""Who is credited with a deal, how much, and when (SPEC §3 Credit). Pure and exact.

A won deal is credited to its owner, whole, on its close date, unless:

- **it is split.** Its revenue splits (which add up to 100 %) divide it between their
  reps; its overlay splits credit their reps with a share on top (a sales engineer's
  20 %), which counts toward that rep's own attainment and in no roll-up. A deal with
  overlay splits alone keeps its revenue with its owner. The money is split to the cent
  by the largest-remainder method over the revenue shares, so they add up to the deal
  exactly (ties to the split read first); an overlay share is rounded half up on its
  own. The deal counts in the funnel in the same shares: half a deal is half a deal for
  the close rate and the average deal size.
- **Credit On is invoiced or paid.** Then it counts on its Invoiced Date, or as it is
  paid: each payment (Paid Date, Paid Amount; a Paid Date alone pays the rest) counts on
  its day, as the same share of the deal as of its money. A date before the close date
  counts on the close date: a deal is not won before it is won. What is not yet invoiced
  or paid counts nowhere yet: it is a credit dated None, "booked, not yet paid".

Several payments are allocated cumulatively: after each one, every rep holds the split of
what was paid so far, so once the deal is paid each rep holds exactly their split of the
whole deal, whatever the payments were.

A lost deal is split as a won deal is (its count, for the funnel), on its close date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from goalreport.core.keys import crm_id_key, rep_key
from goalreport.core.model import Credit, CreditOn, DealCount, PlacedDeal, WorkbookData
from goalreport.core.money import cents_to_money, largest_remainder, round_half_up

#: What a deal waits for, by Credit On, in sentences ("booked, not yet paid").
AWAITED = {"invoiced": "invoiced", "paid": "paid"}


class Split(NamedTuple):
    """One rep's split of one deal (a Splits row, or an opportunity split export row)."""

    rep_id: str
    #: 3/5 for 60 %.
    share: Fraction
    overlay: bool
    #: Its cell, for messages ("Splits!C4").
    where: str = ""


class BookedDeal(NamedTuple):
    """A won or lost deal as the credit rules need it: whose, when, how much, and when it
    was invoiced and paid."""

    #: The owner (the rep of the Activity row, the export's owner).
    rep_id: str
    #: The close date.
    day: date
    #: "won" or "lost".
    kind: str
    #: "new" or "repeat".
    client_type: str
    cents: int
    #: The Deal ID (or the export's record ID) as read; "" when none.
    deal_id: str
    #: Where it was read, for messages ("Activity row 7").
    where: str
    invoiced: date | None = None
    #: (Paid Date, cents paid that day, or None for the rest of the deal), in any order.
    payments: tuple[tuple[date, int | None], ...] = ()


def credit_deals(deals: Iterable[BookedDeal], splits: Mapping[str, Sequence[Split]],
                 credit_on: CreditOn) -> list[Credit]:
    """Every share of ``deals``, each dated when it counts (None: not yet). ``splits``:
    deal key (``deal_key`` of its ID) → its splits, checked already (revenue shares add
    up to 1)."""
    credits: list[Credit] = []
    for deal in deals:
        parts = splits.get(deal_key(deal.deal_id)) if deal.deal_id else None
        revenue = [s for s in parts or () if not s.overlay]
        overlay = [s for s in parts or () if s.overlay]
        if not revenue:
            revenue = [Split(deal.rep_id, Fraction(1), False, deal.where)]
        name = deal.deal_id or deal.where
        previous = [0] * (len(revenue) + len(overlay))
        paid_before = 0
        for day, paid in schedule(deal, credit_on):
            shares = _allocate(paid, revenue, overlay)
            if deal.cents:
                portion = Fraction(paid - paid_before, deal.cents)
            else:  # nothing to pay: the whole deal counts at once
                portion = Fraction(1)
            for index, split in enumerate([*revenue, *overlay]):
                cents = shares[index] - previous[index]
                share = split.share * portion
                if cents or share:
                    credits.append(Credit(split.rep_id, name, deal.day, day, deal.kind,
                                          deal.client_type, cents, share, split.overlay,
                                          deal.where))
            previous, paid_before = shares, paid
    return credits


def schedule(deal: BookedDeal, credit_on: CreditOn) -> list[tuple[date | None, int]]:
    """(day, cents paid so far) at each step at which ``deal`` counts, in order, the last
    one for the whole deal; day None for the part not yet invoiced or paid."""
    if deal.kind != "won" or credit_on == "booked":
        return [(deal.day, deal.cents)]
    if credit_on == "invoiced":
        return [(max(deal.invoiced, deal.day) if deal.invoiced else None, deal.cents)]
    steps: list[tuple[date | None, int]] = []
    paid = 0
    for day, cents in sorted(deal.payments, key=lambda p: (p[0], p[1] is None)):
        paid = deal.cents if cents is None else min(paid + cents, deal.cents)
        when = max(day, deal.day)
        if steps and steps[-1][0] == when:
            steps[-1] = (when, paid)
        else:
            steps.append((when, paid))
        if paid >= deal.cents:
            break
    if paid < deal.cents or not steps:
        steps.append((None, deal.cents))
    return steps


def _allocate(paid: int, revenue: Sequence[Split], overlay: Sequence[Split]) -> list[int]:
    """Each split's cents of ``paid``: the revenue shares by largest remainder (they add
    up to ``paid``), each overlay share rounded half up."""
    return [*largest_remainder(paid, [s.share for s in revenue]),
            *(round_half_up(paid * s.share) for s in overlay)]


def deal_key(deal_id: str) -> str:
    """How Deal IDs are matched between Activity, exports and splits: as CRM user IDs
    are (``keys.crm_id_key``: case and spaces ignored, Salesforce's 18-character ID is its
    15-character one)."""
    return crm_id_key(deal_id)


def not_yet_credited(credits: Iterable[Credit], as_of: date, *, overlay: bool = True
                     ) -> tuple[int, int]:
    """(cents, deals) booked by ``as_of`` that do not count by then: won and not yet
    invoiced or paid (or paid after As Of). ``overlay=False`` leaves overlay shares out
    (what a team is waiting for)."""
    cents = 0
    deals: set[str] = set()
    for credit in credits:
        if credit.kind == "won" and credit.booked <= as_of and (
                credit.day is None or credit.day > as_of) and (overlay or not credit.overlay):
            cents += credit.cents
            deals.add(credit.deal)
    return cents, len(deals)


def placements(placed: Iterable[PlacedDeal], credits: Iterable[Credit]) -> list[PlacedDeal]:
    """Each deal of ``placed`` as its reps are credited with it: one placement per revenue
    credit (its rep, credit date and cents), so each share leaves its own rep's node on
    the day it counts. Overlay credit is in no node's actual, and what is not yet invoiced
    or paid counts nowhere: neither moves. A deal not in ``credits`` (not split, Credit On
    booked) counts whole for its owner on its close date, and moves so."""
    ledger: dict[str, list[Credit]] = {}
    for credit in credits:
        shares = ledger.setdefault(credit.where, [])
        if credit.kind == "won" and not credit.overlay and credit.day and credit.cents:
            shares.append(credit)
    found: list[PlacedDeal] = []
    for deal in placed:
        credited = ledger.get(deal.where) if deal.where else None
        if credited is None:
            found.append(deal)
            continue
        found.extend(replace(deal, rep_id=c.rep_id, day=c.day, amount=cents_to_money(c.cents))
                     for c in credited if c.day is not None)
    return found


def credited_money(data: WorkbookData, rep_id: str) -> list[tuple[date, Decimal, Decimal]]:
    """(credit date, money credited that day, of which overlay) of one rep, in date
    order: what a commission plan pays on. Every won deal counts here on its credit date
    (Settings' Credit On) in the rep's share, revenue and overlay."""
    key = rep_key(rep_id)
    overlay = {record.day: record.won_amount for record in data.overlay_by_rep.get(key, ())}
    return [(record.day, record.won_amount, overlay.get(record.day, Decimal(0)))
            for record in data.activity_by_rep.get(key, ()) if record.won_amount]


def count_text(count: DealCount) -> str:
    """A deal count in plain words: ``3``, ``2.5``, ``0.33`` (a share of a deal, to two
    places at most)."""
    value = Fraction(count)
    if value.denominator == 1:
        return f"{value.numerator:,}"
    shown = Decimal(round_half_up(value * 100)).scaleb(-2).normalize()
    return f"{shown:,f}"


__all__ = ["AWAITED", "BookedDeal", "Split", "count_text", "credit_deals", "credited_money",
           "deal_key", "not_yet_credited", "placements", "schedule"]
