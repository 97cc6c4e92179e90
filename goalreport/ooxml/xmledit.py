"""Edits of small XML parts that keep every byte we do not touch, located by a real tokenizer.

Re-serialising workbook.xml, the relationships, the content types or the styles with
ElementTree would rename namespace prefixes, drop ``mc:Ignorable`` bindings and reorder
attributes, which Excel punishes with a repair prompt. So the parts are edited as text:
whole elements are inserted or removed at byte offsets, and everything else is copied.

The offsets come from expat (``CurrentByteIndex``), never from regular expressions over
the text: a comment or a CDATA section that looks like markup (``<!--<definedNames>-->``,
``<!-- <x:workbook > -->``) is never mistaken for an element, and a part is tokenized once,
in linear time. ``Outline.of`` parses a part into the elements an edit needs (the root,
its children and grandchildren whose names are asked for); ``Edits`` collects the changes
against that one outline and ``apply`` splices them in one pass. Element names are
compared by local name under the root's prefix (``x:sheet`` in a part whose root is
``x:workbook``), as Excel writes them. A document type declaration is refused.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from goalreport.errors import UnreadableWorkbook

#: Skips a quoted attribute value or stops at the ``>`` that ends a tag.
_TAG_PIECE = re.compile(rb"\"[^\"]*\"|'[^']*'|>")
_COUNT = re.compile(r"(\scount\s*=\s*)(\"[^\"]*\"|'[^']*')")


def attr(value: str) -> str:
    """An attribute value, quoted and escaped."""
    return quoteattr(value, {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def text(value: str) -> str:
    return escape(value)


class Node:
    """One element of an outline: its name, attributes, byte span and text."""

    __slots__ = ("attrs", "depth", "end", "name", "open_end", "parent", "start", "text")

    def __init__(self, name: str, attrs: dict[str, str], start: int, depth: int,
                 parent: int) -> None:
        self.name = name
        self.attrs = attrs
        #: Byte offsets: start tag begins, start tag ends, element ends (exclusive).
        self.start = start
        self.open_end = start
        self.end = start
        self.depth = depth
        #: Index of the parent in ``Outline.nodes`` (-1 for the root).
        self.parent = parent
        #: Character data directly inside (entities resolved), for leaf elements.
        self.text = ""

    @property
    def local(self) -> str:
        return self.name.rpartition(":")[2]

    @property
    def empty(self) -> bool:
        """A self-closing ``<x:a/>``."""
        return self.open_end == self.end

    def __getstate__(self) -> tuple[object, ...]:
        return tuple(getattr(self, slot) for slot in self.__slots__)

    def __setstate__(self, state: tuple[object, ...]) -> None:
        for slot, value in zip(self.__slots__, state, strict=True):
            setattr(self, slot, value)


@dataclass
class Outline:
    """A part's bytes and the elements found in them: the root (always ``nodes[0]``),
    its children and their children, kept when their local name is asked for."""

    data: bytes
    nodes: list[Node]

    @classmethod
    def of(cls, document: str | bytes, names: Iterable[str] | None = None,
           part: str = "the XML part") -> Outline:
        """Tokenize ``document`` once. ``names``: local names to keep at depth 1 and 2
        (None keeps all). Raises ``UnreadableWorkbook`` for malformed XML or a DTD."""
        data = document.encode("utf-8") if isinstance(document, str) else document
        return cls(data, _tokenize(data, None if names is None else frozenset(names), part))

    @property
    def root(self) -> Node:
        return self.nodes[0]

    @property
    def prefix(self) -> str:
        """``"x:"`` when the root element is ``<x:workbook>``, else ``""``."""
        name = self.root.name
        return name[:name.index(":") + 1] if ":" in name else ""

    def slice(self, node: Node) -> str:
        """The element's text, exactly as in the part."""
        return self.data[node.start:node.end].decode("utf-8")

    def start_tag(self, node: Node) -> str:
        return self.data[node.start:node.open_end].decode("utf-8")

    def children(self, local: str, parent: Node | None = None) -> list[Node]:
        """The kept children of ``parent`` (default: the root) called ``local``."""
        parent = parent or self.root
        index = self.nodes.index(parent)
        wanted = self.prefix + local
        return [node for node in self.nodes if node.parent == index and node.name == wanted]

    def child(self, local: str) -> Node | None:
        """The first child of the root called ``local``."""
        found = self.children(local)
        return found[0] if found else None

    def attribute(self, node: Node, local: str, namespace: str) -> str:
        """The value of ``node``'s attribute ``local`` in ``namespace`` (``r:id``), whatever
        prefix the part binds to it; "" when absent."""
        for name, value in node.attrs.items():
            prefix, _, rest = name.rpartition(":")
            if rest == local and prefix and self.namespace_of(prefix, node) == namespace:
                return value
        return ""

    def namespace_of(self, prefix: str, node: Node) -> str | None:
        """The namespace ``prefix`` is bound to at ``node`` (its own attributes, then its
        ancestors')."""
        key = f"xmlns:{prefix}" if prefix else "xmlns"
        current: Node | None = node
        while current is not None:
            if key in current.attrs:
                return current.attrs[key]
            current = self.nodes[current.parent] if current.parent >= 0 else None
        return None


def _tokenize(data: bytes, names: frozenset[str] | None, part: str) -> list[Node]:
    parser = xml.parsers.expat.ParserCreate(encoding="UTF-8")
    nodes: list[Node] = []
    #: For each open element: index of its node in ``nodes``, or -1 when not kept.
    stack: list[int] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        depth = len(stack)
        parent = stack[-1] if stack else -1
        keep = depth == 0 or (depth <= 2 and (depth == 1 or parent >= 0) and (
            names is None or name.rpartition(":")[2] in names))
        if keep:
            node = Node(name, attrs, parser.CurrentByteIndex, depth, parent)
            node.open_end = _tag_end(data, node.start)
            stack.append(len(nodes))
            nodes.append(node)
        else:
            stack.append(-1)

    def end(_name: str) -> None:
        index = stack.pop()
        if index >= 0:
            node = nodes[index]
            if data[node.open_end - 2:node.open_end] == b"/>":
                node.end = node.open_end
            else:
                node.end = data.index(b">", parser.CurrentByteIndex) + 1

    def characters(content: str) -> None:
        if stack and stack[-1] > 0 and nodes[stack[-1]].depth == 2:
            nodes[stack[-1]].text += content

    def refuse(*_args: object) -> None:
        raise UnreadableWorkbook(f"{part} contains an XML document type declaration, which "
                                 "Excel never writes; refusing it as a possible XML entity "
                                 "attack.")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as error:
        raise UnreadableWorkbook(f"{part} is not well-formed XML: {error}.") from None
    if not nodes:
        raise UnreadableWorkbook(f"{part} has no root element.")
    return nodes


def _tag_end(data: bytes, start: int) -> int:
    """Offset just past the ``>`` of the tag starting at ``start`` (quotes skipped)."""
    position = start
    while True:
        match = _TAG_PIECE.search(data, position)
        if match is None:  # cannot happen in a part expat accepted
            raise UnreadableWorkbook("an XML tag is not closed.")
        if match.group() == b">":
            return match.end()
        position = match.end()


@dataclass
class _Append:
    snippets: list[str]
    count_child: str | None
    after: tuple[str, ...]
    before: tuple[str, ...]
    order: int


@dataclass
class Edits:
    """Changes to one outlined part, applied together by ``apply``.

    Offsets refer to the original part, so edits do not disturb each other: removals and
    replacements of whole elements, and appends to a container (a child of the root, or
    the root itself) that is created when missing.
    """

    outline: Outline
    _splices: list[tuple[int, int, int, str]] = field(default_factory=list)
    _appends: dict[str, _Append] = field(default_factory=dict)

    def remove(self, node: Node) -> None:
        self.replace(node, "")

    def replace(self, node: Node, new: str) -> None:
        self._splices.append((node.start, node.end, len(self._splices), new))

    def append(self, container: str | None, snippets: list[str], *,
               count_child: str | None = None, after: tuple[str, ...] = (),
               before: tuple[str, ...] = ()) -> None:
        """Append ``snippets`` at the end of root child ``container`` (None: the root),
        creating it when missing: after the last of ``after`` present, else before the
        first of ``before`` present, else before the root's end tag. With
        ``count_child``, the container's ``count`` attribute is set to its number of
        ``count_child`` children."""
        key = container or ""
        if key in self._appends:
            self._appends[key].snippets.extend(snippets)
        elif snippets:
            self._appends[key] = _Append(list(snippets), count_child, after, before,
                                         len(self._appends))

    def pending(self, container: str) -> list[str]:
        """The snippets appended to ``container`` so far."""
        found = self._appends.get(container)
        return list(found.snippets) if found else []

    def apply(self) -> str:
        """The part with every edit made."""
        outline = self.outline
        splices = list(self._splices)
        for key, item in sorted(self._appends.items(), key=lambda kv: kv[1].order):
            splices += self._append_splices(key, item, len(splices))
        splices.sort()
        pieces: list[bytes] = []
        position = 0
        for start, end, _, new in splices:
            if start < position:
                raise ValueError("overlapping XML edits")
            pieces += [outline.data[position:start], new.encode("utf-8")]
            position = end
        pieces.append(outline.data[position:])
        return b"".join(pieces).decode("utf-8")

    def _append_splices(self, key: str, item: _Append, seq: int
                        ) -> list[tuple[int, int, int, str]]:
        outline = self.outline
        p = outline.prefix
        body = "".join(item.snippets)
        node = outline.root if not key else outline.child(key)
        if node is None:
            start_tag = f"<{p}{key}>"
            if item.count_child:
                start_tag = f'<{p}{key} count="{len(item.snippets)}">'
            at = self._position(item.after, item.before)
            return [(at, at, seq, f"{start_tag}{body}</{p}{key}>")]
        start_tag = outline.start_tag(node)
        if item.count_child:
            count = len(outline.children(item.count_child, node)) + len(item.snippets)
            start_tag = _with_count(start_tag, count)
        if node.empty:
            opened = start_tag[:-2].rstrip() + ">" if start_tag.endswith("/>") else start_tag
            return [(node.start, node.end, seq, f"{opened}{body}</{node.name}>")]
        close = outline.data.rindex(b"</", node.start, node.end)
        splices = [(close, close, seq, body)]
        if item.count_child:
            splices.append((node.start, node.open_end, seq, start_tag))
        return splices

    def _position(self, after: tuple[str, ...], before: tuple[str, ...]) -> int:
        """Where a new root child goes to keep the schema's element order."""
        outline = self.outline
        ends = [node.end for local in after for node in outline.children(local)]
        if ends:
            return max(ends)
        for local in before:
            node = outline.child(local)
            if node is not None:
                return node.start
        root = outline.root
        return outline.data.rindex(b"</", root.start, root.end)


def _with_count(start_tag: str, count: int) -> str:
    if _COUNT.search(start_tag):
        return _COUNT.sub(rf'\g<1>"{count}"', start_tag, count=1)
    closing = "/>" if start_tag.endswith("/>") else ">"
    return start_tag[:-len(closing)].rstrip() + f' count="{count}"' + closing
