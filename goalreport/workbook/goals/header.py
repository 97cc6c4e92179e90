"""The Goals sheet's header row: which shape it has and what each column says (SPEC §1).

Headers are compared as words: camelCase and snake_case split (``SalesAmountQuota`` is
"sales amount quota", ``quota_eur`` is "quota eur"), case and punctuation ignored. Each
column gets one role: who the target is for, the year, the period (a Month, Quarter or
Period column, a quota or quarter start date, or one column per month or quarter), an
Effective From date, New Share, a Client Type, the money, or one of today's optional
columns (Avg Deal Size, Close Rate …). A column whose name says target, quota, goal or
budget that none of this uses is named in a warning, never passed over in silence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.currencies import currency_codes, currency_in
from goalreport.workbook.goals.periods import Label, parse_label
from goalreport.workbook.schema import GOALS, ColumnSpec, normalize
from goalreport.workbook.values import is_blank

_ROLES: dict[str, tuple[str, ...]] = {
    # Who the target is for. The first three are today's Rep ID; the others are the
    # words real quota sheets use (AdventureWorks EmployeeKey, Salesforce OwnerId,
    # GitLab's account_owner, BI tutorials' salesperson).
    "rep_id": ("rep id", "id", "rep", "salesperson", "sales person", "sales rep",
               "sales representative", "sales agent", "owner", "owner id", "account owner",
               "opportunity owner", "employee", "employee key", "employee id",
               "sales rep id", "salesperson id", "sales person id", "salesperson person id",
               "business entity id", "seller", "responsible person", "responsible"),
    # A rep's name, read as the rep only when no column above is there.
    "rep_name": ("name", "rep name", "full name", "sales rep name", "owner name"),
    # A node whose own quota a row without a rep is (``goals.nodes``); on a rep's row,
    # only a label.
    "territory": ("territory", "sales territory", "territory name"),
    "region": ("region", "sales region", "region name"),
    "segment": ("segment", "market segment", "customer segment", "sales segment"),
    "manager": ("manager", "manager id", "sales manager", "manager name"),
    "year": ("year", "goal year", "fiscal year", "calendar year", "fy", "financial year"),
    "month": ("month", "calendar month", "month start", "month start date", "year month",
              "target month", "quota month", "month id", "month of", "fiscal month"),
    "month_name": ("month name",),
    "quarter": ("quarter", "fiscal quarter", "calendar quarter", "qtr", "fiscal qtr",
                "quota quarter", "quarter name", "fiscal quarter name", "quarter id"),
    "quarter_date": ("quarter start", "quarter start date", "fiscal quarter start",
                     "quarter date", "quarter begin"),
    "period": ("period", "quota period", "target period", "period name"),
    "period_date": ("quota date", "quota start date", "quota start", "period start",
                    "period start date", "period date", "target date", "date"),
    "effective": ("effective from", "effective date", "valid from", "revised on",
                  "effective", "effective start", "effective start date", "revision date"),
    "new_share": ("new share", "new business share", "new client share", "share new",
                  "share of new", "new %", "new percent", "new pct"),
    "client_type": ("client type", "customer type", "revenue type", "business type",
                    "new or repeat"),
    "new_target": ("new client target", "new target", "new clients target", "new quota",
                   "new business target", "new business quota", "new client quota"),
    "repeat_target": ("repeat client target", "repeat target", "repeat clients target",
                      "repeat quota", "repeat business target", "existing business target",
                      "repeat client quota", "existing client target"),
}
#: Today's optional Goals columns (Avg Deal Size …), matched as before.
_OPTIONAL = tuple(c for c in GOALS.columns if c.key in {
    "avg_deal_size", "avg_new_deal_size", "avg_repeat_deal_size", "close_rate",
    "meetings_per_lead", "focus_hours"})
_TARGET_WORDS = {"target", "targets", "quota", "quotas", "goal", "goals", "budget",
                 "objective", "plan"}
#: Words that make a target-like column something other than the money to plan, and why.
_NOT_MONEY: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"key", "id", "code", "no"}), "it is an ID"),
    (frozenset({"type", "category", "name", "description", "status"}), "it is a label"),
    (frozenset({"date", "day", "month", "quarter", "year", "period"}), "it is a date"),
    (frozenset({"units", "unit", "quantity", "qty", "count", "number", "calls", "meetings",
                "deals", "leads", "hours", "visits"}), "it counts something other than money"),
    (frozenset({"actual", "actuals", "achieved", "achievement", "attainment", "variance",
                "gap", "remaining", "ytd", "met"}), "it is a result, not a target"),
    (frozenset({"profit", "margin"}), "it is not sales"),
    (frozenset({"percent", "pct", "%", "rate", "share", "ratio"}), "it is a share, not money"),
)
_PERIOD_WORDS = {"monthly": "month", "quarterly": "quarter", "annual": "year",
                 "yearly": "year", "annually": "year"}
#: ISO codes that are also English words: never read as a currency in a header.
_WORD_CODES = {"ALL", "TOP", "CUP", "MOP", "BAM", "PEN", "TRY", "CAD"}

#: The Rep ID column as the Goals sheet accepts it, for the missing-column message.
REP_COLUMN = ColumnSpec("rep_id", "Rep ID", ("ID", "Salesperson", "Owner", "Employee Key"),
                        True)


def header_words(title: object) -> str:
    """``SalesAmountQuota`` → 'sales amount quota'; ``quota_eur`` → 'quota eur'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(title or ""))
    return normalize(text)


@dataclass
class Money:
    """A money column: where, its title, the period and currency its name says."""

    column: int
    title: str
    period: str | None
    currency: str | None
    #: Why it cannot be the money to plan (units, an actual, a year in its name), if so.
    unusable: str = ""


@dataclass
class GoalsHeader:
    """What the header row says."""

    row: int
    #: Role or optional key → column (0-based, absolute).
    columns: dict[str, int] = field(default_factory=dict)
    #: Column → its month or quarter, for a wide sheet (one column per period).
    periods: dict[int, Label] = field(default_factory=dict)
    #: Target-like columns that are not a role.
    money: list[Money] = field(default_factory=list)
    titles: dict[int, str] = field(default_factory=dict)
    #: The column's name says Calendar (CalendarYear, CalendarQuarter).
    calendar_year: bool = False
    calendar_quarter: bool = False
    #: The Year column's name says fiscal (Fiscal Year, Goal Year, FY).
    fiscal_year: bool = False
    #: (cell, message) warnings found on the way (a second column of one role).
    warnings: list[tuple[str, str]] = field(default_factory=list)
    #: The rep column is not today's Rep ID (Salesperson, Owner ID …): its values may
    #: also be a rep's CRM ID or Name.
    loose_reps: bool = False

    def has(self, role: str) -> bool:
        return role in self.columns

    def found(self) -> str:
        """"'Rep ID', 'Quota'" for messages."""
        return ", ".join(repr(t) for t in self.titles.values())


def read_header(sheet: str, row: int, first_column: int, values: list[Any], locale: str,
                currency: str | None) -> GoalsHeader:
    """Each header cell's role (``GoalsHeader``)."""
    header = GoalsHeader(row)
    for offset, value in enumerate(values):
        if is_blank(value):
            continue
        column = first_column + offset
        title = value.isoformat() if isinstance(value, date) else str(value).strip()
        header.titles[column] = title
        label = parse_label(value, locale)
        if label is not None:
            header.periods[column] = label
            continue
        words = header_words(value)
        role = _role(words)
        if role is not None:
            if role in header.columns:
                first = header.titles[header.columns[role]]
                header.warnings.append((cell_name(sheet, row, column), (
                    f"a second column for the same thing as {first!r}; only that one is "
                    "read.")))
                continue
            header.columns[role] = column
            if role in ("year",):
                header.calendar_year = "calendar" in words
                header.fiscal_year = any(w in words.split() for w in (
                    "fiscal", "goal", "fy", "financial"))
            if role in ("quarter", "quarter_date"):
                header.calendar_quarter = "calendar" in words
            continue
        optional = next((c for c in _OPTIONAL if c.matches(str(value))), None)
        if optional is not None:
            header.columns.setdefault(optional.key, column)
            continue
        if _TARGET_WORDS & set(words.split()):
            header.money.append(_money(column, title, words, locale, currency))
    name_column = header.columns.pop("rep_name", None)
    if name_column is not None and "rep_id" not in header.columns:
        header.columns["rep_id"] = name_column
    if "rep_id" in header.columns:
        rep_title = header_words(header.titles[header.columns["rep_id"]])
        header.loose_reps = rep_title not in {"rep id", "id", "rep", "repid"}
    return header


def _role(words: str) -> str | None:
    for role, names in _ROLES.items():
        if words in names:
            return role
    return None


def _money(column: int, title: str, words: str, locale: str, currency: str | None) -> Money:
    split = set(words.split())
    period = next((p for w, p in _PERIOD_WORDS.items() if w in split), None)
    unusable = next((why for names, why in _NOT_MONEY if names & split), "")
    if not unusable and re.search(r"\b(19|20)\d\d\b", words):
        unusable = "its name names a year"
    return Money(column, title, period, _currency(title, locale, currency), unusable)


def _currency(title: str, locale: str, currency: str | None) -> str | None:
    """The currency a column name states: an ISO code as its last word or in brackets
    (``quota_eur``, ``Quota (EUR)``) or a currency sign (``Target €``); None for none."""
    bracket = re.search(r"\(([^)]*)\)", title)
    words = re.split(r"[\s_\-/]+", re.sub(r"\([^)]*\)", " ", title).strip())
    for candidate in ([bracket.group(1).strip()] if bracket else []) + words[-1:]:
        code = candidate.upper()
        if code in currency_codes() and code not in _WORD_CODES:
            return code
    for sign in re.findall(r"[$€£¥₹₩₽₺₪₫₦]|kr", title):
        codes = currency_in(f"{sign}1", locale, currency)
        if codes:
            return currency if currency in codes else codes[0]
    return None
