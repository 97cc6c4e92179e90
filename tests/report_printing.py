"""One report's HTML and PDF from the public pieces the renderer is made of.

``reports.render`` renders whole runs (every rep and the team summary, in worker
processes). A test about one document (the team summary of 200 reps, the fast parser)
builds it here instead, from the same public parts: the contexts, the packaged
templates and stylesheet, the URL fetcher and ``expattree.DocumentParser``.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from goalreport.core.model import Settings
from goalreport.core.results import Computation, RepResult
from goalreport.reports.context import rep_context
from goalreport.reports.doctor import load_weasyprint
from goalreport.reports.environment import (
    REP_TEMPLATE,
    TEAM_TEMPLATE,
    make_environment,
    packaged_templates,
    render_template,
    stylesheet_source,
)
from goalreport.reports.expattree import DocumentParser
from goalreport.reports.fetcher import make_url_fetcher
from goalreport.reports.team_context import team_context


def report_html(computation: Computation, settings: Settings, result: RepResult | None = None,
                *, inline_css: bool = False) -> str:
    """The HTML of ``result``'s report, or of the team summary when ``result`` is None."""
    env = make_environment()
    if result is None:
        context, name = team_context(computation, settings), TEAM_TEMPLATE
    else:
        context, name = rep_context(result, computation, settings), REP_TEMPLATE
    css = stylesheet_source(env).replace("</", "<\\/") if inline_css else ""
    context["inline_css"] = Markup(css)
    return render_template(env, name, context, None)


class Printer:
    """WeasyPrint set up as a render worker sets it up: packaged stylesheet, fonts, the
    fetcher that allows only packaged files, and the fast parser."""

    def __init__(self) -> None:
        weasyprint = load_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        base_url = packaged_templates().resolve().as_uri() + "/"
        fetcher = make_url_fetcher([packaged_templates()])
        self.fonts = FontConfiguration()
        self.css = weasyprint.CSS(string=stylesheet_source(make_environment()),
                                  base_url=base_url, url_fetcher=fetcher, font_config=self.fonts)
        self.parser = DocumentParser(weasyprint, base_url, fetcher)

    def pdf(self, document: Any) -> bytes:
        """``document`` (a ``weasyprint.HTML``) printed with the report stylesheet."""
        return document.write_pdf(stylesheets=[self.css], font_config=self.fonts)
