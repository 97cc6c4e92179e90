"""Rows of a CRM activities export → held meetings (pure).

Pipedrive's activities export lists calls, meetings, tasks, e-mails and deadlines; a row
counts as a meeting when its type is one goalreport reads as a meeting (meeting, call,
visit, demo, …, see ``schema.ACTIVITY_TYPES``) and it is marked done. HubSpot's meetings
export holds meetings only; one counts when its outcome is Completed or not recorded
(many teams never set outcomes), not when it was Scheduled, Rescheduled, a No show or
Canceled. An export with neither column (Pipedrive's without Activity - Done) cannot say
whether a meeting took place: one counts when it is dated on or before As Of, and
``check`` says so. Other rows are counted and ignored, and so are the meetings of owners
who are not reps. Leads and focus time stay on Activity.
"""

from __future__ import annotations

from goalreport.core.keys import client_key, normalize
from goalreport.workbook.crm.rows import OTHER, DealRules, ExportRow, Findings, owner_rep
from goalreport.workbook.dates import parse_date
from goalreport.workbook.deals import Deal
from goalreport.workbook.schema import TYPE_WORDS
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem

#: Pipedrive's Done column.
DONE = frozenset({"done", "yes", "true", "1", "completed"})
#: HubSpot meeting outcomes that mean the meeting was held ("" = not recorded).
HELD = frozenset({"", "completed"})


def meeting(row: ExportRow, rules: DealRules, out: Collector,
            found: Findings) -> Deal | None | bool:
    """The held meeting of ``row``; None when the row is not one (ignored); False after
    a problem was recorded."""
    if "activity_type" in row.cols:
        if TYPE_WORDS.get(normalize(row.text("activity_type"))) != "meeting":
            return None
        if "done" in row.cols and row.text("done").casefold() not in DONE:
            return None
    elif "outcome" in row.cols and normalize(row.text("outcome")) not in HELD:
        return None
    rep_id = owner_rep(row, rules, found)
    if "date" not in row.cols:
        out.error(f"{row.export.label} header", "has no meeting date column. Export the "
                  "date with the meetings.", kind="crm no date")
        return False
    if not row.text("date"):
        out.error(row.cell("date"), "the date of this meeting is missing. Fill it in the "
                  "CRM and export again, or type it here.", kind="crm date")
        return False
    try:
        day = parse_date(row.get("date"), rules.locale)
    except ValueProblem as problem:
        out.error(row.cell("date"), problem.message, kind="crm date")
        return False
    if rules.held_by is not None and "done" not in row.cols and "outcome" not in row.cols \
            and day > rules.held_by:
        return None  # not yet held
    if rep_id == OTHER:
        return None
    if rep_id is None:
        return False
    return Deal(rep_id, day, "meeting", None, 0, client_key(row.text("client")), row.where)
