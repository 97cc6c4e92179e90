"""A deal's probability and forecast category as people and CRMs write them.

Probabilities: ``60%``, ``0.6``, ``60`` (a plain number above 1 is a percent, as for Close
Rate), ``3/5``; 0 to 100 %. Columns whose numbers are always percents (Salesforce and
Zoho's ``Probability (%)``, Pipedrive's and Odoo's Probability) are read with
``percents=True``: there ``1`` is 1 %.

Forecast categories are Salesforce's (Omitted, Pipeline, Best Case, Most Likely, Commit,
Closed; developer.salesforce.com, OpportunityStage.ForecastCategoryName) with the names
HubSpot (Not forecasted, Best case, Commit, Closed won) and Dynamics (Committed) use for
the same things, compared ignoring case, spaces and punctuation (``best_case``,
``BestCase``); the Salesforce API's ForecastCategory calls Commit ``Forecast``. "Closed"
on a deal that is still open counts as Commit: the rep says it is done, the CRM does not
yet.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from goalreport.core.keys import stage_key
from goalreport.core.model import ForecastCategory
from goalreport.workbook.values import ValueProblem, parse_ratio, parse_text, quote

CATEGORY_WORDS: dict[str, ForecastCategory] = {
    "pipeline": "pipeline", "openpipeline": "pipeline",
    "bestcase": "best case", "mostlikely": "most likely",
    "commit": "commit", "committed": "commit", "forecast": "commit", "closed": "commit",
    "closedwon": "commit",
    "omitted": "omitted", "omit": "omitted", "notforecasted": "omitted",
    "notforecast": "omitted", "excluded": "omitted",
}
#: For messages.
CATEGORY_NAMES = "Pipeline, Best Case, Most Likely, Commit or Omitted"


def category_of(text: str) -> ForecastCategory | None:
    """The category ``text`` names, or None when it names none goalreport knows."""
    return CATEGORY_WORDS.get(stage_key(text))


def parse_category(value: Any) -> ForecastCategory:
    """A forecast category cell; anything else is a problem naming the choices."""
    found = category_of(parse_text(value))
    if found is None:
        raise ValueProblem(f"{quote(value)} is not a forecast category. Write "
                           f"{CATEGORY_NAMES}, or leave it empty for the stage's.")
    return found


def parse_probability(value: Any, locale: str, *, percents: bool = False) -> Fraction:
    """A probability of closing, 0–1 (``percents``: a plain number is a percent)."""
    probability = parse_ratio(value, locale, percent_above=0 if percents else 1,
                              what="a probability", example="60% or 0.6")
    if probability > 1:
        raise ValueProblem(f"{quote(value)} is not a probability between 0 and 100%. Write "
                           "the chance the deal closes, such as 60% or 0.6.")
    return probability
