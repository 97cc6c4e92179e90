"""The batch's own files in DIR: ``.goalreport-state.json``, per workbook its last
successful run (to skip unchanged workbooks) and the file the batch itself last wrote (so
that its own write is not taken for someone's fresh change); and the run manifests in
``DIR/runs``, of which the newest ``KEEP_MANIFESTS`` are kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal

from goalreport.batch.inbox import write_json_atomic
from goalreport.guard.safefs import Folder

STATE_NAME = ".goalreport-state.json"
STATE_FORMAT = 1
#: A state file larger than this is not read (a few KB per workbook is normal).
MAX_STATE_BYTES = 32 << 20
#: Manifests kept in DIR/runs; older ones are deleted (about a year of nightly runs).
KEEP_MANIFESTS = 400


class BatchState:
    """``DIR/.goalreport-state.json``: per workbook name, its last successful run.

    Read defensively: a missing file is a first run; one that is too large, not a regular
    file, or does not parse (truncated, deeply nested, the wrong shape) is set aside with
    a warning, and every workbook is simply redone.
    """

    def __init__(self, folder: Folder, log: Callable[[Literal["warning"], str], None]):
        self.folder, self.log = folder, log
        self.path = folder.path / STATE_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        try:
            raw = folder.read_small(STATE_NAME, MAX_STATE_BYTES)
            if raw is None:
                return
            data = json.loads(raw.decode("utf-8"))
            if isinstance(data, dict) and data.get("format") == STATE_FORMAT \
                    and isinstance(data.get("workbooks"), dict):
                self.entries = data["workbooks"]
            else:
                log("warning", f"{self.path}: unknown state format; every workbook is redone")
        except Exception as error:  # noqa: BLE001 - any damage means: start afresh
            log("warning", f"{self.path} is unreadable ({type(error).__name__}: "
                           f"{str(error)[:200]}); every workbook is redone")

    def get(self, name: str) -> dict[str, Any] | None:
        entry = self.entries.get(name)
        return entry if isinstance(entry, dict) else None

    def remember(self, name: str, entry: dict[str, Any]) -> None:
        self.entries[name] = entry
        self._save()

    def forget(self, name: str) -> None:
        """Drop the entry before a run, so a run that fails or is killed is redone."""
        if self.entries.pop(name, None) is not None:
            self._save()

    def _save(self) -> None:
        write_json_atomic(self.folder, STATE_NAME,
                          {"format": STATE_FORMAT, "workbooks": self.entries})


def manifest_name(runs: Folder, now: datetime) -> str:
    """``2026-10-31T010000.json``, with ``-2``, ``-3``… for runs in the same second
    (safe: only the lock holder writes here)."""
    stem = now.strftime("%Y-%m-%dT%H%M%S")
    name, number = f"{stem}.json", 1
    while runs.lstat(name) is not None:
        number += 1
        name = f"{stem}-{number}.json"
    return name


def prune_manifests(runs: Folder) -> None:
    """Keep the newest ``KEEP_MANIFESTS`` manifests in ``runs`` (entries themselves are
    removed: a link is never followed)."""
    manifests = []
    for name in runs.names():
        st = runs.lstat(name) if name.endswith(".json") and not name.startswith(".") else None
        if st is not None:
            manifests.append((st.st_mtime_ns, name))
    for _, old in sorted(manifests)[:-KEEP_MANIFESTS]:
        runs.unlink(old)
