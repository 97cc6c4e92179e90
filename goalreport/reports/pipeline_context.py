"""What the reports say about the pipeline, formatted ahead of time (pure, no I/O).

A rep's report gets ``pipeline`` (None without open deals in the workbook: then the
report says nothing about pipeline, never "0× coverage"): landing against target for the
report month, its quarter and the goal year, coverage against its target with what is
needed ("$175,000 more pipeline: about 3.7 deals from 11 leads at your rates"), the
largest slipped deals, and per month the weighted pipeline the monthly chart stacks on
the actual bars. The team summary gets ``pipeline`` with the team's landing and coverage
and the reps ranked by coverage beside their attainment.

Words for the edges: a rep who reached the goal has nothing to cover; a rep without
open deals in the goal year is told so with what is needed, not given a ratio of 0.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.formatting import Formatter
from goalreport.core.model import Settings
from goalreport.core.monthweeks import shown_count
from goalreport.core.pipelinedata import PipelinePeriod, RepPipeline
from goalreport.core.results import Computation, RepResult
from goalreport.core.team import natural_key

#: Slipped deals named on a rep's report, largest first; the rest are counted.
TOP_SLIPPED = 2
#: A deal name longer than this is shortened on the report.
DEAL_NAME = 28
LANDING_WORDS = {"commit": "won + commit", "weighted": "won + weighted pipeline"}


def multiple(value: Fraction | None, fmt: Formatter) -> str:
    """A coverage as a multiple: ``2.1×`` (``2,1×`` in de); a little pipeline that would
    round to 0.0 reads ``< 0.1×``, since 0.0× would say there is none."""
    if value is None:
        return fmt.BLANK
    if 0 < value < Fraction(1, 20):
        return f"< {fmt.rate(Fraction(1, 10))}×"
    return f"{fmt.rate(value)}×"


def coverage_words(coverage: Fraction | None, deals: int, fmt: Formatter) -> str:
    """A rep's or a node's coverage in a table cell: "goal reached" when nothing is left
    to win, "no deals" rather than 0.0× without an open deal in the goal year."""
    if coverage is None:
        return "goal reached"
    return "no deals" if deals == 0 else multiple(coverage, fmt)


def _shorten(text: str, limit: int = DEAL_NAME) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _period_label(period: PipelinePeriod, year_start: date, fmt: Formatter) -> str:
    """'Jul 2026', 'Q3' (the goal year's quarters), 'Year'."""
    if period.name == "month":
        return fmt.month_year_short(period.start)
    if period.name == "quarter":
        number = ((period.start.year - year_start.year) * 12
                  + period.start.month - year_start.month) // 3 + 1
        return f"Q{number}"
    return "Year"


def _period_row(period: PipelinePeriod, year_start: date, fmt: Formatter) -> dict[str, str]:
    gap = period.landing_gap
    return {
        "label": _period_label(period, year_start, fmt),
        "target": fmt.money_whole(period.target), "won": fmt.money_whole(period.won),
        "commit": fmt.money_whole(period.commit), "best_case": fmt.money_whole(period.best_case),
        "open": fmt.money_whole(period.open), "weighted": fmt.money_whole(period.weighted),
        "landing": fmt.money_whole(period.landing),
        "gap": fmt.money_whole(gap) if gap > 0 else "met",
    }


def coverage_sentence(pipeline: RepPipeline, year_end: date, fmt: Formatter) -> str:
    """Coverage against its target and what is needed, in the rep's words."""
    if pipeline.coverage is None:
        return "Goal reached: every open deal is extra."
    target = multiple(pipeline.coverage_target, fmt)
    why = " (1 ÷ your close rate)" if pipeline.coverage_target_source == "close rate" else ""
    if pipeline.year.deals == 0:
        said = f"No open deals close by {fmt.date(year_end)}, against a coverage of {target}{why}"
    else:
        said = (f"Coverage {multiple(pipeline.coverage, fmt)}: "
                f"{fmt.money_whole(pipeline.year.open)} of open deals closing by "
                f"{fmt.date(year_end)} for {fmt.money_whole(pipeline.to_win)} still to win, "
                f"against {target}{why}")
    if pipeline.needed <= 0:
        return said + ": enough pipeline to reach the goal."
    return f"{said}. {needed_sentence(pipeline, fmt)}"


def needed_sentence(pipeline: RepPipeline, fmt: Formatter) -> str:
    """'$175,000 more pipeline: about 3.7 deals from 11 leads at your rates.'"""
    text = f"{fmt.money_whole(pipeline.needed)} more pipeline"
    if pipeline.needed_leads is None or pipeline.needed_deals is None:
        return text + " is needed."
    deals = fmt.count_of(shown_count(pipeline.needed_deals), "deal")
    leads = fmt.count_of(shown_count(pipeline.needed_leads), "lead")
    return f"{text}: about {deals} from {leads} at your rates."


def slipped_sentence(pipeline: RepPipeline, fmt: Formatter) -> str:
    """'Slipped (close date passed): 4 deals, $95,750 — Globex $40,000 (Sep 30, 2026); …'."""
    slipped = pipeline.slipped
    if not slipped:
        return ""
    count = len(slipped)
    named = "; ".join(
        f"{_shorten(deal.name or deal.stage or 'a deal')} {fmt.money_whole(deal.amount)} "
        f"({fmt.date(deal.close_date)})" for deal in slipped[:TOP_SLIPPED])
    more = f"; {count - TOP_SLIPPED} more" if count > TOP_SLIPPED else ""
    return (f"Slipped (close date passed, counted in no month): {count} deal"
            f"{'' if count == 1 else 's'}, {fmt.money_whole(pipeline.slipped_amount)} — "
            f"{named}{more}. Update their close dates or close them.")


def rep_pipeline_context(result: RepResult, settings: Settings, fmt: Formatter
                         ) -> dict[str, Any] | None:
    """The pipeline section of a rep's report; None when the workbook has no open deals."""
    pipeline = result.pipeline
    if pipeline is None:
        return None
    plan, progress, year = result.plan, result.progress, pipeline.year
    gap = year.landing_gap
    landing = (f"Landing {fmt.money_whole(year.landing)} ({LANDING_WORDS[settings.landing]}; "
               f"run rate {fmt.money_whole(progress.forecast)}) against the "
               f"{fmt.money_whole(year.target)} target: "
               + (f"{fmt.money_whole(gap)} short." if gap > 0 else
                  f"{fmt.money_whole(-gap)} beyond it." if gap < 0 else "on target."))
    periods = [_period_row(period, plan.year_start, fmt) for period in pipeline.periods]
    return {
        "landing": landing,
        # Amounts of 10 characters and more ($10,617,296) take a smaller size to fit.
        "long": max(len(value) for row in periods for value in row.values()) > 9,
        "coverage": coverage_sentence(pipeline, plan.year_end, fmt),
        "slipped": slipped_sentence(pipeline, fmt),
        "outside": (f"{pipeline.outside} open deal{'' if pipeline.outside == 1 else 's'} "
                    f"({fmt.money_whole(pipeline.outside_amount)}) "
                    f"close{'s' if pipeline.outside == 1 else ''} outside the goal year: "
                    "not counted here." if pipeline.outside else ""),
        "periods": periods,
        "landing_kind": LANDING_WORDS[settings.landing],
        "chart_pipeline": {m.month: m.weighted for m in pipeline.months
                           if m.remaining_target is not None},
    }


def coverage_rank_key(result: RepResult) -> tuple[int, Fraction, tuple[tuple[int, int | str], ...]]:
    """Reps by coverage, best first: those who reached their goal (nothing to cover), then
    the highest coverage; ties by name in natural order."""
    pipeline = result.pipeline
    coverage = pipeline.coverage if pipeline is not None else None
    return (0 if coverage is None else 1, -(coverage or Fraction(0)),
            natural_key(result.rep.name))


def team_pipeline_context(computation: Computation, fmt: Formatter, settings: Settings
                          ) -> dict[str, Any] | None:
    """The team summary's pipeline: the whole team's landing and coverage, and the reps
    ranked by coverage beside their attainment; None without open deals."""
    total = computation.team[-1].pipeline if computation.team else None
    if total is None:
        return None
    year = total.year
    rows = []
    ranked = sorted((r for r in computation.results if r.pipeline is not None),
                    key=coverage_rank_key)
    for rank, result in enumerate(ranked, start=1):
        pipeline = result.pipeline
        assert pipeline is not None
        rows.append({
            "rank": str(rank), "id": result.rep.rep_id, "name": result.rep.name,
            "team": result.rep.team,
            "attainment": fmt.percent(result.progress.attainment),
            "coverage": coverage_words(pipeline.coverage, pipeline.year.deals, fmt),
            "coverage_target": multiple(pipeline.coverage_target, fmt),
            "short": pipeline.coverage is not None and pipeline.needed > 0,
            "landing": fmt.money_whole(pipeline.year.landing),
            "landing_share": fmt.percent(_share(pipeline.year.landing, pipeline.year.target)),
            "needed": fmt.money_whole(pipeline.needed) if pipeline.needed else "—",
            "slipped": fmt.money_whole(pipeline.slipped_amount) if pipeline.slipped else "—",
        })
    return {
        "landing": fmt.money_whole(year.landing),
        "landing_share": fmt.percent(_share(year.landing, year.target)),
        "landing_kind": LANDING_WORDS[settings.landing],
        "coverage": multiple(total.coverage, fmt) if total.coverage is not None
        else "goal reached",
        "coverage_target": multiple(total.coverage_target, fmt),
        "needed": fmt.money_whole(total.needed),
        "open": fmt.money_whole(year.open), "weighted": fmt.money_whole(year.weighted),
        "slipped": fmt.money_whole(total.slipped_amount) if total.slipped else "",
        "slipped_count": str(total.slipped),
        "reps": rows,
    }


def _share(part: Decimal, whole: Decimal) -> Fraction | None:
    return Fraction(part) / Fraction(whole) if whole else None
