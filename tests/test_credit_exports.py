"""Split deals and payment dates as CRM exports carry them, on their real header rows.

Sources of the headers:
- Salesforce's OpportunitySplit object, API names and labels: "OpportunityId … SplitOwnerId
  … SplitPercentage: split percentage that this team member will receive. If the split
  type is validated to a 100% total, this number can range from 0 to 100. If the total
  isn't validated, this number can range from 0 to 1,000 … SplitTypeId: … numeric ID for
  the split type defined by the OpportunitySplitType object"
  (https://developer.salesforce.com/docs/atlas.en-us.212.0.api.meta/api/sforce_api_objects_opportunitysplit.htm);
  OpportunitySplitType: "two default split types: revenue splits, which must total 100%,
  and overlay splits, which can total any percentage", named by DeveloperName and
  MasterLabel (https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-opportunitysplittype.html).
- A warehouse copy of the object (Stitch, lower case): GitLab's dbt source model reads
  ``id, opportunityid, …, isdeleted, …, splitamount, splitnote, splitownerid,
  splitpercentage, splittypeid, …`` (ktopcuoglu/gitlab-dbt-analytics,
  transform/snowflake-dbt/models/sources/sfdc/sfdc_opportunity_split_source.sql).
- The opportunities themselves by their API names (Data Loader), as
  test_crm_real_exports' LOADER header.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from test_crm_real_exports import LOADER, read, sheets_for

from goalreport.core.engine import compute

# Three reps with their Salesforce user IDs: 15 characters on Reps, 18 in the exports (the
# 15 and Salesforce's 3-character checksum of their capitals).
REPS = [("R1", "Ana Lima", "0055g00000Ana01"), ("R2", "Ben Ode", "0055g00000Ben02"),
        ("R3", "Cy Moss", "0055g00000CyM03")]
ANA, BEN, CY = "0055g00000Ana01AAB", "0055g00000Ben02AAB", "0055g00000CyM03AAF"
# Two won opportunities of Ana's: $12,000 split 60/40 with Ben and 20 % overlay to Cy; and
# $5,000 of hers alone. One open one, split too (its splits wait).
OPPORTUNITIES = LOADER + (
    f"0065g00000Opp1AAA,Acme deal,0015g0000Acme,{ANA},Closed Won,true,true,New Business,"
    "2026-03-10,12000,USD\n"
    f"0065g00000Opp2AAA,Beta deal,0015g0000Beta,{ANA},Closed Won,true,true,New Business,"
    "2026-04-10,5000,USD\n"
    f"0065g00000Opp3AAA,Open deal,0015g0000Gamma,{ANA},Negotiation,false,false,"
    "New Business,2026-09-30,7000,USD\n")
# Data Loader's OpportunitySplit export with the split type's DeveloperName added to the
# query (SELECT Id, OpportunityId, SplitOwnerId, SplitPercentage, SplitTypeId,
# SplitType.DeveloperName FROM OpportunitySplit).
SPLITS_LOADER = (
    "Id,OpportunityId,SplitOwnerId,SplitPercentage,SplitTypeId,SplitType.DeveloperName\n"
    f"04F5g0000001AAA,0065g00000Opp1AAA,{ANA},60.00,1495g0000000AAA,Revenue\n"
    f"04F5g0000002AAA,0065g00000Opp1AAA,{BEN},40.00,1495g0000000AAA,Revenue\n"
    f"04F5g0000003AAA,0065g00000Opp1AAA,{CY},20.00,1495g0000000BBB,Overlay\n"
    f"04F5g0000004AAA,0065g00000Opp2AAA,{ANA},100.00,1495g0000000AAA,Revenue\n"
    f"04F5g0000005AAA,0065g00000Opp3AAA,{ANA},50.00,1495g0000000AAA,Revenue\n"
    f"04F5g0000006AAA,0065g00000Opp3AAA,{BEN},50.00,1495g0000000AAA,Revenue\n")


def _actuals(data) -> dict[str, tuple[Decimal, Decimal, Fraction]]:
    results = compute(data, as_of=dt.date(2026, 6, 30)).results
    return {r.rep.rep_id: (r.progress.actual, r.progress.overlay, r.progress.funnel_year.won)
            for r in results}


def test_salesforce_data_loader_splits_divide_the_opportunities(tmp_path: Path) -> None:
    # Opp1 $12,000: Ana 60 % $7,200, Ben 40 % $4,800, Cy 20 % overlay $2,400. Opp2:
    # Ana's alone ($5,000). Ana $12,200 (1.6 deals), Ben $4,800 (0.4), Cy $2,400 overlay
    # (0.2). The open Opp3's splits wait.
    data, errors, warnings = read(tmp_path, sheets_for(REPS),
                                  {"opps.csv": OPPORTUNITIES, "splits.csv": SPLITS_LOADER})
    assert errors == [] and warnings == []
    assert _actuals(data) == {
        "R1": (Decimal("12200.00"), Decimal("0.00"), Fraction(8, 5)),
        "R2": (Decimal("4800.00"), Decimal("0.00"), Fraction(2, 5)),
        "R3": (Decimal("2400.00"), Decimal("2400.00"), Fraction(1, 5))}
    assert [str(n) for n in data.notes] == [
        ("File 'opps.csv': Salesforce opportunities (API field names), 3 rows: 2 won, 0 lost, "
        "1 open."),
        ("File 'splits.csv': Salesforce opportunity splits, 6 rows: 5 revenue and 1 overlay "
        "splits."),
        ("File 'splits.csv': "
        "splits of 3 deals: 2 won or lost deals credited in shares (revenue splits add up to "
        "the deal, overlay splits count for their reps alone); 1 deal neither won nor lost "
        "here, whose splits count once they are.")]


def test_a_warehouse_copy_with_split_type_ids_named_in_settings(tmp_path: Path) -> None:
    # Stitch's lower-case columns, and only the split type's ID: Settings name which ID is
    # the overlay type (and which the revenue one). A row the CRM deleted is no split, and
    # a row pasted twice (same Id) counts once.
    splits = (
        "id,opportunityid,isdeleted,splitamount,splitownerid,splitpercentage,splittypeid\n"
        f"04F5g0000001AAA,0065g00000Opp1AAA,false,7200,{ANA},60,1495g0000000AAA\n"
        f"04F5g0000002AAA,0065g00000Opp1AAA,false,4800,{BEN},40,1495g0000000AAA\n"
        f"04F5g0000003AAA,0065g00000Opp1AAA,false,2400,{CY},20,1495g0000000BBB\n"
        f"04F5g0000003AAA,0065g00000Opp1AAA,false,2400,{CY},20,1495g0000000BBB\n"
        f"04F5g0000009AAA,0065g00000Opp1AAA,true,1200,{CY},10,1495g0000000BBB\n")
    settings = [["Revenue Split Types", "1495g0000000AAA"],
                ["Overlay Split Types", "1495g0000000BBB"]]
    data, errors, _ = read(tmp_path, sheets_for(REPS, settings=settings),
                           {"opps.csv": OPPORTUNITIES, "opportunitysplit.csv": splits})
    assert errors == []
    assert _actuals(data)["R3"] == (Decimal("2400.00"), Decimal("2400.00"), Fraction(1, 5))
    assert data.notes[1].message == (
        "Salesforce opportunity splits, 5 rows: 2 revenue and 1 overlay splits; 1 deleted in "
        "the CRM (ignored); 1 repeated (same record ID) counted once.")


def test_a_split_type_id_nobody_named_is_a_problem(tmp_path: Path) -> None:
    splits = ("Id,OpportunityId,SplitOwnerId,SplitPercentage,SplitTypeId\n"
              f"04F5g0000001AAA,0065g00000Opp1AAA,{ANA},100,1495g0000000AAA\n")
    _data, errors, _ = read(tmp_path, sheets_for(REPS),
                            {"opps.csv": OPPORTUNITIES, "splits.csv": splits})
    assert [str(e) for e in errors] == [
        ("splits.csv!E2: '1495g0000000AAA' is not a split type goalreport knows. Write revenue "
        "or overlay, or name it in Settings' Revenue Split Types or Overlay Split Types (a "
        "Salesforce SplitTypeId: export SplitType.DeveloperName beside it instead).")]


def test_a_split_owner_who_is_no_rep_counts_for_no_one(tmp_path: Path) -> None:
    # A partner's 30 % of Opp1 goes to no rep: Ana keeps 70 % ($8,400), and the deal's
    # revenue splits still add up to 100 %.
    splits = ("Id,OpportunityId,SplitOwnerId,SplitPercentage,SplitType.DeveloperName\n"
              f"04F5g0000001AAA,0065g00000Opp1AAA,{ANA},70,Revenue\n"
              "04F5g0000002AAA,0065g00000Opp1AAA,0055g00000Zed99AAA,30,Revenue\n")
    data, errors, warnings = read(tmp_path, sheets_for(REPS),
                                  {"opps.csv": OPPORTUNITIES, "splits.csv": splits})
    assert errors == []
    assert [str(w) for w in warnings] == [
        ("splits.csv!C3: split owner ID '0055g00000Zed99AAA' is not a rep: 1 split count for "
        "no one. Add them to the Reps sheet (with their CRM ID) to credit them.")]
    assert _actuals(data)["R1"] == (Decimal("13400.00"), Decimal("0.00"), Fraction(17, 10))


def test_an_export_paid_in_part_under_credit_on_paid(tmp_path: Path) -> None:
    # Custom fields a Salesforce admin adds (Paid_Date__c, Paid_Amount__c) exported beside
    # the opportunity. Opp1 $12,000 paid $3,000 on 5 May: a quarter of it counts in May;
    # Opp2 not yet paid. As of 30 June: Ana $1,800 (60 % of $3,000), Ben $1,200, Cy $600.
    opps = ("Id,Name,OwnerId,StageName,CloseDate,Amount,Paid_Date__c,Paid_Amount__c\n"
            f"0065g00000Opp1AAA,Acme deal,{ANA},Closed Won,2026-03-10,12000,2026-05-05,3000\n"
            f"0065g00000Opp2AAA,Beta deal,{ANA},Closed Won,2026-04-10,5000,,\n")
    data, errors, _ = read(tmp_path, sheets_for(REPS, settings=[["Credit On", "paid"]]),
                           {"opps.csv": opps, "splits.csv": SPLITS_LOADER})
    assert errors == []
    assert _actuals(data) == {
        "R1": (Decimal("1800.00"), Decimal("0.00"), Fraction(3, 20)),
        "R2": (Decimal("1200.00"), Decimal("0.00"), Fraction(1, 10)),
        "R3": (Decimal("600.00"), Decimal("600.00"), Fraction(1, 20))}
    waiting = {r.rep.rep_id: r.progress.not_yet_credited
               for r in compute(data, as_of=dt.date(2026, 6, 30)).results}
    # Ana: 60 % of $9,000 + $5,000; Ben 40 % of $9,000; Cy 20 % of $9,000.
    assert waiting == {"R1": Decimal("10400.00"), "R2": Decimal("3600.00"),
                       "R3": Decimal("1800.00")}
