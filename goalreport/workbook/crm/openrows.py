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

from collections.abc import Callable
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from goalreport.core.model import ForecastCategory, OpenDeal
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
from goalreport.workbook.values import ValueProblem, is_blank, parse_text

#: Exports whose probability numbers are percents (1 is 1 %).
PERCENT_PROBABILITIES = frozenset({"salesforce_report", "salesforce_loader", "zoho",
                                   "pipedrive", "odoo"})


def open_deal(export: ExportRows, number: int, values: list[Any], row: ExportRow | None,
              rules: DealRules, terms: ExportTerms, out: Collector, found: Findings,
              summary: ExportSummary, *, rep_id: str | None = None,
              days: dict[Any, date] | None = None,
              known_cents: Callable[[date], int | None] | None = None) -> OpenDeal | None:
    """The open deal of the row; None when it is left out (counted on ``summary``) or has
    a problem (said on ``out``). What the reader already knows of the row's cells (its
    caches: the owner's Rep ID, the days of date cells met, a plain amount's cents) is
    taken as it is, so an export of a million rows reads fast."""
    row = row or ExportRow(export, number, values, export.cols)
    cols, width = export.cols, len(values)

    def raw(role: str) -> Any:
        index = cols.get(role)
        return values[index] if index is not None and index < width else None

    if rep_id is None:
        rep_id = owner_rep(row, rules, found)
    if rep_id == OTHER:
        role = "owner" if row.text("owner") else "owner_id"
        other = found.others.setdefault((role, row.text(role)), [0, 0, 0, []])
        other[0] += 1
        other[3].append(row.cell(role))
        summary.left_out += 1
        return None
    role = "expected_close" if not is_blank(raw("expected_close")) else "date"
    when = raw(role)
    if is_blank(when):
        summary.open_undated += 1
        return None
    if isinstance(when, str) and len(when) > 10 and when[10] in " T" and when[4] == "-":
        when = when[:10]  # an ISO date-time: its day
    day = days.get(when) if days is not None else None
    if day is None:
        try:
            day = parse_date(when, rules.locale)
        except ValueProblem as problem:
            out.error(row.cell(role), problem.message, kind="crm date")
            return None
        if days is not None:
            days[when] = day
    if "amount" in cols and is_blank(raw("amount")):
        summary.open_no_amount += 1
        return None
    cents = known_cents(day) if known_cents is not None else None
    if cents is None:
        cents = terms.read_cents(row, out, day)
    probability = None
    chance = raw("win_probability")
    if not is_blank(chance):
        try:
            probability = _probability(chance, rules.locale,
                                       export.format.key in PERCENT_PROBABILITIES)
        except ValueProblem as problem:
            out.error(row.cell("win_probability"), problem.message, kind="crm probability")
            return None
    said = raw("forecast_category")
    category = None
    if not is_blank(said):
        category = _category(said)
        if category is None:
            found.categories.setdefault(parse_text(said), []).append(
                row.cell("forecast_category"))
    if rep_id is None or cents is None:
        return None
    name, stage = raw("name"), raw("stage")
    return OpenDeal(rep_id=rep_id, amount=cents_to_money(cents), close_date=day,
                    name="" if is_blank(name) else parse_text(name),
                    stage="" if is_blank(stage) else parse_text(stage),
                    probability=probability, category=category, where=row.where,
                    source=export.label)


@lru_cache(maxsize=256)
def _probability(value: Any, locale: str, percents: bool) -> Fraction:
    """``parse_probability``, remembered: an export repeats a few probabilities."""
    return parse_probability(value, locale, percents=percents)


@lru_cache(maxsize=256)
def _category(cell: Any) -> ForecastCategory | None:
    return category_of(parse_text(cell))


def unknown_categories(found: Findings, out: Collector) -> None:
    """One warning per forecast category goalreport does not know."""
    for said, cells in found.categories.items():
        more = f" (also in {', '.join(cells[1:4])}{' and more' if len(cells) > 4 else ''})" \
            if len(cells) > 1 else ""
        out.warn(cells[0], f"forecast category {said!r}{more} is not one goalreport knows "
                 "(Pipeline, Best Case, Most Likely, Commit, Omitted), so these deals take "
                 "their stage's category from the Stages sheet, else Pipeline.",
                 kind="crm forecast category")
