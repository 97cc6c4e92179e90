"""Cell names in the reader's problem messages: ``Goals!D7``, ``A12:A40, A52``."""

from __future__ import annotations

from goalreport.ooxml.cellrefs import column_letter


def cell_name(sheet: str, row: int, column: int) -> str:
    """'Goals', row 7 (1-based), column 3 (0-based) → 'Goals!D7'."""
    return f"{sheet}!{column_letter(column)}{row}"


def row_spans(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted, de-duplicated rows as (first, last) runs: [3, 4, 5, 9] → [(3, 5), (9, 9)]."""
    spans: list[tuple[int, int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], row)
        else:
            spans.append((row, row))
    return spans


#: Ranges a line names before it counts the rest (``check`` lists those in a CSV).
LINE_RANGES = 100


def cell_ranges(column: str, spans: list[tuple[int, int]]) -> list[str]:
    """Runs of one column's rows as ranges: 'A', [(12, 40), (52, 52)] → ['A12:A40', 'A52'];
    with column '' they are rows: ['12-40', '52']."""
    sep = ":" if column else "-"
    return [f"{column}{a}" if a == b else f"{column}{a}{sep}{column}{b}" for a, b in spans]


def compact_cells(column: str, spans: list[tuple[int, int]], limit: int = LINE_RANGES) -> str:
    """``cell_ranges`` joined: 'A12:A40, A52'. After ``limit`` ranges the rest is counted
    ('… and 7 more cells'), so that a million scattered cells still make one line (``check``
    writes every range to a CSV then: ``problemlist``)."""
    noun = "cell" if column else "row"
    shown = cell_ranges(column, spans[:limit])
    rest = sum(b - a + 1 for a, b in spans[limit:])
    return ", ".join(shown) + (f" and {rest:,} more {noun}{'s' if rest != 1 else ''}"
                               if rest else "")
