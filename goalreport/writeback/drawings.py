"""The drawing part that places a sheet's charts (``xl/drawings/drawingN.xml``), and the
relationship parts that tie sheet → drawing → charts.

Each chart sits in a ``twoCellAnchor`` (``editAs="oneCell"``: it moves with the cells but
keeps its size when columns are resized) whose corners are worked out from the sheet's
own column widths, so the chart has the size we mean in Excel and LibreOffice alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from goalreport.ooxml import xmledit
from goalreport.ooxml.namespaces import PKG_REL_NS, REL_NS
from goalreport.writeback.sheetlayout import CHART_ROWS

XDR_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
DRAWING_REL = REL_NS + "/drawing"

#: Pixels per character of column width (Calibri 11's digit).
PX_PER_CHAR = 7
DEFAULT_COLUMN_PX = 64
EMU_PER_PX = 9525
#: Chart widths in pixels: a line chart, and the bar chart's bounds (it widens with bars).
LINE_CHART_PX = 760
BAR_CHART_PX = (760, 1400)
BAR_PX = 30


@dataclass(frozen=True)
class Anchor:
    """Where one chart sits: cell corners (0-based) and offsets in EMU."""

    from_col: int
    from_row: int
    to_col: int
    to_col_off: int
    to_row: int


def chart_width(kind: str, points: int) -> int:
    """Pixels wide: bar charts grow with their bars, within ``BAR_CHART_PX``."""
    if kind != "bar":
        return LINE_CHART_PX
    low, high = BAR_CHART_PX
    return max(low, min(high, BAR_PX * points + 160))


def anchor(widths: Sequence[float], top_row: int, width_px: int) -> Anchor:
    """The anchor of a chart ``width_px`` wide and ``CHART_ROWS`` rows high whose top-left
    corner is column A of the 1-based row ``top_row``; ``widths`` are the sheet's column
    widths in characters (columns beyond them have Excel's default width)."""
    left = width_px
    column = 0
    while True:
        px = (int(widths[column] * PX_PER_CHAR + 0.5) if column < len(widths)
              else DEFAULT_COLUMN_PX)
        if left < px:
            break
        left -= px
        column += 1
    return Anchor(0, top_row - 1, column, left * EMU_PER_PX, top_row - 1 + CHART_ROWS)


def drawing_xml(anchors: Sequence[tuple[Anchor, str, str]]) -> bytes:
    """The drawing part: for each (anchor, relationship id, title) a chart frame."""
    frames = []
    for number, (place, rel_id, title) in enumerate(anchors, start=1):
        frames.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            f'<xdr:from><xdr:col>{place.from_col}</xdr:col><xdr:colOff>0</xdr:colOff>'
            f'<xdr:row>{place.from_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>'
            f'<xdr:to><xdr:col>{place.to_col}</xdr:col><xdr:colOff>{place.to_col_off}'
            f'</xdr:colOff><xdr:row>{place.to_row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{number + 1}" name="goalreport chart {number}" '
            f'descr={xmledit.attr(title)}/>'
            '<xdr:cNvGraphicFramePr><a:graphicFrameLocks noGrp="1"/></xdr:cNvGraphicFramePr>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            f'</xdr:xfrm><a:graphic><a:graphicData uri="{C_NS}">'
            f'<c:chart xmlns:c="{C_NS}" xmlns:r="{REL_NS}" r:id="{rel_id}"/>'
            '</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
            '</xdr:twoCellAnchor>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<xdr:wsDr xmlns:xdr="{XDR_NS}" xmlns:a="{A_NS}">{"".join(frames)}</xdr:wsDr>'
            ).encode()


def relationships_xml(relationships: Sequence[tuple[str, str, str]]) -> bytes:
    """A relationships part: (id, type, relative target) each."""
    items = "".join(f'<Relationship Id="{rel_id}" Type="{kind}" Target={xmledit.attr(target)}/>'
                    for rel_id, kind, target in relationships)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{PKG_REL_NS}">{items}</Relationships>').encode()
