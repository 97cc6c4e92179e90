"""Shared fixtures: build small real workbooks on disk."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

# openxml-audit (a test dependency) brings lxml, which openpyxl prefers when it is there.
# goalreport's own dependencies do not include lxml, so the tests read workbooks as the
# product does: through the standard library parser and defusedxml.
os.environ.setdefault("OPENPYXL_LXML", "False")

import openpyxl  # after the switch above
import pytest

from goalreport.errors import Problem
from goalreport.workbook.problemlist import sort_problems
from goalreport.workbook.reader import read_for_check

REPO = Path(__file__).resolve().parent.parent
#: Real-world workbooks nobody on this project wrote, from other projects' test data
#: (Apache POI, calamine, python-calamine, SheetJS): ``preserve/`` holds valid files with
#: charts, pivots, macros and more, ``hostile/`` bombs and broken files. Kept beside the
#: repository (``../shared/corpus``), never in it; ``GOALREPORT_CORPUS`` points elsewhere.
SHARED_CORPUS = Path(os.environ.get("GOALREPORT_CORPUS") or REPO.parent / "shared" / "corpus")
CORPUS_ABSENT = (
    f"real-world corpus not found at {SHARED_CORPUS} (workbooks from other projects' test "
    "data: Apache POI, calamine, SheetJS; kept beside the repository, not in it); set "
    "GOALREPORT_CORPUS to its folder to run this test")


def write_workbook(path: Path, sheets: Mapping[str, Sequence[Sequence[Any]]], *,
                   identity: str | None = None) -> Path:
    """Write ``sheets`` (name → rows, first row usually the header) to ``path`` with
    openpyxl; ``identity``: the goalreport identity it already carries, as a workbook that
    was run before does (its hidden ``_goalreport_id`` name)."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    if identity is not None:
        wb.defined_names["_goalreport_id"] = DefinedName(
            "_goalreport_id", attr_text=f'"{identity}"', hidden=True)
    wb.save(path)
    return path


def identity_of(book: Path) -> str:
    """The identity goalreport wrote into ``book`` (its hidden ``_goalreport_id`` name),
    read with openpyxl, an independent reader."""
    value = openpyxl.load_workbook(book).defined_names["_goalreport_id"].attr_text
    assert value.startswith('"') and value.endswith('"'), value
    return value[1:-1]


def minimal_sheets() -> dict[str, list[list[Any]]]:
    """The smallest valid goalreport workbook: one rep, one goal, one deal."""
    import datetime as dt

    return {
        "Reps": [["Rep ID", "Name", "Team"], ["R1", "Ana Lima", "East"]],
        "Goals": [
            ["Rep ID", "Year", "New Client Target", "Repeat Client Target", "Avg Deal Size"],
            ["R1", 2026, 1000, 1000, 100],
        ],
        "Activity": [
            ["Date", "Rep ID", "Type", "Client", "Client Type", "Amount", "Hours"],
            [dt.date(2026, 2, 3), "R1", "lead", "Acme", None, None, None],
            [dt.date(2026, 2, 10), "R1", "won", "Acme", "new", 100, None],
        ],
        "Settings": [["Setting", "Value"], ["Company", "Acme"], ["As Of", dt.date(2026, 6, 30)]],
    }


@pytest.fixture
def make_workbook(tmp_path: Path):
    """``make_workbook(sheets, name="book.xlsx")`` → path of a real .xlsx in tmp_path."""

    def make(sheets: Mapping[str, Sequence[Sequence[Any]]] | None = None, name: str = "book.xlsx") -> Path:
        return write_workbook(tmp_path / name, sheets if sheets is not None else minimal_sheets())

    return make


@pytest.fixture
def corpus() -> Path:
    """The shared real-world corpus; tests using it skip, saying what it is, when absent."""
    if not SHARED_CORPUS.is_dir():
        pytest.skip(CORPUS_ABSENT)
    return SHARED_CORPUS


def find_problems(path: Path, deals: tuple[Path, ...] = ()
                  ) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of a workbook as ``check`` reads them (``reader.read_for_check``,
    the product's own path, in this process)."""
    _data, problems, warnings = read_for_check(path, deals)
    return list(problems), list(warnings)


def format_problems(problems: Iterable[Problem]) -> str:
    """One line per problem in the order ``check`` lists them (``sort_problems``);
    warnings marked ``warning:``."""
    return "\n".join(f"warning: {p}" if p.severity == "warning" else str(p)
                     for p in sort_problems(problems))


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> Path:
    """goalreport's own state folder (the send record) for this test alone, never the
    user's: ``XDG_STATE_HOME`` points into a fresh private folder (subprocesses inherit it).
    Returns ``$XDG_STATE_HOME/goalreport``."""
    state = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(state))
    return state / "goalreport"
