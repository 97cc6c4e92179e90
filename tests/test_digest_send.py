"""`goalreport digest` against a real SMTP server (aiosmtpd on 127.0.0.1): each manager's
digest holds their reps only, the second week compares with what the first week's
digest said, a week's digest goes once, a dry run connects to nothing.

The company: ``company_tree.py``; every deal was won on 2 March, so from week to week
only the plan to date moves: 100 a working day per 26,100 of target. Ben Ode (R2,
26,100, won 10,000): expected 11,900 on 16 June, 12,400 on 23 June, 12,900 on 30 June.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from company_tree import company_sheets
from conftest import write_workbook
from smtp_helpers import MailServer, attachments, invoke, plain_text, read_record

#: The reps each digest's recipient has, by address.
SUBTREES = {"ceo@example.com": {"R1", "R2", "R3", "R4", "R5", "R6"},
            "vera@example.com": {"R1", "R2", "R3", "R4", "R5"},
            "ana@example.com": {"R1", "R2", "R3", "R5"}, "ben@example.com": {"R2", "R5"},
            "omar@example.com": {"R4"}}


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("digest")
    book = write_workbook(folder / "tree.xlsx", company_sheets())
    result = invoke(["run", str(book), "-j", "1", "-q"])  # gives the workbook its identity
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def book(ran: Path, tmp_path: Path) -> Path:
    shutil.copytree(ran, tmp_path / "tree", copy_function=shutil.copy2)
    return tmp_path / "tree" / "tree.xlsx"


def _digests(server: MailServer) -> dict[str, str]:
    assert all(attachments(message) == {} for message in server.messages)  # no PDF
    return {message["To"]: plain_text(message) for message in server.messages}


def test_each_manager_gets_their_reps_and_next_week_compares(book: Path,
                                                             tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        first = invoke(["digest", str(book), "--as-of", "2026-06-23"], server.env)
    assert first.exit_code == 0, first.output
    texts = _digests(server)
    assert sorted(texts) == sorted(SUBTREES)
    for address, reps in SUBTREES.items():
        assert set(re.findall(r"\((R\d)\)", texts[address])) == reps, address
    # No digest before: compared with the workbook a week earlier. Ben: 10,000 / 11,900
    # then, 10,000 / 12,400 now: 84.0 % → 80.6 %, −3.4 points.
    ben = texts["ben@example.com"]
    assert "Changes are since Jun 16, 2026 (no digest was sent then)." in ben
    assert "  - Ben Ode (R2): 81%, −3.4 pts, At risk, $0" in ben
    record = read_record(book, "2026-06")
    assert sorted(key for key in record if key.startswith("digest:")) == [
        "digest:2026-06-22:m2", "digest:2026-06-22:r1", "digest:2026-06-22:r2",
        "digest:2026-06-22:team", "digest:2026-06-22:v1"]
    assert record["digest:2026-06-22:r2"]["snapshots"]["r2"] == {
        "pace": "25/31", "status": "At risk", "actual": "10000.00"}

    with MailServer(tmp_path) as server:
        second = invoke(["digest", str(book), "--as-of", "2026-06-30"], server.env)
    assert second.exit_code == 0, second.output
    ben = _digests(server)["ben@example.com"]
    # Against last week's digest: 25/31 then, 10,000 / 12,900 now: −3.1 points.
    assert "Changes are since last week's digest (Jun 23, 2026)." in ben
    assert "  - Ben Ode (R2): 78%, −3.1 pts, At risk, $0" in ben

    with MailServer(tmp_path) as server:
        again = invoke(["digest", str(book), "--as-of", "2026-07-02"], server.env)
    assert again.exit_code == 0, again.output
    assert server.messages == []  # Thursday 2 July is the week of 29 June: sent already
    assert "already sent: Ben Ode (R2) <ben@example.com> (the digest of the week of " \
           "2026-06-29 went on " in again.output


def test_a_dry_run_writes_the_digests_and_records_nothing(book: Path) -> None:
    result = invoke(["digest", str(book), "--as-of", "2026-06-30", "--dry-run"])
    assert result.exit_code == 0, result.output
    outbox = book.parent / "reports" / "2026-06" / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == [
        "digest-2026-06-29-M2-Omar-Haddad.eml", "digest-2026-06-29-R1-Ana-Lima.eml",
        "digest-2026-06-29-R2-Ben-Ode.eml", "digest-2026-06-29-V1-Vera-Park.eml",
        "digest-2026-06-29-team.eml"]
    assert result.output.splitlines()[-1].startswith("Dry run: 5 would send")


def test_a_workbook_never_run_has_no_record_to_keep(tmp_path: Path) -> None:
    book = write_workbook(tmp_path / "new.xlsx", company_sheets())
    result = invoke(["digest", str(book), "--dry-run"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: new.xlsx has no identity yet: run 'goalreport run new.xlsx' once, so that "
        "the digests sent of it are recorded wherever the file goes.\n")


def test_batch_digest_mails_once_a_week_unchanged_workbooks_too(tmp_path: Path) -> None:
    """The weekly cron: the first batch runs the workbook and mails its digests; the
    second (same week, workbook unchanged) skips the run and finds them sent."""
    import json

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "tree.xlsx", company_sheets())
    with MailServer(tmp_path) as server:
        first = invoke(["batch", str(inbox), "--digest", "--settle", "0", "--json", "-j", "1",
                        "--as-of", "2026-06-30"], server.env)
        assert first.exit_code == 0, first.output
        item = json.loads(first.stdout)["workbooks"][0]
        assert (item["status"], item["digest"]["counts"]) == ("done", {"sent": 5})
        assert sorted(m["To"] for m in server.messages) == sorted(SUBTREES)
        again = invoke(["batch", str(inbox), "--digest", "--settle", "0", "--json",
                        "--as-of", "2026-06-30"], server.env)
        assert again.exit_code == 0, again.output
        item = json.loads(again.stdout)["workbooks"][0]
        assert (item["status"], item["digest"]["counts"]) == ("skipped", {"already sent": 5})
        assert len(server.messages) == 5
