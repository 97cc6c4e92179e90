"""Reading WeasyPrint's layout tree: where each box of a rendered report sits on its page.

Used by the page-fit tests: no table wider than the page's content box, and no heading
left at the foot of a page without the first rows of its table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from goalreport.reports.render import _Item, _Task, _worker


def document(item: _Item, task: _Task) -> Any:
    """The laid-out WeasyPrint document of one report, as ``render`` makes it."""
    worker = _worker(task.templates_dir)
    html = worker.parser.parse(worker.html(item, task, inline_css=False))
    return html.render(stylesheets=[worker.css], font_config=worker.fonts)


def boxes(page: Any) -> Iterator[Any]:
    yield from page._page_box.descendants()


def content_box(page: Any) -> tuple[float, float]:
    """(left, right) of the page's content area, in CSS pixels."""
    box = page._page_box
    return box.content_box_x(), box.content_box_x() + box.width


def too_wide(doc: Any) -> list[str]:
    """Tables (and rows and cells) whose border box passes the content box's right edge."""
    found = []
    for number, page in enumerate(doc.pages, start=1):
        left, right = content_box(page)
        for box in boxes(page):
            if box.element_tag in ("table", "tr", "td", "th") and box.element is not None:
                end = box.border_box_x() + box.border_width()
                if end > right + 0.5 or box.border_box_x() < left - 0.5:
                    found.append(f"page {number}: <{box.element_tag}> "
                                 f"{box.border_box_x():.1f}–{end:.1f} outside {left:.1f}–"
                                 f"{right:.1f}")
    return found


def headings_without_rows(doc: Any) -> list[str]:
    """``<h2>`` headings on a page where no body row of their section's table is."""
    page_of: dict[int, set[int]] = {}
    parent: dict[int, Any] = {}
    for number, page in enumerate(doc.pages):
        for box in boxes(page):
            if box.element is not None:
                page_of.setdefault(id(box.element), set()).add(number)
                for child in box.element:
                    parent[id(child)] = box.element
    lonely = []
    for number, page in enumerate(doc.pages):
        for box in boxes(page):
            if box.element_tag != "h2" or type(box).__name__ != "BlockBox":
                continue
            section = parent.get(id(box.element))
            rows = [] if section is None else section.findall(".//tbody/tr")
            if rows and not any(number in page_of.get(id(row), ()) for row in rows):
                text = "".join(box.element.itertext()).strip()
                lonely.append(f"page {number + 1}: heading {text!r} without its table")
    return lonely


def text_lines(doc: Any, tag: str) -> dict[str, int]:
    """The most lines any ``tag`` cell with a given text takes (its line boxes), by text."""
    per_cell: dict[int, tuple[str, int]] = {}
    for page in doc.pages:
        for box in boxes(page):
            if box.element_tag == tag and type(box).__name__ == "LineBox":
                text, count = per_cell.get(id(box.element), (
                    "".join(box.element.itertext()).strip(), 0))
                per_cell[id(box.element)] = (text, count + 1)
    lines: dict[str, int] = {}
    for text, count in per_cell.values():
        lines[text] = max(lines.get(text, 0), count)
    return lines
