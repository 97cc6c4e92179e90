"""The manager tree, from Reps' Manager column and the optional Managers sheet (SPEC §1).

A Manager cell (and a Managers row's Reports To) names a person: a rep by Rep ID or
Name, or a Managers row by Manager ID or Name. IDs are tried first, then names, both by
``keys.rep_key`` (case and runs of spaces ignored). A Managers row whose Manager ID is a
Rep ID is that rep: a rep who is also a manager, whose own numbers count in their
subtree; its Name must then be the rep's.

Input problems, each naming its cells and the fix: a name that matches nobody (with the
near one), a name two people share, a loop (someone who, going up, reports to
themselves), a rep who reports to one manager on Reps and another on Managers. With any
of them the tree is left out: a summary built from a guessed tree could put one
manager's reps in another's mail. A Managers row with no one below it is a warning.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from goalreport.core.keys import rep_key
from goalreport.core.org import NO_TREE, Manager, OrgTree
from goalreport.workbook.inputsheets import RepIndex, read_email
from goalreport.workbook.problemlist import cells_text
from goalreport.workbook.table import Collector, Table
from goalreport.workbook.values import parse_text, same_person


@dataclass
class _Person:
    """A rep, a Managers row, or both (the same key)."""

    key: str
    manager_id: str
    name: str
    source: str
    rep_id: str = ""
    email: str = ""
    #: From the Managers row (which wins over the rep's Email).
    row_email: str = ""
    territory: str = ""
    on_managers: bool = False
    #: (what the cell says, the cell, its column's title) for whom they report to.
    above: list[tuple[str, str, str]] = field(default_factory=list)


def read_tree(table: Table | None, reps: RepIndex, out: Collector) -> OrgTree:
    """The tree of ``reps``' Managers and the Managers sheet ``table`` (None when there
    is none); ``NO_TREE`` when nobody names a manager, or when the tree has problems
    (recorded in ``out``)."""
    if not reps.checked:
        return NO_TREE
    people: dict[str, _Person] = {}
    for key, rep in reps.by_key.items():
        people[key] = _Person(key, rep.rep_id, rep.name, rep.source, rep.rep_id, rep.email)
        if rep.manager:
            people[key].above.append((rep.manager, reps.manager_cells[key], "Manager"))
    before = out.errors_seen
    if table is not None:
        _read_rows(table, people, out)
    if not any(person.above or person.on_managers for person in people.values()):
        return NO_TREE
    links = _Resolver(people, reps, out).parents()
    _loops(links, people, out)
    if out.errors_seen > before:
        return NO_TREE
    return _tree(people, {key: parent for key, (parent, _cell) in links.items()}, out)


def _read_rows(table: Table, people: dict[str, _Person], out: Collector) -> None:
    first: dict[str, str] = {}
    for row in table.rows:
        manager_id = row.parse("manager_id", parse_text, out, required=(
            "the Manager ID is missing. Give every manager a short unique ID, such as M1 "
            "(their Rep ID when they are also a rep)."))
        name = row.parse("name", parse_text, out, required=(
            "the Name is missing. Write the manager's name, such as Maya Chen."))
        if manager_id is None or name is None:
            continue
        key = rep_key(manager_id)
        if key in first:
            out.error(row.cell("manager_id"), f"Manager ID {manager_id!r} is used twice "
                      f"(first in {first[key]}). Give each manager a different ID.")
            continue
        first[key] = row.where
        person = people.get(key)
        if person is not None and person.rep_id and not same_person(name, person.name):
            out.error(row.cell("name"), f"Manager ID {manager_id!r} is the Rep ID of "
                      f"{person.name} ({person.source}), but this row's Name is {name!r}. "
                      "Give this manager an ID no rep has, or write the rep's own name if "
                      "it is the same person.")
            continue
        if person is None:
            person = people[key] = _Person(key, manager_id, name, row.where)
        person.on_managers = True
        person.row_email = read_email(row, name, out, out.allowed_domains, "manager", "summary")
        person.territory = row.parse("territory", parse_text, out, default="") or ""
        above = row.parse("reports_to", parse_text, out, default="") or ""
        if above:
            person.above.append((above, row.cell("reports_to"), "Reports To"))


class _Resolver:
    """Names in Manager and Reports To cells → people, with every problem recorded."""

    def __init__(self, people: dict[str, _Person], reps: RepIndex, out: Collector):
        self.people, self.out, self.flawed = people, out, reps.flawed
        self.names: dict[str, list[str]] = {}
        for key, person in people.items():
            self.names.setdefault(rep_key(person.name), []).append(key)
        #: Unknown name key → (the text first written, its column, the cells).
        self.unknown: dict[str, tuple[str, str, list[str]]] = {}

    def parents(self) -> dict[str, tuple[str, str]]:
        """Person key → (the key of whom they report to, the cell that says so)."""
        found: dict[str, tuple[str, str]] = {}
        for key, person in self.people.items():
            said = [(self.resolve(text, cell, column), text, cell)
                    for text, cell, column in person.above]
            known = [(parent, text, cell) for parent, text, cell in said if parent]
            if len({parent for parent, _, _ in known}) > 1:
                (_, a_text, a_cell), (_, b_text, b_cell) = known[:2]
                self.out.error(a_cell, f"{person.name} reports to {a_text!r} here but to "
                               f"{b_text!r} in {b_cell}. Write the same manager in both, "
                               "or leave one of them empty.")
            elif known:
                found[key] = (known[0][0], known[0][2])
        for key, (text, column, cells) in self.unknown.items():
            also = f" (also in {cells_text(cells[1:])})" if len(cells) > 1 else ""
            nobody = f"{column} {text!r} is nobody on the Reps or Managers sheet{also}"
            self.out.error(cells[0], f"{nobody}{self._near(text) or '.'} Write the Rep ID or "
                           f"Name of a rep, or add a Managers sheet with a row for {text!r} "
                           "(Manager ID, Name, Email, Reports To).",
                           kind=f"unknown manager {key}")
        return found

    def resolve(self, text: str, cell: str, column: str) -> str:
        key = rep_key(text)
        if key in self.people:
            return key
        named = self.names.get(key, [])
        if len(named) == 1:
            return named[0]
        if named:
            who = " and ".join(f"{self.people[k].manager_id} ({self.people[k].source})"
                               for k in named)
            self.out.error(cell, f"{column} {text!r} is the name of {who}. Write the ID of "
                           "the one you mean.")
        elif key not in self.flawed:  # a flawed Reps row is reported already
            self.unknown.setdefault(key, (text, column, []))[2].append(cell)
        return ""

    def _near(self, text: str) -> str:
        choices = {rep_key(p.name): p.name for p in self.people.values()}
        choices.update({p.key: p.manager_id for p in self.people.values()})
        close = difflib.get_close_matches(rep_key(text), list(choices), 1, 0.75)
        return f" — did you mean {choices[close[0]]!r}?" if close else ""


def _loops(links: dict[str, tuple[str, str]], people: dict[str, _Person],
           out: Collector) -> None:
    """Each loop of reporting once, naming the cells that make it."""
    done: set[str] = set()
    for start in links:
        path: list[str] = []
        key = start
        while key in links and key not in done and key not in path:
            path.append(key)
            key = links[key][0]
        if key in path:
            loop = path[path.index(key):]
            cells = [links[k][1] for k in loop]
            names = [f"{people[k].name} ({people[k].manager_id})" for k in loop]
            if len(loop) == 1:
                out.error(cells[0], f"{names[0]} is named as their own manager. Leave it "
                          "empty, or write whom they report to.")
            else:
                out.error(cells[0], "Manager and Reports To go round in a loop: "
                          f"{' → '.join([*names, names[0]])} ({cells_text(cells)}). Leave "
                          "empty the Manager or Reports To of whoever is at the top.")
        done.update(path)


def _tree(people: dict[str, _Person], parents: dict[str, str], out: Collector) -> OrgTree:
    heads = set(parents.values())
    managers = []
    for key, person in people.items():
        if key not in heads and not person.on_managers:
            continue
        below = any(parent == key for parent in parents.values())
        if person.on_managers and not person.rep_id and not below:
            out.warn(person.source, f"{person.name} ({person.manager_id}) has no one "
                     "reporting to them, so gets no summary. Name them in a rep's Manager "
                     "or a manager's Reports To, or remove the row.", kind="lone manager")
        managers.append(Manager(
            key=key, manager_id=person.manager_id, name=person.name,
            email=person.row_email or person.email, territory=person.territory,
            reports_to=parents.get(key, ""), rep_id=person.rep_id, source=person.source))
    rep_managers = {key: parent for key, parent in parents.items() if people[key].rep_id}
    return OrgTree(tuple(managers), rep_managers)


__all__ = ["read_tree"]
