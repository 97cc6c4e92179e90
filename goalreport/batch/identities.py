"""Which workbook of an inbox is which: each one's identity (the hidden name goalreport
writes into it, ``writeback/identity.py``) and the report folder that follows from it.

A workbook's reports go to ``DIR/<stem>-<first 8 hex digits of its identity>/``: a
function of that workbook alone, so dropping ``east.xlsm`` beside ``east.xlsx`` (another
workbook, another identity), or a file named like the folder another one used, changes no
one's folder. What was sent is recorded by identity too (``delivery/sendlog.py``), so a
renamed workbook, or one sent by hand before it was dropped in the inbox, mails nobody
twice.

A workbook that has no identity yet gets one now, which its job writes into it (a job
that fails before writing leaves it without, and the next run chooses again). Two files of the inbox
with one identity, or whose folders would be one, are copies of one workbook (or made to
look like it): the one the batch state already knows by that name and identity goes on,
the others fail with one line; when none is known, all of them fail, since goalreport
cannot tell which is the real one. So a copy planted beside a workbook never shares its
folder or its record, and never mails its reps a second time.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from goalreport.batch.inbox import Candidate
from goalreport.errors import GoalreportError
from goalreport.guard.safefs import open_workbook, shown
from goalreport.ooxml.package import inspect_bounded
from goalreport.reports.filenames import cap_bytes, sanitize
from goalreport.writeback.identity import is_identity, new_identity, workbook_identity

#: How much of the identity names the folder (with the stem: readable, and unique enough;
#: a collision, by chance or on purpose, is caught like a copy).
FOLDER_DIGITS = 8


@dataclass(frozen=True)
class Placed:
    """Where one workbook of the inbox goes: its identity and report folder (a name
    under DIR), or why it does not run at all."""

    identity: str = ""
    folder: str = ""
    refused: str | None = None


def read_identity(candidate: Candidate) -> str | None:
    """The identity the workbook carries, or None (none yet, or unreadable: the job then
    says what is wrong with it). Read inside the bounds, through one descriptor."""
    try:
        with open_workbook(candidate.path) as opened:
            return workbook_identity(inspect_bounded(opened.view))
    except (GoalreportError, OSError):
        return None


def folder_name(stem: str, identity: str) -> str:
    """``east-3f2a9c1d``: the workbook's stem, made safe, and its identity's start."""
    return f"{cap_bytes(sanitize(stem), 120).rstrip('.-')}-{identity[:FOLDER_DIGITS]}"


def place(candidates: list[Candidate], known: Mapping[str, Mapping[str, Any]],
          read: Callable[[Candidate], str | None] = read_identity) -> dict[str, Placed]:
    """Each candidate's identity and folder (see the module); ``known``: the batch state's
    entries by file name."""
    placed: dict[str, Placed] = {}
    for candidate in candidates:
        if candidate.unsupported:
            continue
        identity = read(candidate)
        remembered = (known.get(candidate.name) or {}).get("identity")
        if identity is None:
            identity = remembered if isinstance(remembered, str) and is_identity(remembered) \
                else new_identity()
        placed[candidate.name] = Placed(identity, folder_name(candidate.path.stem, identity))
    groups: dict[str, list[str]] = defaultdict(list)
    for name, where in placed.items():
        groups[where.folder.casefold()].append(name)
    by_identity: dict[str, list[str]] = defaultdict(list)
    for name, where in placed.items():
        by_identity[where.identity].append(name)
    for names in [*by_identity.values(), *groups.values()]:
        if len(names) > 1:
            _refuse_copies(sorted(set(names)), placed, known)
    return placed


def _refuse_copies(names: list[str], placed: dict[str, Placed],
                   known: Mapping[str, Mapping[str, Any]]) -> None:
    """Of workbooks sharing an identity (or a folder), let the one the state knows under
    its name and identity go on; refuse the others (all of them when none is known)."""
    kept = [n for n in names if placed[n].refused is None
            and (known.get(n) or {}).get("identity") == placed[n].identity]
    keep = kept[0] if len(kept) == 1 else None
    fix = ("If it is a workbook of its own, give it an identity of its own with "
           "'goalreport run FILE --new-identity', or remove it.")
    for name in names:
        if name == keep:
            continue
        others = ", ".join(shown(n) for n in names if n != name)
        if keep is not None:
            why = (f"carries the goalreport identity of {shown(keep)} (it is a copy of it, or "
                   f"made to look like one; or its identity names the same report folder): "
                   f"goalreport does not run it, so that nobody is mailed twice and "
                   f"{shown(keep)} keeps its reports. {fix}")
        else:
            why = (f"carries the same goalreport identity as {others} (one is a copy of the "
                   "other, or their identities name the same report folder): goalreport "
                   "cannot tell which is the workbook and runs none of them, so that nobody "
                   f"is mailed twice. {fix}")
        placed[name] = Placed(placed[name].identity, placed[name].folder, why)
