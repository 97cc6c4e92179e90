"""Reading the Goals sheet in the shapes managers keep (SPEC §1): today's annual New and
Repeat Client Targets, one total (Quota, Target, Sales Amount Quota …, optionally with New
Share), or targets per month or quarter, long (a row per rep and period) or wide (a column
per period), each possibly in New and Repeat amounts and in versions by Effective From.

``header`` gives each column its role, ``layout`` decides the shape (or the one problem
that stops it), ``rows`` reads the cells, ``place`` puts each period in its goal year and
``build`` groups them into one ``Goal`` per rep and goal year; ``fields`` reads today's
optional columns and warns about targets typed in thousands.
"""

from __future__ import annotations

from goalreport.core.model import Goal, GoalsShape, NodeGoal, Settings
from goalreport.core.org import NO_TREE, OrgTree
from goalreport.workbook.goals.build import build_goals
from goalreport.workbook.goals.fields import thousands_warnings
from goalreport.workbook.goals.header import GoalsHeader, read_header
from goalreport.workbook.goals.layout import Layout, LayoutProblem, Split, decide
from goalreport.workbook.goals.nodes import NodeOwners
from goalreport.workbook.goals.place import place_all
from goalreport.workbook.goals.rows import Read, read_rows, rep_owner, table_columns
from goalreport.workbook.inputsheets import RepIndex
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import GOALS
from goalreport.workbook.table import Collector, Table
from goalreport.workbook.values import is_blank

EMPTY = ("is empty. Put the headers Rep ID, Year, New Client Target, Repeat Client Target "
         "in its first row, then one row per entry below.")


def read_goals(book: Book, sheet: str, reps: RepIndex, settings: Settings, out: Collector,
               currency: str | None, org: OrgTree = NO_TREE
               ) -> tuple[tuple[Goal, ...], GoalsShape | None, tuple[NodeGoal, ...]]:
    """The reps' goals of ``sheet``, the shape it was read as (None when its header could
    not be read: then that is the one problem, and no rep is also said to lack a goal)
    and the own quotas of territories, regions, segments and managers (``nodes``)."""
    rows = book.rows(sheet)
    for number, first_column, values in rows:
        if any(not is_blank(v) for v in values):
            break
    else:
        out.error(f"{sheet} sheet", EMPTY)
        _no_goals(reps, out)
        return (), None, ()
    header = read_header(sheet, number, first_column, values, settings.locale, currency)
    for cell, message in header.warnings:
        out.warn(cell, message)
    try:
        layout = decide(header, sheet, settings.fiscal_year_start, currency)
    except LayoutProblem as problem:
        out.error(problem.where, problem.message)
        _no_goals(reps, out)
        return (), None, ()
    _unused(header, layout, sheet, out)
    table = Table(GOALS, sheet, number, table_columns(header, layout), rows, first_column)
    owners = NodeOwners(reps, org, rep_owner(reps, header))
    read = read_rows(table, header, layout, owners, settings.locale, currency, out)
    if read.rows == 0:
        out.error(f"{sheet} sheet", "has no goals yet. Add one row per rep and year below "
                  "the header: Rep ID, Year, New Client Target, Repeat Client Target.")
    split = _share_split(read, layout, out)
    placed, period = place_all(read.raws, header, layout, settings.fiscal_year_start, out)
    goals, annual = build_goals(placed, layout, split, out)
    thousands_warnings(annual, settings.default_avg_deal_size, settings.fiscal_year_start, out)
    if split == "none":
        _unsplit_sizes(header, sheet, out)
    goals, nodes = owners.part(goals)
    return goals, layout.shape(sheet, header, period, split), nodes


def _no_goals(reps: RepIndex, out: Collector) -> None:
    """An unreadable Goals sheet is one problem: every rep's goal is in it, so none is
    also reported as missing."""
    out.flawed_reps.update(rep.rep_id for rep in reps.by_key.values())


def _unused(header: GoalsHeader, layout: Layout, sheet: str, out: Collector) -> None:
    from goalreport.workbook.cellnames import cell_name

    for money, reason in layout.unused:
        out.warn(cell_name(sheet, header.row, money.column), (
            f"the column {money.title!r} is not used ({reason}). Delete it, or rename it if "
            "it holds something else."), kind="unused goal column")


def _share_split(read: Read, layout: Layout, out: Collector) -> Split:
    """New Share splits the totals when it is given; then it must be given on every row
    (an empty one would be a total read as unsplit)."""
    if layout.split != "share":
        return layout.split
    given = [raw for raw in read.raws if raw.share is not None]
    if not given:
        return "none"
    for raw in read.raws:
        if raw.share is None:
            out.error(raw.row.cell("new_share"), "the New Share is missing. Write the share "
                      "of the target from new clients (such as 40%), or leave the whole "
                      "column empty.", kind="missing new share")
            out.flawed_reps.add(raw.rep_id)
    read.raws[:] = [raw for raw in read.raws if raw.share is not None]
    return "share"


def _unsplit_sizes(header: GoalsHeader, sheet: str, out: Collector) -> None:
    """Avg New / Repeat Deal Size mean nothing without New and Repeat targets."""
    from goalreport.workbook.cellnames import cell_name

    for key in ("avg_new_deal_size", "avg_repeat_deal_size"):
        if header.has(key):
            out.warn(cell_name(sheet, header.row, header.columns[key]), (
                f"the column {header.titles[header.columns[key]]!r} is not used: without "
                "New and Repeat targets one deal size over all deals is used. Name the "
                "column 'Avg Deal Size'."), kind="unused goal column")


__all__ = ["read_goals"]
