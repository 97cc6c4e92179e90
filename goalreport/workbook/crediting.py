"""The reader's credit step (SPEC §3 Credit): splits read first, deals taken while
Activity and the exports are read, then credited and added to the sums.

Only a workbook that splits deals (a Splits sheet, a splits export) or sets Credit On to
invoiced or paid comes here; any other is read as it always was, summed as it is read.
Order matters: the splits are read before Activity, so that the Activity and export
readers know which Deal IDs are split (``intake.CreditIntake.wants``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from goalreport.core.credit import credit_deals, deal_key, schedule
from goalreport.core.model import Credit, DayActivity, Rep, Settings
from goalreport.errors import Problem
from goalreport.workbook.crm.formats import recognise
from goalreport.workbook.crm.rows import ExportRows, Findings
from goalreport.workbook.crm.sources import HEADER_SEARCH, deal_rules
from goalreport.workbook.crm.splits import SplitsSummary, other_users, read_splits_export
from goalreport.workbook.crm.summary import plural, unknown_values
from goalreport.workbook.deals import DayTally
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.intake import CreditIntake
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import SPLITS
from goalreport.workbook.splits import SplitBook, read_splits_sheet, splits_note
from goalreport.workbook.table import Collector, find_sheet, read_table

#: The column each Credit On reads, as messages name it.
NEEDED = {"invoiced": ("invoiced_date", "Invoiced Date"), "paid": ("paid_date", "Paid Date")}


def splits_sheet(book: Book, out: Collector) -> str | None:
    """The Splits sheet, unless it holds a splits export (read as the export it is)."""
    name = find_sheet(book, SPLITS, out)
    if name is None:
        return None
    top = book.first_rows(name, HEADER_SEARCH) or []
    if any((fmt := recognise(row)) is not None and fmt.splits for row in top):
        return None
    return name


@dataclass
class CreditStep:
    """The splits read, and the deals taken to be credited."""

    settings: Settings
    splits: SplitBook = field(default_factory=SplitBook)
    notes: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    #: What the splits exports met (their unknown owners are said with the deals').
    found: Findings = field(default_factory=Findings)
    intake: CreditIntake | None = None

    def read_splits(self, book: Book, name: str | None, exports: Sequence[ExportRows],
                    index: RepIndex, reps: Sequence[Rep], out: Collector,
                    held_by: date | None) -> None:
        """The Splits sheet (``name``) and the splits ``exports``."""
        settings = self.settings
        if name is not None and (table := read_table(book, SPLITS, name, out)):
            self.splits.add(read_splits_sheet(table, index, settings, out, self.splits.flawed),
                            typed=True)
            self.sources.append(f"{name} sheet")
        summaries: list[SplitsSummary] = []
        if exports:
            rules = deal_rules(reps, settings, out, held_by)
            for export in exports:
                rows, summary = read_splits_export(export, rules, settings, out, self.found,
                                                   self.splits.flawed, self.splits.records)
                self.splits.add(rows)
                summaries.append(summary)
                self.notes.append(summary.problem())
                self.sources.append(export.label)
            other_users(summaries, out)

    def start(self, locale: str, currency: str | None, out: Collector) -> CreditIntake | None:
        """The intake the readers hand deals to; None when every deal is summed as read."""
        if self.splits or self.settings.credit_on != "booked":
            self.intake = CreditIntake(self.settings.credit_on, self.splits.keys(), locale,
                                       currency, out)
        return self.intake

    def said_owners(self, reps: Sequence[Rep], out: Collector, deal_exports: bool) -> None:
        """The splits exports' unknown owners, when no deals export says them with its own."""
        if not deal_exports and (self.found.owners or self.found.conflicts):
            unknown_values(self.found, deal_rules(reps, self.settings, out).owners, out)

    def finish(self, tally: DayTally, out: Collector, columns: set[str]
               ) -> tuple[tuple[Credit, ...], tuple[DayActivity, ...]]:
        """The credits of the deals taken, added to ``tally`` on their days; returns every
        credit and the overlay part, per rep and day. ``columns``: the credit roles some
        source has (Activity's columns, the exports'), to say when Credit On has none."""
        intake = self.intake
        if intake is None:
            return (), ()
        settings = self.settings
        counted = {deal_key(deal.deal_id) for deal in intake.deals if deal.deal_id}
        checked = self.splits.checked(counted, out)
        credits = [c for c in credit_deals(intake.deals, checked, settings.credit_on)
                   if c.rep_id]  # a CRM user who is no rep: their share counts for no one
        tally.add_credits(credits)
        overlay = DayTally()
        overlay.add_credits(credits, overlay=True)
        if self.splits:
            self.notes.append(splits_note(self.splits, set(checked), self.sources))
        if settings.credit_on != "booked":
            self.notes.append(self._credit_note(out, columns))
        return tuple(credits), overlay.records()

    def _credit_note(self, out: Collector, columns: set[str]) -> Problem:
        """``check``'s line on Credit On: how many won deals count, in part, or not yet."""
        credit_on = self.settings.credit_on
        role, title = NEEDED[credit_on]
        where = out.setting_cells.get("credit_on", "Settings sheet")
        if role not in columns:
            article = "an" if title[0] in "AEIOU" else "a"
            out.error(where, f"Credit On is {credit_on}, but neither the Activity sheet nor "
                      f"any export has {article} {title} column, so no won deal would count. Add "
                      f"the {title} column (and fill it in), or set Credit On to booked.",
                      kind="credit column")
        full = part = none = 0
        assert self.intake is not None
        for deal in self.intake.deals:
            if deal.kind != "won":
                continue
            steps = schedule(deal, credit_on)
            if steps[-1][0] is not None:
                full += 1
            elif len(steps) > 1:
                part += 1
            else:
                none += 1
        done = "invoiced" if credit_on == "invoiced" else "paid in full"
        parts = [f"{full:,} {done}"] + ([f"{part:,} paid in part"] if part else []) + [
            f"{none:,} not yet {credit_on}"]
        won = full + part + none
        return Problem(where, f"Credit On {credit_on}: of {plural(won, 'won deal')}, "
                       f"{', '.join(parts)}; a deal counts on its "
                       f"{'Invoiced Date' if credit_on == 'invoiced' else 'Paid Date, as it is paid'}"
                       ".", "info")
