"""Report file names: shell- and mail-safe, any
script's letters kept, capped in bytes so that the file can really be created."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goalreport.reports.filenames import MAX_STEM_BYTES, cap_bytes, report_filenames


@pytest.mark.parametrize(("rep_id", "name", "expected"), [
    ("R08", "Harry O'Neill", "R08-Harry-O-Neill"),
    ("R09", 'Ann "The Closer" Lee', "R09-Ann-The-Closer-Lee"),
    ("R10", "Tom & Jerry; $HOME `id`", "R10-Tom-Jerry-HOME-id"),
    ("R11", "Zoë_Ng", "R11-Zoë_Ng"),
    ("R12", "Łukasz Żółć", "R12-Łukasz-Żółć"),
    ("R13", "Анна Петрова", "R13-Анна-Петрова"),
    ("R14", "王小明", "R14-王小明"),
    ("R15", "Ana (East) v2.1", "R15-Ana-East-v2.1"),
    ("R16", "😀 Star 😀", "R16-Star"),
])
def test_file_names_keep_letters_digits_dash_underscore_dot(rep_id, name, expected) -> None:
    assert report_filenames([(rep_id, name)]) == [expected]


@pytest.mark.parametrize("name", ["😀" * 100, "名" * 100, "नमस्ते" * 60, "Ä" * 300])
def test_long_names_fit_the_file_system_in_bytes(tmp_path: Path, name: str) -> None:
    """100 emoji used to give 'File name too long' (80 characters of 4 bytes each); every
    file the renderer writes for the stem (PDF, HTML and their temporaries) must open."""
    stem = report_filenames([("R1", name)])[0]
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES
    assert stem.startswith("R1")
    for file_name in (f"{stem}.pdf", f"{stem}.html", f".{stem}.html.{4_194_304}.tmp"):
        (tmp_path / file_name).write_bytes(b"x")
    assert len(os.listdir(tmp_path)) == 3


def test_byte_cap_never_splits_a_letter_from_its_marks() -> None:
    decomposed = "e\u0301" * 100  # é as e + combining acute: 3 bytes each
    assert cap_bytes(decomposed, 7) == "e\u0301" * 2  # not "é é e" with the accent lost
    assert cap_bytes("名名名", 7) == "名名"  # never half a character
    assert cap_bytes("abc", 3) == "abc"


def test_deduplicated_long_names_stay_within_the_byte_cap() -> None:
    stems = report_filenames([("R1", "名" * 100), ("r1", "名" * 100)])
    assert stems[1].endswith("-2") and stems[0] != stems[1]
    assert all(len(s.encode("utf-8")) <= MAX_STEM_BYTES for s in stems)
