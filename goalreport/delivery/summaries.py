"""Each manager's own summary by mail (SPEC §8): who gets one, which are stale, and what
the message says. The sending itself is ``deliver``'s, with the same record, domains,
dry run and redirect as every other message.

Every manager of the tree with an Email and an active rep below them gets their
``team-summary-<ID>-<Name>.pdf`` and the delivery status of their own reps only; the
Manager Email of Settings still gets the whole company's. A manager whose Email is the
Manager Email and whose subtree is every active rep is not mailed the same reps twice.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from goalreport.core.keys import rep_key
from goalreport.core.org import Manager
from goalreport.core.results import Computation, RepResult
from goalreport.core.rollup import subtree
from goalreport.errors import UnsafePath
from goalreport.guard.safefs import Folder
from goalreport.reports.filenames import summary_key, summary_stems
from goalreport.reports.stamp import Stamp, file_digest


@dataclass(frozen=True)
class Summary:
    """One manager's summary: whose, its file, and the computation of their subtree."""

    manager: Manager
    stem: str
    view: Computation

    @property
    def key(self) -> str:
        """The send record's key and the stamp's name: ``manager:<key>``."""
        return summary_key(self.manager.key)

    @property
    def file(self) -> str:
        return f"{self.stem}.pdf"

    @property
    def who(self) -> str:
        return f"{self.manager.name} ({self.manager.manager_id})"

    def covers(self, result: RepResult) -> bool:
        return rep_key(result.rep.rep_id) in self.view.org.reps_under(self.manager.key)


def summaries(computation: Computation) -> list[Summary]:
    """Every manager's summary, in tree order."""
    org = computation.org
    return [Summary(org.by_key[key], stem, subtree(computation, key))
            for key, stem in summary_stems(computation).items()]


def whole_company(summary: Summary, computation: Computation, manager_email: str) -> bool:
    """Whether ``summary`` would mail the Manager Email every active rep again."""
    return bool(manager_email) and summary.manager.email.casefold() == \
        manager_email.casefold() and len(summary.view.results) == len(computation.results)


def stale_summaries(found: Sequence[Summary], folder: Folder, stamp: Stamp) -> list[str]:
    """The manager keys of ``found`` whose PDF in the month ``folder`` is missing, not a
    plain file of this user, or stamped as another report: rendered again before
    sending."""
    stale = []
    for summary in found:
        try:
            fd = folder.open_regular(summary.file)
        except (OSError, UnsafePath):
            stale.append(summary.manager.key)
            continue
        try:
            mark = file_digest(fd)
            if os.fstat(fd).st_uid != os.geteuid() or mark is None or \
                    mark.digest != stamp.digest(summary.key):
                stale.append(summary.manager.key)
        finally:
            os.close(fd)
    return stale
