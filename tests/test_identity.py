"""A rep's report for a month goes out once per workbook, whatever the file is called and
whatever folder it is sent from: the workbook carries an identity (a hidden name), its
reports' folder follows from it alone, and what was sent is recorded by it in the
operator's state folder. Each attack of a hostile inbox writer or a careless manager is
run with real workbooks, real batches and a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import identity_of, write_workbook
from smtp_helpers import MONTH, MailServer, invoke, send_sheets

#: Every test runs whole batches (each renders and mails a team).
pytestmark = pytest.mark.slow
BATCH = ["--settle", "0", "-j", "1", "--no-calendar", "--json", *MONTH]


def _batch(inbox: Path, server: MailServer, *extra: str) -> dict[str, Any]:
    result = invoke(["batch", str(inbox), "--send", *BATCH, *extra], server.env)
    manifest = json.loads(result.stdout)
    manifest["_exit"] = result.exit_code
    return manifest


def _by_name(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in manifest["workbooks"]}


def _silent_sheets() -> dict[str, list[list[Any]]]:
    """Another team's workbook whose reps have no Email and no Manager Email: it mails
    nobody, so every message the server gets is east's."""
    sheets = send_sheets()
    sheets["Reps"] = [row[:2] + [None] + row[3:] if i else row
                      for i, row in enumerate(sheets["Reps"])]
    sheets["Settings"] = [row for row in sheets["Settings"] if row[0] != "Manager Email"]
    return sheets


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_workbook(folder / "east.xlsx", send_sheets())
    return folder


def test_a_workbook_dropped_beside_with_the_same_stem_mails_nobody_twice(
        inbox: Path, tmp_path: Path) -> None:
    """east.xlsm beside east.xlsx moved east's reports (and its send log) to
    reports/east-xlsx: the whole month was mailed again."""
    with MailServer(tmp_path) as server:
        first = _batch(inbox, server)
        assert first["_exit"] == 0, first
        assert len(server.messages) == 4
        write_workbook(inbox / "east.xlsm", _silent_sheets())
        again = _batch(inbox, server, "--force")
        assert len(server.messages) == 4, [m["To"] for m in server.messages[4:]]
    items = _by_name(again)
    assert items["east.xlsx"]["report_dir"] == _by_name(first)["east.xlsx"]["report_dir"]
    assert items["east.xlsx"]["delivery"]["counts"] == {"already sent": 4, "not sent": 1}
    assert items["east.xlsm"]["report_dir"] != items["east.xlsx"]["report_dir"]


def test_a_renamed_workbook_mails_nobody_twice(inbox: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        assert _batch(inbox, server)["_exit"] == 0
        (inbox / "east.xlsx").rename(inbox / "East-team.xlsx")
        again = _batch(inbox, server)
        assert len(server.messages) == 4
    delivery = _by_name(again)["East-team.xlsx"]["delivery"]
    assert delivery["counts"] == {"already sent": 4, "not sent": 1}


def test_a_planted_workbook_named_like_a_folder_holds_nothing_back(inbox: Path,
                                                                  tmp_path: Path) -> None:
    """With east.xlsx and east.xlsm in the inbox, east.xlsx's reports went to
    reports/east-xlsx, the folder a planted east-xlsx.xlsx also got: it ran first, and its
    send log held every real report of east back as "changed since it was sent"."""
    write_workbook(inbox / "east.xlsm", _silent_sheets())
    planted = send_sheets()
    planted["Goals"] = [row[:2] + [1_000_000] + row[3:] if i else row
                        for i, row in enumerate(planted["Goals"])]
    write_workbook(inbox / "east-xlsx.xlsx", planted)
    with MailServer(tmp_path) as server:
        manifest = _batch(inbox, server)
    items = _by_name(manifest)
    folders = {item["report_dir"] for item in items.values()}
    assert len(folders) == 3
    assert items["east.xlsx"]["delivery"]["ok"] is True
    assert items["east.xlsx"]["delivery"]["counts"] == {"sent": 4, "not sent": 1}
    assert manifest["_exit"] == 0, manifest["why_exit_1"]


def test_a_copy_dropped_beside_the_workbook_is_refused_and_mails_nobody(
        inbox: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        assert _batch(inbox, server)["_exit"] == 0
        shutil.copy2(inbox / "east.xlsx", inbox / "east (copy).xlsx")
        again = _batch(inbox, server, "--force")
        assert len(server.messages) == 4
    items = _by_name(again)
    assert items["east (copy).xlsx"]["status"] == "failed"
    assert items["east (copy).xlsx"]["why"].startswith(
        "carries the goalreport identity of 'east.xlsx' (it is a copy of it, or made to "
        "look like one")
    assert items["east.xlsx"]["delivery"]["counts"] == {"already sent": 4, "not sent": 1}
    assert again["_exit"] == 1
    assert again["why_exit_1"] == ["1 workbook failed"]


def test_sent_by_hand_then_dropped_in_the_inbox_mails_nobody_twice(tmp_path: Path) -> None:
    """The manager runs and sends by hand, then puts the workbook in the cron inbox: the
    same workbook, the same month, the same reps."""
    desk = tmp_path / "desk"
    desk.mkdir()
    book = write_workbook(desk / "team.xlsx", send_sheets())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    with MailServer(tmp_path) as server:
        by_hand = invoke(["run", str(book), *MONTH, "--send", "-j", "1", "--no-calendar"],
                         server.env)
        assert by_hand.exit_code == 0, by_hand.output
        assert len(server.messages) == 4
        shutil.copy2(book, inbox / "team.xlsx")
        batch = _batch(inbox, server)
        assert len(server.messages) == 4, [m["To"] for m in server.messages[4:]]
    assert _by_name(batch)["team.xlsx"]["delivery"]["counts"] == {"already sent": 4,
                                                                  "not sent": 1}
    assert identity_of(inbox / "team.xlsx") == identity_of(book)


def test_new_identity_makes_a_copy_a_workbook_of_its_own(inbox: Path, tmp_path: Path) -> None:
    """A copy made on purpose, to start another team's workbook."""
    with MailServer(tmp_path) as server:
        assert _batch(inbox, server)["_exit"] == 0
        west = shutil.copy2(inbox / "east.xlsx", tmp_path / "west.xlsx")
        ran = invoke(["run", str(west), *MONTH, "--new-identity", "-j", "1", "-q"])
        assert ran.exit_code == 0, ran.output
        assert identity_of(Path(west)) != identity_of(inbox / "east.xlsx")
        shutil.copy2(west, inbox / "west.xlsx")
        again = _batch(inbox, server)
    assert _by_name(again)["west.xlsx"]["status"] == "done"


@pytest.mark.parametrize("planted", ["../../../etc/cron.d/x", "3F2A9C1D" * 4, "", "a" * 33])
def test_an_identity_goalreport_did_not_write_is_replaced_and_names_no_folder(
        tmp_path: Path, planted: str) -> None:
    """The identity comes from the workbook, which inbox writers fill in: anything but 32
    lower-case hex digits is not one goalreport wrote, is never used in a path, and the
    next write gives the workbook a real one."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    book = write_workbook(inbox / "east.xlsx", send_sheets(), identity=planted)
    with MailServer(tmp_path) as server:
        manifest = _batch(inbox, server)
    assert manifest["_exit"] == 0, manifest
    identity = identity_of(book)
    assert identity != planted and len(identity) == 32 and identity.islower()
    folder = Path(_by_name(manifest)["east.xlsx"]["report_dir"])
    assert folder.parent == inbox / "reports" and folder.name == f"east-{identity[:8]}"
    state = Path(os.environ["XDG_STATE_HOME"]) / "goalreport" / "sent"
    assert [p.name for p in state.iterdir()] == [identity]
