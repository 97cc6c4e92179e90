"""String-level edits of small XML parts that keep every byte we do not touch.

Re-serialising workbook.xml, the relationships or the content types with ElementTree would
rename namespace prefixes, drop ``mc:Ignorable`` bindings and reorder attributes, which
Excel punishes with a repair prompt. These helpers insert and remove whole elements in the
original text instead; the caller has already parsed the part with defusedxml, so it is
well-formed and free of entities.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

_NAME = r"[A-Za-z_][\w.-]*"
_ATTR = re.compile(r"(" + _NAME + r"(?::" + _NAME + r")?)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def attr(value: str) -> str:
    """An attribute value, quoted and escaped."""
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def text(value: str) -> str:
    return escape(value)


def unescape(value: str) -> str:
    return (value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def attributes(start_tag: str) -> dict[str, str]:
    """The attributes of a start tag, unescaped (prefixes kept: ``r:id``)."""
    return {m.group(1): unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _ATTR.finditer(start_tag)}


def root_prefix(document: str, local: str) -> str:
    """``"x:"`` when the root element is ``<x:workbook>``, else ``""``."""
    match = re.search(r"<(?:(" + _NAME + r"):)?" + re.escape(local) + r"[\s/>]", document)
    return f"{match.group(1)}:" if match and match.group(1) else ""


def root_start_tag(document: str, prefix: str, local: str) -> str:
    match = re.search(r"<" + re.escape(prefix + local) + r"[\s/>][^>]*>", document)
    return match.group(0) if match else ""


def declared_prefix(start_tag: str, namespace: str) -> str | None:
    """The prefix ``start_tag`` binds to ``namespace``, if any."""
    for name, value in attributes(start_tag).items():
        if name.startswith("xmlns:") and value == namespace:
            return name[len("xmlns:"):]
    return None


def element_pattern(prefix: str, local: str) -> re.Pattern[str]:
    """Matches whole ``<p:local …/>`` or ``<p:local …>…</p:local>`` elements (not nested
    in themselves, which holds for every element we look for)."""
    tag = re.escape(prefix + local)
    return re.compile(r"<" + tag + r"(?=[\s/>])[^>]*?/>|<" + tag + r"(?=[\s>])[^>]*>.*?</"
                      + tag + r"\s*>", re.DOTALL)


def find_container(document: str, prefix: str, local: str) -> re.Match[str] | None:
    """The first ``<p:local>`` element, self-closing or not."""
    return element_pattern(prefix, local).search(document)


def children(container: str, prefix: str, local: str) -> list[str]:
    """The ``<p:local>`` elements inside a container's text, in order."""
    return element_pattern(prefix, local).findall(container)


def append_children(document: str, prefix: str, container: str, snippets: list[str],
                    *, count_child: str | None = None, after: tuple[str, ...] = (),
                    before: tuple[str, ...] = ()) -> str:
    """Append ``snippets`` at the end of the ``container`` element, creating it when missing
    (after the last of ``after`` present, else before the first of ``before`` present, else
    before the root's end tag). With ``count_child``, its ``count`` attribute is updated."""
    match = find_container(document, prefix, container)
    if match is None:
        element = f"<{prefix}{container}>{''.join(snippets)}</{prefix}{container}>"
        if count_child:
            element = f'<{prefix}{container} count="{len(snippets)}">' + element.split(">", 1)[1]
        return insert_element(document, prefix, element, after=after, before=before)
    old = match.group(0)
    if old.endswith("/>"):
        start = old[:-2].rstrip()
        body, end = "", f"</{prefix}{container}>"
        start += ">"
    else:
        start, rest = old.split(">", 1)
        start += ">"
        end_at = rest.rfind("</")
        body, end = rest[:end_at], rest[end_at:]
    body += "".join(snippets)
    if count_child:
        count = len(children(body, prefix, count_child))
        if re.search(r"\scount\s*=", start):
            start = re.sub(r"(\scount\s*=\s*)(\"[^\"]*\"|'[^']*')", rf'\g<1>"{count}"', start, 1)
        else:
            start = start[:-1] + f' count="{count}">'
    return document[:match.start()] + start + body + end + document[match.end():]


def insert_element(document: str, prefix: str, element: str, *, after: tuple[str, ...] = (),
                   before: tuple[str, ...] = ()) -> str:
    """Insert ``element`` as a child of the root, keeping the schema's element order."""
    position = -1
    for local in after:
        match = None
        for match in element_pattern(prefix, local).finditer(document):
            pass
        if match is not None:
            position = max(position, match.end())
    if position < 0:
        for local in before:
            match = element_pattern(prefix, local).search(document)
            if match is not None:
                position = match.start()
                break
    if position < 0:
        position = document.rfind("</")
    return document[:position] + element + document[position:]
