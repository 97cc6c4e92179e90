"""Reading the manager tree: Reps' Manager and the Managers sheet, on a real
sales organisation and on every way the tree can be wrong (each message pinned).

The real one is AdventureWorks' sales force, pasted as a Reps sheet the way a manager
would: ``DimEmployee`` rows with SalesPersonFlag = 1 (EmployeeKey as Rep ID, FirstName +
LastName, EmailAddress, ParentEmployeeKey as Manager), their ``SalesTerritoryKey``
looked up in ``DimSalesTerritory`` (SalesTerritoryRegion as Territory,
SalesTerritoryGroup as Region). Source: Pragati1187/AdventureWorksData,
``DimEmployee.csv`` (keys 272–296) and ``DimSalesTerritory.csv``. The two people above
them who sell nothing (Brian Welcker, Vice President of Sales, key 277, and Ken Sánchez,
the CEO, key 112, his ParentEmployeeKey) are a Managers sheet.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from company_tree import company_sheets
from conftest import find_problems, format_problems, write_workbook

from goalreport.core.org import NO_TREE
from goalreport.workbook.reader import read_workbook

#: DimSalesTerritory: SalesTerritoryKey → (SalesTerritoryRegion, SalesTerritoryGroup).
TERRITORIES = {1: ("Northwest", "North America"), 2: ("Northeast", "North America"),
               3: ("Central", "North America"), 4: ("Southwest", "North America"),
               5: ("Southeast", "North America"), 6: ("Canada", "North America"),
               7: ("France", "Europe"), 8: ("Germany", "Europe"), 9: ("Australia", "Pacific"),
               10: ("United Kingdom", "Europe"), 11: ("NA", "NA")}
#: DimEmployee, SalesPersonFlag = 1: EmployeeKey, ParentEmployeeKey, SalesTerritoryKey,
#: FirstName, LastName, Title.
SALES = [
    (272, 277, 11, "Stephen", "Jiang", "North American Sales Manager"),
    (281, 272, 2, "Michael", "Blythe", "Sales Representative"),
    (282, 272, 4, "Linda", "Mitchell", "Sales Representative"),
    (283, 272, 3, "Jillian", "Carson", "Sales Representative"),
    (284, 272, 6, "Garrett", "Vargas", "Sales Representative"),
    (285, 272, 5, "Tsvi", "Reiter", "Sales Representative"),
    (286, 272, 1, "Pamela", "Ansman-Wolfe", "Sales Representative"),
    (287, 272, 4, "Shu", "Ito", "Sales Representative"),
    (288, 272, 6, "José", "Saraiva", "Sales Representative"),
    (289, 272, 1, "David", "Campbell", "Sales Representative"),
    (290, 277, 11, "Amy", "Alberts", "European Sales Manager"),
    (291, 290, 10, "Jae", "Pak", "Sales Representative"),
    (292, 290, 7, "Ranjit", "Varkey Chudukatil", "Sales Representative"),
    (293, 272, 1, "Tete", "Mensa-Annan", "Sales Representative"),
    (294, 277, 11, "Syed", "Abbas", "Pacific Sales Manager"),
    (295, 290, 8, "Rachel", "Valdez", "Sales Representative"),
    (296, 294, 9, "Lynn", "Tsoflias", "Sales Representative"),
]


def adventure_works(tmp_path: Path) -> Path:
    reps: list[list[Any]] = [["Rep ID", "Name", "Email", "Manager", "Territory", "Region"]]
    goals: list[list[Any]] = [["Rep ID", "Year", "New Client Target", "Repeat Client Target"]]
    for key, parent, territory, first, last, _title in SALES:
        name, group = TERRITORIES[territory]
        login = first.lower() + "0"
        reps.append([key, f"{first} {last}", f"{login}@adventure-works.com", parent,
                     None if name == "NA" else name, None if group == "NA" else group])
        goals.append([key, 2013, 1_000_000, 500_000])
    return write_workbook(tmp_path / "adventure-works.xlsx", {
        "Reps": reps,
        "Managers": [["Manager ID", "Name", "Email", "Reports To"],
                     [112, "Ken Sánchez", "ken0@adventure-works.com", None],
                     [277, "Brian Welcker", "brian3@adventure-works.com", 112]],
        "Goals": goals,
        "Activity": [["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"],
                     [dt.date(2013, 2, 1), 281, "won", "A Bike Store", "new", 5000]],
        "Settings": [["Setting", "Value"], ["As Of", dt.date(2013, 6, 30)]],
    })


def test_adventure_works_sales_force_reads_as_its_tree(tmp_path: Path) -> None:
    data = read_workbook(adventure_works(tmp_path))
    org = data.org
    assert [(m.name, depth) for m, depth in org.walk()] == [
        ("Ken Sánchez", 1), ("Brian Welcker", 2), ("Amy Alberts", 3), ("Stephen Jiang", 3),
        ("Syed Abbas", 3)]
    # The three regional managers are reps too (they carry a quota): their own numbers
    # count in their subtree, and they mail from their Reps Email.
    stephen = org.by_key["272"]
    assert (stephen.rep_id, stephen.email, stephen.reports_to) == (
        "272", "stephen0@adventure-works.com", "277")
    assert org.reps_under("272") == {"272", *map(str, range(281, 290)), "293"}
    assert org.reps_under("290") == {"290", "291", "292", "295"}
    assert org.reps_under("294") == {"294", "296"}
    assert len(org.reps_under("277")) == len(org.reps_under("112")) == 17
    michael = next(rep for rep in data.reps if rep.rep_id == "281")
    assert (michael.territory, michael.region) == ("Northeast", "North America")


def _problems(tmp_path: Path, edit) -> str:
    sheets = copy.deepcopy(company_sheets())
    edit(sheets)
    errors, warnings = find_problems(write_workbook(tmp_path / "tree.xlsx", sheets))
    return format_problems([*errors, *warnings])


def test_a_manager_named_nowhere_names_the_near_one(tmp_path: Path) -> None:
    def typo(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Reps"][1][4] = "Vera Prak"
        sheets["Reps"][3][4] = "vera prak"
    assert _problems(tmp_path, typo) == (
        "Reps!E2: Manager 'Vera Prak' is nobody on the Reps or Managers sheet (also in "
        "Reps!E4) — did you mean 'Vera Park'? Write the Rep ID or Name of a rep, or add a "
        "Managers sheet with a row for 'Vera Prak' (Manager ID, Name, Email, Reports To).")


def test_a_manager_named_nowhere_without_a_managers_sheet(tmp_path: Path) -> None:
    """Before: any text in Manager was taken as it came (the sample's 'Maya Chen')."""
    def no_sheet(sheets: dict[str, list[list[Any]]]) -> None:
        del sheets["Managers"]
    assert _problems(tmp_path, no_sheet).splitlines() == [
        ("Reps!E2: Manager 'V1' is nobody on the Reps or Managers sheet. Write the Rep ID or "
        "Name of a rep, or add a Managers sheet with a row for 'V1' (Manager ID, Name, "
        "Email, Reports To)."),
        ("Reps!E5: Manager 'M2' is nobody on the Reps or Managers sheet. Write the Rep ID or "
        "Name of a rep, or add a Managers sheet with a row for 'M2' (Manager ID, Name, "
        "Email, Reports To).")]


def test_a_loop_of_managers_names_its_cells(tmp_path: Path) -> None:
    def loop(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Managers"][1][3] = "M2"  # Vera reports to Omar, who reports to Vera
    assert _problems(tmp_path, loop) == (
        "Managers!D2: Manager and Reports To go round in a loop: Vera Park (V1) → Omar "
        "Haddad (M2) → Vera Park (V1) (Managers!D2:D3). Leave empty the Manager or Reports "
        "To of whoever is at the top.")


def test_a_loop_through_reps_who_manage(tmp_path: Path) -> None:
    def loop(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Reps"][1][4] = "R2"  # Ana reports to Ben, who reports to Ana
    assert _problems(tmp_path, loop) == (
        "Reps!E2: Manager and Reports To go round in a loop: Ana Lima (R1) → Ben Ode (R2) "
        "→ Ana Lima (R1) (Reps!E2:E3). Leave empty the Manager or Reports To of whoever is "
        "at the top.")


def test_a_rep_who_is_their_own_manager(tmp_path: Path) -> None:
    def own(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Reps"][3][4] = "R3"
    assert _problems(tmp_path, own) == (
        "Reps!E4: Chloé Martin (R3) is named as their own manager. Leave it empty, or write "
        "whom they report to.")


def test_a_name_two_people_share(tmp_path: Path) -> None:
    def twins(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Reps"][6][1] = "Ben Ode"  # R6 is a second Ben Ode
        sheets["Reps"][5][4] = "ben ode"
    assert _problems(tmp_path, twins) == (
        "Reps!E6: Manager 'ben ode' is the name of R2 (Reps row 3) and R6 (Reps row 7). "
        "Write the ID of the one you mean.")


def test_a_managers_row_with_a_reps_id_must_be_that_rep(tmp_path: Path) -> None:
    def clash(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Managers"].append(["R4", "Dave Patterson", None, "V1", None])
    assert _problems(tmp_path, clash) == (
        "Managers!B4: Manager ID 'R4' is the Rep ID of Dev Patel (Reps row 5), but this "
        "row's Name is 'Dave Patterson'. Give this manager an ID no rep has, or write the "
        "rep's own name if it is the same person.")


def test_two_managers_for_one_rep(tmp_path: Path) -> None:
    """Ana (R1) is on the Managers sheet too, reporting to Omar there but to Vera on
    Reps."""
    def both(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Managers"].append(["R1", "Ana Lima", "ana.lima@example.com", "M2", None])
    assert _problems(tmp_path, both) == (
        "Reps!E2: Ana Lima reports to 'V1' here but to 'M2' in Managers!D4. Write the same "
        "manager in both, or leave one of them empty.")


def test_a_rep_on_the_managers_sheet_mails_from_there(tmp_path: Path) -> None:
    sheets = copy.deepcopy(company_sheets())
    sheets["Managers"].append(["r1", "Ana Lima", "ana.lima@example.com", "V1", "North"])
    org = read_workbook(write_workbook(tmp_path / "tree.xlsx", sheets)).org
    ana = org.by_key["r1"]
    assert (ana.manager_id, ana.email, ana.territory, ana.reports_to, ana.rep_id) == (
        "R1", "ana.lima@example.com", "North", "v1", "R1")


def test_a_manager_with_no_one_below_is_a_warning(tmp_path: Path) -> None:
    def lone(sheets: dict[str, list[list[Any]]]) -> None:
        sheets["Managers"].append(["M9", "Zed Ali", "zed@example.com", "V1", None])
    assert _problems(tmp_path, lone) == (
        "warning: Managers row 4: Zed Ali (M9) has no one reporting to them, so gets no "
        "summary. Name them in a rep's Manager or a manager's Reports To, or remove the row.")


def test_no_manager_anywhere_is_no_tree(tmp_path: Path) -> None:
    sheets = copy.deepcopy(company_sheets())
    del sheets["Managers"]
    for row in sheets["Reps"][1:]:
        row[4] = None
    data = read_workbook(write_workbook(tmp_path / "flat.xlsx", sheets))
    assert data.org is NO_TREE
