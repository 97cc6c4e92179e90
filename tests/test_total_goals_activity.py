"""A goal of one total (no new/repeat split) takes won Activity rows without a Client Type.

Managers' own quota tables give one amount per rep (none of the real ones we collected
splits new and repeat clients), and their activity logs do not say new or repeat either.
With such goals every won deal counts against the total, so a Client Type is not needed:
a won row may leave it empty (or the sheet have no such column), and new or repeat is
inferred as for CRM exports — repeat when the same client won on an earlier day, else new
— and said. Where any goal splits new and repeat, a won row still needs its Client Type.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import xlsxwriter
from quota_books import book, plan_of, read

D = dt.date
ANA = [["Rep ID", "Name"], ["R1", "Ana Lima"]]
TOTAL = [["Rep ID", "Year", "Quota"], ["R1", 2026, 120000]]
SETTINGS = {"Default Avg Deal Size": 1000}


def test_won_rows_without_client_type_count_against_a_total_goal(tmp_path):
    # Acme wins on 5 Jan (new: first win), Acme again on 3 Mar (repeat: it won earlier),
    # Globex on 10 Feb (new), a client-less win on 20 Mar (new: no client to repeat).
    # New = 1,000 + 2,000 + 500 = 3,500; repeat = 1,500; actual = 5,000.
    activity = [[D(2026, 1, 5), "R1", "won", "Acme", None, 1000],
                [D(2026, 2, 10), "R1", "won", "Globex", "", 2000],
                [D(2026, 3, 3), "R1", "won", "Acme", None, 1500],
                [D(2026, 3, 20), "R1", "won", None, None, 500]]
    path = book(tmp_path / "t.xlsx", TOTAL, reps=ANA, settings=SETTINGS, activity=activity)
    data, problems, _warnings = read(path)
    assert problems == []
    assert [str(note) for note in data.notes] == [
        ("Sheet 'Activity': 4 won rows without a Client Type: made repeat when the same client "
        "won on an earlier day, else new (no goal splits new and repeat clients, so this is "
        "shown but not judged).")]
    assert data.inferred_client_types == ("R1",)
    progress = plan_of(path, D(2026, 3, 31)).results[0].progress
    assert (progress.actual, progress.actual_new, progress.actual_repeat) == (
        Decimal("5000.00"), Decimal("3500.00"), Decimal("1500.00"))


def test_a_typed_client_type_is_kept_and_its_win_counts_for_the_inference(tmp_path):
    # Acme's first win is typed 'repeat' on 5 Jan (kept as typed); its untyped win on
    # 3 Mar is repeat (Acme won earlier). New 0, repeat 1,000 + 1,500.
    activity = [[D(2026, 1, 5), "R1", "won", "Acme", "repeat", 1000],
                [D(2026, 3, 3), "R1", "won", "Acme", None, 1500]]
    path = book(tmp_path / "t.xlsx", TOTAL, reps=ANA, settings=SETTINGS, activity=activity)
    progress = plan_of(path, D(2026, 3, 31)).results[0].progress
    assert (progress.actual_new, progress.actual_repeat) == (Decimal("0.00"),
                                                             Decimal("2500.00"))


def test_an_activity_sheet_with_no_client_type_column(tmp_path):
    path = tmp_path / "n.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    rows = {"Reps": ANA, "Goals": TOTAL,
            "Activity": [["Date", "Rep ID", "Type", "Client", "Amount"],
                         ["2026-01-05", "R1", "won", "Acme", 1000],
                         ["2026-02-05", "R1", "won", "Acme", 1000]],
            "Settings": [["Setting", "Value"], ["Default Avg Deal Size", 1000]]}
    for name, table in rows.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(table):
            sheet.write_row(r, 0, row)
    workbook.close()
    progress = plan_of(path, D(2026, 3, 31)).results[0].progress
    assert (progress.actual_new, progress.actual_repeat) == (Decimal("1000.00"),
                                                             Decimal("1000.00"))


def test_a_split_goal_still_needs_the_client_type(tmp_path):
    goals = [["Rep ID", "Year", "New Client Target", "Repeat Client Target"],
             ["R1", 2026, 60000, 60000]]
    activity = [[D(2026, 1, 5), "R1", "won", "Acme", None, 1000]]
    path = book(tmp_path / "s.xlsx", goals, reps=ANA, settings=SETTINGS, activity=activity)
    _data, problems, _warnings = read(path)
    assert [str(p) for p in problems] == [
        "Activity!E2: the Client Type is missing for a won deal. Write new or repeat."]
