"""A won deal's client type and amount in an export: the exports' side of ``WonTerms`` (pure).

The rule is Activity's (``workbook/deals.py``); what an export adds:

- client types: the CRMs' deal types too (New Business, Existing Customer - Upgrade,
  Renewal, …) and Settings' New Types and Repeat Types, and a deal without one is not a
  problem: most exports carry no type, so ``merge`` infers new or repeat from the
  client's earlier wins;
- the amount's currency: one currency rule with Activity (``workbook.currencies``, rule
  in docs/input.md): text amounts by the sign or code written in them, and a currency
  column by its ISO code, except beside an amount the CRM exports already converted to
  the company currency (Salesforce's ``Amount (converted)``, HubSpot's Amount in company
  currency); an amount in another currency is converted at the Exchange Rates sheet's
  rate in force on the deal's close date (``rates``), and is a problem without one;
- messages that send the fix to the CRM (export the column; Salesforce and HubSpot can
  export converted amounts; add the rate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from goalreport.core.keys import header_key, normalize
from goalreport.workbook.crm.rates import ExchangeRates
from goalreport.workbook.crm.rows import ExportRow
from goalreport.workbook.currencies import (
    CONVERT_FIX,
    currency_in,
    foreign_currency,
    not_a_code,
    number_only,
    stated_currency,
)
from goalreport.workbook.deals import UNREAD, WonTerms, cents
from goalreport.workbook.schema import CLIENT_TYPES
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_money, parse_text

#: CRM deal types → goalreport client types (besides goalreport's own words).
DEAL_TYPES = {
    "new customer": "new", "new business": "new", "newbusiness": "new", "new logo": "new",
    "existing customer upgrade": "repeat", "existing customer replacement": "repeat",
    "existing customer downgrade": "repeat", "existing business": "repeat",
    "existingbusiness": "repeat", "existing customer": "repeat", "renewal": "repeat",
    "upsell": "repeat", "upgrade": "repeat", "cross sell": "repeat",
}
#: What an export's client-type column may say: goalreport's words and the CRMs' types.
EXPORT_CLIENT_TYPES = {**CLIENT_TYPES, **DEAL_TYPES}
#: Amount columns a CRM writes converted to the company's currency (so the deal's own
#: currency column does not apply to them), as ``header_key`` writes them.
CONVERTED_AMOUNTS = frozenset(header_key(name) for name in (
    "Amount in company currency", "Amount (converted)", "Total Amount (converted)"))
#: What an export's amount in another currency is told to do: Activity's fix, plus where
#: the CRM has the converted amounts.
CRM_CURRENCY_FIX = (f"{CONVERT_FIX} Salesforce and HubSpot can export the amounts "
                    "converted to the company currency.")


#: Money text read the same in every locale: whole units, with up to two decimals after a
#: point or comma (``12345.67``), as ``parse_money`` reads it; anything else is read by it.
_PLAIN_MONEY = re.compile(r"(\d{1,13})(?:[.,](\d{1,2}))?")


def plain_cents(text: str) -> int | None:
    """The cents of plain money text (``'1200'``, ``'2500.5'``), else None (for
    ``parse_money``)."""
    match = _PLAIN_MONEY.fullmatch(text)
    if match is None:
        return None
    units, part = match.groups()
    return int(units) * 100 + (int(part.ljust(2, "0")) if part else 0)


class ExportTerms(WonTerms[ExportRow]):
    """A won export deal's type (optional: inferred when absent) and amount."""

    def __init__(self, locale: str, currency: str | None, *,
                 rates: ExchangeRates | None = None, new_types: Iterable[str] = (),
                 repeat_types: Iterable[str] = ()) -> None:
        super().__init__(locale, currency)
        self.rates = rates or ExchangeRates()
        self.words = {**EXPORT_CLIENT_TYPES,
                      **{normalize(word): "new" for word in new_types},
                      **{normalize(word): "repeat" for word in repeat_types}}
        #: (currency, from, rate) → deals converted at it, for ``check``.
        self.converted: dict[tuple[str, date, Decimal], int] = {}

    def read(self, row: ExportRow, out: Collector, day: date | None = None
             ) -> tuple[str | None, int] | None:
        """As ``WonTerms.read``, the amount converted at the rate in force on ``day``."""
        client_type = self.read_client_type(row, out)
        amount = self.read_cents(row, out, day)
        if client_type == UNREAD or amount is None:
            return None
        return client_type, amount

    def read_client_type(self, row: ExportRow, out: Collector) -> str | None:
        text = row.text("client_type")
        if not text:
            return None
        client_type = self.client_type(row.get("client_type"))
        if client_type is None:
            out.error(row.cell("client_type"), f"{text!r} is not a deal type goalreport "
                      "knows. Use New Business / New Customer for a new client or Existing "
                      "Business / Existing Customer - Upgrade for a repeat one, list it in "
                      "Settings' New Types or Repeat Types, or leave it empty to infer it "
                      "from the client's earlier won deals.", kind="crm type")
            return UNREAD
        return client_type

    def read_cents(self, row: ExportRow, out: Collector, day: date | None = None
                   ) -> int | None:
        """A currency column's cell is read as an ISO code (case and spaces ignored), and
        text amounts (``'$1,200'``, ``'USD 1,200.00'``, ``'€500'``) by the signs and codes
        written in them, shared signs following the Locale. A converted column is in the
        workbook's currency whatever the deal's currency column says. An amount in
        another currency is converted at the rate in force on ``day`` (its close date)."""
        fmt = row.export.format
        if "amount" not in row.cols:
            if "no amount" in row.export.said:
                return None
            row.export.said.add("no amount")
            out.error(f"{row.export.label} header", f"has no amount column. A {fmt.title} "
                      f"has the amount in one of: {fmt.accepted('amount')}; export it with "
                      "the deals, or name its column in Settings' Amount Column.",
                      kind="crm no amount")
            return None
        raw = row.get("amount")
        if is_blank(raw):
            out.error(row.cell("amount"), "the amount of this won deal is missing. Fill it "
                      "in the CRM and export again, or type it here.", kind="crm amount")
            return None
        shown = parse_text(raw)
        stated: tuple[str, ...] | None = ()
        if "currency" in row.cols and not _converted(row):
            stated = stated_currency(row.text("currency"), self.locale, self.currency)
            if stated is None:
                out.error(row.cell("currency"), not_a_code(row.text("currency")),
                          kind="crm currency code")
                return None
        try:
            amount = cents(parse_money(raw, self.locale))
        except ValueProblem as bad:
            out.error(row.cell("amount"), bad.message, kind="crm amount")
            return None
        if self.currency is None:  # the Currency cell is wrong (one problem there)
            return amount
        codes = stated or (currency_in(shown, self.locale, self.currency)
                           if isinstance(raw, str) and not number_only(shown) else ())
        if not codes or self.currency in codes:
            return amount
        if len(codes) == 1 and self.rates and day is not None:
            converted = self.rates.convert(amount, codes[0], day)
            if converted is not None:
                value, start, rate = converted
                key = (codes[0], start, rate)
                self.converted[key] = self.converted.get(key, 0) + 1
                return value
        said = f" ({row.cell('currency')} says {row.text('currency')!r})" if stated else ""
        fix = CRM_CURRENCY_FIX
        if len(codes) == 1 and day is not None:
            fix += (f" Or add a rate for {codes[0]} in force on {day.isoformat()} to the "
                    f"{self.rates.sheet!r} sheet (Currency, Rate, From).")
        problem = foreign_currency(shown, self.locale, self.currency, codes=codes,
                                   said=said, fix=fix)
        out.error(row.cell("amount"), problem or f"{shown!r} is in another currency.",
                  kind="crm currency")
        return None


def _converted(row: ExportRow) -> bool:
    """True when the amount column read is a CRM's converted one (not the deal's
    currency)."""
    title = row.export.header[row.cols["amount"]]
    return isinstance(title, str) and header_key(title) in CONVERTED_AMOUNTS
