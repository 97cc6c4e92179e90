"""Raw cell access for the reader: python-calamine for values, the sheet XML for the rare
question "why is this cell empty?".

python-calamine returns cached values of formula cells, and an empty string both for a
formula that has no cached value (a workbook written by a script and never opened in a
spreadsheet program) and for an error value such as ``#DIV/0!``. Telling those apart
needs the sheet XML, so ``explain_blanks`` scans it only for cells that the reader needed
and found empty: nothing extra is read for a clean workbook.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import iterparse

from goalreport.errors import UnreadableWorkbook
from goalreport.guard.container import open_part_limited
from goalreport.ooxml import calamine
from goalreport.ooxml.cellrefs import column_index
from goalreport.ooxml.namespaces import MAIN_NS


class Book:
    """An open workbook: sheet names and rows with their true positions."""

    def __init__(self, path: Path):
        self.path = path
        self._prefetched: dict[str, Future[Any]] = {}
        try:
            self._workbook = calamine.open_calamine(path)
            self.sheet_names: list[str] = list(self._workbook.sheet_names)
        except Exception as error:  # noqa: BLE001 - calamine raises several unrelated types
            raise UnreadableWorkbook(_one_line(path, error)) from None

    def prefetch(self, sheet_name: str) -> None:
        """Start loading ``sheet_name`` in a background thread, for ``rows`` to use later.

        calamine parses a sheet without holding the GIL, so a large Activity sheet loads
        while the small sheets are read and validated. The thread opens the file on its
        own: one calamine workbook must not be used from two threads at once.
        """
        if sheet_name in self._prefetched:
            return
        path = self.path

        def load() -> Any:
            return calamine.open_calamine(path).get_sheet_by_name(sheet_name)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="goalreport-sheet")
        self._prefetched[sheet_name] = pool.submit(load)
        pool.shutdown(wait=False)  # the thread ends once the sheet is loaded

    def rows(self, sheet_name: str) -> Iterator[tuple[int, int, list[Any]]]:
        """(1-based row number, 0-based column of the first value, values) for each row.

        python-calamine's ``iter_rows`` starts at row 0 but at the first used column
        (python-calamine issue #177). Rather than rely on that, the offsets are derived
        from the sheet's used range: the column from the width of the first row, and the
        row, when the used range does not start in row 1, from a first pass that counts
        the rows. (When it starts in row 1 both behaviours agree; that is every sheet
        goalreport writes and nearly every real one, so large sheets are read once.)
        """
        try:
            pending = self._prefetched.pop(sheet_name, None)
            sheet = pending.result() if pending is not None else \
                self._workbook.get_sheet_by_name(sheet_name)
            start, end = sheet.start, sheet.end
            if end is None:
                return
            first_row = 0
            if start is None or start[0] != 0:
                first_row = end[0] + 1 - sum(1 for _ in sheet.iter_rows())
            first_column: int | None = None
            number = first_row
            for values in sheet.iter_rows():
                if first_column is None:
                    first_column = end[1] + 1 - len(values)
                number += 1
                yield number, first_column, values
        except UnreadableWorkbook:
            raise
        except Exception as error:  # noqa: BLE001 - calamine raises several unrelated types
            raise UnreadableWorkbook(_one_line(self.path, error)) from None

    def first_rows(self, sheet_name: str, count: int) -> list[list[Any]] | None:
        """The first ``count`` non-empty rows of ``sheet_name`` (text and numbers, from
        column A), read from the sheet XML without loading the sheet; None when that fails
        (then load it with ``rows``).

        Used to look at the header of sheets goalreport does not know (a pasted CRM
        export?): calamine would parse a whole sheet to answer, and an unrelated sheet may
        hold a million rows. Shared strings are streamed only up to the last one needed.
        """
        try:
            with zipfile.ZipFile(self.path) as archive:
                part = _sheet_part(archive, sheet_name)
                if part is None:
                    return None
                with open_part_limited(archive, part) as stream:
                    rows = _scan_rows(stream, count)
                wanted = {v.index for row in rows for v in row if isinstance(v, _Shared)}
                strings = _shared_strings(archive, max(wanted)) if wanted else []
        except Exception:  # noqa: BLE001 - only a shortcut: the full read says what is wrong
            return None
        return [[strings[v.index] if isinstance(v, _Shared) and v.index < len(strings)
                 else None if isinstance(v, _Shared) else v for v in row] for row in rows]

    def explain_blanks(self, sheet_name: str, refs: Iterable[str]) -> dict[str, str]:
        """For cells (``D7``) that calamine returned empty: ref → why, for those that are a
        formula with no saved value or an error value. Plainly empty cells are left out."""
        wanted = set(refs)
        if not wanted:
            return {}
        try:
            with zipfile.ZipFile(self.path) as archive:
                part = _sheet_part(archive, sheet_name)
                if part is None:
                    return {}
                with open_part_limited(archive, part) as stream:
                    return _scan_cells(stream, wanted)
        except UnreadableWorkbook:
            raise
        except Exception as error:  # noqa: BLE001 - broken XML in an optional diagnosis
            raise UnreadableWorkbook(_one_line(self.path, error)) from None


def _one_line(path: Path, error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return (f"{path.name}: cannot be read as a workbook ({text}). Open it in Excel or "
            "LibreOffice and save it as .xlsx.")


def _sheet_part(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    """The zip part holding ``sheet_name``, from workbook.xml and its relationships as
    calamine reads them (``ooxml.calamine.calamine_workbook``)."""
    workbook = calamine.calamine_workbook(archive)
    if workbook is None:
        return None
    found = [sheet.part for sheet, _ in workbook.sheets() if sheet.name == sheet_name]
    return found[-1] if found and found[-1] else None


def _scan_cells(stream: Any, wanted: set[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    cell_tag, formula_tag, value_tag = (f"{{{MAIN_NS}}}{t}" for t in ("c", "f", "v"))
    for _event, element in iterparse(stream, events=("end",)):
        if element.tag != cell_tag:
            continue
        ref = element.get("r", "")
        if ref in wanted:
            formula = element.find(formula_tag)
            value = element.find(value_tag)
            has_value = value is not None and (value.text or "") != ""
            if element.get("t") == "e" and has_value:
                found[ref] = f"holds the error {value.text}"  # type: ignore[union-attr]
            elif formula is not None and not has_value:
                text = f"={formula.text}" if formula.text else "a shared formula"
                found[ref] = f"the formula {text!r} has no saved value"
            if len(found) == len(wanted):
                break
        element.clear()
    return found


class _Shared:
    """A shared-string cell before the string is looked up."""

    __slots__ = ("index",)

    def __init__(self, index: int):
        self.index = index


def _scan_rows(stream: Any, count: int) -> list[list[Any]]:
    """The first ``count`` rows holding a value, as lists from column A."""
    row_tag, cell_tag = f"{{{MAIN_NS}}}row", f"{{{MAIN_NS}}}c"
    value_tag, text_tag = f"{{{MAIN_NS}}}v", f"{{{MAIN_NS}}}t"
    rows: list[list[Any]] = []
    for _event, element in iterparse(stream, events=("end",)):
        if element.tag != row_tag:
            continue
        cells: dict[int, Any] = {}
        for position, cell in enumerate(element.iter(cell_tag)):
            kind, value = cell.get("t", "n"), cell.find(value_tag)
            text = value.text if value is not None else None
            if kind == "inlineStr":
                text = "".join(t.text or "" for t in cell.iter(text_tag))
            column = column_index(cell.get("r", "")) if cell.get("r") else position
            if text in (None, ""):
                continue
            if kind == "s":
                cells[column] = _Shared(int(text))  # type: ignore[arg-type]
            elif kind in ("str", "inlineStr"):
                cells[column] = text
            elif kind == "n":
                cells[column] = float(text)  # type: ignore[arg-type]
        element.clear()
        if cells:
            rows.append([cells.get(i) for i in range(max(cells) + 1)])
            if len(rows) >= count:
                break
    return rows


def _shared_strings(archive: zipfile.ZipFile, last: int) -> list[str]:
    """The shared strings up to index ``last`` (rich text joined, phonetic runs left out)."""
    name = next((n for n in archive.namelist() if n.lower() == "xl/sharedstrings.xml"), None)
    if name is None:
        return []
    item_tag, text_tag, phonetic_tag = (f"{{{MAIN_NS}}}{t}" for t in ("si", "t", "rPh"))
    strings: list[str] = []
    with open_part_limited(archive, name) as stream:
        for _event, element in iterparse(stream, events=("end",)):
            if element.tag != item_tag:
                continue
            skip = {id(t) for ph in element.iter(phonetic_tag) for t in ph.iter(text_tag)}
            strings.append("".join(t.text or "" for t in element.iter(text_tag)
                                   if id(t) not in skip))
            element.clear()
            if len(strings) > last:
                break
    return strings
