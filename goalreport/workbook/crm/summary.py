"""What ``check`` says about the exports: one line per export, and the values met across
them that are reported once each (unknown owners, owners left out, stages) (pure).

The line counts the export's rows as a person counts them from the file: the won, lost
and open deals (a won deal with a problem cell is still won: its problem is said on its
cell), without the blank rows, a repeated header and the report's footer and total
lines, which are counted apart. Everything goalreport did to the rows beyond reading
them is said on the line: repeats counted once, deals left out, stages read by their
words, lost deals dated by a fallback column, amounts converted, new or repeat inferred.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goalreport.errors import Problem
from goalreport.workbook.crm.formats import ROLE_NAMES
from goalreport.workbook.crm.owners import OwnerIndex
from goalreport.workbook.crm.rows import Findings
from goalreport.workbook.table import Collector


def plural(count: int, noun: str, many: str = "") -> str:
    """'1 deal', '3 deals'."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


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
    #: Rows the CRM deleted (is_deleted, an older version), ignored.
    removed: int = 0
    #: Footer and total lines of a report (not deals), skipped.
    footer: int = 0
    duplicates: int = 0
    #: How repeated rows were told (by record ID, or by their stable columns).
    repeated_by: str = "record already read"
    #: Rows that repeat deals an export read before held: its label → how many.
    overlaps: dict[str, int] = field(default_factory=dict)
    typed: int = 0
    inferred: int = 0
    #: Won deals whose new vs repeat could not be inferred (no client column).
    no_client: bool = False
    #: Deals of owners who are not reps, left out.
    left_out: int = 0
    #: Open deals without a close date, or without an amount: left out of the pipeline.
    open_undated: int = 0
    open_no_amount: int = 0
    #: Stages read as won or lost by their words: stage → 'won' / 'lost'.
    readings: dict[str, str] = field(default_factory=dict)
    #: Deals dated by a fallback column: (outcome, column used, column missing) → count.
    fallbacks: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: Amounts converted: 'EUR at 1.10 (from 2026-01-01)' → deals.
    converted: dict[str, int] = field(default_factory=dict)
    #: Held meetings counted by date (no done flag): the As Of they are on or before.
    held_by: str = ""
    #: role → header, said for a table no CRM made and for columns Settings name.
    columns: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        """'Salesforce opportunities report, 412 rows: 96 won, 51 lost, 12 open'
        and whatever else was done to the rows (shown after the label)."""
        text = f"{self.title}, {plural(self.rows, 'row')}: "
        repeated = sum(self.overlaps.values())
        if repeated == self.rows and len(self.overlaps) == 1:
            # A file and a sheet holding the same deals: said once, on the second.
            return text + f"the same deals as {next(iter(self.overlaps))}, counted once."
        if self.meetings or self.other:
            text += f"{plural(self.meetings, 'meeting')} held, {self.other:,} other (ignored)"
        else:
            text += f"{self.won:,} won, {self.lost:,} lost, {self.open:,} open"
        parts = self._parts()
        text += "".join(f"; {part}" for part in parts)
        if self.columns:
            text += "; columns: " + ", ".join(f"{ROLE_NAMES.get(role, role)} {header!r}"
                                              for role, header in self.columns.items())
        if self.note:
            text += f". Note: {self.note}"
        return text + "."

    def _parts(self) -> list[str]:
        parts = []
        if self.removed:
            parts.append(f"{self.removed} deleted in the CRM (ignored)")
        if self.left_out:
            parts.append(f"{plural(self.left_out, 'deal')} of owners who are not reps left "
                         "out")
        if self.open_undated:
            parts.append(f"{plural(self.open_undated, 'open deal')} without a close date "
                         "left out of the pipeline")
        if self.open_no_amount:
            parts.append(f"{plural(self.open_no_amount, 'open deal')} without an amount left "
                         "out of the pipeline")
        if self.duplicates:
            parts.append(f"{self.duplicates} repeated ({self.repeated_by}) counted once")
        for label, count in self.overlaps.items():
            parts.append(f"{count} the same as in {label}, counted once")
        if self.typed:
            parts.append(f"{self.typed} also typed on the Activity sheet counted once")
        for stage, said in self.readings.items():
            parts.append(f"stage {stage!r} read as {said}")
        for (kind, used, missing), count in self.fallbacks.items():
            parts.append(f"{plural(count, kind + ' deal')} without {missing!r} dated by "
                         f"{used!r}")
        for rate, count in self.converted.items():
            parts.append(f"{plural(count, 'amount')} converted from {rate}")
        if self.held_by:
            parts.append(f"no done column, so meetings dated on or before {self.held_by} "
                         "count as held")
        if self.no_client and self.inferred:
            parts.append(f"no client column, so new vs repeat cannot be inferred: "
                         f"{plural(self.inferred, 'won deal')} counted as new (export the "
                         "account or organization column, or a type column)")
        elif self.inferred:
            parts.append(f"new vs repeat inferred for {plural(self.inferred, 'won deal')} "
                         "(repeat when the same client won earlier)")
        if self.footer:
            parts.append(f"{plural(self.footer, 'footer or total line')} skipped")
        return parts

    def problem(self) -> Problem:
        """The line as an "info" ``Problem``: where is the label."""
        return Problem(self.label, self.line(), "info")


def unknown_values(found: Findings, owners: OwnerIndex, out: Collector,
                   money: str = "") -> None:
    """One problem per unknown owner and per owner ID and name that disagree, one
    warning per owner left out, and one per closed-looking unknown stage."""
    for (owner_id, name), cells in found.conflicts.items():
        by_id, by_name = owners.by_crm_id(owner_id), owners.by_name(name)
        out.error(cells[0], f"owner ID {owner_id!r} is the CRM ID of {owners.describe(by_id)} "
                  f"but the owner name {name!r} is {owners.describe(by_name)}{_more(cells)}: "
                  "the ID matched one rep and the name another. Correct the CRM ID on the "
                  "Reps sheet, or the owner in the CRM.")
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
    for (role, owner), (deals, won, cents, cells) in found.others.items():
        what = "owner ID" if role == "owner_id" else "deal owner"
        amount = f"{cents // 100:,}.{cents % 100:02d}"
        won_text = f", {won} won for {money}{amount}" if won else ""
        out.warn(cells[0], f"{what} {owner!r} is not a rep: {plural(deals, 'deal')}"
                 f"{won_text}{_more(cells)} left out. Add them to the Reps sheet to count "
                 "them, or set Other Owners to error in Settings to stop instead.",
                 kind="crm other owner")
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
