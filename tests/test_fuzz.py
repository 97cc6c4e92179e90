"""Fuzzing, bounded for CI (issue "Hostile and broken files").

(a) Workbooks built by hypothesis with random values and types under random subsets of the
    right headers: reading, computing and building the sheets either succeed or raise
    ``InputProblems`` / ``UnreadableWorkbook``, and every problem says where and what.
(b) Byte-level mutations of the sample workbook (truncated, bytes flipped, zip entries
    shuffled, duplicated, dropped or replaced, XML parts cut or spliced): ``check`` raises
    only ``GoalreportError``; a few go through the real command too.

``GOALREPORT_FUZZ_EXAMPLES`` raises the number of examples for a longer local hunt.
"""

from __future__ import annotations

import io
import os
import random
import tempfile
import warnings
import zipfile
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goalreport import jobs as pipeline
from goalreport.cli import cli
from goalreport.core.engine import compute
from goalreport.core.sheets import computed_tables
from goalreport.errors import GoalreportError, InputProblems, Problem, UnreadableWorkbook
from goalreport.loading import resolve_dates
from goalreport.workbook.reader import read_workbook
from goalreport.workbook.schema import (
    ACTIVITY,
    GOALS,
    HOLIDAYS,
    REPS,
    SEASONALITY,
    SETTING_SPECS,
    TIME_OFF,
)

SAMPLE = REPO / "sample_workbooks" / "acme-sales-2026.xlsx"
EXAMPLES = int(os.environ.get("GOALREPORT_FUZZ_EXAMPLES", "0")) or None


def fuzz(examples: int) -> settings:
    """Modest, deadline-free settings (``GOALREPORT_FUZZ_EXAMPLES`` overrides the count)."""
    return settings(max_examples=EXAMPLES or examples, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------- (a) generated workbooks

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
TOKENS = st.sampled_from([
    "=1+1", "=A1/0", "=SUM(B:B)", "=cmd|' /C calc'!A0", "#N/A", "#DIV/0!", "30%", "1/3",
    "0/0", "1,234.50", "1.234,50", "$5,000", "€ 12", "-0", "1e308", "-1e308", "1e-320",
    "NaN", "inf", "yes", "no", "TRUE", "Mon-Fri", "Sat-Fri", "2026-02-30", "31/12/2026",
    "2026-10", "October", "lead", "won", "Closed Won", "meeting", "focus", "lost", "new",
    "repeat", "R1", "R2", " r1 ", "Ana", "", " ", "\u00a0", "٣", "①", "𝟙𝟚", "ＲＥＰ"])
ANY = st.one_of(
    st.none(), st.booleans(), TEXT, TOKENS,
    st.integers(-10**20, 10**20), st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e7, 1e7),
    st.dates(date(1900, 3, 1), date(9999, 12, 31)),
    st.dates(date(2024, 1, 1), date(2027, 12, 31)),
    st.datetimes(datetime(1900, 3, 1), datetime(9999, 12, 31)),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=300, max_size=3000),
)
PLAUSIBLE: dict[str, st.SearchStrategy[Any]] = {
    "rep_id": st.sampled_from(["R1", "R2", "r1 ", "R3"]),
    "name": st.sampled_from(["Ana Lima", "Bo", "Zoë Ørsted"]),
    "team": st.sampled_from(["East", "West", ""]),
    "active": st.sampled_from(["yes", "no", True, False, 1, 0]),
    "start_date": st.dates(date(2024, 1, 1), date(2027, 1, 1)),
    "ramp_months": st.integers(0, 30),
    "year": st.sampled_from([2025, 2026, 2027, "2026"]),
    "new_target": st.integers(0, 2_000_000),
    "repeat_target": st.integers(0, 2_000_000),
    "avg_deal_size": st.integers(1, 100_000),
    "close_rate": st.sampled_from([0.3, "30%", "1/3", 0, 1, 2]),
    "date": st.dates(date(2025, 1, 1), date(2027, 1, 1)),
    "type": st.sampled_from(["lead", "meeting", "won", "lost", "focus", "call", "sale"]),
    "client": st.sampled_from(["Acme", "Globex", "Initech"]),
    "client_type": st.sampled_from(["new", "repeat", "existing", None]),
    "amount": st.integers(-1000, 1_000_000),
    "hours": st.floats(0, 30),
    "month": st.integers(0, 13),
    "weight": st.floats(-1, 3),
    "start": st.dates(date(2025, 1, 1), date(2027, 1, 1)),
    "end": st.dates(date(2025, 1, 1), date(2027, 1, 1)),
}
SETTING_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "currency": st.sampled_from(["USD", "EUR", "JPY", "XXX", "usd", "ABCD"]),
    "locale": st.sampled_from(["en_US", "de_DE", "fr_FR", "xx_YY", "en", "C"]),
    "fiscal_year_start": st.sampled_from([1, 4, "April", 13, 0, "Apr"]),
    "working_days": st.sampled_from(["Mon-Fri", "Sun-Thu", "Sat", "Mon,Tue,Thu", "none"]),
    "holiday_country": st.sampled_from(["US", "GB", "US-CA", "ZZ", "DE-BY", ""]),
    "as_of": st.dates(date(2024, 6, 1), date(2027, 6, 1)),
}


def _cell(column: str) -> st.SearchStrategy[Any]:
    plausible = PLAUSIBLE.get(column)
    return ANY if plausible is None else st.one_of(plausible, plausible, ANY)


@st.composite
def _table(draw: st.DrawFn, spec: Any) -> list[list[Any]]:
    """A header of a random subset of the sheet's columns (maybe a stray one), then rows."""
    keys = draw(st.lists(st.sampled_from([c.key for c in spec.columns]), unique=True,
                         min_size=0, max_size=len(spec.columns)))
    titles = [next(c.title for c in spec.columns if c.key == key) for key in keys]
    if draw(st.booleans()):
        titles.insert(draw(st.integers(0, len(titles))), draw(st.one_of(TEXT, st.none())))
    keyed = keys[:]
    rows = [titles]
    for _ in range(draw(st.integers(0, 6))):
        rows.append([draw(_cell(keyed[i] if i < len(keyed) else "")) for i in range(len(titles))])
    return rows


@st.composite
def _settings(draw: st.DrawFn) -> list[list[Any]]:
    rows: list[list[Any]] = [["Setting", "Value"]]
    for spec in draw(st.lists(st.sampled_from(SETTING_SPECS), max_size=6)):
        values = SETTING_VALUES.get(spec.key)
        value = draw(ANY if values is None else st.one_of(values, values, ANY))
        rows.append([spec.title, value])
    if draw(st.booleans()):
        rows.append([draw(st.one_of(TEXT, ANY)), draw(ANY)])
    return rows


@st.composite
def workbooks(draw: st.DrawFn) -> dict[str, list[list[Any]]]:
    sheets: dict[str, list[list[Any]]] = {}
    for spec in (REPS, GOALS, ACTIVITY, SEASONALITY, HOLIDAYS, TIME_OFF):
        if draw(st.integers(0, 4)):  # mostly present: the interesting cases are deeper
            sheets[spec.title] = draw(_table(spec))
    if draw(st.booleans()):
        sheets["Settings"] = draw(_settings())
    return sheets


def _save(sheets: dict[str, list[list[Any]]], path: Path) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if not sheets:
        book.create_sheet("Sheet1")
    book.save(path)


def _well_said(problems: tuple[Problem, ...]) -> None:
    for problem in problems:
        assert problem.where.strip(), problem
        assert problem.message.strip(), problem


def _read_compute_tables(path: Path, as_of: date) -> None:
    """What ``run`` does in memory: read, compute, build every computed sheet."""
    try:
        data = read_workbook(path)
        when, month = resolve_dates(data.settings.as_of, as_of=None, month=None,
                                             today=as_of)
        computation = compute(data, as_of=when, report_month=month)
        tables = computed_tables(computation)
    except InputProblems as error:
        assert error.problems
        _well_said(error.problems)
        _well_said(error.warnings)
        return
    except UnreadableWorkbook as error:
        assert str(error).strip() and "\n" not in str(error)
        return
    _well_said(data.warnings)
    _well_said(tuple(computation.warnings))
    assert [t.name for t in tables] == ["Plan", "Weekly Plan", "Progress", "Team Summary"]


@pytest.mark.slow
@fuzz(60)
@given(sheets=workbooks(), today=st.dates(date(2024, 1, 1), date(2028, 1, 1)))
def test_generated_workbooks_succeed_or_raise_input_problems(sheets, today) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.xlsx"
        _save(sheets, path)
        _read_compute_tables(path, today)


# ---------------------------------------------------------------- (b) mutated bytes

INTERESTING = [
    b'<c r="XFD1048577" t="s"><v>99999</v></c>', b'<c r="A1" t="s"><v>-1</v></c>',
    b'<c r="B2" t="e"><v>#REF!</v></c>', b'<c r="C3" t="d"><v>not a date</v></c>',
    b'<c r="D4"><v>1e999</v></c>', b'<c r="E5" t="b"><v>7</v></c>', b'<row r="0">',
    b'<row r="99999999999">', b"&amp;", b"&bogus;", b"<", b"]]>", b"\x00", b"\xff\xfe",
    b'<dimension ref="A1:ZZZ9999999"/>', b'<sheet name="Reps" sheetId="1" r:id="rId99"/>',
    b'<si><t>', b"</sst>", b'Target="../../../etc/passwd"', b'<f>1+1</f>',
]


def _entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def _rezip(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    out = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        warnings.simplefilter("ignore")  # "Duplicate name": on purpose
        for info, body in entries:
            archive.writestr(info.filename, body)
    return out.getvalue()


def mutate(original: bytes, rng: random.Random, how: str) -> bytes:
    """``original`` damaged one way; ``how`` names the way (for the failure message)."""
    data = bytearray(original)
    entries = _entries(original)
    if how == "truncate":
        return bytes(data[:rng.randrange(len(data))])
    if how == "flip":
        for _ in range(rng.randint(1, 20)):
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return bytes(data)
    if how == "flip-directory":  # the central directory at the end: sizes, offsets, names
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(max(0, len(data) - 1500), len(data))] = rng.randrange(256)
        return bytes(data)
    if how == "shuffle":
        rng.shuffle(entries)
    elif how == "duplicate":
        entries.insert(rng.randrange(len(entries) + 1), rng.choice(entries))
    elif how == "drop":
        entries.pop(rng.randrange(len(entries)))
    elif how == "garbage":
        index = rng.randrange(len(entries))
        entries[index] = (entries[index][0], rng.randbytes(rng.randint(0, 4000)))
    elif how in ("cut-xml", "splice-xml"):
        index = rng.randrange(len(entries))
        info, body = entries[index]
        at = rng.randrange(len(body) + 1)
        if how == "cut-xml":
            body = body[:at] + body[at + rng.randint(1, 200):]
        else:
            body = body[:at] + rng.choice(INTERESTING) + body[at:]
        entries[index] = (info, body)
    return _rezip(entries)


HOWS = ("truncate", "flip", "flip-directory", "shuffle", "duplicate", "drop", "garbage",
        "cut-xml", "splice-xml")


@lru_cache(maxsize=1)
def _sample() -> bytes:
    return SAMPLE.read_bytes()


@pytest.fixture(scope="module")
def sample_bytes() -> None:
    """Skip when the sample is not built (the bytes come from ``_sample``, so that
    hypothesis does not print 80 kB of them with a failing example)."""
    if not SAMPLE.exists():
        pytest.skip(f"sample workbook not built: {SAMPLE}")


@pytest.mark.slow
@fuzz(45)
@given(how=st.sampled_from(HOWS), seed=st.integers(0, 2**32 - 1))
def test_check_on_mutated_sample_raises_only_goalreport_errors(sample_bytes, how, seed) -> None:
    mutated = mutate(_sample(), random.Random(seed), how)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "acme.xlsx"
        path.write_bytes(mutated)
        try:
            pipeline.check_workbook(path, today=date(2026, 11, 1))
        except GoalreportError as error:
            assert str(error).strip()
            if isinstance(error, InputProblems):
                _well_said(error.problems)
        assert path.read_bytes() == mutated
        assert os.listdir(folder) == ["acme.xlsx"]


@pytest.mark.parametrize("how", ["truncate", "garbage", "splice-xml", "drop"])
def test_mutated_sample_through_the_commands(sample_bytes, tmp_path, how) -> None:
    # The sample gained a Managers sheet: "goalreport-splice-xml" now puts a
    # NUL between two rows of Seasonality, which calamine reads past; "-2" breaks a cell.
    seed = "goalreport-splice-xml-2" if how == "splice-xml" else f"goalreport-{how}"
    mutated = mutate(_sample(), random.Random(seed), how)
    path = tmp_path / "acme.xlsx"
    path.write_bytes(mutated)
    for command in ("check", "run"):
        extra = ["--out", str(tmp_path / "reports")] if command == "run" else []
        # catch_exceptions=False: a traceback would fail the test right here.
        result = CliRunner().invoke(cli, [command, str(path), *extra], catch_exceptions=False)
        assert result.exit_code == 1, result.stderr
        assert result.stderr.splitlines()[-1].startswith(("Error: ", "1 input problem",
                                                          "2 input problems"))
        assert path.read_bytes() == mutated
    assert sorted(os.listdir(tmp_path)) == ["acme.xlsx"]


# ---------------------------------------------------------------- regressions they found


@pytest.mark.parametrize("value", [1e26, 10**20, "9" * 40, "2e15", 1e15])
def test_huge_amounts_are_input_problems_not_crashes(value) -> None:
    """Decimal's quantize raised InvalidOperation for amounts beyond 28 digits."""
    from goalreport.workbook.values import ValueProblem, parse_decimal_amount, parse_money

    for parse in (parse_money, parse_decimal_amount):
        try:
            parse(value)
        except ValueProblem as problem:
            assert "too large" in problem.message or "is not" in problem.message
        else:
            raise AssertionError(f"{parse.__name__}({value!r}) was accepted")
    assert parse_money(999_999_999_999.99) == Decimal("999999999999.99")


def test_huge_target_in_a_workbook_is_named(make_workbook) -> None:
    from conftest import minimal_sheets

    sheets = minimal_sheets()
    sheets["Goals"][1][4] = 1e26
    with pytest.raises(InputProblems) as raised:
        read_workbook(make_workbook(sheets))
    assert [str(p) for p in raised.value.problems] == [(
        "Goals!E2: 1e+26 is too large: amounts must be below 1,000,000,000,000,000. "
        "Write a number such as 1000 or $1,000.50.")]


def _patched(path: Path, at: int, data: bytes) -> Path:
    raw = bytearray(path.read_bytes())
    raw[at:at + len(data)] = data
    path.write_bytes(bytes(raw))
    return path


def _small_zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_rels/.rels", "<Relationships/>" * 50)
        archive.writestr("[Content_Types].xml", "<Types/>")
    return path


def test_corrupt_deflate_data_is_a_damaged_zip(tmp_path) -> None:
    """zlib.error escaped the package reader (which once ran before the safety scan)."""
    path = _small_zip(tmp_path / "broken.xlsx")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("_rels/.rels")
    start = info.header_offset + 30 + len(info.filename.encode())
    _patched(path, start, b"\xff" * 4)  # an invalid deflate block type
    before = path.read_bytes()
    with pytest.raises(UnreadableWorkbook, match=r"^broken\.xlsx"):
        pipeline.check_workbook(path, today=date(2026, 11, 1))
    assert path.read_bytes() == before


def test_unknown_zip_version_is_a_damaged_zip(tmp_path) -> None:
    """zipfile raises NotImplementedError for a central directory asking version 9.8."""
    path = _small_zip(tmp_path / "future.xlsx")
    directory = path.read_bytes().index(b"PK\x01\x02")
    _patched(path, directory + 6, bytes([98, 0]))
    with pytest.raises(UnreadableWorkbook, match=r"future\.xlsx"):
        pipeline.check_workbook(path, today=date(2026, 11, 1))


def test_missing_root_relationships_name_the_file(tmp_path) -> None:
    path = tmp_path / "norels.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UnreadableWorkbook) as raised:
        pipeline.check_workbook(path, today=date(2026, 11, 1))
    # The container is checked before any structure part is parsed: no XML of a file
    # that is no workbook is ever read.
    assert str(raised.value) == (
        "norels.xlsx: is a zip archive, not an Excel workbook (it has no xl/workbook.xml). "
        "Open the goals workbook in Excel, save it as 'Excel Workbook (.xlsx)', and run again.")


def test_a_workbook_with_none_of_the_input_sheets_is_one_line(make_workbook) -> None:
    path = make_workbook({"Budget": [["Month", "Spend"], ["Jan", 10]], "Settings": []},
                         name="budget.xlsx")
    with pytest.raises(UnreadableWorkbook) as raised:
        read_workbook(path)
    assert str(raised.value) == (
        "budget.xlsx is not a goalreport workbook: it has no Reps, Goals or Activity sheet "
        "(its sheets: 'Budget', 'Settings'). Run 'goalreport init NEW.xlsx' for a template, "
        "or add those sheets.")
