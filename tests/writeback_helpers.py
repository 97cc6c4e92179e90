"""Helpers shared by the write-back tests: small SheetTables and zip comparisons."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from goalreport.core.tables import Column, SheetTable
from goalreport.writeback import RunLogEntry

WHEN = dt.datetime(2026, 6, 30, 18, 5)


def plan_table() -> SheetTable:
    """A small Plan-like sheet with every column kind and hostile-looking text."""
    columns = (Column("Rep ID"), Column("Rep"), Column("Target", "money"),
               Column("Attainment", "percent"), Column("Week Starting", "date"),
               Column("Deals", "integer"), Column("Hours", "number"), Column("Status", "status"))
    rows = (
        ("R1", "Ana Lima", Decimal("1234.50"), Fraction(1, 4), dt.date(2026, 1, 5), 3,
         Decimal("7.5"), "On track"),
        ("R2", "=cmd|' /C calc'!A0", Decimal("0.10"), Fraction(9, 10), dt.date(2026, 2, 2), 0,
         None, "Behind"),
        ("R3", "+1", Decimal(-5), None, dt.date(2026, 12, 28), 12345, 2.25, "Slightly behind"),
        ("R4", "@SUM(A1:A2) & <b>", Decimal(1000000), Fraction(3, 2), None, 1, 0, "Achieved"),
    )
    return SheetTable("Plan", columns, rows)


def summary_table() -> SheetTable:
    columns = (Column("Team"), Column("Reps", "integer"), Column("Actual", "money"))
    rows = (("East", 2, Decimal(10)), ("West", 1, Decimal("5.25")), ("Total", 3, Decimal("15.25")))
    return SheetTable("Team Summary", columns, rows, total_row=True)


def entry(when: dt.datetime = WHEN, input_hash: str = "abc123") -> RunLogEntry:
    return RunLogEntry(when=when, version="0.1.0", as_of=dt.date(2026, 6, 30),
                       input_hash=input_hash, reps=4, warnings=1)


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def elements(xml: bytes, local: str) -> list[str]:
    """Every ``<…local …>`` start tag (any prefix), as text, for 'still there' checks."""
    text = xml.decode("utf-8", "replace")
    return re.findall(r"<(?:[\w.-]+:)?" + local + r"(?=[\s/>])[^>]*>", text)
