"""The sentences a rep's report and the team summary say about credit (SPEC §3 Credit):
overlay credit, and won deals that do not count yet under Credit On."""

from __future__ import annotations

from decimal import Decimal

from goalreport.core.credit import AWAITED
from goalreport.core.formatting import Formatter
from goalreport.core.model import Settings


def credit_notes(overlay: Decimal, waiting: Decimal | None, deals: int, settings: Settings,
                 fmt: Formatter, *, team: bool = False) -> list[str]:
    """What a reader of the figures must know about credit (SPEC §3 Credit): the overlay
    credit in them (a rep's) or left out of them (a team's), and the won deals that do not
    count yet under Credit On ("Booked, not yet paid: $12,000 (1 deal); it counts once
    paid.")."""
    notes = []
    if overlay:
        notes.append(f"Team actuals leave out {fmt.money_whole(overlay)} of overlay credit: "
                     "it counts for its reps alone, so each deal counts once." if team else
                     f"Your actual includes {fmt.money_whole(overlay)} of overlay credit "
                     "(overlay splits), which counts for you and in no team total.")
    if waiting is not None and waiting > 0:
        awaited = AWAITED[settings.credit_on]
        count = f" ({deals} deal{'' if deals == 1 else 's'})" if deals else ""
        notes.append(f"Booked, not yet {awaited}: {fmt.money_whole(waiting)}{count}; "
                     f"{'it counts' if deals == 1 else 'they count'} once {awaited}, in "
                     "neither actual nor forecast until then.")
    return notes
