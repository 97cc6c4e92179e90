"""Native charts on Team Summary, written into the lossless splice.

Hand-worked workbook (As Of 2026-12-31, the last day of the goal year, so expected to
date is the whole target and pace equals attainment; each rep's target is $1,000 new
business, Avg Deal Size $100):

| rep | team | won | attainment | status |
|---|---|---|---|---|
| Eve Stone | West | 1,200 | 120 % | Achieved |
| Ana Lima | East | 1,000 | 100 % | Achieved |
| Ben Ode | West | 950 | 95 % | Slightly behind (0.90 ≤ pace < 1) |
| Cy Park | West | 800 | 80 % | At risk (0.75 ≤ pace < 0.90) |
| Di Sá | East | 500 | 50 % | Behind |

All deals are won on 2026-03-10, so the team's cumulative actual is 0 in January and
February and 4,450 from March on; the cumulative plan ends at 5,000 in December, where
the As Of marker sits on 4,450.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape as html_unescape
from itertools import pairwise
from pathlib import Path

import openpyxl
import pytest
from chart_helpers import NS, audit_errors, cells, charts_of, rewrite_zip, series, sheet_part
from click.testing import CliRunner
from conftest import write_workbook
from writeback_helpers import zip_parts

from goalreport.cli import cli
from goalreport.jobs import JobOptions, run_job

AS_OF = dt.date(2026, 12, 31)
REPS = [("R1", "Ana Lima", "East", 1000), ("R2", "Ben Ode", "West", 950),
        ("R3", "Cy Park", "West", 800), ("R4", "Di Sá", "East", 500),
        ("R5", "Eve Stone", "West", 1200)]
GREEN, AMBER, ORANGE, RED = "1A7F37", "C99A06", "D9640A", "C0392B"


def team_book(path: Path, reps: list[tuple[str, str, str, int]] = REPS,
              settings: tuple[list[object], ...] = ()) -> Path:
    """A goalreport workbook of ``reps`` (id, name, team, amount won), each with a $1,000
    new-business goal; ``settings``: more Settings rows."""
    return write_workbook(path, {
        "Reps": [["Rep ID", "Name", "Team"], *[[i, n, t] for i, n, t, _ in reps]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"], *[[i, 2026, 1000, 0, 100] for i, *_ in reps]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     *[[dt.date(2026, 3, 10), i, "won", "Acme", "new", won]
                       for i, _, _, won in reps]],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", AS_OF],
                     *settings],
    })


def report(path: Path, *, as_of: dt.date | None = None, charts: bool = True) -> None:
    """``goalreport report`` without the PDFs (the CLI is run in ``test_no_charts…``)."""
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2027, 1, 2, 3, 4), render=False,
                             write_plan=False, as_of=as_of, charts=charts))


@pytest.fixture
def written(tmp_path: Path) -> Path:
    path = team_book(tmp_path / "team.xlsx")
    report(path)
    return path


def test_titles_say_as_of_in_the_workbooks_locale(tmp_path: Path) -> None:
    """A British team reads its dates the British way, as in the reports and the sheets."""
    path = team_book(tmp_path / "team.xlsx", settings=(["Locale", "en_GB"], ["Currency", "GBP"]))
    report(path)
    bar, line = charts_of(path)
    assert bar.findtext(".//c:title//a:t", "", NS) == "Attainment by rep, as of 31 Dec 2026"
    assert line.findtext(".//c:title//a:t", "", NS) == (
        "Team cumulative actual against plan, as of 31 Dec 2026")
    assert series(line)[2]["name"] == "As Of 31 Dec 2026"


def test_bar_chart_ranks_reps_coloured_by_status_with_the_goal_line(written: Path) -> None:
    bar, _ = charts_of(written)
    assert bar.findtext(".//c:title//a:t", "", NS) == "Attainment by rep, as of Dec 31, 2026"
    assert bar.find(".//c:barChart/c:barDir", NS).get("val") == "col"  # type: ignore[union-attr]
    value, goal = series(bar)
    assert value["categories"] == ["Eve Stone", "Ana Lima", "Ben Ode", "Cy Park", "Di Sá"]
    assert value["values"] == [1.2, 1.0, 0.95, 0.8, 0.5]
    assert value["colours"] == [GREEN, GREEN, AMBER, ORANGE, RED]
    assert goal["name"] == "Goal (100 %)" and goal["values"] == [1.0] * 5
    assert bar.find(".//c:lineChart/c:ser", NS) is not None  # the goal is a line
    # Rows: table 1-4, charts at 6 and 27 (20 rows each), the rep block's header at 49.
    assert value["cat_ref"] == "'Team Summary'!$A$50:$A$54"
    assert value["ref"] == "'Team Summary'!$B$50:$B$54"
    assert value["name_ref"] == "'Team Summary'!$B$49"
    assert goal["ref"] == "'Team Summary'!$D$50:$D$54"


def test_every_chart_reference_holds_its_cached_values(written: Path) -> None:
    ws = openpyxl.load_workbook(written)["Team Summary"]
    assert ws["A48"].value == "Attainment by rep (chart data, rewritten by goalreport each run)"
    assert [ws.cell(49, c).value for c in range(1, 5)] == [
        "Rep", "Attainment", "Status", "Goal (100 %)"]
    assert [ws.cell(r, 3).value for r in range(50, 55)] == [
        "Achieved", "Achieved", "Slightly behind", "At risk", "Behind"]
    for chart in charts_of(written):
        for s in series(chart):
            # Names are text cells; months are dates, cached as the Locale shows them.
            shown_categories = [f"{c:%b %Y}" if isinstance(c, dt.datetime) else c
                                for c in cells(ws, str(s["cat_ref"]))]
            assert shown_categories == s["categories"]
            assert cells(ws, str(s["name_ref"])) == [s["name"]]
            shown = [None if v is None else float(v) for v in cells(ws, str(s["ref"]))]
            assert shown == s["values"]
    # The Team Summary table itself is the contract's, unchanged: teams, then Total.
    assert [ws.cell(r, 1).value for r in range(1, 6)] == ["Team", "East", "West", "Total",
                                                          None]
    assert ws.auto_filter.ref == "A1:M4"


def test_line_chart_is_the_team_cumulative_against_plan_with_as_of(written: Path) -> None:
    _, line = charts_of(written)
    assert line.findtext(".//c:title//a:t", "", NS) == (
        "Team cumulative actual against plan, as of Dec 31, 2026")
    plan, actual, marker = series(line)
    # The months are real dates in the cells, shown as month and year like
    # Plan's Month, and the chart labels them in the Locale ("Jan 2026"), not "2026-01".
    months = [dt.date(2026, m, 1).strftime("%b %Y") for m in range(1, 13)]
    assert plan["categories"] == months
    assert line.find(".//c:catAx/c:numFmt", NS).attrib == {  # type: ignore[union-attr]
        "formatCode": "mmm yyyy", "sourceLinked": "0"}
    ws = openpyxl.load_workbook(written)["Team Summary"]
    month_cells = ws[str(actual["cat_ref"]).split("!")[1].replace("$", "")]
    assert [row[0].value for row in month_cells] == [
        dt.datetime(2026, m, 1) for m in range(1, 13)]
    assert {row[0].number_format for row in month_cells} == {"mmmm yyyy"}
    assert plan["name"] == "Plan (cumulative)" and plan["values"][-1] == 5000.0
    values = plan["values"]
    assert all(a < b for a, b in pairwise(values))  # type: ignore[operator, arg-type]
    assert actual["values"] == [0.0, 0.0] + [4450.0] * 10
    assert marker["name"] == "As Of Dec 31, 2026"
    assert marker["values"] == [None] * 11 + [4450.0]
    assert actual["cat_ref"] == "'Team Summary'!$A$58:$A$69"


def test_the_actual_line_stops_at_as_of(tmp_path: Path) -> None:
    path = team_book(tmp_path / "team.xlsx")
    report(path, as_of=dt.date(2026, 5, 20))
    _, line = charts_of(path)
    _plan, actual, marker = series(line)
    assert actual["values"] == [0.0, 0.0, 4450.0, 4450.0, 4450.0] + [None] * 7
    assert marker["values"] == [None] * 4 + [4450.0] + [None] * 7
    assert marker["name"] == "As Of May 20, 2026"


def test_more_than_40_reps_chart_the_teams(tmp_path: Path) -> None:
    reps = ([(f"E{n}", f"East {n}", "East", 1000) for n in range(20)]
            + [(f"W{n}", f"West {n}", "West", 500) for n in range(20)]
            + [("N1", "Nora", "North", 800)])
    path = team_book(tmp_path / "big.xlsx", reps)
    report(path)
    bar, _ = charts_of(path)
    value, _goal = series(bar)
    assert bar.findtext(".//c:title//a:t", "", NS) == "Attainment by team, as of Dec 31, 2026"
    assert value["categories"] == ["East", "North", "West"]
    assert value["values"] == [1.0, 0.8, 0.5]
    assert value["colours"] == [GREEN, ORANGE, RED]


def test_openpyxl_sees_both_charts(written: Path) -> None:
    ws = openpyxl.load_workbook(written)["Team Summary"]
    # openpyxl's reader attaches the charts it finds to the sheet (no public accessor).
    charts = ws._charts
    assert [type(c).__name__ for c in charts] == ["BarChart", "LineChart"]
    assert charts[0].series[0].val.numRef.f == "'Team Summary'!$B$50:$B$54"
    assert charts[0].anchor._from.row == 5 and charts[1].anchor._from.row == 26


def test_a_rerun_replaces_the_charts(written: Path) -> None:
    first = zip_parts(written)
    report(written)
    second = zip_parts(written)
    assert sorted(second) == sorted(first)
    for name in first:
        if name.startswith(("xl/charts/", "xl/drawings/")):
            assert second[name] == first[name], name
    charts = [n for n in second if n.startswith("xl/charts/")]
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
    types = second["[Content_Types].xml"].decode()
    assert types.count("/xl/charts/chart1.xml") == 1
    assert types.count("/xl/drawings/drawing1.xml") == 1


@pytest.mark.slow
def test_no_charts_leaves_them_out_and_removes_old_ones(written: Path, tmp_path: Path) -> None:
    plain = team_book(tmp_path / "plain.xlsx")
    report(plain, charts=False)
    result = CliRunner().invoke(cli, ["report", str(written), "--out", str(tmp_path / "out"),
                                      "--rep", "R1", "--quiet", "--no-charts"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    parts = zip_parts(written)
    assert sorted(parts) == sorted(zip_parts(plain))
    assert not [n for n in parts if "chart" in n or "drawing" in n]
    assert b"chart" not in parts["[Content_Types].xml"]
    assert b"drawing" not in parts["[Content_Types].xml"]
    ws = openpyxl.load_workbook(written)["Team Summary"]
    assert ws.max_row == 4 and not ws._charts


def test_a_renamed_archive_keeps_its_charts(written: Path) -> None:
    """A Team Summary the manager renamed is their archive: its charts stay as they are
    and the fresh sheet's charts take free part numbers."""
    with zipfile.ZipFile(written) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b'name="Team Summary"', b'name="Team Summary Dec"')
    with zipfile.ZipFile(written, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    report(written)
    after = zip_parts(written)
    for name in ("xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/drawings/drawing1.xml"):
        assert after[name] == parts[name]
    assert [n for n in after if n.startswith("xl/charts/")] == [
        "xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml",
        "xl/charts/chart4.xml"]
    assert len(charts_of(written, "Team Summary Dec")) == 2
    fresh = series(charts_of(written)[0])[0]
    assert fresh["ref"] == "'Team Summary'!$B$50:$B$54"


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[:2], 16), int(colour[2:4], 16), int(colour[4:], 16)


def _words(pdf: Path) -> list[tuple[int, float, float, str]]:
    """(page, yMin, yMax, word) of every word, from poppler's ``pdftotext -bbox``."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', line)
        if match:
            words.append((page, float(match[1]), float(match[2]), html_unescape(match[3])))
    return words


def _find(words: list[tuple[int, float, float, str]], phrase: str) -> tuple[int, float, float]:
    """(page, top, bottom) of the first occurrence of ``phrase`` (words in a row)."""
    wanted = phrase.split()
    for i in range(len(words) - len(wanted) + 1):
        if [w[3] for w in words[i:i + len(wanted)]] == wanted:
            return words[i][0], words[i][1], words[i][2]
    raise AssertionError(f"{phrase!r} is not in the PDF")


@pytest.mark.slow
def test_libreoffice_draws_both_charts(written: Path, tmp_path: Path) -> None:
    """LibreOffice opens the workbook and prints Team Summary with both charts drawn: the
    bars in the status colours, the actual line in its blue, each inside its own chart
    area (between its title and the next thing on the page)."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        pytest.skip("LibreOffice (soffice) and poppler (pdftoppm) are needed")
    from PIL import Image  # WeasyPrint's own dependency

    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"), str(written)],
        check=False, capture_output=True, text=True, timeout=240,
        env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pdf" / "team.pdf"
    words = _words(pdf)
    page, _bar_top, bar_title_bottom = _find(words, "Attainment by rep, as of Dec 31, 2026")
    line_page, line_top, line_title_bottom = _find(
        words, "Team cumulative actual against plan, as of Dec 31, 2026")
    block_page, block_top, _ = _find(words, "Attainment by rep (chart data,")
    assert page == line_page == block_page, "Team Summary prints on one page wide"
    dpi = 72
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png",
                    str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    image = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")

    def count(top: float, bottom: float, colour: str | None = None) -> int:
        region = image.crop((0, int(top), image.width, int(bottom)))
        target = _rgb(colour) if colour else None
        data = region.tobytes()
        total = 0
        for pixel in zip(data[0::3], data[1::3], data[2::3], strict=True):
            if target is None:
                total += pixel != (255, 255, 255)
            else:
                total += max(abs(a - b) for a, b in zip(pixel, target, strict=True)) < 24
        return total

    bar_area = (bar_title_bottom, line_top)
    line_area = (line_title_bottom, block_top)
    width = image.width
    # Not blank: axes, gridlines, bars and labels cover a good part of each chart area.
    assert count(*bar_area) > 0.04 * width * (line_top - bar_title_bottom)
    assert count(*line_area) > 0.01 * width * (block_top - line_title_bottom)
    # The bars in their status colours (the cells' pastel fills never match these).
    for colour in (GREEN, AMBER, ORANGE, RED):
        assert count(*bar_area, colour) > 150, colour
        assert count(*line_area, colour) == 0, colour
    assert count(*line_area, "1F5FA8") > 80  # the actual line


@pytest.mark.slow
def test_openxml_audit_finds_nothing_new(written: Path, tmp_path: Path) -> None:
    original = team_book(tmp_path / "original.xlsx")
    assert audit_errors(written) - audit_errors(original) == set()
    # It does read the charts: a chart missing a required element is an error.
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(written) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/charts/chart1.xml":
                data = data.replace(b'<c:barDir val="col"/>', b"")
            target.writestr(info, data)
    missing = "Required element 'barDir' is missing (minOccurs=1, found=0)"
    assert ("/xl/charts/chart1.xml", missing) in audit_errors(broken)


def test_a_picture_shared_with_another_sheet_survives_the_replacement(written: Path) -> None:
    """goalreport's old drawing goes with its sheet, and so does what only it refers to;
    a picture that a drawing on the manager's Reps sheet also shows is kept."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

    def rel(rel_id: str, kind: str, target: str) -> str:
        return f'<Relationship Id="{rel_id}" Type="{rels}/{kind}" Target="{target}"/>'

    def rels_part(*items: str) -> bytes:
        return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                f'openxmlformats.org/package/2006/relationships">{"".join(items)}'
                "</Relationships>").encode()

    with zipfile.ZipFile(written) as archive:
        ours = archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
    ours = ours.replace("</Relationships>", rel("rId9", "image", "../media/image1.png")
                        + rel("rId10", "image", "../media/only-ours.png") + "</Relationships>")
    reps = sheet_part(written, "Reps").rsplit("/", 1)[1]
    rewrite_zip(written, {
        "xl/drawings/_rels/drawing1.xml.rels": ours.encode(),
        "xl/media/image1.png": png, "xl/media/only-ours.png": png,
        "xl/drawings/drawing9.xml": b'<?xml version="1.0"?><xdr:wsDr xmlns:xdr="http://'
                                    b'schemas.openxmlformats.org/drawingml/2006/'
                                    b'spreadsheetDrawing"/>',
        "xl/drawings/_rels/drawing9.xml.rels": rels_part(
            rel("rId1", "image", "../media/image1.png")),
        f"xl/worksheets/_rels/{reps}.rels": rels_part(
            rel("rId1", "drawing", "../drawings/drawing9.xml")),
    })
    before = zip_parts(written)
    report(written)
    after = zip_parts(written)
    assert "xl/media/only-ours.png" not in after
    for kept in ("xl/media/image1.png", "xl/drawings/drawing9.xml",
                 "xl/drawings/_rels/drawing9.xml.rels", f"xl/worksheets/_rels/{reps}.rels"):
        assert after[kept] == before[kept], kept
    assert b"../media/" not in after["xl/drawings/_rels/drawing1.xml.rels"]
    assert len(charts_of(written)) == 2


@pytest.mark.slow
def test_batch_no_charts_then_charts_redoes_the_workbook(tmp_path: Path) -> None:
    """``batch --no-charts`` writes no chart; the next batch without it does not skip the
    unchanged workbook (the options differ) and adds them."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = team_book(inbox / "team.xlsx", REPS[:1])

    def batch(*args: str) -> dict[str, object]:
        result = subprocess.run(
            [sys.executable, "-m", "goalreport", "batch", str(inbox), "--settle", "0",
             "--jobs", "1", "--as-of", AS_OF.isoformat(), "--json", *args],
            check=False, capture_output=True, text=True, timeout=300,
            stdin=subprocess.DEVNULL)
        assert result.returncode == 0, result.stderr
        manifest = json.loads(result.stdout)
        assert manifest["options"]["charts"] is ("--no-charts" not in args)
        return {w["name"]: w["status"] for w in manifest["workbooks"]}

    assert batch("--no-charts") == {"team.xlsx": "done"}
    assert not [n for n in zip_parts(path) if n.startswith("xl/charts/")]
    assert batch() == {"team.xlsx": "done"}
    assert len(charts_of(path)) == 2
    assert batch() == {"team.xlsx": "skipped"}
