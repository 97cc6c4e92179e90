"""Where a computed sheet's charts and data blocks go, below its table.

One place decides the rows, so the worksheet (``sheetxml``), the chart anchors
(``drawings``) and the charts' cell references (``chartxml``) agree. The table keeps rows
1… (header, data, total); then, each after one blank row, the sections (Team Summary's
roll-ups: a title row, a header row, the data), the charts stacked (each ``CHART_ROWS``
rows high) and the data blocks (laid out as sections). The manager scrolling down reads
the tables, then the charts, before their plumbing.
"""

from __future__ import annotations

from dataclasses import dataclass

from goalreport.core.tables import SheetBlock, SheetTable

#: Rows a chart covers: 20 rows of the default 15 pt (20 px) height = 400 px.
CHART_ROWS = 20


@dataclass(frozen=True)
class BlockPlace:
    """Rows (1-based) of one data block."""

    title_row: int
    header_row: int

    def first_data_row(self) -> int:
        return self.header_row + 1


@dataclass(frozen=True)
class SheetLayout:
    #: 1-based row of each chart's top edge, in ``table.charts`` order.
    chart_rows: tuple[int, ...]
    blocks: tuple[BlockPlace, ...]
    #: Rows of ``table.sections``, in order.
    sections: tuple[BlockPlace, ...]
    #: The last row holding a cell.
    last_row: int
    #: Columns used by the table or any block.
    width: int


def sheet_layout(table: SheetTable) -> SheetLayout:
    """The rows of ``table``'s sections, charts and blocks."""
    free = len(table.rows) + 2  # the first row after the table
    sections, free, last = _stack(table.sections, free, free - 1)
    chart_rows = []
    for _ in table.charts:
        chart_rows.append(free + 1)
        free += 1 + CHART_ROWS
    places, free, last = _stack(table.blocks, free, last)
    width = max([len(table.columns),
                 *(len(b.columns) for b in (*table.sections, *table.blocks))])
    return SheetLayout(tuple(chart_rows), tuple(places), tuple(sections), last, width)


def _stack(blocks: tuple[SheetBlock, ...], free: int, last: int
           ) -> tuple[tuple[BlockPlace, ...], int, int]:
    """``blocks`` one below the other from row ``free`` + 1, each after a blank row: their
    places, the next free row and the last row holding a cell."""
    places = []
    for block in blocks:
        place = BlockPlace(free + 1, free + 2)
        places.append(place)
        last = place.header_row + len(block.rows)
        free = last + 1
    return tuple(places), free, last
