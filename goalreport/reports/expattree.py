"""Hand WeasyPrint a document tree parsed by expat instead of its pure-Python HTML5 parser.

WeasyPrint parses HTML with tinyhtml5, which takes about 50 ms for one rep's report,
an eighth of the whole render. The packaged templates are written as well-formed XML
(void elements closed with ``/>``, the SVG charts carrying their namespace), so the C
parser builds the same tree in under a millisecond. The result is byte-identical PDFs
(pinned by a test). A template that is not well-formed XML (a user's override using
``&nbsp;`` or an unclosed ``<br>``) simply goes through WeasyPrint's own parser.

``defusedxml`` refuses entity declarations, so an override cannot expand entities.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

#: The attributes ``weasyprint.HTML.__init__`` sets; checked against the installed
#: WeasyPrint once, so a version that stores something else falls back to its parser.
_HTML_ATTRIBUTES = frozenset({"base_url", "url_fetcher", "media_type", "wrapper_element",
                              "etree_element"})


class DocumentParser:
    """Makes ``weasyprint.HTML`` objects, through expat when the text is well-formed."""

    def __init__(self, weasyprint: Any, base_url: str, url_fetcher: Any) -> None:
        self.weasyprint = weasyprint
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        probe = weasyprint.HTML(string="<p>probe</p>", base_url=base_url,
                                url_fetcher=url_fetcher)
        self.enabled = set(vars(probe)) == _HTML_ATTRIBUTES

    def slow(self, text: str) -> Any:
        """WeasyPrint's own parsing."""
        return self.weasyprint.HTML(string=text, base_url=self.base_url,
                                    url_fetcher=self.url_fetcher)

    def parse(self, text: str) -> Any:
        """A ``weasyprint.HTML`` for ``text``: expat's tree when the text is well-formed
        XML holding an ``<html>`` root, WeasyPrint's parser otherwise."""
        if not self.enabled:
            return self.slow(text)
        try:
            root = fromstring(text.removeprefix("<!DOCTYPE html>"))
        except (ParseError, DefusedXmlException, ValueError):
            return self.slow(text)
        if root.tag != "html" or root.find("head") is None or root.find("body") is None \
                or root.find("head/base") is not None:
            return self.slow(text)
        import cssselect2

        document = object.__new__(self.weasyprint.HTML)
        document.base_url = self.base_url
        document.url_fetcher = self.url_fetcher
        document.media_type = "print"
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None)
        document.etree_element = document.wrapper_element.etree_element
        return document
