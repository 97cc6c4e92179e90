"""What the team summary shows of the roll-ups (``core.rollup``), formatted (pure).

One table per dimension present (regions, territories, segments) and the manager tree
(each manager indented below whom they report to), each node with its reps, target,
actual, plan to date, attainment, pace, forecast, status mix and, when the workbook has
open deals, landing and coverage (its reps' pipeline summed). A section where some node
has its own quota shows, beside the target it is measured against, the reps'
targets and the difference in words ("$8,300 over-assigned"), so neither is picked
silently. The top dimension is also drawn as attainment bars, as the ranking draws reps.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from goalreport.core.formatting import Formatter
from goalreport.core.model import STATUSES, Dimension, Settings
from goalreport.core.progress import status_of
from goalreport.core.results import Computation, GroupTotals, RollUp
from goalreport.core.rollup import TITLES, node_rank_key, top_rows
from goalreport.reports.context import bar_width, status_class
from goalreport.reports.pipeline_context import coverage_words

#: Section headings.
HEADINGS: dict[Dimension, str] = {"team": "Teams", "territory": "Territories",
                                  "region": "Regions", "segment": "Segments",
                                  "manager": "Managers"}
#: Indentation of the tree, per level below the top.
INDENT_MM = 3.5


def difference_text(difference: Decimal | None, fmt: Formatter) -> str:
    """Reps' targets − own quota in words: "$8,300 over" (over-assigned: the reps carry
    more than the quota) or "under"."""
    if difference is None:
        return fmt.BLANK
    if difference == 0:
        return "matched"
    word = "over" if difference > 0 else "under"
    return f"{fmt.money_whole(abs(difference))} {word}"


def node_row(row: GroupTotals, settings: Settings, fmt: Formatter) -> dict[str, Any]:
    """One node's figures as the tables show them."""
    status = status_of(row.attainment, row.pace, settings)
    return {
        "name": row.name, "reps": fmt.count(row.reps),
        "target": fmt.money_whole(row.annual_target),
        "own_quota": row.own_quota is not None,
        "own_quota_text": fmt.money_whole(row.own_quota),
        "reps_target": fmt.money_whole(row.reps_target),
        "difference": difference_text(row.difference, fmt),
        "actual": fmt.money_whole(row.actual), "expected": fmt.money_whole(row.expected_to_date),
        "attainment": fmt.percent(row.attainment), "pace": fmt.percent(row.pace),
        "forecast": fmt.money_whole(row.forecast),
        "counts": [fmt.count(row.status_counts.get(s, 0)) for s in STATUSES],
        "status": status, "status_class": status_class(status),
        "bar_width": bar_width(row.attainment),
        **_pipeline_cells(row, fmt),
    }


def _pipeline_cells(row: GroupTotals, fmt: Formatter) -> dict[str, str]:
    """Landing and coverage (the node's reps' pipeline summed, as a team's); "no deals"
    rather than 0.0× where none of its reps has an open deal in the goal year, as the
    coverage ranking says of a rep; blank without pipeline."""
    pipeline = row.pipeline
    if pipeline is None:
        return {"landing": fmt.BLANK, "coverage": fmt.BLANK}
    return {"landing": fmt.money_whole(pipeline.year.landing),
            "coverage": coverage_words(pipeline.coverage, pipeline.year.deals, fmt)}


def _section(section: RollUp, computation: Computation, settings: Settings,
             fmt: Formatter) -> dict[str, Any]:
    rows = []
    for row in section.rows:
        shown = node_row(row, settings, fmt)
        manager = computation.org.by_key.get(row.key) if section.dimension == "manager" \
            else None
        shown["id"] = manager.manager_id if manager else ""
        shown["note"] = manager.territory if manager else ""
        shown["indent"] = f"{INDENT_MM * max(row.depth - 1, 0):.1f}mm"
        rows.append(shown)
    return {"dimension": section.dimension, "heading": HEADINGS[section.dimension],
            "column": TITLES[section.dimension], "tree": section.dimension == "manager",
            "has_quota": any(row.own_quota is not None for row in section.rows),
            "pipeline": any(row.pipeline is not None for row in section.rows),
            "rows": rows}


def rollup_context(computation: Computation, settings: Settings, fmt: Formatter
                   ) -> dict[str, Any]:
    """``sections`` (one per roll-up) and ``top`` (the top dimension's attainment bars,
    best first; None for teams, which have their own table, or fewer than two nodes)."""
    dimension, nodes = top_rows(computation)
    nodes.sort(key=node_rank_key)
    top = {"heading": f"Attainment by {TITLES[dimension].lower()}",
           "column": TITLES[dimension],
           "rows": [node_row(node, settings, fmt) for node in nodes]} \
        if dimension != "team" and len(nodes) > 1 else None
    return {"sections": [_section(s, computation, settings, fmt)
                         for s in computation.sections],
            "top": top}
