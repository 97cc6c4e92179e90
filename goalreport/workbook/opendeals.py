"""The Pipeline sheet (open deals typed by hand) and the Stages sheet (each stage's
probability and forecast category), SPEC §1.

Pipeline: one row per open deal, Rep ID, Amount and Close Date required; Deal, Stage,
Probability and Forecast Category optional. A row in a won or lost stage is a problem
(won and lost deals belong on Activity, where they count once). A row that repeats one
above in Rep ID, Deal, Stage, Close Date and Amount is the same deal pasted twice: it
counts once and ``check`` says so. Stages: one row per stage, compared by
``keys.stage_key`` (``Closed - Won`` is ``closedwon``); a stage listed twice is a problem.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from goalreport.core.keys import rep_key, stage_key
from goalreport.core.model import OpenDeal, Settings, StageDefaults
from goalreport.errors import Problem
from goalreport.workbook.crm.formats import recognise
from goalreport.workbook.crm.outcome import LOST_STAGES, WON_STAGES, stage_set
from goalreport.workbook.crm.sources import HEADER_SEARCH, find_header
from goalreport.workbook.forecastwords import parse_category, parse_probability
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import PIPELINE, STAGES
from goalreport.workbook.table import Collector, Row, Table, read_table
from goalreport.workbook.values import parse_money, parse_text

#: Where ``check`` counts the typed deals.
SOURCE = "the Pipeline sheet"


def pasted_export(book: Book, name: str | None) -> bool:
    """Whether sheet ``name`` holds a pasted CRM export (a Salesforce report pasted into a
    sheet called Pipeline, Odoo's "Pipeline (crm.lead)"): then it is read as the export."""
    if name is None:
        return False
    top = book.first_rows(name, HEADER_SEARCH)
    if top is not None:
        return any(recognise(row) is not None for row in top)
    return find_header(book.rows(name)) is not None


def read_open_deals(book: Book, pipeline: str | None, stages_sheet: str | None,
                    reps: RepIndex, settings: Settings, out: Collector,
                    pasted: Sequence[OpenDeal] = ()
                    ) -> tuple[list[OpenDeal], dict[str, StageDefaults], tuple[Problem, ...]]:
    """The open deals of the Pipeline sheet and of the CRM exports (``pasted``), a deal on
    both counted once; the Stages sheet's stages; ``check``'s notes about them (sheets
    None: not in the workbook)."""
    locale = settings.locale
    currency = None if "currency" in out.unsure else settings.currency
    deals: list[OpenDeal] = []
    notes: tuple[Problem, ...] = ()
    if pipeline and (table := read_table(book, PIPELINE, pipeline, out)):
        closed = stage_set(WON_STAGES, settings.won_stages) | stage_set(
            LOST_STAGES, settings.lost_stages)
        deals, note = read_pipeline(table, reps, locale, out, currency, closed)
        notes = (note,) if note is not None else ()
    deals += drop_typed_open(deals, pasted, out)
    stages: dict[str, StageDefaults] = {}
    if stages_sheet and (table := read_table(book, STAGES, stages_sheet, out)):
        stages = read_stages(table, locale, out)
    return deals, stages, notes


def read_pipeline(table: Table, reps: RepIndex, locale: str, out: Collector,
                  currency: str | None, closed_stages: Collection[str]
                  ) -> tuple[list[OpenDeal], Problem | None]:
    """The sheet's open deals, each once, and ``check``'s note about repeated rows (or
    None). ``closed_stages``: won and lost stage names as ``stage_key`` writes them."""
    deals: list[OpenDeal] = []
    seen: dict[tuple[Any, ...], str] = {}
    repeated: list[str] = []
    for row in table.rows:
        before = out.errors_seen
        rep_id = reps.resolve(row, out)
        amount = row.parse("amount", lambda v: parse_money(v, locale, currency), out,
                           required="the Amount is missing. Write what the deal is worth.")
        close = row.parse_date("close_date", locale, out, required=(
            "the Close Date is missing. Write the day the rep expects the deal to close."))
        probability = row.parse("probability", lambda v: parse_probability(v, locale), out)
        category = row.parse("category", parse_category, out)
        stage = row.parse("stage", parse_text, out, default="") or ""
        if stage and stage_key(stage) in closed_stages:
            out.error(row.cell("stage"), f"stage {stage!r} is a closed stage, and the Pipeline "
                      "sheet holds open deals only. Log a won or lost deal on the Activity "
                      "sheet (type won or lost) and take it off the Pipeline sheet.",
                      kind="pipeline closed stage")
            continue
        name = row.parse("deal", parse_text, out, default="") or ""
        if rep_id is None or amount is None or close is None or out.errors_seen > before:
            continue  # a row with a problem is left out (check still counts the rest)
        key = _same_deal(rep_id, name, stage, close, amount)
        if key in seen:
            repeated.append(row.where)
            continue
        seen[key] = row.where
        deals.append(OpenDeal(rep_id=rep_id, amount=amount, close_date=close, name=name,
                              stage=stage, probability=probability, category=category,
                              where=row.where, source=SOURCE))
    return deals, _repeated_note(table.name, repeated)


def drop_typed_open(typed: Sequence[OpenDeal], pasted: Sequence[OpenDeal], out: Collector
                    ) -> list[OpenDeal]:
    """The exports' open deals less those also typed on the Pipeline sheet (same rep,
    deal name, close date and amount), with one warning per export: a manager moving
    from typing to pasting does not double the pipeline."""
    if not typed:
        return list(pasted)
    rows: dict[tuple[Any, ...], list[str]] = {}
    for deal in typed:
        rows.setdefault(_same_open(deal), []).append(deal.where)
    kept: list[OpenDeal] = []
    twice: dict[str, list[tuple[OpenDeal, str]]] = {}
    for deal in pasted:
        found = rows.get(_same_open(deal))
        if found:
            twice.setdefault(deal.source, []).append((deal, found.pop(0)))
        else:
            kept.append(deal)
    for source, pairs in twice.items():
        deal, where = pairs[0]
        count = len(pairs)
        out.warn(deal.where, f"{count} open deal{'s' if count != 1 else ''} of {source} "
                 f"{'are' if count != 1 else 'is'} also typed on the Pipeline sheet (same "
                 f"rep, deal, close date and amount; first: {where}) and counted once. Keep "
                 "each deal in one place.", kind="open deal typed and pasted")
    return kept


def _same_open(deal: OpenDeal) -> tuple[Any, ...]:
    return (rep_key(deal.rep_id), " ".join(deal.name.casefold().split()), deal.close_date,
            deal.amount)


def _same_deal(rep_id: str, name: str, stage: str, close: date, amount: Decimal
               ) -> tuple[Any, ...]:
    """What makes two rows the same deal: rep, deal name, stage, close date and amount."""
    return (rep_key(rep_id), " ".join(name.casefold().split()), stage_key(stage), close,
            amount)


def _repeated_note(sheet: str, repeated: list[str]) -> Problem | None:
    if not repeated:
        return None
    count = len(repeated)
    return Problem(f"{sheet} sheet", (
        f"{count} row{'s' if count != 1 else ''} repeat{'' if count != 1 else 's'} a deal "
        f"above (same Rep ID, Deal, Stage, Close Date and Amount; first: {repeated[0]}), "
        "counted once."), "info")


def read_stages(table: Table, locale: str, out: Collector) -> dict[str, StageDefaults]:
    """``stage_key`` of each stage → its probability and forecast category."""
    stages: dict[str, StageDefaults] = {}
    first: dict[str, Row] = {}
    for row in table.rows:
        stage = row.parse("stage", parse_text, out, required=(
            "the Stage is missing. Write the stage's name as your CRM spells it."))
        probability = row.parse("probability", lambda v: parse_probability(v, locale), out)
        category = row.parse("category", parse_category, out)
        if stage is None:
            continue
        key = stage_key(stage)
        if key in first:
            out.error(row.cell("stage"), f"stage {stage!r} is listed twice (first in "
                      f"{first[key].where}). Keep one row per stage.")
            continue
        first[key] = row
        stages[key] = StageDefaults(probability, category)
    return stages
