"""CRM exports as they really come: each test is built on a real header row or
file found in public sources (cited above it), a few of its rows copied, and counted by
hand: the won, lost and open counts a person counts from the file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import write_workbook

from goalreport.errors import Problem, UnreadableWorkbook
from goalreport.workbook.reader import read_for_check

AS_OF = dt.date(2026, 6, 30)


def sheets_for(reps: list[tuple[str, str, str]], *, year: int = 2026,
               as_of: dt.date = AS_OF, settings: list[list[Any]] | None = None
               ) -> dict[str, list[list[Any]]]:
    """A workbook of ``reps`` (Rep ID, Name, CRM ID) with goals for ``year``, no deals."""
    return {
        "Reps": [["Rep ID", "Name", "Email", "Team", "CRM ID"],
                 *([rep_id, name, "", "East", crm_id] for rep_id, name, crm_id in reps)],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"], *([rep_id, year, 20000, 10000, 1000]
                                      for rep_id, _n, _c in reps)],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Hours"],
                     [dt.date(year, 1, 5), reps[0][0], "lead", "Someone", None, None, None]],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", as_of],
                     *(settings or [])],
    }


def read(tmp_path: Path, sheets: dict[str, list[list[Any]]],
         files: dict[str, str] | None = None, encoding: str = "utf-8"
         ) -> tuple[Any, list[Problem], list[Problem]]:
    """(data, errors, warnings) as ``check`` reads the workbook with ``files`` as
    ``--deals`` CSVs (name → text)."""
    deals = []
    for name, text in (files or {}).items():
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        deals.append(path)
    workbook = write_workbook(tmp_path / "team.xlsx", sheets)
    data, errors, warnings = read_for_check(workbook, tuple(deals))
    return data, list(errors), list(warnings)


def won_by_rep(data: Any) -> dict[str, tuple[Decimal, Decimal]]:
    """Rep ID → (won new amount, won repeat amount)."""
    sums: dict[str, tuple[Decimal, Decimal]] = {}
    for day in data.activity:
        new, repeat = sums.get(day.rep_id, (Decimal(0), Decimal(0)))
        sums[day.rep_id] = (new + day.won_new_amount, repeat + day.won_repeat_amount)
    return {rep: amounts for rep, amounts in sums.items() if any(amounts)}


def counts(data: Any) -> tuple[int, int]:
    """(won, lost) deals in the per-day records."""
    return (sum(d.won_new + d.won_repeat for d in data.activity),
            sum(d.lost for d in data.activity))


# --- 1. Money and date columns real reports use --------------------------------------

# A Salesforce opportunities report whose money column is "Total Amount" (the header of
# the report a user pasted twice; Salesforce report column labels as in
# help.salesforce.com's Opportunity report fields).
SF_TOTAL_AMOUNT = '''"Opportunity Owner","Account Name","Opportunity Name","Stage","Close Date","Total Amount"
"Ana Lima","Zeta Corp","Zeta renewal","Closed Won","3/5/2026","40,000.00"
"Ana Lima","Yak Ltd","Yak pilot","Closed Won","3/9/2026","24,300.00"
"Ana Lima","Xeno GmbH","Xeno","Closed Lost","3/12/2026","9,000.00"
'''


def test_total_amount_is_a_salesforce_reports_money(tmp_path: Path) -> None:
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                           {"report1764.csv": SF_TOTAL_AMOUNT})
    assert errors == []
    assert counts(data) == (2, 1)
    assert won_by_rep(data) == {"R1": (Decimal("64300.00"), Decimal(0))}  # 40,000 + 24,300


def test_the_converted_amount_wins_and_the_currency_column_is_not_checked_against_it(
        tmp_path: Path) -> None:
    """A multi-currency org's report: 'Amount Currency' EUR beside 'Amount (converted)'
    in USD (Salesforce converts at the dated rate of the close date: developer.salesforce
    .com, soql_sosl, "convertCurrency()")."""
    text = ('"Opportunity Owner","Stage","Close Date","Amount Currency","Amount",'
            '"Amount (converted) Currency","Amount (converted)"\n'
            '"Ana Lima","Closed Won","3/5/2026","EUR","1,000.00","USD","1,100.00"\n')
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                           {"report.csv": text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1100.00"), Decimal(0))}


# Pipedrive's deals export headers (a public Pipedrive import/export mapping listing the
# export's deal columns: Deal - Title, Deal - Value, Organization, Contact person, Deal -
# Owner, Deal - Stage (pipeline), Deal - Expected close date, Deal - Currency of value,
# Deal - Creation date, Deal - Closed on, Deal - Lost reason, Deal - Lost time, Deal -
# Status, Deal - Won time; found by the search index on GitHub code, and the Deal
# object's won_time / lost_time in trackit/crm-pipedrive2ace
# src/migration/datastructures/PipedriveDeal.ts). The organization column is bare.
PIPEDRIVE_HEADER = ("Deal - Title,Deal - Value,Organization,Contact person,Deal - Owner,"
                    "Deal - Stage (pipeline),Deal - Expected close date,"
                    "Deal - Currency of value,Deal - Creation date,Deal - Closed on,"
                    "Deal - Lost reason,Deal - Status,Deal - Won time")


def test_pipedrive_lost_deals_without_a_lost_time_are_dated_by_closed_on(
        tmp_path: Path) -> None:
    """This export has no 'Deal - Lost time' column: its lost deal is dated by
    'Deal - Closed on', and check says so. The second won deal of Zeta is a repeat."""
    rows = [
        ("Zeta pilot,1200,Zeta Corp,Eva,Ana Lima,Won (Sales),2026-03-01,USD,2026-01-10,"
        "2026-03-05,,Won,2026-03-05 14:02:11"),
        ("Zeta rollout,800,Zeta Corp,Eva,Ana Lima,Won (Sales),2026-04-01,USD,2026-02-10,"
        "2026-04-10,,Won,2026-04-10 09:00:00"),
        ("Yak,3000,Yak Ltd,Tom,Ana Lima,Lost (Sales),2026-04-01,USD,2026-02-11,2026-04-14,"
        "Price,Lost,"),
        ("Xeno,500,Xeno GmbH,Li,Ana Lima,Negotiation (Sales),2026-07-01,USD,2026-03-01,,,"
        "Open,"),
    ]
    text = "\n".join([PIPEDRIVE_HEADER, *rows])
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                           {"deals-123-45.csv": text})
    assert errors == []
    assert counts(data) == (2, 1)
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal("800.00"))}
    assert [day.day for day in data.activity if day.lost] == [dt.date(2026, 4, 14)]
    assert data.notes[0].message == (
        "Pipedrive deals export, 4 rows: 2 won, 1 lost, 1 open; 1 lost deal "
        "without 'Deal - Lost time' dated by 'Deal - Closed on'; new vs repeat inferred for "
        "2 won deals (repeat when the same client won earlier).")


def test_pipedrive_with_only_a_won_time_says_which_lost_date_columns_it_takes(
        tmp_path: Path) -> None:
    text = ("Deal - Title,Deal - Value,Deal - Owner,Deal - Status,Deal - Won time\n"
            "Yak,3000,Ana Lima,Lost,\nZeta,1200,Ana Lima,Won,2026-03-05 14:02:11\n"
            "Xeno,900,Ana Lima,Lost,\n")
    _data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                            {"deals.csv": text})
    assert errors == [Problem(
        "File 'deals.csv' header", "has no close date column for its lost deals. A "
        "Pipedrive deals export dates them by 'Deal - Lost time', 'Deal - Closed on', "
        "'Deal - Deal closed on', 'Deal - Close time', 'Deal - Last stage change'; export "
        "one of them with the deals, or name the column in Settings' Close Date Column.")]


# --- 2. Warehouse copies of the CRM ----------------------------------------------------

# Fivetran's Salesforce connector, as its dbt package tests it:
# fivetran/dbt_salesforce_source, integration_tests/seeds/sf_opportunity_data.csv (the
# header and its first rows, verbatim). Every row of the seed is soft-deleted
# (is_deleted true), as the package's staging model then drops.
FIVETRAN_HEADER = (
    "_fivetran_synced,account_id,amount,campaign_id,close_date,created_date,description,"
    "expected_revenue,fiscal,fiscal_quarter,fiscal_year,forecast_category,"
    "forecast_category_name,has_open_activity,has_opportunity_line_item,has_overdue_task,"
    "id,is_closed,is_deleted,is_excluded_from_territory_2_filter,is_won,last_activity_date,"
    "last_referenced_date,last_viewed_date,lead_source,name,next_step,owner_id,"
    "pricebook_2_id,probability,record_type_id,stage_name,synced_quote_id,territory_2_id,"
    "type,_fivetran_active")
FIVETRAN_ROWS = [
    ("2019-04-04 18:47:01,9CcfAt8qtZvCTwFvwOFLcg==,24120000,,2018-12-19 00:00:00,2018-12-19 "
    "19:51:13,,,JxJ3Au0JjyhOOUE/UvIeOw==,4,2018,A/SkeDD5c3ejUyEFFoUHHg==,A/SkeDD5c3ejUyEFFoU"
    "HHg==,false,true,false,006q000000HddohAAB,true,true,,true,,,,TDK+SgtPSM3Vk67zX9aeRA==,"
    "$1m deal,,rQhle3uwQbFgFmLTF1WByg==,lNUPfU1ue2nQimeN6QVNKQ==,100.0,3QOHd+Q7F28PJtnwztV09"
    "Q==,GavUFuuf4DrnQAoiRGlWpQ==,,,+Gkf6SQ2fhAONAiFelNKVw==,true"),
    ("2019-04-04 18:47:01,wfQo3+JVfsNIdcz/mUkZkA==,,,2018-12-18 00:00:00,2018-12-18 21:21:17,"
    ",,JxJ3Au0JjyhOOUE/UvIeOw==,4,2018,A/SkeDD5c3ejUyEFFoUHHg==,A/SkeDD5c3ejUyEFFoUHHg==,"
    "false,false,false,006q000000HdPzpAAF,true,true,,true,,,,Fbu50LvyXo0peN4RaMdJ3A==,"
    "Testing Opp Close,,nqxS50kwRjtOYb9ZB4/PoQ==,,100.0,3QOHd+Q7F28PJtnwztV09Q==,GavUFuuf4Dr"
    "nQAoiRGlWpQ==,,,+Gkf6SQ2fhAONAiFelNKVw==,true"),
    ("2019-04-04 18:47:01,TK5MTSsiOYoDQoJiSbkugA==,200000,,2018-11-21 00:00:00,2018-11-14 "
    "19:12:53,,,JxJ3Au0JjyhOOUE/UvIeOw==,4,2018,AloDHjNI+wntE4Eetriz+w==,AloDHjNI+wntE4Eetr"
    "iz+w==,false,false,false,006q000000HK8jdAAD,true,true,,false,,,,MfuqnemFQBY2RwqM7YBkK"
    "A==,Evergreen Test,,QEaGoY7B8nGfro2vhOCMvA==,,0.0,14mxIBMk0YX2Gz0r1Ktsuw==,tXi3M8u3iPxq"
    "0ggxTSxMKw==,,,+Gkf6SQ2fhAONAiFelNKVw==,true"),
    ("2019-04-04 18:47:01,wIXkC/s93lDAT+HVkwv6+A==,210000,,2018-12-19 00:00:00,2018-12-18 "
    "17:56:05,,,JxJ3Au0JjyhOOUE/UvIeOw==,4,2018,rq6uxRtOa4gSLxCtlqjecg==,rq6uxRtOa4gSLxCtlq"
    "jecg==,false,true,false,006q000000HdOhuAAF,false,true,,false,,,,Fbu50LvyXo0peN4RaMdJ3A"
    "==,Testing Order from Process,,dVDxbGz10nJ2mKU213GZRQ==,5x2qfGToAOo3bmSNM8fPjg==,65.0,3"
    "QOHd+Q7F28PJtnwztV09Q==,9RN9J3tlxr89gDctReax5w==,,,+Gkf6SQ2fhAONAiFelNKVw==,false"),
]
# The owners' (hashed) user IDs are the reps' CRM IDs.
FIVETRAN_REPS = [("R1", "Rhea One", "rQhle3uwQbFgFmLTF1WByg=="),
                 ("R2", "Nils Two", "nqxS50kwRjtOYb9ZB4/PoQ=="),
                 ("R3", "Quinn Three", "QEaGoY7B8nGfro2vhOCMvA=="),
                 ("R4", "Dana Four", "dVDxbGz10nJ2mKU213GZRQ==")]


def test_a_fivetran_opportunity_table_is_read_by_its_api_names(tmp_path: Path) -> None:
    """As the seed is: 4 rows, all deleted in Salesforce: no deal counts."""
    sheets = sheets_for(FIVETRAN_REPS, year=2018, as_of=dt.date(2018, 12, 31))
    text = "\n".join([FIVETRAN_HEADER, *FIVETRAN_ROWS])
    data, errors, _ = read(tmp_path, sheets, {"sf_opportunity_data.csv": text})
    assert errors == []
    assert counts(data) == (0, 0)
    assert data.notes[0].message == (
        "Salesforce opportunities (API field names), 4 rows: 0 won, 0 lost, 0 open; "
        "4 deleted in the CRM (ignored).")


def test_the_fivetran_rows_once_the_deleted_flag_is_dropped(tmp_path: Path) -> None:
    """The staging model's columns (is_deleted and _fivetran_active dropped): by is_won and
    is_closed, row 1 and 2 are won, row 3 lost, row 4 (is_closed false) open. Row 2's
    amount is empty, and the seed's types are hashed: problems on their cells, but the
    won deals are still won in the count."""
    header = FIVETRAN_HEADER.split(",")
    keep = [i for i, name in enumerate(header) if name not in ("is_deleted",
                                                               "_fivetran_active")]
    rows = [[row.split(",")[i] for i in keep] for row in [FIVETRAN_HEADER, *FIVETRAN_ROWS]]
    text = "\n".join(",".join(row) for row in rows)
    sheets = sheets_for(FIVETRAN_REPS, year=2018, as_of=dt.date(2018, 12, 31))
    data, errors, _ = read(tmp_path, sheets, {"stg_salesforce__opportunity.csv": text})
    assert sorted((e.where, e.message[:40]) for e in errors) == [
        ("stg_salesforce__opportunity.csv!AH2", "'+Gkf6SQ2fhAONAiFelNKVw==' is not a deal"),
        ("stg_salesforce__opportunity.csv!AH3", "'+Gkf6SQ2fhAONAiFelNKVw==' is not a deal"),
        ("stg_salesforce__opportunity.csv!C3", "the amount of this won deal is missing. ")]
    assert data.notes[0].message.startswith(
        "Salesforce opportunities (API field names), 4 rows: 2 won, 1 lost, 1 open"
        "")
    # Without the (hashed) type column, R1's $1m deal counts: 24,120,000,
    # inferred new; R3's lost deal is on 2018-11-21.
    header = [name for name in rows[0] if name != "type"]
    rows = [[cell for name, cell in zip(rows[0], row, strict=True) if name != "type"]
            for row in rows]
    text = "\n".join(",".join(row) for row in rows)
    (tmp_path / "b").mkdir()
    data, errors, _ = read(tmp_path / "b", sheets, {"stg.csv": text})
    assert [e.where for e in errors] == ["stg.csv!C3"]
    assert len(header) == len(rows[1])
    assert won_by_rep(data) == {"R1": (Decimal("24120000.00"), Decimal(0))}
    assert [(d.rep_id, d.day) for d in data.activity if d.lost] == [
        ("R3", dt.date(2018, 11, 21))]


# --- 3. Owner IDs as the CRM writes them -----------------------------------------------

# Salesforce's 15- and 18-character forms of one ID, as its documentation gives them
# ("0015000000Gv7qJ" is "0015000000Gv7qJAAR" case-safe); the 18-character one is what
# exports and Data Loader write, the 15 what the record's URL shows (the Reps sheet).
SF_ID_15, SF_ID_18 = "0015000000Gv7qJ", "0015000000Gv7qJAAR"
# A Data Loader opportunity extract's header (the Opportunity object's API names, as in
# docs/crm-exports.md's sources).
LOADER = ("Id,Name,AccountId,OwnerId,StageName,IsWon,IsClosed,Type,CloseDate,Amount,"
          "CurrencyIsoCode\n")


def test_an_18_character_owner_id_matches_the_15_character_crm_id(tmp_path: Path) -> None:
    text = LOADER + (f"0065g00000AAA1AAA,Zeta deal,0015g0000Zeta,{SF_ID_18},Closed Won,"
                     "true,true,New Business,2026-03-05,1200,USD\n")
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", SF_ID_15)]),
                           {"extract.csv": text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal(0))}


# Zoho CRM deals exports: the owner as "zcrm_<ID>" where the user's URL shows the bare
# number (a public Zoho import script strips the prefix: "Get owner email (strip zcrm_
# prefix) … clean_zoho_id(row.get('Deal Owner.id'))"), and an export with the owner ID
# alone; its header verbatim from a public Zoho migration script (search index, GitHub
# code): "Record Id, Deal Owner.id, Amount, Deal Name, Closing Date, Account Name.id,
# Stage, Invoiced Items".
ZOHO_ID_ONLY = "Record Id,Deal Owner.id,Amount,Deal Name,Closing Date,Account Name.id,Stage,Invoiced Items\n"


def test_a_zoho_export_with_only_the_owner_id_and_the_zcrm_prefix(tmp_path: Path) -> None:
    text = ZOHO_ID_ONLY + (
        "zcrm_4150868000001100001,zcrm_4150868000000224005,1200,Zeta deal,2026-03-05,"
        "zcrm_4150868000000901001,Closed Won,\n"
        "zcrm_4150868000001100002,zcrm_4150868000000224005,800,Zeta again,2026-04-10,"
        "zcrm_4150868000000901001,Closed Won,\n"
        "zcrm_4150868000001100003,zcrm_4150868000000224006,3000,Yak deal,2026-04-14,"
        "zcrm_4150868000000901002,Closed Lost,\n")
    reps = [("R1", "Ana Lima", "4150868000000224005"), ("R2", "Ben Ode", "4150868000000224006")]
    data, errors, _ = read(tmp_path, sheets_for(reps), {"Deals_2026_06_30.csv": text})
    assert errors == []
    assert counts(data) == (2, 1)
    # The same account (Account Name.id) won on 5 March, so 10 April's win is a repeat.
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal("800.00"))}
    assert data.notes[0].message == (
        "Zoho CRM deals export, 3 rows: 2 won, 1 lost, 0 open; new vs repeat "
        "inferred for 2 won deals (repeat when the same client won earlier).")


def test_an_owner_id_and_a_name_naming_two_reps_is_a_problem_saying_which(
        tmp_path: Path) -> None:
    text = ("Record Id,Deal Owner,Deal Owner.id,Deal Name,Stage,Closing Date,Amount\n"
            "zcrm_1,Ben Ode,zcrm_4150868000000224005,Zeta deal,Closed Won,2026-03-05,1200\n")
    reps = [("R1", "Ana Lima", "4150868000000224005"), ("R2", "Ben Ode", "4150868000000224006")]
    _data, errors, _ = read(tmp_path, sheets_for(reps), {"Deals.csv": text})
    assert errors == [Problem(
        "Deals.csv!C2", "owner ID 'zcrm_4150868000000224005' is the CRM ID of Ana Lima (R1) "
        "but the owner name 'Ben Ode' is Ben Ode (R2): the ID matched one rep and the name "
        "another. Correct the CRM ID on the Reps sheet, or the owner in the CRM.")]


def test_an_owner_id_in_no_crm_id_beside_a_reps_name_counts_for_that_rep(
        tmp_path: Path) -> None:
    """The Reps sheet's CRM IDs are another CRM's (a team moving from Salesforce to Zoho):
    the name decides, as it does when no ID matches."""
    text = ("Record Id,Deal Owner,Deal Owner.id,Deal Name,Stage,Closing Date,Amount\n"
            "zcrm_1,Ana Lima,zcrm_4150868000000999999,Zeta deal,Closed Won,2026-03-05,1200\n")
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", SF_ID_15)]),
                           {"Deals.csv": text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal(0))}


# --- 4. Custom columns named in Settings ----------------------------------------------

def test_settings_name_the_custom_columns_and_the_type_values(tmp_path: Path) -> None:
    """A Pipedrive team's custom fields (Pipedrive exports custom fields as "Deal - <field
    name>" beside the standard ones): new vs repeat in 'Deal - Client kind', the close
    date in 'Deal - Closing Date', the money in 'Deal - Discounted amount'."""
    text = ("Deal - ID,Deal - Title,Deal - Owner,Organization,Deal - Value,"
            "Deal - Discounted amount,Deal - Status,Deal - Won time,Deal - Closing Date,"
            "Deal - Client kind\n"
            "1,Zeta,Ana Lima,Zeta Corp,1500,1200,Won,2026-03-09 10:00:00,2026-03-05,First order\n"
            "2,Yak,Ana Lima,Yak Ltd,1000,800,Won,2026-04-12 10:00:00,2026-04-10,Reorder\n")
    settings = [["Type Column", "Deal - Client kind"], ["Close Date Column", "Deal - Closing Date"],
                ["Amount Column", "deal - discounted amount"], ["New Types", "First order"],
                ["Repeat Types", "Reorder; Top-up"]]
    data, errors, warnings = read(tmp_path, sheets_for([("R1", "Ana Lima", "")],
                                                       settings=settings),
                                  {"deals.csv": text})
    assert errors == [] and warnings == []
    # Yak Ltd never won before, yet the type column says repeat: the column decides.
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal("800.00"))}
    assert sorted(d.day for d in data.activity if d.won_new or d.won_repeat) == [
        dt.date(2026, 3, 5), dt.date(2026, 4, 10)]
    assert data.notes[0].message == (
        "Pipedrive deals export, 2 rows: 2 won, 0 lost, 0 open; columns: close "
        "date 'Deal - Closing Date', amount 'Deal - Discounted amount', type "
        "'Deal - Client kind'.")


def test_a_settings_column_no_export_has_is_a_warning(tmp_path: Path) -> None:
    settings = [["Amount Column", "Deal - Discount amount"]]
    _data, errors, warnings = read(tmp_path, sheets_for([("R1", "Ana Lima", "")],
                                                        settings=settings),
                                   {"report.csv": SF_TOTAL_AMOUNT})
    assert errors == []
    assert warnings == [Problem(
        "Settings Amount Column", "names the column 'Deal - Discount amount', which no export "
        "has, so it is not read. Write the header as the export has it.", "warning")]


# --- 5. Any table of deals ---------------------------------------------------------------

# Maven Analytics' "CRM Sales Opportunities" data set, sales_pipeline.csv (header and rows
# verbatim from business-science/free_ai_training, data/sales_pipeline.csv, rows 1-4, 10
# and 12).
MAVEN = """opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value
1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054
Z063OYW0,Darcel Schlecht,GTXPro,Isdom,Won,2016-10-25,2017-03-11,4514
EC4QE1BX,Darcel Schlecht,MG Special,Cancity,Won,2016-10-25,2017-03-07,50
MV1LWRNH,Moses Frase,GTX Basic,Codehow,Won,2016-10-25,2017-03-09,588
HAXMC4IX,James Ascencio,MG Advanced,,Engaging,2016-11-03,,
KWVA7VR1,Gladys Colclough,GTXPro,Genco Pura Olive Oil Company,Lost,2016-11-04,2017-03-18,0
"""


def test_a_bi_deals_table_is_read_and_check_names_each_column(tmp_path: Path) -> None:
    """4 won, 1 lost, 1 open (Engaging). Gladys Colclough and James Ascencio are not
    reps: her lost deal and his open one are left out. Cancity won with Moses on 1 March, so Darcel's Cancity deal of 7 March is a
    repeat: Moses 1,054 + 588 new; Darcel 4,514 new and 50 repeat."""
    reps = [("R1", "Moses Frase", ""), ("R2", "Darcel Schlecht", "")]
    data, errors, warnings = read(tmp_path, sheets_for(reps, year=2017,
                                                       as_of=dt.date(2017, 6, 30)),
                                  {"sales_pipeline.csv": MAVEN})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1642.00"), Decimal(0)),
                                "R2": (Decimal("4514.00"), Decimal("50.00"))}
    assert data.notes[0].message == (
        "deals table, 6 rows: 4 won, 1 lost, 1 open; 2 deals of owners who are not "
        "reps left out; new vs repeat inferred for 4 won deals (repeat when the same client "
        "won earlier); columns: owner 'sales_agent', stage 'deal_stage', close date "
        "'close_date', amount 'close_value', client 'account'.")
    assert [w.message for w in warnings if w.where == "sales_pipeline.csv!B7"] == [
        ("deal owner 'Gladys Colclough' is not a rep: 1 deal left out. Add them to the Reps "
        "sheet to count them, or set Other Owners to error in Settings to stop instead.")]


# --- 6. Stage names with numbers -------------------------------------------------------

# A real custom HubSpot pipeline's stage labels, '#08 Contract', '#09 WON' and '#10 Closed
# lost' (denchiuten/tsQueries, reports/deal_stage_history.sql: "dps.label IN ('#09 WON',
# '#10 Closed lost')"), in a HubSpot deals export (its default columns).
HUBSPOT_CUSTOM = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount,Pipeline
101,Zeta,#09 WON,2026-03-05 10:15,Ana Lima,1200,sales pipeline v2
102,Yak,#09 WON,2026-04-10 11:00,Ana Lima,800,sales pipeline v2
103,Xeno,#10 Closed lost,2026-04-14 09:30,Ana Lima,3000,sales pipeline v2
104,Wolf,#08 Contract,2026-06-20 16:00,Ana Lima,500,sales pipeline v2
"""


def test_stages_holding_the_word_won_or_lost_are_read_so_and_said_once(
        tmp_path: Path) -> None:
    data, errors, warnings = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                                  {"hubspot-crm-exports-all-deals.csv": HUBSPOT_CUSTOM})
    assert errors == [] and warnings == []
    assert counts(data) == (2, 1)
    assert data.notes[0].message == (
        "HubSpot deals export, 4 rows: 2 won, 1 lost, 1 open; stage '#09 WON' "
        "read as won; stage '#10 Closed lost' read as lost; no client column, so new vs "
        "repeat cannot be inferred: 2 won deals counted as new (export the account or "
        "organization column, or a type column).")


def test_settings_won_and_lost_stages_beat_a_stages_words(tmp_path: Path) -> None:
    """Settings say '#08 Contract' is won and '#09 WON' (say, won but unpaid) is lost."""
    settings = [["Won Stages", "#08 Contract"], ["Lost Stages", "#09 won"]]
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")], settings=settings),
                           {"deals.csv": HUBSPOT_CUSTOM})
    assert errors == []
    assert counts(data) == (1, 3)  # #08 won; both #09 and #10 lost
    assert "read as" not in data.notes[0].message.replace("'#10 Closed lost' read as", "")


# --- 7. Clients for new vs repeat --------------------------------------------------------

# Bigin's deals export (its header verbatim from a public Bigin migration's CSV type: 'Deal
# Id','Deal Owner.id','Deal Owner','Deal Name','Company Name.id','Company Name','Contact
# Name.id','Contact Name','Sub-Pipeline','Amount','Stage','Closing Date').
BIGIN = ("Deal Id,Deal Owner.id,Deal Owner,Deal Name,Company Name.id,Company Name,"
         "Contact Name.id,Contact Name,Sub-Pipeline,Amount,Stage,Closing Date\n"
         "zcrm_1,zcrm_9,Ana Lima,Zeta 1,zcrm_51,Zeta Corp,zcrm_61,Eva,Sales Standard,1200,"
         "Closed Won,2026-03-05\n"
         "zcrm_2,zcrm_9,Ana Lima,Zeta 2,zcrm_51,Zeta Corp,zcrm_61,Eva,Sales Standard,800,"
         "Closed Won,2026-04-10\n")
# Odoo's CRM pipeline export with the partner column as Odoo names the field (partner_id,
# "Partner" in list views exported with technical labels).
ODOO = ("Opportunity,Partner,Salesperson,Expected Revenue,Stage,Probability,Closed Date\n"
        "Zeta 1,Azure Interior,Ana Lima,1200,Won,100,2026-03-05 16:20:00\n"
        "Zeta 2,Azure Interior,Ana Lima,800,Won,100,2026-04-10 16:20:00\n")


@pytest.mark.parametrize(("name", "text", "title"), [
    ("bigin.csv", BIGIN, "Bigin deals export"),
    ("odoo.csv", ODOO, "Odoo CRM opportunities export"),
])
def test_the_client_column_makes_a_second_win_a_repeat(name: str, text: str, title: str,
                                                       tmp_path: Path) -> None:
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]), {name: text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal("800.00"))}
    assert data.notes[0].message.startswith(f"{title}, 2 rows: 2 won, 0 lost, 0 open")


def test_without_a_client_column_check_does_not_claim_the_inference(tmp_path: Path) -> None:
    text = ("Deal - Title,Deal - Owner,Deal - Value,Deal - Status,Deal - Won time\n"
            "Zeta 1,Ana Lima,1200,Won,2026-03-05 14:02:11\n"
            "Zeta 2,Ana Lima,800,Won,2026-04-10 14:02:11\n")
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                           {"deals.csv": text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("2000.00"), Decimal(0))}
    assert data.notes[0].message == (
        "Pipedrive deals export, 2 rows: 2 won, 0 lost, 0 open; no client column, "
        "so new vs repeat cannot be inferred: 2 won deals counted as new (export the account "
        "or organization column, or a type column).")


# --- 8. Other owners -----------------------------------------------------------------------

ALL_DEALS = """Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount
1,Zeta,Closed won,2026-03-05,Ana Lima,1200
2,Yak,Closed won,2026-03-06,Carla Ruiz,1500
3,Wolf,Closed won,2026-03-07,Carla Ruiz,700
4,Xeno,Closed lost,2026-03-08,Carla Ruiz,900
5,Oak,Closed lost,2026-03-09,Manager Mo,100
"""


def test_deals_of_owners_who_are_not_reps_are_left_out_one_warning_each(
        tmp_path: Path) -> None:
    """Carla: 3 deals, 2 won for 1,500 + 700 = 2,200; Mo: 1 lost deal."""
    data, errors, warnings = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                                  {"all-deals.csv": ALL_DEALS})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("1200.00"), Decimal(0))}
    assert warnings == [
        Problem("all-deals.csv!E3", "deal owner 'Carla Ruiz' is not a rep: 3 deals, 2 won "
                "for USD 2,200.00 (also in all-deals.csv!E4, all-deals.csv!E5) left out. Add "
                "them to the Reps sheet to count them, or set Other Owners to error in "
                "Settings to stop instead.", "warning"),
        Problem("all-deals.csv!E6", "deal owner 'Manager Mo' is not a rep: 1 deal left out. "
                "Add them to the Reps sheet to count them, or set Other Owners to error in "
                "Settings to stop instead.", "warning"),
    ]
    assert "; 4 deals of owners who are not reps left out" in data.notes[0].message


def test_other_owners_error_keeps_them_input_problems(tmp_path: Path) -> None:
    _data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")],
                                                 settings=[["Other Owners", "error"]]),
                            {"all-deals.csv": ALL_DEALS})
    assert [e.where for e in errors] == ["all-deals.csv!E3", "all-deals.csv!E6"]
    assert errors[0].message.startswith("deal owner 'Carla Ruiz' (also in all-deals.csv!E4, "
                                        "all-deals.csv!E5) is not a rep")


# --- 9. A report pasted twice ------------------------------------------------------------

# A Salesforce opportunities report with no record ID and an Age column (report columns
# as a user pasted them), last week's rows and this week's pasted below, header and all.
SF_WEEK_1 = [["Opportunity Owner", "Account Name", "Opportunity Name", "Stage", "Close Date",
              "Age", "Amount"],
             ["Ana Lima", "Zeta Corp", "Zeta renewal", "Closed Won", dt.date(2026, 3, 5), 12,
              40000],
             ["Ana Lima", "Yak Ltd", "Yak pilot", "Closed Won", dt.date(2026, 3, 9), 30, 24300]]


def test_a_report_pasted_twice_counts_each_deal_once_and_says_so(tmp_path: Path) -> None:
    """64,300 won (40,000 + 24,300), not 128,600: this week's Age is a week older."""
    week_2 = [SF_WEEK_1[0], *([*row[:5], row[5] + 7, row[6]] for row in SF_WEEK_1[1:]),
              ["Ana Lima", "Wolf AG", "Wolf", "Proposal", dt.date(2026, 7, 15), 3, 5000]]
    sheets = sheets_for([("R1", "Ana Lima", "")])
    sheets["SF export"] = [*SF_WEEK_1, [], *week_2]
    data, errors, _ = read(tmp_path, sheets)
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("64300.00"), Decimal(0))}
    assert data.notes[0].message == (
        "Salesforce opportunities report, 5 rows: 2 won, 0 lost, 1 open; 2 "
        "repeated (same owner, client, deal name, close date, amount and stage) counted "
        "once; new vs repeat inferred for 2 won deals (repeat when the same client won "
        "earlier).")


# --- 10. Footers and totals ----------------------------------------------------------------

# A Salesforce "details only" CSV ends with the grand total and the report's footer: the
# company, "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
# "Confidential Information - Do Not Distribute" and "Generated By: …" (the
# footer is described in "Salesforce CSV Format for Report Exports Is Not IETF RFC
# 4180-compliant", frombelvideres4thfloor.blogspot.com/2010/08, and the grand total line
# is the one a public report reader strips: '"Grand Totals (5700 records)"').
SF_DETAILS = '''"Opportunity Owner","Account Name","Opportunity Name","Stage","Close Date","Amount"
"Ana Lima","Zeta Corp","Zeta renewal","Closed Won","3/5/2026","40,000.00"
"Ana Lima","Yak Ltd","Yak pilot","Closed Won","3/9/2026","24,300.00"
"Ana Lima","Xeno GmbH","Xeno","Closed Lost","3/12/2026","9,000.00"

"Grand Totals (3 records)","","","","","73,300.00"

"Acme Inc"
"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."
"Confidential Information - Do Not Distribute"
"Generated By:  Jane Doe  6/30/2026, 9:14 AM"
'''


def test_a_reports_footer_and_totals_are_not_deals(tmp_path: Path) -> None:
    data, errors, warnings = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                                  {"report1764.csv": SF_DETAILS})
    assert errors == [] and warnings == []
    assert counts(data) == (2, 1)
    assert won_by_rep(data) == {"R1": (Decimal("64300.00"), Decimal(0))}
    assert data.notes[0].message == (
        "Salesforce opportunities report, 3 rows: 2 won, 1 lost, 0 open; new vs "
        "repeat inferred for 2 won deals (repeat when the same client won earlier); 5 footer "
        "or total lines skipped.")


# --- 11. Meetings not yet held -------------------------------------------------------------

def test_activities_without_a_done_flag_are_held_when_dated_by_as_of(tmp_path: Path) -> None:
    """A Pipedrive activities export without 'Activity - Done' (its columns as Pipedrive
    names them: Activity - Subject, - Type, - Due date, - Assigned to user, - Organization):
    the meeting of 20 June is held by As Of (30 June); the one of 2 July is not."""
    text = ("Activity - ID,Activity - Subject,Activity - Type,Activity - Assigned to user,"
            "Activity - Due date,Activity - Organization\n"
            "1,Intro,Meeting,Ana Lima,2026-06-20,Zeta Corp\n"
            "2,Demo,Meeting,Ana Lima,2026-07-02,Yak Ltd\n")
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                           {"activities.csv": text})
    assert errors == []
    assert [(d.day, d.meetings) for d in data.activity if d.meetings] == [
        (dt.date(2026, 6, 20), 1)]
    assert data.notes[0].message == (
        "Pipedrive activities export, 2 rows: 1 meeting held, 1 other (ignored); no done "
        "column, so meetings dated on or before 2026-06-30 count as held.")


# --- 12. Other currencies ------------------------------------------------------------------

def test_a_deal_in_another_currency_is_converted_at_the_rate_of_its_close_date(
        tmp_path: Path) -> None:
    """EUR rates (as Salesforce's dated exchange rates: how many euros one dollar buys,
    from a day on): 0.90 from 1 January, 0.80 from 1 April. The 5 March deal: 1,200 / 0.9
    = 1,333.33; the 10 April deal: 800 / 0.8 = 1,000.00; the USD one counts as it is."""
    text = ("Record Id,Deal Owner,Deal Name,Account Name,Stage,Closing Date,Amount,Currency\n"
            "zcrm_1,Ana Lima,Zeta 1,Zeta Corp,Closed Won,2026-03-05,1200,EUR\n"
            "zcrm_2,Ana Lima,Yak,Yak Ltd,Closed Won,2026-04-10,800,EUR\n"
            "zcrm_3,Ana Lima,Wolf,Wolf Inc,Closed Won,2026-04-11,500,USD\n")
    sheets = sheets_for([("R1", "Ana Lima", "")])
    sheets["Exchange Rates"] = [["Currency", "Rate", "From"], ["EUR", 0.9, dt.date(2026, 1, 1)],
                                ["EUR", 0.8, dt.date(2026, 4, 1)]]
    data, errors, _ = read(tmp_path, sheets, {"Deals.csv": text})
    assert errors == []
    assert won_by_rep(data) == {"R1": (Decimal("2833.33"), Decimal(0))}
    assert data.notes[0].message == (
        "Zoho CRM deals export, 3 rows: 3 won, 0 lost, 0 open; 1 amount converted "
        "from EUR at 0.9 (from 2026-01-01); 1 amount converted from EUR at 0.8 (from "
        "2026-04-01); new vs repeat inferred for 3 won deals (repeat when the same client "
        "won earlier).")
    # A deal before any EUR rate is in force: an input problem naming the sheet to fill.
    early = text.replace("2026-03-05", "2025-12-20")
    (tmp_path / "b").mkdir()
    _data, errors, _ = read(tmp_path / "b", sheets, {"Deals.csv": early})
    assert errors == [Problem(
        "Deals.csv!G2", "'1200' is in EUR (Deals.csv!H2 says 'EUR'); this workbook counts "
        "USD (Settings Currency). Convert it, or change Currency. Salesforce and HubSpot can "
        "export the amounts converted to the company currency. Or add a rate for EUR in "
        "force on 2025-12-20 to the 'Exchange Rates' sheet (Currency, Rate, From).")]


# --- 13. Messages name what was recognised, once ----------------------------------------

def test_no_amount_column_names_the_format_and_its_headers_once(tmp_path: Path) -> None:
    text = ("Record ID,Deal Name,Deal Stage,Close Date,Deal owner\n"
            "1,Zeta,Closed won,2026-03-05,Ana Lima\n2,Yak,Closed won,2026-03-06,Ana Lima\n")
    _data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                            {"deals.csv": text})
    assert errors == [Problem(
        "File 'deals.csv' header", "has no amount column. A HubSpot deals export has the "
        "amount in one of: 'Amount in company currency', 'Amount'; export it with the "
        "deals, or name its column in Settings' Amount Column.")]


# --- Real files lacking what is needed -------------------------------------------------

# Fivetran's HubSpot connector as its dbt package tests it: fivetran/dbt_hubspot_source,
# integration_tests/seeds/deal_data.csv (header and rows 23-25 verbatim): no stage, no
# close date, no amount on any row. No deal is closed, so none is won or lost.
HUBSPOT_FIVETRAN = """deal_id,is_deleted,deal_pipeline_id,deal_pipeline_stage_id,owner_id,portal_id,property_dealname,property_description,property_amount,property_closedate,property_createdate
2392872971,false,,,35252170,4727653,3299bfc43f7022de0c9b160b8514217a,,,,2020-07-09 20:15:11
3555117472,false,,,35252170,4727653,9d5bce9dbcf730760da05e15d5780ee8,,,,2020-12-02 18:37:16
1521493450,false,,,37790786,4727653,4dbcabc36590c987b39f1c1ccc231ea5,,,,2020-02-06 04:12:22
"""


def test_fivetrans_hubspot_deals_without_stages_are_all_open(tmp_path: Path) -> None:
    data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "35252170")]),
                           {"deal_data.csv": HUBSPOT_FIVETRAN})
    assert errors == []
    assert data.notes[0].message == (
        "deals table, 3 rows: 0 won, 0 lost, 3 open; 1 deal of owners who are not reps "
        "left out; 2 open deals without a close date left out of the pipeline; columns: "
        "owner ID 'owner_id', stage 'deal_pipeline_stage_id', close date 'property_closedate', "
        "amount 'property_amount'.")


def test_a_deals_export_without_any_close_date_says_what_to_add(tmp_path: Path) -> None:
    """A HubSpot deals export a team made without Close Date (header verbatim from a
    public HubSpot deals-to-queue importer's test, search index, GitHub code)."""
    text = ("Record ID,Deal Name,Region,Deal Stage,Solution,SOW,Active Status,Deal owner,"
            "Channel,Amount,Associated Note,Deal Associate,Is closed lost,Associated Note IDs\n"
            "1,RPG Lifescience,India,Won,T,S,Active,a@x,D,100,n,a,false,1\n")
    _data, errors, _ = read(tmp_path, sheets_for([("R1", "Ana Lima", "")]),
                            {"deals.csv": text})
    assert errors == [Problem(
        "deals.csv", "has record ID 'Record ID', owner 'Deal owner', stage 'Deal Stage', "
        "amount 'Amount', deal name 'Deal Name', but no close date or won date column, so "
        "its deals cannot be counted. Export the deals with their close date or won date, "
        "or name the column in Settings (Stage Column, Close Date Column, Owner Column); see "
        "docs/crm-exports.md.")]


def test_docs_list_every_header_and_setting_accepted() -> None:
    """docs/crm-exports.md names every header each format reads and every Settings entry
    that names a column (its table is generated from ``formats``)."""
    from goalreport.workbook.crm.formats import FORMATS
    from goalreport.workbook.schema import CRM_COLUMN_SETTINGS

    text = (Path(__file__).resolve().parent.parent / "docs" / "crm-exports.md").read_text()
    missing = [f"{fmt.key}: {name}" for fmt in FORMATS for names in fmt.roles.values()
               for name in names if f"`{name}`" not in text]
    assert missing == []
    assert all(f"| {title} Column |" in text for _role, title, *_ in CRM_COLUMN_SETTINGS)
    assert all(f"| {name} |" in text for name in ("New Types", "Repeat Types", "Other Owners"))


def test_the_chunked_reading_gives_what_row_by_row_reading_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Maven's rows (1,500 copies with new IDs, filling several chunks, and one copy again
    at the end, whose chunk repeats IDs and goes row by row) read with the fast path and
    without it: the same records, notes and problems."""
    from goalreport.workbook.crm import fastpath

    header, *rows = MAVEN.strip().splitlines()
    many = [header] + [f"{n}{row}" for n in range(1500) for row in rows] + [
        f"7{row}" for row in rows]
    text = "\n".join(many) + "\n"
    reps = [("R1", "Moses Frase", ""), ("R2", "Darcel Schlecht", "")]
    sheets = sheets_for(reps, year=2017, as_of=dt.date(2017, 6, 30))
    fast = read(tmp_path, sheets, {"sales_pipeline.csv": text})
    monkeypatch.setattr(fastpath, "read_chunk", lambda reader, chunk: False)
    (tmp_path / "slow").mkdir()
    slow = read(tmp_path / "slow", sheets, {"sales_pipeline.csv": text})
    assert fast[0].activity == slow[0].activity
    assert fast[0].notes == slow[0].notes
    assert (fast[1], fast[2]) == (slow[1], slow[2])
    # 1,500 copies of 4 won, 1 lost, 1 open, and the 6 rows once more (repeats); the lost
    # and the open deal of owners who are not reps are left out.
    assert fast[0].notes[0].message.startswith(
        "deals table, 9,006 rows: 6,000 won, 1,500 lost, 1,500 open; 3,000 deals "
        "of owners who are not reps left out; 6 repeated (record already read) counted once")


# --- Deals files that are not what they seem -----------------------

def test_broken_utf16_is_one_line(tmp_path: Path) -> None:
    """A UTF-16 byte-order mark, then a lone high surrogate: not text."""
    path = tmp_path / "deals.csv"
    path.write_bytes(b"\xff\xfe" + "Deal - Owner,Deal - Status\n".encode("utf-16-le")
                     + b"\x00\xd8A\x00")
    workbook = write_workbook(tmp_path / "team.xlsx", sheets_for([("R1", "Ana Lima", "")]))
    with pytest.raises(UnreadableWorkbook) as raised:
        read_for_check(workbook, (path,))
    assert str(raised.value) == ("deals.csv: is not readable UTF-16 text (a broken "
                                 "character). Export it again from the CRM.")


def test_a_deals_file_one_byte_over_the_limit_is_refused(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from goalreport.workbook.crm import csvfile

    monkeypatch.setattr(csvfile, "MAX_CSV_BYTES", len(SF_TOTAL_AMOUNT.encode()) - 1)
    workbook = write_workbook(tmp_path / "team.xlsx", sheets_for([("R1", "Ana Lima", "")]))
    path = tmp_path / "report.csv"
    path.write_text(SF_TOTAL_AMOUNT)
    with pytest.raises(UnreadableWorkbook) as raised:
        read_for_check(workbook, (path,))
    assert str(raised.value).startswith("report.csv: is larger than 0 MB, the most a deals "
                                        "file may be.")
