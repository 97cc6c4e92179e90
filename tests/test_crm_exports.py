"""CRM deal exports pasted into the workbook or given with --deals count like Activity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import find_problems, write_workbook
from crm_exports import (
    DEALS,
    EXPORTS,
    REP_IDS,
    D,
    base_sheets,
    export_rows,
    typed_activity,
)

from goalreport.cli import cli
from goalreport.errors import InputProblems, Problem, UnreadableWorkbook
from goalreport.jobs import JobOptions, check_workbook, run_job
from goalreport.workbook.reader import read_workbook

TODAY = dt.date(2026, 11, 27)


def computed_sheets(path: Path, deals: tuple[Path, ...] = ()) -> dict[str, list[tuple]]:
    """Progress and Team Summary as written into a copy of ``path``, read back."""
    copy = path.with_name(f"{path.stem}-out.xlsx")
    options = JobOptions(today=TODAY, now=dt.datetime(2026, 11, 27, 9, 0), render=False,
                         write_plan=False, output_workbook=copy, deals=deals)
    run_job(path, options)
    book = openpyxl.load_workbook(copy, read_only=True)
    return {name: list(book[name].iter_rows(values_only=True))
            for name in ("Progress", "Team Summary")}


def first(rows: list[tuple], like: list[tuple]) -> list[tuple]:
    """``rows`` cut to the width of ``like``'s (the columns an export's open deals add
    at the end left out)."""
    width = len(like[0])
    return [row[:width] for row in rows]


@pytest.fixture
def typed(tmp_path: Path) -> dict[str, list[tuple]]:
    """The computed sheets of the workbook where the deals were typed into Activity."""
    return computed_sheets(write_workbook(tmp_path / "typed.xlsx",
                                          base_sheets(typed_activity())))


@pytest.mark.slow
@pytest.mark.parametrize("crm", list(EXPORTS))
def test_a_pasted_export_counts_as_the_same_deals_typed(crm: str, tmp_path: Path,
                                                         typed: dict[str, list[tuple]]) -> None:
    sheet, _header, _row, title = EXPORTS[crm]
    sheets = base_sheets()
    sheets[sheet] = export_rows(crm)
    path = write_workbook(tmp_path / "pasted.xlsx", sheets)
    pasted = computed_sheets(path)
    # The export's open deal adds the pipeline columns at the end: the rest is the same.
    assert first(pasted["Progress"], typed["Progress"]) == typed["Progress"]
    assert first(pasted["Team Summary"], typed["Team Summary"]) == typed["Team Summary"]
    # Lost deals are in no computed sheet: the per-day records are compared too.
    assert read_workbook(path).activity == read_workbook(tmp_path / "typed.xlsx").activity
    # The typed deals win something: the comparison is not between two empty sheets.
    assert any(isinstance(v, float | int) and v >= 4500 for row in typed["Progress"][1:]
               for v in row)
    inferred = crm in ("pipedrive", "odoo")
    # The open deal: Pipedrive's and Odoo's exports here give it no close date (no
    # Expected close date / Expected Closing column), so it is left out of the pipeline.
    dated = crm not in ("pipedrive", "odoo")
    line = (f"{title}, 5 rows: 3 won, 1 lost, 1 open"
            + ("" if dated else "; 1 open deal without a close date left out of the pipeline")
            + ("; new vs repeat inferred for 3 won deals (repeat when the same client won "
               "earlier)" if inferred else ""))
    note = (". Note: lost opportunities are archived in Odoo and left out of a default "
            "export: to count them, filter on Archived (or Lost) before exporting"
            if crm == "odoo" else "")
    pipeline = [Problem("Pipeline", f"1 open deal (1 from Sheet {sheet!r}); probability: "
                        "the rep's close rate for 1; 1 slipped (close date before As Of "
                        "2026-06-30), counted apart.", "info")] if dated else []
    assert check_workbook(path, today=TODAY) == [
        Problem(f"Sheet {sheet!r}", f"{line}{note}.", "info"), *pipeline]


def test_check_prints_what_it_recognised_as_an_info_line(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["SF export Nov"] = export_rows("salesforce_report")
    path = write_workbook(tmp_path / "team.xlsx", sheets)
    result = CliRunner().invoke(cli, ["check", str(path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        ("Sheet 'SF export Nov': Salesforce opportunities report, 5 rows: 3 won, 1 lost, "
         "1 open."),
        ("Pipeline: 1 open deal (1 from Sheet 'SF export Nov'); probability: the rep's close "
         "rate for 1; 1 slipped (close date before As Of 2026-06-30), counted apart."),
        f"{path}: no problems found.",
    ]


def test_a_double_paste_counts_each_deal_once(tmp_path: Path,
                                              typed: dict[str, list[tuple]]) -> None:
    """Last week's export, then this week's below it with its header row: the deals
    both hold (same Record ID) count once, and the header row is not an error."""
    rows = export_rows("hubspot")
    sheets = base_sheets()
    sheets["HubSpot deals"] = [*rows[:4], [], *rows[:1], *rows[2:]]
    path = write_workbook(tmp_path / "twice.xlsx", sheets)
    assert first(computed_sheets(path)["Progress"], typed["Progress"]) == typed["Progress"]
    assert check_workbook(path, today=TODAY)[0] == Problem(
        "Sheet 'HubSpot deals'", "HubSpot deals export, 7 rows: 3 won, 1 lost, 1 open; 2 "
        "repeated (record already read) counted once.", "info")


def test_an_export_without_record_ids_counts_identical_rows_once(tmp_path: Path) -> None:
    rows = [row[:-1] for row in export_rows("salesforce_report")]  # no Opportunity ID
    sheets = base_sheets()
    sheets["SF"] = [*rows, *rows[1:3]]
    data = read_workbook(write_workbook(tmp_path / "no-ids.xlsx", sheets))
    assert sum(day.won for day in data.activity) == 3
    assert data.notes[0].message.endswith(
        "; 2 repeated (same owner, client, deal name, close date, amount and stage) counted "
        "once.")


def test_unknown_owners_are_named_with_cells_and_a_near_match(tmp_path: Path) -> None:
    """'Ana Lina' is most likely 'Ana Lima' mistyped: an input problem. 'Carla Ruiz' is
    another person (another team, a leaver): her deal is left out with a warning."""
    deals = (DEALS[0], D("2001", "Ana Lina", dt.date(2026, 3, 6), "Zeta Corp", "won", 10,
                         "new"),
             D("2002", "Carla Ruiz", dt.date(2026, 3, 7), "Zeta Corp", "lost", 10, ""),
             D("2003", "Ana Lina", dt.date(2026, 3, 8), "Zeta Corp", "won", 10, "new"))
    sheets = base_sheets()
    sheets["deals"] = export_rows("hubspot", deals)
    errors, warnings = find_problems(write_workbook(tmp_path / "owners.xlsx", sheets))
    assert errors == [
        Problem("deals!E3", "deal owner 'Ana Lina' (also in deals!E5) is not a rep: no Rep "
                "ID, Name or Email on the Reps sheet matches (reps: Ana Lima (R1), Ben Ode "
                "(R2)). Did you mean 'Ana Lima'? Add the rep, or write their name as the CRM "
                "spells it."),
    ]
    assert warnings == [
        Problem("deals!E4", "deal owner 'Carla Ruiz' is not a rep: 1 deal left out. Add "
                "them to the Reps sheet to count them, or set Other Owners to error in "
                "Settings to stop instead.", "warning"),
    ]


def test_owners_match_by_email_and_crm_id_ignoring_case_and_spaces(tmp_path: Path) -> None:
    deals = (D("1", "ANA@acme.test", dt.date(2026, 3, 5), "Zeta", "won", 100, "new"),
             D("2", " ben  ode ", dt.date(2026, 3, 5), "Zeta", "won", 200, "new"))
    sheets = base_sheets()
    sheets["deals"] = export_rows("hubspot", deals)
    data = read_workbook(write_workbook(tmp_path / "emails.xlsx", sheets))
    won = {(day.rep_id, day.won_new_amount) for day in data.activity if day.won}
    assert {(rep, str(amount)) for rep, amount in won} == {("R1", "100.00"),
                                                           ("R2", "200.00")}


def test_an_owner_id_in_no_crm_id_is_a_problem(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["Reps"] = [row[:4] for row in sheets["Reps"]]  # no CRM ID column
    sheets["extract"] = export_rows("salesforce_loader")
    errors, _ = find_problems(write_workbook(tmp_path / "ids.xlsx", sheets))
    # D6 is the open deal's owner: open deals count for the pipeline.
    assert errors[0] == Problem(
        "extract!D2", "owner ID '0055g00000AnaLAAA' (also in extract!D3, extract!D6) is in "
        "no rep's CRM ID. Add a 'CRM ID' column to the Reps sheet with each rep's CRM user "
        "ID, or export the owner's name.")


def test_unknown_closed_stages_are_listed_once_and_settings_can_name_them(
        tmp_path: Path) -> None:
    rows = export_rows("zoho")
    rows[3][5] = "Closed - Lost to competitor"  # the lost deal, D3 on its sheet
    rows[2][5] = "Closed (paid)"
    rows.append([*rows[2][:5], "Closed (paid)", *rows[2][6:]])
    rows[-1][0] = "zcrm_extra"
    sheets = base_sheets()
    sheets["Deals"] = rows
    path = write_workbook(tmp_path / "stages.xlsx", sheets)
    errors, warnings = find_problems(path)
    assert errors == []
    # 'Closed - Lost to competitor' holds the word lost: read as lost (said by check).
    assert warnings == [
        Problem("Deals!F3", "stage 'Closed (paid)' (also in Deals!F7) looks closed but is "
                "neither a won nor a lost stage, so these deals count as open. If it means "
                "won or lost, add it to 'Won Stages' or 'Lost Stages' in Settings.", "warning"),
    ]
    sheets["Settings"] += [["Won Stages", "Closed (paid); Signed"],
                           ["Lost Stages", "closed - lost to competitor"]]
    data = read_workbook(write_workbook(tmp_path / "named.xlsx", sheets))
    assert data.warnings == ()
    assert data.notes[0].message == "Zoho CRM deals export, 6 rows: 4 won, 1 lost, 1 open."


def test_another_currency_is_a_problem_naming_the_cells(tmp_path: Path) -> None:
    rows = export_rows("zoho")
    rows[1][9] = "EUR"
    sheets = base_sheets()
    sheets["Deals"] = rows
    with pytest.raises(InputProblems) as raised:
        read_workbook(write_workbook(tmp_path / "eur.xlsx", sheets))
    assert raised.value.problems == (Problem(
        "Deals!I2", "'1200' is in EUR (Deals!J2 says 'EUR'); this workbook counts USD "
        "(Settings Currency). Convert it, or change Currency. Salesforce and HubSpot can "
        "export the amounts converted to the company currency. Or add a rate for EUR in "
        "force on 2026-03-05 to the 'Exchange Rates' sheet (Currency, Rate, From)."),)


def test_a_deal_typed_and_pasted_counts_once_with_a_warning(
        tmp_path: Path, typed: dict[str, list[tuple]]) -> None:
    """A manager moving from typing to pasting: two deals still typed on Activity."""
    sheets = base_sheets(typed_activity()[:2])
    sheets["SF export Nov"] = export_rows("salesforce_report")
    path = write_workbook(tmp_path / "both.xlsx", sheets)
    assert first(computed_sheets(path)["Progress"], typed["Progress"]) == typed["Progress"]
    notes = [note for note in check_workbook(path, today=TODAY) if note.where != "Pipeline"]
    assert notes == [
        Problem("Sheet 'SF export Nov'", "Salesforce opportunities report, 5 rows: 3 won, "
                "1 lost, 1 open; 2 also typed on the Activity sheet counted once.",
                "info"),
        Problem("SF export Nov!A2", "2 deals of Sheet 'SF export Nov' are also typed on the "
                "Activity sheet (same rep, date, client and amount; first: Activity row 4) "
                "and counted once. Delete the typed rows once you paste exports.", "warning"),
    ]


def write_csv(path: Path, rows: list[list[Any]], *, delimiter: str, encoding: str) -> Path:
    lines = [delimiter.join("" if v is None else str(v) for v in row) for row in rows]
    path.write_bytes("\r\n".join(lines).encode(encoding))
    return path


def test_a_semicolon_csv_with_bom_through_deals(tmp_path: Path,
                                                typed: dict[str, list[tuple]]) -> None:
    """A European Pipedrive export: UTF-8 with BOM, ``;`` between fields, decimal commas,
    an accented organisation name."""
    rows = export_rows("pipedrive")
    for row in rows[1:]:
        row[4] = f"{row[4]:.2f}".replace(".", ",")
    rows[1][3] = rows[2][3] = "Zéta Corp"
    csv_path = write_csv(tmp_path / "deals-1234567-89.csv", rows, delimiter=";",
                         encoding="utf-8-sig")
    workbook = write_workbook(tmp_path / "team.xlsx", base_sheets())
    assert computed_sheets(workbook, (csv_path,))["Progress"] == typed["Progress"]  # undated
    result = CliRunner().invoke(cli, ["check", str(workbook), "--deals", str(csv_path)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "File 'deals-1234567-89.csv': Pipedrive deals export, 5 rows: 3 won, 1 lost, 1 open; "
        "1 open deal without a close date left out of the pipeline; new vs repeat inferred "
        "for 3 won deals (repeat when the same client won earlier).")


def test_a_cp1252_comma_csv_and_an_xlsx_through_deals(tmp_path: Path) -> None:
    rows = export_rows("hubspot")
    rows[1][7] = "Zéta Corp"
    csv_path = write_csv(tmp_path / "hubspot.csv", rows[:3], delimiter=",",
                         encoding="cp1252")
    xlsx = write_workbook(tmp_path / "zoho.xlsx", {"Deals": export_rows("zoho")[3:]
                                                   and [export_rows("zoho")[0],
                                                        *export_rows("zoho")[3:5]]})
    data = read_workbook(write_workbook(tmp_path / "team.xlsx", base_sheets()),
                         (csv_path, xlsx))
    assert [note.where for note in data.notes] == ["File 'hubspot.csv'",
                                                   "File 'zoho.xlsx', sheet 'Deals'"]
    assert sum(day.won for day in data.activity) == 3
    assert sum(day.lost for day in data.activity) == 1


def test_a_deals_file_that_is_no_export_is_a_problem(tmp_path: Path) -> None:
    other = write_csv(tmp_path / "budget.csv", [["Month", "Budget"], ["Jan", "100"]],
                      delimiter=",", encoding="utf-8")
    workbook = write_workbook(tmp_path / "team.xlsx", base_sheets())
    errors, _ = find_problems(workbook, (other,))
    assert errors == [Problem(
        "budget.csv", "holds no CRM export goalreport recognises (its header row should be "
        "one of: Salesforce opportunities (API field names), Pipedrive deals export, "
        "HubSpot deals export, Bigin deals export, Zoho CRM deals export, Salesforce "
        "opportunities report, Odoo CRM opportunities export, deals table, Pipedrive "
        "activities export, HubSpot meetings export, Salesforce opportunity splits). Export "
        "the report with its header row, as it comes; see docs/crm-exports.md.")]


def test_a_stage_both_won_and_lost_is_a_problem(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["Settings"] += [["Won Stages", "Signed, Booked"], ["Lost Stages", "Dead; booked"]]
    errors, _ = find_problems(write_workbook(tmp_path / "both.xlsx", sheets))
    assert errors == [Problem("Settings!B5", "'booked' is in both Won Stages and Lost "
                              "Stages. Keep it in the one it means.")]


def test_init_explains_how_to_paste_an_export(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    CliRunner().invoke(cli, ["init", str(path)], catch_exceptions=False)
    sheet = openpyxl.load_workbook(path)["Instructions"]
    text = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "paste the export, header row included, into a new sheet of any name" in text
    assert "add --deals FILE" in text


def test_unknown_sheets_are_judged_by_their_top_rows_without_loading_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A formatted report's title lines above the header are passed over; a sheet of
    other data is never loaded (calamine would parse all of it)."""
    from goalreport.workbook.rawcells import Book

    sheets = base_sheets()
    sheets["Notes"] = [["Quarter", "Comment"], *[[f"Q{i % 4 + 1}", "x" * 20]
                                                 for i in range(200)]]
    title = ["Opportunities Closed This Year"], ["Filtered By: Close Date = THIS YEAR"], []
    sheets["SF export Nov"] = [*title, *export_rows("salesforce_report")]
    loaded: list[str] = []
    rows = Book.rows

    def spy(self: Book, name: str):  # type: ignore[no-untyped-def]
        loaded.append(name)
        return rows(self, name)

    monkeypatch.setattr(Book, "rows", spy)
    data = read_workbook(write_workbook(tmp_path / "titled.xlsx", sheets))
    assert "Notes" not in loaded
    assert data.notes[0].message.startswith("Salesforce opportunities report, 5 rows: 3 won")


def test_top_rows_read_from_the_xml_equal_calamine_on_real_workbooks(corpus: Path) -> None:
    from goalreport.workbook.rawcells import Book
    from goalreport.workbook.values import is_blank

    checked = 0
    for path in sorted((corpus / "preserve").glob("*.xls[xm]")):
        try:
            book = Book(path)
            names = book.sheet_names
        except UnreadableWorkbook:  # a file calamine refuses is not this test's
            continue
        for name in names:
            try:
                full = [[None] * first + list(values) for _n, first, values in book.rows(name)
                        if not all(is_blank(v) for v in values)][:3]
            except UnreadableWorkbook:
                continue
            top = book.first_rows(name, 3)
            assert top is not None, (path.name, name)
            for quick, slow in zip(top, full, strict=False):
                texts = {i: v for i, v in enumerate(slow) if isinstance(v, str) and v.strip()}
                assert {i: quick[i] if i < len(quick) else None for i in texts} == texts, (
                    path.name, name)
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(("header", "key"), [
    (["Opportunity", "Customer", "Sales Person", "Expected Revenue", "Stage"], "odoo"),
    (["Deal - Title", "Deal - Owner", "Deal - Status"], "pipedrive"),
    (["Record Id", "Deal Owner", "Deal Owner.id", "Stage", "Closing Date"], "zoho"),
    (["Record ID", "Deal owner", "Deal Stage", "Close Date"], "hubspot"),
    (["Opportunity_Owner", "STAGE", "close date (UTC)"], "salesforce_report"),
    (["Id", "OwnerId", "StageName", "CloseDate"], "salesforce_loader"),
    (["Date", "Rep ID", "Type", "Client", "Amount"], None),  # an Activity sheet
    (["Deal Owner", "Stage"], None),  # too little to be sure
])
def test_exports_are_recognised_by_their_header_row(header: list[str], key: str | None) -> None:
    from goalreport.workbook.crm.formats import recognise

    found = recognise(header)
    assert (found.key if found else None) == key


@pytest.mark.parametrize(("data", "text"), [
    ("\ufeffDeal - ID;Deal - Value\r\n1;1.200,50".encode(), "Deal - ID;Deal - Value\r\n1;1.200,50"),
    ("Zéta;€".encode(), "Zéta;€"),
    ("Zéta;€".encode("cp1252"), "Zéta;€"),
    (b"Z\x81", "Z\x81"),  # not UTF-8, undefined in Windows-1252: Latin-1
])
def test_csv_encodings(data: bytes, text: str) -> None:
    from goalreport.workbook.crm.csvfile import decode

    assert decode(data) == text


@pytest.mark.parametrize(("text", "mark"), [
    ('"Deal - ID";"Deal - Value"\n1;"1,5"', ";"), ("a,b,c\n1;2", ","), ("a\tb\n", "\t"),
    ("\n\nRecord ID\n", ","),
])
def test_csv_delimiter_is_the_one_the_header_holds_most_of(text: str, mark: str) -> None:
    from goalreport.workbook.crm.csvfile import delimiter

    assert delimiter(text) == mark


MEETINGS = [  # (owner, day, client, Pipedrive type, done, HubSpot outcome, held)
    ("Ana Lima", dt.date(2026, 3, 2), "Zeta Corp", "Meeting", "Done", "Completed", True),
    ("Ana Lima", dt.date(2026, 3, 9), "Zeta Corp", "Call", "Done", "", True),
    ("Ben Ode", dt.date(2026, 4, 1), "Yak Ltd", "Meeting", "To do", "Scheduled", False),
    ("Ben Ode", dt.date(2026, 4, 2), "Yak Ltd", "Task", "Done", "No show", False),
    ("Ben Ode", dt.date(2026, 4, 3), "Yak Ltd", "Demo", "Done", "COMPLETED", True),
]


def activities_export(crm: str) -> list[list[Any]]:
    if crm == "pipedrive":
        return [["Activity - ID", "Activity - Subject", "Activity - Type",
                 "Activity - Assigned to user", "Activity - Due date", "Activity - Done",
                 "Activity - Organization"],
                *([i, f"{kind} with {client}", kind, who, day.isoformat(), done, client]
                  for i, (who, day, client, kind, done, _o, _h) in enumerate(MEETINGS))]
    return [["Record ID", "Meeting name", "Activity assigned to", "Activity date",
             "Meeting outcome", "Associated Company"],
            *([i, f"Intro {client}", who, f"{day.isoformat()} 09:30", outcome, client]
              for i, (who, day, client, _k, _d, outcome, _h) in enumerate(MEETINGS))]


@pytest.mark.parametrize(("crm", "title"), [("pipedrive", "Pipedrive activities export"),
                                            ("hubspot", "HubSpot meetings export")])
def test_held_meetings_of_an_activities_export_count_as_meetings(
        crm: str, title: str, tmp_path: Path) -> None:
    held = [[day, REP_IDS[who], "meeting", client, None, None, None]
            for who, day, client, *_rest, was_held in MEETINGS if was_held]
    typed = computed_sheets(write_workbook(tmp_path / "typed.xlsx", base_sheets(held)))
    sheets = base_sheets()
    sheets["activities"] = activities_export(crm)
    path = write_workbook(tmp_path / "pasted.xlsx", sheets)
    assert computed_sheets(path)["Progress"] == typed["Progress"]
    assert [row[16] for row in typed["Progress"]] == ["Meetings", 2, 2]  # 1 typed + held
    assert check_workbook(path, today=TODAY) == [Problem(
        "Sheet 'activities'", f"{title}, 5 rows: 3 meetings held, 2 other (ignored).", "info")]
    # Typed as well: each meeting counts once, with a warning.
    both = write_workbook(tmp_path / "both.xlsx", {**base_sheets(held), "activities":
                                                   activities_export(crm)})
    assert computed_sheets(both)["Progress"] == typed["Progress"]
    assert check_workbook(both, today=TODAY)[1].message.startswith(
        "3 meetings of Sheet 'activities' are also typed on the Activity sheet (same rep, "
        "date, client; first: Activity row 4)")


def test_a_broken_xlsx_deals_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    """A deals .xlsx goes through the same checks as the workbook before any XML parse."""
    workbook = write_workbook(tmp_path / "team.xlsx", base_sheets(typed_activity()))
    before = workbook.read_bytes()
    broken = tmp_path / "deals.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(cli, ["plan", str(workbook), "--deals", str(broken)],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: deals.xlsx: ")
    assert workbook.read_bytes() == before


@pytest.mark.slow
def test_the_report_says_when_new_vs_repeat_was_inferred(tmp_path: Path) -> None:
    """Pipedrive has no deal type: R1's report says its split was inferred; R2, whose
    deals were typed with their client type, gets no such note."""
    import subprocess

    r1 = tuple(d for d in DEALS if d.owner == "Ana Lima")
    sheets = base_sheets([row for row in typed_activity() if row[1] == "R2"])
    sheets["pipedrive"] = export_rows("pipedrive", r1)
    path = write_workbook(tmp_path / "team.xlsx", sheets)
    options = JobOptions(today=TODAY, now=dt.datetime(2026, 11, 27, 9, 0), jobs=1,
                         output_workbook=tmp_path / "out.xlsx", out_dir=tmp_path / "reports")
    result = run_job(path, options)
    texts = {pdf.name: " ".join(subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                                               capture_output=True, text=True).stdout.split())
             for pdf in result.files}
    # The funnel's source column: the note is its first entry, on the Deals won row.
    assert "SOURCE new/repeat inferred from the clients' earlier wins default: 1 in 3" in \
        texts["R1-Ana-Lima.pdf"]
    assert "inferred" not in texts["R2-Ben-Ode.pdf"]
