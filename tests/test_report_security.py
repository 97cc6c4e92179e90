"""Hostile text from cells stays text: no file read, no network, no attachment, and no
file written outside the output folder, whatever a rep's name says."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
import report_fixtures as fx
from pypdf import PdfReader

from goalreport.core.results import Suggestion
from goalreport.reports import render
from goalreport.reports.fetcher import allowed_path, make_url_fetcher
from goalreport.reports.filenames import inside, report_filenames, sanitize

HOSTILE = [
    "<img src=file:///etc/passwd>",
    "<link rel=attachment href=file:///etc/passwd>",
    "</style><script>alert(1)</script>",
    "url(http://example.com/x)",
]


def hostile_computation():
    results = list(fx.computation().results)
    names = [HOSTILE[0], HOSTILE[1], "../../etc/x"]
    teams = [HOSTILE[2], HOSTILE[3], "CON"]
    changed = []
    for result, name, team in zip(results, names, teams, strict=True):
        result = fx.with_rep(result, name=name, team=team)
        progress = replace(result.progress, suggestions=(
            Suggestion("leads", HOSTILE[1] + " " + HOSTILE[3]),))
        changed.append(replace(result, progress=progress))
    changed.append(fx.with_rep(results[0], rep_id="CON", name="a/b\x00c"))
    changed.append(fx.with_rep(results[1], rep_id="..", name=".."))
    return fx.computation(changed)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("hostile") / "reports"
    render._WORKERS.clear()  # a fresh fetcher, so its refusals are this render's alone
    outcome = render.render_reports(hostile_computation(), fx.settings(), out, jobs=1,
                                    html=True)
    fetcher = render._WORKERS[None].fetcher
    return out, outcome, fetcher


def test_every_report_renders_and_stays_in_the_month_folder(hostile) -> None:
    out, outcome, _ = hostile
    assert outcome.failures == ()
    folder = (out / "2026-10").resolve()
    assert len(outcome.files) == 12  # 5 reps + team summary, PDF and HTML each
    assert all(path.parent == folder for path in outcome.files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in outcome.files)
    assert not (out.parent / "etc").exists()


def test_hostile_text_is_shown_literally(hostile) -> None:
    _, outcome, _ = hostile
    pdf = next(p for p in outcome.files if p.name.startswith("R1-") and p.suffix == ".pdf")
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert "<img src=file:///etc/passwd>" in text
    assert "</style><script>alert(1)</script>" in text
    html = pdf.with_suffix(".html").read_text(encoding="utf-8")
    assert "<img src=file" not in html and "&lt;img src=file:///etc/passwd&gt;" in html
    assert "<script>" not in html and "<link rel=attachment" not in html


def test_nothing_was_fetched_or_attached(hostile) -> None:
    _, outcome, fetcher = hostile
    assert fetcher.refused == []  # no URL from a cell ever reached the fetcher
    for pdf in (p for p in outcome.files if p.suffix == ".pdf"):
        assert PdfReader(pdf).attachments == {}
        data = pdf.read_bytes()
        assert b"/EmbeddedFiles" not in data and b"root:" not in data


def test_fetcher_refuses_everything_but_template_folders_and_data(tmp_path: Path) -> None:
    root = tmp_path / "templates"
    root.mkdir()
    (root / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("secret")
    assert allowed_path((root / "logo.svg").as_uri(), [root]) == (root / "logo.svg").resolve()
    assert allowed_path(root.as_uri() + "/../secret.txt", [root]) is None
    assert allowed_path("file:///etc/passwd", [root]) is None
    assert allowed_path("http://example.com/logo.svg", [root]) is None
    fetcher = make_url_fetcher([root])
    assert fetcher((root / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher("data:text/plain,hi").read() == b"hi"
    for url in ("file:///etc/passwd", "http://example.com/x", "https://example.com/x",
                "ftp://example.com/x", (tmp_path / "secret.txt").as_uri()):
        with pytest.raises(ValueError, match="does not load"):
            fetcher(url)
    assert len(fetcher.refused) == 5


def test_a_template_asking_for_local_files_or_network_gets_nothing(tmp_path: Path) -> None:
    """Even a template override cannot read /etc/passwd or reach the network."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "team_summary.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Team</h1>'
        '<img src="file:///etc/passwd"><img src="http://example.com/x.png">'
        '<link rel="attachment" href="file:///etc/passwd">{% endblock %}', encoding="utf-8")
    (templates / "report.css").write_text(
        "body { background: url(http://example.com/x.png); }", encoding="utf-8")
    computation = fx.computation(fx.computation().results[:1])
    outcome = render.render_reports(computation, fx.settings(), tmp_path / "out",
                                    templates_dir=templates, jobs=1)
    fetcher = render._WORKERS[templates.resolve()].fetcher
    assert "file:///etc/passwd" in fetcher.refused
    assert "http://example.com/x.png" in fetcher.refused
    team = next(p for p in outcome.files if p.name == "team-summary.pdf")
    assert PdfReader(team).attachments == {}
    assert b"root:" not in team.read_bytes()


@pytest.mark.parametrize(("rep_id", "name", "expected"), [
    ("R1", "Ana Lima", "R1-Ana-Lima"),
    ("R2", "a/b\\c", "R2-a-b-c"),
    ("..", "..", "_"),
    ("../../etc", "x", "etc-x"),
    ("CON", "", "_CON"),
    ("nul", "", "_nul"),
    ("R3", "tab\there\x00nul\x1b", "R3-tabherenul"),
])
def test_report_file_names_are_safe(rep_id: str, name: str, expected: str) -> None:
    assert report_filenames([(rep_id, name)]) == [expected]


def test_colliding_names_get_numbered_and_long_names_capped() -> None:
    stems = report_filenames([("R1", "Ana Lima"), ("R1", "Ana/Lima"), ("r1", "ana lima"),
                              ("team", "summary"), ("R9", "x" * 500)])
    assert stems[:4] == ["R1-Ana-Lima", "R1-Ana-Lima-2", "r1-ana-lima-3", "team-summary-2"]
    assert len(stems[4]) <= 80
    assert sanitize("") == "_"


def test_inside_refuses_paths_leaving_the_folder(tmp_path: Path) -> None:
    assert inside(tmp_path, "a.pdf") == (tmp_path / "a.pdf").resolve()
    for name in ("../a.pdf", "/etc/passwd", "sub/a.pdf"):
        with pytest.raises(ValueError):
            inside(tmp_path, name)
