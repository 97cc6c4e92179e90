"""The manager tree: who reports to whom, as the reader resolved it (SPEC §1 Managers).

Pure data, built by ``workbook/managers.py`` and read by the roll-ups (``core/rollup``),
the per-manager summaries and the digest. A manager is a person some rep's Manager or
some manager's Reports To names, or a row of the Managers sheet: a rep (by Rep ID or
Name; a rep who is also a manager) or a Managers row (by Manager ID or Name). A
Managers row whose Manager ID is a Rep ID is that rep. The reader has already refused
loops and names that match no one, so the tree here is a forest of finite depth.

Keys are ``keys.rep_key`` of the person's ID (their Rep ID, else their Manager ID): one
key per person, whichever sheet names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from goalreport.core.keys import natural_key, rep_key


@dataclass(frozen=True)
class Manager:
    """One person at a node of the tree."""

    #: ``rep_key`` of ``manager_id``: how the tree refers to this person.
    key: str
    #: As written: the Rep ID of a rep who manages, else the Managers sheet's Manager ID.
    manager_id: str
    name: str
    #: Where their summary is mailed: the Managers row's Email, else the rep's.
    email: str = ""
    #: The Managers sheet's Territory: shown beside their name.
    territory: str = ""
    #: Key of the manager this one reports to; "" at the top of the tree.
    reports_to: str = ""
    #: The Rep ID when this manager is also a rep ("" otherwise): their own numbers count
    #: in their subtree.
    rep_id: str = ""
    #: Where they were read ("Managers row 4", "Reps row 9"), for messages.
    source: str = ""


def _no_reports() -> Mapping[str, str]:
    return {}  # a plain dict: the tree crosses the bounded reader's process boundary


@dataclass(frozen=True)
class OrgTree:
    """Every manager, and each rep's manager (by key)."""

    managers: tuple[Manager, ...] = ()
    #: ``rep_key`` of a Rep ID → the key of that rep's manager; reps with none are absent.
    #: A rep who manages is here too when they report to someone (their Manager, or
    #: their Managers row's Reports To: the reader makes the two agree).
    rep_managers: Mapping[str, str] = field(default_factory=_no_reports)

    def __bool__(self) -> bool:
        return bool(self.managers)

    @cached_property
    def by_key(self) -> dict[str, Manager]:
        return {manager.key: manager for manager in self.managers}

    @cached_property
    def _children(self) -> dict[str, list[Manager]]:
        children: dict[str, list[Manager]] = {}
        for manager in self.managers:
            children.setdefault(manager.reports_to, []).append(manager)
        for group in children.values():
            group.sort(key=lambda m: natural_key(m.name))
        return children

    def children(self, key: str) -> list[Manager]:
        """The managers reporting directly to ``key`` ("" for the top), by name in
        natural order."""
        return list(self._children.get(key, ()))

    def walk(self, key: str = "") -> Iterator[tuple[Manager, int]]:
        """(manager, depth) below ``key`` (everyone for ""), depth first, each manager
        before those reporting to them; depth 1 is the top."""
        stack = [(child, 1) for child in reversed(self.children(key))]
        while stack:
            manager, depth = stack.pop()
            yield manager, depth
            stack.extend((child, depth + 1) for child in reversed(self.children(manager.key)))

    def chain(self, key: str) -> list[str]:
        """``key`` and the keys above it, up to the top."""
        found = []
        while key and key not in found:
            found.append(key)
            key = self.by_key[key].reports_to if key in self.by_key else ""
        return found

    @cached_property
    def _under(self) -> dict[str, frozenset[str]]:
        """Manager key → the reps (``rep_key``) anywhere below them, themselves included
        when they are a rep."""
        reps: dict[str, set[str]] = {m.key: set() for m in self.managers}
        owners = {m.key: m.rep_id for m in self.managers if m.rep_id}
        for key, rep_id in owners.items():
            reps[key].add(rep_key(rep_id))
        for rep, manager in self.rep_managers.items():
            for above in self.chain(manager):
                reps[above].add(rep)
        return {key: frozenset(found) for key, found in reps.items()}

    def reps_under(self, key: str) -> frozenset[str]:
        """The reps (``rep_key``) in ``key``'s subtree: their own rep (a rep who manages),
        those who report to them and everyone below those."""
        return self._under.get(key, frozenset())

    def direct_reps(self, key: str, rep_keys: Iterable[str]) -> int:
        """How many of ``rep_keys`` report to ``key`` directly."""
        return sum(self.rep_managers.get(rep) == key for rep in rep_keys)


#: A workbook whose Reps name no managers.
NO_TREE = OrgTree()
