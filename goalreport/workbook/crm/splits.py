"""Rows of an opportunity splits export → split rows (pure: values in, rows out).

Salesforce's OpportunitySplit object (a Data Loader export, a warehouse copy) gives one
row per rep and split type of each opportunity: OpportunityId, SplitOwnerId (a user ID,
matched to Reps' CRM ID as an opportunity's owner is), SplitPercentage (a percent: 60 is
60 %) and SplitTypeId, an ID of the org's own split types. The type's name is what says
revenue or overlay, so the export should carry ``SplitType.DeveloperName`` (or
``MasterLabel``) beside it; a type ID Settings' Revenue or Overlay Split Types names is
read too, and any other one is an input problem saying so. A row the CRM deleted
(IsDeleted) is no split; a row read before (its Id) counts once. The share of a user who
is no rep counts for no one, with one warning per user (the deal's other shares still
add up to 100 % with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from goalreport.core.credit import deal_key
from goalreport.core.model import Settings
from goalreport.errors import Problem
from goalreport.workbook.crm.rows import (
    OTHER,
    DealRules,
    ExportRow,
    ExportRows,
    Findings,
    owner_rep,
)
from goalreport.workbook.crm.summary import plural
from goalreport.workbook.splits import (
    SplitRow,
    check_share,
    read_share,
    read_split_type,
    split_kinds,
)
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_text, parse_yes_no


@dataclass
class SplitsSummary:
    """What ``check`` says about one splits export."""

    label: str
    title: str
    rows: int = 0
    revenue: int = 0
    overlay: int = 0
    removed: int = 0
    repeated: int = 0
    #: Shares of CRM users who are no rep: (role, user) → [rows, cells].
    others: dict[tuple[str, str], list[Any]] = field(default_factory=dict)

    def problem(self) -> Problem:
        text = (f"{self.title}, {plural(self.rows, 'row')}: {self.revenue:,} revenue and "
                f"{self.overlay:,} overlay splits")
        if self.removed:
            text += f"; {self.removed} deleted in the CRM (ignored)"
        if self.repeated:
            text += f"; {self.repeated} repeated (same record ID) counted once"
        left = sum(count for count, _cells in self.others.values())
        if left:
            text += f"; {plural(left, 'split')} of users who are not reps count for no one"
        return Problem(self.label, text + ".", "info")


def read_splits_export(export: ExportRows, rules: DealRules, settings: Settings,
                       out: Collector, found: Findings, flawed: set[str], seen: set[str]
                       ) -> tuple[list[SplitRow], SplitsSummary]:
    """The export's splits and its ``check`` line; problems to ``out``, and the deal IDs
    of rows with one to ``flawed``. ``seen``: the splits' record IDs read so far (this
    export's are added): a row pasted twice counts once."""
    summary = SplitsSummary(export.label, export.format.title)
    kinds = split_kinds(settings)
    rows: list[SplitRow] = []
    width = len(export.header)
    for number, first, values in export.rows:
        offset = first - export.first_column
        if offset:
            values = [None] * offset + list(values) if offset > 0 else list(values[-offset:])
        if all(is_blank(v) for v in values):
            continue
        if len(values) < width:
            values = list(values) + [None] * (width - len(values))
        if values == export.header:
            continue  # the header of a second paste
        row = ExportRow(export, number, values, export.cols)
        summary.rows += 1
        record = row.text("record_id")
        if record:
            if record in seen:
                summary.repeated += 1
                continue
            seen.add(record)
        removed = summary.removed
        split = _split(row, rules, kinds, out, found, summary)
        if split is not None:
            rows.append(split)
        elif row.text("deal_id") and summary.removed == removed:
            flawed.add(deal_key(row.text("deal_id")))
    return rows, summary


def _split(row: ExportRow, rules: DealRules, kinds: dict[str, bool], out: Collector,
           found: Findings, summary: SplitsSummary) -> SplitRow | None:
    """One row's split; None when it is none (deleted) or after its problems."""
    if "is_deleted" in row.cols and not is_blank(row.get("is_deleted")):
        try:
            if parse_yes_no(row.get("is_deleted")):
                summary.removed += 1
                return None
        except ValueProblem:
            pass  # not a flag: read the row
    deal = row.text("deal_id")
    if not deal:
        out.error(row.cell("deal_id"), "the OpportunityId is missing: which deal this split "
                  "is of. Export it with the splits.", kind="crm split deal")
    rep_id = owner_rep(row, rules, found)
    overlay: bool | None = False
    if "split_type" in row.cols:
        try:
            overlay = read_split_type(row.get("split_type"), kinds)
        except ValueProblem as problem:
            out.error(row.cell("split_type"), problem.message, kind="crm split type")
            overlay = None
    share = None
    raw = row.get("percent")
    if is_blank(raw):
        out.error(row.cell("percent"), "the SplitPercentage is missing. Export it with the "
                  "splits.", kind="crm split share")
    else:
        try:
            share = read_share(raw, rules.locale, percent=True)
            if overlay is not None:
                check_share(share, overlay, raw)
        except ValueProblem as problem:
            out.error(row.cell("percent"), problem.message, kind="crm split share")
            share = None
    if not deal or rep_id is None or overlay is None or share is None:
        return None
    if rep_id == OTHER:
        role = "owner_id" if row.text("owner_id") else "owner"
        other = summary.others.setdefault((role, row.text(role)), [0, []])
        other[0] += 1
        other[1].append(row.cell(role))
        rep_id = ""
    if overlay:
        summary.overlay += 1
    else:
        summary.revenue += 1
    return SplitRow(deal, rep_id, share, overlay, row.cell("percent"))


def other_users(summaries: list[SplitsSummary], out: Collector) -> None:
    """One warning per CRM user who is no rep, across the splits exports."""
    seen: dict[tuple[str, str], list[Any]] = {}
    for summary in summaries:
        for key, (count, cells) in summary.others.items():
            known = seen.setdefault(key, [0, []])
            known[0] += count
            known[1].extend(cells)
    for (role, user), (count, cells) in seen.items():
        what = "split owner ID" if role == "owner_id" else "split owner"
        more = f" (also in {', '.join(cells[1:4])}{' and more' if len(cells) > 4 else ''})" \
            if len(cells) > 1 else ""
        out.warn(cells[0], f"{what} {parse_text(user)!r} is not a rep: "
                 f"{plural(count, 'split')}{more} count for no one. Add them to the Reps "
                 "sheet (with their CRM ID) to credit them.", kind="crm split other owner")
