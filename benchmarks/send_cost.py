"""The CPU one message costs `goalreport send`, against a plain smtplib script sending the
same messages over one connection.

    python benchmarks/send_cost.py [--reps 50,2000] [--repeat 3] [--json]

For each team size: a workbook of that many reps (each with an Email) is run once
(sheets, identity, Run Log; one report rendered, and copied for every rep with its own
stamp, so that no rendering is measured), then, against an aiosmtpd ``Sink`` server in a
process of its own:

- ``goalreport send`` sends every message (the CPU of its whole process tree, from
  ``wait4``); then ``goalreport send`` again, which finds everything already sent: the
  difference, divided by the messages, is what one message costs (composing it, its
  calendar, talking SMTP, its line in the send record), without the reading both runs do;
- the baseline: a plain script builds each message with ``email.message.EmailMessage``
  (the same text and HTML bodies and the same attachments, read from the dry run's
  ``.eml`` files) and sends it with ``smtplib.SMTP.send_message`` over one connection;
  its CPU less that of the same script sending nothing, per message.

The target: within 2× of the baseline per message, and the same per message
at 2,000 reps as at 50 (no cost that grows with the team). Best of ``--repeat``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 6, 30)
BASELINE = r'''
import email, smtplib, sys, time
from email import policy
from email.message import EmailMessage
from pathlib import Path

port, folder, send = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "1"
sources = sorted(folder.glob("*.eml"))
# Read the parts of each message goalreport wrote (not timed apart: reading is the
# script's own work as much as goalreport's reading of its PDFs is goalreport's).
messages = []
for path in sources:
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = {"to": parsed["To"], "subject": parsed["Subject"],
             "text": parsed.get_body(("plain",)).get_content(),
             "html": parsed.get_body(("html",)).get_content(),
             "files": [(p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
                       for p in parsed.iter_attachments()]}
    messages.append(parts)
if not send:
    sys.exit(0)
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for parts in messages:
        message = EmailMessage()
        message["Subject"], message["From"], message["To"] = (
            parts["subject"], "reports@example.com", parts["to"])
        message.set_content(parts["text"])
        message.add_alternative(parts["html"], subtype="html")
        for name, kind, data in parts["files"]:
            main, sub = kind.split("/")
            message.add_attachment(data, maintype=main, subtype=sub, filename=name)
        smtp.send_message(message)
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workbook(path: Path, reps: int) -> Path:
    """``reps`` reps at example.com, a goal each, a few deals: small, so reading is cheap."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    when = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("Reps")
    sheet.write_row(0, 0, ["Rep ID", "Name", "Email", "Team"])
    goals = book.add_worksheet("Goals")
    goals.write_row(0, 0, ["Rep ID", "Year", "New Client Target", "Repeat Client Target",
                           "Avg Deal Size"])
    activity = book.add_worksheet("Activity")
    activity.write_row(0, 0, ["Date", "Rep ID", "Type", "Client", "Client Type", "Amount"])
    for n in range(1, reps + 1):
        sheet.write_row(n, 0, [f"R{n}", f"Rep {n}", f"rep{n}@example.com", f"T{n % 8}"])
        goals.write_row(n, 0, [f"R{n}", 2026, 120000, 20000, 5000])
        activity.write_datetime(n, 0, datetime(2026, 3, 1 + n % 28), when)
        activity.write_row(n, 1, [f"R{n}", "won", f"Client {n}", "new", 5000])
    settings = book.add_worksheet("Settings")
    for row, pair in enumerate([("Setting", "Value"), ("Company", "Acme"),
                                ("Manager Email", "boss@example.com")]):
        settings.write_row(row, 0, pair)
    settings.write(3, 0, "As Of")
    settings.write_datetime(3, 1, datetime(2026, 6, 30), when)
    book.close()
    return path


def prepare(folder: Path, reps: int) -> Path:
    """The workbook run once; every rep's PDF a copy of the first one's, restamped."""
    from goalreport.jobs import JobOptions, run_job
    from goalreport.reports.stamp import read_digest

    book = workbook(folder / "team.xlsx", reps)
    options = JobOptions(today=date(2026, 7, 1), now=datetime(2026, 7, 1, tzinfo=UTC),
                         month=date(2026, 6, 1), rep_ids=("R1",), jobs=1, pdf_tags=False)
    result = run_job(book, options)
    assert result.reports is not None and not result.failures, result.failures
    stamp, month = result.reports.stamp, result.reports.folder
    first = (month / "R1-Rep-1.pdf").read_bytes()
    found = read_digest(first)
    assert found is not None
    for n in range(2, reps + 1):
        data = first.replace(found.digest.encode(), stamp.digest(f"r{n}").encode())
        (month / f"R{n}-Rep-{n}.pdf").write_bytes(data)
    return book


def cpu(args: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) of ``args`` and every process it waited for."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(args[:4])} … failed: {err.read().decode()[-500:]}")
    return usage.ru_utime + usage.ru_stime


def measure(reps: int, repeat: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix=f"send-cost-{reps}-"))
    try:
        env = {**os.environ, "XDG_STATE_HOME": str(work / "state")}
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c",
                                   "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"])
        time.sleep(1.5)
        env.update(GOALREPORT_SMTP_HOST="127.0.0.1", GOALREPORT_SMTP_PORT=str(port),
                   GOALREPORT_SMTP_SECURITY="none", GOALREPORT_SMTP_FROM="reports@example.com")
        book = prepare(work, reps)
        send = [sys.executable, "-m", "goalreport", "send", str(book), "--month", "2026-06",
                "-q"]
        outbox = book.parent / "reports" / "2026-06" / "outbox"
        subprocess.run([*send, "--dry-run"], env=env, check=True)
        messages = reps + 1
        ours, base = [], []
        for _ in range(repeat):
            shutil.rmtree(work / "state", ignore_errors=True)
            full = cpu(send, env)
            again = cpu(send, env)
            ours.append((full - again) / messages)
            script = [sys.executable, "-c", BASELINE, str(port), str(outbox)]
            base.append((cpu([*script, "1"], env) - cpu([*script, "0"], env)) / messages)
        server.terminate()
        server.wait()
        return {"reps": reps, "messages": messages, "goalreport_ms": min(ours) * 1000,
                "baseline_ms": min(base) * 1000, "ratio": min(ours) / min(base)}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(rows: list[dict[str, float]]) -> list[str]:
    lines = [("| reps | messages | goalreport send, CPU per message | plain smtplib script | "
             "ratio |"), "|---:|---:|---:|---:|---:|"]
    for row in rows:
        lines.append(f"| {row['reps']:,} | {row['messages']:,} | {row['goalreport_ms']:.2f} ms "
                     f"| {row['baseline_ms']:.2f} ms | {row['ratio']:.2f}× |")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", default="50,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = [measure(int(n), args.repeat) for n in args.reps.split(",")]
    print(json.dumps(rows) if args.json else "\n".join(table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
