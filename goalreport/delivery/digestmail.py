"""The weekly digest as a mail: the context ``email_digest.txt`` and ``.html`` show
(``compose.DIGEST_TEMPLATE``), pure and formatted for the workbook's Locale; the
sending is ``digestsend``'s.

Short by design: the subtree's pace and status mix in one line, who moved down a status
since the last digest, the largest gaps, then every rep's pace and status with the
change, and with open deals in the workbook the coverage of the subtree and of each
rep. The HTML is one table-based column with inline styles only (mail programs drop
``<style>`` and most CSS), readable at 360 px and in dark mode; the plain-text part says
the same.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from goalreport.core.digest import Digest, DigestRow
from goalreport.core.formatting import Formatter
from goalreport.core.model import STATUSES
from goalreport.core.org import OrgTree
from goalreport.core.pipelinedata import RepPipeline
from goalreport.reports.pipeline_context import coverage_words, multiple

#: The status colours of the reports (report.css), for the dots in the mail.
STATUS_COLOURS = {"Achieved": "#1a7f37", "On track": "#2f9e5b", "Slightly behind": "#c99a06",
                  "At risk": "#d9640a", "Behind": "#c0392b"}
#: Change arrows, and their words for the plain text and screen readers.
ARROWS = {"down": ("▼", "down"), "up": ("▲", "up"), "same": ("", ""), "new": ("", "new")}


def points(change: Fraction | None, fmt: Formatter) -> str:
    """A pace change in percentage points: "+2.1 pts", "−3.0 pts", "±0.0 pts"."""
    if change is None:
        return fmt.BLANK
    value = change * 100
    shown = fmt.rate(abs(value))
    # The sign of the figure as shown: a fall of 0.04 points reads "±0.0", never "−0.0".
    sign = "±" if shown == fmt.rate(0) else "+" if value > 0 else "−"
    return f"{sign}{shown} pts"


def _row(row: DigestRow, fmt: Formatter) -> dict[str, Any]:
    rep, progress = row.result.rep, row.result.progress
    before, pipeline = row.before, row.pipeline
    change = points(row.pace_change, fmt)
    return {
        "name": rep.name, "id": rep.rep_id, "status": row.status,
        "colour": STATUS_COLOURS.get(row.status, "#52606d"),
        "pace": fmt.percent_whole(row.pace) if row.pace is not None else fmt.BLANK,
        "change": change,
        "falling": change.startswith("−"),  # red only for a fall that shows
        "move": row.move, "arrow": ARROWS[row.move][0], "move_word": ARROWS[row.move][1],
        "status_before": before.status if before else "",
        "pace_before": fmt.percent_whole(before.pace) if before and before.pace is not None
        else fmt.BLANK,
        "won_since": fmt.money_whole(row.won_since),
        "gap": fmt.money_whole(row.gap),
        "needed_per_week": fmt.money_whole(progress.needed_per_week),
        "coverage": fmt.BLANK if pipeline is None else
        coverage_words(pipeline.coverage, pipeline.year.deals, fmt),
        "coverage_said": "" if pipeline is None else _coverage_said(pipeline, fmt),
    }


def _coverage_said(pipeline: RepPipeline, fmt: Formatter) -> str:
    """A rep's coverage in a sentence: "coverage 1.2×", "no open deals"."""
    if pipeline.coverage is None:
        return "goal reached"
    if pipeline.year.deals == 0:
        return "no open deals"
    return f"coverage {multiple(pipeline.coverage, fmt)}"


def digest_context(digest: Digest, org: OrgTree, fmt: Formatter, *, company: str
                   ) -> dict[str, Any]:
    """What the digest templates show."""
    manager = org.by_key.get(digest.scope)
    total = digest.total
    rows = [_row(row, fmt) for row in digest.rows]
    counts = [{"status": s, "count": fmt.count(total.status_counts.get(s, 0)),
               "colour": STATUS_COLOURS[s]} for s in STATUSES if total.status_counts.get(s)]
    return {
        "company": company, "lang": fmt.lang,
        "who": f"{manager.name}'s team" if manager else "The whole team",
        "first_name": (manager.name.split() or [""])[0] if manager else "",
        "week": fmt.short_date(digest.week), "as_of": fmt.date(digest.as_of),
        "before": fmt.date(digest.before_as_of), "since_digest": digest.since_digest,
        "reps": fmt.count(total.reps), "one_rep": total.reps == 1,
        "pace": fmt.percent_whole(total.pace) if total.pace is not None else fmt.BLANK,
        "attainment": fmt.percent_whole(total.attainment)
        if total.attainment is not None else fmt.BLANK,
        "actual": fmt.money_whole(total.actual), "target": fmt.money_whole(total.annual_target),
        "status_counts": counts,
        "moved_down": [r for r, row in zip(rows, digest.rows, strict=True)
                       if row.move == "down"],
        "largest_gaps": [_row(row, fmt) for row in digest.largest_gaps],
        "rows": rows, "coverage": digest.has_coverage, **_pipeline(digest, fmt),
    }


def _pipeline(digest: Digest, fmt: Formatter) -> dict[str, str]:
    """The subtree's coverage (its reps' sums) and the coverage wanted; blank without
    open deals in the workbook."""
    pipeline = digest.total.pipeline
    if pipeline is None:
        return {"coverage_total": "", "coverage_wanted": "", "landing": ""}
    return {"coverage_total": coverage_words(pipeline.coverage, pipeline.year.deals, fmt),
            "coverage_wanted": multiple(pipeline.coverage_target, fmt),
            "landing": fmt.money_whole(pipeline.year.landing)}
