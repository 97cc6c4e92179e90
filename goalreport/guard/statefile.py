"""Small JSON files goalreport keeps for itself beside the reports: what a batch last did
with each workbook (``DIR/.goalreport-state.json``), what ``send`` already sent
(``<YYYY-MM>/.goalreport-sent.json``), and the batch's run manifests.

``write_json_atomic`` writes any of them so that a reader sees the old file or the new
one, never a part. ``JsonState`` is the state files: entries by key, each a JSON object,
read once through the folder's descriptor (never through a link) with a size cap, and
saved the moment one changes, so that a run killed at any point is simply completed by
the next. What a file that cannot be trusted means is an explicit policy of each kind:

- "start afresh": warn, and go on as if the file were missing. Right for the batch state,
  where the only cost is that every workbook is redone.
- "stop": raise one line naming the file and how to recover. Right for the send log,
  where starting afresh would mail every report of the month again.

The same two words say what an entry that is not valid means (``bad_entry``, checked by
``entry_problem``): taken as missing, or a stop.

Users see ``get``, ``put`` and ``drop`` only. How the entries are stored (today the whole
file is rewritten on every change) belongs to this class, so the file can become
append-only, or be saved in batches, without its users changing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, ClassVar, Literal

from goalreport.errors import GoalreportError, UnsafePath, WriteRefused
from goalreport.guard.safefs import Folder

Policy = Literal["start afresh", "stop"]
Entry = dict[str, Any]


class JsonState:
    """``{"format": FORMAT, SECTION: {key: entry}}`` in ``folder``. A subclass names the
    file and chooses its policies and its words (``damaged``, ``unknown_format``).

    Raises, under "stop", ``UnsafePath`` when the file is a link or not a plain file and
    ``error`` (one line, from ``damaged`` or ``unknown_format``) when it is too large, not
    JSON, or not in this format. Under "start afresh" the same line goes to ``warn``.
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

    def __init__(self, folder: Folder, warn: Callable[[str], None] | None = None) -> None:
        self.folder, self.warn = folder, warn
        self.path = folder.path / self.name
        self.entries: dict[str, Entry] = {}
        try:
            raw = folder.read_small(self.name, self.limit)
            data = None if raw is None else json.loads(raw.decode("utf-8"))
        except Exception as error:  # whatever the damage, the policy decides
            if isinstance(error, UnsafePath) and self.unreadable == "stop":
                raise  # already one line naming the file and the fix
            self._distrust(self.damaged(error))
            return
        if data is None:
            return
        if not isinstance(data, dict) or data.get("format") != self.format or \
                not isinstance(data.get(self.section), dict):
            self._distrust(self.unknown_format())
            return
        for key, entry in data[self.section].items():
            problem = self.entry_problem(entry)
            if problem is None:
                self.entries[key] = entry
            elif self.bad_entry == "stop":
                raise self.error(self.damaged(ValueError(f"the entry {key!r} {problem}")))

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
        self._save()

    def drop(self, key: str) -> None:
        """Remove ``key``'s entry (on disk when this returns), if there is one."""
        if self.entries.pop(key, None) is not None:
            self._save()

    def _save(self) -> None:
        write_json_atomic(self.folder, self.name,
                          {"format": self.format, self.section: self.entries})


def reason(error: Exception) -> str:
    """Why a state file cannot be read, in words."""
    return "too deeply nested" if isinstance(error, RecursionError) else str(error)


def write_json_atomic(folder: Folder, name: str, data: Any) -> None:
    """Write ``data`` as JSON to ``name`` in ``folder`` so that readers see the old file
    or the new one, never a part (``Folder.atomic_file``). Characters that are not
    printable (a newline or a direction override in a file name) are written as JSON
    escapes, so whoever reads the file sees them for what they are."""
    text = _escape_unprintable(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    try:
        folder.write_atomic(name, text.encode("utf-8"))
    except OSError as error:
        raise WriteRefused(f"cannot write {str(folder.path / name)!r}: {error.strerror}. The "
                           "reports folder must be writable by the user running goalreport."
                           ) from None


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _escape_unprintable(text: str) -> str:
    """JSON text with every non-printable non-ASCII character as a ``\\uXXXX`` escape
    (the ASCII ones ``json`` escapes itself; all of them sit inside strings)."""
    return _NON_ASCII.sub(
        lambda m: m.group(0) if m.group(0).isprintable() else json.dumps(m.group(0))[1:-1],
        text)
