"""Write a new zip that copies entries of another zip byte for byte, compressed data
included, so that a million-row sheet is copied at disk speed and stays bit-identical.

The standard library has no public "copy raw entry" call; ``RawZipWriter`` uses
``zipfile.ZipFile`` for new entries and for the central directory, and places copied
entries (local header, compressed data, data descriptor) itself, registering them in the
``ZipFile``'s entry list so the central directory lists them at their new offsets.
"""

from __future__ import annotations

import copy
import struct
import zipfile
from collections.abc import Iterable
from typing import IO, BinaryIO

_LOCAL_HEADER = struct.Struct("<4s5HL2L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
#: Fixed timestamp of the parts goalreport writes (the zip format cannot store earlier).
NEW_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


class RawZipWriter:
    """A zip being written: copy entries raw from ``source``, add new ones."""

    def __init__(self, target: BinaryIO, source: BinaryIO, compresslevel: int = 6):
        self._source = source
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED,
                                    allowZip64=True, compresslevel=compresslevel)

    def copy_entry(self, info: zipfile.ZipInfo) -> None:
        """Copy ``info``'s entry from the source exactly as stored."""
        source = self._source
        source.seek(info.header_offset)
        header = source.read(_LOCAL_HEADER.size)
        fields = _LOCAL_HEADER.unpack(header)
        if fields[0] != _LOCAL_SIGNATURE:
            raise zipfile.BadZipFile(f"bad local header for {info.filename}")
        name_length, extra_length = fields[-2], fields[-1]
        extra_start = info.header_offset + _LOCAL_HEADER.size + name_length
        source.seek(extra_start)
        local_extra = source.read(extra_length)
        length = _LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        if info.flag_bits & 0x08:
            length += self._descriptor_length(info, extra_start + extra_length, local_extra)

        target = self._zip.fp
        assert target is not None
        new_info = copy.copy(info)
        new_info.header_offset = target.tell()
        source.seek(info.header_offset)
        _copy_exactly(source, target, length)
        self._zip.filelist.append(new_info)
        self._zip.NameToInfo[new_info.filename] = new_info
        self._zip.start_dir = target.tell()  # type: ignore[attr-defined]
        self._zip._didModify = True  # type: ignore[attr-defined]

    def _descriptor_length(self, info: zipfile.ZipInfo, data_start: int, extra: bytes) -> int:
        """Length of the data descriptor after an entry written in streaming mode."""
        self._source.seek(data_start + info.compress_size)
        signature = self._source.read(4) == _DESCRIPTOR_SIGNATURE
        zip64 = _has_zip64(extra) or info.compress_size >= 0xFFFFFFFF
        return (4 if signature else 0) + 4 + (16 if zip64 else 8)

    def write_entry(self, name: str, chunks: Iterable[bytes], *, like: zipfile.ZipInfo | None = None,
                    large: bool = False) -> None:
        """A new (or replaced) entry, deflated; ``like`` keeps an original's metadata."""
        info = zipfile.ZipInfo(name, like.date_time if like else NEW_ENTRY_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = like.external_attr if like else 0
        with self._zip.open(info, "w", force_zip64=large) as stream:
            for chunk in chunks:
                stream.write(chunk)

    def close(self) -> None:
        self._zip.close()


def _has_zip64(extra: bytes) -> bool:
    position = 0
    while position + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, position)
        if kind == 0x0001:
            return True
        position += 4 + size
    return False


def _copy_exactly(source: IO[bytes], target: IO[bytes], length: int) -> None:
    remaining = length
    while remaining:
        block = source.read(min(remaining, 1 << 20))
        if not block:
            raise zipfile.BadZipFile("the workbook ends in the middle of an entry")
        target.write(block)
        remaining -= len(block)

