"""``goalreport batch`` reads the CRM exports in ``<workbook stem>.deals/`` beside each
workbook in the inbox, under the inbox's safety rules (docs/safety.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import openpyxl
import pytest
from test_batch import batch, fingerprint, job, statuses

from goalreport.batch.runner import run_batch
from tests.conftest import minimal_sheets, write_workbook

# A HubSpot deals export (its default columns): Ana Lima won 1,200 on 5 March.
HUBSPOT = ("Record ID,Deal Name,Deal Stage,Close Date,Deal owner,Amount\n"
           "101,Zeta,Closed won,2026-03-05 10:15,Ana Lima,1200\n")


def won_to_date(path: Path) -> object:
    """R1's "New Actual" on the Progress sheet the batch wrote (read back)."""
    rows = list(openpyxl.load_workbook(path, read_only=True)["Progress"].iter_rows(
        values_only=True))
    return rows[1][list(rows[0]).index("New Actual")]


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


def test_the_deals_folder_is_read_and_a_changed_export_redoes_the_workbook(
        inbox: Path) -> None:
    """The typed Activity won 100; the export adds 1,200; a second export 800 more."""
    team = write_workbook(inbox / "team.xlsx", minimal_sheets())
    (inbox / "team.deals").mkdir()
    export = inbox / "team.deals" / "hubspot-crm-exports-all-deals.csv"
    export.write_text(HUBSPOT)
    first = batch(inbox, "--json")
    assert first.returncode == 0, first.stderr
    assert statuses(json.loads(first.stdout)) == {"team.xlsx": "done"}
    assert won_to_date(team) == 1300  # 100 typed + 1,200 from the export

    again = batch(inbox, "--json")
    assert statuses(json.loads(again.stdout)) == {"team.xlsx": "skipped"}

    export.write_text(HUBSPOT + "102,Yak,Closed won,2026-03-09 11:00,Ana Lima,800\n")
    changed = batch(inbox, "--json")
    assert statuses(json.loads(changed.stdout)) == {"team.xlsx": "done"}
    assert won_to_date(team) == 2100


def test_a_link_in_the_deals_folder_fails_the_workbook_untouched(inbox: Path,
                                                                  tmp_path: Path) -> None:
    """A planted link to a file outside the inbox is never read: the workbook fails with
    one line and stays byte for byte as it was."""
    team = write_workbook(inbox / "team.xlsx", minimal_sheets())
    secret = tmp_path / "secret.csv"
    secret.write_text("Record ID,Deal owner,Deal Stage,Close Date,Amount\n1,Ana Lima,"
                      "Closed won,2026-03-05,999999\n")
    (inbox / "team.deals").mkdir()
    (inbox / "team.deals" / "deals.csv").symlink_to(secret)
    before = fingerprint(team)
    result = batch(inbox, "--json")
    item = json.loads(result.stdout)["workbooks"][0]
    assert (item["status"], item["why"]) == ("failed", (
        "'team.deals/deals.csv' is a symbolic link: goalreport does not follow links out of "
        "the inbox. Put the export itself in the folder."))
    assert fingerprint(team) == before


def test_a_deals_folder_that_is_a_link_fails_the_workbook(inbox: Path,
                                                          tmp_path: Path) -> None:
    write_workbook(inbox / "team.xlsx", minimal_sheets())
    (tmp_path / "elsewhere").mkdir()
    (inbox / "team.deals").symlink_to(tmp_path / "elsewhere")
    item = json.loads(batch(inbox, "--json").stdout)["workbooks"][0]
    assert (item["status"], item["why"]) == ("failed", (
        "'team.deals' is not a folder (a symbolic link): the deal exports of a workbook go in "
        "a plain folder named after it."))


def test_an_export_still_being_written_leaves_the_workbook_for_the_next_run(
        inbox: Path) -> None:
    """The export changed 0.1 s before the batch's (fixed) clock, the workbook 0.4 s
    before: with a settle time of 0.25 s the workbook is ready, its export is not."""
    write_workbook(inbox / "team.xlsx", minimal_sheets())
    time.sleep(0.3)
    (inbox / "team.deals").mkdir()
    export = inbox / "team.deals" / "deals.csv"
    export.write_text(HUBSPOT)
    changed = max(export.stat().st_mtime, export.stat().st_ctime)
    manifest = run_batch(inbox, None, job(), settle_seconds=0.25, clock=lambda: changed + 0.1)
    item = manifest.items[0]
    assert item.status == "not ready"
    assert item.why == ("'team.deals/deals.csv' changed 0.1 s ago (settle time 0.25 s); left "
                        "for the next run.")
