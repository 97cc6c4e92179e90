"""A computed sheet as plain data: column names and kinds, and rows of Python values.

Built by ``sheets.py`` from the results, written by ``writeback``. Keeping this neutral
means the writer knows nothing of sales and the calculations know nothing of Excel.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

#: "month": a date (the first of a month) shown as month and year.
ColumnKind = Literal["text", "money", "percent", "date", "datetime", "month", "integer",
                     "number", "status"]


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
