"""`goalreport send`, `run --send`, `batch --send` against a real SMTP server on 127.0.0.1.

The reports are rendered once per module (June 2026 of ``send_sheets``) and each test
works on its own copy, modification times kept, so a copy looks as `report` left it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from smtp_helpers import (
    CLEAN_ENV,
    MONTH,
    MailServer,
    attachments,
    copy_team,
    invoke,
    plain_text,
    read_record,
    record_path,
    render_team,
)

from goalreport.cli import cli

GOALREPORT = Path(sys.executable).with_name("goalreport")
PDFS = {"ana@example.com": "R1-Ana-Lima.pdf", "ben@example.com": "R2-Ben-Ode.pdf",
        "dee@example.com": "R4-Dee-Park.pdf"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_team(tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def team(rendered: Path, tmp_path: Path) -> Path:
    """A fresh copy of the rendered workbook folder; returns the workbook's path."""
    return copy_team(rendered, tmp_path)


def month_dir(book: Path) -> Path:
    return book.parent / "reports" / "2026-06"


def by_recipient(server: MailServer) -> dict[str, object]:
    return {message["To"]: message for message in server.messages}


def test_each_rep_gets_exactly_their_pdf_and_calendar(team: Path, tmp_path: Path) -> None:
    folder = month_dir(team)
    (folder / "R2-Ben-Ode.pdf").unlink()  # missing: rendered first, like `report` does
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    received = by_recipient(server)
    assert sorted(received) == ["ana@example.com", "ben@example.com", "boss@example.com",
                                "dee@example.com"]
    assert [envelope[1] for envelope in server.handler.envelopes] == [
        ["ana@example.com"], ["ben@example.com"], ["dee@example.com"], ["boss@example.com"]]
    for address, pdf in PDFS.items():
        files = attachments(received[address])
        assert sorted(files) == [pdf, "focus-time-2026-07.ics"]
        assert files[pdf] == (folder / pdf).read_bytes()
    manager = attachments(received["boss@example.com"])
    assert manager == {"team-summary.pdf": (folder / "team-summary.pdf").read_bytes()}
    assert "Warning: not sent: R3 (Cy Noaddress): R3-Cy-Noaddress.pdf (no Email in Reps)" \
        in result.output
    assert result.output.splitlines()[-1] == "4 sent, 1 not sent."
    status = plain_text(received["boss@example.com"])
    assert "R3 (Cy Noaddress): not sent, R3-Cy-Noaddress.pdf (no Email in Reps)" in status
    assert "R2 (Ben Ode) <ben@example.com>: sent, R2-Ben-Ode.pdf" in status
    log = read_record(team)
    assert sorted(log) == ["manager", "rep:r1", "rep:r2", "rep:r4"]
    assert log["rep:r2"]["recipient"] == "ben@example.com"
    assert log["rep:r2"]["outcome"] == "accepted"


def _blocks(message) -> list[tuple[dt.datetime, dt.datetime, str]]:
    data = attachments(message)["focus-time-2026-07.ics"]
    calendar = Calendar.from_ical(data)
    return [(event.decoded("dtstart"), event.decoded("dtend"), str(event["summary"]))
            for event in calendar.walk("VEVENT")]


def test_calendar_blocks_skip_holidays_and_time_off(team: Path, tmp_path: Path) -> None:
    """Worked by hand for July 2026 (Jul 1 is a Wednesday; Jul 6 a company holiday):
    R1 has 6 focus hours a week → 2 blocks of 3 h on the first two working days of each
    week; the week of Jun 29 has them in June, Jul 13–17 is R1's time off. R2 has none
    → 2 hours on the first working day of each week."""
    with MailServer(tmp_path) as server:
        assert invoke(["send", str(team), *MONTH], server.env).exit_code == 0
    received = by_recipient(server)
    ana = _blocks(received["ana@example.com"])
    assert [(start.date().day, start.hour, end.hour) for start, end, _ in ana] == [
        (7, 9, 12), (8, 9, 12), (20, 9, 12), (21, 9, 12), (27, 9, 12), (28, 9, 12)]
    ben = _blocks(received["ben@example.com"])
    assert [(start.date().day, start.hour, end.hour) for start, end, _ in ben] == [
        (7, 9, 11), (13, 9, 11), (20, 9, 11), (27, 9, 11)]
    # Each week's objective as the July report's plan shows it (counts below 10
    # keep a decimal, the weeks are shares of the month's figures by their days in it).
    # Ana: $120,000 over her 255 working days, July's 17 (Jul 6 off, Jul 13–17 away) →
    # $8,000 = 1.6 deals, 4.8 leads, 4.8 meetings. Her July weeks hold 3, 4, 0, 5 and 5
    # of those days. Deals in tenths, 16 × 3/17 … = 2.82, 3.76, 4.71, 4.71 → 2, 3, 4, 4
    # and the 3 left to the largest remainders: 3, 4, 5, 4; leads 48 → 8.47, 11.29,
    # 14.12, 14.12 → 8, 11, 14, 14 and 1 left to the first: 9, 11, 14, 14. Her blocks
    # are in the weeks of Jul 6, 20 and 27 (the week of Jun 29 has its in June).
    assert [summary for _, _, summary in ana][::2] == [
        "Focus time: 0.4 deals, 1.1 leads, 1.1 meetings this week",
        "Focus time: 0.5 deals, 1.4 leads, 1.4 meetings this week",
        "Focus time: 0.4 deals, 1.4 leads, 1.4 meetings this week"]
    # Ben: $60,000 over 260 days, July's 22 → $5,076.92 = 1.015 deals → 1.1 (rounded up
    # to the tenth), 3.05 leads → 3.1. Weeks of 3, 4, 5, 5, 5 days: deals 11 tenths →
    # 1.5, 2, 2.5, 2.5, 2.5 → 1, 2, 2, 2, 2 and 2 left to the first two halves: 2, 2, 3,
    # 2, 2; leads 31 → 4.23, 5.64, 7.05 ×3 → 4, 5, 7, 7, 7 and 1 left to 5.64: 4, 6, 7,
    # 7, 7. Blocks in the weeks of Jul 6, 13, 20 and 27.
    assert [summary for _, _, summary in ben] == [
        "Focus time: 0.2 deals, 0.6 leads, 0.6 meetings this week",
        "Focus time: 0.3 deals, 0.7 leads, 0.7 meetings this week",
        "Focus time: 0.2 deals, 0.7 leads, 0.7 meetings this week",
        "Focus time: 0.2 deals, 0.7 leads, 0.7 meetings this week"]
    # Stable UIDs: a second calendar for the same rep and month has the same UIDs.
    first = Calendar.from_ical(attachments(received["ana@example.com"])["focus-time-2026-07.ics"])
    uids = [str(e["uid"]) for e in first.walk("VEVENT")]
    assert len(set(uids)) == 6
    with MailServer(tmp_path) as again:
        assert invoke(["send", str(team), *MONTH, "--resend"], again.env).exit_code == 0
    second = Calendar.from_ical(attachments(by_recipient(again)["ana@example.com"])[
        "focus-time-2026-07.ics"])
    assert [str(e["uid"]) for e in second.walk("VEVENT")] == uids


def test_rerun_sends_nothing(team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        assert invoke(["send", str(team), *MONTH], server.env).exit_code == 0
        assert len(server.messages) == 4
        again = invoke(["send", str(team), *MONTH], server.env)
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 4
    assert "already sent: R1 (Ana Lima) <ana@example.com>: R1-Ana-Lima.pdf (sent to " \
        "ana@example.com on " in again.output
    assert again.output.splitlines()[-1] == "4 already sent, 1 not sent."


def test_permanent_refusal_of_one_recipient_leaves_the_others_delivered(
        team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        server.handler.refuse.add("ben@example.com")
        result = invoke(["send", str(team), *MONTH], server.env)
        assert result.exit_code == 1
        assert sorted(by_recipient(server)) == ["ana@example.com", "boss@example.com",
                                                "dee@example.com"]
        assert ("Error: failed: R2 (Ben Ode) <ben@example.com>: R2-Ben-Ode.pdf (refused by "
                "the mail server: 550 5.1.1 <ben@example.com>: mailbox unavailable)"
                in result.output)
        status = plain_text(by_recipient(server)["boss@example.com"])
        assert "R2 (Ben Ode) <ben@example.com>: failed, R2-Ben-Ode.pdf (refused by the mail " \
            "server: 550" in status
        # Fixed the next day: only Ben's report goes, and the manager gets an update.
        server.handler.refuse.clear()
        server.handler.messages.clear()
        retry = invoke(["send", str(team), *MONTH], server.env)
        assert retry.exit_code == 0, retry.output
        received = by_recipient(server)
    assert sorted(received) == ["ben@example.com", "boss@example.com"]
    assert attachments(received["boss@example.com"]) == {}
    assert received["boss@example.com"]["Subject"].startswith("Report delivery update")


def test_temporary_failure_is_retried(team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        server.handler.data_failures = 1  # 421 to the first DATA: smtplib drops the link
        env = {**server.env, "GOALREPORT_SMTP_FROM": "Sales Reports <reports@example.com>"}
        result = invoke(["send", str(team), *MONTH], env)
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 4
    assert server.handler.envelopes[0][0] == "reports@example.com"
    assert server.messages[0]["From"] == "Sales Reports <reports@example.com>"
    assert server.messages[0]["Message-ID"].endswith("@example.com>")
    assert "sent: R1 (Ana Lima) <ana@example.com>: R1-Ana-Lima.pdf (after 2 tries)" \
        in result.output


def test_starttls_and_auth_with_a_password_command(team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path, tls=True, user="mailer", password="s3cret-pw") as server:
        env = {**server.env, "GOALREPORT_SMTP_PASSWORD_COMMAND": "printf 's3cret-pw\\n'"}
        result = invoke(["send", str(team), *MONTH], env)
    assert result.exit_code == 0, result.output
    assert len(server.messages) == 4
    assert server.handler.logins == ["mailer"]  # one connection for the whole run


def test_password_is_nowhere_when_the_login_fails(team: Path, tmp_path: Path) -> None:
    password = "Wr0ng-Pa55word-xyz"
    with MailServer(tmp_path, tls=True, user="mailer", password="right") as server:
        env = {**server.env, "GOALREPORT_SMTP_PASSWORD": password}
        result = invoke(["send", str(team), *MONTH, "--json"], env)
        assert result.exit_code == 1
        debug = CliRunner().invoke(cli, ["send", str(team), *MONTH, "--debug"],
                                   env={**CLEAN_ENV, **env})
    assert server.messages == []
    assert "the mail server 127.0.0.1:" in result.output
    assert "refused the login of 'mailer': 535" in result.output
    assert password not in result.output
    assert debug.exit_code == 1
    import traceback

    shown = debug.output + "".join(traceback.format_exception(debug.exception)) \
        if debug.exception and not isinstance(debug.exception, SystemExit) else debug.output
    assert password not in shown
    for path in team.parent.rglob("*"):
        if path.is_file():
            assert password.encode() not in path.read_bytes(), path


def test_config_file_with_a_password_must_be_private(team: Path, tmp_path: Path) -> None:
    config = tmp_path / "smtp.conf"
    config.write_text("GOALREPORT_SMTP_HOST=127.0.0.1\nUSER=mailer\nPASSWORD=abc\n"
                      "FROM=reports@example.com\n")
    config.chmod(0o644)
    result = invoke(["send", str(team), *MONTH, "--smtp-config", str(config)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: the SMTP config file {str(config)!r} holds a password but other users can "
        f"read it (mode 0644). Run 'chmod 600 {config}', or use "
        "GOALREPORT_SMTP_PASSWORD_COMMAND instead of a password.\n")


def test_dry_run_without_a_server_writes_eml_files(team: Path) -> None:
    result = invoke(["send", str(team), *MONTH, "--dry-run"])
    assert result.exit_code == 0, result.output
    outbox = month_dir(team) / "outbox"
    assert sorted(p.name for p in outbox.iterdir()) == [
        "R1-Ana-Lima.eml", "R2-Ben-Ode.eml", "R4-Dee-Park.eml", "team-summary.eml"]
    assert "would send: R1 (Ana Lima) <ana@example.com>: R1-Ana-Lima.pdf (written to " \
        "outbox/R1-Ana-Lima.eml)" in result.output
    assert not record_path(team).exists()  # nothing was sent
    import email
    from email import policy

    message = email.message_from_bytes((outbox / "R1-Ana-Lima.eml").read_bytes(),
                                       policy=policy.default)
    text = plain_text(message)
    print(message["Subject"], text, sep="\n")  # read it as the rep would (pytest -s)
    assert message["Subject"] == "June 2026 sales report: Behind, 8.3% of your 2026 goal"
    assert message["To"] == "ana@example.com"
    assert message["Date"] and message["Message-ID"]
    assert text.startswith("Hi Ana,\n\nYour progress report for June 2026 (as of Jun 30, "
                           "2026) is attached: R1-Ana-Lima.pdf.\n")
    assert "  Status:  Behind, $10,000 of $120,000 (8.3%)\n" in text
    assert "Acme & Co sales reports" in text  # plain text is not HTML-escaped
    html = message.get_body(("html",)).get_content()
    assert "Acme &amp; Co sales reports" in html
    assert attachments(message)["R1-Ana-Lima.pdf"] == \
        (month_dir(team) / "R1-Ana-Lima.pdf").read_bytes()


def _set_identity(book: Path, identity: str) -> None:
    """Give ``book`` another goalreport identity (its hidden ``_goalreport_id`` name)."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    wb.defined_names["_goalreport_id"].attr_text = f'"{identity}"'
    wb.save(book)


def _raise_goal(book: Path, rep_id: str, target: int) -> None:
    """Change a rep's New Client Target in Goals (openpyxl, as a manager's edit would be)."""
    import openpyxl

    wb = openpyxl.load_workbook(book)
    for row in wb["Goals"].iter_rows(min_row=2):
        if row[0].value == rep_id:
            row[2].value = target
    wb.save(book)


def test_changed_report_is_held_back_until_resend(team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        assert invoke(["send", str(team), *MONTH], server.env).exit_code == 0
        _raise_goal(team, "R4", 90000)  # Dee's report changes: her goal went up
        changed = invoke(["send", str(team), *MONTH], server.env)
        assert changed.exit_code == 1  # the sheets no longer say what a report would
        assert "changed since its last run" in changed.output
        assert invoke(["report", str(team), *MONTH, "-j", "1", "-q"]).exit_code == 0
        held = invoke(["send", str(team), *MONTH], server.env)
        assert held.exit_code == 1
        assert len(server.messages) == 4
        assert "Error: held back: R4 (Dee Park) <dee@example.com>: R4-Dee-Park.pdf (the " \
            "report changed since it was sent on " in held.output
        assert "; use --resend to send the new one)" in held.output
        assert "already sent: R1 (Ana Lima)" in held.output
        resent = invoke(["send", str(team), *MONTH, "--resend", "--rep", "R4"], server.env)
        assert resent.exit_code == 0, resent.output
    pdf = month_dir(team) / "R4-Dee-Park.pdf"
    assert [m["To"] for m in server.messages[4:]] == ["dee@example.com"]
    assert attachments(server.messages[4])["R4-Dee-Park.pdf"] == pdf.read_bytes()


def test_redirect_sends_everything_to_one_address_and_logs_nothing(
        team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH, "--redirect-to", "me@example.com",
                         "--no-calendar"], server.env)
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in server.messages] == ["me@example.com"] * 4
    assert server.messages[0]["Subject"].startswith("[for ana@example.com] June 2026")
    assert sorted(attachments(server.messages[0])) == ["R1-Ana-Lima.pdf"]
    assert not record_path(team).exists()


@pytest.mark.slow
def test_batch_send_records_deliveries_in_the_manifest(team: Path, tmp_path: Path) -> None:
    inbox = team.parent
    (inbox / "reports").rename(tmp_path / "old-reports")
    with MailServer(tmp_path) as server:
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "--json",
                         "-j", "1"], server.env)
        assert result.exit_code == 0, result.output
        manifest = json.loads(result.stdout)
        delivery = manifest["workbooks"][0]["delivery"]
        assert delivery["ok"] is True
        assert delivery["counts"] == {"sent": 4, "not sent": 1}
        assert len(server.messages) == 4
        again = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "--json"],
                       server.env)
        assert json.loads(again.stdout)["workbooks"][0]["status"] == "skipped"
        assert len(server.messages) == 4
    last = json.loads((inbox / "reports" / "last-run.json").read_text())
    assert last["workbooks"][0]["status"] == "skipped"


@pytest.mark.slow
def test_batch_stopped_while_mailing_finishes_that_workbooks_mail(team: Path,
                                                                  tmp_path: Path) -> None:
    """systemd's stop and timeout(1) send SIGTERM to the whole process group, the job
    process that is sending included: the workbook in hand, mail and all, is finished
    (a message cut off after its body could go twice), and the next is left."""
    inbox = team.parent
    later = shutil.copy2(team, inbox / "zz-later.xlsx")  # sorted after team.xlsx: never started
    _set_identity(Path(later), "f" * 32)  # a workbook of its own, not a copy of team.xlsx
    with MailServer(tmp_path) as server:
        arrived, release = threading.Event(), threading.Event()
        accept = server.handler.handle_DATA

        async def hold_the_first(*args: object) -> str:
            arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, release.wait, 120)
            return await accept(*args)

        server.handler.handle_DATA = hold_the_first  # type: ignore[method-assign]
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("GOALREPORT_SMTP_")}
        batch = subprocess.Popen(
            [str(GOALREPORT), "batch", str(inbox), *MONTH, "--send", "--settle", "0", "-j", "1"],
            env={**env, **server.env}, start_new_session=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            assert arrived.wait(240), "the batch never sent its first message"
            os.killpg(batch.pid, signal.SIGTERM)  # while the first message waits for 250
            time.sleep(1)  # time to act on it; the test cannot fail by waiting longer
            release.set()
            _, stderr = batch.communicate(timeout=240)
        finally:
            release.set()
            if batch.poll() is None:
                os.killpg(batch.pid, signal.SIGKILL)
        assert sorted(m["To"] for m in server.messages) == [
            "ana@example.com", "ben@example.com", "boss@example.com", "dee@example.com"]
    assert batch.returncode == 1, stderr
    last = json.loads((inbox / "reports" / "last-run.json").read_text())
    assert last["interrupted"] is True
    assert [(w["name"], w["status"], w["delivery"]["ok"]) for w in last["workbooks"]] == [
        ("team.xlsx", "done", True)]
    assert "stopped before 'zz-later.xlsx' as asked (stop requested)" in stderr


def test_templates_folder_overrides_the_email(team: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "email_rep.txt").write_text(
        "Subject: {{ rep.name }}: {{ attainment }} in {{ month }}\n\nGap {{ gap }}.\n")
    result = invoke(["send", str(team), *MONTH, "--dry-run", "--rep", "R1", "--templates",
                     str(mine)])
    assert result.exit_code == 0, result.output
    import email
    from email import policy

    message = email.message_from_bytes(
        (month_dir(team) / "outbox" / "R1-Ana-Lima.eml").read_bytes(), policy=policy.default)
    assert message["Subject"] == "Ana Lima: 8.3% in June 2026"
    assert plain_text(message) == "Gap $110,000.\n"
    assert sorted(p.name for p in (month_dir(team) / "outbox").iterdir()) == [
        "R1-Ana-Lima.eml"]
    (mine / "email_rep.txt").write_text("Hello {{ rep.name }}\n")
    broken = invoke(["send", str(team), *MONTH, "--dry-run", "--templates", str(mine)])
    assert broken.exit_code == 1
    assert broken.output == ("Error: template email_rep.txt must start with a line "
                             "'Subject: …' (the subject of the message), then the body.\n")


@pytest.mark.slow
def test_run_with_send_renders_then_sends(team: Path, tmp_path: Path) -> None:
    shutil.rmtree(team.parent / "reports")
    with MailServer(tmp_path) as server:
        result = invoke(["run", str(team), *MONTH, "--send", "--no-calendar", "-j", "1",
                         "--json"], server.env)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["delivery"]["counts"] == {"sent": 4, "not sent": 1}
    received = by_recipient(server)
    for address, pdf in PDFS.items():
        assert attachments(received[address]) == {pdf: (month_dir(team) / pdf).read_bytes()}


@pytest.mark.slow
def test_a_pdf_that_is_not_this_reps_report_is_rendered_again(team: Path,
                                                              tmp_path: Path) -> None:
    """A PDF under Ana's name that is not her report of this As Of and inputs (here Ben's,
    copied over it): its stamp says so, and it is rendered again before it is attached.
    Reports are reproducible, so the one rendered is byte for byte the first one."""
    folder = month_dir(team)
    ana = (folder / "R1-Ana-Lima.pdf").read_bytes()
    shutil.copyfile(folder / "R2-Ben-Ode.pdf", folder / "R1-Ana-Lima.pdf")
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    assert attachments(by_recipient(server)["ana@example.com"])["R1-Ana-Lima.pdf"] == ana
    assert (folder / "R1-Ana-Lima.pdf").read_bytes() == ana


def _pipedrive_deals(path: Path, amount: int) -> Path:
    path.write_text("Deal - ID,Deal - Title,Deal - Owner,Deal - Organization,Deal - Value,"
                    "Deal - Currency of Value,Deal - Status,Deal - Won time\n"
                    f"77,Big one,Ana Lima,Globex,{amount},USD,Won,2026-05-05 10:00\n",
                    encoding="utf-8")
    return path


@pytest.mark.slow
def test_send_counts_the_deals_files_of_the_last_run(team: Path, tmp_path: Path) -> None:
    """`run --deals x.csv` then `send` without them: the workbook's Run Log names the file
    (path, size, SHA-256), so a report `send` renders again (here: missing) counts the same
    CRM export, and says so. Ana has $10,000 typed on Activity; the Pipedrive export (the
    header of a Pipedrive deals export, see tests/crm_exports.py) adds $50,000 won in May."""
    from pypdf import PdfReader

    deals = _pipedrive_deals(tmp_path / "deals.csv", 50000)
    assert invoke(["report", str(team), *MONTH, "-j", "1", "-q", "--deals",
                   str(deals)]).exit_code == 0
    pdf = month_dir(team) / PDFS["ana@example.com"]
    pdf.unlink()
    result = invoke(["send", str(team), *MONTH, "--dry-run", "--rep", "R1"])
    assert result.exit_code == 0, result.output
    assert (f"Note: using the deals files its last run counted: {deals} "
            f"({deals.stat().st_size:,} bytes)") in result.output
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "$60,000" in text and "$10,000 of" not in text

    other = _pipedrive_deals(tmp_path / "other.csv", 70000)
    refused = invoke(["send", str(team), *MONTH, "--dry-run", "--deals", str(other)])
    assert refused.exit_code == 1
    assert refused.output.startswith("Error: the --deals files given are not the ones its "
                                     "last run, on ")
    _pipedrive_deals(deals, 90000)  # the file changed since the run counted it
    changed = invoke(["send", str(team), *MONTH, "--dry-run"])
    assert changed.exit_code == 1
    assert "Its last run, on " in changed.output and "which are not there as they were " \
        "(missing or changed since)" in changed.output


def test_rendering_a_missing_report_leaves_the_team_summary_whole(team: Path,
                                                                   tmp_path: Path) -> None:
    """Before: send rendered Ben's missing report with the team summary of Ben alone,
    over the good one, and mailed that to the manager."""
    from pypdf import PdfReader

    folder = month_dir(team)
    (folder / "R2-Ben-Ode.pdf").unlink()
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(team), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    summary = attachments(by_recipient(server)["boss@example.com"])["team-summary.pdf"]
    (tmp_path / "summary.pdf").write_bytes(summary)
    text = " ".join(page.extract_text() or "" for page in PdfReader(tmp_path / "summary.pdf").pages)
    assert all(name in text for name in ("Ana Lima", "Ben Ode", "Cy Noaddress", "Dee Park"))
