"""XML parts are edited at offsets found by expat, never by regexes: a regular expression
over the text took a comment or a CDATA section that looks like markup for an element
(and took ~50 s on 20,000 such comments).

Comments and CDATA sections that look like markup must never be matched, and the time
must stay linear in the part's size.
"""

from __future__ import annotations

import resource
from pathlib import Path

import openpyxl
import pytest
from test_safety import rezip
from writeback_helpers import entry, plan_table, zip_parts

from goalreport.errors import UnreadableWorkbook
from goalreport.ooxml.package import inspect_package
from goalreport.ooxml.xmledit import Edits, Outline
from goalreport.workbook.reader import read_workbook
from goalreport.writeback import input_fingerprint, write_computed_sheets

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def write(path: Path) -> None:
    write_computed_sheets(path, [plan_table()], run_log=entry(), currency="USD",
                          locale="en_US")


def cpu_seconds() -> float:
    """CPU time of this process and of the children it reaped (a bounded reader's): a
    loaded machine does not move it, as it moves the clock."""
    return sum(usage.ru_utime + usage.ru_stime for usage in
               map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)))


def with_workbook_xml(path: Path, edit) -> Path:  # type: ignore[no-untyped-def]
    """``path`` rewritten with ``edit(workbook.xml text)`` as its workbook.xml."""
    text = zip_parts(path)["xl/workbook.xml"].decode()
    return rezip(path, path.with_name("edited.xlsx"), {"xl/workbook.xml": edit(text).encode()})


def test_20000_comments_that_look_like_defined_names_write_in_linear_time(make_workbook):
    comments = "<!--<definedNames>-->" * 20_000
    path = with_workbook_xml(make_workbook(), lambda t: t.replace("<sheets>", comments + "<sheets>"))
    started = cpu_seconds()
    write(path)
    elapsed = cpu_seconds() - started
    assert elapsed < 10, f"write-back took {elapsed:.1f} s of CPU (the regex version ~50 s)"
    text = zip_parts(path)["xl/workbook.xml"].decode()
    assert text.count("<!--<definedNames>-->") == 20_000  # every byte of them kept
    # The markers went into a real <definedNames> element, after the comments and sheets.
    real = text.index("<definedNames>", text.rindex("-->"))
    assert text.index('name="_goalreport"') > real
    assert openpyxl.load_workbook(path).sheetnames[-1] == "Run Log"


def test_comment_naming_a_prefixed_root_does_not_change_the_prefix(make_workbook):
    path = with_workbook_xml(
        make_workbook(), lambda t: t.replace("<workbook ", "<!-- <x:workbook > --><workbook ", 1))
    write(path)
    text = zip_parts(path)["xl/workbook.xml"].decode()
    assert "<!-- <x:workbook > -->" in text and "<x:sheet" not in text
    assert '<sheet name="Plan"' in text
    # goalreport reads what it wrote, and so do openpyxl and its own structure reader.
    assert [s.name for s in inspect_package(path).sheets][-2:] == ["Plan", "Run Log"]
    assert openpyxl.load_workbook(path).sheetnames[-2:] == ["Plan", "Run Log"]
    read_workbook(path)


def test_cdata_and_comments_inside_defined_names_are_text_not_markup(make_workbook):
    names = ('<definedNames><!-- </definedNames> --><definedName name="Target">'
             '<![CDATA[Reps!$A$1]]></definedName></definedNames>')
    path = with_workbook_xml(make_workbook(), lambda t: t.replace("<definedNames />", names))
    info = inspect_package(path)
    assert [(n.name, n.text) for n in info.defined_names] == [("Target", "Reps!$A$1")]
    before = input_fingerprint(path)
    write(path)
    text = zip_parts(path)["xl/workbook.xml"].decode()
    assert text.count("</definedNames>") == 2 and "<![CDATA[Reps!$A$1]]>" in text
    assert text.index('name="_goalreport"') > text.index("<![CDATA[")
    assert input_fingerprint(path) == before  # our names are not the user's input
    assert openpyxl.load_workbook(path).defined_names["Target"].attr_text == "Reps!$A$1"


def test_prefixed_parts_keep_their_prefix_and_bindings() -> None:
    document = (f'<?xml version="1.0"?>\n<x:workbook xmlns:x="{MAIN}" xmlns:mc="m" '
                'mc:Ignorable="x15"><x:sheets><x:sheet name="A" sheetId="1"/></x:sheets>'
                '<x:calcPr calcId="1"/></x:workbook>')
    name = '<x:definedName name="n">1</x:definedName>'
    edits = Edits(Outline.of(document, {"definedNames", "sheets", "calcPr"}))
    edits.append("definedNames", [name], after=("sheets",), before=("calcPr",))
    out = edits.apply()
    assert out == document.replace("<x:calcPr", '<x:definedNames><x:definedName name="n">1'
                                   '</x:definedName></x:definedNames><x:calcPr')


def test_counts_updated_and_self_closing_containers_opened() -> None:
    document = '<s><fonts count="1"><font/></fonts><fills/></s>'
    outline = Outline.of(document)
    edits = Edits(outline)
    edits.append("fonts", ["<font><b/></font>"], count_child="font")
    edits.append("fills", ["<fill/>"], count_child="fill")
    edits.append("fonts", ["<font><i/></font>"], count_child="font")
    assert edits.apply() == ('<s><fonts count="3"><font/><font><b/></font><font><i/></font>'
                             '</fonts><fills count="1"><fill/></fills></s>')


def test_attribute_values_with_angle_brackets_and_entities() -> None:
    tag = Outline.of('<Override PartName="/a&amp;b.xml" Note="1>2" r:id=\'x\'/>').root
    assert tag.attrs == {"PartName": "/a&b.xml", "Note": "1>2", "r:id": "x"}
    outline = Outline.of('<r><a v="x/>y"></a><a v="z"/></r>')
    first, second = outline.children("a")
    assert (first.empty, outline.slice(first)) == (False, '<a v="x/>y"></a>')
    assert (second.empty, outline.slice(second)) == (True, '<a v="z"/>')


def test_multibyte_text_keeps_byte_offsets_right() -> None:
    document = '<r><!-- été <a/> --><a n="Zoë"/>ü</r>'
    edits = Edits(Outline.of(document))
    edits.append(None, ["<a n='ñ'/>"])
    assert edits.apply() == '<r><!-- été <a/> --><a n="Zoë"/>ü<a n=\'ñ\'/></r>'


def test_a_document_type_declaration_is_refused() -> None:
    with pytest.raises(UnreadableWorkbook, match="document type declaration"):
        Outline.of('<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>', part="xl/workbook.xml")


def test_one_megabyte_of_comments_tokenizes_fast() -> None:
    document = "<r>" + "<!--<x:a>-->" * 90_000 + "<a/></r>"
    started = cpu_seconds()
    outline = Outline.of(document, {"a"})
    assert cpu_seconds() - started < 2
    assert [outline.slice(n) for n in outline.children("a")] == ["<a/>"]


def test_only_asked_for_elements_are_kept() -> None:
    document = "<r>" + "<junk/>" * 10_000 + "<sheets><sheet/><junk/></sheets></r>"
    outline = Outline.of(document, {"sheets", "sheet"})
    assert [n.name for n in outline.nodes] == ["r", "sheets", "sheet"]


def test_markup_in_comments_is_no_prefix_no_child_and_no_place_to_append() -> None:
    document = ('<!-- <x:Types> --><Types xmlns="ct"><!-- <Override PartName="/no"/> -->'
                '<Override PartName="/a"/><Default Extension="xml"/></Types>')
    outline = Outline.of(document, {"Override"})
    assert (outline.root.local, outline.prefix) == ("Types", "")
    assert [outline.slice(n) for n in outline.children("Override")] == [
        '<Override PartName="/a"/>']
    edits = Edits(outline)
    edits.append(None, ['<Override PartName="/b"/>'])
    assert edits.apply() == document.replace("</Types>", '<Override PartName="/b"/></Types>')
