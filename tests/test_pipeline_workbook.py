"""Open deals from a workbook to its sheets and reports: the Pipeline and Stages sheets,
Settings' Landing and Coverage Target, the Progress, Team Summary and Pipeline by Month
sheets read back cell by cell, the rep's and the manager's PDFs, and ``check``.

The workbook is the one tests/test_pipeline.py works by hand: R1 and R2 each have
130,500 new + 130,500 repeat = 261,000 for 2026 ($1,000 on each of its 261 Mon–Fri
working days), deals of 10,000, close rate 1/3. R1 won 100,000 (2 Mar) and 15,000 (5 Oct);
R2 nothing. As Of Tuesday 20 October 2026: 209 working days gone, 52 left. R1's open
deals A–G are typed on a Pipeline sheet whose header is a Salesforce opportunity
report's (Opportunity Name, Stage, Amount, Close Date, Probability (%), Forecast
Category: the report column labels of the Opportunity object, developer.salesforce.com
field reference "Opportunity"; ForecastCategoryName's values Omitted, Pipeline, Best
Case, Most Likely, Commit, Closed: developer.salesforce.com object reference
"OpportunityStage" and "ForecastingItem"), with a Rep ID column in front and deal B
pasted twice.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import find_problems, format_problems, write_workbook
from pypdf import PdfReader

from goalreport.cli import cli

D = dt.date
PIPELINE_HEADER = ["Rep ID", "Opportunity Name", "Stage", "Amount", "Close Date",
                   "Probability (%)", "Forecast Category"]
DEALS = [
    ["R1", "A", "Negotiation/Review", 20000, D(2026, 10, 28), 50, "Commit"],
    ["R1", "B", "Proposal", 30000, D(2026, 11, 15), None, None],
    ["R1", "C", "Discovery", 12345.67, D(2026, 12, 10), None, None],
    ["R1", "B", "Proposal", 30000, D(2026, 11, 15), None, None],  # pasted twice
    ["R1", "D", "Negotiation", 8000, D(2026, 10, 1), None, None],
    ["R1", "E", "", 50000, D(2027, 1, 15), 10, None],
    ["R1", "F", "", 5000, D(2026, 11, 20), None, "Omitted"],
    ["R1", "G", "", 1000.01, D(2026, 10, 20), 33.3, "Most Likely"],
]


def sheets(pipeline: list[list[Any]] | None = DEALS,
           settings: list[list[Any]] = ()) -> dict[str, list[list[Any]]]:
    found = {
        "Reps": [["Rep ID", "Name", "Email", "Team"], ["R1", "Ana Lima", "", "East"],
                 ["R2", "Ben Ode", "", "East"]],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"], ["R1", 2026, 130500, 130500, 10000],
                  ["R2", 2026, 130500, 130500, 10000]],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     [D(2026, 3, 2), "R1", "won", "Zeta", "repeat", 100000],
                     [D(2026, 10, 5), "R1", "won", "Yak", "new", 15000]],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", D(2026, 10, 20)],
                     *settings],
    }
    if pipeline is not None:
        found["Pipeline"] = [PIPELINE_HEADER, *pipeline]
        found["Stages"] = [["Stage", "Probability", "Forecast Category"],
                           ["Proposal", "40%", "Best Case"]]
    return found


def run(folder: Path, book: dict[str, list[list[Any]]]):
    path = write_workbook(folder / "team.xlsx", book)
    check = CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(folder / "reports"),
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path, folder / "reports" / "2026-10", check


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    return run(tmp_path_factory.mktemp("pipeline"), sheets())


@pytest.fixture(scope="module")
def without(tmp_path_factory):
    return run(tmp_path_factory.mktemp("nopipeline"), sheets(pipeline=None))


def rows(path: Path, sheet: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path, read_only=True)[sheet].iter_rows(values_only=True))


def pdf(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def test_progress_gains_the_pipeline_columns_at_its_end(ran):
    path, _reports, _check = ran
    header, r1, r2 = rows(path, "Progress")
    assert header[-8:] == ("Plan Changes", "Open Pipeline", "Weighted Pipeline", "Commit",
                           "Best Case", "Landing", "Coverage", "Pipeline Needed")
    # R1: A + B + C + G closing by the year end (D slipped, E in 2027, F omitted, the
    # second B counted once); Commit 115,000 won + A; Best Case + B and G.
    assert r1[-7:] == pytest.approx((63345.68, 26448.22, 135000, 166000.01, 135000,
                                     63345.68 / 146000, 374654.32))
    # R2: no open deals, 261,000 to win: no coverage, 3 × 261,000 needed.
    assert r2[-7:] == (0, 0, 0, 0, 0, 0, 783000)


def test_coverage_cells_are_multiples(ran):
    path, _reports, _check = ran
    sheet = openpyxl.load_workbook(path)["Progress"]
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(2, header.index("Coverage") + 1)
    assert cell.number_format == '0.0"×"'
    assert sheet.cell(2, header.index("Pipeline Needed") + 1).number_format == '"$"#,##0.00'


def test_team_summary_gains_landing_and_coverage(ran):
    path, _reports, _check = ran
    header, east, total = rows(path, "Team Summary")[:3]
    assert header[-3:] == ("Landing", "Coverage", "Coverage Target")
    # 63,345.68 open ÷ (146,000 + 261,000) to win; wanted 3 × 407,000 ÷ 407,000.
    assert east[0] == "East" and east[-3:] == pytest.approx((135000, 63345.68 / 407000, 3))
    assert total[0] == "Total" and total[-3:] == east[-3:]


def test_pipeline_by_month_beside_the_remaining_targets(ran):
    path, _reports, _check = ran
    header, *body = rows(path, "Pipeline by Month")
    assert header == ("Rep ID", "Rep", "Team", "Month", "Deals", "Open Pipeline",
                      "Weighted Pipeline", "Commit", "Remaining Target", "Note")
    r1 = [row[3:] for row in body if row[0] == "R1"]
    assert r1 == [
        (None, 1, 8000, None, None, None,
         "slipped: close date before As Of, counted in no month"),
        (dt.datetime(2026, 10, 1), 2, 21000.01, 10333, 20000, 7000, ""),
        (dt.datetime(2026, 11, 1), 1, 30000, 12000, 0, 21000, ""),
        (dt.datetime(2026, 12, 1), 1, 12345.67, 4115.22, 0, 23000, ""),
        (dt.datetime(2027, 1, 1), 1, 50000, 5000, 0, None,
         "outside the goal year: not in its coverage"),
    ]
    # R2's months show what each still needs: October's 22,000, all of it.
    assert next(row[3:] for row in body if row[0] == "R2") == (
        dt.datetime(2026, 10, 1), 0, 0, 0, 0, 22000, "")


def test_the_reps_report_says_landing_coverage_and_what_is_needed(ran):
    _path, reports, _check = ran
    text = pdf(next(reports.glob("R1-*.pdf")))
    assert len(PdfReader(next(reports.glob("R1-*.pdf"))).pages) == 2
    # Run rate: 115,000 + 115,000 × 52 ÷ 209 = 143,612.44.
    assert ("Landing $135,000 (won + commit; run rate $143,612) against the $261,000 "
            "target: $126,000 short.") in text
    # 12.49 deals and 37.47 leads, rounded up from 10 on.
    assert ("Coverage 0.4×: $63,346 of open deals closing by Dec 31, 2026 for $146,000 still "
            "to win, against 3.0× (1 ÷ your close rate). $374,654 more pipeline: about 13 "
            "deals from 38 leads at your rates.") in text
    assert ("Slipped (close date passed, counted in no month): 1 deal, $8,000 — D $8,000 "
            "(Oct 1, 2026). Update their close dates or close them. 1 open deal ($50,000) "
            "closes outside the goal year: not counted here.") in text
    # The month, the fourth quarter and the year: target, won, open, weighted, landing.
    assert "Oct 2026 $22,000 $15,000 $21,000 $10,333 $35,000 met" in text
    assert "Q4 $66,000 $15,000 $63,346 $26,448 $35,000 $31,000" in text
    assert "Year $261,000 $115,000 $63,346 $26,448 $135,000 $126,000" in text
    assert "MONTHLY ACTUAL AND WEIGHTED PIPELINE AGAINST TARGET" in text


def test_a_rep_without_open_deals_is_told_what_is_needed_never_zero_coverage(ran):
    _path, reports, _check = ran
    text = pdf(next(reports.glob("R2-*.pdf")))
    # 783,000 ÷ 10,000 = 78.3 leads winning 26.1 deals, rounded up from 10 on.
    assert ("No open deals close by Dec 31, 2026, against a coverage of 3.0× (1 ÷ your "
            "close rate). $783,000 more pipeline: about 27 deals from 79 leads at your "
            "rates.") in text
    assert "0.0×" not in text


def test_the_team_summary_ranks_reps_by_coverage_beside_attainment(ran):
    _path, reports, _check = ran
    text = pdf(reports / "team-summary.pdf")
    assert "RANKING BY COVERAGE" in text
    # R1 (0.4×) before R2 (no deals); attainment 115,000 ÷ 261,000 = 44.1 %.
    assert ("1 Ana Lima R1 East 44.1% 0.4× 3.0× $135,000 51.7% $374,654 $8,000 "
            "2 Ben Ode R2 East 0.0% no deals 3.0× $0 0.0% $783,000 —") in text
    # 135,000 of the team's 522,000; 63,345.68 ÷ 407,000 to win.
    assert "LANDING $135,000 25.9% of target (won + commit) COVERAGE 0.2× against 3.0×" in text


def test_check_says_where_probabilities_came_from(ran):
    _path, _reports, check = ran
    assert check.exit_code == 0
    lines = check.stderr.splitlines()
    assert ("Pipeline: 7 open deals (7 from the Pipeline sheet); probability: their own "
            "for 3, their stage's (Stages sheet) for 1, the rep's close rate for 3; 1 "
            "slipped (close date before As Of 2026-10-20), counted apart; 1 closing outside "
            "the goal year, not in its coverage; 1 omitted from the forecast, left out."
            ) in lines
    assert ("Pipeline sheet: 1 row repeats a deal above (same Rep ID, Deal, Stage, Close "
            "Date and Amount; first: Pipeline row 5), counted once.") in lines


def test_without_open_deals_nothing_changes(without):
    path, reports, check = without
    names = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert "Pipeline by Month" not in names
    assert rows(path, "Progress")[0][-1] == "Plan Changes"
    assert rows(path, "Team Summary")[0][-1] == "Behind"
    for report in reports.glob("*.pdf"):
        text = pdf(report).casefold()
        assert "pipeline" not in text and "coverage" not in text and "landing" not in text
    assert not any(line.startswith("Pipeline") for line in check.stderr.splitlines())


def test_settings_landing_weighted_and_a_coverage_target(tmp_path: Path):
    path, reports, _check = run(tmp_path, sheets(settings=[["Landing", "Won + Weighted"],
                                                           ["Coverage Target", "4x"]]))
    r1 = rows(path, "Progress")[1]
    # Landing 115,000 + 26,448.22; 4 × 146,000 − 63,345.68 needed.
    assert r1[-3] == pytest.approx(141448.22) and r1[-1] == pytest.approx(520654.32)
    text = pdf(next(reports.glob("R1-*.pdf")))
    assert "Landing $141,448 (won + weighted pipeline; run rate $143,612)" in text
    assert "against 4.0×. $520,654 more pipeline" in text


def bad(tmp_path: Path, pipeline: list[list[Any]], stages: list[list[Any]] | None = None,
        settings: list[list[Any]] = ()) -> str:
    book = sheets(pipeline, settings)
    if stages is not None:
        book["Stages"] = stages
    errors, _warnings = find_problems(write_workbook(tmp_path / "bad.xlsx", book))
    return format_problems(errors)


def test_bad_pipeline_rows_are_named_with_the_fix(tmp_path: Path):
    assert bad(tmp_path, [
        ["R1", "A", "Proposal", None, D(2026, 11, 1), None, None],
        ["R1", "B", "Proposal", 100, None, None, None],
        ["R1", "C", "Proposal", 100, D(2026, 11, 1), "150%", None],
        ["R1", "D", "Proposal", 100, D(2026, 11, 1), None, "Maybe"],
        ["R1", "E", "Closed Won", 100, D(2026, 11, 1), None, None],
        ["R9", "F", "Proposal", 100, D(2026, 11, 1), None, None],
        ["R1", "G", "Proposal", "-100", D(2026, 11, 1), None, None],
    ]).splitlines() == [
        "Pipeline!D2: the Amount is missing. Write what the deal is worth.",
        ("Pipeline!E3: the Close Date is missing. Write the day the rep expects the deal to "
         "close."),
        ("Pipeline!F4: '150%' is not a probability between 0 and 100%. Write the chance the "
         "deal closes, such as 60% or 0.6."),
        ("Pipeline!G5: 'Maybe' is not a forecast category. Write Pipeline, Best Case, Most "
         "Likely, Commit or Omitted, or leave it empty for the stage's."),
        ("Pipeline!C6: stage 'Closed Won' is a closed stage, and the Pipeline sheet holds "
         "open deals only. Log a won or lost deal on the Activity sheet (type won or lost) "
         "and take it off the Pipeline sheet."),
        ("Pipeline!A7: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps sheet "
         "(R1, R2), or add the rep there."),
        ("Pipeline!D8: '-100' is negative. Money must be 0 or more: write a number such as "
         "1000 or $1,000.50."),
    ]


def test_bad_stages_and_settings_are_named(tmp_path: Path):
    assert bad(tmp_path, DEALS[:1], stages=[
        ["Stage", "Probability", "Forecast Category"], ["Proposal", "40%", "Best Case"],
        ["proposal", "50%", None], [None, "10%", None], ["Demo", "2/0", None]],
        settings=[["Landing", "Hopeful"], ["Coverage Target", "0x"]]).splitlines() == [
        ("Settings!B4: 'Hopeful' is not a landing. Write Commit (won + commit deals) or "
         "Weighted (won + weighted pipeline)."),
        ("Settings!B5: '0x' is not a coverage target: it must be more than 0. Write the "
         "pipeline wanted per unit of target still to win, such as 3x."),
        ("Stages!A3: stage 'proposal' is listed twice (first in Stages row 2). Keep one row "
         "per stage."),
        "Stages!A4: the Stage is missing. Write the stage's name as your CRM spells it.",
        "Stages!B5: '2/0' is not a probability. Write a number such as 60% or 0.6.",
    ]


def test_forecast_categories_as_each_crm_names_them() -> None:
    """Salesforce's ForecastCategoryName values and its API's ForecastCategory ones
    (developer.salesforce.com, OpportunityStage: BestCase, Closed, Forecast, MostLikely,
    Omitted, Pipeline), HubSpot's (hs_forecast_category: pipeline, best_case, commit,
    closed, omit; "Not forecasted") and Dynamics' Committed."""
    from goalreport.workbook.forecastwords import category_of

    said = {text: category_of(text) for text in (
        "Pipeline", "Best Case", "BestCase", "best_case", "Most Likely", "MostLikely",
        "Commit", "Forecast", "Committed", "Closed", "Closed won", "Omitted", "omit",
        "Not forecasted", "Upside")}
    assert said == {
        "Pipeline": "pipeline", "Best Case": "best case", "BestCase": "best case",
        "best_case": "best case", "Most Likely": "most likely", "MostLikely": "most likely",
        "Commit": "commit", "Forecast": "commit", "Committed": "commit", "Closed": "commit",
        "Closed won": "commit", "Omitted": "omitted", "omit": "omitted",
        "Not forecasted": "omitted", "Upside": None}


def test_a_probability_is_read_as_people_write_it(tmp_path: Path):
    """60%, 0.6, 60, 3/5 and an Excel percent cell (0.6) are all 60 %; 1 is 100 %."""
    from goalreport.workbook.reader import read_workbook

    rows_ = [["R1", f"D{i}", "", 100, D(2026, 11, 1), value, None]
             for i, value in enumerate(["60%", 0.6, 60, "3/5", "1", 0])]
    data = read_workbook(write_workbook(tmp_path / "p.xlsx", sheets(rows_)))
    assert [float(d.probability) for d in data.open_deals] == [0.6, 0.6, 0.6, 0.6, 1, 0]


def test_an_earlier_pipeline_by_month_is_emptied_when_the_open_deals_are_gone(ran, tmp_path):
    """The deals were closed and the Pipeline sheet cleared: the next run writes Pipeline
    by Month again with its header only, so last month's figures never linger."""
    path, _reports, _check = ran
    book = openpyxl.load_workbook(path)  # as a manager saves it, the Pipeline rows deleted
    book["Pipeline"].delete_rows(2, book["Pipeline"].max_row)
    cleared = tmp_path / "cleared.xlsx"
    book.save(cleared)
    result = CliRunner().invoke(cli, ["report", str(cleared), "--out", str(tmp_path / "r"),
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Pipeline by Month" in result.stderr.splitlines()[-1]
    assert rows(cleared, "Pipeline by Month") == [(
        "Rep ID", "Rep", "Team", "Month", "Deals", "Open Pipeline", "Weighted Pipeline",
        "Commit", "Remaining Target", "Note")]
    assert rows(cleared, "Progress")[0][-1] == "Plan Changes"
