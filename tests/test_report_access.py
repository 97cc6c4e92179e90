"""PDFs open for everyone: tagged for screen readers, in the workbook's language, with
headings, table header cells and a text alternative for each chart (checked in the real
PDF's structure tree and with poppler's pdfinfo)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import report_fixtures as fx
from click.testing import CliRunner
from conftest import minimal_sheets
from pypdf import PdfReader

from goalreport.cli import cli
from goalreport.reports.render import render_reports

pytestmark = pytest.mark.slow  # every test here is slow (see pyproject)

needs_pdfinfo = pytest.mark.skipif(shutil.which("pdfinfo") is None,
                                   reason="pdfinfo (poppler-utils) is not installed")


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True,
                         timeout=60).stdout
    return {k.strip(): v.strip() for k, v in
            (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def structure(path: Path) -> tuple[list[str], list[str]]:
    """(structure types, Alt texts) of every element of the PDF's structure tree."""
    kinds: list[str] = []
    alts: list[str] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            kinds.append(str(node["/S"]))
        if "/Alt" in node:
            alts.append(str(node["/Alt"]))
        if "/K" in node:
            walk(node["/K"])

    walk(PdfReader(path).trailer["/Root"]["/StructTreeRoot"])
    return kinds, alts


@pytest.fixture(scope="module")
def gb_reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gb")
    outcome = render_reports(fx.computation(), fx.settings("en_GB", "GBP"), out, jobs=1)
    assert outcome.failures == ()
    return out / "2026-10"


@needs_pdfinfo
def test_rep_pdf_is_tagged_in_the_workbooks_language(gb_reports: Path) -> None:
    path = gb_reports / "R1-Ana-Lima.pdf"
    assert pdfinfo(path)["Tagged"] == "yes"
    assert PdfReader(path).trailer["/Root"]["/Lang"] == "en-GB"
    kinds, alts = structure(path)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/Figure"} <= set(kinds)
    assert alts[0] == ("Cumulative actual against plan: actual £138,765 against a plan of "
                       "£150,000 to date; forecast £167,675 by the year end, for a target "
                       "of £180,000.")
    assert alts[1].startswith("Monthly actual against target: Jan £13,877 of £15,000; ")
    assert alts[1].endswith("; Oct £13,877 of £15,000; Nov target £15,000; "
                            "Dec target £15,000.")


@needs_pdfinfo
def test_team_summary_is_tagged_and_its_chart_described(gb_reports: Path) -> None:
    path = gb_reports / "team-summary.pdf"
    assert pdfinfo(path)["Tagged"] == "yes"
    kinds, alts = structure(path)
    assert kinds.count("/H1") == 1 and "/TH" in kinds
    # Actual 138,765.40 + 121,500 + 75,000; plan to date 10/12 of 180k + 120k + 150k.
    assert alts == ["Cumulative actual against plan: actual £335,265 against a plan of "
                    "£375,000 to date; forecast " + alts[0].split("forecast ")[1]]


@needs_pdfinfo
def test_no_pdf_tags_option_renders_untagged(make_workbook, tmp_path: Path) -> None:
    workbook = make_workbook(minimal_sheets())
    result = CliRunner().invoke(cli, ["report", str(workbook), "--as-of", "2026-06-30",
                                      "--out", str(tmp_path / "out"), "--no-pdf-tags",
                                      "--jobs", "1", "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    pdfs = sorted((tmp_path / "out" / "2026-06").glob("*.pdf"))
    assert [p.name for p in pdfs] == ["R1-Ana-Lima.pdf", "team-summary.pdf"]
    assert {pdfinfo(p)["Tagged"] for p in pdfs} == {"no"}
