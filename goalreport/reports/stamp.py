"""What a PDF report was made from, written into the PDF when it is rendered, so that
``send`` attaches a PDF only when it is this rep's report for this As Of and these inputs.

A PDF's name says little: two reps whose names collide are numbered only when rendered
together, and a report of 15 June and one of 30 June have the same name. So every PDF
carries, in its metadata (the document information dictionary, as a PDF viewer's
"Properties" shows it), the workbook's identity, the rep (or the team summary), the As Of
and a hash of the inputs (the workbook's input fingerprint and the deals files counted);
and, as the first half of its file identifier (the trailer's ``/ID``, found at the end
of the file without parsing the rest), a digest of all of them, followed by a digest
of what the report says (its HTML and stylesheet). ``send`` reads both from the bytes it
is about to attach: it renders the report again when the first is not the expected one,
and compares the second with what was sent before. A change elsewhere in the workbook
changes every PDF's bytes (the inputs' hash is in each) but not what an unaffected rep's
report says, so only the reports that say something new are held back as changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

#: Bytes read from the end of a PDF to find ``startxref``, and from there its trailer.
_TAIL = 1024
_TRAILER = 4096
_STARTXREF = re.compile(rb"startxref\s+(\d{1,15})\s+%%EOF\s*$")
_ID = re.compile(rb"/ID\s*\[\s*\(gr1-([0-9a-f]{40})-([0-9a-f]{40})\)")
TEAM = "team summary"


@dataclass(frozen=True)
class Stamp:
    """The workbook and run a set of reports is rendered from."""

    #: The workbook's identity (``writeback.identity``).
    workbook: str
    #: SHA-256 hex of the inputs: the workbook's input fingerprint and the deals files.
    inputs: str
    as_of: date

    def digest(self, rep: str | None) -> str:
        """What the report of ``rep`` (a rep key; None: the team summary) must be made
        from, as 40 hex digits."""
        text = "\0".join([self.workbook, rep or TEAM, self.as_of.isoformat(), self.inputs])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]

    def pdf_options(self, rep: str | None, label: str, says: str) -> dict[str, Any]:
        """``write_pdf`` options: the file identifier (``gr1-<digest>-<says>``; ``says``:
        ``content_digest`` of the report) and a finisher writing the metadata (``label``:
        how the report is named, ``R1 (Ana Lima)`` or ``team summary``)."""
        import pydyf

        def finish(document: object, pdf: Any) -> None:
            pdf.info["GoalreportWorkbook"] = pydyf.String(self.workbook)
            pdf.info["GoalreportReport"] = pydyf.String(label)
            pdf.info["GoalreportAsOf"] = pydyf.String(self.as_of.isoformat())
            pdf.info["GoalreportInputs"] = pydyf.String(self.inputs)

        finisher: Callable[[object, Any], None] = finish
        identifier = f"gr1-{self.digest(rep)}-{says}"
        return {"pdf_identifier": identifier.encode("ascii"), "finisher": finisher}


def content_digest(*parts: str) -> str:
    """What a report says (its HTML and stylesheet), as 40 hex digits."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:40]


@dataclass(frozen=True)
class Found:
    """The stamp read from a PDF: what it was made from, and what it says."""

    digest: str
    says: str


def combined_inputs(fingerprint: str, deals: list[tuple[int, str]]) -> str:
    """The inputs' hash: the workbook's input fingerprint and each deals file counted
    (size, SHA-256: where it lies does not change what it says), in the order given."""
    digest = hashlib.sha256(fingerprint.encode("ascii"))
    for size, sha256 in deals:
        digest.update(f"\0{size}\0{sha256}".encode())
    return digest.hexdigest()


def read_digest(data: bytes) -> Found | None:
    """The ``/ID`` goalreport wrote into the PDF ``data``, or None (not a PDF goalreport
    stamped, or damaged): only the end of the file is looked at."""
    return _digest(len(data), lambda offset, size: data[offset:offset + size])


def file_digest(fd: int) -> Found | None:
    """``read_digest`` of the open PDF ``fd``, reading only the few KiB needed."""
    import os

    return _digest(os.fstat(fd).st_size, lambda offset, size: os.pread(fd, size, offset))


def _digest(size: int, read: Callable[[int, int], bytes]) -> Found | None:
    found = _STARTXREF.search(read(max(0, size - _TAIL), _TAIL))
    if found is None:
        return None
    offset = int(found.group(1))
    trailer = read(offset, _TRAILER) if offset < size else b""
    if not trailer.startswith(b"xref"):  # a cross-reference stream: its dict comes first
        trailer = trailer.partition(b"stream")[0]
    else:  # a classic table: the trailer dictionary follows it, at the end
        trailer = read(max(0, size - _TRAILER), _TRAILER)
    match = _ID.search(trailer)
    return Found(match.group(1).decode("ascii"), match.group(2).decode("ascii")) \
        if match else None
