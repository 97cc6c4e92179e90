"""Baseline (a): the script a sales-ops analyst would otherwise write in an afternoon.

    python benchmarks/baseline_script.py WORKBOOK OUTPUT

Loads the whole workbook with openpyxl (the way every tutorial does it), sums the
activity per rep and month in dicts, makes a simple plan per rep (annual target ÷ 12 per
month and ÷ 52 per week; deals from the average deal size, leads from the close rate
seen so far or one in three), adds Plan and Weekly Plan sheets and saves to OUTPUT.
It is written to be honest and reasonable, not slow on purpose: one pass over each
sheet, dictionaries keyed by rep, no per-cell lookups. It skips what goalreport does
beyond that (working days, holidays, seasonality, ramp, validation, exact rounding).
"""

from __future__ import annotations

import math
import sys
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl

TYPES = {"lead": "lead", "new lead": "lead", "meeting": "meeting", "call": "meeting",
         "visit": "meeting", "demo": "meeting", "won": "won", "closed won": "won",
         "lost": "lost", "closed lost": "lost", "focus": "focus", "planning": "focus"}


def header_index(row: tuple[object, ...]) -> dict[str, int]:
    return {str(v).strip().lower(): i for i, v in enumerate(row) if v is not None}


def main(source: Path, output: Path) -> None:
    wb = openpyxl.load_workbook(source)

    reps = {}
    rows = wb["Reps"].iter_rows(values_only=True)
    col = header_index(next(rows))
    for row in rows:
        if row[col["rep id"]] is None:
            continue
        if str(row[col["active"]] or "yes").strip().lower() == "no":
            continue
        reps[str(row[col["rep id"]]).strip()] = str(row[col["name"]])

    goals = {}
    rows = wb["Goals"].iter_rows(values_only=True)
    col = header_index(next(rows))
    for row in rows:
        rep = str(row[col["rep id"]] or "").strip()
        if rep in reps and row[col["year"]] == 2026:
            goals[rep] = {
                "target": float(row[col["new client target"]] or 0)
                + float(row[col["repeat client target"]] or 0),
                "deal": row[col["avg deal size"]] if "avg deal size" in col else None,
            }

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    won_by_month: dict[tuple[str, int], float] = defaultdict(float)
    won_total: dict[str, float] = defaultdict(float)
    rows = wb["Activity"].iter_rows(values_only=True)
    col = header_index(next(rows))
    i_date, i_rep, i_type, i_amount = col["date"], col["rep id"], col["type"], col["amount"]
    for row in rows:
        kind = TYPES.get(str(row[i_type] or "").strip().lower())
        if kind is None or not isinstance(row[i_date], (date, datetime)):
            continue
        rep = str(row[i_rep]).strip()
        counts[rep][kind] += 1
        if kind == "won" and row[i_amount] is not None:
            won_by_month[rep, row[i_date].month] += float(row[i_amount])
            won_total[rep] += float(row[i_amount])

    plan = wb.create_sheet("Plan")
    plan.append(["Rep ID", "Rep", "Month", "Target", "Actual", "Deals Needed",
                 "Leads Needed", "Meetings Needed"])
    weekly = wb.create_sheet("Weekly Plan")
    weekly.append(["Rep ID", "Rep", "Week Starting", "Target", "Deals Needed",
                   "Leads Needed"])
    mondays = [date(2025, 12, 29) + timedelta(weeks=n) for n in range(53)]
    for rep, name in reps.items():
        goal = goals.get(rep)
        if goal is None:
            continue
        seen = counts[rep]
        deal = goal["deal"] or (won_total[rep] / seen["won"] if seen["won"] else 1000.0)
        close_rate = seen["won"] / seen["lead"] if seen["lead"] >= 10 else 1 / 3
        per_lead = seen["meeting"] / seen["lead"] if seen["lead"] >= 10 else 1.0
        monthly = goal["target"] / 12
        for month in range(1, 13):
            deals = monthly / float(deal)
            leads = deals / close_rate if close_rate else 0
            plan.append([rep, name, f"2026-{month:02d}", round(monthly, 2),
                         round(won_by_month[rep, month], 2), math.ceil(deals),
                         math.ceil(leads), math.ceil(leads * per_lead)])
        week_target = goal["target"] / 52
        for monday in mondays:
            deals = week_target / float(deal)
            weekly.append([rep, name, monday, round(week_target, 2), math.ceil(deals),
                           math.ceil(deals / close_rate) if close_rate else 0])
    wb.save(output)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
