"""Problem lists a manager can read: sorted by sheet, row and column, and condensed so
that no kind of problem fills more than a few lines, yet nothing is left for a second
run of ``check`` to find: 100,000 reps with no goal printed 100,000 lines (and made
30 MB manifests), while a list cut after ten of a kind hid the rest.

The first ``KEEP`` problems of each kind are kept as they are; the rest of that kind
become one line naming their cells compactly (``Activity!A12:A40, A52: 30 more cells
with the same kind of problem as Activity!A2 above.``). So ``check`` lists everything in
one run, yet 100,000 reps with no goal make a dozen lines, not 100,000 (and a batch
manifest stays small). A problem's kind is what its reader said (``Problem.kind``), else
its message with the quoted values, numbers and bracketed parts left out.

A line names up to ``LINE_RANGES`` ranges of each column; past that (thousands of
scattered cells) it counts the rest. Every range is kept in ``Problem.places``, and when
a line could not name them all ``check`` writes every problem, range by range, to a CSV
beside the workbook (``problems_csv``): still one run.

Used twice: by the reader's ``Collector`` while rows stream in (so a million bad rows are
never held as a million messages), and by ``condense`` on the final lists that ``check``,
``--json`` and the batch manifests show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from goalreport.errors import Problem
from goalreport.workbook.cellnames import LINE_RANGES, cell_ranges, compact_cells
from goalreport.workbook.schema import SHEETS

#: Problems of one kind shown in full before the rest are named compactly.
KEEP = 5

_WHERE = re.compile(r"^(?P<sheet>.+?)(?:!(?P<col>[A-Z]+)(?P<row>\d+)\b.*| rows? (?P<row2>\d+)\b.*"
                    r"| sheet| column .*)?$")
_CELL = re.compile(r"^(?P<sheet>.+)!(?P<col>[A-Z]{1,3})(?P<row>\d+)$")
_ROW = re.compile(r"^(?P<sheet>.+) row (?P<row>\d+)$")
_VARYING = re.compile(r"'[^']*'|\"[^\"]*\"|\([^)]*\)|\d[\d,.:-]*")


def _sort_key(problem: Problem) -> tuple[int, str, int, int, str]:
    match = _WHERE.match(problem.where)
    sheet = match.group("sheet") if match else problem.where
    order = {spec.title.casefold(): i + 1 for i, spec in enumerate(SHEETS)}
    rank = 0 if sheet == "Workbook" else order.get(sheet.casefold(), len(SHEETS) + 1)
    row = int(match.group("row") or match.group("row2") or 0) if match else 0
    column = 0
    if match and match.group("col"):
        for letter in match.group("col"):
            column = column * 26 + ord(letter) - 64
    return rank, sheet.casefold(), row, column, problem.message


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sheet order (as in the SPEC), then row, then column."""
    return sorted(problems, key=_sort_key)


def kind_of(problem: Problem) -> str:
    """What groups ``problem`` with others of its kind: its sheet and its reader's kind,
    else its message without the values that vary (quotes, numbers, brackets)."""
    match = _WHERE.match(problem.where)
    sheet = match.group("sheet") if match else problem.where
    return f"{sheet}\n{problem.kind or _VARYING.sub('…', problem.message)}"


def _add(spans: list[tuple[int, int]], row: int) -> None:
    """Extend ``spans`` by ``row``: cheap for rows arriving in order, right for any."""
    if spans and spans[-1][0] <= row <= spans[-1][1] + 1:
        spans[-1] = (spans[-1][0], max(spans[-1][1], row))
    else:
        spans.append((row, row))


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for first, last in sorted(spans):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def cells_text(cells: Iterable[str]) -> str:
    """Cells named compactly, sheet by sheet in the order met: ``Reps!E3:E6, E9,
    Managers!D4`` (a place that is not a cell is named as it is)."""
    sheets: dict[str, dict[str, list[tuple[int, int]]]] = {}
    others: list[str] = []
    for where in cells:
        if cell := _CELL.match(where):
            columns = sheets.setdefault(cell.group("sheet"), {})
            columns.setdefault(cell.group("col"), []).append(
                (int(cell.group("row")), int(cell.group("row"))))
        elif where not in others:
            others.append(where)
    named = [f"{sheet}!" + ", ".join(compact_cells(column, _merged(spans))
                                     for column, spans in columns.items())
             for sheet, columns in sheets.items()]
    return ", ".join([*named, *others])


@dataclass
class _Rest:
    """The problems of one kind beyond the first ``KEEP``: only where they are."""

    first: Problem
    sheet: str
    count: int = 0
    cells: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    rows: list[tuple[int, int]] = field(default_factory=list)

    def summary(self) -> Problem:
        noun = "warning" if self.first.severity == "warning" else "problem"
        places = []
        every = [f"{self.sheet}!{cell}" for column, spans in self.cells.items()
                 for cell in cell_ranges(column, _merged(spans))]
        every += [f"{self.sheet} rows {rows}" for rows in cell_ranges("", _merged(self.rows))]
        if self.cells:
            places.append(f"{self.sheet}!" + ", ".join(
                compact_cells(column, _merged(spans)) for column, spans in self.cells.items()))
        if self.rows:
            places.append(f"{self.sheet} rows {compact_cells('', _merged(self.rows))}")
        where = "; ".join(places) or self.sheet
        unit = "cells" if self.cells and not self.rows else "rows" if self.rows and not \
            self.cells else f"{noun}s"
        return Problem(where, f"{self.count:,} more {unit if self.count != 1 else unit[:-1]} "
                       f"with the same kind of {noun} as {self.first.where} above.",
                       self.first.severity, kind=f"{self.first.kind} (more)",
                       count=self.count,
                       places=tuple(every))


class Condenser:
    """Keeps the first ``keep`` problems of each kind; counts and locates the rest."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._seen: dict[str, int] = {}
        self._rest: dict[str, _Rest] = {}

    def add(self, problem: Problem) -> bool:
        """True when ``problem`` is to be shown in full; else it is only located."""
        kind = kind_of(problem)
        seen = self._seen.get(kind, 0) + 1
        self._seen[kind] = seen
        if seen <= self.keep:
            if seen == 1:
                self._rest[kind] = _Rest(problem, kind.partition("\n")[0])
            return True
        rest = self._rest[kind]
        rest.count += problem.count
        if cell := _CELL.match(problem.where):
            _add(rest.cells.setdefault(cell.group("col"), []), int(cell.group("row")))
        elif row := _ROW.match(problem.where):
            _add(rest.rows, int(row.group("row")))
        return False

    def summaries(self) -> list[Problem]:
        """One line per kind that had more than ``keep`` problems."""
        return [rest.summary() for rest in self._rest.values() if rest.count]


def condense(problems: Iterable[Problem], keep: int = KEEP) -> list[Problem]:
    """``problems`` sorted, each kind cut to its first ``keep`` plus one compact line."""
    condenser = Condenser(keep)
    kept = [problem for problem in sort_problems(problems) if condenser.add(problem)]
    return sort_problems([*kept, *condenser.summaries()])


#: A condensed line: "Goals!C3:C9: 7 more cells with the same kind of warning as Goals!C2 above."
_REST = re.compile(r"(?P<count>[\d,]+) more \w+ with the same kind of warning as (?P<first>.+) "
                   r"above\.$")
#: Kinds a log line names before "and N more kinds".
LOG_KINDS = 4


def warnings_line(warnings: Iterable[str]) -> str:
    """How many warnings and of which kinds, for one line of a log: each kind as its
    first warning's place and opening words, ``2 warnings: Settings!B6: Holiday Country
    GB has no region; Activity sheet: inactive rep R10 logged activity from 1 October
    2026 (--verbose lists them)``. ``warnings`` are the manifest's texts (``where:
    message``); a condensed line counts for the warnings it stands for."""
    kinds: dict[str, list[Any]] = {}  # kind → [its first warning, count]
    firsts: dict[str, str] = {}  # where → kind
    total = 0
    for text in warnings:
        where, _, message = text.partition(": ")
        rest = _REST.match(message)
        if rest:
            count = int(rest["count"].replace(",", ""))
            total += count
            kind = firsts.get(rest["first"])
            if kind is not None:
                kinds[kind][1] += count
                continue
        total += 0 if rest else 1
        opening = re.split(r"[:;.]\s|,\s|\s\(|\.$", message, maxsplit=1)[0].strip()
        words = opening.split()
        if len(words) > 12:
            opening = " ".join(words[:12]) + " …"
        kind = f"{where.partition('!')[0]}\n{_VARYING.sub('…', opening)}"
        entry = kinds.setdefault(kind, [f"{where}: {opening}", 0])
        entry[1] += int(rest["count"].replace(",", "")) if rest else 1
        firsts.setdefault(where, kind)
    shown = [first + (f" (×{count:,})" if count > 1 else "") for first, count in kinds.values()]
    more = len(shown) - LOG_KINDS
    listed = "; ".join(shown[:LOG_KINDS]) + (f"; and {more} more kind{'s' if more != 1 else ''}"
                                              if more > 0 else "")
    return f"{total:,} warning{'s' if total != 1 else ''}: {listed} (--verbose lists them)"


def problems_csv(problems: Iterable[Problem]) -> str | None:
    """Every problem as a CSV row (Where, Severity, Problem), a condensed line's places
    one range each, when some line could not name them all; None when every line did.
    A cell starting like a formula is prefixed with ``'``, so a spreadsheet opening the
    file shows it as text and never runs it."""
    import csv
    import io

    problems = list(problems)
    if not any(len(problem.places) > LINE_RANGES for problem in problems):
        return None
    first = {problem.where: problem.message for problem in problems}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Where", "Severity", "Problem"])
    for problem in problems:
        if not problem.places:
            writer.writerow([_text(problem.where), problem.severity, _text(problem.message)])
            continue
        found = _REST_OF.match(problem.message)
        like = found["first"] if found else ""
        said = f"as {like}: {first.get(like, '')}".rstrip(": ")
        noun = "warning" if problem.severity == "warning" else "problem"
        for place in problem.places:
            writer.writerow([_text(place), problem.severity,
                             _text(f"the same kind of {noun} {said}")])
    return out.getvalue()


_REST_OF = re.compile(r".* as (?P<first>.+) above\.$")


def _text(value: str) -> str:
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


__all__ = ["KEEP", "Condenser", "condense", "kind_of", "problems_csv", "sort_problems",
           "warnings_line"]
