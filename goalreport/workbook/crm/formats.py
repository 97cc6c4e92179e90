"""What each CRM's deal export looks like: its header signature and where each fact is.

An export is recognised when its header row holds every name of a format's signature,
matched as loosely as goalreport's own columns (``keys.normalize``: case, spaces, ``_``
and ``-`` and a bracketed remark do not matter, so ``Deal - Owner`` is ``deal owner``).
The formats are tried in order, most specific first. Sources of the header names are
listed in docs/crm-exports.md.

A format is a mapping of roles (owner, stage, close date, amount, …) to the header names
that play them; ``CrmFormat.columns`` turns it into role → column index for one header,
which is all the row steps (``rows.ExportRow``) read through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from goalreport.core.keys import normalize


@dataclass(frozen=True)
class CrmFormat:
    """One CRM export: how to recognise it and which header plays which role."""

    key: str
    #: What ``check`` calls it: "Salesforce opportunities report".
    title: str
    #: Headers that must all be present, each as its accepted names (normalised).
    signature: tuple[tuple[str, ...], ...]
    #: role → header names, preferred first.
    roles: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: A note for ``check`` whenever this export is read.
    note: str = ""
    #: An activities export (meetings), not a deals export.
    activities: bool = False

    def columns(self, header: Sequence[Any]) -> dict[str, int]:
        """role → 0-based index in ``header`` of the preferred column present."""
        positions: dict[str, int] = {}
        for index, title in enumerate(header):
            name = normalize(title) if isinstance(title, str) else ""
            if name:
                positions.setdefault(name, index)
        found: dict[str, int] = {}
        for role, names in self.roles.items():
            for name in names:
                if normalize(name) in positions:
                    found[role] = positions[normalize(name)]
                    break
        return found


def _fmt(key: str, title: str, signature: tuple[str, ...], note: str = "",
         activities: bool = False, **roles: tuple[str, ...]) -> CrmFormat:
    """A format whose signature is ``signature``: each name there is a role's first name,
    and any other name of that role is accepted in its place."""
    names = {normalize(n): tuple(normalize(m) for m in role)
             for role in roles.values() for n in role[:1]}
    return CrmFormat(key, title, tuple(names.get(normalize(n), (normalize(n),))
                                       for n in signature), roles, note, activities)


DEAL_FORMATS: tuple[CrmFormat, ...] = (
    _fmt("salesforce_loader", "Salesforce Data Loader opportunities",
         ("OwnerId", "StageName", "CloseDate"),
         record_id=("Id",), owner_id=("OwnerId",), stage=("StageName",), is_won=("IsWon",),
         is_closed=("IsClosed",), client_type=("Type",), date=("CloseDate",),
         amount=("Amount",), currency=("CurrencyIsoCode",), client=("AccountId",)),
    _fmt("pipedrive", "Pipedrive deals export",
         ("Deal - Owner", "Deal - Status"),
         record_id=("Deal - ID",), owner=("Deal - Owner",), status=("Deal - Status",),
         won_date=("Deal - Won time",), lost_date=("Deal - Lost time",),
         date=("Deal - Deal closed on", "Deal - Close time"),
         amount=("Deal - Value",),
         currency=("Deal - Currency of Value", "Deal - Currency"),
         client=("Deal - Organization", "Deal - Organization name",
                 "Deal - Contact person")),
    _fmt("hubspot", "HubSpot deals export",
         ("Deal owner", "Deal Stage", "Close Date"),
         record_id=("Record ID",), owner=("Deal owner",), stage=("Deal Stage",),
         is_won=("Is Closed Won",), client_type=("Deal Type",), date=("Close Date",),
         amount=("Amount in company currency", "Amount"), currency=("Currency",),
         client=("Associated Company", "Associated Companies", "Company name")),
    _fmt("zoho", "Zoho CRM deals export",
         ("Deal Owner", "Stage", "Closing Date"),
         record_id=("Record Id",), owner=("Deal Owner",), owner_id=("Deal Owner.id",),
         stage=("Stage",), client_type=("Type",), date=("Closing Date",),
         amount=("Amount",), currency=("Currency",), client=("Account Name",)),
    _fmt("salesforce_report", "Salesforce opportunities report",
         ("Opportunity Owner", "Stage", "Close Date"),
         record_id=("Opportunity ID",), owner=("Opportunity Owner",), stage=("Stage",),
         is_won=("Won",), is_closed=("Closed",), client_type=("Type",), date=("Close Date",),
         amount=("Amount",),
         currency=("Amount Currency", "Opportunity Currency", "Currency"),
         client=("Account Name",)),
    _fmt("odoo", "Odoo CRM opportunities export",
         ("Salesperson", "Expected Revenue", "Stage"),
         note="lost opportunities are archived in Odoo and left out of a default export: "
              "to count them, filter on Archived (or Lost) before exporting",
         record_id=("ID", "External ID"), owner=("Salesperson", "Sales Person"),
         stage=("Stage",),
         date=("Closed Date", "Closed"), amount=("Expected Revenue",),
         currency=("Currency",), client=("Customer", "Company Name", "Customer Name"),
         probability=("Probability",), active=("Active",), lost_reason=("Lost Reason",)),
)


#: Activities exports: their held meetings count as Activity's meeting rows. Tried
#: before the deals exports, whose columns an activities export may also carry.
ACTIVITY_FORMATS: tuple[CrmFormat, ...] = (
    _fmt("pipedrive_activities", "Pipedrive activities export",
         ("Activity - Type", "Activity - Due date"), activities=True,
         record_id=("Activity - ID",),
         owner=("Activity - Assigned to user", "Activity - Owner", "Activity - User"),
         activity_type=("Activity - Type",), done=("Activity - Done",),
         date=("Activity - Due date",),
         client=("Activity - Organization", "Activity - Deal", "Activity - Contact person")),
    _fmt("hubspot_meetings", "HubSpot meetings export",
         ("Activity assigned to", "Meeting outcome"), activities=True,
         record_id=("Record ID",), owner=("Activity assigned to", "Meeting owner"),
         outcome=("Meeting outcome",), date=("Meeting start time", "Activity date"),
         client=("Associated Company", "Associated Companies", "Company name")),
)


FORMATS = DEAL_FORMATS + ACTIVITY_FORMATS


def recognise(header: Sequence[Any]) -> CrmFormat | None:
    """The first format whose whole signature is in ``header``, or None."""
    names = {normalize(title) for title in header if isinstance(title, str)}
    if not names:
        return None
    return next((f for f in ACTIVITY_FORMATS + DEAL_FORMATS
                 if all(any(n in names for n in accepted) for accepted in f.signature)), None)
