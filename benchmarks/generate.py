"""Seeded generator of valid goalreport workbooks for the benchmarks.

    python benchmarks/generate.py L benchmarks/data/L.xlsx [--seed 2026]

Sizes (reps / activity rows): quick 5/500, S 50/20,000, M 500/200,000, L 2,000/1,000,000.
The same size and seed always give the same cells. Written with xlsxwriter in
``constant_memory`` mode, so even L is written row by row in little memory; strings
are then stored inline in each cell rather than in a shared-string table. Both are
valid .xlsx, but Excel and LibreOffice always write a shared-string table, so
``--shared-strings`` writes the same cells that way (xlsxwriter then holds the whole
workbook in memory: about 2 GB and a minute for L) to measure reading a file as Excel
saves it.

What the data looks like, so the numbers in reports are plausible:
- 8 teams of reps; about 2 % inactive; about 10 % start during 2026 with a 3-month ramp.
- Goals for 2026: new/repeat targets around 1.2 × the rep's run rate, so statuses
  spread from Achieved to Behind; 80 % of reps give an Avg Deal Size (a quarter of those
  split into new/repeat), the rest rely on history; some give Close Rate as a percent,
  Meetings per Lead and Focus Hours per Week.
- Activity on working days (Mon–Fri, not US public holidays) from 2026-01-01 to As Of (2026-10-31): about 36 % leads,
  34 % meetings, 12 % won (one lead in three), 9 % lost, 9 % focus blocks; 3 % of rows
  use synonyms people type ("Closed Won", "demo", "New Lead"). Won rows carry a client
  type (about 60 % new) and an amount from the rep's own deal-size distribution.
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import holidays
import xlsxwriter

AS_OF = date(2026, 10, 31)
YEAR = 2026
TEAMS = ("East", "West", "North", "South", "Central", "Enterprise", "Channel", "Inside")
FIRST = ("Ana", "Ben", "Chloé", "Dev", "Ema", "Farid", "Gus", "Hana", "Ivo", "June",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tao")
LAST = ("Lima", "Okafor", "Novak", "Schmidt", "Tanaka", "Moreau", "Silva", "Kowalski",
        "Haddad", "Nguyen", "O'Brien", "Rossi", "Jensen", "Patel", "García", "Ivanova")
#: (canonical type, cumulative share of rows), then the synonyms some rows use instead.
TYPE_SHARES = (("lead", 0.36), ("meeting", 0.70), ("won", 0.82), ("lost", 0.91),
               ("focus", 1.0))
SYNONYMS = {"lead": "New Lead", "meeting": "demo", "won": "Closed Won",
            "lost": "closed lost", "focus": "Planning"}
EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Size:
    reps: int
    rows: int


SIZES = {
    "quick": Size(5, 500),
    "S": Size(50, 20_000),
    "M": Size(500, 200_000),
    "L": Size(2_000, 1_000_000),
}


@dataclass(frozen=True)
class RepSpec:
    rep_id: str
    deal_size: float
    rows: int
    start: date | None


def excel_serial(day: date) -> int:
    """The Excel serial number of ``day`` (1900 date system)."""
    return (day - EXCEL_EPOCH).days


def working_days(start: date, end: date) -> list[date]:
    """Monday–Friday from ``start`` to ``end`` inclusive, without US public holidays."""
    closed = holidays.country_holidays("US", years=range(start.year, end.year + 1))
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and day not in closed:
            days.append(day)
        day += timedelta(days=1)
    return days


def _rep_specs(rng: random.Random, size: Size) -> list[RepSpec]:
    specs = []
    weights = [rng.uniform(0.6, 1.4) for _ in range(size.reps)]
    total = sum(weights)
    for index, weight in enumerate(weights):
        start = None
        if index % 10 == 7:  # about 10 % join during the year
            start = date(YEAR, rng.randint(2, 8), rng.randint(1, 28))
        specs.append(RepSpec(
            rep_id=f"R{index + 1:04d}",
            deal_size=round(rng.lognormvariate(8.3, 0.5), -1),  # median ≈ $4,000
            rows=max(1, round(size.rows * weight / total)),
            start=start,
        ))
    # Make the rows add up exactly to the requested size.
    surplus = sum(s.rows for s in specs) - size.rows
    last = specs[-1]
    specs[-1] = RepSpec(last.rep_id, last.deal_size, max(1, last.rows - surplus), last.start)
    return specs


def _write_reps(book: xlsxwriter.Workbook, rng: random.Random, specs: list[RepSpec],
                date_format: xlsxwriter.format.Format) -> None:
    sheet = book.add_worksheet("Reps")
    sheet.write_row(0, 0, ["Rep ID", "Name", "Email", "Team", "Manager", "Start Date",
                           "Ramp Months", "Active"])
    for row, spec in enumerate(specs, start=1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        team = TEAMS[(row - 1) % len(TEAMS)]
        sheet.write_string(row, 0, spec.rep_id)
        sheet.write_string(row, 1, f"{first} {last}")
        sheet.write_string(row, 2, f"{first.lower()}.{row}@example.com")
        sheet.write_string(row, 3, team)
        # Manager (column E) stays empty: a tree would add a summary per manager and
        # change what the benchmarks have always measured.
        if spec.start is not None:
            sheet.write_number(row, 5, excel_serial(spec.start), date_format)
            sheet.write_number(row, 6, 3)
        else:
            sheet.write_number(row, 5, excel_serial(date(rng.randint(2015, 2025), 3, 1)),
                               date_format)
            sheet.write_number(row, 6, 0)
        sheet.write_string(row, 7, "no" if row % 50 == 0 else "yes")


def _write_goals(book: xlsxwriter.Workbook, rng: random.Random, specs: list[RepSpec]
                 ) -> None:
    sheet = book.add_worksheet("Goals")
    sheet.write_row(0, 0, ["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                           "Avg Deal Size", "Avg New Deal Size", "Avg Repeat Deal Size",
                           "Close Rate", "Meetings per Lead", "Focus Hours per Week"])
    for row, spec in enumerate(specs, start=1):
        # Expected won amount over the full year, scaled by how ambitious the goal is.
        expected = spec.rows * 0.12 * spec.deal_size * 12 / 10
        annual = round(expected * rng.uniform(0.85, 1.45), -2)
        new = round(annual * 0.6, -2)
        sheet.write_string(row, 0, spec.rep_id)
        sheet.write_number(row, 1, YEAR)
        sheet.write_number(row, 2, new)
        sheet.write_number(row, 3, round(annual - new, -2))
        kind = row % 10
        if kind in (1, 2):  # no deal size: history (or the team) decides
            pass
        elif kind == 3:
            sheet.write_number(row, 5, round(spec.deal_size * 0.8, -1))
            sheet.write_number(row, 6, round(spec.deal_size * 1.3, -1))
        else:
            sheet.write_number(row, 4, spec.deal_size)
        if kind in (4, 5):
            sheet.write_string(row, 7, f"{rng.randint(25, 40)}%")
        if kind == 6:
            sheet.write_number(row, 8, 2)
        if kind != 9:
            sheet.write_number(row, 9, rng.choice((4, 5, 6, 8)))


def _write_activity(book: xlsxwriter.Workbook, rng: random.Random, specs: list[RepSpec],
                    date_format: xlsxwriter.format.Format,
                    money_format: xlsxwriter.format.Format) -> None:
    """The log in date order with reps interleaved, as a team appends it day by day."""
    sheet = book.add_worksheet("Activity")
    sheet.write_row(0, 0, ["Date", "Rep ID", "Type", "Client", "Client Type", "Amount",
                           "Hours", "Notes"])
    year_days = [excel_serial(d) for d in working_days(date(YEAR, 1, 1), AS_OF)]
    per_rep = []
    for index, spec in enumerate(specs):
        first = excel_serial(spec.start) if spec.start else 0
        days = [d for d in year_days if d >= first] or year_days
        per_rep.append([(serial, index) for serial in sorted(rng.choices(days, k=spec.rows))])
    clients = [[f"Client {spec.rep_id[1:]}-{n:03d}" for n in range(max(5, spec.rows // 8))]
               for spec in specs]
    for row, (serial, index) in enumerate(heapq.merge(*per_rep), start=1):
        spec = specs[index]
        pick = rng.random()
        kind = next(name for name, share in TYPE_SHARES if pick < share)
        sheet.write_number(row, 0, serial, date_format)
        sheet.write_string(row, 1, spec.rep_id)
        sheet.write_string(row, 2, SYNONYMS[kind] if rng.random() < 0.03 else kind)
        if kind == "focus":
            sheet.write_number(row, 6, rng.choice((1, 1.5, 2, 3)))
        else:
            sheet.write_string(row, 3, rng.choice(clients[index]))
        if kind == "won":
            sheet.write_string(row, 4, "new" if rng.random() < 0.6 else "repeat")
            amount = round(rng.lognormvariate(0, 0.35) * spec.deal_size, 2)
            sheet.write_number(row, 5, amount, money_format)
        if row % 97 == 0:
            sheet.write_string(row, 7, "follow up next week")


def _write_small_sheets(book: xlsxwriter.Workbook, rng: random.Random, specs: list[RepSpec],
                        date_format: xlsxwriter.format.Format) -> None:
    settings = book.add_worksheet("Settings")
    settings.write_row(0, 0, ["Setting", "Value"])
    settings.write_row(1, 0, ["Company", "Benchmark Corp"])
    settings.write_row(2, 0, ["Currency", "USD"])
    settings.write_row(3, 0, ["Locale", "en_US"])
    settings.write_string(4, 0, "As Of")
    settings.write_number(4, 1, excel_serial(AS_OF), date_format)
    settings.write_row(5, 0, ["Holiday Country", "US"])

    seasonality = book.add_worksheet("Seasonality")
    seasonality.write_row(0, 0, ["Month", "Weight"])
    weights = (0.8, 0.9, 1.1, 1.0, 1.0, 1.1, 0.8, 0.7, 1.1, 1.2, 1.2, 1.0)
    for month, weight in enumerate(weights, start=1):
        seasonality.write_row(month, 0, [month, weight])

    holidays = book.add_worksheet("Holidays")
    holidays.write_row(0, 0, ["Date", "Name"])
    for row, (day, name) in enumerate(((date(YEAR, 4, 3), "Company offsite"),
                                       (date(YEAR, 12, 24), "Christmas Eve"),
                                       (date(YEAR, 12, 31), "New Year's Eve")), start=1):
        holidays.write_number(row, 0, excel_serial(day), date_format)
        holidays.write_string(row, 1, name)

    time_off = book.add_worksheet("Time Off")
    time_off.write_row(0, 0, ["Rep ID", "From", "To", "Reason"])
    row = 1
    for index, spec in enumerate(specs):
        if index % 5 == 2:
            start = date(YEAR, rng.choice((7, 8)), rng.randint(1, 20))
            time_off.write_string(row, 0, spec.rep_id)
            time_off.write_number(row, 1, excel_serial(start), date_format)
            time_off.write_number(row, 2, excel_serial(start + timedelta(days=9)), date_format)
            time_off.write_string(row, 3, "Vacation")
            row += 1


def generate(size_name: str, path: Path, seed: int = 2026, *,
             shared_strings: bool = False) -> Path:
    """Write a workbook of size ``size_name`` (a key of ``SIZES``) to ``path``; strings
    inline (fast, constant memory) unless ``shared_strings``."""
    size = SIZES[size_name]
    rng = random.Random(f"{seed}-{size_name}")
    specs = _rep_specs(rng, size)
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    money_format = book.add_format({"num_format": "#,##0.00"})
    _write_reps(book, rng, specs, date_format)
    _write_goals(book, rng, specs)
    _write_activity(book, rng, specs, date_format, money_format)
    _write_small_sheets(book, rng, specs, date_format)
    book.close()
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--shared-strings", action="store_true",
                        help="store strings in a shared-string table, as Excel does")
    args = parser.parse_args(argv)
    generate(args.size, args.path, args.seed, shared_strings=args.shared_strings)
    print(f"wrote {args.path} ({SIZES[args.size].reps} reps, "
          f"{SIZES[args.size].rows:,} activity rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
