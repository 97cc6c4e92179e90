"""An open row of a CRM export → an open deal for the pipeline (pure).

The step after ``outcome`` said "open": the owner (``rows.owner_rep``: a rep, or an owner
who is no rep, left out with the others), the expected close date (Pipedrive's Expected
close date and Odoo's Expected Closing when given, else the close date), the amount
(``terms.ExportTerms.read_cents``: the currency rules of won deals), the deal's name and
stage, its probability and its forecast category. An open deal without a close date or
an amount cannot be placed or counted: it is left out, and ``check`` says how many. A
probability that is not one is a problem on its cell; a forecast category goalreport
does not know is a warning once per value (the deal then takes its stage's).

Probabilities as each CRM writes them: Salesforce (``Probability (%)``, the API's
``Probability``), Zoho (``Probability (%)``), Pipedrive (``Deal - Probability``) and Odoo
(``Probability``) write percents, so 1 is 1 %; HubSpot writes its stage and forecast
probabilities as fractions (0.2); a table no CRM made follows the Close Rate rule.
"""

from __future__ import annotations

from typing import Any

from goalreport.core.model import OpenDeal
from goalreport.core.money import cents_to_money
from goalreport.workbook.crm.rows import (
    OTHER,
    DealRules,
    ExportRow,
    ExportRows,
    Findings,
    owner_rep,
)
from goalreport.workbook.crm.summary import ExportSummary
from goalreport.workbook.crm.terms import ExportTerms
from goalreport.workbook.dates import parse_date
from goalreport.workbook.forecastwords import category_of, parse_probability
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank

#: Exports whose probability numbers are percents (1 is 1 %).
PERCENT_PROBABILITIES = frozenset({"salesforce_report", "salesforce_loader", "zoho",
                                   "pipedrive", "odoo"})


def open_deal(export: ExportRows, number: int, values: list[Any], row: ExportRow | None,
              rules: DealRules, terms: ExportTerms, out: Collector, found: Findings,
              summary: ExportSummary) -> OpenDeal | None:
    """The open deal of the row; None when it is left out (counted on ``summary``) or has
    a problem (said on ``out``)."""
    row = row or ExportRow(export, number, values, export.cols)
    rep_id = owner_rep(row, rules, found)
    if rep_id == OTHER:
        role = "owner" if row.text("owner") else "owner_id"
        other = found.others.setdefault((role, row.text(role)), [0, 0, 0, []])
        other[0] += 1
        other[3].append(row.cell(role))
        summary.left_out += 1
        return None
    role = "expected_close" if row.text("expected_close") else "date"
    if not row.text(role):
        summary.open_undated += 1
        return None
    raw = row.get(role)
    if isinstance(raw, str) and len(raw) > 10 and raw[10] in " T" and raw[4] == "-":
        raw = raw[:10]  # an ISO date-time: its day
    try:
        day = parse_date(raw, rules.locale)
    except ValueProblem as problem:
        out.error(row.cell(role), problem.message, kind="crm date")
        return None
    if "amount" in row.cols and is_blank(row.get("amount")):
        summary.open_no_amount += 1
        return None
    cents = terms.read_cents(row, out, day)
    probability = None
    if not is_blank(row.get("win_probability")):
        try:
            probability = parse_probability(
                row.get("win_probability"), rules.locale,
                percents=export.format.key in PERCENT_PROBABILITIES)
        except ValueProblem as problem:
            out.error(row.cell("win_probability"), problem.message, kind="crm probability")
            return None
    said = row.text("forecast_category")
    category = category_of(said) if said else None
    if said and category is None:
        found.categories.setdefault(said, []).append(row.cell("forecast_category"))
    if rep_id is None or cents is None:
        return None
    return OpenDeal(rep_id=rep_id, amount=cents_to_money(cents), close_date=day,
                    name=row.text("name"), stage=row.text("stage"), probability=probability,
                    category=category, where=row.where, source=export.label)


def unknown_categories(found: Findings, out: Collector) -> None:
    """One warning per forecast category goalreport does not know."""
    for said, cells in found.categories.items():
        more = f" (also in {', '.join(cells[1:4])}{' and more' if len(cells) > 4 else ''})" \
            if len(cells) > 1 else ""
        out.warn(cells[0], f"forecast category {said!r}{more} is not one goalreport knows "
                 "(Pipeline, Best Case, Most Likely, Commit, Omitted), so these deals take "
                 "their stage's category from the Stages sheet, else Pipeline.",
                 kind="crm forecast category")
