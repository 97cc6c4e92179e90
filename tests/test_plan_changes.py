"""What changed a rep's plan is said where the rep and the manager look (revisions and relief, items 4
and 5): the Progress sheet, the Run Log and the rep's report; and the new Reps, Time Off
and Settings columns are read with clear messages.

The workbook: 2026, Mon–Fri, no holidays (261 working days). R1's 261,000 ($1,000 a day)
is revised from 1 Jul to 195,000 (Jan–Jun keep 129,000; 66,000 over Jul–Dec's 132 days).
R2's 261,000 loses, with Relief prorate, the 10 working days of 26 Jan – 6 Feb: 10,000.
"""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from quota_books import book, read

from goalreport.cli import cli

D = dt.date


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    folder = tmp_path_factory.mktemp("changes")
    goals = [["Rep ID", "Year", "Quota", "Effective From"],
             ["R1", 2026, 261000, None], ["R1", 2026, 195000, D(2026, 7, 1)],
             ["R2", 2026, 261000, None]]
    leave = [["Rep ID", "From", "To", "Reason", "Relief"],
             ["R2", D(2026, 1, 26), D(2026, 2, 6), "Vacation", "prorate"]]
    path = book(folder / "team.xlsx", goals,
                reps=[["Rep ID", "Name"], ["R1", "Ana Lima"], ["R2", "Ben Ode"]],
                settings={"Company": "Acme", "As Of": D(2026, 7, 31),
                          "Default Avg Deal Size": 1000},
                extra={"Time Off": leave})
    check = CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)
    result = CliRunner().invoke(cli, ["run", str(path), "--out", str(folder / "reports"),
                                      "--jobs", "1"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return path, folder / "reports" / "2026-07", check


def _pdf(path):
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def test_check_says_a_target_was_revised(ran):
    _path, _reports, check = ran
    assert check.exit_code == 0
    assert check.stderr.splitlines()[0] == (
        "Goals: one annual target per rep ('Quota'), 2 reps for 2026; no new/repeat split: "
        "every won deal counts against the total; 1 rep with a revised target.")


def test_progress_and_run_log_say_what_changed(ran):
    path, _reports, _check = ran
    workbook = openpyxl.load_workbook(path)
    progress = list(workbook["Progress"].iter_rows(values_only=True))
    column = progress[0].index("Plan Changes")
    assert [(row[0], row[4], row[column]) for row in progress[1:]] == [
        ("R1", 195000, "target revised on Jul 1, 2026: $261,000 → $195,000"),
        ("R2", 251000, "target reduced by $10,000 for 10 days of leave")]
    log = list(workbook["Run Log"].iter_rows(values_only=True))
    assert log[0][-2:] == ("Plan Changes", "Deal Files")
    assert log[1][-2] == ("R1: target revised on Jul 1, 2026: $261,000 → $195,000; R2: target "
                          "reduced by $10,000 for 10 days of leave")


def test_the_reps_report_says_what_changed(ran):
    _path, reports, _check = ran
    ana, ben = _pdf(reports / "R1-Ana-Lima.pdf"), _pdf(reports / "R2-Ben-Ode.pdf")
    assert "Changes to your plan: target revised on Jul 1, 2026: $261,000 → $195,000." in ana
    # Expected to 31 Jul under the plan in force: 129,000 + July's 23 days at $500.
    assert "plan to date $140,500" in ana
    assert "Changes to your plan: target reduced by $10,000 for 10 days of leave." in ben
    assert "of $251,000 target" in ben and "of $195,000 target" in ana


@pytest.mark.parametrize(("sheet", "header", "row", "message"), [
    ("Reps", ["Rep ID", "Name", "Start Date", "Ramp Months", "Ramp Schedule"],
     ["R1", "Ana", D(2026, 7, 1), 3, "25%, 50%, 75%"],
     ("Reps!E2: 'R1' has both Ramp Months (3) and a Ramp Schedule. Keep one: the schedule "
     "gives each month's share, Ramp Months a straight ramp.")),
    ("Reps", ["Rep ID", "Name", "Start Date", "Ramp Schedule"],
     ["R1", "Ana", D(2026, 7, 1), "25%, 150%"],
     ("Reps!D2: '25%, 150%' is not a ramp schedule: '150%' is above 100%. Write each month's "
     "share of full speed, such as 25%, 50%, 75%.")),
    ("Time Off", ["Rep ID", "From", "To", "Relief"],
     ["R1", D(2026, 3, 2), D(2026, 3, 6), "half"],
     ("Time Off!D2: 'half' is not a relief. Write none (the same target over fewer days) or "
     "prorate (less target for the days away).")),
])
def test_new_columns_have_clear_messages(tmp_path, sheet, header, row, message):
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 1000]]
    sheets = {"Reps": [header, row]} if sheet == "Reps" else {}
    extra = {sheet: [header, row]} if sheet != "Reps" else None
    path = book(tmp_path / "bad.xlsx", goals, reps=sheets.get("Reps"), extra=extra)
    _data, problems, _ = read(path)
    assert [str(p) for p in problems] == [message]


def test_default_relief_setting_is_checked(tmp_path):
    goals = [["Rep ID", "Year", "Quota"], ["R1", 2026, 1000]]
    _data, problems, _ = read(book(tmp_path / "s.xlsx", goals,
                                   settings={"Default Relief": "sometimes"}))
    assert [str(p) for p in problems] == [
        ("Settings!B2: 'sometimes' is not a relief. Write none (the same target over fewer "
        "days) or prorate (less target for the days away).")]
