"""A CRM export saved as CSV, read with the standard library's csv module.

CRMs write UTF-8, often with a byte-order mark (Excel needs one to show accents), and
European users' exports use ``;`` between fields because ``,`` is their decimal mark.
The encoding is tried in that order: UTF-8 with BOM, UTF-8, then Windows-1252 (what Excel
on Windows saves as "CSV") — every byte decodes in Latin-1 as the last resort. The
delimiter is the one of ``,`` ``;`` and tab that the header line holds most of (headers
never contain it, unlike free-text cells further down).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from goalreport.errors import UnreadableWorkbook

#: A deals file larger than this is refused (an export of closed deals is far smaller).
MAX_CSV_BYTES = 200 * 1024 * 1024
DELIMITERS = (",", ";", "\t")


def decode(data: bytes) -> str:
    """The text of a CSV file, by the first encoding that reads it."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one the first non-empty line holds most of."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {mark: line.count(mark) for mark in DELIMITERS}
    best = max(DELIMITERS, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def read_csv(path: Path) -> Iterator[tuple[int, int, list[str | None]]]:
    """(row number, 0, values) per line, as ``Book.rows`` gives them; empty cells None."""
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise UnreadableWorkbook(f"{path.name}: is {size // 2**20} MB; a deals file may "
                                     f"be at most {MAX_CSV_BYTES // 2**20} MB. Export only "
                                     "the closed deals of the period.")
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableWorkbook(f"{path.name}: cannot be read ({error.strerror}).") from None
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableWorkbook(f"{path.name}: is not a CSV text file. Save the export as "
                                 "CSV or .xlsx.")
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text))
    try:
        for number, values in enumerate(reader, start=1):
            yield number, 0, [value if value.strip() else None for value in values]
    except csv.Error as error:
        raise UnreadableWorkbook(f"{path.name}: is not a readable CSV file ({error}). Export "
                                 "it again from the CRM.") from None
