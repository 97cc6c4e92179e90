"""`goalreport send` in a reports folder others can write: every attack with a real
``os.symlink`` (or a planted file), against a real SMTP server on 127.0.0.1.

Someone who can write to ``DIR/<YYYY-MM>/`` (a shared inbox's reports folder) plants a
link where goalreport reads a PDF to attach, its send log or its lock, or the dry run's
outbox. goalreport must never attach, read, create or delete a file through such a link.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
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
    render_team,
)

from goalreport.core.engine import compute
from goalreport.delivery.deliver import SendOptions, deliver
from goalreport.delivery.sendlog import LOCK_NAME, LOG_NAME
from goalreport.errors import DeliveryError, UnsafePath
from goalreport.workbook.reader import read_workbook

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
    data = read_workbook(book)
    computation = compute(data, as_of=dt.date(2026, 6, 30), report_month=dt.date(2026, 6, 1))
    return deliver(computation, data.settings, month_dir(book), SendOptions(), now=NOW, env=env)


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


def test_a_linked_send_log_is_neither_read_nor_trusted(team: Path, tmp_path: Path) -> None:
    """A log elsewhere claiming every report was sent would silence the whole month."""
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"format": 1, "sent": {}}))
    os.symlink(forged, month_dir(team) / LOG_NAME)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines()[-1] == (
        f"Error: {str(month_dir(team) / LOG_NAME)!r} is a symbolic link: goalreport opens only "
        "plain files there, never through a link. Replace it with the file itself, or remove "
        "it, and run again.")
    assert forged.read_text() == json.dumps({"format": 1, "sent": {}})


@pytest.mark.parametrize("content", [b"[" * 200_000, b" " * (33 * 1024 * 1024)],
                         ids=["deeply-nested", "over-32-MiB"])
def test_a_damaged_send_log_stops_with_one_line(team: Path, tmp_path: Path,
                                                content: bytes) -> None:
    log = month_dir(team) / LOG_NAME
    log.write_bytes(content)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    reason = "larger than 32 MiB" if len(content) > 1 << 20 else "too deeply nested"
    assert result.output.splitlines()[-1] == (
        f"Error: the send log {str(log)!r} cannot be read ({reason}), so goalreport cannot "
        "tell what was already sent. Move it away to send everything again.")
    assert log.read_bytes() == content


def test_a_dangling_link_as_the_lock_creates_nothing(team: Path, tmp_path: Path) -> None:
    target = tmp_path / "private" / "created-by-goalreport"
    target.parent.mkdir()
    os.symlink(target, month_dir(team) / LOCK_NAME)
    with MailServer(tmp_path) as server, pytest.raises(UnsafePath, match="is a symbolic link"):
        send_directly(team, server.env)
    assert not target.exists()
    assert server.messages == []


def test_the_lock_still_keeps_two_sends_apart(team: Path, tmp_path: Path) -> None:
    """Another process holds the lock (``lockf`` locks are per process)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(month_dir(team) / LOCK_NAME)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        with MailServer(tmp_path) as server, \
                pytest.raises(DeliveryError, match="another 'goalreport send' is sending"):
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
    from goalreport.delivery.deliver import open_month
    from goalreport.delivery.sendlog import send_lock

    with MailServer(tmp_path) as server, open_month(month_dir(team)) as month, \
            send_lock(month):
        with pytest.raises(DeliveryError, match="another 'goalreport send' is sending"):
            send_directly(team, server.env)
        assert server.messages == []
        other = subprocess.run([sys.executable, "-c", TRY_LOCK, str(month_dir(team) / LOCK_NAME)],
                               capture_output=True, text=True, check=True, timeout=60)
        assert other.stdout == "held\n"  # the old code's second send had dropped it: "free"


def test_a_lock_planted_as_a_hard_link_is_refused_and_its_target_untouched(
        team: Path, tmp_path: Path, secret: Path) -> None:
    """The lock file records its holder's pid, so it is never a second name of someone's
    file."""
    os.link(secret, month_dir(team) / LOCK_NAME)
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output.splitlines()[-1] == (
        f"Error: {str(month_dir(team) / LOCK_NAME)!r} is a second name (a hard link) of "
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
def test_batch_send_refuses_a_planted_send_log_and_records_why(team: Path,
                                                               tmp_path: Path) -> None:
    """In a batch, the workbook's month folder is DIR/<workbook>/<YYYY-MM>: a link planted
    there as the send log stops that workbook's mail with one line in the manifest."""
    inbox = team.parent
    shutil.rmtree(inbox / "reports")
    month = inbox / "reports" / "team" / "2026-06"
    month.mkdir(parents=True)
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps({"format": 1, "sent": {}}))
    os.symlink(forged, month / LOG_NAME)
    with MailServer(tmp_path) as server:
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "--json",
                         "-j", "1"], server.env)
    assert result.exit_code == 1, result.output
    assert server.messages == []
    delivery = json.loads(result.stdout)["workbooks"][0]["delivery"]
    assert delivery["ok"] is False
    assert delivery["error"] == (
        f"{str(month / LOG_NAME)!r} is a symbolic link: goalreport opens only plain files "
        "there, never through a link. Replace it with the file itself, or remove it, and "
        "run again.")
    assert (month / LOG_NAME).is_symlink()
    assert forged.read_text() == json.dumps({"format": 1, "sent": {}})
