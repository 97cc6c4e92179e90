"""Hostile files the corpus lacks, made on the spot: used by the tests and by
``.ci/runtime-only`` (which runs with the runtime dependencies alone, so this module
imports the standard library only)."""

from __future__ import annotations

import struct
from pathlib import Path


def write_ole(path: Path, stream_name: str, data: bytes) -> Path:
    """A minimal OLE2 compound file (512-byte sectors) holding one stream of 4096 bytes."""
    assert len(data) == 4096
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)
    for index in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * index, free)
    fat = [fat_sector, end, 3, 4, 5, 6, 7, 8, 9, end] + [free] * 118
    directory = bytearray(512)

    def entry(slot: int, name: str, kind: int, child: int, start: int, size: int) -> None:
        encoded = (name + "\0").encode("utf-16-le")
        base = slot * 128
        directory[base:base + len(encoded)] = encoded
        struct.pack_into("<HBB", directory, base + 64, len(encoded), kind, 1)
        struct.pack_into("<III", directory, base + 68, no_stream, no_stream, child)
        struct.pack_into("<IQ", directory, base + 116, start, size)

    entry(0, "Root Entry", 5, 1, end, 0)
    entry(1, stream_name, 2, no_stream, 2, 4096)
    for slot in (2, 3):
        struct.pack_into("<III", directory, slot * 128 + 68, no_stream, no_stream, no_stream)
    path.write_bytes(bytes(header) + struct.pack("<128I", *fat) + bytes(directory) + data)
    return path


def write_extra_hostile(folder: Path) -> list[Path]:
    """Files a cron inbox meets that the corpus does not hold: an old .xls, an .xls
    renamed .xlsx, a Word 97 file, a CSV, a PDF. Each must be refused in one line."""
    folder.mkdir(parents=True, exist_ok=True)
    made = [write_ole(folder / "legacy.xls", "Workbook", b"\x09\x08" * 2048),
            write_ole(folder / "legacy-renamed.xlsx", "Workbook", bytes(4096)),
            write_ole(folder / "letter.xlsx", "WordDocument", bytes(4096))]
    (folder / "export.csv").write_text("Rep ID,Amount\nR1,100\n", encoding="utf-8")
    (folder / "scan.xlsx").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    return made + [folder / "export.csv", folder / "scan.xlsx"]
