"""The batch's own files in DIR: ``.goalreport-state.json``, per workbook its last
successful run (to skip unchanged workbooks) and the file the batch itself last wrote (so
that its own write is not taken for someone's fresh change); and the run manifests in
``DIR/runs``, of which the newest ``KEEP_MANIFESTS`` are kept."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any, Literal

from goalreport import __version__
from goalreport.errors import InputProblems
from goalreport.guard.safefs import Folder
from goalreport.guard.statefile import JsonState
from goalreport.jobs import JobOptions
from goalreport.loading import resolve_dates

#: Manifests kept in DIR/runs; older ones are deleted (about a year of nightly runs).
KEEP_MANIFESTS = 400


class BatchState(JsonState):
    """``DIR/.goalreport-state.json``: per workbook name, its last successful run.

    Read defensively: a missing file is a first run; one that is too large, not a regular
    file, or does not parse (truncated, deeply nested, the wrong shape) is set aside with
    a warning, and every workbook is simply redone.
    """

    name = ".goalreport-state.json"
    section = "workbooks"
    format = 1
    #: A few KB per workbook is normal.
    limit = 32 << 20
    unreadable = "start afresh"

    def __init__(self, folder: Folder, log: Callable[[Literal["warning"], str], None]):
        super().__init__(folder, warn=lambda line: log("warning", line))

    def damaged(self, error: Exception) -> str:
        return (f"{self.path} is unreadable ({type(error).__name__}: {str(error)[:200]}); "
                "every workbook is redone")

    def unknown_format(self) -> str:
        return f"{self.path}: unknown state format; every workbook is redone"


def job_key(options: JobOptions) -> dict[str, Any]:
    """The options besides the dates that change what a run writes."""
    return {"html": options.html,
            "templates": str(options.templates_dir) if options.templates_dir else None,
            "charts": options.charts, "pdf_tags": options.pdf_tags}


def same_run(entry: Mapping[str, Any], options: JobOptions) -> tuple[date, date] | None:
    """(As Of, report month) when a run with ``options`` today would redo exactly the
    workbook's last successful run ``entry`` (same goalreport version, same options, same
    dates), else None. The input fingerprint is compared by the caller. The Settings As Of
    recorded in ``entry`` stands for the workbook's, since an unchanged input has the same."""
    if entry.get("version") != __version__ or entry.get("options") != job_key(options):
        return None
    try:
        settings_as_of = _date(entry.get("settings_as_of"))
        as_of, month = resolve_dates(settings_as_of, as_of=options.as_of,
                                     month=options.month, today=options.today)
    except (InputProblems, ValueError, TypeError):
        return None
    if (as_of.isoformat(), month.strftime("%Y-%m")) != \
            (entry.get("as_of"), entry.get("report_month")):
        return None
    return as_of, month


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


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
