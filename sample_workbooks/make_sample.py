"""Generate the bundled sample workbook ``acme-sales-2026.xlsx`` (seeded, reproducible).

    python sample_workbooks/make_sample.py [OUTPUT]

Acme Corp, two teams of five reps, goal year 2026, As Of 2026-10-31, with the mess people
really type: activity type synonyms, text dates, money as text, stray spaces, a percent
close rate, a blank row. Each rep's won deals are sized so that their pace (actual ÷
expected to date) lands in a chosen status; expected to date is worked out here the way
SPEC §2 defines it (weekdays minus US and company holidays, time off and days before the
start date; ramp; seasonality).
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import holidays as public_holidays
import xlsxwriter

SEED = 20261031
YEAR = 2026
AS_OF = date(2026, 10, 31)
OUTPUT = Path(__file__).resolve().parent / "acme-sales-2026.xlsx"

SEASONALITY = {1: 0.8, 2: 0.9, 3: 1.1, 4: 1.0, 5: 1.0, 6: 1.1, 7: 0.8, 8: 0.7, 9: 1.1,
               10: 1.2, 11: 1.2, 12: 1.0}
COMPANY_HOLIDAYS = [(date(2026, 11, 27), "Day after Thanksgiving"),
                    (date(2026, 12, 24), "Christmas Eve"),
                    (date(2026, 12, 31), "New Year's Eve")]


@dataclass(frozen=True)
class SampleRep:
    rep_id: str
    name: str
    team: str
    new_target: int
    repeat_target: int
    #: Pace (actual ÷ expected to date) the deals are sized for.
    pace: float
    start: date = date(2023, 3, 1)
    ramp: int = 0
    active: bool = True
    time_off: tuple[date, date] | None = None
    avg_deal: int | None = None
    close_rate: str | float | None = None


REPS = [
    SampleRep("R01", "Ana Lima", "East", 300000, 200000, 1.25, avg_deal=12000,
              close_rate="30%"),
    SampleRep("R02", "Ben Ode", "East", 240000, 160000, 1.06, avg_deal=10000),
    SampleRep("R03", "Chloé Martin", "East", 210000, 140000, 0.95, close_rate=0.3),
    SampleRep("R04", "Dev Patel", "East", 180000, 120000, 0.82, avg_deal=8000),
    SampleRep("R05", "Eva Novak", "East", 240000, 120000, 0.62,
              time_off=(date(2026, 7, 6), date(2026, 7, 17))),
    SampleRep("R06", "Femi Adeyemi", "West", 270000, 180000, 1.10, avg_deal=11000),
    SampleRep("R07", "Gina Rossi", "West", 150000, 50000, 1.08, start=date(2026, 5, 11),
              ramp=3, avg_deal=7000),
    SampleRep("R08", "Hiro Tanaka", "West", 200000, 150000, 0.94, close_rate="1/3"),
    SampleRep("R09", "Ines Duarte", "West", 190000, 110000, 0.80, avg_deal=9000),
    SampleRep("R10", "Jon Berg", "West", 150000, 100000, 0.70, active=False),
]

CLIENTS = ["Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
           "Wonka", "Soylent", "Tyrell", "Cyberdyne", "Aperture", "Vandelay", "Pied Piper",
           "Massive Dynamic", "Oscorp", "Gringotts", "Monsters Inc", "Dunder Mifflin"]
SYNONYMS = {"lead": ["lead", "lead", "lead", "New Lead", "new lead "],
            "meeting": ["meeting", "meeting", "Call", "demo", "Visit"],
            "won": ["won", "won", "Closed Won", "Deal Won", "sale"],
            "lost": ["lost", "Closed Lost", "deal lost"],
            "focus": ["focus", "Focus Block", "planning"]}


def working_days(rep: SampleRep) -> list[date]:
    """The rep's working days of the goal year, as SPEC §2 counts them."""
    off = set(public_holidays.country_holidays("US", years=YEAR)) | {
        day for day, _ in COMPANY_HOLIDAYS}
    days = []
    day = date(YEAR, 1, 1)
    while day.year == YEAR:
        absent = rep.time_off and rep.time_off[0] <= day <= rep.time_off[1]
        if day.weekday() < 5 and day not in off and not absent and day >= rep.start:
            days.append(day)
        day += timedelta(days=1)
    return days


def ramp(rep: SampleRep, month: int) -> float:
    if rep.ramp <= 0 or rep.start.year != YEAR:
        return 1.0
    j = month - rep.start.month + 1
    return j / (rep.ramp + 1) if 1 <= j <= rep.ramp else 1.0


def expected_share(rep: SampleRep, days: list[date]) -> float:
    """Share of the annual target expected by As Of (a month end)."""
    weight = {m: SEASONALITY[m] * sum(1 for d in days if d.month == m) * ramp(rep, m)
              for m in range(1, 13)}
    return sum(w for m, w in weight.items() if m <= AS_OF.month) / sum(weight.values())


def deal_amounts(rng: random.Random, total: float, typical: int) -> list[Decimal]:
    """Deal amounts around ``typical`` adding up to ``total`` exactly (to the dollar)."""
    left = Decimal(round(total))
    amounts: list[Decimal] = []
    while left > typical * 1.5:
        amount = Decimal(round(typical * rng.uniform(0.6, 1.4) / 50) * 50)
        amounts.append(amount)
        left -= amount
    if left > 0:
        amounts.append(left)
    return amounts


def rep_rows(rng: random.Random, rep: SampleRep) -> list[list[object]]:
    """Activity rows for one rep: deals sized for its pace, plus the funnel around them."""
    days = [d for d in working_days(rep) if d <= AS_OF]
    if not rep.active:
        days = [d for d in days if d.month <= 3]
    share = expected_share(rep, working_days(rep))
    typical = rep.avg_deal or 9000
    rows: list[list[object]] = []
    weights = [SEASONALITY[d.month] * ramp(rep, d.month) for d in days]
    pick = lambda: rng.choices(days, weights)[0]
    won = 0
    for kind, target in (("new", rep.new_target), ("repeat", rep.repeat_target)):
        for amount in deal_amounts(rng, target * share * rep.pace, typical):
            rows.append([pick(), rep.rep_id, "won", rng.choice(CLIENTS), kind, amount, None])
            won += 1
    leads = round(won / 0.3) + rng.randint(0, 4)
    for _ in range(leads):
        rows.append([pick(), rep.rep_id, "lead", rng.choice(CLIENTS), None, None, None])
    for _ in range(round(leads * 1.6)):
        rows.append([pick(), rep.rep_id, "meeting", rng.choice(CLIENTS), None, None, None])
    for _ in range(max(leads - won - rng.randint(0, 5), 0)):
        rows.append([pick(), rep.rep_id, "lost", rng.choice(CLIENTS), None, None, None])
    mondays = sorted({d - timedelta(days=d.weekday()) for d in days})
    for monday in mondays:
        if rng.random() < 0.8:
            day = next((d for d in days if monday <= d < monday + timedelta(days=7)), None)
            if day:
                rows.append([day, rep.rep_id, "focus", None, None, None, rng.choice([2, 3, 4])])
    return rows


def messy(rng: random.Random, row: list[object]) -> list[object]:
    """Make a clean row look typed by a person: synonyms, text dates and money, spaces."""
    day, rep_id, kind, client, client_type, amount, hours = row
    typed_kind = rng.choice(SYNONYMS[str(kind)])
    typed_day: object = day
    roll = rng.random()
    if roll < 0.03:
        typed_day = f"{day:%Y-%m-%d}"
    elif roll < 0.06:
        typed_day = f"{day:%m/%d/%Y}"
    typed_amount: object = amount
    if isinstance(amount, Decimal):
        typed_amount = f"${amount:,.0f}" if rng.random() < 0.15 else float(amount)
    typed_id = f" {rep_id} " if rng.random() < 0.03 else rep_id
    typed_type = client_type.capitalize() if client_type and rng.random() < 0.2 else client_type
    return [typed_day, typed_id, typed_kind, client, typed_type, typed_amount, hours]


def build(path: Path) -> None:
    rng = random.Random(SEED)
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False,
                                           "strings_to_urls": False})
    head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    day_format = book.add_format({"num_format": "yyyy-mm-dd"})
    money = book.add_format({"num_format": "$#,##0.00"})

    def sheet(name: str, header: list[str], widths: list[int]) -> object:
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, header, head)
        for index, width in enumerate(widths):
            ws.set_column(index, index, width)
        ws.freeze_panes(1, 0)
        return ws

    reps = sheet("Reps", ["Rep ID", "Name", "Email", "Team", "Manager", "Start Date",
                          "Ramp Months", "Active"], [8, 16, 26, 8, 14, 12, 12, 8])
    for row, rep in enumerate(REPS, start=1):
        email = rep.name.lower().replace(" ", ".").replace("é", "e") + "@acme.example"
        manager = "Maya Chen" if rep.team == "East" else "Omar Haddad"
        reps.write_row(row, 0, [rep.rep_id, rep.name, email, rep.team, manager])
        reps.write_datetime(row, 5, datetime.combine(rep.start, datetime.min.time()),
                            day_format)
        reps.write_number(row, 6, rep.ramp)
        reps.write(row, 7, "yes" if rep.active else "no")

    # The manager tree: Maya Chen leads sales and East; Omar Haddad, West, reports to her.
    managers = sheet("Managers", ["Manager ID", "Name", "Email", "Reports To", "Territory"],
                     [12, 16, 26, 12, 10])
    managers.write_row(1, 0, ["M1", "Maya Chen", "maya.chen@acme.example", "", "East"])
    managers.write_row(2, 0, ["M2", "Omar Haddad", "omar.haddad@acme.example", "M1", "West"])

    goals = sheet("Goals", ["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                            "Avg Deal Size", "Close Rate", "Meetings per Lead",
                            "Focus Hours per Week"], [8, 6, 18, 20, 14, 11, 17, 20])
    for row, rep in enumerate(REPS, start=1):
        goals.write_row(row, 0, [rep.rep_id, YEAR])
        goals.write_number(row, 2, rep.new_target, money)
        goals.write_number(row, 3, rep.repeat_target, money)
        if rep.avg_deal:
            goals.write_number(row, 4, rep.avg_deal, money)
        if rep.close_rate is not None:
            goals.write(row, 5, rep.close_rate)
        goals.write_number(row, 7, 3)

    activity = sheet("Activity", ["Date", "Rep ID", "Type", "Client", "Client Type",
                                  "Amount", "Hours", "Notes"], [12, 8, 12, 20, 11, 12, 7, 24])
    rows = [row for rep in REPS for row in rep_rows(rng, rep)]
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    number = 1
    for index, clean in enumerate(rows):
        if index == len(rows) // 2:
            number += 1  # a blank row, as people leave them
        row = messy(rng, clean)
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                activity.write_datetime(number, column, datetime.combine(
                    value, datetime.min.time()), day_format)
            elif isinstance(value, float) and column == 5:
                activity.write_number(number, column, value, money)
            else:
                activity.write(number, column, value)
        number += 1

    settings = sheet("Settings", ["Setting", "Value"], [26, 16])
    for row, (name, value) in enumerate([
            ("Company", "Acme Corp"), ("Currency", "USD"), ("Locale", "en_US"),
            ("Fiscal Year Start", 1), ("Working Days", "Mon-Fri"), ("Holiday Country", "US"),
            ("As Of", AS_OF), ("Default Close Rate", "1/3"), ("Default Meetings per Lead", 1.5),
            ("Realism Threshold", 1.5), ("Manager Email", "maya.chen@acme.example")], start=1):
        settings.write(row, 0, name)
        if isinstance(value, date):
            settings.write_datetime(row, 1, datetime.combine(value, datetime.min.time()),
                                    day_format)
        else:
            settings.write(row, 1, value)

    seasonality = sheet("Seasonality", ["Month", "Weight"], [10, 8])
    for row, (month, weight) in enumerate(SEASONALITY.items(), start=1):
        seasonality.write_row(row, 0, [date(YEAR, month, 1).strftime("%B"), weight])

    company = sheet("Holidays", ["Date", "Name"], [12, 24])
    for row, (day, name) in enumerate(COMPANY_HOLIDAYS, start=1):
        company.write_datetime(row, 0, datetime.combine(day, datetime.min.time()), day_format)
        company.write(row, 1, name)

    time_off = sheet("Time Off", ["Rep ID", "From", "To", "Reason"], [8, 12, 12, 16])
    row = 1
    for rep in REPS:
        if rep.time_off:
            time_off.write(row, 0, rep.rep_id)
            time_off.write_datetime(row, 1, datetime.combine(rep.time_off[0],
                                                             datetime.min.time()), day_format)
            time_off.write_datetime(row, 2, datetime.combine(rep.time_off[1],
                                                             datetime.min.time()), day_format)
            time_off.write(row, 3, "Vacation")
            row += 1
    book.set_properties({"title": "Acme Corp sales 2026 (goalreport sample)",
                         "created": datetime(2026, 10, 31)})
    book.close()


def main(argv: list[str]) -> None:
    build(Path(argv[1]) if len(argv) > 1 else OUTPUT)


if __name__ == "__main__":
    main(sys.argv)

