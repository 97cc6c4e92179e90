"""The credit rules' data (SPEC §3 Credit): when a deal counts, a share of a deal, and
where a rep was when (Team History). Pure data, beside ``model`` (which uses it) so that
neither grows past a reader's page; ``core.credit`` and ``core.membership`` compute.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Literal

#: When a won deal counts (Settings' Credit On): on its close date ("booked"), its
#: Invoiced Date or as it is paid (each Paid Date, the Paid Amount).
CreditOn = Literal["booked", "invoiced", "paid"]
#: A count of deals: whole, or a share of one once deals are split ("half a deal").
DealCount = int | Fraction


@dataclass(frozen=True, slots=True)
class Credit:
    """One rep's share of one won or lost deal, credited on one day: the ledger of the
    deals that are split or that count when invoiced or paid (SPEC §3 Credit). A deal
    paid in parts has a credit per payment, and one dated None for what is not yet
    paid. Money is in integer cents, split to the cent (``core.credit``)."""

    rep_id: str
    #: The deal: its Deal ID (or record ID), else where it was read ("Activity row 7").
    deal: str
    #: The day the deal was won or lost (its close date).
    booked: date
    #: The day this share counts; None while the deal is not yet invoiced or paid.
    day: date | None
    #: "won" or "lost".
    kind: str
    #: "new" or "repeat".
    client_type: str
    cents: int
    #: The share of a deal this credit counts as in the funnel (1 for a whole deal).
    share: Fraction
    #: An overlay split: counts toward the rep's own attainment, in no roll-up.
    overlay: bool = False
    #: Where the deal was read ("SF export!A7"): what ties a placed deal to its credits.
    where: str = ""


@dataclass(frozen=True)
class TeamPeriod:
    """A Team History row: where a rep was from ``start`` to ``end`` (both days counted;
    None: open-ended). A blank Team, Manager or Territory is the Reps row's (this row
    does not say); a day no row covers is the Reps row's too."""

    rep_id: str
    team: str
    #: The manager's key in the tree (``keys.rep_key`` of their ID); "" when blank.
    manager: str
    territory: str
    start: date | None
    end: date | None
    #: Where it was read ("Team History row 4"), for messages.
    source: str = ""

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None
                                                              or day <= self.end)
