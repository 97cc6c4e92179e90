"""The en_GB workbook of a British team: Currency GBP, Locale en_GB, fiscal year
from April, Holiday Country GB-ENG. Tests break one thing in it and pin the message."""

from __future__ import annotations

import datetime as dt
from typing import Any

NAMES = ["Alice Green", "Ben Walsh", "Chloe Patel", "Dan Hughes", "Emma Clarke",
         "Fred Osei", "Grace Kaur", "Harry O'Neill"]


def british_sheets() -> dict[str, list[list[Any]]]:
    """Eight reps (R01–R08) with goals for 2026 (April 2026 – March 2027), a year of
    history before it and won deals in pounds; As Of 31 October 2026."""
    reps = [["Rep ID", "Name", "Email", "Team"]]
    goals = [["Rep ID", "Year", "New Client Target", "Repeat Client Target",
              "Avg Deal Size"]]
    activity: list[list[Any]] = [["Date", "Rep ID", "Type", "Client", "Client Type",
                                  "Amount", "Hours"]]
    for number, name in enumerate(NAMES, start=1):
        rep_id = f"R{number:02d}"
        reps.append([rep_id, name, f"{name.split()[0].lower()}@example.co.uk",
                     "North" if number <= 4 else "South"])
        goals.append([rep_id, 2026, 60_000 + 1000 * number, 36_000, 4000])
        for month in (5, 6, 7, 8, 9, 10):
            activity.append([dt.date(2026, month, 4 + number), rep_id, "lead",
                             f"Client {number}-{month}", None, None, None])
            activity.append([dt.date(2026, month, 12 + number), rep_id, "won",
                             f"Client {number}-{month}", "new" if month % 2 else "repeat",
                             3500 + 100 * number, None])
        activity.append([dt.date(2025, 11, 3 + number), rep_id, "won", "Old client",
                         "repeat", 2000, None])  # last year's history
    settings = [["Setting", "Value"], ["Company", "Thames Valley Supplies Ltd"],
                ["Currency", "GBP"], ["Locale", "en_GB"], ["Fiscal Year Start", "April"],
                ["Holiday Country", "GB-ENG"], ["As Of", dt.date(2026, 10, 31)]]
    return {"Reps": reps, "Goals": goals, "Activity": activity, "Settings": settings}


def activity_row(sheets: dict[str, list[list[Any]]], row: int) -> list[Any]:
    """The Activity row shown as ``row`` in Excel (row 1 is the header)."""
    return sheets["Activity"][row - 1]
