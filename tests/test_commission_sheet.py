"""The Commission sheet read and checked (goalreport/workbook/commission.py): each bad
input is one line naming the sheet and cell, the value and the fix; plan names on Reps,
Goals and Settings' Default Plan are checked against the sheet; tier tables under the
headers real tools use are read as the same plan.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from conftest import find_problems, format_problems, minimal_sheets, write_workbook

from goalreport.core.engine import compute
from goalreport.workbook.reader import read_workbook


def _book(tmp_path: Path, commission: list[list[Any]], plan: str | None = "AE",
          settings: list[list[Any]] = ()) -> Path:
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Team", "Plan"], ["R1", "Ana Lima", "East", plan]]
    sheets["Settings"] += settings
    sheets["Commission"] = commission
    return write_workbook(tmp_path / "book.xlsx", sheets)


def _said(tmp_path: Path, commission: list[list[Any]], **kwargs: Any) -> str:
    errors, warnings = find_problems(_book(tmp_path, commission, **kwargs))
    return format_problems(errors + warnings)


HEAD = ["Plan", "From", "To", "Rate", "Basis"]


@pytest.mark.parametrize(("rows", "said"), [
    pytest.param([HEAD, ["AE", "0%", "70%", "2%", "marginal"], ["AE", "80%", None, "4%", None]],
                 "Commission!B3: From 80% leaves a gap after the band ending at 70% "
                 "(Commission!C2): attainment between them is in no band. A band's To is "
                 "where the next one starts: write From 70%.", id="gap"),
    pytest.param([HEAD, ["AE", "0%", "70%", "2%", "marginal"], ["AE", "60%", None, "4%", None]],
                 "Commission!B3: From 60% overlaps the band from 0% to 70% (Commission row "
                 "2). A band's To is where the next one starts: write From 70%, or To 60% "
                 "there.", id="overlap"),
    pytest.param([HEAD, ["AE", "0%", None, "2%", "marginal"], [None, "70%", None, "4%",
                                                              "retroactive"]],
                 "Commission!E3: plan 'AE' has the Basis retroactive here and marginal in "
                 "Commission!E2. A plan has one Basis: write it on one of its rows, or the "
                 "same on each.", id="mixed basis"),
    pytest.param([HEAD[:4], ["AE", "0%", None, "2%"], ["AE", "70%", None, "4%"]],
                 "Commission row 2: plan 'AE' does not say its Basis. Write marginal (each "
                 "band's rate on the revenue inside it) or retroactive (the band reached "
                 "pays its rate on all revenue). Its table alone does not say which one it "
                 "means.", id="no basis"),
    pytest.param([HEAD, ["AE", "0%", None, "two", "marginal"]],
                 "Commission!D2: 'two' is not a rate. Write a number such as 4% or 0.04.",
                 id="bad rate"),
    pytest.param([HEAD, ["AE", "zero", None, "2%", "marginal"]],
                 "Commission!B2: 'zero' is not an attainment. Write a number such as 70% or "
                 "120%.", id="bad from"),
    pytest.param([HEAD, ["AE", "10%", None, "2%", "marginal"]],
                 "Commission!B2: plan 'AE' starts at 10%: attainment below it is in no band. "
                 "Add a band from 0% (Rate 0% for a floor that pays nothing).", id="no 0%"),
    pytest.param([HEAD, ["AE", "0%", "70%", 0.5, "marginal"], ["AE", "70%", None, 4, None]],
                 "Commission!D2: 0.5 could be 0.5% (the sheet's other plain rates are "
                 "percents) or 50%. Write it with a percent sign.", id="ambiguous rate"),
    pytest.param([HEAD, ["AE", "0%", None, "150%", "marginal"]],
                 "Commission!D2: '150%' is more than 100% of the revenue. Write the band's "
                 "rate, such as 4% or 0.04.", id="rate over 100%"),
    pytest.param([HEAD, ["AE", 0, None, "2%", "marginal"], ["AE", 70000, None, "4%", None]],
                 "Commission!B3: 70000 is not an attainment from 0 to 1,000% of the target "
                 "(bands are in percent of the rep's annual target, not in money). Write it "
                 "as a percent, such as 120%.", id="money for attainment"),
    pytest.param([HEAD + ["Cap"], ["AE", "0%", None, "2%", "marginal", "lots"]],
                 "Commission!F2: 'lots' is not an amount of money. Write a number such as "
                 "1000 or $1,000.50.", id="bad cap"),
    pytest.param([HEAD, ["AE", "0%", "70%", "2%", "marginal"], ["AE", "70%", "100%", "4%", None]],
                 "Commission!C3: plan 'AE' ends at 100%: attainment above it is in no band. "
                 "Leave the last band's To empty (open-ended), or add a band above it (Rate "
                 "0% pays nothing more).", id="closed top"),
])
def test_each_bad_plan_is_one_line_with_its_cell_and_fix(tmp_path, rows, said):
    # The rep naming a flawed plan is not also told the plan is unknown.
    assert _said(tmp_path, rows) == said


def test_an_unknown_plan_names_the_plans_there_and_a_near_one(tmp_path):
    said = _said(tmp_path, [["Plan", "From", "Rate", "Basis"], ["AE 2026", "0%", "2%", "marginal"],
                            ["Junior", 0, "1%", None]],
                 plan="A E 2026", settings=[["Default Plan", "Senior"]])
    assert said.splitlines() == [
        ("Reps!D2: the plan 'A E 2026' is not on the Commission sheet (its plans: 'AE 2026', "
        "'Junior'). Did you mean 'AE 2026'? Write a plan's name as its Plan column has it, "
        "or leave the cell empty for no commission."),
        ("Settings!B4: the plan 'Senior' is not on the Commission sheet (its plans: 'AE "
        "2026', 'Junior'). Write a plan's name as its Plan column has it, or leave the cell "
        "empty for no commission.")]


def test_default_plan_and_the_plan_named_first(tmp_path):
    """Settings' Default Plan for a rep naming none; the Reps row's beats it. R1 names
    AE (2 % of 100 = 2.00), R2 none: the Default Plan Flat (10 % of 300 = 30.00)."""
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Team", "Plan"], ["R1", "Ana Lima", "East", "ae"],
                      ["R2", "Ben Ode", "East", None]]
    sheets["Goals"].append(["R2", 2026, 1000, 1000, 100])
    sheets["Activity"].append([sheets["Activity"][2][0], "R2", "won", "Beta", "new", 300, None])
    sheets["Settings"].append(["Default Plan", "Flat"])
    sheets["Commission"] = [["Plan", "From", "Rate", "Basis"], ["AE", "0%", "2%", "marginal"],
                            ["Flat", "0%", "10%", None]]
    data = read_workbook(write_workbook(tmp_path / "book.xlsx", sheets))
    found = {r.rep.rep_id: r.commission for r in compute(data, as_of=data.settings.as_of
                                                         ).results}
    assert (found["R1"].plan.name, found["R1"].earned, found["R1"].named_in) == (
        "AE", Decimal("2.00"), "Reps!D2")
    assert (found["R2"].plan.name, found["R2"].earned) == ("Flat", Decimal("30.00"))


def test_odoo_and_slab_headers(tmp_path):
    """Odoo's commission plan levels are labelled "Target completion (%)" (its
    sale_commission module, model ``sale.commission.plan.target.commission``:
    ``target_rate = fields.Float("Target completion (%)", ...)``), rate tables "Commission
    Rate", slab tables "Slab"; the basis in words such tables use ("graduated"). Read as
    one plan: 2 % to 70 %, 4 % above, marginal."""
    said = _said(tmp_path, [["Comp Plan", "Slab", "Target completion (%)", "Commission Rate",
                             "Tier Type"],
                            ["AE", "Base", 0, "2%", "graduated"], [None, "Mid", 70, "4%", None]])
    assert said == ""
    data = read_workbook(_book(tmp_path, [["Comp Plan", "Slab", "Target completion (%)",
                                           "Commission Rate", "Tier Type"],
                                          ["AE", "Base", 0, "2%", "graduated"],
                                          [None, "Mid", 70, "4%", None]]))
    plan = data.commission_plans["ae"]
    assert (plan.basis, [(b.start, b.rate, b.name) for b in plan.bands]) == ("marginal", [
        (Fraction(0), Fraction(2, 100), "Base"), (Fraction(7, 10), Fraction(4, 100), "Mid")])


def test_the_readmes_sample_table_pays_what_the_readme_says(tmp_path):
    """README's sample Commission table, read as typed: at 110,000 of a 100,000 target
    AE 2026 pays 18,100.00, and the next tier is 10,000 away: 8 % and a 20,000 bonus,
    38,600.00 then."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("| Plan | Tier | From |")
    lines = readme[start:readme.index("\n\n", start)].splitlines()
    table = [[cell.strip() or None for cell in line.strip("|").split("|")]
             for line in lines if not line.startswith("|---")]
    table = [[int(c) if c and c.isdigit() else c for c in row] for row in table]
    sheets = minimal_sheets()
    sheets["Reps"] = [["Rep ID", "Name", "Team", "Plan"], ["R1", "Ana Lima", "East", "AE 2026"]]
    sheets["Goals"][1] = ["R1", 2026, 50000, 50000, 10000]
    sheets["Activity"][2][-2] = 110000
    sheets["Commission"] = table
    data = read_workbook(write_workbook(tmp_path / "book.xlsx", sheets))
    figures = compute(data, as_of=data.settings.as_of).results[0].commission
    assert figures.earned == Decimal("18100.00")
    tier = figures.next_tier
    assert (tier.to_win, tier.band.rate, tier.band.bonus, tier.band.name, tier.earned) == (
        Decimal("10000.00"), Fraction(8, 100), Decimal(20000), "Top", Decimal("38600.00"))
