"""An export's rows as the row steps read them: cells by role, and what every step needs.

A recognised format gives each role (owner, stage, close date, amount, …) the index of
its column in the header (``formats.CrmFormat.columns``); ``ExportRow`` reads a row's
cells through that mapping, so the steps that decide won or lost (``outcome``), read a
won deal's terms (``terms``) or a held meeting (``meetings``) never look at header names.
``DealRules`` is what they need from the rest of the workbook, and ``Findings`` what
they met that is reported once per value at the end (unknown owners and stages, records
already read). ``owner_rep`` is the step every kind of row shares: who owns it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.crm.formats import CrmFormat
from goalreport.workbook.crm.owners import OwnerIndex
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_text, parse_yes_no


@dataclass
class ExportRows:
    """An export as read: where it is, its header and its data rows (raw cell values)."""

    #: For messages: "Sheet 'SF export Nov'" or "File 'deals.csv'".
    label: str
    #: The prefix of cell names: a sheet name, or a file name.
    name: str
    header_row: int
    first_column: int
    header: list[Any]
    rows: Iterator[tuple[int, int, list[Any]]]
    format: CrmFormat
    #: role → column index (``CrmFormat.columns``, with the columns Settings names).
    cols: dict[str, int] = field(default_factory=dict)
    #: Roles whose column Settings named (``check`` says which column it took).
    named: frozenset[str] = frozenset()
    #: Problems of the whole export already said ("no amount column"): each once.
    said: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class DealRules:
    """What deciding and mapping a row needs from the rest of the workbook."""

    owners: OwnerIndex
    locale: str
    #: The workbook's Currency; None when its cell is wrong (amounts are not checked).
    currency: str | None
    #: Stage names that mean won and lost, as ``keys.stage_key`` writes them: the names
    #: every CRM ships with and Settings' Won Stages and Lost Stages.
    won_stages: frozenset[str]
    lost_stages: frozenset[str]
    #: Settings' own Won and Lost Stages (they beat a stage's words, ``outcome``).
    named_won: frozenset[str] = frozenset()
    named_lost: frozenset[str] = frozenset()
    #: Deals of owners who are not reps: "leave out" or "error" (Settings Other Owners).
    other_owners: str = "leave out"
    #: The day meetings of an export without a done flag must be on or before to count
    #: as held (As Of); None when not known (every meeting counts, and ``check`` says so).
    held_by: date | None = None


@dataclass
class Findings:
    """Unknown values met across every export, reported once per value at the end."""

    #: owner text → cells it is in (shown as owner name or owner ID).
    owners: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: Owners who are not reps, left out: (role, text) → [deals, won deals, won cents,
    #: cells].
    others: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    #: (owner ID, owner name) rows whose ID and name are two different reps → cells.
    conflicts: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: stage text → cells.
    stages: dict[str, list[str]] = field(default_factory=dict)
    #: Forecast categories goalreport does not know → cells (open deals).
    categories: dict[str, list[str]] = field(default_factory=dict)
    #: format key → record ID (or the row's stable cells) → the label of the export it
    #: was first read in ("Sheet 'SF export Nov'").
    seen: dict[str, dict[Any, str]] = field(default_factory=dict)


class ExportRow:
    """One export row with its cells by role."""

    __slots__ = ("cols", "export", "number", "values")

    def __init__(self, export: ExportRows, number: int, values: Sequence[Any],
                 cols: Mapping[str, int]):
        self.export, self.number, self.values, self.cols = export, number, values, cols

    @property
    def where(self) -> str:
        return cell_name(self.export.name, self.number, self.export.first_column)

    def get(self, role: str) -> Any:
        index = self.cols.get(role)
        if index is None or index >= len(self.values):
            return None
        return self.values[index]

    def text(self, role: str) -> str:
        value = self.get(role)
        return "" if is_blank(value) else parse_text(value)

    def cell(self, role: str) -> str:
        return cell_name(self.export.name, self.number,
                         self.export.first_column + self.cols[role])

    def flag(self, role: str, out: Collector) -> bool | None:
        """A yes/no column (IsWon, Active); None when absent or empty."""
        if is_blank(self.get(role)):
            return None
        try:
            return parse_yes_no(self.get(role))
        except ValueProblem as problem:
            out.error(self.cell(role), problem.message.replace("yes or no", "true or false"),
                      kind=f"crm {role}")
            return None


#: What ``owner_rep`` returns for an owner who is not a rep, left out (Other Owners).
OTHER = "\0other"


def owner_rep(row: ExportRow, rules: DealRules, found: Findings) -> str | None:
    """The Rep ID of the row's owner; ``OTHER`` for an owner who is no rep (its deal is
    left out); None after noting a problem. The owner ID (Salesforce OwnerId, Zoho Deal
    Owner.id) is matched to the Reps sheet's CRM ID, the name to a rep's Rep ID, Name or
    Email; when both are given and name two different reps, it is a problem naming both."""
    owners = rules.owners
    owner_id, name = row.text("owner_id"), row.text("owner")
    by_id = owners.by_crm_id(owner_id) if owner_id and owners.has_crm_ids else None
    by_name = owners.by_name(name) if name else None
    # An ID in no rep's CRM ID beside a rep's name is not a contradiction: the Reps sheet's
    # CRM IDs may be another CRM's (a team moving from one to the other).
    if by_id is not None and by_name is not None and by_id != by_name:
        found.conflicts.setdefault((owner_id, name), []).append(row.cell("owner_id"))
        return None
    if by_id is not None or by_name is not None:
        return by_id or by_name
    if name:
        return _unknown(row, rules, found, "owner", name)
    if owner_id:
        if not owners.has_crm_ids:  # nothing to match IDs against: a setup problem
            found.owners.setdefault(("owner_id", owner_id), []).append(row.cell("owner_id"))
            return None
        return _unknown(row, rules, found, "owner_id", owner_id)
    role = "owner" if "owner" in row.cols else "owner_id"
    found.owners.setdefault((role, ""), []).append(row.cell(role))
    return None


def _unknown(row: ExportRow, rules: DealRules, found: Findings, role: str,
             owner: str) -> str | None:
    """An owner who is no rep: left out with a warning (``OTHER``), unless it nearly
    matches a rep (a likely typo), two reps share it, or Settings say Other Owners:
    error (then a problem, None)."""
    owners = rules.owners
    if (rules.other_owners == "error" or owners.ambiguous(owner)
            or (role == "owner" and owners.near(owner, likely_typo=True))):
        found.owners.setdefault((role, owner), []).append(row.cell(role))
        return None
    return OTHER
