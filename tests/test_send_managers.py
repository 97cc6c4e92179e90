"""Each manager gets their own summary by mail, received by a real SMTP
server (aiosmtpd on 127.0.0.1): exactly their subtree's reps in the attached PDF and in
the delivery status, the Manager Email of Settings the whole company, nothing twice.

The company: ``company_tree.py`` (Vera Park over Ana Lima over Ben Ode; Omar Haddad under
Vera; Femi under no one), its June 2026 reports rendered once per module.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import pytest
from company_tree import REPS, company_sheets
from conftest import write_workbook
from pypdf import PdfReader
from smtp_helpers import MailServer, attachments, invoke, plain_text, read_record

MONTH = ["--month", "2026-06"]
#: Manager address → (their summary's file, the reps of their subtree).
SUMMARIES = {
    "vera@example.com": ("team-summary-V1-Vera-Park.pdf", {"R1", "R2", "R3", "R4", "R5"}),
    "omar@example.com": ("team-summary-M2-Omar-Haddad.pdf", {"R4"}),
}


def _ids(text: str) -> set[str]:
    return set(re.findall(r"\bR[1-6]\b", text))


def _pdf_ids(data: bytes, tmp_path: Path) -> set[str]:
    path = tmp_path / "attached.pdf"
    path.write_bytes(data)
    return _ids(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tree")
    book = write_workbook(folder / "tree.xlsx", company_sheets())
    result = invoke(["run", str(book), *MONTH, "-j", "2", "-q"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def book(rendered: Path, tmp_path: Path) -> Path:
    shutil.copytree(rendered, tmp_path / "tree", copy_function=shutil.copy2)
    return tmp_path / "tree" / "tree.xlsx"


def test_each_manager_receives_their_subtree_only(book: Path, tmp_path: Path) -> None:
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(book), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    received: dict[str, list] = {}
    for message in server.messages:
        received.setdefault(message["To"], []).append(message)
    # Six reps, four managers (Ana and Ben are reps too: two messages each), the CEO.
    assert sorted((to, len(got)) for to, got in received.items()) == [
        ("ana@example.com", 2), ("ben@example.com", 2), ("ceo@example.com", 1),
        ("chloe@example.com", 1), ("dev@example.com", 1), ("eva@example.com", 1),
        ("femi@example.com", 1), ("omar@example.com", 1), ("vera@example.com", 1)]
    wanted = {**SUMMARIES,
              "ana@example.com": ("team-summary-R1-Ana-Lima.pdf", {"R1", "R2", "R3", "R5"}),
              "ben@example.com": ("team-summary-R2-Ben-Ode.pdf", {"R2", "R5"})}
    for address, (file, reps) in wanted.items():
        summary = next(m for m in received[address] if file in attachments(m))
        assert list(attachments(summary)) == [file]
        assert _pdf_ids(attachments(summary)[file], tmp_path) == reps, address
        status = plain_text(summary)
        assert _ids(status) == reps, address  # the delivery status of their reps alone
        assert "(your reps only)" in status
    ceo = received["ceo@example.com"][0]
    assert list(attachments(ceo)) == ["team-summary.pdf"]
    assert _pdf_ids(attachments(ceo)["team-summary.pdf"], tmp_path) == set(REPS)
    assert "Omar Haddad (M2) <omar@example.com>: sent, team-summary-M2-Omar-Haddad.pdf" \
        in plain_text(ceo)
    record = read_record(book)
    assert {key for key in record if key.startswith("manager:")} == {
        "manager:v1", "manager:r1", "manager:r2", "manager:m2"}
    with MailServer(tmp_path) as again:
        result = invoke(["send", str(book), *MONTH], again.env)
    assert result.exit_code == 0 and again.messages == []


def test_a_manager_without_an_email_is_listed_not_mailed(tmp_path: Path) -> None:
    sheets = copy.deepcopy(company_sheets())
    sheets["Managers"][2][2] = None  # Omar has no Email
    book = write_workbook(tmp_path / "tree.xlsx", sheets)
    assert invoke(["run", str(book), *MONTH, "-j", "1", "-q"]).exit_code == 0
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(book), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    assert "omar@example.com" not in {m["To"] for m in server.messages}
    assert "Warning: not sent: Omar Haddad (M2): team-summary-M2-Omar-Haddad.pdf (no Email " \
        "for this manager)" in result.output


def test_a_stale_summary_is_rendered_again_before_it_is_sent(book: Path,
                                                              tmp_path: Path) -> None:
    folder = book.parent / "reports" / "2026-06"
    (folder / "team-summary-M2-Omar-Haddad.pdf").unlink()
    (folder / "R2-Ben-Ode.pdf").unlink()
    with MailServer(tmp_path) as server:
        result = invoke(["send", str(book), *MONTH], server.env)
    assert result.exit_code == 0, result.output
    omar = next(m for m in server.messages if m["To"] == "omar@example.com")
    assert _pdf_ids(attachments(omar)["team-summary-M2-Omar-Haddad.pdf"], tmp_path) == {"R4"}
    # Ben's report was rendered again; the company's summary still ranks every rep.
    ceo = next(m for m in server.messages if m["To"] == "ceo@example.com")
    assert _pdf_ids(attachments(ceo)["team-summary.pdf"], tmp_path) == set(REPS)
