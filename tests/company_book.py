"""A company workbook of the size and mess of a real one (regions, territories,
managers), built from a seed:
Northwind Trading, ~200 reps in 3 regions and 12 territories, 3 segments, a manager
tree of 4 levels (a VP of Sales, 3 regional VPs, 12 area managers on the Managers sheet,
then team leads who are reps themselves), fiscal year from February, quarterly quotas in
Goals (long: Rep ID, Quarter, Quota) with own quotas for the regions, two territories and
the regional VPs, ten months of Activity and a pasted Salesforce report for EMEA.

Typed as people type: some Manager cells by name instead of ID, a territory spelt in two
capitalisations, a rep with no territory, an inactive rep, a rep reporting straight to
an area manager, two reps who report to no one.

``build(path)`` writes it (openpyxl) and returns what a test needs to check goalreport
against its own arithmetic: the people, who reports to whom, and every won deal.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from conftest import write_workbook

AS_OF = dt.date(2026, 10, 15)
SEED = 26
FIRST = ["Ana", "Ben", "Chloé", "Dev", "Eva", "Femi", "Gina", "Hiro", "Ines", "Jon", "Kira",
         "Luis", "Maya", "Noor", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma",
         "Viktor", "Wen", "Ximena", "Yusuf", "Zoe", "Aiko", "Bruno", "Carla", "Dmitri"]
LAST = ["Lima", "Ode", "Martin", "Patel", "Novak", "Adeyemi", "Rossi", "Tanaka", "Duarte",
        "Berg", "Okafor", "García", "Chen", "Haddad", "Schmidt", "O'Neill", "Kowalski",
        "Nguyen", "Silva", "Müller", "Dubois", "Sato", "Kim", "Larsen", "Moreau", "Ivanova",
        "Costa", "Fischer", "Yilmaz", "Andersson"]
#: Region → (its VP, its territories: name → area manager).
REGIONS: dict[str, tuple[str, dict[str, str]]] = {
    "AMER": ("Alicia Reyes", {"US West": "Brett Cole", "US East": "Dana Price",
                              "Canada": "Eli Martin", "Brazil": "Fabiana Souza"}),
    "EMEA": ("Gunnar Holm", {"UK & Ireland": "Harriet Shaw", "DACH": "Ingo Weber",
                             "France": "Julie Lefèvre", "Nordics": "Kasper Lund"}),
    "APAC": ("Leah Tan", {"ANZ": "Mick Walsh", "Japan": "Naoko Ito", "India": "Omkar Rao",
                          "Southeast Asia": "Pim Chai"}),
}
SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
QUARTERS = ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")  # FY from February: Feb–Apr …


@dataclass
class Person:
    key: str
    name: str
    email: str
    #: Manager ID (or, typed by name, the name) as the Reps/Managers cell says.
    manager_cell: str
    #: The key of the person above (None at the top or for no one).
    above: str | None
    territory: str = ""
    region: str = ""
    segment: str = ""
    team: str = ""
    active: bool = True
    is_rep: bool = True
    #: Quarterly quotas.
    quotas: tuple[int, ...] = ()


@dataclass
class Company:
    people: dict[str, Person] = field(default_factory=dict)
    #: (rep key, day, amount) of every won deal, whichever sheet it is on.
    won: list[tuple[str, dt.date, int]] = field(default_factory=list)

    @property
    def reps(self) -> list[Person]:
        return [p for p in self.people.values() if p.is_rep]

    def subtree(self, key: str) -> set[str]:
        """Active reps at or below ``key``: walked here, independently of goalreport."""
        found = set()
        for person in self.people.values():
            walk: str | None = person.key
            while walk is not None:
                if walk == key:
                    if person.is_rep and person.active:
                        found.add(person.key)
                    break
                walk = self.people[walk].above
        return found


def _address(name: str) -> str:
    plain = name.lower().replace("é", "e").replace("è", "e").replace("ü", "u").replace(
        "í", "i").replace("'", "").replace(" ", ".")
    return f"{plain}@northwind.example"


def company() -> Company:
    rng = random.Random(SEED)
    co = Company()
    vp = Person("M00", "Vera Lindqvist", _address("Vera Lindqvist"), "", None, is_rep=False)
    co.people[vp.key] = vp
    number = 1
    names = iter(rng.sample([f"{f} {last}" for f in FIRST for last in LAST], 300))
    for r_index, (region, (rvp_name, territories)) in enumerate(REGIONS.items(), start=1):
        rvp = Person(f"M{r_index}0", rvp_name, _address(rvp_name), "M00", "M00",
                     region=region, is_rep=False)
        co.people[rvp.key] = rvp
        for t_index, (territory, am_name) in enumerate(territories.items(), start=1):
            am = Person(f"M{r_index}{t_index}", am_name, _address(am_name), rvp.key,
                        rvp.key, territory=territory, region=region, is_rep=False)
            co.people[am.key] = am
            for lead_number in range(2):
                lead_name = next(names)
                lead = Person(f"N{number:04d}", lead_name, _address(lead_name), am.key,
                              am.key, territory, region, SEGMENTS[lead_number % 3],
                              f"{territory} {lead_number + 1}")
                number += 1
                co.people[lead.key] = lead
                for _ in range(rng.randint(6, 8)):
                    name = next(names)
                    rep = Person(f"N{number:04d}", name, _address(name),
                                 lead.name if rng.random() < 0.15 else lead.key, lead.key,
                                 territory, region, rng.choice(SEGMENTS), lead.team)
                    number += 1
                    co.people[rep.key] = rep
            # One rep reports straight to the area manager.
            name = next(names)
            direct = Person(f"N{number:04d}", name, _address(name), am.name, am.key,
                            territory, region, "Enterprise", f"{territory} 1")
            number += 1
            co.people[direct.key] = direct
    reps = co.reps
    reps[5].territory = reps[5].territory.lower()  # "us west": the same territory
    reps[17].territory = ""  # no territory
    reps[30].active = False
    for loner in (reps[-1], reps[-2]):
        loner.manager_cell, loner.above, loner.team = "", None, ""
    for rep in reps:
        base = rng.randrange(60, 160) * 1000
        rep.quotas = tuple(base // 4 + rng.randrange(-4, 5) * 500 for _ in QUARTERS)
        rep.__dict__["pace"] = rng.uniform(0.55, 1.25)
    return co


def _activity(co: Company, rng: random.Random) -> tuple[list[list[Any]], list[list[Any]]]:
    """(Activity rows, Salesforce report rows): EMEA's won deals come from the export."""
    activity: list[list[Any]] = [["Date", "Rep ID", "Type", "Client", "Client Type",
                                  "Amount"]]
    export: list[list[Any]] = [["Opportunity Owner", "Account Name", "Opportunity Name",
                                "Stage", "Close Date", "Amount", "Type", "Opportunity ID"]]
    for rep in co.reps:
        yearly = sum(rep.quotas)
        pace: float = rep.__dict__["pace"]
        # Feb 1 to As Of is about 177 of the year's 260 working days.
        won = int(yearly * pace * 177 / 260)
        deals = max(1, round(won / rng.randrange(8000, 14000)))
        span = (AS_OF - dt.date(2026, 2, 2)).days
        for index in range(deals):
            day = dt.date(2026, 2, 2) + dt.timedelta(days=span * (index + 1) // deals
                                                     - rng.randrange(0, 5))
            amount = won // deals + (won % deals if index == deals - 1 else 0)
            client = f"{rng.choice(LAST)} {rng.choice(['Ltd', 'GmbH', 'Inc', 'SA'])}"
            kind = rng.choice(["new", "repeat"])
            if rep.region == "EMEA":
                export.append([rep.name, client, f"{client} renewal", "Closed Won", day,
                               amount, "New Business" if kind == "new" else "Existing Business",
                               f"006{len(export):09d}"])
            else:
                activity.append([day, rep.key, "won", client, kind, amount])
            co.won.append((rep.key, day, amount))
            activity.append([day - dt.timedelta(days=9), rep.key, "lead", client, None, None])
    return activity, export


def build(path: Path) -> Company:
    co = company()
    rng = random.Random(SEED + 1)
    activity, export = _activity(co, rng)
    reps: list[list[Any]] = [["Rep ID", "Name", "Email", "Team", "Manager", "Territory",
                              "Region", "Segment", "Start Date", "Active"]]
    goals: list[list[Any]] = [["Rep ID", "Region", "Territory", "Manager", "Quarter",
                               "Quota"]]
    for rep in co.reps:
        reps.append([rep.key, rep.name, rep.email, rep.team or None, rep.manager_cell or None,
                     rep.territory or None, rep.region, rep.segment, dt.date(2024, 3, 1),
                     "yes" if rep.active else "no"])
        goals += [[rep.key, None, None, None, quarter, quota]
                  for quarter, quota in zip(QUARTERS, rep.quotas, strict=True)]
    managers: list[list[Any]] = [["Manager ID", "Name", "Email", "Reports To", "Territory"]]
    for person in co.people.values():
        if not person.is_rep:
            managers.append([person.key, person.name, person.email,
                             person.manager_cell or None, person.territory or person.region
                             or None])
    # Own quotas: each region and two territories (set a little apart from their reps'
    # sums), and each regional VP.
    for region in REGIONS:
        members = [r for r in co.reps if r.region == region and r.active]
        for index, quarter in enumerate(QUARTERS):
            total = sum(r.quotas[index] for r in members)
            goals.append([None, region, None, None, quarter, round(total * 0.95, -3)])
            goals.append([None, None, None, REGIONS[region][0], quarter,
                          round(total * 1.02, -3)])
    for territory in ("DACH", "Japan"):
        members = [r for r in co.reps if r.territory.casefold() == territory.casefold()
                   and r.active]
        for index, quarter in enumerate(QUARTERS):
            goals.append([None, None, territory, None, quarter,
                          sum(r.quotas[index] for r in members) + 20_000])
    write_workbook(path, {
        "Reps": reps, "Managers": managers, "Goals": goals, "Activity": activity,
        "SF export Oct": export,
        "Settings": [["Setting", "Value"], ["Company", "Northwind Trading"],
                     ["Currency", "USD"], ["Fiscal Year Start", "February"],
                     ["Holiday Country", "US"], ["As Of", AS_OF],
                     ["Default Avg Deal Size", 9000],
                     ["Manager Email", "sales.ops@northwind.example"]],
    })
    return co
