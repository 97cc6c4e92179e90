"""Bad ``--deals`` files end in one line naming the file: never a traceback, never the
workbook blamed for what the deals file needed. Real files: malformed UTF-16, a link to
/dev/zero, a FIFO, a file one byte over the size limit, more rows than one file may have.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import minimal_sheets, write_workbook

from goalreport.cli import cli
from goalreport.errors import UnreadableWorkbook
from goalreport.workbook.crm import csvfile
from goalreport.workbook.crm.csvfile import MAX_CSV_BYTES, read_csv

#: A Pipedrive deals export's header (docs/crm-exports.md; tests/crm_exports.py).
PIPEDRIVE = ("Deal - ID,Deal - Title,Deal - Owner,Deal - Organization,Deal - Value,"
             "Deal - Currency of Value,Deal - Status,Deal - Won time\n")


def check(book: Path, deals: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(book), "--deals", str(deals)], env=env,
                                catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_workbook(tmp_path / "team.xlsx", minimal_sheets())


def test_malformed_utf16_is_one_line(book: Path, tmp_path: Path) -> None:
    """A UTF-16 byte-order mark, then an odd number of bytes: a traceback before."""
    deals = tmp_path / "deals.csv"
    deals.write_bytes(b"\xff\xfe" + PIPEDRIVE.encode("utf-16-le") + b"\x00")
    code, output = check(book, deals)
    assert code == 1
    assert output == ("Error: deals.csv: is not readable UTF-16 text (a broken character). "
                      "Export it again from the CRM.\n")


def test_a_deals_file_that_is_a_link_to_dev_zero_is_refused_naming_it(
        book: Path, tmp_path: Path) -> None:
    """/dev/zero was read until the memory bound, and the workbook was blamed."""
    deals = tmp_path / "deals.csv"
    deals.symlink_to("/dev/zero")
    code, output = check(book, deals, env={"GOALREPORT_READ_MEMORY_MB": "300"})
    assert code == 1
    assert output == ("Error: deals.csv: is not a regular file (a device, a pipe or a "
                      "folder); --deals reads a CRM export saved as a file.\n")


def test_a_fifo_as_a_deals_file_is_refused_without_blocking(book: Path,
                                                            tmp_path: Path) -> None:
    for name in ("deals.csv", "deals.xlsx"):
        fifo = tmp_path / name
        os.mkfifo(fifo)
        code, output = check(book, fifo)
        assert code == 1
        assert output.startswith(f"Error: {name}: is not a regular file")


def test_one_byte_over_the_size_limit_is_too_big_and_named(book: Path, tmp_path: Path) -> None:
    deals = tmp_path / "huge.csv"
    with deals.open("wb") as handle:  # sparse: nothing is really written
        handle.truncate(MAX_CSV_BYTES + 1)
    code, output = check(book, deals)
    assert code == 1
    assert output == ("Error: huge.csv: is larger than 200 MB, the most a deals file may be. "
                      "Export only the closed deals of the period.\n")


def test_a_file_that_grows_while_it_is_read_is_cut_short(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its size said it fits when it was opened; the reader still reads no more than the
    limit and one byte, and then names the file."""
    monkeypatch.setattr(csvfile, "MAX_CSV_BYTES", 100)
    deals = tmp_path / "growing.csv"
    deals.write_bytes(PIPEDRIVE.encode("ascii")[:90] + b"\n")
    rows = read_csv(deals)
    with deals.open("ab") as handle:
        handle.write(b"1,x,Ana Lima,Globex,10,USD,Won,2026-03-01\n" * 10)
    with pytest.raises(UnreadableWorkbook) as raised:
        list(rows)
    assert str(raised.value) == ("growing.csv: is larger than 0 MB, the most a deals file "
                                 "may be. Export only the closed deals of the period.")


def test_more_rows_than_one_deals_file_may_have_is_named(
        book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Millions of rows ran the reader out of memory or time, and the workbook was
    blamed; the row limit names the file at once (a smaller limit here, the same rule:
    the bounded reader is forked, so it sees the patched limit)."""
    monkeypatch.setattr(csvfile, "MAX_CSV_ROWS", 1_000)
    deals = tmp_path / "many.csv"
    row = "1,x,Ana Lima,Globex,10,USD,Open,\n"
    deals.write_text(PIPEDRIVE + row * 1_001, encoding="utf-8")
    code, output = check(book, deals)
    assert code == 1
    assert output == ("Error: many.csv: has more than 1,000 rows, more than "
                      "goalreport reads from one deals file. Export only the closed deals of "
                      "the period.\n")
