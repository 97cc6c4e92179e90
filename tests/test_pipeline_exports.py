"""Open deals from CRM exports as they really come, for the pipeline: each export's close
date, amount, probability and forecast category columns, with the headers of the real
exports (sources above each test), worked by hand.

The workbook is tests/test_pipeline.py's: R1 Ana Lima and R2 Ben Ode, 261,000 each for
2026, deals of 10,000, close rate 1/3; R1 won 100,000 (2 Mar) and 15,000 (5 Oct) on
Activity. As Of Tuesday 20 October 2026. No Stages sheet: a deal without its own
probability takes the rep's close rate, without its own category Pipeline.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import find_problems, write_workbook

from goalreport.core.engine import compute
from goalreport.errors import Problem
from goalreport.workbook.reader import read_workbook

D = dt.date
AS_OF = D(2026, 10, 20)


def sheets(**extra: list[list[Any]]) -> dict[str, list[list[Any]]]:
    return {
        "Reps": [["Rep ID", "Name", "Team", "CRM ID"],
                 ["R1", "Ana Lima", "East", "0055g00000AnaLAAA"],
                 ["R2", "Ben Ode", "East", "0055g00000BenOAAA"]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"], ["R1", 2026, 130500, 130500, 10000],
                  ["R2", 2026, 130500, 130500, 10000]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     [D(2026, 3, 2), "R1", "won", "Zeta", "repeat", 100000],
                     [D(2026, 10, 5), "R1", "won", "Yak", "new", 15000]],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", AS_OF]],
        **extra,
    }


def run(tmp_path: Path, book: dict[str, list[list[Any]]],
        files: dict[str, str] | None = None):
    deals = []
    for name, text in (files or {}).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        deals.append(tmp_path / name)
    data = read_workbook(write_workbook(tmp_path / "team.xlsx", book), tuple(deals))
    return data, compute(data, as_of=AS_OF)


def year(computation, rep: int = 0):
    return computation.results[rep].pipeline.year


# Salesforce's opportunity report with its probability and forecast category columns:
# the labels of Opportunity.Probability ("Probability (%)") and ForecastCategoryName
# ("Forecast Category") in developer.salesforce.com's Opportunity field reference, beside
# the report columns tests/test_crm_real_exports.py takes from real reports.
SF_REPORT = '''"Opportunity Owner","Account Name","Opportunity Name","Stage","Probability (%)","Forecast Category","Amount","Close Date","Opportunity ID"
"Ana Lima","Zeta","Zeta renewal","Negotiation/Review","90","Commit","20,000.00","10/28/2026","0065g000001"
"Ana Lima","Yak","Yak pilot","Proposal/Price Quote","1","Best Case","1,000.00","11/15/2026","0065g000002"
"Ana Lima","Xeno","Xeno","Prospecting","10","Omitted","5,000.00","12/1/2026","0065g000003"
"Ana Lima","Wolf","Wolf","Closed Won","100","Closed","7,000.00","3/5/2026","0065g000004"
"Ana Lima","Vex","Vex","Qualification","20","Pipeline","3,000.00","9/30/2026","0065g000005"
'''


def test_a_salesforce_reports_probability_is_a_percent_and_its_categories_roll_up(
        tmp_path: Path) -> None:
    data, computation = run(tmp_path, sheets(), {"report.csv": SF_REPORT})
    got = year(computation)
    # Open by the year end: Zeta renewal 20,000 (90 %, Commit) and Yak pilot 1,000 (1 %:
    # a percent column, so 1 is 1 %, Best Case); Xeno omitted; Vex slipped (30 Sep).
    assert (got.deals, got.open, got.weighted) == (2, Decimal("21000.00"),
                                                   Decimal("18010.00"))
    # Won 100,000 + 15,000 typed + 7,000 Wolf from the report.
    assert (got.won, got.commit, got.best_case) == (
        Decimal("122000.00"), Decimal("142000.00"), Decimal("143000.00"))
    pipeline = computation.results[0].pipeline
    assert [(d.name, d.amount) for d in pipeline.slipped] == [("Vex", Decimal("3000.00"))]
    assert (pipeline.omitted, pipeline.sources) == (1, {"own": 4, "stage": 0,
                                                        "close rate": 0})
    assert data.notes[0].message == (
        "Salesforce opportunities report, 5 rows: 1 won, 0 lost, 4 open; new vs repeat "
        "inferred for 1 won deal (repeat when the same client won earlier).")
    assert next(n for n in computation.notes if n.where == "Pipeline").message == (
        "4 open deals (4 from File 'report.csv'); probability: their own for 4; 1 slipped "
        "(close date before As Of 2026-10-20), counted apart; 1 omitted from the forecast, "
        "left out.")


# HubSpot's deals export with the stage probability and forecast category properties as
# HubSpot labels them (n8n-io/n8n, packages/nodes-base/nodes/Hubspot/V1/
# GenericFunctions.ts: hs_deal_stage_probability "Deal Stage Probability", a 0–1
# fraction; hs_manual_forecast_category "Forecast category"), the export's other columns
# as in tests/crm_exports.py; HubSpot's category names Best case and Not forecasted.
HUBSPOT = [["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount",
            "Deal Stage Probability", "Forecast category"],
           ["1", "Alpha", "Contract sent", "2026-11-03 10:15", "Ana Lima", 12000, 0.9,
            "Commit"],
           ["2", "Beta", "Appointment scheduled", "2026-12-01 09:00", "Ana Lima", 8000, 0.2,
            "Best case"],
           ["3", "Gamma", "Qualified to buy", "2027-01-10 09:00", "Ana Lima", 4000, 0.4,
            "Pipeline"],
           ["4", "Delta", "Decision maker bought in", "2026-11-20", "Ana Lima", 2500, 0.8,
            "Not forecasted"],
           ["5", "Eps", "Presentation scheduled", None, "Ana Lima", 1000, 0.6, "Pipeline"],
           ["6", "Zed", "Contract sent", "2026-11-30", "Ben Ode", 5000, 1, "Upside"]]


def test_hubspots_probabilities_are_fractions_and_its_categories_its_own_words(
        tmp_path: Path) -> None:
    data, computation = run(tmp_path, sheets(**{"hubspot-deals": HUBSPOT}))
    got = year(computation)
    # Alpha 12,000 × 0.9 (Commit) + Beta 8,000 × 0.2 (Best case); Gamma closes in 2027,
    # Delta is not forecasted, Eps has no close date.
    assert (got.open, got.weighted) == (Decimal("20000.00"), Decimal("12400.00"))
    assert (got.commit, got.best_case) == (Decimal("127000.00"), Decimal("135000.00"))
    pipeline = computation.results[0].pipeline
    assert (pipeline.outside, pipeline.omitted) == (1, 1)
    # Ben's Zed: probability 1, a fraction column, so 100 %; 'Upside' is no category
    # goalreport knows: Pipeline, with a warning.
    ben = year(computation, 1)
    assert (ben.open, ben.weighted, ben.commit) == (Decimal("5000.00"), Decimal("5000.00"),
                                                    Decimal("0.00"))
    assert data.notes[0].message == (
        "HubSpot deals export, 6 rows: 0 won, 0 lost, 6 open; 1 open deal without a close "
        "date left out of the pipeline.")
    assert [w for w in data.warnings if w.kind == "crm forecast category"] == [Problem(
        "hubspot-deals!H7", "forecast category 'Upside' is not one goalreport knows "
        "(Pipeline, Best Case, Most Likely, Commit, Omitted), so these deals take their "
        "stage's category from the Stages sheet, else Pipeline.", "warning",
        kind="crm forecast category")]


# Pipedrive's deals export: the header of tests/test_crm_real_exports.py's Pipedrive
# export (a public Pipedrive import/export mapping) with Deal - Probability, a percent
# 0–100 ("Deal - Probability: Percent (0-100)" in a public Pipedrive field map; the same
# headers in Premium-Lithium/vercel-website, pipedrive-filter.py).
PIPEDRIVE = (
    "Deal - Title,Deal - Value,Organization,Contact person,Deal - Owner,"
    "Deal - Stage (pipeline),Deal - Expected close date,Deal - Currency of value,"
    "Deal - Creation date,Deal - Closed on,Deal - Lost reason,Deal - Probability,"
    "Deal - Status,Deal - Won time\n"
    "Kilo,4000,Kilo Ltd,Eva,Ana Lima,Proposal (Sales),2026-11-10,USD,2026-09-01,,,25,Open,\n"
    "Lima,3000,Lima Ltd,Tom,Ana Lima,Qualified (Sales),2026-12-15,USD,2026-09-02,,,,Open,\n"
    "Mike,900,Mike Ltd,Li,Ana Lima,Won (Sales),2026-10-01,USD,2026-08-01,2026-10-02,,100,"
    "Won,2026-10-02 10:00:00\n")


def test_pipedrive_open_deals_close_on_their_expected_close_date(tmp_path: Path) -> None:
    _data, computation = run(tmp_path, sheets(), {"deals-123-45.csv": PIPEDRIVE})
    got = year(computation)
    # Kilo 4,000 × 25 % = 1,000; Lima 3,000 without a probability: the close rate 1/3.
    assert (got.deals, got.open, got.weighted) == (2, Decimal("7000.00"),
                                                   Decimal("2000.00"))
    months = {m.month: m.weighted for m in computation.results[0].pipeline.months}
    assert (months[D(2026, 11, 1)], months[D(2026, 12, 1)]) == (Decimal("1000.00"),
                                                                Decimal("1000.00"))
    assert computation.results[0].pipeline.sources == {"own": 1, "stage": 0,
                                                       "close rate": 1}


# Zoho CRM's deals export: Deal Owner, Deal Name, Account Name, Stage, Closing Date,
# Amount (tests/crm_exports.py) and Probability (%), a standard field of Zoho's Deals
# (zoho.com/crm/help, "Standard fields of the Deals module").
ZOHO = [["Record Id", "Deal Owner", "Deal Name", "Account Name", "Stage", "Closing Date",
         "Amount", "Probability (%)"],
        ["zcrm_1", "Ana Lima", "North", "North Co", "Negotiation/Review", D(2026, 11, 2),
         6000, 50],
        ["zcrm_2", "Ana Lima", "South", "South Co", "Qualification", D(2026, 12, 2), 2000, 1]]


def test_zohos_probability_is_a_percent(tmp_path: Path) -> None:
    _data, computation = run(tmp_path, sheets(Deals_2026_11_18=ZOHO))
    # 6,000 × 50 % + 2,000 × 1 % (1 is 1 %: Zoho writes percents).
    assert year(computation).weighted == Decimal("3020.00")


# Odoo's crm.lead export: Salesperson, Opportunity, Customer, Expected Revenue, Stage
# (tests/crm_exports.py) and the fields date_deadline "Expected Closing" and probability
# "Probability" (0–100) of odoo/addons/crm/models/crm_lead.py.
ODOO = [["ID", "Opportunity", "Customer", "Salesperson", "Expected Revenue", "Stage",
         "Probability", "Expected Closing", "Closed Date", "Active"],
        ["__export__.crm_lead_1", "Papa", "Papa SA", "Ana Lima", 10000, "Qualified", 40,
         D(2026, 11, 5), None, "True"],
        ["__export__.crm_lead_2", "Quebec", "Quebec SA", "Ana Lima", 5000, "Won", 100,
         D(2026, 9, 1), D(2026, 9, 3), "True"]]


def test_odoo_open_leads_close_on_their_expected_closing(tmp_path: Path) -> None:
    _data, computation = run(tmp_path, sheets(**{"Pipeline (crm.lead)": ODOO}))
    got = year(computation)
    # Papa 10,000 × 40 % on 5 Nov; Quebec (Probability 100) is won on 3 Sep.
    assert (got.deals, got.open, got.weighted) == (1, Decimal("10000.00"),
                                                   Decimal("4000.00"))
    assert got.won == Decimal("120000.00")  # 100,000 + 15,000 + Quebec's 5,000


# Salesforce's API names (Data Loader, a warehouse copy): Probability (a percent) and
# ForecastCategoryName beside the fields tests/crm_exports.py uses (Opportunity object
# reference, developer.salesforce.com).
SF_API = [["Id", "Name", "AccountId", "OwnerId", "StageName", "IsWon", "IsClosed",
           "CloseDate", "Amount", "CurrencyIsoCode", "Probability", "ForecastCategoryName"],
          ["0065g01", "Romeo", "0015g01", "0055g00000AnaLAAA", "Negotiation", "false",
           "false", "2026-11-09", 8000, "USD", 75, "Best Case"],
          ["0065g02", "Sierra", "0015g02", "0055g00000BenOAAA", "Proposal", "false",
           "false", "2026-12-09", 4000, "USD", 60, "Commit"]]


def test_salesforce_api_names_give_probability_and_category(tmp_path: Path) -> None:
    _data, computation = run(tmp_path, sheets(extract=SF_API))
    ana, ben = year(computation, 0), year(computation, 1)
    assert (ana.weighted, ana.best_case - ana.commit) == (Decimal("6000.00"),
                                                          Decimal("8000.00"))
    assert (ben.weighted, ben.commit) == (Decimal("2400.00"), Decimal("4000.00"))


def test_a_deal_typed_on_the_pipeline_sheet_and_pasted_counts_once(tmp_path: Path) -> None:
    typed = [["Rep ID", "Deal", "Stage", "Amount", "Close Date", "Probability",
              "Forecast Category"],
             ["R1", "Zeta renewal", "Negotiation/Review", 20000, D(2026, 10, 28), "90%",
              "Commit"]]
    data, computation = run(tmp_path, sheets(Pipeline=typed), {"report.csv": SF_REPORT})
    # The Zeta renewal once: 21,000 as in the report alone.
    assert year(computation).open == Decimal("21000.00")
    assert [w.message for w in data.warnings if w.kind == "open deal typed and pasted"] == [
        ("1 open deal of File 'report.csv' is also typed on the Pipeline sheet (same rep, "
         "deal, close date and amount; first: Pipeline row 2) and counted once. Keep each "
         "deal in one place.")]


def test_a_pasted_export_of_open_deals_twice_counts_once(tmp_path: Path) -> None:
    """This week's export pasted below last week's, header and all (same Record IDs)."""
    twice = [*HUBSPOT[:3], [], *HUBSPOT[:3]]
    _data, computation = run(tmp_path, sheets(**{"hubspot-deals": twice}))
    assert (year(computation).deals, year(computation).open) == (2, Decimal("20000.00"))


def test_a_bad_probability_is_named_on_its_cell(tmp_path: Path) -> None:
    rows = [list(row) for row in HUBSPOT[:2]]
    rows[1][6] = "high"
    errors, _ = find_problems(write_workbook(tmp_path / "bad.xlsx",
                                             sheets(**{"hubspot-deals": rows})))
    assert errors == [Problem("hubspot-deals!G2", "'high' is not a probability. Write a "
                              "number such as 60% or 0.6.", kind="crm probability")]


@pytest.mark.parametrize(("cell", "expected"), [(0.25, Fraction(1, 4)), ("25%", Fraction(1, 4)),
                                                (25, Fraction(1, 4))])
def test_a_tables_probability_follows_the_close_rate_rule(tmp_path: Path, cell: Any,
                                                          expected: Fraction) -> None:
    """A deals table no CRM made (a BI extract): a plain number above 1 is a percent."""
    table = [["Owner", "Deal Name", "Stage", "Close Date", "Amount", "Probability"],
             ["Ana Lima", "Uno", "Proposal", D(2026, 11, 2), 1000, cell]]
    data, _computation = run(tmp_path, sheets(deals=table))
    assert [d.probability for d in data.open_deals] == [expected]
