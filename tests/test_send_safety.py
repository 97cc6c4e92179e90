"""`goalreport send` in a reports folder others can write: every attack with a real
``os.symlink`` (or a planted file), against a real SMTP server on 127.0.0.1.

Someone who can write to ``DIR/<YYYY-MM>/`` (a shared inbox's reports folder) plants a
link where goalreport reads a PDF to attach, or the dry run's outbox, or plants a send log
of their own. goalreport must never attach, read, create or delete a file through such a
link, and what was sent is recorded where they cannot write (the operator's state folder:
its own attacks are here too, with a link, a damaged record, a record of someone else).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from smtp_helpers import (
    MONTH,
    MailServer,
    attachments,
    copy_team,
    invoke,
    read_record,
    record_path,
    render_team,
)

from goalreport.delivery.deliver import deliver
from goalreport.delivery.outcome import SendOptions
from goalreport.errors import DeliveryError, UnsafePath
from goalreport.jobs import JobOptions, load_for_send

#: What the send log of the version before the send record was called, in the month folder.
OLD_LOG_NAME = ".goalreport-sent.json"

SECRET = b"%PDF-1.4 the cron user's private file\n"
NOW = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)
HOLD_LOCK = """import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o600)
fcntl.lockf(fd, fcntl.LOCK_EX)
print('locked', flush=True)
time.sleep(60)
"""
TRY_LOCK = """import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    print('held')
else:
    print('free')
"""


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_team(tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def team(rendered: Path, tmp_path: Path) -> Path:
    """A fresh copy of the rendered workbook folder; returns the workbook's path."""
    return copy_team(rendered, tmp_path)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A private file outside the reports folder, newer than every report."""
    path = tmp_path / "private" / "secret.pdf"
    path.parent.mkdir()
    path.write_bytes(SECRET)
    return path


def month_dir(book: Path) -> Path:
    return book.parent / "reports" / "2026-06"


def by_recipient(server: MailServer) -> dict[str, object]:
    return {message["To"]: message for message in server.messages}


def sent_bytes(server: MailServer) -> list[bytes]:
    return [data for message in server.messages for data in attachments(message).values()]


def send_directly(book: Path, env: dict[str, str]):
    """``deliver`` on the month folder as it is now, without rendering anything first:
    what ``send`` does in the instant after its rendering."""
    options = JobOptions(today=dt.date(2026, 7, 1), now=NOW, month=dt.date(2026, 6, 1))
    computation, settings, reports, _ = load_for_send(book, options)
    return deliver(computation, settings, reports, SendOptions(), now=NOW, env=env)


def lock_path(book: Path) -> Path:
    return record_path(book).with_suffix(".lock")


def test_a_pdf_replaced_by_a_link_before_send_is_rendered_again_not_followed(
        team: Path, tmp_path: Path, secret: Path) -> None:
    pdf = month_dir(team) / "R1-Ana-Lima.pdf"
    pdf.unlink()
    os.symlink(secret, pdf)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    assert SECRET not in sent_bytes(server)
    # The link was taken for a missing report: rendered again, over the link.
    assert not pdf.is_symlink()
    ana = attachments(by_recipient(server)["ana@example.com"])["R1-Ana-Lima.pdf"]
    assert ana == pdf.read_bytes() and ana.startswith(b"%PDF-")
    assert secret.read_bytes() == SECRET


def test_a_link_planted_after_the_render_is_refused_and_the_others_still_go(
        team: Path, tmp_path: Path, secret: Path) -> None:
    pdf = month_dir(team) / "R1-Ana-Lima.pdf"
    pdf.unlink()
    os.symlink(secret, pdf)
    with MailServer(tmp_path) as server:
        report = send_directly(team, server.env)
    assert SECRET not in sent_bytes(server)
    assert sorted(by_recipient(server)) == ["ben@example.com", "boss@example.com",
                                            "dee@example.com"]
    ana = report.deliveries[0]
    assert (ana.who, ana.state) == ("R1 (Ana Lima)", "failed")
    assert ana.why == (f"{str(pdf)!r} is a symbolic link: goalreport opens only plain files "
                       "there, never through a link. Replace it with the file itself, or "
                       "remove it, and run again.")
    assert not report.ok
    assert secret.read_bytes() == SECRET


def test_a_link_as_the_team_summary_is_refused(team: Path, tmp_path: Path,
                                                secret: Path) -> None:
    pdf = month_dir(team) / "team-summary.pdf"
    pdf.unlink()
    os.symlink(secret, pdf)
    with MailServer(tmp_path) as server:
        report = send_directly(team, server.env)
    assert SECRET not in sent_bytes(server)
    assert sorted(by_recipient(server)) == ["ana@example.com", "ben@example.com",
                                            "dee@example.com"]
    assert [(d.who, d.state) for d in report.deliveries][-1] == ("manager", "failed")
    assert "is a symbolic link" in report.deliveries[-1].why


def test_a_huge_file_under_a_report_name_is_refused_without_reading_it(
        team: Path, tmp_path: Path) -> None:
    pdf = month_dir(team) / "R2-Ben-Ode.pdf"
    os.truncate(pdf, 101 * 1024 * 1024)  # sparse: nothing is really written
    with MailServer(tmp_path) as server:
        report = send_directly(team, server.env)
    assert "ben@example.com" not in by_recipient(server)
    ben = next(d for d in report.deliveries if d.who == "R2 (Ben Ode)")
    assert (ben.state, ben.why) == (
        "failed", f"{str(pdf)!r} is 101 MiB, more than the 100 MiB goalreport attaches")


def test_a_linked_month_folder_is_refused(team: Path, tmp_path: Path) -> None:
    """The month folder moved elsewhere and linked back: its fresh PDFs are not sent."""
    elsewhere = tmp_path / "elsewhere"
    month_dir(team).rename(elsewhere)
    os.symlink(elsewhere, month_dir(team))
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines()[-1] == (
        f"Error: {str(month_dir(team))!r} is a symbolic link: goalreport makes this folder "
        "itself and does not follow links there (someone who can write to its folder may "
        "have planted it). Remove it and run again.")


def _forged_log(book: Path, folder: Path | None = None) -> dict[str, object]:
    """The send log an inbox writer plants in the month folder: every report "sent", with
    the PDFs' real hashes (rendering is deterministic, so they can compute them)."""
    import hashlib

    folder = folder or month_dir(book)
    entries = {}
    for key, name, to in [("rep:r1", "R1-Ana-Lima.pdf", "ana@example.com"),
                          ("rep:r2", "R2-Ben-Ode.pdf", "ben@example.com"),
                          ("rep:r4", "R4-Dee-Park.pdf", "dee@example.com"),
                          ("manager", "team-summary.pdf", "boss@example.com")]:
        entries[key] = {"who": key, "recipient": to, "file": name, "message_id": "<x@y>",
                        "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest(),
                        "sent": "2026-07-01T06:00:00+00:00"}
    return {"format": 1, "sent": entries}


def test_a_send_log_planted_in_the_reports_folder_changes_nothing(team: Path,
                                                                   tmp_path: Path) -> None:
    """With a group inbox's umask 002 a manager could write the month folder and plant a
    send log saying everything went: the old `send` said "4 already sent", sent nothing
    and exited 0. The record is not there any more: everyone is mailed."""
    planted = month_dir(team) / OLD_LOG_NAME
    planted.write_text(json.dumps(_forged_log(team)))
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 4
    assert result.output.splitlines()[-1] == "4 sent, 1 not sent."
    assert sorted(read_record(team)) == ["manager", "rep:r1", "rep:r2", "rep:r4"]


def test_a_malformed_planted_log_does_not_crash_send(team: Path, tmp_path: Path) -> None:
    """`"recipient": null` in a planted log ended the old `send` in a traceback."""
    forged = _forged_log(team)
    forged["sent"]["rep:r1"]["recipient"] = None  # type: ignore[index]
    (month_dir(team) / OLD_LOG_NAME).write_text(json.dumps(forged))
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 4


def _sent_once(team: Path, tmp_path: Path) -> Path:
    with MailServer(tmp_path) as server:
        assert invoke(["send", str(team), *MONTH], server.env).exit_code == 0
    return record_path(team)


def test_a_linked_send_record_is_neither_read_nor_trusted(team: Path, tmp_path: Path) -> None:
    """A record elsewhere claiming every report was sent would silence the whole month."""
    record = _sent_once(team, tmp_path)
    forged = tmp_path / "forged.jsonl"
    record.rename(forged)
    os.symlink(forged, record)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines()[-1] == (
        f"Error: {str(record)!r} is a symbolic link: goalreport opens only plain files "
        "there, never through a link. Replace it with the file itself, or remove it, and "
        "run again.")


ENTRY = ('{"key":"rep:r1","entry":{"who":"R1 (Ana Lima)","recipient":"ana@example.com",'
         '"file":"R1-Ana-Lima.pdf","sha256":"' + "a" * 64 + '","says":"' + "b" * 40 + '",'
         '"message_id":"<x@y>","outcome":"accepted","sent":"2026-07-01T06:00:00+00:00"}}')
HEADER = '{"format":2,"section":"sent"}\n'


@pytest.mark.parametrize(("content", "why"), [
    (b"[" * 200_000 + b"\n", "too deeply nested"),
    (b" " * (65 * 1024 * 1024), "larger than 64 MiB"),
    ((HEADER + ENTRY.replace('"ana@example.com"', "null") + "\n").encode(),
     "the entry 'rep:r1' has no recipient (text)"),
    ((HEADER + ENTRY.replace('"accepted"', '"maybe"') + "\n").encode(),
     "the entry 'rep:r1' has no outcome (accepted or unknown)"),
    ((HEADER + ENTRY).encode(), "its last line is incomplete"),
    ((HEADER + '{"key":"rep:r1"}\n').encode(), "line 2 is not an entry"),
], ids=["deeply-nested", "over-64-MiB", "recipient-null", "bad-outcome", "torn-line",
        "no-entry"])
def test_a_damaged_send_record_stops_with_one_line(team: Path, tmp_path: Path,
                                                   content: bytes, why: str) -> None:
    record = _sent_once(team, tmp_path)
    record.write_bytes(content)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines() == [
        (f"Error: the send record {str(record)!r} cannot be read ({why}), so goalreport "
        "cannot tell what was already sent. Move it away to send everything again.")]
    assert record.read_bytes() == content


NOBODY = 65534


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file another user's needs root")
def test_a_send_record_of_another_user_is_a_stop(team: Path, tmp_path: Path) -> None:
    import pwd

    record = _sent_once(team, tmp_path)
    os.chown(record, NOBODY, NOBODY)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines() == [
        (f"Error: {record} belongs to {pwd.getpwuid(NOBODY).pw_name}, not to "
        f"{pwd.getpwuid(os.geteuid()).pw_name} who runs goalreport, so goalreport did not "
        "write it (someone who can write to its folder may have planted it). Remove it and "
        "run again")]


@pytest.mark.parametrize("mode", [0o777, 0o770])
def test_a_state_folder_others_can_write_is_refused(team: Path, tmp_path: Path,
                                                    private_state: Path, mode: int) -> None:
    private_state.mkdir(mode=0o700)
    private_state.chmod(mode)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines() == [
        (f"Error: goalreport's state folder {str(private_state)!r} can be changed by other "
        f"users (mode {mode:04o}): what was sent is recorded there, and nobody else may "
        "change it. Run 'chmod 700' on it if it is yours, or set XDG_STATE_HOME to a folder "
        "of your own.")]


def test_the_state_folder_is_made_private_whatever_the_umask(team: Path, tmp_path: Path,
                                                             private_state: Path) -> None:
    old = os.umask(0o002)
    try:
        _sent_once(team, tmp_path)
    finally:
        os.umask(old)
    record = record_path(team)
    assert stat.S_IMODE(private_state.stat().st_mode) == 0o700
    assert stat.S_IMODE(record.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(record.stat().st_mode) == 0o600


def test_a_dangling_link_as_the_lock_creates_nothing(team: Path, tmp_path: Path) -> None:
    _sent_once(team, tmp_path)
    target = tmp_path / "private" / "created-by-goalreport"
    target.parent.mkdir()
    lock_path(team).unlink()
    os.symlink(target, lock_path(team))
    with MailServer(tmp_path) as server, pytest.raises(UnsafePath, match="is a symbolic link"):
        send_directly(team, server.env)
    assert not target.exists()
    assert server.messages == []


def test_the_lock_keeps_two_sends_apart(team: Path, tmp_path: Path) -> None:
    """Another process holds the lock (``lockf`` locks are per process)."""
    _sent_once(team, tmp_path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(lock_path(team))],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with MailServer(tmp_path) as server, \
                pytest.raises(DeliveryError, match="another 'goalreport send' .* is sending"):
            send_directly(team, server.env)
        assert server.messages == []
    finally:
        holder.kill()
        holder.wait()


def test_a_second_send_in_the_same_process_is_refused_and_the_first_keeps_the_lock(
        team: Path, tmp_path: Path) -> None:
    """``lockf`` does not exclude its own process, and closing any descriptor of the file
    drops the lock: a second send of the same month in this process (a script calling
    ``deliver`` twice, a batch sending in the process that holds the lock) must be refused
    before it opens the lock file, and the first send must still hold it afterwards."""
    from smtp_helpers import identity_of

    from goalreport.delivery.sendlog import open_record

    with MailServer(tmp_path) as server, open_record(identity_of(team), dt.date(2026, 6, 1)):
        with pytest.raises(DeliveryError, match="another 'goalreport send' .* is sending"):
            send_directly(team, server.env)
        assert server.messages == []
        other = subprocess.run([sys.executable, "-c", TRY_LOCK, str(lock_path(team))],
                               capture_output=True, text=True, check=True, timeout=60)
        assert other.stdout == "held\n"


def test_a_lock_planted_as_a_hard_link_is_refused_and_its_target_untouched(
        team: Path, tmp_path: Path, secret: Path) -> None:
    """The lock file records its holder's pid, so it is never a second name of someone's
    file."""
    _sent_once(team, tmp_path)
    lock_path(team).unlink()
    os.link(secret, lock_path(team))
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines()[-1] == (
        f"Error: {str(lock_path(team))!r} is a second name (a hard link) of "
        "another file; goalreport does not write into it. Remove it and run again.")
    assert secret.read_bytes() == SECRET


def test_dry_run_never_writes_or_clears_through_a_linked_outbox(team: Path,
                                                                 tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.eml").write_bytes(b"someone's mail")
    os.symlink(elsewhere, month_dir(team) / "outbox")
    result = invoke(["send", str(team), *MONTH, "--dry-run"])
    assert result.exit_code == 1
    assert sorted(p.name for p in elsewhere.iterdir()) == ["keep.eml"]
    assert (elsewhere / "keep.eml").read_bytes() == b"someone's mail"
    assert result.output.splitlines()[-1] == (
        f"Error: {str(month_dir(team) / 'outbox')!r} is a symbolic link: goalreport makes this "
        "folder itself and does not follow links there (someone who can write to its folder "
        "may have planted it). Remove it and run again.")


def test_dry_run_replaces_a_linked_eml_and_removes_old_links(team: Path, tmp_path: Path,
                                                             secret: Path) -> None:
    outbox = month_dir(team) / "outbox"
    outbox.mkdir()
    os.symlink(secret, outbox / "R1-Ana-Lima.eml")
    os.symlink(secret, outbox / "old.eml")
    result = invoke(["send", str(team), *MONTH, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert secret.read_bytes() == SECRET
    assert sorted(p.name for p in outbox.iterdir()) == [
        "R1-Ana-Lima.eml", "R2-Ben-Ode.eml", "R4-Dee-Park.eml", "team-summary.eml"]
    assert not (outbox / "R1-Ana-Lima.eml").is_symlink()
    assert b"To: ana@example.com" in (outbox / "R1-Ana-Lima.eml").read_bytes()


@pytest.mark.slow
def test_batch_send_ignores_a_send_log_planted_in_the_workbooks_month_folder(
        team: Path, tmp_path: Path) -> None:
    """In a batch the month folder is DIR/<workbook>/<YYYY-MM>: a log planted there that
    says everything went silenced the whole month. It is not read any more."""
    inbox = team.parent
    shutil.rmtree(inbox / "reports")
    with MailServer(tmp_path) as server:
        first = invoke(["batch", str(inbox), *MONTH, "--settle", "0", "--json", "-j", "1"],
                       server.env)
        assert server.messages == []
        assert first.exit_code == 0, first.output
        month = Path(json.loads(first.stdout)["workbooks"][0]["report_dir"]) / "2026-06"
        (month / OLD_LOG_NAME).write_text(json.dumps(_forged_log(team, month)))
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "--json",
                         "-j", "1"], server.env)
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 4
