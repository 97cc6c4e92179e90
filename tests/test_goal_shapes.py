"""The Goals sheet read in the shapes real quota spreadsheets have, on their own
header rows (each cited), with the exact problem or warning where one is due.

Shapes: today's annual targets; one total; per month or quarter, long and wide (real date
headers, formulas read through their saved values); New/Repeat per period; revisions.
Header words: the rep, period and money columns as real sheets name them, a currency in a
column name, a target-like column left unused. One cause, one message.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from quota_books import Formula, book, money, months, plan_of, read

from goalreport.core.engine import compute
from goalreport.errors import InputProblems

D = dt.date
DEAL = {"Default Avg Deal Size": 1000}
ANA = [["Rep ID", "Name"], ["R1", "Ana Lima"]]
#: AdventureWorksDW's FactSalesQuota columns (NowinskiK/ssdt-training,
#: src/Import/AdventureWorksDW2016/dbo/Tables/FactSalesQuota.sql).
FACT_SALES_QUOTA = ["SalesQuotaKey", "EmployeeKey", "DateKey", "CalendarYear", "CalendarQuarter",
                    "SalesAmountQuota", "Date"]


def _messages(path):
    _data, problems, warnings = read(path)
    return [str(p) for p in problems], [str(w) for w in warnings]


def _note(path, as_of):
    return [str(n) for n in plan_of(path, as_of).notes]


# --- Who the target is for -------------------------------------------------------------

@pytest.mark.parametrize("word", ["Salesperson", "Sales Person", "Sales Rep", "Sales Agent",
                                  "Owner", "Employee", "EmployeeKey", "Employee Key"])
def test_rep_column_words(tmp_path, word):
    goals = [[word, "Year", "Quota"], ["R1", 2026, 120000]]
    computation = plan_of(book(tmp_path / "w.xlsx", goals, reps=ANA, settings=DEAL),
                          D(2026, 3, 31))
    assert computation.results[0].plan.annual_target == Decimal("120000.00")


def test_owner_id_matches_the_reps_crm_id(tmp_path):
    # Salesforce user IDs as in the RevOps seed (sujatakaran12/pipeline-health-forecast,
    # data/quotas.csv: rep_id 005A0000); here named 'Owner ID' and matched to CRM ID.
    reps = [["Rep ID", "Name", "CRM ID"], ["R1", "Ana Lima", "005A0000"]]
    goals = [["Owner ID", "Year", "Quota"], ["005A0000", 2026, 50000]]
    result = plan_of(book(tmp_path / "o.xlsx", goals, reps=reps, settings=DEAL),
                     D(2026, 3, 31)).results[0]
    assert (result.rep.rep_id, result.plan.annual_target) == ("R1", Decimal("50000.00"))


# --- One cause, one message ------------------------------------------------------------

def test_an_unreadable_goals_header_is_one_problem_not_one_per_rep(tmp_path):
    # A region target table (codehub-learn/intersalonica-business-intelligence-with-Python,
    # data/sales_targets.csv) pasted into Goals: it names no rep. Three reps, one message
    # from check (it used to be the missing columns, then "has no goal" for each rep).
    from goalreport.jobs import check_workbook

    goals = [["Year", "Month", "Region", "Channel", "TargetRevenue", "TargetProfit"],
             [2026, 1, "North", "Online", 235708.93, 30695.78]]
    reps = [["Rep ID", "Name"], ["R1", "Ana"], ["R2", "Ben"], ["R3", "Cy"]]
    path = book(tmp_path / "h.xlsx", goals, reps=reps, settings={**DEAL, "As Of": D(2026, 6, 30)})
    with pytest.raises(InputProblems) as raised:
        check_workbook(path, today=D(2026, 6, 30))
    assert [str(p) for p in raised.value.problems] == [
        ("Goals row 1: the column 'Rep ID' is missing from the header row (found 'Year', "
        "'Month', 'Region', 'Channel', 'TargetRevenue', 'TargetProfit'). Add it to the header "
        "row. Accepted names: 'Rep ID' (or 'ID', 'Salesperson', 'Owner').")]


def test_a_pasted_quota_column_without_year_is_one_problem(tmp_path):
    goals = [["Rep ID", "Quota"], ["R1", 120000]]
    problems, _ = _messages(book(tmp_path / "y.xlsx", goals, reps=ANA))
    assert problems == [
        ("Goals row 1: the column 'Year' is missing from the header row (found 'Rep ID', "
        "'Quota'). Add it to the header row. Accepted names: 'Year' (or 'Goal Year', "
        "'Fiscal Year').")]


# --- Money words, currencies, unused columns -------------------------------------------

def test_monthly_target_beside_annual_targets_is_a_warning_naming_it(tmp_path):
    goals = [["Rep ID", "Year", "New Client Target", "Repeat Client Target", "Monthly Target"],
             ["R1", 2026, 120000, 60000, 15000]]
    problems, warnings = _messages(book(tmp_path / "mt.xlsx", goals, reps=ANA, settings=DEAL))
    assert problems == []
    assert warnings == [
        ("Goals!E1: the column 'Monthly Target' is not used (the targets come from 'New Client "
        "Target' and 'Repeat Client Target'). Delete it, or rename it if it holds something "
        "else.")]


def test_a_monthly_target_with_no_months_is_not_read_as_the_years(tmp_path):
    goals = [["Rep ID", "Year", "Monthly Target"], ["R1", 2026, 15000]]
    problems, _ = _messages(book(tmp_path / "m.xlsx", goals, reps=ANA))
    assert problems == [
        ("Goals row 1: the column 'Monthly Target' holds month targets, but the sheet gives no "
        "months. Add a Month column (one row per rep and month), or give each rep's target "
        "for the year (a column such as 'Quota').")]


def test_two_candidate_targets_are_a_problem_never_a_guess(tmp_path):
    # GitLab's rep quota sheet (danieldiamond/gitlab-analytics, transform/snowflake-dbt/
    # models/sheetload/base/sheetload_rep_quotas_full_fy2020.sql) has full_quota and
    # ramping_quota side by side.
    goals = [["bamboo_employee_id", "sfdc_user_id", "calendar_month", "fiscal_quarter",
              "fiscal_year", "adjusted_start_date", "full_quota", "ramping_quota",
              "ramping_percent", "seasonality_percent", "sales_rep", "team", "type"],
             [1, "0061", D(2019, 2, 1), 1, 2020, None, 100000, 25000, 0.25, 0.08, "R1",
              "East", "Core"]]
    problems, _ = _messages(book(tmp_path / "gl.xlsx", goals, reps=ANA))
    assert problems == [
        ("Goals row 1: the columns 'full_quota' and 'ramping_quota' could each be the target "
        "to plan. Keep one of them (delete or rename the others), so no number is read as "
        "something it is not.")]


def test_a_fiscal_year_named_by_the_year_it_ends_is_one_problem(tmp_path):
    # The same GitLab sheet without full_quota: its fiscal_year 2020 runs February 2019 –
    # January 2020; goalreport names that goal year 2019. One message for the column.
    header = ["calendar_month", "fiscal_quarter", "fiscal_year", "ramping_quota", "sales_rep"]
    rows = [[D(2019, m, 1), (m - 2) // 3 + 1, 2020, 10000, "R1"] for m in range(2, 13)]
    rows.append([D(2020, 1, 1), 4, 2020, 10000, "R1"])
    problems, _ = _messages(book(tmp_path / "fy.xlsx", [header, *rows], reps=ANA,
                                 settings={"Fiscal Year Start": 2}))
    assert problems == [
        ("Goals!C1: 'fiscal_year' names every goal year 1 year later than its periods do "
        "(2020 for February 2019, in goal year 2019: February 2019 – January 2020). goalreport "
        "names a goal year by the calendar year it starts in: delete the column (the periods "
        "say the year), or write the years so.")]


def test_currency_in_a_column_name_picks_the_workbooks_and_warns_about_the_rest(tmp_path):
    # A monthly target table (Dajungeks/yumold-erp-system, data/sales_targets.csv) with an
    # amount in VND and one in USD; its real values for January and September 2025.
    header = ["target_id", "year_month", "target_type", "target_category", "target_amount_vnd",
              "target_amount_usd", "currency", "target_quantity", "responsible_person",
              "description", "created_date", "updated_date"]
    rows = [[f"T2025{m:02d}", f"2025-{m:02d}", "전체매출", "전체", 3200000000,
             204081 if m == 9 else 130612, "VND", 0, "R1", "월별 매출 목표", "2025-08-07",
             "2025-08-07"] for m in range(1, 13)]
    path = book(tmp_path / "cur.xlsx", [header, *rows], reps=ANA, settings=DEAL)
    problems, warnings = _messages(path)
    assert problems == []
    assert warnings == [
        ("Goals!A1: the column 'target_id' is not used (it is an ID). Delete it, or rename it "
        "if it holds something else."),
        ("Goals!C1: the column 'target_type' is not used (it is a label). Delete it, or rename "
        "it if it holds something else."),
        ("Goals!D1: the column 'target_category' is not used (it is a label). Delete it, or "
        "rename it if it holds something else."),
        ("Goals!E1: the column 'target_amount_vnd' is not used (the targets come from "
        "'target_amount_usd'). Delete it, or rename it if it holds something else."),
        ("Goals!H1: the column 'target_quantity' is not used (it counts something other than "
        "money). Delete it, or rename it if it holds something else.")]
    assert months(plan_of(path, D(2025, 6, 30)), "R1") == money(*[
        204081 if m == 9 else 130612 for m in range(1, 13)])


def test_a_column_in_another_currency_is_an_input_problem(tmp_path):
    # The RevOps seed's quota_eur in a USD workbook (sujatakaran12/pipeline-health-forecast,
    # data/quotas.csv).
    goals = [["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"],
             ["R1", "2026-Q1", "2026-01-01", 1.0, 546000.0]]
    problems, _ = _messages(book(tmp_path / "eur.xlsx", goals, reps=ANA))
    assert problems == [
        ("Goals!E1: the column 'quota_eur' (EUR) is in another currency than USD, the currency "
        "this workbook counts (Settings Currency). Convert the amounts to USD, or set "
        "Currency to EUR.")]


# --- Periods: quarters, fiscal and calendar, dates -------------------------------------

def test_check_names_the_shape_and_the_months_each_quarter_covers(tmp_path):
    goals = [["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"],
             *[["R1", f"2026-Q{q}", f"{2026 + (q == 4)}-{(3 * q + 1) % 12:02d}-01", 1, 1000]
               for q in (1, 2, 3, 4)]]
    path = book(tmp_path / "fq.xlsx", goals, reps=ANA, settings={
        **DEAL, "Currency": "EUR", "Fiscal Year Start": "April"})
    assert _note(path, D(2026, 5, 1)) == [
        ("Goals: quarterly quotas per rep ('quota_eur'), 1 rep × 4 quarters of goal year 2026 "
        "(April 2026 – March 2027) (Q1 = Apr–Jun 2026, Q2 = Jul–Sep 2026, Q3 = Oct–Dec 2026, "
        "Q4 = Jan–Mar 2027); no new/repeat split: every won deal counts against the total.")]


def test_a_quarter_start_date_that_is_no_quarter_start_is_an_input_problem(tmp_path):
    # Quarters starting in February, May, August, November (a fiscal year from February)
    # with Fiscal Year Start left at January: never read as calendar quarters.
    goals = [["Owner", "Quota Start Date", "Quota"],
             *[["R1", f"2026-{m:02d}-01", 1000] for m in (2, 5, 8, 11)]]
    problems, _ = _messages(book(tmp_path / "qs.xlsx", goals, reps=ANA))
    assert problems == [
        ("Goals!B2: 2026-02-01 starts a quarter, but the goal year's quarters start in January, "
        "April, July, October (Settings Fiscal Year Start 1). If your quarters start in "
        "February, set Fiscal Year Start to 2 (February) or 5 (May) or 8 (August) or 11 "
        "(November): the month your goal year starts in.")]


def test_a_quarter_label_and_its_start_date_must_agree(tmp_path):
    # The RevOps seed with Fiscal Year Start April: 2026-Q1 is then April–June, but its
    # quota_start_date says January.
    goals = [["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"],
             ["R1", "2026-Q1", "2026-01-01", 1.0, 546000.0]]
    problems, _ = _messages(book(tmp_path / "qa.xlsx", goals, reps=ANA, settings={
        "Currency": "EUR", "Fiscal Year Start": 4}))
    assert problems == [
        ("Goals!C2: Q4 2025 (January – March 2026), but Goals!B2 says Q1 2026 (April – June "
        "2026). Fix the one that is wrong, or Settings Fiscal Year Start.")]


def test_adventureworks_calendar_quarters_in_a_july_fiscal_year(tmp_path):
    # AdventureWorksDW FactSalesQuota (columns: NowinskiK/ssdt-training, src/Import/
    # AdventureWorksDW2016/dbo/Tables/FactSalesQuota.sql; rows: marcopozzan/Dati,
    # FactSalesQuota.csv), employee 272. AdventureWorks' fiscal year starts in July, so
    # goal year 2012 takes calendar Q3 2012 … Q2 2013.
    header = FACT_SALES_QUOTA
    rows = [[82, 272, 20120928, 2012, 3, 58000.0, "2012-09-28 00:00:00.000"],
            [96, 272, 20121228, 2012, 4, 263000.0, "2012-12-28 00:00:00.000"],
            [113, 272, 20130330, 2013, 1, 116000.0, "2013-03-30 00:00:00.000"],
            [130, 272, 20130630, 2013, 2, 84000.0, "2013-06-30 00:00:00.000"]]
    path = book(tmp_path / "aw.xlsx", [header, *rows], reps=[["Rep ID", "Name"], [272, "Tsvi"]],
                settings={**DEAL, "Fiscal Year Start": 7})
    got = months(plan_of(path, D(2012, 8, 15)), "272")
    assert [sum(got[q * 3:q * 3 + 3]) for q in range(4)] == money(58000, 263000, 116000, 84000)
    assert _note(path, D(2012, 8, 15))[0].startswith(
        "Goals: quarterly quotas per rep ('SalesAmountQuota'), 1 rep × 4 quarters of goal year "
        "2012 (July 2012 – June 2013) (calendar quarters: Q3 2012 = Jul–Sep 2012, Q4 2012 = "
        "Oct–Dec 2012, Q1 2013 = Jan–Mar 2013, Q2 2013 = Apr–Jun 2013)")


def test_adventureworks_quota_dates_name_the_quarter_holding_them(tmp_path):
    # AdventureWorks Sales.SalesPersonQuotaHistory (fynydd/Fynydd.Sqribe, SQribe/Database/
    # Data-Sales.SalesPersonQuotaHistory.sql), sales person 274: QuotaDate 2012-08-30,
    # 2012-11-30, 2013-02-28, 2013-05-30 fall in the four quarters of the July year 2012.
    header = ["BusinessEntityID", "QuotaDate", "SalesQuota", "rowguid", "ModifiedDate"]
    rows = [[274, "2012-08-30 00:00:00.000", 154000.0, "fb29e024-f26a-49aa-a7cc-c99ae7ba4853",
             "2012-07-16 00:00:00.000"],
            [274, "2012-11-30 00:00:00.000", 107000.0, "13947d2c-a254-47c9-8817-cbd186ffa526",
             "2012-10-16 00:00:00.000"],
            [274, "2013-02-28 00:00:00.000", 58000.0, "bc1a222f-47a0-48d1-9c56-ac873269dc98",
             "2013-01-14 00:00:00.000"],
            [274, "2013-05-30 00:00:00.000", 263000.0, "8b4e3cbf-f0ef-49c5-9a8c-87679055057e",
             "2013-04-15 00:00:00.000"]]
    path = book(tmp_path / "awh.xlsx", [header, *rows], reps=[["Rep ID", "Name"], [274, "Jiang"]],
                settings={**DEAL, "Fiscal Year Start": 7})
    got = months(plan_of(path, D(2012, 8, 15)), "274")
    assert [sum(got[q * 3:q * 3 + 3]) for q in range(4)] == money(154000, 107000, 58000, 263000)


def test_missing_periods_of_the_goal_year_are_one_input_problem(tmp_path):
    # The real rows of RevOps rep 005A0001 (sujatakaran12/pipeline-health-forecast,
    # data/quotas.csv): 2024-Q2 … Q4 only. Goal year 2024 lacks Q1.
    goals = [["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"],
             ["005A0001", "2024-Q2", "2024-04-01", 1.00, 320000.00],
             ["005A0001", "2024-Q3", "2024-07-01", 1.00, 308000.00],
             ["005A0001", "2024-Q4", "2024-10-01", 1.00, 318000.00]]
    path = book(tmp_path / "mp.xlsx", goals, settings={**DEAL, "Currency": "EUR"})
    data, problems, _ = read(path)
    assert problems == []
    with pytest.raises(InputProblems) as raised:
        compute(data, as_of=D(2024, 8, 1))
    assert [str(p) for p in raised.value.problems] == [
        ("Goals row 2: rep '005A0001' (Rep 005A0001) has no target for Q1 (Jan–Mar 2024) of "
        "goal year 2024 (January – December 2024): a goal given by quarter needs every quarter "
        "of the year. Add it to Goals (0 for none), or give the rep's Start Date on Reps if "
        "they joined later.")]


def test_a_new_hires_quarters_before_the_start_date_may_be_left_out(tmp_path):
    # 005A0008's real rows start at 2025-Q2 (the quarter of the hire); with the Start Date
    # on Reps, Q1 is not missing.
    goals = [["rep_id", "fiscal_quarter", "quota_start_date", "ramp_pct", "quota_eur"],
             ["005A0008", "2025-Q2", "2025-04-01", 0.25, 21000.00],
             ["005A0008", "2025-Q3", "2025-07-01", 0.50, 43000.00],
             ["005A0008", "2025-Q4", "2025-10-01", 0.75, 65000.00]]
    reps = [["Rep ID", "Name", "Start Date"], ["005A0008", "New Hire", D(2025, 4, 1)]]
    got = months(plan_of(book(tmp_path / "nh.xlsx", goals, reps=reps, settings={
        **DEAL, "Currency": "EUR"}), D(2025, 8, 1)), "005A0008")
    assert got[:3] == money(0, 0, 0)
    assert [sum(got[q * 3:q * 3 + 3]) for q in (1, 2, 3)] == money(21000, 43000, 65000)


# --- Wide: a column per month or quarter -----------------------------------------------

def test_wide_months_with_date_headers_and_formulas_two_years(tmp_path):
    # GitLab's sales quota sheet (danieldiamond/gitlab-analytics, transform/snowflake-dbt/
    # models/sheetload/base/sheetload_sales_quota.sql): account_owner, annual quota
    # columns, then a real date header per month of 2017 and 2018. January is typed,
    # February to December are formulas (=prev*1.05) saved with their values.
    header = ["account_owner", "segment", "fte_annual_quota", "2017_quota_plan",
              *[D(2017, m, 1) for m in range(1, 13)], "2017_ytd", "2017_actual_quotas",
              "2018_fte_quota", *[D(2018, m, 1) for m in range(1, 13)], "2018_quota_ytd"]
    values, row = [], ["R1", "Mid-Market", 1200000, 1000000]
    amount = Decimal(10000)
    for m in range(12):
        values.append(amount.quantize(Decimal("0.01")))
        row.append(10000 if m == 0 else Formula(f"={chr(ord('E') + m - 1)}2*1.05", float(
            values[-1])))
        amount *= Decimal("1.05")
    row += [None, None, 1300000, *[20000] * 12, None]
    path = book(tmp_path / "wide.xlsx", [header, row], reps=ANA, settings=DEAL)
    problems, warnings = _messages(path)
    assert problems == []
    assert [w.split(" is not used")[0] for w in warnings] == [
        "Goals!C1: the column 'fte_annual_quota'", "Goals!D1: the column '2017_quota_plan'",
        "Goals!R1: the column '2017_actual_quotas'", "Goals!S1: the column '2018_fte_quota'",
        "Goals!AF1: the column '2018_quota_ytd'"]
    assert months(plan_of(path, D(2017, 6, 30)), "R1") == values  # each to the cent
    assert months(plan_of(path, D(2018, 6, 30)), "R1") == money(*[20000] * 12)


def test_a_formula_with_no_saved_value_in_a_month_column_is_named(tmp_path):
    # openpyxl saves formulas without their values (as a script that never opened the file
    # in a spreadsheet program would): the empty February is a formula, not a month left out.
    from conftest import minimal_sheets, write_workbook

    sheets = minimal_sheets()
    sheets["Goals"] = [["Sales Rep", "Year", *[f"{D(2026, m, 1):%b}" for m in range(1, 13)]],
                       ["R1", 2026, 1000, "=C2*2", *[1000] * 10]]
    problems, _ = _messages(write_workbook(tmp_path / "nf.xlsx", sheets))
    assert problems == [
        ("Goals!D2: the formula '=C2*2' has no saved value. Open the workbook in Excel or "
        "LibreOffice, let it calculate and save it, or type the value.")]


def test_wide_quarters_with_a_client_type_per_row(tmp_path):
    header = ["Rep", "Fiscal Year", "Client Type", "Q1", "Q2", "Q3", "Q4"]
    rows = [["R1", 2026, "new", 6600, 6500, 6600, 6600],
            ["R1", 2026, "repeat", 0, 1300, 0, 0]]
    path = book(tmp_path / "wq.xlsx", [header, *rows], reps=ANA, settings=DEAL)
    result = plan_of(path, D(2026, 4, 1)).results[0]
    # Q2 (Apr 22, May 21, Jun 22 = 65 days): new 6,500 → 100 a day; repeat 1,300 → 20.
    assert [(m.new_target, m.repeat_target) for m in result.plan.months[3:6]] == [
        (Decimal("2200.00"), Decimal("440.00")), (Decimal("2100.00"), Decimal("420.00")),
        (Decimal("2200.00"), Decimal("440.00"))]
    assert _note(path, D(2026, 4, 1)) == [
        ("Goals: quarterly quotas per rep, one column per quarter, 1 rep × 4 quarters of 2026 "
        "(Q1 = Jan–Mar 2026, Q2 = Apr–Jun 2026, Q3 = Jul–Sep 2026, Q4 = Oct–Dec 2026); new "
        "and repeat targets apart (Client Type rows).")]


def test_a_period_given_twice_stops_only_the_year_it_is_in(tmp_path):
    # AdventureWorks' FactSalesQuota (marcopozzan/Dati, FactSalesQuota.csv) gives employee
    # 272 two rows of CalendarQuarter 3 in 2011 (20110701 and 20110929): planning 2011 is
    # an input problem, planning 2012 is not.
    header = FACT_SALES_QUOTA
    rows = [[11, 272, 20110331, 2011, 1, 7000.0, "2011-03-31 00:00:00.000"],
            [21, 272, 20110701, 2011, 3, 91000.0, "2011-07-01 00:00:00.000"],
            [31, 272, 20110929, 2011, 3, 140000.0, "2011-09-29 00:00:00.000"],
            [41, 272, 20111229, 2011, 4, 70000.0, "2011-12-29 00:00:00.000"],
            *[[50 + q, 272, 0, 2012, q, 1000.0 * q, f"2012-{3 * q:02d}-28 00:00:00.000"]
              for q in (1, 2, 3, 4)]]
    path = book(tmp_path / "dup.xlsx", [header, *rows], reps=[["Rep ID", "Name"], [272, "T"]],
                settings=DEAL)
    data, problems, _ = read(path)
    assert problems == []
    assert compute(data, as_of=D(2012, 5, 1)).results[0].plan.annual_target == Decimal("10000.00")
    with pytest.raises(InputProblems) as raised:
        compute(data, as_of=D(2011, 5, 1))
    assert [str(p) for p in raised.value.problems] == [
        ("Goals row 4: a second target for Q3 2011 for rep '272' (the first is in Goals row 3). "
        "Keep one row per rep and quarter.")]


def test_month_numbers_without_a_year_belong_to_the_goal_year(tmp_path):
    # harshi1006/sales-dashboard-powerbi, data/sales_targets.csv has no year: its months
    # are the plan of whichever goal year is planned.
    goals = [["salesperson", "month", "month_name", "target"],
             *[["Priya", m, f"{D(2000, m, 1):%b}", 1000 * m] for m in range(1, 13)]]
    path = book(tmp_path / "ny.xlsx", goals, settings=DEAL)
    assert months(plan_of(path, D(2027, 2, 1)), "Priya") == money(*[1000 * m for m in range(1, 13)])


def test_month_name_must_agree_with_month_number(tmp_path):
    goals = [["salesperson", "month", "month_name", "target"], ["Priya", 2, "Mar", 1000]]
    problems, _ = _messages(book(tmp_path / "mn.xlsx", goals))
    assert problems == [("Goals!C2: March (March), but Goals!B2 says February (February). Fix "
                        "the one that is wrong.")]


# --- Every period form ------------------------------------------------------------------

@pytest.mark.parametrize(("header", "form"), [
    ("Month", "2026-{m:02d}"), ("Month", "{d:%b} 2026"), ("Month", "{d:%B} 2026"),
    ("Month", "{d:%Y-%m-%d}"), ("Period", "2026-{m:02d}"), ("Month", "{m}/2026"),
    ("Month", "date"), ("Month", "{d:%B}"), ("Month", "number"), ("Month Name", "{d:%b}"),
])
def test_month_cells(tmp_path, header, form):
    # Each form names the twelve months of 2026 (a month without its year belongs to the
    # goal year); March carries 31,000, the others 1,000.
    def cell(m):
        d = D(2026, m, 1)
        return d if form == "date" else m if form == "number" else form.format(m=m, d=d)

    rows = [["R1", cell(m), 31000 if m == 3 else 1000] for m in range(1, 13)]
    got = months(plan_of(book(tmp_path / "mc.xlsx", [["Salesperson", header, "Target"], *rows],
                              reps=ANA, settings=DEAL), D(2026, 6, 1)), "R1")
    assert got == money(1000, 1000, 31000, *[1000] * 9)


@pytest.mark.parametrize(("header", "cells"), [
    (["Quarter"], ["2026-Q{q}"]), (["Quarter"], ["2026 Q{q}"]), (["Quarter"], ["Q{q} 2026"]),
    (["Fiscal Quarter"], ["FY2026 Q{q}"]), (["Year", "Quarter"], [2026, "{q}"]),
    (["Calendar Year", "Calendar Quarter"], [2026, "{q}"]),
    (["Quota Start Date"], ["2026-{m:02d}-01"]), (["Quarter Start"], ["2026-{m:02d}-01"]),
])
def test_quarter_cells(tmp_path, header, cells):
    # Q1 … Q4 of 2026 with 64,000 / 65,000 / 66,000 / 66,000: $1,000 a working day, so
    # every month is its working days in thousands.
    rows = [["R1", *[c.format(q=q, m=3 * q - 2) if isinstance(c, str) else c for c in cells],
             amount] for q, amount in zip((1, 2, 3, 4), (64000, 65000, 66000, 66000), strict=True)]
    got = months(plan_of(book(tmp_path / "qc.xlsx", [["Owner", *header, "Quota"], *rows],
                              reps=ANA, settings=DEAL), D(2026, 6, 1)), "R1")
    assert got == money(*[1000 * d for d in (22, 20, 22, 22, 21, 22, 23, 21, 22, 22, 21, 23)])


@pytest.mark.parametrize("labels", [
    [f"{D(2026, m, 1):%b}" for m in range(1, 13)],
    [f"{D(2026, m, 1):%B}" for m in range(1, 13)],
    [f"2026-{m:02d}" for m in range(1, 13)],
    [D(2026, m, 1) for m in range(1, 13)],
])
def test_wide_month_headers(tmp_path, labels):
    needs_year = isinstance(labels[0], str) and not labels[0].startswith("2026")
    header = ["Employee", *(["Year"] if needs_year else []), *labels]
    row = ["R1", *([2026] if needs_year else []), *[100 * m for m in range(1, 13)]]
    got = months(plan_of(book(tmp_path / "wm.xlsx", [header, row], reps=ANA, settings=DEAL),
                         D(2026, 6, 1)), "R1")
    assert got == money(*[100 * m for m in range(1, 13)])


@pytest.mark.parametrize("word", ["Effective From", "Effective Date", "Valid From",
                                  "Revised On"])
def test_revision_words(tmp_path, word):
    goals = [["Rep ID", "Year", "Quota", word], ["R1", 2026, 261000, None],
             ["R1", 2026, 195000, D(2026, 7, 1)]]
    result = plan_of(book(tmp_path / "rw.xlsx", goals, reps=ANA, settings=DEAL),
                     D(2026, 7, 31)).results[0]
    assert result.plan.annual_target == Decimal("195000.00")


def test_a_plain_year_with_months_is_ambiguous_when_the_year_starts_in_april(tmp_path):
    goals = [["Rep ID", "Year", "Month", "Target"], ["R1", 2026, 1, 1000]]
    problems, _ = _messages(book(tmp_path / "py.xlsx", goals, reps=ANA,
                                 settings={"Fiscal Year Start": 4}))
    assert problems == [
        ("Goals!B1: 'Year' with months is ambiguous when the goal year starts in April "
        "(Settings Fiscal Year Start): rename the column 'Calendar Year' (2026 and January is "
        "January 2026) or 'Fiscal Year' (January of goal year 2026 is January 2027).")]


def test_a_goal_of_no_year_with_old_activity_and_a_regional_country(tmp_path):
    # Month numbers without a year (harshi1006/sales-dashboard-powerbi's shape), activity
    # two years back and Holiday Country GB: both are checked against the goal year
    # planned (they used to ask for a goal year 0 and crash).
    from goalreport.jobs import check_workbook

    goals = [["salesperson", "month", "month_name", "target"],
             *[["R1", m, f"{D(2000, m, 1):%b}", 1000] for m in range(1, 13)]]
    path = book(tmp_path / "ny.xlsx", goals, reps=ANA, settings={
        **DEAL, "Holiday Country": "GB", "As Of": D(2026, 6, 30)},
        activity=[[D(2024, 3, 4), "R1", "lead", "Acme", None, None]])
    lines = [str(n) for n in check_workbook(path, today=D(2026, 6, 30))]
    assert lines[0].startswith("Goals: monthly quotas per rep ('target'), 1 rep × 12 months")
    assert any("Holiday Country GB has no region" in line for line in lines)
    assert not any("outside goal year" in line for line in lines)


def test_a_goal_of_no_year_without_as_of_reads(tmp_path):
    # Without As Of the reader has no goal year to name the regional holidays by: it says
    # nothing then, rather than name a year 0.
    goals = [["salesperson", "month", "target"], *[["R1", m, 1000] for m in range(1, 13)]]
    _data, problems, warnings = read(book(tmp_path / "na.xlsx", goals, reps=ANA,
                                          settings={**DEAL, "Holiday Country": "GB"}))
    assert (problems, warnings) == ([], [])


@pytest.mark.parametrize("word", ["Quota", "Target", "Goal", "Budget", "Target Amount",
                                  "Quota Amount", "SalesAmountQuota", "Sales Target",
                                  "target_revenue", "Quota (USD)"])
def test_money_words(tmp_path, word):
    goals = [["Rep ID", "Year", word], ["R1", 2026, 90000]]
    result = plan_of(book(tmp_path / "mw.xlsx", goals, reps=ANA, settings=DEAL),
                     D(2026, 3, 31)).results[0]
    assert result.plan.targets == {"total": Decimal("90000.00")}
