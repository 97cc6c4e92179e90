"""Excel cell names, shared by the reader (problem messages) and the writer (sheet XML)."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(sheet: str, row: int, column: int) -> str:
    """'Goals', row 7 (1-based), column 3 (0-based) → 'Goals!D7'."""
    return f"{sheet}!{column_letter(column)}{row}"
