"""goalreport's pipeline figures against an independent computation, on workbooks nobody
has seen: hypothesis writes a workbook (reps, goals, won deals, a Pipeline sheet of open
deals in every form a manager types them, a pasted Salesforce opportunities report of
open and won deals with its Probability (%) and Forecast Category columns, a Stages
sheet, Settings' Landing and Coverage Target, a fiscal year from January or April),
goalreport runs on it, and the Progress,
Team Summary and Pipeline by Month sheets it writes are read back with openpyxl and
compared, cell by cell, with figures worked out here straight from the rows.

The oracle shares no code with goalreport: it parses probabilities and categories with
its own small tables, buckets each row by plain date comparisons, and rounds each deal's
weighted amount half up with ``Decimal.quantize`` (the rule contract §3 writes down). The
one thing it takes from goalreport is each month's target, read from the Plan sheet
(the plan is checked against hand-worked and real quota tables in its own tests).
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import write_workbook
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalreport.core.engine import compute
from goalreport.jobs import JobOptions, run_job
from goalreport.workbook.reader import read_workbook

CENT = Decimal("0.01")
EXAMPLES = int(os.environ.get("GOALREPORT_FUZZ_EXAMPLES", "12"))
STAGES = {"Proposal": ("40%", "Best Case"), "Negotiation": (0.7, None),
          "Discovery": (None, "Pipeline")}
CATEGORY_WORDS = {None: None, "Commit": "commit", "Committed": "commit", "Best Case": "best",
                  "best_case": "best", "Most Likely": "likely", "Pipeline": "pipeline",
                  "Omitted": "omitted", "Not forecasted": "omitted", "Closed": "commit"}
PROBABILITIES = [None, "60%", 0.35, 45, "1/4", 0, "100%"]
#: A Salesforce report's Probability (%): numbers that are percents (1 is 1 %).
PERCENTS = [None, 60, 35, 1, 0, 100]
SF_HEADER = ["Opportunity Owner", "Opportunity Name", "Stage", "Probability (%)",
             "Forecast Category", "Amount", "Close Date", "Opportunity ID"]


def probability_of(cell: Any) -> Fraction | None:
    """60% / 0.35 / 45 (a percent above 1) / 1/4, read the plain way."""
    if cell is None:
        return None
    if isinstance(cell, str) and cell.endswith("%"):
        return Fraction(cell[:-1]) / 100
    if isinstance(cell, str) and "/" in cell:
        top, bottom = cell.split("/")
        return Fraction(int(top), int(bottom))
    value = Fraction(str(cell))
    return value / 100 if value > 1 else value


@st.composite
def workbooks(draw) -> dict[str, Any]:
    fiscal = draw(st.sampled_from([1, 4]))
    year = 2026
    start = dt.date(year, fiscal, 1)
    end = dt.date(year + (fiscal > 1), fiscal, 1) - dt.timedelta(days=1) if fiscal > 1 \
        else dt.date(year, 12, 31)
    as_of = start + dt.timedelta(days=draw(st.integers(20, (end - start).days - 5)))
    reps = []
    for i in range(draw(st.integers(1, 4))):
        reps.append({
            "id": f"R{i + 1}", "team": draw(st.sampled_from(["North", "South", ""])),
            "new": draw(st.integers(10, 400)) * 1000, "repeat": draw(st.integers(0, 200)) * 1000,
            "ads": draw(st.sampled_from([2500, 10000, 12345.67])),
            "close_rate": draw(st.sampled_from([None, "25%", "1/2"])),
        })
    won = []
    for rep in reps:
        for _ in range(draw(st.integers(0, 4))):
            day = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
            won.append([day, rep["id"], "won", "Client", draw(st.sampled_from(["new", "repeat"])),
                        draw(st.integers(1, 900)) * 100 + draw(st.sampled_from([0, 0.5, 0.99]))])
    deals, exported = [], []
    for rep in reps:
        for k in range(draw(st.integers(0, 4))):  # open deals in the pasted report
            close = as_of + dt.timedelta(days=draw(st.integers(-90, (end - as_of).days + 90)))
            row = [f"Rep {rep['id']}", f"Opp {k}", draw(st.sampled_from(["Proposal", "Demo"])),
                   draw(st.sampled_from(PERCENTS)),
                   draw(st.sampled_from([None, "Commit", "Best Case", "Pipeline",
                                         "Omitted"])),
                   draw(st.integers(1, 5000)) * 10, close, f"006{rep['id']}{k}"]
            exported.append(row)
            if draw(st.booleans()) and draw(st.booleans()):
                exported.append(list(row))  # the same record pasted twice
        if draw(st.booleans()):  # and a won deal
            day = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
            exported.append([f"Rep {rep['id']}", "Won one", "Closed Won", 100, "Closed",
                             draw(st.integers(1, 900)) * 100, day, f"006{rep['id']}W"])
        for k in range(draw(st.integers(0, 7))):
            close = as_of + dt.timedelta(days=draw(st.integers(-90, (end - as_of).days + 90)))
            row = [rep["id"], f"Deal {k}", draw(st.sampled_from([None, *STAGES, "Demo"])),
                   draw(st.integers(1, 5000)) * 10 + draw(st.sampled_from([0, 0.01, 0.55])),
                   close, draw(st.sampled_from(PROBABILITIES)),
                   draw(st.sampled_from(list(CATEGORY_WORDS)))]
            deals.append(row)
            if draw(st.booleans()) and draw(st.booleans()):
                deals.append(list(row))  # pasted twice
    if not deals and not any(row[2] != "Closed Won" for row in exported):
        deals.append([reps[0]["id"], "Only", None, 1000, end, None, None])
    return {"fiscal": fiscal, "year": year, "start": start, "end": end, "as_of": as_of,
            "reps": reps, "won": won, "deals": deals, "exported": exported,
            "landing": draw(st.sampled_from([None, "Commit", "Weighted"])),
            "coverage": draw(st.sampled_from([None, "2.5x", "4"]))}


def write(folder: Path, given: dict[str, Any]) -> Path:
    settings_rows = [["Setting", "Value"], ["As Of", given["as_of"]],
                     ["Fiscal Year Start", given["fiscal"]]]
    if given["landing"]:
        settings_rows.append(["Landing", given["landing"]])
    if given["coverage"]:
        settings_rows.append(["Coverage Target", given["coverage"]])
    return write_workbook(folder / "team.xlsx", {
        "Reps": [["Rep ID", "Name", "Team"],
                 *([r["id"], f"Rep {r['id']}", r["team"] or None] for r in given["reps"])],
        "Goals": [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                   "Avg Deal Size", "Close Rate"],
                  *([r["id"], given["year"], r["new"], r["repeat"], r["ads"], r["close_rate"]]
                    for r in given["reps"])],
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     *given["won"]],
        "Settings": settings_rows,
        "Pipeline": [["Rep ID", "Deal", "Stage", "Amount", "Close Date", "Probability",
                      "Forecast Category"], *given["deals"]],
        "Stages": [["Stage", "Probability", "Forecast Category"],
                   *([name, p, c] for name, (p, c) in STAGES.items())],
        "SF export": [SF_HEADER, *given["exported"]],
    })


def cents(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(CENT, ROUND_HALF_UP)


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def oracle(given: dict[str, Any], plan: dict[str, dict[dt.date, Decimal]]) -> dict[str, Any]:
    """Every pipeline figure of every rep and team, from the rows."""
    as_of, start, end = given["as_of"], given["start"], given["end"]
    month = month_of(as_of)
    quarter = add_months(start, ((month.year - start.year) * 12 + month.month
                                 - start.month) // 3 * 3)
    periods = [(month, add_months(month, 1)), (quarter, add_months(quarter, 3)),
               (start, add_months(end.replace(day=1), 1))]  # [first day, first day after)
    seen, deals = set(), []
    for row in given["deals"]:
        if tuple(row) not in seen:
            seen.add(tuple(row))
            deals.append(row)
    # The report's rows, each record once: open ones as deals (a percent is a percent),
    # won ones as money won.
    records, won_rows = set(), list(given["won"])
    for owner, name, stage, percent, category, amount, close, record in given["exported"]:
        if record in records:
            continue
        records.add(record)
        rep_id = owner.removeprefix("Rep ")
        if stage == "Closed Won":
            won_rows.append([close, rep_id, "won", None, None, amount])
        else:
            deals.append([rep_id, name, stage, amount, close,
                          None if percent is None else f"{percent}%", category])
    figures: dict[str, Any] = {}
    for rep in given["reps"]:
        rate = probability_of(rep["close_rate"]) if rep["close_rate"] else Fraction(1, 3)
        won = defaultdict(Decimal)
        for day, rep_id, _t, _c, _k, amount in won_rows:
            if rep_id == rep["id"] and start <= day <= as_of:
                won[month_of(day)] += cents(amount)
        target = Decimal(rep["new"] + rep["repeat"])
        to_win = max(target - sum(won.values(), Decimal(0)), Decimal(0))
        rows = []
        for rep_id, _name, stage, amount, close, own_p, own_c in deals:
            if rep_id != rep["id"]:
                continue
            stage_p, stage_c = STAGES.get(stage, (None, None)) if stage else (None, None)
            p = probability_of(own_p)
            p = p if p is not None else probability_of(stage_p)
            p = p if p is not None else rate
            category = CATEGORY_WORDS[own_c] or CATEGORY_WORDS[stage_c] or "pipeline"
            if category == "omitted":
                continue
            value = cents(amount)
            weighted = (value * Decimal(p.numerator) / Decimal(p.denominator)).quantize(
                CENT, ROUND_HALF_UP)
            rows.append((close, value, weighted, category))
        counted = [r for r in rows if r[0] >= as_of]
        in_year = [r for r in counted if start <= r[0] <= end]

        def period(first: dt.date, after: dt.date, in_year=in_year, won=won):
            inside = [r for r in in_year if first <= r[0] < after]
            won_here = sum((w for m, w in won.items() if first <= m < after), Decimal(0))
            commit = won_here + sum(r[1] for r in inside if r[3] == "commit")
            best = won_here + sum(r[1] for r in inside if r[3] in ("commit", "likely", "best"))
            weighted = sum((r[2] for r in inside), Decimal(0))
            landing = won_here + weighted if given["landing"] == "Weighted" else commit
            return {"open": sum((r[1] for r in inside), Decimal(0)), "weighted": weighted,
                    "commit": commit, "best": best, "landing": landing}

        year = period(*periods[2])
        wanted = Fraction(given["coverage"].rstrip("x")) if given["coverage"] else 1 / rate
        required = (Decimal(wanted.numerator) * to_win / Decimal(wanted.denominator)).quantize(
            CENT, ROUND_HALF_UP)
        months = []
        for m in sorted({m for m in plan[rep["id"]] if add_months(m, 1) > as_of}
                        | {month_of(r[0]) for r in counted}):
            inside = [r for r in counted if month_of(r[0]) == m]
            remaining = (max(plan[rep["id"]][m] - won.get(m, Decimal(0)), Decimal(0))
                         if m in plan[rep["id"]] else None)
            months.append((m, len(inside), sum((r[1] for r in inside), Decimal(0)),
                           sum((r[2] for r in inside), Decimal(0)),
                           sum((r[1] for r in inside if r[3] == "commit"), Decimal(0)),
                           remaining))
        slipped = [r for r in rows if r[0] < as_of]
        figures[rep["id"]] = {
            "team": rep["team"] or "(no team)", "year": year, "to_win": to_win,
            "coverage": Fraction(year["open"]) / Fraction(to_win) if to_win else None,
            "required": required, "needed": max(required - year["open"], Decimal(0)),
            "months": months, "slipped": (len(slipped), sum((r[1] for r in slipped),
                                                            Decimal(0))),
            "month_period": period(*periods[0]), "quarter_period": period(*periods[1]),
        }
    return figures


def read_sheet(path: Path, name: str) -> list[dict[str, Any]]:
    rows = list(openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(row)]


def money(value: Any) -> Decimal | None:
    return None if value is None else cents(value)


@pytest.mark.slow
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(given=workbooks())
def test_the_sheets_agree_with_an_independent_computation(tmp_path_factory, given) -> None:
    folder = tmp_path_factory.mktemp("oracle")
    path = write(folder, given)
    out = folder / "out.xlsx"
    run_job(path, JobOptions(today=dt.date(2027, 6, 1), now=dt.datetime(2027, 6, 1, 9),
                             render=False, output_workbook=out))
    plan: dict[str, dict[dt.date, Decimal]] = defaultdict(dict)
    for row in read_sheet(out, "Plan"):
        plan[row["Rep ID"]][row["Month"].date()] = money(row["Total Target"])
    expected = oracle(given, plan)

    for row in read_sheet(out, "Progress"):
        want = expected[row["Rep ID"]]
        year = want["year"]
        assert [money(row[c]) for c in ("Open Pipeline", "Weighted Pipeline", "Commit",
                                        "Best Case", "Landing", "Pipeline Needed")] == [
            year["open"], year["weighted"], year["commit"], year["best"], year["landing"],
            want["needed"]], row["Rep ID"]
        if want["coverage"] is None:
            assert row["Coverage"] is None
        else:
            assert row["Coverage"] == pytest.approx(float(want["coverage"]), rel=1e-12)

    teams: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for want in expected.values():
        teams[want["team"]].append(want)
    teams["Total"] = list(expected.values())
    for row in read_sheet(out, "Team Summary"):
        if row["Team"] not in teams:
            break  # the chart-data blocks below the table
        members = teams[row["Team"]]
        assert money(row["Landing"]) == sum((m["year"]["landing"] for m in members),
                                            Decimal(0))
        to_win = sum((m["to_win"] for m in members), Decimal(0))
        if to_win:
            open_ = sum((m["year"]["open"] for m in members), Decimal(0))
            required = sum((m["required"] for m in members), Decimal(0))
            assert row["Coverage"] == pytest.approx(float(open_ / to_win), rel=1e-12)
            assert row["Coverage Target"] == pytest.approx(float(required / to_win), rel=1e-12)
        else:
            assert row["Coverage"] is None

    # The report month's and the quarter's figures (the rep's report shows them), from the
    # engine on the same workbook.
    data = read_workbook(path)
    if given["exported"]:  # the pasted report was read as one
        assert data.notes[0].message.startswith("Salesforce opportunities report, "), data.notes
    computation = compute(data, as_of=given["as_of"])
    for result in computation.results:
        want = expected[result.rep.rep_id]
        month, quarter, _year = result.pipeline.periods
        for got, wanted in ((month, want["month_period"]), (quarter, want["quarter_period"])):
            assert (got.open, got.weighted, got.commit, got.best_case, got.landing) == (
                wanted["open"], wanted["weighted"], wanted["commit"], wanted["best"],
                wanted["landing"]), (result.rep.rep_id, got.name)

    by_month: dict[str, list[tuple]] = defaultdict(list)
    for row in read_sheet(out, "Pipeline by Month"):
        month = row["Month"].date() if row["Month"] else None
        by_month[row["Rep ID"]].append((month, row["Deals"], money(row["Open Pipeline"]),
                                        money(row["Weighted Pipeline"]), money(row["Commit"]),
                                        money(row["Remaining Target"])))
    for rep_id, want in expected.items():
        count, amount = want["slipped"]
        rows = by_month[rep_id]
        if count:
            assert rows[0] == (None, count, amount, None, None, None)
            rows = rows[1:]
        assert rows == want["months"], rep_id
