"""The weekly pace digest: what it says of each rep against the last
digest, by hand-worked example, and how its mail reads, in plain text and in a real
browser (Debian's Chromium, headless: the HTML is drawn at a phone's width and looked at).

The company: ``company_tree.py``, As Of 2026-06-30 (a Tuesday: the week of Monday 29
June). Ana Lima's subtree: R1 (pace 30,000 / 25,800), R2 (10,000 / 12,900), R3 (12,900 /
12,900), R5 (6,450 / 12,900).
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from company_tree import AS_OF, company_sheets, company_workbook
from conftest import write_workbook

from goalreport.core.digest import RepSnapshot, digest, digest_week, snapshots
from goalreport.core.engine import compute
from goalreport.core.formatting import Formatter
from goalreport.core.rollup import subtree
from goalreport.delivery.compose import DIGEST_TEMPLATE, email_environment, render_email
from goalreport.delivery.digestmail import digest_context
from goalreport.workbook.reader import read_workbook

CHROMIUM = shutil.which("chromium")
#: The flags a headless run needs here: no sandbox as root, and no background
#: networking (this machine's network is closed; /work/.library/env/machines/python.md).
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars")
#: Last week's digest, as its record keeps it.
BEFORE = {
    "r1": RepSnapshot(Fraction(4, 5), "At risk", Decimal("24000.00")),
    "r2": RepSnapshot(Fraction(19, 20), "Slightly behind", Decimal("8000.00")),
    "r3": RepSnapshot(Fraction(11, 10), "On track", Decimal("12900.00")),
}


@pytest.fixture(scope="module")
def anas(tmp_path_factory: pytest.TempPathFactory):
    data = read_workbook(company_workbook(tmp_path_factory.mktemp("digest") / "tree.xlsx"))
    computation = compute(data, as_of=AS_OF)
    view = subtree(computation, "r1")
    week = digest_week(AS_OF, data.settings)
    return computation, digest(view, BEFORE, week=week, before_as_of=dt.date(2026, 6, 23),
                               since_digest=True)


def test_each_reps_pace_and_status_against_last_weeks_digest(anas) -> None:
    _computation, ana = anas
    assert ana.week == dt.date(2026, 6, 29)
    # Worst status first, then lowest pace: Eva (Behind, 0.5), Ben (At risk, 0.775),
    # Chloé (On track, 1.0), Ana (On track, 1.163).
    assert [row.result.rep.rep_id for row in ana.rows] == ["R5", "R2", "R3", "R1"]
    eva, ben, chloe, ana_row = ana.rows
    assert (eva.move, eva.pace_change, eva.won_since) == ("new", None, None)
    # Ben: 19/20 → 10,000/12,900; Slightly behind → At risk; won 10,000 − 8,000.
    assert ben.move == "down"
    assert ben.pace_change == Fraction(10000, 12900) - Fraction(19, 20)
    assert ben.won_since == Decimal("2000.00")
    assert (chloe.move, chloe.pace_change) == ("same", Fraction(-1, 10))
    assert (ana_row.move, ana_row.won_since) == ("up", Decimal("6000.00"))
    assert ana.moved_down == (ben,)
    # Gaps: R1 52,200 − 30,000; R5 26,100 − 6,450; R2 26,100 − 10,000; R3 13,200.
    assert [(row.result.rep.rep_id, row.gap) for row in ana.largest_gaps] == [
        ("R1", Decimal("22200.00")), ("R5", Decimal("19650.00")), ("R2", Decimal("16100.00"))]
    assert not ana.has_coverage  # no open deals in this workbook: no pipeline said


def test_snapshots_are_what_the_next_digest_compares_with(anas) -> None:
    computation, _ana = anas
    kept = snapshots(subtree(computation, "r2"))
    assert kept == {"r2": RepSnapshot(Fraction(10000, 12900), "At risk", Decimal("10000.00")),
                    "r5": RepSnapshot(Fraction(1, 2), "Behind", Decimal("6450.00"))}
    assert RepSnapshot.from_json(kept["r2"].to_json()) == kept["r2"]


def _mail(anas):
    computation, ana = anas
    context = digest_context(ana, computation.org, Formatter("en_US", "USD"),
                             company="Tree Co")
    return render_email(email_environment(None), DIGEST_TEMPLATE, context)


def test_the_plain_text_says_it_all(anas) -> None:
    mail = _mail(anas)
    assert mail.subject == "Weekly pace, Ana Lima's team, week of Jun 29: 92% of plan, 1 " \
        "moved down"
    assert mail.text.splitlines() == [
        ("Ana Lima's team this week (4 reps, as of Jun 30, 2026): pace 92% of the plan to "
        "date, $59,350 of $130,500 (45%)."),
        "  2 on track, 1 at risk, 1 behind",
        "",
        "Changes are since last week's digest (Jun 23, 2026).",
        "",
        "Moved down a status:",
        "  - Ben Ode (R2): Slightly behind → At risk, pace 95% → 78%",
        "",
        # A week is 5 of the 132 working days left: 22,200 × 5 / 132 = 840.91 …
        "Largest gaps:",
        "  - Ana Lima (R1): $22,200 to go, $841 a week",
        "  - Eva Novak (R5): $19,650 to go, $744 a week",
        "  - Ben Ode (R2): $16,100 to go, $610 a week",
        "",
        "Every rep (pace, change, status, won since):",
        "  - Eva Novak (R5): 50%, –, Behind (new), –",
        # 10,000 / 12,900 = 77.5 % against 95 %: −17.5 points; Ana 116.3 % against 80 %.
        "  - Ben Ode (R2): 78%, −17.5 pts, At risk (down), $2,000",
        "  - Chloé Martin (R3): 100%, −10.0 pts, On track, $0",
        "  - Ana Lima (R1): 116%, +36.3 pts, On track (up), $6,000",
        "",
        ("Tree Co sales: the weekly pace digest, sent by goalreport. The monthly summary has "
        "the whole picture.")]


def test_the_html_is_mail_safe(anas) -> None:
    html = _mail(anas).html
    assert "<style" not in html and "<script" not in html and "http" not in html
    assert "Moved down a status" in html and "Ben Ode" in html


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed here "
                    "(apt-get install chromium): the digest is drawn in a real browser")
@pytest.mark.parametrize("width", [360, 800])
@pytest.mark.parametrize("book", ["anas", "anas_deals"])
def test_the_html_draws_within_a_phone_and_a_desktop_width(
        request: pytest.FixtureRequest, tmp_path: Path, book: str, width: int) -> None:
    """Chromium draws the mail (with and without the coverage column); nothing may
    reach the 8 px margin the outer table keeps on each side (a table wider than the
    screen would be cut at the edge)."""
    from PIL import Image

    page = tmp_path / "digest.html"
    page.write_text(_mail(request.getfixturevalue(book)).html, encoding="utf-8")
    shot = tmp_path / f"digest-{book}-{width}.png"
    assert CHROMIUM is not None
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}",
                    f"--screenshot={shot}", f"--window-size={width},1400", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = Image.open(shot).convert("RGB")
    assert image.size == (width, 1400)
    background = (0xf3, 0xf5, 0xf8)
    for x in (*range(6), *range(width - 6, width)):
        assert {image.getpixel((x, y)) for y in range(0, 1400, 4)} == {background}, x
    # The brand rule at the top and dark text were drawn.
    colours = {image.getpixel((x, y)) for x in range(0, width, 2) for y in range(0, 1400, 2)}
    assert (0x1f, 0x5f, 0xa8) in colours
    assert any(sum(c) < 200 for c in colours)
    if (keep := Path("/tmp/goalreport-digest-shots")).is_dir():
        shutil.copy(shot, keep / shot.name)  # to look at while working on the template


@pytest.fixture(scope="module")
def anas_deals(tmp_path_factory: pytest.TempPathFactory):
    """The company with ``test_rollup_pipeline``'s open deals: Ana's R1 (26,100 Commit)
    and Chloé's R3 (6,600 Best Case); R2 and R5 have none."""
    from test_rollup_pipeline import DEALS, HEADER

    sheets = company_sheets()
    sheets["Pipeline"] = [HEADER, *DEALS]
    data = read_workbook(write_workbook(tmp_path_factory.mktemp("deals") / "tree.xlsx",
                                        sheets))
    computation = compute(data, as_of=AS_OF)
    return computation, digest(subtree(computation, "r1"), BEFORE,
                               week=digest_week(AS_OF, data.settings),
                               before_as_of=dt.date(2026, 6, 23), since_digest=True)


def test_with_open_deals_the_digest_says_coverage(anas_deals) -> None:
    """Ana's subtree: 26,100 + 6,600 open for 22,200 + 16,100 + 13,200 + 19,650 = 71,150
    still to win: 0.46×, against the 3.0× each rep wants (no close rate: Settings'
    default); landing 30,000 + 26,100 Commit + 10,000 + 12,900 + 6,450 = 85,450. Ana
    (R1): 26,100 ÷ 22,200 = 1.18×; Chloé (R3): 6,600 ÷ 13,200 = 0.5×."""
    _computation, ana = anas_deals
    assert ana.has_coverage
    lines = _mail(anas_deals).text.splitlines()
    assert lines[2] == "  Coverage 0.5× against 3.0× wanted; landing $85,450."
    gaps = lines.index("Largest gaps:")
    assert lines[gaps + 1:gaps + 4] == [
        "  - Ana Lima (R1): $22,200 to go, $841 a week, coverage 1.2×",
        "  - Eva Novak (R5): $19,650 to go, $744 a week, no open deals",
        "  - Ben Ode (R2): $16,100 to go, $610 a week, no open deals"]
    every = lines.index("Every rep (pace, change, status, won since, coverage):")
    assert lines[every + 3] == "  - Chloé Martin (R3): 100%, −10.0 pts, On track, $0, " \
        "coverage 0.5×"
    html = _mail(anas_deals).html
    assert "coverage 1.2×" in html and "no open deals" in html


def test_a_change_too_small_to_show_has_no_sign() -> None:
    """The demo's digest once read "−0.0 pts" for a pace that fell by 0.04 points: the
    sign came from the exact change, the figure from its rounding."""
    from goalreport.delivery.digestmail import points

    fmt = Formatter("en_US", "USD")
    assert [points(Fraction(n, 10_000), fmt) for n in (-4, 4, 0, -6, 6, -260)] == [
        "±0.0 pts", "±0.0 pts", "±0.0 pts", "−0.1 pts", "+0.1 pts", "−2.6 pts"]
