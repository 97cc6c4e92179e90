"""A CRM export saved as CSV, read with the standard library's csv module.

CRMs write UTF-8, often with a byte-order mark (Excel needs one to show accents), and
European users' exports use ``;`` between fields because ``,`` is their decimal mark.
The encoding is tried in that order: UTF-8 with BOM, UTF-8, then Windows-1252 (what Excel
on Windows saves as "CSV") — every byte decodes in Latin-1 as the last resort. The
delimiter is the one of ``,`` ``;`` and tab that the header line holds most of (headers
never contain it, unlike free-text cells further down).

A ``--deals`` file is the operator's, but not necessarily sound: it is opened once and
must be a regular file (a FIFO or ``/dev/zero`` under a CSV's name is refused, not read
forever), at most ``MAX_CSV_BYTES`` is read (one byte more says it is too big), its
lines are handed to the csv reader one by one rather than copied whole, and a file of
more than ``MAX_CSV_ROWS`` rows is refused: each limit names the file, so a deals file
that is too big is never reported as the workbook needing too much memory or time.
"""

from __future__ import annotations

import csv
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from goalreport.errors import UnreadableWorkbook

#: A deals file larger than this is refused (an export of closed deals is far smaller).
MAX_CSV_BYTES = 200 * 1024 * 1024
#: A deals file with more rows than this is refused: closed deals of a period are far
#: fewer, and every row read costs memory in the bounded reader.
MAX_CSV_ROWS = 1_000_000
DELIMITERS = (",", ";", "\t")


def decode(data: bytes) -> str:
    """The text of a CSV file, by the first encoding that reads it. Raises
    ``UnicodeDecodeError`` for a file that says it is UTF-16 (its byte-order mark) and is
    not."""
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
    line = next((line for line in lines(text) if line.strip()), "")
    counts = {mark: line.count(mark) for mark in DELIMITERS}
    best = max(DELIMITERS, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def lines(text: str) -> Iterator[str]:
    """``text``'s lines with their ends, one at a time (no copy of the whole text): what
    the csv reader wants (a quoted field may go on over the next line)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def not_regular(path: Path) -> UnreadableWorkbook:
    """The line for a ``--deals`` path that is not a regular file."""
    return UnreadableWorkbook(f"{path.name}: is not a regular file (a device, a pipe or a "
                              "folder); --deals reads a CRM export saved as a file.")


def read_bounded(path: Path, limit: int = MAX_CSV_BYTES) -> bytes:
    """The bytes of the deals file ``path``, opened once: a regular file, of at most
    ``limit`` bytes (``limit`` + 1 are read, to tell). ``UnreadableWorkbook`` naming it
    otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise UnreadableWorkbook(f"{path.name}: cannot be read ({error.strerror}).") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path)
        data = b"" if info.st_size > limit else handle.read(limit + 1)
    if info.st_size > limit or len(data) > limit:
        raise too_big(path, limit)
    return data


def too_big(path: Path, limit: int) -> UnreadableWorkbook:
    """The line for a ``--deals`` file over ``limit`` bytes."""
    return UnreadableWorkbook(f"{path.name}: is larger than {limit // 2**20} MB, the most a "
                              "deals file may be. Export only the closed deals of the period.")


def read_csv(path: Path) -> Iterator[tuple[int, int, list[str | None]]]:
    """(row number, 0, values) per line, as ``Book.rows`` gives them; empty cells None."""
    data = read_bounded(path)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableWorkbook(f"{path.name}: is not a CSV text file. Save the export as "
                                 "CSV or .xlsx.")
    try:
        text = decode(data)
    except UnicodeDecodeError as error:
        raise UnreadableWorkbook(f"{path.name}: starts like UTF-16 text (a byte-order mark) "
                                 f"but is not ({error.reason} at byte {error.start:,}). Export "
                                 "it again from the CRM, as CSV in UTF-8.") from None
    del data
    reader = csv.reader(lines(text), delimiter=delimiter(text))
    try:
        for number, values in enumerate(reader, start=1):
            if number > MAX_CSV_ROWS:
                raise UnreadableWorkbook(
                    f"{path.name}: has more than {MAX_CSV_ROWS:,} rows, more than goalreport "
                    "reads from one deals file. Export only the closed deals of the "
                    "period.")
            yield number, 0, [value if value.strip() else None for value in values]
    except csv.Error as error:
        raise UnreadableWorkbook(f"{path.name}: is not a readable CSV file ({error}). Export "
                                 "it again from the CRM.") from None
