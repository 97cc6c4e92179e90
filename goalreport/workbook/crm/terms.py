"""A won deal's client type and amount in an export: the exports' side of ``WonTerms`` (pure).

The rule is Activity's (``workbook/deals.py``); what an export adds:

- client types: the CRMs' deal types too (New Business, Existing Customer - Upgrade,
  Renewal, …), and a deal without one is not a problem: most exports carry no type, so
  ``merge`` infers new or repeat from the client's earlier wins;
- the amount's currency: one currency rule with Activity (``workbook.currencies``, rule
  in docs/input.md): text amounts by the sign or code written in them, and a currency
  column by its ISO code, except beside an amount the CRM exports already converted to
  the company currency (HubSpot's Amount in company currency);
- messages that send the fix to the CRM (export the column; Salesforce and HubSpot can
  export converted amounts).
"""

from __future__ import annotations

from goalreport.core.keys import normalize
from goalreport.workbook.crm.rows import ExportRow
from goalreport.workbook.currencies import (
    CONVERT_FIX,
    foreign_currency,
    not_a_code,
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
#: currency column does not apply to them).
CONVERTED_AMOUNTS = frozenset({normalize("Amount in company currency")})
#: What an export's amount in another currency is told to do: Activity's fix, plus where
#: the CRM has the converted amounts.
CRM_CURRENCY_FIX = (f"{CONVERT_FIX} Salesforce and HubSpot can export the amounts "
                    "converted to the company currency.")


class ExportTerms(WonTerms[ExportRow]):
    """A won export deal's type (optional: inferred when absent) and amount."""

    words = EXPORT_CLIENT_TYPES

    def read_client_type(self, row: ExportRow, out: Collector) -> str | None:
        text = row.text("client_type")
        if not text:
            return None
        client_type = self.client_type(row.get("client_type"))
        if client_type is None:
            out.error(row.cell("client_type"), f"{text!r} is not a deal type goalreport "
                      "knows. Use New Business / New Customer for a new client or Existing "
                      "Business / Existing Customer - Upgrade for a repeat one, or leave it "
                      "empty to infer it from the client's earlier won deals.",
                      kind="crm type")
            return UNREAD
        return client_type

    def read_cents(self, row: ExportRow, out: Collector) -> int | None:
        """A currency column's cell is read as an ISO code (case and spaces ignored), and
        text amounts (``'$1,200'``, ``'USD 1,200.00'``, ``'€500'``) by the signs and codes
        written in them, shared signs following the Locale. A converted column (HubSpot's
        Amount in company currency) is in the workbook's currency whatever the deal's
        currency column says."""
        if "amount" not in row.cols:
            out.error(f"{row.export.label} header", "has no amount column. Export the deal "
                      "amount with the deals.", kind="crm no amount")
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
        problem = None
        if self.currency is not None:  # None: the Currency cell is wrong (one problem there)
            if stated:  # the currency column, then what the amount's own text says
                said = f" ({row.cell('currency')} says {row.text('currency')!r})"
                problem = foreign_currency(shown, self.locale, self.currency, codes=stated,
                                           said=said, fix=CRM_CURRENCY_FIX)
            if problem is None and isinstance(raw, str):
                problem = foreign_currency(shown, self.locale, self.currency,
                                           fix=CRM_CURRENCY_FIX)
        if problem:
            out.error(row.cell("amount"), problem, kind="crm currency")
            return None
        try:
            return cents(parse_money(raw, self.locale))
        except ValueProblem as bad:
            out.error(row.cell("amount"), bad.message, kind="crm amount")
            return None


def _converted(row: ExportRow) -> bool:
    """True when the amount column read is a CRM's converted one (not the deal's
    currency)."""
    title = row.export.header[row.cols["amount"]]
    return isinstance(title, str) and normalize(title) in CONVERTED_AMOUNTS
