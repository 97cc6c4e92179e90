"""Reports fit their pages: a rep's report is two pages with the longest content the
engine writes; the team summary's tables stay inside the page's content box at any team
count or name length, and no heading is left without the first rows of its table.
Checked on WeasyPrint's layout tree (tests/layout_check.py) and the real PDFs."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import layout_check as lc
import longest_report
import pytest
import report_fixtures as fx
from pypdf import PdfReader

from goalreport.core.model import OpenDeal
from goalreport.core.rollup import team_totals
from goalreport.reports.render import _Item, _Task, render_reports
from goalreport.reports.team_context import team_context

LONG_TEAM = "Enterprise Accounts North-East & Mid-Atlantic Region"


@pytest.mark.slow
@pytest.mark.parametrize(("locale", "currency"), [("en_US", "USD"), ("en_GB", "GBP"),
                                                  ("de_DE", "EUR")])
def test_longest_rep_report_fits_two_pages(locale: str, currency: str, tmp_path: Path
                                           ) -> None:
    computation = longest_report.computation()
    outcome = render_reports(computation, fx.settings(locale, currency), tmp_path, jobs=1)
    assert outcome.failures == ()
    pdf = next(p for p in outcome.files if p.name.startswith("R1234567"))
    reader = PdfReader(pdf)
    assert len(reader.pages) == 2
    page2 = reader.pages[1].extract_text()
    assert "SMART CHECK" in page2 and "Goal year 2026" in page2  # the last item made it
    assert "Also below plan: deal size, repeat business, focus time." in " ".join(
        page2.split())
    page1 = " ".join(reader.pages[0].extract_text().split())
    # The pipeline section with all its lines, and the monthly chart below it, on page 1.
    assert "PIPELINE AND LANDING" in page1 and "Slipped (close date passed" in page1
    assert "4 more." in page1 and "close outside the goal year" in page1
    assert "MONTHLY ACTUAL AND WEIGHTED PIPELINE AGAINST TARGET" in page1
    # The commission box too: long plan and tier names, millions, rates to 3 decimals.
    assert "COMMISSION (ESTIMATE)" in page1 and "not payroll" in page1
    task = _Task((), computation, fx.settings(locale, currency), "Acme", tmp_path, None, False)
    doc = lc.document(_Item("rep", computation.results[0]), task)
    assert lc.too_wide(doc) == []


def sixty_reps(team_of) -> list:
    """60 reps, most with open deals (the team summary ranks them by coverage too)."""
    results = [fx.make_result(f"R{i:03d}", f"Rep {i} Alexandrova-Konstantinou", team_of(i),
                              str(60000 + 900 * i), "30000", str(20000 + 1300 * (i % 37)),
                              "15000", ("Achieved", "On track", "Slightly behind", "At risk",
                                        "Behind")[i % 5], flagged=i % 3 == 0)
               for i in range(60)]
    return [fx.with_pipeline(result, tuple(
        OpenDeal(result.rep.rep_id, Decimal(1234567 + 1000 * k), date(2026, 9 + k % 4, 15),
                 f"Deal {k}") for k in range(i % 4)))
        for i, result in enumerate(results)]


@pytest.mark.parametrize(("locale", "currency", "team_of"), [
    ("en_US", "USD", lambda i: f"{LONG_TEAM} {i % 30}"),
    ("de_DE", "EUR", lambda i: f"Team {i % 30}"),
], ids=["long-team-names", "thirty-short-teams"])
@pytest.mark.slow
def test_team_summary_tables_stay_on_the_page(locale: str, currency: str, team_of,
                                              tmp_path: Path) -> None:
    results = sixty_reps(team_of)
    computation = replace(fx.computation(results), team=team_totals(results))
    task = _Task((), computation, fx.settings(locale, currency), "Acme", tmp_path, None, False)
    doc = lc.document(_Item("team-summary", None), task)
    assert lc.too_wide(doc) == []
    assert lc.headings_without_rows(doc) == []
    teams = [t["team"] for t in team_context(computation, fx.settings(locale, currency))["teams"]]
    assert teams.index(team_of(2)) < teams.index(team_of(10))  # naturally: 2 before 10
    if team_of(18) == "Team 18":
        lines = lc.text_lines(doc, "td")
        assert lines["Team 18"] == 1  # not "Team" / "18"


def test_heading_check_finds_a_heading_left_alone(tmp_path: Path) -> None:
    """The check itself: a page break forced after the heading is reported."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "custom.css").write_text(".ranking h2 { break-after: page; }")
    task = _Task((), fx.computation(), fx.settings(), "Acme", tmp_path, templates, False)
    doc = lc.document(_Item("team-summary", None), task)
    assert lc.headings_without_rows(doc) == [
        f"page {len(doc.pages) - 1}: heading 'Ranking by attainment' without its table"]


@pytest.mark.slow
def test_roll_ups_with_own_quotas_stay_on_the_page(tmp_path: Path) -> None:
    """The widest roll-ups: own quotas in every section (a region, a territory, a
    manager), German money, long names four levels deep."""
    import copy
    import datetime as dt

    from company_tree import AS_OF, company_sheets
    from conftest import write_workbook

    from goalreport.core.engine import compute
    from goalreport.core.rollup import subtree
    from goalreport.workbook.reader import read_workbook

    sheets = copy.deepcopy(company_sheets())
    sheets["Managers"][1][1] = "Vera Park-Alexandrova-Konstantinou"
    sheets["Managers"][2][3] = "V1"  # Omar named her by her old name
    sheets["Reps"][3][1] = "Chloé Martin-Wiśniewska de la Fuente"
    sheets["Goals"][0] += ["Territory", "Region", "Manager"]
    for row in sheets["Goals"][1:]:
        row += [None, None, None]
    sheets["Goals"] += [[None, 2026, 4_500_000, 4_500_000, None, "North", None, None],
                        [None, 2026, 4_000_000, 4_000_000, None, None, "EMEA", None],
                        [None, 2026, 9_000_000, 9_000_000, None, None, None, "V1"]]
    sheets["Settings"] += [["Locale", "de_DE"], ["Currency", "EUR"]]
    data = read_workbook(write_workbook(tmp_path / "wide.xlsx", sheets))
    computation = compute(data, as_of=AS_OF)
    assert dt.date(2026, 6, 30) == AS_OF and len(computation.quotas) == 3
    task = _Task((), computation, data.settings, "Acme", tmp_path, None, False)
    for item in (_Item("team-summary", None), _Item("vera", None, subtree(computation, "v1"))):
        doc = lc.document(item, task)
        assert lc.too_wide(doc) == []
        assert lc.headings_without_rows(doc) == []
