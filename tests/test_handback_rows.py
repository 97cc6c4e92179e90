"""The computed sheets leave the bounded child as columns (``pack_rows``) and come back
as the same rows: same values, same types, Decimal exponents kept."""

from __future__ import annotations

import pickle
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from conftest import REPO

from goalreport.core.engine import compute
from goalreport.core.sheets import computed_tables
from goalreport.guard.handback import pack_rows, unpack_rows
from goalreport.workbook.reader import read_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"


def round_trip(rows: tuple[tuple[object, ...], ...]) -> tuple[tuple[object, ...], ...]:
    return unpack_rows(pickle.loads(pickle.dumps(pack_rows(rows), protocol=5)))


def typed(rows: tuple[tuple[object, ...], ...]) -> list[list[tuple[type, str]]]:
    return [[(type(value), str(value)) for value in row] for row in rows]


def test_mixed_columns_come_back_with_their_types() -> None:
    rows = (
        ("R1", Decimal("1.50"), date(2026, 1, 5), 3, Fraction(1, 3), None, True,
         datetime(2026, 1, 5, 9, 30), 2.5),
        ("R2", Decimal("0.00"), date(2026, 2, 2), -70000, Fraction(2), "x", False,
         datetime(2026, 2, 2), 0.0),
        ("R1", Decimal("1.5"), date(2026, 2, 2), 2**40, None, None, True,
         datetime(2026, 3, 1), -1.0),
    )
    back = round_trip(rows)
    assert back == rows and typed(back) == typed(rows)
    assert isinstance(back, tuple) and all(isinstance(row, tuple) for row in back)


def test_uneven_and_empty_tables() -> None:
    ragged = (("a", 1), ("b",))
    assert round_trip(ragged) == ragged
    assert round_trip(()) == ()
    assert round_trip(((), ())) == ((), ())


def test_the_sample_workbooks_sheets_round_trip_and_shrink() -> None:
    data = read_workbook(SAMPLE)
    computation = compute(data, as_of=date(2026, 10, 31), report_month=date(2026, 10, 1))
    for table in computed_tables(computation):
        back = round_trip(table.rows)
        assert back == table.rows and typed(back) == typed(table.rows), table.name
    weekly = next(t for t in computed_tables(computation) if t.name == "Weekly Plan")
    packed = len(pickle.dumps(pack_rows(weekly.rows), protocol=5))
    assert packed < len(pickle.dumps(weekly.rows, protocol=5)) / 2
