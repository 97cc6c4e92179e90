"""A1 cell references: column letters to indexes and back (0-based columns), as the
sheet XML writes them (``<c r="D7">``) and messages quote them."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """0 → 'A', 25 → 'Z', 26 → 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(ref: str) -> int:
    """The 0-based column of a reference: 'C7' → 2, 'AA1' → 26."""
    number = 0
    for letter in ref:
        if not letter.isalpha():
            break
        number = number * 26 + ord(letter.upper()) - 64
    return number - 1
