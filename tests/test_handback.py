"""The bounded reader hands a WorkbookData back exactly: activity travels as columns."""

from __future__ import annotations

import gc
import pickle
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import REPO

from goalreport.core.model import DayActivity, Goal, Holiday, Rep, Settings, TimeOff, WorkbookData
from goalreport.errors import Problem
from goalreport.guard.bounded import run_bounded
from goalreport.guard.handback import pack, pack_workbook, unpack, unpack_workbook
from goalreport.jobs import load_workbook_data
from goalreport.paused_gc import no_gc
from goalreport.workbook.reader import read_workbook

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"


@pytest.fixture(autouse=True)
def no_operator_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOALREPORT_READ_MEMORY_MB", raising=False)
    monkeypatch.delenv("GOALREPORT_READ_SECONDS", raising=False)


def workbook(activity: tuple[DayActivity, ...]) -> WorkbookData:
    return WorkbookData(
        settings=Settings(company="Acme", as_of=date(2026, 10, 31)),
        reps=(Rep("R1", "Ana Lima", team="East"), Rep("R2", "Ben Okafor", active=False)),
        goals=(Goal("R1", 2026, Decimal("120000.00"), Decimal("80000.50"),
                    close_rate=Fraction(1, 3)),),
        activity=activity,
        seasonality={11: Fraction(3, 2)},
        holidays=(Holiday(date(2026, 12, 25), "Christmas"),),
        time_off=(TimeOff("R1", date(2026, 8, 3), date(2026, 8, 14), "Holiday"),),
        warnings=(Problem("Activity sheet", "a warning", "warning"),),
    )


ODD_RECORDS = (
    DayActivity("R1", date(2026, 1, 2), leads=3, meetings=1),
    # Equal amounts written differently must come back written the same way.
    DayActivity("R1", date(2026, 1, 5), won_new=1, won_new_amount=Decimal("0.00"),
                focus_hours=Decimal("1.5")),
    DayActivity("R1", date(2026, 1, 6), won_new=2, won_new_amount=Decimal("1200.50"),
                won_repeat=1, won_repeat_amount=Decimal("99999999999999.99"),
                focus_hours=Decimal("1.50")),
    DayActivity("R2", date(1, 1, 1), lost=2 ** 40, meetings=-1),
    DayActivity("R2", date(9999, 12, 31), leads=2 ** 70),  # too big for an array
)


@pytest.mark.parametrize("activity", [(), ODD_RECORDS], ids=["no activity", "odd records"])
def test_workbook_data_round_trips_through_the_sandbox(activity):
    data = workbook(activity)
    back = unpack_workbook(run_bounded(lambda: pack_workbook(data)))
    assert back == data
    assert [tuple(map(str, (a.won_new_amount, a.won_repeat_amount, a.focus_hours)))
            for a in back.activity] == [
        tuple(map(str, (a.won_new_amount, a.won_repeat_amount, a.focus_hours)))
        for a in data.activity]


def test_the_sample_reads_the_same_through_the_sandbox():
    data = load_workbook_data(SAMPLE)
    assert data == read_workbook(SAMPLE)
    assert len(data.activity) > 100


def test_activity_is_pickled_as_columns():
    records = tuple(DayActivity(f"R{i % 50:04d}", date(2026, 1, 1 + i % 28), leads=i % 3,
                                won_new=1, won_new_amount=Decimal(i * 7).scaleb(-2))
                    for i in range(5000))
    data = workbook(records)
    as_records = pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL)
    as_columns = pickle.dumps(pack_workbook(data), protocol=pickle.HIGHEST_PROTOCOL)
    assert len(as_columns) < len(as_records) / 2
    assert unpack_workbook(pickle.loads(as_columns)) == data


def test_columns_keep_types_that_look_alike():
    @dataclass(frozen=True)
    class Odd:
        when: date
        flag: int
        label: object

    records = [Odd(date(2026, 3, 1), 1, "a"), Odd(datetime(2026, 3, 1, 9, 30), True, 1),
               Odd(date(2026, 3, 2), 0, Decimal(1))]
    back = unpack(pack(Odd, records))
    assert back == tuple(records)
    assert [(type(r.when), type(r.flag), type(r.label)) for r in back] == [
        (type(r.when), type(r.flag), type(r.label)) for r in records]


@dataclass(frozen=True)
class Other:
    rep_id: str


def test_records_of_another_class_are_not_packed():
    assert pack(DayActivity, [Other("R1")]) is None
    data = workbook((DayActivity("R1", date(2026, 1, 2)), Other("R1")))  # type: ignore[arg-type]
    assert pack_workbook(data).columns is None
    assert unpack_workbook(pickle.loads(pickle.dumps(pack_workbook(data)))) == data


def test_the_reading_child_inherits_the_paused_gc():
    """The job pauses the GC once (jobs.run_job / check_workbook); the forked reader
    runs paused too without pausing it itself, and the GC is back on afterwards."""
    assert gc.isenabled()
    with no_gc():
        assert run_bounded(gc.isenabled) is False
    assert run_bounded(gc.isenabled) is True
    assert gc.isenabled()
