"""The sentences a rep reads, for zero, one, many and missing values, in three locales.

The engine builds each sentence (core.phrases) and the Formatter writes its values; the
PDF tests read the words back out of real PDFs rendered by WeasyPrint.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from pypdf import PdfReader

from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.core.model import DayActivity, Settings
from goalreport.core.phrases import Money, Phrase
from goalreport.reports.context import ratio_text, streak_sentence
from goalreport.reports.render import render_reports
from tests.enginedata import data, goal, rep, won

LOCALES = {"en_US": "USD", "en_GB": "GBP", "de_DE": "EUR"}


def pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def cold_start(locale: str) -> object:
    """$100,000 new business in 2026, $5,000 a deal, 0.7 meetings per lead, 3 focus hours
    a week; by 30 June: 10 leads and 5 meetings (4–8 May), 7.5 focus hours, nothing won.

    By hand: 129 working days gone, 132 left. Needed 100,000 ÷ 132 = 757.58 a day.
    Year: 20 deals, 60 leads, 42 meetings; to date 49,425 / 100,000 of them: 21 meetings.
    Meetings still needed 42 over 132 ÷ 5 = 26.4 weeks = 1.59 a week. Focus planned
    3 × 129 ÷ 5 = 77.4 hours."""
    days = tuple(DayActivity("R1", date(2026, 5, d), leads=2, meetings=1) for d in range(4, 9))
    days += (DayActivity("R1", date(2026, 5, 11), focus_hours=Decimal("7.5")),)
    return data(reps=(rep(name="Zoë Hart", team="Team 2"),),
                goals=(goal(new="100000", repeat="0", ads="5000",
                            meetings_per_lead=Fraction(7, 10),
                            focus_hours_per_week=Decimal(3)),),
                activity=days,
                settings=Settings(company="Acme", currency=LOCALES[locale], locale=locale))


EXPECTED = {
    "en_US": [
        ("Nothing has been won this goal year, and $758 is needed every working day to reach "
         "the goal. Talk with your manager about re-setting it."),
        ("Book a meeting with more of your leads: the gap closes with about 1.6 meetings a "
         "week for the rest of the year."),
        ("Low close rate: you won 0 of 10 leads (0%) against the 33% the plan counts on. "
         "Qualify leads before you meet them and follow up every proposal."),
        "Focus time skipped: 7.5 hours logged against 77.4 planned (3 a week).",
        ("Measurable — You logged 10 leads, 5 meetings and 7.5 focus hours in the last 90 "
         "days."),
        "Timed — Goal year 2026: Jan 1, 2026 – Dec 31, 2026.",
        "Specific — $100,000 from new clients and $0 from repeat clients.",
    ],
    "en_GB": [
        ("Nothing has been won this goal year, and £758 is needed every working day to reach "
         "the goal. Talk with your manager about re-setting it."),
        "the gap closes with about 1.6 meetings a week for the rest of the year.",
        "you won 0 of 10 leads (0%) against the 33% the plan counts on.",
        "Focus time skipped: 7.5 hours logged against 77.4 planned (3 a week).",
        "You logged 10 leads, 5 meetings and 7.5 focus hours in the last 90 days.",
        "Timed — Goal year 2026: 1 Jan 2026 – 31 Dec 2026.",
        "Specific — £100,000 from new clients and £0 from repeat clients.",
    ],
    "de_DE": [
        ("Nothing has been won this goal year, and 758 € is needed every working day to reach "
         "the goal. Talk with your manager about re-setting it."),
        "the gap closes with about 1,6 meetings a week for the rest of the year.",
        "you won 0 of 10 leads (0 %) against the 33 % the plan counts on.",
        "Focus time skipped: 7,5 hours logged against 77,4 planned (3 a week).",
        "You logged 10 leads, 5 meetings and 7,5 focus hours in the last 90 days.",
        "Timed — Goal year 2026: 01.01.2026 – 31.12.2026.",
        "Specific — 100.000 € from new clients and 0 € from repeat clients.",
    ],
}
TEAM_ROW = {
    "en_US": "Zoë Hart R1 Team 2 $100,000 – $758 $0 nothing earned",
    "en_GB": "Zoë Hart R1 Team 2 £100,000 – £758 £0 nothing earned",
    "de_DE": "Zoë Hart R1 Team 2 100.000 € – 758 € 0 € nothing earned",
}


@pytest.mark.slow
@pytest.mark.parametrize("locale", list(LOCALES))
def test_edge_value_sentences_in_the_pdf(locale: str, tmp_path: Path) -> None:
    workbook = cold_start(locale)
    computation = compute(workbook, as_of=date(2026, 6, 30))
    outcome = render_reports(computation, workbook.settings, tmp_path, jobs=1)
    assert outcome.failures == ()
    rep_text = pdf_text(tmp_path / "2026-06" / "R1-Zoë-Hart.pdf")
    for sentence in EXPECTED[locale]:
        assert sentence in rep_text, sentence
    for machine in ("–×", " – times", "$" if locale != "en_US" else "USD", "2026-0",
                    "a week for the rest of the year for the rest", "Meet every lead"):
        assert machine not in rep_text, machine
    team_text = pdf_text(tmp_path / "2026-06" / "team-summary.pdf")
    assert TEAM_ROW[locale] in team_text
    assert "–×" not in team_text and "1 reps" not in team_text
    assert ("full at 100 %;" if locale == "de_DE" else "full at 100%;") in team_text


@pytest.mark.parametrize(("weeks", "sentence"), [
    (0, None), (1, "Weekly target met last week."), (3, "Weekly target met 3 weeks in a row.")])
def test_weekly_streak_sentence(weeks: int, sentence: str | None) -> None:
    assert streak_sentence(weeks) == sentence


@pytest.mark.parametrize(("locale", "ratio", "shown"), [
    ("en_US", Fraction(21, 10), "2.1×"), ("de_DE", Fraction(21, 10), "2,1×"),
    ("en_GB", None, "nothing earned")])
def test_reassess_ratio(locale: str, ratio: Fraction | None, shown: str) -> None:
    assert ratio_text(ratio, Formatter(locale, LOCALES[locale])) == shown


@pytest.mark.parametrize(("locale", "amount", "shown"), [
    ("en_US", Fraction(6, 5), "$1.20"), ("en_GB", Decimal("1694.4"), "£1,694"),
    ("de_DE", Decimal(0), "0\xa0€"), ("de_DE", Decimal("12.5"), "12,50\xa0€")])
def test_daily_money_keeps_cents_only_under_100(locale: str, amount: object, shown: str
                                                ) -> None:
    say = Formatter(locale, LOCALES[locale]).say
    assert say(Phrase.of("{x} a day", x=Money(amount, daily=True))) == f"{shown} a day"


def _progress(activity: tuple[DayActivity, ...], as_of: date, **goal_fields: object):
    return compute(data(goals=(goal(**goal_fields),), activity=activity),
                   as_of=as_of).results[0].progress


def test_reassess_with_earlier_wins_but_none_in_90_days() -> None:
    # $640 won on 2 Feb, nothing since; by 30 June 132 days remain for 10,000 − 640.
    p = _progress((won(date(2026, 2, 2), "640"),), date(2026, 6, 30), new="10000", repeat="0")
    assert Formatter("en_GB", "GBP").say(p.reassess.reason) == (
        "Nothing was won in the last 90 days, yet £70.91 is needed every working day to reach "
        "the goal. Talk with your manager about re-setting it; at the recent pace the year "
        "ends at £640.")


def test_close_rate_sentence_with_some_wins() -> None:
    # 12 leads, 1 won (8%) of $100 by 30 June: still 1,000 − 100 new + 1,000 repeat = 19
    # deals at 1 in 12 = 228 leads over 132 ÷ 5 = 26.4 weeks = 8.6 a week.
    activity = tuple(DayActivity("R1", date(2026, 6, d), leads=2) for d in range(1, 7))
    activity += (won(date(2026, 6, 10), "100"),)
    p = _progress(activity, date(2026, 6, 30), close_rate=Fraction(1, 3))
    text = {s.stage: Formatter("en_US", "USD").say(s.message) for s in p.suggestions}
    assert text["close rate"] == (
        "Low close rate: you won 1 of 12 leads (8%) against the 33% the plan counts on. "
        "Qualify leads before you meet them and follow up every proposal; at your rate you "
        "need about 8.6 leads a week for the rest of the year.")


def test_less_than_a_week_left_asks_for_a_total() -> None:
    # 29–31 Dec: 3 working days left (under a week): the ask is a total, rounded up.
    p = _progress((), date(2026, 12, 28))
    text = {s.stage: Formatter("en_US", "USD").say(s.message) for s in p.suggestions}
    assert text["leads"].endswith("Find new leads: the gap closes with 60 more leads.")


def test_one_lead_and_one_focus_hour_are_singular() -> None:
    activity = (DayActivity("R1", date(2026, 6, 1), leads=1),
                DayActivity("R1", date(2026, 6, 2), focus_hours=Decimal(1)))
    p = _progress(activity, date(2026, 6, 30), close_rate=Fraction(1, 3),
                  focus_hours_per_week=Decimal(2))
    text = {s.stage: Formatter("en_GB", "GBP").say(s.message) for s in p.suggestions}
    assert text["close rate"] == (
        "Low close rate: you won 0 of 1 lead (0%) against the 33% the plan counts on. "
        "Qualify leads before you meet them and follow up every proposal.")
    assert text["focus time"].startswith("Focus time skipped: 1 hour logged against 51.6 ")


def test_one_more_lead_is_singular() -> None:
    # $1,900 new + $100 repeat; all new won. On 30 Dec (one working day left) the gap is
    # one $100 repeat deal, and at a close rate of 1 that is exactly 1 lead.
    p = _progress((won(date(2026, 6, 1), "1900"),), date(2026, 12, 30), new="1900",
                  repeat="100", close_rate=Fraction(1))
    text = {s.stage: Formatter("en_US", "USD").say(s.message) for s in p.suggestions}
    assert text["leads"].endswith("Find new leads: the gap closes with 1 more lead.")
