"""What Team Summary's two charts draw, as data blocks on the sheet and chart specs.

Pure: the blocks are ordinary cells below the Team Summary table (outside its filter and
total row, so SPEC §4's columns are unchanged), and the charts refer to those cells, so a
manager who edits a number there sees the chart follow. The writer decides where the
blocks and charts go and how they look (``writeback/chartxml.py``).

- **Attainment by rep**, ranked like the team report (best first, ties by name), each
  bar coloured by the rep's status, with a 100 % goal line. With more than
  ``MAX_REP_BARS`` reps the bars would be unreadable, so it is by the **top dimension**
  instead (region, else territory, segment, team: ``rollup.top_dimension``), a node's
  status following its summed pace as a rep's does.
- **Team cumulative actual against plan** by month of the goal year: the plan summed
  over reps at each month end, the actual at each month end up to As Of (the As Of
  month shows the actual at As Of; later months are blank so the line stops there), and
  an "As Of" marker on that point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.model import Settings
from goalreport.core.phrases import Day, Month, Phrase, Say
from goalreport.core.progress import status_of
from goalreport.core.results import Computation
from goalreport.core.rollup import TITLES, node_rank_key, top_rows
from goalreport.core.tables import Chart, ChartSeries, Column, SheetBlock
from goalreport.core.team import rank_key, team_series

#: Above this many active reps, the attainment chart shows teams instead of reps.
MAX_REP_BARS = 40
#: The goal line's value: 100 % of the annual target.
GOAL = Fraction(1)
_NOTE = "chart data, rewritten by goalreport each run"

_ATTAINMENT_COLUMNS = (Column("Attainment", "percent"), Column("Status", "status"),
                       Column("Goal (100 %)", "percent"))


def attainment_block(computation: Computation, settings: Settings) -> SheetBlock:
    """One row per rep (or per node of the top dimension above ``MAX_REP_BARS`` reps),
    ranked by attainment: name, attainment, status, the 100 % goal."""
    results = computation.results
    if len(results) <= MAX_REP_BARS:
        ranked = sorted(results, key=rank_key)
        rows = tuple((r.rep.name, r.progress.attainment, r.progress.status, GOAL)
                     for r in ranked)
        return SheetBlock(f"Attainment by rep ({_NOTE})",
                          (Column("Rep"), *_ATTAINMENT_COLUMNS), rows)
    dimension, nodes = top_rows(computation)
    nodes.sort(key=node_rank_key)
    rows = tuple((t.name, t.attainment, status_of(t.attainment, t.pace, settings), GOAL)
                 for t in nodes)
    title = TITLES[dimension]
    return SheetBlock(f"Attainment by {title.lower()} ({_NOTE})",
                      (Column(title), *_ATTAINMENT_COLUMNS), rows)



def cumulative_block(computation: Computation, say: Say = str) -> SheetBlock:
    """One row per month of the goal year: the month (a real date, its first day, shown
    as month and year like Plan's Month), cumulative plan, cumulative actual up to As Of,
    and the As Of marker (the actual at As Of, in its month's row only)."""
    as_of = computation.as_of
    plan: dict[date, Decimal] = {}
    for day, value in team_series(computation.results, "cumulative_plan"):
        plan[day.replace(day=1)] = value  # the year end may repeat the last month end
    actual: dict[date, Decimal] = {}
    for day, value in team_series(computation.results, "rollup_cumulative_actual"):
        if day <= as_of:
            actual[day.replace(day=1)] = value
    marker_month = as_of.replace(day=1)
    rows = tuple(
        (month, value, actual.get(month),
         actual.get(month) if month == marker_month else None)
        for month, value in plan.items())
    columns = (Column("Month", "month"), Column("Plan (cumulative)", "money"),
               Column("Actual (cumulative)", "money"),
               Column(say(Phrase.of("As Of {as_of}", as_of=Day(as_of))), "money"))
    return SheetBlock(f"Team cumulative actual against plan ({_NOTE})", columns, rows)


def team_summary_charts(computation: Computation, settings: Settings, say: Say = str
                        ) -> tuple[tuple[SheetBlock, ...], tuple[Chart, ...]]:
    """The blocks and charts of Team Summary (none when there is no active rep); ``say``
    writes the As Of date of the titles in the workbook's Locale (plain ISO by default)."""
    if not computation.results:
        return (), ()
    bars = attainment_block(computation, settings)
    line = cumulative_block(computation, say)
    as_of = Day(computation.as_of)
    by = bars.columns[0].name.lower()
    charts: Sequence[Chart] = (
        Chart("bar", say(Phrase.of("Attainment by {by}, as of {as_of}", by=by, as_of=as_of)),
              0, 0,
              (ChartSeries(1, "value"), ChartSeries(3, "goal")), status_column=2),
        Chart("line", say(Phrase.of("Team cumulative actual against plan, as of {as_of}",
                                    as_of=as_of)), 1, 0,
              (ChartSeries(1, "plan"), ChartSeries(2, "actual"), ChartSeries(3, "marker")),
              category_labels=tuple(say(Phrase.of("{month}", month=Month(row[0])))
                                    for row in line.rows)),
    )
    return (bars, line), tuple(charts)
