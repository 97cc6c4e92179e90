"""The weekly pace digest (SPEC §8 The weekly digest): what one manager's reps did this
week against the last digest, as data. Pure: the caller passes the manager's subtree
(``rollup.subtree``), the week, and what the last digest said of each rep.

"Last week" is what the previous digest sent (its snapshots, kept in the send record),
so a manager reads the change from the numbers they were shown; with no digest sent
before, it is the same workbook measured a week earlier (``since_digest`` False), and
the mail says so. A rep moved down a status when their status is worse than the one
the comparison had (``model.STATUSES`` is best first). The largest gaps are the reps
furthest from their annual target, by money still needed.

With open deals in the workbook (SPEC §3 Pipeline) each rep has a coverage (open
pipeline closing by the year end ÷ what is still to win) and the subtree one from its
reps' sums; without, the digest says nothing of pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from goalreport.core.calendar import first_weekday, week_start
from goalreport.core.keys import rep_key
from goalreport.core.model import STATUSES, Settings
from goalreport.core.pipelinedata import RepPipeline
from goalreport.core.results import Computation, GroupTotals, RepResult

#: How many of the largest gaps a digest names.
LARGEST_GAPS = 3
Move = Literal["down", "up", "same", "new"]


@dataclass(frozen=True)
class RepSnapshot:
    """What a digest said of one rep: kept in the send record for next week's."""

    pace: Fraction | None
    status: str
    actual: Decimal

    def to_json(self) -> dict[str, str | None]:
        pace = self.pace
        return {"pace": None if pace is None else f"{pace.numerator}/{pace.denominator}",
                "status": self.status, "actual": str(self.actual)}

    @classmethod
    def from_json(cls, value: Mapping[str, str | None]) -> RepSnapshot:
        pace = value.get("pace")
        return cls(None if pace is None else Fraction(pace), str(value["status"]),
                   Decimal(str(value["actual"])))


@dataclass(frozen=True)
class DigestRow:
    result: RepResult
    #: What the comparison had of the rep (None: not in it, a new rep).
    before: RepSnapshot | None
    #: Money still needed for the year's target, for a rep not yet there.
    gap: Decimal

    @property
    def pipeline(self) -> RepPipeline | None:
        """The rep's open deals (None: the workbook has none)."""
        return self.result.pipeline

    @property
    def pace(self) -> Fraction | None:
        return self.result.progress.pace

    @property
    def status(self) -> str:
        return self.result.progress.status

    @property
    def pace_change(self) -> Fraction | None:
        """Pace now − pace then (a fraction of the plan: 0.021 is 2.1 points)."""
        if self.before is None or self.before.pace is None or self.pace is None:
            return None
        return self.pace - self.before.pace

    @property
    def won_since(self) -> Decimal | None:
        """Won since the comparison (None for a rep not in it)."""
        return None if self.before is None else self.result.progress.actual - self.before.actual

    @property
    def move(self) -> Move:
        if self.before is None:
            return "new"
        now, then = _rank(self.status), _rank(self.before.status)
        return "down" if now > then else "up" if now < then else "same"


@dataclass(frozen=True)
class Digest:
    """One manager's digest for one week."""

    #: The manager's key ("" for the whole company, Settings' Manager Email).
    scope: str
    #: The first day of the team's week holding As Of: what "never twice" counts by.
    week: date
    as_of: date
    #: The date of the comparison, and whether it is the last digest sent (else the
    #: workbook a week earlier).
    before_as_of: date
    since_digest: bool
    #: The subtree's Total row.
    total: GroupTotals
    #: Every rep, worst status first, then lowest pace.
    rows: tuple[DigestRow, ...]

    @property
    def moved_down(self) -> tuple[DigestRow, ...]:
        return tuple(row for row in self.rows if row.move == "down")

    @property
    def largest_gaps(self) -> tuple[DigestRow, ...]:
        behind = sorted((row for row in self.rows if row.gap > 0),
                        key=lambda row: (-row.gap, row.result.rep.name))
        return tuple(behind[:LARGEST_GAPS])

    @property
    def has_coverage(self) -> bool:
        return self.total.pipeline is not None


def _rank(status: str) -> int:
    return STATUSES.index(status) if status in STATUSES else len(STATUSES)


def digest_week(as_of: date, settings: Settings) -> date:
    """The first day of the team's week holding ``as_of`` (weeks start after the team's
    weekend, as the Weekly Plan's)."""
    return week_start(as_of, first_weekday(settings.working_days))


def week_before(as_of: date) -> date:
    """The comparison's date when no digest was sent before: a week earlier."""
    return as_of - timedelta(days=7)


def snapshots(view: Computation) -> dict[str, RepSnapshot]:
    """What a digest of ``view`` says of each rep (``keys.rep_key`` → snapshot)."""
    return {rep_key(r.rep.rep_id): RepSnapshot(r.progress.pace, r.progress.status,
                                               r.progress.actual) for r in view.results}


def digest(view: Computation, before: Mapping[str, RepSnapshot], *, week: date,
           before_as_of: date, since_digest: bool) -> Digest:
    """The digest of ``view`` (a manager's subtree) against ``before``."""
    rows = [DigestRow(r, before.get(rep_key(r.rep.rep_id)),
                      max(r.progress.annual_target - r.progress.actual, Decimal("0.00")))
            for r in view.results]
    rows.sort(key=lambda row: (-_rank(row.status), row.pace is None,
                               row.pace if row.pace is not None else 0,
                               row.result.rep.name))
    return Digest(view.scope, week, view.as_of, before_as_of, since_digest, view.team[-1],
                  tuple(rows))
