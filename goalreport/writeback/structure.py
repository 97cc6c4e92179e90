"""The workbook structure checks that come before any computation or write: a user's sheet
that carries a computed sheet's name, a protected workbook structure. The job runs them
inside the bounded child on the structure read there (``ooxml.package.inspect_package``); the
writer runs them again on the structure it writes into."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from goalreport.core.pipelinesheets import PIPELINE_BY_MONTH
from goalreport.errors import Problem, WriteRefused
from goalreport.ooxml.package import PackageInfo
from goalreport.writeback.runlog import RUN_LOG

#: The sheets goalreport owns, in the order new ones are added at the end of the tabs.
COMPUTED_SHEETS = ("Plan", "Weekly Plan", "Progress", "Team Summary", PIPELINE_BY_MONTH,
                   RUN_LOG)


def foreign_sheet_problems(info: PackageInfo,
                           names: Iterable[str] = COMPUTED_SHEETS) -> list[Problem]:
    """A Problem for each sheet that has a computed sheet's name but is not goalreport's."""
    owned = info.owned_indexes
    problems = []
    for name in names:
        sheet = info.sheet_named(name)
        if sheet is not None and sheet.index not in owned:
            problems.append(Problem(
                f"{sheet.name} sheet",
                f"Sheet {sheet.name!r} was not made by goalreport and would be overwritten. "
                f"Rename it (e.g. 'My {sheet.name}') and run again; goalreport then adds its "
                f"own {name!r} sheet and never touches yours."))
    return problems


def protection_message(path: Path) -> str:
    """Why a workbook with a protected structure cannot take the computed sheets."""
    return (f"{path.name} has its workbook structure protected, so no sheet can be added. "
            "In Excel: Review > Protect Workbook (enter the password) to unprotect it, "
            "or use --output-workbook after saving an unprotected copy.")


def structure_problems(info: PackageInfo, *, writing: bool) -> list[Problem]:
    """Checks of a structure read inside the bounds, before any computation: a Problem
    per foreign sheet with a computed sheet's name; a protected structure raises
    ``WriteRefused`` when ``writing`` (the workbook itself will be written), else is one
    more Problem (``check``, ``--output-workbook``)."""
    problems = foreign_sheet_problems(info)
    if info.structure_locked:
        if writing:
            raise WriteRefused(protection_message(info.path))
        problems.append(Problem("Workbook structure", protection_message(info.path)))
    return problems
