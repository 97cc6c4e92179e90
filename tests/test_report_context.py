"""The report contexts: every figure a rep reads, formatted for the workbook's locale.

Values come from the hand-built results in ``report_fixtures`` (Ana Lima: target
$120,000 new + $60,000 repeat, actual $98,765.40 + $40,000, expected $150,000).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import report_fixtures as fx

from goalreport.core.formatting import Formatter
from goalreport.core.results import Assumption
from goalreport.core.team import team_series
from goalreport.reports.context import rep_context
from goalreport.reports.team_context import team_context


@pytest.fixture
def ana_context() -> dict:
    computation = fx.computation()
    return rep_context(computation.results[0], computation, fx.settings())


def test_headline_in_us_dollars(ana_context: dict) -> None:
    h = ana_context["headline"]
    assert h["target"] == "$180,000"
    assert h["actual"] == "$138,765"  # 138,765.40 rounded to whole dollars
    assert h["attainment"] == "77.1%"  # 138,765.40 / 180,000 = 0.77092
    assert h["pace"] == "92.5%"  # 138,765.40 / 150,000 = 0.92510
    assert h["gap"] == "$41,235"  # 180,000 − 138,765.40 = 41,234.60
    assert h["needed_per_day"] == "$916"  # 41,234.60 / 45 = 916.32
    assert h["status"] == "Slightly behind"
    assert h["status_class"] == "status-slightly-behind"
    assert h["remaining_days"] == "45"


def test_headline_in_euros_for_germany() -> None:
    computation = fx.computation()
    context = rep_context(computation.results[0], computation, fx.settings("de_DE", "EUR"))
    h = context["headline"]
    assert h["actual"] == "138.765\xa0€"
    assert h["attainment"] == "77,1\xa0%"
    assert context["as_of"] == "31.10.2026"
    assert context["report_month"] == "Oktober 2026"
    assert context["page_size"] == "A4"
    assert context["lang"] == "de-DE"


def test_page_size_follows_the_locale_territory() -> None:
    assert Formatter("en_US", "USD").page_size == "Letter"
    assert Formatter("es_MX", "MXN").page_size == "Letter"
    assert Formatter("en_GB", "GBP").page_size == "A4"
    assert Formatter("fr_CA", "CAD").page_size == "Letter"


def test_money_compact_and_whole_amounts() -> None:
    us, de = Formatter("en_US", "USD"), Formatter("de_DE", "EUR")
    assert us.money_compact(Decimal(250000)) == "$250K"
    assert us.money_compact(Decimal(1500000)) == "$1.5M"
    assert de.money_compact(Decimal(250000)) == "250.000\xa0€"  # no short form for thousands
    assert us.money_whole(Decimal("1234.50")) == "$1,235"  # half up, not banker's
    assert us.money(Decimal("-1234.5")) == "-$1,234.50"
    assert us.percent(None) == "–"


def test_next_month_plan_lists_weeks_with_working_days_in_it(ana_context: dict) -> None:
    plan = ana_context["next_month"]
    assert plan["label"] == "November 2026"
    assert not plan["ends_year"]
    assert plan["target"] == "$15,000"
    # Below 10, counts keep a decimal (so a pair never contradicts the close rate): 3 deals, 9 leads, 9 meetings.
    assert (plan["deals"], plan["leads"], plan["meetings"]) == ("3.0", "9.0", "9.0")
    # Oct 26 – Nov 1 has no working day in November (Nov 1 is a Sunday): not listed.
    assert [w["starting_iso"] for w in plan["weeks"]] == [
        "2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30"]
    # Nov 30 – Dec 4 has one of its days in November: it counts that one.
    assert plan["weeks"][-1]["spans_months"] is True
    assert plan["weeks"][-1]["days_here"] == "the rest in December"
    assert [w["working_days"] for w in plan["weeks"]] == ["5", "5", "5", "5", "1"]
    # The month's $15,000 by largest remainder over 5, 5, 5, 5 and 1 of its 21 days:
    # 3,571.43 × 4 and 714.29 → 3,571 × 4 + 714 = 14,998; the two units left go to the
    # largest remainders (0.43, the earlier weeks first).
    assert [w["target"] for w in plan["weeks"]] == ["$3,572", "$3,572", "$3,571", "$3,571",
                                                    "$714"]
    # 3.0 deals in tenths, 30 × 5/21 = 7.14 (×4) and 1.43: 7, 7, 7, 7, 1 and the tenth
    # left to the last (0.43); 9.0 leads: 21.43 (×4) and 4.29 → 22, 22, 21, 21, 4.
    assert [w["deals"] for w in plan["weeks"]] == ["0.7", "0.7", "0.7", "0.7", "0.2"]
    assert [w["leads"] for w in plan["weeks"]] == ["2.2", "2.2", "2.1", "2.1", "0.4"]
    # 0.6 deals a week would round up to 1; per day 3 deals / 21 days = 0.14 → one decimal.
    assert plan["daily"]["deals"] == "0.1"
    assert plan["daily"]["leads"] == "0.4"  # 9 / 21
    assert plan["daily"]["target"] == "$714.29"  # 15,000 / 21
    assert plan["catch_up"] == "$19,243"  # 41,234.60 × 21 / 45


def test_december_report_says_the_year_ends() -> None:
    computation = replace(fx.computation(), report_month=date(2026, 12, 1))
    context = rep_context(computation.results[0], computation, fx.settings())
    assert context["next_month"]["ends_year"] is True
    assert "Dec 31, 2026" in context["next_month"]["message"]
    assert context["next_month"]["weeks"] == []


def test_funnel_against_assumptions_with_sources(ana_context: dict) -> None:
    rows = {row["stage"]: row for row in ana_context["funnel"]["rows"]}
    assert rows["Leads"]["year"] == "60"
    # Annual leads 180,000 / 5,000 × 3 = 108; to date × 150,000 / 180,000 = 90.
    assert rows["Leads"]["objective"] == "90"
    assert rows["Deals won"]["month_objective"] == "3.0"  # 15,000 / 5,000, below 10
    assert rows["Close rate (won ÷ leads)"]["year"] == "30.0%"  # 18 / 60
    assert rows["Close rate (won ÷ leads)"]["source"] == "default: 1 in 3"
    sources = {a["name"]: a["source"] for a in ana_context["funnel"]["assumptions"]}
    assert sources == {"Close rate": "default: 1 in 3", "Meetings per lead": "default",
                       "Average new deal": "goal sheet", "Average repeat deal": "your history"}
    assert ana_context["funnel"]["annual"] == {"deals": "36", "leads": "108",
                                               "meetings": "108"}


def test_default_close_rate_other_than_one_in_n_shows_percent() -> None:
    computation = fx.computation()
    result = computation.results[0]
    plan = replace(result.plan, close_rate=Assumption(Fraction(2, 5), "default"))
    context = rep_context(replace(result, plan=plan), computation, fx.settings())
    assert context["funnel"]["assumptions"][0]["source"] == "default: 40.0%"


def test_achievements_reassess_smart_and_focus(ana_context: dict) -> None:
    assert ana_context["achievements"]["list"] == [
        "First deal of the year on Jan 14, 2026.",
        "Reached 25% of the goal on Mar 20, 2026; 50% on Jun 12, 2026.",
        "Best month: May 2026 with $21,400.",
        "Weekly target met 3 weeks in a row.",
    ]
    assert ana_context["reassess"]["suggested_goal"] == "$142,500"
    assert [(s["name"], s["passed"]) for s in ana_context["smart"]][2] == ("Achievable", False)
    assert ana_context["focus"]["share"] == "85.5%"  # 150.5 / 176
    assert ana_context["focus"]["kept"] is False


def test_no_reassess_box_when_not_flagged() -> None:
    computation = fx.computation()
    context = rep_context(computation.results[1], computation, fx.settings())
    assert context["reassess"] is None


def test_team_ranks_reps_by_attainment_and_totals_last() -> None:
    context = team_context(fx.computation(), fx.settings())
    assert [(r["rank"], r["name"], r["attainment"]) for r in context["reps"]] == [
        ("1", "Ben Okafor", "101.2%"),  # 121,500 / 120,000
        ("2", "Ana Lima", "77.1%"),
        ("3", "Chloé Martin", "50.0%"),  # 75,000 / 150,000
    ]
    total = context["teams"][-1]
    assert total["is_total"] and total["team"] == "Total"
    assert total["actual"] == "$335,265"
    assert total["counts"] == ["1", "0", "1", "0", "1"]
    assert [r["name"] for r in context["reassess"]] == ["Ana Lima"]
    assert context["reassess"][0]["ratio"] == "2.1×"
    assert context["reassess"][0]["average_90"] == "$610"


def test_team_status_mix_and_attainment_bars() -> None:
    context = team_context(fx.computation(), fx.settings())
    assert [(s["name"], s["count"], s["share"], s["width"])
            for s in context["status_counts"]] == [
        ("Achieved", "1", "33.3%", "33.3%"),
        ("On track", "0", "0.0%", "0.0%"),
        ("Slightly behind", "1", "33.3%", "33.3%"),
        ("At risk", "0", "0.0%", "0.0%"),
        ("Behind", "1", "33.3%", "33.3%"),
    ]  # every status is in the legend: it is the key to the Teams table's dots
    # Bars are attainment of the goal, full at 100 %: Ben's 101.2 % fills the bar.
    assert [r["bar_width"] for r in context["reps"]] == ["100.0%", "77.1%", "50.0%"]


def test_team_chart_sums_the_reps_series() -> None:
    computation = fx.computation()
    plan = team_series(computation.results, "cumulative_plan")
    actual = team_series(computation.results, "cumulative_actual")
    assert len(plan) == 12 and plan[-1] == (date(2026, 12, 31), Decimal(450000))
    # 138,765.40 + 121,500 + 75,000
    assert actual[-1] == (date(2026, 10, 31), Decimal("335265.40"))
    chart = team_context(computation, fx.settings())["chart"]
    assert chart.startswith("<svg") and "As of Oct 31, 2026" in chart
