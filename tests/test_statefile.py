"""``guard/statefile.JsonState``, the one class behind the batch state and the send log:
entries saved at once, a size cap, and the two policies for a file or an entry that
cannot be trusted. Real files in tmp_path; the two real users are tested through the
commands in test_shared_inbox.py (start afresh) and test_send_safety.py (stop)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from goalreport.errors import DeliveryError, UnsafePath
from goalreport.guard.safefs import Folder
from goalreport.guard.statefile import JsonState


class Afresh(JsonState):
    name = "afresh.json"
    section = "things"
    format = 2
    limit = 1 << 20
    unreadable = "start afresh"


class Stop(Afresh):
    name = "stop.json"
    unreadable = "stop"
    bad_entry = "stop"
    error = DeliveryError


@pytest.fixture
def folder(tmp_path: Path):
    with Folder.open(tmp_path) as opened:
        yield opened


def test_put_and_drop_are_on_disk_when_they_return(folder: Folder, tmp_path: Path) -> None:
    state = Afresh(folder)
    state.put("a", {"n": 1})
    state.put("b", {"n": 2})
    state.drop("a")
    state.drop("never there")  # nothing to do, nothing written
    assert json.loads((tmp_path / "afresh.json").read_text()) == {
        "format": 2, "things": {"b": {"n": 2}}}
    assert Afresh(folder).get("b") == {"n": 2} and Afresh(folder).get("a") is None
    assert sorted(os.listdir(tmp_path)) == ["afresh.json"]  # no temporary file left


@pytest.mark.parametrize(("content", "why"), [
    # 25 characters: the name json expects is at index 25, column 26, after the end.
    (b"{\"format\": 2, \"things\": {", ("Expecting property name enclosed in double quotes: "
                                        "line 1 column 26 (char 25)")),
    (b"[" * 100_000, "too deeply nested"),
    (b" " * ((1 << 20) + 1), "larger than 1 MiB"),
], ids=["truncated", "deeply nested", "over the cap"])
def test_a_damaged_file_warns_and_starts_afresh_or_stops(folder: Folder, tmp_path: Path,
                                                         content: bytes, why: str) -> None:
    for name in ("afresh.json", "stop.json"):
        (tmp_path / name).write_bytes(content)
    warnings: list[str] = []

    assert Afresh(folder, warn=warnings.append).entries == {}
    assert warnings == [f"{tmp_path / 'afresh.json'} cannot be read ({why})"]
    with pytest.raises(DeliveryError) as stopped:
        Stop(folder)
    assert str(stopped.value) == f"{tmp_path / 'stop.json'} cannot be read ({why})"
    assert (tmp_path / "stop.json").read_bytes() == content  # a stop changes nothing


def test_another_format_is_unknown(folder: Folder, tmp_path: Path) -> None:
    (tmp_path / "afresh.json").write_text('{"format": 1, "things": {}}')
    (tmp_path / "stop.json").write_text('{"format": 2, "things": []}')
    warnings: list[str] = []
    assert Afresh(folder, warn=warnings.append).entries == {}
    assert warnings == [f"{tmp_path / 'afresh.json'} is not in a format this goalreport knows"]
    with pytest.raises(DeliveryError, match="stop.json is not in a format this goalreport"):
        Stop(folder)


def test_a_link_is_not_followed_under_either_policy(folder: Folder, tmp_path: Path) -> None:
    forged = tmp_path / "elsewhere.json"
    forged.write_text('{"format": 2, "things": {"a": {"n": 1}}}')
    for name in ("afresh.json", "stop.json"):
        os.symlink(forged, tmp_path / name)
    warnings: list[str] = []
    assert Afresh(folder, warn=warnings.append).get("a") is None
    assert len(warnings) == 1 and "afresh.json' is a symbolic link" in warnings[0]
    with pytest.raises(UnsafePath, match="stop.json' is a symbolic link"):
        Stop(folder)


def test_an_entry_that_is_not_an_object_is_missing_or_a_stop(folder: Folder,
                                                             tmp_path: Path) -> None:
    text = '{"format": 2, "things": {"good": {"n": 1}, "bad": null}}'
    for name in ("afresh.json", "stop.json"):
        (tmp_path / name).write_text(text)
    assert Afresh(folder).entries == {"good": {"n": 1}}
    with pytest.raises(DeliveryError) as stopped:
        Stop(folder)
    assert str(stopped.value) == (f"{tmp_path / 'stop.json'} cannot be read (the entry "
                                  "'bad' is not a JSON object)")
