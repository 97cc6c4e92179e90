"""DrawingML chart parts (``xl/charts/chartN.xml``) for a computed sheet's charts.

Each series refers to its cells (``c:f``) and carries their values (``c:numCache`` /
``c:strCache``), so a chart shows before any recalculation — in Excel, LibreOffice and
the macOS/iOS previewers — and follows the cells when the manager edits one. Elements
are written in the order of the ECMA-376 chart schema (CT_BarSer, CT_LineSer, CT_CatAx,
CT_ValAx, …), which Excel enforces. The colours are the team report's (``report.css``,
``reports/charts.py``), the status colours the stronger shades of the status cells'
fills, so a bar reads like its cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.tables import Chart, SheetTable
from goalreport.ooxml.cellrefs import column_letter
from goalreport.writeback.sheetlayout import SheetLayout
from goalreport.writeback.sheetxml import clean_text

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL = R_NS + "/chart"

#: Bar colours by status (report.css): the status cells' hues, strong enough for a bar.
STATUS_COLOURS = {
    "Achieved": "1A7F37",
    "On track": "2F9E5B",
    "Slightly behind": "C99A06",
    "At risk": "D9640A",
    "Behind": "C0392B",
}
BRAND, PLAN, ACTUAL, INK, MUTED, GRID = "1F5FA8", "8AA2BD", "1F5FA8", "1F2A37", "6B7785", "D8DEE6"
#: Bars get value labels up to this many (more would overlap).
MAX_LABELLED_BARS = 20
_AXIS_IDS = ("50010001", "50010002")


@dataclass(frozen=True)
class SeriesData:
    """A series resolved to cells: its name cell, its value cells and their values."""

    role: str
    name: str
    name_ref: str
    ref: str
    values: tuple[float | None, ...]
    format_code: str
    #: One colour per point (bars by status); empty: the series' own colour.
    point_colours: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ChartData:
    kind: str
    title: str
    categories_ref: str
    categories: tuple[str, ...]
    series: tuple[SeriesData, ...]
    #: Number format of the value axis.
    axis_format: str
    #: Number format of the category axis for categories that are numbers (months as
    #: dates: "mmm yyyy"); "General" takes the cells' own (names, text).
    category_format: str = "General"


def sheet_reference(sheet: str, column: int, first: int, last: int | None = None) -> str:
    """``'Team Summary'!$B$30`` or ``'Team Summary'!$B$30:$B$41`` (always quoted)."""
    quoted = "'" + sheet.replace("'", "''") + "'"
    letter = column_letter(column)
    cell = f"${letter}${first}"
    return f"{quoted}!{cell}" if last is None else f"{quoted}!{cell}:${letter}${last}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal | Fraction):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def resolve(table: SheetTable, chart: Chart, layout: SheetLayout, sheet_name: str,
            formats: dict[str, str]) -> ChartData:
    """``chart`` of ``table`` with its cell references and cached values, the sheet laid
    out as ``layout``. ``formats`` maps a column kind to its cell number format."""
    block = table.blocks[chart.block]
    place = layout.blocks[chart.block]
    first = place.first_data_row()
    last = max(first + len(block.rows) - 1, first)
    categories = chart.category_labels or tuple(
        "" if row[chart.categories] is None else str(row[chart.categories])
        for row in block.rows)
    statuses = ([str(row[chart.status_column]) for row in block.rows]
                if chart.status_column is not None else [])
    series = []
    for item in chart.series:
        column = block.columns[item.column]
        colours = (tuple(STATUS_COLOURS.get(s, BRAND) for s in statuses)
                   if item.role == "value" else ())
        series.append(SeriesData(
            item.role, column.name, sheet_reference(sheet_name, item.column, place.header_row),
            sheet_reference(sheet_name, item.column, first, last),
            tuple(_number(row[item.column]) for row in block.rows),
            formats.get(column.kind, "General"), colours))
    value_kind = block.columns[chart.series[0].column].kind
    axis = formats.get(value_kind, "General")
    if value_kind == "percent":
        axis = "0%"
    elif value_kind == "money":
        axis = axis.replace(".00", "")  # whole currency units on the axis
    category_kind = block.columns[chart.categories].kind
    # Month cells are dates: the axis shows them abbreviated, like the cached labels.
    category_format = (formats.get("month", "mmm yyyy").replace("mmmm", "mmm")
                       if category_kind == "month" else "General")
    return ChartData(chart.kind, chart.title,
                     sheet_reference(sheet_name, chart.categories, first, last),
                     categories, tuple(series), axis, category_format)


def _esc(text: str) -> str:
    return clean_text(text).replace('"', "&quot;")


def _fill(colour: str) -> str:
    return f'<a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>'


def _line(colour: str, width_pt: float, dash: str | None = None) -> str:
    dashed = f'<a:prstDash val="{dash}"/>' if dash else ""
    return (f'<a:ln w="{int(width_pt * 12700)}" cap="rnd">{_fill(colour)}{dashed}'
            '<a:round/></a:ln>')


def _text_props(size: int, colour: str = INK, bold: bool = False,
                rotation: int | None = None) -> str:
    rot = f' rot="{rotation * 60000}" vert="horz"' if rotation is not None else ""
    b = ' b="1"' if bold else ' b="0"'
    return (f'<c:txPr><a:bodyPr{rot}/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="{size * 100}"{b}>{_fill(colour)}</a:defRPr></a:pPr>'
            '<a:endParaRPr lang="en-US"/></a:p></c:txPr>')


def _title(text: str) -> str:
    return ('<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>'
            f'<a:defRPr sz="1300" b="1">{_fill(INK)}</a:defRPr></a:pPr>'
            f'<a:r><a:rPr lang="en-US" sz="1300" b="1">{_fill(INK)}</a:rPr>'
            f'<a:t>{_esc(text)}</a:t></a:r></a:p></c:rich></c:tx>'
            '<c:overlay val="0"/></c:title>')


def _str_cache(values: Sequence[str]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{_esc(v)}</c:v></c:pt>'
                     for i, v in enumerate(values))
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{points}</c:strCache>'


def _num_cache(values: Sequence[float | None], format_code: str) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v!r}</c:v></c:pt>'
                     for i, v in enumerate(values) if v is not None)
    return (f'<c:numCache><c:formatCode>{_esc(format_code)}</c:formatCode>'
            f'<c:ptCount val="{len(values)}"/>{points}</c:numCache>')


def _series_head(index: int, series: SeriesData) -> str:
    return (f'<c:idx val="{index}"/><c:order val="{index}"/>'
            f'<c:tx><c:strRef><c:f>{_esc(series.name_ref)}</c:f>'
            f'{_str_cache([series.name])}</c:strRef></c:tx>')


def _series_data(data: ChartData, series: SeriesData) -> str:
    return (f'<c:cat><c:strRef><c:f>{_esc(data.categories_ref)}</c:f>'
            f'{_str_cache(data.categories)}</c:strRef></c:cat>'
            f'<c:val><c:numRef><c:f>{_esc(series.ref)}</c:f>'
            f'{_num_cache(series.values, series.format_code)}</c:numRef></c:val>')


def _labels(format_code: str, position: str, size: int = 8) -> str:
    """Value labels on every point of a series."""
    return (f'<c:dLbls><c:numFmt formatCode="{_esc(format_code)}" sourceLinked="0"/>'
            f'<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>{_text_props(size, MUTED)}'
            f'<c:dLblPos val="{position}"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
            '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/>'
            '<c:showBubbleSize val="0"/></c:dLbls>')


def _bar_series(index: int, data: ChartData, series: SeriesData) -> str:
    points = "".join(
        f'<c:dPt><c:idx val="{i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/>'
        f'<c:spPr>{_fill(colour)}</c:spPr></c:dPt>'
        for i, colour in enumerate(series.point_colours))
    labels = (_labels("0%", "outEnd")
              if len(series.values) <= MAX_LABELLED_BARS else "")
    return (f'<c:ser>{_series_head(index, series)}<c:spPr>{_fill(BRAND)}</c:spPr>'
            f'<c:invertIfNegative val="0"/>{points}{labels}'
            f'{_series_data(data, series)}</c:ser>')


_LINE_STYLES = {
    "goal": (INK, 1.5, "dash"),
    "plan": (PLAN, 2.25, "dash"),
    "actual": (ACTUAL, 2.75, None),
}


def _line_series(index: int, data: ChartData, series: SeriesData) -> str:
    if series.role == "marker":
        look = ('<c:spPr><a:ln><a:noFill/></a:ln></c:spPr><c:marker><c:symbol val="diamond"/>'
                f'<c:size val="9"/><c:spPr>{_fill(INK)}<a:ln><a:noFill/></a:ln></c:spPr>'
                '</c:marker>')
        labels = ""  # the legend names it: "As Of 2026-10-31"
    else:
        colour, width, dash = _LINE_STYLES.get(series.role, (BRAND, 2.25, None))
        look = (f'<c:spPr>{_line(colour, width, dash)}</c:spPr>'
                '<c:marker><c:symbol val="none"/></c:marker>')
        labels = ""
    return (f'<c:ser>{_series_head(index, series)}{look}{labels}'
            f'{_series_data(data, series)}<c:smooth val="0"/></c:ser>')


def _axes(data: ChartData) -> str:
    cat_id, val_id = _AXIS_IDS
    many = len(data.categories) > 12
    rotation = -45 if many else None
    return (
        f'<c:catAx><c:axId val="{cat_id}"/><c:scaling><c:orientation val="minMax"/>'
        '</c:scaling><c:delete val="0"/><c:axPos val="b"/>'
        f'<c:numFmt formatCode="{_esc(data.category_format)}" '
        f'sourceLinked="{1 if data.category_format == "General" else 0}"/>'
        '<c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="low"/>'
        f'<c:spPr><a:ln w="9525">{_fill(MUTED)}</a:ln></c:spPr>'
        f'{_text_props(8, INK, rotation=rotation)}<c:crossAx val="{val_id}"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        f'<c:valAx><c:axId val="{val_id}"/><c:scaling><c:orientation val="minMax"/>'
        '<c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="l"/>'
        f'<c:majorGridlines><c:spPr><a:ln w="6350">{_fill(GRID)}</a:ln></c:spPr>'
        f'</c:majorGridlines><c:numFmt formatCode="{_esc(data.axis_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'<c:spPr><a:ln><a:noFill/></a:ln></c:spPr>{_text_props(8, MUTED)}'
        f'<c:crossAx val="{cat_id}"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx>')


def _plot(data: ChartData) -> str:
    cat_id, val_id = _AXIS_IDS
    axis_ids = f'<c:axId val="{cat_id}"/><c:axId val="{val_id}"/>'
    if data.kind == "bar":
        bars = [s for s in data.series if s.role == "value"]
        lines = [s for s in data.series if s.role != "value"]
        body = ('<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
                '<c:varyColors val="0"/>'
                + "".join(_bar_series(i, data, s) for i, s in enumerate(bars))
                + f'<c:gapWidth val="60"/>{axis_ids}</c:barChart>')
        if lines:
            body += ('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
                     + "".join(_line_series(len(bars) + i, data, s)
                               for i, s in enumerate(lines))
                     + f'<c:marker val="1"/>{axis_ids}</c:lineChart>')
    else:
        body = ('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>'
                + "".join(_line_series(i, data, s) for i, s in enumerate(data.series))
                + f'<c:marker val="1"/>{axis_ids}</c:lineChart>')
    return f"<c:plotArea><c:layout/>{body}{_axes(data)}</c:plotArea>"


def chart_xml(data: ChartData) -> bytes:
    """The chart part of ``data``: title, plot, axes and a legend at the bottom."""
    # Bars coloured by status have no one colour to show in the legend: theirs is left
    # out, the status cells beside the data say what each colour means.
    hidden = "".join(f'<c:legendEntry><c:idx val="{i}"/><c:delete val="1"/></c:legendEntry>'
                     for i, s in enumerate(data.series) if s.point_colours)
    legend = (f'<c:legend><c:legendPos val="b"/>{hidden}<c:overlay val="0"/>'
              f'{_text_props(9, INK)}</c:legend>')
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}">'
        '<c:date1904 val="0"/><c:roundedCorners val="0"/>'
        f'<c:chart>{_title(data.title)}<c:autoTitleDeleted val="0"/>{_plot(data)}{legend}'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f'<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill>'
        f'<a:ln w="9525">{_fill(GRID)}</a:ln></c:spPr>'
        '</c:chartSpace>')
    return document.encode("utf-8")
