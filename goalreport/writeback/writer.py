"""Add or replace goalreport's computed sheets in a workbook, changing nothing else.

The new workbook is spliced, not re-saved: every zip entry is copied byte for byte except
``workbook.xml`` (new ``<sheet>`` elements and goalreport's hidden marker names),
its relationships, ``[Content_Types].xml`` and ``styles.xml`` (appended formats), which
are edited as text so their other content stays exactly as it was, and goalreport's own
sheets, which are regenerated with their charts (``chartparts``: old drawings of a
replaced sheet are left out, new chart parts take free names). ``docProps/app.xml`` is left as it is: its sheet list is
informational and Excel and LibreOffice rewrite it on their next save.
"""

from __future__ import annotations

import os
import posixpath
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from goalreport.core.tables import SheetTable
from goalreport.errors import InputProblems, WriteRefused
from goalreport.guard.safefs import Folder, OpenedWorkbook, open_workbook
from goalreport.ooxml import xmledit
from goalreport.ooxml.namespaces import (
    REL_NS,
    STYLES_CT,
    STYLES_REL,
    WORKSHEET_CT,
    WORKSHEET_REL,
)
from goalreport.ooxml.package import (
    FILTER_NAME,
    MARKER_NAME,
    RELS_NAMES,
    PackageInfo,
    SheetEntry,
    rels_part_for,
)
from goalreport.ooxml.zipcopy import RawZipWriter
from goalreport.writeback.basis import WriteBasis, read_write_basis_bounded
from goalreport.writeback.chartparts import ChartParts, plan_chart_parts
from goalreport.writeback.identity import IDENTITY_NAME, workbook_identity
from goalreport.writeback.identity import new_identity as make_identity
from goalreport.writeback.runlog import RUN_LOG, RunLogEntry, run_log_table
from goalreport.writeback.safewrite import backup, ensure_not_busy
from goalreport.writeback.sheetxml import filter_reference, worksheet_chunks
from goalreport.writeback.structure import (
    COMPUTED_SHEETS,
    foreign_sheet_problems,
    protection_message,
)
from goalreport.writeback.styles import (
    FORMAT_CODES,
    MINIMAL_STYLES,
    StyleIds,
    merge_styles,
    money_format,
)

_DEFINED_NAMES_AFTER = ("sheets", "functionGroups", "externalReferences")
_DEFINED_NAMES_BEFORE = ("calcPr", "oleSize", "customWorkbookViews", "pivotCaches",
                         "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr",
                         "webPublishObjects", "extLst")


@dataclass(frozen=True)
class WriteOutcome:
    """What a write-back did."""

    #: The workbook written (the source, or the --output-workbook copy).
    path: Path
    #: Sheets replaced in place, then sheets added, by name.
    replaced: tuple[str, ...]
    added: tuple[str, ...]
    #: The saved previous version, when a file was replaced.
    backup: Path | None
    #: Things the caller may want to tell the user (e.g. an unreadable old Run Log).
    notes: tuple[str, ...] = field(default=())
    #: ``stat`` of the file written, taken on it once in place (a batch knows its own write).
    written: os.stat_result | None = None
    #: The identity the written workbook carries (``identity.py``).
    identity: str = ""


@dataclass
class _Planned:
    table: SheetTable
    index: int
    part: str
    existing: SheetEntry | None = None
    rel_id: str = ""
    sheet_id: int = 0


def write_computed_sheets(
    source: Path | OpenedWorkbook, tables: Sequence[SheetTable], *, run_log: RunLogEntry,
    currency: str, locale: str, destination: Path | None = None,
    backup_dir: Path | None = None, keep_backups: int = 5, basis: WriteBasis | None = None,
    identity: str | None = None, new_identity: bool = False,
) -> WriteOutcome:
    """Write ``tables`` and the Run Log (``run_log`` on top of the earlier rows) into
    ``source``, or into a copy at ``destination`` leaving ``source`` untouched. A
    workbook without an identity gets one (``identity``, else a new one: see
    ``identity.py``); one that has an identity keeps it, unless ``new_identity``.

    ``source`` is the workbook as the job opened and read it (``safefs.open_workbook``),
    or a path to open here. Sheets goalreport made before are replaced in place (same tab
    position, same hidden or visible state); new ones go at the end in
    ``COMPUTED_SHEETS`` order. The file is replaced atomically after a backup of the
    previous version, and only when it is still the file that was read: same inode, size,
    mtime and content, checked on the open file the new one was copied from.
    Raises ``WorkbookBusy`` (open in Excel), ``WorkbookChanged`` (replaced or changed
    since it was read; nothing written), ``WriteRefused`` (protected structure,
    unwritable folder), ``UnsafePath``, ``InputProblems`` (a user's sheet carries a
    computed name) and ``UnreadableWorkbook``. ``basis``: the structure and old Run Log
    the run read inside the bounds (``basis.read_write_basis``); read in a bounded child
    when None.
    """
    if not isinstance(source, OpenedWorkbook):
        with open_workbook(source) as opened:
            return write_computed_sheets(
                opened, tables, run_log=run_log, currency=currency, locale=locale,
                destination=destination, backup_dir=backup_dir, keep_backups=keep_backups,
                basis=basis, identity=identity, new_identity=new_identity)
    target = destination or source.path
    ensure_not_busy(target)
    read_from = source.view
    basis = basis or read_write_basis_bounded(read_from)
    info = basis.package
    if info.structure_locked:
        raise WriteRefused(protection_message(source.path))
    names = [table.name for table in tables if table.name.casefold() != RUN_LOG.casefold()]
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError(f"duplicate sheet names in {names}")
    problems = foreign_sheet_problems(info, [*names, RUN_LOG])
    if problems:
        raise InputProblems(problems)

    previous, notes = basis.previous_log
    all_tables = [t for t in tables if t.name.casefold() != RUN_LOG.casefold()]
    all_tables.append(run_log_table(run_log, previous))

    kept = None if new_identity else workbook_identity(info)
    splice = _Splice(info, currency, locale, kept or identity or make_identity())
    planned = splice.plan(all_tables)
    saved: Path | None = None
    written = None
    with open(read_from, "rb") as handle, _target_folder(source, destination) as folder:

        def check_and_back_up() -> None:
            nonlocal saved
            source.ensure_unchanged(handle)  # the last moment: a save since is not lost
            if destination is None:
                saved = backup(folder, target.name, handle.fileno(), run_log.when,
                               backup_dir, keep_backups)

        folder.sweep_temps(target.name)
        try:
            with folder.atomic_file(target.name, before_replace=check_and_back_up) as new:
                try:
                    splice.write(handle, new.file, planned)
                except WriteRefused:
                    # Parts not where the structure said: the file was edited in place
                    # since it was read. That is WorkbookChanged (the job is redone).
                    source.ensure_unchanged(handle)
                    raise
            written = new.written
        except OSError as error:
            raise WriteRefused(f"cannot write {target.name} in {folder.path} "
                               f"({error.strerror}). Check that the folder is writable, "
                               "or use --output-workbook.") from None
    return WriteOutcome(
        path=target,
        replaced=tuple(p.table.name for p in planned if p.existing is not None),
        added=tuple(p.table.name for p in planned if p.existing is None),
        backup=saved, notes=tuple(notes), written=written, identity=splice.identity)


def _target_folder(source: OpenedWorkbook, destination: Path | None) -> Folder:
    """The workbook's own folder (its descriptor, already open), or for a copy the
    folder the operator named with --output-workbook."""
    if destination is None:
        return Folder(os.dup(source.folder.fd), source.folder.path, source.folder.shared)
    try:
        return Folder.open(destination.parent)
    except OSError as error:
        raise WriteRefused(f"cannot write in {destination.parent} ({error.strerror}). Check "
                           "that the folder exists and is writable.") from None


class _Splice:
    """The edits of one write-back, computed before anything is written."""

    def __init__(self, info: PackageInfo, currency: str, locale: str, identity: str):
        self.info = info
        #: The workbook's identity; written when it has none (or a damaged one).
        self.identity = identity
        self.currency = currency
        self.locale = locale
        self.changed: dict[str, bytes] = {}
        self.dropped: set[str] = set()
        self.new_parts: dict[str, bytes] = {}
        self.styles: StyleIds | None = None
        self.new_styles_rel: tuple[str, str] | None = None
        self.charts = ChartParts()

    def plan(self, tables: list[SheetTable]) -> list[_Planned]:
        info = self.info
        taken = {entry.filename.casefold() for entry in info.entries}
        owned = {s.index: s for s in info.owned_sheets}
        folder = posixpath.dirname(info.workbook_part)
        rel_ids = set(info.relationships)
        sheet_id = max([0, *(s.sheet_id for s in info.sheets)])
        order = {name.casefold(): i for i, name in enumerate(COMPUTED_SHEETS)}
        planned: list[_Planned] = []
        new = []
        for table in tables:
            existing = info.sheet_named(table.name)
            if existing is not None and existing.index in owned and existing.part:
                planned.append(_Planned(table, existing.index, existing.part, existing))
                rels = rels_part_for(existing.part)
                self.dropped |= {e.filename for e in info.entries
                                 if e.filename.casefold() == rels.casefold()}
            else:
                new.append(table)
        new.sort(key=lambda t: order.get(t.name.casefold(), len(order)))
        for offset, table in enumerate(new):
            number = 1
            while posixpath.join(folder, f"worksheets/sheet{number}.xml").casefold() in taken:
                number += 1
            part = posixpath.join(folder, f"worksheets/sheet{number}.xml")
            taken.add(part.casefold())
            rel_number = len(rel_ids) + 1
            while f"rId{rel_number}" in rel_ids:
                rel_number += 1
            rel_ids.add(f"rId{rel_number}")
            sheet_id += 1
            planned.append(_Planned(table, len(info.sheets) + offset, part, None,
                                    f"rId{rel_number}", sheet_id))
        self._edit_styles(rel_ids, taken)
        self._plan_charts(planned, taken)
        self._edit_workbook(planned)
        self._edit_relationships(planned)
        self._edit_content_types(planned)
        return planned

    def _plan_charts(self, planned: list[_Planned], taken: set[str]) -> None:
        """Chart parts for the sheets that carry charts; old drawings of replaced sheets
        are left out (``chartparts``)."""
        formats = dict(FORMAT_CODES, money=money_format(self.currency, self.locale))
        sheets = [(item.part, item.existing.name if item.existing else item.table.name,
                   item.table) for item in planned]
        replaced = [item.part for item in planned if item.existing is not None]
        self.charts = plan_chart_parts(self.info, sheets, replaced, taken, formats)
        self.dropped |= self.charts.removed
        self.new_parts.update(self.charts.new_parts)

    def _edit_styles(self, rel_ids: set[str], taken: set[str]) -> None:
        info = self.info
        new_part = ""
        text: str | xmledit.Outline
        if info.styles_part is not None:
            text = info.outline(info.styles_part)
        else:
            folder = posixpath.dirname(info.workbook_part)
            part = posixpath.join(folder, "styles.xml")
            if part.casefold() in taken:
                part = posixpath.join(folder, "goalreport-styles.xml")
            rel_number = len(rel_ids) + 1
            while f"rId{rel_number}" in rel_ids:
                rel_number += 1
            rel_ids.add(f"rId{rel_number}")
            self.new_styles_rel = (f"rId{rel_number}", part)
            new_part, text = part, MINIMAL_STYLES
        merged, self.styles = merge_styles(text, self.currency, self.locale)
        if info.styles_part is not None:
            if merged != info.texts[info.styles_part]:
                self.changed[info.styles_part] = merged.encode("utf-8")
        else:
            self.new_parts[new_part] = merged.encode("utf-8")

    def _edit_workbook(self, planned: list[_Planned]) -> None:
        info = self.info
        outline = info.outline(info.workbook_part)
        edits = xmledit.Edits(outline)
        p = outline.prefix
        r = next((name.partition(":")[2] for name, value in outline.root.attrs.items()
                  if name.startswith("xmlns:") and value == REL_NS), None)
        binding = "" if r else f' xmlns:r="{REL_NS}"'
        r = r or "r"
        new_sheets = [
            f'<{p}sheet{binding} name={xmledit.attr(item.table.name)} '
            f'sheetId="{item.sheet_id}" {r}:id="{item.rel_id}"/>'
            for item in planned if item.existing is None]
        edits.append("sheets", new_sheets,
                     after=("bookViews", "workbookProtection", "workbookPr", "fileSharing"),
                     before=_DEFINED_NAMES_AFTER[1:] + ("definedNames",) + _DEFINED_NAMES_BEFORE)
        indexes = {str(item.index) for item in planned}
        keep_identity = workbook_identity(info) == self.identity
        for container in outline.children("definedNames"):
            for element in outline.children("definedName", container):
                if (element.attrs.get("name") in (MARKER_NAME, FILTER_NAME)
                        and element.attrs.get("localSheetId") in indexes) or (
                        element.attrs.get("name") == IDENTITY_NAME and not keep_identity):
                    edits.remove(element)
        names = []
        if not keep_identity:
            names.append(f'<{p}definedName name="{IDENTITY_NAME}" hidden="1">'
                         f'"{self.identity}"</{p}definedName>')
        for item in planned:
            sheet_name = item.existing.name if item.existing else item.table.name
            names.append(f'<{p}definedName name="{FILTER_NAME}" localSheetId="{item.index}" '
                         f'hidden="1">{xmledit.text(filter_reference(sheet_name, item.table))}'
                         f'</{p}definedName>')
            names.append(f'<{p}definedName name="{MARKER_NAME}" localSheetId="{item.index}" '
                         f'hidden="1">"goalreport"</{p}definedName>')
        edits.append("definedNames", names, after=_DEFINED_NAMES_AFTER,
                     before=_DEFINED_NAMES_BEFORE)
        self.changed[info.workbook_part] = edits.apply().encode("utf-8")

    def _edit_relationships(self, planned: list[_Planned]) -> None:
        info = self.info
        part = info.workbook_rels_part
        if part in info.texts:
            outline = info.outline(part)
        else:
            outline = xmledit.Outline.of(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                '2006/relationships"></Relationships>', RELS_NAMES)
        p = outline.prefix
        folder = posixpath.dirname(info.workbook_part)
        new = [(item.rel_id, WORKSHEET_REL, item.part) for item in planned if item.existing is None]
        if self.new_styles_rel:
            new.append((self.new_styles_rel[0], STYLES_REL, self.new_styles_rel[1]))
        snippets = [f'<{p}Relationship Id="{rel_id}" Type="{kind}" '
                    f'Target={xmledit.attr(posixpath.relpath(target, folder or "."))}/>'
                    for rel_id, kind, target in new]
        if snippets:
            edits = xmledit.Edits(outline)
            edits.append(None, snippets)
            document = edits.apply().encode("utf-8")
            if part in info.texts:
                self.changed[part] = document
            else:
                self.new_parts[part] = document

    def _edit_content_types(self, planned: list[_Planned]) -> None:
        part = next(name for name in self.info.texts if name.casefold() == "[content_types].xml")
        outline = self.info.outline(part)
        p = outline.prefix
        wanted = [(item.part, WORKSHEET_CT) for item in planned]
        wanted += self.charts.content_types
        if self.new_styles_rel:
            wanted.append((self.new_styles_rel[1], STYLES_CT))
        kept = {name.casefold() for name, _ in wanted}
        gone = {"/" + name.casefold() for name in self.charts.removed
                if name.casefold() not in kept}
        edits = xmledit.Edits(outline)
        present = set()
        for element in outline.children("Override"):
            name = element.attrs.get("PartName", "").casefold()
            if name in gone:
                edits.remove(element)
            else:
                present.add(name)
        snippets = [f'<{p}Override PartName={xmledit.attr("/" + name)} ContentType="{kind}"/>'
                    for name, kind in wanted if "/" + name.casefold() not in present]
        if snippets:
            edits.append(None, snippets)
        if snippets or len(present) != len(outline.children("Override")):
            self.changed[part] = edits.apply().encode("utf-8")

    def write(self, source, out, planned: list[_Planned]) -> None:  # type: ignore[no-untyped-def]
        """Stream the new package to ``out``."""
        sheets = {item.part: item for item in planned}
        assert self.styles is not None
        writer = RawZipWriter(out, source)
        try:
            for entry in self.info.entries:
                name = entry.filename
                if name in self.dropped:
                    continue
                if name in sheets:
                    self._write_sheet(writer, sheets.pop(name), entry)
                elif name in self.changed:
                    writer.write_entry(name, [self.changed[name]], like=entry)
                else:
                    writer.copy_entry(entry)
            for item in planned:
                if item.part in sheets:
                    self._write_sheet(writer, item, None)
            for name, data in self.new_parts.items():
                writer.write_entry(name, [data])
        except (zipfile.BadZipFile, EOFError, OSError) as error:
            raise WriteRefused(f"could not copy {self.info.path.name}: {error}") from error
        finally:
            writer.close()

    def _write_sheet(self, writer: RawZipWriter, item: _Planned,
                     like: zipfile.ZipInfo | None) -> None:
        assert self.styles is not None
        table = item.table
        large = len(table.rows) * max(len(table.columns), 1) > 20_000_000
        writer.write_entry(item.part, worksheet_chunks(
            table, self.styles, date1904=self.info.date1904,
            drawing=self.charts.drawing_ids.get(item.part)), like=like, large=large)
