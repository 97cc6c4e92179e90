"""Files made from a workbook are never readable by more people than the workbook is,
and the folders goalreport makes are never writable by anyone else, whatever the umask
(a group inbox is usually run with umask 002). Real files, real umasks."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import write_workbook
from smtp_helpers import MONTH, invoke, send_sheets

#: Every test runs goalreport on a real workbook and renders its reports.
pytestmark = pytest.mark.slow


@pytest.fixture
def group_umask() -> Iterator[None]:
    old = os.umask(0o002)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_private_workbooks_reports_and_outbox_are_private(tmp_path: Path,
                                                            group_umask: None) -> None:
    """A 0600 workbook's PDFs and dry-run .eml files were 0644 in 0755 folders."""
    book = write_workbook(tmp_path / "team.xlsx", send_sheets())
    book.chmod(0o600)
    assert invoke(["run", str(book), *MONTH, "--html", "-j", "1", "-q"]).exit_code == 0
    assert invoke(["send", str(book), *MONTH, "--dry-run", "-q"]).exit_code == 0
    month = tmp_path / "reports" / "2026-06"
    files = sorted(month.glob("*.pdf")) + sorted(month.glob("*.html")) + \
        sorted((month / "outbox").glob("*.eml"))
    assert len(files) == 5 + 5 + 4
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert mode(month) == 0o700 and mode(month / "outbox") == 0o700
    assert mode(tmp_path / "reports") == 0o755  # it lists month names, and nobody may write it
    assert mode(book) == 0o600  # the written workbook keeps its mode


def test_a_group_readable_workbooks_reports_are_group_readable_never_writable(
        tmp_path: Path, group_umask: None) -> None:
    book = write_workbook(tmp_path / "team.xlsx", send_sheets())
    book.chmod(0o640)
    assert invoke(["report", str(book), *MONTH, "-j", "1", "-q"]).exit_code == 0
    month = tmp_path / "reports" / "2026-06"
    assert {mode(p) for p in month.glob("*.pdf")} == {0o640}
    assert mode(month) == 0o750


def test_folders_an_older_goalreport_left_writable_are_closed(tmp_path: Path,
                                                              group_umask: None) -> None:
    """A month folder made group-writable (the old default under umask 002) is closed to
    writes by others on the next run, as goalreport makes them now."""
    book = write_workbook(tmp_path / "team.xlsx", send_sheets())
    month = tmp_path / "reports" / "2026-06"
    month.mkdir(parents=True)
    (tmp_path / "reports").chmod(0o775)
    month.chmod(0o775)
    assert invoke(["report", str(book), *MONTH, "-j", "1", "-q"]).exit_code == 0
    assert mode(month) == 0o755 and mode(tmp_path / "reports") == 0o755
