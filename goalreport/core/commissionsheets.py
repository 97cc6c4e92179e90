"""Commission's part of the computed sheets (SPEC §4): the columns Progress gains at its
end, after the pipeline's. Pure, like ``sheets``.

Written only when some rep computed has a commission plan: a workbook without a
Commission sheet (or whose reps name no plan) keeps the sheets as they were. A rep
without a plan has the columns empty. Commission at Landing comes with open deals only.
"""

from __future__ import annotations

from collections.abc import Sequence

from goalreport.core.commission import RepCommission
from goalreport.core.results import RepResult
from goalreport.core.tables import Column

COMMISSION_COLUMNS = (
    Column("Commission Plan"), Column("Commission Earned", "money"),
    Column("Commission Rate", "rate"), Column("To Next Tier", "money"),
    Column("Next Tier Rate", "rate"), Column("Next Tier Bonus", "money"),
    Column("Commission at Forecast", "money"),
)
LANDING_COLUMN = Column("Commission at Landing", "money")


def has_commission(results: Sequence[RepResult]) -> bool:
    return any(result.commission is not None for result in results)


def commission_columns(pipeline: bool) -> tuple[Column, ...]:
    """Progress' commission columns; Commission at Landing with open deals (``pipeline``)."""
    return COMMISSION_COLUMNS + ((LANDING_COLUMN,) if pipeline else ())


def commission_cells(commission: RepCommission | None, pipeline: bool) -> tuple[object, ...]:
    """A Progress row's commission cells: empty for a rep without a plan. To Next Tier and
    the next tier's rate and bonus are empty in the top band and at the cap."""
    width = len(commission_columns(pipeline))
    if commission is None:
        return (None,) * width
    tier = commission.next_tier
    cells: tuple[object, ...] = (
        commission.plan.name, commission.earned, commission.rate,
        tier.to_win if tier else None, tier.band.rate if tier else None,
        tier.band.bonus if tier else None, commission.at_forecast.amount)
    if pipeline:
        cells += (commission.at_landing.amount if commission.at_landing else None,)
    return cells
