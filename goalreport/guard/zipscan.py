"""Inflate zip parts ourselves, counting real bytes, and scan XML parts as they stream by.

Used by ``safety.check_container``. Inflating with ``zlib`` directly (not ``zipfile``)
lets us see what a lying zip really holds: ``zipfile`` stops at the declared size, while
other readers (calamine's Rust zip crate) may not, so a part that inflates to more than
it declares, fails its CRC or is cut short is refused here, before any reader meets it.
"""

from __future__ import annotations

import codecs
import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from goalreport.errors import UnreadableWorkbook

#: Bytes inflated per step: memory stays constant whatever the part's size.
CHUNK = 64 * 1024
#: Excel holds at most 32,767 characters in a cell. A run of bytes without a "<" longer
#: than this is more text than any cell can hold, whatever the encoding or entities
#: (one character is at most 10 bytes, as "&#1114111;").
MAX_TEXT_RUN_BYTES = 10 * 32_767
_LOCAL_HEADER = struct.Struct("<4s22sHH")


def inflate_entry(path: Path, handle: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Yield the inflated bytes of ``info`` in chunks of at most ``CHUNK``.

    Raises ``UnreadableWorkbook`` when the part inflates to more than it declares (a lying
    zip bomb), when its data are cut short or corrupt, or when its CRC does not match.
    """
    name = info.filename
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        raise UnreadableWorkbook(damaged(path, f"part {name!r} has no valid local header"))
    _, _, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    handle.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    produced = 0
    crc = 0
    for data in _raw_chunks(path, handle, info):
        produced += len(data)
        # A little over is plain damage (reported below); far over is a bomb.
        if produced > info.file_size + CHUNK:
            raise UnreadableWorkbook(
                f"{path.name}: part {name!r} unpacks to more than the {info.file_size:,} bytes its "
                "zip directory declares; refusing it as a possible zip bomb.")
        crc = zlib.crc32(data, crc)
        yield data
    if produced != info.file_size:
        raise UnreadableWorkbook(damaged(
            path, f"part {name!r} holds {produced:,} bytes, not the {info.file_size:,} declared"))
    if crc != info.CRC:
        raise UnreadableWorkbook(damaged(path, f"part {name!r} fails its checksum"))


def _raw_chunks(path: Path, handle: IO[bytes], info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's data, stored or deflated, without trusting any declared size."""
    remaining = info.compress_size

    def read_raw() -> bytes:
        nonlocal remaining
        raw = handle.read(min(CHUNK, remaining))
        if not raw:
            raise UnreadableWorkbook(damaged(path, f"part {info.filename!r} is cut short"))
        remaining -= len(raw)
        return raw

    if info.compress_type == zipfile.ZIP_STORED:
        while remaining > 0:
            yield read_raw()
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while not inflater.eof:
        if inflater.unconsumed_tail:
            raw = inflater.unconsumed_tail
        elif remaining > 0:
            raw = read_raw()
        else:
            raw = b""
        try:
            data = inflater.decompress(raw, CHUNK)
        except zlib.error as error:
            raise UnreadableWorkbook(
                damaged(path, f"part {info.filename!r} is corrupt: {error}")) from None
        if not data and not raw:
            raise UnreadableWorkbook(damaged(path, f"part {info.filename!r} is cut short"))
        if data:
            yield data


class PartScanner:
    """Fed a part's bytes chunk by chunk; refuses what no spreadsheet program writes.

    In an XML part: a document type declaration before the root element (the vehicle of
    entity-expansion and external-entity attacks), or a prolog longer than
    ``prolog_limit`` bytes. In a cell part (a sheet or the shared strings): a text run
    longer than any cell can hold, the mark of a shared-strings bomb. Parts that do not
    start like XML (images, VBA) are let through unscanned.
    """

    def __init__(self, path: Path, name: str, prolog_limit: int, *, cell_part: bool) -> None:
        self._path = path
        self._name = name
        self._prolog_limit = prolog_limit
        self._cell_part = cell_part
        self._in_prolog = True
        self._raw_seen = 0
        self._head = b""
        self._decoder: codecs.IncrementalDecoder | None = None
        self._text = ""
        self._run = 0

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk of the part."""
        if self._in_prolog:
            self._feed_prolog(chunk)
        if self._cell_part:
            self._feed_run(chunk)

    def _feed_prolog(self, chunk: bytes) -> None:
        chunk = chunk[:self._prolog_limit - self._raw_seen]
        self._raw_seen += len(chunk)
        if self._decoder is None:
            self._head += chunk
            if len(self._head) < 4:
                return
            encoding = _sniff_encoding(self._head)
            if encoding is None:
                self._in_prolog = False  # not XML: no XML parser will read it
                return
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
            chunk, self._head = self._head, b""
        self._text += self._decoder.decode(chunk)
        verdict = _prolog_verdict(self._text)
        if verdict == "root":
            self._in_prolog = False
            self._text = ""
        elif verdict == "dtd":
            raise UnreadableWorkbook(
                f"{self._path.name}: part {self._name!r} contains an XML document type "
                "declaration, which Excel never writes; refusing it as a possible XML "
                "entity attack.")
        elif verdict == "not xml":
            self._in_prolog = False
            self._text = ""
        elif self._raw_seen >= self._prolog_limit:
            raise UnreadableWorkbook(
                f"{self._path.name}: part {self._name!r} has more than {self._prolog_limit:,} "
                "bytes before its first XML element, which Excel never writes; refusing it.")

    def _feed_run(self, chunk: bytes) -> None:
        first = chunk.find(b"<")
        if first < 0:
            self._run += len(chunk)
        else:
            self._run += first
            self._check_run()
            self._run = len(chunk) - chunk.rfind(b"<") - 1
        # Runs that start and end inside one chunk are shorter than CHUNK, which is far
        # below the limit, so checking at chunk edges is enough.
        self._check_run()

    def _check_run(self) -> None:
        if self._run > MAX_TEXT_RUN_BYTES:
            raise UnreadableWorkbook(
                f"{self._path.name}: part {self._name!r} holds a text of more than 32,767 "
                "characters, longer than Excel allows in a cell, so no spreadsheet program "
                "wrote it; refusing it as a possible shared-strings bomb.")


def _sniff_encoding(head: bytes) -> str | None:
    """The encoding an XML parser would use for a part starting with ``head``, or None
    when the part does not start like XML at all."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if head.startswith((b"<\x00", b" \x00", b"\n\x00")):
        return "utf-16-le"
    if head.startswith((b"\x00<", b"\x00 ", b"\x00\n")):
        return "utf-16-be"
    if head.lstrip(b" \t\r\n")[:1] in (b"<", b""):
        return "utf-8"
    return None


def _prolog_verdict(text: str) -> str:
    """'root' once the first element starts, 'dtd' at a declaration, 'not xml' when the
    text cannot be XML, 'more' when more text is needed to tell."""
    position = 0
    while True:
        while position < len(text) and text[position] in " \t\r\n\ufeff":
            position += 1
        rest = text[position:position + 4]
        if len(rest) < 2:
            return "more"
        if rest[0] != "<":
            return "not xml"
        if rest[1] == "?":
            end = text.find("?>", position + 2)
            if end < 0:
                return "more"
            position = end + 2
        elif rest[1] == "!":
            if len(rest) < 4:
                return "more"
            if rest != "<!--":
                return "dtd"  # <!DOCTYPE, or a declaration no parser allows here
            end = text.find("-->", position + 4)
            if end < 0:
                return "more"
            position = end + 3
        else:
            return "root"


def damaged(path: Path, reason: str) -> str:
    """The one-line message for a file whose zip structure is broken."""
    reason = " ".join(reason.split()).rstrip(".")
    return (f"{path.name}: is damaged or incomplete ({reason}). If it is still being copied, wait "
            "and run again; otherwise open it in Excel and save it again, or restore it from "
            "a backup.")


def zip_reason(error: BaseException) -> str:
    """A short, human reason from an exception raised by ``zipfile``."""
    text = str(error) or type(error).__name__
    if "not a zip file" in text.lower():
        return "its zip directory is missing; the file may be cut short"
    return text
