"""The pipeline's part of the computed sheets (SPEC §4): the columns Progress and Team
Summary gain at their end, and the ``Pipeline by Month`` sheet. Pure, like ``sheets``.

Written only when the workbook has open deals: without them the sheets stay as they were.
The computed sheet is "Pipeline by Month" so that it never meets the input sheet
"Pipeline" (open deals typed by hand).
"""

from __future__ import annotations

from collections.abc import Sequence

from goalreport.core.pipelinedata import RepPipeline, TeamPipeline
from goalreport.core.results import RepResult
from goalreport.core.tables import Column, SheetTable

#: The computed sheet of open deals by month of close.
PIPELINE_BY_MONTH = "Pipeline by Month"

#: Progress gains these, after its other columns: the goal year's figures.
PROGRESS_PIPELINE_COLUMNS = (
    Column("Open Pipeline", "money"), Column("Weighted Pipeline", "money"),
    Column("Commit", "money"), Column("Best Case", "money"), Column("Landing", "money"),
    Column("Coverage", "ratio"), Column("Pipeline Needed", "money"),
)

#: Team Summary gains these, after its status counts.
TEAM_PIPELINE_COLUMNS = (
    Column("Landing", "money"), Column("Coverage", "ratio"),
    Column("Coverage Target", "ratio"),
)

PIPELINE_BY_MONTH_COLUMNS = (
    Column("Rep ID"), Column("Rep"), Column("Team"), Column("Month", "month"),
    Column("Deals", "integer"), Column("Open Pipeline", "money"),
    Column("Weighted Pipeline", "money"), Column("Commit", "money"),
    Column("Remaining Target", "money"), Column("Note"),
)

SLIPPED_NOTE = "slipped: close date before As Of, counted in no month"
OUTSIDE_NOTE = "outside the goal year: not in its coverage"


def has_pipeline(results: Sequence[RepResult]) -> bool:
    return any(result.pipeline is not None for result in results)


def progress_cells(pipeline: RepPipeline | None) -> tuple[object, ...]:
    """A Progress row's pipeline cells (blank without pipeline figures)."""
    if pipeline is None:
        return (None,) * len(PROGRESS_PIPELINE_COLUMNS)
    year = pipeline.year
    return (year.open, year.weighted, year.commit, year.best_case, year.landing,
            pipeline.coverage, pipeline.needed)


def team_cells(pipeline: TeamPipeline | None) -> tuple[object, ...]:
    if pipeline is None:
        return (None,) * len(TEAM_PIPELINE_COLUMNS)
    return (pipeline.year.landing, pipeline.coverage, pipeline.coverage_target)


def pipeline_by_month_table(results: Sequence[RepResult]) -> SheetTable:
    """Rep × month of close: open and weighted pipeline beside the month's remaining
    target; a rep's slipped deals first, on a row of their own without a month."""
    rows: list[tuple[object, ...]] = []
    for result in results:
        pipeline = result.pipeline
        if pipeline is None:
            continue
        rep = result.rep
        if pipeline.slipped:
            rows.append((rep.rep_id, rep.name, rep.team, None, len(pipeline.slipped),
                         pipeline.slipped_amount, None, None, None, SLIPPED_NOTE))
        for month in pipeline.months:
            rows.append((rep.rep_id, rep.name, rep.team, month.month, month.deals, month.open,
                         month.weighted, month.commit, month.remaining_target,
                         OUTSIDE_NOTE if month.remaining_target is None else ""))
    return SheetTable(PIPELINE_BY_MONTH, PIPELINE_BY_MONTH_COLUMNS, tuple(rows))
