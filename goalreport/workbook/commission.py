"""The Commission sheet (SPEC §1, §3 Commission): commission plans as bands of attainment,
and the plan names on Reps, Goals and Settings checked against it.

One row per band: Plan, Tier, From, To, Rate, Bonus, Basis, Cap. How cells are read:

- **Plan**: an empty cell continues the plan of the row above (tables name a plan once
  over its bands); without a Plan column the sheet is one plan, every rep's. Names match
  as Rep IDs do (``keys.plan_key``).
- **From / To** are attainment, a share of the rep's annual target: ``70%``, ``0.7`` or
  ``70``. A plain number up to 10 is a share (``1.2`` is 120 %; Odoo's levels go to
  300 %), above 10 a percent (``120``). 0 to 1,000 %. An empty To (or no To column) runs
  to the next band's From; the last band's To is empty: open-ended.
- **Rate** is a share of credited revenue: ``4%``, ``0.04``, ``4``, ``1/25``. A plain
  number above 1 is a percent, and then every plain rate of the sheet is: a plain rate of
  1 or less beside one (``0.5`` beside ``4``), or a plain ``1`` alone, could be either and
  is a problem, as is a plain number under an Accelerator or Multiplier header (a rate
  or a multiple of one?) and a multiple (``1.5x``). 0 to 100 %.
- **Bonus** and **Cap** are money; **Basis** is marginal or retroactive (with the words
  real tables use: graduated, incremental; cliff, flat, all revenue). Basis and Cap are
  one per plan: on one of its rows or on each, the same; a plan of two bands or more must
  say its Basis (the tool never guesses which one the manager meant).

A plan's bands, in order of From, start at 0 %, follow one another without gap or
overlap, and the last is open-ended: otherwise the plan is a problem naming the cells and
the fix, and reps naming it are not also said to name an unknown plan.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from goalreport.core.commission import Band, Basis, CommissionPlan, percent_text
from goalreport.core.keys import normalize, plan_key
from goalreport.core.model import Goal, Rep, Settings
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import COMMISSION
from goalreport.workbook.table import Collector, Row, read_table
from goalreport.workbook.values import (
    ValueProblem,
    is_blank,
    parse_money,
    parse_number,
    parse_text,
    quote,
)

BASIS_WORDS: dict[str, Basis] = {
    **dict.fromkeys(("marginal", "graduated", "incremental", "progressive",
                     "non retroactive", "nonretroactive", "non retro", "each band",
                     "per band", "revenue in band", "revenue in the band"), "marginal"),
    **dict.fromkeys(("retroactive", "retro", "cliff", "flat", "flat rate", "all",
                     "all revenue", "all sales", "whole revenue", "on all revenue"),
                    "retroactive"),
}
BASIS_FIX = ("Write marginal (each band's rate on the revenue inside it) or retroactive "
             "(the band reached pays its rate on all revenue).")
#: A plain attainment above this is a percent (120), at or below a share (1.2).
SHARE_UP_TO = 10
MAX_ATTAINMENT = 10
#: Headers under which a plain number could be a multiple of a base rate.
MULTIPLE_HEADERS = {"accelerator", "accelerator rate", "multiplier"}


@dataclass
class _Line:
    """One band as read, before its plan is checked."""

    row: Row
    plan: str
    start: Fraction | None
    end: Fraction | None
    rate: Fraction | None
    bonus: Decimal | None
    basis: Basis | None
    cap: Decimal | None
    tier: str


def parse_basis(value: Any) -> Basis:
    found = BASIS_WORDS.get(normalize(parse_text(value)))
    if found is None:
        raise ValueProblem(f"{quote(value)} is not a basis. {BASIS_FIX}")
    return found


def parse_attainment(value: Any, locale: str) -> Fraction:
    """``70%``, ``0.7``, ``70``, ``1.2``, ``120``: a share of the annual target."""
    text = parse_text(value) if isinstance(value, str) else None
    example = "70% or 120%"
    if text is not None and text.endswith("%"):
        share = parse_number(text[:-1].strip(), locale, what="an attainment",
                             example=example) / 100
    else:
        share = parse_number(value, locale, what="an attainment", example=example)
        if share > SHARE_UP_TO:
            share /= 100
    if share < 0:
        raise ValueProblem(f"{quote(value)} is negative. Write an attainment from 0%, such "
                           f"as {example}.")
    if share > MAX_ATTAINMENT:
        raise ValueProblem(f"{quote(value)} is not an attainment from 0 to 1,000% of the "
                           "target (bands are in percent of the rep's annual target, not in "
                           "money). Write it as a percent, such as 120%.")
    return share


def _plain_rate(value: Any) -> bool:
    """Whether a Rate cell is a plain number (no % sign, no fraction)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    text = parse_text(value)
    return not text.endswith("%") and "/" not in text and not re.search(r"[xX×]$", text)


def parse_rate(value: Any, locale: str, *, percents: bool, header: str) -> Fraction:
    """A band's rate; ``percents``: the sheet's plain rates are percents (one is above 1)."""
    text = parse_text(value) if isinstance(value, str) else None
    example = "4% or 0.04"
    if text is not None and re.search(r"[xX×]$", text):
        raise ValueProblem(f"{quote(value)} is a multiple of a rate, not a rate. Write the "
                           "band's own rate, such as 15% for 1.5 × 10%.")
    if text is not None and text.endswith("%"):
        rate = parse_number(text[:-1].strip(), locale, what="a rate", example=example) / 100
    else:
        rate = parse_number(value, locale, what="a rate", example=example)
        if rate and normalize(header) in MULTIPLE_HEADERS and _plain_rate(value):
            raise ValueProblem(f"{quote(value)} under {header!r} could be a rate ("
                               f"{percent_text(rate / 100 if rate > 1 else rate)}) or a "
                               "multiple of a base rate. Write the band's rate with a percent "
                               "sign, such as 4%.")
        if _plain_rate(value) and rate:
            if rate > 1:
                rate /= 100
            elif percents:
                raise ValueProblem(f"{quote(value)} could be {percent_text(rate / 100)} (the "
                                   "sheet's other plain rates are percents) or "
                                   f"{percent_text(rate)}. Write it with a percent sign.")
            elif rate == 1:
                raise ValueProblem(f"{quote(value)} could be 1% or 100%. Write it with a "
                                   "percent sign.")
    if rate < 0:
        raise ValueProblem(f"{quote(value)} is negative. Write a rate from 0%, such as "
                           f"{example}.")
    if rate > 1:
        raise ValueProblem(f"{quote(value)} is more than 100% of the revenue. Write the "
                           f"band's rate, such as {example}.")
    return rate


def read_commission(book: Book, sheet: str | None, locale: str, currency: str | None,
                    out: Collector) -> tuple[dict[str, CommissionPlan], set[str]]:
    """The sheet's sound plans by ``plan_key`` and the keys of the plans with a problem
    (sheet None: not in the workbook)."""
    if sheet is None or (table := read_table(book, COMMISSION, sheet, out)) is None:
        return {}, set()
    rows = list(table.rows)
    header = {key: str(value) for key, value in _header(book, sheet, table.header_row,
                                                         table.columns).items()}
    percents = any(_plain_rate(v) and _number(v, locale) > 1 for v in
                   (row.values.get("rate") for row in rows) if not is_blank(v))
    lines: list[_Line] = []
    plan = sheet if "plan" not in table.columns else ""
    for row in rows:
        if "plan" in table.columns:
            named = row.parse("plan", parse_text, out, default="") or ""
            if not named and not plan:
                out.error(row.cell("plan"), "the Plan is missing. Write the plan's name on "
                          "its first band (the rows below it may leave it empty).")
                continue
            plan = named or plan
        lines.append(_Line(
            row, plan,
            row.parse("start", lambda v: parse_attainment(v, locale), out, required=(
                "the From is missing. Write the attainment where the band starts, such as "
                "0% for the first.")),
            row.parse("end", lambda v: parse_attainment(v, locale), out),
            row.parse("rate", lambda v: parse_rate(v, locale, percents=percents,
                                                   header=header.get("rate", "Rate")),
                      out, required="the Rate is missing. Write the band's rate, such as "
                                    "4%, or 0% for a band that pays none."),
            row.parse("bonus", lambda v: parse_money(v, locale, currency), out,
                      default=Decimal("0.00")),
            row.parse("basis", parse_basis, out),
            row.parse("cap", lambda v: parse_money(v, locale, currency), out),
            row.parse("tier", parse_text, out, default="") or ""))
    groups: dict[str, list[_Line]] = {}
    for line in lines:
        groups.setdefault(plan_key(line.plan) if "plan" in table.columns else "",
                          []).append(line)
    plans: dict[str, CommissionPlan] = {}
    flawed: set[str] = set()
    for key, group in groups.items():
        before = out.errors_seen
        built = _plan(group, "end" in table.columns, out)
        if built is None or out.errors_seen > before:
            flawed.add(key)
        else:
            plans[key] = built
    return plans, flawed


def _header(book: Book, sheet: str, number: int, columns: dict[str, int]) -> dict[str, Any]:
    """The header cells of ``columns`` (for messages that quote a column's name)."""
    for row_number, first, values in book.rows(sheet):
        if row_number == number:
            return {key: values[index - first] for key, index in columns.items()
                    if 0 <= index - first < len(values)}
    return {}


def _number(value: Any, locale: str) -> Fraction:
    try:
        return parse_number(value, locale)
    except ValueProblem:
        return Fraction(0)


def _one(group: list[_Line], field: str, title: str, out: Collector) -> tuple[Any, bool]:
    """The plan's one value of ``field`` (Basis, Cap): given on one row or on each, the
    same; (value, given)."""
    given = [(line, getattr(line, field)) for line in group if getattr(line, field) is not None]
    if not given:
        return None, False
    first_line, first = given[0]
    for line, value in given[1:]:
        if value != first:
            out.error(line.row.cell(field), f"plan {group[0].plan!r} has the {title} "
                      f"{_shown(value)} here and {_shown(first)} in {first_line.row.cell(field)}."
                      f" A plan has one {title}: write it on one of its rows, or the same on "
                      "each.", kind=f"two {field}s")
    return first, True


def _shown(value: Any) -> str:
    return f"{value:,.2f}" if isinstance(value, Decimal) else str(value)


def _plan(group: list[_Line], has_to: bool, out: Collector) -> CommissionPlan | None:
    """The plan of ``group``'s rows, its bands checked; None with its problems recorded."""
    name = group[0].plan
    lines = [line for line in group if line.start is not None and line.rate is not None
             and line.bonus is not None]
    if len(lines) < len(group):
        return None  # a cell problem, already said
    basis, said = _one(group, "basis", "Basis", out)
    cap, _ = _one(group, "cap", "Cap", out)
    if not said and len(group) > 1:
        out.error(group[0].row.cell("basis") if "basis" in group[0].row.columns else
                  group[0].row.where, f"plan {name!r} does not say its Basis. {BASIS_FIX} "
                  "Its table alone does not say which one it means.", kind="no basis")
        return None
    lines.sort(key=lambda line: line.start or 0)
    first = lines[0]
    if first.start != 0:
        out.error(first.row.cell("start"), f"plan {name!r} starts at "
                  f"{percent_text(first.start or Fraction(0))}: attainment below it is in no "
                  "band. Add a band from 0% (Rate 0% for a floor that pays nothing).",
                  kind="plan start")
        return None
    bands: list[Band] = []
    sound = True
    for index, line in enumerate(lines):
        assert line.start is not None and line.rate is not None and line.bonus is not None
        following = lines[index + 1] if index + 1 < len(lines) else None
        end = line.end
        if end is not None and end <= line.start:
            out.error(line.row.cell("end"), f"To {percent_text(end)} is not above From "
                      f"{percent_text(line.start)}. Write where the band ends, above where "
                      "it starts.", kind="band order")
            sound = False
        elif following is not None and following.start == line.start:
            out.error(following.row.cell("start"), f"plan {name!r} has two bands from "
                      f"{percent_text(line.start)} ({line.row.where} and "
                      f"{following.row.where}). Keep one band for each range of "
                      "attainment.", kind="band overlap")
            sound = False
        elif following is not None and end is not None and end != following.start:
            sound = False
            assert following.start is not None
            if end < following.start:
                out.error(following.row.cell("start"), f"From {percent_text(following.start)}"
                          f" leaves a gap after the band ending at {percent_text(end)} "
                          f"({line.row.cell('end')}): attainment between them is in no band. "
                          f"A band's To is where the next one starts: write From "
                          f"{percent_text(end)}.", kind="band gap")
            else:
                out.error(following.row.cell("start"), f"From {percent_text(following.start)}"
                          f" overlaps the band from {percent_text(line.start)} to "
                          f"{percent_text(end)} ({line.row.where}). A band's To is where the "
                          f"next one starts: write From {percent_text(end)}, or To "
                          f"{percent_text(following.start)} there.", kind="band overlap")
        elif following is None and end is not None and has_to:
            out.error(line.row.cell("end"), f"plan {name!r} ends at {percent_text(end)}: "
                      "attainment above it is in no band. Leave the last band's To empty "
                      "(open-ended), or add a band above it (Rate 0% pays nothing more).",
                      kind="plan end")
            sound = False
        bands.append(Band(line.start, following.start if following is not None else None,
                          line.rate, line.bonus, line.tier, line.row.where))
    if not sound:
        return None
    return CommissionPlan(name, basis or "marginal", tuple(bands), cap, group[0].row.where)


def check_plan_names(plans: dict[str, CommissionPlan], flawed: set[str], sheet: str | None,
                     reps: tuple[Rep, ...], goals: tuple[Goal, ...], settings: Settings,
                     out: Collector) -> None:
    """Every plan Reps, Goals or Settings' Default Plan names is on the Commission sheet
    (a problem naming the cell and the plans there, else); without a Commission sheet
    a named plan is a warning: no commission is shown."""
    named = [(rep.commission_plan, rep.commission_plan_cell) for rep in reps] + \
        [(goal.commission_plan, goal.commission_plan_cell) for goal in goals]
    if settings.default_plan:
        named.append((settings.default_plan,
                      out.setting_cells.get("default_plan", "Settings sheet")))
    for name, cell in named:
        if not name:
            continue
        if sheet is None:
            out.warn(cell, f"names the commission plan {name!r}, but the workbook has no "
                     "Commission sheet, so no commission is shown. Add a Commission sheet "
                     "(Plan, From, To, Rate, Bonus, Basis, Cap), or leave the plan out.",
                     kind="plan without sheet")
            continue
        key = plan_key(name)
        if "" in plans or "" in flawed:
            out.error(cell, f"names the plan {name!r}, but the {sheet} sheet has no Plan "
                      "column: its one table is every rep's plan. Leave the cell empty, or "
                      "add a Plan column naming each plan.", kind="unknown plan")
        elif key not in plans and key not in flawed:
            out.error(cell, f"the plan {name!r} is not on the {sheet} sheet "
                      f"({_plans(plans)}).{_near(name, plans)} Write a plan's name as its "
                      "Plan column has it, or leave the cell empty for no commission.",
                      kind="unknown plan")


def _plans(plans: dict[str, CommissionPlan]) -> str:
    names = [repr(plan.name) for plan in plans.values()]
    if not names:
        return "it has no sound plan"
    return "its plans: " + ", ".join(names[:5]) + (", …" if len(names) > 5 else "")


def _near(name: str, plans: dict[str, CommissionPlan]) -> str:
    loose = {re.sub(r"[\W_]+", "", key): plan.name for key, plan in plans.items()}
    found = loose.get(re.sub(r"[\W_]+", "", plan_key(name)))
    if found is None:
        close = difflib.get_close_matches(plan_key(name), list(plans), 1, 0.75)
        found = plans[close[0]].name if close else None
    return f" Did you mean {found!r}?" if found is not None else ""
