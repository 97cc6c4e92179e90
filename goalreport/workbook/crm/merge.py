"""Export deals joined with the Activity sheet (pure).

- A deal typed on Activity and pasted from an export (same rep, day, client and amount;
  for a lost deal or a meeting the same rep, day and client) counts once, with a
  warning: a manager moving from typing to pasting does not double their numbers.
- A won deal whose export gives no type (Pipedrive, Odoo, an empty Type cell) is repeat
  when its client won a deal on an earlier day, on Activity or in any export; else new.
  Deals of one new client on one day are all new: "earlier" is by date, so the answer
  does not depend on the order of rows or pastes.
- The deals are then added to the same per-rep, per-day sums as Activity's won and lost
  rows (``deals.DayTally``), so everything downstream sees one kind of record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from goalreport.workbook.crm.exports import ExportSummary
from goalreport.workbook.deals import DayTally, Deal
from goalreport.workbook.table import Collector


class TypedDeals:
    """Activity's won, lost and meeting rows, each matchable by one export deal at most."""

    def __init__(self, typed: Iterable[Deal]):
        self._rows: dict[tuple[Any, ...], list[str]] = defaultdict(list)
        #: client → first day it won a deal on Activity.
        self.first_win: dict[str, date] = {}
        for deal in typed:
            self._rows[self._key(deal)].append(deal.where)
            key = deal.client
            if deal.won and key and (key not in self.first_win
                                     or deal.day < self.first_win[key]):
                self.first_win[key] = deal.day

    @staticmethod
    def _key(deal: Deal) -> tuple[Any, ...]:
        return (deal.kind, deal.rep_id, deal.day, deal.client, deal.cents if deal.won else 0)

    def take(self, deal: Deal) -> str | None:
        """The Activity row typing ``deal`` ("Activity row 7"), removed so it matches no
        other; or None."""
        rows = self._rows.get(self._key(deal))
        return rows.pop(0) if rows else None


def drop_typed(deals: list[Deal], typed: TypedDeals, summary: ExportSummary,
               activity_sheet: str, out: Collector) -> list[Deal]:
    """``deals`` without those already typed on Activity; one warning per export."""
    kept: list[Deal] = []
    first: tuple[Deal, str] | None = None
    for deal in deals:
        where = typed.take(deal)
        if where is None:
            kept.append(deal)
            continue
        summary.typed += 1
        first = first or (deal, where)
    if first is not None:
        deal, where = first
        count = summary.typed
        what = "meeting" if deal.kind == "meeting" else "deal"
        same = "client" if deal.kind == "meeting" else "client and amount"
        out.warn(deal.where, f"{count} {what}{'s' if count != 1 else ''} of "
                 f"{summary.label} {'are' if count != 1 else 'is'} also typed on the "
                 f"{activity_sheet} sheet (same rep, date, {same}; first: {where}) and "
                 "counted once. Delete the typed rows once you paste exports.")
    return kept


def first_wins(typed: TypedDeals, deals: Iterable[Deal]) -> dict[str, date]:
    """client → the first day it won a deal, on Activity or in any export."""
    first = dict(typed.first_win)
    get = first.get
    for _rep, day, kind, _type, _cents, client, _where in deals:
        if kind == "won" and client:
            known = get(client)
            if known is None or day < known:
                first[client] = day
    return first


def infer_client_types(deals: Iterable[Deal], first: dict[str, date],
                       summary: ExportSummary | None, reps: set[str]) -> Iterator[Deal]:
    """Won deals without a type made repeat (the client won earlier) or new; their reps
    are added to ``reps`` (their reports say so), and counted on the export's
    ``summary`` (None for Activity's own rows)."""
    for deal in deals:
        if deal[3] is None and deal[2] == "won":  # no client type, won
            if summary is not None:
                summary.inferred += 1
            reps.add(deal.rep_id)
            earlier = bool(deal.client) and first.get(deal.client, deal.day) < deal.day
            deal = deal._replace(client_type="repeat" if earlier else "new")
        yield deal


def infer_activity_types(untyped: Sequence[Deal], typed: Iterable[Deal],
                         tally: DayTally,
                         divert: Callable[[Iterable[Deal]], Iterable[Deal]] | None = None
                         ) -> tuple[str, ...]:
    """Activity's won rows without a Client Type (no goal splits new and repeat) added to
    ``tally`` as repeat when the same client won on an earlier day (any ``typed`` row),
    else new; returns their reps, sorted. With CRM exports, ``join_exports`` does this
    with the exports' wins counted too. ``divert``: what takes the deals credited one by
    one (``intake.CreditIntake.divert``), leaving the others."""
    inferred: set[str] = set()
    deals = infer_client_types(untyped, first_wins(TypedDeals(typed), ()), None, inferred)
    tally.add_all(divert(deals) if divert is not None else deals)
    return tuple(sorted(inferred))
