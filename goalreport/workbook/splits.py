"""Split deals (SPEC §3 Credit): the Splits sheet and the splits exports, read and checked.

Every source gives rows of one shape (``SplitRow``): a deal, a rep, a share, revenue or
overlay. The Splits sheet names its reps by Rep ID (or a rep's CRM ID or Name, as Goals
may); an export by the CRM user (``crm.splits``). ``SplitBook`` gathers the rows of every
source and, once the won and lost deals are known, checks each counted deal's splits:

- its revenue splits add up to 100 %, else an input problem naming their cells;
- a rep is given one revenue and one overlay split of a deal at most (a row pasted twice
  with the same record ID counts once);
- a Deal ID that no won or lost deal has is a warning on the Splits sheet (a typo would
  leave the deal whole with its owner); in an export, the splits of open deals are just
  counted on its ``check`` line, as most of an export's deals are still open.

Shares: ``60%``, ``0.6`` or ``60`` on the sheet (a plain number above 1 is a percent, so
``1`` is 100 %: write 1 % as ``1%``); an export's SplitPercentage is always a percent.
A revenue share is at most 100 %, an overlay share at most 1,000 % (Salesforce's bounds).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from goalreport.core.credit import Split, count_text, deal_key
from goalreport.core.keys import normalize
from goalreport.core.model import Settings
from goalreport.errors import Problem
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.table import Collector, Table
from goalreport.workbook.values import ValueProblem, is_blank, parse_number, parse_text, quote

#: Split type words (``normalize``d) → overlay or not. A blank type is revenue: Salesforce
#: gives a split without a type the default one, the amount validated to 100 %.
SPLIT_TYPES = {"": False, "revenue": False, "revenue split": False, "revenue splits": False,
               "overlay": True, "overlay split": True, "overlay splits": True}
#: The largest share of each kind.
MOST = {False: Fraction(1), True: Fraction(10)}


class SplitRow(NamedTuple):
    deal_id: str
    #: The Rep ID; "" for a CRM user who is no rep (their share counts for no one).
    rep_id: str
    share: Fraction
    overlay: bool
    #: The share's cell ("Splits!C4").
    where: str


def split_kinds(settings: Settings) -> dict[str, bool]:
    """Split type words, with Settings' Revenue and Overlay Split Types, → overlay."""
    kinds = dict(SPLIT_TYPES)
    kinds.update({normalize(name): False for name in settings.revenue_split_types})
    kinds.update({normalize(name): True for name in settings.overlay_split_types})
    return kinds


def read_split_type(raw: Any, kinds: dict[str, bool]) -> bool:
    """True for an overlay split, False for a revenue one; ``ValueProblem`` otherwise."""
    text = "" if is_blank(raw) else parse_text(raw)
    found = kinds.get(normalize(text))
    if found is None:
        raise ValueProblem(f"{text!r} is not a split type goalreport knows. Write revenue or "
                           "overlay, or name it in Settings' Revenue Split Types or Overlay "
                           "Split Types (a Salesforce SplitTypeId: export "
                           "SplitType.DeveloperName beside it instead).")
    return found


def read_share(raw: Any, locale: str, *, percent: bool) -> Fraction:
    """A split's share: ``60%``; ``60`` (a percent); on the sheet (``percent`` False)
    also ``0.6``, a number up to 1 being the share itself."""
    example = "60% or 60"
    if isinstance(raw, str) and parse_text(raw).endswith("%"):
        share = parse_number(parse_text(raw)[:-1].strip(), locale, what="a split percentage",
                             example=example) / 100
    else:
        share = parse_number(raw, locale, what="a split percentage", example=example)
        if percent or share > 1:
            share /= 100
    if share < 0:
        raise ValueProblem(f"{quote(raw)} is negative. Write the rep's share, such as "
                           f"{example}.")
    return share


def check_share(share: Fraction, overlay: bool, raw: Any) -> None:
    if share > MOST[overlay]:
        most = "100%" if not overlay else "1,000%"
        raise ValueProblem(f"{quote(raw)} is more than {most}, the most a"
                           f"{'n overlay' if overlay else ' revenue'} split can be. Write the "
                           "rep's share, such as 60%.")


def read_splits_sheet(table: Table, reps: RepIndex, settings: Settings, out: Collector,
                      flawed: set[str]) -> list[SplitRow]:
    """The Splits sheet's sound rows; problems to ``out``, and the Deal IDs of the rows
    with one to ``flawed`` (their deal's total is not checked again: one cause, one
    message)."""
    kinds = split_kinds(settings)
    found: list[SplitRow] = []
    for row in table.rows:
        deal = row.parse("deal_id", parse_text, out,
                         required="the Deal ID is missing. Write the ID of the deal (its "
                                  "Activity row's Deal ID, or the CRM's record ID).")
        rep_id = reps.resolve(row, out, loose=True)
        overlay = row.parse("split_type", lambda v: read_split_type(v, kinds), out,
                            default=False)
        share = row.parse("share", lambda v: read_share(v, settings.locale, percent=False),
                          out, required="the Split % is missing. Write the rep's share of "
                                        "the deal, such as 60%.")
        if share is not None and overlay is not None:
            try:
                check_share(share, overlay, row.values.get("share"))
            except ValueProblem as problem:
                out.error(row.cell("share"), problem.message, kind="split share")
                share = None
        if deal is None or rep_id is None or share is None or overlay is None:
            if deal is not None:
                flawed.add(deal_key(deal))
            continue
        found.append(SplitRow(deal, rep_id, share, overlay, row.cell("share")))
    return found


@dataclass
class SplitBook:
    """Every source's split rows, by deal key."""

    #: deal key → its rows, in the order read.
    rows: dict[str, list[SplitRow]] = field(default_factory=dict)
    #: deal keys of the Splits sheet's rows (a Deal ID no deal has is a warning there).
    typed: set[str] = field(default_factory=set)
    #: The exports' split record IDs met, to count a split pasted twice once.
    records: set[str] = field(default_factory=set)
    #: deal keys of rows with a problem: their deal's splits are not checked further.
    flawed: set[str] = field(default_factory=set)

    def add(self, rows: Iterable[SplitRow], typed: bool = False) -> None:
        """Add ``rows`` (``typed``: the Splits sheet's)."""
        for row in rows:
            key = deal_key(row.deal_id)
            self.rows.setdefault(key, []).append(row)
            if typed:
                self.typed.add(key)

    def keys(self) -> frozenset[str]:
        return frozenset(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)

    def checked(self, counted: Collection[str], out: Collector) -> dict[str, list[Split]]:
        """The splits of the deals ``counted`` (deal keys of won and lost deals), each
        deal's checked: problems and warnings to ``out``. A deal with a problem is left
        out of the result (its problem stops the run)."""
        found: dict[str, list[Split]] = {}
        unknown: list[SplitRow] = []
        for key, rows in self.rows.items():
            if key not in counted:
                if key in self.typed:
                    unknown.extend(rows)
                continue
            if _sound(rows, out, total=key not in self.flawed) and key not in self.flawed:
                found[key] = [Split(r.rep_id, r.share, r.overlay, r.where) for r in rows]
        if unknown:
            first = unknown[0]
            ids = sorted({r.deal_id for r in unknown})
            shown = ", ".join(repr(i) for i in ids[:5]) + (f" and {len(ids) - 5} more"
                                                           if len(ids) > 5 else "")
            out.warn(first.where, f"Deal ID {shown} {'is' if len(ids) == 1 else 'are'} on no "
                     "won or lost deal (Activity's Deal ID, an export's record ID), so "
                     f"{'its splits are' if len(ids) == 1 else 'their splits are'} not used "
                     "yet. Check the ID; an open deal's splits count once it is won.",
                     kind="split unknown deal")
        return found


def _sound(rows: Sequence[SplitRow], out: Collector, *, total: bool = True) -> bool:
    """Whether one deal's splits are sound: revenue shares adding up to 100 % (when it
    has any; not checked without ``total``, when a row of the deal has a problem of its
    own), no rep twice in one kind. Problems to ``out``."""
    sound = True
    seen: dict[tuple[str, bool], SplitRow] = {}
    for row in rows:
        twice = seen.get((row.rep_id, row.overlay)) if row.rep_id else None
        if twice is not None:
            kind = "an overlay" if row.overlay else "a revenue"
            out.error(row.where, f"rep {row.rep_id!r} has {kind} split of deal "
                      f"{row.deal_id!r} twice (first at {twice.where}). Keep one row, with "
                      "the rep's whole share.", kind="split twice")
            sound = False
        seen[(row.rep_id, row.overlay)] = row
    revenue = [row for row in rows if not row.overlay]
    added = sum((row.share for row in revenue), Fraction(0))
    if total and revenue and added != 1:
        cells = ", ".join(row.where for row in revenue)
        out.error(revenue[0].where, f"the revenue splits of deal {revenue[0].deal_id!r} "
                  f"({cells}) add up to {percent_text(added)}, not 100%. Make them add up to "
                  "100% (a share on top of the revenue is an overlay split).",
                  kind="split total")
        sound = False
    return sound


def percent_text(share: Fraction) -> str:
    """3/5 → '60%', 0.9 → '90%', 1/3 → '33.33%'."""
    return f"{count_text(share * 100)}%"


def splits_note(book: SplitBook, used: Collection[str], sources: Sequence[str]) -> Problem:
    """``check``'s line about the splits: how many deals they divide."""
    deals = len(book.rows)
    split = sum(1 for key in book.rows if key in used)
    waiting = deals - split
    rest = (f"; {waiting:,} deal{'s' if waiting != 1 else ''} neither won nor lost here, "
            "whose splits count once they are") if waiting else ""
    return Problem(" and ".join(sources) or "Splits", (
        f"splits of {deals:,} deal{'s' if deals != 1 else ''}: {split:,} won or lost "
        f"deal{'s' if split != 1 else ''} credited in shares (revenue splits add up to the "
        f"deal, overlay splits count for their reps alone){rest}."), "info")
