"""Reading whole workbooks: the sample, loose names, offsets, formulas, odd files (SPEC §1)."""

from __future__ import annotations

import pickle
import shutil
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
import xlsxwriter
from conftest import REPO, find_problems, minimal_sheets

from goalreport.core.model import DayActivity
from goalreport.errors import UnreadableWorkbook
from goalreport.workbook.reader import read_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"


@pytest.fixture(scope="module")
def sample():
    return read_workbook(SAMPLE)


def test_sample_settings(sample):
    s = sample.settings
    assert (s.company, s.currency, s.locale, s.as_of) == ("Acme Corp", "USD", "en_US",
                                                          date(2026, 10, 31))
    assert (s.holiday_country, s.holiday_subdivision) == ("US", None)
    assert s.working_days == frozenset({0, 1, 2, 3, 4})
    assert s.default_close_rate == Fraction(1, 3)
    assert s.default_meetings_per_lead == Fraction(3, 2)


def test_sample_reps(sample):
    reps = {rep.rep_id: rep for rep in sample.reps}
    assert len(reps) == 10
    gina = reps["R07"]
    assert (gina.name, gina.team, gina.start_date, gina.ramp_months, gina.active) == (
        "Gina Rossi", "West", date(2026, 5, 11), 3, True)
    assert reps["R03"].name == "Chloé Martin"
    assert reps["R10"].active is False
    assert {rep.team for rep in sample.reps} == {"East", "West"}


def test_sample_goals(sample):
    goals = {goal.rep_id: goal for goal in sample.goals}
    ana = goals["R01"]
    assert (ana.year, ana.new_target, ana.repeat_target) == (2026, Decimal("300000.00"),
                                                              Decimal("200000.00"))
    assert ana.close_rate == Fraction(3, 10)  # typed as "30%"
    assert ana.avg_new_deal_size == ana.avg_repeat_deal_size == Decimal("12000.00")
    assert ana.focus_hours_per_week == Decimal("3.00")
    assert goals["R08"].close_rate == Fraction(1, 3)  # typed as "1/3"
    assert goals["R03"].avg_new_deal_size is None
    assert goals["R03"].avg_deal_size_cell == "Goals!E4"


def test_sample_activity_is_aggregated_per_rep_and_day(sample):
    days = {(a.rep_id, a.day): a for a in sample.activity}
    # Rows on 2026-01-05 for R01: "planning" 4 h, "new lead ", "lost".
    assert days[("R01", date(2026, 1, 5))] == DayActivity(
        "R01", date(2026, 1, 5), leads=1, lost=1, focus_hours=Decimal("4.00"))
    # "won" 13250 new on 2026-01-02 and a 3-hour "planning" block.
    assert days[("R01", date(2026, 1, 2))] == DayActivity(
        "R01", date(2026, 1, 2), won_new=1, won_new_amount=Decimal("13250.00"),
        focus_hours=Decimal("3.00"))
    assert list(sample.activity) == sorted(sample.activity, key=lambda a: (a.rep_id, a.day))


def test_sample_other_sheets(sample):
    assert sample.seasonality[8] == Fraction(7, 10)
    assert sample.seasonality[10] == Fraction(6, 5)
    assert [(t.rep_id, t.start, t.end) for t in sample.time_off] == [
        ("R05", date(2026, 7, 6), date(2026, 7, 17))]
    assert sample.holidays[1].day == date(2026, 12, 24)


def test_sample_reads_without_warnings(sample):
    """R10 left in the spring (Active = no): their Q1 activity is normal, nothing to warn about."""
    assert [str(w) for w in sample.warnings] == []


def test_workbook_data_pickles_for_the_sandbox(sample):
    assert pickle.loads(pickle.dumps(sample)) == sample


def test_loose_names_offsets_and_typed_values(tmp_path):
    """Sheets and columns in other case/spelling, data starting at C3, extra columns,
    a Settings sheet without a header, text dates and money, synonyms and stray spaces."""
    path = tmp_path / "loose.xlsm"
    book = xlsxwriter.Workbook(str(path))
    reps = book.add_worksheet(" reps ")
    reps.write_row(2, 2, ["Full Name", "ID", "Favourite Food", "start_date", "ramp"])
    reps.write_row(4, 2, ["Ana Lima", 101, "soup", "05/11/2026", "2"])
    goals = book.add_worksheet("QUOTAS")
    goals.write_row(0, 0, ["rep", "goal year", "New Target", "Repeat Target", "Win Rate",
                           "Meetings per Lead"])
    goals.write_row(1, 0, ["101 ", "2026", "$120,000", "USD 80,000.50", 30, "3/2"])
    activity = book.add_worksheet("activity_log")
    activity.write_row(0, 1, ["Day", "Rep_ID", "Activity Type", "Customer Type", "Amount ($)",
                              "Hours"])
    activity.write_row(1, 1, ["2026-06-01", " 101", "Closed Won", "New", "$1,200", None])
    activity.write_row(2, 1, ["6/1/2026", "101", "SALE", "existing", 300.5, None])
    activity.write_datetime(3, 1, datetime(2026, 6, 1), book.add_format({"num_format": "d"}))
    activity.write_row(3, 2, ["101", "Demo"])
    activity.write_row(4, 1, ["June 1, 2026", "101", "focus block", None, None, "1.5"])
    activity.write_formula(5, 1, "=DATE(2026,6,2)", None, 46175)
    activity.write_row(5, 2, ["101", "new lead"])
    settings = book.add_worksheet("Config")
    settings.write_row(0, 0, ["working_days", "Sun–Thu"])
    settings.write_row(1, 0, ["holiday country", "us-ca"])
    settings.write_row(2, 0, ["Fiscal Year Start", "April"])
    settings.write_row(3, 0, ["Realism Threshold", "150%"])
    book.close()

    data = read_workbook(path)
    (rep,) = data.reps
    assert (rep.rep_id, rep.name, rep.start_date, rep.ramp_months) == (
        "101", "Ana Lima", date(2026, 5, 11), 2)
    (goal,) = data.goals
    assert (goal.rep_id, goal.year, goal.new_target, goal.repeat_target) == (
        "101", 2026, Decimal("120000.00"), Decimal("80000.50"))
    assert (goal.close_rate, goal.meetings_per_lead) == (Fraction(3, 10), Fraction(3, 2))
    assert data.activity == (
        DayActivity("101", date(2026, 6, 1), meetings=1, won_new=1,
                    won_new_amount=Decimal("1200.00"), won_repeat=1,
                    won_repeat_amount=Decimal("300.50"), focus_hours=Decimal("1.50")),
        DayActivity("101", date(2026, 6, 2), leads=1),
    )
    s = data.settings
    assert s.working_days == frozenset({6, 0, 1, 2, 3})
    assert (s.holiday_country, s.holiday_subdivision) == ("US", "CA")
    assert (s.fiscal_year_start, s.realism_threshold) == (4, Fraction(3, 2))


def test_error_value_in_a_required_cell_is_named(tmp_path):
    path = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, rows in minimal_sheets().items():
        sheet = book.add_worksheet(name)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(number, column, datetime.combine(
                        value, datetime.min.time()))
                elif value is not None:
                    sheet.write(number, column, value)
    book.get_worksheet_by_name("Goals").write_formula("C2", "=1/0", None, "#DIV/0!")
    book.close()
    errors, _ = find_problems(path)
    assert [str(e) for e in errors] == [
        ("Goals!C2: holds the error #DIV/0!. Open the workbook in Excel or LibreOffice, let it "
        "calculate and save it, or type the value.")]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.xlsx", b"", "empty"),
    ("notes.xlsx", b"just some text, not a workbook\n", "not"),
    ("old.xls", b"\xd0\xcf\x11\xe0", ".xls"),
])
def test_files_that_are_not_workbooks(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnreadableWorkbook) as raised:
        read_workbook(path)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_workbook_without_goalreport_sheets_is_refused_clearly(corpus):
    path = corpus / "preserve" / "calamine__tests_pivots.xlsx"
    with pytest.raises(UnreadableWorkbook) as raised:
        read_workbook(path)
    assert str(raised.value) == (
        "calamine__tests_pivots.xlsx is not a goalreport workbook: it has no Reps, Goals or "
        "Activity sheet (its sheets: 'PivotSheet1', 'PivotSheet2', 'PivotSheet3', "
        "'PivotSheet4', 'DataSheet', …). Run 'goalreport init NEW.xlsx' for a template, or "
        "add those sheets.")


def test_xlsm_copy_reads_the_same(tmp_path, sample):
    copy = tmp_path / "acme.xlsm"
    shutil.copy(SAMPLE, copy)
    assert read_workbook(copy).goals == sample.goals


def test_minimal_fixture_reads(make_workbook):
    data = read_workbook(make_workbook())
    assert [r.rep_id for r in data.reps] == ["R1"]
    assert data.settings.as_of == date(2026, 6, 30)
    assert data.activity[1].won_new_amount == Decimal("100.00")

