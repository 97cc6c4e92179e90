"""The HTML the reports are made from, pinned by golden files, and template overrides.

Regenerate the golden file after an intended change to the templates or contexts with
``GOALREPORT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report_html.py``
and review the diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import report_fixtures as fx
from report_printing import report_html

from goalreport.errors import TemplateError
from goalreport.reports.context import rep_context
from goalreport.reports.environment import (
    REP_TEMPLATE,
    make_environment,
    packaged_templates,
    render_template,
    stylesheet_source,
)
from goalreport.reports.render import render_reports

GOLDEN = Path(__file__).parent / "golden" / "rep_report.html"
TEAM_GOLDEN = Path(__file__).parent / "golden" / "team_summary.html"


def ana_html(templates_dir: Path | None = None) -> str:
    computation = fx.computation()
    context = rep_context(computation.results[0], computation, fx.settings())
    context["inline_css"] = ""
    return render_template(make_environment(templates_dir), REP_TEMPLATE, context,
                           templates_dir)


def test_rep_report_html_matches_golden_file() -> None:
    html = ana_html()
    if os.environ.get("GOALREPORT_UPDATE_GOLDEN"):
        GOLDEN.write_text(html, encoding="utf-8")
    assert html == GOLDEN.read_text(encoding="utf-8")


def test_team_summary_html_matches_golden_file() -> None:
    html = report_html(fx.computation(), fx.settings())
    if os.environ.get("GOALREPORT_UPDATE_GOLDEN"):
        TEAM_GOLDEN.write_text(html, encoding="utf-8")
    assert html == TEAM_GOLDEN.read_text(encoding="utf-8")


def test_golden_html_carries_the_pdf_metadata() -> None:
    html = ana_html()
    assert "<title>Ana Lima — progress report, October 2026</title>" in html
    assert '<meta name="author" content="Acme Tools" />' in html
    assert '<meta name="dcterms.created" content="2026-10-31" />' in html
    assert "@page { size: Letter; }" in html


def test_misspelt_variable_in_override_fails_naming_template_and_line(tmp_path: Path) -> None:
    source = (packaged_templates() / REP_TEMPLATE).read_text(encoding="utf-8")
    lines = source.splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "{{ h.actual }}" in text)
    (tmp_path / REP_TEMPLATE).write_text(source.replace("{{ h.actual }}", "{{ h.actaul }}"),
                                         encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        ana_html(tmp_path)
    message = str(caught.value)
    assert f"rep_report.html, line {line}" in message
    assert "actaul" in message


def test_syntax_error_in_override_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "team_summary.html").write_text("line one\n{% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"team_summary\.html, line 2"):
        render_reports(fx.computation(), fx.settings(), tmp_path / "out",
                       templates_dir=tmp_path, jobs=1)
    # Nothing was rendered: the broken template stops the run before any PDF.
    assert not list((tmp_path / "out").rglob("*.pdf"))


def test_override_folder_replaces_only_the_templates_it_holds(tmp_path: Path) -> None:
    css = (packaged_templates() / "report.css").read_text(encoding="utf-8")
    (tmp_path / "report.css").write_text(css.replace("#1f5fa8", "#8a1538"), encoding="utf-8")
    env = make_environment(tmp_path)
    assert "#8a1538" in stylesheet_source(env, tmp_path)
    assert ana_html(tmp_path) == ana_html()  # rep_report.html still the packaged one


def test_templates_dir_that_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="is not a folder"):
        make_environment(tmp_path / "missing")


def test_shipped_override_example_is_valid(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "templates"
    assert (example / "README.md").is_file()
    css = stylesheet_source(make_environment(example), example)
    packaged = (packaged_templates() / "report.css").read_text(encoding="utf-8")
    # The packaged stylesheet first, then the example's own rules, which win.
    assert css.startswith(packaged)
    assert css.index("--brand: #8a1538") > css.index("--brand: #1f5fa8")


@pytest.mark.slow
def test_custom_css_alone_restyles_a_rendered_pdf(tmp_path: Path) -> None:
    (tmp_path / "custom.css").write_text("h1 { color: #8a1538; }", encoding="utf-8")
    env = make_environment(tmp_path)
    assert stylesheet_source(env, tmp_path).endswith("h1 { color: #8a1538; }")
    outcome = render_reports(fx.computation(), fx.settings(), tmp_path / "out",
                             templates_dir=tmp_path, jobs=1, html=True)
    html = next(path for path in outcome.files if path.suffix == ".html")
    assert "h1 { color: #8a1538; }" in html.read_text(encoding="utf-8")
