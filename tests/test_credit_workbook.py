"""Split deals and Credit On through a real workbook: ``check``'s lines, the Progress and
Team Summary sheets read back cell by cell (openpyxl), and the words of the reps' and the
manager's PDFs (pypdf).

The workbook, as of 30 June 2026, Credit On paid. Ana (R1) and Ben (R2) sell in East; Cy
(R3) is West's sales engineer, paid on overlay splits.

- D1, $12,000, won by Ana on 10 March: revenue 60 % Ana, 40 % Ben; overlay 20 % Cy.
  $5,000 paid on 5 May: Ana $3,000, Ben $2,000, Cy $1,000 (5/12 of the deal: Ana 1/4 of
  a deal, Ben 1/6, Cy 1/12). Waiting: Ana $4,200, Ben $2,800, Cy $1,400.
- D2, $10,000, won by Ben on 11 March, split 50/50 (typed 0.5 and 50%), paid on 20 April
  (a Paid Date alone: in full): Ana $5,000, Ben $5,000, half a deal each.
- D3, $8,000, won by Ana on 2 June, not yet paid.

Actual: Ana $8,000 (3/4 of a deal: $10,666.67 a deal), Ben $7,000 (2/3: $10,500), Cy
$1,000 (1/12: $12,000). Booked, not yet paid: Ana $12,200 (2 deals), Ben $2,800, Cy
$1,400. East: $15,000 and $15,000 waiting; West: $0 (Cy's overlay is no team's); Total
$15,000, overlay $1,000 beside it.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import find_problems, format_problems
from pypdf import PdfReader
from quota_books import book

from goalreport.cli import cli

D = dt.date
REPS = [["Rep ID", "Name", "Team"], ["R1", "Ana Lima", "East"], ["R2", "Ben Ode", "East"],
        ["R3", "Cy Moss", "West"]]
GOALS = [["Rep ID", "Year", "New Client Target", "Repeat Client Target", "Avg Deal Size"],
         ["R1", 2026, 100000, 0, 10000], ["R2", 2026, 100000, 0, 10000],
         ["R3", 2026, 50000, 0, 10000]]
ACTIVITY = [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Deal ID",
             "Paid Date", "Paid Amount"],
            [D(2026, 3, 10), "R1", "won", "Acme", "new", 12000, "D1", D(2026, 5, 5), 5000],
            [D(2026, 3, 11), "R2", "won", "Beta", "new", 10000, "D2", D(2026, 4, 20), None],
            [D(2026, 6, 2), "R1", "won", "Gamma", "new", 8000, "D3", None, None],
            *([D(2026, 2, 2 + n), "R1", "lead", "Acme", None, None, None, None, None]
              for n in range(4))]
SPLITS = [["Deal ID", "Rep ID", "Split %", "Split Type"],
          ["D1", "R1", "60%", "Revenue"], ["D1", "R2", 40, None], ["D1", "R3", "20%", "overlay"],
          ["d2", "R1", 0.5, None], ["D2", "R2", "50%", "revenue"]]


def _book(path: Path, activity=ACTIVITY, splits=SPLITS, credit_on: str = "paid") -> Path:
    return book(path, GOALS, reps=REPS, activity=activity[1:],
                settings={"Company": "Acme", "As Of": D(2026, 6, 30), "Credit On": credit_on},
                extra={"Splits": splits, "Activity": activity})


def _pdf(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    folder = tmp_path_factory.mktemp("credit")
    path = _book(folder / "team.xlsx")
    check = CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(folder / "reports"),
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path, folder / "reports" / "2026-06", check


def test_check_says_what_the_splits_and_credit_on_did(ran):
    _path, _reports, check = ran
    assert check.exit_code == 0, check.output
    lines = check.stderr.splitlines()
    assert ("Splits sheet: splits of 2 deals: 2 won or lost deals credited in shares "
            "(revenue splits add up to the deal, overlay splits count for their reps alone).") \
        in lines
    assert ("Settings!B4: Credit On paid: of 3 won deals, 1 paid in full, 1 paid in part, 1 "
            "not yet paid; a deal counts on its Paid Date, as it is paid.") in lines


def _sheet(path: Path, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(path)[name].iter_rows(values_only=True))


def test_progress_credits_each_rep_their_share(ran):
    path, _reports, _check = ran
    header, *rows = _sheet(path, "Progress")
    assert header[-2:] == ("Overlay Credit", "Booked, Not Yet Paid")
    col = {name: header.index(name) for name in ("Rep ID", "Actual", "Deals Won",
                                                 "Avg Deal Size", "Close Rate")}
    found = [(row[col["Rep ID"]], row[col["Actual"]], row[col["Deals Won"]],
              row[col["Avg Deal Size"]], row[-2], row[-1]) for row in rows]
    assert found == [("R1", 8000, 0.75, 10666.67, 0, 12200),
                     ("R2", 7000, 0.67, 10500, 0, 2800),
                     ("R3", 1000, 0.08, 12000, 1000, 1400)]
    # Ana's close rate: 3/4 of a deal from 4 leads.
    assert rows[0][col["Close Rate"]] == pytest.approx(0.1875)


def test_team_summary_counts_each_deal_once(ran):
    path, _reports, _check = ran
    header, *rows = _sheet(path, "Team Summary")
    table = [row for row in rows if row[0] in ("East", "West", "Total")]
    assert header[:4] == ("Team", "Reps", "Annual Target", "Actual")
    assert header[13:15] == ("Overlay Credit", "Booked, Not Yet Paid")
    assert [(row[0], row[3], row[13], row[14]) for row in table] == [
        ("East", 15000, 0, 15000), ("West", 0, 1000, 0), ("Total", 15000, 1000, 15000)]


def test_the_reports_say_what_waits_and_what_is_overlay(ran):
    _path, reports, _check = ran
    ana, cy = _pdf(reports / "R1-Ana-Lima.pdf"), _pdf(reports / "R3-Cy-Moss.pdf")
    assert "Booked, not yet paid: $12,200 (2 deals); they count once paid, in neither actual " \
        "nor forecast until then." in ana
    assert "overlay credit" not in ana
    assert "Your actual includes $1,000 of overlay credit (overlay splits), which counts for " \
        "you and in no team total." in cy
    assert "Booked, not yet paid: $1,400 (1 deal); it counts once paid" in cy
    team = _pdf(reports / "team-summary.pdf")
    assert "Team actuals leave out $1,000 of overlay credit: it counts for its reps alone, so " \
        "each deal counts once." in team
    assert "Booked, not yet paid: $15,000; they count once paid" in team


def test_without_splits_or_credit_on_nothing_changes(tmp_path):
    # The same deals, no Splits sheet, Credit On booked: no new columns, whole deals.
    path = book(tmp_path / "plain.xlsx", GOALS, reps=REPS,
                settings={"As Of": D(2026, 6, 30)}, extra={"Activity": ACTIVITY})
    result = CliRunner().invoke(cli, ["report", str(path), "--out", str(tmp_path / "r"),
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    header, *rows = _sheet(path, "Progress")
    assert header[-1] == "Plan Changes"
    deals = header.index("Deals Won")
    assert [(row[0], row[5], row[deals]) for row in rows] == [
        ("R1", 20000, 2), ("R2", 10000, 1), ("R3", 0, 0)]
    assert _sheet(path, "Team Summary")[0][-1] == "Behind"


def test_revenue_splits_adding_up_to_90_percent_are_refused(tmp_path):
    splits = [["Deal ID", "Rep ID", "Split %"], ["D1", "R1", "50%"], ["D1", "R2", "40%"]]
    errors, _warnings = find_problems(_book(tmp_path / "t.xlsx", splits=splits,
                                            credit_on="booked"))
    assert format_problems(errors) == (
        "Splits!C2: the revenue splits of deal 'D1' (Splits!C2, Splits!C3) add up to 90%, "
        "not 100%. Make them add up to 100% (a share on top of the revenue is an overlay "
        "split).")


def test_split_and_payment_cells_that_cannot_be_read_are_named(tmp_path):
    activity = [ACTIVITY[0],
                [D(2026, 3, 10), "R1", "won", "Acme", "new", 12000, "D1", None, 5000],
                [D(2026, 3, 11), "R2", "won", "Beta", "new", 10000, "D2", D(2026, 4, 20), 13000]]
    splits = [["Deal ID", "Rep ID", "Split %", "Split Type"],
              ["D1", "R1", "160%", None], ["D1", "R9", "40%", None],
              ["D2", "R1", "50%", "149A0000000Xyz"], ["D2", "R2", "50%", None],
              ["D2", "R2", "10%", "Overlay"], ["D2", "R2", "5%", "Overlay"]]
    errors, _warnings = find_problems(_book(tmp_path / "t.xlsx", activity, splits))
    assert format_problems(errors).splitlines() == [
        ("Activity!I2: the Paid Amount 5000 has no Paid Date. Write the day it was paid beside "
        "it."),
        ("Activity!I3: the Paid Amount 13000 is more than the deal's amount. Write what was "
        "paid so far."),
        ("Splits!C2: '160%' is more than 100%, the most a revenue split can be. Write the "
        "rep's share, such as 60%."),
        ("Splits!B3: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps sheet (R1, "
        "R2, R3), or add the rep there."),
        ("Splits!D4: '149A0000000Xyz' is not a split type goalreport knows. Write revenue or "
        "overlay, or name it in Settings' Revenue Split Types or Overlay Split Types (a "
        "Salesforce SplitTypeId: export SplitType.DeveloperName beside it instead)."),
        # D2's revenue total is not said as well: its row D4 is the one cause.
        ("Splits!C7: rep 'R2' has an overlay split of deal 'D2' twice (first at Splits!C6). "
        "Keep one row, with the rep's whole share.")]


def test_a_split_deal_id_no_deal_has_is_a_warning(tmp_path):
    splits = [*SPLITS, ["D-7", "R1", "100%", None]]
    errors, warnings = find_problems(_book(tmp_path / "t.xlsx", splits=splits))
    assert errors == []
    assert [str(w) for w in warnings] == [
        ("Splits!C7: Deal ID 'D-7' is on no won or lost deal (Activity's Deal ID, an export's "
        "record ID), so its splits are not used yet. Check the ID; an open deal's splits "
        "count once it is won.")]


def test_credit_on_without_its_column_is_a_problem(tmp_path):
    activity = [row[:6] for row in ACTIVITY]
    errors, _warnings = find_problems(_book(tmp_path / "t.xlsx", activity, SPLITS[:1],
                                            credit_on="invoiced"))
    assert format_problems(errors) == (
        "Settings!B4: Credit On is invoiced, but neither the Activity sheet nor any export "
        "has an Invoiced Date column, so no won deal would count. Add the Invoiced Date column "
        "(and fill it in), or set Credit On to booked.")


def test_amounts_read_back_exactly(ran):
    # Money cells are exact cents: Ana's three credited amounts add up to her Actual.
    path, _reports, _check = ran
    header, *rows = _sheet(path, "Progress")
    new_actual = header.index("New Actual")
    assert Decimal(str(rows[0][new_actual])) == Decimal(8000)
