"""Email addresses in the workbook, SMTP settings and the send log's rules (no server)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import minimal_sheets

from goalreport.cli import cli
from goalreport.delivery.mailconfig import Secret, load_settings, read_config_file
from goalreport.delivery.sendlog import decide
from goalreport.errors import DeliveryError
from goalreport.workbook.values import ValueProblem, parse_email


@pytest.mark.parametrize(("cell", "address"), [
    ("ana@example.com", "ana@example.com"),
    ("  Ana.Lima+sales@mail.example.co.uk ", "Ana.Lima+sales@mail.example.co.uk"),
    ("<ana@example.com>", "ana@example.com"),
    ("mailto:ana@example.com", "ana@example.com"),
    ("chloé.5@exämple.com", "chloé.5@exämple.com"),
    # As Outlook copies it; the display name is left out.
    ("Ana Lima <ana@example.com>", "ana@example.com"),
    ('"Lima, Ana" <ana@example.com>', "ana@example.com"),
])
def test_email_cells_that_are_one_address(cell: str, address: str) -> None:
    assert parse_email(cell) == address


@pytest.mark.parametrize(("cell", "message"), [
    ("ana(at)example.com", ("'ana(at)example.com' is not an email address: write one address "
                           "such as ana@example.com, or leave it empty.")),
    ("ana@example", ("'ana@example' is not an email address: write one address such as "
                    "ana@example.com, or leave it empty.")),
    ("ana@example.com; ben@example.com", ("'ana@example.com; ben@example.com' holds more than "
     "one address: write one address per cell, or leave it empty.")),
    ("Ana Lima <ana@example.com>, Ben <ben@example.com>", (
        "'Ana Lima <ana@example.com>, Ben <ben@example.com>' holds more than one address: "
        "write one address per cell, or leave it empty.")),
    ("ana@example.com <ben@example.com>", ("'ana@example.com <ben@example.com>' holds more "
     "than one address: write one address per cell, or leave it empty.")),
    ("ana@example.com\nBcc: x@evil.com", ("'ana@example.com Bcc: x@evil.com' holds more than "
     "one address: write one address per cell, or leave it empty.")),
])
def test_anything_else_is_refused(cell: str, message: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        parse_email(cell)
    assert raised.value.message == message


def test_check_names_a_malformed_email_and_manager_email(make_workbook) -> None:
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Email"], ["R1", "Ana Lima", "ana.example.com"]]
    sheets["Settings"].append(["Manager Email", "boss@"])
    book = make_workbook(sheets)
    result = CliRunner().invoke(cli, ["check", str(book)], catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        ("Error: Reps!C2: 'ana.example.com' is not an email address: write one address such "
        "as ana@example.com, or leave it empty."),
        ("Error: Settings!B4: 'boss@' is not an email address: write one address such as "
        "ana@example.com, or leave it empty."),
        "2 input problems. Fix them and run check again.",
    ]


def test_manager_email_is_read_from_settings(make_workbook) -> None:
    from goalreport.workbook.reader import read_workbook

    sheets = minimal_sheets()
    sheets["Settings"].append(["Manager E-mail", " <boss@example.com> "])
    assert read_workbook(make_workbook(sheets)).settings.manager_email == \
        "boss@example.com"


ENV = {"GOALREPORT_SMTP_HOST": "mail.example.com", "GOALREPORT_SMTP_FROM": "r@example.com"}


def test_settings_from_the_environment_with_defaults() -> None:
    settings = load_settings({**ENV, "GOALREPORT_SMTP_USER": "u",
                              "GOALREPORT_SMTP_PASSWORD": "pw-123"})
    assert settings is not None
    assert (settings.host, settings.port, settings.security, settings.user,
            settings.sender) == ("mail.example.com", 587, "starttls", "u", "r@example.com")
    assert "pw-123" not in repr(settings) and "pw-123" not in str(settings.password)
    assert settings.resolve_password() == "pw-123"
    assert repr(Secret("x")) == "Secret('********')"
    assert load_settings({**ENV, "GOALREPORT_SMTP_SECURITY": "SSL"}).port == 465


@pytest.mark.parametrize(("extra", "message"), [
    ({"GOALREPORT_SMTP_SECURITY": "tls"},
     "GOALREPORT_SMTP_SECURITY is 'tls'; write starttls, ssl or none."),
    ({"GOALREPORT_SMTP_PORT": "smtp"},
     "GOALREPORT_SMTP_PORT is 'smtp'; write a port number such as 587."),
    ({"GOALREPORT_SMTP_SECURITY": "none", "GOALREPORT_SMTP_USER": "u",
      "GOALREPORT_SMTP_PASSWORD": "p"},
     ("GOALREPORT_SMTP_SECURITY=none would send the password to mail.example.com "
     "unencrypted. Use starttls or ssl.")),
    ({"GOALREPORT_SMTP_USER": "u", "GOALREPORT_SMTP_PASSWORD": "p",
      "GOALREPORT_SMTP_PASSWORD_COMMAND": "echo p"},
     "both GOALREPORT_SMTP_PASSWORD and GOALREPORT_SMTP_PASSWORD_COMMAND are set; keep one."),
    ({"GOALREPORT_SMTP_FROM": ""},
     ("GOALREPORT_SMTP_FROM is not set; set the address the reports come from, such as "
     "reports@example.com.")),
])
def test_unusable_settings_are_refused_before_anything_is_sent(extra, message) -> None:
    with pytest.raises(DeliveryError) as raised:
        load_settings({**ENV, **extra})
    assert str(raised.value) == message


def test_no_host_is_fine_only_for_a_dry_run() -> None:
    assert load_settings({}, need_server=False) is None
    with pytest.raises(DeliveryError, match="^no mail server is set. Set GOALREPORT_SMTP_HOST"):
        load_settings({})


HOW_TO_SEE = ("run the command of GOALREPORT_SMTP_PASSWORD_COMMAND yourself to see why "
              "(goalreport never shows what it prints: that may be the password).")


@pytest.mark.parametrize(("command", "said"), [
    # A wrapper under `set -x` traces the password on stderr; another prints it and fails.
    ("set -x; pw=hunter2-secret; echo \"$pw\" >/dev/null; exit 3",
     "failed with exit status 3"),
    ("echo hunter2-secret; echo \"hunter2-secret\" >&2; exit 1", "failed with exit status 1"),
    ("echo hunter2-secret >&2; kill -9 $$", "was ended by signal 9"),
    ("echo hunter2-secret >&2; printf ''", "printed no password"),
])
def test_a_password_commands_output_is_never_quoted(command: str, said: str) -> None:
    settings = load_settings({**ENV, "GOALREPORT_SMTP_USER": "u",
                              "GOALREPORT_SMTP_PASSWORD_COMMAND": command})
    with pytest.raises(DeliveryError) as raised:
        settings.resolve_password()
    assert str(raised.value) == f"GOALREPORT_SMTP_PASSWORD_COMMAND {said}; {HOW_TO_SEE}"
    assert "hunter2" not in str(raised.value)


def test_config_file_keys_comments_quotes_and_precedence(tmp_path: Path) -> None:
    config = tmp_path / "smtp.conf"
    config.write_text("# mail for goalreport\nGOALREPORT_SMTP_HOST = smtp.example.org\n"
                      "export PORT=2525\nUSER='mailer'\nPASSWORD=\"p w\"\n\n")
    config.chmod(0o600)
    settings = load_settings({**ENV, "GOALREPORT_SMTP_HOST": "ignored"}, config)
    assert (settings.host, settings.port, settings.user, settings.sender) == (
        "smtp.example.org", 2525, "mailer", "r@example.com")
    assert settings.resolve_password() == "p w"
    config.write_text("HOST=x\nPASWORD=typo\n")
    with pytest.raises(DeliveryError, match=r"smtp.conf, line 2: expected KEY=value"):
        read_config_file(config)


def test_config_file_with_a_password_command_must_not_be_writable_by_others(
        tmp_path: Path) -> None:
    config = tmp_path / "smtp.conf"
    config.write_text("HOST=x\nPASSWORD_COMMAND=pass show mail\n")
    config.chmod(0o664)
    with pytest.raises(DeliveryError) as raised:
        read_config_file(config)
    assert str(raised.value) == (
        f"the SMTP config file {str(config)!r} can be changed by other users (mode 0664): "
        "whoever can change it decides where the reports and the password go. Run "
        f"'chmod go-w {config}'.")
    config.chmod(0o644)  # readable is fine: it holds no secret
    assert read_config_file(config)["PASSWORD_COMMAND"] == "pass show mail"


NOBODY = 65534  # the uid of "nobody" on Debian and most Linux systems


@pytest.mark.skipif(os.geteuid() != 0, reason="making a file another user's needs root")
def test_a_config_file_of_another_user_is_refused(tmp_path: Path) -> None:
    """A config owned by someone else, mode 0644: its password command would run as the
    cron user, and its HOST would receive the password and the reports."""
    config = tmp_path / "smtp.conf"
    config.write_text("HOST=x\nUSER=u\nPASSWORD_COMMAND=touch ran\nFROM=r@example.com\n")
    config.chmod(0o644)
    os.chown(config, NOBODY, NOBODY)
    with pytest.raises(DeliveryError) as raised:
        load_settings(ENV, config)
    assert str(raised.value) == (
        f"the SMTP config file {str(config)!r} belongs to {_user(NOBODY)}, not to "
        f"{_user(os.geteuid())} who runs goalreport: whoever can change it decides where "
        "the reports and the password go. Keep the config in a folder of your own (such as "
        "~/.config/goalreport).")


def _user(uid: int) -> str:
    import pwd

    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777])
def test_a_config_file_in_a_folder_others_can_write_is_refused(tmp_path: Path,
                                                                mode: int) -> None:
    """Whoever can write the folder can swap the file between two runs."""
    folder = tmp_path / "shared"
    folder.mkdir()
    config = folder / "smtp.conf"
    config.write_text("HOST=x\nFROM=r@example.com\n")
    config.chmod(0o600)
    folder.chmod(mode)
    with pytest.raises(DeliveryError) as raised:
        read_config_file(config)
    assert str(raised.value) == (
        f"the folder {str(folder)!r} of the SMTP config file can be changed by other users "
        f"(mode {mode:04o}): whoever can change it decides where the reports and the "
        f"password go. Run 'chmod go-w {folder}'.")


def test_a_config_file_that_is_a_link_is_not_followed(tmp_path: Path) -> None:
    real = tmp_path / "real.conf"
    real.write_text("HOST=x\nFROM=r@example.com\n")
    real.chmod(0o600)
    link = tmp_path / "smtp.conf"
    link.symlink_to(real)
    with pytest.raises(DeliveryError) as raised:
        read_config_file(link)
    assert str(raised.value) == (f"cannot read the SMTP config file {str(link)!r}: it is a "
                                 "symbolic link; give the file itself.")


def test_a_fifo_as_the_config_file_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "smtp.conf"
    os.mkfifo(fifo, 0o600)
    with pytest.raises(DeliveryError) as raised:
        read_config_file(fifo)
    assert str(raised.value) == f"the SMTP config file {str(fifo)!r} is not a regular file."


def test_send_log_decisions() -> None:
    entry = {"recipient": "ana@example.com", "says": "aa", "sent": "2026-07-01T06:00:00",
             "outcome": "accepted"}
    assert decide(None, "ana@example.com", "aa").verdict == "send"
    assert decide(entry, "ANA@example.com", "aa").verdict == "already sent"
    changed = decide(entry, "ana@example.com", "bb")
    assert (changed.verdict, changed.detail) == (
        "changed", ("the report changed since it was sent on 2026-07-01T06:00:00; use "
                   "--resend to send the new one"))
    moved = decide(entry, "ana@new.example.com", "aa")
    assert (moved.verdict, moved.detail) == (
        "changed", ("sent to ana@example.com on 2026-07-01T06:00:00, and the Email is now "
                   "ana@new.example.com; use --resend to send it there"))
    unknown = decide({**entry, "outcome": "unknown", "message_id": "<m@x>"},
                     "ana@example.com", "aa")
    assert (unknown.verdict, unknown.detail) == (
        "unconfirmed", ("sending it on 2026-07-01T06:00:00 ended without the mail server's "
                        "answer, so it may have arrived; it is not sent again by itself. Look "
                        "for Message-ID <m@x> in the mail server's log; if it did not arrive, "
                        "send it with --resend"))


def test_send_without_a_server_says_how_to_set_one(make_workbook) -> None:
    env = {key: None for key in os.environ if key.startswith("GOALREPORT_SMTP_")}
    result = CliRunner().invoke(cli, ["send", str(make_workbook())], env=env,
                                catch_exceptions=False)
    assert result.exit_code == 1
    assert result.output.startswith("Error: no mail server is set. Set GOALREPORT_SMTP_HOST")


def test_a_server_that_stays_unreachable_stops_the_run(tmp_path: Path) -> None:
    from email.message import EmailMessage

    from smtp_helpers import free_port

    from goalreport.delivery.smtp import Mailer

    port = free_port()  # nothing listens there
    settings = load_settings({"GOALREPORT_SMTP_HOST": "127.0.0.1", "GOALREPORT_SMTP_PORT":
                              str(port), "GOALREPORT_SMTP_SECURITY": "none",
                              "GOALREPORT_SMTP_FROM": "r@example.com"})
    waited: list[float] = []
    message = EmailMessage()
    message["Subject"] = "x"
    message.set_content("x")
    with Mailer(settings, delays=(0.5, 2.0), sleep=waited.append) as mailer, \
            pytest.raises(DeliveryError) as raised:
        mailer.send(message, "ana@example.com")
    assert waited == [0.5, 2.0]
    assert str(raised.value) == (f"the mail server 127.0.0.1:{port} could not be reached "
                                 "after 3 tries: Connection refused.")


def test_no_focus_blocks_after_the_goal_year_and_the_email_says_so(make_workbook) -> None:
    from goalreport.core.engine import compute
    from goalreport.core.formatting import Formatter
    from goalreport.delivery import compose, ics
    from goalreport.workbook.reader import read_workbook

    data = read_workbook(make_workbook())
    computation = compute(data, as_of=dt.date(2026, 12, 31), report_month=dt.date(2026, 12, 1))
    result = computation.results[0]
    fmt = Formatter("en_US", "USD")
    assert ics.focus_blocks(result, computation.report_month, fmt) == ()
    context = compose.rep_email_context(result, computation, fmt, company="Acme",
                                        file_name="R1-Ana-Lima.pdf", calendar=None)
    env = compose.email_environment(None)
    rendered = compose.render_email(env, compose.REP_TEMPLATE, context)
    assert "  Next:    your goal year ends on Dec 31, 2026; next month's plan comes with " \
        "next year's goals.\n" in rendered.text
    assert "focus time" not in rendered.text
