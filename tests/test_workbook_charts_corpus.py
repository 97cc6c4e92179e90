"""Native charts on real-world workbooks: every workbook of the shared corpus (several with
charts of their own) keeps every part byte for byte beside goalreport's new charts, which
take free part numbers, and openxml-audit finds no new error in any of them."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from chart_helpers import audit_errors, charted_summary, charts_of
from conftest import SHARED_CORPUS
from writeback_helpers import entry, zip_parts

from goalreport.writeback import write_computed_sheets

pytestmark = pytest.mark.slow  # every test here is slow (see pyproject)

PRESERVE = SHARED_CORPUS / "preserve"
CORPUS = sorted(p.name for p in PRESERVE.iterdir()) if PRESERVE.is_dir() else ["(absent)"]
#: The parts a write-back may change (it adds elements and keeps all others).
CHANGED = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml",
           "xl/styles.xml"}


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_keeps_every_part_beside_new_charts(corpus: Path, tmp_path: Path,
                                                   name: str) -> None:
    """Every real-world workbook (several with charts of their own) keeps every part
    byte for byte; the new charts take free part numbers; a re-run adds nothing."""
    source = corpus / "preserve" / name
    with zipfile.ZipFile(source) as archive:
        if archive.testzip() is not None:
            pytest.skip(f"{name} is damaged; test_writeback_corpus checks it is refused")
    path = tmp_path / name
    shutil.copy(source, path)
    write_computed_sheets(path, [charted_summary()], run_log=entry(), currency="USD",
                          locale="en_US")
    before, after = zip_parts(source), zip_parts(path)
    for part, data in before.items():
        assert part in after, f"{part} lost"
        if part not in CHANGED:
            assert after[part] == data, f"{part} changed"
    added = sorted(set(after) - set(before))
    assert len([p for p in added if re.fullmatch(r"xl/charts/chart\d+\.xml", p)]) == 2
    assert len([p for p in added if re.fullmatch(r"xl/drawings/drawing\d+\.xml", p)]) == 1
    assert len(charts_of(path)) == 2
    write_computed_sheets(path, [charted_summary()], run_log=entry(), currency="USD",
                          locale="en_US")
    assert sorted(zip_parts(path)) == sorted(after)


@pytest.mark.parametrize("name", CORPUS)
def test_openxml_audit_finds_nothing_new_in_corpus_files(corpus: Path, tmp_path: Path,
                                                         name: str) -> None:
    path = tmp_path / name
    shutil.copy(corpus / "preserve" / name, path)
    with zipfile.ZipFile(path) as archive:
        if archive.testzip() is not None:
            pytest.skip(f"{name} is damaged; test_writeback_corpus checks it is refused")
    write_computed_sheets(path, [charted_summary()], run_log=entry(), currency="USD",
                          locale="en_US")
    assert audit_errors(path) - audit_errors(corpus / "preserve" / name) == set()
