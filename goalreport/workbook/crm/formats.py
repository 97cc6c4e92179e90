"""What each CRM's deal export looks like: its header signature and where each fact is.

An export is recognised when its header row has a column for every role of a format's
signature (the owner, the stage, the close date, …), matched by ``keys.header_key``:
case, spaces, ``_`` and ``-`` and a bracketed remark do not matter (``Deal - Owner`` is
``deal owner``, ``stage_name`` and ``StageName`` are one), except ``(converted)``. The
formats are tried in order, most specific first; the last, ``deals table``, is any table
with an owner, a stage or won flag and a close date (a BI or warehouse export, a RevOps
model). Sources of the header names are listed in docs/crm-exports.md.

A format is a mapping of roles (owner, stage, close date, amount, …) to the header names
that play them, preferred first; ``CrmFormat.columns`` turns it into role → column index
for one header, which is all the row steps (``rows.ExportRow``) read through. A column
Settings names for a role (``Amount Column``) wins over the format's own names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from goalreport.core.keys import header_key

#: What ``check`` and messages call each role.
ROLE_NAMES = {
    "owner": "owner", "owner_id": "owner ID", "stage": "stage", "status": "status",
    "is_won": "won flag", "is_closed": "closed flag", "date": "close date",
    "won_date": "won date", "lost_date": "lost date", "stage_change_date": "last stage change",
    "amount": "amount", "currency": "currency", "client": "client", "client_type": "type",
    "record_id": "record ID", "name": "deal name", "is_deleted": "deleted flag",
    "win_probability": "probability (open deals)", "forecast_category": "forecast category",
    "expected_close": "expected close date",
    "invoiced_date": "invoiced date", "paid_date": "paid date", "paid_amount": "paid amount",
    "deal_id": "opportunity ID", "percent": "split percentage", "split_type": "split type",
    "territory": "territory", "region": "region",
}


@dataclass(frozen=True)
class CrmFormat:
    """One CRM export: how to recognise it and which header plays which role."""

    key: str
    #: What ``check`` calls it: "Salesforce opportunities report".
    title: str
    #: Roles that must all have a column, each as the roles any of which will do.
    signature: tuple[tuple[str, ...], ...]
    #: role → header names, preferred first.
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: A note for ``check`` whenever this export is read.
    note: str = ""
    #: An activities export (meetings), not a deals export.
    activities: bool = False
    #: ``check`` names the column it took for each role (a table no CRM made).
    generic: bool = False
    #: An opportunity splits export (who shares each deal), not a deals export.
    splits: bool = False

    def columns(self, header: Sequence[Any], named: Mapping[str, str] | None = None
                ) -> dict[str, int]:
        """role → 0-based index in ``header`` of the preferred column present; a column
        ``named`` for a role (role → its ``header_key``) wins."""
        positions = header_positions(header)
        found: dict[str, int] = {}
        for role, names in self.roles.items():
            for name in names:
                index = positions.get(header_key(name))
                if index is not None:
                    found[role] = index
                    break
        for role, key in (named or {}).items():
            if key in positions:
                found[role] = positions[key]
        return found

    def recognises(self, header: Sequence[Any], named: Mapping[str, str] | None = None
                   ) -> bool:
        cols = self.columns(header, named)
        return all(any(role in cols for role in roles) for roles in self.signature)

    def accepted(self, role: str) -> str:
        """"'Amount', 'Total Amount'" for messages: the headers taken for ``role``."""
        return ", ".join(repr(name) for name in self.roles.get(role, ()))


def header_positions(header: Sequence[Any]) -> dict[str, int]:
    """``header_key`` of each header → its first index."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        if isinstance(title, str) and (key := header_key(title)):
            positions.setdefault(key, index)
    return positions


# Names many exports share (warehouse copies use the API names in snake_case, which
# ``header_key`` reads as the API names themselves).
_CLIENTS = ("Account Name", "Account", "Company Name", "Company", "Organization",
            "Organization Name", "Partner", "Customer", "Client", "Account Name.id",
            "Account Id", "Company Name.id")
_TYPES = ("Type", "Deal Type", "Opportunity Type", "Client Type", "Customer Type")
_NAMES = ("Opportunity Name", "Deal Name", "Name", "Title", "Deal Title", "Opportunity")


#: When a won deal was invoiced and paid (Settings' Credit On): no CRM's deals carry these
#: as standard fields, so every deals export takes the plain names, and the API names a
#: Salesforce admin gives such custom fields (``Paid_Date__c``).
_CREDIT_ROLES: dict[str, tuple[str, ...]] = {
    "invoiced_date": ("Invoiced Date", "Invoice Date", "Date Invoiced", "Invoiced On",
                      "Invoiced_Date__c", "Invoice_Date__c"),
    "paid_date": ("Paid Date", "Payment Date", "Date Paid", "Paid On", "Paid_Date__c",
                  "Payment_Date__c"),
    "paid_amount": ("Paid Amount", "Amount Paid", "Payment Amount", "Paid_Amount__c",
                    "Amount_Paid__c"),
}


def _fmt(key: str, title: str, signature: tuple[tuple[str, ...], ...], note: str = "",
         activities: bool = False, generic: bool = False,
         **roles: tuple[str, ...]) -> CrmFormat:
    if not activities:
        roles = {**roles, **_CREDIT_ROLES}
    return CrmFormat(key, title, signature, roles, note, activities, generic)


DEAL_FORMATS: tuple[CrmFormat, ...] = (
    _fmt("salesforce_loader", "Salesforce opportunities (API field names)",
         (("owner_id",), ("stage",), ("date",)),
         record_id=("Id",), owner_id=("OwnerId",), stage=("StageName",), is_won=("IsWon",),
         is_closed=("IsClosed",), is_deleted=("IsDeleted", "_fivetran_deleted"),
         is_current=("_fivetran_active",), client_type=("Type",),
         date=("CloseDate",), amount=("Amount",), currency=("CurrencyIsoCode",),
         client=("AccountId",), name=("Name",), win_probability=("Probability",),
         forecast_category=("ForecastCategoryName", "ForecastCategory")),
    _fmt("pipedrive", "Pipedrive deals export",
         (("owner",), ("status",)),
         record_id=("Deal - ID", "Deal - Pipedrive System ID"), owner=("Deal - Owner",),
         status=("Deal - Status",), won_date=("Deal - Won time",),
         lost_date=("Deal - Lost time",),
         date=("Deal - Closed on", "Deal - Deal closed on", "Deal - Close time"),
         territory=("Deal - Territory",), region=("Deal - Region",),
         stage_change_date=("Deal - Last stage change",),
         amount=("Deal - Value",),
         currency=("Deal - Currency of Value", "Deal - Currency"),
         client=("Deal - Organization", "Organization", "Deal - Organization name",
                 "Deal - Contact person", "Contact person"),
         name=("Deal - Title",), win_probability=("Deal - Probability",),
         expected_close=("Deal - Expected close date",)),
    _fmt("hubspot", "HubSpot deals export",
         (("owner",), ("stage",), ("date",)),
         record_id=("Record ID",), owner=("Deal owner",), stage=("Deal Stage",),
         is_won=("Is Closed Won",), client_type=("Deal Type",), date=("Close Date",),
         amount=("Amount in company currency", "Amount"), currency=("Currency",),
         client=("Associated Company", "Associated Companies", "Company name"),
         name=("Deal Name",),
         win_probability=("Forecast Probability", "Deal Stage Probability",
                          "Deal probability"),
         forecast_category=("Forecast category",)),
    _fmt("bigin", "Bigin deals export",
         (("owner", "owner_id"), ("stage",), ("date",), ("pipeline",)),
         record_id=("Deal Id", "Record Id"), owner=("Deal Owner",),
         owner_id=("Deal Owner.id",), stage=("Stage",), pipeline=("Sub-Pipeline",),
         client_type=("Type",), date=("Closing Date",), amount=("Amount",),
         currency=("Currency",), client=("Company Name", "Company Name.id", "Contact Name"),
         name=("Deal Name",)),
    _fmt("zoho", "Zoho CRM deals export",
         (("owner", "owner_id"), ("stage",), ("date",)),
         record_id=("Record Id",), owner=("Deal Owner",), owner_id=("Deal Owner.id",),
         stage=("Stage",), client_type=("Type",), date=("Closing Date",),
         amount=("Amount",), currency=("Currency",),
         client=("Account Name", "Account Name.id"), name=("Deal Name",),
         win_probability=("Probability (%)",)),
    _fmt("salesforce_report", "Salesforce opportunities report",
         (("owner",), ("stage",), ("date",)),
         record_id=("Opportunity ID", "Opportunity ID (18)"), owner=("Opportunity Owner",),
         stage=("Stage",), is_won=("Won",), is_closed=("Closed",), client_type=("Type",),
         date=("Close Date",),
         amount=("Amount (converted)", "Total Amount (converted)", "Amount",
                 "Total Amount"),
         currency=("Amount Currency", "Opportunity Currency", "Currency"),
         client=("Account Name",), name=("Opportunity Name",),
         win_probability=("Probability (%)",), forecast_category=("Forecast Category",),
         territory=("Territory Name", "Territory", "Assigned Territory"),
         region=("Territory Region", "Sales Region", "Region")),
    _fmt("odoo", "Odoo CRM opportunities export",
         (("owner",), ("amount",), ("stage",)),
         note="lost opportunities are archived in Odoo and left out of a default export: "
              "to count them, filter on Archived (or Lost) before exporting",
         record_id=("ID", "External ID"), owner=("Salesperson", "Sales Person"),
         stage=("Stage",), date=("Closed Date", "Closed"), amount=("Expected Revenue",),
         currency=("Currency",),
         client=("Customer", "Partner", "Company Name", "Customer Name"),
         probability=("Probability",), active=("Active",), lost_reason=("Lost Reason",),
         name=("Opportunity",), win_probability=("Probability",),
         expected_close=("Expected Closing",)),
    # Any other table of deals: warehouse copies of a CRM (Fivetran, Stitch, Airbyte),
    # BI extracts (Maven's CRM sales opportunities), RevOps models.
    _fmt("deals_table", "deals table",
         (("owner", "owner_id"), ("stage", "status", "is_won"), ("date", "won_date")),
         generic=True,
         record_id=("Id", "Opportunity Id", "Deal Id", "Record Id"),
         owner=("Owner", "Owner Name", "Deal Owner", "Opportunity Owner", "Sales Agent",
                "Salesperson", "Sales Person", "Sales Rep", "Rep", "Rep Name",
                "Account Executive", "Assigned To", "Closer"),
         owner_id=("Owner Id", "OwnerId", "Hubspot Owner Id", "Property Hubspot Owner Id",
                   "User Id", "Sales Rep Id"),
         stage=("Stage", "Deal Stage", "Stage Name", "Dealstage", "Property Dealstage",
                "Pipeline Stage", "Deal Pipeline Stage Id", "Phase"),
         status=("Status", "Deal Status", "Outcome", "Result"),
         is_won=("Is Won", "Won", "Closed Won", "Property Hs Is Closed Won"),
         is_closed=("Is Closed", "Closed", "Property Hs Is Closed"),
         is_deleted=("Is Deleted", "Deleted", "_fivetran_deleted"),
         is_current=("_fivetran_active",),
         date=("Close Date", "Closed Date", "Closing Date", "Date Closed", "Closed On",
               "Closed At", "Close Time", "Property Closedate"),
         won_date=("Won Date", "Won Time", "Closed Won Date"),
         lost_date=("Lost Date", "Lost Time", "Closed Lost Date"),
         amount=("Amount (converted)", "Amount", "Deal Value", "Deal Amount", "Value",
                 "Close Value", "Revenue", "Total Amount", "Amount Usd",
                 "Property Amount in Home Currency", "Property Amount"),
         currency=("Currency", "Currency Code", "Currency Iso Code", "CurrencyIsoCode"),
         client=_CLIENTS, client_type=_TYPES, name=_NAMES,
         win_probability=("Probability", "Win Probability", "Deal Probability",
                          "Property Hs Deal Stage Probability"),
         forecast_category=("Forecast Category", "Forecast Category Name",
                            "Property Hs Forecast Category"),
         expected_close=("Expected Close Date", "Expected Close"),
         territory=("Territory", "Sales Territory", "Territory Name"),
         region=("Region", "Sales Region", "Territory Region")),
)
#: The format any table of deals is read by (``sources`` says what a table lacks of it).
DEALS_TABLE = DEAL_FORMATS[-1]


#: Activities exports: their held meetings count as Activity's meeting rows. Tried
#: before the deals exports, whose columns an activities export may also carry.
ACTIVITY_FORMATS: tuple[CrmFormat, ...] = (
    _fmt("pipedrive_activities", "Pipedrive activities export",
         (("activity_type",), ("date",)), activities=True,
         record_id=("Activity - ID",),
         owner=("Activity - Assigned to user", "Activity - Owner", "Activity - User"),
         activity_type=("Activity - Type",), done=("Activity - Done",),
         date=("Activity - Due date",),
         client=("Activity - Organization", "Activity - Deal", "Activity - Contact person")),
    _fmt("hubspot_meetings", "HubSpot meetings export",
         (("owner",), ("outcome",)), activities=True,
         record_id=("Record ID",), owner=("Activity assigned to", "Meeting owner"),
         outcome=("Meeting outcome",), date=("Meeting start time", "Activity date"),
         client=("Associated Company", "Associated Companies", "Company name")),
)


#: Opportunity splits exports: who shares each deal, and in which share. Salesforce's
#: OpportunitySplit object by its API names (Data Loader, and warehouse copies such as
#: Stitch's ``opportunitysplit``), with the split type's name when the query adds it.
SPLIT_FORMATS: tuple[CrmFormat, ...] = (
    CrmFormat("salesforce_splits", "Salesforce opportunity splits",
              (("deal_id",), ("owner_id", "owner"), ("percent",)), {
                  "record_id": ("Id",), "deal_id": ("OpportunityId",),
                  "owner_id": ("SplitOwnerId",),
                  "owner": ("SplitOwner.Name", "SplitOwner.Username"),
                  "percent": ("SplitPercentage",),
                  "split_type": ("SplitType.DeveloperName", "SplitType.MasterLabel",
                                 "SplitTypeId"),
                  "is_deleted": ("IsDeleted", "_fivetran_deleted")}, splits=True),
)


FORMATS = DEAL_FORMATS + ACTIVITY_FORMATS + SPLIT_FORMATS


def recognise(header: Sequence[Any], named: Mapping[str, str] | None = None
              ) -> CrmFormat | None:
    """The first format whose whole signature is in ``header``, or None."""
    if not any(isinstance(title, str) and title.strip() for title in header):
        return None
    return next((f for f in SPLIT_FORMATS + ACTIVITY_FORMATS + DEAL_FORMATS
                 if f.recognises(header, named)), None)
