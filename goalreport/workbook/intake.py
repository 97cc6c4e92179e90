"""The won and lost deals that are credited one by one (SPEC §3 Credit): split deals, and
every won deal when Settings' Credit On is invoiced or paid.

The common case, no splits and Credit On booked, never comes here: Activity rows and
export deals are summed per rep and day as they are read (``deals.DayTally``). Only when
a workbook splits deals or counts them when invoiced or paid is a ``CreditIntake`` made;
then the readers hand it each won or lost deal it ``wants`` (a deal with splits, or any
won deal under invoiced or paid) instead of adding it to the sums, and it reads what the
rules need of it: its Deal ID (Activity's Deal ID, an export's record ID), and its
Invoiced Date, or its Paid Date and Paid Amount. ``core.credit`` then credits them, and
the credits are added to the sums on their days.

Paid Amount is what was paid by Paid Date: a Paid Date alone pays the whole deal; a
Paid Amount without a Paid Date, or more than the deal's amount, is an input problem. An
export's Paid Amount is in the deal's own currency: it pays the same share of the deal
as of its Amount (so a converted amount is paid in proportion).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from fractions import Fraction
from typing import Any

from goalreport.core.credit import BookedDeal, deal_key
from goalreport.core.model import CreditOn
from goalreport.core.money import round_half_up
from goalreport.workbook.crm.rows import ExportRow
from goalreport.workbook.dates import parse_date
from goalreport.workbook.deals import Deal, cents
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import ValueProblem, is_blank, parse_money, parse_text, quote

#: An export row's facts: (record ID, Invoiced Date, payments).
Facts = tuple[str, date | None, tuple[tuple[date, int | None], ...]]


class CreditIntake:
    """Deals taken off the per-day sums, to be credited one by one."""

    def __init__(self, credit_on: CreditOn, split_keys: frozenset[str], locale: str,
                 currency: str | None, out: Collector) -> None:
        self.credit_on, self.split_keys = credit_on, split_keys
        self.locale, self.currency, self.out = locale, currency, out
        #: The deals taken, in the order read.
        self.deals: list[BookedDeal] = []
        #: Export deals taken (by ``Deal.where``), until ``divert`` meets them.
        self.facts: dict[str, Facts] = {}

    def wants(self, kind: str, deal_id: str) -> bool:
        """Whether a deal of ``kind`` with ``deal_id`` is credited one by one."""
        if kind == "won" and self.credit_on != "booked":
            return True
        return bool(deal_id) and deal_key(deal_id) in self.split_keys

    def activity(self, table: Table, number: int, values: list[Any], kind: str,
                 rep_id: str, day: date, client_type: str | None = None,
                 amount: int = 0) -> bool:
        """Take an Activity row's won or lost deal when ``wants`` it (True): not summed."""
        found = self._row(table, number, values, kind, amount)
        if found is None:
            return False
        deal_id, where, invoiced, payments = found
        self.deals.append(BookedDeal(rep_id, day, kind, client_type or "new", amount, deal_id,
                                     where, invoiced, payments))
        return True

    def note(self, table: Table, number: int, values: list[Any], deal: Deal) -> None:
        """Note an Activity row's won deal whose client type is inferred later (a goal of
        one total): ``divert`` takes it then, when ``wants`` it."""
        found = self._row(table, number, values, deal.kind, deal.cents)
        if found is not None:
            self.facts[deal.where] = (found[0], found[2], found[3])

    def _row(self, table: Table, number: int, values: list[Any], kind: str, amount: int
             ) -> tuple[str, str, date | None, tuple[tuple[date, int | None], ...]] | None:
        """(Deal ID, where, Invoiced Date, payments) of a row ``wants``, else None."""
        row = table.row(number, values)
        raw = row.values.get("deal_id")
        deal_id = "" if is_blank(raw) else parse_text(raw)
        if not self.wants(kind, deal_id):
            return None
        invoiced: date | None = None
        payments: tuple[tuple[date, int | None], ...] = ()
        if kind == "won":
            invoiced, payments = self._dates(row, amount)
        return deal_id, row.where, invoiced, payments

    def _dates(self, row: Row, amount: int) -> tuple[date | None, tuple[tuple[date, int | None], ...]]:
        """An Activity row's Invoiced Date, or its payment, as Credit On reads them."""
        out, locale = self.out, self.locale
        if self.credit_on == "invoiced":
            return row.parse_date("invoiced_date", locale, out), ()
        if self.credit_on != "paid":
            return None, ()
        paid_on = row.parse_date("paid_date", locale, out)
        paid = row.parse("paid_amount", lambda v: parse_money(v, locale, self.currency), out)
        if paid is None:
            return None, ((paid_on, None),) if paid_on else ()
        return None, self._payment(paid_on, cents(paid), cents(paid) > amount,
                                   row.cell("paid_amount"), row.has("paid_date"),
                                   quote(row.values.get("paid_amount")))

    def _payment(self, paid_on: date | None, paid: int, over: bool, cell: str,
                 dated: bool, shown: Any) -> tuple[tuple[date, int | None], ...]:
        """One payment of ``paid`` cents; ``over``: more than the deal's amount."""
        if over:
            self.out.error(cell, f"the Paid Amount {shown} is more than the deal's amount. "
                           "Write what was paid so far.", kind="paid amount")
            return ()
        if paid_on is None:
            if not dated:
                self.out.error(cell, f"the Paid Amount {shown} has no Paid Date. Write the day "
                               "it was paid beside it.", kind="paid date")
            return ()
        return ((paid_on, paid),) if paid else ()

    def export(self, row: ExportRow, deal: Deal, record: str) -> None:
        """Note an export's deal when ``wants`` it: ``divert`` takes it once it is kept
        (not typed on Activity too)."""
        if deal.kind not in ("won", "lost") or not self.wants(deal.kind, record):
            return
        invoiced: date | None = None
        payments: tuple[tuple[date, int | None], ...] = ()
        if deal.kind == "won":
            if self.credit_on == "invoiced":
                invoiced = self._export_date(row, "invoiced_date")
            elif self.credit_on == "paid":
                payments = self._export_payment(row, deal.cents)
        self.facts[deal.where] = (record, invoiced, payments)

    def _export_date(self, row: ExportRow, role: str) -> date | None:
        raw = row.get(role)
        if is_blank(raw):
            return None
        if isinstance(raw, str) and len(raw) > 10 and raw[10] in " T" and raw[4] == "-":
            raw = raw[:10]  # an ISO date-time: its date
        try:
            return parse_date(raw, self.locale)
        except ValueProblem as problem:
            self.out.error(row.cell(role), problem.message, kind="crm credit date")
            return None

    def _export_payment(self, row: ExportRow, amount: int
                        ) -> tuple[tuple[date, int | None], ...]:
        paid_on = self._export_date(row, "paid_date")
        raw = row.get("paid_amount")
        if is_blank(raw):
            return ((paid_on, None),) if paid_on else ()
        try:
            paid = parse_money(raw, self.locale)
            whole = parse_money(row.get("amount"), self.locale)
        except ValueProblem as problem:
            self.out.error(row.cell("paid_amount"), problem.message, kind="crm paid amount")
            return ()
        paid_cents = round_half_up(amount * Fraction(paid) / Fraction(whole)) if whole \
            else amount
        return self._payment(paid_on, paid_cents, paid > whole, row.cell("paid_amount"),
                             not is_blank(row.get("paid_date")), quote(raw))

    def divert(self, deals: Iterable[Deal]) -> Iterator[Deal]:
        """``deals`` less the export deals noted (``export``), which are taken."""
        facts = self.facts
        for deal in deals:
            found = facts.pop(deal.where, None) if facts else None
            if found is None:
                yield deal
                continue
            record, invoiced, payments = found
            self.deals.append(BookedDeal(deal.rep_id, deal.day, deal.kind,
                                         deal.client_type or "new", deal.cents, record,
                                         deal.where, invoiced, payments))
