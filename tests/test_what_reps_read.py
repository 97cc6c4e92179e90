"""What a rep and a manager read — numbers that add up, sentences that read.

Every test reads the words back out of what goalreport made: the PDF's text (pypdf), the
calendar file (icalendar) or WeasyPrint's layout tree. The workbooks are the bundled
sample (Acme, en_US) and the British team of ``british_team`` (en_GB, fiscal year from
April, Holiday Country GB-ENG, close rate 1 in 3 by default: too few leads for history).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from british_team import british_sheets
from conftest import REPO, write_workbook
from icalendar import Calendar
from pypdf import PdfReader

from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.delivery.ics import calendar_bytes, focus_blocks
from goalreport.reports.charts import cumulative_chart, monthly_chart, nice_ceiling
from goalreport.reports.render import render_reports
from goalreport.workbook.reader import read_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
#: A count below 10 with its one decimal, or a whole one from 10 up.
FIGURE = r"\d+\.\d|\d{2,}"


def text_of(pdf: Path, page: int | None = None) -> str:
    reader = PdfReader(pdf)
    pages = reader.pages if page is None else [reader.pages[page]]
    return "\n".join((p.extract_text() or "").replace("\xa0", " ").replace("\u202f", " ")
                     .replace("\u2009", " ") for p in pages)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def british(tmp_path_factory: pytest.TempPathFactory):
    """The British team as of 30 November 2026: the reports of November, whose plan is
    December's (the week of Monday 30 November has one working day in November and four
    in December), and the computation."""
    folder = tmp_path_factory.mktemp("british")
    data = read_workbook(write_workbook(folder / "british.xlsx", british_sheets()))
    computation = compute(data, as_of=dt.date(2026, 11, 30))
    outcome = render_reports(computation, data.settings, folder / "reports", jobs=1)
    assert outcome.failures == ()
    return computation, data.settings, folder / "reports" / "2026-11"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory):
    """The bundled sample as of its own As Of (31 October 2026), rendered."""
    folder = tmp_path_factory.mktemp("sample")
    data = read_workbook(SAMPLE)
    computation = compute(data, as_of=dt.date(2026, 10, 31))
    outcome = render_reports(computation, data.settings, folder, jobs=1)
    assert outcome.failures == ()
    return computation, data.settings, folder / "2026-10"


# --- 1. "What would help most" says each label once -----------------------------------

def test_suggestions_do_not_repeat_their_label(sample) -> None:
    """Dev Patel (R04) falls short on focus time, leads and meetings. Before: "Focus
    time: Focus time skipped: 98 hours…", "Leads: Too few leads: 89 logged…"."""
    text = flat(text_of(sample[2] / "R04-Dev-Patel.pdf"))
    assert "Focus time skipped: 98 hours logged against 125.4 planned (3 a week)." in text
    assert "Too few leads: 89 logged so far against 107 the plan needs by now." in text
    assert "Too few meetings: 142 held against 170 the plan needs by now." in text
    for doubled in ("Focus time: Focus time", "Leads: Too few leads",
                    "Meetings: Too few meetings"):
        assert doubled not in text


# --- 2. Weeks that add up to the month -------------------------------------------------

def _week_rows(pdf: Path) -> tuple[dict[str, str], list[list[str]]]:
    """The plan cards' figures and the week rows of page 2 (label, then the columns)."""
    page = text_of(pdf, 1)
    cards = flat(page.split("To make up")[0].split("WEEK OF")[0])
    found = re.search(r"TARGET (\S+) .*DEALS (\S+) .*LEADS (\S+) .*MEETINGS (\S+) .*"
                      r"EACH WORKING DAY \S+ (\d+) working days", cards)
    assert found, cards
    card = dict(zip(("target", "deals", "leads", "meetings", "days"), found.groups(),
                    strict=True))
    table = page.split("WEEK OF WORKING DAYS TARGET DEALS LEADS MEETINGS\n")[1]
    rows = []
    for line in table.split("YOUR FUNNEL")[0].strip().splitlines():
        *label, days, target, deals, leads, meetings = line.split()
        rows.append([" ".join(label), days, target, deals, leads, meetings])
    return card, rows


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[^\d.]", "", text))


def test_the_weeks_add_up_to_the_month_and_say_which_days_are_in_it(british) -> None:
    """Alice Green's December 2026 (England: Christmas Day and Boxing Day, Monday 28
    December in lieu): 21 working days, £8,116; the week of 30 November has four of them
    (1–4 December). Before, its row counted 30 November too (5 days, 22 in all), and the
    counts were each week's own rounded up: 1 deal and 2 leads a week, 5 deals against
    the month's 3."""
    card, rows = _week_rows(british[2] / "R01-Alice-Green.pdf")
    assert card["days"] == "21" and card["target"] == "£8,116"
    assert rows[0][0] == "30 Nov (1 – 4 Dec in December)"
    assert [row[1] for row in rows] == ["4", "5", "5", "4", "3"]
    assert sum(int(row[1]) for row in rows) == int(card["days"])
    assert sum(_number(row[2]) for row in rows) == _number(card["target"])
    for column, name in ((3, "deals"), (4, "leads"), (5, "meetings")):
        assert sum(_number(row[column]) for row in rows) == _number(card[name]), name


def test_a_week_running_into_next_month_says_so(sample) -> None:
    """Dev Patel's November: the week of Monday 30 November has one working day in it."""
    _card, rows = _week_rows(sample[2] / "R04-Dev-Patel.pdf")
    assert rows[-1][:2] == ["Nov 30 (the rest in December)", "1"]
    assert all("(" not in row[0] for row in rows[:-1])


def test_month_weeks_split_by_largest_remainder() -> None:
    """By hand: 3.6 deals over weeks of 5, 4, 5, 3 and 1 days (18): exact tenths 10,
    8, 10, 6 and 2 — 36 in all, nothing left over. 13 leads (whole, from 10 up): exact
    shares 3.61, 2.89, 3.61, 2.17, 0.72 are below 10, so tenths: 36.1 → 36, 28.9 → 28,
    36.1 → 36, 21.7 → 21, 7.2 → 7 is 128 of 130; the two largest remainders (0.9 of the
    second, then 0.7 of the fourth; 0.2, 0.1, 0.1 behind) take one each. 60 meetings over
    four weeks of 5 days: 15 each, from 10 up, whole."""
    from goalreport.core.monthweeks import shown_count, split_count

    weights = [5, 4, 5, 3, 1]
    assert split_count(Decimal("3.6"), weights) == tuple(
        Decimal(x) for x in ("1.0", "0.8", "1.0", "0.6", "0.2"))
    assert split_count(Decimal(13), weights) == tuple(
        Decimal(x) for x in ("3.6", "2.9", "3.6", "2.2", "0.7"))
    assert split_count(Decimal(60), [5, 5, 5, 5]) == (Decimal(15),) * 4
    assert [str(shown_count(x)) for x in (Fraction(21, 10), Fraction(201, 100),
                                          Fraction(1233, 100), Fraction(10), Fraction(1, 30))
            ] == ["2.1", "2.1", "13", "10", "0.1"]


def test_month_weeks_of_the_engine_add_up(british) -> None:
    """Every rep's every month: days, whole money and counts add up to the month's."""
    from goalreport.core.monthweeks import month_weeks, shown_count

    computation = british[0]
    for result in computation.results:
        for month in result.plan.months:
            parts = month_weeks(result.plan, month)
            assert sum(len(p.days) for p in parts) == month.working_days
            if not parts:
                continue
            assert sum(p.target for p in parts) == round(month.total_target)
            assert sum(p.deals for p in parts) == shown_count(month.objectives.deals)
            assert sum(p.leads for p in parts) == shown_count(month.objectives.leads)


# --- 3. No deal-and-lead pair contradicts the close rate ------------------------------

def consistent(deals: str, leads: str, rate: Fraction) -> bool:
    """A pair as printed agrees with the close rate: a count below 10 keeps its decimal
    (a whole "1" would stand for anything from 0.1 to 1), and leads × rate is the deals
    to within what the rounding allows (0.15, plus a tenth of the deals)."""
    for figure in (deals, leads):
        if not re.fullmatch(FIGURE, figure):
            return False
    return abs(float(deals) - float(leads) * float(rate)) <= 0.15 + 0.1 * float(deals)


def test_week_rows_keep_the_close_rate(british, sample) -> None:
    """Before: "1 deal · 2 leads" a week at one lead in three (and "1 · 3" for Dev)."""
    for pdf, rate in ((british[2] / "R01-Alice-Green.pdf", Fraction(1, 3)),
                      (sample[2] / "R04-Dev-Patel.pdf",
                       sample[0].results[3].plan.close_rate.value)):
        card, rows = _week_rows(pdf)
        assert consistent(card["deals"], card["leads"], rate), card
        for row in rows:
            assert consistent(row[3], row[4], rate), row


def _titles(result, month: dt.date, fmt: Formatter) -> list[tuple[dt.date, str, str]]:
    blocks = focus_blocks(result, month, fmt, company="Thames Valley Supplies Ltd")
    data = calendar_bytes(blocks, name="Focus time", now=dt.datetime(2026, 11, 30, 8, 0))
    return [(event.decoded("dtstart").date(), str(event["summary"]),
             str(event["description"])) for event in Calendar.from_ical(data).walk("VEVENT")]


def test_calendar_blocks_keep_the_close_rate_and_agree_with_the_report(british) -> None:
    """The calendar a rep imports reads, for the week of 7 December, what the report's
    row says: "Focus time: 0.5 deals, 1.4 leads, 1.4 meetings this week". The week of 30
    November (its block falls on 30 November, so it is in November's file) sums its
    parts in both months: 0.1 + 0.4 deals. Before: "1 deal, 2 leads, 2 meetings" and
    "£1,932 to win — 1 deal from 2 leads"."""
    from goalreport.core.monthweeks import month_weeks

    computation, settings, folder = british
    alice = computation.results[0]
    fmt = Formatter(settings.locale, settings.currency)
    _card, rows = _week_rows(folder / "R01-Alice-Green.pdf")
    december = _titles(alice, dt.date(2026, 11, 1), fmt)
    assert [day.day for day, _, _ in december] == [7, 14, 21, 29]  # 28 Dec is a holiday
    for (_, title, description), row in zip(december, rows[1:], strict=True):
        assert title == f"Focus time: {row[3]} deals, {row[4]} leads, {row[5]} meetings this week"
        shown = re.search(r"— (\S+) deals? from (\S+) leads? and", description)
        assert shown and consistent(shown[1], shown[2], Fraction(1, 3)), description
        assert f": {row[2]} to win — " in description  # the row's money, to the pound
    assert december[0][2].startswith("Week of 7 Dec 2026: £1,932 to win — 0.5 deals from "
                                     "1.4 leads and 1.4 meetings.")
    november = _titles(alice, dt.date(2026, 10, 1), fmt)
    day, title, _ = november[-1]
    nov_part = month_weeks(alice.plan, alice.plan.months[7])[-1]
    assert day == dt.date(2026, 11, 30) and nov_part.days == (dt.date(2026, 11, 30),)
    deals = nov_part.deals + _number(rows[0][3])
    leads = nov_part.leads + _number(rows[0][4])
    assert title.startswith(f"Focus time: {deals} deals, {leads} leads, ")
    for _, title, _ in [*november, *december]:
        found = re.fullmatch(r"Focus time: (\S+) deals?, (\S+) leads?, \S+ meetings? this week",
                             title)
        assert found and consistent(found[1], found[2], Fraction(1, 3)), title


# --- 4. Charts and headers -------------------------------------------------------------

def test_axes_end_at_a_round_number_near_the_data() -> None:
    """A $240k goal: $250k in steps of $50k (before: $400k, the top 40 % empty); a
    largest bar of $21k: $25k in steps of $5k (before: $40k)."""
    assert nice_ceiling(240_000) == (250_000, 50_000)
    assert nice_ceiling(21_000) == (25_000, 5_000)
    assert nice_ceiling(300_000) == (300_000, 50_000)
    for value in (1, 7, 99, 101, 150.01, 2_000_001, 3_210_000, 7.3e9):
        top, step = nice_ceiling(value)
        assert value <= top <= value * 1.25 + 1e-9, value
        assert 3 <= round(top / step) <= 7, value
        assert (step / 10 ** int(f"{step:e}".split("e")[1])) in (1, 2, 2.5, 5), value


def test_the_charts_draw_the_round_axis() -> None:
    fmt = Formatter("en_US", "USD")
    months = [dt.date(2026, m, 1) for m in range(1, 13)]
    plan = [(m, Decimal(20_000 * i)) for i, m in enumerate(months, start=1)]
    svg = str(cumulative_chart(plan, plan[:10], year_start=months[0],
                               year_end=dt.date(2026, 12, 31), as_of=dt.date(2026, 10, 31),
                               forecast=Decimal(236_000), target=Decimal(240_000), fmt=fmt))
    labels = re.findall(r'font-size="9" text-anchor="end" fill="[^"]+">([^<]+)</text>', svg)
    assert labels[:-1] == ["$0", "$50K", "$100K", "$150K", "$200K", "$250K"]
    assert labels[-1] == "As of Oct 31, 2026"
    bars = [(m, Decimal(12_000), Decimal(6_000), Decimal(14_000), Decimal(7_000))
            for m in months]
    svg = str(monthly_chart(bars, as_of=dt.date(2026, 10, 31), fmt=fmt))
    labels = re.findall(r'text-anchor="end" fill="[^"]+">([^<]+)</text>', svg)
    assert labels == ["$0", "$5K", "$10K", "$15K", "$20K", "$25K"]


def test_report_axis_of_the_sample(sample) -> None:
    """Dev Patel: a $300,000 goal, forecast $241,282 — an axis to $300K, not $400K."""
    text = flat(text_of(sample[2] / "R04-Dev-Patel.pdf", 0))
    assert "$300K" in text and "$400K" not in text


def test_en_gb_month_axes_are_one_width(british) -> None:
    """en_GB abbreviates September "Sept" beside "Aug" and "Oct": the axes say "Sep"."""
    assert Formatter("en_GB", "GBP").month_short(dt.date(2026, 9, 1)) == "Sep"
    assert Formatter("de_DE", "EUR").month_short(dt.date(2026, 3, 1)) == "Mär"
    assert Formatter("fr_FR", "EUR").month_short(dt.date(2026, 7, 1)) == "juil."
    text = flat(text_of(british[2] / "R01-Alice-Green.pdf", 0))
    assert "Aug Sep Oct" in text and "Sept" not in text


def test_smart_measurable_says_what_was_logged(british) -> None:
    """Alice Green logged a lead on 5 September and won deals on 13 September and 13
    October in the 90 days up to 30 November. Before: "Activity is being logged (since
    5 Sept 2026 in the last 90 days)"."""
    text = flat(text_of(british[2] / "R01-Alice-Green.pdf", 1))
    assert ("Measurable — You logged 2 leads and 2 closed deals in the last 90 days."
            in text)


def _laid_out(html: str):
    """WeasyPrint's layout of ``html`` with the report stylesheet, as a worker lays it out."""
    from report_printing import Printer
    from weasyprint import HTML

    printer = Printer()
    return HTML(string=html).render(stylesheets=[printer.css], font_config=printer.fonts)


def _text_right_edges(doc, table_class: str) -> dict[tuple[int, int], float]:
    """(row, column) → right edge of the text in each cell of the table of ``table_class``
    (row 0 the header), in CSS pixels."""
    edges: dict[tuple[int, int], float] = {}
    for page in doc.pages:
        for box in page._page_box.descendants():
            if box.element_tag != "table" or table_class not in (
                    box.element.get("class") or "").split():
                continue
            rows = box.element.findall(".//tr")
            for cell in box.descendants():
                if cell.element_tag not in ("td", "th") or type(cell).__name__ != "TableCellBox":
                    continue
                row = next(i for i, tr in enumerate(rows) if cell.element in list(tr))
                column = list(rows[row]).index(cell.element)
                texts = [t for t in cell.descendants() if type(t).__name__ == "TextBox"]
                if texts:
                    edges[(row, column)] = max(t.position_x + t.width for t in texts)
    return edges


def test_headline_table_headers_sit_over_their_amounts() -> None:
    """The Target and Actual headers are right-aligned like the amounts under them
    (before: "ACTUAL" started where the amounts' column starts)."""
    import report_fixtures as fx
    from report_printing import report_html

    computation = fx.computation()
    edges = _text_right_edges(_laid_out(report_html(computation, fx.settings(),
                                                    computation.results[0])), "split")
    for column in (1, 2):
        amounts = {edges[(row, column)] for row in (1, 2, 3)}
        assert all(abs(edges[(0, column)] - amount) < 0.5 for amount in amounts), column


@pytest.mark.parametrize("locale", ["en_US", "en_GB"])  # Letter and A4
def test_team_summary_headers_are_never_broken_mid_word(locale: str) -> None:
    """Before: ATTAIN-MENT and FORE-CAST in the ranking (they are one word each)."""
    import report_fixtures as fx
    from report_printing import report_html

    doc = _laid_out(report_html(fx.computation(), fx.settings(locale, "GBP")))
    for page in doc.pages:
        for box in page._page_box.descendants():
            if box.element_tag == "th" and type(box).__name__ == "TableCellBox":
                text = "".join(box.element.itertext()).strip()
                lines = [d for d in box.descendants() if type(d).__name__ == "LineBox"]
                if " " not in text:  # one word: one line, inside its cell
                    assert len(lines) == 1, text
                    inner = [t for t in box.descendants() if type(t).__name__ == "TextBox"]
                    for t in inner:
                        assert t.position_x + t.width <= box.position_x + box.border_width() + 0.5


def test_team_summary_pdf_reads_its_headers_whole(sample) -> None:
    text = flat(text_of(sample[2] / "team-summary.pdf"))
    assert "# REP TEAM TARGET ACTUAL ATTAINMENT PACE FORECAST STATUS" in text
    assert "ATTAIN‐" not in text and "FORE‐" not in text


def test_the_mail_reads_the_reports_full_week(sample) -> None:
    """The rep's mail: "a full week means 0.9 deals, 3.3 leads and 5.3 meetings
    ($7,359)", the report's row for the week of Nov 2 (before: "1 deal, 4 leads")."""
    from goalreport.delivery.compose import rep_email_context

    computation, settings, folder = sample
    dev = computation.results[3]
    context = rep_email_context(dev, computation, Formatter(settings.locale, settings.currency),
                                company="Acme Corp", file_name="R04-Dev-Patel.pdf",
                                calendar=None)
    _card, rows = _week_rows(folder / "R04-Dev-Patel.pdf")
    week = context["next_month"]["week"]
    assert (week["target"], week["deals"], week["leads"], week["meetings"]) == (
        rows[0][2], f"{rows[0][3]} deals", f"{rows[0][4]} leads", f"{rows[0][5]} meetings")
    assert week["deals"] == "0.9 deals" and week["leads"] == "3.3 leads"
