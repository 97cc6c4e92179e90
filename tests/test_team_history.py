"""Teams by date (contract §3 Credit, Team History), by hand-worked example: a rep who
moves team, manager and territory on 1 July credits the team, manager and territory they
were in on each deal's credit date; their own attainment does not change.

The company of ``company_tree.py`` (100 a working day per k of target; 2026's first
half has 129 weekdays, July–September 66), As Of moved to 2026-09-30, so that expected to
date is k × 19,500. Dev Patel (R4, k = 3, target 78,300; Beta, South, under Omar
Haddad) was in Alpha, North, under Ben Ode (R2) from 1 January to 30 June. He won
20,000 on 2 March (then in Alpha) and, added here, 5,000 on 3 August (in Beta).

His first half: 20,000 won; target 3 × 12,900 = 38,700, all of it by As Of. That moves
from Beta, South and Omar's node to Alpha, North and Ben's (and Ana's, above Ben); Vera,
above both, keeps it once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from company_tree import company_sheets
from conftest import find_problems, format_problems, write_workbook

from goalreport.core.engine import compute
from goalreport.core.history import HISTORY_DAYS, window_tally
from goalreport.core.membership import team_pools
from goalreport.core.results import GroupTotals
from goalreport.core.rollup import subtree
from goalreport.errors import InputProblems
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook

D = dt.date
AS_OF = D(2026, 9, 30)
HISTORY = [["Rep ID", "Team", "Manager", "Territory", "From", "To"],
           ["R4", "Alpha", "Ben Ode", "North", D(2026, 1, 1), D(2026, 6, 30)]]


def _sheets(history: list[list[Any]] | None = HISTORY) -> dict[str, list[list[Any]]]:
    sheets = company_sheets()
    sheets["Settings"] = [["Setting", "Value"], ["Company", "Tree Co"], ["As Of", AS_OF],
                          ["Manager Email", "ceo@example.com"]]
    sheets["Activity"].append([D(2026, 8, 3), "R4", "won", "Client R4b", "new", 5000])
    if history is not None:
        sheets["Team History"] = history
    return sheets


def _book(path: Path, history: list[list[Any]] | None = HISTORY) -> Path:
    return write_workbook(path, _sheets(history))


def _money(row: GroupTotals) -> tuple[str, int, Decimal, Decimal, Decimal]:
    return (row.name, row.reps, row.annual_target, row.actual, row.expected_to_date)


def _d(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def test_a_rep_who_moves_on_1_july_credits_each_team_its_half(tmp_path: Path) -> None:
    moved = compute(read_workbook(_book(tmp_path / "moved.xlsx")), as_of=AS_OF)
    still = compute(read_workbook(_book(tmp_path / "still.xlsx", None)), as_of=AS_OF)
    # Without the history, Alpha (R1–R3, k = 4): 104,400, won 52,900, expected 78,000;
    # Beta (R4–R6, k = 6): 156,600, won 31,450, expected 117,000.
    assert [_money(row) for row in still.team] == [
        ("Alpha", 3, _d("104400"), _d("52900"), _d("78000")),
        ("Beta", 3, _d("156600"), _d("31450"), _d("117000")),
        ("Total", 6, _d("261000"), _d("84350"), _d("195000"))]
    # With it, Dev's first half (20,000 won; 38,700 of target, all of it by As Of) is
    # Alpha's: 143,100, 72,900, 116,700; Beta keeps 117,900, 11,450, 78,300. The reps stay
    # where the Reps sheet has them; the Total does not change.
    assert [_money(row) for row in moved.team] == [
        ("Alpha", 3, _d("143100"), _d("72900"), _d("116700")),
        ("Beta", 3, _d("117900"), _d("11450"), _d("78300")),
        ("Total", 6, _d("261000"), _d("84350"), _d("195000"))]
    # His own attainment is the same either way: 25,000 of 78,300, 58,500 expected.
    dev_moved, dev_still = (next(r.progress for r in c.results if r.rep.rep_id == "R4")
                            for c in (moved, still))
    assert (dev_moved.actual, dev_moved.annual_target, dev_moved.expected_to_date) == (
        _d("25000"), _d("78300"), _d("58500"))
    assert dev_moved == dev_still


def test_territories_and_the_manager_tree_follow_the_dates(tmp_path: Path) -> None:
    computation = compute(read_workbook(_book(tmp_path / "moved.xlsx")), as_of=AS_OF)
    by = {s.dimension: {row.name: row for row in s.rows} for s in computation.sections}
    # North (R1, R2; k = 3): 78,300, 40,000, 58,500, plus Dev's first half: 117,000,
    # 60,000, 97,200. South (R3, R4; k = 4): 104,400, 37,900, 78,000, less it: 65,700,
    # 17,900, 39,300.
    assert _money(by["territory"]["North"]) == ("North", 2, _d("117000"), _d("60000"),
                                                _d("97200"))
    assert _money(by["territory"]["South"]) == ("South", 2, _d("65700"), _d("17900"),
                                                _d("39300"))
    # Regions are the Reps row's (Team History names no region): AMER R4 + R6.
    assert _money(by["region"]["AMER"]) == ("AMER", 2, _d("130500"), _d("25000"),
                                            _d("97500"))
    # The tree: Omar (R4 alone) 78,300, 25,000, 58,500 less the first half: 39,600,
    # 5,000, 19,800. Ben (R2, R5; k = 2) 52,200, 16,450, 39,000 plus it: 90,900, 36,450,
    # 77,700; Ana, above Ben (R1, R2, R3, R5; k = 5) 130,500, 59,350, 97,500 plus it:
    # 169,200, 79,350, 136,200. Vera, above both Omar and Ben, counts it once: R1–R5,
    # 208,800, 84,350, 156,000.
    tree = by["manager"]
    assert _money(tree["Omar Haddad"]) == ("Omar Haddad", 1, _d("39600"), _d("5000"),
                                           _d("19800"))
    assert _money(tree["Ben Ode"]) == ("Ben Ode", 2, _d("90900"), _d("36450"), _d("77700"))
    assert _money(tree["Ana Lima"]) == ("Ana Lima", 4, _d("169200"), _d("79350"),
                                        _d("136200"))
    assert _money(tree["Vera Park"]) == ("Vera Park", 5, _d("208800"), _d("84350"),
                                         _d("156000"))
    # Each manager's own summary shows the same node as the company's tree does.
    for key, name in (("m2", "Omar Haddad"), ("r2", "Ben Ode")):
        own = next(s for s in subtree(computation, key).sections if s.dimension == "manager")
        assert _money(own.rows[0]) == _money(tree[name])


def test_the_teams_history_for_the_funnel_uses_the_dated_membership(tmp_path: Path) -> None:
    data = read_workbook(_book(tmp_path / "moved.xlsx"))
    pooled = {key: window_tally(records, AS_OF, HISTORY_DAYS)
              for key, records in data.activity_by_rep.items()}
    teams = team_pools(data, AS_OF, HISTORY_DAYS, pooled, lambda r: r.team.strip().casefold())
    # Alpha: R1 30,000, R2 10,000, R3 12,900 and Dev's 20,000 of 2 March (4 deals);
    # Beta: Eva's 6,450 and Dev's 5,000 of 3 August (2 deals).
    assert (teams["alpha"].won, teams["alpha"].won_amount) == (4, Decimal(72900))
    assert (teams["beta"].won, teams["beta"].won_amount) == (2, Decimal(11450))


def test_team_summary_reads_back_the_dated_teams(tmp_path: Path) -> None:
    path = _book(tmp_path / "moved.xlsx")
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 10, 1, 9), write_plan=False,
                             render=False))
    sheet = openpyxl.load_workbook(path, data_only=True)["Team Summary"]
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True) if row and row[0]}
    header = rows["Team"]
    target, actual = header.index("Annual Target"), header.index("Actual")
    assert (rows["Alpha"][target], rows["Alpha"][actual]) == (143100, 72900)
    assert (rows["Beta"][target], rows["Beta"][actual]) == (117900, 11450)
    assert (rows["Total"][target], rows["Total"][actual]) == (261000, 84350)


def test_bad_team_history_rows_are_named_with_their_fix(tmp_path: Path) -> None:
    history = [HISTORY[0],
               ["R9", "Alpha", None, None, D(2026, 1, 1), D(2026, 3, 31)],
               ["R4", "Alpah", None, None, D(2026, 1, 1), D(2026, 3, 31)],
               ["R4", None, "Zed", None, D(2026, 4, 1), D(2026, 4, 30)],
               ["R4", None, None, "Nowhere", D(2026, 5, 1), D(2026, 5, 31)],
               ["R3", "Beta", None, None, D(2026, 5, 1), D(2026, 4, 1)],
               ["R3", "Beta", None, None, "soon", D(2026, 8, 1)],
               ["R1", "Beta", None, None, D(2026, 1, 1), D(2026, 3, 31)],
               ["R1", "Beta", None, None, D(2026, 3, 1), D(2026, 4, 30)],
               ["R2", "Beta", None, None, D(2026, 9, 1), None]]
    errors, _warnings = find_problems(_book(tmp_path / "bad.xlsx", history))
    assert format_problems(errors).splitlines() == [
        ("Team History!A2: Rep ID 'R9' is not on the Reps sheet. Use an ID from the Reps sheet "
        "(R1, R2, R3, R4, R5, …), or add the rep there."),
        ("Team History!B3: Team 'Alpah' is no rep's Team on the Reps sheet — did you mean "
        "'Alpha'? Write a Team as the Reps sheet writes it."),
        ("Team History!C4: Manager 'Zed' is no one in the manager tree (Reps' Manager, the "
        "Managers sheet). Write the ID of a manager (such as 'R1', 'R2', 'V1'), or add them "
        "to the Managers sheet."),
        ("Team History!D5: Territory 'Nowhere' is no rep's Territory on the Reps sheet. Write "
        "a Territory as the Reps sheet writes it."),
        ("Team History!F6: To 2026-04-01 is before From 2026-05-01. Write the last day the rep "
        "was there, on or after From (or swap the two dates)."),
        ("Team History!E7: 'soon' is not a date. Write it as a date cell or as text like "
        "2026-03-05."),
        ("Team History!E9: rep 'R1' is in two places on 2026-03-01: this row and Team History "
        "row 8 overlap. End Team History row 8 the day before this one starts."),
        ("Team History!B10: says rep 'R2' is in Team 'Beta' on As Of 2026-09-30, but the Reps "
        "sheet says 'Alpha'. The Reps row is where a rep is now: end this row before the "
        "move, or correct the Reps row.")]
    # With any bad row the history is left out: no deal is credited to a guessed team.
    assert read_workbook_or_none(tmp_path / "bad.xlsx") is None


def read_workbook_or_none(path: Path):
    try:
        return read_workbook(path)
    except InputProblems:
        return None
