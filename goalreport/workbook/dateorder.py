"""Columns of text dates typed in the other day/month order (a US export pasted into an
en_GB workbook), which would otherwise be read silently as other dates.

In an en_GB workbook, ``01/13/2026`` cannot be day first, so it was typed month first;
then ``07/01/2026`` beside it was most likely typed month first too, and reading it as
7 January would be a silent misread. ``TextDates`` gathers the numeric text dates of each
date column while the sheets are read (real date cells and ISO text are not gathered), and
``problems`` names, in one message per column, the dates that are real only in the other
order and the dates of the same column that read both ways.
"""

from __future__ import annotations

import re
from datetime import date

from goalreport.core.locales import FALLBACK
from goalreport.errors import Problem
from goalreport.ooxml.cellrefs import column_letter
from goalreport.workbook.cellnames import compact_cells, row_spans
from goalreport.workbook.dates import date_order, date_readings
from goalreport.workbook.values import parse_text

_DIGITS = re.compile(r"\d+")
#: Texts quoted in a message before the rest are only counted.
SAMPLES = 4


class TextDates:
    """Numeric text dates seen per (sheet, column index): raw text → rows."""

    def __init__(self) -> None:
        self.columns: dict[tuple[str, int], dict[str, list[int]]] = {}
        self.locale = FALLBACK
        #: Single date cells (Settings As Of): cell name → text.
        self.cells: dict[str, str] = {}

    def note_cell(self, where: str, raw: str, locale: str) -> None:
        """Remember a lone date cell: named too when a column shows the other order."""
        if date_readings(parse_text(raw), locale) is not None:
            self.cells[where] = parse_text(raw)
            self.locale = locale

    def column(self, sheet: str, column: int) -> dict[str, list[int]]:
        """The (mutable) text → rows map of one column, for a reader's hot loop."""
        return self.columns.setdefault((sheet, column), {})

    def note(self, sheet: str, column: int, row: int, raw: str, locale: str) -> None:
        """Remember ``raw`` at ``row`` when it is numeric text with a day/month order."""
        found = self.column(sheet, column)
        rows = found.get(raw)
        if rows is None:
            if date_readings(parse_text(raw), locale) is None:
                return
            self.locale = locale
            rows = found[raw] = []
        rows.append(row)

    def problems(self) -> list[Problem]:
        """One problem per column holding dates that are real only in the other order."""
        found = []
        for (sheet, column), texts in self.columns.items():
            problem = _column_problem(sheet, column, texts, self.locale)
            if problem is not None:
                found.append(problem)
        if found:
            found.extend(self._lone_cells(found[0].where))
        return found

    def _lone_cells(self, seen_at: str) -> list[Problem]:
        """Lone date cells that read both ways, once a column showed the other order."""
        month_first = _reads_month_first(self.locale)
        theirs = "day first" if month_first else "month first"
        problems = []
        for where, text in self.cells.items():
            readings = date_readings(text, self.locale)
            if readings == (True, True) and len(set(_DIGITS.findall(text)[:2])) == 2:
                problems.append(Problem(where, (
                    f"{text!r} reads both ways, and text dates in this workbook were typed "
                    f"{theirs} (see {seen_at}). Write it as ISO text such as "
                    f"{_iso(text, not month_first)} (if {theirs}) or as a real date cell.")))
        return problems


def _column_problem(sheet: str, column: int, texts: dict[str, list[int]],
                    locale: str) -> Problem | None:
    other: list[tuple[str, list[int]]] = []
    both: list[tuple[str, list[int]]] = []
    for raw, rows in texts.items():
        text = parse_text(raw)
        readings = date_readings(text, locale)
        if readings == (False, True):
            other.append((text, rows))
        elif readings == (True, True) and len(set(_DIGITS.findall(text)[:2])) == 2:
            both.append((text, rows))
    if not other:
        return None
    letter = column_letter(column)
    month_first = _reads_month_first(locale)
    own, theirs = ("month first", "day first") if month_first else ("day first", "month first")
    pattern = "mm/dd/yyyy" if month_first else "dd/mm/yyyy"
    other.sort(key=lambda item: min(item[1]))
    both.sort(key=lambda item: min(item[1]))
    cells = compact_cells(letter, row_spans([r for _, rows in other for r in rows]))
    quoted = _samples([text for text, _ in other])
    verb = "is a real date" if len(other) == 1 else "are real dates"
    message = (f"{quoted} {verb} only {theirs}, but Locale {locale} reads text dates {own} "
               f"({pattern}).")
    example = _iso(other[0][0], not month_first)
    if both:
        listed = ", ".join(f"{text!r} ({compact_cells(letter, row_spans(rows), 3)})"
                           for text, rows in both[:SAMPLES])
        rest = [r for _, rows in both[SAMPLES:] for r in rows]
        if rest:
            listed += f" and {compact_cells(letter, row_spans(rest))}"
        message += (f" So this column's text dates that read both ways cannot be trusted "
                    f"either: {listed}.")
        example = _iso(both[0][0], not month_first)
    message += (f" Write the dates of column {letter} as ISO text such as {example}, as real "
                f"date cells, or {own} throughout.")
    return Problem(f"{sheet}!{cells}", message)


def _samples(texts: list[str]) -> str:
    shown = ", ".join(repr(t) for t in texts[:SAMPLES])
    return shown + (f" and {len(texts) - SAMPLES} more" if len(texts) > SAMPLES else "")


def _reads_month_first(locale: str) -> bool:
    return date_order(locale) == "MDY"


def _iso(text: str, month_first: bool) -> str:
    """``07/01/2026`` read month first → ``2026-07-01``."""
    a, b, year = (int(n) for n in _DIGITS.findall(text)[:3])
    month, day = (a, b) if month_first else (b, a)
    return date(year + 2000 if year < 100 else year, month, day).isoformat()
