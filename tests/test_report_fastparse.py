"""The fast document parser: same PDFs as WeasyPrint's own parser, and a safe fallback."""

from __future__ import annotations

from pathlib import Path

import report_fixtures as fx

from goalreport.reports.render import TEAM_STEM, _Item, _Task, _Worker


def test_fast_parse_gives_byte_identical_pdfs(tmp_path: Path) -> None:
    computation = fx.computation()
    worker = _Worker(None)
    assert worker.parser.enabled
    task = _Task((), computation, fx.settings(), "Acme", tmp_path, None, False)
    for item in [_Item(TEAM_STEM, None), _Item("ana", computation.results[0])]:
        text = worker.html(item, task, inline_css=False)
        fast = worker.parser.parse(text)
        assert fast.etree_element.tag == "html"
        assert type(fast.etree_element).__module__ == "xml.etree.ElementTree"
        options = {"stylesheets": [worker.css], "font_config": worker.fonts}
        assert fast.write_pdf(**options) == worker.parser.slow(text).write_pdf(**options)


def test_html_that_is_not_xml_goes_through_weasyprint(tmp_path: Path) -> None:
    parser = _Worker(None).parser
    text = ("<!DOCTYPE html><html><head><title>x</title></head>"
            "<body><p>Q4&nbsp;plan<br>next line</p></body></html>")
    document = parser.parse(text)  # &nbsp; and <br> are HTML, not XML
    assert [e.tag for e in document.etree_element.iter("br")] == ["br"]
    assert "Q4\xa0plan" in "".join(document.etree_element.itertext())


def test_entity_declarations_are_not_expanded() -> None:
    parser = _Worker(None).parser
    text = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><html><head></head>'
            "<body><p>&a;&a;</p></body></html>")
    document = parser.parse(text)  # defusedxml refuses; the HTML parser keeps &a; as text
    assert "aaaaaaaaaa" not in "".join(document.etree_element.itertext())
