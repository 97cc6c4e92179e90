"""An export read in chunks (pure): many plain rows at once, the speed of big files.

``read_export`` takes the rows in chunks: a chunk of plain rows is read here at once, any
other row by ``exports.ExportReader.row``, with the same result.

A chunk of rows is read column by column, each step's answers looked up for a whole
column in the caches ``ExportReader.row`` fills (``map`` over a dict runs in C), so an
export of a million rows costs little more than the csv module's own read of it. Only a
chunk of plain rows is read so: every row as wide as the header, no blank key cell, no
repeated header, record IDs as text never met before, and every step's answer known
without a problem (a cell met for the first time is read on a scratch ``Collector``:
anything said there sends the chunk to ``ExportReader.row``, which says it on the real
one). Otherwise ``read_chunk`` returns False before changing anything, and the chunk is
read row by row; the result is the same either way.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from functools import partial
from itertools import compress, islice, repeat
from typing import TYPE_CHECKING, Any

from goalreport.core.keys import client_key
from goalreport.core.model import OpenDeal
from goalreport.workbook.crm.exports import ExportReader
from goalreport.workbook.crm.outcome import outcome
from goalreport.workbook.crm.places import Places
from goalreport.workbook.crm.rows import (
    OTHER,
    DealRules,
    ExportRow,
    ExportRows,
    Findings,
    owner_rep,
)
from goalreport.workbook.crm.summary import ExportSummary
from goalreport.workbook.crm.terms import plain_cents
from goalreport.workbook.dates import parse_date
from goalreport.workbook.deals import Deal
from goalreport.workbook.table import Collector
from goalreport.workbook.values import ValueProblem, is_blank, parse_text

if TYPE_CHECKING:
    from goalreport.workbook.crm.terms import ExportTerms
    from goalreport.workbook.intake import CreditIntake

#: Rows read at once.
CHUNK = 4096
#: ``Deal`` made from a tuple in C (a named tuple's own ``__new__`` is Python).
_NEW_DEAL = partial(tuple.__new__, Deal)
_DEALS = frozenset({"won", "lost"})


def read_export(export: ExportRows, rules: DealRules, terms: ExportTerms, out: Collector,
                found: Findings, opens: list[OpenDeal] | None = None,
                intake: CreditIntake | None = None
                ) -> tuple[list[Deal], ExportSummary, Places]:
    """The export's won and lost deals (or held meetings), its summary and the places of
    its won deals (``places``); its open deals go to ``opens`` (when given); problems go
    to ``out``. Rows are taken in chunks: a chunk of plain rows is read at once by
    ``fastpath``, any other row by ``ExportReader.row``, with the same result. With
    ``intake`` (split deals, or Credit On invoiced or paid) every row is read row by row,
    so the deals it wants are noted with their Deal ID and dates."""
    reader = ExportReader(export, rules, terms, out, found, opens, intake)
    rows = export.rows
    take = getattr(rows, "take", None) or (lambda count: list(islice(rows, count)))
    row = reader.row
    while chunk := take(CHUNK):
        if not read_chunk(reader, chunk):
            for number, first, values in chunk:
                row(number, first, values)
    return (*reader.finish(), reader.places)


def read_chunk(reader: ExportReader, chunk: list[tuple[int, int, list[Any]]]) -> bool:
    """Read ``chunk`` into ``reader`` at once and return True; False (nothing changed)
    when a row needs ``ExportReader.row``."""
    if reader.fmt.activities or reader.record_col is None or reader.intake is not None:
        return False
    numbers, firsts, rows = zip(*chunk, strict=True)
    export, width, count = reader.export, reader.width, len(chunk)
    if firsts.count(export.first_column) != count or set(map(len, rows)) != {width}:
        return False
    columns = list(zip(*rows, strict=True))
    for index in reader.key_cols:
        if "" in columns[index] or None in columns[index]:
            return False
    if reader.key_cols and reader.header[reader.key_cols[0]] in columns[reader.key_cols[0]]:
        return False  # perhaps a second paste's header
    records = columns[reader.record_col]
    if set(map(type, records)) != {str} or "" in records or \
            list(map(str.strip, records)) != list(records):
        return False
    if len(set(records)) != count or not reader.seen.keys().isdisjoint(records):
        return False  # repeats: said row by row
    said = _answers(reader, columns, rows)
    if said is None:
        return False
    mask = list(map(_DEALS.__contains__, said))
    deal_rows = list(compress(rows, mask))
    kinds = list(compress(said, mask))
    deals = _deals(reader, columns, mask, deal_rows, kinds, list(compress(numbers, mask)))
    if deals is None:
        return False
    # Nothing can fail now: the chunk is counted and its deals kept.
    reader.seen.update(zip(records, repeat(export.label)))
    tally = Counter(said)
    summary = reader.summary
    summary.rows += count
    summary.won += tally["won"]
    summary.lost += tally["lost"]
    summary.open += tally["open"]
    summary.removed += tally["removed"]
    reader.deals.extend(deals)
    if reader.opens is not None and tally["open"]:
        for number, values, answer in zip(numbers, rows, said, strict=True):
            if answer == "open":  # open deals for the pipeline: few, read one by one
                reader.open_row(number, list(values))
    return True


def _column(columns: list[tuple[Any, ...]], indices: list[int]) -> list[Any]:
    """The cache keys of ``indices``' cells for every row (as ``exports._key_of``)."""
    if len(indices) == 1:
        return list(columns[indices[0]])
    return list(zip(*(columns[i] for i in indices), strict=True))


def _scratch() -> tuple[Collector, Findings]:
    return Collector(), Findings()


def _answers(reader: ExportReader, columns: list[tuple[Any, ...]], rows: tuple[Any, ...]
             ) -> list[str] | None:
    """Won, lost, open or removed per row; None when a row's answer is not plain."""
    cache = reader.caches.outcomes
    keys = _column(columns, reader.outcome_cols) if reader.outcome_cols else [None] * len(rows)
    said = list(map(cache.get, keys))
    if None in said:
        for key, values in zip(keys, rows, strict=True):
            if key in cache:
                continue
            out, found = _scratch()
            row = ExportRow(reader.export, 0, values, reader.cols)
            answer = outcome(row, reader.rules, out, found, reader.summary.readings)
            if answer is None or out.errors_seen or found.stages:
                return None
            cache[key] = answer
    return list(map(cache.__getitem__, keys))


def _deals(reader: ExportReader, columns: list[tuple[Any, ...]], mask: list[bool],
           rows: list[Any], kinds: list[str], numbers: list[int]) -> list[Deal] | None:
    """The deals of the won and lost rows; None when one is not plain."""
    if not rows:
        return []
    cols, caches = reader.cols, reader.caches

    def picked(index: int) -> list[Any]:
        return list(compress(columns[index], mask))

    owners = caches.owners
    keys = list(compress(_column(columns, reader.owner_cols), mask))
    reps = list(map(owners.get, keys))
    if None in reps:
        for key, values in zip(keys, rows, strict=True):
            if key not in owners:
                _out, found = _scratch()
                rep_id = owner_rep(ExportRow(reader.export, 0, values, cols), reader.rules,
                                   found)
                if rep_id is None or rep_id == OTHER:
                    return None
                owners[key] = rep_id
        reps = list(map(owners.get, keys))
    if reader.export.named or any(r in cols for r in ("won_date", "lost_date",
                                                      "stage_change_date")):
        return None  # days from several columns: row by row
    if "date" not in cols:
        return None
    days = _days(reader, picked(cols["date"]))
    if days is None:
        return None
    won = list(map("won".__eq__, kinds))
    types: list[str | None] = [None] * len(rows)
    cents: list[int] = [0] * len(rows)
    if True in won:
        terms = reader.terms
        if "currency" in cols and not caches.currencies.issuperset(
                compress(picked(cols["currency"]), won)):
            return None
        if "amount" not in cols:
            return None
        amounts = _amounts(list(compress(picked(cols["amount"]), won)), terms)
        if amounts is None:
            return None
        next_amount = iter(amounts).__next__
        cents = [next_amount() if is_won else 0 for is_won in won]
        if "client_type" in cols:
            raw_types = list(compress(picked(cols["client_type"]), won))
            known = terms.types
            for raw in set(raw_types).difference(known):
                if raw != "":
                    terms.client_type(raw)  # remembers it: its type, or None
            if any(raw != "" and known.get(raw) is None for raw in set(raw_types)):
                return None  # not a type: a problem, said row by row
            next_type = map(known.get, raw_types).__next__
            types = [next_type() if is_won else None for is_won in won]
    clients = [""] * len(rows)
    if "client" in cols:
        raw_clients = picked(cols["client"])
        keys_of = caches.clients
        new = set(raw_clients).difference(keys_of)
        if new and set(map(type, new)) == {str}:  # client_key of text, in C
            keys_of.update(zip(new, map(str.casefold, map(" ".join, map(str.split, new)))))
        for raw in new.difference(keys_of):
            keys_of[raw] = client_key("" if is_blank(raw) else parse_text(raw))
        clients = list(map(keys_of.__getitem__, raw_clients))
    wheres = list(map(reader.prefix.__add__, map(str, numbers)))
    deals = list(map(_NEW_DEAL, zip(reps, days, kinds, types, cents, clients, wheres)))
    if reader.places.cols:
        for deal, values, is_won in zip(deals, rows, won, strict=True):
            if is_won:
                reader.places.note(deal, values)
    return deals


#: A column of money texts each read alike in every locale (``exports.plain_cents``),
#: checked by one match over the column joined by newlines.
_PLAIN_COLUMN = re.compile(r"(?:\d{1,13}(?:[.,]\d{1,2})?\n)*\d{1,13}(?:[.,]\d{1,2})?")


def _amounts(raws: list[Any], terms: ExportTerms) -> list[int] | None:
    """The cents of won deals' amounts; None when one is not a plain amount. Plain texts
    with at most two decimals and 13 digits are exact as floats times 100, rounded."""
    if raws and set(map(type, raws)) == {str}:
        joined = "\n".join(raws)
        if _PLAIN_COLUMN.fullmatch(joined):
            if "," in joined:
                raws = [raw.replace(",", ".") for raw in raws]
            return list(map(round, map(100.0.__mul__, map(float, raws))))
    found: list[int] = []
    for raw in raws:
        cents = plain_cents(raw) if raw.__class__ is str else (
            terms.amounts.get(raw) or terms.number_cents(raw))
        if cents is None:
            return None
        found.append(cents)
    return found


def _days(reader: ExportReader, raws: list[Any]) -> list[date] | None:
    """The close dates (as ``exports._day`` reads them); None when one is not plain."""
    days = reader.caches.days
    keys = [raw[:10] if raw.__class__ is str and len(raw) > 10 and raw[10] in " T"
            and raw[4] == "-" else raw for raw in raws]
    if None in map(days.get, keys):
        for key in set(keys).difference(days):
            if key is None or key == "" or is_blank(key):
                return None
            try:
                days[key] = parse_date(key, reader.rules.locale)
            except ValueProblem:
                return None
    return list(map(days.__getitem__, keys))
