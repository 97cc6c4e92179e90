"""`check --month` naming a month not yet begun lists that problem beside the workbook's
cell problems, not instead of them, so one run lists everything."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import minimal_sheets, write_workbook

from goalreport.cli import cli, commands

TODAY = date(2026, 7, 15)


class Clock(date):
    """The CLI's clock (``date.today()``) held at TODAY, so the test never reads the real
    one (a run at midnight on a month's last day would see two different todays)."""

    @classmethod
    def today(cls) -> date:
        return TODAY


@pytest.fixture(autouse=True)
def held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(commands, "date", Clock)


def next_month(today: date) -> date:
    return date(today.year + today.month // 12, today.month % 12 + 1, 1)


def test_check_lists_a_future_month_beside_the_cell_problems(tmp_path: Path) -> None:
    sheets = minimal_sheets()
    sheets["Activity"][2][5] = "lots"  # Activity!F3: the won amount
    path = write_workbook(tmp_path / "book.xlsx", sheets)
    today = TODAY
    month = next_month(today)
    result = CliRunner().invoke(cli, ["check", str(path), "--month", f"{month:%Y-%m}"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        ("Error: Activity!F3: 'lots' is not an amount of money. Write a number such as 1000 "
        "or $1,000.50."),
        (f"Error: --month: {month:%Y-%m} has not started yet (today is {today}). Give a "
        "month that has begun, or --as-of to plan ahead."),
        "2 input problems. Fix them and run check again.",
    ]


def test_check_with_only_a_future_month_names_it_alone(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "book.xlsx", minimal_sheets())
    month = next_month(TODAY)
    result = CliRunner().invoke(cli, ["check", str(path), "--month", f"{month:%Y-%m}"],
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "1 input problem. Fix it and run check again."
    assert result.output.splitlines()[0].startswith(f"Error: --month: {month:%Y-%m} has not "
                                                   "started yet")
