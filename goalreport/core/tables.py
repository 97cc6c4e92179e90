"""A computed sheet as plain data: column names and kinds, and rows of Python values.

Built by ``sheets.py`` from the results, written by ``writeback``. Keeping this neutral
means the writer knows nothing of sales and the calculations know nothing of Excel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: "month": a date (the first of a month) shown as month and year.
#: "ratio": a multiple (coverage 2.1×).
ColumnKind = Literal["text", "money", "percent", "date", "datetime", "month", "integer",
                     "number", "status", "ratio"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class SheetTable:
    """One computed sheet. Values: str, int, float, Decimal, Fraction, date, datetime or None.

    A "text" or "status" value is always written as text, never as a formula, whatever it
    starts with. ``total_row`` marks the last row as a total (written bold).
    """

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    total_row: bool = False
    #: Tables right below the main one, before any chart: Team Summary's roll-ups.
    sections: tuple[SheetBlock, ...] = ()
    #: Small tables below the charts (chart data), and the charts drawn from them.
    blocks: tuple[SheetBlock, ...] = ()
    charts: tuple[Chart, ...] = ()


@dataclass(frozen=True)
class SheetBlock:
    """A small labelled table written below the main one, outside its filter and its
    total row: a roll-up section, or the data a chart draws (so the chart can refer to
    real cells)."""

    #: One line above the block's header saying what it is.
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]


SeriesRole = Literal["value", "goal", "plan", "actual", "marker"]


@dataclass(frozen=True)
class ChartSeries:
    """One series of a chart: a column of a block, named by that column's header."""

    column: int
    #: How it is drawn: "value" bars (coloured by status when the chart has a status
    #: column), a "goal" line, the "plan" and "actual" lines, an "As Of" "marker".
    role: SeriesRole


@dataclass(frozen=True)
class Chart:
    """A chart of one block of the same sheet, as data: the writer decides the look.

    ``kind`` "bar" draws its "value" series as columns and any "goal" series as a line
    across them; "line" draws every series as a line over the categories.
    """

    kind: Literal["bar", "line"]
    title: str
    #: Index into the sheet's ``blocks``.
    block: int
    #: The block column holding the category labels (rep, team, month).
    categories: int
    series: tuple[ChartSeries, ...]
    #: The block column whose status colours each bar, like the status cells.
    status_column: int | None = None
    #: The category labels as shown (months in the Locale: "Jan 2026"), for the chart's
    #: cached values when the category cells are not text; empty: the cells' own text.
    category_labels: tuple[str, ...] = ()
