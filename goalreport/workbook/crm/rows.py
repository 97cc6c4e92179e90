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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class DealRules:
    """What deciding and mapping a row needs from the rest of the workbook."""

    owners: OwnerIndex
    locale: str
    #: The workbook's Currency; None when its cell is wrong (amounts are not checked).
    currency: str | None
    #: Stage names that mean won and lost, as ``keys.stage_key`` writes them.
    won_stages: frozenset[str]
    lost_stages: frozenset[str]


@dataclass
class Findings:
    """Unknown values met across every export, reported once per value at the end."""

    #: owner text → cells it is in (shown as owner name or owner ID).
    owners: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    #: stage text → cells.
    stages: dict[str, list[str]] = field(default_factory=dict)
    #: (format key, record ID or the whole row) → the label of the export it was first
    #: read in ("Sheet 'SF export Nov'").
    seen: dict[tuple[str, Any], str] = field(default_factory=dict)


class ExportRow:
    """One export row with its cells by role."""

    def __init__(self, export: ExportRows, number: int, values: Sequence[Any],
                 cols: dict[str, int]):
        self.export, self.number, self.values, self.cols = export, number, values, cols
        self.where = cell_name(export.name, number, export.first_column)

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


def owner_rep(row: ExportRow, owners: OwnerIndex, found: Findings) -> str | None:
    """The Rep ID of the row's owner; None after noting an unknown owner."""
    owner_id = row.text("owner_id")
    if owner_id and owners.has_crm_ids:
        rep_id = owners.by_crm_id(owner_id)
        if rep_id is not None:
            return rep_id
    name = row.text("owner")
    if name:
        rep_id = owners.by_name(name)
        if rep_id is None:
            found.owners.setdefault(("owner", name), []).append(row.cell("owner"))
        return rep_id
    if owner_id:
        found.owners.setdefault(("owner_id", owner_id), []).append(row.cell("owner_id"))
        return None
    role = "owner" if "owner" in row.cols else "owner_id"
    found.owners.setdefault((role, ""), []).append(row.cell(role))
    return None
