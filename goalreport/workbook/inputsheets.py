"""Readers for the Reps, Goals, Seasonality, Holidays and Time Off sheets (SPEC §1).

Each takes a ``Table`` and a ``Collector`` and returns model objects for the rows that
are sound; every problem goes to the collector so that all are reported at once.
Rep IDs are matched case-insensitively and ignoring stray spaces; the spelling on the
Reps sheet is the one kept.
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction
from itertools import islice
from typing import Any

from goalreport.core.keys import rep_key
from goalreport.core.model import Holiday, Rep, TimeOff
from goalreport.workbook.schema import REPS
from goalreport.workbook.settings import parse_month, parse_relief
from goalreport.workbook.table import Collector, Row, Table
from goalreport.workbook.values import (
    ValueProblem,
    check_domain,
    parse_int,
    parse_mailbox,
    parse_ratio,
    parse_text,
    parse_yes_no,
    quote,
    same_person,
)

MAX_RAMP_MONTHS = 24
#: Unknown Rep IDs that get their own lines (with a near match); the rest are one kind.
NAMED_UNKNOWN_IDS = 10


def _loose_key(rep_id: str) -> str:
    """Near-match key: no case, punctuation or leading zeros ('R-01' and 'r1' → 'r1')."""
    text = re.sub(r"[\W_]+", "", rep_id.casefold())
    return re.sub(r"\d+", lambda m: str(int(m.group())), text)


class RepIndex:
    """The Reps sheet's IDs, to check and normalise the IDs used on other sheets."""

    def __init__(self, reps: tuple[Rep, ...], reps_sheet_read: bool,
                 flawed: frozenset[str] = frozenset()):
        self.by_key = {rep_key(rep.rep_id): rep for rep in reps}
        #: False when the Reps sheet could not be read: then IDs are not checked.
        self.checked = reps_sheet_read
        #: Keys of IDs on the Reps sheet whose row has a problem: their rows elsewhere are
        #: skipped quietly, since the problem is already reported once on the Reps sheet.
        self.flawed = flawed
        #: Rep key → the cell of its Manager, for the manager tree's messages.
        self.manager_cells: dict[str, str] = {}
        #: Unknown IDs named with their own lines (and near-match hint), up to a few.
        self._unknown: dict[str, str] = {}
        self._loose: dict[str, str] | None = None
        self._names: dict[str, str] | None = None
        self._by_other: tuple[dict[str, Rep], dict[str, Rep]] | None = None

    def resolve(self, row: Row, out: Collector, *, loose: bool = False) -> str | None:
        """The canonical ID for the row's Rep ID, or None (problem recorded). ``loose``
        (a Goals sheet's Salesperson, Owner ID or Employee column): a value that is no
        Rep ID may also be a rep's CRM ID or, when no two reps share it, their Name."""
        rep_id = row.parse("rep_id", parse_text, out,
                           required=f"the Rep ID is missing. Write the ID of a rep from the "
                                    f"Reps sheet{self._some()}.")
        if rep_id is None:
            return None
        rep = self.by_key.get(rep_key(rep_id)) or (self._other_key(rep_id) if loose else None)
        if rep is not None:
            return rep.rep_id
        if rep_key(rep_id) in self.flawed:
            return None
        if self.checked:
            key = rep_key(rep_id)
            if key not in self._unknown and len(self._unknown) < NAMED_UNKNOWN_IDS:
                self._unknown[key] = self._near(rep_id)
            hint = self._unknown.get(key)
            said = f"Rep ID {rep_id!r} is not on the Reps sheet{hint or ''}"
            out.error(row.cell("rep_id"), f"{said}{'' if said.endswith('?') else '.'} Use an "
                      f"ID from the Reps sheet{self._some()}, or add the rep there.",
                      kind=f"unknown rep {key}" if hint is not None else "unknown rep")
            return None
        return rep_id

    def _other_key(self, text: str) -> Rep | None:
        """The rep whose CRM ID, or else whose Name (when only one rep has it), is ``text``."""
        if self._by_other is None:
            crm: dict[str, Rep] = {}
            names: dict[str, list[Rep]] = {}
            for rep in self.by_key.values():
                if rep.crm_id:
                    crm.setdefault(rep_key(rep.crm_id), rep)
                names.setdefault(rep_key(rep.name), []).append(rep)
            self._by_other = (crm, {k: v[0] for k, v in names.items() if len(v) == 1})
        crm, unique = self._by_other
        key = rep_key(text)
        return crm.get(key) or unique.get(key)

    def _near(self, rep_id: str) -> str:
        """' — did you mean R01?' for 'R1', or " — 'Alice Green' is R01's Name" for a
        name typed as an ID; '' when nothing is close."""
        if self._loose is None:
            self._loose = {}
            self._names = {}
            for rep in self.by_key.values():
                self._loose.setdefault(_loose_key(rep.rep_id), rep.rep_id)
                self._names.setdefault(rep_key(rep.name), rep.rep_id)
        assert self._names is not None
        if (owner := self._names.get(rep_key(rep_id))) is not None:
            return f" — {rep_id!r} is {owner}'s Name: write {owner}"
        if (near := self._loose.get(_loose_key(rep_id))) is not None:
            return f" — did you mean {near}?"
        if len(self._loose) <= 5000:
            close = difflib.get_close_matches(rep_key(rep_id), list(self.by_key), 1, 0.75)
            if close:
                return f" — did you mean {self.by_key[close[0]].rep_id}?"
        return ""

    def _some(self) -> str:
        # islice: this runs for every row, so it must not walk all the reps (quadratic).
        ids = [rep.rep_id for rep in islice(self.by_key.values(), 5)]
        return f" ({', '.join(ids)}{', …' if len(self.by_key) > 5 else ''})" if ids else ""


def read_reps(table: Table, locale: str, out: Collector) -> RepIndex:
    """The Reps sheet as a ``RepIndex`` (the sound reps, and the IDs of flawed rows)."""
    reps: list[Rep] = []
    flawed: set[str] = set()
    seen: dict[str, Row] = {}
    manager_cells: dict[str, str] = {}
    rows = 0
    for row in table.rows:
        rows += 1
        rep_id = row.parse("rep_id", parse_text, out,
                           required="the Rep ID is missing. Give every rep a short unique "
                                    "ID, such as R1 or their initials.")
        name = row.parse("name", parse_text, out,
                         required="the Name is missing. Write the rep's name, such as "
                                  "Ana Lima.")
        start = row.parse_date("start_date", locale, out)
        ramp = row.parse("ramp_months", _ramp_months, out, default=0)
        no_schedule: tuple[Fraction, ...] = ()
        schedule = row.parse("ramp_schedule", _ramp_schedule, out, default=no_schedule)
        if ramp and schedule:
            out.error(row.cell("ramp_schedule"), f"{rep_id!r} has both Ramp Months ({ramp}) "
                      "and a Ramp Schedule. Keep one: the schedule gives each month's share, "
                      "Ramp Months a straight ramp.")
            schedule = None
        active = row.parse("active", parse_yes_no, out, default=True)
        if rep_id is not None and rep_key(rep_id) in seen:
            first = seen[rep_key(rep_id)]
            out.error(row.cell("rep_id"), f"Rep ID {rep_id!r} is used twice (first in "
                      f"{first.where}). Give each rep a different ID.")
            continue
        if name is None or ramp is None or schedule is None or active is None or (
                row.has("start_date") and start is None):
            if rep_id is not None:
                flawed.add(rep_key(rep_id))
            continue
        if rep_id is None:
            continue
        seen[rep_key(rep_id)] = row
        if ramp and start is None:
            out.warn(row.cell("ramp_months"), f"Ramp Months is {ramp} but {rep_id!r} has no "
                     "Start Date, so no ramp is applied. Write the Start Date to ramp them up.")
        if schedule and start is None:
            out.warn(row.cell("ramp_schedule"), f"{rep_id!r} has a Ramp Schedule but no Start "
                     "Date, so no ramp is applied. Write the Start Date to ramp them up.")
        reps.append(Rep(
            rep_id=rep_id, name=name, start_date=start, ramp_months=ramp, active=active,
            email=read_email(row, name, out, out.allowed_domains if active else ()),
            team=row.parse("team", parse_text, out, default="") or "",
            manager=row.parse("manager", parse_text, out, default="") or "",
            source=row.where,
            crm_id=row.parse("crm_id", parse_text, out, default="") or "",
            ramp_schedule=schedule if start is not None else (),
            **{key: row.parse(key, parse_text, out, default="") or ""
               for key in ("territory", "region", "segment")},
        ))
        if reps[-1].manager:
            manager_cells[rep_key(rep_id)] = row.cell("manager")
    if rows == 0:
        out.error(f"{table.name} sheet", "has no reps yet. Add one row per rep below the "
                  "header, with at least a Rep ID and a Name.")
    index = RepIndex(tuple(reps), rows > 0, frozenset(flawed - {rep_key(r.rep_id) for r in reps}))
    index.manager_cells = manager_cells
    return index


def read_email(row: Row, name: str, out: Collector, allowed: tuple[str, ...],
               who: str = "rep", what: str = "report") -> str:
    """The rep's address. A display name copied with it ("Olivia Bennett <olivia@…>")
    is left out, but when it names someone else than the rep's Name the address may be
    someone else's: a warning, since that rep's numbers would be mailed there. An
    address outside the ``allowed`` domains (the operator's, when the run sends) is a
    problem."""
    mailbox = row.parse("email", parse_mailbox, out, default=None)
    if mailbox is None:
        return ""
    shown, address = mailbox
    if shown and not same_person(shown, name):
        out.warn(row.cell("email"), f"the address {address} is labelled {shown!r}, but the "
                 f"{who} is {name!r}: their {what} is mailed there. Check it is their address, "
                 "and write the address alone to say so.", kind="email of another name")
    try:
        return check_domain(address, allowed, row.values.get("email"))
    except ValueProblem as problem:
        out.error(row.cell("email"), problem.message, kind="email")
        return ""


def _ramp_schedule(value: Any) -> tuple[Fraction, ...]:
    """'25%, 50%, 75%' (or 0.25; 0.5; 0.75): the ramp factor of the first, second, …
    month of tenure; from the month after the last, full speed."""
    text = parse_text(value) if not isinstance(value, int | float) else str(value)
    parts = [p for p in re.split(r"[,;/|]+|\s+(?=\d)", text) if p.strip()]
    factors = []
    for part in parts:
        factor = parse_ratio(part.strip(), what="a share of full speed", example="25%")
        if factor > 1:
            raise ValueProblem(f"{quote(value)} is not a ramp schedule: {part.strip()!r} is "
                               "above 100%. Write each month's share of full speed, such as "
                               "25%, 50%, 75%.")
        factors.append(factor)
    if not 1 <= len(factors) <= MAX_RAMP_MONTHS:
        raise ValueProblem(f"{quote(value)} is not a ramp schedule of 1 to {MAX_RAMP_MONTHS} "
                           "months. Write each month's share of full speed, such as 25%, 50%, "
                           "75%.")
    return tuple(factors)


def _ramp_months(value: Any) -> int:
    months = parse_int(value, what="a number of months", example="3")
    if not 0 <= months <= MAX_RAMP_MONTHS:
        raise ValueProblem(f"{quote(value)} is not a ramp of 0 to {MAX_RAMP_MONTHS} months. Write "
                           "the months a new rep needs to reach full speed, such as 3, or 0.")
    return months


def read_seasonality(table: Table, locale: str, out: Collector) -> dict[int, Fraction]:
    weights: dict[int, Fraction] = {}
    first: dict[int, str] = {}
    for row in table.rows:
        month = row.parse("month", lambda v: parse_month(v, locale), out,
                          required="the Month is missing. Write 1-12 or a month name.")
        weight = row.parse("weight", lambda v: _weight(v, locale), out,
                           required="the Weight is missing. Write a number above 0; 1 is "
                                    "an ordinary month.")
        if month is None or weight is None:
            continue
        if month in weights:
            out.error(row.cell("month"), f"month {month} is listed twice (first in "
                      f"{first[month]}). Keep one row per month.")
            continue
        weights[month], first[month] = weight, row.where
    return weights


def _weight(value: Any, locale: str) -> Fraction:
    weight = parse_ratio(value, locale, percent_above=None, what="a weight",
                         example="1.2 or 120%")
    if weight <= 0:
        raise ValueProblem(f"{quote(value)} is not a weight above 0. Write a number such as 1.2 "
                           "for a busy month or 0.8 for a quiet one; 1 is ordinary.")
    return weight


def read_holidays(table: Table, locale: str, out: Collector) -> tuple[Holiday, ...]:
    days: dict[Any, Holiday] = {}
    for row in table.rows:
        day = row.parse_date("date", locale, out,
                        required="the Date is missing. Write the day off, such as "
                                 "2026-12-24.")
        if day is not None and day not in days:
            days[day] = Holiday(day, row.parse("name", parse_text, out, default="") or "")
    return tuple(sorted(days.values(), key=lambda h: h.day))


def read_time_off(table: Table, reps: RepIndex, locale: str,
                  out: Collector) -> tuple[TimeOff, ...]:
    absences: list[TimeOff] = []
    for row in table.rows:
        rep_id = reps.resolve(row, out)
        start = row.parse_date("start", locale, out,
                          required="the From date is missing. Write the first day off.")
        end = row.parse_date("end", locale, out,
                        required="the To date is missing. Write the last day off (the same "
                                 "as From for a single day).")
        if start is not None and end is not None and end < start:
            out.error(row.cell("end"), f"To ({end}) is before From ({start}). Write the last "
                      "day off on or after the first.")
            continue
        if rep_id is None or start is None or end is None:
            continue
        reason = row.parse("reason", parse_text, out, default="") or ""
        relief = row.parse("relief", parse_relief, out)
        absences.append(TimeOff(rep_id, start, end, reason, relief))
    return tuple(absences)


__all__ = ["REPS", "RepIndex", "read_holidays", "read_reps", "read_seasonality",
           "read_time_off"]
