"""`send` attaches a rep's own report, of the As Of and inputs the workbook shows, and
mails only numbers the workbook shows; and what a manager ran into on the way (the dry
run's summary, the manager's message alone, batch --resend, why a batch exits 1). A real
SMTP server on 127.0.0.1; PDFs read back with pypdf.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import write_workbook
from pypdf import PdfReader
from smtp_helpers import (
    MONTH,
    MailServer,
    attachments,
    copy_team,
    invoke,
    plain_text,
    render_team,
    send_sheets,
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_team(tmp_path_factory.mktemp("rendered"))


@pytest.fixture
def team(rendered: Path, tmp_path: Path) -> Path:
    return copy_team(rendered, tmp_path)


def pdf_text(data: bytes) -> str:
    import io

    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _two_anas() -> dict[str, list[list[Any]]]:
    """Two reps whose file names collide: S-1 and S/1 both give S-1-Ana-Lima (the slash
    is not kept), so one of them is numbered -2 when all are named together."""
    sheets = send_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Email", "Team"],
                      ["S-1", "Ana Lima", "ana.east@example.com", "East"],
                      ["S/1", "Ana Lima", "ana.south@example.com", "South"]]
    sheets["Goals"] = [sheets["Goals"][0], ["S-1", 2026, 120000, 0, 5000, None],
                       ["S/1", 2026, 480000, 0, 5000, None]]
    sheets["Activity"] = [sheets["Activity"][0]]
    sheets["Time Off"] = [sheets["Time Off"][0]]
    return sheets


@pytest.mark.slow
def test_file_names_are_numbered_over_every_rep_whichever_are_rendered(
        tmp_path: Path) -> None:
    """`report --rep S/1` named South Ana's report S-1-Ana-Lima.pdf (numbered among the
    one rep rendered), and `send --rep S-1` then mailed it to East Ana."""
    book = write_workbook(tmp_path / "team.xlsx", _two_anas())
    done = invoke(["report", str(book), *MONTH, "--rep", "S/1", "-j", "1", "-q"])
    assert done.exit_code == 0, done.output
    month = tmp_path / "reports" / "2026-06"
    assert sorted(p.name for p in month.glob("*.pdf")) == ["S-1-Ana-Lima-2.pdf",
                                                           "team-summary.pdf"]
    with MailServer(tmp_path) as server:
        sent = invoke(["send", str(book), *MONTH, "--rep", "S-1", "--no-calendar"],
                      server.env)
    assert sent.exit_code == 0, sent.output
    [message] = server.messages
    assert message["To"] == "ana.east@example.com"
    files = attachments(message)
    assert list(files) == ["S-1-Ana-Lima.pdf"]
    # East Ana's goal: $120,000; South Ana's: $480,000.
    text = pdf_text(files["S-1-Ana-Lima.pdf"])
    assert "$120,000" in text and "$480,000" not in text


@pytest.mark.slow
def test_send_asked_for_another_as_of_than_the_sheets_show_is_refused(
        team: Path, tmp_path: Path) -> None:
    """`report --as-of 2026-06-15` then `send --month 2026-06` mailed a body as of 30 June
    with a PDF as of 15 June. Now the sheets' As Of decides: another is refused, and
    `send` without a date sends the reports of the sheets' As Of."""
    assert invoke(["report", str(team), "--as-of", "2026-06-15", "-j", "1", "-q"]).exit_code == 0
    with MailServer(tmp_path) as server:
        refused = invoke(["send", str(team), *MONTH], server.env)
        assert refused.exit_code == 1
        assert server.messages == []
        assert refused.output == (
            "Error: team.xlsx's sheets are as of 2026-06-15 (its last run, on "
            f"{_last_run(team)}), not 2026-06-30: a report sent now would show numbers the "
            "workbook does not. Send without --as-of and --month to send those, or run "
            "'goalreport run team.xlsx --as-of 2026-06-30' first.\n")
        sent = invoke(["send", str(team), "--no-calendar"], server.env)
    assert sent.exit_code == 0, sent.output
    ana = next(m for m in server.messages if m["To"] == "ana@example.com")
    assert "(as of Jun 15, 2026)" in plain_text(ana)
    report = pdf_text(attachments(ana)["R1-Ana-Lima.pdf"])
    assert "Jun 15, 2026" in report and "Jun 30, 2026" not in report


def _last_run(book: Path) -> str:
    import openpyxl

    when = next(openpyxl.load_workbook(book)["Run Log"].iter_rows(min_row=2, values_only=True))[0]
    return f"{when:%Y-%m-%d %H:%M}"


def test_the_dry_runs_summary_says_nothing_was_sent_and_comes_from_the_sender(
        team: Path, tmp_path: Path) -> None:
    """It was titled "Team summary for June 2026: 3 sent" and came from
    goalreport@localhost although --smtp-config named the sender."""
    config = tmp_path / "smtp.conf"
    config.write_text("FROM=Sales Reports <reports@example.com>\n")
    config.chmod(0o600)
    result = invoke(["send", str(team), *MONTH, "--dry-run", "--smtp-config", str(config)])
    assert result.exit_code == 0, result.output
    import email
    from email import policy

    outbox = team.parent / "reports" / "2026-06" / "outbox"
    summary = email.message_from_bytes((outbox / "team-summary.eml").read_bytes(),
                                       policy=policy.default)
    assert summary["Subject"] == \
        "[dry run] Team summary for June 2026: 3 would be sent, 1 not sent"
    assert summary["From"] == "Sales Reports <reports@example.com>"
    ana = email.message_from_bytes((outbox / "R1-Ana-Lima.eml").read_bytes(),
                                   policy=policy.default)
    assert ana["From"] == "Sales Reports <reports@example.com>"


def test_the_team_summary_goes_to_the_manager_alone(team: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        assert invoke(["send", str(team), *MONTH], server.env).exit_code == 0
        again = invoke(["send", str(team), *MONTH, "--manager", "--resend"], server.env)
        assert again.exit_code == 0, again.output
        assert [m["To"] for m in server.messages[4:]] == ["boss@example.com"]
    boss = server.messages[4]
    assert list(attachments(boss)) == ["team-summary.pdf"]
    status = plain_text(boss)
    assert "R1 (Ana Lima) <ana@example.com>: already sent, R1-Ana-Lima.pdf (on " in status
    assert "R3 (Cy Noaddress): not sent, R3-Cy-Noaddress.pdf (no Email in Reps)" in status
    assert again.output.splitlines()[-1] == "1 sent."


def _inbox(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    write_workbook(inbox / "team.xlsx", send_sheets())
    return inbox


@pytest.mark.slow
def test_batch_resend_sends_again(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    args = ["batch", str(inbox), *MONTH, "--send", "--settle", "0", "-j", "1", "--json"]
    with MailServer(tmp_path) as server:
        assert invoke(args, server.env).exit_code == 0
        again = invoke([*args, "--resend"], server.env)
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 8
    assert json.loads(again.stdout)["workbooks"][0]["delivery"]["counts"] == {
        "sent": 4, "not sent": 1}


@pytest.mark.slow
def test_batch_says_why_it_exits_1(tmp_path: Path) -> None:
    """The summary said "0 failed" and the batch exited 1: a rep's mail was refused."""
    inbox = _inbox(tmp_path)
    with MailServer(tmp_path) as server:
        server.handler.refuse.add("ben@example.com")
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "-j", "1"],
                        server.env)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].endswith(
        "batch finished: 1 done, 0 skipped, 0 not ready, 0 failed; exit status 1: the mail "
        "of 'team.xlsx' did not all go out (1 failed)")


def test_batch_send_needs_the_allowed_domains(tmp_path: Path) -> None:
    inbox = _inbox(tmp_path)
    with MailServer(tmp_path) as server:
        env = {**server.env, "GOALREPORT_SMTP_ALLOWED_DOMAINS": ""}
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0"], env)
    assert result.exit_code == 1
    assert server.messages == []
    assert result.output == (
        "Error: batch --send needs GOALREPORT_SMTP_ALLOWED_DOMAINS, the domains the reports "
        "may be mailed to (such as example.com): whoever can write to the inbox chooses the "
        "addresses in its workbooks. Set it in the environment or in --smtp-config.\n")
    assert not (inbox / "reports").exists()


def test_an_address_outside_the_allowed_domains_is_an_input_problem(tmp_path: Path) -> None:
    """An inbox writer could mail anyone from the company's sender. An inactive rep is
    mailed nothing, so their address is not checked."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sheets = send_sheets()
    sheets["Reps"][0].append("Active")
    sheets["Reps"][2] = ["R2", "Ben Ode", "ben@evil.test", "East", "yes"]
    sheets["Reps"][3] = ["R3", "Cy Noaddress", "cy@elsewhere.test", "West", "no"]
    sheets["Settings"][3] = ["Manager Email", "boss@ÉVIL.test"]
    book = write_workbook(inbox / "team.xlsx", sheets)
    before = book.read_bytes()
    with MailServer(tmp_path) as server:
        result = invoke(["batch", str(inbox), *MONTH, "--send", "--settle", "0", "--json"],
                        server.env)
    assert result.exit_code == 1
    assert server.messages == []
    item = json.loads(result.stdout)["workbooks"][0]
    assert item["why"] == "2 input problems; nothing was written"
    outside = ("is outside the domains goalreport may mail (example.com: "
               "GOALREPORT_SMTP_ALLOWED_DOMAINS, set by whoever runs goalreport). Write an "
               "address at one of them, or ask them to allow its domain.")
    assert item["problems"] == [f"Reps!C3: 'ben@evil.test' {outside}",
                                f"Settings!B4: 'boss@ÉVIL.test' {outside}"]
    assert book.read_bytes() == before
