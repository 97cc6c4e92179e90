"""A small company with a manager tree, territories and regions, for the roll-up tests.

Goal year 2026, Mon–Fri, no holidays, As Of 2026-06-30. 2026 has 261 weekdays and its
first half 129 (Jan 22, Feb 20, Mar 22, Apr 22, May 21, Jun 22), so a target of k × 26,100
plans exactly 100 × k a working day and k × 12,900 by As Of.

    Vera Park (V1, Managers sheet, the top)
    ├── Ana Lima (R1, a rep who manages)        North  EMEA   Alpha  target 52,200
    │   ├── Ben Ode (R2, a rep who manages)     North  EMEA   Alpha  target 26,100
    │   │   └── Eva Novak (R5)                  —      —      Beta   target 26,100
    │   └── Chloé Martin (R3)                   South  EMEA   Alpha  target 26,100
    └── Omar Haddad (M2, Managers sheet)
        └── Dev Patel (R4)                      South  AMER   Beta   target 78,300
    Femi Adeyemi (R6, no manager)               —      AMER   Beta   target 52,200

Won by As Of: R1 30,000; R2 10,000; R3 12,900; R4 20,000; R5 6,450; R6 nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from conftest import write_workbook

AS_OF = dt.date(2026, 6, 30)
#: Rep ID → (Name, Manager cell, Territory, Region, Team, k (target = k × 26,100), won).
REPS: dict[str, tuple[str, str, str, str, str, int, int]] = {
    "R1": ("Ana Lima", "V1", "North", "EMEA", "Alpha", 2, 30_000),
    "R2": ("Ben Ode", "Ana Lima", "North", "EMEA", "Alpha", 1, 10_000),
    "R3": ("Chloé Martin", "R1", "South", "EMEA", "Alpha", 1, 12_900),
    "R4": ("Dev Patel", "M2", "South", "AMER", "Beta", 3, 20_000),
    "R5": ("Eva Novak", "r2", "", "", "Beta", 1, 6_450),
    "R6": ("Femi Adeyemi", "", "", "AMER", "Beta", 2, 0),
}


def company_sheets() -> dict[str, list[list[Any]]]:
    reps: list[list[Any]] = [["Rep ID", "Name", "Email", "Team", "Manager", "Territory",
                              "Region"]]
    goals: list[list[Any]] = [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                               "Avg Deal Size"]]
    activity: list[list[Any]] = [["Date", "Rep ID", "Type", "Client", "Client Type",
                                  "Amount"]]
    for rep_id, (name, manager, territory, region, team, k, amount) in REPS.items():
        email = name.split()[0].lower().replace("é", "e") + "@example.com"
        reps.append([rep_id, name, email, team, manager or None, territory or None,
                     region or None])
        goals.append([rep_id, 2026, 13_050 * k, 13_050 * k, 1000])
        if amount:
            activity.append([dt.date(2026, 3, 2), rep_id, "won", f"Client {rep_id}", "new",
                             amount])
    return {
        "Reps": reps,
        "Managers": [["Manager ID", "Name", "Email", "Reports To", "Territory"],
                     ["V1", "Vera Park", "vera@example.com", None, "Europe and Americas"],
                     ["M2", "Omar Haddad", "omar@example.com", "Vera Park", "Americas"]],
        "Goals": goals,
        "Activity": activity,
        "Settings": [["Setting", "Value"], ["Company", "Tree Co"], ["As Of", AS_OF],
                     ["Manager Email", "ceo@example.com"]],
    }


def company_workbook(path: Path) -> Path:
    return write_workbook(path, company_sheets())
