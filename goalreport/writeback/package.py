"""Read the structure of an .xlsx/.xlsm package without loading its sheets.

Only the small parts that describe the workbook are parsed (the root relationships, the
workbook part and its relationships, ``[Content_Types].xml``, ``styles.xml``), each with
defusedxml and a size cap, so a hostile file ends in ``UnreadableWorkbook`` instead of an
entity bomb or a zip bomb. Sheet data is never decompressed here.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from goalreport.errors import UnreadableWorkbook, WriteRefused

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
WORKSHEET_REL = REL_NS + "/worksheet"
STYLES_REL = REL_NS + "/styles"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

#: The hidden sheet-scoped defined name that marks a sheet as goalreport's own. It moves
#: with the sheet when a user reorders or renames tabs and disappears when they delete it.
MARKER_NAME = "_goalreport"
FILTER_NAME = "_xlnm._FilterDatabase"

#: Largest structural part (workbook.xml, rels, content types, styles) read, uncompressed.
MAX_STRUCTURE_PART = 64 * 1024 * 1024


@dataclass(frozen=True)
class SheetEntry:
    """One ``<sheet>`` of workbook.xml, in tab order."""

    index: int
    name: str
    sheet_id: int
    rel_id: str
    #: Zip entry name of the worksheet part (no leading slash), or "" when unresolved.
    part: str
    state: str = "visible"


@dataclass(frozen=True)
class DefinedName:
    name: str
    local_sheet_id: int | None
    hidden: bool
    text: str


@dataclass
class PackageInfo:
    """What the write-back needs to know about a workbook package."""

    path: Path
    entries: list[zipfile.ZipInfo]
    workbook_part: str
    workbook_rels_part: str
    sheets: list[SheetEntry]
    defined_names: list[DefinedName]
    #: Relationship Id → (type, resolved target part) of the workbook part.
    relationships: dict[str, tuple[str, str]]
    styles_part: str | None
    date1904: bool
    structure_locked: bool
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def owned_indexes(self) -> set[int]:
        """Tab positions of the sheets goalreport made (they carry the marker name)."""
        return {n.local_sheet_id for n in self.defined_names
                if n.name == MARKER_NAME and n.local_sheet_id is not None}

    @property
    def owned_sheets(self) -> list[SheetEntry]:
        owned = self.owned_indexes
        return [sheet for sheet in self.sheets if sheet.index in owned]

    def sheet_named(self, name: str) -> SheetEntry | None:
        """The sheet called ``name``, compared case-insensitively as Excel does."""
        wanted = name.casefold()
        return next((s for s in self.sheets if s.name.casefold() == wanted), None)


def rels_part_for(part: str) -> str:
    """``xl/workbook.xml`` → ``xl/_rels/workbook.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve_target(source_part: str, target: str) -> str:
    """The zip entry a relationship target points to: relative to the source part's
    folder, or absolute from the package root (``/xl/worksheets/sheet1.xml``)."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    folder = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(folder, target))


def read_part(archive: zipfile.ZipFile, name: str, limit: int = MAX_STRUCTURE_PART) -> bytes:
    """A part's bytes, refusing parts that inflate beyond ``limit``."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        raise UnreadableWorkbook(f"part {name} is {info.file_size:,} bytes; "
                                 f"the limit is {limit:,}. The file looks like a zip bomb.")
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableWorkbook(f"part {name} inflates beyond {limit:,} bytes.")
    return data


def decode_xml(data: bytes, part: str) -> str:
    """UTF-8 text of a part (a BOM is dropped; the writer puts it back)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise WriteRefused(f"{part} is not UTF-8 ({error}); open the workbook in Excel or "
                           "LibreOffice, save it as .xlsx and run again.") from None


def parse_xml(text: str, part: str) -> Element:
    """Parse with defusedxml: DTDs and entities are refused."""
    try:
        return SafeET.fromstring(text)
    except DefusedXmlException as error:
        raise UnreadableWorkbook(f"{part} uses XML entities or a DTD ({type(error).__name__}); "
                                 "goalreport refuses them as unsafe.") from None
    except SafeET.ParseError as error:
        raise UnreadableWorkbook(f"{part} is not well-formed XML: {error}.") from None


def open_archive(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a zip, with messages a manager understands."""
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise UnreadableWorkbook(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise UnreadableWorkbook(f"{path} is a folder, not a workbook.") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError,
            struct.error) as error:
        hint = ""
        try:
            with open(path, "rb") as handle:
                head = handle.read(8)
        except OSError:
            head = b""
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            hint = (" It is an OLE file: a password-protected workbook or an old .xls. "
                    "Remove the password or save it as .xlsx, then run again.")
        elif not head:
            hint = " The file is empty."
        raise UnreadableWorkbook(f"{path.name} is not an .xlsx/.xlsm workbook ({error}).{hint}"
                                 ) from None


def _text_of(archive: zipfile.ZipFile, names: dict[str, str], part: str) -> tuple[str, Element]:
    real = names.get(part.casefold())
    if real is None:
        name = Path(archive.filename or "the workbook").name
        raise UnreadableWorkbook(f"{name} has no {part} part; it is not a valid .xlsx. Open "
                                 "it in Excel, save it as 'Excel Workbook (.xlsx)' and run "
                                 "again.")
    text = decode_xml(read_part(archive, real), real)
    return text, parse_xml(text, real)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "on"}


def inspect_package(path: Path) -> PackageInfo:
    """Read the package structure of ``path`` (raises ``UnreadableWorkbook``)."""
    with open_archive(path) as archive:
        try:
            return _inspect(path, archive)
        except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, OSError,
                zlib.error, struct.error) as error:
            raise UnreadableWorkbook(f"{path.name} is a damaged zip ({error}).") from None
        except (UnreadableWorkbook, WriteRefused) as error:
            # Name the file: the CLI shows this one line, and a batch log needs the name.
            if str(error).startswith(path.name):
                raise
            raise type(error)(f"{path.name}: {error}") from None


def _inspect(path: Path, archive: zipfile.ZipFile) -> PackageInfo:
    entries = archive.infolist()
    names = {info.filename.casefold(): info.filename for info in entries}
    texts: dict[str, str] = {}
    _, root = _text_of(archive, names, "_rels/.rels")
    workbook_part = ""
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/officeDocument"):
            workbook_part = resolve_target("", rel.get("Target", ""))
            break
    if not workbook_part or workbook_part.casefold() not in names:
        raise UnreadableWorkbook(f"{path.name} has no workbook part: it is not an Excel workbook.")
    workbook_part = names[workbook_part.casefold()]
    wb_text, wb = _text_of(archive, names, workbook_part)
    texts[workbook_part] = wb_text
    if wb.tag == f"{{{STRICT_MAIN_NS}}}workbook":
        raise WriteRefused(f"{path.name} is saved as 'Strict Open XML'. Save it in Excel as "
                           "'Excel Workbook (.xlsx)' and run again.")
    if wb.tag != f"{{{MAIN_NS}}}workbook":
        raise UnreadableWorkbook(f"{path.name}: {workbook_part} is not a spreadsheet workbook.")

    rels_part = rels_part_for(workbook_part)
    relationships: dict[str, tuple[str, str]] = {}
    if rels_part.casefold() in names:
        rels_part = names[rels_part.casefold()]
        rels_text, rels = _text_of(archive, names, rels_part)
        texts[rels_part] = rels_text
        for rel in rels.iter(f"{{{PKG_REL_NS}}}Relationship"):
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            resolved = target if external else resolve_target(workbook_part, target)
            resolved = names.get(resolved.casefold(), resolved)
            relationships[rel.get("Id", "")] = (rel.get("Type", ""), resolved)

    sheets = []
    for index, element in enumerate(wb.iter(f"{{{MAIN_NS}}}sheet")):
        rel_id = element.get(f"{{{REL_NS}}}id", "")
        part = relationships.get(rel_id, ("", ""))[1]
        try:
            sheet_id = int(element.get("sheetId", "0"))
        except ValueError:
            sheet_id = 0
        sheets.append(SheetEntry(index, element.get("name", ""), sheet_id, rel_id, part,
                                 element.get("state", "visible")))

    defined = []
    for element in wb.iter(f"{{{MAIN_NS}}}definedName"):
        local = element.get("localSheetId")
        defined.append(DefinedName(
            element.get("name", ""), int(local) if local and local.isdigit() else None,
            _truthy(element.get("hidden")), element.text or ""))

    pr = wb.find(f"{{{MAIN_NS}}}workbookPr")
    protection = wb.find(f"{{{MAIN_NS}}}workbookProtection")
    styles_part = next((target for kind, target in relationships.values()
                        if kind == STYLES_REL and target.casefold() in names), None)
    if styles_part is not None:
        styles_text, _ = _text_of(archive, names, styles_part)
        texts[styles_part] = styles_text
    ct_text, _ = _text_of(archive, names, "[Content_Types].xml")
    texts[names["[content_types].xml"]] = ct_text
    return PackageInfo(
        path=path, entries=entries, workbook_part=workbook_part, workbook_rels_part=rels_part,
        sheets=sheets, defined_names=defined, relationships=relationships,
        styles_part=styles_part,
        date1904=pr is not None and _truthy(pr.get("date1904")),
        structure_locked=protection is not None and _truthy(protection.get("lockStructure")),
        texts=texts,
    )
