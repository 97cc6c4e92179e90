"""Small builders of validated input for the engine's tests (no workbook needed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from goalreport.core.model import DayActivity, Goal, Rep, Settings, WorkbookData


def rep(rep_id: str = "R1", **fields: Any) -> Rep:
    fields.setdefault("name", f"Rep {rep_id}")
    fields.setdefault("source", f"Reps row for {rep_id}")
    return Rep(rep_id=rep_id, **fields)


def goal(rep_id: str = "R1", year: int = 2026, new: str = "1000", repeat: str = "1000",
         ads: str | None = "100", **fields: Any) -> Goal:
    size = Decimal(ads) if ads is not None else None
    fields.setdefault("avg_new_deal_size", size)
    fields.setdefault("avg_repeat_deal_size", size)
    fields.setdefault("source", f"Goals row for {rep_id}")
    fields.setdefault("avg_deal_size_cell", f"Goals!F({rep_id})")
    return Goal(rep_id=rep_id, year=year, new_target=Decimal(new),
                repeat_target=Decimal(repeat), **fields)


def won(day: date, amount: str, kind: str = "new", rep_id: str = "R1") -> DayActivity:
    if kind == "new":
        return DayActivity(rep_id, day, won_new=1, won_new_amount=Decimal(amount))
    return DayActivity(rep_id, day, won_repeat=1, won_repeat_amount=Decimal(amount))


def data(reps: tuple[Rep, ...] = (), goals: tuple[Goal, ...] = (),
         activity: tuple[DayActivity, ...] = (), settings: Settings | None = None,
         **fields: Any) -> WorkbookData:
    ordered = tuple(sorted(activity, key=lambda a: (a.rep_id, a.day)))
    return WorkbookData(settings=settings or Settings(), reps=reps or (rep(),),
                        goals=goals or (goal(),), activity=ordered, **fields)
