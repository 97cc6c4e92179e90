"""The fast document parser: same PDFs as WeasyPrint's own parser, and a safe fallback."""

from __future__ import annotations

import pytest
import report_fixtures as fx
from report_printing import Printer, report_html


@pytest.mark.slow
def test_fast_parse_gives_byte_identical_pdfs() -> None:
    computation = fx.computation()
    printer = Printer()
    assert printer.parser.enabled
    for result in [None, computation.results[0]]:  # the team summary, a rep
        text = report_html(computation, fx.settings(), result)
        fast = printer.parser.parse(text)
        assert fast.etree_element.tag == "html"
        assert type(fast.etree_element).__module__ == "xml.etree.ElementTree"
        assert printer.pdf(fast) == printer.pdf(printer.parser.slow(text))


def test_html_that_is_not_xml_goes_through_weasyprint() -> None:
    parser = Printer().parser
    text = ("<!DOCTYPE html><html><head><title>x</title></head>"
            "<body><p>Q4&nbsp;plan<br>next line</p></body></html>")
    document = parser.parse(text)  # &nbsp; and <br> are HTML, not XML
    assert [e.tag for e in document.etree_element.iter("br")] == ["br"]
    assert "Q4\xa0plan" in "".join(document.etree_element.itertext())


def test_entity_declarations_are_not_expanded() -> None:
    parser = Printer().parser
    text = ('<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">]><html><head></head>'
            "<body><p>&a;&a;</p></body></html>")
    document = parser.parse(text)  # defusedxml refuses; the HTML parser keeps &a; as text
    assert "aaaaaaaaaa" not in "".join(document.etree_element.itertext())
