"""Open a workbook's cells with python-calamine, for the reader and the writer's Run Log.

python-calamine refuses a whole workbook when one of its sheets is of a kind it cannot
open (an Excel 4 macro sheet in ``xl/macrosheets/``). goalreport never reads those, so
such a workbook is opened from an in-memory copy whose workbook.xml lists only the sheets
calamine can open; the file itself is untouched.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from goalreport.errors import GoalreportError
from goalreport.guard.container import DEFAULT_LIMITS
from goalreport.ooxml.package import WorkbookPart, rels_part_for
from goalreport.ooxml.xmledit import Edits
from goalreport.ooxml.zipcopy import RawZipWriter

#: The folders of sheet parts python-calamine can open. Any other kind of sheet (an
#: Excel 4 macro sheet in xl/macrosheets/) makes it refuse the whole workbook.
CALAMINE_SHEET_FOLDERS = frozenset(("worksheets", "chartsheets", "dialogsheets"))
#: calamine reads this part, whatever the package's root relationships say; so the cells
#: side looks its sheets up there too.
CALAMINE_WORKBOOK = "xl/workbook.xml"


def open_calamine(path: Path) -> Any:
    """A ``CalamineWorkbook`` of ``path``. A workbook with sheets calamine cannot open
    (macro sheets) is opened from an in-memory copy whose workbook.xml lists only the
    sheets it can: goalreport never reads the others, and the file itself is untouched."""
    import python_calamine as calamine

    try:
        return calamine.CalamineWorkbook.from_path(str(path))
    except Exception:
        try:
            readable = _without_foreign_sheets(path)
        except (GoalreportError, zipfile.BadZipFile, OSError, ValueError):
            readable = None  # calamine's own error says best what is wrong
        if readable is None:
            raise
        return calamine.CalamineWorkbook.from_filelike(readable)


def calamine_workbook(archive: zipfile.ZipFile) -> WorkbookPart | None:
    """The workbook part calamine reads, with its relationships; None without either.
    Each part is read within the part limit of the container check."""
    names = {name.casefold(): name for name in archive.namelist()}
    part = names.get(CALAMINE_WORKBOOK)
    if part is None or rels_part_for(part).casefold() not in names:
        return None
    return WorkbookPart.read(archive, names, part, DEFAULT_LIMITS.max_entry_bytes)


def _without_foreign_sheets(path: Path) -> io.BytesIO | None:
    """A copy of the package without the ``<sheet>`` entries calamine cannot open, or
    None when there are none. Parts are copied as stored; only workbook.xml changes."""
    with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
        workbook = calamine_workbook(archive)
        if workbook is None:
            return None
        edits = Edits(workbook.outline)
        dropped = 0
        for sheet, element in workbook.sheets():
            # calamine's own rule: the folder after xl/ says what kind of sheet it is.
            folder = sheet.part.removeprefix("xl/").partition("/")[0]
            if folder not in CALAMINE_SHEET_FOLDERS:
                edits.remove(element)
                dropped += 1
        if not dropped:
            return None
        copy = io.BytesIO()
        writer = RawZipWriter(copy, handle)
        for info in archive.infolist():
            if info.filename == workbook.part:
                writer.write_entry(info.filename, [edits.apply().encode("utf-8")], like=info)
            else:
                writer.copy_entry(info)
        writer.close()
    copy.seek(0)
    return copy
