"""Small workbooks whose Goals sheet is a quota table in one of the shapes managers keep,
and the plans goalreport makes of them.

``book`` writes Reps, Goals, Activity, Settings and optional sheets with xlsxwriter, which
saves a formula's result with it (as Excel does), so a Goals cell may be a formula read
through its saved value: pass ``Formula("=B2*1.05", 1050)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from goalreport.core.engine import compute
from goalreport.core.results import Computation
from goalreport.errors import Problem
from goalreport.workbook.reader import read_for_check

#: Working days of 2026, Monday to Friday, no holidays: Jan 22, Feb 20, Mar 22, Apr 22,
#: May 21, Jun 22, Jul 23, Aug 21, Sep 22, Oct 22, Nov 21, Dec 23 (261 in all).
DAYS_2026 = (22, 20, 22, 22, 21, 22, 23, 21, 22, 22, 21, 23)


@dataclass(frozen=True)
class Formula:
    """A formula cell and the value a spreadsheet program saved with it."""

    formula: str
    value: Any


def book(path: Path, goals: Sequence[Sequence[Any]], *, reps: Sequence[Sequence[Any]] | None = None,
         settings: Mapping[str, Any] | None = None, activity: Sequence[Sequence[Any]] = (),
         extra: Mapping[str, Sequence[Sequence[Any]]] | None = None) -> Path:
    """Write the workbook. ``reps``: rows under Rep ID, Name (default: one per rep named
    in the Goals' first column); ``settings``: name → value (As Of …)."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False,
                                               "strings_to_formulas": False})
    dated = workbook.add_format({"num_format": "yyyy-mm-dd"})
    if reps is None:
        names = dict.fromkeys(str(row[0]) for row in goals[1:] if row and row[0] is not None)
        reps = [["Rep ID", "Name"], *([rep, f"Rep {rep}"] for rep in names)]
    sheets: dict[str, Sequence[Sequence[Any]]] = {
        "Reps": reps, "Goals": goals,
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"], *activity],
        "Settings": [["Setting", "Value"], *([k, v] for k, v in (settings or {}).items())],
        **(extra or {})}
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                _write(sheet, r, c, value, dated)
    workbook.close()
    return path


def _write(sheet: Any, r: int, c: int, value: Any, dated: Any) -> None:
    if value is None:
        return
    if isinstance(value, Formula):
        sheet.write_formula(r, c, value.formula, None, value.value)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(r, c, value if isinstance(value, dt.datetime)
                             else dt.datetime.combine(value, dt.time()), dated)
    elif isinstance(value, bool):
        sheet.write_boolean(r, c, value)
    elif isinstance(value, int | float | Decimal):
        sheet.write_number(r, c, float(value))
    else:
        sheet.write_string(r, c, str(value))


def read(path: Path) -> tuple[Any, list[Problem], list[Problem]]:
    """(data, problems, warnings) as ``check`` reads the workbook."""
    data, problems, warnings = read_for_check(path)
    return data, list(problems), list(warnings)


def plan_of(path: Path, as_of: dt.date) -> Computation:
    """The computation of a workbook that has no input problem (asserted)."""
    data, problems, _warnings = read(path)
    assert problems == [], [str(p) for p in problems]
    return compute(data, as_of=as_of)


def months(computation: Computation, rep_id: str) -> list[Decimal]:
    """The rep's twelve monthly total targets."""
    result = next(r for r in computation.results if r.rep.rep_id == rep_id)
    return [m.total_target for m in result.plan.months]


def money(*values: str | int) -> list[Decimal]:
    return [Decimal(str(v)).quantize(Decimal("0.01")) for v in values]
