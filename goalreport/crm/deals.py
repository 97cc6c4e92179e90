"""Rows of a CRM export → won and lost deals (pure: plain values in, deals out).

Each row is decided won, lost or open by the export's own flags first (Salesforce IsWon
and IsClosed, HubSpot Is Closed Won, Pipedrive Status, Odoo Probability 100 or an
archived lead) and its stage name otherwise, against the usual names plus Settings' Won
Stages and Lost Stages. Open deals are counted and ignored; a stage that looks closed but
is on neither list is listed once per value, so a renamed won stage is not lost silently.
A row whose record ID was already read (a second paste, another file) counts once; an
export without IDs counts a row identical in every cell once. Problems name the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from goalreport.crm.amounts import amount_cents
from goalreport.crm.formats import CrmFormat
from goalreport.crm.owners import OwnerIndex
from goalreport.errors import Problem
from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.dates import parse_date
from goalreport.workbook.schema import CLIENT_TYPES, normalize
from goalreport.workbook.table import Collector
from goalreport.workbook.values import (
    ValueProblem,
    is_blank,
    parse_text,
    parse_yes_no,
)

#: Stage names every CRM ships with, as ``stage_key`` writes them.
WON_STAGES = frozenset({"closedwon", "won", "closedwonpaid"})
LOST_STAGES = frozenset({"closedlost", "lost", "closedlosttocompetition"})
#: Words that make an unknown stage look closed (worth a warning, not silence).
_CLOSED_WORDS = re.compile(r"(clos|won\b|win\b|lost|lose|loss|signed|dead|verloren|gewonnen"
                           r"|perdu|gagn)", re.IGNORECASE)
#: CRM deal types → goalreport client types (besides goalreport's own words).
DEAL_TYPES = {
    "new customer": "new", "new business": "new", "newbusiness": "new", "new logo": "new",
    "existing customer upgrade": "repeat", "existing customer replacement": "repeat",
    "existing customer downgrade": "repeat", "existing business": "repeat",
    "existingbusiness": "repeat", "existing customer": "repeat", "renewal": "repeat",
    "upsell": "repeat", "upgrade": "repeat", "cross sell": "repeat",
}
#: Pipedrive's Status column.
STATUSES = {"won": "won", "lost": "lost", "open": "open", "deleted": "open"}


def stage_key(text: str) -> str:
    """How stage names are compared: 'Closed - Won' and 'closedwon' are 'closedwon'."""
    return re.sub(r"[\W_]+", "", text.casefold())


def client_key(value: Any) -> str:
    """How clients are compared across Activity and exports: case and spaces ignored."""
    return " ".join(parse_text(value).split()).casefold() if not is_blank(value) else ""


@dataclass(frozen=True, slots=True)
class Deal:
    """One won or lost deal (or a held meeting, from an activities export)."""

    rep_id: str
    day: date
    #: "won", "lost" or "meeting".
    kind: str
    #: "new" or "repeat"; None when the export does not say (then inferred).
    client_type: str | None
    #: The amount in cents (0 for a lost deal).
    cents: int
    #: ``client_key`` of its Account / Organization / Customer; "" when none.
    client: str
    #: The row, for messages: "SF export!A7".
    where: str

    @property
    def won(self) -> bool:
        return self.kind == "won"


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


@dataclass
class ExportSummary:
    """What ``check`` says about one export."""

    label: str
    title: str
    note: str = ""
    rows: int = 0
    won: int = 0
    lost: int = 0
    open: int = 0
    meetings: int = 0
    #: Rows of an activities export that are not held meetings (calls to do, tasks, …).
    other: int = 0
    duplicates: int = 0
    #: Rows that repeat deals an export read before held: its label → how many.
    overlaps: dict[str, int] = field(default_factory=dict)
    typed: int = 0
    inferred: int = 0

    def line(self) -> str:
        """'Salesforce opportunities report, 412 rows: 96 won, 51 lost, 12 open (ignored)'
        and whatever else was done to the rows (shown after the label)."""
        text = f"{self.title}, {self.rows} row{'s' if self.rows != 1 else ''}: "
        repeated = sum(self.overlaps.values())
        if repeated == self.rows and len(self.overlaps) == 1:
            # A file and a sheet holding the same deals: said once, on the second.
            return text + f"the same deals as {next(iter(self.overlaps))}, counted once."
        if self.meetings or self.other:
            text += (f"{self.meetings} meeting{'s' if self.meetings != 1 else ''} held, "
                     f"{self.other} other (ignored)")
        else:
            text += f"{self.won} won, {self.lost} lost, {self.open} open (ignored)"
        if self.duplicates:
            text += f"; {self.duplicates} repeated (record already read) counted once"
        for label, count in self.overlaps.items():
            text += f"; {count} the same as in {label}, counted once"
        if self.typed:
            text += f"; {self.typed} also typed on the Activity sheet counted once"
        if self.inferred:
            text += (f"; new vs repeat inferred for {self.inferred} won deal"
                     f"{'s' if self.inferred != 1 else ''} (repeat when the same client won "
                     "earlier)")
        if self.note:
            text += f". Note: {self.note}"
        return text + "."

    def problem(self) -> Problem:
        """The line as an "info" ``Problem``: where is the label."""
        return Problem(self.label, self.line(), "info")


@dataclass(frozen=True)
class DealRules:
    """What deciding and mapping a row needs from the rest of the workbook."""

    owners: OwnerIndex
    locale: str
    #: The workbook's Currency; None when its cell is wrong (amounts are not checked).
    currency: str | None
    won_stages: frozenset[str] = WON_STAGES
    lost_stages: frozenset[str] = LOST_STAGES


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


def read_export(export: ExportRows, rules: DealRules, out: Collector,
                found: Findings) -> tuple[list[Deal], ExportSummary]:
    """The export's won and lost deals, and its summary; problems go to ``out``."""
    fmt = export.format
    cols = fmt.columns(export.header)
    summary = ExportSummary(export.label, fmt.title, fmt.note)
    header_keys = [normalize(v) if isinstance(v, str) else v for v in export.header]
    deals: list[Deal] = []
    for number, first, values in export.rows:
        offset = first - export.first_column
        if offset:
            values = [None] * offset + list(values) if offset > 0 else list(values[-offset:])
        if all(is_blank(v) for v in values):
            continue
        if [normalize(v) if isinstance(v, str) else v
                for v in values[:len(header_keys)]] == header_keys:
            continue  # the header of a second paste
        summary.rows += 1
        row = ExportRow(export, number, values, cols)
        record = row.text("record_id")
        key = (fmt.key, record) if record else (fmt.key, tuple(map(parse_text, values)))
        if key in found.seen:
            origin = found.seen[key]
            if origin == export.label:
                summary.duplicates += 1
            else:
                summary.overlaps[origin] = summary.overlaps.get(origin, 0) + 1
            continue
        found.seen[key] = export.label
        if fmt.activities:
            from goalreport.crm.activities import meeting

            held = meeting(row, rules, out, found)
            if held is None:
                summary.other += 1
            elif isinstance(held, Deal):
                deals.append(held)
                summary.meetings += 1
            continue
        outcome = _outcome(row, rules, out, found)
        if outcome == "open":
            summary.open += 1
            continue
        if outcome is None:
            continue
        deal = _deal(row, outcome == "won", rules, out, found)
        if deal is not None:
            deals.append(deal)
            if deal.won:
                summary.won += 1
            else:
                summary.lost += 1
    return deals, summary


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


def _outcome(row: ExportRow, rules: DealRules, out: Collector, found: Findings) -> str | None:
    """'won', 'lost' or 'open'; None after recording a problem."""
    is_won = row.flag("is_won", out)
    if is_won:
        return "won"
    if is_won is False and "is_closed" in row.cols:
        closed = row.flag("is_closed", out)
        if closed is not None:
            return "lost" if closed else "open"
    status = row.text("status")
    if status:
        outcome = STATUSES.get(status.casefold())
        if outcome is None:
            out.error(row.cell("status"), f"{status!r} is not a deal status. Pipedrive writes "
                      "Won, Lost, Open or Deleted.", kind="crm status")
        return outcome
    if "probability" in row.cols and _is_hundred(row.get("probability")):
        return "won"
    if row.flag("active", out) is False or row.text("lost_reason"):
        return "lost"  # Odoo archives lost leads
    stage = row.text("stage")
    key = stage_key(stage)
    if key in rules.won_stages:
        return "won"
    if key in rules.lost_stages:
        return "lost"
    if stage and _CLOSED_WORDS.search(stage):
        found.stages.setdefault(stage, []).append(row.cell("stage"))
    return "open"


def _is_hundred(value: Any) -> bool:
    text = parse_text(value).rstrip("%").strip() if not is_blank(value) else ""
    try:
        return float(text.replace(",", ".")) in (100.0, 1.0) if text else False
    except ValueError:
        return False


def _deal(row: ExportRow, won: bool, rules: DealRules, out: Collector,
          found: Findings) -> Deal | None:
    rep_id = owner(row, rules.owners, found)
    day_role = "won_date" if won else "lost_date"
    if not row.text(day_role):
        day_role = "date"
    day = None
    if day_role not in row.cols:
        out.error(f"{row.export.label} header", "has no close date column. Export the "
                  "close date with the deals.", kind="crm no date")
    elif not row.text(day_role):
        out.error(row.cell(day_role), f"the close date of this {'won' if won else 'lost'} "
                  "deal is missing. Fill it in the CRM and export again, or type it here.",
                  kind="crm date")
    else:
        try:
            day = parse_date(row.get(day_role), rules.locale)
        except ValueProblem as problem:
            out.error(row.cell(day_role), problem.message, kind="crm date")
    cents = 0
    client_type: str | None = None
    if won:
        amount = amount_cents(row, rules, out)
        client_type = _client_type(row, out)
        if amount is None or client_type == "":
            return None
        cents = amount
    if rep_id is None or day is None:
        return None
    return Deal(rep_id, day, "won" if won else "lost", client_type or None, cents,
                client_key(row.get("client")), row.where)


def owner(row: ExportRow, owners: OwnerIndex, found: Findings) -> str | None:
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


def _client_type(row: ExportRow, out: Collector) -> str | None:
    """'new', 'repeat', None (not given: inferred) or '' after a problem."""
    text = row.text("client_type")
    if not text:
        return None
    key = normalize(text)
    kind = DEAL_TYPES.get(key) or CLIENT_TYPES.get(key)
    if kind is None:
        out.error(row.cell("client_type"), f"{text!r} is not a deal type goalreport knows. "
                  "Use New Business / New Customer for a new client or Existing Business / "
                  "Existing Customer - Upgrade for a repeat one, or leave it empty to infer it "
                  "from the client's earlier won deals.", kind="crm type")
        return ""
    return kind


def unknown_values(found: Findings, owners: OwnerIndex, out: Collector) -> None:
    """One problem per unknown owner and one warning per closed-looking unknown stage."""
    for (role, owner), cells in found.owners.items():
        more = _more(cells)
        if not owner:
            out.error(cells[0], f"the deal owner is missing{more}. Fill in the owner in "
                      "the CRM and export again.")
            continue
        if role == "owner_id":
            out.error(cells[0], f"owner ID {owner!r}{more} is in no rep's CRM ID. Add a "
                      "'CRM ID' column to the Reps sheet with each rep's CRM user ID, or "
                      "export the owner's name.")
            continue
        twins = owners.ambiguous(owner)
        if twins:
            out.error(cells[0], f"deal owner {owner!r}{more} matches several reps "
                      f"({', '.join(twins)}). Give them different names, or map the owner "
                      "through a 'CRM ID' column on the Reps sheet.")
            continue
        near = owners.near(owner)
        hint = f" Did you mean {near!r}?" if near else ""
        out.error(cells[0], f"deal owner {owner!r}{more} is not a rep: no Rep ID, Name or "
                  f"Email on the Reps sheet matches (reps: {owners.names()}).{hint} Add the "
                  "rep, or write their name as the CRM spells it.")
    for stage, cells in found.stages.items():
        out.warn(cells[0], f"stage {stage!r}{_more(cells)} looks closed but is neither a "
                 "won nor a lost stage, so these deals count as open. If it means won or "
                 "lost, add it to 'Won Stages' or 'Lost Stages' in Settings.")


def _more(cells: list[str]) -> str:
    rest = cells[1:]
    if not rest:
        return ""
    shown = ", ".join(rest[:3])
    return f" (also in {shown}{f' and {len(rest) - 3} more' if len(rest) > 3 else ''})"


def stage_set(defaults: frozenset[str], names: Iterable[str]) -> frozenset[str]:
    return defaults | {stage_key(name) for name in names}
