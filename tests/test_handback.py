"""The bounded child hands back what it computed exactly: the computed sheets travel as
columns (``guard.handback.pack_rows``) inside ``loading.Loaded`` and come back equal to
what the same computation gives in this process, same values and same types."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import REPO

from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.core.sheets import computed_tables
from goalreport.guard.bounded import run_bounded
from goalreport.guard.handback import pack_rows, unpack_rows
from goalreport.loading import ReadRequest, load_bounded
from goalreport.paused_gc import no_gc
from goalreport.workbook.reader import read_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"


@pytest.fixture(autouse=True)
def no_operator_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOALREPORT_READ_MEMORY_MB", raising=False)
    monkeypatch.delenv("GOALREPORT_READ_SECONDS", raising=False)


def typed(rows: tuple[tuple[object, ...], ...]) -> list[list[tuple[type, str]]]:
    return [[(type(value), str(value)) for value in row] for row in rows]


def test_the_sheets_come_back_from_the_bounded_child_as_computed_here() -> None:
    as_of = date(2026, 10, 31)
    loaded = load_bounded(SAMPLE, ReadRequest(
        writing=False, as_of=as_of, month=None, today=date(2026, 11, 2), tables=(True, True)))
    data = read_workbook(SAMPLE)
    computation = compute(data, as_of=as_of, report_month=date(2026, 10, 1))
    here = computed_tables(computation, say=Formatter(data.settings.locale,
                                                      data.settings.currency).say,
                           chart_settings=data.settings)
    assert [t.name for t in loaded.tables] == ["Plan", "Weekly Plan", "Progress",
                                               "Team Summary"]
    assert loaded.tables == tuple(here)
    for back, made in zip(loaded.tables, here, strict=True):
        assert typed(back.rows) == typed(made.rows), back.name
    assert loaded.statuses == {r.rep.rep_id: r.progress.status for r in computation.results}


#: Values at the edges of each column kind: Decimals equal but written differently, the
#: first and last dates, integers too big for any array, negative numbers.
ODD_ROWS = (
    ("R1", date(2026, 1, 2), 3, Decimal("0.00"), Decimal("1.5")),
    ("R1", date(2026, 1, 5), -1, Decimal(0), Decimal("1.50")),
    ("R2", date(1, 1, 1), 2 ** 40, Decimal("99999999999999.99"), Decimal("1200.50")),
    ("R2", date(9999, 12, 31), 2 ** 70, Decimal("1E+2"), Decimal("-0.01")),
)


def test_odd_values_round_trip_through_the_bounded_child() -> None:
    back = unpack_rows(run_bounded(lambda: pack_rows(ODD_ROWS)))
    assert back == ODD_ROWS and typed(back) == typed(ODD_ROWS)


def test_columns_keep_types_that_look_alike() -> None:
    @dataclass(frozen=True)
    class Odd:
        label: str

    rows = ((date(2026, 3, 1), 1, "a", Odd("x")),
            (datetime(2026, 3, 1, 9, 30), True, 1, Odd("y")),
            (date(2026, 3, 2), 0, Decimal(1), Odd("x")))
    back = unpack_rows(pack_rows(rows))
    assert back == rows and typed(back) == typed(rows)


def test_the_reading_child_inherits_the_paused_gc() -> None:
    """The job pauses the GC once (jobs.run_job / check_workbook); the forked reader
    runs paused too without pausing it itself, and the GC is back on afterwards."""
    assert gc.isenabled()
    with no_gc():
        assert run_bounded(gc.isenabled) is False
    assert run_bounded(gc.isenabled) is True
    assert gc.isenabled()
