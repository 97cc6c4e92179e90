"""Reading charts back from a written workbook, for the chart tests."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from goalreport.core.tables import Chart, ChartSeries, Column, SheetBlock, SheetTable

NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def sheet_part(path: Path, name: str) -> str:
    """The worksheet part of the sheet called ``name``."""
    with zipfile.ZipFile(path) as archive:
        book = ET.fromstring(archive.read("xl/workbook.xml"))
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    rel_id = next(s.get(rid) for s in book.iter(main + "sheet") if s.get("name") == name)
    target = next(r.get("Target") for r in rels if r.get("Id") == rel_id)
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def charts_of(path: Path, sheet: str = "Team Summary") -> list[ET.Element]:
    """The chart parts of ``sheet``, in drawing order, through its relationships."""
    part = sheet_part(path, sheet)
    folder, name = part.rsplit("/", 1)
    with zipfile.ZipFile(path) as archive:
        rels = ET.fromstring(archive.read(f"{folder}/_rels/{name}.rels"))
        drawing = "xl/drawings/" + rels[0].get("Target", "").rsplit("/", 1)[1]
        dname = drawing.rsplit("/", 1)[1]
        drels = ET.fromstring(archive.read(f"xl/drawings/_rels/{dname}.rels"))
        ids = [c.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
               for c in ET.fromstring(archive.read(drawing)).iter(f"{{{NS['c']}}}chart")]
        targets = {r.get("Id"): r.get("Target", "").rsplit("/", 1)[1] for r in drels}
        return [ET.fromstring(archive.read("xl/charts/" + targets[i])) for i in ids]


def series(chart: ET.Element) -> list[dict[str, object]]:
    out = []
    for ser in chart.iter(f"{{{NS['c']}}}ser"):
        cache = ser.find("c:val/c:numRef/c:numCache", NS)
        assert cache is not None
        count = int(cache.find("c:ptCount", NS).get("val"))  # type: ignore[union-attr]
        values: list[float | None] = [None] * count
        for pt in cache.findall("c:pt", NS):
            values[int(pt.get("idx"))] = float(pt.findtext("c:v", "", NS))  # type: ignore[arg-type]
        out.append({
            "name": ser.findtext("c:tx/c:strRef/c:strCache/c:pt/c:v", "", NS),
            "name_ref": ser.findtext("c:tx/c:strRef/c:f", "", NS),
            "cat_ref": ser.findtext("c:cat/c:strRef/c:f", "", NS),
            "categories": [v.text for v in ser.findall("c:cat/c:strRef/c:strCache/c:pt/c:v",
                                                       NS)],
            "ref": ser.findtext("c:val/c:numRef/c:f", "", NS),
            "values": values,
            "colours": [p.find(".//a:srgbClr", NS).get("val")  # type: ignore[union-attr]
                        for p in ser.findall("c:dPt", NS)],
        })
    return out


def cells(ws, ref: str) -> list[object]:
    """Values of a one-column range like ``'Team Summary'!$B$50:$B$54``."""
    area = ref.split("!", 1)[1].replace("$", "")
    return [row[0].value for row in ws[area]] if ":" in area else [ws[area].value]


def charted_summary() -> SheetTable:
    """A small Team Summary with one chart of each kind, as ``chartdata`` builds them."""
    block = SheetBlock("Attainment by rep (chart data)",
                       (Column("Rep"), Column("Attainment", "percent"),
                        Column("Status", "status"), Column("Goal (100 %)", "percent")),
                       (("Ana <&> Lima", 1.25, "Achieved", 1), ("Ben", 0.5, "Behind", 1)))
    months = SheetBlock("Cumulative (chart data)",
                        (Column("Month"), Column("Plan", "money"), Column("Actual", "money")),
                        (("2026-01", 10, 5), ("2026-02", 20, None)))
    return SheetTable(
        "Team Summary", (Column("Team"), Column("Reps", "integer")),
        (("East", 2), ("Total", 2)), total_row=True, blocks=(block, months),
        charts=(Chart("bar", "By rep", 0, 0, (ChartSeries(1, "value"), ChartSeries(3, "goal")),
                      status_column=2),
                Chart("line", "Cumulative", 1, 0,
                      (ChartSeries(1, "plan"), ChartSeries(2, "actual")))))


def audit_errors(path: Path) -> set[tuple[str, str]]:
    """openxml-audit's errors as (part, description) pairs. Its warnings are left out: it
    warns about every inline-string cell (goalreport's text cells, by design, since
    sharedStrings.xml is never touched), with or without charts."""
    from openxml_audit import OpenXmlValidator, ValidationSeverity

    result = OpenXmlValidator(max_errors=0).validate(path)
    return {(str(e.part_uri), str(e.description)) for e in result.errors
            if e.severity == ValidationSeverity.ERROR}


def rewrite_zip(path: Path, changes: dict[str, bytes]) -> None:
    """Replace or add parts of the zip at ``path``."""
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts.update(changes)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
