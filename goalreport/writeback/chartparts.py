"""Which chart parts a write-back adds and which of goalreport's old ones it removes.

New parts get the first free ``drawingN``/``chartN`` numbers, so they never collide with
a manager's own charts. When goalreport replaces one of its sheets, the drawing that
sheet pointed to goes with it, with everything reachable from that drawing (its charts,
their style parts and pictures, their relationship parts) — unless some other part still
refers to it, so a picture shared with another sheet stays. A re-run therefore replaces
the charts instead of adding more, and a manager's chart on any other sheet (or on an
archive copy of a computed sheet, which goalreport no longer owns) is never touched.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from goalreport.core.tables import SheetTable
from goalreport.ooxml.package import PackageInfo, rels_part_for
from goalreport.writeback.chartxml import CHART_CT, CHART_REL, chart_xml, resolve
from goalreport.writeback.drawings import (
    DRAWING_CT,
    DRAWING_REL,
    anchor,
    chart_width,
    drawing_xml,
    relationships_xml,
)
from goalreport.writeback.sheetlayout import sheet_layout
from goalreport.writeback.sheetxml import column_widths

#: The sheet's relationship id of its drawing (the sheet has no other relationship).
SHEET_DRAWING_ID = "rId1"


@dataclass
class ChartParts:
    """The parts a write-back adds for charts and the old ones it leaves out."""

    new_parts: dict[str, bytes] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    #: (part, content type) overrides the new parts need.
    content_types: list[tuple[str, str]] = field(default_factory=list)
    #: Worksheet part → relationship id of its drawing.
    drawing_ids: dict[str, str] = field(default_factory=dict)


class _Relations:
    """Internal relationship targets of the package's parts (``PackageInfo.part_relations``,
    read inside the bounds)."""

    def __init__(self, info: PackageInfo):
        self.relations = info.part_relations

    def of(self, source: str) -> tuple[tuple[str, str], ...]:
        """(type, existing part) for each internal relationship of ``source``."""
        return self.relations.get(source.casefold(), ())

    def closure(self, roots: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            part = stack.pop()
            if part in seen:
                continue
            seen.add(part)
            stack.extend(target for _, target in self.of(part))
        return seen


def old_drawing_parts(info: PackageInfo, sheet_parts: Sequence[str]) -> set[str]:
    """The parts to leave out with the drawings of ``sheet_parts`` (sheets being
    regenerated): each drawing, what it reaches, and their relationship parts, minus
    anything another part still refers to."""
    names = {entry.filename.casefold(): entry.filename for entry in info.entries}
    relations = _Relations(info)
    roots = [target for sheet in sheet_parts for kind, target in relations.of(sheet)
             if kind == DRAWING_REL]
    if not roots:
        return set()
    removal = relations.closure(roots)
    skipped = {part.casefold() for part in (*removal, *sheet_parts)} | {""}
    protected: set[str] = set()
    for source, targets in info.part_relations.items():
        if source in skipped:
            continue
        protected |= {target for _, target in targets if target in removal}
    removal -= relations.closure(protected)
    rels = {names[r.casefold()] for part in removal
            if (r := rels_part_for(part)).casefold() in names}
    return removal | rels


def _free(pattern: str, taken: set[str]) -> str:
    number = 1
    while (pattern.format(number).casefold() in taken
           or rels_part_for(pattern.format(number)).casefold() in taken):
        number += 1
    part = pattern.format(number)
    taken.add(part.casefold())
    return part


def plan_chart_parts(info: PackageInfo, sheets: Sequence[tuple[str, str, SheetTable]],
                     replaced: Sequence[str], taken: set[str],
                     formats: dict[str, str]) -> ChartParts:
    """The chart parts for ``sheets`` ((worksheet part, sheet name, table) each) and the
    old drawings of the ``replaced`` worksheet parts to leave out. ``taken`` holds the
    (casefolded) part names in use, the new sheets' included; ``formats`` the number
    format of each column kind."""
    result = ChartParts(removed=old_drawing_parts(info, replaced))
    taken = {name for name in taken
             if name not in {part.casefold() for part in result.removed}}
    folder = posixpath.dirname(info.workbook_part)
    existing = {entry.filename.casefold() for entry in info.entries}
    for sheet_part, sheet_name, table in sheets:
        if not table.charts:
            continue
        layout = sheet_layout(table)
        widths = column_widths(table)
        drawing = _free(posixpath.join(folder, "drawings/drawing{}.xml"), taken)
        frames, chart_rels = [], []
        for index, (chart, top) in enumerate(zip(table.charts, layout.chart_rows,
                                                 strict=True), start=1):
            part = _free(posixpath.join(folder, "charts/chart{}.xml"), taken)
            data = resolve(table, chart, layout, sheet_name, formats)
            result.new_parts[part] = chart_xml(data)
            result.content_types.append((part, CHART_CT))
            rel_id = f"rId{index}"
            chart_rels.append((rel_id, CHART_REL,
                               posixpath.relpath(part, posixpath.dirname(drawing))))
            frames.append((anchor(widths, top, chart_width(chart.kind, len(data.categories))),
                           rel_id, chart.title))
        result.new_parts[drawing] = drawing_xml(frames)
        result.new_parts[rels_part_for(drawing)] = relationships_xml(chart_rels)
        result.content_types.append((drawing, DRAWING_CT))
        sheet_rels = rels_part_for(sheet_part)
        if sheet_rels.casefold() in existing and sheet_part not in replaced:
            # An orphan left by someone else for a sheet part that did not exist.
            result.removed.add(next(e.filename for e in info.entries
                                    if e.filename.casefold() == sheet_rels.casefold()))
        result.new_parts[sheet_rels] = relationships_xml(
            [(SHEET_DRAWING_ID, DRAWING_REL,
              posixpath.relpath(drawing, posixpath.dirname(sheet_part)))])
        result.drawing_ids[sheet_part] = SHEET_DRAWING_ID
    return result
