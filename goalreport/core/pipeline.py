"""Pipeline, landing and coverage (SPEC §3 Pipeline): what a rep's open deals say about
the rest of the year. Pure: deals, the plan and the progress in, ``RepPipeline`` out.

The rules, each a choice written down in the contract and docs/reports.md:

- A deal's **probability** is its own, else its stage's (the Stages sheet), else the
  rep's close rate (the plan's assumption); its **forecast category** its own, else its
  stage's, else Pipeline. Omitted deals are left out of every figure.
- A deal whose close date is before As Of has **slipped**: it is in its own bucket and
  counts for no period or month. A deal closing outside the goal year counts for no
  period either (and so not for coverage), only for its month of close.
- For each period (the report month, its fiscal quarter, the goal year): the money
  **won** in it up to As Of, and the open deals closing from As Of to its end: their
  amounts (open pipeline), Σ amount × probability (weighted), and the categories
  rolled up cumulatively as Salesforce shows them: Commit = won + Commit deals; Best
  Case = Commit + Most Likely and Best Case deals; the open pipeline is every open deal.
  **Landing** = won + commit, or won + weighted (Settings' Landing).
- **Coverage** = open pipeline closing by the year end ÷ the target still to win, against
  a **coverage target** of 1 ÷ the close rate unless Settings give one; **pipeline
  needed** = max(0, coverage target × still to win − that pipeline), in leads at the
  plan's average deal size (annual target ÷ deals the plan needs) and in the deals those
  leads win at the close rate.
- **Rounding**: a deal's weighted amount is its amount × probability rounded half up to
  the cent, and every weighted figure is a sum of those; ``required`` is rounded half up
  once. So months add up to their period, and reps to their team, to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from goalreport.core.calendar import add_months, month_end
from goalreport.core.keys import stage_key
from goalreport.core.model import ForecastCategory, OpenDeal, Settings, StageDefaults
from goalreport.core.money import cents_to_money, money, round_half_up, to_cents
from goalreport.core.pipelinedata import (
    MonthPipeline,
    PeriodName,
    PipelinePeriod,
    RepPipeline,
    SlippedDeal,
    TeamPipeline,
)
from goalreport.core.results import Progress, RepPlan
from goalreport.errors import Problem

#: Probability sources, in the order ``check`` names them.
SOURCES = ("own", "stage", "close rate")
#: Categories that count in Commit, and in Best Case (cumulative, as Salesforce shows).
COMMIT: frozenset[ForecastCategory] = frozenset({"commit"})
BEST_CASE: frozenset[ForecastCategory] = frozenset({"commit", "most likely", "best case"})


@dataclass(frozen=True)
class PricedDeal:
    """An open deal with what it counts for: category, probability and its source, and
    its amount and weighted amount in cents."""

    deal: OpenDeal
    category: ForecastCategory
    probability: Fraction
    source: str
    cents: int
    weighted: int


def price(deal: OpenDeal, stages: Mapping[str, StageDefaults], close_rate: Fraction
          ) -> PricedDeal:
    """``deal`` with its probability (own, else stage, else ``close_rate``) and category
    (own, else stage, else pipeline)."""
    stage = stages.get(stage_key(deal.stage)) if deal.stage else None
    if deal.probability is not None:
        probability, source = deal.probability, "own"
    elif stage is not None and stage.probability is not None:
        probability, source = stage.probability, "stage"
    else:
        probability, source = close_rate, "close rate"
    category: ForecastCategory = deal.category or (
        stage.category if stage is not None and stage.category else "pipeline")
    cents = to_cents(deal.amount)
    return PricedDeal(deal, category, probability, source, cents,
                      round_half_up(cents * probability))


@dataclass(frozen=True)
class _Window:
    name: PeriodName
    start: date
    end: date


def periods(report_month: date, year_start: date, year_end: date) -> tuple[_Window, ...]:
    """The report month, the fiscal quarter holding it (quarters counted from the goal
    year's first month) and the goal year."""
    months = (report_month.year - year_start.year) * 12 + report_month.month - year_start.month
    quarter = add_months(year_start, months // 3 * 3)
    return (_Window("month", report_month, month_end(report_month)),
            _Window("quarter", quarter, month_end(add_months(quarter, 2))),
            _Window("year", year_start, year_end))


def _sum(cents: Iterable[int]) -> Decimal:
    return cents_to_money(sum(cents))


def rep_pipeline(plan: RepPlan, progress: Progress, deals: Sequence[OpenDeal],
                 stages: Mapping[str, StageDefaults], settings: Settings, as_of: date,
                 report_month: date) -> RepPipeline:
    """One rep's pipeline figures as of ``as_of`` from ``deals`` (the rep's open deals)."""
    close_rate = plan.close_rate.value
    priced = [price(deal, stages, close_rate) for deal in deals]
    sources = dict.fromkeys(SOURCES, 0)
    for deal in priced:
        sources[deal.source] += 1
    counted = [d for d in priced if d.category != "omitted"]
    omitted = [d for d in priced if d.category == "omitted"]
    slipped = [d for d in counted if d.deal.close_date < as_of]
    first_day = max(as_of, plan.year_start)
    in_year = [d for d in counted if first_day <= d.deal.close_date <= plan.year_end]
    outside = [d for d in counted if d.deal.close_date >= as_of
               and not first_day <= d.deal.close_date <= plan.year_end]

    won_by_month = {m.month: m.new_actual + m.repeat_actual for m in progress.months}
    overlay_by_month = _by_month(progress.overlay_cumulative)
    target_by_month = {m.month: m.total_target for m in plan.months}
    found = []
    overlay_won = []
    for window in periods(report_month, plan.year_start, plan.year_end):
        inside = [d for d in in_year if max(first_day, window.start) <= d.deal.close_date
                  <= window.end]
        target = sum((t for m, t in target_by_month.items() if window.start <= m <= window.end),
                     Decimal("0.00"))
        won = sum((w for m, w in won_by_month.items() if window.start <= m <= window.end),
                  Decimal("0.00"))
        overlay_won.append(sum((w for m, w in overlay_by_month.items()
                                if window.start <= m <= window.end), Decimal("0.00")))
        weighted = _sum(d.weighted for d in inside)
        commit = won + _sum(d.cents for d in inside if d.category in COMMIT)
        best_case = won + _sum(d.cents for d in inside if d.category in BEST_CASE)
        landing = won + (weighted if settings.landing == "weighted" else commit - won)
        found.append(PipelinePeriod(
            window.name, window.start, window.end, target, won, len(inside),
            _sum(d.cents for d in inside), weighted, commit, best_case, landing))
    year = found[-1]

    to_win = progress.gap
    given = settings.coverage_target
    coverage_target = given if given is not None else 1 / close_rate
    required = money(Fraction(to_win) * coverage_target)
    needed = max(required - year.open, Decimal("0.00"))
    deals_planned = plan.annual_objectives.deals
    leads = (Fraction(needed) * deals_planned / Fraction(plan.annual_target)
             if deals_planned and plan.annual_target else None)
    return RepPipeline(
        periods=tuple(found), to_win=to_win,
        coverage=Fraction(year.open) / Fraction(to_win) if to_win else None,
        coverage_target=coverage_target,
        coverage_target_source="settings" if given is not None else "close rate",
        required=required, needed=needed, needed_leads=leads,
        needed_deals=leads * close_rate if leads is not None else None,
        slipped=tuple(SlippedDeal(d.deal.name, d.deal.stage, d.deal.amount,
                                  d.deal.close_date, d.deal.where)
                      for d in sorted(slipped, key=lambda d: (-d.cents, d.deal.close_date))),
        slipped_amount=_sum(d.cents for d in slipped),
        outside=len(outside), outside_amount=_sum(d.cents for d in outside),
        omitted=len(omitted), omitted_amount=_sum(d.cents for d in omitted),
        months=_months(plan, as_of, in_year + outside, target_by_month, won_by_month),
        sources=sources, overlay_won=tuple(overlay_won) if any(overlay_won) else ())


def _by_month(cumulative: Sequence[tuple[date, Decimal]]) -> dict[date, Decimal]:
    """First day of each month → what a cumulative series at month ends (and As Of) adds
    in it."""
    found: dict[date, Decimal] = {}
    before = Decimal("0.00")
    for day, value in cumulative:
        month = day.replace(day=1)
        found[month] = found.get(month, Decimal("0.00")) + value - before
        before = value
    return found


def _months(plan: RepPlan, as_of: date, deals: Sequence[PricedDeal],
            targets: Mapping[date, Decimal], won: Mapping[date, Decimal]
            ) -> tuple[MonthPipeline, ...]:
    """Rows by month of close: the goal year's months from As Of's on (their remaining
    target beside them), and any other month a deal closes in."""
    by_month: dict[date, list[PricedDeal]] = {}
    for deal in deals:
        by_month.setdefault(deal.deal.close_date.replace(day=1), []).append(deal)
    shown = {m.month for m in plan.months if month_end(m.month) >= as_of} | set(by_month)
    rows = []
    for month in sorted(shown):
        inside = by_month.get(month, [])
        remaining = (max(targets[month] - won.get(month, Decimal(0)), Decimal("0.00"))
                     if month in targets else None)
        rows.append(MonthPipeline(
            month, len(inside), _sum(d.cents for d in inside),
            _sum(d.weighted for d in inside),
            _sum(d.cents for d in inside if d.category in COMMIT), remaining))
    return tuple(rows)


def team_pipeline(pipelines: Sequence[RepPipeline]) -> TeamPipeline | None:
    """The sums of the reps' pipeline money (None for none); the team's coverage and
    coverage target come from these sums (``TeamPipeline``)."""
    if not pipelines:
        return None
    zero = Decimal("0.00")

    def total(index: int, name: str) -> Decimal:
        summed = sum((getattr(p.periods[index], name) for p in pipelines), zero)
        if name in ("won", "commit", "best_case", "landing"):  # each deal once: no overlay
            summed -= sum((p.overlay_won[index] for p in pipelines if p.overlay_won), zero)
        return summed

    summed = tuple(
        PipelinePeriod(
            period.name, period.start, period.end, total(i, "target"), total(i, "won"),
            sum(p.periods[i].deals for p in pipelines), total(i, "open"),
            total(i, "weighted"), total(i, "commit"), total(i, "best_case"),
            total(i, "landing"))
        for i, period in enumerate(pipelines[0].periods))
    return TeamPipeline(
        periods=summed, to_win=sum((p.to_win for p in pipelines), zero),
        required=sum((p.required for p in pipelines), zero),
        needed=sum((p.needed for p in pipelines), zero),
        slipped=sum(len(p.slipped) for p in pipelines),
        slipped_amount=sum((p.slipped_amount for p in pipelines), zero))


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def pipeline_note(deals: Sequence[OpenDeal], pipelines: Sequence[RepPipeline],
                  as_of: date) -> Problem:
    """``check``'s line about the open deals of the reps computed: where they came from,
    where each probability came from, and what was left out of the periods."""
    origins: dict[str, int] = {}
    for deal in deals:
        origins[deal.source] = origins.get(deal.source, 0) + 1
    read = ", ".join(f"{count} from {source}" for source, count in origins.items())
    sources = {name: sum(p.sources[name] for p in pipelines) for name in SOURCES}
    words = {"own": "their own", "stage": "their stage's (Stages sheet)",
             "close rate": "the rep's close rate"}
    said = ", ".join(f"{words[name]} for {count}" for name, count in sources.items() if count)
    text = f"{_plural(len(deals), 'open deal')} ({read or 'none'})"
    if said:
        text += f"; probability: {said}"
    slipped = sum(len(p.slipped) for p in pipelines)
    outside = sum(p.outside for p in pipelines)
    omitted = sum(p.omitted for p in pipelines)
    if slipped:
        text += (f"; {slipped} slipped (close date before As Of {as_of.isoformat()}), "
                 "counted apart")
    if outside:
        text += f"; {outside} closing outside the goal year, not in its coverage"
    if omitted:
        text += f"; {omitted} omitted from the forecast, left out"
    return Problem("Pipeline", text + ".", "info")
