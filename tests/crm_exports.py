"""Small CRM deal exports for the tests, with headers as each CRM writes them.

Every export holds the same five deals (``DEALS``); ``typed_activity`` is what a manager
would have typed into Activity for them. Header names follow each CRM's documented export
(see docs/crm-exports.md for the sources).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class D:
    """One deal: outcome won / lost / open."""

    record: str
    owner: str
    day: dt.date
    client: str
    outcome: str
    amount: float
    client_type: str  # new / repeat (what Activity says)


DEALS = (
    D("1001", "Ana Lima", dt.date(2026, 3, 5), "Zeta Corp", "won", 1200, "new"),
    D("1002", "Ana Lima", dt.date(2026, 4, 10), "Zeta Corp", "won", 800, "repeat"),
    D("1003", "Ben Ode", dt.date(2026, 4, 14), "Yak Ltd", "lost", 3000, ""),
    D("1004", "Ben Ode", dt.date(2026, 5, 20), "Yak Ltd", "won", 2500.5, "new"),
    D("1005", "Ana Lima", dt.date(2026, 6, 2), "Xeno GmbH", "open", 4000, "new"),
)
REP_IDS = {"Ana Lima": "R1", "Ben Ode": "R2"}
SF_USER_IDS = {"Ana Lima": "0055g00000AnaLAAA", "Ben Ode": "0055g00000BenOAAA"}


def base_sheets(activity: list[list[Any]] | None = None) -> dict[str, list[list[Any]]]:
    """Two reps with goals, some leads and meetings; won and lost rows as given."""
    return {
        "Reps": [["Rep ID", "Name", "Email", "Team", "CRM ID"],
                 ["R1", "Ana Lima", "ana@acme.test", "East", SF_USER_IDS["Ana Lima"]],
                 ["R2", "Ben Ode", "ben@acme.test", "East", SF_USER_IDS["Ben Ode"]]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"],
                  ["R1", 2026, 20000, 10000, 1000], ["R2", 2026, 15000, 5000, 1500]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Hours"],
                     [dt.date(2026, 2, 3), "R1", "lead", "Zeta Corp", None, None, None],
                     [dt.date(2026, 2, 4), "R2", "meeting", "Yak Ltd", None, None, None],
                     *(activity or [])],
        "Settings": [["Setting", "Value"], ["Company", "Acme"],
                     ["As Of", dt.date(2026, 6, 30)]],
    }


def typed_activity() -> list[list[Any]]:
    """The won and lost deals of ``DEALS`` as Activity rows."""
    return [[d.day, REP_IDS[d.owner], d.outcome, d.client, d.client_type or None,
             d.amount if d.outcome == "won" else None, None]
            for d in DEALS if d.outcome != "open"]


def salesforce_report(d: D) -> list[Any]:
    stage = {"won": "Closed Won", "lost": "Closed Lost", "open": "Negotiation/Review"}
    kind = {"new": "New Customer", "repeat": "Existing Customer - Upgrade"}
    return [d.owner, d.client, f"{d.client} renewal", kind.get(d.client_type, ""),
            stage[d.outcome], d.amount, f"{d.day.month}/{d.day.day}/{d.day.year}",
            f"0065g0000{d.record}AAA"]


def salesforce_loader(d: D) -> list[Any]:
    # An org that renamed its stages: IsWon/IsClosed decide, not the names.
    stage = {"won": "Signed", "lost": "Dropped", "open": "Negotiation"}
    won, closed = d.outcome == "won", d.outcome != "open"
    kind = {"new": "New Business", "repeat": "Existing Business"}
    return [f"0065g0000{d.record}AAA", f"{d.client} deal", f"0015g{d.client[:4]}AAA",
            SF_USER_IDS[d.owner], stage[d.outcome], str(won).lower(), str(closed).lower(),
            kind.get(d.client_type, ""), d.day.isoformat(), d.amount, "USD"]


def hubspot(d: D) -> list[Any]:
    stage = {"won": "Closed won", "lost": "closedlost", "open": "Contract sent"}
    kind = {"new": "New Business", "repeat": "Existing Business"}
    return [d.record, f"{d.client} deal", stage[d.outcome], f"{d.day.isoformat()} 10:15",
            d.owner, d.amount, kind.get(d.client_type, ""), d.client, "Sales Pipeline"]


def pipedrive(d: D) -> list[Any]:
    when = f"{d.day.isoformat()} 14:02:11"
    return [d.record, f"{d.client} deal", d.owner, d.client, d.amount, "USD",
            d.outcome.capitalize(), when if d.outcome == "won" else None,
            when if d.outcome == "lost" else None]


def zoho(d: D) -> list[Any]:
    stage = {"won": "Closed Won", "lost": "Closed-Lost to Competition", "open": "Negotiation"}
    kind = {"new": "New Business", "repeat": "Existing Business"}
    return [f"zcrm_572576700000{d.record}", d.owner, f"zcrm_57257670000000{len(d.owner)}",
            f"{d.client} deal", d.client, stage[d.outcome], kind.get(d.client_type, ""),
            d.day, d.amount, "USD"]


def odoo(d: D) -> list[Any]:
    stage = {"won": "Won", "lost": "Proposition", "open": "Qualified"}
    probability = {"won": 100, "lost": 0, "open": 40}
    return [f"__export__.crm_lead_{d.record}_3f9a", f"{d.client} deal", d.client, d.owner,
            d.amount, stage[d.outcome], probability[d.outcome],
            f"{d.day.isoformat()} 16:20:00" if d.outcome != "open" else None,
            "False" if d.outcome == "lost" else "True"]


#: CRM → (sheet name, header, row builder, what check calls it).
EXPORTS: dict[str, tuple[str, list[str], Callable[[D], list[Any]], str]] = {
    "salesforce_report": (
        "SF export Nov",
        ["Opportunity Owner", "Account Name", "Opportunity Name", "Type", "Stage", "Amount",
         "Close Date", "Opportunity ID"], salesforce_report, "Salesforce opportunities report"),
    "salesforce_loader": (
        "extract", ["Id", "Name", "AccountId", "OwnerId", "StageName", "IsWon", "IsClosed",
                    "Type", "CloseDate", "Amount", "CurrencyIsoCode"], salesforce_loader,
        "Salesforce opportunities (API field names)"),
    "hubspot": (
        "hubspot-crm-exports-all-deals-2",
        ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount",
         "Deal Type", "Associated Company (Primary)", "Pipeline"], hubspot,
        "HubSpot deals export"),
    "pipedrive": (
        "deals-1234567-89",
        ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Organization", "Deal - Value",
         "Deal - Currency of Value", "Deal - Status", "Deal - Won time", "Deal - Lost time"],
        pipedrive, "Pipedrive deals export"),
    "zoho": (
        "Deals_2026_11_18",
        ["Record Id", "Deal Owner", "Deal Owner.id", "Deal Name", "Account Name", "Stage",
         "Type", "Closing Date", "Amount", "Currency"], zoho, "Zoho CRM deals export"),
    "odoo": (
        "Pipeline (crm.lead)",
        ["ID", "Opportunity", "Customer", "Salesperson", "Expected Revenue", "Stage",
         "Probability", "Closed Date", "Active"], odoo, "Odoo CRM opportunities export"),
}


def export_rows(crm: str, deals: tuple[D, ...] = DEALS) -> list[list[Any]]:
    _name, header, row, _title = EXPORTS[crm]
    return [header, *(row(d) for d in deals)]
