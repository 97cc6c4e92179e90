"""A CRM export saved as CSV, streamed through the standard library's csv module.

CRMs write UTF-8, often with a byte-order mark (Excel needs one to show accents), and
European users' exports use ``;`` between fields because ``,`` is their decimal mark.
The encoding is tried in that order: UTF-16 or UTF-8 by their byte-order marks, UTF-8,
then Windows-1252 (what Excel on Windows saves as "CSV") — every byte decodes in Latin-1
as the last resort. The delimiter is the one of ``,`` ``;`` and tab that the header line
holds most of (headers never contain it, unlike free-text cells further down).

The file is never held whole: the encoding is chosen by decoding it once in blocks (its
text thrown away), then the rows are read one by one as the csv module parses them, so
reading a million rows needs the memory of one row (and of what is kept of them).

A ``--deals`` file is the operator's, but not necessarily sound: it is opened once and
must be a regular file (a FIFO or ``/dev/zero`` under a CSV's name is refused, not read
forever); at most ``MAX_CSV_BYTES`` and one byte are ever read, so a file that grows past
the limit while it is read is refused too; and a file of more than ``MAX_CSV_ROWS`` rows
is refused. Each limit names the file, so a deals file that is too big is never reported
as the workbook needing too much memory or time.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections.abc import Iterator
from itertools import count, islice, repeat
from pathlib import Path

from goalreport.errors import UnreadableWorkbook

#: A deals file larger than this is refused (an export of closed deals is far smaller).
MAX_CSV_BYTES = 200 * 1024 * 1024
#: A deals file with more rows than this is refused: the deals of a year are far fewer,
#: and every deal kept costs memory in the bounded reader (about 340 MB a million).
MAX_CSV_ROWS = 2_000_000
DELIMITERS = (",", ";", "\t")
#: Bytes read at a time to choose the encoding, and read of the top to find the header.
BLOCK = 1 << 20
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def decode(data: bytes) -> str:
    """The text of CSV bytes, by the first encoding that reads them (as ``read_csv``)."""
    return data.decode(_encoding_of(io.BytesIO(data)), errors="replace")


def delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one the first non-empty line holds most of."""
    line = next((line for line in text.splitlines() if line.strip()), "")
    counts = {mark: line.count(mark) for mark in DELIMITERS}
    best = max(DELIMITERS, key=lambda mark: counts[mark])
    return best if counts[best] else ","


def _encoding_of(handle: io.RawIOBase | io.BufferedIOBase) -> str:
    """The encoding of the bytes in ``handle`` (read from where it is, to the end)."""
    head = handle.read(4)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    for encoding in ("utf-8", "cp1252"):
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            while block := handle.read(BLOCK):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


class _Bounded(io.RawIOBase):
    """A file read no further than ``limit`` bytes: past it, the file is refused."""

    def __init__(self, raw: io.BufferedReader, limit: int, name: str):
        self.raw, self.left, self.name = raw, limit, name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self.raw.readinto(buffer)
        self.left -= count
        if self.left < 0:
            raise UnreadableWorkbook(_too_large(self.name))
        return count


def _too_large(name: str, limit: int | None = None) -> str:
    limit = MAX_CSV_BYTES if limit is None else limit
    return (f"{name}: is larger than {limit // 2**20} MB, the most a deals file may be. "
            "Export only the closed deals of the period.")


def too_big(path: Path, limit: int | None = None) -> UnreadableWorkbook:
    """The line for a deals file over ``limit`` bytes."""
    return UnreadableWorkbook(_too_large(path.name, limit))


def not_regular(path: Path) -> UnreadableWorkbook:
    """The line for a deals path that is not a regular file (a FIFO, a device, a folder)."""
    return UnreadableWorkbook(f"{path.name}: is not a regular file (a device, a pipe or a "
                              "folder); --deals reads a CRM export saved as a file.")


def _too_many_rows(name: str) -> UnreadableWorkbook:
    return UnreadableWorkbook(f"{name}: has more than {MAX_CSV_ROWS:,} rows, more than "
                              "goalreport reads from one deals file. Export only the closed "
                              "deals of the period.")


class CsvRows:
    """(row number, 0, values) per line of a CSV file, as ``Book.rows`` gives them (an
    empty cell is ``""``); a broken file is said as ``UnreadableWorkbook``. ``take``
    gives many rows at once straight from the csv module (no Python step per row)."""

    def __init__(self, name: str, encoding: str, text: io.TextIOWrapper, mark: str):
        self.name, self.encoding, self.text = name, encoding, text
        self._rows: Iterator[tuple[int, int, list[str]]] = zip(
            count(1), repeat(0), csv.reader(text, delimiter=mark))

    def __iter__(self) -> CsvRows:
        return self

    def __next__(self) -> tuple[int, int, list[str]]:
        try:
            row = next(self._rows)
        except StopIteration:
            self._close()
            raise
        except (csv.Error, UnicodeDecodeError) as error:
            raise self._unreadable(error) from None
        if row[0] > MAX_CSV_ROWS + 1:  # the header line and the rows
            self._close()
            raise _too_many_rows(self.name)
        return row

    def take(self, count: int) -> list[tuple[int, int, list[str]]]:
        """The next ``count`` rows (fewer at the end)."""
        try:
            rows = list(islice(self._rows, count))
        except (csv.Error, UnicodeDecodeError) as error:
            raise self._unreadable(error) from None
        if rows and rows[-1][0] > MAX_CSV_ROWS + 1:  # the header line and the rows
            self._close()
            raise _too_many_rows(self.name)
        if len(rows) < count:
            self._close()
        return rows

    def _close(self) -> None:
        self._rows = iter(())
        self.text.close()

    def _unreadable(self, error: Exception) -> UnreadableWorkbook:
        self._close()
        if isinstance(error, UnicodeDecodeError):
            return UnreadableWorkbook(f"{self.name}: is not readable {self.encoding.upper()} "
                                      "text (a broken character). Export it again from the "
                                      "CRM.")
        return UnreadableWorkbook(f"{self.name}: is not a readable CSV file ({error}). "
                                  "Export it again from the CRM.")


def read_csv(path: Path) -> CsvRows:
    """The rows of the CSV file ``path`` (``CsvRows``); its encoding and delimiter are
    found first (see the module docstring)."""
    try:  # O_NONBLOCK: a FIFO given as the file must not hang the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as error:
        raise UnreadableWorkbook(f"{path.name}: cannot be read ({error.strerror}).") from None
    handle = os.fdopen(fd, "rb")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise not_regular(path)
        size = info.st_size
        if size > MAX_CSV_BYTES:
            raise too_big(path)
        handle.seek(0)
        top = handle.read(BLOCK)
        if b"\x00" in top[:4096] and not top.startswith((codecs.BOM_UTF16_LE,
                                                          codecs.BOM_UTF16_BE)):
            raise UnreadableWorkbook(f"{path.name}: is not a CSV text file. Save the export "
                                     "as CSV or .xlsx.")
        handle.seek(0)
        encoding = _encoding_of(handle)
        handle.seek(0)
        mark = delimiter(top.decode(encoding, errors="ignore").lstrip("\ufeff"))
    except BaseException:
        handle.close()
        raise
    text = io.TextIOWrapper(io.BufferedReader(_Bounded(handle, MAX_CSV_BYTES, path.name),
                                              BLOCK),
                            encoding=encoding, errors="strict", newline="")
    return CsvRows(path.name, encoding, text, mark)
