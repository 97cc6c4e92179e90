"""A won deal's amount in an export → cents in the workbook's currency (pure).

Export amounts follow the one currency rule of Activity (``workbook.currencies``, rule in
docs/input.md): text amounts by the sign or code written in them, a currency column by its
ISO code, and the same message, with where the CRM exports converted amounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from goalreport.workbook.currencies import (
    CONVERT_FIX,
    foreign_currency,
    not_a_code,
    stated_currency,
)
from goalreport.workbook.schema import normalize
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_money, parse_text

if TYPE_CHECKING:
    from goalreport.crm.deals import DealRules, ExportRow

#: Amount columns a CRM writes converted to the company's currency (so the deal's own
#: currency column does not apply to them).
CONVERTED_AMOUNTS = frozenset({normalize("Amount in company currency")})
#: What an export's amount in another currency is told to do: Activity's fix, plus where
#: the CRM has the converted amounts.
CRM_CURRENCY_FIX = (f"{CONVERT_FIX} Salesforce and HubSpot can export the amounts "
                    "converted to the company currency.")


def amount_cents(row: ExportRow, rules: DealRules, out: Collector) -> int | None:
    """The won amount in cents, in the workbook's currency; None after a problem.

    The one currency rule of Activity (``currencies``): a currency column's cell is read
    as an ISO code (case and spaces ignored), and text amounts (``'$1,200'``, ``'USD
    1,200.00'``, ``'€500'``) by the signs and codes written in them, shared signs following
    the Locale. A converted column (HubSpot's Amount in company currency) is in the
    workbook's currency whatever the deal's currency column says."""
    if "amount" not in row.cols:
        out.error(f"{row.export.label} header", "has no amount column. Export the deal "
                  "amount with the deals.", kind="crm no amount")
        return None
    raw = row.get("amount")
    if is_blank(raw):
        out.error(row.cell("amount"), "the amount of this won deal is missing. Fill it in "
                  "the CRM and export again, or type it here.", kind="crm amount")
        return None
    shown = parse_text(raw)
    stated: tuple[str, ...] | None = ()
    if "currency" in row.cols and not _converted(row):
        stated = stated_currency(row.text("currency"), rules.locale, rules.currency)
        if stated is None:
            out.error(row.cell("currency"), not_a_code(row.text("currency")),
                      kind="crm currency code")
            return None
    problem = None
    if rules.currency is not None:  # None: the Currency cell is wrong (one problem there)
        if stated:  # the currency column, then what the amount's own text says
            said = f" ({row.cell('currency')} says {row.text('currency')!r})"
            problem = foreign_currency(shown, rules.locale, rules.currency, codes=stated,
                                       said=said, fix=CRM_CURRENCY_FIX)
        if problem is None and isinstance(raw, str):
            problem = foreign_currency(shown, rules.locale, rules.currency,
                                       fix=CRM_CURRENCY_FIX)
    if problem:
        out.error(row.cell("amount"), problem, kind="crm currency")
        return None
    try:
        return int(parse_money(raw, rules.locale).scaleb(2))
    except ValueProblem as bad:
        out.error(row.cell("amount"), bad.message, kind="crm amount")
        return None


def _converted(row: ExportRow) -> bool:
    """True when the amount column read is a CRM's converted one (not the deal's
    currency)."""
    title = row.export.header[row.cols["amount"]]
    return isinstance(title, str) and normalize(title) in CONVERTED_AMOUNTS
