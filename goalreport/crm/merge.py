"""Export deals joined with the Activity sheet (pure).

- A deal typed on Activity and pasted from an export (same rep, day, client and amount;
  for a lost deal or a meeting the same rep, day and client) counts once, with a
  warning: a manager moving from typing to pasting does not double their numbers.
- A won deal whose export gives no type (Pipedrive, Odoo, an empty Type cell) is repeat
  when its client won a deal on an earlier day, on Activity or in any export; else new.
  Deals of one new client on one day are all new: "earlier" is by date, so the answer
  does not depend on the order of rows or pastes.
- The deals are then added to the per-rep, per-day records exactly as Activity's won and
  lost rows are, so everything downstream sees one kind of record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from goalreport.core.model import DayActivity
from goalreport.crm.deals import Deal, ExportSummary, client_key
from goalreport.workbook.table import Collector

#: A won, lost or meeting row of the Activity sheet: (kind, rep ID, day, client cell,
#: cents, row number).
TypedRow = tuple[str, str, date, Any, int, int]


class TypedDeals:
    """Activity's won and lost rows, each matchable by one export deal at most."""

    def __init__(self, typed: Iterable[TypedRow]):
        self._rows: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        #: client → first day it won a deal on Activity.
        self.first_win: dict[str, date] = {}
        for kind, rep_id, day, client, cents, number in typed:
            key = client_key(client)
            self._rows[self._key(kind, rep_id, day, key, cents)].append(number)
            if kind == "won" and key and (key not in self.first_win
                                          or day < self.first_win[key]):
                self.first_win[key] = day

    @staticmethod
    def _key(kind: str, rep_id: str, day: date, client: str, cents: int) -> tuple[Any, ...]:
        return (kind, rep_id, day, client, cents if kind == "won" else 0)

    def take(self, deal: Deal) -> int | None:
        """The Activity row typing ``deal``, removed so it matches no other; or None."""
        rows = self._rows.get(self._key(deal.kind, deal.rep_id, deal.day, deal.client,
                                        deal.cents))
        return rows.pop(0) if rows else None


def drop_typed(deals: list[Deal], typed: TypedDeals, summary: ExportSummary,
               activity_sheet: str, out: Collector) -> list[Deal]:
    """``deals`` without those already typed on Activity; one warning per export."""
    kept: list[Deal] = []
    first: tuple[Deal, int] | None = None
    for deal in deals:
        number = typed.take(deal)
        if number is None:
            kept.append(deal)
            continue
        summary.typed += 1
        first = first or (deal, number)
    if first is not None:
        deal, number = first
        count = summary.typed
        what = "meeting" if deal.kind == "meeting" else "deal"
        same = "client" if deal.kind == "meeting" else "client and amount"
        out.warn(deal.where, f"{count} {what}{'s' if count != 1 else ''} of "
                 f"{summary.label} {'are' if count != 1 else 'is'} also typed on the "
                 f"{activity_sheet} sheet (same rep, date, {same}; first: "
                 f"{activity_sheet} row {number}) and counted once. Delete the typed rows "
                 "once you paste exports.")
    return kept


def first_wins(typed: TypedDeals, deals: Iterable[Deal]) -> dict[str, date]:
    """client → the first day it won a deal, on Activity or in any export."""
    first = dict(typed.first_win)
    for deal in deals:
        if deal.won and deal.client and (deal.client not in first
                                         or deal.day < first[deal.client]):
            first[deal.client] = deal.day
    return first


def infer_client_types(deals: list[Deal], first: dict[str, date],
                       summary: ExportSummary, reps: set[str]) -> list[Deal]:
    """Won deals without a type made repeat (the client won earlier) or new; their reps
    are added to ``reps`` (their reports say so)."""
    resolved: list[Deal] = []
    for deal in deals:
        if deal.won and deal.client_type is None:
            summary.inferred += 1
            reps.add(deal.rep_id)
            earlier = bool(deal.client) and first.get(deal.client, deal.day) < deal.day
            deal = replace(deal, client_type="repeat" if earlier else "new")
        resolved.append(deal)
    return resolved


def add_deals(activity: Sequence[DayActivity], deals: Iterable[Deal]
              ) -> tuple[DayActivity, ...]:
    """``activity`` with ``deals`` added to its per-rep, per-day records, sorted by (rep
    ID, day) as the reader sorts them. Amounts stay exact (summed as cents)."""
    extra: dict[tuple[str, date], list[int]] = {}
    for deal in deals:
        counts = extra.setdefault((deal.rep_id, deal.day), [0, 0, 0, 0, 0, 0])
        if deal.kind == "meeting":
            counts[5] += 1
        elif not deal.won:
            counts[0] += 1
        elif deal.client_type == "repeat":
            counts[3] += 1
            counts[4] += deal.cents
        else:
            counts[1] += 1
            counts[2] += deal.cents
    if not extra:
        return tuple(activity)
    merged: list[DayActivity] = []
    for record in activity:
        found = extra.pop((record.rep_id, record.day), None)
        merged.append(record if found is None else _add(record, found))
    for (rep_id, day), counts in extra.items():
        merged.append(_add(DayActivity(rep_id, day), counts))
    merged.sort(key=lambda record: (record.rep_id, record.day))
    return tuple(merged)


def _add(record: DayActivity, counts: list[int]) -> DayActivity:
    lost, won_new, new_cents, won_repeat, repeat_cents, meetings = counts
    return replace(
        record, lost=record.lost + lost, meetings=record.meetings + meetings,
        won_new=record.won_new + won_new,
        won_new_amount=_money(record.won_new + won_new,
                              _cents(record.won_new_amount) + new_cents),
        won_repeat=record.won_repeat + won_repeat,
        won_repeat_amount=_money(record.won_repeat + won_repeat,
                                 _cents(record.won_repeat_amount) + repeat_cents))


def _cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _money(count: int, cents: int) -> Decimal:
    """As the Activity reader writes amounts: 0 when nothing was won, else two places."""
    return Decimal(cents).scaleb(-2) if count else Decimal(0)
