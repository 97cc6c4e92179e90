"""``goalreport init``: a template workbook a manager can fill in (SPEC §6).

The template has an Instructions sheet, every input sheet with its headers, the Settings
sheet with every setting and its default, dropdowns for Type, Client Type and Active,
date formats on date columns and readable widths. ``example=True`` adds a small worked
example (two reps, their goals and some activity) that reads back cleanly.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from goalreport.errors import WriteRefused
from goalreport.workbook.schema import (
    ACTIVITY,
    ACTIVITY_TYPES,
    GOALS,
    HOLIDAYS,
    MANAGERS,
    PIPELINE,
    REPS,
    SEASONALITY,
    SETTING_SPECS,
    STAGES,
    TIME_OFF,
    SheetSpec,
)

#: The forecast categories the dropdowns offer (Salesforce's, as ``forecastwords`` reads).
CATEGORIES = ["Pipeline", "Best Case", "Most Likely", "Commit", "Omitted"]
#: Rows of the data sheets that get dropdowns and date formats.
TEMPLATE_ROWS = 5000

SHEET_HELP: dict[str, str] = {
    "Reps": "One row per sales rep. Rep ID is a short unique code used on the other sheets.",
    "Managers": "Optional: managers who are not reps (a rep who manages needs no row), whom "
                "they report to, and where their summary is mailed.",
    "Goals": "One row per rep and goal year: the year's targets from new and repeat clients. "
             "Or paste your own quota table here as it is: one total (Quota, Target), a row "
             "per rep and month or quarter, or a column per month; see above.",
    "Activity": "One row per thing a rep did: a lead, a meeting, a won or lost deal, a focus "
                "block. Add rows as they happen.",
    "Settings": "Company-wide settings: a name in column A, its value in column B.",
    "Seasonality": "Optional: give busy months a weight above 1 and quiet months below 1.",
    "Holidays": "Optional: days off for everyone, besides the country's public holidays.",
    "Time Off": "Optional: a rep's absence from one day to another (both included).",
    "Pipeline": "Optional: one row per open deal (not yet won or lost), for landing and "
                "coverage. Won and lost deals go on Activity.",
    "Stages": "Optional: each CRM stage's probability and forecast category, for deals "
              "that give none.",
}

COLUMN_HELP: dict[tuple[str, str], str] = {
    ("Reps", "Rep ID"): "Required. A short unique code, such as R1 or AL.",
    ("Reps", "Name"): "Required. The rep's name, shown on their report.",
    ("Reps", "Email"): "Optional. One address; 'goalreport send' mails the rep's report "
                       "there.",
    ("Reps", "Team"): "Optional. Reps with the same team are summed together.",
    ("Reps", "Manager"): "Optional. Whom the rep reports to: another rep's Rep ID or Name, "
                         "or a manager on the Managers sheet. Each manager gets a summary "
                         "of their reps.",
    ("Reps", "Territory"): "Optional. Reps are also summed by territory.",
    ("Reps", "Region"): "Optional. Reps are also summed by region.",
    ("Reps", "Segment"): "Optional. Reps are also summed by segment, such as SMB.",
    ("Managers", "Manager ID"): "Required. A short unique code, such as M1.",
    ("Managers", "Name"): "Required. The manager's name, as the Reps' Manager cells write it.",
    ("Managers", "Email"): "Optional. Where 'goalreport send' mails their summary.",
    ("Managers", "Reports To"): "Optional. Their own manager's Manager ID or Name; empty at "
                                "the top.",
    ("Managers", "Territory"): "Optional. What they lead, shown beside their name.",
    ("Reps", "Start Date"): "Optional. First working day; days before it get no target.",
    ("Reps", "Ramp Months"): "Optional. Months a new rep needs to reach full speed (0 = none).",
    ("Reps", "Active"): "yes or no. Inactive reps get no plan and no report.",
    ("Reps", "Ramp Schedule"): "Optional, instead of Ramp Months: each month's share of full "
                               "speed from the Start Date, such as 25%, 50%, 75%.",
    ("Goals", "Rep ID"): "Required. An ID from the Reps sheet.",
    ("Goals", "Year"): "Required. The calendar year in which the goal year starts.",
    ("Goals", "New Client Target"): "Required. Money to win from new clients in the year.",
    ("Goals", "Repeat Client Target"): "Required. Money to win from repeat clients.",
    ("Goals", "Avg Deal Size"): "Optional. Usual size of one deal; else taken from history.",
    ("Goals", "Close Rate"): "Optional. Share of leads that close, such as 30% or 1/3.",
    ("Goals", "Meetings per Lead"): "Optional. Meetings a lead usually takes, such as 2.",
    ("Goals", "Focus Hours per Week"): "Optional. Hours a week set aside to work the plan.",
    ("Activity", "Date"): "Required. The day it happened.",
    ("Activity", "Rep ID"): "Required. An ID from the Reps sheet.",
    ("Activity", "Type"): "Required. " + ", ".join(ACTIVITY_TYPES) + ".",
    ("Activity", "Client"): "Optional. The client's name.",
    ("Activity", "Client Type"): "new or repeat. Required for won deals.",
    ("Activity", "Amount"): "The deal's amount. Required for won deals.",
    ("Activity", "Hours"): "Hours spent, for focus blocks.",
    ("Activity", "Notes"): "Optional.",
    ("Seasonality", "Month"): "1-12 or a month name.",
    ("Seasonality", "Weight"): "Above 0; 1 is an ordinary month.",
    ("Holidays", "Date"): "The day off.",
    ("Holidays", "Name"): "Optional.",
    ("Time Off", "Rep ID"): "An ID from the Reps sheet.",
    ("Time Off", "From"): "First day off.",
    ("Time Off", "To"): "Last day off (the same as From for one day).",
    ("Time Off", "Reason"): "Optional.",
    ("Time Off", "Relief"): "Optional: none keeps the target (spread over fewer days); prorate "
                            "takes off what the days away would carry (Default Relief).",
    ("Pipeline", "Rep ID"): "Required. The rep who owns the deal.",
    ("Pipeline", "Deal"): "Optional. The deal's name, shown when it slips.",
    ("Pipeline", "Stage"): "Optional. Its stage, as on the Stages sheet.",
    ("Pipeline", "Amount"): "Required. What the deal is worth.",
    ("Pipeline", "Close Date"): "Required. When the rep expects it to close.",
    ("Pipeline", "Probability"): "Optional. Its chance of closing, such as 60%; else its "
                                 "stage's, else the rep's close rate.",
    ("Pipeline", "Forecast Category"): "Optional. Pipeline, Best Case, Most Likely, Commit or "
                                       "Omitted; else its stage's, else Pipeline.",
    ("Stages", "Stage"): "Required. The stage's name as your CRM spells it.",
    ("Stages", "Probability"): "Optional. The chance a deal in this stage closes, such as 40%.",
    ("Stages", "Forecast Category"): "Optional. Pipeline, Best Case, Most Likely, Commit or "
                                     "Omitted.",
}

DATE_COLUMNS = {("Reps", "Start Date"), ("Activity", "Date"), ("Holidays", "Date"),
                ("Time Off", "From"), ("Time Off", "To"), ("Pipeline", "Close Date")}
MONEY_COLUMNS = {("Goals", "New Client Target"), ("Goals", "Repeat Client Target"),
                 ("Goals", "Avg Deal Size"), ("Activity", "Amount"), ("Pipeline", "Amount")}
TEMPLATE_COLUMNS: dict[str, tuple[str, ...]] = {
    "Reps": ("Rep ID", "Name", "Email", "Team", "Manager", "Start Date", "Ramp Months",
             "Active", "Ramp Schedule", "Territory", "Region", "Segment"),
    "Managers": ("Manager ID", "Name", "Email", "Reports To", "Territory"),
    "Goals": ("Rep ID", "Year", "New Client Target", "Repeat Client Target", "Avg Deal Size",
              "Close Rate", "Meetings per Lead", "Focus Hours per Week"),
    "Activity": ("Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Hours", "Notes"),
    "Seasonality": ("Month", "Weight"),
    "Holidays": ("Date", "Name"),
    "Time Off": ("Rep ID", "From", "To", "Reason", "Relief"),
    "Pipeline": ("Rep ID", "Deal", "Stage", "Amount", "Close Date", "Probability",
                 "Forecast Category"),
    "Stages": ("Stage", "Probability", "Forecast Category"),
}


def _example_rows() -> dict[str, list[list[Any]]]:
    return {
        "Reps": [["R1", "Ana Lima", "ana@example.com", "East", "Sam Boss", date(2025, 1, 6), 0,
                  "yes", None, "Northeast", "Americas", None],
                 ["R2", "Ben Ode", "ben@example.com", "West", "Sam Boss", date(2026, 3, 2), 2,
                  "yes", None, "Pacific Northwest", "Americas", None]],
        "Managers": [["M1", "Sam Boss", "sam.boss@example.com", None, None]],
        "Goals": [["R1", 2026, 120000, 80000, 5000, 0.3, 2, 4],
                  ["R2", 2026, 60000, 20000, 4000, None, None, 4]],
        "Activity": [[date(2026, 1, 12), "R1", "lead", "Globex", None, None, None, None],
                     [date(2026, 1, 14), "R1", "meeting", "Globex", None, None, None, None],
                     [date(2026, 1, 20), "R1", "won", "Globex", "new", 5200, None, None],
                     [date(2026, 1, 23), "R1", "focus", None, None, None, 2, "Pipeline review"],
                     [date(2026, 3, 9), "R2", "lead", "Initech", None, None, None, None],
                     [date(2026, 3, 20), "R2", "lost", "Initech", None, None, None, None]],
        "Seasonality": [[12, 0.8], [8, 0.9]],
        "Holidays": [[date(2026, 12, 24), "Christmas Eve"]],
        "Time Off": [["R1", date(2026, 8, 3), date(2026, 8, 14), "Vacation", None]],
    }


def write_template(path: Path, *, example: bool = False,
                   goals: tuple[list[Any], list[list[Any]]] | None = None,
                   reps: list[list[Any]] | None = None,
                   settings: dict[str, str] | None = None) -> None:
    """Write a new template workbook at ``path``; never overwrites an existing file.
    ``goals`` (header, rows) replaces the Goals sheet with a quota table as it came,
    ``reps`` fills Reps, ``settings`` gives settings their values (``init --from``).

    Raises ``WriteRefused`` when ``path`` exists, is not .xlsx/.xlsm, or cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise WriteRefused(f"{path.name}: a template must be an .xlsx file; give a name "
                           "ending in .xlsx.")
    if path.exists() or path.is_symlink():
        raise WriteRefused(f"{path} already exists; goalreport init never overwrites a file. "
                           "Give a new file name, or move the old file away first.")
    if not path.parent.is_dir():
        raise WriteRefused(f"{path.parent} is not a folder; create it first.")
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        _write(partial, example, goals, reps, settings or {})
        try:
            os.link(partial, path)  # fails if path appeared meanwhile: never overwrite
        finally:
            partial.unlink(missing_ok=True)
    except FileExistsError:
        raise WriteRefused(f"{path} already exists; goalreport init never overwrites a "
                           "file.") from None
    except OSError as error:
        raise WriteRefused(f"{path}: cannot write the template ({error.strerror or error}).") \
            from None


def _write(path: Path, example: bool, goals: tuple[list[Any], list[list[Any]]] | None = None,
           reps: list[list[Any]] | None = None, settings: dict[str, str] | None = None) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    money_format = book.add_format({"num_format": "#,##0.00"})
    _instructions(book, title, bold, wrap)
    rows = _example_rows() if example else {}
    if reps is not None:
        width = len(TEMPLATE_COLUMNS["Reps"])
        rows["Reps"] = [[*rep, *[None] * (width - len(rep))] for rep in reps]
    for spec in (REPS, MANAGERS, GOALS, ACTIVITY):
        if spec is GOALS and goals is not None:
            _table_sheet(book, spec.title, goals[0], goals[1], bold, date_format)
            continue
        _data_sheet(book, spec, rows.get(spec.title, []), bold, date_format, money_format)
    _settings(book, bold, example, settings or {})
    for spec in (SEASONALITY, HOLIDAYS, TIME_OFF, PIPELINE, STAGES):
        _data_sheet(book, spec, rows.get(spec.title, []), bold, date_format, money_format)
    book.close()


def _instructions(book: Any, title: Any, bold: Any, wrap: Any) -> None:
    sheet = book.add_worksheet("Instructions")
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 90, wrap)
    sheet.write(0, 0, "How to fill in this workbook", title)
    lines = [
        ("Fill in Reps, Goals and Settings, then log Activity as it happens. Run "
        "`goalreport check` on the file to list anything to fix, and `goalreport run` each "
        "month for the plans and reports."),
        ("Names of sheets and columns may be in any case and columns in any order; extra "
        "columns and sheets are left alone. Do not rename the sheets Plan, Weekly Plan, "
        "Progress, Team Summary and Run Log: goalreport writes those."),
        ("Goals in the shape you keep them: besides a New and a Repeat Client Target per "
         "rep and year, the Goals sheet takes your own quota table pasted as it is, header "
         "row included: one total per rep and year (Quota, Target, Goal, Budget; with New "
         "Share to split it), a row per rep and month or quarter (Month 2026-03, Quarter "
         "2026-Q1, a quota start date), or a column per month or quarter (Jan … Dec, Q1 … "
         "Q4), with an Effective From column for targets revised in the year. `goalreport "
         "check` says how it read it and which months each quarter covers; `goalreport init "
         "NEW.xlsx --from quotas.csv` starts a workbook from such a table."),
        ("Deals from your CRM: export the closed deals (Salesforce, HubSpot, Pipedrive, Zoho "
         "or Odoo) and paste the export, header row included, into a new sheet of any name; "
         "or keep the file beside this workbook and add --deals FILE. Won and lost deals "
         "count as if typed into Activity (keep leads, meetings and focus there). Owners "
         "must match a rep's Rep ID, Name or Email, or a 'CRM ID' column you add to Reps. "
         "`goalreport check` says what it recognised."),
        ("Open deals: list the deals not yet won or lost on the Pipeline sheet (and, on "
         "Stages, each stage's probability and forecast category). The reports then say "
         "where each rep is landing, how well the open deals cover what is still to win, "
         "and how much more pipeline is needed. Leave it empty to do without."),
    ]
    row = 2
    for line in lines:
        sheet.merge_range(row, 0, row, 1, line, wrap)
        sheet.set_row(row, 60)
        row += 1
    row += 1
    for name, text in SHEET_HELP.items():
        sheet.write(row, 0, name, bold)
        sheet.write(row, 1, text, wrap)
        row += 1
        columns = TEMPLATE_COLUMNS.get(name, ())
        for column in columns:
            sheet.write(row, 0, f"  {column}")
            sheet.write(row, 1, COLUMN_HELP.get((name, column), ""), wrap)
            row += 1
        if name == "Settings":
            for setting in SETTING_SPECS:
                sheet.write(row, 0, f"  {setting.title}")
                sheet.write(row, 1, setting.help, wrap)
                row += 1
        row += 1
    sheet.write(row, 0, "Activity types", bold)
    sheet.write(row, 1, "; ".join(f"{kind}: also {', '.join(words)}"
                                  for kind, words in ACTIVITY_TYPES.items()), wrap)


def _data_sheet(book: Any, spec: SheetSpec, rows: list[list[Any]], bold: Any,
                date_format: Any, money_format: Any) -> None:
    sheet = book.add_worksheet(spec.title)
    columns = TEMPLATE_COLUMNS[spec.title]
    for index, column in enumerate(columns):
        sheet.write(0, index, column, bold)
        width = max(len(column) + 4, 12)
        key = (spec.title, column)
        cell_format = date_format if key in DATE_COLUMNS else (
            money_format if key in MONEY_COLUMNS else None)
        sheet.set_column(index, index, width + (6 if column in ("Notes", "Email") else 0),
                         cell_format)
        help_text = COLUMN_HELP.get(key)
        if help_text:
            sheet.write_comment(0, index, help_text)
        _validation(sheet, spec.title, column, index)
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values):
            key = (spec.title, columns[index])
            if value is None:
                continue
            if isinstance(value, date):
                sheet.write_datetime(number, index, value, date_format)
            elif key in MONEY_COLUMNS:
                sheet.write_number(number, index, value, money_format)
            else:
                sheet.write(number, index, value)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _validation(sheet: Any, title: str, column: str, index: int) -> None:
    choices = {
        ("Activity", "Type"): list(ACTIVITY_TYPES),
        ("Activity", "Client Type"): ["new", "repeat"],
        ("Reps", "Active"): ["yes", "no"],
        ("Pipeline", "Forecast Category"): CATEGORIES,
        ("Stages", "Forecast Category"): CATEGORIES,
    }.get((title, column))
    if choices is not None:
        sheet.data_validation(1, index, TEMPLATE_ROWS, index, {
            "validate": "list", "source": choices, "error_type": "warning",
            "error_title": f"{column}", "error_message": f"Use one of: {', '.join(choices)}.",
        })
    elif (title, column) in DATE_COLUMNS:
        sheet.data_validation(1, index, TEMPLATE_ROWS, index, {
            "validate": "date", "criteria": ">", "value": date(1990, 1, 1),
            "error_type": "warning", "error_message": "Write a date, such as 2026-03-05.",
        })


def _table_sheet(book: Any, title: str, header: list[Any], rows: list[list[Any]], bold: Any,
                 date_format: Any) -> None:
    """A sheet holding a table as it came: its header row, then its rows (numbers as
    numbers, dates as dates, text as text, never a formula)."""
    sheet = book.add_worksheet(title)
    for number, values in enumerate([header, *rows]):
        for index, value in enumerate(values):
            if value is None:
                continue
            style = bold if number == 0 else None
            if isinstance(value, datetime):
                sheet.write_datetime(number, index, value, date_format)
            elif isinstance(value, date):
                sheet.write_datetime(number, index, datetime.combine(value, datetime.min.time()),
                                     date_format)
            elif isinstance(value, bool):
                sheet.write_boolean(number, index, value)
            elif isinstance(value, int | float):
                sheet.write_number(number, index, value, style)
            else:
                sheet.write_string(number, index, str(value), style)
    for index, value in enumerate(header):
        sheet.set_column(index, index, max(len(str(value or "")) + 4, 12))
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), max(len(header) - 1, 0))


def _settings(book: Any, bold: Any, example: bool, given: dict[str, str] | None = None
              ) -> None:
    sheet = book.add_worksheet("Settings")
    sheet.write_row(0, 0, ["Setting", "Value", "What it means"], bold)
    sheet.set_column(0, 0, 28)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, 2, 80)
    values = {"company": "Example Co", "holiday_country": "US",
              "as_of": "2026-06-30", "manager_email": "sam.boss@example.com"} if example else {}
    values.update(given or {})
    for row, setting in enumerate(SETTING_SPECS, start=1):
        sheet.write(row, 0, setting.title)
        value = values.get(setting.key, setting.default)
        if value and value.replace(".", "", 1).isdigit():
            sheet.write_number(row, 1, float(value))
        elif value:
            sheet.write_string(row, 1, value)
        sheet.write(row, 2, setting.help)
    sheet.freeze_panes(1, 0)
