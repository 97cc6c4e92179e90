"""What a manager reads — the written sheets, the first run's messages, small
words of the command line, and the cron log.

Sheets are read back with openpyxl; messages are the command line's own printed output
(click's runner, stderr not a terminal, as in cron).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from british_team import british_sheets
from chart_helpers import NS, charts_of, series
from click.testing import CliRunner, Result
from conftest import REPO, write_workbook
from crm_exports import base_sheets, export_rows

from goalreport.cli import cli
from goalreport.jobs import JobOptions, run_job

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
AS_OF = dt.date(2026, 10, 31)


def goalreport(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="goalreport",
                              catch_exceptions=False)


def british(tmp_path: Path, name: str = "uk.xlsx", **settings: object) -> Path:
    """The British team's workbook, Settings values replaced by ``settings``."""
    sheets = british_sheets()
    for row in sheets["Settings"]:
        row[1] = settings.pop(row[0].replace(" ", "_").lower(), row[1])
    sheets["Settings"] += [[key.replace("_", " ").title(), value]
                           for key, value in settings.items()]
    return write_workbook(tmp_path / name, sheets)


def report(path: Path) -> None:
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 11, 1, 9), render=False))


# --- 5. The chart data and Focus Hours in the workbook -------------------------------

@pytest.mark.parametrize(("locale", "currency", "labels"), [
    ("en_GB", "GBP", ["Apr 2026", "May 2026", "Sep 2026", "Mar 2027"]),
    ("de_DE", "EUR", ["Apr 2026", "Mai 2026", "Sep 2026", "Mär 2027"]),
])
def test_chart_data_months_are_dates_shown_in_the_locale(
        tmp_path: Path, locale: str, currency: str, labels: list[str]) -> None:
    """The goal year runs April 2026 – March 2027. Before: text cells "2026-04" … and
    the chart's months labelled "2026-04"."""
    path = british(tmp_path, locale=locale, currency=currency)
    report(path)
    _bars, line = charts_of(path)
    plan = series(line)[0]
    assert [plan["categories"][i] for i in (0, 1, 5, 11)] == labels  # type: ignore[index]
    assert line.find(".//c:catAx/c:numFmt", NS).get("formatCode") == "mmm yyyy"  # type: ignore[union-attr]
    ws = openpyxl.load_workbook(path)["Team Summary"]
    cells = ws[str(plan["cat_ref"]).split("!")[1].replace("$", "")]
    assert [row[0].value for row in cells][:2] == [dt.datetime(2026, 4, 1),
                                                  dt.datetime(2026, 5, 1)]
    assert {row[0].number_format for row in cells} == {"mmmm yyyy"}  # as Plan's Month
    assert ws.cell(cells[0][0].row - 1, 1).value == "Month"


def test_focus_hours_show_as_hours(tmp_path: Path) -> None:
    """Dev Patel (R04) logged 98 focus hours by 31 October. Before: shown as 98.00."""
    path = shutil.copyfile(SAMPLE, tmp_path / "acme.xlsx")
    report(path)
    ws = openpyxl.load_workbook(path)["Progress"]
    header = [cell.value for cell in ws[1]]
    column = header.index("Focus Hours") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "R04")
    cell = ws.cell(row, column)
    assert cell.value == 98 and cell.number_format == "General"


# --- 6. A first run without warnings ----------------------------------------------------

def test_the_template_suggests_region_codes(tmp_path: Path) -> None:
    """`init` explains Holiday Country with region codes (before: "such as US, GB or
    US-CA", and every UK workbook then warned)."""
    path = tmp_path / "team.xlsx"
    assert goalreport("init", path).exit_code == 0
    ws = openpyxl.load_workbook(path)["Settings"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Holiday Country")
    assert "GB-ENG (England)" in row[2] and "US, GB or" not in row[2]


def test_the_holiday_region_warning_is_two_lines_and_verbose_lists_the_regions(
        tmp_path: Path) -> None:
    """Holiday Country GB (no region): one warning of at most 160 characters (two lines
    of an 80-column terminal); ``--verbose`` adds what each region adds, as
    docs/input.md shows it. Before: one 700-character line on every run."""
    path = british(tmp_path, holiday_country="GB")
    result = goalreport("check", path)
    assert result.exit_code == 0
    warning, closing = result.stderr.splitlines()
    assert warning == ("Warning: Settings!B6: Holiday Country GB has no region: up to 5 "
                       "regional days off a year are working days. Write one, such as "
                       "GB-ENG (--verbose lists them).")
    assert len(warning) <= 160 and closing.endswith("no problems found (1 warning).")
    verbose = goalreport("check", path, "--verbose").stderr.splitlines()
    assert verbose[0] == warning
    detail = verbose[1]
    assert detail.startswith("  Without a region only the holidays all of GB keeps are days "
                             "off. In goal year 2026 (April 2026 – March 2027): GB-ENG and "
                             "GB-WLS add Easter Monday (6 April 2026), ")
    assert "Saint Andrew's Day (30 November 2026)" in detail
    assert detail.endswith("The regions: GB-ENG, GB-NIR, GB-SCT, GB-WLS.")
    docs = (REPO / "docs" / "input.md").read_text(encoding="utf-8")
    assert warning in docs and detail.strip() in docs


@pytest.mark.slow
def test_the_samples_first_run_prints_no_warning(tmp_path: Path) -> None:
    """The sample keeps R10, who left in the spring (Active = no), with Q1 activity: old
    activity of an inactive rep is normal and no longer warned about. Before: "Warning:
    Activity sheet: activity of inactive rep R10 (58 days) counts in team history only."
    """
    path = shutil.copyfile(SAMPLE, tmp_path / "acme.xlsx")
    checked = goalreport("check", path)
    assert checked.stderr == f"{path}: no problems found.\n"
    ran = goalreport("run", path, "--out", tmp_path / "reports", "--jobs", "1")
    assert ran.exit_code == 0 and "Warning" not in ran.stderr, ran.stderr


def test_an_inactive_rep_with_activity_in_the_report_month_is_still_named(
        tmp_path: Path) -> None:
    """R02 and R05 are marked inactive but logged a lead (6 and 9 October) and a win (14
    and 17 October) in October 2026, the report month: two days each."""
    sheets = british_sheets()
    sheets["Reps"][0].append("Active")
    for row in sheets["Reps"][1:]:
        row.append("no" if row[0] in ("R02", "R05") else "yes")
    path = write_workbook(tmp_path / "uk.xlsx", sheets)
    assert goalreport("check", path).stderr.splitlines()[0] == (
        "Warning: Activity sheet: inactive reps R02 (2 days), R05 (2 days) logged activity "
        "from 1 October 2026 (the report month) on; it counts in team history only. If they "
        "still sell, set Active to yes.")
    # November's report: their October activity is old news.
    november = goalreport("check", path, "--month", "2026-11").stderr
    assert "inactive rep" not in november and november.endswith("(1 warning).\n")


# --- 7. Small words ---------------------------------------------------------------------

def test_check_never_says_nothing_was_written(tmp_path: Path) -> None:
    sheets = british_sheets()
    sheets["Goals"][1][2] = "lots"
    result = goalreport("check", write_workbook(tmp_path / "uk.xlsx", sheets))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "1 input problem. Fix it and run check again."
    assert "nothing was written" not in result.stderr
    ran = goalreport("plan", tmp_path / "uk.xlsx")
    assert ran.stderr.splitlines()[-1] == ("1 input problem; nothing was written. Fix them "
                                           "and run again.")


def test_an_address_with_its_display_name_as_outlook_copies_it(tmp_path: Path) -> None:
    """RFC 5322's name-addr, ``display name <address>``, is how Outlook (MAPI) writes an
    Internet address with its name (https://networkdls.com/Win32Ref/Internet_(SMTP).html:
    "Nathaniel Borenstein <nsb@bellcore.com>"; https://askleo.com/why_are_email_addresses_
    sometimes_in_anglebrackets). The address is read and the name left out; a name that
    is not the rep's is a warning, since that rep's numbers are mailed there."""
    sheets = british_sheets()
    sheets["Reps"][1][1:3] = ["Olivia Bennett", "Olivia Bennett <olivia@uk.example.com>"]
    sheets["Reps"][2][2] = '"Walsh, Ben" <ben@uk.example.com>'
    sheets["Reps"][3][2] = "Ben Walsh <ben.walsh@uk.example.com>"
    sheets["Settings"].append(["Manager Email", "Maya Chen <maya@uk.example.com>"])
    path = write_workbook(tmp_path / "uk.xlsx", sheets)
    result = goalreport("check", path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        ("Warning: Reps!C4: the address ben.walsh@uk.example.com is labelled 'Ben Walsh', "
         "but the rep is 'Chloe Patel': their report is mailed there. Check it is their "
         "address, and write the address alone to say so."),
        f"{path}: no problems found (1 warning)."]
    from goalreport.workbook.reader import read_workbook

    data = read_workbook(path)
    assert [rep.email for rep in data.reps[:2]] == ["olivia@uk.example.com",
                                                   "ben@uk.example.com"]
    assert data.settings.manager_email == "maya@uk.example.com"
    two = british_sheets()
    two["Reps"][1][2] = "Olivia <olivia@uk.example.com>, Ben <ben@uk.example.com>"
    refused = goalreport("check", write_workbook(tmp_path / "two.xlsx", two))
    assert refused.stderr.splitlines()[0] == (
        "Error: Reps!C2: 'Olivia <olivia@uk.example.com>, Ben <ben@uk.example.com>' holds "
        "more than one address: write one address per cell, or leave it empty.")


def test_the_docs_name_the_commands_that_take_deals() -> None:
    """The README's options table and docs/crm-exports.md list the commands with a
    --deals option. Before, crm-exports.md left out send."""
    takes = sorted(name for name, command in cli.commands.items()
                   if any(p.name == "deals" for p in command.params))
    assert takes == ["check", "digest", "plan", "report", "run", "send"]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `--deals FILE`"))
    assert row.split("|")[2].strip() == ", ".join(takes)
    crm = re.sub(r"\s+", " ", (REPO / "docs" / "crm-exports.md").read_text(encoding="utf-8"))
    assert "(`check`, `digest`, `plan`, `report`, `run` and `send`;" in crm
    assert "for `batch`: the folder named after the workbook beside it in the inbox, " \
        "`east.deals/` for `east.xlsx`" in crm


def test_a_file_and_a_sheet_with_the_same_deals_say_the_overlap_once(tmp_path: Path) -> None:
    """The HubSpot export pasted as a sheet and given again with --deals. Before, the
    file's line came first: "… 5 rows: 0 won, 0 lost, 0 open; 5 repeated
    (record already read) counted once."."""
    rows = export_rows("hubspot")
    sheets = base_sheets()
    sheets["HubSpot deals"] = rows
    workbook = write_workbook(tmp_path / "team.xlsx", sheets)
    csv_path = tmp_path / "hubspot.csv"
    csv_path.write_text("\r\n".join(",".join("" if v is None else str(v) for v in row)
                                    for row in rows), encoding="utf-8")
    result = goalreport("check", workbook, "--deals", csv_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        ("Sheet 'HubSpot deals': HubSpot deals export, 5 rows: 3 won, 1 lost, 1 open"
         "."),
        ("File 'hubspot.csv': HubSpot deals export, 5 rows: the same deals as Sheet "
         "'HubSpot deals', counted once.")]


# --- 8. The cron log names the warnings -------------------------------------------------

@pytest.mark.slow
def test_the_batch_log_has_a_line_with_each_workbooks_warnings(tmp_path: Path) -> None:
    """Before, the log said only "done: 8 reps…, 9 report files"; the warnings were
    behind --verbose."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    british(inbox, holiday_country="GB")
    shutil.copyfile(SAMPLE, inbox / "acme.xlsx")
    result = goalreport("batch", inbox, "--settle", "0", "--jobs", "1", "--as-of",
                        "2026-10-31", "--no-charts")
    assert result.exit_code == 0, result.stderr
    lines = [line.split(" ", 2)[2] for line in result.stderr.splitlines()]  # no stamp, pid
    done = next(i for i, line in enumerate(lines) if "'uk.xlsx': done" in line)
    assert lines[done + 1] == ("WARNING 'uk.xlsx': 1 warning: Settings!B6: Holiday Country "
                               "GB has no region (--verbose lists them)")
    assert not any("'acme.xlsx': " in line and "warning" in line for line in lines)
    verbose = goalreport("batch", inbox, "--settle", "0", "--force", "--jobs", "1",
                         "--as-of", "2026-10-31", "--no-charts", "--verbose")
    assert any(line.endswith("DEBUG 'uk.xlsx': warning: Settings!B6: Holiday Country GB "
                             "has no region: up to 5 regional days off a year are working "
                             "days. Write one, such as GB-ENG (--verbose lists them).")
               for line in verbose.stderr.splitlines())


def test_the_log_line_counts_and_names_kinds() -> None:
    from goalreport.workbook.problemlist import warnings_line

    assert warnings_line([
        ("Goals!C2: a New Client Target of 120 is less than one average deal (4,000): did "
         "you mean 120,000? Write the whole amount (such as 120000 or 120k)."),
        ("Goals!C3: a New Client Target of 130 is less than one average deal (4,000): did "
         "you mean 130,000? Write the whole amount (such as 130000 or 130k)."),
        "Goals!C4:C9: 6 more cells with the same kind of warning as Goals!C2 above.",
        ("Settings!A9: 'Favourite Colour' is not a setting goalreport knows, so it is "
         "ignored. Known settings: Company."),
    ]) == ("9 warnings: Goals!C2: a New Client Target of 120 is less than one average deal "
           "(×8); Settings!A9: 'Favourite Colour' is not a setting goalreport knows "
           "(--verbose lists them)")
