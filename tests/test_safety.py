"""Hostile and broken files end in one clear line, bounded, with the file untouched (SPEC §7).

Every check runs inside ``run_bounded`` with a 256 MB / 30 s cap, so a regression that
lets a bomb through fails the test as a bounded ``UnreadableWorkbook`` about memory or
time instead of hanging or exhausting the machine.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from hostile_files import write_ole

from goalreport.errors import GoalreportError, UnreadableWorkbook
from goalreport.guard.bounded import run_bounded
from goalreport.guard.container import DEFAULT_LIMITS, ZipLimits, check_container, open_part_limited

BOUNDS = {"memory_mb": 256, "seconds": 30}

#: What each corpus file must be refused for (a fragment of its one-line message).
HOSTILE_EXPECTED = {
    "calamine__tests_strict_iso_paths.xlsx": "'Strict Open XML Spreadsheet'",
    "poi__test-data_openxml4j_invalid.xlsx": "is an empty zip archive, not an Excel workbook",
    "poi__test-data_spreadsheet_54764.xlsx": "XML document type declaration",
    "poi__test-data_spreadsheet_SampleSS.strict.xlsx": "'Strict Open XML Spreadsheet'",
    "poi__test-data_spreadsheet_clusterfuzz-testcase-minimized-POIFuzzer-5040805309710336.xlsx":
        "is a Word document, not an Excel workbook",
    "poi__test-data_spreadsheet_clusterfuzz-testcase-minimized-POIXSSFFuzzer-4828727001088000"
    ".xlsx": "is damaged or incomplete",
    "poi__test-data_spreadsheet_clusterfuzz-testcase-minimized-XLSX2CSVFuzzer-5636439151607808"
    ".xlsx": "is damaged or incomplete (its zip directory is missing",
    "poi__test-data_spreadsheet_crash-274d6342e4842d61be0fb48eaadad6208ae767ae.xlsx":
        "is damaged or incomplete",
    "poi__test-data_spreadsheet_poc-shared-strings.xlsx": "more than 32,767 characters",
    "poi__test-data_spreadsheet_poc-xmlbomb-empty.xlsx": "XML document type declaration",
    "poi__test-data_spreadsheet_poc-xmlbomb.xlsx": "XML document type declaration",
    "poi__test-data_spreadsheet_protected_passtika.xlsx": "is password-protected. Open it in Excel",
    "pycalamine__tests_data_empty_file.xlsx": "is empty (0 bytes)",
    "pycalamine__tests_data_password.xlsx": "is password-protected. Open it in Excel",
}
#: A sound container; refusing it (structure protected) is the write-back's job.
HOSTILE_BUT_SOUND = {"poi__test-data_spreadsheet_workbookProtection_workbook_structure_protected.xlsx"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_refused(path: Path, fragment: str, limits: ZipLimits = DEFAULT_LIMITS) -> str:
    """``check_container`` refuses ``path`` with one line naming it and holding ``fragment``;
    the file and its folder are left exactly as they were."""
    before = digest(path)
    listing = sorted(p.name for p in path.parent.iterdir())
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(check_container, path, limits, **BOUNDS)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name}: ")
    assert fragment in message
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == listing
    return message


# --- the shared corpus ----------------------------------------------------------------


def test_every_hostile_corpus_file_is_listed(corpus: Path) -> None:
    names = {p.name for p in (corpus / "hostile").iterdir()}
    assert names == set(HOSTILE_EXPECTED) | HOSTILE_BUT_SOUND


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_corpus_file_is_refused(corpus: Path, tmp_path: Path, name: str) -> None:
    copy = tmp_path / name
    shutil.copyfile(corpus / "hostile" / name, copy)
    assert_refused(copy, HOSTILE_EXPECTED[name])
    assert digest(copy) == digest(corpus / "hostile" / name)


def test_structure_protected_workbook_is_a_sound_container(corpus: Path) -> None:
    for name in HOSTILE_BUT_SOUND:
        run_bounded(check_container, corpus / "hostile" / name, **BOUNDS)


def test_preserve_corpus_passes_except_the_one_with_a_bad_checksum(corpus: Path) -> None:
    refused = {}
    for path in sorted((corpus / "preserve").iterdir()):
        try:
            check_container(path)
        except UnreadableWorkbook as error:
            refused[path.name] = str(error)
    assert list(refused) == ["calamine__tests_issue252.xlsx"]
    assert "part 'xl/_rels/workbook.xml.rels' holds 699 bytes, not the 697 declared" \
        in refused["calamine__tests_issue252.xlsx"]


# --- hand-made files ------------------------------------------------------------------


def rezip(source: Path, target: Path, replace: dict[str, bytes] | None = None,
          add: dict[str, bytes] | None = None) -> Path:
    """Copy the zip ``source`` to ``target`` with parts replaced or added."""
    replace = replace or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def test_a_good_workbook_passes_and_is_untouched(make_workbook) -> None:
    path = make_workbook()
    before = digest(path)
    check_container(path)
    assert digest(path) == before


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableWorkbook, match=r"^nope\.xlsx: no such file\. "):
        check_container(tmp_path / "nope.xlsx")


def test_folder(tmp_path: Path) -> None:
    (tmp_path / "inbox.xlsx").mkdir()
    with pytest.raises(UnreadableWorkbook, match=r"^inbox\.xlsx: is a folder, not a workbook"):
        check_container(tmp_path / "inbox.xlsx")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert_refused(path, "is empty (0 bytes); it was not saved completely")


def test_22_byte_non_zip(tmp_path: Path) -> None:
    path = tmp_path / "junk.xlsx"
    path.write_bytes(bytes(range(200, 222)))
    assert_refused(path, "is not an Excel workbook (it is not a zip archive")


def test_csv_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("Rep ID,Name\nR1,Ana Lima\n", encoding="utf-8")
    message = assert_refused(path, "is a text file (CSV or similar), not an Excel workbook")
    assert message.endswith("save it as 'Excel Workbook (.xlsx)', and run again.")


def test_truncated_zip(make_workbook, tmp_path: Path) -> None:
    data = make_workbook().read_bytes()
    path = tmp_path / "half.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert_refused(path, "is damaged or incomplete (its zip directory is missing")


def test_flipped_byte_in_a_part(make_workbook, tmp_path: Path) -> None:
    source = make_workbook()
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(source.read_bytes())
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:
                                                           info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    path = tmp_path / "flipped.xlsx"
    path.write_bytes(bytes(data))
    assert_refused(path, "is damaged or incomplete (part 'xl/worksheets/sheet1.xml'")


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook-shaped zip with one part of ``megabytes`` MB of zeros (~1000:1)."""
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            for _ in range(megabytes):
                part.write(zeros)
    return path


def test_zip_bomb_refused_by_ratio_before_inflating(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx", 200)
    assert path.stat().st_size < 400_000
    # 64 MB of memory for the check: inflating 200 MB could not even finish.
    before = digest(path)
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(check_container, path, memory_mb=64, seconds=10)
    assert "part 'xl/worksheets/sheet1.xml' is compressed 1,0" in str(caught.value)
    assert "to 1, far more than a real workbook part; refusing it as a possible zip bomb" \
        in str(caught.value)
    assert digest(path) == before


def test_sizes_over_the_limits(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "big.xlsx", 3)
    assert_refused(path, "would unpack to 3 MB, more than the 2 MB limit for one part",
                   ZipLimits(max_entry_bytes=2 * 1024 * 1024, min_inflate_ratio=0))
    assert_refused(path, "would unpack to more than 2 MB; refusing it as a possible zip bomb",
                   ZipLimits(max_total_bytes=2 * 1024 * 1024, min_inflate_ratio=0))


def lie_about_size(path: Path, name: str, declared: int) -> None:
    """Rewrite the uncompressed size of part ``name`` in both zip headers."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while data[central + 46:central + 46 + len(encoded)] != encoded:
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))


def test_lying_sizes_are_caught_by_counting_inflated_bytes(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "liar.xlsx", 20)
    lie_about_size(path, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert_refused(path, "part 'xl/worksheets/sheet1.xml' unpacks to more than the 1,000 "
                         "bytes its zip directory declares; refusing it as a possible zip bomb")


def test_open_part_limited_stops_at_the_limit(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "big.xlsx", 3)
    limits = ZipLimits(max_entry_bytes=1024 * 1024)
    with zipfile.ZipFile(path) as archive, \
            open_part_limited(archive, "xl/worksheets/sheet1.xml", limits) as part:
        assert part.read(1000) == bytes(1000)
        with pytest.raises(UnreadableWorkbook, match="unpacks to more than 1 MB"):
            part.read()


def test_open_part_limited_reads_a_real_part(make_workbook) -> None:
    with zipfile.ZipFile(make_workbook()) as archive, \
            open_part_limited(archive, "xl/workbook.xml") as part:
        text = part.read()
        assert b"<sheet " in text and b'name="Reps"' in text
        assert part.bytes_read == archive.getinfo("xl/workbook.xml").file_size


def test_open_part_limited_reports_a_bad_checksum(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "liar.xlsx", 2)
    lie_about_size(path, "xl/worksheets/sheet1.xml", 1000)
    with zipfile.ZipFile(path) as archive, \
            open_part_limited(archive, "xl/worksheets/sheet1.xml") as part, \
            pytest.raises(UnreadableWorkbook, match="is damaged or incomplete"):
        part.read()


def test_too_many_entries(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        for index in range(60):
            archive.writestr(f"xl/media/image{index}.png", b"")
    assert_refused(path, "has 62 parts inside, more than the 50 goalreport accepts",
                   ZipLimits(max_entries=50))
    check_container(path)  # the default limit of 10,000 lets it through


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n')
EXTERNAL_ENTITY = ('<?xml version="1.0"?>\n<!-- a comment first -->\n'
                   '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n')


@pytest.mark.parametrize(("part", "prefix", "encoding"), [
    ("xl/workbook.xml", BILLION_LAUGHS, "utf-8"),
    ("xl/worksheets/sheet1.xml", EXTERNAL_ENTITY, "utf-8"),
    ("xl/sharedStrings.xml", BILLION_LAUGHS, "utf-16"),
    ("docProps/core.xml", "\ufeff" + BILLION_LAUGHS, "utf-8"),
], ids=["workbook", "sheet-after-comment", "utf16-shared-strings", "bom-core-props"])
def test_xml_entity_attacks_are_refused(make_workbook, tmp_path: Path, part: str,
                                        prefix: str, encoding: str) -> None:
    source = make_workbook()
    with zipfile.ZipFile(source) as archive:
        original = archive.read(part) if part in archive.namelist() else b""
    body = original.split(b"?>", 1)[-1].decode("utf-8") or "<sst/>"
    path = rezip(source, tmp_path / "attack.xlsx", replace={part: (prefix + body).encode(encoding)},
                 add={} if original else {part: (prefix + body).encode(encoding)})
    assert_refused(path, f"part {part!r} contains an XML document type declaration, which "
                         "Excel never writes; refusing it as a possible XML entity attack.")


def test_overlong_xml_prolog_is_refused(make_workbook, tmp_path: Path) -> None:
    prolog = '<?xml version="1.0"?>' + "<!--" + "x" * 70_000 + "-->"
    path = rezip(make_workbook(), tmp_path / "prolog.xlsx",
                 replace={"xl/workbook.xml": (prolog + "<workbook/>").encode()})
    assert_refused(path, "has more than 65,536 bytes before its first XML element")


def test_a_cell_text_longer_than_excel_allows_is_refused(make_workbook, tmp_path: Path) -> None:
    strings = '<?xml version="1.0"?><sst><si><t>' + "ab" * 200_000 + "</t></si></sst>"
    path = rezip(make_workbook(), tmp_path / "strings.xlsx",
                 add={"xl/sharedStrings.xml": strings.encode()})
    assert_refused(path, "part 'xl/sharedStrings.xml' holds a text of more than 32,767 "
                         "characters")


def test_ods_like_zip(tmp_path: Path) -> None:
    path = tmp_path / "calc.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert_refused(path, "is an OpenDocument spreadsheet (.ods). Open it in LibreOffice")


def test_xlsb_like_zip(tmp_path: Path) -> None:
    path = tmp_path / "binary.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    assert_refused(path, "is an Excel Binary Workbook (.xlsb)")


def test_zip_without_workbook_part(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8\xff")
    assert_refused(path, "is a zip archive, not an Excel workbook (it has no xl/workbook.xml)")


def test_ole_helper_writes_a_real_compound_file(tmp_path: Path) -> None:
    import olefile

    path = write_ole(tmp_path / "old.xls", "Workbook", b"\x09\x08" * 2048)
    with olefile.OleFileIO(str(path)) as ole:
        assert ole.listdir() == [["Workbook"]]
        assert ole.openstream("Workbook").read() == b"\x09\x08" * 2048


def test_legacy_xls(tmp_path: Path) -> None:
    path = write_ole(tmp_path / "old.xlsx", "Workbook", bytes(4096))
    assert_refused(path, "is an Excel 97-2003 workbook (.xls). Open it in Excel, save it as "
                         "'Excel Workbook (.xlsx)', and run again.")


def test_other_ole_document(tmp_path: Path) -> None:
    path = write_ole(tmp_path / "letter.xlsx", "WordDocument", bytes(4096))
    assert_refused(path, "is an older Microsoft Office document, not an Excel workbook")


def test_encrypted_workbook_made_with_msoffcrypto(make_workbook, tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with make_workbook().open("rb") as plain:
        OOXMLFile(plain).encrypt("s3cret", encrypted)
    path = tmp_path / "locked.xlsx"
    path.write_bytes(encrypted.getvalue())
    assert_refused(path, "is password-protected. Open it in Excel, save an unprotected copy "
                         "(File › Info › Protect Workbook › Encrypt with Password: clear it), "
                         "and run again.")


def test_goalreports_own_xml_parsing_refuses_an_entity_bomb_too(make_workbook) -> None:
    """The second line of defence, should a part slip past the scan: the structure parts
    goalreport reads itself go through its expat tokenizer, which refuses any document
    type declaration (openpyxl is not used to read)."""
    from goalreport.ooxml.xmledit import Outline

    with zipfile.ZipFile(make_workbook()) as archive:
        body = archive.read("xl/workbook.xml").split(b"?>", 1)[-1].decode()
    with pytest.raises(UnreadableWorkbook) as caught:
        Outline.of(BILLION_LAUGHS + body, None, "xl/workbook.xml")
    assert str(caught.value) == (
        "xl/workbook.xml contains an XML document type declaration, which Excel never "
        "writes; refusing it as a possible XML entity attack.")


def test_limits_from_environment() -> None:
    limits = ZipLimits.from_env({"GOALREPORT_MAX_UNZIPPED_MB": "2048",
                                 "GOALREPORT_MAX_ZIP_ENTRIES": "500",
                                 "GOALREPORT_MIN_INFLATE_RATIO": "0.001"})
    assert limits.max_total_bytes == 2048 * 1024 * 1024
    assert limits.max_entries == 500
    assert limits.min_inflate_ratio == 0.001
    assert limits.max_entry_bytes == DEFAULT_LIMITS.max_entry_bytes
    assert ZipLimits.from_env({}) == DEFAULT_LIMITS
    with pytest.raises(GoalreportError, match=r"GOALREPORT_MAX_PART_MB='lots' is not a positive"):
        ZipLimits.from_env({"GOALREPORT_MAX_PART_MB": "lots"})


# --- through the real reader, as check/run/batch use it -------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_EXPECTED))
def test_hostile_corpus_file_through_the_reader(corpus: Path, tmp_path: Path, name: str) -> None:
    from goalreport.workbook.reader import read_workbook

    copy = tmp_path / name
    shutil.copyfile(corpus / "hostile" / name, copy)
    with pytest.raises(UnreadableWorkbook) as caught:
        run_bounded(read_workbook, copy, **BOUNDS)
    assert "\n" not in str(caught.value)
    assert HOSTILE_EXPECTED[name] in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    assert digest(copy) == digest(corpus / "hostile" / name)
