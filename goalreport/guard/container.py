"""Refuse hostile or broken files before any XML in them is parsed (SPEC §7).

``check_container`` looks at the file the way Apache POI's ZipSecureFile does, and a bit
further: it sniffs what the file really is (an encrypted workbook, an ``.xls``, an ``.ods``,
a CSV renamed ``.xlsx``), checks the zip directory against ``ZipLimits`` (entries, sizes,
compression ratio), then inflates every part once, in 64 KiB chunks and constant memory,
counting the bytes that really come out (a zip's declared sizes can lie), verifying each
checksum, and refusing XML parts that carry a document type declaration (the vehicle of
every XML entity attack) or cell text longer than Excel allows. Every refusal is one line
of ``UnreadableWorkbook`` that names the file and says what to do.

Nothing here writes anything; the file is only read.
"""

from __future__ import annotations

import itertools
import os
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import IO, Self

from goalreport.errors import UnreadableWorkbook
from goalreport.guard.bounded import env_number
from goalreport.guard.zipscan import CHUNK, PartScanner, damaged, inflate_entry, zip_reason

MiB = 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
SAVE_AS_XLSX = "save it as 'Excel Workbook (.xlsx)', and run again."


@dataclass(frozen=True)
class ZipLimits:
    """How big and how strange a workbook's zip container may be.

    The defaults are far above any real sales workbook (a 50,000-row activity log unpacks
    to about 30 MB) and far below what hurts a server. Each can be changed per run with the
    environment variable named in its comment (see ``from_env``).
    """

    #: Parts (zip entries) in the file. GOALREPORT_MAX_ZIP_ENTRIES
    max_entries: int = 10_000
    #: Total unpacked size of all parts. GOALREPORT_MAX_UNZIPPED_MB
    max_total_bytes: int = 1024 * MiB
    #: Unpacked size of any one part. GOALREPORT_MAX_PART_MB
    max_entry_bytes: int = 500 * MiB
    #: Smallest compressed ÷ unpacked size allowed for a part (0.01 = 100 to 1, POI's
    #: default). GOALREPORT_MIN_INFLATE_RATIO
    min_inflate_ratio: float = 0.01
    #: Parts that unpack to less than this are not held to the ratio: tiny XML parts of
    #: repeated markup compress extremely well and are harmless.
    ratio_floor_bytes: int = 1 * MiB
    #: How far into an XML part its first element must start; a longer prolog is refused.
    xml_prolog_bytes: int = 64 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ZipLimits:
        """The defaults, overridden by GOALREPORT_* environment variables where set.

        Raises ``GoalreportError`` naming the variable when a value is not a positive number.
        """
        env = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for name, field_name, scale in _ENV_VARIABLES:
            number = env_number(env, name, None, off=False, example=_example(field_name))
            if number is None:
                continue
            kind = next(f.type for f in fields(cls) if f.name == field_name)
            values[field_name] = number if kind == "float" else int(number * scale)
        return cls(**values)  # type: ignore[arg-type]


_ENV_VARIABLES = (
    ("GOALREPORT_MAX_ZIP_ENTRIES", "max_entries", 1),
    ("GOALREPORT_MAX_UNZIPPED_MB", "max_total_bytes", MiB),
    ("GOALREPORT_MAX_PART_MB", "max_entry_bytes", MiB),
    ("GOALREPORT_MIN_INFLATE_RATIO", "min_inflate_ratio", 1),
)


def _example(field_name: str) -> str:
    default = getattr(ZipLimits(), field_name)
    return str(default // MiB if field_name.endswith("_bytes") else default)


DEFAULT_LIMITS = ZipLimits()


def check_container(path: Path, limits: ZipLimits | None = None) -> None:
    """Raise ``UnreadableWorkbook`` unless ``path`` is a plain .xlsx/.xlsm zip within
    ``limits`` whose parts all inflate cleanly and carry no XML document type declaration.

    ``limits`` defaults to ``DEFAULT_LIMITS`` as changed by the GOALREPORT_MAX_*
    environment variables. Reads the whole file once (bounded by
    ``limits.max_total_bytes`` of inflation); writes nothing.
    """
    path = Path(path)
    limits = limits or ZipLimits.from_env()
    head = _read_head(path)
    if head.startswith(OLE2_MAGIC):
        raise UnreadableWorkbook(_describe_ole(path))
    if not head.startswith(ZIP_MAGICS):
        raise UnreadableWorkbook(_describe_non_zip(path, head))
    with path.open("rb") as handle:
        _check_directory_size(path, handle, limits)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError,
                struct.error, NotImplementedError) as error:
            raise UnreadableWorkbook(damaged(path, zip_reason(error))) from None
        with archive:
            infos = archive.infolist()
            _check_kind(path, archive, infos)
            _check_entries(path, infos, limits)
            for info in infos:
                if info.is_dir() and info.file_size == 0:
                    continue
                scanner = PartScanner(path, info.filename, limits.xml_prolog_bytes,
                                      cell_part=_is_cell_part(info.filename))
                for chunk in inflate_entry(path, handle, info):
                    scanner.feed(chunk)
            _check_not_strict(path, archive)


def open_part_limited(archive: zipfile.ZipFile, name: str,
                      limits: ZipLimits = DEFAULT_LIMITS) -> IO[bytes]:
    """Open part ``name`` of ``archive`` for streaming; reading raises ``UnreadableWorkbook``
    once more bytes come out than the part declares or ``limits`` allow, or when the part
    is damaged (bad checksum, truncated data).
    """
    label = Path(archive.filename or "workbook")
    try:
        info = archive.getinfo(name)
        raw = archive.open(info)
    except KeyError:
        raise UnreadableWorkbook(
            f"{label}: has no part {name!r}; it is not a complete Excel workbook. Open it "
            f"in Excel and {SAVE_AS_XLSX}") from None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
        raise UnreadableWorkbook(damaged(label, zip_reason(error))) from None
    allowed = min(info.file_size, limits.max_entry_bytes)
    return _LimitedPart(raw, label, name, allowed)  # type: ignore[return-value]


class _LimitedPart:
    """A read-only stream over one zip part that counts what it inflates."""

    def __init__(self, raw: IO[bytes], label: Path, name: str, allowed: int) -> None:
        self._raw = raw
        self._label = label
        self._name = name
        self._allowed = allowed
        #: Bytes inflated so far.
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left when negative), read in bounded chunks."""
        out = bytearray()
        while size < 0 or len(out) < size:
            want = CHUNK if size < 0 else min(CHUNK, size - len(out))
            try:
                data = self._raw.read(want)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as error:
                raise UnreadableWorkbook(damaged(self._label, zip_reason(error))) from None
            if not data:
                break
            self.bytes_read += len(data)
            if self.bytes_read > self._allowed:
                raise UnreadableWorkbook(
                    f"{self._label.name}: part {self._name!r} unpacks to more than "
                    f"{_mb(self._allowed)} (its declared size or the part limit); refusing "
                    "it as a possible zip bomb.")
            out += data
        return bytes(out)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- what the file is -----------------------------------------------------------------


def _read_head(path: Path) -> bytes:
    """The first bytes of ``path``, after checking that it is a readable, non-empty file."""
    try:
        if path.is_dir():
            raise UnreadableWorkbook(
                f"{path.name}: is a folder, not a workbook. Give the path of an .xlsx file "
                "(or use 'goalreport batch' for a folder of workbooks).")
        with path.open("rb") as handle:
            head = handle.read(512)
    except FileNotFoundError:
        raise UnreadableWorkbook(f"{path.name}: no such file. Check the name and the folder.") \
            from None
    except PermissionError:
        raise UnreadableWorkbook(
            f"{path.name}: cannot be read (permission denied). Check its permissions.") from None
    except OSError as error:
        raise UnreadableWorkbook(f"{path.name}: cannot be read ({error.strerror or error}).") \
            from None
    if not head:
        raise UnreadableWorkbook(
            f"{path.name}: is empty (0 bytes); it was not saved completely or is still being "
            "copied. Save it again from Excel and run again.")
    return head


def _describe_ole(path: Path) -> str:
    """Why an OLE2 compound file is refused: encrypted OOXML, legacy .xls, or other."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True)}
    except Exception as error:  # noqa: BLE001 - olefile raises many kinds on broken files
        return damaged(path, f"a broken Office compound file: {error}")
    if {"encryptioninfo", "encryptedpackage"} & streams:
        return (f"{path.name}: is password-protected. Open it in Excel, save an unprotected copy "
                "(File › Info › Protect Workbook › Encrypt with Password: clear it), and "
                "run again.")
    if {"workbook", "book"} & streams:
        return (f"{path.name}: is an Excel 97-2003 workbook (.xls). Open it in Excel, "
                f"{SAVE_AS_XLSX}")
    return (f"{path.name}: is an older Microsoft Office document, not an Excel workbook. Open the "
            f"goals workbook in Excel, {SAVE_AS_XLSX}")


def _describe_non_zip(path: Path, head: bytes) -> str:
    """Why a file that is neither zip nor OLE2 is refused, guessing what it is."""
    if head.startswith(b"%PDF"):
        kind = "a PDF document"
    elif _looks_like_text(head):
        stripped = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
        kind = "an XML or HTML file" if stripped.startswith(b"<") \
            else "a text file (CSV or similar)"
    else:
        return (f"{path.name}: is not an Excel workbook (it is not a zip archive, as every .xlsx "
                f"file is). Open it in Excel and {SAVE_AS_XLSX}")
    return f"{path.name}: is {kind}, not an Excel workbook. Open it in Excel and {SAVE_AS_XLSX}"


def _looks_like_text(head: bytes) -> bool:
    for encoding in ("utf-8", "utf-16"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        if all(ch.isprintable() or ch in "\t\r\n\ufeff" for ch in text):
            return True
    # A legacy 8-bit export (Windows-1252 CSV): mostly ASCII, no control characters.
    ascii_text = sum(32 <= byte < 127 or byte in b"\t\r\n" for byte in head)
    controls = sum(byte < 32 and byte not in b"\t\r\n" for byte in head)
    return controls == 0 and ascii_text >= 0.9 * len(head)


def _check_kind(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse zips that are not Excel workbooks: .ods, .xlsb, Word, PowerPoint, anything."""
    names = {info.filename.lower(): info.filename for info in infos}
    if "mimetype" in names:
        mimetype = b""
        if archive.getinfo(names["mimetype"]).file_size < 200:
            try:
                mimetype = archive.read(names["mimetype"])
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError,
                    RuntimeError):
                pass  # the part scan reports the damage
        if mimetype.strip().startswith(ODS_MIMETYPE):
            raise UnreadableWorkbook(
                f"{path.name}: is an OpenDocument spreadsheet (.ods). Open it in LibreOffice or "
                f"Excel, {SAVE_AS_XLSX}")
    if "xl/workbook.bin" in names:
        raise UnreadableWorkbook(
            f"{path.name}: is an Excel Binary Workbook (.xlsb). Open it in Excel, {SAVE_AS_XLSX}")
    if "[content_types].xml" in names and "xl/workbook.xml" in names:
        return
    if "word/document.xml" in names:
        kind = "a Word document"
    elif "ppt/presentation.xml" in names:
        kind = "a PowerPoint presentation"
    elif not names:
        kind = "an empty zip archive"
    else:
        kind = "a zip archive"
    raise UnreadableWorkbook(
        f"{path.name}: is {kind}, not an Excel workbook (it has no xl/workbook.xml). Open the "
        f"goals workbook in Excel, {SAVE_AS_XLSX}")


def _check_not_strict(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse Strict Open XML: openpyxl sees no sheets in it, so writing back would lose
    them all. Only called after every part passed the scan."""
    name = next(n for n in archive.namelist() if n.lower() == "xl/workbook.xml")
    with archive.open(name) as part:
        head = part.read(4096)
    if STRICT_NAMESPACE in head:
        raise UnreadableWorkbook(
            f"{path.name}: is saved as 'Strict Open XML Spreadsheet', which goalreport cannot "
            "write back to safely. Open it in Excel and save it as 'Excel Workbook "
            "(.xlsx)', not 'Strict Open XML', and run again.")


# --- the zip directory ----------------------------------------------------------------


def _check_directory_size(path: Path, handle: IO[bytes], limits: ZipLimits) -> None:
    """Refuse an oversized central directory before ``zipfile`` loads it into memory."""
    found = _end_of_central_directory(handle)
    if found is None:
        return  # zipfile reports the damage in its own words
    entries, directory_bytes = found
    if entries > limits.max_entries:
        raise UnreadableWorkbook(_too_many(path, entries, limits))
    if directory_bytes > limits.max_entries * 4096:
        raise UnreadableWorkbook(
            f"{path.name}: has a zip directory of {_mb(directory_bytes)}, far larger than any "
            "workbook's; refusing it as damaged or hostile.")


def _end_of_central_directory(handle: IO[bytes]) -> tuple[int, int] | None:
    """(entry count, directory size) from the end records, zip64 included, or None."""
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    start = max(0, size - (22 + 65535))
    handle.seek(start)
    tail = handle.read()
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return None
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10:at + 16])
    if entries != 0xFFFF and directory_bytes != 0xFFFFFFFF:
        return entries, directory_bytes
    locator = tail[at - 20:at] if at >= 20 else b""
    if not locator.startswith(b"PK\x06\x07"):
        return entries, directory_bytes
    (record_offset,) = struct.unpack("<Q", locator[8:16])
    if record_offset >= size:
        return None
    handle.seek(record_offset)
    record = handle.read(56)
    if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
        return None
    entries64, directory64 = struct.unpack("<QQ", record[32:48])
    return entries64, directory64


def _check_entries(path: Path, infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Declared sizes, ratios, methods, duplicate and overlapping parts, before inflating."""
    if len(infos) > limits.max_entries:
        raise UnreadableWorkbook(_too_many(path, len(infos), limits))
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = info.filename
        if name.lower() in seen:
            raise UnreadableWorkbook(
                f"{path.name}: has two parts named {name!r}; refusing an ambiguous file. Open it "
                f"in Excel, {SAVE_AS_XLSX}")
        seen.add(name.lower())
        if info.flag_bits & 0x1:
            raise UnreadableWorkbook(
                f"{path.name}: part {name!r} is zip-encrypted, which Excel never writes. Open the "
                f"workbook in Excel, {SAVE_AS_XLSX}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UnreadableWorkbook(
                f"{path.name}: part {name!r} uses zip compression method {info.compress_type}, "
                f"which Excel never writes. Open the workbook in Excel, {SAVE_AS_XLSX}")
        if info.file_size > limits.max_entry_bytes:
            raise UnreadableWorkbook(
                f"{path.name}: part {name!r} would unpack to {_mb(info.file_size)}, more than the "
                f"{_mb(limits.max_entry_bytes)} limit for one part; refusing it as a possible "
                "zip bomb. If the file is genuine, raise GOALREPORT_MAX_PART_MB.")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnreadableWorkbook(
                f"{path.name}: would unpack to more than {_mb(limits.max_total_bytes)}; refusing "
                "it as a possible zip bomb. If the file is genuine, raise "
                "GOALREPORT_MAX_UNZIPPED_MB.")
        if info.file_size > limits.ratio_floor_bytes and \
                info.compress_size < info.file_size * limits.min_inflate_ratio:
            ratio = info.file_size / max(info.compress_size, 1)
            raise UnreadableWorkbook(
                f"{path.name}: part {name!r} is compressed {ratio:,.0f} to 1, far more than a real "
                "workbook part; refusing it as a possible zip bomb. If the file is genuine, "
                "lower GOALREPORT_MIN_INFLATE_RATIO.")
    _check_no_overlap(path, infos)


def _check_no_overlap(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse parts whose data overlap: the trick behind 'better' zip bombs."""
    spans = sorted((info.header_offset, info) for info in infos)
    for (offset, info), (next_offset, _) in itertools.pairwise(spans):
        # The local header is 30 bytes plus name and extra; the name is at least as long
        # as in the directory, so this lower bound on the end is safe.
        end = offset + 30 + len(info.filename.encode("utf-8", "replace")) + info.compress_size
        if end > next_offset:
            raise UnreadableWorkbook(
                f"{path.name}: has overlapping zip parts, a zip-bomb trick that Excel never "
                "writes; refusing it.")


def _is_cell_part(name: str) -> bool:
    """Parts holding cell text, where no text run may exceed Excel's cell limit."""
    lower = name.lower()
    return lower.startswith("xl/worksheets/") or lower == "xl/sharedstrings.xml"


# --- messages -------------------------------------------------------------------------


def _too_many(path: Path, entries: int, limits: ZipLimits) -> str:
    return (f"{path.name}: has {entries:,} parts inside, more than the {limits.max_entries:,} "
            "goalreport accepts; refusing it as damaged or a possible zip bomb. If the file "
            "is genuine, raise GOALREPORT_MAX_ZIP_ENTRIES.")


def _mb(size: int) -> str:
    return f"{size / MiB:,.0f} MB" if size >= MiB else f"{size:,} bytes"
