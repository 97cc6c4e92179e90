"""goalreport against a company workbook it was not written for: Northwind
Trading (``company_book.py``: ~200 reps, 3 regions, 12 territories, 4 levels of
managers, quarterly quotas with own quotas for regions, territories and regional VPs, a
pasted Salesforce report). Every roll-up is checked against sums the test works out
itself from the people and deals it generated, and every manager's PDF against the reps
of their subtree walked here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from company_book import AS_OF, QUARTERS, REGIONS, Company, build
from conftest import find_problems
from test_manager_summaries import pdf_text

from goalreport.jobs import JobOptions, run_job

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def northwind(tmp_path_factory: pytest.TempPathFactory) -> tuple[Company, Path]:
    path = tmp_path_factory.mktemp("northwind") / "northwind.xlsx"
    company = build(path)
    errors, warnings = find_problems(path)
    assert (errors, warnings) == ([], [])
    run_job(path, JobOptions(today=AS_OF, now=dt.datetime(2026, 10, 16, 6), jobs=2))
    return company, path


def _blocks(path: Path) -> dict[str, list[dict[str, Any]]]:
    """Team Summary's roll-up blocks, each as rows of {header: value}."""
    cells = [[c.value for c in row] for row in openpyxl.load_workbook(path)["Team Summary"]
             .iter_rows()]
    found: dict[str, list[dict[str, Any]]] = {}
    for index, row in enumerate(cells):
        if row[0] in ("By region", "By territory", "By segment", "Manager tree"):
            header = [h for h in cells[index + 1] if h is not None]
            rows = []
            for data in cells[index + 2:]:
                if data[0] is None:
                    break
                rows.append(dict(zip(header, data, strict=False)))
            found[row[0]] = rows
    return found


def _won(company: Company, reps: set[str]) -> Decimal:
    return Decimal(sum(amount for key, day, amount in company.won
                       if key in reps and day <= AS_OF))


def _target(company: Company, reps: set[str]) -> int:
    return sum(sum(company.people[key].quotas) for key in reps)


def test_regions_sum_their_reps_and_show_their_own_quota(northwind) -> None:
    company, path = northwind
    regions = {row["Region"]: row for row in _blocks(path)["By region"]}
    assert sorted(regions) == sorted(REGIONS)
    for region in REGIONS:
        reps = {r.key for r in company.reps if r.region == region and r.active}
        row = regions[region]
        assert row["Reps"] == len(reps)
        assert row["Reps' Targets"] == _target(company, reps)
        assert Decimal(str(row["Actual"])) == _won(company, reps)
        # Own quota: 95 % of the reps' quarters, each rounded to the thousand.
        own = sum(round(sum(company.people[k].quotas[i] for k in reps) * 0.95, -3)
                  for i in range(len(QUARTERS)))
        assert row["Own Quota"] == row["Annual Target"] == own
        assert row["Over/Under-Assigned"] == row["Reps' Targets"] - own


def test_territories_group_spellings_and_keep_reps_without_one(northwind) -> None:
    company, path = northwind
    rows = {row["Territory"]: row for row in _blocks(path)["By territory"]}
    assert len(rows) == 13  # 12 territories and "(no territory)"
    west = {r.key for r in company.reps if r.territory.casefold() == "us west" and r.active}
    assert rows["US West"]["Reps"] == len(west)  # "us west" typed once is US West
    assert rows["(no territory)"]["Reps"] == 1
    assert sum(row["Reps"] for row in rows.values()) == \
        sum(r.active for r in company.reps) == 202
    dach = {r.key for r in company.reps if r.territory == "DACH" and r.active}
    assert rows["DACH"]["Own Quota"] == _target(company, dach) + 4 * 20_000
    assert rows["DACH"]["Over/Under-Assigned"] == -80_000


def test_the_manager_tree_has_four_levels_and_each_subtree_sums(northwind) -> None:
    company, path = northwind
    tree = _blocks(path)["Manager tree"]
    assert {row["Level"] for row in tree} == {1, 2, 3, 4}
    assert tree[0]["Manager"] == "Vera Lindqvist" and tree[-1]["Manager"] == "(no manager)"
    assert tree[-1]["Reps"] == 2
    by_id = {row["Manager ID"]: row for row in tree if row["Manager ID"]}
    assert len(by_id) == 16 + 24  # the Managers sheet's, and the team leads
    for key, row in by_id.items():
        reps = company.subtree(key)
        assert row["Reps"] == len(reps), key
        assert row["Reps' Targets"] == _target(company, reps), key
        assert Decimal(str(row["Actual"])) == _won(company, reps), key
    # A regional VP's own quota is 102 % of their reps' quarters.
    amer = by_id["M10"]
    assert amer["Own Quota"] > amer["Reps' Targets"]


def test_every_managers_pdf_holds_exactly_their_subtree(northwind) -> None:
    company, path = northwind
    folder = path.parent / "reports" / "2026-10"
    summaries = sorted(folder.glob("team-summary-*.pdf"))
    assert len(summaries) == 40
    for pdf in summaries:
        key = pdf.name.split("-")[2]
        shown = set(re.findall(r"\bN\d{4}\b", pdf_text(pdf))) - {key}
        assert shown == company.subtree(key) - {key}, pdf.name
    everyone = set(re.findall(r"\bN\d{4}\b", pdf_text(folder / "team-summary.pdf")))
    assert everyone == {r.key for r in company.reps if r.active}
    assert len(list(folder.glob("N*.pdf"))) == 202
