"""Rows of a CRM export → won and lost deals, and held meetings (pure: values in, deals out).

Each row goes through the steps in turn: skipped when it is blank, the header of a second
paste or a record already read; then won, lost or open (``outcome``); then its owner
(``rows.owner_rep``), its close date and, for a won deal, its client type and amount
(``terms.ExportTerms``, the exports' side of the step Activity shares). A row of an
activities export is a held meeting or not (``meetings``). Open deals are counted and
ignored. A row whose record ID was already read (a second paste, another file) counts
once; an export without IDs counts a row identical in every cell once. Problems name the
cell; unknown owners and closed-looking stages are reported once per value at the end
(``unknown_values``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from goalreport.core.keys import client_key, normalize
from goalreport.errors import Problem
from goalreport.workbook.crm.meetings import meeting
from goalreport.workbook.crm.outcome import outcome
from goalreport.workbook.crm.owners import OwnerIndex
from goalreport.workbook.crm.rows import DealRules, ExportRow, ExportRows, Findings, owner_rep
from goalreport.workbook.crm.terms import ExportTerms
from goalreport.workbook.dates import parse_date
from goalreport.workbook.deals import Deal
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_text


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


def read_export(export: ExportRows, rules: DealRules, terms: ExportTerms, out: Collector,
                found: Findings) -> tuple[list[Deal], ExportSummary]:
    """The export's won and lost deals (or held meetings), and its summary; problems go
    to ``out``."""
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
            held = meeting(row, rules, out, found)
            if held is None:
                summary.other += 1
            elif isinstance(held, Deal):
                deals.append(held)
                summary.meetings += 1
            continue
        said = outcome(row, rules, out, found)
        if said == "open":
            summary.open += 1
            continue
        if said is None:
            continue
        deal = _deal(row, said == "won", rules, terms, out, found)
        if deal is not None:
            deals.append(deal)
            if deal.won:
                summary.won += 1
            else:
                summary.lost += 1
    return deals, summary


def _deal(row: ExportRow, won: bool, rules: DealRules, terms: ExportTerms, out: Collector,
          found: Findings) -> Deal | None:
    """The won or lost deal of ``row``; None after its problems are recorded (its owner,
    date and, when won, its client type and amount are all read, so one run names every
    problem of the row)."""
    rep_id = owner_rep(row, rules.owners, found)
    day = _close_date(row, won, rules.locale, out)
    client_type, amount = None, 0
    if won:
        read = terms.read(row, out)
        if read is None:
            return None
        client_type, amount = read
    if rep_id is None or day is None:
        return None
    return Deal(rep_id, day, "won" if won else "lost", client_type, amount,
                client_key(row.text("client")), row.where)


def _close_date(row: ExportRow, won: bool, locale: str, out: Collector) -> date | None:
    """The day the deal was won or lost: Pipedrive's won or lost time when given, else
    the close date; None after a problem."""
    day_role = "won_date" if won else "lost_date"
    if not row.text(day_role):
        day_role = "date"
    if day_role not in row.cols:
        out.error(f"{row.export.label} header", "has no close date column. Export the "
                  "close date with the deals.", kind="crm no date")
        return None
    if not row.text(day_role):
        out.error(row.cell(day_role), f"the close date of this {'won' if won else 'lost'} "
                  "deal is missing. Fill it in the CRM and export again, or type it here.",
                  kind="crm date")
        return None
    try:
        return parse_date(row.get(day_role), locale)
    except ValueProblem as problem:
        out.error(row.cell(day_role), problem.message, kind="crm date")
        return None


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
