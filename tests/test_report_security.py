"""Hostile text from cells stays text: no file read, no network, no attachment, and no
file written outside the output folder, whatever a rep's name says."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import report_fixtures as fx
from pypdf import PdfReader

from goalreport.core.results import Suggestion
from goalreport.reports.fetcher import allowed_path, make_url_fetcher
from goalreport.reports.filenames import inside, report_filenames, sanitize
from goalreport.reports.render import render_reports

HOSTILE = [
    "<img src=file:///etc/passwd>",
    "<link rel=attachment href=file:///etc/passwd>",
    "</style><script>alert(1)</script>",
    "url(http://example.com/x)",
]


class Listener:
    """A web server on 127.0.0.1 that records every request made to it: had the renderer
    fetched anything from the network, it would show here."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                listener.requests.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def test_the_listener_would_see_a_fetch(listener: Listener) -> None:
    """The check below can fail: a fetch really reaches the listener."""
    import urllib.request

    with pytest.raises(OSError):
        no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        no_proxy.open(f"{listener.url}/probe", timeout=10)
    assert "/probe" in listener.requests
    listener.requests.remove("/probe")


def hostile_computation(url: str = "http://example.com"):
    results = list(fx.computation().results)
    names = [HOSTILE[0], HOSTILE[1], "../../etc/x"]
    teams = [HOSTILE[2], HOSTILE[3], "CON"]
    changed = []
    for result, name, team in zip(results, names, teams, strict=True):
        result = fx.with_rep(result, name=name, team=team)
        progress = replace(result.progress, suggestions=(
            Suggestion("leads", HOSTILE[1] + " " + HOSTILE[3]),
            Suggestion("deal_size", f"<img src={url}/cell.png> url({url}/cell.css)")))
        changed.append(replace(result, progress=progress))
    changed.append(fx.with_rep(results[0], rep_id="CON", name="a/b\x00c"))
    changed.append(fx.with_rep(results[1], rep_id="..", name=".."))
    return fx.computation(changed)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, listener: Listener):
    out = tmp_path_factory.mktemp("hostile") / "reports"
    outcome = render_reports(hostile_computation(listener.url), fx.settings(), out, jobs=1,
                             html=True)
    return out, outcome, listener


@pytest.mark.slow
def test_every_report_renders_and_stays_in_the_month_folder(hostile) -> None:
    out, outcome, _ = hostile
    assert outcome.failures == ()
    folder = (out / "2026-10").resolve()
    assert len(outcome.files) == 12  # 5 reps + team summary, PDF and HTML each
    assert all(path.parent == folder for path in outcome.files)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in outcome.files)
    assert not (out.parent / "etc").exists()


@pytest.mark.slow
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


@pytest.mark.slow
def test_nothing_was_fetched_or_attached(hostile) -> None:
    _, outcome, listener = hostile
    assert listener.requests == []  # no URL from a cell was ever fetched
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


def test_a_template_asking_for_local_files_or_network_gets_nothing(
        tmp_path: Path, listener: Listener) -> None:
    """Even a template override cannot read /etc/passwd or reach the network."""
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "team_summary.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>Team</h1>'
        '<img src="file:///etc/passwd"><img src="' + listener.url + '/x.png">'
        '<link rel="attachment" href="file:///etc/passwd">{% endblock %}', encoding="utf-8")
    (templates / "report.css").write_text(
        "body { background: url(" + listener.url + "/y.png); }", encoding="utf-8")
    computation = fx.computation(fx.computation().results[:1])
    outcome = render_reports(computation, fx.settings(), tmp_path / "out",
                             templates_dir=templates, jobs=1)
    assert listener.requests == []
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
