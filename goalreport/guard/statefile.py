"""Small JSON files goalreport keeps for itself: what a batch last did with each workbook
(``DIR/.goalreport-state.json``), what ``send`` already sent (the send record, in the
operator's state folder: ``guard/statedir.py``), and the batch's run manifests.

``write_json_atomic`` writes any of them so that a reader sees the old file or the new
one, never a part. ``JsonState`` is the state files: entries by key, each a JSON object,
read once through the folder's descriptor (never through a link) with a size cap, and
saved the moment one changes, so that a run killed at any point is simply completed by
the next. A state file is trusted only when it belongs to the user running goalreport:
one someone else made (planted in a folder they can write) is not goalreport's. What a
file that cannot be trusted means is an explicit policy of each kind:

- "start afresh": warn, and go on as if the file were missing. Right for the batch state,
  where the only cost is that every workbook is redone.
- "stop": raise one line naming the file and how to recover. Right for the send record,
  where starting afresh would mail every report of the month again.

The same two words say what an entry that is not valid means (``bad_entry``, checked by
``entry_problem``): taken as missing, or a stop.

How the entries are stored is this class's alone (``storage``):

- "document": one JSON document, rewritten whole (atomically) on every change. Fine for
  the batch state, written once per workbook.
- "journal": a first line naming the format, then one line per change
  (``{"key": …, "entry": …}``), appended with one ``write`` and fsynced: a message sent
  costs one short line, not a rewrite of every earlier one. The last line of a key wins;
  the file is rewritten atomically, one line per key, once most of its lines are stale.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from goalreport.errors import GoalreportError, UnsafePath, WriteRefused
from goalreport.guard.access import PRIVATE, Access
from goalreport.guard.safefs import Folder, owner_name

Policy = Literal["start afresh", "stop"]
Storage = Literal["document", "journal"]
Entry = dict[str, Any]
_APPEND = os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC


class JsonState:
    """``{"format": FORMAT, SECTION: {key: entry}}`` (or its journal) in ``folder``. A
    subclass names the file and chooses its policies and its words (``damaged``,
    ``unknown_format``); ``name`` may also be given per file.

    Raises, under "stop", ``UnsafePath`` when the file is a link or not a plain file and
    ``error`` (one line, from ``damaged`` or ``unknown_format``) when it is too large, not
    JSON, not in this format, or someone else's. Under "start afresh" the same line goes
    to ``warn``.
    """

    #: The file's name in its folder.
    name: ClassVar[str]
    #: The key under which the entries are kept, and the format number beside it.
    section: ClassVar[str]
    format: ClassVar[int]
    #: A file larger than this (bytes) is not read: goalreport never wrote it.
    limit: ClassVar[int]
    #: A file that cannot be read or is not in this format: warn and start afresh, or stop.
    unreadable: ClassVar[Policy]
    #: An entry ``entry_problem`` finds fault with: taken as missing, or a stop.
    bad_entry: ClassVar[Policy] = "start afresh"
    #: What "stop" raises.
    error: ClassVar[type[GoalreportError]] = GoalreportError
    storage: ClassVar[Storage] = "document"

    def __init__(self, folder: Folder, warn: Callable[[str], None] | None = None, *,
                 name: str | None = None) -> None:
        self.folder, self.warn = folder, warn
        if name is not None:
            self.name = name  # type: ignore[misc]
        self.path = folder.path / self.name
        self.entries: dict[str, Entry] = {}
        #: Lines in the journal (header included), 0 while there is no file.
        self._lines = 0
        try:
            raw = self._read()
            if raw is None:
                return
            records = self._parse(raw)
        except Exception as error:  # whatever the damage, the policy decides
            if isinstance(error, UnsafePath) and self.unreadable == "stop":
                raise  # already one line naming the file and the fix
            if isinstance(error, _NotOurs):
                self._distrust(str(error))
            else:
                self._distrust(self.damaged(error))
            return
        if records is None:
            self._distrust(self.unknown_format())
            return
        for key, entry in records:
            problem = self.entry_problem(entry)
            if problem is None and isinstance(entry, dict):
                self.entries[key] = entry
            elif self.bad_entry == "stop":
                raise self.error(self.damaged(ValueError(
                    f"the entry {key!r} {problem or 'is not a JSON object'}")))

    def _read(self) -> bytes | None:
        """The file's bytes (None when missing), refused when someone else owns it."""
        try:
            fd = self.folder.open_regular(self.name)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as handle:
            owner = os.fstat(fd).st_uid
            if owner != os.geteuid():
                raise _NotOurs(
                    f"{self.path} belongs to {owner_name(owner)}, not to "
                    f"{owner_name(os.geteuid())} who runs goalreport, so goalreport did not "
                    "write it (someone who can write to its folder may have planted it). "
                    "Remove it and run again")
            data = handle.read(self.limit + 1)
        if len(data) > self.limit:
            raise ValueError(f"larger than {self.limit // (1 << 20)} MiB")
        return data

    def _parse(self, raw: bytes) -> list[tuple[str, object]] | None:
        """(key, entry) in the order written; None when the file is not in this format."""
        if self.storage == "document":
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict) or data.get("format") != self.format or \
                    not isinstance(data.get(self.section), dict):
                return None
            return list(data[self.section].items())
        lines = raw.decode("utf-8").split("\n")
        if lines[-1] != "":
            raise ValueError("its last line is incomplete")
        lines.pop()
        self._lines = len(lines)
        if not lines or json.loads(lines[0]) != self._header():
            return None
        records: list[tuple[str, object]] = []
        for number, line in enumerate(lines[1:], 2):
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("key"), str) or \
                    set(record) != {"key", "entry"}:
                raise ValueError(f"line {number} is not an entry")
            records.append((record["key"], record["entry"]))
        return records

    def _header(self) -> dict[str, Any]:
        return {"format": self.format, "section": self.section}

    def damaged(self, error: Exception) -> str:
        """The line for a file that cannot be read, and ``error`` saying why."""
        return f"{self.path} cannot be read ({reason(error)})"

    def unknown_format(self) -> str:
        """The line for a file that is JSON but not in this format."""
        return f"{self.path} is not in a format this goalreport knows"

    def entry_problem(self, entry: object) -> str | None:
        """What is wrong with one entry, in words; None when it can be used."""
        return None if isinstance(entry, dict) else "is not a JSON object"

    def _distrust(self, line: str) -> None:
        if self.unreadable == "stop":
            raise self.error(line)
        if self.warn is not None:
            self.warn(line)

    def get(self, key: str) -> Entry | None:
        return self.entries.get(key)

    def put(self, key: str, entry: Entry) -> None:
        """Set ``key``'s entry; on disk when this returns."""
        self.entries[key] = entry
        if self.storage == "journal" and self._lines and \
                self._lines < 2 * len(self.entries) + 64:
            self._append({"key": key, "entry": entry})
        else:
            self._save()

    def drop(self, key: str) -> None:
        """Remove ``key``'s entry (on disk when this returns), if there is one."""
        if self.entries.pop(key, None) is not None:
            self._save()

    def _save(self) -> None:
        if self.storage == "document":
            write_json_atomic(self.folder, self.name,
                              {"format": self.format, self.section: self.entries},
                              access=PRIVATE)
            return
        lines = [self._header(), *({"key": k, "entry": e} for k, e in self.entries.items())]
        text = "".join(_line(line) for line in lines)
        try:
            self.folder.write_atomic(self.name, text.encode("utf-8"), access=PRIVATE)
        except OSError as error:
            raise _cannot_write(self.folder, self.name, error) from None
        self._lines = len(lines)

    def _append(self, record: dict[str, Any]) -> None:
        """One line at the end of the journal, with one ``write``, fsynced."""
        data = _line(record).encode("utf-8")
        try:
            fd = self.folder.open_regular(self.name, _APPEND)
        except OSError as error:
            raise _cannot_write(self.folder, self.name, error) from None
        try:
            st = os.fstat(fd)
            if st.st_nlink != 1 or st.st_uid != os.geteuid():
                raise UnsafePath(f"{str(self.path)!r} was replaced while goalreport used it "
                                 "(a second name of another file, or someone else's); "
                                 "nothing was written into it. Remove it and run again.")
            if os.write(fd, data) != len(data):
                raise OSError(28, "the line could not be written whole")
            os.fsync(fd)
        except OSError as error:
            raise _cannot_write(self.folder, self.name, error) from None
        finally:
            os.close(fd)
        self._lines += 1


class _NotOurs(Exception):
    """A state file that another user owns: not goalreport's, whatever it says."""


def _line(record: dict[str, Any]) -> str:
    return _escape_unprintable(json.dumps(record, ensure_ascii=False,
                                          separators=(",", ":"))) + "\n"


def reason(error: Exception) -> str:
    """Why a state file cannot be read, in words."""
    return "too deeply nested" if isinstance(error, RecursionError) else str(error)


def _cannot_write(folder: Folder, name: str, error: OSError) -> WriteRefused:
    return WriteRefused(f"cannot write {str(folder.path / name)!r}: "
                        f"{error.strerror or error}. The folder must be writable by the user "
                        "running goalreport.")


def write_json_atomic(folder: Folder, name: str, data: Any, *, access: Access = PRIVATE
                      ) -> None:
    """Write ``data`` as JSON to ``name`` in ``folder`` so that readers see the old file
    or the new one, never a part (``Folder.atomic_file``); readable by the user running
    goalreport alone unless ``access`` says otherwise. Characters that are not printable
    (a newline or a direction override in a file name) are written as JSON escapes, so
    whoever reads the file sees them for what they are."""
    text = _escape_unprintable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    try:
        folder.write_atomic(name, text.encode("utf-8"), access=access)
    except OSError as error:
        raise _cannot_write(folder, name, error) from None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_unprintable(text: str) -> str:
    """JSON text with every non-printable non-ASCII character as a ``\\uXXXX`` escape
    (the ASCII ones ``json`` escapes itself; all of them sit inside strings)."""
    return _NON_ASCII.sub(
        lambda m: m.group(0) if m.group(0).isprintable() else json.dumps(m.group(0))[1:-1],
        text)
