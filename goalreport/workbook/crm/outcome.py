"""Won, lost or open: what an export row says about its deal (pure).

The export's own flags come first, since organisations rename their stages but never
these: Salesforce IsWon and IsClosed, HubSpot Is Closed Won, Pipedrive Status, Odoo
Probability 100 or an archived lead (Active false, a Lost Reason). A row the CRM deleted
(a warehouse copy's ``is_deleted``, an older version Fivetran keeps with
``_fivetran_active`` false) is no deal at all. Only then the stage name: Settings' Won
Stages and Lost Stages first, then the names every CRM ships with, compared by
``keys.stage_key``, then a stage holding the whole word won or lost (a custom pipeline's
``#09 WON``, ``#10 Closed lost``), which ``check`` lists once per stage. Any other stage is
open; one that looks closed but is on none of these is noted (``Findings.stages``), so a
renamed won stage is not lost silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from goalreport.core.keys import stage_key
from goalreport.workbook.crm.rows import DealRules, ExportRow, Findings
from goalreport.workbook.table import Collector
from goalreport.workbook.values import is_blank, parse_text

#: Stage names every CRM ships with, as ``stage_key`` writes them.
WON_STAGES = frozenset({"closedwon", "won", "closedwonpaid"})
LOST_STAGES = frozenset({"closedlost", "lost", "closedlosttocompetition"})
#: Words that make an unknown stage look closed (worth a warning, not silence).
#: A stage's whole word won or lost (not "won't", "lost-and-found" is still lost).
_WON_WORD = re.compile(r"(?<![\w'])won(?![\w'])", re.IGNORECASE)
_LOST_WORD = re.compile(r"(?<![\w'])lost(?![\w'])", re.IGNORECASE)
_CLOSED_WORDS = re.compile(r"(clos|won\b|win\b|lost|lose|loss|signed|dead|verloren|gewonnen"
                           r"|perdu|gagn)", re.IGNORECASE)
#: Pipedrive's Status column.
STATUSES = {"won": "won", "lost": "lost", "open": "open", "deleted": "removed"}


def outcome(row: ExportRow, rules: DealRules, out: Collector, found: Findings,
            readings: dict[str, str] | None = None) -> str | None:
    """'won', 'lost', 'open' or 'removed' (deleted in the CRM); None after recording a
    problem. A stage read as won or lost by its words is added to ``readings``."""
    if row.flag("is_deleted", out) or row.flag("is_current", out) is False:
        return "removed"
    is_won = row.flag("is_won", out)
    if is_won:
        return "won"
    if is_won is False and "is_closed" in row.cols:
        closed = row.flag("is_closed", out)
        if closed is not None:
            return "lost" if closed else "open"
    status = row.text("status")
    if status and row.export.format.key == "pipedrive":
        said = STATUSES.get(status.casefold())
        if said is None:
            out.error(row.cell("status"), f"{status!r} is not a deal status. Pipedrive writes "
                      "Won, Lost, Open or Deleted.", kind="crm status")
        return said
    if "probability" in row.cols and _is_hundred(row.get("probability")):
        return "won"
    if row.flag("active", out) is False or row.text("lost_reason"):
        return "lost"  # Odoo archives lost leads
    stage = row.text("stage") or status
    said = _by_stage(stage, rules, readings)
    if said is not None:
        return said
    if stage and _CLOSED_WORDS.search(stage):
        found.stages.setdefault(stage, []).append(row.cell("stage" if "stage" in row.cols
                                                          else "status"))
    return "open"


def _by_stage(stage: str, rules: DealRules, readings: dict[str, str] | None) -> str | None:
    """'won' or 'lost' by the stage's name, else None: Settings' names, the CRMs' names,
    then the whole word won or lost (not both)."""
    key = stage_key(stage)
    if key in rules.named_won:
        return "won"
    if key in rules.named_lost:
        return "lost"
    if key in rules.won_stages:
        return "won"
    if key in rules.lost_stages:
        return "lost"
    won, lost = bool(_WON_WORD.search(stage)), bool(_LOST_WORD.search(stage))
    if won == lost:
        return None
    said = "won" if won else "lost"
    if readings is not None:
        readings.setdefault(stage, said)
    return said


def _is_hundred(value: Any) -> bool:
    text = parse_text(value).rstrip("%").strip() if not is_blank(value) else ""
    try:
        return float(text.replace(",", ".")) in (100.0, 1.0) if text else False
    except ValueError:
        return False


def stage_set(defaults: frozenset[str], names: Iterable[str]) -> frozenset[str]:
    """``defaults`` with Settings' stage ``names`` added, as ``stage_key`` writes them."""
    return defaults | {stage_key(name) for name in names}
