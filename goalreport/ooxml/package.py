"""Read the structure of an .xlsx/.xlsm package without loading its sheets.

Only the small parts that describe the workbook are parsed (the root relationships, the
workbook part and its relationships, ``[Content_Types].xml``, ``styles.xml``), each with
a size cap (``GOALREPORT_MAX_STRUCTURE_MB``) and tokenized once by ``xmledit.Outline``
(expat, no tree, no DTD), so a hostile file ends in ``UnreadableWorkbook`` instead of an
entity bomb or a zip bomb. Sheet data is never decompressed here.

A run reads the structure once, inside the bounded reading process after the container
check (``loading``), and hands the ``PackageInfo`` to the fingerprint and the writer; the
standalone entry points (``inspect_bounded``) run the same reading in a bounded child.
``WorkbookPart`` (workbook.xml and its relationships) is also where the cells side finds
its sheets' parts (``calamine``, ``workbook.rawcells``): one reading of that part for both.
"""

from __future__ import annotations

import os
import posixpath
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from goalreport.errors import UnreadableWorkbook, WriteRefused
from goalreport.ooxml.namespaces import MAIN_NS, REL_NS, STRICT_MAIN_NS, STYLES_REL
from goalreport.ooxml.xmledit import Node, Outline

#: The hidden sheet-scoped defined name that marks a sheet as goalreport's own. It moves
#: with the sheet when a user reorders or renames tabs and disappears when they delete it.
MARKER_NAME = "_goalreport"
FILTER_NAME = "_xlnm._FilterDatabase"

#: Largest structural part (workbook.xml, rels, content types, styles) read, uncompressed;
#: GOALREPORT_MAX_STRUCTURE_MB overrides it. Real ones are kilobytes; a bloated styles.xml
#: (Excel's 64,000 cell formats) is about 10 MB.
MAX_STRUCTURE_PART = 32 * 1024 * 1024
STRUCTURE_VARIABLE = "GOALREPORT_MAX_STRUCTURE_MB"
#: Memory and time of the bounded readings outside a run (``inspect_bounded``, the
#: writer's ``read_write_basis_bounded``): far above what a capped structure needs.
INSPECT_MEMORY_MB = 1024
INSPECT_SECONDS = 60.0

#: The elements an outline of each structure part keeps (local names, depth 1 and 2).
WORKBOOK_NAMES = frozenset((
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "sheet", "functionGroups", "externalReferences", "definedNames", "definedName", "calcPr",
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes",
    "webPublishing", "fileRecoveryPr", "webPublishObjects", "extLst"))
RELS_NAMES = frozenset(("Relationship",))
CONTENT_TYPES_NAMES = frozenset(("Default", "Override"))
#: The children of ``<styleSheet>`` in the order the schema requires (CT_Stylesheet).
STYLESHEET_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs",
                    "cellStyles", "dxfs", "tableStyles", "colors", "extLst")
#: What a styles.xml outline keeps: the sections and the entries the writer counts and
#: matches (``writeback.styles``).
STYLES_NAMES = frozenset((*STYLESHEET_ORDER, "numFmt", "font", "fill", "xf"))


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
    #: Each part of ``texts`` tokenized once (``xmledit.Outline``), for the writer.
    outlines: dict[str, Outline] = field(default_factory=dict)
    #: Casefolded source part → its internal relationships ((type, target part), …), for
    #: every part with a relationships part: read here, inside the bounds, so that the
    #: chart parts (``chartparts``) need not parse anything in the main process.
    part_relations: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)

    @property
    def owned_indexes(self) -> set[int]:
        """Tab positions of the sheets goalreport made (they carry the marker name)."""
        return {n.local_sheet_id for n in self.defined_names
                if n.name == MARKER_NAME and n.local_sheet_id is not None}

    @property
    def owned_sheets(self) -> list[SheetEntry]:
        owned = self.owned_indexes
        return [sheet for sheet in self.sheets if sheet.index in owned]

    def outline(self, part: str) -> Outline:
        """``part`` of ``texts`` tokenized (once, at reading; or now for a hand-made info)."""
        if part not in self.outlines:
            keep = {self.workbook_part: WORKBOOK_NAMES, self.styles_part: STYLES_NAMES,
                    self.workbook_rels_part: RELS_NAMES}.get(part, CONTENT_TYPES_NAMES)
            self.outlines[part] = Outline.of(self.texts[part], keep, part)
        return self.outlines[part]

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


def structure_limit(environ: dict[str, str] | None = None) -> int:
    """``MAX_STRUCTURE_PART``, or GOALREPORT_MAX_STRUCTURE_MB megabytes when set."""
    from goalreport.guard.bounded import env_number

    megabytes = env_number(os.environ if environ is None else environ, STRUCTURE_VARIABLE,
                           None, off=False, unit="megabytes",
                           example=str(MAX_STRUCTURE_PART >> 20))
    return MAX_STRUCTURE_PART if megabytes is None else int(megabytes * 1024 * 1024)


def read_part(archive: zipfile.ZipFile, name: str, limit: int | None = None) -> bytes:
    """A part's bytes, refusing parts that inflate beyond ``limit`` (default:
    ``structure_limit()``)."""
    limit = structure_limit() if limit is None else limit
    info = archive.getinfo(name)
    too_big = UnreadableWorkbook(
        f"part {name!r} unpacks to more than {limit / 1048576:,.0f} MB, far more than the "
        "structure of any real workbook; refusing it as damaged or hostile. If the file is "
        f"genuine, raise {STRUCTURE_VARIABLE}.")
    if info.file_size > limit:
        raise too_big
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise too_big
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


def _outline_of(archive: zipfile.ZipFile, names: dict[str, str], part: str,
                keep: frozenset[str], limit: int | None = None) -> tuple[str, Outline]:
    real = names.get(part.casefold())
    if real is None:
        name = Path(archive.filename or "the workbook").name
        raise UnreadableWorkbook(f"{name} has no {part} part; it is not a valid .xlsx. Open "
                                 "it in Excel, save it as 'Excel Workbook (.xlsx)' and run "
                                 "again.")
    text = decode_xml(read_part(archive, real, limit), real)
    return text, Outline.of(text, keep, real)


@dataclass(frozen=True)
class WorkbookPart:
    """workbook.xml and its relationships part, each read and tokenized once: the sheets
    in tab order with the parts that hold them."""

    part: str
    text: str
    outline: Outline
    #: The relationships part's name (whether or not the package has it).
    rels_part: str
    #: Its text and outline, when the package has it.
    rels: tuple[str, Outline] | None
    #: Relationship Id → (type, resolved target part) of the workbook part.
    relationships: dict[str, tuple[str, str]]

    @classmethod
    def read(cls, archive: zipfile.ZipFile, names: dict[str, str], part: str,
             limit: int | None = None) -> WorkbookPart:
        """Part ``part`` (a zip entry name) and its relationships from ``archive``;
        ``names``: casefolded entry name → entry name; ``limit`` as ``read_part``."""
        text, outline = _outline_of(archive, names, part, WORKBOOK_NAMES, limit)
        rels_part = rels_part_for(part)
        rels = None
        relationships: dict[str, tuple[str, str]] = {}
        if rels_part.casefold() in names:
            rels_part = names[rels_part.casefold()]
            rels = _outline_of(archive, names, rels_part, RELS_NAMES, limit)
            for rel in rels[1].children("Relationship"):
                target = rel.attrs.get("Target", "")
                external = rel.attrs.get("TargetMode", "") == "External"
                resolved = target if external else resolve_target(part, target)
                resolved = names.get(resolved.casefold(), resolved)
                relationships[rel.attrs.get("Id", "")] = (rel.attrs.get("Type", ""), resolved)
        return cls(part, text, outline, rels_part, rels, relationships)

    def sheets(self) -> list[tuple[SheetEntry, Node]]:
        """Each ``<sheet>`` in tab order, with its element (for an edit of the part)."""
        wb = self.outline
        found: list[tuple[SheetEntry, Node]] = []
        for container in wb.children("sheets"):
            for element in wb.children("sheet", container):
                rel_id = wb.attribute(element, "id", REL_NS)
                part = self.relationships.get(rel_id, ("", ""))[1]
                try:
                    sheet_id = int(element.attrs.get("sheetId", "0"))
                except ValueError:
                    sheet_id = 0
                found.append((SheetEntry(len(found), element.attrs.get("name", ""), sheet_id,
                                         rel_id, part, element.attrs.get("state", "visible")),
                              element))
        return found


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "on"}


def inspect_package(path: Path) -> PackageInfo:
    """Read the package structure of ``path`` (raises ``UnreadableWorkbook``) in this
    process: call it after ``check_container``, inside the bounds (or use
    ``inspect_bounded``)."""
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


def inspect_bounded(path: Path) -> PackageInfo:
    """``inspect_package`` in a child process with bounded memory and time, for callers
    that have not read the workbook inside the bounds (the batch's
    unchanged-workbook check)."""
    from goalreport.guard.bounded import run_bounded

    return run_bounded(inspect_package, path, memory_mb=INSPECT_MEMORY_MB,
                       seconds=INSPECT_SECONDS)


def _inspect(path: Path, archive: zipfile.ZipFile) -> PackageInfo:
    entries = archive.infolist()
    names = {info.filename.casefold(): info.filename for info in entries}
    _, root = _outline_of(archive, names, "_rels/.rels", RELS_NAMES)
    workbook_part = ""
    for rel in root.children("Relationship"):
        if rel.attrs.get("Type", "").endswith("/officeDocument"):
            workbook_part = resolve_target("", rel.attrs.get("Target", ""))
            break
    if not workbook_part or workbook_part.casefold() not in names:
        raise UnreadableWorkbook(f"{path.name} has no workbook part: it is not an Excel workbook.")
    workbook = WorkbookPart.read(archive, names, names[workbook_part.casefold()])
    workbook_part, wb = workbook.part, workbook.outline
    texts: dict[str, str] = {workbook_part: workbook.text}
    outlines: dict[str, Outline] = {workbook_part: wb}
    namespace = wb.namespace_of(wb.prefix[:-1], wb.root)
    if wb.root.local == "workbook" and namespace == STRICT_MAIN_NS:
        raise WriteRefused(f"{path.name} is saved as 'Strict Open XML'. Save it in Excel as "
                           "'Excel Workbook (.xlsx)' and run again.")
    if wb.root.local != "workbook" or namespace != MAIN_NS:
        raise UnreadableWorkbook(f"{path.name}: {workbook_part} is not a spreadsheet workbook.")
    rels_part, relationships = workbook.rels_part, workbook.relationships
    if workbook.rels is not None:
        texts[rels_part], outlines[rels_part] = workbook.rels
    sheets = [entry for entry, _ in workbook.sheets()]

    defined = []
    for container in wb.children("definedNames"):
        for element in wb.children("definedName", container):
            local = element.attrs.get("localSheetId")
            defined.append(DefinedName(
                element.attrs.get("name", ""),
                int(local) if local and local.isdigit() else None,
                _truthy(element.attrs.get("hidden")), element.text))

    pr = wb.child("workbookPr")
    protection = wb.child("workbookProtection")
    styles_part = next((target for kind, target in relationships.values()
                        if kind == STYLES_REL and target.casefold() in names), None)
    if styles_part is not None:
        texts[styles_part], outlines[styles_part] = _outline_of(
            archive, names, styles_part, STYLES_NAMES)
    content_types = names.get("[content_types].xml", "[Content_Types].xml")
    texts[content_types], outlines[content_types] = _outline_of(
        archive, names, content_types, CONTENT_TYPES_NAMES)
    return PackageInfo(
        path=path, entries=entries, workbook_part=workbook_part, workbook_rels_part=rels_part,
        sheets=sheets, defined_names=defined, relationships=relationships,
        styles_part=styles_part,
        date1904=pr is not None and _truthy(pr.attrs.get("date1904")),
        structure_locked=protection is not None and _truthy(
            protection.attrs.get("lockStructure")),
        texts=texts, outlines=outlines, part_relations=_part_relations(archive, names),
    )


def source_of(rels_part: str) -> str:
    """``xl/worksheets/_rels/sheet1.xml.rels`` → ``xl/worksheets/sheet1.xml``."""
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def _part_relations(archive: zipfile.ZipFile, names: dict[str, str]
                    ) -> dict[str, tuple[tuple[str, str], ...]]:
    """``PackageInfo.part_relations``: each ``.rels`` part read with the size cap."""
    relations: dict[str, tuple[tuple[str, str], ...]] = {}
    for real in names.values():
        if not real.casefold().endswith(".rels") or real.endswith("/"):
            continue
        source = source_of(real)
        _, outline = _outline_of(archive, names, real, RELS_NAMES)
        found = []
        for rel in outline.children("Relationship"):
            if rel.attrs.get("TargetMode", "") == "External":
                continue
            part = names.get(resolve_target(source, rel.attrs.get("Target", "")).casefold())
            if part is not None:
                found.append((rel.attrs.get("Type", ""), part))
        relations[source.casefold()] = tuple(found)
    return relations
