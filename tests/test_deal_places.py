"""Won deals a CRM export places in a territory: they count in that
territory's roll-up, once, and in their rep's own numbers as before.

Headers: the Salesforce opportunities report of ``crm_exports.py`` with the column a
report on opportunities adds for Sales Territories, "Territory Name" (the Territory2
object's name; Salesforce field reference, Territory2:
https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-territory2.html),
and a Pipedrive deals export with a custom field "Territory", which Pipedrive exports as
"Deal - Territory" like every deal field.

Ana Lima (R1) sells in North, Ben Ode (R2) in South. Won: Ana 1,200 (5 March) and 800
(10 April), Ben 2,500.50 (20 May).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from conftest import find_problems, format_problems, write_workbook
from crm_exports import DEALS, EXPORTS, base_sheets, typed_activity

from goalreport.core.engine import compute
from goalreport.workbook.reader import read_workbook

AS_OF = __import__("datetime").date(2026, 6, 30)


def _sheets(places: dict[str, str], *, amount_as_text: bool = False,
            typed: bool = False) -> dict[str, list[list[Any]]]:
    """The reps in North and South, and the Salesforce report with a Territory Name
    column: ``places`` gives a record's territory (the others have none)."""
    sheets = base_sheets(typed_activity() if typed else None)
    sheets["Reps"][0].append("Territory")
    sheets["Reps"][1].append("North")
    sheets["Reps"][2].append("South")
    sheet, header, row, _title = EXPORTS["salesforce_report"]
    rows = [[*header, "Territory Name"]]
    for deal in DEALS:
        cells = row(deal)
        if amount_as_text:
            cells[5] = f"${cells[5]:,.2f}"  # read row by row, not by the fast path
        rows.append([*cells, places.get(deal.record)])
    sheets[sheet] = rows
    return sheets


def _territories(path: Path) -> dict[str, tuple[int, Decimal]]:
    computation = compute(read_workbook(path), as_of=AS_OF)
    section = next(s for s in computation.sections if s.dimension == "territory")
    return {row.name: (row.reps, row.actual) for row in section.rows}


def test_a_deal_placed_in_another_territory_counts_there(tmp_path: Path) -> None:
    """Ana's 1,200 is South's (the export says so); her 800 is North's, her own. North:
    2,000 − 1,200 = 800; South: 2,500.50 + 1,200 = 3,700.50."""
    for text in (False, True):  # the fast path, and row by row
        path = write_workbook(tmp_path / f"sf-{text}.xlsx", _sheets(
            {"1001": "South", "1002": "north"}, amount_as_text=text))
        assert _territories(path) == {"North": (1, Decimal("800.00")),
                                      "South": (1, Decimal("3700.50"))}, text
        ana = compute(read_workbook(path), as_of=AS_OF).results[0]
        assert ana.progress.actual == Decimal("2000.00")  # her own numbers keep it


def test_a_deal_typed_on_activity_too_keeps_no_place(tmp_path: Path) -> None:
    """The typed Activity row is the deal that counts (the export's is dropped, with a
    warning), and Activity names no territory: North keeps Ana's 2,000."""
    path = write_workbook(tmp_path / "typed.xlsx", _sheets({"1001": "South"}, typed=True))
    assert _territories(path) == {"North": (1, Decimal("2000.00")),
                                  "South": (1, Decimal("2500.50"))}


def test_a_territory_no_rep_has_is_a_warning_and_a_node(tmp_path: Path) -> None:
    sheets = base_sheets()
    sheets["Reps"][0].append("Territory")
    sheets["Reps"][1].append("North")
    sheets["Reps"][2].append("South")
    sheets["Pipedrive deals"] = [
        ["Deal - ID", "Deal - Title", "Deal - Owner", "Deal - Status", "Deal - Value",
         "Deal - Currency of Value", "Deal - Won time", "Deal - Organization",
         "Deal - Territory"],
        [77, "Zeta renewal", "Ana Lima", "won", 1500, "USD", "2026-03-05 10:00:00", "Zeta Corp",
         "Nrth East"],
        [78, "Yak upsell", "Ben Ode", "won", 500, "USD", "2026-04-05 10:00:00", "Yak Ltd", "Nrth east"]]
    path = write_workbook(tmp_path / "pd.xlsx", sheets)
    _errors, warnings = find_problems(path)
    assert format_problems(w for w in warnings if "Territory" in w.message) == (
        "warning: Pipedrive deals!A2: Territory 'Nrth East' is no rep's Territory on the Reps "
        "sheet. Its 2 won deals count in a territory of their own in the roll-ups. Correct "
        "it in the CRM, or give the reps of 'Nrth East' that Territory.")
    assert _territories(path) == {"Nrth East": (0, Decimal("2000.00")),
                                  "North": (1, Decimal("0.00")),
                                  "South": (1, Decimal("0.00"))}
