"""A fingerprint of a workbook's input, blind to what goalreport itself writes.

Batch runs compare it with the Run Log's Input Hash to skip unchanged workbooks, so it
must not change when goalreport rewrites its own sheets. It is SHA-256 over:

- every zip entry's name and stored (compressed) bytes, except goalreport's sheets (and
  their relationships, drawings and charts), the parts the write-back edits
  (workbook.xml, its relationships, ``[Content_Types].xml``, ``styles.xml``) and
  ``docProps/*`` (metadata only);
- instead of workbook.xml: the user's sheets in tab order (name, state, part), the
  defined names that are not goalreport's (its sheet markers, their filters and the
  workbook's identity are goalreport's), and the date system.

Entries are hashed as stored, without inflating them: the write-back copies them byte for
byte, and hashing a million-row sheet this way takes milliseconds. Formatting-only edits
(styles.xml) therefore do not count as a change of input.
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path

from goalreport.ooxml.package import (
    FILTER_NAME,
    MARKER_NAME,
    PackageInfo,
    inspect_bounded,
    rels_part_for,
)
from goalreport.writeback.chartparts import old_drawing_parts
from goalreport.writeback.identity import IDENTITY_NAME


def input_fingerprint(path: Path, info: PackageInfo | None = None) -> str:
    """Hex SHA-256 of ``path``'s input (raises ``UnreadableWorkbook``). ``info``: the
    structure the run already read inside the bounds; read in a bounded child when None."""
    info = info or inspect_bounded(path)
    owned = info.owned_sheets
    owned_indexes = {sheet.index for sheet in owned}
    skip = {name.casefold() for name in info.texts}
    skip |= {info.workbook_rels_part.casefold()}
    for sheet in owned:
        skip |= {sheet.part.casefold(), rels_part_for(sheet.part).casefold()}
    # Their charts too: the drawings only goalreport's sheets show, and what they reach.
    skip |= {part.casefold() for part in old_drawing_parts(info, [s.part for s in owned])}

    digest = hashlib.sha256()
    by_index = {sheet.index: sheet for sheet in info.sheets}
    for sheet in info.sheets:
        if sheet.index not in owned_indexes:
            digest.update(f"sheet\0{sheet.name}\0{sheet.state}\0{sheet.part}\0".encode())
    for name in info.defined_names:
        ours = (name.local_sheet_id in owned_indexes and name.name in (MARKER_NAME, FILTER_NAME)
                or name.name == IDENTITY_NAME and name.local_sheet_id is None)
        if not ours:
            scope = by_index[name.local_sheet_id].name if name.local_sheet_id in by_index else ""
            digest.update(f"name\0{name.name}\0{scope}\0{name.text}\0".encode())
    digest.update(f"date1904\0{info.date1904}\0".encode())

    with open(path, "rb") as handle:
        for entry in sorted(info.entries, key=lambda e: e.filename):
            lowered = entry.filename.casefold()
            if lowered in skip or lowered.startswith("docprops/") or entry.is_dir():
                continue
            digest.update(f"entry\0{entry.filename}\0{entry.CRC}\0{entry.file_size}\0".encode())
            handle.seek(entry.header_offset + 26)
            name_length, extra_length = struct.unpack("<HH", handle.read(4))
            handle.seek(entry.header_offset + 30 + name_length + extra_length)
            remaining = entry.compress_size
            while remaining:
                block = handle.read(min(remaining, 1 << 20))
                if not block:
                    break
                digest.update(block)
                remaining -= len(block)
    return digest.hexdigest()
