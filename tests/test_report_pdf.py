"""Real PDFs rendered by WeasyPrint, checked through their extracted text and metadata."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import report_fixtures as fx
from conftest import minimal_sheets
from pypdf import PdfReader
from report_printing import Printer, report_html

from goalreport.reports.render import render_reports


def pdf_text(path: Path) -> str:
    """All pages' text with runs of whitespace (including no-break spaces) made one space."""
    text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture(scope="module")
def us_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple[Path, ...]]:
    out = tmp_path_factory.mktemp("us")
    outcome = render_reports(fx.computation(), fx.settings(), out, jobs=2, html=True)
    assert outcome.failures == ()
    return out, outcome.files


def test_one_pdf_per_rep_and_a_team_summary(us_reports: tuple[Path, tuple[Path, ...]]) -> None:
    out, files = us_reports
    names = sorted(path.name for path in files if path.suffix == ".pdf")
    assert names == ["R1-Ana-Lima.pdf", "R2-Ben-Okafor.pdf", "R3-Chloé-Martin.pdf",
                     "team-summary.pdf"]
    assert {path.parent for path in files} == {(out / "2026-10").resolve()}
    assert not list((out / "2026-10").glob(".*tmp"))  # temp files were renamed away


def test_rep_pdf_shows_figures_formatted_for_en_us(
        us_reports: tuple[Path, tuple[Path, ...]]) -> None:
    out, _ = us_reports
    text = pdf_text(out / "2026-10" / "R1-Ana-Lima.pdf")
    for expected in ("Ana Lima", "$138,765", "77.1%", "$167,675", "$180,000",
                     "Slightly behind", "NOVEMBER 2026", "default: 1 in 3",
                     "Page 1 of 2", "Page 2 of 2", "Oct 31, 2026"):
        assert expected in text, expected
    assert len(PdfReader(out / "2026-10" / "R1-Ana-Lima.pdf").pages) <= 2


def test_pdf_metadata(us_reports: tuple[Path, tuple[Path, ...]]) -> None:
    out, _ = us_reports
    meta = PdfReader(out / "2026-10" / "R1-Ana-Lima.pdf").metadata
    assert meta.title == "Ana Lima — progress report, October 2026"
    assert meta.author == "Acme Tools"
    assert meta.subject == "Sales progress report for October 2026, as of Oct 31, 2026"
    assert meta["/CreationDate"] == "D:20261031"


def test_team_summary_lists_every_rep(us_reports: tuple[Path, tuple[Path, ...]]) -> None:
    out, _ = us_reports
    text = pdf_text(out / "2026-10" / "team-summary.pdf")
    for name in ("Ben Okafor", "Ana Lima", "Chloé Martin"):
        assert name in text
    assert text.index("Ben Okafor") < text.index("Chloé Martin")  # ranked by attainment
    assert "$335,265" in text  # team total actual


FIRST = ("Ana", "Ben", "Chloé", "Dev", "Ema", "Farid", "Gus", "Hana", "Ivo", "June",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tao")
LAST = ("Lima", "Okafor", "Martin", "Nguyen", "Rossi", "Tanaka", "Patel", "Schmidt",
        "Ivanova", "O'Brien")


@pytest.mark.slow
def test_team_summary_of_200_reps_names_everyone_and_has_no_blank_page(
        tmp_path: Path) -> None:
    results = [fx.make_result(f"R{i:03d}", f"{FIRST[i % 20]} {LAST[i // 20]}",
                              ("North", "South", "East", "West")[i % 4], str(60000 + 900 * i),
                              "30000", str(20000 + 1300 * (i % 97)), "15000",
                              ("Achieved", "On track", "Slightly behind", "At risk",
                               "Behind")[i % 5], flagged=i % 17 == 0)
               for i in range(200)]
    printer = Printer()
    html = report_html(fx.computation(results), fx.settings())
    pages = PdfReader(io.BytesIO(printer.pdf(printer.parser.parse(html)))).pages
    texts = [re.sub(r"\s+", " ", page.extract_text() or "") for page in pages]
    assert len(pages) > 3  # one ranking row per rep, split across pages
    assert all("Page" in text and len(text) > 200 for text in texts)  # none blank
    everything = " ".join(texts)
    missing = [r.rep.name for r in results if f"{r.rep.name} {r.rep.rep_id}" not in everything]
    assert missing == []
    assert "Ranking by attainment" in texts[0] or "RANKING BY ATTAINMENT" in texts[0]
    assert "Total 200" in everything  # the TeamTotals total row


def test_html_copy_is_self_contained(us_reports: tuple[Path, tuple[Path, ...]]) -> None:
    out, _ = us_reports
    html = (out / "2026-10" / "R1-Ana-Lima.html").read_text(encoding="utf-8")
    assert "--brand" in html  # the stylesheet is inlined
    assert html.count("<svg") == 2
    assert "<link" not in html and "src=" not in html


@pytest.mark.slow
def test_german_locale_and_euros(tmp_path: Path) -> None:
    computation = fx.computation(fx.computation().results[:1])
    render_reports(computation, fx.settings("de_DE", "EUR"), tmp_path, jobs=1)
    text = pdf_text(tmp_path / "2026-10" / "R1-Ana-Lima.pdf")
    for expected in ("138.765 €", "77,1 %", "167.675 €", "Oktober 2026", "31.10.2026"):
        assert expected in text, expected
    box = PdfReader(tmp_path / "2026-10" / "R1-Ana-Lima.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4


@pytest.mark.slow
def test_two_renders_are_byte_identical(tmp_path: Path) -> None:
    first = render_reports(fx.computation(), fx.settings(), tmp_path / "a", jobs=1)
    second = render_reports(fx.computation(), fx.settings(), tmp_path / "b", jobs=2)
    assert len(first.files) == 4
    for one, two in zip(first.files, second.files, strict=True):
        assert one.name == two.name
        assert one.read_bytes() == two.read_bytes()


@pytest.mark.slow
def test_progress_callback_counts_every_report(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    render_reports(fx.computation(), fx.settings(), tmp_path, jobs=1,
                   progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (4, 4)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


@pytest.mark.slow
def test_inactive_reps_get_no_report(make_workbook, tmp_path: Path) -> None:
    from goalreport.core.engine import compute
    from goalreport.workbook.reader import read_workbook

    sheets = minimal_sheets()
    sheets["Reps"] += [["R2", "Bea Ortiz", "East", "no"]]
    sheets["Reps"][0] = ["Rep ID", "Name", "Team", "Active"]
    sheets["Goals"].append(["R2", 2026, 1000, 1000, 100])
    data = read_workbook(make_workbook(sheets))
    computation = compute(data, as_of=dt.date(2026, 6, 30))
    outcome = render_reports(computation, data.settings, tmp_path / "out", jobs=1)
    assert outcome.failures == ()
    names = sorted(path.name for path in outcome.files)
    assert names == ["R1-Ana-Lima.pdf", "team-summary.pdf"]
    text = pdf_text(tmp_path / "out" / "2026-06" / "R1-Ana-Lima.pdf")
    assert "Ana Lima" in text and "$100" in text  # one $100 deal
    assert "Bea Ortiz" not in pdf_text(tmp_path / "out" / "2026-06" / "team-summary.pdf")


@pytest.mark.slow
def test_sample_workbook_renders(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_workbooks" / "acme-sales-2026.xlsx"
    if not sample.is_file():
        pytest.skip("sample workbook not built yet")
    from goalreport.core.engine import compute
    from goalreport.workbook.reader import read_workbook

    data = read_workbook(sample)
    computation = compute(data, as_of=data.settings.as_of or dt.date(2026, 10, 31))
    outcome = render_reports(computation, data.settings, tmp_path)
    assert outcome.failures == ()
    # A report per rep, the team summary, and Maya Chen's and Omar Haddad's own summaries.
    assert len([p for p in outcome.files if p.suffix == ".pdf"]) == len(computation.results) + 3
    first = computation.results[0]
    pdf = next(p for p in outcome.files if p.name.startswith(first.rep.rep_id + "-"))
    assert first.rep.name in pdf_text(pdf)
