"""The cell formats of the computed sheets, merged into the workbook's own styles.xml.

Only entries are appended (number formats, one bold font, status fills, cell formats);
nothing existing moves, so every index the user's sheets refer to stays valid. Entries
are matched by their exact text first, so a rerun reuses what the previous run appended
and styles.xml does not grow run after run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from babel import UnknownLocaleError
from babel.numbers import get_currency_precision, get_currency_symbol

from goalreport.core.locales import babel_locale
from goalreport.ooxml import xmledit
from goalreport.ooxml.namespaces import MAIN_NS
from goalreport.ooxml.package import STYLES_NAMES, STYLESHEET_ORDER

#: Fill colours of the statuses (Excel's "Good" / "Neutral" / "Bad" family).
STATUS_FILLS = {
    "Achieved": "FFC6EFCE",
    "On track": "FFC6EFCE",
    "Slightly behind": "FFFFEB9C",
    "At risk": "FFFFD8A8",
    "Behind": "FFFFC7CE",
}
#: Number format codes by column kind (money and dates are built from the locale).
#: "number" (Focus Hours) is General: 29 hours show as 29 and 12.5 as 12.5, not 29.00.
#: "ratio" (pipeline coverage) is a multiple: 2.1 shows as 2.1×. "rate" (a commission
#: rate) keeps up to three decimals of its percent: 2.0%, 2.5%, 0.25%.
FORMAT_CODES = {
    "percent": "0.0%",
    "integer": "#,##0",
    "number": "General",
    "ratio": '0.0"×"',
    "rate": "0.0##%",
}
#: Dates when the locale's pattern cannot be written as an Excel format code.
ISO_DATE = "yyyy-mm-dd"
_BUILTIN = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}

MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def money_format(currency: str, locale: str) -> str:
    """An Excel number format for ``currency`` placed as ``locale`` writes it, e.g.
    ``"$"#,##0.00`` (en_US) or ``#,##0.00" €"`` (de_DE). Excel format codes always use
    ``,`` and ``.``; Excel shows the reader's own separators. Unknown locales fall back to
    en_US, unknown currencies show their code.

    Text for people (reports, sentences) is formatted by ``core.formatting.Formatter``;
    this builds the code Excel formats a number with: the same Babel pattern, another
    output, so two functions."""
    parsed = babel_locale(locale)
    pattern = parsed.currency_formats["standard"].pattern
    try:
        symbol = get_currency_symbol(currency, parsed)
        digits = get_currency_precision(currency)
    except (UnknownLocaleError, ValueError, TypeError):
        symbol, digits = currency, 2
    number = "#,##0" + ("." + "0" * digits if digits else "")
    sections = []
    for section in pattern.split(";")[:2]:
        match = re.search(r"[#0,.]+", section)
        if match is None:
            continue
        prefix, suffix = section[:match.start()], section[match.end():]
        sections.append(_literal(prefix, symbol) + number + _literal(suffix, symbol))
    return ";".join(sections) or number


_LDML = re.compile(r"'([^']*)'|([A-Za-z])\2*|(.)")
_EXCEL_PARTS = {"y": "yyyy", "M": "m", "MM": "mm", "MMM": "mmm", "MMMM": "mmmm",
                "L": "m", "LL": "mm", "LLL": "mmm", "LLLL": "mmmm", "d": "d", "dd": "dd"}


def excel_date_code(pattern: str) -> str | None:
    """A Babel (CLDR) date pattern as an Excel format code: ``dd.MM.yy`` → ``dd\\.mm\\.yyyy``.
    Years always get four digits; separators are escaped so Excel keeps them as written;
    None when the pattern holds a field Excel has no code for (eras, weekdays…)."""
    out = []
    for match in _LDML.finditer(pattern):
        quoted, letter, other = match.group(1), match.group(2), match.group(3)
        if quoted is not None:
            out.append('"' + quoted.replace('"', "") + '"' if quoted else '\\\'')
        elif letter:
            run = match.group(0)
            code = _EXCEL_PARTS.get("y" if letter == "y" else run)
            if code is None:
                return None
            out.append(code)
        elif other.isascii():
            out.append("\\" + other if other != " " else " ")
        else:
            out.append('"' + other + '"')
    return "".join(out)


def date_formats(locale: str) -> dict[str, str]:
    """Excel codes for the locale's short date (4-digit year), its date and time, and
    its month and year (``mmmm yyyy``): the computed sheets' ``date``, ``datetime`` and
    ``month`` cells. Excel writes month names in the reader's own language."""
    parsed = babel_locale(locale)
    short = excel_date_code(parsed.date_formats["short"].pattern) or ISO_DATE
    skeleton = parsed.datetime_skeletons.get("yMMMM")
    month = (excel_date_code(skeleton.pattern) if skeleton is not None else None) or "mmmm yyyy"
    return {"date": short, "datetime": short + " hh:mm", "month": month}


def _literal(part: str, symbol: str) -> str:
    """Pattern text around the number as an Excel literal (the minus sign stays bare)."""
    out = []
    for chunk in re.split(r"(-)", part.replace("¤", symbol)):
        if chunk == "-":
            out.append("-")
        elif chunk:
            out.append('"' + chunk.replace('"', "") + '"')
    return "".join(out)


@dataclass(frozen=True)
class StyleIds:
    """Cell format indexes (``s=``) for each kind of cell the sheets write."""

    body: dict[str, int]
    bold: dict[str, int]
    header: int
    status: dict[str, int]


def merge_styles(document: str | xmledit.Outline, currency: str, locale: str
                 ) -> tuple[str, StyleIds]:
    """``document`` (styles.xml, as text or tokenized once by ``xmledit.Outline``) with the
    computed sheets' formats appended or reused. Every edit refers to the original
    offsets and is made in one pass, so the time is linear in the part's size."""
    outline = document if isinstance(document, xmledit.Outline) else \
        xmledit.Outline.of(document, STYLES_NAMES, "styles.xml")
    edits = xmledit.Edits(outline)
    p = outline.prefix
    codes = dict(FORMAT_CODES, **date_formats(locale), money=money_format(currency, locale),
                 text="General", status="General")

    def entries(container: str, child: str) -> list[str]:
        """The texts of a section's entries, original then appended."""
        node = outline.child(container)
        found = [outline.slice(n) for n in outline.children(child, node)] if node else []
        return found + edits.pending(container)

    def append(container: str, child: str, snippets: list[str]) -> None:
        position = STYLESHEET_ORDER.index(container)
        edits.append(container, snippets, count_child=child, after=STYLESHEET_ORDER[:position],
                     before=STYLESHEET_ORDER[position + 1:])

    def reuse_or_append(container: str, child: str, snippet: str) -> int:
        existing = entries(container, child)
        if snippet in existing:
            return existing.index(snippet)
        append(container, child, [snippet])
        return len(existing)

    numfmt_ids: dict[str, int] = {}
    new_numfmts: list[str] = []
    existing = {}
    numfmts = outline.child("numFmts")
    for element in outline.children("numFmt", numfmts) if numfmts else []:
        values = element.attrs
        if values.get("numFmtId", "").isdigit():
            existing[values.get("formatCode", "")] = int(values["numFmtId"])
    next_id = max([163, *existing.values()]) + 1
    for kind, code in codes.items():
        if code in _BUILTIN:
            numfmt_ids[kind] = _BUILTIN[code]
        elif code in existing:
            numfmt_ids[kind] = existing[code]
        else:
            existing[code] = numfmt_ids[kind] = next_id
            new_numfmts.append(f'<{p}numFmt numFmtId="{next_id}" formatCode={xmledit.attr(code)}/>')
            next_id += 1
    if new_numfmts:
        append("numFmts", "numFmt", new_numfmts)

    fonts = entries("fonts", "font")
    if not fonts:  # a font 0 must exist: every format below refers to it
        fonts = [f'<{p}font><{p}sz val="11"/><{p}name val="Calibri"/></{p}font>']
        append("fonts", "font", fonts)
    bold_id = reuse_or_append("fonts", "font", _bold(fonts[0], p))

    fills = entries("fills", "fill")
    if len(fills) < 2:  # indexes 0 and 1 are reserved by Excel (none, gray125)
        reserved = [f'<{p}fill><{p}patternFill patternType="none"/></{p}fill>',
                    f'<{p}fill><{p}patternFill patternType="gray125"/></{p}fill>']
        append("fills", "fill", reserved[len(fills):])
    fill_ids = {}
    for status, rgb in STATUS_FILLS.items():
        snippet = (f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{rgb}"/>'
                   f'<{p}bgColor indexed="64"/></{p}patternFill></{p}fill>')
        fill_ids[status] = reuse_or_append("fills", "fill", snippet)

    has_style_xfs = bool(entries("cellStyleXfs", "xf"))

    def xf(numfmt: int, font: int, fill: int) -> int:
        parent = ' xfId="0"' if has_style_xfs else ""
        snippet = (f'<{p}xf numFmtId="{numfmt}" fontId="{font}" fillId="{fill}" borderId="0"'
                   f'{parent} applyNumberFormat="1" applyFont="1" applyFill="1"/>')
        return reuse_or_append("cellXfs", "xf", snippet)

    body = {kind: xf(numfmt_ids[kind], 0, 0) for kind in codes}
    bold = {kind: xf(numfmt_ids[kind], bold_id, 0) for kind in codes}
    status_ids = {name: xf(0, 0, fill) for name, fill in fill_ids.items()}
    return edits.apply(), StyleIds(body=body, bold=bold, header=bold["text"], status=status_ids)


def _bold(font: str, p: str) -> str:
    """The workbook's default font with bold switched on."""
    if xmledit.Outline.of(font, {"b"}).children("b"):
        return font
    if font.endswith("/>"):
        return font[:-2].rstrip() + f"><{p}b/></{p}font>"
    start, rest = font.split(">", 1)
    return f"{start}><{p}b/>{rest}"
