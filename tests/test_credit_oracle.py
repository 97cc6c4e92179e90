"""goalreport's credit against an independent computation, on workbooks nobody has seen:
hypothesis writes a workbook (reps in teams, won and lost deals with Deal IDs, a Splits
sheet of revenue splits adding up to 100 % and overlay splits, invoiced and paid dates,
partial payments, Credit On booked, invoiced or paid, deals before the goal year and after
As Of, and a Team History sheet moving some reps to another team for a while before As
Of), goalreport runs on it, and the Progress and Team Summary sheets it writes are read
back with openpyxl and compared, cell by cell, with each rep's and team's credit worked
out here straight from the rows: a team's actual is the revenue credit its reps had on
the days they were in it.

The oracle shares no code with goalreport: it reads the shares with its own small
parser, works in ``Decimal`` cents, hands out the cents a revenue split leaves by sorting
the remainders itself, rounds an overlay share with ``Decimal.quantize(ROUND_HALF_UP)``,
and walks each deal's payments in date order (the rules of contract §3 Credit).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalreport.jobs import JobOptions, run_job

EXAMPLES = int(os.environ.get("GOALREPORT_FUZZ_EXAMPLES", "15"))
YEAR_START, YEAR_END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
CREDIT_WORDS = {"booked": ["booked", "Booked", None], "invoiced": ["invoiced", "Invoice"],
                "paid": ["paid", "Paid", "cash"]}


def share_cell(percent: int, draw) -> Any:
    """A split's share as a manager may type it: 60%, 60 or 0.6."""
    return draw(st.sampled_from([f"{percent}%", percent if percent > 1 else f"{percent}%",
                                 percent / 100 if percent <= 100 else f"{percent}%"]))


def percent_of(cell: Any) -> Decimal:
    """The oracle's own reading of a share, as a percent."""
    if isinstance(cell, str):
        return Decimal(cell.rstrip("%"))
    value = Decimal(str(cell))
    return value * 100 if value <= 1 else value


@st.composite
def workbooks(draw) -> dict[str, Any]:
    reps = [{"id": f"R{i + 1}", "team": draw(st.sampled_from(["North", "South", ""]))}
            for i in range(draw(st.integers(2, 5)))]
    ids = [r["id"] for r in reps]
    as_of = YEAR_START + dt.timedelta(days=draw(st.integers(40, 360)))
    credit_on = draw(st.sampled_from(sorted(CREDIT_WORDS)))
    deals, splits = [], []
    for k in range(draw(st.integers(1, 10))):
        booked = dt.date(2025, 11, 1) + dt.timedelta(days=draw(st.integers(0, 420)))
        cents = draw(st.integers(1, 5_000_000))
        deal = {"id": f"D{k}", "rep": draw(st.sampled_from(ids)), "booked": booked,
                "kind": draw(st.sampled_from(["won", "won", "won", "lost"])),
                "type": draw(st.sampled_from(["new", "repeat"])), "cents": cents,
                "invoiced": None, "paid": None, "paid_cents": None}
        if draw(st.booleans()):
            deal["invoiced"] = booked + dt.timedelta(days=draw(st.integers(-5, 90)))
        how = draw(st.sampled_from(["none", "full", "part"]))
        if how != "none":
            deal["paid"] = booked + dt.timedelta(days=draw(st.integers(-5, 150)))
            if how == "part":
                deal["paid_cents"] = draw(st.integers(1, cents))
        deals.append(deal)
        if draw(st.booleans()):
            owners = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
            cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=len(owners) - 1,
                                        max_size=len(owners) - 1, unique=True)))
            if len(owners) == 2 and draw(st.booleans()):
                cuts = [50]  # 50/50 of an odd number of cents: the remainders tie
            bounds = [0, *cuts, 100]
            spelled = draw(st.sampled_from([deal["id"], deal["id"].lower()]))
            for owner, low, high in zip(owners, bounds, bounds[1:], strict=False):
                splits.append([spelled, owner, share_cell(high - low, draw),
                               draw(st.sampled_from([None, "revenue", "Revenue"]))])
        for owner in draw(st.lists(st.sampled_from(ids), max_size=2, unique=True)):
            splits.append([deal["id"], owner, share_cell(draw(st.integers(1, 150)), draw),
                           draw(st.sampled_from(["overlay", "Overlay"]))])
    history = []
    named = sorted({r["team"] for r in reps if r["team"]})
    for r in reps:
        if named and draw(st.booleans()):
            first = YEAR_START + dt.timedelta(days=draw(st.integers(-30, 200)))
            last = first + dt.timedelta(days=draw(st.integers(0, 150)))
            if last >= as_of:
                continue  # a row covering As Of must agree with the Reps row: not drawn
            history.append([r["id"], draw(st.sampled_from(named)),
                            None if draw(st.booleans()) and first < YEAR_START else first,
                            last])
    return {"reps": reps, "as_of": as_of, "credit_on": credit_on, "history": history,
            "word": draw(st.sampled_from(CREDIT_WORDS[credit_on])), "deals": deals,
            "splits": splits}


def write(folder: Path, given: dict[str, Any]) -> Path:
    activity = [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Deal ID",
                 "Invoiced Date", "Paid Date", "Paid Amount"]]
    for d in given["deals"]:
        won = d["kind"] == "won"
        activity.append([d["booked"], d["rep"], d["kind"], "Client", d["type"] if won else None,
                         d["cents"] / 100 if won else None, d["id"], d["invoiced"], d["paid"],
                         None if d["paid_cents"] is None else d["paid_cents"] / 100])
    settings_rows = [["Setting", "Value"], ["As Of", given["as_of"]]]
    if given["word"]:
        settings_rows.append(["Credit On", given["word"]])
    sheets = {
        "Reps": [["Rep ID", "Name", "Team"],
                 *([r["id"], f"Rep {r['id']}", r["team"] or None] for r in given["reps"])],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size"], *([r["id"], 2026, 100000, 50000, 10000]
                                       for r in given["reps"])],
        "Activity": activity, "Settings": settings_rows}
    if given["history"]:
        sheets["Team History"] = [["Rep ID", "Team", "From", "To"], *given["history"]]
    if given["splits"]:
        sheets["Splits"] = [["Deal ID", "Rep ID", "Split %", "Split Type"], *given["splits"]]
    return write_workbook(folder / "team.xlsx", sheets)


def cut(paid: Decimal, splits: list[tuple[str, Decimal, bool]]) -> dict[tuple[str, bool], Decimal]:
    """Each split's cents of ``paid`` cents: revenue by largest remainder, earlier first on
    a tie; an overlay share half up."""
    parts: dict[tuple[str, bool], Decimal] = {}
    revenue = [(rep, pct) for rep, pct, overlay in splits if not overlay]
    floors = [(paid * pct / 100).to_integral_value(ROUND_FLOOR) for _, pct in revenue]
    rests = sorted(range(len(revenue)),
                   key=lambda i: (-(paid * revenue[i][1] / 100 - floors[i]), i))
    left = paid - sum(floors, Decimal(0))
    for index in rests[:int(left)]:
        floors[index] += 1
    for (rep, _pct), cents in zip(revenue, floors, strict=True):
        parts[(rep, False)] = cents
    for rep, pct, overlay in splits:
        if overlay:
            parts[(rep, True)] = (paid * pct / 100).quantize(Decimal(1), ROUND_HALF_UP)
    return parts


def team_on(given: dict[str, Any], rep_id: str, day: dt.date) -> str:
    """The rep's team on ``day``: a Team History row's that covers it, else the Reps
    row's."""
    for who, team, first, last in given["history"]:
        if who == rep_id and (first is None or first <= day) and day <= last:
            return team
    return next(r["team"] for r in given["reps"] if r["id"] == rep_id) or "(no team)"


def oracle(given: dict[str, Any], teams: dict[str, Decimal] | None = None
           ) -> dict[str, dict[str, Decimal]]:
    """Rep ID → Actual, Overlay, Waiting (booked, not yet credited) and Deals Won, in
    cents and deals, straight from the rows; ``teams`` gains each team's actual (revenue
    credit on the days its reps were in it)."""
    as_of, credit_on = given["as_of"], given["credit_on"]
    by_deal: dict[str, list[tuple[str, Decimal, bool]]] = defaultdict(list)
    for deal_id, rep, share, kind in given["splits"]:
        by_deal[deal_id.upper()].append((rep, percent_of(share), kind in ("overlay", "Overlay")))
    end = min(as_of, YEAR_END)
    figures = {r["id"]: defaultdict(Decimal) for r in given["reps"]}
    for d in given["deals"]:
        splits = by_deal.get(d["id"], [])
        if not any(not overlay for _r, _p, overlay in splits):
            splits = [(d["rep"], Decimal(100), False), *splits]
        amount = Decimal(d["cents"])
        if d["kind"] == "lost" or credit_on == "booked":
            steps = [(d["booked"], amount)]
        elif credit_on == "invoiced":
            steps = [(max(d["invoiced"], d["booked"]) if d["invoiced"] else None, amount)]
        elif d["paid"] is None:
            steps = [(None, amount)]
        elif d["paid_cents"] is None or d["paid_cents"] == d["cents"]:
            steps = [(max(d["paid"], d["booked"]), amount)]
        else:
            steps = [(max(d["paid"], d["booked"]), Decimal(d["paid_cents"])), (None, amount)]
        before: dict[tuple[str, bool], Decimal] = defaultdict(Decimal)
        paid_before = Decimal(0)
        for day, paid in steps:
            now = cut(paid, splits)
            for rep, pct, overlay in splits:
                part = now[(rep, overlay)] - before[(rep, overlay)]
                deals = pct / 100 * (paid - paid_before) / amount
                f = figures[rep]
                counts = day is not None and YEAR_START <= day <= end
                if d["kind"] == "won" and counts:
                    f["actual"] += part
                    f["won"] += deals
                    if overlay:
                        f["overlay"] += part
                    elif teams is not None:
                        team = team_on(given, rep, day)
                        teams[team] = teams.get(team, Decimal(0)) + part
                if d["kind"] == "won" and d["booked"] <= as_of and (day is None or day > as_of):
                    f["waiting"] += part
                    if overlay:
                        f["waiting overlay"] += part
            before, paid_before = now, paid
    return figures


def read_sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(row)]


def cents(value: Any) -> Decimal:
    return (Decimal(str(value or 0)) * 100).quantize(Decimal(1), ROUND_HALF_UP)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(given=workbooks())
def test_the_credit_agrees_with_an_independent_computation(tmp_path_factory, given) -> None:
    folder = tmp_path_factory.mktemp("credit-oracle")
    path = write(folder, given)
    out = folder / "out.xlsx"
    run_job(path, JobOptions(today=dt.date(2027, 6, 1), now=dt.datetime(2027, 6, 1, 9),
                             render=False, output_workbook=out))
    team_actual: dict[str, Decimal] = {}
    expected = oracle(given, team_actual)
    waiting = f"Booked, Not Yet {given['credit_on'].title()}"
    progress = read_sheet(out, "Progress")
    overlay_column = "Overlay Credit" in progress[0]
    for row in progress:
        want = expected[row["Rep ID"]]
        assert cents(row["Actual"]) == want["actual"], row["Rep ID"]
        assert Decimal(str(row["Deals Won"])) == want["won"].quantize(Decimal("0.01"),
                                                                      ROUND_HALF_UP)
        if overlay_column:
            assert cents(row["Overlay Credit"]) == want["overlay"], row["Rep ID"]
        else:
            assert want["overlay"] == 0
        if given["credit_on"] == "booked":
            assert waiting not in row
        else:
            assert cents(row[waiting]) == want["waiting"], row["Rep ID"]

    teams: dict[str, list[str]] = defaultdict(list)
    for rep in given["reps"]:
        teams[rep["team"] or "(no team)"].append(rep["id"])
    teams["Total"] = [rep["id"] for rep in given["reps"]]
    for row in read_sheet(out, "Team Summary"):
        if row["Team"] not in teams:
            break  # the chart-data blocks below the table
        members = [expected[rep_id] for rep_id in teams[row["Team"]]]
        # A team counts each deal once: its reps' credit without overlay shares, on the
        # days they were in it (Team History); the Total all of it.
        if row["Team"] == "Total":
            assert cents(row["Actual"]) == sum(m["actual"] - m["overlay"] for m in members)
        else:
            assert cents(row["Actual"]) == team_actual.get(row["Team"], 0), row["Team"]
        if overlay_column:
            assert cents(row["Overlay Credit"]) == sum(m["overlay"] for m in members)
        if given["credit_on"] != "booked":
            assert cents(row[waiting]) == sum(m["waiting"] - m["waiting overlay"]
                                              for m in members)
