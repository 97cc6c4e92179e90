"""A computed sheet as worksheet XML, streamed in chunks.

Text is written as inline strings (``t="inlineStr"``), so the workbook's sharedStrings.xml
is never touched, and text is never a formula: ``=cmd|' /C calc'!A0`` stays the text it
is. Numbers, money, percents and dates are real numbers with number formats.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.tables import Column, SheetBlock, SheetTable
from goalreport.ooxml.cellrefs import column_letter
from goalreport.ooxml.namespaces import MAIN_NS, REL_NS
from goalreport.writeback.sheetlayout import sheet_layout
from goalreport.writeback.styles import StyleIds

#: Longest text Excel keeps in a cell.
MAX_CELL_TEXT = 32767
#: Widest a fitted column gets, in characters.
MAX_WIDTH = 60
#: Rows looked at to fit column widths (the rest are rarely wider).
WIDTH_SAMPLE = 5000
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


def clean_text(value: str) -> str:
    """Text safe for XML 1.0 and for Excel: illegal characters dropped, Excel's own
    ``_xHHHH_`` escapes neutralised, truncated to what a cell holds, then XML-escaped."""
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    if "_x" in value:
        value = _EXCEL_ESCAPE.sub(r"_x005F_\1", value)
    if len(value) > MAX_CELL_TEXT:
        value = value[:MAX_CELL_TEXT]
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def number_text(value: Any, epoch: date) -> str | None:
    """The ``<v>`` text of a numeric value; None when it is not a finite number."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else None
    if isinstance(value, Fraction):
        return repr(float(value))
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else None
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime.combine(epoch, datetime.min.time())
        return repr(delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000)
    if isinstance(value, date):
        return str((value - epoch).days)
    return None


def _text_cell(value: Any, style: int) -> str:
    """A text cell after its ``<c r="…"``: an inline string, never a formula."""
    text = clean_text(value if isinstance(value, str) else _as_text(value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' s="{style}" t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _as_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


#: Renders a value as the rest of its cell after ``<c r="A1"``; "" for an empty cell.
Encoder = Callable[[Any], str]
_CACHE_LIMIT = 50_000


def _cached(render: Encoder) -> Encoder:
    """Memoise ``render``: names, IDs, counts and week dates repeat across many rows."""
    cache: dict[tuple[type, Any], str] = {}

    def encode(value: Any) -> str:
        key = (type(value), value)
        try:
            return cache[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: render without caching
            return render(value)
        if len(cache) > _CACHE_LIMIT:
            cache.clear()
        cache[key] = fragment = render(value)
        return fragment

    return encode


def _encoder(column: Column, styles: dict[str, int], status: dict[str, int],
             epoch: date) -> Encoder:
    kind = column.kind
    style = styles[kind]
    if kind == "status":
        return _cached(lambda value: _text_cell(value, status.get(value, style)))
    if kind == "text":
        return _cached(lambda value: _text_cell(value, style))

    def numeric(value: Any) -> str:
        number = number_text(value, epoch)
        if number is None:
            return _text_cell(value, style) if isinstance(value, str) else ""
        return f' s="{style}"><v>{number}</v></c>'

    return _cached(numeric)


def _shown_width(kind: str, value: Any) -> int:
    """Roughly how many characters Excel shows for ``value``."""
    try:
        if kind in ("text", "status") or isinstance(value, str):
            return len(value if isinstance(value, str) else _as_text(value))
        if kind == "money":
            return len(f"{float(value):,.2f}") + 3
        if kind == "percent":
            return len(f"{float(value) * 100:,.1f}%")
        if kind == "date":
            return 10
        if kind == "month":
            return 15  # "September 2026"
        if kind == "datetime":
            return 16
        if kind == "integer":
            return len(f"{float(value):,.0f}")
        return len(f"{float(value):,.2f}")
    except (TypeError, ValueError, OverflowError):
        return len(str(value))


def column_widths(table: SheetTable) -> list[float]:
    """Widths fitted to the header and the content (the data blocks' too, but not their
    title lines, which may run on into empty cells), capped at ``MAX_WIDTH``."""
    widths = [len(column.name) + 4 for column in table.columns]  # room for the filter button
    sample = list(table.rows[:WIDTH_SAMPLE]) + list(table.rows[-1:])
    _fit(widths, table.columns, sample)
    for block in (*table.sections, *table.blocks):
        widths += [0] * (len(block.columns) - len(widths))
        _fit(widths, block.columns, [tuple(c.name for c in block.columns)])
        _fit(widths, block.columns, block.rows)
    return [float(min(width, MAX_WIDTH)) for width in widths]


def _fit(widths: list[int], columns: tuple[Column, ...], rows: Iterable[tuple[Any, ...]]
         ) -> None:
    for row in rows:
        for index, (column, value) in enumerate(zip(columns, row, strict=False)):
            if value is not None:
                widths[index] = max(widths[index], _shown_width(column.kind, value) + 2)


def worksheet_chunks(table: SheetTable, styles: StyleIds, *, date1904: bool = False,
                     rows_per_chunk: int = 2000, drawing: str | None = None) -> Iterator[bytes]:
    """The worksheet part of ``table``: bold frozen header with an autofilter, fitted
    columns, status fills, a bold total row when ``table.total_row``, then its data
    blocks (``sheetlayout``). ``drawing`` is the relationship id of the sheet's drawing
    (its charts), if any."""
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    columns = table.columns
    letters = [column_letter(i) for i in range(len(columns))]
    last_col = letters[-1] if letters else "A"
    last_row = len(table.rows) + 1
    ref = f"A1:{last_col}{last_row}"
    layout = sheet_layout(table)
    used = f"A1:{column_letter(max(layout.width, 1) - 1)}{max(layout.last_row, 1)}"
    body = [_encoder(c, styles.body, styles.status, epoch) for c in columns]
    bold = [_encoder(c, styles.bold, {}, epoch) for c in columns]

    cols = "".join(f'<col min="{i + 1}" max="{i + 1}" width="{w:.1f}" customWidth="1"/>'
                   for i, w in enumerate(column_widths(table)))
    head = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
        # A sheet with charts prints landscape, one page wide, so no chart is cut in two.
        + ('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if drawing else "")
        + f'<dimension ref="{used}"/>'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        + (f"<cols>{cols}</cols>" if cols else "")
        + '<sheetData><row r="1">'
        + "".join(f'<c r="{letters[i]}1"' + _text_cell(c.name, styles.header)
                  for i, c in enumerate(columns))
        + "</row>"
    )
    yield head.encode("utf-8")

    parts: list[str] = []
    total_at = last_row if table.total_row else -1
    for number, row in enumerate(table.rows, start=2):
        r = str(number)
        encoders = bold if number == total_at else body
        cells = [f'<c r="{letter}{r}"{fragment}'
                 for enc, letter, value in zip(encoders, letters, row, strict=False)
                 if value is not None and (fragment := enc(value))]
        parts.append(f'<row r="{r}">{"".join(cells)}</row>')
        if number % rows_per_chunk == 0:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    for block, place in zip((*table.sections, *table.blocks),
                            (*layout.sections, *layout.blocks), strict=True):
        parts.append(_block_rows(block, place.title_row, styles, epoch))
    parts.append("</sheetData>")
    parts.append(f'<autoFilter ref="{ref}"/>')
    parts.append('<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
                 'header="0.3" footer="0.3"/>')
    if drawing:
        parts.append('<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
                     f'<drawing r:id="{drawing}"/>')
    parts.append("</worksheet>")
    yield "".join(parts).encode("utf-8")


def _block_rows(block: SheetBlock, title_row: int, styles: StyleIds, epoch: date) -> str:
    """A data block's rows: its title (bold), its header, its data (status cells coloured)."""
    letters = [column_letter(i) for i in range(len(block.columns))]
    body = [_encoder(c, styles.body, styles.status, epoch) for c in block.columns]
    title = _text_cell(block.title, styles.bold["text"])
    rows = [f'<row r="{title_row}"><c r="A{title_row}"{title}</row>',
            f'<row r="{title_row + 1}">'
            + "".join(f'<c r="{letter}{title_row + 1}"' + _text_cell(c.name, styles.header)
                      for letter, c in zip(letters, block.columns, strict=True))
            + "</row>"]
    for number, row in enumerate(block.rows, start=title_row + 2):
        cells = [f'<c r="{letter}{number}"{fragment}'
                 for enc, letter, value in zip(body, letters, row, strict=False)
                 if value is not None and (fragment := enc(value))]
        rows.append(f'<row r="{number}">{"".join(cells)}</row>')
    return "".join(rows)


def filter_reference(sheet_name: str, table: SheetTable) -> str:
    """The ``_xlnm._FilterDatabase`` formula Excel keeps for a sheet's autofilter."""
    last_col = column_letter(max(len(table.columns) - 1, 0))
    quoted = "'" + sheet_name.replace("'", "''") + "'"
    return f"{quoted}!$A$1:${last_col}${len(table.rows) + 1}"

